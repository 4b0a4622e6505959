/* hangar-domain-doc-validate.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-domain-doc"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <libxml/relaxng.h>
#include <libxml/xmlerror.h>

#include "hangar-domain-doc.h"
#include "hangar-model-private.h"
#include "hangar-xml-path.h"
#include "hangar-xml-tree.h"

/* Past this many schema errors the rest only repeat the first ones. */
#define MAX_SCHEMA_ISSUES 20

void
hangar_model_issue_free (HangarModelIssue *issue)
{
  if (issue == NULL)
    return;

  g_free (issue->path);
  g_free (issue->message);
  g_free (issue);
}

static HangarModelIssue *
issue_new (HangarModelIssueLevel  level,
           xmlNode               *node,
           char                  *message)
{
  HangarModelIssue *issue = g_new0 (HangarModelIssue, 1);

  issue->level = level;
  issue->message = message;

  if (node != NULL)
    {
      xmlChar *path = xmlGetNodePath (node);

      issue->path = g_strdup ((const char *) path);
      issue->line = MAX (xmlGetLineNo (node), 0);
      xmlFree (path);
    }

  return issue;
}

/* The schema */

static void
#if LIBXML_VERSION >= 21200
quiet_error_cb (void           *user_data,
                const xmlError *error)
#else
quiet_error_cb (void     *user_data,
                xmlError *error)
#endif
{
  g_debug ("schema: %s", error->message);
}

/* libvirt's schema, parsed once; NULL when it is not installed.  A parsed
 * schema is read only, so threads may validate with it at once. */
static xmlRelaxNG *
get_schema (void)
{
  static gsize initialized = 0;
  static xmlRelaxNG *schema = NULL;

  if (g_once_init_enter (&initialized))
    {
      g_autofree char *path = NULL;
      xmlRelaxNGParserCtxt *parser;

      path = g_build_filename (g_getenv ("HANGAR_LIBVIRT_SCHEMA_DIR") != NULL
                                 ? g_getenv ("HANGAR_LIBVIRT_SCHEMA_DIR")
                                 : LIBVIRT_SCHEMA_DIR,
                               "domain.rng", NULL);

      parser = xmlRelaxNGNewParserCtxt (path);
      xmlRelaxNGSetParserStructuredErrors (parser, quiet_error_cb, NULL);
      schema = xmlRelaxNGParse (parser);
      xmlRelaxNGFreeParserCtxt (parser);

      if (schema == NULL)
        g_warning ("Cannot load libvirt's schema %s: documents are not "
                   "validated against it", path);

      g_once_init_leave (&initialized, 1);
    }

  return schema;
}

typedef struct
{
  GPtrArray *issues;
  unsigned count;
} SchemaErrors;

static void
#if LIBXML_VERSION >= 21200
schema_error_cb (void           *user_data,
                 const xmlError *error)
#else
schema_error_cb (void     *user_data,
                 xmlError *error)
#endif
{
  SchemaErrors *errors = user_data;
  HangarModelIssue *issue;

  if (errors->count++ >= MAX_SCHEMA_ISSUES)
    return;

  issue = issue_new (HANGAR_MODEL_ISSUE_ERROR, error->node,
                     g_strchomp (g_strdup (error->message != NULL
                                             ? error->message
                                             : "invalid")));
  if (issue->line == 0 && error->line > 0)
    issue->line = error->line;

  g_ptr_array_add (errors->issues, issue);
}

static void
validate_schema (HangarDomainDoc *self,
                 GPtrArray       *issues)
{
  xmlRelaxNG *schema = get_schema ();
  xmlRelaxNGValidCtxt *ctxt;
  SchemaErrors errors = { issues, 0 };

  if (schema == NULL)
    return;

  ctxt = xmlRelaxNGNewValidCtxt (schema);
  xmlRelaxNGSetValidStructuredErrors (ctxt, schema_error_cb, &errors);
  if (xmlRelaxNGValidateDoc (ctxt, hangar_domain_doc_get_xml (self)) != 0 &&
      errors.count == 0)
    g_ptr_array_add (issues,
                     issue_new (HANGAR_MODEL_ISSUE_ERROR,
                                hangar_domain_doc_get_root (self),
                                g_strdup (_("The document does not follow "
                                            "libvirt's schema"))));
  xmlRelaxNGFreeValidCtxt (ctxt);
}

