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

/* The children of single devices.  Each list ends with what
 * virDomainDeviceInfoFormat () writes last for every device. */
static const char * const disk_order[] = {
  "driver", "auth", "source", "backingStore", "backenddomain", "geometry",
  "blockio", "mirror", "target", "iotune", "readonly", "shareable",
  "transient", "serial", "wwn", "vendor", "product", "encryption",
  "boot", "alias", "address", NULL
};

static const char * const interface_order[] = {
  "mac", "source", "virtualport", "ip", "route", "script", "downscript",
  "backenddomain", "target", "guest", "model", "driver", "backend",
  "filterref", "tune", "teaming", "link", "mtu", "coalesce", "boot", "alias",
  "rom", "address", NULL
};

static const char * const graphics_order[] = {
  "listen", "channel", "image", "jpeg", "zlib", "playback", "streaming",
  "clipboard", "mouse", "filetransfer", "gl", "audio", NULL
};

static const char * const chardev_order[] = {
  "source", "protocol", "log", "target", "alias", "address", NULL
};

static const char * const hostdev_order[] = {
  "driver", "source", "readonly", "shareable", "boot", "alias", "rom",
  "address", NULL
};

static const char * const generic_device_order[] = {
  "driver", "source", "backend", "model", "target", "rate", "stats", "codec",
  "audio", "acceleration", "boot", "alias", "address", NULL
};

static const char * const video_order[] = {
  "driver", "model", "alias", "address", NULL
};

static const char * const video_model_order[] = {
  "acceleration", "resolution", NULL
};

const char * const *
hangar_schema_order_for (xmlNode *parent)
{
  const char *name;
  xmlNode *grand;

  if (parent == NULL || parent->type != XML_ELEMENT_NODE || parent->ns != NULL)
    return NULL;

  name = (const char *) parent->name;
  grand = parent->parent;

  if (grand != NULL && grand->type == XML_DOCUMENT_NODE)
    return hangar_schema_domain_order;

  if (grand == NULL || grand->type != XML_ELEMENT_NODE || grand->ns != NULL)
    return NULL;

  if (grand->parent != NULL && grand->parent->type == XML_DOCUMENT_NODE)
    {
      if (strcmp (name, "os") == 0)
        return hangar_schema_os_order;
      if (strcmp (name, "cpu") == 0)
        return hangar_schema_cpu_order;
      if (strcmp (name, "devices") == 0)
        return hangar_schema_devices_order;
      if (strcmp (name, "features") == 0)
        return hangar_schema_features_order;
      if (strcmp (name, "memoryBacking") == 0)
        return hangar_schema_memory_backing_order;
      if (strcmp (name, "pm") == 0)
        return hangar_schema_pm_order;
      return NULL;
    }

  if (xmlStrEqual (grand->name, BAD_CAST "devices"))
    {
      if (strcmp (name, "disk") == 0)
        return disk_order;
      if (strcmp (name, "interface") == 0)
        return interface_order;
      if (strcmp (name, "graphics") == 0)
        return graphics_order;
      if (strcmp (name, "video") == 0)
        return video_order;
      if (strcmp (name, "hostdev") == 0)
        return hostdev_order;
      if (strcmp (name, "serial") == 0 || strcmp (name, "parallel") == 0 ||
          strcmp (name, "console") == 0 || strcmp (name, "channel") == 0)
        return chardev_order;
      if (strcmp (name, "emulator") == 0)
        return NULL;
      return generic_device_order;
    }

  if (strcmp (name, "model") == 0 &&
      xmlStrEqual (grand->name, BAD_CAST "video"))
    return video_model_order;

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
