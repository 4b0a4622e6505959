/* hangar-domain.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-domain"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "hangar-domain.h"
#include "hangar-stats-sampler.h"
#include "hangar-virt-error.h"
#include "hangar-virt-private.h"
#include "hangar-xml-diff.h"
#include "hangar-xml-tree.h"

struct _HangarDomain
{
  GObject parent_instance;

  /* owned references */
  char              *name;
  char              *collate_key;
  char              *uuid;
  virDomainPtr       dom;

  /* borrowed references */
  HangarConnection  *connection;

  HangarDomainState  state;
  gboolean           persistent;
  gboolean           autostart;
  gboolean           has_managed_save;
  gboolean           has_pending_changes;
  unsigned           n_applying;  /* applies whose worker has not returned */
  unsigned           n_applied;   /* applies returned so far */

  HangarStatsRecord *last_record; /* the base of the next sample's rates */
  GArray            *history;     /* HangarDomainStats, oldest first */
};

G_DEFINE_FINAL_TYPE (HangarDomain, hangar_domain, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (HangarDomainState, hangar_domain_state,
  G_DEFINE_ENUM_VALUE (HANGAR_DOMAIN_STATE_SHUTOFF, "shutoff"),
  G_DEFINE_ENUM_VALUE (HANGAR_DOMAIN_STATE_RUNNING, "running"),
  G_DEFINE_ENUM_VALUE (HANGAR_DOMAIN_STATE_PAUSED, "paused"),
  G_DEFINE_ENUM_VALUE (HANGAR_DOMAIN_STATE_SHUTTING_DOWN, "shutting-down"),
  G_DEFINE_ENUM_VALUE (HANGAR_DOMAIN_STATE_CRASHED, "crashed"),
  G_DEFINE_ENUM_VALUE (HANGAR_DOMAIN_STATE_SUSPENDED, "suspended"))

G_DEFINE_ENUM_TYPE (HangarDomainAction, hangar_domain_action,
  G_DEFINE_ENUM_VALUE (HANGAR_DOMAIN_ACTION_START, "start"),
  G_DEFINE_ENUM_VALUE (HANGAR_DOMAIN_ACTION_SHUTDOWN, "shutdown"),
  G_DEFINE_ENUM_VALUE (HANGAR_DOMAIN_ACTION_FORCE_OFF, "force-off"),
  G_DEFINE_ENUM_VALUE (HANGAR_DOMAIN_ACTION_REBOOT, "reboot"),
  G_DEFINE_ENUM_VALUE (HANGAR_DOMAIN_ACTION_RESET, "reset"),
  G_DEFINE_ENUM_VALUE (HANGAR_DOMAIN_ACTION_PAUSE, "pause"),
  G_DEFINE_ENUM_VALUE (HANGAR_DOMAIN_ACTION_RESUME, "resume"),
  G_DEFINE_ENUM_VALUE (HANGAR_DOMAIN_ACTION_SAVE, "save"),
  G_DEFINE_ENUM_VALUE (HANGAR_DOMAIN_ACTION_DISCARD_SAVE, "discard-save"),
  G_DEFINE_ENUM_VALUE (HANGAR_DOMAIN_ACTION_UNDEFINE, "undefine"),
  G_DEFINE_ENUM_VALUE (HANGAR_DOMAIN_ACTION_RENAME, "rename"),
  G_DEFINE_ENUM_VALUE (HANGAR_DOMAIN_ACTION_SET_AUTOSTART, "set-autostart"),
  G_DEFINE_ENUM_VALUE (HANGAR_DOMAIN_ACTION_CLONE, "clone"))

enum {
  PROP_0,
  PROP_NAME,
  PROP_UUID,
  PROP_STATE,
  PROP_PERSISTENT,
  PROP_AUTOSTART,
  PROP_HAS_MANAGED_SAVE,
  PROP_HAS_PENDING_CHANGES,
  PROP_STATS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  DEFINITION_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

HangarDomainStats *
hangar_domain_stats_copy (const HangarDomainStats *stats)
{
  return g_memdup2 (stats, sizeof *stats);
}

void
hangar_domain_stats_free (HangarDomainStats *stats)
{
  g_free (stats);
}

G_DEFINE_BOXED_TYPE (HangarDomainStats, hangar_domain_stats,
                     hangar_domain_stats_copy, hangar_domain_stats_free)

/* What a worker needs: its own libvirt reference and copies of the rest,
 * so that it never touches the HangarDomain from another thread. */
typedef struct
{
  virDomainPtr        dom;
  char               *name;
  char               *xml;
  HangarDomainAction  action;
  unsigned            index;       /* display, screen; pending changes: applies
                                    * returned before it started */
  gboolean            inactive;
  gboolean            flag;        /* SET_AUTOSTART's value */
  char               *new_name;    /* RENAME's */
  char              **paths;       /* delete: what to delete after undefining */
  gboolean            local;       /* delete: plain files may be unlinked */
  gboolean            undefined;   /* delete: set by the worker */
  char               *base_xml;    /* apply: what the editor started from */
  HangarApplyReport  *report;      /* apply: set by the worker */
  GPtrArray          *pending;     /* apply, pending changes: set by the worker */
} TaskData;

static void
task_data_free (TaskData *data)
{
  hangar_virt_release (NULL, g_steal_pointer (&data->dom));
  g_free (data->name);
  g_free (data->xml);
  g_free (data->new_name);
  g_strfreev (data->paths);
  g_free (data->base_xml);
  g_clear_pointer (&data->report, hangar_apply_report_free);
  g_clear_pointer (&data->pending, g_ptr_array_unref);
  g_free (data);
}

typedef struct
{
  GBytes *bytes;
  char   *mime_type;
} Screenshot;

static void
screenshot_free (Screenshot *shot)
{
  g_clear_pointer (&shot->bytes, g_bytes_unref);
  g_free (shot->mime_type);
  g_free (shot);
}

static void
fd_box_free (int *fd)
{
  /* The descriptor was never handed to a caller: do not leak it. */
  if (*fd >= 0)
    close (*fd);
  g_free (fd);
}


/* Worker-side helpers */

typedef struct
{
  virConnectPtr conn;
  virDomainPtr  dom;
} Release;

static gpointer
release_thread_func (gpointer data)
{
  GAsyncQueue *queue = data;

  for (;;)
    {
      Release *release = g_async_queue_pop (queue);

      if (release->dom != NULL)
        virDomainFree (release->dom);
      if (release->conn != NULL)
        virConnectClose (release->conn);
      g_free (release);
    }

  return NULL;
}

void
hangar_virt_release (virConnectPtr conn,
                     virDomainPtr  dom)
{
  static GAsyncQueue *queue;
  Release *release;

  if (conn == NULL && dom == NULL)
    return;

  /* One thread for all: closing a list of thousands of domains must not
   * start thousands of tasks. */
  if (g_once_init_enter (&queue))
    {
      GAsyncQueue *new_queue = g_async_queue_new ();

      g_thread_unref (g_thread_new ("hangar-libvirt-release", release_thread_func, new_queue));
      g_once_init_leave (&queue, new_queue);
    }

  release = g_new0 (Release, 1);
  release->conn = conn;
  release->dom = dom;
  g_async_queue_push (queue, release);
}

HangarDomainState
hangar_domain_state_from_libvirt (int state)
{
  switch (state)
    {
    case VIR_DOMAIN_RUNNING:
    case VIR_DOMAIN_BLOCKED:
      return HANGAR_DOMAIN_STATE_RUNNING;

    case VIR_DOMAIN_PAUSED:
      return HANGAR_DOMAIN_STATE_PAUSED;

    case VIR_DOMAIN_SHUTDOWN:
      return HANGAR_DOMAIN_STATE_SHUTTING_DOWN;

    case VIR_DOMAIN_CRASHED:
      return HANGAR_DOMAIN_STATE_CRASHED;

    case VIR_DOMAIN_PMSUSPENDED:
      return HANGAR_DOMAIN_STATE_SUSPENDED;

    case VIR_DOMAIN_NOSTATE:
    case VIR_DOMAIN_SHUTOFF:
    default:
      return HANGAR_DOMAIN_STATE_SHUTOFF;
    }
}

HangarDomainInfo *
hangar_domain_info_new (virDomainPtr      dom,
                        HangarDomainState state,
                        gboolean          persistent)
{
  HangarDomainInfo *info;
  char uuid[VIR_UUID_STRING_BUFLEN] = "";

  g_return_val_if_fail (dom != NULL, NULL);

  /* Both read the handle's own copy: no call reaches the hypervisor. */
  virDomainGetUUIDString (dom, uuid);

  info = g_new0 (HangarDomainInfo, 1);
  info->dom = dom;
  info->uuid = g_strdup (uuid);
  info->name = g_strdup (virDomainGetName (dom));
  info->state = state;
  info->persistent = persistent;

  return info;
}

void
hangar_domain_info_free (HangarDomainInfo *info)
{
  if (info == NULL)
    return;

  hangar_virt_release (NULL, g_steal_pointer (&info->dom));
  g_free (info->uuid);
  g_free (info->name);
  g_free (info);
}


/* The object */

const char *
hangar_domain_state_to_label (HangarDomainState state)
{
  switch (state)
    {
    case HANGAR_DOMAIN_STATE_SHUTOFF:
      return _("Shut off");

    case HANGAR_DOMAIN_STATE_RUNNING:
      return _("Running");

    case HANGAR_DOMAIN_STATE_PAUSED:
      return _("Paused");

    case HANGAR_DOMAIN_STATE_SHUTTING_DOWN:
      return _("Shutting down");

    case HANGAR_DOMAIN_STATE_CRASHED:
      return _("Crashed");

    case HANGAR_DOMAIN_STATE_SUSPENDED:
      return _("Suspended");

    default:
      g_return_val_if_reached (NULL);
    }
}

static void
hangar_domain_dispose (GObject *object)
{
  HangarDomain *self = (HangarDomain *)object;

  if (self->connection != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->connection),
                                  (gpointer *)&self->connection);
  self->connection = NULL;

  hangar_virt_release (NULL, g_steal_pointer (&self->dom));

  G_OBJECT_CLASS (hangar_domain_parent_class)->dispose (object);
}

static void
hangar_domain_finalize (GObject *object)
{
  HangarDomain *self = (HangarDomain *)object;

  g_free (self->name);
  g_free (self->collate_key);
  g_free (self->uuid);
  g_clear_pointer (&self->last_record, hangar_stats_record_free);
  g_clear_pointer (&self->history, g_array_unref);

  G_OBJECT_CLASS (hangar_domain_parent_class)->finalize (object);
}

static void
hangar_domain_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  HangarDomain *self = HANGAR_DOMAIN (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_UUID:
      g_value_set_string (value, self->uuid);
      break;

    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_PERSISTENT:
      g_value_set_boolean (value, self->persistent);
      break;

    case PROP_AUTOSTART:
      g_value_set_boolean (value, self->autostart);
      break;

    case PROP_HAS_MANAGED_SAVE:
      g_value_set_boolean (value, self->has_managed_save);
      break;

    case PROP_HAS_PENDING_CHANGES:
      g_value_set_boolean (value, self->has_pending_changes);
      break;

    case PROP_STATS:
      g_value_set_boxed (value, hangar_domain_get_stats (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_domain_class_init (HangarDomainClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hangar_domain_dispose;
  object_class->finalize = hangar_domain_finalize;
  object_class->get_property = hangar_domain_get_property;

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_UUID] =
    g_param_spec_string ("uuid", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       HANGAR_TYPE_DOMAIN_STATE,
                       HANGAR_DOMAIN_STATE_SHUTOFF,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_PERSISTENT] =
    g_param_spec_boolean ("persistent", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_AUTOSTART] =
    g_param_spec_boolean ("autostart", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_HAS_MANAGED_SAVE] =
    g_param_spec_boolean ("has-managed-save", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_HAS_PENDING_CHANGES] =
    g_param_spec_boolean ("has-pending-changes", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_STATS] =
    g_param_spec_boxed ("stats", NULL, NULL,
                        HANGAR_TYPE_DOMAIN_STATS,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[DEFINITION_CHANGED] = g_signal_new ("definition-changed",
                                              G_TYPE_FROM_CLASS (klass),
                                              G_SIGNAL_RUN_LAST,
                                              0, NULL, NULL, NULL,
                                              G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
}

static void
hangar_domain_init (HangarDomain *self)
{
  self->history = g_array_sized_new (FALSE, FALSE, sizeof (HangarDomainStats),
                                     HANGAR_DOMAIN_STATS_HISTORY);
}

HangarDomain *
hangar_domain_new_from_info (HangarConnection *connection,
                             HangarDomainInfo *info)
{
  HangarDomain *self;

  g_return_val_if_fail (HANGAR_IS_CONNECTION (connection), NULL);
  g_return_val_if_fail (info != NULL, NULL);

  self = g_object_new (HANGAR_TYPE_DOMAIN, NULL);
  self->connection = connection;
  g_object_add_weak_pointer (G_OBJECT (connection), (gpointer *)&self->connection);
  self->uuid = g_strdup (info->uuid);
  self->name = g_strdup (info->name);
  self->collate_key = g_utf8_collate_key (info->name, -1);
  self->state = info->state;
  self->persistent = info->persistent;
  self->autostart = info->autostart;
  self->has_managed_save = info->has_managed_save;
  self->dom = g_steal_pointer (&info->dom);

  return self;
}

gboolean
hangar_domain_set_name (HangarDomain *self,
                        const char   *name)
{
  g_return_val_if_fail (HANGAR_IS_DOMAIN (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (g_strcmp0 (self->name, name) == 0)
    return FALSE;

  g_free (self->name);
  self->name = g_strdup (name);
  g_free (self->collate_key);
  self->collate_key = g_utf8_collate_key (name, -1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);

  return TRUE;
}

/* Stores a boolean property and notifies when it changed. */
static void
set_flag (HangarDomain *self,
          gboolean     *field,
          gboolean      value,
          unsigned      prop)
{
  value = !!value;
  if (*field == value)
    return;

  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
clear_stats (HangarDomain *self)
{
  g_clear_pointer (&self->last_record, hangar_stats_record_free);

  if (self->history->len == 0)
    return;

  g_array_set_size (self->history, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATS]);
}

/* Per second, from two readings of a counter; -1 when either lacks it or
 * the counter went back (a new QEMU). */
static double
rate (gboolean  known,
      guint64   then,
      guint64   now,
      double    seconds)
{
  if (!known || now < then || seconds <= 0)
    return -1;

  return (now - then) / seconds;
}

void
hangar_domain_push_stats_record (HangarDomain      *self,
                                 HangarStatsRecord *record)
{
  g_autoptr(HangarStatsRecord) owned = record;
  HangarStatsRecord *last = self->last_record;
  HangarDomainStats stats = { 0, };
  double seconds = 0;

  g_return_if_fail (HANGAR_IS_DOMAIN (self));
  g_return_if_fail (record != NULL);

  /* An older record cannot be a base. */
  if (last != NULL && record->time <= last->time)
    return;

  if (last != NULL)
    seconds = (record->time - last->time) / (double)G_USEC_PER_SEC;

  stats.time = record->time;
  stats.cpu_percent = -1;
  if (last != NULL && last->has_cpu && record->has_cpu && record->cpu_time >= last->cpu_time &&
      seconds > 0)
    {
      unsigned vcpus = MAX (record->vcpus, 1);

      /* Where only QEMU's total is known, its other threads count too:
       * keep it within what the vCPUs could use. */
      stats.cpu_percent = CLAMP ((record->cpu_time - last->cpu_time) / 1e9 / seconds /
                                 vcpus * 100, 0, 100);
    }

  if (record->has_balloon)
    {
      stats.memory_kib = record->balloon_current;
      if (record->balloon_available > 0 && record->balloon_unused <= record->balloon_available)
        stats.memory_used_kib = record->balloon_available - record->balloon_unused;
      else
        stats.memory_used_kib = MIN (record->balloon_rss, record->balloon_current);
    }

  stats.disk_read_rate = rate (last != NULL && last->has_block && record->has_block,
                               last ? last->rd_bytes : 0, record->rd_bytes, seconds);
  stats.disk_write_rate = rate (last != NULL && last->has_block && record->has_block,
                                last ? last->wr_bytes : 0, record->wr_bytes, seconds);
  stats.net_rx_rate = rate (last != NULL && last->has_net && record->has_net,
                            last ? last->rx_bytes : 0, record->rx_bytes, seconds);
  stats.net_tx_rate = rate (last != NULL && last->has_net && record->has_net,
                            last ? last->tx_bytes : 0, record->tx_bytes, seconds);

  g_clear_pointer (&self->last_record, hangar_stats_record_free);
  self->last_record = g_steal_pointer (&owned);

  if (self->history->len == HANGAR_DOMAIN_STATS_HISTORY)
    g_array_remove_index (self->history, 0);
  g_array_append_val (self->history, stats);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATS]);
}

const HangarDomainStats *
hangar_domain_get_stats (HangarDomain *self)
{
  g_return_val_if_fail (HANGAR_IS_DOMAIN (self), NULL);

  if (self->history->len == 0)
    return NULL;

  return &g_array_index (self->history, HangarDomainStats, self->history->len - 1);
}

const HangarDomainStats *
hangar_domain_get_stats_history (HangarDomain *self,
                                 unsigned     *n_samples)
{
  g_return_val_if_fail (HANGAR_IS_DOMAIN (self), NULL);
  g_return_val_if_fail (n_samples != NULL, NULL);

  *n_samples = self->history->len;

  return (const HangarDomainStats *)(gpointer)self->history->data;
}

void
hangar_domain_watch_stats (HangarDomain *self)
{
  g_return_if_fail (HANGAR_IS_DOMAIN (self));

  if (self->connection != NULL)
    hangar_stats_sampler_watch (hangar_connection_get_stats_sampler (self->connection), self);
}

void
hangar_domain_unwatch_stats (HangarDomain *self)
{
  g_return_if_fail (HANGAR_IS_DOMAIN (self));

  /* The connection's sampler went with it, and its watches. */
  if (self->connection != NULL)
    hangar_stats_sampler_unwatch (hangar_connection_get_stats_sampler (self->connection), self);
}

void
hangar_domain_set_state (HangarDomain      *self,
                         HangarDomainState  state)
{
  g_return_if_fail (HANGAR_IS_DOMAIN (self));

  if (self->state == state)
    return;

  g_debug ("“%s”: %s → %s", self->name,
           hangar_domain_state_to_label (self->state),
           hangar_domain_state_to_label (state));

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);

  /* A guest that stopped starts again from its persistent definition. */
  if (state == HANGAR_DOMAIN_STATE_SHUTOFF)
    set_flag (self, &self->has_pending_changes, FALSE, PROP_HAS_PENDING_CHANGES);

  /* Its counters start again from zero with the next QEMU. */
  if (state == HANGAR_DOMAIN_STATE_SHUTOFF || state == HANGAR_DOMAIN_STATE_CRASHED)
    clear_stats (self);
}

void
hangar_domain_set_persistent (HangarDomain *self,
                              gboolean      persistent)
{
  g_return_if_fail (HANGAR_IS_DOMAIN (self));

  set_flag (self, &self->persistent, persistent, PROP_PERSISTENT);
}

void
hangar_domain_set_autostart (HangarDomain *self,
                             gboolean      autostart)
{
  g_return_if_fail (HANGAR_IS_DOMAIN (self));

  set_flag (self, &self->autostart, autostart, PROP_AUTOSTART);
}

void
hangar_domain_set_has_managed_save (HangarDomain *self,
                                    gboolean      has_managed_save)
{
  g_return_if_fail (HANGAR_IS_DOMAIN (self));

  set_flag (self, &self->has_managed_save, has_managed_save, PROP_HAS_MANAGED_SAVE);
}

gboolean
hangar_domain_update (HangarDomain      *self,
                      const char        *name,
                      HangarDomainState  state,
                      gboolean           persistent)
{
  gboolean renamed;

  g_return_val_if_fail (HANGAR_IS_DOMAIN (self), FALSE);

  g_object_freeze_notify (G_OBJECT (self));
  renamed = name != NULL && hangar_domain_set_name (self, name);
  hangar_domain_set_state (self, state);
  hangar_domain_set_persistent (self, persistent);
  g_object_thaw_notify (G_OBJECT (self));

  return renamed;
}

void
hangar_domain_definition_changed (HangarDomain *self,
                                  gboolean      live)
{
  g_return_if_fail (HANGAR_IS_DOMAIN (self));

  g_signal_emit (self, signals[DEFINITION_CHANGED], 0, !!live);

  /* What the guest runs and what its next boot runs may differ now. */
  if (self->state != HANGAR_DOMAIN_STATE_SHUTOFF && self->dom != NULL)
    hangar_domain_load_pending_changes_async (self, NULL, NULL, NULL);
}

void
hangar_domain_set_virt (HangarDomain *self,
                        virDomainPtr  dom)
{
  g_return_if_fail (HANGAR_IS_DOMAIN (self));

  if (self->dom == dom)
    {
      /* The caller's reference is one too many. */
      hangar_virt_release (NULL, dom);
      return;
    }

  hangar_virt_release (NULL, g_steal_pointer (&self->dom));
  self->dom = dom;
}

virDomainPtr
hangar_domain_dup_virt (HangarDomain *self)
{
  g_return_val_if_fail (HANGAR_IS_DOMAIN (self), NULL);

  if (self->dom == NULL)
    return NULL;

  /* Only counts a reference: nothing reaches the hypervisor. */
  virDomainRef (self->dom);

  return self->dom;
}

int
hangar_domain_compare (gconstpointer a,
                       gconstpointer b,
                       gpointer      user_data)
{
  const HangarDomain *da = a;
  const HangarDomain *db = b;
  int ret;

  ret = strcmp (da->collate_key, db->collate_key);
  if (ret == 0)
    ret = strcmp (da->name, db->name);
  if (ret == 0)
    ret = strcmp (da->uuid, db->uuid);

  return ret;
}

HangarConnection *
hangar_domain_get_connection (HangarDomain *self)
{
  g_return_val_if_fail (HANGAR_IS_DOMAIN (self), NULL);

  return self->connection;
}

const char *
hangar_domain_get_name (HangarDomain *self)
{
  g_return_val_if_fail (HANGAR_IS_DOMAIN (self), NULL);

  return self->name;
}

const char *
hangar_domain_get_uuid (HangarDomain *self)
{
  g_return_val_if_fail (HANGAR_IS_DOMAIN (self), NULL);

  return self->uuid;
}

HangarDomainState
hangar_domain_get_state (HangarDomain *self)
{
  g_return_val_if_fail (HANGAR_IS_DOMAIN (self), HANGAR_DOMAIN_STATE_SHUTOFF);

  return self->state;
}

gboolean
hangar_domain_get_persistent (HangarDomain *self)
{
  g_return_val_if_fail (HANGAR_IS_DOMAIN (self), FALSE);

  return self->persistent;
}

gboolean
hangar_domain_get_autostart (HangarDomain *self)
{
  g_return_val_if_fail (HANGAR_IS_DOMAIN (self), FALSE);

  return self->autostart;
}

gboolean
hangar_domain_get_has_managed_save (HangarDomain *self)
{
  g_return_val_if_fail (HANGAR_IS_DOMAIN (self), FALSE);

  return self->has_managed_save;
}

gboolean
hangar_domain_get_has_pending_changes (HangarDomain *self)
{
  g_return_val_if_fail (HANGAR_IS_DOMAIN (self), FALSE);

  return self->has_pending_changes;
}


/* Lifecycle */

static gboolean
refuse (GError     **error,
        const char  *format,
        const char  *name)
{
  /* The formats are translated at the call site and take the name once. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  g_set_error (error, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_INVALID_STATE, format, name);
#pragma GCC diagnostic pop

  return FALSE;
}

/* Refuses, on the main context and from the last state libvirt reported,
 * what that state forbids.  libvirt checks again: a refusal from there
 * arrives as HANGAR_VIRT_ERROR_INVALID_STATE too. */
gboolean
hangar_domain_check_action (HangarDomain        *self,
                            HangarDomainAction   action,
                            GError             **error)
{
  HangarDomainState state;
  const char *name;

  g_return_val_if_fail (HANGAR_IS_DOMAIN (self), FALSE);

  state = self->state;
  name = self->name;

  if (self->dom == NULL)
    {
      g_set_error (error, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_NOT_CONNECTED,
                   _("The connection of “%s” is closed"), name);
      return FALSE;
    }

  switch (action)
    {
    case HANGAR_DOMAIN_ACTION_START:
      if (state == HANGAR_DOMAIN_STATE_RUNNING || state == HANGAR_DOMAIN_STATE_SHUTTING_DOWN)
        return refuse (error, _("“%s” is already running"), name);
      if (state == HANGAR_DOMAIN_STATE_PAUSED)
        return refuse (error, _("“%s” is paused: resume it instead"), name);
      if (state == HANGAR_DOMAIN_STATE_SUSPENDED)
        return refuse (error, _("“%s” is suspended: wake it up instead"), name);
      if (state == HANGAR_DOMAIN_STATE_CRASHED)
        return refuse (error, _("“%s” has crashed: force it off first"), name);
      return TRUE;

    case HANGAR_DOMAIN_ACTION_SHUTDOWN:
    case HANGAR_DOMAIN_ACTION_REBOOT:
      if (state == HANGAR_DOMAIN_STATE_SHUTOFF)
        return refuse (error, _("“%s” is not running"), name);
      if (state == HANGAR_DOMAIN_STATE_PAUSED)
        return refuse (error, _("“%s” is paused: a paused guest cannot answer a shutdown "
                                "or reboot request"), name);
      if (state == HANGAR_DOMAIN_STATE_SUSPENDED)
        return refuse (error, _("“%s” is suspended: a suspended guest cannot answer a "
                                "shutdown or reboot request"), name);
      if (state == HANGAR_DOMAIN_STATE_CRASHED)
        return refuse (error, _("“%s” has crashed: force it off instead"), name);
      return TRUE;

    case HANGAR_DOMAIN_ACTION_FORCE_OFF:
      if (state == HANGAR_DOMAIN_STATE_SHUTOFF)
        return refuse (error, _("“%s” is not running"), name);
      return TRUE;

    case HANGAR_DOMAIN_ACTION_RESET:
      if (state == HANGAR_DOMAIN_STATE_SHUTOFF)
        return refuse (error, _("“%s” is not running"), name);
      if (state == HANGAR_DOMAIN_STATE_CRASHED)
        return refuse (error, _("“%s” has crashed: force it off instead"), name);
      return TRUE;

    case HANGAR_DOMAIN_ACTION_PAUSE:
      if (state == HANGAR_DOMAIN_STATE_SHUTOFF)
        return refuse (error, _("“%s” is not running"), name);
      if (state == HANGAR_DOMAIN_STATE_PAUSED)
        return refuse (error, _("“%s” is already paused"), name);
      if (state == HANGAR_DOMAIN_STATE_CRASHED)
        return refuse (error, _("“%s” has crashed: force it off instead"), name);
      return TRUE;

    case HANGAR_DOMAIN_ACTION_RESUME:
      if (state != HANGAR_DOMAIN_STATE_PAUSED)
        return refuse (error, _("“%s” is not paused"), name);
      return TRUE;

    case HANGAR_DOMAIN_ACTION_SAVE:
      if (state != HANGAR_DOMAIN_STATE_RUNNING && state != HANGAR_DOMAIN_STATE_PAUSED)
        return refuse (error, _("“%s” is not running: there is nothing to save"), name);
      if (!self->persistent)
        return refuse (error, _("“%s” has no persistent definition to restore a saved "
                                "state into"), name);
      return TRUE;

    case HANGAR_DOMAIN_ACTION_DISCARD_SAVE:
      if (!self->has_managed_save)
        return refuse (error, _("“%s” has no saved state"), name);
      return TRUE;

    case HANGAR_DOMAIN_ACTION_UNDEFINE:
      if (!self->persistent)
        return refuse (error, _("“%s” has no persistent definition"), name);
      return TRUE;

    case HANGAR_DOMAIN_ACTION_RENAME:
      if (!self->persistent)
        return refuse (error, _("“%s” has no persistent definition"), name);
      if (state != HANGAR_DOMAIN_STATE_SHUTOFF)
        return refuse (error, _("“%s” is running: shut it down before renaming it"), name);
      if (self->has_managed_save)
        return refuse (error, _("“%s” has a saved state: start it or discard the saved "
                                "state before renaming it"), name);
      return TRUE;

    case HANGAR_DOMAIN_ACTION_SET_AUTOSTART:
      if (!self->persistent)
        return refuse (error, _("“%s” has no persistent definition"), name);
      return TRUE;

    case HANGAR_DOMAIN_ACTION_CLONE:
      if (!self->persistent)
        return refuse (error, _("“%s” has no persistent definition to clone"), name);
      /* A running guest writes to its disks while they are copied, and
       * even a paused QEMU keeps image metadata it has not written yet
       * (and locks the images against qemu-img). */
      if (state == HANGAR_DOMAIN_STATE_PAUSED)
        return refuse (error, _("“%s” is paused: shut it down before cloning it, so that "
                                "its disks are complete"), name);
      if (state != HANGAR_DOMAIN_STATE_SHUTOFF)
        return refuse (error, _("“%s” is running: shut it down before cloning it"), name);
      return TRUE;

    default:
      g_return_val_if_reached (FALSE);
    }
}

/* Whether the NVRAM file of @dom's definition is its own to delete: not a
 * firmware's template (a definition may name one as its variables file)
 * nor anything under /usr, where only packages put files. */
static gboolean
owns_nvram (virDomainPtr dom)
{
  g_autofree char *xml = virDomainGetXMLDesc (dom, VIR_DOMAIN_XML_INACTIVE);
  g_autofree char *path = NULL;
  g_autofree char *template = NULL;
  xmlDoc *doc;
  xmlNode *nvram;

  if (xml == NULL || (doc = hangar_xml_diff_parse (xml, NULL)) == NULL)
    {
      virResetLastError ();
      return FALSE;
    }

  nvram = hangar_xml_find_child (hangar_xml_find_child (xmlDocGetRootElement (doc), "os"),
                                 "nvram");
  if (nvram != NULL)
    {
      path = g_strstrip (hangar_xml_dup_text (nvram));
      template = hangar_xml_dup_attr (nvram, "template");
    }
  xmlFreeDoc (doc);

  if (path == NULL || *path == '\0')
    return TRUE;

  return !g_str_has_prefix (path, "/usr/") && g_strcmp0 (path, template) != 0;
}

static int
undefine (virDomainPtr dom)
{
  virErrorPtr last;
  unsigned nvram_flag = owns_nvram (dom) ? VIR_DOMAIN_UNDEFINE_NVRAM
                                         : VIR_DOMAIN_UNDEFINE_KEEP_NVRAM;

  /* Managed save images, snapshot and checkpoint metadata and the NVRAM
   * file belong to the definition and would block or outlive it; disk
   * images are the user's and stay.  Older or simpler drivers (the test
   * driver) refuse some of these flags: step down to what they accept. */
  if (virDomainUndefineFlags (dom, (VIR_DOMAIN_UNDEFINE_MANAGED_SAVE |
                                    VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA |
                                    VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA |
                                    nvram_flag)) == 0)
    return 0;

  last = virGetLastError ();
  if (last == NULL || (last->code != VIR_ERR_INVALID_ARG && last->code != VIR_ERR_NO_SUPPORT))
    return -1;

  if (virDomainUndefineFlags (dom, (VIR_DOMAIN_UNDEFINE_MANAGED_SAVE |
                                    VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA)) == 0)
    return 0;

  last = virGetLastError ();
  if (last == NULL || (last->code != VIR_ERR_INVALID_ARG && last->code != VIR_ERR_NO_SUPPORT))
    return -1;

  return virDomainUndefine (dom);
}

static char *
describe_action (HangarDomainAction  action,
                 TaskData           *data)
{
  switch (action)
    {
    case HANGAR_DOMAIN_ACTION_START:
      return g_strdup_printf (_("Starting “%s”"), data->name);
    case HANGAR_DOMAIN_ACTION_SHUTDOWN:
      return g_strdup_printf (_("Shutting down “%s”"), data->name);
    case HANGAR_DOMAIN_ACTION_FORCE_OFF:
      return g_strdup_printf (_("Forcing “%s” off"), data->name);
    case HANGAR_DOMAIN_ACTION_REBOOT:
      return g_strdup_printf (_("Rebooting “%s”"), data->name);
    case HANGAR_DOMAIN_ACTION_RESET:
      return g_strdup_printf (_("Resetting “%s”"), data->name);
    case HANGAR_DOMAIN_ACTION_PAUSE:
      return g_strdup_printf (_("Pausing “%s”"), data->name);
    case HANGAR_DOMAIN_ACTION_RESUME:
      return g_strdup_printf (_("Resuming “%s”"), data->name);
    case HANGAR_DOMAIN_ACTION_SAVE:
      return g_strdup_printf (_("Saving the state of “%s”"), data->name);
    case HANGAR_DOMAIN_ACTION_DISCARD_SAVE:
      return g_strdup_printf (_("Discarding the saved state of “%s”"), data->name);
    case HANGAR_DOMAIN_ACTION_UNDEFINE:
      return g_strdup_printf (_("Deleting the definition of “%s”"), data->name);
    case HANGAR_DOMAIN_ACTION_RENAME:
      return g_strdup_printf (_("Renaming “%s”"), data->name);
    case HANGAR_DOMAIN_ACTION_SET_AUTOSTART:
      return g_strdup_printf (data->flag ? _("Turning on autostart of “%s”")
                                         : _("Turning off autostart of “%s”"),
                              data->name);
    case HANGAR_DOMAIN_ACTION_CLONE:
      return g_strdup_printf (_("Cloning “%s”"), data->name);
    default:
      g_assert_not_reached ();
    }
}

static int
call_libvirt (TaskData *data)
{
  switch (data->action)
    {
    case HANGAR_DOMAIN_ACTION_START:
      /* Restores and removes a managed save image when there is one. */
      return virDomainCreate (data->dom);
    case HANGAR_DOMAIN_ACTION_SHUTDOWN:
      return virDomainShutdown (data->dom);
    case HANGAR_DOMAIN_ACTION_FORCE_OFF:
      return virDomainDestroy (data->dom);
    case HANGAR_DOMAIN_ACTION_REBOOT:
      return virDomainReboot (data->dom, 0);
    case HANGAR_DOMAIN_ACTION_RESET:
      return virDomainReset (data->dom, 0);
    case HANGAR_DOMAIN_ACTION_PAUSE:
      return virDomainSuspend (data->dom);
    case HANGAR_DOMAIN_ACTION_RESUME:
      return virDomainResume (data->dom);
    case HANGAR_DOMAIN_ACTION_SAVE:
      return virDomainManagedSave (data->dom, 0);
    case HANGAR_DOMAIN_ACTION_DISCARD_SAVE:
      return virDomainManagedSaveRemove (data->dom, 0);
    case HANGAR_DOMAIN_ACTION_UNDEFINE:
      return undefine (data->dom);
    case HANGAR_DOMAIN_ACTION_RENAME:
      return virDomainRename (data->dom, data->new_name, 0);
    case HANGAR_DOMAIN_ACTION_SET_AUTOSTART:
      return virDomainSetAutostart (data->dom, data->flag);
    default:
      g_assert_not_reached ();
    }
}

static void
action_worker (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  TaskData *data = task_data;

  if (call_libvirt (data) < 0)
    {
      g_autofree char *what = describe_action (data->action, data);
      GError *error = NULL;

      hangar_virt_set_error_from_libvirt (&error, what);
      g_task_return_error (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static GTask *
new_task (HangarDomain        *self,
          gpointer             source_tag,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  GTask *task;
  TaskData *data;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);

  data = g_new0 (TaskData, 1);
  data->dom = hangar_domain_dup_virt (self);
  data->name = g_strdup (self->name);
  g_task_set_task_data (task, data, (GDestroyNotify)task_data_free);

  return task;
}

/* Brings the entry up to date with what an action did, before the
 * caller's callback runs and whether or not an event follows: libvirt
 * sends none for autostart or a discarded save image. */
static void
action_done (HangarDomain *self,
             TaskData     *data)
{
  switch (data->action)
    {
    case HANGAR_DOMAIN_ACTION_START:
      hangar_domain_set_has_managed_save (self, FALSE);
      break;

    case HANGAR_DOMAIN_ACTION_SAVE:
      hangar_domain_set_has_managed_save (self, TRUE);
      break;

    case HANGAR_DOMAIN_ACTION_DISCARD_SAVE:
      hangar_domain_set_has_managed_save (self, FALSE);
      break;

    case HANGAR_DOMAIN_ACTION_SET_AUTOSTART:
      hangar_domain_set_autostart (self, data->flag);
      break;

    case HANGAR_DOMAIN_ACTION_RENAME:
      if (self->connection != NULL)
        hangar_connection_domain_renamed (self->connection, self, data->new_name);
      break;

    case HANGAR_DOMAIN_ACTION_UNDEFINE:
      if (self->connection != NULL)
        hangar_connection_domain_undefined (self->connection, self);
      break;

    default:
      break;
    }
}

static void
action_worker_done_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  HangarDomain *self = HANGAR_DOMAIN (object);
  g_autoptr(GTask) task = user_data;
  TaskData *data = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }

  action_done (self, data);
  g_task_return_boolean (task, TRUE);
}

/* Checks the state, then runs @action in a worker.  The inner task ignores
 * cancellation: once libvirt has done it, the entry must learn about it
 * whatever the caller wants. */
static void
run_action (HangarDomain        *self,
            HangarDomainAction   action,
            gboolean             flag,
            const char          *new_name,
            gpointer             source_tag,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) inner = NULL;
  GError *error = NULL;
  TaskData *data;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);

  if (!hangar_domain_check_action (self, action, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  inner = new_task (self, source_tag, NULL, action_worker_done_cb, g_steal_pointer (&task));
  data = g_task_get_task_data (inner);
  data->action = action;
  data->flag = flag;
  data->new_name = g_strdup (new_name);

  g_task_run_in_thread (inner, action_worker);
}

static gboolean
finish_action (HangarDomain  *self,
               GAsyncResult  *result,
               gpointer       source_tag,
               GError       **error)
{
  g_return_val_if_fail (HANGAR_IS_DOMAIN (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
hangar_domain_run_action_async (HangarDomain        *self,
                                HangarDomainAction   action,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (HANGAR_IS_DOMAIN (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (action != HANGAR_DOMAIN_ACTION_RENAME &&
                    action != HANGAR_DOMAIN_ACTION_SET_AUTOSTART &&
                    action != HANGAR_DOMAIN_ACTION_CLONE);

  run_action (self, action, FALSE, NULL, hangar_domain_run_action_async,
              cancellable, callback, user_data);
}

gboolean
hangar_domain_run_action_finish (HangarDomain  *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return finish_action (self, result, hangar_domain_run_action_async, error);
}

void
hangar_domain_start_async (HangarDomain        *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (HANGAR_IS_DOMAIN (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  run_action (self, HANGAR_DOMAIN_ACTION_START, FALSE, NULL, hangar_domain_start_async,
              cancellable, callback, user_data);
}

gboolean
hangar_domain_start_finish (HangarDomain  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  return finish_action (self, result, hangar_domain_start_async, error);
}

void
hangar_domain_shutdown_async (HangarDomain        *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (HANGAR_IS_DOMAIN (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  run_action (self, HANGAR_DOMAIN_ACTION_SHUTDOWN, FALSE, NULL, hangar_domain_shutdown_async,
              cancellable, callback, user_data);
}

gboolean
hangar_domain_shutdown_finish (HangarDomain  *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  return finish_action (self, result, hangar_domain_shutdown_async, error);
}

void
hangar_domain_force_off_async (HangarDomain        *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (HANGAR_IS_DOMAIN (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  run_action (self, HANGAR_DOMAIN_ACTION_FORCE_OFF, FALSE, NULL, hangar_domain_force_off_async,
              cancellable, callback, user_data);
}

gboolean
hangar_domain_force_off_finish (HangarDomain  *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return finish_action (self, result, hangar_domain_force_off_async, error);
}

void
hangar_domain_undefine_async (HangarDomain        *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (HANGAR_IS_DOMAIN (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  run_action (self, HANGAR_DOMAIN_ACTION_UNDEFINE, FALSE, NULL, hangar_domain_undefine_async,
              cancellable, callback, user_data);
}

gboolean
hangar_domain_undefine_finish (HangarDomain  *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  return finish_action (self, result, hangar_domain_undefine_async, error);
}

void
hangar_domain_set_autostart_async (HangarDomain        *self,
                                   gboolean             autostart,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (HANGAR_IS_DOMAIN (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  run_action (self, HANGAR_DOMAIN_ACTION_SET_AUTOSTART, !!autostart, NULL,
              hangar_domain_set_autostart_async, cancellable, callback, user_data);
}

gboolean
hangar_domain_set_autostart_finish (HangarDomain  *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return finish_action (self, result, hangar_domain_set_autostart_async, error);
}

void
hangar_domain_rename_async (HangarDomain        *self,
                            const char          *new_name,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autofree char *stripped = NULL;

  g_return_if_fail (HANGAR_IS_DOMAIN (self));
  g_return_if_fail (new_name != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  stripped = g_strstrip (g_strdup (new_name));

  /* libvirt's own refusal would name neither the reason nor the field. */
  if (*stripped == '\0' || strchr (stripped, '/') != NULL)
    {
      g_task_report_new_error (self, callback, user_data, hangar_domain_rename_async,
                               HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_FAILED,
                               _("“%s” cannot be a name: it must not be empty or "
                                 "contain “/”"), new_name);
      return;
    }

  if (g_strcmp0 (stripped, self->name) == 0)
    {
      g_task_report_new_error (self, callback, user_data, hangar_domain_rename_async,
                               HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_FAILED,
                               _("“%s” already has that name"), self->name);
      return;
    }

  run_action (self, HANGAR_DOMAIN_ACTION_RENAME, FALSE, stripped,
              hangar_domain_rename_async, cancellable, callback, user_data);
}

gboolean
hangar_domain_rename_finish (HangarDomain  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  return finish_action (self, result, hangar_domain_rename_async, error);
}


/* Deleting with storage */

/* Deletes @path through the storage driver when a pool holds it.  Returns
 * 1 when done, 0 when no pool knows the path (or there is no storage
 * driver), -1 on a failure with @error set. */
static int
delete_volume (virConnectPtr   conn,
               const char     *path,
               GError        **error)
{
  virStorageVolPtr vol;
  virErrorPtr last;

  /* "pool/volume" for a disk given by its pool; else a path. */
  if (*path != '/')
    {
      g_autofree char *pool_name = g_strndup (path, strcspn (path, "/"));
      const char *volume_name = path + strlen (pool_name);
      virStoragePoolPtr pool;

      if (*volume_name != '/' || (pool = virStoragePoolLookupByName (conn, pool_name)) == NULL)
        {
          if (*volume_name != '/')
            g_set_error (error, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_FAILED,
                         _("%s: not a path, nor a pool and a volume"), path);
          else
            hangar_virt_set_error_from_libvirt (error, path);
          return -1;
        }

      vol = virStorageVolLookupByName (pool, volume_name + 1);
      virStoragePoolFree (pool);
      if (vol == NULL)
        {
          hangar_virt_set_error_from_libvirt (error, path);
          return -1;
        }
    }
  else
    vol = virStorageVolLookupByPath (conn, path);

  if (vol == NULL)
    {
      last = virGetLastError ();
      if (last != NULL && (last->code == VIR_ERR_NO_STORAGE_VOL ||
                           last->code == VIR_ERR_NO_SUPPORT ||
                           last->code == VIR_ERR_NO_STORAGE_POOL))
        {
          virResetLastError ();
          return 0;
        }

      hangar_virt_set_error_from_libvirt (error, path);
      return -1;
    }

  if (virStorageVolDelete (vol, 0) < 0)
    {
      hangar_virt_set_error_from_libvirt (error, path);
      virStorageVolFree (vol);
      return -1;
    }

  virStorageVolFree (vol);

  return 1;
}

static void
delete_worker (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  TaskData *data = task_data;
  g_autoptr(GString) kept = NULL;
  GError *error = NULL;

  if (undefine (data->dom) < 0)
    {
      g_autofree char *what = describe_action (HANGAR_DOMAIN_ACTION_UNDEFINE, data);

      hangar_virt_set_error_from_libvirt (&error, what);
      g_task_return_error (task, error);
      return;
    }

  data->undefined = TRUE;

  for (unsigned i = 0; data->paths != NULL && data->paths[i] != NULL; i++)
    {
      const char *path = data->paths[i];
      g_autoptr(GError) local_error = NULL;
      int ret;

      ret = delete_volume (virDomainGetConnect (data->dom), path, &local_error);

      if (ret == 0 && !data->local)
        g_set_error (&local_error, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_NO_SUPPORT,
                     _("%s: no storage pool holds it, and the file is on another machine"),
                     path);
      else if (ret == 0 && g_file_test (path, G_FILE_TEST_EXISTS) &&
               (g_file_test (path, G_FILE_TEST_IS_SYMLINK) ||
                !g_file_test (path, G_FILE_TEST_IS_REGULAR)))
        /* A block device, a directory: only a storage pool may delete
         * what is not a plain file. */
        g_set_error (&local_error, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_NO_SUPPORT,
                     _("%s: not a file, and no storage pool holds it"), path);
      else if (ret == 0 && g_unlink (path) != 0 && errno != ENOENT)
        {
          int saved_errno = errno;

          g_set_error (&local_error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       "%s: %s", path, g_strerror (saved_errno));
        }

      if (local_error != NULL)
        {
          if (kept == NULL)
            kept = g_string_new (NULL);
          else
            g_string_append (kept, "; ");
          g_string_append (kept, local_error->message);
        }
      else
        g_debug ("Deleted %s of “%s”", path, data->name);
    }

  if (kept != NULL)
    {
      g_task_return_new_error (task, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_PARTIAL,
                               _("“%s” was deleted, but some of its storage was kept: %s"),
                               data->name, kept->str);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
delete_worker_done_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  HangarDomain *self = HANGAR_DOMAIN (object);
  g_autoptr(GTask) task = user_data;
  TaskData *data = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;

  /* The definition is gone even when some storage was kept. */
  if (data->undefined && self->connection != NULL)
    hangar_connection_domain_undefined (self->connection, self);

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

void
hangar_domain_delete_async (HangarDomain        *self,
                            const char * const  *paths,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) inner = NULL;
  GError *error = NULL;
  TaskData *data;

  g_return_if_fail (HANGAR_IS_DOMAIN (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_domain_delete_async);

  if (!hangar_domain_check_action (self, HANGAR_DOMAIN_ACTION_UNDEFINE, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  /* A running guest still writes to its disks. */
  if (self->state != HANGAR_DOMAIN_STATE_SHUTOFF)
    {
      g_task_return_new_error (task, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_INVALID_STATE,
                               _("“%s” is running: shut it down before deleting it"),
                               self->name);
      return;
    }

  inner = new_task (self, hangar_domain_delete_async, NULL, delete_worker_done_cb,
                    g_steal_pointer (&task));
  data = g_task_get_task_data (inner);
  data->action = HANGAR_DOMAIN_ACTION_UNDEFINE;
  data->paths = g_strdupv ((char **)paths);
  data->local = self->connection != NULL && hangar_connection_is_local (self->connection);

  g_task_run_in_thread (inner, delete_worker);
}

gboolean
hangar_domain_delete_finish (HangarDomain  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  return finish_action (self, result, hangar_domain_delete_async, error);
}


/* The definition */

static GQuark
loaded_xml_quark (void)
{
  return g_quark_from_static_string ("hangar-domain-loaded-xml");
}

static void
load_doc_worker (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  TaskData *data = task_data;
  g_autofree char *xml = NULL;
  g_autoptr(HangarDomainDoc) doc = NULL;
  GError *error = NULL;
  unsigned flags = 0;

  /* Never VIR_DOMAIN_XML_SECURE: passwords stay out of the document. */
  if (data->inactive)
    flags |= VIR_DOMAIN_XML_INACTIVE;

  xml = virDomainGetXMLDesc (data->dom, flags);
  if (xml == NULL)
    {
      g_autofree char *what = g_strdup_printf (_("Reading the definition of “%s”"),
                                               data->name);

      hangar_virt_set_error_from_libvirt (&error, what);
      g_task_return_error (task, error);
      return;
    }

  doc = hangar_domain_doc_new_from_string (xml, -1, data->name, &error);
  if (doc == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* An apply compares libvirt's definition with this text: the document
   * may be edited in place, the text stays what libvirt said. */
  if (data->inactive)
    g_object_set_qdata_full (G_OBJECT (doc), loaded_xml_quark (), g_steal_pointer (&xml), g_free);

  g_task_return_pointer (task, g_steal_pointer (&doc), g_object_unref);
}

void
hangar_domain_load_doc_async (HangarDomain        *self,
                              gboolean             inactive,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  TaskData *data;

  g_return_if_fail (HANGAR_IS_DOMAIN (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = new_task (self, hangar_domain_load_doc_async, cancellable, callback, user_data);
  data = g_task_get_task_data (task);
  data->inactive = !!inactive;

  if (data->dom == NULL)
    {
      g_task_return_new_error (task, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_NOT_CONNECTED,
                               _("The connection of “%s” is closed"), self->name);
      return;
    }

  g_task_run_in_thread (task, load_doc_worker);
}

HangarDomainDoc *
hangar_domain_load_doc_finish (HangarDomain  *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (HANGAR_IS_DOMAIN (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        hangar_domain_load_doc_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
hangar_apply_report_free (HangarApplyReport *report)
{
  if (report == NULL)
    return;

  g_clear_pointer (&report->warnings, g_ptr_array_unref);
  g_clear_pointer (&report->live, g_ptr_array_unref);
  g_clear_pointer (&report->next_boot, g_ptr_array_unref);
  g_clear_object (&report->current);
  g_clear_pointer (&report->changed, g_ptr_array_unref);
  g_free (report);
}

static HangarApplyReport *
apply_report_new (void)
{
  HangarApplyReport *report = g_new0 (HangarApplyReport, 1);

  report->warnings = g_ptr_array_new_with_free_func (g_free);
  report->live = g_ptr_array_new_with_free_func (g_free);
  report->next_boot = g_ptr_array_new_with_free_func (g_free);

  return report;
}

/* Reads one of @dom's definitions and parses it for comparing. */
static xmlDoc *
read_definition (virDomainPtr   dom,
                 const char    *name,
                 unsigned       flags,
                 char         **xml_out,
                 GError       **error)
{
  g_autofree char *xml = NULL;
  xmlDoc *doc;

  xml = virDomainGetXMLDesc (dom, flags);
  if (xml == NULL)
    {
      g_autofree char *what = g_strdup_printf (_("Reading the definition of “%s”"), name);

      hangar_virt_set_error_from_libvirt (error, what);
      return NULL;
    }

  doc = hangar_xml_diff_parse (xml, error);
  if (doc != NULL && xml_out != NULL)
    *xml_out = g_steal_pointer (&xml);

  return doc;
}

/* What libvirt writes into a running domain's XML only, or changes there
 * as the guest runs: left out of the comparison with the persistent
 * definition. */
static void
strip_runtime (xmlNode *node)
{
  static const char * const runtime_elements[] = {
    "alias", "seclabel", "backingStore", "currentMemory", "actual", NULL
  };
  static const char * const graphics_attrs[] = { "port", "tlsPort", "websocket", NULL };
  xmlNode *next;

  if (hangar_xml_diff_device_of (node) == node)
    {
      xmlChar *type = xmlGetNoNsProp (node, (const xmlChar *)"type");

      if (xmlStrEqual (node->name, (const xmlChar *)"graphics"))
        for (unsigned i = 0; graphics_attrs[i] != NULL; i++)
          xmlUnsetProp (node, (const xmlChar *)graphics_attrs[i]);

      /* A tap's name, a pty's path, a channel's state and a CD-ROM's tray
       * are allocated or learned while the guest runs. */
      for (xmlNode *child = node->children; child != NULL; child = next)
        {
          next = child->next;
          if (child->type != XML_ELEMENT_NODE || child->ns != NULL)
            continue;

          if ((xmlStrEqual (node->name, (const xmlChar *)"interface") &&
               xmlStrEqual (child->name, (const xmlChar *)"target")) ||
              (xmlStrEqual (type, (const xmlChar *)"pty") &&
               xmlStrEqual (child->name, (const xmlChar *)"source")))
            {
              xmlUnlinkNode (child);
              xmlFreeNode (child);
            }
          else if (xmlStrEqual (child->name, (const xmlChar *)"target"))
            {
              xmlUnsetProp (child, (const xmlChar *)"state");
              xmlUnsetProp (child, (const xmlChar *)"tray");
            }
          else if (xmlStrEqual (child->name, (const xmlChar *)"source"))
            xmlUnsetProp (child, (const xmlChar *)"index");
        }

      xmlFree (type);
    }

  for (xmlNode *child = node->children; child != NULL; child = next)
    {
      next = child->next;
      if (child->type != XML_ELEMENT_NODE)
        continue;

      if (child->ns == NULL && g_strv_contains (runtime_elements, (const char *)child->name))
        {
          xmlUnlinkNode (child);
          xmlFreeNode (child);
          continue;
        }

      strip_runtime (child);
    }
}

/* The paths where the running definition differs from the persistent one;
 * empty when the domain does not run. */
static GPtrArray *
read_pending_changes (virDomainPtr   dom,
                      const char    *name,
                      GError       **error)
{
  g_autoptr(GPtrArray) changes = NULL;
  xmlDoc *live;
  xmlDoc *inactive;

  if (virDomainIsActive (dom) != 1)
    return g_ptr_array_new_with_free_func (g_free);

  /* Both as for a migration: the CPU as the user wrote it rather than
   * expanded for the running guest, and the same implicit devices left
   * out on both sides. */
  live = read_definition (dom, name, VIR_DOMAIN_XML_MIGRATABLE, NULL, error);
  if (live == NULL)
    return NULL;

  inactive = read_definition (dom, name, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_MIGRATABLE,
                              NULL, error);
  if (inactive == NULL)
    {
      xmlFreeDoc (live);
      return NULL;
    }

  xmlUnsetProp (xmlDocGetRootElement (live), (const xmlChar *)"id");

  /* The cgroup partition is chosen at start when the definition has none. */
  if (hangar_xml_find_child (xmlDocGetRootElement (inactive), "resource") == NULL)
    {
      xmlNode *resource = hangar_xml_find_child (xmlDocGetRootElement (live), "resource");

      if (resource != NULL)
        {
          xmlUnlinkNode (resource);
          xmlFreeNode (resource);
        }
    }
  strip_runtime (xmlDocGetRootElement (live));
  strip_runtime (xmlDocGetRootElement (inactive));
  changes = hangar_xml_diff (xmlDocGetRootElement (inactive), xmlDocGetRootElement (live));

  for (unsigned i = 0; i < changes->len; i++)
    g_debug ("“%s” runs with an older %s",
             name, ((HangarXmlChange *)g_ptr_array_index (changes, i))->path);

  xmlFreeDoc (live);
  xmlFreeDoc (inactive);

  return hangar_xml_diff_paths (changes);
}

/* Adds a warning for each value of @changes (from the base to the edited
 * definition) that is not in @readback as written. */
static void
check_readback (GPtrArray         *changes,
                xmlNode           *readback,
                HangarApplyReport *report)
{
  for (unsigned i = 0; i < changes->len; i++)
    {
      HangarXmlChange *change = g_ptr_array_index (changes, i);
      g_autofree char *detail = NULL;
      xmlNode *kept;

      if (change->kind == HANGAR_XML_CHANGE_REMOVED)
        continue;

      kept = hangar_xml_diff_counterpart (change->new_node, readback);

      /* libvirt sorts some devices (disks by target): a new one may have
       * moved among its siblings. */
      if (change->kind == HANGAR_XML_CHANGE_ADDED && kept != NULL &&
          !hangar_xml_diff_contains (kept, change->new_node, TRUE, NULL))
        {
          for (xmlNode *sibling = kept->parent->children; sibling != NULL; sibling = sibling->next)
            {
              if (sibling->type == XML_ELEMENT_NODE &&
                  xmlStrEqual (sibling->name, change->new_node->name) &&
                  hangar_xml_diff_contains (sibling, change->new_node, TRUE, NULL))
                kept = sibling;
            }
        }

      if (kept == NULL)
        g_ptr_array_add (report->warnings,
                         g_strdup_printf (_("libvirt dropped %s"), change->path));
      else if (!hangar_xml_diff_contains (kept, change->new_node,
                                          change->kind == HANGAR_XML_CHANGE_ADDED, &detail))
        g_ptr_array_add (report->warnings,
                         g_strdup_printf (_("libvirt changed %s: %s"), change->path, detail));
    }
}

/* Whether @path is @prefix or inside it. */
static gboolean
path_within (const char *path,
             const char *prefix)
{
  gsize length = strlen (prefix);

  return strncmp (path, prefix, length) == 0 && (path[length] == '\0' || path[length] == '/');
}

typedef enum
{
  LIVE_NONE,
  LIVE_ATTACH,
  LIVE_DETACH,
  LIVE_UPDATE,
  LIVE_MEMORY,
} LiveKind;

/* How the changes at @changes[@i] and the following ones about the same
 * element can reach the running guest; @n is set to how many that is, and
 * @device to the element they are about: in @edited, or in the base
 * definition for a removed device. */
static LiveKind
classify_live (GPtrArray  *changes,
               unsigned    i,
               xmlNode    *edited,
               unsigned   *n,
               xmlNode   **device)
{
  static const char * const pluggable[] = { "disk", "interface", "hostdev", "redirdev", NULL };
  HangarXmlChange *change = g_ptr_array_index (changes, i);
  xmlNode *node = change->new_node != NULL ? change->new_node : change->old_node;
  g_autofree char *device_path = NULL;
  g_autofree char *kind = NULL;
  const char *live_part;
  gboolean all_within = TRUE;
  xmlNode *dev;

  *n = 1;
  *device = NULL;

  if (strcmp (change->path, "/domain/currentMemory") == 0 &&
      change->kind == HANGAR_XML_CHANGE_MODIFIED)
    {
      /* The balloon resizes within <memory>, not with it. */
      for (unsigned j = 0; j < changes->len; j++)
        if (path_within (((HangarXmlChange *)g_ptr_array_index (changes, j))->path,
                         "/domain/memory"))
          return LIVE_NONE;
      *device = change->new_node;
      return LIVE_MEMORY;
    }

  dev = hangar_xml_diff_device_of (node);
  if (dev == NULL)
    return LIVE_NONE;

  if (dev == node)
    {
      *device = node;
      if (change->kind == HANGAR_XML_CHANGE_MODIFIED ||
          !g_strv_contains (pluggable, (const char *)node->name))
        return LIVE_NONE;

      /* Only USB devices of the host plug in without a PCI slot. */
      if (xmlStrEqual (node->name, (const xmlChar *)"hostdev"))
        {
          xmlChar *type = xmlGetNoNsProp (node, (const xmlChar *)"type");
          gboolean usb = xmlStrEqual (type, (const xmlChar *)"usb");

          xmlFree (type);
          if (!usb)
            return LIVE_NONE;
        }

      return change->kind == HANGAR_XML_CHANGE_ADDED ? LIVE_ATTACH : LIVE_DETACH;
    }

  /* Changes inside one device: all of them must be what can change live. */
  device_path = g_strndup (change->path,
                           strstr (change->path, "/devices/") - change->path +
                           strlen ("/devices/") +
                           strcspn (strstr (change->path, "/devices/") + strlen ("/devices/"),
                                    "/"));
  while (i + *n < changes->len &&
         path_within (((HangarXmlChange *)g_ptr_array_index (changes, i + *n))->path,
                      device_path))
    (*n)++;

  if (xmlStrEqual (dev->name, (const xmlChar *)"interface"))
    live_part = "link";
  else if (xmlStrEqual (dev->name, (const xmlChar *)"disk"))
    {
      xmlChar *device_attr = xmlGetNoNsProp (dev, (const xmlChar *)"device");

      live_part = xmlStrEqual (device_attr, (const xmlChar *)"cdrom") ||
                  xmlStrEqual (device_attr, (const xmlChar *)"floppy") ? "source" : NULL;
      xmlFree (device_attr);
    }
  else
    live_part = NULL;

  for (unsigned j = i; j < i + *n && live_part != NULL; j++)
    {
      g_autofree char *part = g_strdup_printf ("%s/%s", device_path, live_part);

      all_within &= path_within (((HangarXmlChange *)g_ptr_array_index (changes, j))->path,
                                 part);
    }

  /* The device as edited: a change inside it may be a removal (media
   * ejected), found in the base definition. */
  *device = dev->doc == edited->doc ? dev : hangar_xml_diff_counterpart (dev, edited);

  return live_part != NULL && all_within ? LIVE_UPDATE : LIVE_NONE;
}

/* Whether the running guest still has @device, removed from its
 * definition: an element of the same kind that has all of its values. */
static gboolean
still_attached (virDomainPtr  dom,
                xmlNode      *device)
{
  g_autofree char *xml = virDomainGetXMLDesc (dom, 0);
  xmlDoc *live;
  xmlNode *devices;
  gboolean found = FALSE;

  if (xml == NULL || (live = hangar_xml_diff_parse (xml, NULL)) == NULL)
    return FALSE;

  devices = hangar_xml_find_child (xmlDocGetRootElement (live), "devices");
  for (xmlNode *node = devices != NULL ? devices->children : NULL; node != NULL && !found;
       node = node->next)
    found = node->type == XML_ELEMENT_NODE && xmlStrEqual (node->name, device->name) &&
            hangar_xml_diff_contains (node, device, TRUE, NULL);

  xmlFreeDoc (live);

  return found;
}

/* Brings the running guest up to date with what of @changes can change
 * live, now that the persistent definition @readback holds them.  What
 * cannot, or what the hypervisor refused, applies at the next boot. */
static void
apply_live (virDomainPtr       dom,
            const char        *name,
            GPtrArray         *changes,
            xmlNode           *edited,
            xmlNode           *readback,
            HangarApplyReport *report)
{
  const unsigned flags = VIR_DOMAIN_AFFECT_LIVE;

  for (unsigned i = 0; i < changes->len;)
    {
      HangarXmlChange *change = g_ptr_array_index (changes, i);
      g_autofree char *xml = NULL;
      xmlNode *device = NULL;
      xmlNode *defined = NULL;
      LiveKind kind;
      unsigned n;
      int ret = -1;

      kind = classify_live (changes, i, edited, &n, &device);

      /* libvirt's own version of the device: with the address it chose,
       * the same for the guest as for the next boot. */
      if (device != NULL && device->doc == edited->doc)
        defined = hangar_xml_diff_counterpart (device, readback);
      if (kind == LIVE_ATTACH && defined != NULL &&
          !hangar_xml_diff_contains (defined, device, TRUE, NULL))
        {
          for (xmlNode *sibling = defined->parent->children; sibling != NULL;
               sibling = sibling->next)
            if (sibling->type == XML_ELEMENT_NODE && xmlStrEqual (sibling->name, device->name) &&
                hangar_xml_diff_contains (sibling, device, TRUE, NULL))
              defined = sibling;
        }

      switch (kind)
        {
        case LIVE_ATTACH:
          xml = hangar_xml_diff_node_to_string (defined != NULL ? defined : device);
          ret = virDomainAttachDeviceFlags (dom, xml, flags);
          break;

        case LIVE_DETACH:
          xml = hangar_xml_diff_node_to_string (device);
          ret = virDomainDetachDeviceFlags (dom, xml, flags);
          /* libvirt only asks: a PCI device stays until the guest lets it
           * go, which a guest without ACPI hotplug never does.  Until
           * then it runs on; the DEVICE_REMOVED event tells when it left. */
          if (ret == 0 && still_attached (dom, device))
            {
              g_ptr_array_add (report->warnings,
                               g_strdup_printf (_("The guest “%s” has not released %s yet: "
                                                  "it leaves when the guest lets it go, or "
                                                  "at the next boot"),
                                                name, change->path));
              ret = 1;
            }
          break;

        case LIVE_UPDATE:
          if (defined != NULL)
            {
              xml = hangar_xml_diff_node_to_string (defined);
              ret = virDomainUpdateDeviceFlags (dom, xml, flags);
            }
          break;

        case LIVE_MEMORY:
          if (defined != NULL)
            {
              xmlChar *text = xmlNodeGetContent (defined);

              /* libvirt writes it back in KiB. */
              ret = virDomainSetMemoryFlags (dom, g_ascii_strtoull ((const char *)text, NULL, 10),
                                             flags);
              xmlFree (text);
            }
          break;

        case LIVE_NONE:
        default:
          break;
        }

      if (kind != LIVE_NONE && ret < 0)
        {
          g_autoptr(GError) error = NULL;
          g_autofree char *what = g_strdup_printf (_("Changing %s of the running “%s”"),
                                                   change->path, name);

          hangar_virt_set_error_from_libvirt (&error, what);
          g_ptr_array_add (report->warnings,
                           g_strdup_printf (_("%s. It applies at the next boot."),
                                            error->message));
        }

      for (unsigned j = i; j < i + n; j++)
        g_ptr_array_add (ret == 0 ? report->live : report->next_boot,
                         g_strdup (((HangarXmlChange *)g_ptr_array_index (changes, j))->path));
      i += n;
    }
}

static void
apply_worker (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  TaskData *data = task_data;
  g_autoptr(GPtrArray) changes = NULL;
  g_autofree char *current_xml = NULL;
  g_autofree char *what = NULL;
  HangarApplyReport *report;
  xmlDoc *current = NULL;
  xmlDoc *base = NULL;
  xmlDoc *edited = NULL;
  xmlDoc *readback = NULL;
  virDomainPtr defined = NULL;
  GError *error = NULL;

  what = g_strdup_printf (_("Applying the changes to “%s”"), data->name);
  report = data->report = apply_report_new ();

  current = read_definition (data->dom, data->name, VIR_DOMAIN_XML_INACTIVE, &current_xml,
                             &error);
  if (current == NULL)
    goto out;

  base = data->base_xml != NULL ? hangar_xml_diff_parse (data->base_xml, &error)
                                : xmlCopyDoc (current, 1);
  edited = hangar_xml_diff_parse (data->xml, &error);
  if (base == NULL || edited == NULL)
    goto out;

  /* Someone else changed the definition since the editor read it: writing
   * would silently undo their change. */
  if (!hangar_xml_diff_equal (base, current))
    {
      g_autoptr(GPtrArray) theirs = hangar_xml_diff (xmlDocGetRootElement (base),
                                                     xmlDocGetRootElement (current));

      report->changed = hangar_xml_diff_paths (theirs);
      report->current = hangar_domain_doc_new_from_string (current_xml, -1, data->name, &error);
      if (report->current == NULL)
        goto out;
      g_object_set_qdata_full (G_OBJECT (report->current), loaded_xml_quark (),
                               g_steal_pointer (&current_xml), g_free);

      g_set_error (&error, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_CONFLICT,
                   _("The definition of “%s” was changed in another program"), data->name);
      goto out;
    }

  changes = hangar_xml_diff (xmlDocGetRootElement (base), xmlDocGetRootElement (edited));
  if (changes->len == 0)
    goto out;

  /* The persistent definition first, in one write: the running guest then
   * follows it device by device. */
  defined = virDomainDefineXMLFlags (virDomainGetConnect (data->dom), data->xml,
                                     VIR_DOMAIN_DEFINE_VALIDATE);
  if (defined == NULL)
    {
      hangar_virt_set_error_from_libvirt (&error, what);
      goto out;
    }

  readback = read_definition (defined, data->name, VIR_DOMAIN_XML_INACTIVE, NULL, &error);
  if (readback == NULL)
    goto out;

  check_readback (changes, xmlDocGetRootElement (readback), report);

  if (virDomainIsActive (defined) == 1)
    {
      apply_live (defined, data->name, changes, xmlDocGetRootElement (edited),
                  xmlDocGetRootElement (readback), report);
      data->pending = read_pending_changes (defined, data->name, NULL);
    }

out:
  if (defined != NULL)
    virDomainFree (defined);
  g_clear_pointer (&current, xmlFreeDoc);
  g_clear_pointer (&base, xmlFreeDoc);
  g_clear_pointer (&edited, xmlFreeDoc);
  g_clear_pointer (&readback, xmlFreeDoc);

  if (error != NULL)
    {
      if (error->domain != HANGAR_VIRT_ERROR || error->code != HANGAR_VIRT_ERROR_CONFLICT)
        g_clear_pointer (&data->report, hangar_apply_report_free);
      g_task_return_error (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
report_box_free (HangarApplyReport **box)
{
  g_clear_pointer (box, hangar_apply_report_free);
  g_free (box);
}

static void
apply_worker_done_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  HangarDomain *self = HANGAR_DOMAIN (object);
  g_autoptr(GTask) task = user_data;
  TaskData *data = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;

  self->n_applying--;
  self->n_applied++;
  if (data->pending != NULL)
    set_flag (self, &self->has_pending_changes, data->pending->len > 0,
              PROP_HAS_PENDING_CHANGES);

  /* A box, so that the finish function can take the report out. */
  g_task_set_task_data (task, g_new0 (HangarApplyReport *, 1), (GDestroyNotify)report_box_free);
  *(HangarApplyReport **)g_task_get_task_data (task) = g_steal_pointer (&data->report);

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

/* The caller's task for a call whose worker runs in an inner task, or
 * NULL when the connection is closed: the error was then returned. */
static GTask *
new_outer_task (HangarDomain        *self,
                gpointer             source_tag,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);

  if (self->dom == NULL)
    {
      g_task_return_new_error (task, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_NOT_CONNECTED,
                               _("The connection of “%s” is closed"), self->name);
      return NULL;
    }

  return g_steal_pointer (&task);
}

void
hangar_domain_apply_async (HangarDomain        *self,
                           HangarDomainDoc     *base,
                           HangarDomainDoc     *edited,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) inner = NULL;
  TaskData *data;
  const char *doc_uuid;

  g_return_if_fail (HANGAR_IS_DOMAIN (self));
  g_return_if_fail (base == NULL || HANGAR_IS_DOMAIN_DOC (base));
  g_return_if_fail (HANGAR_IS_DOMAIN_DOC (edited));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = new_outer_task (self, hangar_domain_apply_async, cancellable, callback, user_data);
  if (task == NULL)
    return;

  /* Without a matching UUID libvirt would define a second domain instead
   * of changing this one. */
  doc_uuid = hangar_domain_doc_get_uuid (edited);
  if (doc_uuid == NULL || g_ascii_strcasecmp (doc_uuid, self->uuid) != 0)
    {
      g_task_return_new_error (task, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_FAILED,
                               _("Applying the changes to “%s”: the definition is for "
                                 "another domain"),
                               self->name);
      return;
    }

  /* Once libvirt has the definition, the entry must learn what is pending
   * whatever the caller wants: the inner task ignores cancellation. */
  inner = new_task (self, hangar_domain_apply_async, NULL, apply_worker_done_cb,
                    g_steal_pointer (&task));
  data = g_task_get_task_data (inner);

  /* The documents are not thread-safe: serialize them here, it is quick. */
  data->xml = hangar_domain_doc_to_string (edited);
  if (base != NULL)
    {
      const char *loaded = g_object_get_qdata (G_OBJECT (base), loaded_xml_quark ());

      data->base_xml = loaded != NULL ? g_strdup (loaded) : hangar_domain_doc_to_string (base);
    }

  self->n_applying++;
  g_task_run_in_thread (inner, apply_worker);
}

gboolean
hangar_domain_apply_finish (HangarDomain        *self,
                            GAsyncResult        *result,
                            HangarApplyReport  **report,
                            GError             **error)
{
  gboolean ret;

  g_return_val_if_fail (HANGAR_IS_DOMAIN (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        hangar_domain_apply_async, FALSE);

  ret = g_task_propagate_boolean (G_TASK (result), error);

  if (report != NULL)
    {
      HangarApplyReport **box = g_task_get_task_data (G_TASK (result));

      *report = box != NULL ? g_steal_pointer (box) : NULL;
    }

  return ret;
}

static void
pending_changes_worker (GTask        *task,
                        gpointer      source_object,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  TaskData *data = task_data;
  GError *error = NULL;

  data->pending = read_pending_changes (data->dom, data->name, &error);
  if (data->pending == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, g_ptr_array_ref (data->pending),
                         (GDestroyNotify)g_ptr_array_unref);
}

static void
pending_changes_done_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  HangarDomain *self = HANGAR_DOMAIN (object);
  g_autoptr(GTask) task = user_data;
  TaskData *data = g_task_get_task_data (G_TASK (result));
  GPtrArray *pending;
  GError *error = NULL;

  pending = g_task_propagate_pointer (G_TASK (result), &error);
  if (pending == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* An apply under way, or one that returned meanwhile, may have changed
   * the guest after this call read it: the apply's own result is newer. */
  if (self->n_applying == 0 && data->index == self->n_applied)
    set_flag (self, &self->has_pending_changes, pending->len > 0, PROP_HAS_PENDING_CHANGES);
  g_task_return_pointer (task, pending, (GDestroyNotify)g_ptr_array_unref);
}

void
hangar_domain_load_pending_changes_async (HangarDomain        *self,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) inner = NULL;

  g_return_if_fail (HANGAR_IS_DOMAIN (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = new_outer_task (self, hangar_domain_load_pending_changes_async, cancellable,
                         callback, user_data);
  if (task == NULL)
    return;

  inner = new_task (self, hangar_domain_load_pending_changes_async, NULL,
                    pending_changes_done_cb, g_steal_pointer (&task));
  ((TaskData *)g_task_get_task_data (inner))->index = self->n_applied;
  g_task_run_in_thread (inner, pending_changes_worker);
}

GPtrArray *
hangar_domain_load_pending_changes_finish (HangarDomain  *self,
                                           GAsyncResult  *result,
                                           GError       **error)
{
  g_return_val_if_fail (HANGAR_IS_DOMAIN (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        hangar_domain_load_pending_changes_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}


/* Consoles */

static void
open_graphics_fd_worker (GTask        *task,
                         gpointer      source_object,
                         gpointer      task_data,
                         GCancellable *cancellable)
{
  TaskData *data = task_data;
  int *fd;

  fd = g_new (int, 1);
  *fd = virDomainOpenGraphicsFD (data->dom, data->index, VIR_DOMAIN_OPEN_GRAPHICS_SKIPAUTH);
  if (*fd < 0)
    {
      g_autofree char *what = g_strdup_printf (_("Connecting to the display of “%s”"),
                                               data->name);
      GError *error = NULL;

      g_free (fd);
      hangar_virt_set_error_from_libvirt (&error, what);
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, fd, (GDestroyNotify)fd_box_free);
}

void
hangar_domain_open_graphics_fd_async (HangarDomain        *self,
                                      unsigned             index,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  TaskData *data;

  g_return_if_fail (HANGAR_IS_DOMAIN (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = new_task (self, hangar_domain_open_graphics_fd_async, cancellable, callback, user_data);
  data = g_task_get_task_data (task);
  data->index = index;

  if (data->dom == NULL)
    {
      g_task_return_new_error (task, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_NOT_CONNECTED,
                               _("The connection of “%s” is closed"), self->name);
      return;
    }

  if (self->state != HANGAR_DOMAIN_STATE_RUNNING && self->state != HANGAR_DOMAIN_STATE_PAUSED)
    {
      g_task_return_new_error (task, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_INVALID_STATE,
                               _("“%s” is not running"), self->name);
      return;
    }

  g_task_run_in_thread (task, open_graphics_fd_worker);
}

int
hangar_domain_open_graphics_fd_finish (HangarDomain  *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  int *box;
  int fd;

  g_return_val_if_fail (HANGAR_IS_DOMAIN (self), -1);
  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        hangar_domain_open_graphics_fd_async, -1);

  box = g_task_propagate_pointer (G_TASK (result), error);
  if (box == NULL)
    return -1;

  fd = *box;
  g_free (box);

  return fd;
}

static void
screenshot_worker (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  TaskData *data = task_data;
  g_autoptr(GByteArray) bytes = NULL;
  g_autofree char *mime_type = NULL;
  g_autofree char *what = NULL;
  virStreamPtr stream;
  Screenshot *shot;
  GError *error = NULL;
  char buffer[64 * 1024];
  int n;

  what = g_strdup_printf (_("Taking a screenshot of “%s”"), data->name);

  stream = virStreamNew (virDomainGetConnect (data->dom), 0);
  if (stream == NULL)
    {
      hangar_virt_set_error_from_libvirt (&error, what);
      g_task_return_error (task, error);
      return;
    }

  mime_type = virDomainScreenshot (data->dom, stream, data->index, 0);
  if (mime_type == NULL)
    {
      hangar_virt_set_error_from_libvirt (&error, what);
      virStreamFree (stream);
      g_task_return_error (task, error);
      return;
    }

  bytes = g_byte_array_new ();

  while ((n = virStreamRecv (stream, buffer, sizeof buffer)) > 0)
    {
      g_byte_array_append (bytes, (const guint8 *)buffer, n);

      if (g_cancellable_set_error_if_cancelled (cancellable, &error))
        {
          virStreamAbort (stream);
          virStreamFree (stream);
          g_task_return_error (task, error);
          return;
        }
    }

  if (n < 0 || virStreamFinish (stream) < 0)
    {
      hangar_virt_set_error_from_libvirt (&error, what);
      if (n < 0)
        virStreamAbort (stream);
      virStreamFree (stream);
      g_task_return_error (task, error);
      return;
    }

  virStreamFree (stream);

  shot = g_new0 (Screenshot, 1);
  shot->bytes = g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
  shot->mime_type = g_steal_pointer (&mime_type);
  g_task_return_pointer (task, shot, (GDestroyNotify)screenshot_free);
}

void
hangar_domain_screenshot_async (HangarDomain        *self,
                                unsigned             screen,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  TaskData *data;

  g_return_if_fail (HANGAR_IS_DOMAIN (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = new_task (self, hangar_domain_screenshot_async, cancellable, callback, user_data);
  data = g_task_get_task_data (task);
  data->index = screen;

  if (data->dom == NULL)
    {
      g_task_return_new_error (task, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_NOT_CONNECTED,
                               _("The connection of “%s” is closed"), self->name);
      return;
    }

  if (self->state != HANGAR_DOMAIN_STATE_RUNNING && self->state != HANGAR_DOMAIN_STATE_PAUSED)
    {
      g_task_return_new_error (task, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_INVALID_STATE,
                               _("“%s” is not running"), self->name);
      return;
    }

  g_task_run_in_thread (task, screenshot_worker);
}

GBytes *
hangar_domain_screenshot_finish (HangarDomain  *self,
                                 GAsyncResult  *result,
                                 char         **mime_type,
                                 GError       **error)
{
  Screenshot *shot;
  GBytes *bytes;

  g_return_val_if_fail (HANGAR_IS_DOMAIN (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        hangar_domain_screenshot_async, NULL);

  shot = g_task_propagate_pointer (G_TASK (result), error);
  if (shot == NULL)
    return NULL;

  if (mime_type != NULL)
    *mime_type = g_steal_pointer (&shot->mime_type);
  bytes = g_steal_pointer (&shot->bytes);
  screenshot_free (shot);

  return bytes;
}
