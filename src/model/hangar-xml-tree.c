/* hangar-xml-tree.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-xml-tree"

#include "config.h"

#include <string.h>

#include "hangar-schema-order.h"
#include "hangar-xml-tree.h"

gboolean
hangar_xml_is_element (xmlNode    *node,
                       const char *name)
{
  return node != NULL &&
         node->type == XML_ELEMENT_NODE &&
         node->ns == NULL &&
         xmlStrEqual (node->name, BAD_CAST name);
}

xmlNode *
hangar_xml_find_nth_child (xmlNode    *parent,
                           const char *name,
                           unsigned    index)
{
  g_return_val_if_fail (name != NULL, NULL);

  if (parent == NULL)
    return NULL;

  for (xmlNode *child = parent->children; child != NULL; child = child->next)
    {
      if (hangar_xml_is_element (child, name))
        {
          if (index == 0)
            return child;
          index--;
        }
    }

  return NULL;
}

xmlNode *
hangar_xml_find_child (xmlNode    *parent,
                       const char *name)
{
  return hangar_xml_find_nth_child (parent, name, 0);
}

unsigned
hangar_xml_count_children (xmlNode    *parent,
                           const char *name)
{
  unsigned count = 0;

  g_return_val_if_fail (name != NULL, 0);

  if (parent == NULL)
    return 0;

  for (xmlNode *child = parent->children; child != NULL; child = child->next)
    {
      if (hangar_xml_is_element (child, name))
        count++;
    }

  return count;
}

/* Change tracking */

gboolean
hangar_xml_is_device (xmlNode *node)
{
  xmlNode *parent;

  if (node == NULL || node->type != XML_ELEMENT_NODE)
    return FALSE;

  parent = node->parent;

  return hangar_xml_is_element (parent, "devices") &&
         parent->parent != NULL &&
         parent->parent->type == XML_ELEMENT_NODE &&
         parent->parent->parent != NULL &&
         parent->parent->parent->type == XML_DOCUMENT_NODE;
}

static HangarXmlChanges *
changes_of (xmlNode *node)
{
  if (node == NULL || node->doc == NULL)
    return NULL;

  return node->doc->_private;
}

/* The device @node is in, or is; NULL outside <devices>. */
static xmlNode *
device_of (xmlNode *node)
{
  for (; node != NULL && node->type == XML_ELEMENT_NODE; node = node->parent)
    {
      if (hangar_xml_is_device (node))
        return node;
    }

  return NULL;
}

/* Whether @node is the root's <devices>. */
static gboolean
is_devices (xmlNode *node)
{
  return hangar_xml_is_element (node, "devices") &&
         node->parent != NULL &&
         node->parent->type == XML_ELEMENT_NODE &&
         node->parent->parent != NULL &&
         node->parent->parent->type == XML_DOCUMENT_NODE;
}

void
hangar_xml_note_change (xmlNode *node,
                        xmlNode *added)
{
  HangarXmlChanges *changes = changes_of (node);
  xmlNode *device;

  if (changes == NULL)
    return;

  changes->serial++;

  if (added != NULL && (hangar_xml_is_device (added) || is_devices (added)))
    {
      changes->devices_moved = TRUE;
      return;
    }

  device = device_of (node);
  if (device != NULL && changes->touched != NULL)
    g_hash_table_add (changes->touched, device);
}

void
hangar_xml_note_removal (xmlNode *node)
{
  HangarXmlChanges *changes = changes_of (node);

  if (changes == NULL)
    return;

  changes->serial++;

  if (is_devices (node))
    {
      for (xmlNode *child = node->children; child != NULL; child = child->next)
        {
          if (child->type == XML_ELEMENT_NODE)
            hangar_xml_note_removal (child);
        }
      changes->devices_moved = TRUE;
      return;
    }

  if (hangar_xml_is_device (node))
    {
      changes->devices_moved = TRUE;
      if (changes->touched != NULL)
        g_hash_table_remove (changes->touched, node);
      if (changes->device_removed != NULL)
        changes->device_removed (node, changes->user_data);
      return;
    }

  hangar_xml_note_change (node->parent, NULL);
}

