/* hangar-xml-diff.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-xml-diff"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include <libxml/c14n.h>
#include <libxml/parser.h>

#include "hangar-virt-error.h"
#include "hangar-xml-diff.h"

static void
change_free (HangarXmlChange *change)
{
  g_free (change->path);
  g_free (change);
}

/* libxml2 keeps whitespace next to comments and in elements without
 * children: layout, not content, in libvirt's XML. */
static void
strip_blanks (xmlNode *node)
{
  xmlNode *next;

  for (xmlNode *child = node->children; child != NULL; child = next)
    {
      next = child->next;

      if (child->type == XML_ELEMENT_NODE)
        strip_blanks (child);
      else if (child->type == XML_TEXT_NODE && xmlIsBlankNode (child))
        {
          xmlUnlinkNode (child);
          xmlFreeNode (child);
        }
    }
}

xmlDoc *
hangar_xml_diff_parse (const char  *xml,
                       GError     **error)
{
  xmlDoc *doc;

  g_return_val_if_fail (xml != NULL, NULL);

  doc = xmlReadMemory (xml, strlen (xml), NULL, "UTF-8",
                       XML_PARSE_NOBLANKS | XML_PARSE_NONET | XML_PARSE_NOERROR |
                       XML_PARSE_NOWARNING);
  if (doc == NULL || xmlDocGetRootElement (doc) == NULL)
    {
      g_set_error_literal (error, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_FAILED,
                           _("libvirt returned a definition that is not XML"));
      g_clear_pointer (&doc, xmlFreeDoc);
      return NULL;
    }

  strip_blanks (xmlDocGetRootElement (doc));

  return doc;
}

static char *
canonical (xmlDoc *doc)
{
  xmlChar *text = NULL;
  char *ret;

  if (xmlC14NDocDumpMemory (doc, NULL, XML_C14N_1_0, NULL, 0, &text) < 0)
    return NULL;

  ret = g_strdup ((const char *)text);
  xmlFree (text);

  return ret;
}

gboolean
hangar_xml_diff_equal (xmlDoc *a,
                       xmlDoc *b)
{
  g_autofree char *ca = canonical (a);
  g_autofree char *cb = canonical (b);

  if (ca != NULL && cb != NULL && strcmp (ca, cb) != 0)
    g_debug ("Canonical forms differ:\n%s\n%s", ca, cb);

  return ca != NULL && cb != NULL && strcmp (ca, cb) == 0;
}


/* Nodes */

static gboolean
same_key (xmlNode *a,
          xmlNode *b)
{
  const xmlChar *ha = a->ns != NULL ? a->ns->href : NULL;
  const xmlChar *hb = b->ns != NULL ? b->ns->href : NULL;

  return xmlStrEqual (a->name, b->name) && xmlStrEqual (ha, hb);
}

static char *
display_name (xmlNode *node)
{
  if (node->ns != NULL && node->ns->prefix != NULL)
    return g_strdup_printf ("%s:%s", node->ns->prefix, node->name);

  return g_strdup ((const char *)node->name);
}

/* The text directly inside @node, without surrounding whitespace. */
static char *
own_text (xmlNode *node)
{
  GString *text = g_string_new (NULL);

  for (xmlNode *child = node->children; child != NULL; child = child->next)
    {
      if (child->type == XML_TEXT_NODE || child->type == XML_CDATA_SECTION_NODE)
        g_string_append (text, (const char *)child->content);
    }

  return g_strstrip (g_string_free (text, FALSE));
}

static char *
attr_value (xmlAttr *attr)
{
  xmlChar *value = xmlNodeListGetString (attr->doc, attr->children, 1);
  char *ret = g_strdup (value != NULL ? (const char *)value : "");

  xmlFree (value);

  return ret;
}

static xmlAttr *
find_attr (xmlNode *node,
           xmlAttr *like)
{
  return xmlHasNsProp (node, like->name, like->ns != NULL ? like->ns->href : NULL);
}

