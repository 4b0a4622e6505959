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
#define RO HANGAR_FIELD_READ_ONLY
#define DEP HANGAR_FIELD_DEPENDENT
#define CHOICES(...) ((const char * const []) { __VA_ARGS__, NULL })

static const char * const on_off[] = { "on", "off", NULL };
static const char * const yes_no[] = { "yes", "no", NULL };

/* Devices with an <alias> and an <address> (virDomainDeviceInfo) have
 * these after their own. */
#define COMMON_FIELDS \
  { "alias", "alias@name", S }, \
  { "address-type", "address@type", S, 0, \
    CHOICES ("pci", "drive", "virtio-serial", "ccid", "usb", "isa", \
             "spapr-vio", "ccw", "virtio-mmio", "dimm", "unassigned") }

static const HangarField no_fields[] = {
  COMMON_FIELDS,
};

static const HangarField emulator_fields[] = {
  { "path", "", S },
};

static const char * const disk_buses[] = {
  "virtio", "sata", "scsi", "usb", "ide", "fdc", "xen", "sd", NULL
};

static const HangarField disk_fields[] = {
  { "type", "@type", S, DEP,
    CHOICES ("file", "block", "network", "volume", "nvme", "dir") },
  { "device", "@device", S, DEP, CHOICES ("disk", "cdrom", "floppy", "lun") },
  { "source-file", "source@file", S },
  { "source-dev", "source@dev", S },
  { "source-dir", "source@dir", S },
  { "source-protocol", "source@protocol", S, 0,
    CHOICES ("nbd", "iscsi", "rbd", "gluster", "http", "https", "ftp",
             "ftps", "tftp", "ssh", "nfs") },
  { "source-name", "source@name", S },
  { "source-pool", "source@pool", S },
  { "source-volume", "source@volume", S },
  { "source-mode", "source@mode", S, 0, CHOICES ("host", "direct") },
  { "source-type", "source@type", S, 0, CHOICES ("pci") },
  { "source-namespace", "source@namespace", U },
  { "source-managed", "source@managed", S, 0, yes_no },
  { "source-host", "source/host@name", S },
  { "source-port", "source/host@port", S },
  { "source-startup-policy", "source@startupPolicy", S, 0,
    CHOICES ("mandatory", "requisite", "optional") },
  { "target-dev", "target@dev", S },
  { "bus", "target@bus", S, DEP, disk_buses },
  { "tray", "target@tray", S, 0, CHOICES ("open", "closed") },
  { "driver-name", "driver@name", S, 0, CHOICES ("qemu") },
  { "driver-type", "driver@type", S, 0,
    CHOICES ("raw", "qcow2", "qed", "vmdk", "vdi", "vpc", "luks") },
  { "driver-cache", "driver@cache", S, 0,
    CHOICES ("none", "writethrough", "writeback", "directsync", "unsafe",
             "default") },
  { "driver-discard", "driver@discard", S, 0, CHOICES ("unmap", "ignore") },
  { "driver-detect-zeroes", "driver@detect_zeroes", S, 0,
    CHOICES ("off", "on", "unmap") },
  { "driver-io", "driver@io", S, 0,
    CHOICES ("threads", "native", "io_uring") },
  { "readonly", "readonly", F },
  { "shareable", "shareable", F },
  { "transient", "transient", F },
  { "serial", "serial", S },
  { "wwn", "wwn", S },
  { "vendor", "vendor", S },
  { "product", "product", S },
  { "boot-order", "boot@order", U, DEP },
  /* libvirt reports the backing chain; it does not take one for an
   * inactive definition. */
  { "backing-store-type", "backingStore@type", S, RO },
  { "backing-store-format", "backingStore/format@type", S, RO },
  { "backing-store-file", "backingStore/source@file", S, RO },
  COMMON_FIELDS,
};

static const HangarField controller_fields[] = {
  { "type", "@type", S, 0,
    CHOICES ("pci", "usb", "scsi", "sata", "ide", "fdc", "virtio-serial",
             "ccid", "xenbus", "isa") },
  { "index", "@index", U },
  { "model", "@model", S },
  { "ports", "@ports", U },
  { "vectors", "@vectors", U },
  { "driver-queues", "driver@queues", U },
  { "driver-iothread", "driver@iothread", U },
  { "target-chassis", "target@chassis", U },
  { "target-port", "target@port", S },
  COMMON_FIELDS,
};

static const HangarField lease_fields[] = {
  { "lockspace", "lockspace", S },
  { "key", "key", S },
  { "target-path", "target@path", S },
  { "target-offset", "target@offset", U },
};

