/* hangar-connection.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-connection"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "hangar-askpass.h"
#include "hangar-auth-request.h"
#include "hangar-connection.h"
#include "hangar-connection-uri.h"
#include "hangar-event-loop.h"
#include "hangar-stats-sampler.h"
#include "hangar-virt-error.h"
#include "hangar-virt-private.h"

/* How the threads meet:
 *
 * - The main context (captured when the connection is created) owns the
 *   domain list and every HangarDomain; it never calls into libvirt except
 *   to count references.
 * - Worker threads (GTask) make the blocking calls, each with its own
 *   reference to the libvirt connection or domain.
 * - libvirt's event thread (hangar-event-loop.c) runs the event callbacks,
 *   which copy what they need and hand it to the main context.  They reach
 *   the connection through an EventSink, which holds only a weak reference
 *   and tells events of an earlier session from the current one.
 */

typedef struct
{
  gatomicrefcount  ref_count;
  GWeakRef         connection;
  GMainContext    *context;
} EventSink;

/* The domain events a session listens to, each with its callback id. */
enum
{
  EVENT_LIFECYCLE,
  EVENT_DEVICE_ADDED,
  EVENT_DEVICE_REMOVED,
  N_EVENTS
};

typedef struct
{
  EventSink *sink;
  char      *uuid;
  char      *name;
  int        kind;    /* EVENT_* */
  int        event;   /* lifecycle only */
  int        detail;
} Event;

typedef struct
{
  char     *uuid;
  gboolean  dirty;
} Lookup;

typedef struct
{
  char     *host_caps;
  char     *domain_caps;
  gboolean  has_network_driver;
} Caps;

struct _HangarConnection
{
  GObject parent_instance;

  /* owned references */
  char                  *uri;
  char                  *open_uri;   /* what libvirt opens: OpenSSH asks Hangar */
  char                  *title;
  char                  *error_message;
  GMainContext          *context;
  GListStore            *domains;
  GHashTable            *by_uuid;    /* uuid → HangarDomain, borrowed from @domains */
  GHashTable            *lookups;    /* uuid → Lookup, workers in flight */
  GQueue                 early_events;
  EventSink             *sink;
  HangarStatsSampler    *stats_sampler;

  /* Shared with worker threads, under @lock */
  GMutex                 lock;
  virConnectPtr          conn;
  GHashTable            *caps;       /* "type|arch|machine" → Caps */

  HangarConnectionState  state;
  int                    event_ids[N_EVENTS];
  EventSink             *close_sink;  /* the close callback's, see open_worker () */
  unsigned               generation;

  /* Opening, and reopening after a loss */
  HangarAuthRequest     *auth_request;     /* the one being asked, if any */
  gboolean               keep_open;        /* the user wants it open */
  gboolean               reconnecting;
  unsigned               reconnect_id;
  unsigned               reconnect_delay;  /* seconds before the next try */
  unsigned               askpass_id;
};

