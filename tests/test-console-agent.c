/* test-console-agent.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The console's features that need the SPICE agent in the guest: the
 * guest's screen following the window's size, and the clipboard both
 * ways.  The guest is a Debian system with Xorg and spice-vdagent, built
 * by tests/agent-guest/build-agent-guest.sh, which takes minutes and the
 * Debian archive: the test runs when HANGAR_AGENT_GUEST names its folder,
 * and is skipped otherwise (as in CI).
 *
 * FIXME: the guest the script builds boots to its serial shell and shows
 * its screen, but its agent has not been seen to connect yet (the wait in
 * /hangar/console-agent/start times out), so guest resize and the
 * clipboard through the agent are not yet checked end to end: the next
 * step is to read /tmp/xorg.log, /tmp/vdagentd.log and /tmp/vdagent.log
 * in the guest over its serial shell.
 */

#include "config.h"

#include <adwaita.h>
#include <gdk/x11/gdkx.h>
#include <gio/gunixsocketaddress.h>
#include <math.h>
#include <signal.h>
#include <string.h>

#include "hangar-connection.h"
#include "hangar-console-view.h"
#include "hangar-event-loop.h"
#include "hangar-test-loop.h"
#include "hangar-test-root.h"

static struct
{
  char              *root;
  HangarConnection  *connection;
  HangarDomain      *domain;
  GtkWindow         *window;
  HangarConsoleView *view;
  HangarDisplay     *display;
  GSocketConnection *serial;
  GSource           *serial_source;
  GString           *serial_log;
  unsigned           marks;
} agent;

static volatile pid_t qemu_pid;

static void
kill_qemu_handler (int signum)
{
  if (qemu_pid > 0)
    kill (qemu_pid, SIGKILL);
  signal (signum, SIG_DFL);
  raise (signum);
}

typedef struct
{
  gboolean      done;
  gboolean      ok;
  GError       *error;
  HangarDomain *domain;
  char         *text;
} Call;

static gboolean
call_done (gpointer data)
{
  return ((Call *) data)->done;
}

static void
open_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Call *call = user_data;

  call->ok = hangar_connection_open_finish (HANGAR_CONNECTION (source), result, &call->error);
  call->done = TRUE;
}

static void
define_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Call *call = user_data;

  call->domain = hangar_connection_define_finish (HANGAR_CONNECTION (source), result,
                                                  &call->error);
  call->done = TRUE;
}

static void
start_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Call *call = user_data;

  call->ok = hangar_domain_start_finish (HANGAR_DOMAIN (source), result, &call->error);
  call->done = TRUE;
}

static void
force_off_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Call *call = user_data;

  call->ok = hangar_domain_force_off_finish (HANGAR_DOMAIN (source), result, &call->error);
  call->done = TRUE;
}

static void
undefine_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Call *call = user_data;

  call->ok = hangar_domain_undefine_finish (HANGAR_DOMAIN (source), result, &call->error);
  call->done = TRUE;
}

/* The guest's serial shell */

static gboolean
serial_readable_cb (GObject  *stream,
                    gpointer  user_data)
{
  char buffer[4096];
  gssize n;

  for (;;)
    {
      n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (stream), buffer,
                                                    sizeof buffer, NULL, NULL);
      if (n <= 0)
        break;
      g_string_append_len (agent.serial_log, buffer, n);
    }

  return n == 0 ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

static void
connect_serial (void)
{
  g_autofree char *path = g_build_filename (agent.root, "serial", NULL);
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketAddress) address = g_unix_socket_address_new (path);
  g_autoptr(GError) error = NULL;
  GInputStream *input;

  agent.serial = g_socket_client_connect (client, G_SOCKET_CONNECTABLE (address), NULL, &error);
  g_assert_no_error (error);
  input = g_io_stream_get_input_stream (G_IO_STREAM (agent.serial));
  agent.serial_source = g_pollable_input_stream_create_source (G_POLLABLE_INPUT_STREAM (input),
                                                               NULL);
  g_source_set_callback (agent.serial_source, G_SOURCE_FUNC (serial_readable_cb), NULL, NULL);
  g_source_attach (agent.serial_source, NULL);
}

