/* test-console-app.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * hangar --console NAME, as a user runs it: the program opens a window
 * with the console only; a second invocation hands over to the running
 * instance (one process owns a connection's embedded driver), which
 * reports a wrong name back to it.  Runs the installed-to-be program
 * under Xvfb and a D-Bus session, on libvirt's test driver.
 */

#include <signal.h>
#include <string.h>

#include <glib.h>

#define URI "test:///default"

/* The first instance outlives a failed assertion otherwise. */
static GPid first_instance;

static void
kill_first_instance (void)
{
  if (first_instance > 0)
    kill (first_instance, SIGTERM);
  first_instance = 0;
}

static void
abort_handler (int signum)
{
  kill_first_instance ();
  signal (signum, SIG_DFL);
  raise (signum);
}
#define WINDOW_TITLE "test — Console"

static char *
program (void)
{
  const char *path = g_getenv ("HANGAR_PROGRAM");

  g_assert_nonnull (path);

  return g_strdup (path);
}

/* The number of X windows whose title is WINDOW_TITLE. */
static unsigned
count_console_windows (void)
{
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  unsigned n = 0;
  const char *argv[] = { "xdotool", "search", "--onlyvisible", "--name", "^" WINDOW_TITLE "$",
                         NULL };

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, &out, NULL, NULL, NULL))
    return 0;

  lines = g_strsplit (out, "\n", -1);
  for (unsigned i = 0; lines[i] != NULL; i++)
    if (*lines[i] != '\0')
      n++;

  return n;
}

static void
wait_for_windows (unsigned n,
                  unsigned seconds)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (count_console_windows () != n)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Expected %u console windows titled “%s”, found %u", n, WINDOW_TITLE,
                 count_console_windows ());
      g_usleep (200 * 1000);
    }
}

static void
run_again (const char  *name,
           int         *status,
           char       **err)
{
  g_autofree char *path = program ();
  const char *argv[] = { path, "--connect", URI, "--console", name, NULL };
  g_autoptr(GError) error = NULL;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               NULL, err, status, &error));
  g_assert_no_error (error);
}

static void
test_handover (void)
{
  g_autofree char *path = program ();
  const char *argv[] = { path, "--connect", URI, "--console", "test", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  /* The first invocation becomes the instance and opens the window. */
  g_assert_true (g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                &first_instance, &error));
  g_assert_no_error (error);
  signal (SIGABRT, abort_handler);
  signal (SIGTRAP, abort_handler);
  wait_for_windows (1, 60);

  /* A wrong name: the instance says so, through the second process. */
  run_again ("no-such-vm", &status, &err);
  g_test_message ("second invocation: %s", err);
  g_assert_false (g_spawn_check_wait_status (status, NULL));
  g_assert_nonnull (strstr (err, "No virtual machine named “no-such-vm”"));
  g_clear_pointer (&err, g_free);

  /* The same name again: the window there is presented, no second one. */
  run_again ("test", &status, &err);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_cmpstr (err, ==, "");
  g_usleep (500 * 1000);
  wait_for_windows (1, 10);

  kill_first_instance ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("DISPLAY") == NULL)
    {
      g_test_skip ("needs an X11 display (Xvfb)");
      return 77;
    }

  g_test_add_func ("/hangar/console-app/handover", test_handover);

  return g_test_run ();
}
