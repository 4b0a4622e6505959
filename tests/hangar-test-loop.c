/* hangar-test-loop.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "hangar-test-loop.h"

void
hangar_test_wait_until (HangarTestCondition  condition,
                        gpointer             data,
                        unsigned             seconds,
                        const char          *what)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out after %u s waiting for %s", seconds, what);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static gboolean
timeout_done_cb (gpointer data)
{
  *(gboolean *) data = TRUE;

  return G_SOURCE_REMOVE;
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

void
hangar_test_run_for (unsigned ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, timeout_done_cb, &done);
  hangar_test_wait_until (flag_set, &done, ms / 1000 + 5, "a pause");
}

void
hangar_test_spawn (const char *command_line)
{
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_assert_true (g_spawn_command_line_sync (command_line, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("%s: %s", command_line, error->message);
}
