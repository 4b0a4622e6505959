/* hangar-schema-order.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-schema-order"

#include "config.h"

#include <string.h>

#include "hangar-schema-order.h"

/* virDomainDefFormatInternal () in libvirt 9.0. */
const char * const hangar_schema_domain_order[] = {
  "name",
  "uuid",
  "genid",
  "title",
  "description",
  "metadata",
  "maxMemory",
  "memory",
  "currentMemory",
  "blkiotune",
  "memtune",
  "memoryBacking",
  "vcpu",
  "vcpus",
  "iothreads",
  "iothreadids",
  "defaultiothread",
  "cputune",
  "numatune",
  "resource",
  "sysinfo",
  "bootloader",
  "bootloader_args",
  "os",
  "idmap",
  "features",
  "cpu",
  "clock",
  "on_poweroff",
  "on_reboot",
  "on_crash",
  "on_lockfailure",
  "pm",
  "perf",
  "devices",
  "seclabel",
  "keywrap",
  "launchSecurity",
  NULL
};

/* The <os> of a machine or a container, as libvirt formats it. */
const char * const hangar_schema_os_order[] = {
  "type",
  "firmware",
  "init",
  "initarg",
  "initenv",
  "initdir",
  "inituser",
  "initgroup",
  "loader",
  "nvram",
  "kernel",
  "initrd",
  "cmdline",
  "shim",
  "dtb",
  "acpi",
  "boot",
  "bootmenu",
  "smbios",
  "bios",
  NULL
};

/* virCPUDefFormatBuf (), then the NUMA cells. */
const char * const hangar_schema_cpu_order[] = {
  "model",
  "vendor",
  "topology",
  "cache",
  "maxphysaddr",
  "feature",
  "numa",
  NULL
};

/* virDomainDefFormatInternal () in libvirt 9.0: the device loops. */
const char * const hangar_schema_devices_order[] = {
  "emulator",
  "disk",
  "controller",
  "lease",
  "filesystem",
  "interface",
  "smartcard",
  "serial",
  "parallel",
  "console",
  "channel",
  "input",
  "tpm",
  "graphics",
  "sound",
  "audio",
  "video",
  "hostdev",
  "redirdev",
  "redirfilter",
  "hub",
  "watchdog",
  "memballoon",
  "rng",
  "nvram",
  "panic",
  "shmem",
  "memory",
  "iommu",
  "vsock",
  "crypto",
  NULL
};

/* virDomainFeature, the order in which libvirt writes <features>. */
const char * const hangar_schema_features_order[] = {
  "acpi",
  "apic",
  "pae",
  "hap",
  "viridian",
  "privnet",
  "hyperv",
  "kvm",
  "pvspinlock",
  "capabilities",
  "pmu",
  "vmport",
  "gic",
  "smm",
  "ioapic",
  "hpt",
  "vmcoreinfo",
  "htm",
  "nested-hv",
  "msrs",
  "ccf-assist",
  "xen",
  "cfpc",
  "sbbc",
  "ibs",
  "tcg",
  "async-teardown",
  NULL
};

const char * const hangar_schema_memory_backing_order[] = {
  "hugepages",
  "nosharepages",
  "locked",
  "source",
  "access",
  "allocation",
  "discard",
  NULL
};

const char * const hangar_schema_pm_order[] = {
  "suspend-to-mem",
  "suspend-to-disk",
  NULL
};

/* virDomainFeaturesHyperVDefFormat () and the KVM features, in enum order. */
static const char * const hyperv_order[] = {
  "relaxed", "vapic", "spinlocks", "vpindex", "runtime", "synic", "stimer",
  "reset", "vendor_id", "frequencies", "reenlightenment", "tlbflush", "ipi",
  "evmcs", "avic", NULL
};

static const char * const kvm_order[] = {
  "hidden", "hint-dedicated", "poll-control", "pv-ipi", "dirty-ring", NULL
};

/* The children of single devices, as libvirt 9.0 writes them back (found
 * by defining documents on its test driver and reading them again).  Most
 * lists end with what virDomainDeviceInfoFormat () writes for every
 * device: boot, alias, master, rom, address. */
static const char * const disk_order[] = {
  "driver", "auth", "source", "backingStore", "backenddomain", "geometry",
  "blockio", "mirror", "target", "iotune", "readonly", "shareable",
  "transient", "serial", "wwn", "vendor", "product", "encryption",
  "boot", "alias", "address", NULL
};

static const char * const controller_order[] = {
  "model", "target", "driver", "alias", "master", "address", "pcihole64",
  NULL
};

static const char * const filesystem_order[] = {
  "driver", "binary", "source", "target", "idmap", "readonly",
  "space_hard_limit", "space_soft_limit", "boot", "alias", "address", NULL
};

static const char * const interface_order[] = {
  "mac", "source", "vlan", "virtualport", "ip", "route", "script",
  "downscript", "backenddomain", "bandwidth", "target", "guest", "model",
  "driver", "backend", "filterref", "tune", "teaming", "link", "mtu",
  "coalesce", "port", "boot", "alias", "rom", "address", NULL
};

/* A host device passed through as an interface names its driver (vfio)
 * right after its MAC address. */
static const char * const hostdev_interface_order[] = {
  "mac", "driver", "source", "vlan", "virtualport", "ip", "route", "target",
  "guest", "model", "backend", "filterref", "tune", "teaming", "link", "mtu",
  "coalesce", "port", "boot", "alias", "rom", "address", NULL
};

static const char * const smartcard_order[] = {
  "certificate", "database", "source", "protocol", "alias", "address", NULL
};

static const char * const chardev_order[] = {
  "source", "protocol", "log", "target", "alias", "address", NULL
};

static const char * const input_order[] = {
  "driver", "source", "alias", "address", NULL
};

