/* hangar-xml-diff.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <libxml/tree.h>

G_BEGIN_DECLS

/* Comparing two libvirt definitions element by element, for the sync
 * layer only.  Whitespace between elements and comments never count;
 * attribute order never counts. */

typedef enum
{
  HANGAR_XML_CHANGE_MODIFIED,  /* its own attributes or text differ */
  HANGAR_XML_CHANGE_ADDED,
  HANGAR_XML_CHANGE_REMOVED,
} HangarXmlChangeKind;

typedef struct
{
  HangarXmlChangeKind  kind;
  char                *path;      /* "/domain/devices/disk[2]/source" */
  xmlNode             *old_node;  /* in the first tree; NULL when added */
  xmlNode             *new_node;  /* in the second tree; NULL when removed */
} HangarXmlChange;

/* Parses libvirt's XML without the whitespace between elements. */
xmlDoc    *hangar_xml_diff_parse     (const char  *xml,
                                      GError     **error);
/* Whether both documents are the same in canonical form (C14N 1.0,
 * comments left out). */
gboolean   hangar_xml_diff_equal     (xmlDoc      *a,
                                      xmlDoc      *b);
/* What differs from @a to @b, in document order, as HangarXmlChange items
 * (free func set).  Elements are paired by name and position among their
 * siblings of that name.  The nodes are borrowed from both trees. */
GPtrArray *hangar_xml_diff           (xmlNode     *a,
                                      xmlNode     *b);
/* The changed paths alone, as strings (free func set). */
GPtrArray *hangar_xml_diff_paths     (GPtrArray   *changes);
/* The element under <devices> that @node is in (or is), or NULL. */
xmlNode   *hangar_xml_diff_device_of (xmlNode     *node);
/* The element at the same place in the tree of @other_root as @node in
 * its own (same names and positions from the root down), or NULL. */
xmlNode   *hangar_xml_diff_counterpart (xmlNode   *node,
                                        xmlNode   *other_root);
/* Whether every attribute and the text of @wanted, and with @deep those of
 * its descendants, are in @node with the same values (sizes compared in
 * bytes whatever their unit).  When not, @detail (may be NULL) says what
 * differs first. */
gboolean   hangar_xml_diff_contains  (xmlNode     *node,
                                      xmlNode     *wanted,
                                      gboolean     deep,
                                      char       **detail);
char      *hangar_xml_diff_node_to_string (xmlNode *node);

G_END_DECLS
