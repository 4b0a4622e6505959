/* hangar-event-loop.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-event-loop"

#include "config.h"

#include <glib-unix.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/parser.h>

#include "hangar-event-loop.h"

/* libvirt's own default implementation (virEventRegisterDefaultImpl) is
 * built on GLib and attaches its sources to the global default
 * GMainContext: a thread running virEventRunDefaultImpl () would take that
 * context in turns with the application's main loop and dispatch the
 * application's own sources (GTask callbacks, widgets) on the wrong thread.
 * So Hangar gives libvirt an implementation of the same six functions on a
 * GMainContext of its own, run by one dedicated thread. */

typedef struct
{
  int                     id;
  int                     fd;
  int                     events;
  virEventHandleCallback  cb;
  void                   *opaque;
  virFreeCallback         ff;
  GSource                *source;
} Handle;

typedef struct
{
  int                     id;
  int                     interval;
  virEventTimeoutCallback cb;
  void                   *opaque;
  virFreeCallback         ff;
  GSource                *source;
} Timeout;

static GMainContext *loop_context;
static GMutex        loop_lock;
static GHashTable   *handles;   /* id → Handle */
static GHashTable   *timeouts;  /* id → Timeout */
static int           next_id = 1;

static GIOCondition
events_to_condition (int events)
{
  GIOCondition condition = 0;

  if (events & VIR_EVENT_HANDLE_READABLE)
    condition |= G_IO_IN;
  if (events & VIR_EVENT_HANDLE_WRITABLE)
    condition |= G_IO_OUT;
  if (events & VIR_EVENT_HANDLE_ERROR)
    condition |= G_IO_ERR;
  if (events & VIR_EVENT_HANDLE_HANGUP)
    condition |= G_IO_HUP;

  return condition;
}

static int
condition_to_events (GIOCondition condition)
{
  int events = 0;

  if (condition & G_IO_IN)
    events |= VIR_EVENT_HANDLE_READABLE;
  if (condition & G_IO_OUT)
    events |= VIR_EVENT_HANDLE_WRITABLE;
  if (condition & G_IO_ERR)
    events |= VIR_EVENT_HANDLE_ERROR;
  if (condition & G_IO_HUP)
    events |= VIR_EVENT_HANDLE_HANGUP;

  return events;
}

static void
clear_source (GSource **source)
{
  if (*source == NULL)
    return;

  g_source_destroy (*source);
  g_source_unref (*source);
  *source = NULL;
}

/* Free callbacks run later on the loop's thread, never inside the remove
 * call: its caller may hold locks that the callback takes. */
typedef struct
{
  virFreeCallback  ff;
  void            *opaque;
} Release;

static gboolean
release_cb (gpointer data)
{
  Release *release = data;

  release->ff (release->opaque);

  return G_SOURCE_REMOVE;
}

static void
schedule_release (virFreeCallback  ff,
                  void            *opaque)
{
  g_autoptr(GSource) source = NULL;
  Release *release;

  if (ff == NULL)
    return;

  release = g_new0 (Release, 1);
  release->ff = ff;
  release->opaque = opaque;

  source = g_idle_source_new ();
  g_source_set_callback (source, release_cb, release, g_free);
  g_source_set_static_name (source, "[hangar] libvirt free callback");
  g_source_attach (source, loop_context);
}


/* Handles: file descriptors */

static gboolean
handle_dispatch_cb (int          fd,
                    GIOCondition condition,
                    gpointer     data)
{
  int id = GPOINTER_TO_INT (data);
  virEventHandleCallback cb;
  void *opaque;
  Handle *handle;

  g_mutex_lock (&loop_lock);
  handle = g_hash_table_lookup (handles, GINT_TO_POINTER (id));
  if (handle == NULL || handle->source == NULL)
    {
      g_mutex_unlock (&loop_lock);
      return G_SOURCE_CONTINUE;
    }
  cb = handle->cb;
  opaque = handle->opaque;
  g_mutex_unlock (&loop_lock);

  /* Without the lock: the callback may update or remove handles. */
  cb (id, fd, condition_to_events (condition), opaque);

  return G_SOURCE_CONTINUE;
}

static void
handle_watch (Handle *handle)
{
  clear_source (&handle->source);

  if (handle->events == 0)
    return;

  handle->source = g_unix_fd_source_new (handle->fd, events_to_condition (handle->events));
  g_source_set_callback (handle->source, G_SOURCE_FUNC (handle_dispatch_cb),
                         GINT_TO_POINTER (handle->id), NULL);
  g_source_set_static_name (handle->source, "[hangar] libvirt handle");
  g_source_attach (handle->source, loop_context);
}

static int
add_handle (int                     fd,
            int                     events,
            virEventHandleCallback  cb,
            void                   *opaque,
            virFreeCallback         ff)
{
  Handle *handle;
  int id;

  handle = g_new0 (Handle, 1);
  handle->fd = fd;
  handle->events = events;
  handle->cb = cb;
  handle->opaque = opaque;
  handle->ff = ff;

  g_mutex_lock (&loop_lock);
  id = handle->id = next_id++;
  g_hash_table_insert (handles, GINT_TO_POINTER (id), handle);
  handle_watch (handle);
  g_mutex_unlock (&loop_lock);

  return id;
}

static void
update_handle (int watch,
               int events)
{
  Handle *handle;

  g_mutex_lock (&loop_lock);
  handle = g_hash_table_lookup (handles, GINT_TO_POINTER (watch));
  if (handle != NULL && handle->events != events)
    {
      handle->events = events;
      handle_watch (handle);
    }
  g_mutex_unlock (&loop_lock);
}