static const char * const tpm_order[] = {
  "backend", "alias", "address", NULL
};

static const char * const graphics_order[] = {
  "listen", "channel", "image", "jpeg", "zlib", "playback", "streaming",
  "mouse", "clipboard", "filetransfer", "gl", "audio", NULL
};

static const char * const sound_order[] = {
  "codec", "audio", "alias", "address", NULL
};

static const char * const audio_order[] = {
  "input", "output", NULL
};

static const char * const video_order[] = {
  "driver", "model", "alias", "address", NULL
};

static const char * const video_model_order[] = {
  "acceleration", "resolution", NULL
};

static const char * const hostdev_order[] = {
  "driver", "source", "readonly", "shareable", "boot", "alias", "rom",
  "address", NULL
};

static const char * const redirdev_order[] = {
  "source", "protocol", "boot", "alias", "address", NULL
};

static const char * const memballoon_order[] = {
  "stats", "alias", "address", "driver", NULL
};

static const char * const rng_order[] = {
  "rate", "backend", "driver", "alias", "address", NULL
};

static const char * const shmem_order[] = {
  "model", "size", "server", "msi", "alias", "address", NULL
};

static const char * const memory_order[] = {
  "source", "target", "alias", "address", NULL
};

static const char * const memory_target_order[] = {
  "size", "node", "label", "block", "requested", "current", "address", NULL
};

static const char * const lease_order[] = {
  "lockspace", "key", "target", NULL
};

static const char * const crypto_order[] = {
  "backend", "alias", "address", NULL
};

static const char * const vsock_order[] = {
  "cid", "alias", "address", NULL
};

/* Devices with nothing of their own before the device information:
 * watchdog, hub, panic, nvram, iommu. */
static const char * const device_info_order[] = {
  "driver", "boot", "alias", "address", NULL
};

typedef struct
{
  const char *name;
  const char * const *order;
} ChildOrder;

static const ChildOrder device_orders[] = {
  { "disk", disk_order },
  { "controller", controller_order },
  { "lease", lease_order },
  { "filesystem", filesystem_order },
  { "interface", interface_order },
  { "smartcard", smartcard_order },
  { "serial", chardev_order },
  { "parallel", chardev_order },
  { "console", chardev_order },
  { "channel", chardev_order },
  { "input", input_order },
  { "tpm", tpm_order },
  { "graphics", graphics_order },
  { "sound", sound_order },
  { "audio", audio_order },
  { "video", video_order },
  { "hostdev", hostdev_order },
  { "redirdev", redirdev_order },
  { "memballoon", memballoon_order },
  { "rng", rng_order },
  { "shmem", shmem_order },
  { "memory", memory_order },
  { "crypto", crypto_order },
  { "vsock", vsock_order },
  { "watchdog", device_info_order },
  { "hub", device_info_order },
  { "panic", device_info_order },
  { "nvram", device_info_order },
  { "iommu", device_info_order },
};

static const ChildOrder top_orders[] = {
  { "os", hangar_schema_os_order },
  { "cpu", hangar_schema_cpu_order },
  { "devices", hangar_schema_devices_order },
  { "features", hangar_schema_features_order },
  { "memoryBacking", hangar_schema_memory_backing_order },
  { "pm", hangar_schema_pm_order },
};

static const char * const *
find_order (const ChildOrder *orders,
            gsize             n_orders,
            const char       *name)
{
  for (gsize i = 0; i < n_orders; i++)
    {
      if (strcmp (orders[i].name, name) == 0)
        return orders[i].order;
    }

  return NULL;
}

static gboolean
is_root (xmlNode *node)
{
  return node != NULL && node->parent != NULL &&
         node->parent->type == XML_DOCUMENT_NODE;
}

const char * const *
hangar_schema_order_for (xmlNode *parent)
{
  const char *name;
  xmlNode *grand;

  if (parent == NULL || parent->type != XML_ELEMENT_NODE || parent->ns != NULL)
    return NULL;

  name = (const char *) parent->name;
  grand = parent->parent;

  if (is_root (parent))
    return hangar_schema_domain_order;

  if (grand == NULL || grand->type != XML_ELEMENT_NODE || grand->ns != NULL)
    return NULL;

  if (is_root (grand))
    return find_order (top_orders, G_N_ELEMENTS (top_orders), name);

  if (xmlStrEqual (grand->name, BAD_CAST "devices") && is_root (grand->parent))
    {
      if (strcmp (name, "interface") == 0)
        {
          xmlChar *type = xmlGetNoNsProp (parent, BAD_CAST "type");
          gboolean hostdev = xmlStrEqual (type, BAD_CAST "hostdev");

          xmlFree (type);
          if (hostdev)
            return hostdev_interface_order;
        }

      return find_order (device_orders, G_N_ELEMENTS (device_orders), name);
    }

  if (xmlStrEqual (grand->name, BAD_CAST "features") && is_root (grand->parent))
    {
      if (strcmp (name, "hyperv") == 0)
        return hyperv_order;
      if (strcmp (name, "kvm") == 0)
        return kvm_order;
      return NULL;
    }

  if (strcmp (name, "model") == 0 &&
      xmlStrEqual (grand->name, BAD_CAST "video"))
    return video_model_order;

  if (strcmp (name, "target") == 0 &&
      xmlStrEqual (grand->name, BAD_CAST "memory"))
    return memory_target_order;

  return NULL;
}

int
hangar_schema_order_rank (const char * const *order,
                          const char         *name)
{
  g_return_val_if_fail (order != NULL, -1);
  g_return_val_if_fail (name != NULL, -1);

  for (int i = 0; order[i] != NULL; i++)
    {
      if (strcmp (order[i], name) == 0)
        return i;
    }

  return -1;
}
