/* hangar-model-private.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libxml/tree.h>

#include "hangar-device.h"
#include "hangar-domain-doc.h"

G_BEGIN_DECLS

/* Shared between the classes of src/model/ only. */

/* Takes @value and returns a copy that lives as long as @self. */
const char   *hangar_domain_doc_intern     (HangarDomainDoc *self,
                                            char            *value);
xmlNode      *hangar_domain_doc_get_root   (HangarDomainDoc *self);
xmlDoc       *hangar_domain_doc_get_xml    (HangarDomainDoc *self);

HangarDevice *hangar_device_new            (HangarDomainDoc *doc,
                                            xmlNode         *node);
xmlNode      *hangar_device_get_node       (HangarDevice    *self);
/* Called when the element is gone: the device then refuses edits. */
void          hangar_device_detach         (HangarDevice    *self);

G_END_DECLS
