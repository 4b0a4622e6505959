/* hangar-device.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "hangar-model-error.h"

G_BEGIN_DECLS

/* The kinds of device under <devices>, in the order libvirt writes them.
 * HANGAR_DEVICE_OTHER is any element the model does not know (a newer
 * libvirt's device, another namespace's element): it is listed with its
 * XML and passed through untouched. */
typedef enum
{
  HANGAR_DEVICE_OTHER,
  HANGAR_DEVICE_EMULATOR,
  HANGAR_DEVICE_DISK,
  HANGAR_DEVICE_CONTROLLER,
  HANGAR_DEVICE_LEASE,
  HANGAR_DEVICE_FILESYSTEM,
  HANGAR_DEVICE_INTERFACE,
  HANGAR_DEVICE_SMARTCARD,
  HANGAR_DEVICE_SERIAL,
  HANGAR_DEVICE_PARALLEL,
  HANGAR_DEVICE_CONSOLE,
  HANGAR_DEVICE_CHANNEL,
  HANGAR_DEVICE_INPUT,
  HANGAR_DEVICE_TPM,
  HANGAR_DEVICE_GRAPHICS,
  HANGAR_DEVICE_SOUND,
  HANGAR_DEVICE_AUDIO,
  HANGAR_DEVICE_VIDEO,
  HANGAR_DEVICE_HOSTDEV,
  HANGAR_DEVICE_REDIRDEV,
  HANGAR_DEVICE_REDIRFILTER,
  HANGAR_DEVICE_HUB,
  HANGAR_DEVICE_WATCHDOG,
  HANGAR_DEVICE_MEMBALLOON,
  HANGAR_DEVICE_RNG,
  HANGAR_DEVICE_NVRAM,
  HANGAR_DEVICE_PANIC,
  HANGAR_DEVICE_SHMEM,
  HANGAR_DEVICE_MEMORY,
  HANGAR_DEVICE_IOMMU,
  HANGAR_DEVICE_VSOCK,
  HANGAR_DEVICE_CRYPTO,
  HANGAR_N_DEVICE_KINDS,
} HangarDeviceKind;

/* How a typed field is stored. */
typedef enum
{
  HANGAR_FIELD_STRING,  /* an attribute or a text, as is */
  HANGAR_FIELD_UINT,    /* a whole number */
  HANGAR_FIELD_FLAG,    /* the presence of an empty element (<readonly/>) */
} HangarFieldType;

typedef enum
{
  /* Shown, never written: what libvirt reports rather than reads
   * (a disk's backing chain). */
  HANGAR_FIELD_READ_ONLY = 1 << 0,
  /* Setting it changes more than its own attribute or element, so that
   * libvirt accepts the result (a disk's bus, a graphics type). */
  HANGAR_FIELD_DEPENDENT = 1 << 1,
} HangarFieldFlags;

/* A typed field: @name is what the API takes ("bus", "driver-cache"),
 * @path where it lives relative to its element (see hangar-xml-path.h).
 * @choices, when set, lists the values libvirt 9.0 knows, for a view to
 * offer; other values are written as given and left to validation. */
typedef struct
{
  const char          *name;
  const char          *path;
  HangarFieldType      type;
  HangarFieldFlags     flags;
  const char * const  *choices;
} HangarField;

#define HANGAR_TYPE_DEVICE (hangar_device_get_type ())

/* One element under <devices>, owned by its document (see
 * hangar_domain_doc_get_devices ()).  It emits HangarDevice::changed after
 * each edit that changed its element. */
G_DECLARE_FINAL_TYPE (HangarDevice, hangar_device, HANGAR, DEVICE, GObject)

const char        *hangar_device_kind_to_name     (HangarDeviceKind  kind);
HangarDeviceKind   hangar_device_kind_from_name   (const char       *name);
/* The typed fields of @kind, in a static array of @n_fields. */
const HangarField *hangar_device_kind_get_fields  (HangarDeviceKind  kind,
                                                   unsigned         *n_fields);
const HangarField *hangar_device_kind_find_field  (HangarDeviceKind  kind,
                                                   const char       *name);

