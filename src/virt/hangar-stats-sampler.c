/* hangar-stats-sampler.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-stats-sampler"

#include "config.h"

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "hangar-connection.h"
#include "hangar-stats-sampler.h"
#include "hangar-virt-error.h"
#include "hangar-virt-private.h"

/* The groups a row and the details page show. */
#define STATS_GROUPS (VIR_DOMAIN_STATS_STATE | VIR_DOMAIN_STATS_CPU_TOTAL | \
                      VIR_DOMAIN_STATS_BALLOON | VIR_DOMAIN_STATS_VCPU | \
                      VIR_DOMAIN_STATS_INTERFACE | VIR_DOMAIN_STATS_BLOCK)

struct _HangarStatsSampler
{
  GObject           parent_instance;

  /* owned references */
  GHashTable       *watched;     /* HangarDomain → unsigned *, how many watch */

  /* borrowed references */
  HangarConnection *connection;  /* owns the sampler */

  unsigned          interval;
  unsigned          timer_id;
  gboolean          in_flight;
  gboolean          no_nowait;   /* the driver refused the NOWAIT flag */
  guint64           n_calls;
};

G_DEFINE_FINAL_TYPE (HangarStatsSampler, hangar_stats_sampler, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_INTERVAL,
  PROP_N_CALLS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

void
hangar_stats_record_free (HangarStatsRecord *record)
{
  if (record == NULL)
    return;

  g_free (record->uuid);
  g_free (record);
}


/* The worker */

typedef struct
{
  virConnectPtr  conn;
  GPtrArray     *doms;       /* virDomainPtr, owned */
  GPtrArray     *domains;    /* HangarDomain, parallel to @doms */
  gboolean       nowait;
  GPtrArray     *records;    /* HangarStatsRecord, set by the worker */
  gboolean       refused_nowait;
} Sample;

static void
release_dom (gpointer data)
{
  hangar_virt_release (NULL, data);
}

static void
sample_free (Sample *sample)
{
  g_clear_pointer (&sample->doms, g_ptr_array_unref);
  g_clear_pointer (&sample->domains, g_ptr_array_unref);
  g_clear_pointer (&sample->records, g_ptr_array_unref);
  hangar_virt_release (g_steal_pointer (&sample->conn), NULL);
  g_free (sample);
}

static guint64
param_ullong (virDomainStatsRecordPtr  record,
              const char              *name,
              gboolean                *found)
{
  unsigned long long value = 0;

  if (virTypedParamsGetULLong (record->params, record->nparams, name, &value) == 1)
    {
      if (found != NULL)
        *found = TRUE;
      return value;
    }

  return 0;
}

static unsigned
param_uint (virDomainStatsRecordPtr  record,
            const char              *name)
{
  unsigned value = 0;

  if (virTypedParamsGetUInt (record->params, record->nparams, name, &value) != 1)
    return 0;

  return value;
}

/* Adds up a counter over the devices of a group ("block", "rd.bytes"). */
static guint64
sum_devices (virDomainStatsRecordPtr  record,
             const char              *group,
             const char              *counter,
             gboolean                *found)
{
  g_autofree char *count_name = g_strdup_printf ("%s.count", group);
  unsigned count = param_uint (record, count_name);
  guint64 sum = 0;

  for (unsigned i = 0; i < count; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s.%u.%s", group, i, counter);

      sum += param_ullong (record, name, found);
    }

  return sum;
}

static HangarStatsRecord *
record_from_libvirt (virDomainStatsRecordPtr  stats,
                     gint64                   time)
{
  HangarStatsRecord *record;
  char uuid[VIR_UUID_STRING_BUFLEN] = "";
  int state = VIR_DOMAIN_NOSTATE;

  /* Reads the handle's own copy: nothing reaches the hypervisor. */
  virDomainGetUUIDString (stats->dom, uuid);

  record = g_new0 (HangarStatsRecord, 1);
  record->uuid = g_strdup (uuid);
  record->time = time;

  if (virTypedParamsGetInt (stats->params, stats->nparams, "state.state", &state) == 1)
    record->state = state;

  /* The guest's own use is its vCPUs' time; the total adds QEMU's other
   * threads, which keep running while the guest is paused. */
  record->vcpus = param_uint (stats, "vcpu.current");
  for (unsigned i = 0, n = param_uint (stats, "vcpu.maximum"); i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("vcpu.%u.time", i);

      record->cpu_time += param_ullong (stats, name, &record->has_cpu);
    }
  if (!record->has_cpu)
    record->cpu_time = param_ullong (stats, "cpu.time", &record->has_cpu);

  record->balloon_current = param_ullong (stats, "balloon.current", &record->has_balloon);
  record->balloon_available = param_ullong (stats, "balloon.available", NULL);
  record->balloon_unused = param_ullong (stats, "balloon.unused", NULL);
  record->balloon_rss = param_ullong (stats, "balloon.rss", NULL);

  /* The disks of the guest, not the images behind them: without
   * VIR_CONNECT_GET_ALL_DOMAINS_STATS_BACKING each disk counts once. */
  record->rd_bytes = sum_devices (stats, "block", "rd.bytes", &record->has_block);
  record->wr_bytes = sum_devices (stats, "block", "wr.bytes", &record->has_block);

  record->rx_bytes = sum_devices (stats, "net", "rx.bytes", &record->has_net);
  record->tx_bytes = sum_devices (stats, "net", "tx.bytes", &record->has_net);

  return record;
}

static void
sample_worker (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Sample *sample = task_data;
  virDomainStatsRecordPtr *records = NULL;
  unsigned flags = 0;
  gint64 now;
  int n;

  /* Without it, a domain in a long job (saving, migrating) holds every
   * other domain's sample until the job ends. */
  if (sample->nowait)
    flags |= VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT;

  g_ptr_array_add (sample->doms, NULL);
  n = virDomainListGetStats ((virDomainPtr *)sample->doms->pdata, STATS_GROUPS,
                             &records, flags);
  g_ptr_array_remove_index (sample->doms, sample->doms->len - 1);

  if (n < 0 && sample->nowait)
    {
      virErrorPtr last = virGetLastError ();

      if (last != NULL && (last->code == VIR_ERR_INVALID_ARG ||
                           last->code == VIR_ERR_NO_SUPPORT))
        {
          sample->refused_nowait = TRUE;
          g_ptr_array_add (sample->doms, NULL);
          n = virDomainListGetStats ((virDomainPtr *)sample->doms->pdata, STATS_GROUPS,
                                     &records, 0);
          g_ptr_array_remove_index (sample->doms, sample->doms->len - 1);
        }
    }

  if (n < 0)
    {
      GError *error = NULL;

      hangar_virt_set_error_from_libvirt (&error, "Reading the domains’ statistics");
      g_task_return_error (task, error);
      return;
    }

  now = g_get_monotonic_time ();
  sample->records = g_ptr_array_new_with_free_func ((GDestroyNotify)hangar_stats_record_free);
  for (int i = 0; i < n; i++)
    g_ptr_array_add (sample->records, record_from_libvirt (records[i], now));

  if (records != NULL)
    virDomainStatsRecordListFree (records);

  g_task_return_boolean (task, TRUE);
}


/* The main context */

static gboolean tick_cb (gpointer user_data);

static gboolean
domain_runs (HangarDomain *domain)
{
  HangarDomainState state = hangar_domain_get_state (domain);

  return state == HANGAR_DOMAIN_STATE_RUNNING || state == HANGAR_DOMAIN_STATE_PAUSED ||
         state == HANGAR_DOMAIN_STATE_SHUTTING_DOWN;
}

static void
update_timer (HangarStatsSampler *self)
{
  gboolean wanted = g_hash_table_size (self->watched) > 0 && self->connection != NULL;

  if (wanted && self->timer_id == 0)
    {
      self->timer_id = g_timeout_add (self->interval, tick_cb, self);
      g_source_set_name_by_id (self->timer_id, "[hangar] stats sampler");
    }
  else if (!wanted)
    g_clear_handle_id (&self->timer_id, g_source_remove);
}

static void
sample_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  HangarStatsSampler *self = HANGAR_STATS_SAMPLER (object);
  Sample *sample = g_task_get_task_data (G_TASK (result));
  g_autoptr(GHashTable) by_uuid = NULL;
  g_autoptr(GError) error = NULL;

  self->in_flight = FALSE;
  g_debug ("Sampled %u domains", sample->records != NULL ? sample->records->len : 0);

  if (sample->refused_nowait)
    self->no_nowait = TRUE;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      /* The next interval tries again: a domain that stopped between the
       * list and the call makes some drivers fail the whole call. */
      g_debug ("%s", error->message);
      return;
    }

  by_uuid = g_hash_table_new (g_str_hash, g_str_equal);
  for (unsigned i = 0; i < sample->domains->len; i++)
    {
      HangarDomain *domain = g_ptr_array_index (sample->domains, i);

      g_hash_table_insert (by_uuid, (gpointer)hangar_domain_get_uuid (domain), domain);
    }

  for (unsigned i = 0; i < sample->records->len; i++)
    {
      HangarStatsRecord *record = g_ptr_array_index (sample->records, i);
      HangarDomain *domain = g_hash_table_lookup (by_uuid, record->uuid);

      /* Only while someone still looks and it still runs: an event may
       * have stopped it since. */
      if (domain == NULL || !g_hash_table_contains (self->watched, domain) ||
          !domain_runs (domain))
        continue;

      hangar_domain_push_stats_record (domain, g_steal_pointer (&sample->records->pdata[i]));
    }
}

