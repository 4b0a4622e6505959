/* hangar-device.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-device"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <libxml/xmlsave.h>

#include "hangar-device.h"
#include "hangar-model-private.h"
#include "hangar-schema-order.h"
#include "hangar-xml-path.h"
#include "hangar-xml-tree.h"

struct _HangarDevice
{
  GObject parent_instance;

  /* borrowed references: the document owns its device list, and the
   * element belongs to the document's tree */
  HangarDomainDoc *doc;
  xmlNode *node;

  HangarDeviceKind kind;
};

G_DEFINE_FINAL_TYPE (HangarDevice, hangar_device, G_TYPE_OBJECT)

/* Fields */

#define S HANGAR_FIELD_STRING
#define U HANGAR_FIELD_UINT
#define F HANGAR_FIELD_FLAG

/* Every device has these after its own. */
#define COMMON_FIELDS \
  { "alias", "alias@name", S }, \
  { "address-type", "address@type", S }

static const HangarField no_fields[] = {
  COMMON_FIELDS,
};

static const HangarField emulator_fields[] = {
  { "path", "", S },
};

static const HangarField disk_fields[] = {
  { "type", "@type", S },
  { "device", "@device", S },
  { "source-file", "source@file", S },
  { "source-dev", "source@dev", S },
  { "source-dir", "source@dir", S },
  { "source-protocol", "source@protocol", S },
  { "source-name", "source@name", S },
  { "source-pool", "source@pool", S },
  { "source-volume", "source@volume", S },
  { "source-type", "source@type", S },
  { "source-namespace", "source@namespace", U },
  { "source-host", "source/host@name", S },
  { "source-port", "source/host@port", S },
  { "target-dev", "target@dev", S },
  { "bus", "target@bus", S },
  { "driver-name", "driver@name", S },
  { "driver-type", "driver@type", S },
  { "driver-cache", "driver@cache", S },
  { "driver-discard", "driver@discard", S },
  { "driver-io", "driver@io", S },
  { "readonly", "readonly", F },
  { "shareable", "shareable", F },
  { "serial", "serial", S },
  { "boot-order", "boot@order", U },
  { "backing-store-type", "backingStore@type", S },
  { "backing-store-format", "backingStore/format@type", S },
  { "backing-store-file", "backingStore/source@file", S },
  COMMON_FIELDS,
};

static const HangarField controller_fields[] = {
  { "type", "@type", S },
  { "index", "@index", U },
  { "model", "@model", S },
  { "ports", "@ports", U },
  { "vectors", "@vectors", U },
  { "driver-queues", "driver@queues", U },
  { "target-chassis", "target@chassis", U },
  COMMON_FIELDS,
};

static const HangarField lease_fields[] = {
  { "lockspace", "lockspace", S },
  { "key", "key", S },
  { "target-path", "target@path", S },
};

static const HangarField filesystem_fields[] = {
  { "type", "@type", S },
  { "accessmode", "@accessmode", S },
  { "driver-type", "driver@type", S },
  { "source-dir", "source@dir", S },
  { "source-file", "source@file", S },
  { "source-socket", "source@socket", S },
  { "target-dir", "target@dir", S },
  { "readonly", "readonly", F },
  COMMON_FIELDS,
};

static const HangarField interface_fields[] = {
  { "type", "@type", S },
  { "mac", "mac@address", S },
  { "source-network", "source@network", S },
  { "source-bridge", "source@bridge", S },
  { "source-dev", "source@dev", S },
  { "source-mode", "source@mode", S },
  { "source-path", "source@path", S },
  { "target-dev", "target@dev", S },
  { "model", "model@type", S },
  { "driver-name", "driver@name", S },
  { "driver-queues", "driver@queues", U },
  { "link-state", "link@state", S },
  { "mtu", "mtu@size", U },
  { "boot-order", "boot@order", U },
  COMMON_FIELDS,
};

static const HangarField smartcard_fields[] = {
  { "mode", "@mode", S },
  { "type", "@type", S },
  COMMON_FIELDS,
};