static unsigned
count_attrs (xmlNode *node)
{
  unsigned n = 0;

  for (xmlAttr *attr = node->properties; attr != NULL; attr = attr->next)
    n++;

  return n;
}

static gboolean
own_differs (xmlNode *a,
             xmlNode *b)
{
  g_autofree char *ta = own_text (a);
  g_autofree char *tb = own_text (b);

  if (strcmp (ta, tb) != 0 || count_attrs (a) != count_attrs (b))
    return TRUE;

  for (xmlAttr *attr = a->properties; attr != NULL; attr = attr->next)
    {
      xmlAttr *other = find_attr (b, attr);
      g_autofree char *va = NULL;
      g_autofree char *vb = NULL;

      if (other == NULL)
        return TRUE;

      va = attr_value (attr);
      vb = attr_value (other);
      if (strcmp (va, vb) != 0)
        return TRUE;
    }

  return FALSE;
}

static GPtrArray *
children_like (xmlNode *parent,
               xmlNode *like)
{
  GPtrArray *nodes = g_ptr_array_new ();

  if (parent == NULL)
    return nodes;

  for (xmlNode *child = parent->children; child != NULL; child = child->next)
    {
      if (child->type == XML_ELEMENT_NODE && same_key (child, like))
        g_ptr_array_add (nodes, child);
    }

  return nodes;
}

static void
add_change (GPtrArray           *changes,
            HangarXmlChangeKind  kind,
            const char          *path,
            xmlNode             *old_node,
            xmlNode             *new_node)
{
  HangarXmlChange *change = g_new0 (HangarXmlChange, 1);

  change->kind = kind;
  change->path = g_strdup (path);
  change->old_node = old_node;
  change->new_node = new_node;
  g_ptr_array_add (changes, change);
}

static void diff_element (xmlNode *a, xmlNode *b, const char *path, GPtrArray *changes);

/* Pairs the children of @a and @b named like @like, by position. */
static void
diff_children_like (xmlNode    *a,
                    xmlNode    *b,
                    xmlNode    *like,
                    const char *path,
                    GPtrArray  *changes)
{
  g_autoptr(GPtrArray) la = children_like (a, like);
  g_autoptr(GPtrArray) lb = children_like (b, like);
  g_autofree char *name = display_name (like);
  unsigned n = MAX (la->len, lb->len);
  /* Devices always carry their index, as the model's paths do. */
  gboolean indexed = n > 1 || xmlStrEqual (a->name, (const xmlChar *)"devices");

  for (unsigned i = 0; i < n; i++)
    {
      g_autofree char *child_path = NULL;

      if (indexed)
        child_path = g_strdup_printf ("%s/%s[%u]", path, name, i + 1);
      else
        child_path = g_strdup_printf ("%s/%s", path, name);

      if (i < la->len && i < lb->len)
        diff_element (la->pdata[i], lb->pdata[i], child_path, changes);
      else if (i < la->len)
        add_change (changes, HANGAR_XML_CHANGE_REMOVED, child_path, la->pdata[i], NULL);
      else
        add_change (changes, HANGAR_XML_CHANGE_ADDED, child_path, NULL, lb->pdata[i]);
    }
}

/* Among the siblings named like @node. */
static unsigned
position (xmlNode *node)
{
  unsigned index = 0;

  for (xmlNode *prev = node->prev; prev != NULL; prev = prev->prev)
    {
      if (prev->type == XML_ELEMENT_NODE && same_key (prev, node))
        index++;
    }

  return index;
}

static gboolean
has_child_like (xmlNode *parent,
                xmlNode *like)
{
  for (xmlNode *child = parent->children; child != NULL; child = child->next)
    {
      if (child->type == XML_ELEMENT_NODE && same_key (child, like))
        return TRUE;
    }

  return FALSE;
}

