/* hangar-connection.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "hangar-domain.h"
#include "hangar-domain-doc.h"

G_BEGIN_DECLS

typedef enum
{
  HANGAR_CONNECTION_DISCONNECTED,
  HANGAR_CONNECTION_CONNECTING,
  HANGAR_CONNECTION_CONNECTED,
} HangarConnectionState;

#define HANGAR_TYPE_CONNECTION_STATE (hangar_connection_state_get_type ())
GType hangar_connection_state_get_type (void);

#define HANGAR_TYPE_CONNECTION (hangar_connection_get_type ())

G_DECLARE_FINAL_TYPE (HangarConnection, hangar_connection, HANGAR, CONNECTION, GObject)

/* The embedded QEMU driver's URI, qemu:///embed?root=<user data>/hangar/embed.
 * Creates the root and writes its etc/qemu.conf. */
char             *hangar_connection_dup_default_uri (GError **error);
/* Same, for an explicit root directory (tests use short private roots). */
char             *hangar_connection_prepare_embed_root (const char  *root,
                                                        GError     **error);

HangarConnection *hangar_connection_new            (const char *uri);

/* Properties: "uri", "title", "state", "error", "reconnecting", "domains";
 * signal "authenticate" (see hangar-auth-request.h). */
const char           *hangar_connection_get_uri    (HangarConnection *self);
/* A short name for people: "QEMU/KVM on alice@host" */
const char           *hangar_connection_get_title  (HangarConnection *self);
HangarConnectionState hangar_connection_get_state  (HangarConnection *self);
/* Why the last open failed or the connection was lost; NULL while
 * connected or after a close. */
const char           *hangar_connection_get_error  (HangarConnection *self);
/* TRUE after a loss while Hangar tries to reopen it, waiting longer after
 * each failed try (1 s, doubling up to a minute).  The domains stay
 * listed as last seen meanwhile and are brought up to date on success. */
gboolean              hangar_connection_get_reconnecting (HangarConnection *self);
/* A GListModel of HangarDomain sorted by name, kept in step with libvirt's
 * events on the main context. */
GListModel           *hangar_connection_get_domains (HangarConnection *self);
HangarDomain         *hangar_connection_lookup_domain (HangarConnection *self,
                                                       const char       *name);

/* Opens the connection and fills the domain list, off the main thread.
 * Credentials libvirt needs are asked through "authenticate". */
void     hangar_connection_open_async   (HangarConnection    *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean hangar_connection_open_finish  (HangarConnection    *self,
                                         GAsyncResult        *result,
                                         GError             **error);

/* Closes the connection and stops any reconnection; domains stay listed
 * as they were last seen. */
void     hangar_connection_close        (HangarConnection    *self);

/* Defines @doc as a new persistent domain.  Returns the domain's entry,
 * which is also in the list by the time the callback runs. */
void          hangar_connection_define_async  (HangarConnection    *self,
                                               HangarDomainDoc     *doc,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
HangarDomain *hangar_connection_define_finish (HangarConnection    *self,
                                               GAsyncResult        *result,
                                               GError             **error);

/* True for connections whose files live on this machine (embedded, qemu:///
 * system and session, test:///), where Hangar can look at disk paths. */
gboolean hangar_connection_is_local (HangarConnection *self);

/* The connection's statistics of running domains (hangar-stats-sampler.h). */
typedef struct _HangarStatsSampler HangarStatsSampler;
HangarStatsSampler *hangar_connection_get_stats_sampler (HangarConnection *self);

/* The host's capabilities and the domain capabilities for one
 * hypervisor type, as libvirt's XML. Cached after the first call. */
void     hangar_connection_load_capabilities_async  (HangarConnection    *self,
                                                     const char          *virt_type,
                                                     const char          *arch,
                                                     const char          *machine,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
gboolean hangar_connection_load_capabilities_finish (HangarConnection    *self,
                                                     GAsyncResult        *result,
                                                     char               **host_caps,
                                                     char               **domain_caps,
                                                     gboolean            *has_network_driver,
                                                     GError             **error);

G_END_DECLS