/* The whitespace-only text node right before @node, or NULL. */
static xmlNode *
leading_space (xmlNode *node)
{
  xmlNode *prev = node->prev;

  if (prev != NULL && prev->type == XML_TEXT_NODE && xmlIsBlankNode (prev))
    return prev;

  return NULL;
}

/* What goes before a sibling written like the one @space indents: a line
 * break and the indentation of the last line, so a blank line above one
 * element is not copied to the next. */
static char *
separator_from (xmlNode *space)
{
  const char *text = (const char *) space->content;
  const char *newline;

  if (text == NULL)
    return g_strdup ("");

  newline = strrchr (text, '\n');

  return g_strdup (newline != NULL ? newline : text);
}

/* The line break and indentation before @element, or NULL when the
 * document does not put it on a line of its own. */
static char *
element_separator (xmlNode *element)
{
  xmlNode *space;

  if (element->parent == NULL || element->parent->type != XML_ELEMENT_NODE)
    return g_strdup ("\n");

  space = leading_space (element);
  if (space == NULL || strchr ((const char *) space->content, '\n') == NULL)
    return NULL;

  return separator_from (space);
}

/* The document's indentation step, as seen between @parent and its own
 * parent; two spaces when nothing tells. */
static char *
guess_indent_unit (xmlNode    *parent,
                   const char *parent_separator)
{
  if (parent->parent != NULL && parent->parent->type == XML_ELEMENT_NODE)
    {
      g_autofree char *outer = element_separator (parent->parent);

      if (outer != NULL &&
          g_str_has_prefix (parent_separator, outer) &&
          strlen (parent_separator) > strlen (outer))
        return g_strdup (parent_separator + strlen (outer));
    }

  return g_strdup ("  ");
}

static xmlNode *
new_text (xmlNode    *context,
          const char *text)
{
  return xmlNewDocText (context->doc, BAD_CAST text);
}

static void
insert_after (xmlNode *sibling,
              xmlNode *node)
{
  xmlNode *space = leading_space (sibling);

  xmlAddNextSibling (sibling, node);

  if (space != NULL)
    {
      g_autofree char *separator = separator_from (space);

      xmlAddNextSibling (sibling, new_text (sibling, separator));
    }
}

static void
insert_before (xmlNode *sibling,
               xmlNode *node)
{
  xmlNode *space = leading_space (sibling);

  xmlAddPrevSibling (sibling, node);

  if (space != NULL)
    {
      g_autofree char *separator = separator_from (space);

      xmlAddPrevSibling (sibling, new_text (sibling, separator));
    }
}

/* @parent has no element child to take the layout from: indent one step
 * more than @parent itself, and put its end tag back on its own line. */
static void
insert_first_element (xmlNode *parent,
                      xmlNode *node)
{
  g_autofree char *parent_separator = element_separator (parent);
  g_autofree char *unit = NULL;
  g_autofree char *child_separator = NULL;
  xmlNode *last = parent->last;

  if (parent_separator == NULL)
    {
      xmlAddChild (parent, node);
      return;
    }

  unit = guess_indent_unit (parent, parent_separator);
  child_separator = g_strconcat (parent_separator, unit, NULL);

  if (last != NULL && last->type == XML_TEXT_NODE && xmlIsBlankNode (last))
    {
      xmlAddPrevSibling (last, node);
      xmlAddPrevSibling (node, new_text (parent, child_separator));
    }
  else
    {
      xmlAddChild (parent, new_text (parent, child_separator));
      xmlAddChild (parent, node);
      xmlAddChild (parent, new_text (parent, parent_separator));
    }
}

/* Element names are interned in the document's dictionary: a few
 * pointers remembered spare comparing each sibling's name with the whole
 * order list in a long <devices>. */
typedef struct
{
  const xmlChar *names[16];
  int ranks[16];
  unsigned n;
} RankCache;

static int
cached_rank (RankCache          *cache,
             const char * const *order,
             xmlNode            *node)
{
  int rank;

  for (unsigned i = 0; i < cache->n; i++)
    {
      if (cache->names[i] == node->name)
        return cache->ranks[i];
    }

  rank = hangar_schema_order_rank (order, (const char *) node->name);
  if (cache->n < G_N_ELEMENTS (cache->names))
    {
      cache->names[cache->n] = node->name;
      cache->ranks[cache->n] = rank;
      cache->n++;
    }

  return rank;
}