static int
remove_handle (int watch)
{
  Handle *handle;

  g_mutex_lock (&loop_lock);
  handle = g_hash_table_lookup (handles, GINT_TO_POINTER (watch));
  if (handle == NULL)
    {
      g_mutex_unlock (&loop_lock);
      return -1;
    }
  g_hash_table_steal (handles, GINT_TO_POINTER (watch));
  clear_source (&handle->source);
  schedule_release (handle->ff, handle->opaque);
  g_mutex_unlock (&loop_lock);

  g_free (handle);

  return 0;
}


/* Timeouts */

static gboolean
timeout_dispatch_cb (gpointer data)
{
  int id = GPOINTER_TO_INT (data);
  virEventTimeoutCallback cb;
  void *opaque;
  Timeout *timeout;

  g_mutex_lock (&loop_lock);
  timeout = g_hash_table_lookup (timeouts, GINT_TO_POINTER (id));
  if (timeout == NULL || timeout->source == NULL)
    {
      g_mutex_unlock (&loop_lock);
      return G_SOURCE_CONTINUE;
    }
  cb = timeout->cb;
  opaque = timeout->opaque;
  g_mutex_unlock (&loop_lock);

  cb (id, opaque);

  return G_SOURCE_CONTINUE;
}

static void
timeout_arm (Timeout *timeout)
{
  clear_source (&timeout->source);

  /* -1 disables; 0 fires on every iteration of the loop. */
  if (timeout->interval < 0)
    return;

  if (timeout->interval == 0)
    timeout->source = g_idle_source_new ();
  else
    timeout->source = g_timeout_source_new (timeout->interval);

  g_source_set_callback (timeout->source, timeout_dispatch_cb,
                         GINT_TO_POINTER (timeout->id), NULL);
  g_source_set_static_name (timeout->source, "[hangar] libvirt timeout");
  g_source_attach (timeout->source, loop_context);
}

static int
add_timeout (int                      interval,
             virEventTimeoutCallback  cb,
             void                    *opaque,
             virFreeCallback          ff)
{
  Timeout *timeout;
  int id;

  timeout = g_new0 (Timeout, 1);
  timeout->interval = interval;
  timeout->cb = cb;
  timeout->opaque = opaque;
  timeout->ff = ff;

  g_mutex_lock (&loop_lock);
  id = timeout->id = next_id++;
  g_hash_table_insert (timeouts, GINT_TO_POINTER (id), timeout);
  timeout_arm (timeout);
  g_mutex_unlock (&loop_lock);

  return id;
}

static void
update_timeout (int timer,
                int interval)
{
  Timeout *timeout;

  g_mutex_lock (&loop_lock);
  timeout = g_hash_table_lookup (timeouts, GINT_TO_POINTER (timer));
  if (timeout != NULL && timeout->interval != interval)
    {
      timeout->interval = interval;
      timeout_arm (timeout);
    }
  g_mutex_unlock (&loop_lock);
}

static int
remove_timeout (int timer)
{
  Timeout *timeout;

  g_mutex_lock (&loop_lock);
  timeout = g_hash_table_lookup (timeouts, GINT_TO_POINTER (timer));
  if (timeout == NULL)
    {
      g_mutex_unlock (&loop_lock);
      return -1;
    }
  g_hash_table_steal (timeouts, GINT_TO_POINTER (timer));
  clear_source (&timeout->source);
  schedule_release (timeout->ff, timeout->opaque);
  g_mutex_unlock (&loop_lock);

  g_free (timeout);

  return 0;
}


/* The thread */

static gpointer
event_thread_func (gpointer data)
{
  g_main_context_push_thread_default (loop_context);

  for (;;)
    g_main_context_iteration (loop_context, TRUE);

  return NULL;
}

static void
silent_error_func (void        *user_data,
                   virErrorPtr  err)
{
  /* libvirt prints every error on stderr unless told otherwise.  Errors
   * reach the user as GErrors (see hangar-virt-error.c); keep a trace for
   * developers only. */
  g_debug ("libvirt: %s", err != NULL && err->message != NULL ? err->message : "?");
}

void
hangar_event_loop_ensure (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      if (virInitialize () < 0)
        g_warning ("Could not initialize libvirt");

      virSetErrorFunc (NULL, silent_error_func);

      /* Worker threads parse documents (hangar-domain-doc.c, the start
       * check): libxml2 must be initialized once, before them. */
      xmlInitParser ();

      loop_context = g_main_context_new ();
      handles = g_hash_table_new (NULL, NULL);
      timeouts = g_hash_table_new (NULL, NULL);

      /* Before any connection opens: the embedded QEMU driver and the
       * domain events need an event implementation. */
      virEventRegisterImpl (add_handle, update_handle, remove_handle,
                            add_timeout, update_timeout, remove_timeout);

      g_thread_unref (g_thread_new ("hangar-libvirt-events", event_thread_func, NULL));

      g_once_init_leave (&initialized, 1);
    }
}

void
hangar_invoke_on (GMainContext   *context,
                  GSourceFunc     function,
                  gpointer        data,
                  GDestroyNotify  notify)
{
  GSource *source;

  g_return_if_fail (function != NULL);

  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, function, data, notify);
  g_source_set_static_name (source, "[hangar] invoke");
  g_source_attach (source, context != NULL ? context : g_main_context_default ());
  g_source_unref (source);
}