/* serial, parallel, console and channel */
static const HangarField chardev_fields[] = {
  { "type", "@type", S },
  { "source-path", "source@path", S },
  { "source-mode", "source@mode", S },
  { "source-host", "source@host", S },
  { "source-service", "source@service", S },
  { "source-channel", "source@channel", S },
  { "protocol", "protocol@type", S },
  { "target-type", "target@type", S },
  { "target-port", "target@port", U },
  { "target-name", "target@name", S },
  { "log-file", "log@file", S },
  COMMON_FIELDS,
};

static const HangarField input_fields[] = {
  { "type", "@type", S },
  { "bus", "@bus", S },
  { "source-evdev", "source@evdev", S },
  COMMON_FIELDS,
};

static const HangarField tpm_fields[] = {
  { "model", "@model", S },
  { "backend-type", "backend@type", S },
  { "backend-version", "backend@version", S },
  { "backend-device", "backend/device@path", S },
  COMMON_FIELDS,
};

static const HangarField graphics_fields[] = {
  { "type", "@type", S },
  { "port", "@port", S },
  { "tls-port", "@tlsPort", S },
  { "autoport", "@autoport", S },
  { "listen", "@listen", S },
  { "password", "@passwd", S },
  { "keymap", "@keymap", S },
  { "listen-type", "listen@type", S },
  { "listen-address", "listen@address", S },
  { "listen-network", "listen@network", S },
  { "listen-socket", "listen@socket", S },
  { "gl-enable", "gl@enable", S },
  { "gl-rendernode", "gl@rendernode", S },
  COMMON_FIELDS,
};

static const HangarField sound_fields[] = {
  { "model", "@model", S },
  { "codec", "codec@type", S },
  { "audio-id", "audio@id", U },
  COMMON_FIELDS,
};

static const HangarField audio_fields[] = {
  { "type", "@type", S },
  { "id", "@id", U },
};

static const HangarField video_fields[] = {
  { "model", "model@type", S },
  { "ram", "model@ram", U },
  { "vram", "model@vram", U },
  { "vgamem", "model@vgamem", U },
  { "heads", "model@heads", U },
  { "primary", "model@primary", S },
  { "accel3d", "model/acceleration@accel3d", S },
  { "driver-name", "driver@name", S },
  COMMON_FIELDS,
};

static const HangarField hostdev_fields[] = {
  { "mode", "@mode", S },
  { "type", "@type", S },
  { "managed", "@managed", S },
  { "vendor", "source/vendor@id", S },
  { "product", "source/product@id", S },
  { "source-bus", "source/address@bus", S },
  { "source-device", "source/address@device", S },
  { "source-domain", "source/address@domain", S },
  { "source-slot", "source/address@slot", S },
  { "source-function", "source/address@function", S },
  { "boot-order", "boot@order", U },
  COMMON_FIELDS,
};

static const HangarField redirdev_fields[] = {
  { "type", "@type", S },
  { "bus", "@bus", S },
  { "boot-order", "boot@order", U },
  COMMON_FIELDS,
};

static const HangarField watchdog_fields[] = {
  { "model", "@model", S },
  { "action", "@action", S },
  COMMON_FIELDS,
};

static const HangarField memballoon_fields[] = {
  { "model", "@model", S },
  { "autodeflate", "@autodeflate", S },
  { "free-page-reporting", "@freePageReporting", S },
  { "stats-period", "stats@period", U },
  COMMON_FIELDS,
};

static const HangarField rng_fields[] = {
  { "model", "@model", S },
  { "backend-model", "backend@model", S },
  { "backend", "backend", S },
  { "rate-bytes", "rate@bytes", U },
  { "rate-period", "rate@period", U },
  COMMON_FIELDS,
};

static const HangarField model_fields[] = {
  { "model", "@model", S },
  COMMON_FIELDS,
};

static const HangarField type_fields[] = {
  { "type", "@type", S },
  { "bus", "@bus", S },
  COMMON_FIELDS,
};

static const HangarField shmem_fields[] = {
  { "name", "@name", S },
  { "model", "model@type", S },
  { "size", "size", U },
  { "size-unit", "size@unit", S },
  { "server-path", "server@path", S },
  COMMON_FIELDS,
};

static const HangarField memory_fields[] = {
  { "model", "@model", S },
  { "access", "@access", S },
  { "source-path", "source/path", S },
  { "target-size", "target/size", U },
  { "target-size-unit", "target/size@unit", S },
  { "target-node", "target/node", U },
  COMMON_FIELDS,
};