static gboolean
tick_cb (gpointer user_data)
{
  HangarStatsSampler *self = user_data;
  g_autoptr(GTask) task = NULL;
  GHashTableIter iter;
  HangarDomain *domain;
  Sample *sample;

  /* A call slower than the interval delays the next one. */
  if (self->in_flight || self->connection == NULL)
    return G_SOURCE_CONTINUE;

  sample = g_new0 (Sample, 1);
  sample->doms = g_ptr_array_new_with_free_func (release_dom);
  sample->domains = g_ptr_array_new_with_free_func (g_object_unref);
  sample->nowait = !self->no_nowait;

  g_hash_table_iter_init (&iter, self->watched);
  while (g_hash_table_iter_next (&iter, (gpointer *)&domain, NULL))
    {
      virDomainPtr dom;

      if (!domain_runs (domain) || (dom = hangar_domain_dup_virt (domain)) == NULL)
        continue;

      g_ptr_array_add (sample->doms, dom);
      g_ptr_array_add (sample->domains, g_object_ref (domain));
    }

  if (sample->doms->len == 0 ||
      (sample->conn = hangar_connection_dup_virt (self->connection, NULL)) == NULL)
    {
      sample_free (sample);
      return G_SOURCE_CONTINUE;
    }

  self->in_flight = TRUE;
  self->n_calls++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_CALLS]);

  task = g_task_new (self, NULL, sample_done_cb, NULL);
  g_task_set_source_tag (task, tick_cb);
  g_task_set_task_data (task, sample, (GDestroyNotify)sample_free);
  g_task_run_in_thread (task, sample_worker);

  return G_SOURCE_CONTINUE;
}


