/* hangar-domain-doc.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "hangar-device.h"
#include "hangar-model-error.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_DOMAIN_DOC (hangar_domain_doc_get_type ())

G_DECLARE_FINAL_TYPE (HangarDomainDoc, hangar_domain_doc, HANGAR, DOMAIN_DOC, GObject)

/* The document of one domain, on libxml2's tree of the text it was read
 * from.  Every edit goes through a typed setter that touches only its own
 * element (and what libvirt needs changed with it, said at each setter),
 * so that everything Hangar does not know survives.
 *
 * Edits are signalled: HangarDomainDoc::changed once per edit that changed
 * anything, HangarDevice::changed on each device changed inside, and the
 * device list's GListModel::items-changed for the devices added or removed,
 * before the document's signal.  A view can therefore follow a document
 * without GTK-specific glue. */

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
/* A new document holding only <domain type='@type'>, for a new domain:
 * every setter then creates its element where libvirt writes it. */
HangarDomainDoc *hangar_domain_doc_new               (const char       *type);
HangarDomainDoc *hangar_domain_doc_copy              (HangarDomainDoc  *self);
char            *hangar_domain_doc_to_string         (HangarDomainDoc  *self);

/* General */
const char      *hangar_domain_doc_get_name          (HangarDomainDoc  *self);
/* Fails with HANGAR_MODEL_ERROR_INVALID for an empty name or one with a
 * "/" or a line break, which libvirt refuses. */
gboolean         hangar_domain_doc_set_name          (HangarDomainDoc  *self,
                                                      const char       *name,
                                                      GError          **error);
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
/* The current= attribute of <vcpu>, or the count when there is none.
 * Setting it fails outside 1 … the count; at the count it removes the
 * attribute, as libvirt writes it. */
unsigned         hangar_domain_doc_get_current_vcpus (HangarDomainDoc  *self);
gboolean         hangar_domain_doc_set_current_vcpus (HangarDomainDoc  *self,
                                                      unsigned          current,
                                                      GError          **error);

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
/* "host-passthrough", "maximum", "host-model" or "custom" (which needs a
 * model already there; see set_cpu_custom_model).  The host's own CPU
 * drops the model, vendor and match=; the others drop what only the
 * host's CPU passes through (caches, address size, migratable=). */
gboolean         hangar_domain_doc_set_cpu_mode      (HangarDomainDoc  *self,
                                                      const char       *mode,
                                                      GError          **error);

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

/* Typed general fields by name ("title", "os-firmware", "clock-offset",
 * "timer-rtc-tickpolicy", …), relative to <domain>; the list is
 * hangar_domain_doc_get_fields ().  The same rules as the device fields
 * (hangar-device.h): NULL or FALSE removes, setters touch only their
 * element.  Fields with dependent changes have their own setters below
 * (memory, vCPUs, firmware, boot devices). */
const HangarField *hangar_domain_doc_get_fields      (unsigned         *n_fields);
const HangarField *hangar_domain_doc_find_field      (const char       *name);
const char      *hangar_domain_doc_get_string        (HangarDomainDoc  *self,
                                                      const char       *field);
gboolean         hangar_domain_doc_set_string        (HangarDomainDoc  *self,
                                                      const char       *field,
                                                      const char       *value,
                                                      GError          **error);
gboolean         hangar_domain_doc_get_uint          (HangarDomainDoc  *self,
                                                      const char       *field,
                                                      guint64          *value);
gboolean         hangar_domain_doc_set_uint          (HangarDomainDoc  *self,
                                                      const char       *field,
                                                      guint64           value,
                                                      GError          **error);
gboolean         hangar_domain_doc_get_flag          (HangarDomainDoc  *self,
                                                      const char       *field);
gboolean         hangar_domain_doc_set_flag          (HangarDomainDoc  *self,
                                                      const char       *field,
                                                      gboolean          value,
                                                      GError          **error);
/* Removes the field whatever its type. */
gboolean         hangar_domain_doc_unset             (HangarDomainDoc  *self,
                                                      const char       *field,
                                                      GError          **error);