static const HangarField filesystem_fields[] = {
  { "type", "@type", S, 0,
    CHOICES ("mount", "block", "file", "template", "ram", "bind",
             "volume") },
  { "accessmode", "@accessmode", S, 0,
    CHOICES ("passthrough", "mapped", "squash") },
  { "driver-type", "driver@type", S, 0,
    CHOICES ("path", "handle", "loop", "nbd", "ploop", "virtiofs") },
  { "source-dir", "source@dir", S },
  { "source-file", "source@file", S },
  { "source-socket", "source@socket", S },
  { "target-dir", "target@dir", S },
  { "readonly", "readonly", F },
  COMMON_FIELDS,
};

static const HangarField interface_fields[] = {
  { "type", "@type", S, DEP,
    CHOICES ("network", "bridge", "direct", "user", "vhostuser", "hostdev",
             "ethernet", "vdpa", "mcast", "client", "server", "udp") },
  { "mac", "mac@address", S },
  { "source-network", "source@network", S },
  { "source-portgroup", "source@portgroup", S },
  { "source-bridge", "source@bridge", S },
  { "source-dev", "source@dev", S },
  { "source-mode", "source@mode", S, 0,
    CHOICES ("vepa", "bridge", "private", "passthrough", "server",
             "client") },
  { "source-type", "source@type", S, 0, CHOICES ("unix") },
  { "source-path", "source@path", S },
  { "target-dev", "target@dev", S },
  { "model", "model@type", S, 0,
    CHOICES ("virtio", "virtio-transitional", "virtio-non-transitional",
             "e1000e", "e1000", "rtl8139", "igb", "ne2k_pci", "pcnet") },
  { "driver-name", "driver@name", S, 0,
    CHOICES ("qemu", "vhost", "vfio", "kvm") },
  { "driver-queues", "driver@queues", U },
  { "link-state", "link@state", S, 0, CHOICES ("up", "down") },
  { "mtu", "mtu@size", U },
  { "boot-order", "boot@order", U, DEP },
  COMMON_FIELDS,
};

static const HangarField smartcard_fields[] = {
  { "mode", "@mode", S, 0,
    CHOICES ("host", "host-certificates", "passthrough") },
  { "type", "@type", S, 0, CHOICES ("spicevmc", "tcp") },
  { "database", "database", S },
  COMMON_FIELDS,
};

/* serial, parallel, console and channel */
static const HangarField chardev_fields[] = {
  { "type", "@type", S, DEP,
    CHOICES ("pty", "unix", "tcp", "file", "dev", "pipe", "udp", "null",
             "stdio", "vc", "spicevmc", "spiceport", "qemu-vdagent") },
  { "source-path", "source@path", S },
  { "source-mode", "source@mode", S, 0, CHOICES ("bind", "connect") },
  { "source-host", "source@host", S },
  { "source-service", "source@service", S },
  { "source-channel", "source@channel", S },
  { "source-clipboard", "source/clipboard@copypaste", S, 0, yes_no },
  { "source-mouse-mode", "source/mouse@mode", S, 0,
    CHOICES ("client", "server") },
  { "protocol", "protocol@type", S, 0,
    CHOICES ("raw", "telnet", "telnets", "tls") },
  { "target-type", "target@type", S },
  { "target-port", "target@port", U },
  { "target-name", "target@name", S },
  { "target-model", "target/model@name", S },
  { "log-file", "log@file", S },
  COMMON_FIELDS,
};

static const HangarField input_fields[] = {
  { "type", "@type", S, 0,
    CHOICES ("tablet", "mouse", "keyboard", "passthrough", "evdev") },
  { "bus", "@bus", S, 0, CHOICES ("usb", "virtio", "ps2", "xen") },
  { "source-evdev", "source@evdev", S },
  { "source-dev", "source@dev", S },
  COMMON_FIELDS,
};

static const HangarField tpm_fields[] = {
  { "model", "@model", S, 0,
    CHOICES ("tpm-tis", "tpm-crb", "tpm-spapr", "spapr-tpm-proxy") },
  { "backend-type", "backend@type", S, 0,
    CHOICES ("emulator", "passthrough", "external") },
  { "backend-version", "backend@version", S, 0, CHOICES ("2.0", "1.2") },
  { "backend-device", "backend/device@path", S },
  COMMON_FIELDS,
};

/* Graphics have no device address. */
static const HangarField graphics_fields[] = {
  { "type", "@type", S, DEP,
    CHOICES ("spice", "vnc", "dbus", "egl-headless", "sdl", "rdp") },
  { "port", "@port", S },
  { "tls-port", "@tlsPort", S },
  { "autoport", "@autoport", S, 0, yes_no },
  { "password", "@passwd", S },
  { "keymap", "@keymap", S },
  { "listen-type", "listen@type", S, DEP,
    CHOICES ("address", "network", "socket", "none") },
  { "listen-address", "listen@address", S, DEP },
  { "listen-network", "listen@network", S, DEP },
  { "listen-socket", "listen@socket", S, DEP },
  { "gl-enable", "gl@enable", S, 0, yes_no },
  { "gl-rendernode", "gl@rendernode", S },
  /* D-Bus displays: peer to peer, or on a bus at this address. */
  { "dbus-p2p", "@p2p", S, 0, yes_no },
  { "dbus-address", "@address", S },
};

