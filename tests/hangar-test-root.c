/* hangar-test-root.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "hangar-test-root.h"

#define PREFIX "hg-"
#define MARKER "hangar-test.pid"

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (g_file_test (path, G_FILE_TEST_IS_SYMLINK) || !g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_unlink (path);
      return;
    }

  dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      remove_tree (child);
    }

  g_rmdir (path);
}

static gboolean
process_alive (GPid pid)
{
  return pid > 0 && (kill (pid, 0) == 0 || errno == EPERM);
}

/* Whether process @pid has @needle in its command line, so that a reused
 * pid is never taken for a guest. */
static gboolean
process_mentions (GPid        pid,
                  const char *needle)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/cmdline", (int) pid);
  g_autofree char *cmdline = NULL;
  gsize length;

  if (!g_file_get_contents (path, &cmdline, &length, NULL))
    return FALSE;

  for (gsize i = 0; i + 1 < length; i++)
    if (cmdline[i] == '\0')
      cmdline[i] = ' ';

  return strstr (cmdline, needle) != NULL;
}

/* libvirt keeps each guest's QEMU pid in a .pid file under the root. */
static void
kill_guests_under (const char *dir,
                   const char *root)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *text = NULL;
      GPid pid;

      if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        {
          kill_guests_under (path, root);
          continue;
        }

      if (!g_str_has_suffix (name, ".pid") || !g_file_get_contents (path, &text, NULL, NULL))
        continue;

      pid = (GPid) g_ascii_strtoll (text, NULL, 10);
      if (process_alive (pid) && process_mentions (pid, root))
        {
          g_printerr ("# killing leftover QEMU %d of %s\n", (int) pid, root);
          kill (pid, SIGKILL);
        }
    }
}

static void
clean_leftovers (void)
{
  g_autoptr(GDir) tmp = g_dir_open (g_get_tmp_dir (), 0, NULL);
  const char *name;

  while (tmp != NULL && (name = g_dir_read_name (tmp)) != NULL)
    {
      g_autofree char *root = NULL;
      g_autofree char *marker = NULL;
      g_autofree char *text = NULL;

      if (!g_str_has_prefix (name, PREFIX))
        continue;

      root = g_build_filename (g_get_tmp_dir (), name, NULL);
      marker = g_build_filename (root, MARKER, NULL);
      if (!g_file_get_contents (marker, &text, NULL, NULL) ||
          process_alive ((GPid) g_ascii_strtoll (text, NULL, 10)))
        continue;

      hangar_test_root_destroy (root);
    }
}

char *
hangar_test_root_new (GError **error)
{
  g_autofree char *root = NULL;
  g_autofree char *marker = NULL;
  g_autofree char *pid = NULL;

  clean_leftovers ();

  root = g_dir_make_tmp (PREFIX "XXXXXX", error);
  if (root == NULL)
    return NULL;

  marker = g_build_filename (root, MARKER, NULL);
  pid = g_strdup_printf ("%d\n", (int) getpid ());
  if (!g_file_set_contents (marker, pid, -1, error))
    return NULL;

  return g_steal_pointer (&root);
}

void
hangar_test_root_destroy (const char *root)
{
  g_autofree char *run = NULL;

  g_return_if_fail (root != NULL);

  run = g_build_filename (root, "run", NULL);
  kill_guests_under (run, root);
  remove_tree (root);
}