/* Checks the schema cannot express */

static gboolean
parse_number (const char *text,
              guint64    *value)
{
  char *end;

  if (text == NULL || *text == '\0')
    return FALSE;

  /* libvirt reads address parts with base detection: "0x1f", "31". */
  *value = g_ascii_strtoull (text, &end, 0);

  return *end == '\0';
}

static char *
pci_key (xmlNode *address)
{
  static const char * const parts[] = { "domain", "bus", "slot", "function" };
  guint64 values[4] = { 0, };
  g_autofree char *type = hangar_xml_dup_attr (address, "type");

  if (g_strcmp0 (type, "pci") != 0)
    return NULL;

  for (unsigned i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      g_autofree char *text = hangar_xml_dup_attr (address, parts[i]);

      if (text != NULL && !parse_number (text, &values[i]))
        return NULL;
    }

  /* Without a slot libvirt assigns one. */
  if (!xmlHasNsProp (address, BAD_CAST "slot", NULL))
    return NULL;

  return g_strdup_printf ("%04" G_GINT64_MODIFIER "x:%02" G_GINT64_MODIFIER
                          "x:%02" G_GINT64_MODIFIER "x.%" G_GINT64_MODIFIER
                          "x", values[0], values[1], values[2], values[3]);
}

static void
run_checks (HangarDomainDoc *self,
            GPtrArray       *issues)
{
  g_autoptr(GHashTable) targets = g_hash_table_new_full (g_str_hash,
                                                         g_str_equal,
                                                         g_free, NULL);
  g_autoptr(GHashTable) pci = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                     g_free, NULL);
  g_autoptr(GPtrArray) spice_only = g_ptr_array_new ();
  xmlNode *devices;
  gboolean has_spice = FALSE;

  devices = hangar_xml_find_child (hangar_domain_doc_get_root (self),
                                   "devices");

  for (xmlNode *device = devices != NULL ? devices->children : NULL;
       device != NULL;
       device = device->next)
    {
      g_autofree char *type = NULL;
      g_autofree char *key = NULL;
      xmlNode *address;

      if (device->type != XML_ELEMENT_NODE || device->ns != NULL)
        continue;

      type = hangar_xml_dup_attr (device, "type");

      if (hangar_xml_is_element (device, "disk"))
        {
          g_autofree char *dev = hangar_xml_path_dup_value (device,
                                                            "target@dev");

          if (dev != NULL && g_hash_table_contains (targets, dev))
            g_ptr_array_add (issues,
                             issue_new (HANGAR_MODEL_ISSUE_ERROR, device,
                                        g_strdup_printf (_("Two disks use "
                                                           "the target “%s”"),
                                                         dev)));
          else if (dev != NULL)
            g_hash_table_add (targets, g_steal_pointer (&dev));
        }

      if (hangar_xml_is_element (device, "graphics") &&
          g_strcmp0 (type, "spice") == 0)
        has_spice = TRUE;

      if (((hangar_xml_is_element (device, "channel") ||
            hangar_xml_is_element (device, "serial") ||
            hangar_xml_is_element (device, "console") ||
            hangar_xml_is_element (device, "parallel") ||
            hangar_xml_is_element (device, "redirdev") ||
            hangar_xml_is_element (device, "smartcard")) &&
           (g_strcmp0 (type, "spicevmc") == 0 ||
            g_strcmp0 (type, "spiceport") == 0)) ||
          (hangar_xml_is_element (device, "audio") &&
           g_strcmp0 (type, "spice") == 0))
        g_ptr_array_add (spice_only, device);

      address = hangar_xml_find_child (device, "address");
      key = address != NULL ? pci_key (address) : NULL;
      if (key != NULL)
        {
          if (g_hash_table_contains (pci, key))
            g_ptr_array_add (issues,
                             issue_new (HANGAR_MODEL_ISSUE_ERROR, address,
                                        g_strdup_printf (_("Two devices use "
                                                           "the PCI address "
                                                           "%s"), key)));
          else
            g_hash_table_add (pci, g_steal_pointer (&key));
        }
    }

  if (!has_spice)
    {
      for (unsigned i = 0; i < spice_only->len; i++)
        {
          xmlNode *device = spice_only->pdata[i];

          g_ptr_array_add (issues,
                           issue_new (HANGAR_MODEL_ISSUE_ERROR, device,
                                      g_strdup_printf (_("This <%s> needs "
                                                         "SPICE graphics, "
                                                         "which the domain "
                                                         "does not have"),
                                                       device->name)));
        }
    }
}

