/* hangar-test-loop.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Waiting in tests that run a window: the main loop keeps turning (GTK
 * paints, libvirt's events arrive) until a condition holds.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef gboolean (*HangarTestCondition) (gpointer data);

/* Runs the main loop until @condition holds; fails the test after
 * @seconds, naming @what it waited for.  The condition is checked every
 * millisecond too, so one set from another thread is seen. */
void hangar_test_wait_until (HangarTestCondition  condition,
                             gpointer             data,
                             unsigned             seconds,
                             const char          *what);

/* Keeps the main loop running for @ms. */
void hangar_test_run_for    (unsigned             ms);

/* Runs @command_line (no shell) and fails the test unless it exits 0. */
void hangar_test_spawn      (const char          *command_line);

G_END_DECLS