G_DEFINE_FINAL_TYPE (HangarConnection, hangar_connection, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (HangarConnectionState, hangar_connection_state,
  G_DEFINE_ENUM_VALUE (HANGAR_CONNECTION_DISCONNECTED, "disconnected"),
  G_DEFINE_ENUM_VALUE (HANGAR_CONNECTION_CONNECTING, "connecting"),
  G_DEFINE_ENUM_VALUE (HANGAR_CONNECTION_CONNECTED, "connected"))

enum {
  PROP_0,
  PROP_URI,
  PROP_TITLE,
  PROP_STATE,
  PROP_ERROR,
  PROP_RECONNECTING,
  PROP_DOMAINS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  AUTHENTICATE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The first wait before reopening a lost connection, doubled after each
 * failed try up to the last. */
#define RECONNECT_FIRST_SECONDS 1
#define RECONNECT_MAX_SECONDS 60

static void handle_event    (HangarConnection *self,
                             Event            *event);
static void connection_lost (HangarConnection *self,
                             int               reason);


/* Small owned types */

static EventSink *
event_sink_new (HangarConnection *connection)
{
  EventSink *sink;

  sink = g_new0 (EventSink, 1);
  g_atomic_ref_count_init (&sink->ref_count);
  g_weak_ref_init (&sink->connection, connection);
  sink->context = g_main_context_ref (connection->context);

  return sink;
}

static EventSink *
event_sink_ref (EventSink *sink)
{
  g_atomic_ref_count_inc (&sink->ref_count);

  return sink;
}

static void
event_sink_unref (gpointer data)
{
  EventSink *sink = data;

  if (g_atomic_ref_count_dec (&sink->ref_count))
    {
      g_weak_ref_clear (&sink->connection);
      g_main_context_unref (sink->context);
      g_free (sink);
    }
}

static void
event_free (Event *event)
{
  g_clear_pointer (&event->sink, event_sink_unref);
  g_free (event->uuid);
  g_free (event->name);
  g_free (event);
}

static void
caps_free (Caps *caps)
{
  g_free (caps->host_caps);
  g_free (caps->domain_caps);
  g_free (caps);
}

static void
lookup_free (Lookup *lookup)
{
  g_free (lookup->uuid);
  g_free (lookup);
}

typedef struct
{
  virConnectPtr  conn;
  int            event_ids[N_EVENTS];
  EventSink     *close_sink;
} Disconnect;

static void close_cb (virConnectPtr  conn,
                      int            reason,
                      void          *opaque);

static void
disconnect_worker (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  Disconnect *data = task_data;

  /* Failures here only mean that the connection is gone already. */
  for (unsigned i = 0; i < N_EVENTS; i++)
    if (data->event_ids[i] >= 0)
      virConnectDomainEventDeregisterAny (data->conn, data->event_ids[i]);
  if (data->close_sink != NULL)
    virConnectUnregisterCloseCallback (data->conn, close_cb);
  virConnectClose (data->conn);

  /* No close callback can run any more. */
  g_clear_pointer (&data->close_sink, event_sink_unref);

  g_task_return_boolean (task, TRUE);
}

/* Stops the events and drops our reference to @conn, off the calling
 * thread.  Workers in flight keep theirs until they finish. */
static void
disconnect_in_thread (virConnectPtr  conn,
                      const int     *event_ids,
                      EventSink     *close_sink)
{
  g_autoptr(GTask) task = NULL;
  Disconnect *data;

  if (conn == NULL)
    {
      g_clear_pointer (&close_sink, event_sink_unref);
      return;
    }

  data = g_new0 (Disconnect, 1);
  data->conn = conn;
  memcpy (data->event_ids, event_ids, sizeof data->event_ids);
  data->close_sink = close_sink;

  task = g_task_new (NULL, NULL, NULL, NULL);
  g_task_set_source_tag (task, disconnect_in_thread);
  g_task_set_task_data (task, data, g_free);
  g_task_run_in_thread (task, disconnect_worker);
}


/* libvirt's event thread */

static gboolean
dispatch_event_cb (gpointer data)
{
  Event *event = data;
  g_autoptr(HangarConnection) self = g_weak_ref_get (&event->sink->connection);

  if (self == NULL || self->sink != event->sink)
    return G_SOURCE_REMOVE;

  if (self->state == HANGAR_CONNECTION_CONNECTING)
    {
      /* The list is being read: replay this once it is in place, since it
       * may have happened after the worker read the states. */
      Event *early = g_memdup2 (event, sizeof *event);

      memset (event, 0, sizeof *event);
      g_queue_push_tail (&self->early_events, early);
      return G_SOURCE_REMOVE;
    }

  handle_event (self, event);

  return G_SOURCE_REMOVE;
}

static void
queue_event (EventSink    *sink,
             virDomainPtr  dom,
             int           kind,
             int           event_type,
             int           detail)
{
  char uuid[VIR_UUID_STRING_BUFLEN] = "";
  Event *event;

  /* Both read the handle: nothing goes back into libvirt's driver. */
  virDomainGetUUIDString (dom, uuid);

  event = g_new0 (Event, 1);
  event->sink = event_sink_ref (sink);
  event->uuid = g_strdup (uuid);
  event->name = g_strdup (virDomainGetName (dom));
  event->kind = kind;
  event->event = event_type;
  event->detail = detail;

  g_main_context_invoke_full (sink->context, G_PRIORITY_DEFAULT,
                              dispatch_event_cb, event, (GDestroyNotify)event_free);
}

static int
lifecycle_cb (virConnectPtr  conn,
              virDomainPtr   dom,
              int            event_type,
              int            detail,
              void          *opaque)
{
  queue_event (opaque, dom, EVENT_LIFECYCLE, event_type, detail);

  return 0;
}

static void
device_added_cb (virConnectPtr  conn,
                 virDomainPtr   dom,
                 const char    *alias,
                 void          *opaque)
{
  queue_event (opaque, dom, EVENT_DEVICE_ADDED, 0, 0);
}

static void
device_removed_cb (virConnectPtr  conn,
                   virDomainPtr   dom,
                   const char    *alias,
                   void          *opaque)
{
  queue_event (opaque, dom, EVENT_DEVICE_REMOVED, 0, 0);
}

typedef struct
{
  EventSink *sink;
  int        reason;
} Closed;

static void
closed_free (Closed *closed)
{
  event_sink_unref (closed->sink);
  g_free (closed);
}

static gboolean
dispatch_closed_cb (gpointer data)
{
  Closed *closed = data;
  g_autoptr(HangarConnection) self = g_weak_ref_get (&closed->sink->connection);

  if (self == NULL || self->sink != closed->sink)
    return G_SOURCE_REMOVE;

  connection_lost (self, closed->reason);

  return G_SOURCE_REMOVE;
}

static void
close_cb (virConnectPtr  conn,
          int            reason,
          void          *opaque)
{
  EventSink *sink = opaque;
  Closed *closed;

  closed = g_new0 (Closed, 1);
  closed->sink = event_sink_ref (sink);
  closed->reason = reason;

  g_main_context_invoke_full (sink->context, G_PRIORITY_DEFAULT,
                              dispatch_closed_cb, closed, (GDestroyNotify)closed_free);
}


/* The domain list, on the main context */

static void
set_state (HangarConnection      *self,
           HangarConnectionState  state)
{
  if (self->state == state)
    return;

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static gboolean
find_domain (HangarConnection *self,
             HangarDomain     *domain,
             unsigned         *position)
{
  return g_list_store_find (self->domains, domain, position);
}

static void
resort_domain (HangarConnection *self,
               HangarDomain     *domain)
{
  g_autoptr(HangarDomain) hold = g_object_ref (domain);
  unsigned position;

  if (find_domain (self, domain, &position))
    g_list_store_remove (self->domains, position);
  g_list_store_insert_sorted (self->domains, domain, hangar_domain_compare, NULL);
}

static void
remove_domain (HangarConnection *self,
               HangarDomain     *domain)
{
  g_autoptr(HangarDomain) hold = g_object_ref (domain);
  unsigned position;

  g_debug ("Removing “%s”", hangar_domain_get_name (domain));

  g_hash_table_remove (self->by_uuid, hangar_domain_get_uuid (domain));
  if (find_domain (self, domain, &position))
    g_list_store_remove (self->domains, position);
}

/* Adds the domain @info describes or updates its entry.  The state is taken
 * from @info for a new entry, and for an existing one when @with_state: a
 * state read by a worker may be older than the events seen since. */
static HangarDomain *
insert_or_update (HangarConnection *self,
                  HangarDomainInfo *info,
                  gboolean          with_state)
{
  HangarDomain *domain;

  domain = g_hash_table_lookup (self->by_uuid, info->uuid);

  if (domain != NULL)
    {
      gboolean renamed;

      hangar_domain_set_virt (domain, g_steal_pointer (&info->dom));
      renamed = hangar_domain_update (domain, info->name,
                                      with_state ? info->state : hangar_domain_get_state (domain),
                                      info->persistent);
      if (info->extras_known)
        {
          hangar_domain_set_autostart (domain, info->autostart);
          hangar_domain_set_has_managed_save (domain, info->has_managed_save);
        }
      if (renamed)
        resort_domain (self, domain);

      return domain;
    }

  domain = hangar_domain_new_from_info (self, info);
  g_hash_table_insert (self->by_uuid, g_strdup (info->uuid), domain);
  g_list_store_insert_sorted (self->domains, domain, hangar_domain_compare, NULL);
  g_object_unref (domain);

  g_debug ("Added “%s” (%s)", info->name, hangar_domain_state_to_label (info->state));

  return domain;
}

static int
compare_domain_ptrs (gconstpointer a,
                     gconstpointer b,
                     gpointer      user_data)
{
  return hangar_domain_compare (*(HangarDomain **)a, *(HangarDomain **)b, user_data);
}

/* Makes the list match what a worker read: in one splice when the list
 * is empty, entry by entry when reconnecting. */
static void
sync_domains (HangarConnection *self,
              GPtrArray        *infos)
{
  g_autoptr(GHashTable) seen = NULL;
  unsigned n_items;

  n_items = g_list_model_get_n_items (G_LIST_MODEL (self->domains));

  if (n_items == 0)
    {
      g_autoptr(GPtrArray) added = g_ptr_array_new_with_free_func (g_object_unref);

      for (unsigned i = 0; i < infos->len; i++)
        {
          HangarDomainInfo *info = g_ptr_array_index (infos, i);
          HangarDomain *domain;

          if (g_hash_table_contains (self->by_uuid, info->uuid))
            continue;

          domain = hangar_domain_new_from_info (self, info);
          g_hash_table_insert (self->by_uuid, g_strdup (info->uuid), domain);
          g_ptr_array_add (added, domain);
        }

      g_ptr_array_sort_with_data (added, compare_domain_ptrs, NULL);
      g_list_store_splice (self->domains, 0, 0, added->pdata, added->len);
      return;
    }

  seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (unsigned i = 0; i < infos->len; i++)
    {
      HangarDomainInfo *info = g_ptr_array_index (infos, i);

      g_hash_table_add (seen, info->uuid);
      insert_or_update (self, info, TRUE);
    }

  for (unsigned i = g_list_model_get_n_items (G_LIST_MODEL (self->domains)); i > 0; i--)
    {
      g_autoptr(HangarDomain) domain = g_list_model_get_item (G_LIST_MODEL (self->domains), i - 1);

      if (!g_hash_table_contains (seen, hangar_domain_get_uuid (domain)))
        remove_domain (self, domain);
    }
}


/* Looking up domains that events name but the list does not have yet */

typedef struct
{
  virConnectPtr  conn;
  char          *uuid;
  unsigned       generation;
} LookupData;

static void
lookup_data_free (LookupData *data)
{
  hangar_virt_release (g_steal_pointer (&data->conn), NULL);
  g_free (data->uuid);
  g_free (data);
}

/* Autostart and managed save of one domain; where the driver cannot tell,
 * they stay unknown and the entry keeps what it had. */
static void
read_extras (HangarDomainInfo *info)
{
  int autostart = 0;
  int has_save;

  if (virDomainGetAutostart (info->dom, &autostart) < 0)
    return;
  has_save = virDomainHasManagedSaveImage (info->dom, 0);
  if (has_save < 0)
    return;

  info->autostart = autostart != 0;
  info->has_managed_save = has_save > 0;
  info->extras_known = TRUE;
}

static void
lookup_worker (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  LookupData *data = task_data;
  HangarDomainInfo *info;
  virDomainPtr dom;
  GError *error = NULL;
  int state = VIR_DOMAIN_NOSTATE;
  int reason;
  int persistent;

  dom = virDomainLookupByUUIDString (data->conn, data->uuid);
  if (dom == NULL)
    {
      virErrorPtr last = virGetLastError ();

      /* Gone again before we asked: nothing to list. */
      if (last != NULL && last->code == VIR_ERR_NO_DOMAIN)
        {
          g_task_return_pointer (task, NULL, NULL);
          return;
        }

      hangar_virt_set_error_from_libvirt (&error, "Looking up a domain");
      g_task_return_error (task, error);
      return;
    }

  if (virDomainGetState (dom, &state, &reason, 0) < 0 ||
      (persistent = virDomainIsPersistent (dom)) < 0)
    {
      virErrorPtr last = virGetLastError ();

      if (last != NULL && last->code == VIR_ERR_NO_DOMAIN)
        {
          virDomainFree (dom);
          g_task_return_pointer (task, NULL, NULL);
          return;
        }

      hangar_virt_set_error_from_libvirt (&error, "Reading a domain's state");
      virDomainFree (dom);
      g_task_return_error (task, error);
      return;
    }

  info = hangar_domain_info_new (dom, hangar_domain_state_from_libvirt (state), persistent);
  read_extras (info);
  g_task_return_pointer (task, info, (GDestroyNotify)hangar_domain_info_free);
}

static void start_lookup_task (HangarConnection *self,
                               const char       *uuid);

static void
lookup_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  HangarConnection *self = HANGAR_CONNECTION (object);
  LookupData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(HangarDomainInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  HangarDomain *domain;
  Lookup *lookup;

  info = g_task_propagate_pointer (G_TASK (result), &error);

  if (data->generation != self->generation)
    return;

  lookup = g_hash_table_lookup (self->lookups, data->uuid);
  g_assert (lookup != NULL);

  if (lookup->dirty)
    {
      /* Events arrived while the worker read the state, which may thus be
       * stale: read it again. */
      lookup->dirty = FALSE;
      start_lookup_task (self, data->uuid);
      return;
    }

  g_hash_table_remove (self->lookups, data->uuid);

  if (error != NULL)
    {
      g_warning ("%s", error->message);
      return;
    }

  domain = g_hash_table_lookup (self->by_uuid, data->uuid);

  if (info == NULL)
    {
      if (domain != NULL)
        remove_domain (self, domain);
      return;
    }

  /* A transient domain that stopped has left already. */
  if (info->state == HANGAR_DOMAIN_STATE_SHUTOFF && !info->persistent)
    {
      if (domain != NULL)
        remove_domain (self, domain);
      return;
    }

  insert_or_update (self, info, TRUE);
}

static void
start_lookup_task (HangarConnection *self,
                   const char       *uuid)
{
  g_autoptr(GTask) task = NULL;
  LookupData *data;

  data = g_new0 (LookupData, 1);
  data->conn = hangar_connection_dup_virt (self, NULL);
  data->uuid = g_strdup (uuid);
  data->generation = self->generation;

  task = g_task_new (self, NULL, lookup_done_cb, NULL);
  g_task_set_source_tag (task, start_lookup_task);
  g_task_set_task_data (task, data, (GDestroyNotify)lookup_data_free);

  if (data->conn == NULL)
    {
      g_task_return_new_error (task, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_NOT_CONNECTED,
                               "Not connected");
      return;
    }

  g_task_run_in_thread (task, lookup_worker);
}

static void
lookup_domain_later (HangarConnection *self,
                     const char       *uuid)
{
  Lookup *lookup;

  lookup = g_hash_table_lookup (self->lookups, uuid);
  if (lookup != NULL)
    {
      lookup->dirty = TRUE;
      return;
    }

  lookup = g_new0 (Lookup, 1);
  lookup->uuid = g_strdup (uuid);
  g_hash_table_insert (self->lookups, lookup->uuid, lookup);

  start_lookup_task (self, uuid);
}


/* Events, on the main context */

static void
handle_event (HangarConnection *self,
              Event            *event)
{
  HangarDomain *domain;
  Lookup *lookup;

  g_debug ("Event %d/%d (detail %d) for “%s”", event->kind, event->event, event->detail,
           event->name);

  lookup = g_hash_table_lookup (self->lookups, event->uuid);
  if (lookup != NULL)
    lookup->dirty = TRUE;

  domain = g_hash_table_lookup (self->by_uuid, event->uuid);

  if (event->kind != EVENT_LIFECYCLE)
    {
      /* The running definition changed: a device arrived, or the guest
       * let go of one that was unplugged. */
      if (domain != NULL)
        hangar_domain_definition_changed (domain, TRUE);
      return;
    }

  if (domain == NULL)
    {
      /* A domain that left before we knew it needs nothing; any other
       * event names one that is new to us (defined elsewhere, or a
       * transient one created): ask libvirt for all of it. */
      if (event->event != VIR_DOMAIN_EVENT_UNDEFINED &&
          event->event != VIR_DOMAIN_EVENT_STOPPED)
        lookup_domain_later (self, event->uuid);
      return;
    }

  switch (event->event)
    {
    case VIR_DOMAIN_EVENT_DEFINED:
      /* Also how a rename arrives: the same UUID, with the new name. */
      hangar_domain_set_persistent (domain, TRUE);
      if (hangar_domain_set_name (domain, event->name))
        resort_domain (self, domain);
      /* Another program may have changed what the next boot runs. */
      hangar_domain_definition_changed (domain, FALSE);
      break;

    case VIR_DOMAIN_EVENT_UNDEFINED:
      if (event->detail == VIR_DOMAIN_EVENT_UNDEFINED_RENAMED)
        break;
      if (hangar_domain_get_state (domain) == HANGAR_DOMAIN_STATE_SHUTOFF)
        remove_domain (self, domain);
      else
        hangar_domain_set_persistent (domain, FALSE);
      break;

    case VIR_DOMAIN_EVENT_STARTED:
      /* Starting restores a managed save image and removes it. */
      hangar_domain_set_has_managed_save (domain, FALSE);
      hangar_domain_set_state (domain, HANGAR_DOMAIN_STATE_RUNNING);
      break;

    case VIR_DOMAIN_EVENT_RESUMED:
      hangar_domain_set_state (domain, HANGAR_DOMAIN_STATE_RUNNING);
      break;

    case VIR_DOMAIN_EVENT_SUSPENDED:
      hangar_domain_set_state (domain, HANGAR_DOMAIN_STATE_PAUSED);
      break;

    case VIR_DOMAIN_EVENT_STOPPED:
      if (event->detail == VIR_DOMAIN_EVENT_STOPPED_SAVED && hangar_domain_get_persistent (domain))
        hangar_domain_set_has_managed_save (domain, TRUE);
      hangar_domain_set_state (domain, HANGAR_DOMAIN_STATE_SHUTOFF);
      if (!hangar_domain_get_persistent (domain))
        remove_domain (self, domain);
      break;

    case VIR_DOMAIN_EVENT_SHUTDOWN:
      hangar_domain_set_state (domain, HANGAR_DOMAIN_STATE_SHUTTING_DOWN);
      break;

    case VIR_DOMAIN_EVENT_PMSUSPENDED:
      hangar_domain_set_state (domain, HANGAR_DOMAIN_STATE_SUSPENDED);
      break;

    case VIR_DOMAIN_EVENT_CRASHED:
      hangar_domain_set_state (domain, HANGAR_DOMAIN_STATE_CRASHED);
      break;

    default:
      break;
    }
}

void
hangar_connection_domain_undefined (HangarConnection *self,
                                    HangarDomain     *domain)
{
  g_return_if_fail (HANGAR_IS_CONNECTION (self));
  g_return_if_fail (HANGAR_IS_DOMAIN (domain));

  if (g_hash_table_lookup (self->by_uuid, hangar_domain_get_uuid (domain)) != domain)
    return;

  if (hangar_domain_get_state (domain) == HANGAR_DOMAIN_STATE_SHUTOFF)
    remove_domain (self, domain);
  else
    hangar_domain_set_persistent (domain, FALSE);
}


HangarDomain *
hangar_connection_add_defined (HangarConnection *self,
                               HangarDomainInfo *info)
{
  g_return_val_if_fail (HANGAR_IS_CONNECTION (self), NULL);
  g_return_val_if_fail (info != NULL, NULL);

  return insert_or_update (self, info, FALSE);
}

void
hangar_connection_domain_renamed (HangarConnection *self,
                                  HangarDomain     *domain,
                                  const char       *name)
{
  g_return_if_fail (HANGAR_IS_CONNECTION (self));
  g_return_if_fail (HANGAR_IS_DOMAIN (domain));
  g_return_if_fail (name != NULL);

  if (g_hash_table_lookup (self->by_uuid, hangar_domain_get_uuid (domain)) != domain)
    return;

  if (hangar_domain_set_name (domain, name))
    resort_domain (self, domain);
}


/* The object */

static void
drop_session (HangarConnection *self)
{
  virConnectPtr conn;
  unsigned n_items;

  self->generation++;
  g_clear_pointer (&self->sink, event_sink_unref);
  g_queue_clear_full (&self->early_events, (GDestroyNotify)event_free);
  g_hash_table_remove_all (self->lookups);

  /* A question still open for this session has no one to answer. */
  if (self->auth_request != NULL)
    hangar_auth_request_cancel (self->auth_request);
  g_clear_object (&self->auth_request);

  g_mutex_lock (&self->lock);
  conn = g_steal_pointer (&self->conn);
  g_hash_table_remove_all (self->caps);
  g_mutex_unlock (&self->lock);

  disconnect_in_thread (conn, self->event_ids, g_steal_pointer (&self->close_sink));
  for (unsigned i = 0; i < N_EVENTS; i++)
    self->event_ids[i] = -1;

  /* The entries' handles hold the connection open: let it go. */
  n_items = g_list_model_get_n_items (G_LIST_MODEL (self->domains));
  for (unsigned i = 0; i < n_items; i++)
    {
      g_autoptr(HangarDomain) domain = g_list_model_get_item (G_LIST_MODEL (self->domains), i);

      hangar_domain_set_virt (domain, NULL);
    }
}

static void
hangar_connection_dispose (GObject *object)
{
  HangarConnection *self = (HangarConnection *)object;

  self->keep_open = FALSE;
  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  drop_session (self);
  hangar_askpass_unregister (self->askpass_id);
  self->askpass_id = 0;

  if (self->stats_sampler != NULL)
    g_object_run_dispose (G_OBJECT (self->stats_sampler));
  g_clear_object (&self->stats_sampler);

  g_hash_table_remove_all (self->by_uuid);
  if (self->domains != NULL)
    g_list_store_remove_all (self->domains);

  G_OBJECT_CLASS (hangar_connection_parent_class)->dispose (object);
}

static void
hangar_connection_finalize (GObject *object)
{
  HangarConnection *self = (HangarConnection *)object;

  g_clear_object (&self->domains);
  g_clear_pointer (&self->by_uuid, g_hash_table_unref);
  g_clear_pointer (&self->lookups, g_hash_table_unref);
  g_clear_pointer (&self->caps, g_hash_table_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_mutex_clear (&self->lock);
  g_free (self->uri);
  g_free (self->open_uri);
  g_free (self->title);
  g_free (self->error_message);

  G_OBJECT_CLASS (hangar_connection_parent_class)->finalize (object);
}

static void
hangar_connection_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  HangarConnection *self = HANGAR_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_URI:
      g_value_set_string (value, self->uri);
      break;

    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;

    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_ERROR:
      g_value_set_string (value, self->error_message);
      break;

    case PROP_RECONNECTING:
      g_value_set_boolean (value, self->reconnecting);
      break;

    case PROP_DOMAINS:
      g_value_set_object (value, self->domains);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_connection_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  HangarConnection *self = HANGAR_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_URI:
      self->uri = g_value_dup_string (value);
      self->title = hangar_connection_uri_describe (self->uri);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_connection_class_init (HangarConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hangar_connection_dispose;
  object_class->finalize = hangar_connection_finalize;
  object_class->get_property = hangar_connection_get_property;
  object_class->set_property = hangar_connection_set_property;

  properties[PROP_URI] =
    g_param_spec_string ("uri", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  properties[PROP_ERROR] =
    g_param_spec_string ("error", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_RECONNECTING] =
    g_param_spec_boolean ("reconnecting", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       HANGAR_TYPE_CONNECTION_STATE,
                       HANGAR_CONNECTION_DISCONNECTED,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_DOMAINS] =
    g_param_spec_object ("domains", NULL, NULL,
                         G_TYPE_LIST_MODEL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * HangarConnection::authenticate:
   * @request: what libvirt asks for
   *
   * Emitted on the main context while opening, when libvirt needs
   * credentials.  A handler that will answer (or cancel) @request returns
   * TRUE; with none, the request is cancelled and the open fails.
   */
  signals[AUTHENTICATE] =
    g_signal_new ("authenticate",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  g_signal_accumulator_true_handled, NULL,
                  NULL,
                  G_TYPE_BOOLEAN, 1, HANGAR_TYPE_AUTH_REQUEST);
}

static void
hangar_connection_init (HangarConnection *self)
{
  g_mutex_init (&self->lock);
  self->context = g_main_context_ref_thread_default ();
  self->domains = g_list_store_new (HANGAR_TYPE_DOMAIN);
  self->by_uuid = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->lookups = g_hash_table_new_full (g_str_hash, g_str_equal,
                                         NULL, (GDestroyNotify)lookup_free);
  self->caps = g_hash_table_new_full (g_str_hash, g_str_equal,
                                      g_free, (GDestroyNotify)caps_free);
  g_queue_init (&self->early_events);
  for (unsigned i = 0; i < N_EVENTS; i++)
    self->event_ids[i] = -1;
  self->stats_sampler = hangar_stats_sampler_new (self);
}

HangarConnection *
hangar_connection_new (const char *uri)
{
  g_return_val_if_fail (uri != NULL, NULL);

  return g_object_new (HANGAR_TYPE_CONNECTION,
                       "uri", uri,
                       NULL);
}

const char *
hangar_connection_get_uri (HangarConnection *self)
{
  g_return_val_if_fail (HANGAR_IS_CONNECTION (self), NULL);

  return self->uri;
}

const char *
hangar_connection_get_title (HangarConnection *self)
{
  g_return_val_if_fail (HANGAR_IS_CONNECTION (self), NULL);

  return self->title;
}

const char *
hangar_connection_get_error (HangarConnection *self)
{
  g_return_val_if_fail (HANGAR_IS_CONNECTION (self), NULL);

  return self->error_message;
}

gboolean
hangar_connection_get_reconnecting (HangarConnection *self)
{
  g_return_val_if_fail (HANGAR_IS_CONNECTION (self), FALSE);

  return self->reconnecting;
}

HangarConnectionState
hangar_connection_get_state (HangarConnection *self)
{
  g_return_val_if_fail (HANGAR_IS_CONNECTION (self), HANGAR_CONNECTION_DISCONNECTED);

  return self->state;
}

GListModel *
hangar_connection_get_domains (HangarConnection *self)
{
  g_return_val_if_fail (HANGAR_IS_CONNECTION (self), NULL);

  return G_LIST_MODEL (self->domains);
}

HangarDomain *
hangar_connection_lookup_domain (HangarConnection *self,
                                 const char       *name)
{
  unsigned n_items;

  g_return_val_if_fail (HANGAR_IS_CONNECTION (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  n_items = g_list_model_get_n_items (G_LIST_MODEL (self->domains));
  for (unsigned i = 0; i < n_items; i++)
    {
      g_autoptr(HangarDomain) domain = g_list_model_get_item (G_LIST_MODEL (self->domains), i);

      if (g_strcmp0 (hangar_domain_get_name (domain), name) == 0)
        return domain;
    }

  return NULL;
}

gboolean
hangar_connection_is_local (HangarConnection *self)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;
  const char *host;

  g_return_val_if_fail (HANGAR_IS_CONNECTION (self), FALSE);

  uri = g_uri_parse (self->uri, G_URI_FLAGS_NON_DNS, NULL);
  if (uri == NULL)
    return FALSE;

  scheme = g_uri_get_scheme (uri);
  host = g_uri_get_host (uri);

  if (host != NULL && *host != '\0' &&
      g_ascii_strcasecmp (host, "localhost") != 0)
    return FALSE;

  /* driver+transport: only the local socket keeps the files here. */
  if (strchr (scheme, '+') != NULL && !g_str_has_suffix (scheme, "+unix"))
    return FALSE;

  return TRUE;
}

HangarStatsSampler *
hangar_connection_get_stats_sampler (HangarConnection *self)
{
  g_return_val_if_fail (HANGAR_IS_CONNECTION (self), NULL);

  return self->stats_sampler;
}

virConnectPtr
hangar_connection_dup_virt (HangarConnection  *self,
                            GError           **error)
{
  virConnectPtr conn;

  g_return_val_if_fail (HANGAR_IS_CONNECTION (self), NULL);

  g_mutex_lock (&self->lock);
  conn = self->conn;
  /* Only counts a reference: nothing reaches the hypervisor. */
  if (conn != NULL)
    virConnectRef (conn);
  g_mutex_unlock (&self->lock);

  if (conn == NULL)
    g_set_error (error, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_NOT_CONNECTED,
                 _("Not connected to %s"), self->uri);

  return conn;
}


/* The embedded driver */

char *
hangar_connection_prepare_embed_root (const char  *root,
                                      GError     **error)
{
  g_autofree char *etc = NULL;
  g_autofree char *conf_path = NULL;
  g_autofree char *old = NULL;
  g_autofree char *escaped = NULL;
  g_autoptr(GString) conf = NULL;

  g_return_val_if_fail (root != NULL, NULL);
  g_return_val_if_fail (g_path_is_absolute (root), NULL);

  etc = g_build_filename (root, "etc", NULL);
  if (g_mkdir_with_parents (etc, 0700) < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not create “%s”: %s"), etc, g_strerror (saved_errno));
      return NULL;
    }

  conf = g_string_new ("# Written by Hangar for its embedded QEMU driver.\n");
  /* QEMU's output goes to a log file: there is no virtlogd in the app. */
  g_string_append (conf, "stdio_handler = \"file\"\n");
  if (geteuid () == 0)
    {
      /* Otherwise QEMU runs as an unprivileged user that cannot open
       * /dev/kvm, and libvirt keeps probing capabilities for a minute. */
      g_string_append (conf, "user = \"root\"\n");
      g_string_append (conf, "group = \"root\"\n");
    }

  conf_path = g_build_filename (etc, "qemu.conf", NULL);
  if (!g_file_get_contents (conf_path, &old, NULL, NULL) || strcmp (old, conf->str) != 0)
    {
      if (!g_file_set_contents (conf_path, conf->str, conf->len, error))
        return NULL;
    }

  escaped = g_uri_escape_string (root, "/", FALSE);

  return g_strconcat ("qemu:///embed?root=", escaped, NULL);
}

char *
hangar_connection_dup_default_uri (GError **error)
{
  g_autofree char *root = NULL;

  root = g_build_filename (g_get_user_data_dir (), "hangar", "embed", NULL);

  return hangar_connection_prepare_embed_root (root, error);
}


/* Opening */

/* As virsh asks: without VIR_CRED_USERNAME, SASL takes the authorization
 * name to be the authentication name instead of asking for both. */
static int auth_credtypes[] = {
  VIR_CRED_AUTHNAME,
  VIR_CRED_ECHOPROMPT,
  VIR_CRED_REALM,
  VIR_CRED_PASSPHRASE,
  VIR_CRED_NOECHOPROMPT,
};

typedef struct
{
  char          *uri;           /* as libvirt opens it */
  char          *shown_uri;     /* as the user gave it */
  EventSink     *sink;
  GCancellable  *cancellable;   /* the worker's, while it runs */
  gboolean       is_local;
  gboolean       auth_refused;  /* the user gave no credentials */
  unsigned       generation;
} OpenData;

typedef struct
{
  EventSink         *sink;
  HangarAuthRequest *request;
} AuthAsk;

static void
auth_ask_free (AuthAsk *ask)
{
  event_sink_unref (ask->sink);
  g_object_unref (ask->request);
  g_free (ask);
}

/* Asks the user through "authenticate", on the main context. */
static gboolean
emit_authenticate (HangarAuthRequest *request,
                   gpointer           user_data)
{
  HangarConnection *self = user_data;
  gboolean handled = FALSE;

  g_set_object (&self->auth_request, request);
  g_signal_emit (self, signals[AUTHENTICATE], 0, request, &handled);

  if (!handled)
    {
      g_debug ("Nobody answers the credentials %s asks for", self->uri);
      hangar_auth_request_cancel (request);
    }

  return TRUE;
}

static gboolean
dispatch_auth_cb (gpointer data)
{
  AuthAsk *ask = data;
  g_autoptr(HangarConnection) self = g_weak_ref_get (&ask->sink->connection);

  if (self == NULL || self->sink != ask->sink)
    {
      hangar_auth_request_cancel (ask->request);
      return G_SOURCE_REMOVE;
    }

  emit_authenticate (ask->request, self);

  return G_SOURCE_REMOVE;
}

static HangarAuthFieldKind
field_kind (int type)
{
  switch (type)
    {
    case VIR_CRED_USERNAME:
    case VIR_CRED_AUTHNAME:
      return HANGAR_AUTH_FIELD_USERNAME;

    case VIR_CRED_PASSPHRASE:
    case VIR_CRED_NOECHOPROMPT:
      return HANGAR_AUTH_FIELD_PASSWORD;

    default:
      return HANGAR_AUTH_FIELD_TEXT;
    }
}

/* libvirt asks in the thread that opens the connection: the question goes
 * to the main context, and this thread waits for the answer.  Nothing is
 * ever asked on a terminal. */
static int
auth_cb (virConnectCredentialPtr cred,
         unsigned int            ncred,
         void                   *cbdata)
{
  OpenData *data = cbdata;
  g_autoptr(HangarAuthRequest) request = NULL;
  AuthAsk *ask;

  request = hangar_auth_request_new (data->shown_uri, data->sink->context);
  for (unsigned i = 0; i < ncred; i++)
    hangar_auth_request_add_field (request, field_kind (cred[i].type),
                                   cred[i].prompt != NULL ? cred[i].prompt : "",
                                   cred[i].defresult);

  ask = g_new0 (AuthAsk, 1);
  ask->sink = event_sink_ref (data->sink);
  ask->request = g_object_ref (request);
  hangar_invoke_on (data->sink->context, dispatch_auth_cb, ask, (GDestroyNotify)auth_ask_free);

  if (!hangar_auth_request_wait (request, data->cancellable))
    {
      data->auth_refused = TRUE;
      return -1;
    }

  for (unsigned i = 0; i < ncred; i++)
    {
      /* libvirt owns and frees the answers. */
      cred[i].result = hangar_auth_request_steal_answer (request, i);
      cred[i].resultlen = cred[i].result != NULL ? strlen (cred[i].result) : 0;
    }

  return 0;
}

typedef struct
{
  virConnectPtr  conn;
  int            event_ids[N_EVENTS];
  EventSink     *close_sink;
  GPtrArray     *infos;
} OpenResult;

static void
open_data_free (OpenData *data)
{
  g_clear_pointer (&data->sink, event_sink_unref);
  g_free (data->uri);
  g_free (data->shown_uri);
  g_free (data);
}

static void
open_result_free (OpenResult *result)
{
  disconnect_in_thread (g_steal_pointer (&result->conn), result->event_ids,
                        g_steal_pointer (&result->close_sink));
  g_clear_pointer (&result->infos, g_ptr_array_unref);
  g_free (result);
}
static GHashTable *
list_uuids (virConnectPtr conn,
            unsigned      flags)
{
  g_autoptr(GHashTable) persistent = NULL;
  virDomainPtr *doms = NULL;
  int n;

  n = virConnectListAllDomains (conn, &doms, flags);
  if (n < 0)
    return NULL;

  persistent = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (int i = 0; i < n; i++)
    {
      char uuid[VIR_UUID_STRING_BUFLEN];

      virDomainGetUUIDString (doms[i], uuid);
      g_hash_table_add (persistent, g_strdup (uuid));
      virDomainFree (doms[i]);
    }
  free (doms);

  return g_steal_pointer (&persistent);
}

/* UUID → state + 1 of every domain, in one call where the driver has
 * bulk stats; empty otherwise. */
static GHashTable *
list_states (virConnectPtr conn)
{
  GHashTable *states;
  virDomainStatsRecordPtr *records = NULL;
  int n;

  states = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  n = virConnectGetAllDomainStats (conn, VIR_DOMAIN_STATS_STATE, &records, 0);
  for (int i = 0; i < n; i++)
    {
      char uuid[VIR_UUID_STRING_BUFLEN];
      int state;

      if (virTypedParamsGetInt (records[i]->params, records[i]->nparams,
                                "state.state", &state) == 1)
        {
          virDomainGetUUIDString (records[i]->dom, uuid);
          g_hash_table_insert (states, g_strdup (uuid), GINT_TO_POINTER (state + 1));
        }
    }

  if (records != NULL)
    virDomainStatsRecordListFree (records);

  return states;
}

/* Reads all domains with their states, persistence, autostart and managed
 * save images in five calls,
 * however many there are. */
static GPtrArray *
list_domains (virConnectPtr   conn,
              GError        **error)
{
  g_autoptr(GPtrArray) infos = NULL;
  g_autoptr(GHashTable) persistent = NULL;
  g_autoptr(GHashTable) states = NULL;
  g_autoptr(GHashTable) autostart = NULL;
  g_autoptr(GHashTable) managed_save = NULL;
  virDomainPtr *doms = NULL;
  int n_doms;

  n_doms = virConnectListAllDomains (conn, &doms, 0);
  if (n_doms < 0)
    {
      hangar_virt_set_error_from_libvirt (error, _("Listing the domains"));
      return NULL;
    }

  persistent = list_uuids (conn, VIR_CONNECT_LIST_DOMAINS_PERSISTENT);
  autostart = list_uuids (conn, VIR_CONNECT_LIST_DOMAINS_AUTOSTART);
  managed_save = list_uuids (conn, VIR_CONNECT_LIST_DOMAINS_MANAGEDSAVE);
  states = list_states (conn);

  infos = g_ptr_array_new_full (MAX (n_doms, 1), (GDestroyNotify)hangar_domain_info_free);

  for (int i = 0; i < n_doms; i++)
    {
      char uuid[VIR_UUID_STRING_BUFLEN];
      HangarDomainInfo *info;
      gpointer found;
      int state = VIR_DOMAIN_NOSTATE;
      int is_persistent;

      virDomainGetUUIDString (doms[i], uuid);

      /* Per domain only where the bulk calls left a gap (drivers without
       * them, or a domain that arrived in between). */
      if ((found = g_hash_table_lookup (states, uuid)) != NULL)
        state = GPOINTER_TO_INT (found) - 1;
      else if (virDomainGetState (doms[i], &state, NULL, 0) < 0)
        {
          virDomainFree (doms[i]);
          continue;
        }

      if (persistent != NULL)
        is_persistent = g_hash_table_contains (persistent, uuid);
      else
        is_persistent = virDomainIsPersistent (doms[i]) == 1;

      info = hangar_domain_info_new (doms[i], hangar_domain_state_from_libvirt (state),
                                     is_persistent);
      if (autostart != NULL && managed_save != NULL)
        {
          info->autostart = g_hash_table_contains (autostart, uuid);
          info->has_managed_save = g_hash_table_contains (managed_save, uuid);
          info->extras_known = TRUE;
        }
      g_ptr_array_add (infos, info);
    }
  free (doms);

  return g_steal_pointer (&infos);
}

static void
open_worker (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  OpenData *data = task_data;
  OpenResult *result;
  virConnectAuth auth = {
    auth_credtypes, G_N_ELEMENTS (auth_credtypes), auth_cb, data,
  };
  GError *error = NULL;

  result = g_new0 (OpenResult, 1);
  for (unsigned i = 0; i < N_EVENTS; i++)
    result->event_ids[i] = -1;

  g_debug ("Opening %s", data->shown_uri);

  data->cancellable = cancellable;
  result->conn = virConnectOpenAuth (data->uri, &auth, 0);
  data->cancellable = NULL;

  if (result->conn == NULL)
    {
      g_autofree char *what = g_strdup_printf (_("Connecting to %s"), data->shown_uri);

      if (data->auth_refused)
        g_set_error (&error, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_AUTH,
                     _("%s: no credentials were given"), what);
      else
        hangar_virt_set_error_from_libvirt (&error, what);
      g_task_return_error (task, error);
      open_result_free (result);
      return;
    }

  if (!data->is_local && virConnectSetKeepAlive (result->conn, 5, 3) < 0)
    g_debug ("No keepalive on %s", data->shown_uri);

  /* Drivers without a close callback (all local ones) accept it without
   * keeping it, and so would never free it: the session holds the sink's
   * reference and drops it after unregistering. */
  if (virConnectRegisterCloseCallback (result->conn, close_cb, data->sink, NULL) == 0)
    result->close_sink = event_sink_ref (data->sink);

  /* Before the list is read, so that nothing happens unseen in between. */
  result->event_ids[EVENT_LIFECYCLE] =
    virConnectDomainEventRegisterAny (result->conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                      VIR_DOMAIN_EVENT_CALLBACK (lifecycle_cb),
                                      event_sink_ref (data->sink), event_sink_unref);
  if (result->event_ids[EVENT_LIFECYCLE] < 0)
    {
      event_sink_unref (data->sink);
      hangar_virt_set_error_from_libvirt (&error, _("Listening to domain events"));
      g_task_return_error (task, error);
      open_result_free (result);
      return;
    }

  /* Devices plugged in or out of a running guest change its definition;
   * drivers that cannot plug devices (the test driver) may not have them. */
  result->event_ids[EVENT_DEVICE_ADDED] =
    virConnectDomainEventRegisterAny (result->conn, NULL, VIR_DOMAIN_EVENT_ID_DEVICE_ADDED,
                                      VIR_DOMAIN_EVENT_CALLBACK (device_added_cb),
                                      event_sink_ref (data->sink), event_sink_unref);
  if (result->event_ids[EVENT_DEVICE_ADDED] < 0)
    event_sink_unref (data->sink);
  result->event_ids[EVENT_DEVICE_REMOVED] =
    virConnectDomainEventRegisterAny (result->conn, NULL, VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED,
                                      VIR_DOMAIN_EVENT_CALLBACK (device_removed_cb),
                                      event_sink_ref (data->sink), event_sink_unref);
  if (result->event_ids[EVENT_DEVICE_REMOVED] < 0)
    event_sink_unref (data->sink);
  virResetLastError ();

  if (g_cancellable_set_error_if_cancelled (cancellable, &error))
    {
      g_task_return_error (task, error);
      open_result_free (result);
      return;
    }

  result->infos = list_domains (result->conn, &error);
  if (result->infos == NULL)
    {
      g_task_return_error (task, error);
      open_result_free (result);
      return;
    }

  g_task_return_pointer (task, result, (GDestroyNotify)open_result_free);
}

static void
set_error_message (HangarConnection *self,
                   const char       *message)
{
  if (g_strcmp0 (self->error_message, message) == 0)
    return;

  g_free (self->error_message);
  self->error_message = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

static void
set_reconnecting (HangarConnection *self,
                  gboolean          reconnecting)
{
  if (self->reconnecting == reconnecting)
    return;

  self->reconnecting = reconnecting;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECONNECTING]);
}

static void start_open (HangarConnection *self,
                        GTask            *task);

static gboolean
reconnect_cb (gpointer user_data)
{
  HangarConnection *self = user_data;

  self->reconnect_id = 0;

  g_debug ("Reopening %s", self->uri);
  start_open (self, NULL);

  return G_SOURCE_REMOVE;
}

/* After a loss, tries again later, each time waiting twice as long. */
static void
schedule_reconnect (HangarConnection *self)
{
  unsigned delay;

  if (!self->keep_open)
    return;

  delay = self->reconnect_delay > 0 ? self->reconnect_delay : RECONNECT_FIRST_SECONDS;
  self->reconnect_delay = MIN (delay * 2, RECONNECT_MAX_SECONDS);

  g_debug ("Reopening %s in %u s", self->uri, delay);
  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  self->reconnect_id = g_timeout_add_seconds (delay, reconnect_cb, self);
  set_reconnecting (self, TRUE);
}

static void
stop_reconnecting (HangarConnection *self)
{
  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  self->reconnect_delay = 0;
  set_reconnecting (self, FALSE);
}

static const char *
close_reason_message (int reason)
{
  switch (reason)
    {
    case VIR_CONNECT_CLOSE_REASON_EOF:
      return _("The connection was lost: the daemon closed it");

    case VIR_CONNECT_CLOSE_REASON_KEEPALIVE:
      return _("The connection was lost: the host stopped answering");

    case VIR_CONNECT_CLOSE_REASON_ERROR:
    default:
      return _("The connection was lost");
    }
}

static void
connection_lost (HangarConnection *self,
                 int               reason)
{
  const char *message = close_reason_message (reason);

  g_message ("Lost %s (reason %d)", self->uri, reason);

  /* The entries stay as last seen; editors keep their edits. */
  drop_session (self);
  set_error_message (self, message);
  set_state (self, HANGAR_CONNECTION_DISCONNECTED);
  schedule_reconnect (self);
}

static void
open_worker_done_cb (GObject      *object,
                     GAsyncResult *res,
                     gpointer      user_data)
{
  HangarConnection *self = HANGAR_CONNECTION (object);
  g_autoptr(GTask) task = user_data;
  OpenData *data = g_task_get_task_data (G_TASK (res));
  OpenResult *result;
  GError *error = NULL;

  result = g_task_propagate_pointer (G_TASK (res), &error);

  if (data->generation != self->generation)
    {
      /* Closed while opening. */
      g_clear_pointer (&result, open_result_free);
      g_clear_error (&error);
      if (task != NULL)
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                 _("The connection was closed while opening"));
      return;
    }

  g_clear_object (&self->auth_request);

  if (result == NULL)
    {
      g_clear_pointer (&self->sink, event_sink_unref);
      g_queue_clear_full (&self->early_events, (GDestroyNotify)event_free);

      /* Refused credentials are not asked again and again; anything
       * else after a loss is tried again later. */
      if (g_error_matches (error, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_AUTH) ||
          !self->reconnecting)
        {
          self->keep_open = FALSE;
          stop_reconnecting (self);
        }

      set_error_message (self, error->message);
      set_state (self, HANGAR_CONNECTION_DISCONNECTED);
      schedule_reconnect (self);

      if (task != NULL)
        g_task_return_error (task, error);
      else
        g_clear_error (&error);
      return;
    }

  g_mutex_lock (&self->lock);
  self->conn = g_steal_pointer (&result->conn);
  g_mutex_unlock (&self->lock);
  memcpy (self->event_ids, result->event_ids, sizeof self->event_ids);
  for (unsigned i = 0; i < N_EVENTS; i++)
    result->event_ids[i] = -1;
  self->close_sink = g_steal_pointer (&result->close_sink);

  sync_domains (self, result->infos);
  open_result_free (result);

  stop_reconnecting (self);
  set_error_message (self, NULL);

  /* Now in state CONNECTED, so that the events apply at once. */
  set_state (self, HANGAR_CONNECTION_CONNECTED);

  while (!g_queue_is_empty (&self->early_events))
    {
      Event *event = g_queue_pop_head (&self->early_events);

      handle_event (self, event);
      event_free (event);
    }

  g_debug ("Connected to %s: %u domains", self->uri,
           g_list_model_get_n_items (G_LIST_MODEL (self->domains)));

  if (task != NULL)
    g_task_return_boolean (task, TRUE);
}

/* Starts a worker that opens the connection; @task (may be NULL, for a
 * reconnection) completes when it is done. */
static void
start_open (HangarConnection *self,
            GTask            *task)
{
  g_autoptr(GTask) worker = NULL;
  OpenData *data;

  /* libvirt's event loop must run before the first connection opens. */
  hangar_event_loop_ensure ();

  g_clear_handle_id (&self->reconnect_id, g_source_remove);

  /* OpenSSH, which libvirt runs for qemu+ssh://, asks Hangar for
   * passwords, never a terminal. */
  if (self->open_uri == NULL)
    {
      g_autoptr(GError) error = NULL;

      self->open_uri = hangar_askpass_register (self->uri, emit_authenticate, self,
                                                &self->askpass_id, &error);
      if (self->open_uri == NULL)
        {
          g_warning ("OpenSSH cannot ask for passwords for %s: %s", self->uri, error->message);
          self->open_uri = g_strdup (self->uri);
        }
    }

  self->generation++;
  g_clear_pointer (&self->sink, event_sink_unref);
  self->sink = event_sink_new (self);

  data = g_new0 (OpenData, 1);
  data->uri = g_strdup (self->open_uri);
  data->shown_uri = g_strdup (self->uri);
  data->sink = event_sink_ref (self->sink);
  data->is_local = hangar_connection_is_local (self);
  data->generation = self->generation;

  set_state (self, HANGAR_CONNECTION_CONNECTING);

  worker = g_task_new (self, task != NULL ? g_task_get_cancellable (task) : NULL,
                       open_worker_done_cb, task != NULL ? g_object_ref (task) : NULL);
  g_task_set_source_tag (worker, open_worker);
  g_task_set_task_data (worker, data, (GDestroyNotify)open_data_free);
  g_task_run_in_thread (worker, open_worker);
}

void
hangar_connection_open_async (HangarConnection    *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (HANGAR_IS_CONNECTION (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_connection_open_async);

  if (self->state == HANGAR_CONNECTION_CONNECTED)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (self->state == HANGAR_CONNECTION_CONNECTING)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               _("Already connecting to %s"), self->uri);
      return;
    }

  /* Asked for now: no need to wait for the next try. */
  self->keep_open = TRUE;
  start_open (self, task);
}

gboolean
hangar_connection_open_finish (HangarConnection  *self,
                               GAsyncResult      *result,
                               GError           **error)
{
  g_return_val_if_fail (HANGAR_IS_CONNECTION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        hangar_connection_open_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
hangar_connection_close (HangarConnection *self)
{
  g_return_if_fail (HANGAR_IS_CONNECTION (self));

  self->keep_open = FALSE;
  stop_reconnecting (self);

  if (self->state == HANGAR_CONNECTION_DISCONNECTED)
    return;

  g_debug ("Closing %s", self->uri);

  drop_session (self);
  set_error_message (self, NULL);
  set_state (self, HANGAR_CONNECTION_DISCONNECTED);
}
/* Defining */

typedef struct
{
  virConnectPtr  conn;
  char          *xml;
  char          *name;
  unsigned       generation;
} DefineData;

static void
define_data_free (DefineData *data)
{
  hangar_virt_release (g_steal_pointer (&data->conn), NULL);
  g_free (data->xml);
  g_free (data->name);
  g_free (data);
}

static void
define_worker (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  DefineData *data = task_data;
  virDomainPtr dom;
  GError *error = NULL;
  int state = VIR_DOMAIN_NOSTATE;

  dom = virDomainDefineXMLFlags (data->conn, data->xml, VIR_DOMAIN_DEFINE_VALIDATE);
  if (dom == NULL)
    {
      g_autofree char *what = g_strdup_printf (_("Defining “%s”"), data->name);

      hangar_virt_set_error_from_libvirt (&error, what);
      g_task_return_error (task, error);
      return;
    }

  /* A definition may replace that of a running domain. */
  if (virDomainGetState (dom, &state, NULL, 0) < 0)
    state = VIR_DOMAIN_SHUTOFF;

  g_task_return_pointer (task,
                         hangar_domain_info_new (dom, hangar_domain_state_from_libvirt (state),
                                                 TRUE),
                         (GDestroyNotify)hangar_domain_info_free);
}

static void
define_worker_done_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  HangarConnection *self = HANGAR_CONNECTION (object);
  g_autoptr(GTask) task = user_data;
  DefineData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(HangarDomainInfo) info = NULL;
  HangarDomain *domain;
  GError *error = NULL;

  info = g_task_propagate_pointer (G_TASK (result), &error);
  if (info == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (data->generation != self->generation)
    {
      g_task_return_new_error (task, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_NOT_CONNECTED,
                               _("The connection to %s was closed"), self->uri);
      return;
    }

  /* The DEFINED event may have added the entry already; keep its state,
   * which events keep current. */
  domain = insert_or_update (self, info, FALSE);

  g_task_return_pointer (task, g_object_ref (domain), g_object_unref);
}

void
hangar_connection_define_async (HangarConnection    *self,
                                HangarDomainDoc     *doc,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) worker = NULL;
  DefineData *data;
  GError *error = NULL;

  g_return_if_fail (HANGAR_IS_CONNECTION (self));
  g_return_if_fail (HANGAR_IS_DOMAIN_DOC (doc));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_connection_define_async);

  data = g_new0 (DefineData, 1);
  data->conn = hangar_connection_dup_virt (self, &error);
  data->name = g_strdup (hangar_domain_doc_get_name (doc));
  data->generation = self->generation;

  if (data->conn == NULL)
    {
      define_data_free (data);
      g_task_return_error (task, error);
      return;
    }

  /* The document is not thread-safe: serialize it here, it is quick. */
  data->xml = hangar_domain_doc_to_string (doc);

  /* Not cancellable: once libvirt has defined it, the entry must follow. */
  worker = g_task_new (self, NULL, define_worker_done_cb, g_steal_pointer (&task));
  g_task_set_source_tag (worker, define_worker);
  g_task_set_task_data (worker, data, (GDestroyNotify)define_data_free);
  g_task_run_in_thread (worker, define_worker);
}

HangarDomain *
hangar_connection_define_finish (HangarConnection  *self,
                                 GAsyncResult      *result,
                                 GError           **error)
{
  g_return_val_if_fail (HANGAR_IS_CONNECTION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        hangar_connection_define_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}


/* Capabilities */

static gboolean
error_is (int code)
{
  virErrorPtr last = virGetLastError ();

  return last != NULL && last->code == code;
}

gboolean
hangar_connection_load_capabilities_sync (HangarConnection  *self,
                                          const char        *virt_type,
                                          const char        *arch,
                                          const char        *machine,
                                          GCancellable      *cancellable,
                                          char             **host_caps,
                                          char             **domain_caps,
                                          gboolean          *has_network_driver,
                                          GError           **error)
{
  g_autofree char *key = NULL;
  virConnectPtr conn;
  virNetworkPtr *networks = NULL;
  Caps *caps;
  int n;

  g_return_val_if_fail (HANGAR_IS_CONNECTION (self), FALSE);

  key = g_strdup_printf ("%s|%s|%s", virt_type ? virt_type : "",
                         arch ? arch : "", machine ? machine : "");

  g_mutex_lock (&self->lock);
  caps = g_hash_table_lookup (self->caps, key);
  if (caps != NULL)
    {
      if (host_caps != NULL)
        *host_caps = g_strdup (caps->host_caps);
      if (domain_caps != NULL)
        *domain_caps = g_strdup (caps->domain_caps);
      if (has_network_driver != NULL)
        *has_network_driver = caps->has_network_driver;
      g_mutex_unlock (&self->lock);
      return TRUE;
    }
  g_mutex_unlock (&self->lock);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  conn = hangar_connection_dup_virt (self, error);
  if (conn == NULL)
    return FALSE;

  caps = g_new0 (Caps, 1);

  caps->host_caps = virConnectGetCapabilities (conn);
  if (caps->host_caps == NULL)
    {
      hangar_virt_set_error_from_libvirt (error, _("Reading the host’s capabilities"));
      goto failed;
    }

  caps->domain_caps = virConnectGetDomainCapabilities (conn, NULL, arch, machine,
                                                       virt_type, 0);
  if (caps->domain_caps == NULL && !error_is (VIR_ERR_NO_SUPPORT))
    {
      g_autofree char *what = g_strdup_printf (_("Reading the capabilities of %s domains"),
                                               virt_type ? virt_type : "default");

      hangar_virt_set_error_from_libvirt (error, what);
      goto failed;
    }

  /* The embedded driver has no network driver: listing says so. */
  n = virConnectListAllNetworks (conn, &networks, 0);
  if (n < 0)
    {
      virErrorPtr last = virGetLastError ();

      g_debug ("No networks on %s: %s", self->uri,
               last != NULL && last->message != NULL ? last->message : "?");
      caps->has_network_driver = FALSE;
    }
  else
    {
      for (int i = 0; i < n; i++)
        virNetworkFree (networks[i]);
      free (networks);
      caps->has_network_driver = TRUE;
    }

  virConnectClose (conn);

  if (host_caps != NULL)
    *host_caps = g_strdup (caps->host_caps);
  if (domain_caps != NULL)
    *domain_caps = g_strdup (caps->domain_caps);
  if (has_network_driver != NULL)
    *has_network_driver = caps->has_network_driver;

  g_mutex_lock (&self->lock);
  g_hash_table_replace (self->caps, g_steal_pointer (&key), caps);
  g_mutex_unlock (&self->lock);

  return TRUE;

failed:
  virConnectClose (conn);
  caps_free (caps);
  return FALSE;
}

typedef struct
{
  char *virt_type;
  char *arch;
  char *machine;
} CapsQuery;

static void
caps_query_free (CapsQuery *query)
{
  g_free (query->virt_type);
  g_free (query->arch);
  g_free (query->machine);
  g_free (query);
}

static void
load_capabilities_worker (GTask        *task,
                          gpointer      source_object,
                          gpointer      task_data,
                          GCancellable *cancellable)
{
  HangarConnection *self = source_object;
  CapsQuery *query = task_data;
  Caps *caps;
  GError *error = NULL;

  caps = g_new0 (Caps, 1);

  if (!hangar_connection_load_capabilities_sync (self, query->virt_type, query->arch,
                                                 query->machine, cancellable,
                                                 &caps->host_caps, &caps->domain_caps,
                                                 &caps->has_network_driver, &error))
    {
      caps_free (caps);
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, caps, (GDestroyNotify)caps_free);
}

void
hangar_connection_load_capabilities_async (HangarConnection    *self,
                                           const char          *virt_type,
                                           const char          *arch,
                                           const char          *machine,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  CapsQuery *query;

  g_return_if_fail (HANGAR_IS_CONNECTION (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  query = g_new0 (CapsQuery, 1);
  query->virt_type = g_strdup (virt_type);
  query->arch = g_strdup (arch);
  query->machine = g_strdup (machine);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_connection_load_capabilities_async);
  g_task_set_task_data (task, query, (GDestroyNotify)caps_query_free);
  g_task_run_in_thread (task, load_capabilities_worker);
}

gboolean
hangar_connection_load_capabilities_finish (HangarConnection  *self,
                                            GAsyncResult      *result,
                                            char             **host_caps,
                                            char             **domain_caps,
                                            gboolean          *has_network_driver,
                                            GError           **error)
{
  Caps *caps;

  g_return_val_if_fail (HANGAR_IS_CONNECTION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        hangar_connection_load_capabilities_async, FALSE);

  caps = g_task_propagate_pointer (G_TASK (result), error);
  if (caps == NULL)
    return FALSE;

  if (host_caps != NULL)
    *host_caps = g_steal_pointer (&caps->host_caps);
  if (domain_caps != NULL)
    *domain_caps = g_steal_pointer (&caps->domain_caps);
  if (has_network_driver != NULL)
    *has_network_driver = caps->has_network_driver;
  caps_free (caps);

  return TRUE;
}
