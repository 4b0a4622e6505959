/* hangar-virt-private.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libvirt/libvirt.h>

#include "hangar-connection.h"
#include "hangar-domain.h"

G_BEGIN_DECLS

/* What a worker thread learned about one domain, handed to the main
 * context, which turns it into a HangarDomain entry. */
typedef struct
{
  virDomainPtr       dom;   /* owned reference */
  char              *uuid;
  char              *name;
  HangarDomainState  state;
  gboolean           persistent;
  gboolean           autostart;
  gboolean           has_managed_save;
  gboolean           extras_known;  /* autostart and has_managed_save were read */
} HangarDomainInfo;

HangarDomainInfo *hangar_domain_info_new  (virDomainPtr      dom,
                                           HangarDomainState state,
                                           gboolean          persistent);
void              hangar_domain_info_free (HangarDomainInfo *info);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarDomainInfo, hangar_domain_info_free)

HangarDomainState hangar_domain_state_from_libvirt (int state);

/* Drops libvirt references off the calling thread: the last reference to a
 * connection closes it, which can wait on the network.  Either may be NULL;
 * both are consumed. */
void hangar_virt_release (virConnectPtr conn,
                          virDomainPtr  dom);

/* Entries, created and updated by their connection on the main context. */
HangarDomain *hangar_domain_new_from_info   (HangarConnection *connection,
                                             HangarDomainInfo *info);
/* Returns TRUE when the name changed (the list must re-sort the entry). */
gboolean      hangar_domain_update          (HangarDomain     *self,
                                             const char       *name,
                                             HangarDomainState state,
                                             gboolean          persistent);
void          hangar_domain_set_state       (HangarDomain     *self,
                                             HangarDomainState state);
void          hangar_domain_set_persistent  (HangarDomain     *self,
                                             gboolean          persistent);
void          hangar_domain_set_autostart   (HangarDomain     *self,
                                             gboolean          autostart);
void          hangar_domain_set_has_managed_save (HangarDomain *self,
                                                  gboolean      has_managed_save);
gboolean      hangar_domain_set_name        (HangarDomain     *self,
                                             const char       *name);
/* libvirt said that a definition changed: the running one (@live, a
 * device plugged in or out) or the persistent one.  Emits
 * "definition-changed" and reads the pending changes again. */
void          hangar_domain_definition_changed (HangarDomain  *self,
                                                gboolean       live);
/* Replaces the libvirt handle (consumed; NULL when disconnected). */
void          hangar_domain_set_virt        (HangarDomain     *self,
                                             virDomainPtr      dom);
/* A new reference for a worker thread, or NULL when disconnected. */
virDomainPtr  hangar_domain_dup_virt        (HangarDomain     *self);
int           hangar_domain_compare         (gconstpointer     a,
                                             gconstpointer     b,
                                             gpointer          user_data);

/* A new reference to the open libvirt connection for a worker thread, or
 * NULL with HANGAR_VIRT_ERROR_NOT_CONNECTED.  Callable from any thread. */
virConnectPtr hangar_connection_dup_virt     (HangarConnection *self,
                                              GError          **error);
/* The blocking half of load_capabilities_async, for worker threads. */
gboolean      hangar_connection_load_capabilities_sync (HangarConnection  *self,
                                                        const char        *virt_type,
                                                        const char        *arch,
                                                        const char        *machine,
                                                        GCancellable      *cancellable,
                                                        char             **host_caps,
                                                        char             **domain_caps,
                                                        gboolean          *has_network_driver,
                                                        GError           **error);
/* Called on the main context when an action on @domain completed, so that
 * the list follows even before libvirt's event arrives. */
void          hangar_connection_domain_undefined (HangarConnection *self,
                                                  HangarDomain     *domain);
/* Lists a domain a worker defined (a clone) and returns its entry; the
 * DEFINED event may have listed it already. */
HangarDomain *hangar_connection_add_defined      (HangarConnection *self,
                                                  HangarDomainInfo *info);
void          hangar_connection_domain_renamed   (HangarConnection *self,
                                                  HangarDomain     *domain,
                                                  const char       *name);

/* One domain's counters from a bulk statistics call, read on a worker.
 * The has_* fields tell which groups the driver reported. */
typedef struct
{
  char     *uuid;
  gint64    time;             /* g_get_monotonic_time () after the call */
  int       state;            /* virDomainState */
  gboolean  has_cpu;
  guint64   cpu_time;         /* ns: the vCPUs', else the whole QEMU's */
  unsigned  vcpus;            /* 0 when unknown */
  gboolean  has_balloon;
  guint64   balloon_current;  /* KiB the guest has */
  guint64   balloon_available;
  guint64   balloon_unused;
  guint64   balloon_rss;
  gboolean  has_block;
  guint64   rd_bytes;
  guint64   wr_bytes;
  gboolean  has_net;
  guint64   rx_bytes;
  guint64   tx_bytes;
} HangarStatsRecord;

void hangar_stats_record_free (HangarStatsRecord *record);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarStatsRecord, hangar_stats_record_free)

/* A connection's own sampler; @connection is borrowed. */
HangarStatsSampler *hangar_stats_sampler_new (HangarConnection *connection);

/* Called by the sampler on the main context with a new record of @self;
 * the record is kept as the base of the next rates. */
void hangar_domain_push_stats_record (HangarDomain      *self,
                                      HangarStatsRecord *record);

G_END_DECLS