static const HangarField iommu_fields[] = {
  { "model", "@model", S },
  { "intremap", "driver@intremap", S },
  { "caching-mode", "driver@caching_mode", S },
  { "iotlb", "driver@iotlb", S },
  COMMON_FIELDS,
};

static const HangarField vsock_fields[] = {
  { "model", "@model", S },
  { "cid-auto", "cid@auto", S },
  { "cid", "cid@address", U },
  COMMON_FIELDS,
};

static const HangarField crypto_fields[] = {
  { "model", "@model", S },
  { "type", "@type", S },
  { "backend-model", "backend@model", S },
  { "backend-queues", "backend@queues", U },
  COMMON_FIELDS,
};

#undef S
#undef U
#undef F

typedef struct
{
  const char *name;
  const HangarField *fields;
  unsigned n_fields;
} KindInfo;

#define KIND(name, fields) { name, fields, G_N_ELEMENTS (fields) }

/* Indexed by HangarDeviceKind. */
static const KindInfo kinds[HANGAR_N_DEVICE_KINDS] = {
  KIND (NULL, no_fields),
  KIND ("emulator", emulator_fields),
  KIND ("disk", disk_fields),
  KIND ("controller", controller_fields),
  KIND ("lease", lease_fields),
  KIND ("filesystem", filesystem_fields),
  KIND ("interface", interface_fields),
  KIND ("smartcard", smartcard_fields),
  KIND ("serial", chardev_fields),
  KIND ("parallel", chardev_fields),
  KIND ("console", chardev_fields),
  KIND ("channel", chardev_fields),
  KIND ("input", input_fields),
  KIND ("tpm", tpm_fields),
  KIND ("graphics", graphics_fields),
  KIND ("sound", sound_fields),
  KIND ("audio", audio_fields),
  KIND ("video", video_fields),
  KIND ("hostdev", hostdev_fields),
  KIND ("redirdev", redirdev_fields),
  KIND ("redirfilter", no_fields),
  KIND ("hub", type_fields),
  KIND ("watchdog", watchdog_fields),
  KIND ("memballoon", memballoon_fields),
  KIND ("rng", rng_fields),
  KIND ("nvram", no_fields),
  KIND ("panic", model_fields),
  KIND ("shmem", shmem_fields),
  KIND ("memory", memory_fields),
  KIND ("iommu", iommu_fields),
  KIND ("vsock", vsock_fields),
  KIND ("crypto", crypto_fields),
};

#undef KIND

const char *
hangar_device_kind_to_name (HangarDeviceKind kind)
{
  g_return_val_if_fail (kind < HANGAR_N_DEVICE_KINDS, NULL);

  return kinds[kind].name;
}

HangarDeviceKind
hangar_device_kind_from_name (const char *name)
{
  g_return_val_if_fail (name != NULL, HANGAR_DEVICE_OTHER);

  for (unsigned i = 1; i < HANGAR_N_DEVICE_KINDS; i++)
    {
      if (strcmp (kinds[i].name, name) == 0)
        return i;
    }

  return HANGAR_DEVICE_OTHER;
}

const HangarField *
hangar_device_kind_get_fields (HangarDeviceKind  kind,
                               unsigned         *n_fields)
{
  g_return_val_if_fail (kind < HANGAR_N_DEVICE_KINDS, NULL);

  /* An unknown element is opaque: it has no typed field at all. */
  if (kind == HANGAR_DEVICE_OTHER)
    {
      if (n_fields != NULL)
        *n_fields = 0;
      return no_fields;
    }

  if (n_fields != NULL)
    *n_fields = kinds[kind].n_fields;

  return kinds[kind].fields;
}

const HangarField *
hangar_device_kind_find_field (HangarDeviceKind  kind,
                               const char       *name)
{
  const HangarField *fields;
  unsigned n;

  g_return_val_if_fail (name != NULL, NULL);

  fields = hangar_device_kind_get_fields (kind, &n);
  for (unsigned i = 0; i < n; i++)
    {
      if (strcmp (fields[i].name, name) == 0)
        return &fields[i];
    }

  return NULL;
}

