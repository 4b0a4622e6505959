/* hangar-xml-tree.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <libxml/tree.h>

G_BEGIN_DECLS

/* Small editing helpers on a libxml2 tree, shared by every part of the
 * domain model.  libvirt's own elements and attributes have no namespace:
 * these helpers only ever match those, so an element of a foreign namespace
 * that happens to share a name ("<foo:memory>") is never taken for libvirt's.
 *
 * Edits keep the document's layout: a new element is indented like its
 * siblings, a removed one takes its leading whitespace with it. */

gboolean  hangar_xml_is_element        (xmlNode            *node,
                                        const char         *name);
xmlNode  *hangar_xml_find_child        (xmlNode            *parent,
                                        const char         *name);
xmlNode  *hangar_xml_find_nth_child    (xmlNode            *parent,
                                        const char         *name,
                                        unsigned            index);
unsigned  hangar_xml_count_children    (xmlNode            *parent,
                                        const char         *name);

/* A new, empty element @name in @parent, placed where @order puts it:
 * right after the last listed sibling that comes before it in @order (after
 * others of its own name), or before the first listed sibling.  Where the
 * document is already out of order, the place that leaves the fewest listed
 * siblings on the wrong side.  Without listed siblings, or when @order does
 * not list @name, after the last element.  Unlisted siblings (other
 * namespaces, unknown elements) keep their place and do not count. */
xmlNode  *hangar_xml_create_child      (xmlNode            *parent,
                                        const char         *name,
                                        const char * const *order);
/* The first child @name of @parent, created as above when missing. */
xmlNode  *hangar_xml_find_or_create_child (xmlNode            *parent,
                                           const char         *name,
                                           const char * const *order);
/* Unlinks and frees @node and the whitespace that indents it. */
void      hangar_xml_remove_node       (xmlNode            *node);
/* Whether @node holds what libvirt does not know: an attribute or an
 * element of another namespace, or a comment, at any depth. */
gboolean  hangar_xml_has_foreign       (xmlNode            *node);
/* Removes what libvirt knows of @node: the whole element, or where it
 * holds something foreign, its libvirt attributes, text and elements
 * only, so that the foreign part stays where it was. */
void      hangar_xml_remove_libvirt_parts (xmlNode         *node);
/* Whether @node is a device: an element right under the root's <devices>. */
gboolean  hangar_xml_is_device         (xmlNode            *node);

/* Attributes without a namespace.  dup_attr returns NULL when the
 * attribute is missing. */
char     *hangar_xml_dup_attr          (xmlNode            *node,
                                        const char         *name);
void      hangar_xml_set_attr          (xmlNode            *node,
                                        const char         *name,
                                        const char         *value);
void      hangar_xml_unset_attr        (xmlNode            *node,
                                        const char         *name);

/* The text directly inside @node (comments and child elements left out),
 * and its replacement: other children such as comments stay in place. */
char     *hangar_xml_dup_text          (xmlNode            *node);
void      hangar_xml_set_text          (xmlNode            *node,
                                        const char         *text);

/* Change tracking.  A document's owner may hang a HangarXmlChanges on
 * xmlDoc._private; every helper above that modifies the tree then counts
 * the change and records the devices it touched, so that the owner can
 * tell its listeners after an edit without comparing trees.  Code that
 * edits a tree with libxml2 directly calls hangar_xml_note_change (). */
typedef struct
{
  guint64     serial;         /* bumped by every change */
  GHashTable *touched;        /* device elements changed inside (a set) */
  gboolean    devices_moved;  /* a device was added or removed */
  /* Called before a device element is freed, with @user_data. */
  void      (*device_removed) (xmlNode  *device,
                               gpointer  user_data);
  gpointer    user_data;
} HangarXmlChanges;

/* Records a change of @node's attributes or text, or with @added set the
 * addition of that new child of @node (once it is linked). */
void      hangar_xml_note_change       (xmlNode            *node,
                                        xmlNode            *added);
/* Records that @node is about to be unlinked and freed. */
void      hangar_xml_note_removal      (xmlNode            *node);

G_END_DECLS
