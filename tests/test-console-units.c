/* test-console-units.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The console's pieces that need no display and no guest: clipboard text
 * conversions, key combinations and VNC's key numbers, and how a display
 * is reached from a connection's URI.
 */

#include "config.h"

#include <linux/input-event-codes.h>
#include <string.h>

#include "hangar-clipboard.h"
#include "hangar-console-target.h"
#include "hangar-keymap.h"

static void
test_clipboard_from_guest (void)
{
  static const guint8 windows[] = "line one\r\nline two\r\n\0\0";
  static const guint8 invalid[] = { 'a', 0xff, 'b', 0xc3 };
  g_autofree char *text = NULL;

  /* A Windows agent's text: CRLF line ends and the NUL counted in. */
  text = hangar_clipboard_from_guest (windows, sizeof windows);
  g_assert_cmpstr (text, ==, "line one\nline two\n");
  g_clear_pointer (&text, g_free);

  /* Not UTF-8: replaced, never passed on. */
  text = hangar_clipboard_from_guest (invalid, sizeof invalid);
  g_assert_true (g_utf8_validate (text, -1, NULL));
  g_assert_cmpstr (text, ==, "a\xef\xbf\xbd" "b\xef\xbf\xbd");
  g_clear_pointer (&text, g_free);

  text = hangar_clipboard_from_guest ((const guint8 *) "old\rmac", 7);
  g_assert_cmpstr (text, ==, "old\nmac");
  g_clear_pointer (&text, g_free);

  text = hangar_clipboard_from_guest (NULL, 0);
  g_assert_cmpstr (text, ==, "");
}

static void
test_clipboard_to_guest (void)
{
  g_autofree char *crlf = NULL;
  g_autofree char *lf = NULL;
  gsize length = 0;

  crlf = hangar_clipboard_to_guest ("a\nb\r\nc", TRUE, &length);
  g_assert_cmpstr (crlf, ==, "a\r\nb\r\nc");
  g_assert_cmpuint (length, ==, strlen ("a\r\nb\r\nc"));

  lf = hangar_clipboard_to_guest ("a\r\nb\nc ✓", FALSE, &length);
  g_assert_cmpstr (lf, ==, "a\nb\nc ✓");
  g_assert_cmpuint (length, ==, strlen ("a\nb\nc ✓"));
}

static void
test_clipboard_latin1 (void)
{
  static const guint8 from_vnc[] = { 'c', 'a', 'f', 0xe9, '\r', '\n', 0, '!' };
  g_autofree char *utf8 = NULL;
  g_autofree char *latin1 = NULL;
  gsize length = 0;

  utf8 = hangar_clipboard_from_latin1 (from_vnc, sizeof from_vnc);
  g_assert_cmpstr (utf8, ==, "café\n!");

  latin1 = hangar_clipboard_to_latin1 ("café ✓\r\n", &length);
  g_assert_cmpuint (length, ==, 7);
  g_assert_cmpmem (latin1, length, "caf\xe9 ?\n", 7);
}

static void
test_combos (void)
{
  unsigned codes[HANGAR_KEYMAP_MAX_COMBO];

  g_assert_cmpuint (hangar_keymap_combo_from_name ("ctrl-alt-del", codes), ==, 3);
  g_assert_cmpuint (codes[0], ==, hangar_keymap_evdev_to_xt (KEY_LEFTCTRL));
  g_assert_cmpuint (codes[1], ==, hangar_keymap_evdev_to_xt (KEY_LEFTALT));
  g_assert_cmpuint (codes[2], ==, 0x153);

  g_assert_cmpuint (hangar_keymap_combo_from_name ("ctrl-alt-backspace", codes), ==, 3);
  g_assert_cmpuint (codes[2], ==, 0x0e);

  for (unsigned i = 1; i <= 12; i++)
    {
      g_autofree char *name = g_strdup_printf ("ctrl-alt-f%u", i);

      g_assert_cmpuint (hangar_keymap_combo_from_name (name, codes), ==, 3);
      g_assert_cmpuint (codes[2], ==, hangar_keymap_evdev_to_xt (i <= 10 ? KEY_F1 + i - 1
                                                                         : KEY_F11 + i - 11));
    }

  g_assert_cmpuint (hangar_keymap_combo_from_name ("print", codes), ==, 1);
  g_assert_cmpuint (codes[0], ==, 0x137);

  g_assert_cmpuint (hangar_keymap_combo_from_name ("ctrl-alt-f13", codes), ==, 0);
  g_assert_cmpuint (hangar_keymap_combo_from_name ("ctrl-alt-f1x", codes), ==, 0);
  g_assert_cmpuint (hangar_keymap_combo_from_name ("alt-f4", codes), ==, 0);
  g_assert_cmpuint (hangar_keymap_combo_from_name (NULL, codes), ==, 0);
}

