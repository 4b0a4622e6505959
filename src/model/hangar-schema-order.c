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
