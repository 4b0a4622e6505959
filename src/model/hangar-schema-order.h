/* hangar-schema-order.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <libxml/tree.h>

G_BEGIN_DECLS

/* The order in which libvirt writes the children of an element, as
 * NULL-terminated lists of element names.  New elements are inserted at
 * their place in these lists, so that Hangar's output reads like libvirt's.
 * Elements of other namespaces are never listed: they stay where they are. */
extern const char * const hangar_schema_domain_order[];
extern const char * const hangar_schema_os_order[];
extern const char * const hangar_schema_cpu_order[];
/* The children of <devices>, as virDomainDefFormatInternal () writes them. */
extern const char * const hangar_schema_devices_order[];
extern const char * const hangar_schema_features_order[];
extern const char * const hangar_schema_memory_backing_order[];
extern const char * const hangar_schema_pm_order[];

/* The rank of @name in @order, or -1 when @order does not list it. */
int hangar_schema_order_rank (const char * const *order,
                              const char         *name);

/* The order for the children of @parent, found from its name and, for a
 * device, from its place under <devices>; NULL when none is known (new
 * children then go after the last element). */
const char * const *hangar_schema_order_for (xmlNode *parent);

G_END_DECLS