static void
test_qnum (void)
{
  /* QEMU's numbering, as its VNC server decodes extended key events. */
  g_assert_cmpuint (hangar_keymap_xt_to_qnum (0x1e), ==, 0x1e);
  g_assert_cmpuint (hangar_keymap_xt_to_qnum (0x148), ==, 0xc8);
  g_assert_cmpuint (hangar_keymap_xt_to_qnum (0x138), ==, 0xb8);
  g_assert_cmpuint (hangar_keymap_xt_to_qnum (HANGAR_KEYMAP_XT_PAUSE), ==, 0xc6);
  g_assert_cmpuint (hangar_keymap_xt_to_qnum (0), ==, 0);

  /* Every key the map knows has a number, and no two share one. */
  {
    g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);

    for (unsigned evdev = 0; evdev < KEY_CNT; evdev++)
      {
        unsigned xt = hangar_keymap_evdev_to_xt (evdev);
        unsigned qnum = hangar_keymap_xt_to_qnum (xt);

        if (xt == 0)
          continue;
        g_assert_cmpuint (qnum, !=, 0);
        g_assert_false (g_hash_table_contains (seen, GUINT_TO_POINTER (qnum)));
        g_hash_table_add (seen, GUINT_TO_POINTER (qnum));
      }
  }
}

static void
test_target_local (void)
{
  g_autoptr(HangarConsoleTarget) fd = NULL;
  g_autoptr(HangarConsoleTarget) direct = NULL;
  g_autoptr(GError) error = NULL;

  fd = hangar_console_target_new ("qemu:///embed?root=/tmp/x", TRUE, FALSE, "127.0.0.1",
                                  "5900", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fd->method, ==, HANGAR_TARGET_FD);

  direct = hangar_console_target_new ("qemu:///system", TRUE, TRUE, "0.0.0.0", "5901", "-1",
                                      &error);
  g_assert_no_error (error);
  g_assert_cmpint (direct->method, ==, HANGAR_TARGET_DIRECT);
  g_assert_cmpstr (direct->host, ==, "127.0.0.1");
  g_assert_cmpstr (direct->port, ==, "5901");
  g_assert_null (direct->tls_port);
}

static void
test_target_ssh (void)
{
  g_autoptr(HangarConsoleTarget) target = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *command = NULL;

  target = hangar_console_target_new ("qemu+ssh://alice@vmhost.example:2222/system", FALSE,
                                      FALSE, "127.0.0.1", "5905", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (target->method, ==, HANGAR_TARGET_SSH);
  command = g_strjoinv (" ", target->ssh_argv);
  g_assert_cmpstr (command, ==,
                   "ssh -o BatchMode=yes -p 2222 -l alice -W 127.0.0.1:5905 -- vmhost.example");
  g_clear_pointer (&command, g_free);
  g_clear_pointer (&target, hangar_console_target_free);

  /* Listening everywhere on the host: reached through the host's own
   * loopback, over IPv6 too. */
  target = hangar_console_target_new ("qemu+ssh://vmhost/system", FALSE, FALSE, "::1", NULL,
                                      "5906", &error);
  g_assert_no_error (error);
  command = g_strjoinv (" ", target->ssh_argv);
  g_assert_cmpstr (command, ==, "ssh -o BatchMode=yes -W [::1]:5906 -- vmhost");
  g_assert_null (target->port);
  g_assert_cmpstr (target->tls_port, ==, "5906");
}

static void
test_target_tcp (void)
{
  g_autoptr(HangarConsoleTarget) target = NULL;
  g_autoptr(GError) error = NULL;

  target = hangar_console_target_new ("qemu+tcp://vmhost:16509/system", FALSE, FALSE,
                                      "0.0.0.0", "5900", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (target->method, ==, HANGAR_TARGET_DIRECT);
  g_assert_cmpstr (target->host, ==, "vmhost");
  g_clear_pointer (&target, hangar_console_target_free);

  target = hangar_console_target_new ("qemu+tls://vmhost/system", FALSE, FALSE,
                                      "192.0.2.7", "5900", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (target->host, ==, "192.0.2.7");
  g_clear_pointer (&target, hangar_console_target_free);

  /* Only the host itself can reach it, and there is no tunnel. */
  target = hangar_console_target_new ("qemu+tcp://vmhost/system", FALSE, FALSE, "127.0.0.1",
                                      "5900", NULL, &error);
  g_assert_null (target);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE);
  g_assert_nonnull (strstr (error->message, "qemu+ssh://"));
  g_clear_error (&error);

  /* No port: a display libvirt has not given one (autoport on a stopped
   * domain, or a UNIX socket). */
  target = hangar_console_target_new ("qemu+tcp://vmhost/system", FALSE, FALSE, NULL, "-1",
                                      NULL, &error);
  g_assert_null (target);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/hangar/console-units/clipboard/from-guest", test_clipboard_from_guest);
  g_test_add_func ("/hangar/console-units/clipboard/to-guest", test_clipboard_to_guest);
  g_test_add_func ("/hangar/console-units/clipboard/latin1", test_clipboard_latin1);
  g_test_add_func ("/hangar/console-units/keys/combos", test_combos);
  g_test_add_func ("/hangar/console-units/keys/qnum", test_qnum);
  g_test_add_func ("/hangar/console-units/target/local", test_target_local);
  g_test_add_func ("/hangar/console-units/target/ssh", test_target_ssh);
  g_test_add_func ("/hangar/console-units/target/tcp", test_target_tcp);

  return g_test_run ();
}