/* Shorthands for the common general fields. */
const char      *hangar_domain_doc_get_title         (HangarDomainDoc  *self);
/* Fails for a title on several lines, which libvirt refuses. */
gboolean         hangar_domain_doc_set_title         (HangarDomainDoc  *self,
                                                      const char       *title,
                                                      GError          **error);
const char      *hangar_domain_doc_get_description   (HangarDomainDoc  *self);
void             hangar_domain_doc_set_description   (HangarDomainDoc  *self,
                                                      const char       *description);
/* Fails with HANGAR_MODEL_ERROR_INVALID unless @uuid is a UUID. */
gboolean         hangar_domain_doc_set_uuid          (HangarDomainDoc  *self,
                                                      const char       *uuid,
                                                      GError          **error);
/* <maxMemory> (memory hotplug), 0 when there is none; setting 0 removes
 * it.  It fails when below <memory>. */
guint64          hangar_domain_doc_get_max_memory_kib (HangarDomainDoc *self);
gboolean         hangar_domain_doc_set_max_memory_kib (HangarDomainDoc *self,
                                                       guint64          kib,
                                                       unsigned         slots,
                                                       GError         **error);
/* <currentMemory>: fails above <memory>. */
gboolean         hangar_domain_doc_set_current_memory_kib (HangarDomainDoc *self,
                                                           guint64          kib,
                                                           GError         **error);
/* <cpu><topology>: fails unless the product equals the vCPU count. */
gboolean         hangar_domain_doc_set_cpu_topology  (HangarDomainDoc  *self,
                                                      unsigned          sockets,
                                                      unsigned          dies,
                                                      unsigned          cores,
                                                      unsigned          threads,
                                                      GError          **error);
/* A <cpu><feature>'s policy ("require", "disable", …), NULL to remove. */
const char      *hangar_domain_doc_get_cpu_feature   (HangarDomainDoc  *self,
                                                      const char       *name);
void             hangar_domain_doc_set_cpu_feature   (HangarDomainDoc  *self,
                                                      const char       *name,
                                                      const char       *policy);
/* A <clock><timer name=@name>'s attribute, NULL to remove. */
const char      *hangar_domain_doc_get_timer         (HangarDomainDoc  *self,
                                                      const char       *name,
                                                      const char       *attr);
void             hangar_domain_doc_set_timer         (HangarDomainDoc  *self,
                                                      const char       *name,
                                                      const char       *attr,
                                                      const char       *value);
/* Writes the libosinfo OS id into <metadata>, in libosinfo's namespace
 * (found by URI, whatever its prefix); NULL removes it. */
void             hangar_domain_doc_set_os_id         (HangarDomainDoc  *self,
                                                      const char       *os_id);

/* Firmware.  UEFI is on with <os firmware='efi'> or a pflash loader.
 * Turning it off removes the whole set (firmware attribute and element,
 * loader, nvram).  On, it writes the form libvirt 9.0 accepts and picks
 * the firmware from at start: firmware='efi' with <firmware> features
 * saying whether Secure Boot (with enrolled keys) is wanted, dropping a
 * hand-written loader and nvram; Secure Boot also turns SMM on.  Secure
 * Boot on an x86 machine other than Q35 fails with
 * HANGAR_MODEL_ERROR_INVALID: the firmware would not start. */
gboolean         hangar_domain_doc_get_uefi          (HangarDomainDoc  *self);
gboolean         hangar_domain_doc_get_secure_boot   (HangarDomainDoc  *self);
gboolean         hangar_domain_doc_set_uefi          (HangarDomainDoc  *self,
                                                      gboolean          uefi,
                                                      gboolean          secure_boot,
                                                      GError          **error);

/* <os><boot dev=…> in order, a NULL-terminated array to free.  Setting it
 * removes every per-device boot order (libvirt refuses both); an empty
 * list removes the <boot> elements. */
char           **hangar_domain_doc_dup_boot_devices  (HangarDomainDoc  *self);
void             hangar_domain_doc_set_boot_devices  (HangarDomainDoc  *self,
                                                      const char * const *devices);

/* Direct kernel boot: NULL removes a part.  Without a kernel, initrd,
 * cmdline and dtb are removed too (libvirt ignores them). */
