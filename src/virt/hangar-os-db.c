/* hangar-os-db.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-os-db"

#include "config.h"

#include <osinfo/osinfo.h>

#include "hangar-os-db.h"

/* Published once, atomically, by the loading thread; the lock only keeps
 * two loads from running at once, so readers never wait on it. */
static OsinfoDb *os_db;
static GMutex load_lock;

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  g_autoptr(OsinfoLoader) loader = NULL;
  g_autoptr(GError) error = NULL;

  g_mutex_lock (&load_lock);

  if (g_atomic_pointer_get (&os_db) == NULL)
    {
      loader = osinfo_loader_new ();
      osinfo_loader_process_default_path (loader, &error);
      if (error != NULL)
        {
          g_mutex_unlock (&load_lock);
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      g_atomic_pointer_set (&os_db, g_object_ref (osinfo_loader_get_db (loader)));
    }

  g_mutex_unlock (&load_lock);
  g_task_return_boolean (task, TRUE);
}

void
hangar_os_db_load_async (GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_os_db_load_async);
  g_task_run_in_thread (task, load_thread);
}

gboolean
hangar_os_db_load_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

char *
hangar_os_db_dup_name (const char *os_id)
{
  OsinfoOs *os;
  OsinfoDb *db;

  if (os_id == NULL)
    return NULL;

  db = g_atomic_pointer_get (&os_db);
  if (db == NULL)
    return NULL;

  os = osinfo_db_get_os (db, os_id);
  if (os == NULL)
    return NULL;

  return g_strdup (osinfo_product_get_name (OSINFO_PRODUCT (os)));
}