typedef struct
{
  const char *needle;
  gsize       from;
} SerialWait;

static gboolean
serial_has (gpointer data)
{
  SerialWait *wait = data;

  return strstr (agent.serial_log->str + wait->from, wait->needle) != NULL;
}

/* Runs @command in the guest; returns where its output starts. */
static gsize
serial_run (const char *command)
{
  unsigned mark = ++agent.marks;
  g_autofree char *line = g_strdup_printf ("%s; echo mark-$((%u+1000))\n", command, mark);
  g_autofree char *needle = g_strdup_printf ("mark-%u", mark + 1000);
  SerialWait wait = { needle, agent.serial_log->len };
  GOutputStream *output = g_io_stream_get_output_stream (G_IO_STREAM (agent.serial));
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all (output, line, strlen (line), NULL, NULL, &error);
  g_assert_no_error (error);
  hangar_test_wait_until (serial_has, &wait, 60, needle);

  return wait.from;
}

/* VAR=value printed by the guest after @from. */
static char *
serial_value (gsize       from,
              const char *var)
{
  g_autofree char *prefix = g_strdup_printf ("%s=", var);
  const char *found = agent.serial_log->str + from;

  while ((found = strstr (found, prefix)) != NULL)
    {
      const char *value = found + strlen (prefix);
      gsize length = strcspn (value, "\r\n ;");

      if (length > 0 && value[0] != '$')
        return g_strndup (value, length);
      found = value;
    }

  return NULL;
}

/* Setting up */

static char *
agent_xml (void)
{
  const char *dir = g_getenv ("HANGAR_AGENT_GUEST");
  g_autofree char *serial = g_build_filename (agent.root, "serial", NULL);

  return g_strdup_printf (
    "<domain type='qemu'><name>console-agent</name><memory unit='MiB'>2048</memory>"
    "<vcpu>1</vcpu><os><type arch='x86_64' machine='pc'>hvm</type>"
    "<kernel>%s/vmlinuz</kernel><initrd>%s/initramfs.cpio.gz</initrd>"
    "<cmdline>console=tty0 console=ttyS0 quiet</cmdline></os>"
    "<features><acpi/></features><on_poweroff>destroy</on_poweroff>"
    "<devices><input type='tablet' bus='usb'/>"
    "<graphics type='spice' autoport='yes'><listen type='address' address='127.0.0.1'/>"
    "</graphics><channel type='spicevmc'><target type='virtio' name='com.redhat.spice.0'/>"
    "</channel><video><model type='qxl'/></video>"
    "<serial type='unix'><source mode='bind' path='%s'/><target port='0'/></serial>"
    "<memballoon model='none'/></devices></domain>", dir, dir, serial);
}

static gboolean
console_has_frames (gpointer data)
{
  HangarDisplay *display = hangar_console_view_get_display (agent.view);

  return hangar_console_view_get_state (agent.view) == HANGAR_CONSOLE_STATE_CONNECTED &&
         display != NULL && hangar_display_get_frames (display) > 0;
}

static gboolean
agent_connected (gpointer data)
{
  HangarDisplaySession *session = hangar_display_get_session (agent.display);

  return session != NULL && hangar_display_session_get_agent_connected (session);
}