static const HangarField sound_fields[] = {
  { "model", "@model", S, 0,
    CHOICES ("ich9", "ich6", "ich7", "ac97", "es1370", "sb16", "pcspk",
             "usb") },
  { "codec", "codec@type", S, 0, CHOICES ("duplex", "micro", "output") },
  { "audio-id", "audio@id", U },
  COMMON_FIELDS,
};

/* Audio backends have no device address either. */
static const HangarField audio_fields[] = {
  { "type", "@type", S, 0,
    CHOICES ("none", "spice", "pulseaudio", "pipewire", "alsa", "sdl", "oss",
             "jack", "coreaudio", "dbus", "file") },
  { "id", "@id", U },
};

static const HangarField video_fields[] = {
  { "model", "model@type", S, 0,
    CHOICES ("virtio", "qxl", "vga", "bochs", "ramfb", "cirrus", "vmvga",
             "xen", "vbox", "gop", "none") },
  { "ram", "model@ram", U },
  { "vram", "model@vram", U },
  { "vgamem", "model@vgamem", U },
  { "heads", "model@heads", U },
  { "primary", "model@primary", S, 0, yes_no },
  { "accel3d", "model/acceleration@accel3d", S, 0, yes_no },
  { "driver-name", "driver@name", S, 0, CHOICES ("qemu", "vhostuser") },
  COMMON_FIELDS,
};

static const HangarField hostdev_fields[] = {
  { "mode", "@mode", S, 0, CHOICES ("subsystem", "capabilities") },
  { "type", "@type", S, DEP,
    CHOICES ("usb", "pci", "scsi", "scsi_host", "mdev") },
  { "managed", "@managed", S, 0, yes_no },
  { "vendor", "source/vendor@id", S },
  { "product", "source/product@id", S },
  { "source-bus", "source/address@bus", S },
  { "source-device", "source/address@device", S },
  { "source-domain", "source/address@domain", S },
  { "source-slot", "source/address@slot", S },
  { "source-function", "source/address@function", S },
  { "boot-order", "boot@order", U, DEP },
  COMMON_FIELDS,
};

static const HangarField redirdev_fields[] = {
  { "type", "@type", S, DEP, CHOICES ("spicevmc", "tcp") },
  { "bus", "@bus", S, 0, CHOICES ("usb") },
  { "source-mode", "source@mode", S, 0, CHOICES ("connect", "bind") },
  { "source-host", "source@host", S },
  { "source-service", "source@service", S },
  { "boot-order", "boot@order", U, DEP },
  COMMON_FIELDS,
};

static const HangarField watchdog_fields[] = {
  { "model", "@model", S, 0,
    CHOICES ("i6300esb", "itco", "ib700", "diag288") },
  { "action", "@action", S, 0,
    CHOICES ("reset", "shutdown", "poweroff", "pause", "none", "dump",
             "inject-nmi") },
  COMMON_FIELDS,
};

static const HangarField memballoon_fields[] = {
  { "model", "@model", S, 0,
    CHOICES ("virtio", "virtio-transitional", "virtio-non-transitional",
             "xen", "none") },
  { "autodeflate", "@autodeflate", S, 0, on_off },
  { "free-page-reporting", "@freePageReporting", S, 0, on_off },
  { "stats-period", "stats@period", U },
  COMMON_FIELDS,
};

static const HangarField rng_fields[] = {
  { "model", "@model", S, 0,
    CHOICES ("virtio", "virtio-transitional", "virtio-non-transitional") },
  { "backend-model", "backend@model", S, 0,
    CHOICES ("random", "builtin", "egd") },
  { "backend", "backend", S },
  { "rate-bytes", "rate@bytes", U },
  { "rate-period", "rate@period", U },
  COMMON_FIELDS,
};

static const HangarField panic_fields[] = {
  { "model", "@model", S, 0,
    CHOICES ("isa", "pvpanic", "hyperv", "pseries", "s390") },
  COMMON_FIELDS,
};

static const HangarField hub_fields[] = {
  { "type", "@type", S, 0, CHOICES ("usb") },
  COMMON_FIELDS,
};

static const HangarField shmem_fields[] = {
  { "name", "@name", S },
  { "model", "model@type", S, 0,
    CHOICES ("ivshmem-plain", "ivshmem-doorbell", "ivshmem") },
  { "size", "size", U },
  { "size-unit", "size@unit", S },
  { "server-path", "server@path", S },
  COMMON_FIELDS,
};

static const HangarField memory_fields[] = {
  { "model", "@model", S, 0,
    CHOICES ("dimm", "nvdimm", "virtio-pmem", "virtio-mem", "sgx-epc") },
  { "access", "@access", S, 0, CHOICES ("shared", "private") },
  { "source-path", "source/path", S },
  { "target-size", "target/size", U },
  { "target-size-unit", "target/size@unit", S },
  { "target-node", "target/node", U },
  COMMON_FIELDS,
};