static void
diff_element (xmlNode    *a,
              xmlNode    *b,
              const char *path,
              GPtrArray  *changes)
{
  if (own_differs (a, b))
    add_change (changes, HANGAR_XML_CHANGE_MODIFIED, path, a, b);

  for (xmlNode *child = a->children; child != NULL; child = child->next)
    {
      if (child->type == XML_ELEMENT_NODE && position (child) == 0)
        diff_children_like (a, b, child, path, changes);
    }

  /* Names only the second tree has. */
  for (xmlNode *child = b->children; child != NULL; child = child->next)
    {
      if (child->type == XML_ELEMENT_NODE && position (child) == 0 && !has_child_like (a, child))
        diff_children_like (a, b, child, path, changes);
    }
}

GPtrArray *
hangar_xml_diff (xmlNode *a,
                 xmlNode *b)
{
  GPtrArray *changes = g_ptr_array_new_with_free_func ((GDestroyNotify)change_free);
  g_autofree char *path = NULL;

  g_return_val_if_fail (a != NULL && b != NULL, changes);

  path = g_strdup_printf ("/%s", (const char *)a->name);
  if (!same_key (a, b))
    add_change (changes, HANGAR_XML_CHANGE_MODIFIED, path, a, b);
  else
    diff_element (a, b, path, changes);

  return changes;
}

GPtrArray *
hangar_xml_diff_paths (GPtrArray *changes)
{
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);

  for (unsigned i = 0; i < changes->len; i++)
    {
      HangarXmlChange *change = g_ptr_array_index (changes, i);

      g_ptr_array_add (paths, g_strdup (change->path));
    }

  return paths;
}

xmlNode *
hangar_xml_diff_device_of (xmlNode *node)
{
  for (; node != NULL && node->type == XML_ELEMENT_NODE; node = node->parent)
    {
      xmlNode *parent = node->parent;

      if (parent != NULL && parent->type == XML_ELEMENT_NODE &&
          xmlStrEqual (parent->name, (const xmlChar *)"devices") && parent->ns == NULL &&
          parent->parent != NULL && parent->parent->type == XML_ELEMENT_NODE &&
          parent->parent->parent != NULL && parent->parent->parent->type == XML_DOCUMENT_NODE)
        return node;
    }

  return NULL;
}

xmlNode *
hangar_xml_diff_counterpart (xmlNode *node,
                             xmlNode *other_root)
{
  xmlNode *parent;
  g_autoptr(GPtrArray) siblings = NULL;
  unsigned index;

  g_return_val_if_fail (node != NULL && other_root != NULL, NULL);

  if (node->parent == NULL || node->parent->type != XML_ELEMENT_NODE)
    return same_key (node, other_root) ? other_root : NULL;

  parent = hangar_xml_diff_counterpart (node->parent, other_root);
  if (parent == NULL)
    return NULL;

  siblings = children_like (parent, node);
  index = position (node);

  return index < siblings->len ? siblings->pdata[index] : NULL;
}


/* Containment, for what libvirt kept of an edit */

/* libvirt's scaled integers: the factor of @unit, 0 when unknown.  A
 * missing unit is KiB, as for every memory size. */
static guint64
unit_factor (const char *unit)
{
  static const struct { const char *name; guint64 factor; } units[] = {
    { "b", 1 }, { "bytes", 1 },
    { "KB", 1000 }, { "k", 1024 }, { "KiB", 1024 },
    { "MB", 1000 * 1000 }, { "M", 1024 * 1024 }, { "MiB", 1024 * 1024 },
    { "GB", G_GUINT64_CONSTANT (1000000000) }, { "G", G_GUINT64_CONSTANT (1) << 30 },
    { "GiB", G_GUINT64_CONSTANT (1) << 30 },
    { "TB", G_GUINT64_CONSTANT (1000000000000) }, { "T", G_GUINT64_CONSTANT (1) << 40 },
    { "TiB", G_GUINT64_CONSTANT (1) << 40 },
  };

  if (unit == NULL)
    return 1024;

  for (unsigned i = 0; i < G_N_ELEMENTS (units); i++)
    {
      if (strcmp (units[i].name, unit) == 0)
        return units[i].factor;
    }

  return 0;
}