static void
test_start (void)
{
  g_autoptr(HangarDomainDoc) doc = NULL;
  g_autofree char *xml = agent_xml ();
  g_autofree char *pid_path = NULL;
  g_autofree char *pid_text = NULL;
  Call call = { 0 };
  SerialWait ready = { "hangar agent guest ready", 0 };

  hangar_connection_open_async (agent.connection, NULL, open_cb, &call);
  hangar_test_wait_until (call_done, &call, 120, "the embedded driver to open");
  g_assert_no_error (call.error);

  doc = hangar_domain_doc_new_from_string (xml, -1, "agent.xml", &call.error);
  g_assert_no_error (call.error);
  memset (&call, 0, sizeof call);
  hangar_connection_define_async (agent.connection, doc, NULL, define_cb, &call);
  hangar_test_wait_until (call_done, &call, 60, "the guest to be defined");
  g_assert_no_error (call.error);
  agent.domain = call.domain;

  agent.window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (agent.window, 900, 640);
  agent.view = HANGAR_CONSOLE_VIEW (hangar_console_view_new ());
  gtk_window_set_child (agent.window, GTK_WIDGET (agent.view));
  hangar_console_view_set_domain (agent.view, agent.domain);
  gtk_window_present (agent.window);

  memset (&call, 0, sizeof call);
  hangar_domain_start_async (agent.domain, NULL, start_cb, &call);
  hangar_test_wait_until (call_done, &call, 120, "the guest to start");
  g_assert_no_error (call.error);

  pid_path = g_build_filename (agent.root, "run", "qemu", "console-agent.pid", NULL);
  if (g_file_get_contents (pid_path, &pid_text, NULL, NULL))
    {
      qemu_pid = (pid_t) g_ascii_strtoll (pid_text, NULL, 10);
      signal (SIGABRT, kill_qemu_handler);
      signal (SIGTRAP, kill_qemu_handler);
    }

  connect_serial ();
  hangar_test_wait_until (console_has_frames, NULL, 300, "the first frame on the console");
  agent.display = hangar_console_view_get_display (agent.view);
  hangar_test_wait_until (serial_has, &ready, 600, "the agent guest to be ready");
  hangar_test_wait_until (agent_connected, NULL, 300, "the SPICE agent to connect");
}

typedef struct
{
  int width;
  int height;
} Size;

static gboolean
guest_follows (gpointer data)
{
  Size *wanted = data;

  return abs (hangar_display_get_guest_width (agent.display) - wanted->width) <= 8 &&
         abs (hangar_display_get_guest_height (agent.display) - wanted->height) <= 8;
}

/* The guest's screen takes the display's size, through the agent, and
 * follows it when the window changes; the guest's own X server says so. */
static void
test_resize (void)
{
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (agent.display));
  Size wanted;
  gsize from;
  g_autofree char *mode = NULL;

  g_assert_true (hangar_display_get_resize_guest (agent.display));

  wanted.width = gtk_widget_get_width (GTK_WIDGET (agent.display)) * scale;
  wanted.height = gtk_widget_get_height (GTK_WIDGET (agent.display)) * scale;
  hangar_test_wait_until (guest_follows, &wanted, 120, "the guest to take the display's size");
  from = serial_run ("echo MODE=$(DISPLAY=:0 xrandr | grep -o 'current [0-9]* x [0-9]*' | "
                     "tr -d ' ' | sed s/current//)");
  mode = serial_value (from, "MODE");
  g_test_message ("display %d×%d, guest %d×%d, X in the guest: %s", wanted.width, wanted.height,
                  hangar_display_get_guest_width (agent.display),
                  hangar_display_get_guest_height (agent.display), mode);
  g_assert_nonnull (mode);

  /* A smaller window, once the resizing stops. */
  gtk_window_set_default_size (agent.window, 760, 560);
  hangar_test_run_for (1000);
  wanted.width = gtk_widget_get_width (GTK_WIDGET (agent.display)) * scale;
  wanted.height = gtk_widget_get_height (GTK_WIDGET (agent.display)) * scale;
  hangar_test_wait_until (guest_follows, &wanted, 120, "the guest to follow the window");
}

static void
read_text_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Call *call = user_data;

  call->text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &call->error);
  call->done = TRUE;
}

static char *
desktop_clipboard (void)
{
  Call call = { 0 };

  gdk_clipboard_read_text_async (gdk_display_get_clipboard (gdk_display_get_default ()), NULL,
                                 read_text_cb, &call);
  hangar_test_wait_until (call_done, &call, 30, "the desktop's clipboard");
  g_clear_error (&call.error);

  return call.text;
}

typedef struct
{
  const char *text;
} ClipboardWait;

static gboolean
desktop_has (gpointer data)
{
  ClipboardWait *wait = data;
  g_autofree char *text = desktop_clipboard ();

  return g_strcmp0 (text, wait->text) == 0;
}

/* Text copied in the guest can be pasted on the desktop, and text copied
 * on the desktop (by another program) can be pasted in the guest. */