HangarDeviceKind   hangar_device_get_kind         (HangarDevice     *self);
/* The element's name as written, with its prefix for another namespace. */
const char        *hangar_device_get_element_name (HangarDevice     *self);
/* FALSE once the device was removed from its document. */
gboolean           hangar_device_is_attached      (HangarDevice     *self);
/* The element as XML, exactly as the document holds it. */
char              *hangar_device_dup_xml          (HangarDevice     *self);
/* "/domain/devices/disk[2]": the same form as
 * hangar_domain_doc_dup_device_path (). */
char              *hangar_device_dup_path         (HangarDevice     *self);

/* Typed fields by name.  Strings stay valid as long as the document.
 * Setting NULL (or a FLAG to FALSE, or hangar_device_unset ()) removes the
 * attribute or element, and what that leaves empty.  Setters touch only
 * the device's element, except where libvirt needs a dependent change
 * (the fields marked HANGAR_FIELD_DEPENDENT):
 *   - "bus" on a disk: see hangar_device_set_disk_bus ();
 *   - "device" on a disk moves it to a bus that can carry it (a floppy to
 *     "fdc", a CD-ROM off VirtIO);
 *   - "type" on a disk, interface, character device, host device or
 *     redirected device drops the <source> (its attributes are per type)
 *     and what only the old type had; an interface turned to "user" also
 *     loses its host side (tap name, virtual port, filters, bandwidth);
 *   - "type" on graphics drops what only the old type had (SPICE's
 *     channels and compression, VNC's sharing policy), and leaving SPICE
 *     removes what works only with SPICE from the document
 *     (hangar_domain_doc_remove_device ());
 *   - "listen-address", "-network", "-socket" and "-type" on graphics
 *     keep the first <listen> of one type, and listen= in step with it;
 *   - "boot-order" removes <os><boot> elements: libvirt refuses both.
 * They fail with HANGAR_MODEL_ERROR_INVALID for an unknown field, a value
 * of the wrong type, a read-only field, a value libvirt refuses, and with
 * HANGAR_MODEL_ERROR_NOT_FOUND for a detached device. */
const char        *hangar_device_get_string       (HangarDevice     *self,
                                                   const char       *field);
gboolean           hangar_device_set_string       (HangarDevice     *self,
                                                   const char       *field,
                                                   const char       *value,
                                                   GError          **error);
gboolean           hangar_device_get_uint         (HangarDevice     *self,
                                                   const char       *field,
                                                   guint64          *value);
gboolean           hangar_device_set_uint         (HangarDevice     *self,
                                                   const char       *field,
                                                   guint64           value,
                                                   GError          **error);
gboolean           hangar_device_get_flag         (HangarDevice     *self,
                                                   const char       *field);
gboolean           hangar_device_set_flag         (HangarDevice     *self,
                                                   const char       *field,
                                                   gboolean          value,
                                                   GError          **error);
/* Removes the field whatever its type. */
gboolean           hangar_device_unset            (HangarDevice     *self,
                                                   const char       *field,
                                                   GError          **error);

/* Disks: changes the bus, drops the address libvirt would refuse on it and
 * renames the target when its prefix does not fit the bus ("vda" on
 * "sata" becomes the first free "sdX").  What only some buses have goes
 * too: removable= off USB, rotation_rate= off SCSI, SATA and IDE, <wwn>
 * off SCSI and IDE, <vendor> and <product> off SCSI, the VirtIO driver
 * options (queues, IOThreads, IOMMU…) off VirtIO.  It fails where libvirt
 * would refuse the bus: floppy disks on anything but "fdc" and the other
 * disks on it, a CD-ROM on VirtIO or SD, a LUN off VirtIO and SCSI, IDE on
 * a Q35 machine. */
gboolean           hangar_device_set_disk_bus     (HangarDevice     *self,
                                                   const char       *bus,
                                                   GError          **error);
/* Whether the device works only with SPICE graphics (spicevmc or
 * spiceport channels, redirdevs and smartcards; <audio type='spice'>). */
gboolean           hangar_device_is_spice_only    (HangarDevice     *self);

G_END_DECLS
