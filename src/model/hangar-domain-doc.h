/* hangar-domain-doc.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "hangar-model-error.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_DOMAIN_DOC (hangar_domain_doc_get_type ())

G_DECLARE_FINAL_TYPE (HangarDomainDoc, hangar_domain_doc, HANGAR, DOMAIN_DOC, GObject)

/* Loading and saving.  @source names the document in error messages
 * ("gentoo-2.xml:12:5: …"); it may be NULL.  Saving writes back every
 * node that was read (comments, unknown elements, namespaces, whitespace),
 * in UTF-8.  Strings returned by the getters stay valid as long as the
 * document, across edits. */
HangarDomainDoc *hangar_domain_doc_new_from_string   (const char       *xml,
                                                      gssize            length,
                                                      const char       *source,
                                                      GError          **error);
HangarDomainDoc *hangar_domain_doc_new_from_file     (const char       *path,
                                                      GError          **error);
HangarDomainDoc *hangar_domain_doc_copy              (HangarDomainDoc  *self);
char            *hangar_domain_doc_to_string         (HangarDomainDoc  *self);

/* General */
const char      *hangar_domain_doc_get_name          (HangarDomainDoc  *self);
const char      *hangar_domain_doc_get_uuid          (HangarDomainDoc  *self);
const char      *hangar_domain_doc_get_hypervisor    (HangarDomainDoc  *self);
void             hangar_domain_doc_set_hypervisor    (HangarDomainDoc  *self,
                                                      const char       *type);
const char      *hangar_domain_doc_get_arch          (HangarDomainDoc  *self);

/* Memory in KiB, whatever unit the document uses.  Setting it keeps the
 * document's unit where the value is a whole number of it, and lowers
 * <currentMemory> with it when that would exceed the new maximum (or when
 * both were equal before), as libvirt requires.
 * It fails with HANGAR_MODEL_ERROR_INVALID for 0, above <maxMemory>, or
 * when NUMA cells define the size (libvirt would replace the value with
 * their sum).  The current memory is <memory> when there is no
 * <currentMemory>. */
guint64          hangar_domain_doc_get_memory_kib    (HangarDomainDoc  *self);
gboolean         hangar_domain_doc_set_memory_kib    (HangarDomainDoc  *self,
                                                      guint64           kib,
                                                      GError          **error);
guint64          hangar_domain_doc_get_current_memory_kib (HangarDomainDoc *self);

/* vCPUs: the <vcpu> count.  Setting it keeps placement, cpuset and the
 * other attributes, and lowers current= when it would exceed the count.
 * current= also follows the count when both were equal before, and a CPU
 * <topology> is refitted to the new count (libvirt refuses a mismatch).
 * It fails with HANGAR_MODEL_ERROR_INVALID where libvirt would refuse the
 * result: a zero count, a <vcpus> list, NUMA cells using a removed vCPU. */
unsigned         hangar_domain_doc_get_vcpus         (HangarDomainDoc  *self);
gboolean         hangar_domain_doc_set_vcpus         (HangarDomainDoc  *self,
                                                      unsigned          vcpus,
                                                      GError          **error);
/* The current= attribute of <vcpu>, or the count when there is none. */
unsigned         hangar_domain_doc_get_current_vcpus (HangarDomainDoc  *self);

/* The libosinfo operating system id from <metadata>, or NULL. */
const char      *hangar_domain_doc_get_os_id         (HangarDomainDoc  *self);

/* CPU.  get_cpu_mode returns NULL when there is no <cpu> element.
 * set_cpu_custom_model writes mode='custom' match='exact' with the model,
 * dropping attributes that only apply to host-passthrough. */
const char      *hangar_domain_doc_get_cpu_mode      (HangarDomainDoc  *self);
void             hangar_domain_doc_set_cpu_custom_model (HangarDomainDoc *self,
                                                         const char      *model);
/* The text of <cpu><model>, or NULL. */
const char      *hangar_domain_doc_get_cpu_model     (HangarDomainDoc  *self);

/* Devices, in document order.  Each device kind is its element name
 * ("disk", "interface", "graphics", …); @index counts within that kind. */
unsigned         hangar_domain_doc_count_devices     (HangarDomainDoc  *self,
                                                      const char       *kind);
/* The attribute @attr of the @index-th device of @kind, or NULL. */
const char      *hangar_domain_doc_get_device_attr   (HangarDomainDoc  *self,
                                                      const char       *kind,
                                                      unsigned          index,
                                                      const char       *attr);
/* An XPath-like location for messages: "/domain/devices/interface[1]" */
char            *hangar_domain_doc_dup_device_path   (HangarDomainDoc  *self,
                                                      const char       *kind,
                                                      unsigned          index);

/* Disks */
const char      *hangar_domain_doc_get_disk_source_file (HangarDomainDoc *self,
                                                         unsigned         index);
const char      *hangar_domain_doc_get_disk_driver_type (HangarDomainDoc *self,
                                                         unsigned         index);

/* Interfaces: switch the @index-th to user-mode networking, keeping its
 * MAC, model, boot order and address. */
gboolean         hangar_domain_doc_set_interface_user (HangarDomainDoc *self,
                                                       unsigned         index,
                                                       GError         **error);

/* Graphics: the type of the first <graphics>, or NULL. */
const char      *hangar_domain_doc_get_graphics_type (HangarDomainDoc  *self);

/* OS boot menu (<os><bootmenu enable='yes' timeout='…'/>).  A timeout of
 * 0 leaves it to the firmware; libvirt accepts at most 65535 ms.  Disabling
 * writes enable='no' only where a <bootmenu> exists. */
void             hangar_domain_doc_set_boot_menu     (HangarDomainDoc  *self,
                                                      gboolean          enable,
                                                      unsigned          timeout_ms);
/* Whether the boot menu is enabled, and its timeout (0 when unset). */
gboolean         hangar_domain_doc_get_boot_menu     (HangarDomainDoc  *self,
                                                      unsigned         *timeout_ms);

G_END_DECLS