static void
test_clipboard (void)
{
  ClipboardWait from_guest = { "copied in the guest, 42" };
  g_autofree char *pasted = NULL;
  gsize from;

  serial_run ("printf 'copied in the guest, 42' | DISPLAY=:0 xclip -selection clipboard -i");
  hangar_test_wait_until (desktop_has, &from_guest, 60, "the guest's text on the desktop");

  /* Another connection to the X server owns the clipboard, as a user's
   * other applications would: not the display's own. */
  {
    GdkDisplay *other = gdk_display_open (NULL);

    g_assert_nonnull (other);
    gdk_clipboard_set_text (gdk_display_get_clipboard (other), "from the desktop, 7");
    g_object_set_data_full (G_OBJECT (agent.window), "other-display", other,
                            (GDestroyNotify) gdk_display_close);
  }
  hangar_test_run_for (2000);
  from = serial_run ("echo PASTE=$(DISPLAY=:0 xclip -o -selection clipboard | tr ' ,' '__')");
  pasted = serial_value (from, "PASTE");
  g_test_message ("pasted in the guest: %s", pasted);
  g_assert_cmpstr (pasted, ==, "from_the_desktop__7");
}

/* With sharing off, nothing copied in the guest reaches the desktop. */
static void
test_clipboard_off (void)
{
  g_autofree char *text = NULL;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (agent.view), "console.share-clipboard",
                                             NULL));
  g_assert_false (hangar_display_get_share_clipboard (agent.display));
  serial_run ("printf 'secret' | DISPLAY=:0 xclip -selection clipboard -i");
  hangar_test_run_for (3000);
  text = desktop_clipboard ();
  g_assert_cmpstr (text, !=, "secret");
}

static void
clean_up (void)
{
  Call call = { 0 };

  if (agent.window != NULL)
    gtk_window_destroy (agent.window);
  if (agent.serial_source != NULL)
    {
      g_source_destroy (agent.serial_source);
      g_source_unref (agent.serial_source);
    }
  g_clear_object (&agent.serial);

  if (agent.domain != NULL)
    {
      hangar_domain_force_off_async (agent.domain, NULL, force_off_cb, &call);
      hangar_test_wait_until (call_done, &call, 60, "the guest to stop");
      g_clear_error (&call.error);
      memset (&call, 0, sizeof call);
      hangar_domain_undefine_async (agent.domain, NULL, undefine_cb, &call);
      hangar_test_wait_until (call_done, &call, 60, "the guest to be undefined");
      g_clear_error (&call.error);
      g_clear_object (&agent.domain);
    }

  hangar_connection_close (agent.connection);
  g_clear_object (&agent.connection);
}

static void
skip_without_guest (void)
{
  g_test_skip ("needs the agent guest: set HANGAR_AGENT_GUEST to the folder "
               "tests/agent-guest/build-agent-guest.sh made");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  int status;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  hangar_event_loop_ensure ();

  /* Said as a skipped test, which TAP reports as such. */
  if (g_getenv ("HANGAR_AGENT_GUEST") == NULL)
    {
      g_test_add_func ("/hangar/console-agent/needs-agent-guest", skip_without_guest);
      return g_test_run ();
    }
  if (!GDK_IS_X11_DISPLAY (gdk_display_get_default ()))
    {
      g_test_skip ("needs an X11 display (Xvfb)");
      return 77;
    }

  agent.root = hangar_test_root_new (&error);
  g_assert_no_error (error);
  uri = hangar_connection_prepare_embed_root (agent.root, &error);
  g_assert_no_error (error);
  agent.connection = hangar_connection_new (uri);
  agent.serial_log = g_string_new (NULL);

  g_test_add_func ("/hangar/console-agent/start", test_start);
  g_test_add_func ("/hangar/console-agent/resize", test_resize);
  g_test_add_func ("/hangar/console-agent/clipboard", test_clipboard);
  g_test_add_func ("/hangar/console-agent/clipboard-off", test_clipboard_off);

  status = g_test_run ();

  clean_up ();
  qemu_pid = 0;
  g_string_free (agent.serial_log, TRUE);
  hangar_test_root_destroy (agent.root);
  g_free (agent.root);

  return status;
}
