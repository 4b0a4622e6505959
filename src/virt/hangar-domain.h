/* hangar-domain.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "hangar-domain-doc.h"

G_BEGIN_DECLS

typedef enum
{
  HANGAR_DOMAIN_STATE_SHUTOFF,
  HANGAR_DOMAIN_STATE_RUNNING,
  HANGAR_DOMAIN_STATE_PAUSED,
  HANGAR_DOMAIN_STATE_SHUTTING_DOWN,
  HANGAR_DOMAIN_STATE_CRASHED,
  HANGAR_DOMAIN_STATE_SUSPENDED,
} HangarDomainState;

#define HANGAR_TYPE_DOMAIN_STATE (hangar_domain_state_get_type ())
GType hangar_domain_state_get_type (void);

/* A translated, user-visible name of the state ("Running", "Shut off") */
const char *hangar_domain_state_to_label (HangarDomainState state);

typedef struct _HangarConnection HangarConnection;

#define HANGAR_TYPE_DOMAIN (hangar_domain_get_type ())

G_DECLARE_FINAL_TYPE (HangarDomain, hangar_domain, HANGAR, DOMAIN, GObject)

/* Properties: "name", "uuid", "state", "persistent".  They change on the
 * main context, from libvirt's events. */
HangarConnection *hangar_domain_get_connection (HangarDomain *self);
const char       *hangar_domain_get_name       (HangarDomain *self);
const char       *hangar_domain_get_uuid       (HangarDomain *self);
HangarDomainState hangar_domain_get_state      (HangarDomain *self);
gboolean          hangar_domain_get_persistent (HangarDomain *self);

/* Lifecycle.  Each refuses with HANGAR_VIRT_ERROR_INVALID_STATE and a
 * reason when the state forbids it. */
void     hangar_domain_start_async      (HangarDomain        *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean hangar_domain_start_finish     (HangarDomain        *self,
                                         GAsyncResult        *result,
                                         GError             **error);
/* ACPI shutdown request: the guest decides. */
void     hangar_domain_shutdown_async   (HangarDomain        *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean hangar_domain_shutdown_finish  (HangarDomain        *self,
                                         GAsyncResult        *result,
                                         GError             **error);
/* Force off (virDomainDestroy). */
void     hangar_domain_force_off_async  (HangarDomain        *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean hangar_domain_force_off_finish (HangarDomain        *self,
                                         GAsyncResult        *result,
                                         GError             **error);
/* Undefine the persistent definition (keeps storage). */
void     hangar_domain_undefine_async   (HangarDomain        *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean hangar_domain_undefine_finish  (HangarDomain        *self,
                                         GAsyncResult        *result,
                                         GError             **error);

/* The definition: @inactive asks for the persistent (next boot) one. */
void             hangar_domain_load_doc_async  (HangarDomain        *self,
                                                gboolean             inactive,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
HangarDomainDoc *hangar_domain_load_doc_finish (HangarDomain        *self,
                                                GAsyncResult        *result,
                                                GError             **error);

/* Writes @doc as the persistent definition (virDomainDefineXML). */
void     hangar_domain_apply_async      (HangarDomain        *self,
                                         HangarDomainDoc     *doc,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean hangar_domain_apply_finish     (HangarDomain        *self,
                                         GAsyncResult        *result,
                                         GError             **error);

/* A new connected socket to the domain's @index-th graphics display
 * (virDomainOpenGraphicsFD); the caller owns the descriptor. */
void     hangar_domain_open_graphics_fd_async  (HangarDomain        *self,
                                                unsigned             index,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
int      hangar_domain_open_graphics_fd_finish (HangarDomain        *self,
                                                GAsyncResult        *result,
                                                GError             **error);

/* libvirt's screenshot of @screen, with its MIME type
 * ("image/x-portable-pixmap" from QEMU). */
void     hangar_domain_screenshot_async   (HangarDomain        *self,
                                           unsigned             screen,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
GBytes  *hangar_domain_screenshot_finish  (HangarDomain        *self,
                                           GAsyncResult        *result,
                                           char               **mime_type,
                                           GError             **error);

G_END_DECLS