static const HangarField iommu_fields[] = {
  { "model", "@model", S, 0, CHOICES ("intel", "smmuv3", "virtio") },
  { "intremap", "driver@intremap", S, 0, on_off },
  { "caching-mode", "driver@caching_mode", S, 0, on_off },
  { "iotlb", "driver@iotlb", S, 0, on_off },
  COMMON_FIELDS,
};

static const HangarField vsock_fields[] = {
  { "model", "@model", S, 0,
    CHOICES ("virtio", "virtio-transitional", "virtio-non-transitional") },
  { "cid-auto", "cid@auto", S, 0, yes_no },
  { "cid", "cid@address", U },
  COMMON_FIELDS,
};

static const HangarField crypto_fields[] = {
  { "model", "@model", S, 0, CHOICES ("virtio") },
  { "type", "@type", S, 0, CHOICES ("qemu") },
  { "backend-model", "backend@model", S, 0, CHOICES ("builtin", "lkcf") },
  { "backend-queues", "backend@queues", U },
  COMMON_FIELDS,
};

#undef S
#undef U
#undef F
#undef RO
#undef DEP
#undef CHOICES

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
  /* Its <usbdev> rules have no typed field. */
  { "redirfilter", NULL, 0 },
  KIND ("hub", hub_fields),
  KIND ("watchdog", watchdog_fields),
  KIND ("memballoon", memballoon_fields),
  KIND ("rng", rng_fields),
  KIND ("nvram", no_fields),
  KIND ("panic", panic_fields),
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

HangarDeviceKind
hangar_device_kind_of_node (xmlNode *node)
{
  if (node == NULL || node->type != XML_ELEMENT_NODE || node->ns != NULL)
    return HANGAR_DEVICE_OTHER;

  return hangar_device_kind_from_name ((const char *) node->name);
}

/* Object */