void             hangar_domain_doc_set_direct_boot   (HangarDomainDoc  *self,
                                                      const char       *kernel,
                                                      const char       *initrd,
                                                      const char       *cmdline,
                                                      const char       *dtb);

/* The devices, a list of HangarDevice in document order, owned by the
 * document and kept up to date by every edit.  Unknown elements are
 * HANGAR_DEVICE_OTHER items.  The device objects returned below are the
 * list's, owned by the document: a caller that keeps one past an edit
 * that may remove it takes a reference (a removed device is detached and
 * refuses edits). */
GListModel      *hangar_domain_doc_get_devices       (HangarDomainDoc  *self);
/* The @index-th device of @kind, or NULL. */
HangarDevice    *hangar_domain_doc_get_device        (HangarDomainDoc  *self,
                                                      HangarDeviceKind  kind,
                                                      unsigned          index);
/* A new empty device of @kind, with type='@type' when given, put where
 * libvirt would write it (after the others of its kind).  <devices> is
 * created when missing. */
HangarDevice    *hangar_domain_doc_add_device        (HangarDomainDoc  *self,
                                                      HangarDeviceKind  kind,
                                                      const char       *type);
/* A device from its XML (one element), placed like the above. */
HangarDevice    *hangar_domain_doc_add_device_xml    (HangarDomainDoc  *self,
                                                      const char       *xml,
                                                      GError          **error);
/* Removes @device.  Removing the last SPICE <graphics> also removes what
 * works only with SPICE (see hangar_device_is_spice_only ()), turning
 * <audio type='spice'> into type='none' so sound devices keep their
 * backend. */
gboolean         hangar_domain_doc_remove_device     (HangarDomainDoc  *self,
                                                      HangarDevice     *device,
                                                      GError          **error);

/* Validation.  Each problem is a HangarModelIssue: errors are what libvirt
 * refuses (the RelaxNG schema, or define-time checks the schema cannot
 * express), warnings what libvirt would silently drop.
 *
 * libxml2 names the element whose content failed the schema (often
 * <devices> or the root); the model reports instead the deepest element
 * without which the document would pass, and the attribute when one alone
 * is to blame ("/domain/devices/interface/address", bus="0x100").  The
 * checks: two disks on one target or drive address, two devices on one
 * PCI address, two controllers of a type on one index, two user aliases
 * or boot orders alike, per-device boot orders next to <os><boot>, what
 * needs SPICE without SPICE graphics, a CPU topology that does not give
 * the vCPU count, Secure Boot without SMM.  The warnings: comments,
 * metadata without a namespace, a second metadata element of one
 * namespace (told apart by URI), and elements or attributes of other
 * namespaces outside <metadata> but those of libvirt's drivers
 * (qemu:commandline). */
typedef enum
{
  HANGAR_MODEL_ISSUE_ERROR,
  HANGAR_MODEL_ISSUE_WARNING,
} HangarModelIssueLevel;

typedef struct
{
  HangarModelIssueLevel level;
  char *path;       /* "/domain/devices/disk[2]/target", or NULL */
  int line;         /* in the document as loaded; 0 for new elements */
  char *message;
} HangarModelIssue;

void             hangar_model_issue_free             (HangarModelIssue *issue);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarModelIssue, hangar_model_issue_free)

typedef enum
{
  HANGAR_VALIDATE_SCHEMA   = 1 << 0,  /* libvirt's domain.rng */
  HANGAR_VALIDATE_CHECKS   = 1 << 1,  /* duplicate targets, PCI clashes, … */
  HANGAR_VALIDATE_WARNINGS = 1 << 2,  /* what libvirt would drop */
  HANGAR_VALIDATE_ALL      = 0x7,
} HangarValidateFlags;

/* All the problems found, as HangarModelIssue items (free func set). */
GPtrArray       *hangar_domain_doc_validate          (HangarDomainDoc  *self,
                                                      HangarValidateFlags flags);
/* TRUE when there is no error; else the first one, with its path and line,
 * as HANGAR_MODEL_ERROR_INVALID.  Warnings never fail. */
gboolean         hangar_domain_doc_check             (HangarDomainDoc  *self,
                                                      GError          **error);

G_END_DECLS