static char *
dup_unit (xmlNode *node)
{
  xmlChar *unit = xmlGetNoNsProp (node, (const xmlChar *)"unit");
  char *ret = g_strdup ((const char *)unit);

  xmlFree (unit);

  return ret;
}

/* Both texts as sizes in bytes, when they are sizes. */
static gboolean
same_size (xmlNode    *node,
           xmlNode    *wanted,
           const char *text,
           const char *wanted_text)
{
  g_autofree char *unit = dup_unit (node);
  g_autofree char *wanted_unit = dup_unit (wanted);
  guint64 value, wanted_value;

  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64 / (G_GUINT64_CONSTANT (1) << 40),
                                   &value, NULL) ||
      !g_ascii_string_to_unsigned (wanted_text, 10, 0,
                                   G_MAXUINT64 / (G_GUINT64_CONSTANT (1) << 40),
                                   &wanted_value, NULL))
    return FALSE;

  return unit_factor (unit) != 0 &&
         value * unit_factor (unit) == wanted_value * unit_factor (wanted_unit);
}

gboolean
hangar_xml_diff_contains (xmlNode   *node,
                          xmlNode   *wanted,
                          gboolean   deep,
                          char     **detail)
{
  g_autofree char *text = own_text (node);
  g_autofree char *wanted_text = own_text (wanted);
  gboolean sized = xmlHasProp (wanted, (const xmlChar *)"unit") != NULL;

  if (strcmp (text, wanted_text) != 0 &&
      !(sized && same_size (node, wanted, text, wanted_text)))
    {
      if (detail != NULL)
        *detail = g_strdup_printf (_("“%s” became “%s”"), wanted_text, text);
      return FALSE;
    }

  for (xmlAttr *attr = wanted->properties; attr != NULL; attr = attr->next)
    {
      xmlAttr *other = find_attr (node, attr);
      g_autofree char *value = attr_value (attr);
      g_autofree char *other_value = NULL;

      /* The unit was compared with the size above. */
      if (sized && attr->ns == NULL && xmlStrEqual (attr->name, (const xmlChar *)"unit"))
        continue;

      if (other == NULL)
        {
          if (detail != NULL)
            *detail = g_strdup_printf (_("%s=“%s” was dropped"), (const char *)attr->name, value);
          return FALSE;
        }

      other_value = attr_value (other);
      if (strcmp (value, other_value) != 0)
        {
          if (detail != NULL)
            *detail = g_strdup_printf (_("%s=“%s” became “%s”"), (const char *)attr->name,
                                       value, other_value);
          return FALSE;
        }
    }

  for (xmlNode *child = deep ? wanted->children : NULL; child != NULL; child = child->next)
    {
      g_autoptr(GPtrArray) mine = NULL;
      g_autoptr(GPtrArray) theirs = NULL;

      if (child->type != XML_ELEMENT_NODE || position (child) > 0)
        continue;

      mine = children_like (wanted, child);
      theirs = children_like (node, child);
      for (unsigned i = 0; i < mine->len; i++)
        {
          if (i >= theirs->len)
            {
              if (detail != NULL)
                *detail = g_strdup_printf (_("<%s> was dropped"), (const char *)child->name);
              return FALSE;
            }

          if (!hangar_xml_diff_contains (theirs->pdata[i], mine->pdata[i], TRUE, detail))
            return FALSE;
        }
    }

  return TRUE;
}

char *
hangar_xml_diff_node_to_string (xmlNode *node)
{
  xmlBuffer *buffer = xmlBufferCreate ();
  char *ret;

  xmlNodeDump (buffer, node->doc, node, 0, 0);
  ret = g_strdup ((const char *)xmlBufferContent (buffer));
  xmlBufferFree (buffer);

  return ret;
}