enum
{
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
hangar_device_class_init (HangarDeviceClass *klass)
{
  /**
   * HangarDevice::changed:
   *
   * Emitted once after each edit of the document that changed this
   * device's element, whether through the device's own setters or as a
   * dependent change of another edit.
   */
  signals[CHANGED] = g_signal_new ("changed",
                                   G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);
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
  self->kind = hangar_device_kind_of_node (node);

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

void
hangar_device_emit_changed (HangarDevice *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
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

static gboolean
same_namespace (xmlNode *a,
                xmlNode *b)
{
  if (a->ns == NULL || b->ns == NULL)
    return a->ns == b->ns;

  return xmlStrEqual (a->ns->href, b->ns->href);
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
          same_namespace (prev, self->node))
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

  if ((field->flags & HANGAR_FIELD_READ_ONLY) != 0)
    {
      g_set_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_INVALID,
                   _("The field “%s” is read only: libvirt reports it"),
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
  char *value;

  g_return_val_if_fail (HANGAR_IS_DEVICE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (self->node == NULL)
    return NULL;

  field = hangar_device_kind_find_field (self->kind, name);
  if (field == NULL || field->type == HANGAR_FIELD_FLAG)
    return NULL;

  value = hangar_xml_path_dup_value (self->node, field->path);

  /* libvirt also reads a graphics listen address from listen=. */
  if (value == NULL && self->kind == HANGAR_DEVICE_GRAPHICS &&
      g_str_equal (name, "listen-address") &&
      hangar_xml_find_child (self->node, "listen") == NULL)
    value = hangar_xml_dup_attr (self->node, "listen");

  return hangar_domain_doc_intern (self->doc, value);
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

/* Dependent changes */

/* Removes the children of @node named in @names (libvirt's own elements
 * only, keeping what another namespace put in them), and the attributes
 * of @node named in @attrs. */
static void
remove_known (xmlNode            *node,
              const char * const *names,
              const char * const *attrs)
{
  xmlNode *child = node->children;

  while (names != NULL && child != NULL)
    {
      xmlNode *next = child->next;

      if (child->type == XML_ELEMENT_NODE && child->ns == NULL &&
          g_strv_contains (names, (const char *) child->name))
        hangar_xml_remove_libvirt_parts (child);

      child = next;
    }

  for (unsigned i = 0; attrs != NULL && attrs[i] != NULL; i++)
    hangar_xml_unset_attr (node, attrs[i]);
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
is_q35 (xmlNode *node)
{
  xmlNode *root = xmlDocGetRootElement (node->doc);
  g_autofree char *machine = hangar_xml_path_dup_value (root,
                                                        "os/type@machine");

  return machine != NULL && (g_str_equal (machine, "q35") ||
                             g_str_has_prefix (machine, "pc-q35-"));
}

/* Children of <interface> that describe the host side of a tap, macvtap or
 * host device, which user-mode networking does not have.  libvirt refuses
 * some of them on a user interface (filterref, bandwidth) and ignores the
 * rest. */
static const char * const host_side_children[] = {
  "source", "virtualport", "bandwidth", "vlan", "target", "filterref", "tune",
  "script", "downscript", "backenddomain", "backend", "coalesce", "port",
  "ip", "route", NULL
};

/* A new interface type: what describes the old one's host side goes.
 * <source> means something else for each type. */
static void
change_interface_type (HangarDevice *self,
                       const char   *old_type,
                       const char   *type)
{
  static const char * const with_virtualport[] = {
    "network", "bridge", "direct", "hostdev", NULL
  };
  xmlNode *driver = hangar_xml_find_child (self->node, "driver");

  hangar_xml_set_attr (self->node, "type", type);

  if (g_str_equal (type, "user"))
    {
      hangar_xml_unset_attr (self->node, "trustGuestRxFilters");
      remove_known (self->node, host_side_children, NULL);

      /* Several queues need a tap device; libvirt refuses them otherwise. */
      if (driver != NULL)
        hangar_xml_unset_attr (driver, "queues");
    }
  else
    {
      remove_known (self->node, (const char * const []) { "source", NULL },
                    NULL);
      if (!g_strv_contains (with_virtualport, type))
        remove_known (self->node,
                      (const char * const []) { "virtualport", NULL }, NULL);
    }

  /* A host device's driver names its assignment backend (vfio), which is
   * no network backend. */
  if (g_strcmp0 (old_type, "hostdev") == 0)
    {
      hangar_xml_unset_attr (self->node, "managed");
      if (driver != NULL)
        hangar_xml_unset_attr (driver, "name");
    }

  if (driver != NULL && driver->properties == NULL && driver->children == NULL)
    hangar_xml_remove_node (driver);
}

/* What each graphics type has, of what libvirt knows for any of them. */
typedef struct
{
  const char *type;
  const char * const *attrs;
  const char * const *children;
} GraphicsParts;

#define LIST(...) ((const char * const []) { __VA_ARGS__, NULL })

static const GraphicsParts graphics_parts[] = {
  { "spice",
    LIST ("port", "tlsPort", "autoport", "listen", "passwd", "passwdValidTo",
          "connected", "keymap", "defaultMode"),
    LIST ("listen", "channel", "image", "jpeg", "zlib", "playback",
          "streaming", "mouse", "clipboard", "filetransfer", "gl") },
  { "vnc",
    /* connected= means other things for SPICE (disconnect, fail). */
    LIST ("port", "autoport", "websocket", "listen", "passwd",
          "passwdValidTo", "keymap", "sharePolicy", "powerControl", "socket"),
    LIST ("listen", "audio") },
  { "rdp",
    LIST ("port", "autoport", "replaceUser", "multiUser", "listen"),
    LIST ("listen") },
  { "dbus", LIST ("address", "p2p"), LIST ("gl", "audio") },
  { "egl-headless", NULL, LIST ("gl") },
  { "sdl", LIST ("display", "xauth", "fullscreen"), LIST ("gl") },
  { "desktop", LIST ("display", "fullscreen"), NULL },
};

static void
change_graphics_type (HangarDevice *self,
                      const char   *type)
{
  const GraphicsParts *keep = NULL;
  g_autoptr(GPtrArray) attrs = g_ptr_array_new ();
  g_autoptr(GPtrArray) children = g_ptr_array_new ();

  for (unsigned i = 0; i < G_N_ELEMENTS (graphics_parts); i++)
    {
      if (g_str_equal (graphics_parts[i].type, type))
        keep = &graphics_parts[i];
    }

  /* Whatever another type has and this one does not goes; what no type
   * lists (a newer libvirt's, another namespace's) stays. */
  for (unsigned i = 0; i < G_N_ELEMENTS (graphics_parts); i++)
    {
      const GraphicsParts *parts = &graphics_parts[i];

      for (unsigned j = 0; parts->attrs != NULL && parts->attrs[j]; j++)
        {
          if ((keep == NULL || keep->attrs == NULL ||
               !g_strv_contains (keep->attrs, parts->attrs[j])) &&
              !g_ptr_array_find_with_equal_func (attrs, parts->attrs[j],
                                                 g_str_equal, NULL))
            g_ptr_array_add (attrs, (gpointer) parts->attrs[j]);
        }

      for (unsigned j = 0; parts->children != NULL && parts->children[j]; j++)
        {
          if ((keep == NULL || keep->children == NULL ||
               !g_strv_contains (keep->children, parts->children[j])) &&
              !g_ptr_array_find_with_equal_func (children,
                                                 parts->children[j],
                                                 g_str_equal, NULL))
            g_ptr_array_add (children, (gpointer) parts->children[j]);
        }
    }

  g_ptr_array_add (attrs, NULL);
  g_ptr_array_add (children, NULL);

  hangar_xml_set_attr (self->node, "type", type);
  remove_known (self->node, (const char * const *) children->pdata,
                (const char * const *) attrs->pdata);

  /* Without SPICE graphics left, what works only with SPICE goes too. */
  hangar_domain_doc_remove_spice_dependents (self->doc);
}

/* The first <listen> of a graphics, set to @type with @attr = @value and
 * nothing of another type; listen= on the element follows an address, as
 * libvirt keeps both the same. */
static void
set_listen (HangarDevice *self,
            const char   *type,
            const char   *attr,
            const char   *value)
{
  static const char * const by_type[] = { "address", "network", "socket",
                                          NULL };
  xmlNode *listen = hangar_xml_find_child (self->node, "listen");

  if (listen == NULL && value == NULL && attr != NULL)
    {
      if (g_str_equal (attr, "address"))
        hangar_xml_unset_attr (self->node, "listen");
      return;
    }

  if (listen == NULL)
    listen = hangar_xml_create_child (self->node, "listen",
                                      hangar_schema_order_for (self->node));

  hangar_xml_set_attr (listen, "type", type);

  for (unsigned i = 0; by_type[i] != NULL; i++)
    {
      if (attr == NULL || !g_str_equal (by_type[i], attr))
        hangar_xml_unset_attr (listen, by_type[i]);
    }

  if (attr != NULL && value != NULL)
    hangar_xml_set_attr (listen, attr, value);
  else if (attr != NULL)
    hangar_xml_unset_attr (listen, attr);

  if (g_str_equal (type, "address") && value != NULL &&
      xmlHasNsProp (self->node, BAD_CAST "listen", NULL) != NULL)
    hangar_xml_set_attr (self->node, "listen", value);
  else
    hangar_xml_unset_attr (self->node, "listen");
}

static gboolean
set_graphics_value (HangarDevice       *self,
                    const HangarField  *field,
                    const char         *value,
                    GError            **error)
{
  const char *name = field->name;

  if (g_str_equal (name, "type"))
    {
      if (value == NULL)
        {
          g_set_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_INVALID,
                       _("A graphics device always has a type"));
          return FALSE;
        }
      change_graphics_type (self, value);
      return TRUE;
    }

  if (g_str_equal (name, "listen-type"))
    {
      if (value == NULL)
        {
          /* No listening settings at all: libvirt's defaults. */
          remove_known (self->node,
                        (const char * const []) { "listen", NULL },
                        (const char * const []) { "listen", NULL });
        }
      else
        {
          g_autofree char *old = hangar_xml_path_dup_value (self->node,
                                                            "listen@type");

          /* The same type keeps its value. */
          if (g_strcmp0 (old, value) == 0)
            return TRUE;
          set_listen (self, value, NULL, NULL);
        }
      return TRUE;
    }

  /* "listen-address", "listen-network", "listen-socket" */
  set_listen (self, name + strlen ("listen-"), name + strlen ("listen-"),
              value);

  return TRUE;
}

/* libvirt's checks of a disk's bus, in its words. */
static gboolean
check_disk_bus (xmlNode     *node,
                const char  *device,
                const char  *bus,
                GError     **error)
{
  if (!g_strv_contains (disk_buses, bus))
    {
      g_set_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_INVALID,
                   _("“%s” is not a disk bus"), bus);
      return FALSE;
    }

  if ((g_strcmp0 (device, "floppy") == 0) != g_str_equal (bus, "fdc"))
    {
      g_set_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_INVALID,
                   _("Floppy disks and only they use the floppy controller "
                     "(bus “fdc”)"));
      return FALSE;
    }

  if (g_strcmp0 (device, "cdrom") == 0 &&
      (g_str_equal (bus, "virtio") || g_str_equal (bus, "sd")))
    {
      g_set_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_INVALID,
                   _("A CD-ROM needs a bus with removable media: SATA, "
                     "SCSI, USB or IDE, not “%s”"), bus);
      return FALSE;
    }

  if (g_strcmp0 (device, "lun") == 0 &&
      !g_str_equal (bus, "virtio") && !g_str_equal (bus, "scsi"))
    {
      g_set_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_INVALID,
                   _("A LUN passed through is on a VirtIO or SCSI bus only"));
      return FALSE;
    }

  if (g_str_equal (bus, "ide") && is_q35 (node))
    {
      g_set_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_INVALID,
                   _("The Q35 machine has no IDE controller: use SATA"));
      return FALSE;
    }