/* What libvirt drops */

static void
find_comments (xmlNode   *node,
               GPtrArray *issues)
{
  for (xmlNode *child = node->children; child != NULL; child = child->next)
    {
      if (child->type == XML_COMMENT_NODE)
        g_ptr_array_add (issues,
                         issue_new (HANGAR_MODEL_ISSUE_WARNING, child,
                                    g_strdup (_("libvirt does not keep "
                                                "comments"))));
      else if (child->type == XML_ELEMENT_NODE)
        find_comments (child, issues);
    }
}

static void
check_metadata (HangarDomainDoc *self,
                GPtrArray       *issues)
{
  g_autoptr(GHashTable) namespaces = g_hash_table_new (g_str_hash,
                                                       g_str_equal);
  xmlNode *metadata;

  metadata = hangar_xml_find_child (hangar_domain_doc_get_root (self),
                                    "metadata");

  for (xmlNode *child = metadata != NULL ? metadata->children : NULL;
       child != NULL;
       child = child->next)
    {
      if (child->type != XML_ELEMENT_NODE)
        continue;

      if (child->ns == NULL)
        {
          g_ptr_array_add (issues,
                           issue_new (HANGAR_MODEL_ISSUE_WARNING, child,
                                      g_strdup_printf (_("libvirt drops "
                                                         "metadata without a "
                                                         "namespace (<%s>)"),
                                                       child->name)));
          continue;
        }

      /* Namespaces are told apart by URI, not by prefix. */
      if (g_hash_table_contains (namespaces, child->ns->href))
        g_ptr_array_add (issues,
                         issue_new (HANGAR_MODEL_ISSUE_WARNING, child,
                                    g_strdup_printf (_("libvirt keeps one "
                                                       "metadata element per "
                                                       "namespace: this second "
                                                       "one of “%s” is "
                                                       "dropped"),
                                                     child->ns->href)));
      else
        g_hash_table_add (namespaces, (gpointer) child->ns->href);
    }
}

GPtrArray *
hangar_domain_doc_validate (HangarDomainDoc     *self,
                            HangarValidateFlags  flags)
{
  GPtrArray *issues;

  g_return_val_if_fail (HANGAR_IS_DOMAIN_DOC (self), NULL);

  issues = g_ptr_array_new_with_free_func ((GDestroyNotify) hangar_model_issue_free);

  if (flags & HANGAR_VALIDATE_SCHEMA)
    validate_schema (self, issues);

  if (flags & HANGAR_VALIDATE_CHECKS)
    run_checks (self, issues);

  if (flags & HANGAR_VALIDATE_WARNINGS)
    {
      find_comments ((xmlNode *) hangar_domain_doc_get_xml (self), issues);
      check_metadata (self, issues);
    }

  return issues;
}

gboolean
hangar_domain_doc_check (HangarDomainDoc  *self,
                         GError          **error)
{
  g_autoptr(GPtrArray) issues = NULL;

  g_return_val_if_fail (HANGAR_IS_DOMAIN_DOC (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  issues = hangar_domain_doc_validate (self, HANGAR_VALIDATE_SCHEMA |
                                             HANGAR_VALIDATE_CHECKS);

  for (unsigned i = 0; i < issues->len; i++)
    {
      HangarModelIssue *issue = issues->pdata[i];

      if (issue->level != HANGAR_MODEL_ISSUE_ERROR)
        continue;

      if (issue->line > 0)
        g_set_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_INVALID,
                     _("%s (line %d): %s"), issue->path, issue->line,
                     issue->message);
      else
        g_set_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_INVALID,
                     "%s: %s", issue->path != NULL ? issue->path : "/domain",
                     issue->message);
      return FALSE;
    }

  return TRUE;
}
