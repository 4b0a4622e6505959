/* hangar-xml-path.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <libxml/tree.h>

G_BEGIN_DECLS

/* Short relative paths into a libvirt element, the way the typed fields of
 * the model name what they edit:
 *
 *   "driver@cache"                 an attribute of a child
 *   "target"                       a child element (its text, or presence)
 *   "clock/timer[name=rtc]@tickpolicy"  a child told apart by an attribute
 *   "@type"                        an attribute of the element itself
 *
 * Steps match libvirt's elements only (no namespace).  Creating a path
 * puts each new element at its place in libvirt's order
 * (hangar_schema_order_for ()) with a new [attr=value] step's attribute
 * set; removing a value removes what became empty on the way, never the
 * element the path starts from. */

/* The element the path's steps lead to (ignoring a final "@attr"), or NULL
 * when one is missing.  With @create, missing steps are created. */
xmlNode  *hangar_xml_path_find        (xmlNode    *node,
                                       const char *path,
                                       gboolean    create);
/* The attribute value, or for an element path its text; NULL when the
 * attribute or element is missing, or the element holds no text but
 * other nodes. */
char     *hangar_xml_path_dup_value   (xmlNode    *node,
                                       const char *path);
/* Sets the attribute or the element's text, creating what is missing.
 * A NULL @value removes the attribute (or the element: what libvirt knows
 * of it, when it holds something of another namespace), and then any
 * element on the path left without attributes or children. */
void      hangar_xml_path_set_value   (xmlNode    *node,
                                       const char *path,
                                       const char *value);
/* Whether the element (or attribute) exists. */
gboolean  hangar_xml_path_exists      (xmlNode    *node,
                                       const char *path);
/* Creates the element (an empty one such as <readonly/>) or removes it. */
void      hangar_xml_path_set_present (xmlNode    *node,
                                       const char *path,
                                       gboolean    present);

G_END_DECLS