  return TRUE;
}

typedef struct
{
  const char *bus;
  const char *prefix;
} BusPrefix;

/* The target names libvirt expects on each bus (virDiskNameToBusDeviceIndex
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

/* Writes @bus and what libvirt refuses on it goes: the old address, and
 * settings only some buses have. */
static void
write_disk_bus (xmlNode    *node,
                const char *bus)
{
  static const char * const virtio_driver_attrs[] = {
    "queues", "queue_size", "iothread", "ats", "packed", "iommu",
    "page_per_vq", "event_idx", "ioeventfd", NULL
  };
  g_autofree char *dev = NULL;
  const char *prefix = prefix_for_bus (bus);
  xmlNode *target;
  xmlNode *driver;

  target = hangar_xml_path_find (node, "target", TRUE);
  hangar_xml_set_attr (target, "bus", bus);

  /* An address is bus specific (drive, pci, usb, ccw): libvirt assigns a
   * fitting one when there is none. */
  remove_known (node, (const char * const []) { "address", NULL }, NULL);

  if (!g_str_equal (bus, "usb"))
    hangar_xml_unset_attr (target, "removable");
  if (!g_str_equal (bus, "scsi") && !g_str_equal (bus, "ide") &&
      !g_str_equal (bus, "sata"))
    hangar_xml_unset_attr (target, "rotation_rate");
  if (!g_str_equal (bus, "scsi") && !g_str_equal (bus, "ide"))
    remove_known (node, (const char * const []) { "wwn", NULL }, NULL);
  if (!g_str_equal (bus, "scsi"))
    remove_known (node, (const char * const []) { "vendor", "product", NULL },
                  NULL);

  /* A BIOS translation of the geometry is IDE's. */
  if (!g_str_equal (bus, "ide"))
    {
      xmlNode *geometry = hangar_xml_find_child (node, "geometry");

      if (geometry != NULL)
        hangar_xml_unset_attr (geometry, "trans");
    }

  driver = hangar_xml_find_child (node, "driver");
  if (driver != NULL && !g_str_equal (bus, "virtio"))
    remove_known (driver, (const char * const []) { "iothreads", NULL },
                  virtio_driver_attrs);

  dev = hangar_xml_dup_attr (target, "dev");
  if (dev != NULL && g_str_has_prefix (dev, prefix) &&
      g_ascii_islower (dev[strlen (prefix)]) && !target_in_use (node, dev))
    return;

  for (unsigned i = 0; i < 26 * 27; i++)
    {
      g_autofree char *suffix = disk_suffix (i);
      g_autofree char *name = g_strconcat (prefix, suffix, NULL);

      if (!target_in_use (node, name))
        {
          hangar_xml_set_attr (target, "dev", name);
          break;
        }
    }
}