/* Object */

static void
hangar_device_class_init (HangarDeviceClass *klass)
{
}

static void
hangar_device_init (HangarDevice *self)
{
}

HangarDevice *
hangar_device_new (HangarDomainDoc *doc,
                   xmlNode         *node)
{
  HangarDevice *self;

  g_return_val_if_fail (HANGAR_IS_DOMAIN_DOC (doc), NULL);
  g_return_val_if_fail (node != NULL, NULL);

  self = g_object_new (HANGAR_TYPE_DEVICE, NULL);
  self->doc = doc;
  self->node = node;

  if (node->ns == NULL)
    self->kind = hangar_device_kind_from_name ((const char *) node->name);
  else
    self->kind = HANGAR_DEVICE_OTHER;

  return self;
}

xmlNode *
hangar_device_get_node (HangarDevice *self)
{
  g_return_val_if_fail (HANGAR_IS_DEVICE (self), NULL);

  return self->node;
}

void
hangar_device_detach (HangarDevice *self)
{
  g_return_if_fail (HANGAR_IS_DEVICE (self));

  self->node = NULL;
  self->doc = NULL;
}

HangarDeviceKind
hangar_device_get_kind (HangarDevice *self)
{
  g_return_val_if_fail (HANGAR_IS_DEVICE (self), HANGAR_DEVICE_OTHER);

  return self->kind;
}

gboolean
hangar_device_is_attached (HangarDevice *self)
{
  g_return_val_if_fail (HANGAR_IS_DEVICE (self), FALSE);

  return self->node != NULL;
}

const char *
hangar_device_get_element_name (HangarDevice *self)
{
  g_return_val_if_fail (HANGAR_IS_DEVICE (self), NULL);

  if (self->node == NULL)
    return NULL;

  if (self->node->ns != NULL && self->node->ns->prefix != NULL)
    return hangar_domain_doc_intern (self->doc,
                                     g_strdup_printf ("%s:%s",
                                                      self->node->ns->prefix,
                                                      self->node->name));

  return (const char *) self->node->name;
}

char *
hangar_device_dup_xml (HangarDevice *self)
{
  xmlBuffer *buffer;
  char *text;

  g_return_val_if_fail (HANGAR_IS_DEVICE (self), NULL);

  if (self->node == NULL)
    return NULL;

  buffer = xmlBufferCreate ();
  xmlNodeDump (buffer, self->node->doc, self->node, 0, 0);
  text = g_strndup ((const char *) xmlBufferContent (buffer),
                    xmlBufferLength (buffer));
  xmlBufferFree (buffer);

  return text;
}

char *
hangar_device_dup_path (HangarDevice *self)
{
  unsigned index = 1;

  g_return_val_if_fail (HANGAR_IS_DEVICE (self), NULL);

  if (self->node == NULL)
    return NULL;

  for (xmlNode *prev = self->node->prev; prev != NULL; prev = prev->prev)
    {
      if (prev->type == XML_ELEMENT_NODE &&
          xmlStrEqual (prev->name, self->node->name) &&
          prev->ns == self->node->ns)
        index++;
    }

  return g_strdup_printf ("/domain/devices/%s[%u]",
                          hangar_device_get_element_name (self), index);
}

/* Fields by name */

static const HangarField *
lookup_field (HangarDevice     *self,
              const char       *name,
              HangarFieldType   type,
              GError          **error)
{
  const HangarField *field;

  if (self->node == NULL)
    {
      g_set_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_NOT_FOUND,
                   _("The device was removed from its document"));
      return NULL;
    }

  field = hangar_device_kind_find_field (self->kind, name);
  if (field == NULL)
    {
      g_set_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_INVALID,
                   _("A %s device has no field “%s”"),
                   hangar_device_get_element_name (self), name);
      return NULL;
    }

  if (field->type != type)
    {
      g_set_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_INVALID,
                   _("The field “%s” does not hold that type of value"),
                   name);
      return NULL;
    }

  return field;
}

