/* hangar-xml-path.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-xml-path"

#include "config.h"

#include <string.h>

#include "hangar-schema-order.h"
#include "hangar-xml-path.h"
#include "hangar-xml-tree.h"

typedef struct
{
  char *name;
  char *key;     /* the attribute of a [key=value] step, or NULL */
  char *value;
} Step;

/* Splits @path into element steps and the final attribute name. */
static GArray *
parse_path (const char  *path,
            char       **attr)
{
  GArray *steps = g_array_new (FALSE, TRUE, sizeof (Step));
  g_autofree char *copy = g_strdup (path);
  char *at;
  g_auto(GStrv) parts = NULL;

  *attr = NULL;

  /* The '@' of a final attribute comes after the last '/' and outside
   * brackets; a bracket step never holds one in the model's paths. */
  at = strrchr (copy, '@');
  if (at != NULL && strchr (at, ']') == NULL)
    {
      *attr = g_strdup (at + 1);
      *at = '\0';
    }

  if (*copy == '\0')
    return steps;

  parts = g_strsplit (copy, "/", -1);
  for (unsigned i = 0; parts[i] != NULL; i++)
    {
      Step step = { 0, };
      char *bracket = strchr (parts[i], '[');

      if (*parts[i] == '\0')
        continue;

      if (bracket != NULL)
        {
          char *equals = strchr (bracket, '=');
          char *end = strchr (bracket, ']');

          *bracket = '\0';
          if (equals != NULL && end != NULL && equals < end)
            {
              step.key = g_strndup (bracket + 1, equals - bracket - 1);
              step.value = g_strndup (equals + 1, end - equals - 1);
            }
        }

      step.name = g_strdup (parts[i]);
      g_array_append_val (steps, step);
    }

  return steps;
}

static void
free_steps (GArray *steps)
{
  for (unsigned i = 0; i < steps->len; i++)
    {
      Step *step = &g_array_index (steps, Step, i);

      g_free (step->name);
      g_free (step->key);
      g_free (step->value);
    }

  g_array_unref (steps);
}

static xmlNode *
find_step (xmlNode    *parent,
           const Step *step)
{
  for (xmlNode *child = parent->children; child != NULL; child = child->next)
    {
      g_autofree char *value = NULL;

      if (!hangar_xml_is_element (child, step->name))
        continue;

      if (step->key == NULL)
        return child;

      value = hangar_xml_dup_attr (child, step->key);
      if (g_strcmp0 (value, step->value) == 0)
        return child;
    }

  return NULL;
}

static xmlNode *
walk (xmlNode  *node,
      GArray   *steps,
      gboolean  create)
{
  for (unsigned i = 0; i < steps->len && node != NULL; i++)
    {
      const Step *step = &g_array_index (steps, Step, i);
      xmlNode *next = find_step (node, step);

      if (next == NULL && create)
        {
          next = hangar_xml_create_child (node, step->name,
                                          hangar_schema_order_for (node));
          if (step->key != NULL)
            hangar_xml_set_attr (next, step->key, step->value);
        }

      node = next;
    }

  return node;
}

xmlNode *
hangar_xml_path_find (xmlNode    *node,
                      const char *path,
                      gboolean    create)
{
  g_autofree char *attr = NULL;
  GArray *steps;
  xmlNode *found;

  g_return_val_if_fail (path != NULL, NULL);

  if (node == NULL)
    return NULL;

  steps = parse_path (path, &attr);
  found = walk (node, steps, create);
  free_steps (steps);

  return found;
}

/* The text of an element's value: NULL when it has none, only the
 * whitespace that lays out its child elements (an egd <backend>, an
 * element kept for what another namespace put in it). */
static char *
dup_element_text (xmlNode *node)
{
  char *text = hangar_xml_dup_text (node);
  gboolean layout_only = TRUE;
  gboolean has_other = FALSE;

  for (xmlNode *child = node->children; child != NULL; child = child->next)
    {
      if (child->type == XML_TEXT_NODE || child->type == XML_CDATA_SECTION_NODE)
        layout_only &= xmlIsBlankNode (child);
      else
        has_other = TRUE;
    }

  if (has_other && layout_only)
    g_clear_pointer (&text, g_free);

  return text;
}

char *
hangar_xml_path_dup_value (xmlNode    *node,
                           const char *path)
{
  g_autofree char *attr = NULL;
  GArray *steps;
  xmlNode *found;

  g_return_val_if_fail (path != NULL, NULL);

  if (node == NULL)
    return NULL;

  steps = parse_path (path, &attr);
  found = walk (node, steps, FALSE);
  free_steps (steps);

  if (found == NULL)
    return NULL;

  if (attr != NULL)
    return hangar_xml_dup_attr (found, attr);

  return dup_element_text (found);
}

gboolean
hangar_xml_path_exists (xmlNode    *node,
                        const char *path)
{
  g_autofree char *attr = NULL;
  GArray *steps;
  xmlNode *found;

  g_return_val_if_fail (path != NULL, FALSE);

  if (node == NULL)
    return FALSE;

  steps = parse_path (path, &attr);
  found = walk (node, steps, FALSE);
  free_steps (steps);

  if (found == NULL)
    return FALSE;

  return attr == NULL || xmlHasNsProp (found, BAD_CAST attr, NULL) != NULL;
}

/* An element that says nothing once an attribute is gone: no attribute,
 * no element, no text, no comment. */
static gboolean
is_empty (xmlNode *node)
{
  if (node->properties != NULL || node->nsDef != NULL)
    return FALSE;

  for (xmlNode *child = node->children; child != NULL; child = child->next)
    {
      if (child->type != XML_TEXT_NODE || !xmlIsBlankNode (child))
        return FALSE;
    }

  return TRUE;
}

/* Removes @node when it is empty, then its emptied ancestors up to, but
 * not including, @base. */
static void
prune (xmlNode *base,
       xmlNode *node)
{
  while (node != NULL && node != base && is_empty (node))
    {
      xmlNode *parent = node->parent;

      hangar_xml_remove_node (node);
      node = parent;
    }
}

void
hangar_xml_path_set_value (xmlNode    *node,
                           const char *path,
                           const char *value)
{
  g_autofree char *attr = NULL;
  GArray *steps;
  xmlNode *found;

  g_return_if_fail (node != NULL);
  g_return_if_fail (path != NULL);

  steps = parse_path (path, &attr);
  found = walk (node, steps, value != NULL);
  free_steps (steps);

  if (found == NULL)
    return;

  if (value != NULL)
    {
      if (attr != NULL)
        hangar_xml_set_attr (found, attr, value);
      else
        hangar_xml_set_text (found, value);
      return;
    }

  if (attr != NULL)
    {
      if (xmlHasNsProp (found, BAD_CAST attr, NULL) == NULL)
        return;
      hangar_xml_unset_attr (found, attr);
      prune (node, found);
      return;
    }

  /* An element's text: what another namespace put in it stays. */
  if (found != node)
    {
      xmlNode *parent = found->parent;

      hangar_xml_remove_libvirt_parts (found);
      prune (node, parent);
    }
}

void
hangar_xml_path_set_present (xmlNode    *node,
                             const char *path,
                             gboolean    present)
{
  xmlNode *found;

  g_return_if_fail (node != NULL);
  g_return_if_fail (path != NULL);

  found = hangar_xml_path_find (node, path, present);
  if (present || found == NULL || found == node)
    return;

  {
    xmlNode *parent = found->parent;

    hangar_xml_remove_node (found);
    prune (node, parent);
  }
}