/* Where a new element of @rank goes among @parent's children: after the
 * returned listed sibling, or before the first listed one when the result
 * is NULL and @first_listed is set.  In a document already in libvirt's
 * order that is its exact place.  In one that is not, it is the place that
 * puts the fewest listed siblings on the wrong side of it; of equal places
 * the last, so that a new element follows others of its name. */
static xmlNode *
find_anchor (xmlNode            *parent,
             int                 rank,
             const char * const *order,
             xmlNode           **first_listed)
{
  xmlNode *anchor = NULL;
  RankCache cache = { { NULL, }, { 0, }, 0 };
  unsigned cost = 0;
  unsigned best;

  *first_listed = NULL;

  /* The cost of putting it before every listed sibling. */
  for (xmlNode *child = parent->children; child != NULL; child = child->next)
    {
      int child_rank;

      if (child->type != XML_ELEMENT_NODE || child->ns != NULL)
        continue;

      child_rank = cached_rank (&cache, order, child);
      if (child_rank < 0)
        continue;

      if (*first_listed == NULL)
        *first_listed = child;
      if (child_rank < rank)
        cost++;
    }

  best = cost;

  /* Moving past each listed sibling in turn. */
  for (xmlNode *child = parent->children; child != NULL; child = child->next)
    {
      int child_rank;

      if (child->type != XML_ELEMENT_NODE || child->ns != NULL)
        continue;

      child_rank = cached_rank (&cache, order, child);
      if (child_rank < 0)
        continue;

      if (child_rank < rank)
        cost--;
      else if (child_rank > rank)
        cost++;

      if (cost <= best)
        {
          best = cost;
          anchor = child;
        }
    }

  return anchor;
}