/* The object */

static void
hangar_stats_sampler_dispose (GObject *object)
{
  HangarStatsSampler *self = (HangarStatsSampler *)object;

  g_clear_handle_id (&self->timer_id, g_source_remove);
  if (self->connection != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->connection),
                                  (gpointer *)&self->connection);
  self->connection = NULL;
  g_hash_table_remove_all (self->watched);

  G_OBJECT_CLASS (hangar_stats_sampler_parent_class)->dispose (object);
}

static void
hangar_stats_sampler_finalize (GObject *object)
{
  HangarStatsSampler *self = (HangarStatsSampler *)object;

  g_clear_pointer (&self->watched, g_hash_table_unref);

  G_OBJECT_CLASS (hangar_stats_sampler_parent_class)->finalize (object);
}

static void
hangar_stats_sampler_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  HangarStatsSampler *self = HANGAR_STATS_SAMPLER (object);

  switch (prop_id)
    {
    case PROP_INTERVAL:
      g_value_set_uint (value, self->interval);
      break;

    case PROP_N_CALLS:
      g_value_set_uint64 (value, self->n_calls);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_stats_sampler_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  HangarStatsSampler *self = HANGAR_STATS_SAMPLER (object);

  switch (prop_id)
    {
    case PROP_INTERVAL:
      hangar_stats_sampler_set_interval (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_stats_sampler_class_init (HangarStatsSamplerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hangar_stats_sampler_dispose;
  object_class->finalize = hangar_stats_sampler_finalize;
  object_class->get_property = hangar_stats_sampler_get_property;
  object_class->set_property = hangar_stats_sampler_set_property;

  properties[PROP_INTERVAL] =
    g_param_spec_uint ("interval", NULL, NULL,
                       50, G_MAXUINT, HANGAR_STATS_DEFAULT_INTERVAL_MS,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_N_CALLS] =
    g_param_spec_uint64 ("n-calls", NULL, NULL,
                         0, G_MAXUINT64, 0,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hangar_stats_sampler_init (HangarStatsSampler *self)
{
  self->interval = HANGAR_STATS_DEFAULT_INTERVAL_MS;
  self->watched = g_hash_table_new_full (NULL, NULL, g_object_unref, g_free);
}

/* For its connection only. */
HangarStatsSampler *
hangar_stats_sampler_new (HangarConnection *connection)
{
  HangarStatsSampler *self;

  g_return_val_if_fail (HANGAR_IS_CONNECTION (connection), NULL);

  self = g_object_new (HANGAR_TYPE_STATS_SAMPLER, NULL);
  self->connection = connection;
  g_object_add_weak_pointer (G_OBJECT (connection), (gpointer *)&self->connection);

  return self;
}

unsigned
hangar_stats_sampler_get_interval (HangarStatsSampler *self)
{
  g_return_val_if_fail (HANGAR_IS_STATS_SAMPLER (self), 0);

  return self->interval;
}

void
hangar_stats_sampler_set_interval (HangarStatsSampler *self,
                                   unsigned            milliseconds)
{
  g_return_if_fail (HANGAR_IS_STATS_SAMPLER (self));
  g_return_if_fail (milliseconds >= 50);

  if (self->interval == milliseconds)
    return;

  self->interval = milliseconds;
  g_clear_handle_id (&self->timer_id, g_source_remove);
  update_timer (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INTERVAL]);
}

guint64
hangar_stats_sampler_get_n_calls (HangarStatsSampler *self)
{
  g_return_val_if_fail (HANGAR_IS_STATS_SAMPLER (self), 0);

  return self->n_calls;
}

void
hangar_stats_sampler_watch (HangarStatsSampler *self,
                            HangarDomain       *domain)
{
  unsigned *count;

  g_return_if_fail (HANGAR_IS_STATS_SAMPLER (self));
  g_return_if_fail (HANGAR_IS_DOMAIN (domain));

  count = g_hash_table_lookup (self->watched, domain);
  if (count == NULL)
    {
      count = g_new0 (unsigned, 1);
      g_hash_table_insert (self->watched, g_object_ref (domain), count);
    }
  (*count)++;

  update_timer (self);
}

void
hangar_stats_sampler_unwatch (HangarStatsSampler *self,
                              HangarDomain       *domain)
{
  unsigned *count;

  g_return_if_fail (HANGAR_IS_STATS_SAMPLER (self));
  g_return_if_fail (HANGAR_IS_DOMAIN (domain));

  count = g_hash_table_lookup (self->watched, domain);
  g_return_if_fail (count != NULL);

  if (--(*count) == 0)
    g_hash_table_remove (self->watched, domain);

  update_timer (self);
}
