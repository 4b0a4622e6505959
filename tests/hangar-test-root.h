/* hangar-test-root.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Private embedded-driver roots for tests.  QEMU outlives the process that
 * started it, so a test that dies leaves guests running: each root records
 * its test's pid, and creating a root first stops the guests of roots
 * whose test is gone and removes those roots.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A new short root under the temporary folder ("/tmp/hg-XXXXXX"): UNIX
 * socket paths inside it must stay short. */
char *hangar_test_root_new     (GError     **error);

/* Kills any QEMU still running from @root and removes the folder. */
void  hangar_test_root_destroy (const char  *root);

G_END_DECLS