const char *
hangar_device_get_string (HangarDevice *self,
                          const char   *name)
{
  const HangarField *field;

  g_return_val_if_fail (HANGAR_IS_DEVICE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (self->node == NULL)
    return NULL;

  field = hangar_device_kind_find_field (self->kind, name);
  if (field == NULL || field->type == HANGAR_FIELD_FLAG)
    return NULL;

  return hangar_domain_doc_intern (self->doc,
                                   hangar_xml_path_dup_value (self->node,
                                                              field->path));
}

gboolean
hangar_device_get_uint (HangarDevice *self,
                        const char   *name,
                        guint64      *value)
{
  const char *text;
  g_autofree char *copy = NULL;

  g_return_val_if_fail (HANGAR_IS_DEVICE (self), FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  text = hangar_device_get_string (self, name);
  if (text == NULL)
    return FALSE;

  copy = g_strstrip (g_strdup (text));

  /* libvirt reads most numbers with base detection (0x10). */
  return g_ascii_string_to_unsigned (copy, 10, 0, G_MAXUINT64, value, NULL) ||
         (g_str_has_prefix (copy, "0x") &&
          g_ascii_string_to_unsigned (copy + 2, 16, 0, G_MAXUINT64, value,
                                      NULL));
}

gboolean
hangar_device_get_flag (HangarDevice *self,
                        const char   *name)
{
  const HangarField *field;

  g_return_val_if_fail (HANGAR_IS_DEVICE (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (self->node == NULL)
    return FALSE;

  field = hangar_device_kind_find_field (self->kind, name);
  if (field == NULL || field->type != HANGAR_FIELD_FLAG)
    return FALSE;

  return hangar_xml_path_exists (self->node, field->path);
}

/* libvirt refuses a per-device boot order next to <os><boot>. */
static void
remove_os_boot (HangarDevice *self)
{
  xmlNode *os = hangar_xml_find_child (xmlDocGetRootElement (self->node->doc),
                                       "os");
  xmlNode *boot;

  while ((boot = hangar_xml_find_child (os, "boot")) != NULL)
    hangar_xml_remove_node (boot);
}

static gboolean
set_value (HangarDevice      *self,
           const HangarField *field,
           const char        *value,
           GError           **error)
{
  if (self->kind == HANGAR_DEVICE_DISK && strcmp (field->name, "bus") == 0 &&
      value != NULL)
    return hangar_device_set_disk_bus (self, value, error);

  if (strcmp (field->name, "boot-order") == 0 && value != NULL)
    remove_os_boot (self);

  hangar_xml_path_set_value (self->node, field->path, value);

  return TRUE;
}

gboolean
hangar_device_set_string (HangarDevice  *self,
                          const char    *name,
                          const char    *value,
                          GError       **error)
{
  const HangarField *field;

  g_return_val_if_fail (HANGAR_IS_DEVICE (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  field = lookup_field (self, name, HANGAR_FIELD_STRING, error);
  if (field == NULL)
    return FALSE;

  return set_value (self, field, value, error);
}

gboolean
hangar_device_set_uint (HangarDevice  *self,
                        const char    *name,
                        guint64        value,
                        GError       **error)
{
  const HangarField *field;
  g_autofree char *text = NULL;

  g_return_val_if_fail (HANGAR_IS_DEVICE (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  field = lookup_field (self, name, HANGAR_FIELD_UINT, error);
  if (field == NULL)
    return FALSE;

  text = g_strdup_printf ("%" G_GUINT64_FORMAT, value);

  return set_value (self, field, text, error);
}

gboolean
hangar_device_set_flag (HangarDevice  *self,
                        const char    *name,
                        gboolean       value,
                        GError       **error)
{
  const HangarField *field;

  g_return_val_if_fail (HANGAR_IS_DEVICE (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  field = lookup_field (self, name, HANGAR_FIELD_FLAG, error);
  if (field == NULL)
    return FALSE;

  hangar_xml_path_set_present (self->node, field->path, value);

  return TRUE;
}

/* Disk bus */

typedef struct
{
  const char *bus;
  const char *prefix;
} BusPrefix;

/* The target names libvirt accepts on each bus (virDiskNameToBusDeviceIndex
 * and the drivers' checks). */
static const BusPrefix bus_prefixes[] = {
  { "virtio", "vd" },
  { "scsi", "sd" },
  { "sata", "sd" },
  { "usb", "sd" },
  { "ide", "hd" },
  { "fdc", "fd" },
  { "xen", "xvd" },
  { "sd", "sd" },
  { "nvme", "nvme" },
};

static const char *
prefix_for_bus (const char *bus)
{
  for (unsigned i = 0; i < G_N_ELEMENTS (bus_prefixes); i++)
    {
      if (strcmp (bus_prefixes[i].bus, bus) == 0)
        return bus_prefixes[i].prefix;
    }

  return NULL;
}

/* "a".."z", "aa".."zz", … as libvirt numbers disks. */
static char *
disk_suffix (unsigned index)
{
  GString *suffix = g_string_new (NULL);

  do
    {
      g_string_prepend_c (suffix, 'a' + index % 26);
      index = index / 26;
    }
  while (index-- > 0);

  return g_string_free (suffix, FALSE);
}

static gboolean
target_in_use (xmlNode    *self_node,
               const char *name)
{
  for (xmlNode *disk = self_node->parent->children; disk; disk = disk->next)
    {
      g_autofree char *dev = NULL;

      if (disk == self_node || !hangar_xml_is_element (disk, "disk"))
        continue;

      dev = hangar_xml_path_dup_value (disk, "target@dev");
      if (g_strcmp0 (dev, name) == 0)
        return TRUE;
    }

  return FALSE;
}

gboolean
hangar_device_set_disk_bus (HangarDevice  *self,
                            const char    *bus,
                            GError       **error)
{
  g_autofree char *old_bus = NULL;
  g_autofree char *dev = NULL;
  const char *prefix;
  xmlNode *address;

  g_return_val_if_fail (HANGAR_IS_DEVICE (self), FALSE);
  g_return_val_if_fail (bus != NULL && *bus != '\0', FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->node == NULL || self->kind != HANGAR_DEVICE_DISK)
    {
      g_set_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_INVALID,
                   _("Only an attached disk has a bus"));
      return FALSE;
    }

  prefix = prefix_for_bus (bus);
  if (prefix == NULL)
    {
      g_set_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_INVALID,
                   _("“%s” is not a disk bus"), bus);
      return FALSE;
    }

  old_bus = hangar_xml_path_dup_value (self->node, "target@bus");
  if (g_strcmp0 (old_bus, bus) == 0)
    return TRUE;

  hangar_xml_path_set_value (self->node, "target@bus", bus);

  /* An address is bus specific (drive, pci, usb, ccw): libvirt assigns a
   * fitting one when there is none. */
  address = hangar_xml_find_child (self->node, "address");
  if (address != NULL)
    hangar_xml_remove_node (address);

  dev = hangar_xml_path_dup_value (self->node, "target@dev");
  if (dev != NULL && g_str_has_prefix (dev, prefix) &&
      g_ascii_islower (dev[strlen (prefix)]) && !target_in_use (self->node, dev))
    return TRUE;

  for (unsigned i = 0; i < 26 * 27; i++)
    {
      g_autofree char *suffix = disk_suffix (i);
      g_autofree char *name = g_strconcat (prefix, suffix, NULL);

      if (!target_in_use (self->node, name))
        {
          hangar_xml_path_set_value (self->node, "target@dev", name);
          break;
        }
    }

  return TRUE;
}

gboolean
hangar_device_is_spice_only (HangarDevice *self)
{
  g_autofree char *type = NULL;

  g_return_val_if_fail (HANGAR_IS_DEVICE (self), FALSE);

  if (self->node == NULL)
    return FALSE;

  type = hangar_xml_dup_attr (self->node, "type");

  switch (self->kind)
    {
    case HANGAR_DEVICE_SERIAL:
    case HANGAR_DEVICE_PARALLEL:
    case HANGAR_DEVICE_CONSOLE:
    case HANGAR_DEVICE_CHANNEL:
    case HANGAR_DEVICE_REDIRDEV:
    case HANGAR_DEVICE_SMARTCARD:
      return g_strcmp0 (type, "spicevmc") == 0 ||
             g_strcmp0 (type, "spiceport") == 0;

    case HANGAR_DEVICE_AUDIO:
      return g_strcmp0 (type, "spice") == 0;

    default:
      return FALSE;
    }
}