/* The bus a disk of @device moves to when its own cannot carry it. */
static const char *
fitting_bus (xmlNode    *node,
             const char *device,
             const char *bus)
{
  if (g_str_equal (device, "floppy"))
    return "fdc";

  if (g_str_equal (device, "lun"))
    return g_strcmp0 (bus, "virtio") == 0 ? "virtio" : "scsi";

  if (g_str_equal (device, "cdrom") &&
      (bus == NULL || g_str_equal (bus, "virtio") || g_str_equal (bus, "sd") ||
       g_str_equal (bus, "fdc")))
    return is_q35 (node) ? "sata" : "ide";

  if (g_strcmp0 (bus, "fdc") == 0)
    return "virtio";

  return bus;
}

static gboolean
set_disk_value (HangarDevice       *self,
                const HangarField  *field,
                const char         *value,
                GError            **error)
{
  g_autofree char *old = NULL;

  if (g_str_equal (field->name, "bus"))
    {
      if (value == NULL)
        {
          g_set_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_INVALID,
                       _("Choose a bus for the disk"));
          return FALSE;
        }
      return hangar_device_set_disk_bus (self, value, error);
    }

  old = hangar_xml_path_dup_value (self->node, field->path);
  if (value == NULL || g_strcmp0 (old, value) == 0)
    {
      hangar_xml_path_set_value (self->node, field->path, value);
      return TRUE;
    }

  if (g_str_equal (field->name, "type"))
    {
      /* The source's attributes are per type (file=, dev=, protocol=…),
       * and the backing chain was the old source's. */
      hangar_xml_set_attr (self->node, "type", value);
      remove_known (self->node,
                    (const char * const []) { "source", "backingStore",
                                              NULL }, NULL);
      return TRUE;
    }

  /* "device" */
  {
    g_autofree char *bus = hangar_xml_path_dup_value (self->node,
                                                      "target@bus");
    const char *fitting = fitting_bus (self->node, value, bus);

    hangar_xml_set_attr (self->node, "device", value);
    if (fitting != NULL && g_strcmp0 (fitting, bus) != 0)
      write_disk_bus (self->node, fitting);
  }

  return TRUE;
}

/* serial, parallel, console, channel, redirdev, hostdev: the source and
 * what goes with it are per type. */
static void
change_source_type (HangarDevice *self,
                    const char   *type)
{
  static const char * const per_type[] = { "source", "protocol", NULL };

  hangar_xml_set_attr (self->node, "type", type);
  remove_known (self->node, per_type, NULL);

  /* A host device's guest address is of its own bus (usb, pci). */
  if (self->kind == HANGAR_DEVICE_HOSTDEV)
    remove_known (self->node, (const char * const []) { "address", NULL },
                  NULL);
}

