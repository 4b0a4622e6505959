/* hangar-clone.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "hangar-domain.h"

G_BEGIN_DECLS

/* Cloning a shut off domain: a new name, a new UUID, new MAC
 * addresses (libvirt picks them), copies of the disks the user chose and
 * of the UEFI variables (NVRAM).
 *
 * A plan is read from the domain first (hangar_clone_plan_load_async ()):
 * its disks, whether each can be copied and where the copy would go.  A
 * disk a storage pool holds is copied by the storage driver
 * (virStorageVolCreateXMLFrom); a file no pool holds, on a connection
 * whose files are on this machine (the embedded driver has no storage
 * driver at all), is copied with qemu-img in its own format.  The user
 * may share a disk with the original instead.  Running the plan never
 * overwrites a file or volume: a copy takes the proposed name or the next
 * free one.  When anything fails, what was copied is deleted again and
 * nothing is defined. */

typedef enum
{
  HANGAR_CLONE_COPY,
  HANGAR_CLONE_SHARE,
} HangarCloneMode;

#define HANGAR_TYPE_CLONE_PLAN (hangar_clone_plan_get_type ())

G_DECLARE_FINAL_TYPE (HangarClonePlan, hangar_clone_plan, HANGAR, CLONE_PLAN, GObject)

void             hangar_clone_plan_load_async   (HangarDomain        *domain,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
HangarClonePlan *hangar_clone_plan_load_finish  (GAsyncResult        *result,
                                                 GError             **error);

/* Properties: "name", "progress" (0 to 1 while running). */
HangarDomain    *hangar_clone_plan_get_domain   (HangarClonePlan     *self);
/* The clone's name: "<name>-clone" or the next free one to begin with. */
const char      *hangar_clone_plan_get_name     (HangarClonePlan     *self);
/* Also renames the proposed copies that carry the old name. */
void             hangar_clone_plan_set_name     (HangarClonePlan     *self,
                                                 const char          *name);
/* Whether the plan copies the UEFI variables. */
gboolean         hangar_clone_plan_get_has_nvram (HangarClonePlan    *self);
double           hangar_clone_plan_get_progress (HangarClonePlan     *self);

/* The disks, in document order. */
unsigned         hangar_clone_plan_get_n_disks        (HangarClonePlan *self);
/* "vda" */
const char      *hangar_clone_plan_get_disk_target    (HangarClonePlan *self,
                                                       unsigned         index);
/* "disk", "cdrom", "floppy", "lun" */
const char      *hangar_clone_plan_get_disk_device    (HangarClonePlan *self,
                                                       unsigned         index);
/* The path, or "pool/volume", or NULL for an empty drive. */
const char      *hangar_clone_plan_get_disk_source    (HangarClonePlan *self,
                                                       unsigned         index);
/* Where a copy goes (a path, or a volume name in the same pool). */
const char      *hangar_clone_plan_get_disk_copy      (HangarClonePlan *self,
                                                       unsigned         index);
/* NULL when the disk can be copied, else why it is shared. */
const char      *hangar_clone_plan_get_disk_reason    (HangarClonePlan *self,
                                                       unsigned         index);
HangarCloneMode  hangar_clone_plan_get_disk_mode      (HangarClonePlan *self,
                                                       unsigned         index);
/* COPY only where the reason is NULL. */
void             hangar_clone_plan_set_disk_mode      (HangarClonePlan *self,
                                                       unsigned         index,
                                                       HangarCloneMode  mode);

/* Refused with HANGAR_VIRT_ERROR_INVALID_STATE while the domain runs
 * (see HANGAR_DOMAIN_ACTION_CLONE).  The new domain's entry is in the
 * connection's list by the time the callback runs. */
void             hangar_clone_plan_run_async    (HangarClonePlan     *self,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
HangarDomain    *hangar_clone_plan_run_finish   (HangarClonePlan     *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);

G_END_DECLS
