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

/* Every public call that edits the tree runs inside an edit scope;
 * listeners are told when the outermost one ends, once, and only when the
 * tree changed:
 *
 *   g_autoptr(HangarEditScope) scope = hangar_domain_doc_begin_edit (doc);
 */
typedef struct _HangarEditScope HangarEditScope;

HangarEditScope *hangar_domain_doc_begin_edit (HangarDomainDoc *self);
void          hangar_domain_doc_end_edit   (HangarEditScope *scope);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarEditScope, hangar_domain_doc_end_edit)

/* The device object of @node, an element under <devices>, made when
 * missing. */
HangarDevice *hangar_domain_doc_lookup_device (HangarDomainDoc *self,
                                               xmlNode         *node);
/* Once no SPICE <graphics> is left: removes what works only with SPICE and
 * turns <audio type='spice'> into type='none'. */
void          hangar_domain_doc_remove_spice_dependents (HangarDomainDoc *self);

HangarDeviceKind hangar_device_kind_of_node (xmlNode       *node);
gboolean      hangar_device_node_is_spice_only (xmlNode     *node);

HangarDevice *hangar_device_new            (HangarDomainDoc *doc,
                                            xmlNode         *node);
xmlNode      *hangar_device_get_node       (HangarDevice    *self);
/* Called when the element is gone: the device then refuses edits. */
void          hangar_device_detach         (HangarDevice    *self);
void          hangar_device_emit_changed   (HangarDevice    *self);

G_END_DECLS