/* Every typed edit of a device goes through here. */
static gboolean
set_value (HangarDevice       *self,
           const HangarField  *field,
           const char         *value,
           GError            **error)
{
  g_autoptr(HangarEditScope) scope = hangar_domain_doc_begin_edit (self->doc);
  gboolean is_type = g_str_equal (field->name, "type");

  /* The element's own text: without it the element means nothing. */
  if (*field->path == '\0' && value == NULL)
    {
      g_set_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_INVALID,
                   _("The <%s> element cannot be left empty: remove the "
                     "device instead"), hangar_device_get_element_name (self));
      return FALSE;
    }

  if (g_str_equal (field->name, "boot-order") && value != NULL)
    remove_os_boot (self);

  switch (self->kind)
    {
    case HANGAR_DEVICE_DISK:
      if (is_type || g_str_equal (field->name, "bus") ||
          g_str_equal (field->name, "device"))
        return set_disk_value (self, field, value, error);
      break;

    case HANGAR_DEVICE_GRAPHICS:
      if ((field->flags & HANGAR_FIELD_DEPENDENT) != 0)
        return set_graphics_value (self, field, value, error);
      break;

    case HANGAR_DEVICE_INTERFACE:
    case HANGAR_DEVICE_SERIAL:
    case HANGAR_DEVICE_PARALLEL:
    case HANGAR_DEVICE_CONSOLE:
    case HANGAR_DEVICE_CHANNEL:
    case HANGAR_DEVICE_HOSTDEV:
    case HANGAR_DEVICE_REDIRDEV:
      if (is_type)
        {
          g_autofree char *old = hangar_xml_dup_attr (self->node, "type");

          if (value == NULL)
            {
              g_set_error (error, HANGAR_MODEL_ERROR,
                           HANGAR_MODEL_ERROR_INVALID,
                           _("A %s device always has a type"),
                           hangar_device_get_element_name (self));
              return FALSE;
            }

          if (g_strcmp0 (old, value) == 0)
            return TRUE;

          if (self->kind == HANGAR_DEVICE_INTERFACE)
            change_interface_type (self, old, value);
          else
            change_source_type (self, value);
          return TRUE;
        }
      break;

    default:
      break;
    }

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
hangar_device_unset (HangarDevice  *self,
                     const char    *name,
                     GError       **error)
{
  const HangarField *field;

  g_return_val_if_fail (HANGAR_IS_DEVICE (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  field = hangar_device_kind_find_field (self->kind, name);
  field = lookup_field (self, name,
                        field != NULL ? field->type : HANGAR_FIELD_STRING,
                        error);
  if (field == NULL)
    return FALSE;

  if (field->type == HANGAR_FIELD_FLAG)
    return hangar_device_set_flag (self, name, FALSE, error);

  return set_value (self, field, NULL, error);
}

gboolean
hangar_device_set_flag (HangarDevice  *self,
                        const char    *name,
                        gboolean       value,
                        GError       **error)
{
  g_autoptr(HangarEditScope) scope = NULL;
  const HangarField *field;

  g_return_val_if_fail (HANGAR_IS_DEVICE (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  field = lookup_field (self, name, HANGAR_FIELD_FLAG, error);
  if (field == NULL)
    return FALSE;

  scope = hangar_domain_doc_begin_edit (self->doc);
  hangar_xml_path_set_present (self->node, field->path, value);

  return TRUE;
}

gboolean
hangar_device_set_disk_bus (HangarDevice  *self,
                            const char    *bus,
                            GError       **error)
{
  g_autoptr(HangarEditScope) scope = NULL;
  g_autofree char *old_bus = NULL;
  g_autofree char *device = NULL;

  g_return_val_if_fail (HANGAR_IS_DEVICE (self), FALSE);
  g_return_val_if_fail (bus != NULL && *bus != '\0', FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->node == NULL || self->kind != HANGAR_DEVICE_DISK)
    {
      g_set_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_INVALID,
                   _("Only an attached disk has a bus"));
      return FALSE;
    }

  old_bus = hangar_xml_path_dup_value (self->node, "target@bus");
  if (g_strcmp0 (old_bus, bus) == 0)
    return TRUE;

  device = hangar_xml_dup_attr (self->node, "device");
  if (!check_disk_bus (self->node, device != NULL ? device : "disk", bus,
                       error))
    return FALSE;

  scope = hangar_domain_doc_begin_edit (self->doc);
  write_disk_bus (self->node, bus);

  return TRUE;
}

gboolean
hangar_device_node_is_spice_only (xmlNode *node)
{
  g_autofree char *type = hangar_xml_dup_attr (node, "type");

  switch (hangar_device_kind_of_node (node))
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

gboolean
hangar_device_is_spice_only (HangarDevice *self)
{
  g_return_val_if_fail (HANGAR_IS_DEVICE (self), FALSE);

  if (self->node == NULL)
    return FALSE;

  return hangar_device_node_is_spice_only (self->node);
}
