/* hangar-os-db.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* libosinfo's database, loaded once per process off the main thread. */
void      hangar_os_db_load_async    (GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
gboolean  hangar_os_db_load_finish   (GAsyncResult        *result,
                                      GError             **error);

/* The operating system's name ("Gentoo Linux") for a libosinfo id, or
 * NULL when the database is not loaded yet or does not know the id. */
char     *hangar_os_db_dup_name      (const char          *os_id);

G_END_DECLS