xmlNode *
hangar_xml_create_child (xmlNode            *parent,
                         const char         *name,
                         const char * const *order)
{
  xmlNode *node;
  xmlNode *after = NULL;
  xmlNode *before = NULL;
  xmlNode *last_element = NULL;
  int rank = -1;

  g_return_val_if_fail (parent != NULL, NULL);
  g_return_val_if_fail (parent->type == XML_ELEMENT_NODE, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (order != NULL)
    rank = hangar_schema_order_rank (order, name);

  if (rank >= 0)
    after = find_anchor (parent, rank, order, &before);

  for (xmlNode *child = parent->children; child != NULL; child = child->next)
    {
      if (child->type == XML_ELEMENT_NODE)
        last_element = child;
    }

  node = xmlNewDocNode (parent->doc, NULL, BAD_CAST name, NULL);

  if (after != NULL)
    insert_after (after, node);
  else if (before != NULL)
    insert_before (before, node);
  else if (last_element != NULL)
    insert_after (last_element, node);
  else
    insert_first_element (parent, node);

  hangar_xml_note_change (parent, node);

  return node;
}

xmlNode *
hangar_xml_find_or_create_child (xmlNode            *parent,
                                 const char         *name,
                                 const char * const *order)
{
  xmlNode *child;

  g_return_val_if_fail (parent != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  child = hangar_xml_find_child (parent, name);
  if (child != NULL)
    return child;

  return hangar_xml_create_child (parent, name, order);
}

void
hangar_xml_remove_node (xmlNode *node)
{
  xmlNode *space;

  g_return_if_fail (node != NULL);

  hangar_xml_note_removal (node);

  space = leading_space (node);
  if (space != NULL)
    {
      xmlUnlinkNode (space);
      xmlFreeNode (space);
    }

  xmlUnlinkNode (node);
  xmlFreeNode (node);
}

gboolean
hangar_xml_has_foreign (xmlNode *node)
{
  for (xmlAttr *attr = node->properties; attr != NULL; attr = attr->next)
    {
      if (attr->ns != NULL)
        return TRUE;
    }

  for (xmlNode *child = node->children; child != NULL; child = child->next)
    {
      if (child->type == XML_COMMENT_NODE || child->type == XML_PI_NODE)
        return TRUE;
      if (child->type != XML_ELEMENT_NODE)
        continue;
      if (child->ns != NULL || hangar_xml_has_foreign (child))
        return TRUE;
    }

  return FALSE;
}

void
hangar_xml_remove_libvirt_parts (xmlNode *node)
{
  xmlAttr *attr;
  xmlNode *child;

  g_return_if_fail (node != NULL);

  if (!hangar_xml_has_foreign (node))
    {
      hangar_xml_remove_node (node);
      return;
    }

  attr = node->properties;
  while (attr != NULL)
    {
      xmlAttr *next = attr->next;

      if (attr->ns == NULL)
        {
          xmlRemoveProp (attr);
          hangar_xml_note_change (node, NULL);
        }
      attr = next;
    }

  child = node->children;
  while (child != NULL)
    {
      xmlNode *next = child->next;

      if (child->type == XML_ELEMENT_NODE && child->ns == NULL)
        {
          hangar_xml_remove_libvirt_parts (child);
        }
      else if ((child->type == XML_TEXT_NODE ||
                child->type == XML_CDATA_SECTION_NODE) &&
               !xmlIsBlankNode (child))
        {
          hangar_xml_note_change (node, NULL);
          xmlUnlinkNode (child);
          xmlFreeNode (child);
        }

      child = next;
    }
}

char *
hangar_xml_dup_attr (xmlNode    *node,
                     const char *name)
{
  xmlChar *value;
  char *copy;

  g_return_val_if_fail (name != NULL, NULL);

  if (node == NULL)
    return NULL;

  value = xmlGetNoNsProp (node, BAD_CAST name);
  if (value == NULL)
    return NULL;

  copy = g_strdup ((const char *) value);
  xmlFree (value);

  return copy;
}

void
hangar_xml_set_attr (xmlNode    *node,
                     const char *name,
                     const char *value)
{
  g_autofree char *old = NULL;

  g_return_if_fail (node != NULL);
  g_return_if_fail (name != NULL);
  g_return_if_fail (value != NULL);

  old = hangar_xml_dup_attr (node, name);
  if (g_strcmp0 (old, value) == 0)
    return;

  /* xmlSetNsProp stores @value as text: no entity is interpreted. */
  xmlSetNsProp (node, NULL, BAD_CAST name, BAD_CAST value);
  hangar_xml_note_change (node, NULL);
}

void
hangar_xml_unset_attr (xmlNode    *node,
                       const char *name)
{
  g_return_if_fail (node != NULL);
  g_return_if_fail (name != NULL);

  if (xmlUnsetNsProp (node, NULL, BAD_CAST name) == 0)
    hangar_xml_note_change (node, NULL);
}

static gboolean
is_text (xmlNode *node)
{
  return node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE;
}

char *
hangar_xml_dup_text (xmlNode *node)
{
  GString *text;

  if (node == NULL)
    return NULL;

  text = g_string_new (NULL);
  for (xmlNode *child = node->children; child != NULL; child = child->next)
    {
      if (is_text (child) && child->content != NULL)
        g_string_append (text, (const char *) child->content);
    }

  return g_string_free (text, FALSE);
}

void
hangar_xml_set_text (xmlNode    *node,
                     const char *text)
{
  g_autofree char *old = NULL;
  xmlNode *first = NULL;
  xmlNode *child;

  g_return_if_fail (node != NULL);
  g_return_if_fail (text != NULL);

  old = hangar_xml_dup_text (node);
  if (g_strcmp0 (old, text) == 0)
    return;

  child = node->children;
  while (child != NULL)
    {
      xmlNode *next = child->next;

      if (is_text (child))
        {
          if (first == NULL)
            {
              first = child;
            }
          else
            {
              xmlUnlinkNode (child);
              xmlFreeNode (child);
            }
        }

      child = next;
    }

  if (first != NULL)
    {
      xmlNode *replacement = new_text (node, text);

      xmlReplaceNode (first, replacement);
      xmlFreeNode (first);
    }
  else
    {
      xmlAddChild (node, new_text (node, text));
    }

  hangar_xml_note_change (node, NULL);
}
