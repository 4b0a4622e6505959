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

/* The errors libxml2 reports in one validation, in order. */
typedef struct
{
  GPtrArray *nodes;      /* borrowed xmlNode, or NULL */
  GPtrArray *messages;   /* owned strings */
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

  if (errors == NULL || errors->messages->len >= MAX_SCHEMA_ISSUES)
    return;

  g_ptr_array_add (errors->nodes, error->node);
  g_ptr_array_add (errors->messages,
                   g_strchomp (g_strdup (error->message != NULL
                                           ? error->message : "invalid")));
}

/* Whether @doc follows the schema; what libxml2 said goes to @errors when
 * given. */
static gboolean
follows_schema (xmlRelaxNG   *schema,
                xmlDoc       *doc,
                SchemaErrors *errors)
{
  xmlRelaxNGValidCtxt *ctxt = xmlRelaxNGNewValidCtxt (schema);
  int result;

  xmlRelaxNGSetValidStructuredErrors (ctxt, schema_error_cb, errors);
  result = xmlRelaxNGValidateDoc (ctxt, doc);
  xmlRelaxNGFreeValidCtxt (ctxt);

  return result == 0;
}

/* Whether @doc follows the schema without @node, which is put back. */
static gboolean
follows_without (xmlRelaxNG *schema,
                 xmlDoc     *doc,
                 xmlNode    *node)
{
  xmlNode *parent = node->parent;
  xmlNode *next = node->next;
  gboolean valid;

  xmlUnlinkNode (node);
  valid = follows_schema (schema, doc, NULL);

  if (next != NULL)
    xmlAddPrevSibling (next, node);
  else
    xmlAddChild (parent, node);

  return valid;
}

/* The same without the attribute @attr of @node. */
static gboolean
follows_without_attr (xmlRelaxNG *schema,
                      xmlDoc     *doc,
                      xmlNode    *node,
                      xmlAttr    *attr)
{
  gboolean valid;

  if (attr->prev != NULL)
    attr->prev->next = attr->next;
  else
    node->properties = attr->next;
  if (attr->next != NULL)
    attr->next->prev = attr->prev;

  valid = follows_schema (schema, doc, NULL);

  if (attr->prev != NULL)
    attr->prev->next = attr;
  else
    node->properties = attr;
  if (attr->next != NULL)
    attr->next->prev = attr;

  return valid;
}

typedef struct
{
  xmlNode *node;
  unsigned depth;
  unsigned probes;
  unsigned max_probes;
} Culprit;

/* The trial validations a search may make: each costs the size of the
 * document, so a large one gets fewer, then libxml2's own report. */
#define PROBE_BUDGET 400000

static unsigned
count_elements (xmlNode *node)
{
  unsigned count = 1;

  for (xmlNode *child = node->children; child != NULL; child = child->next)
    {
      if (child->type == XML_ELEMENT_NODE)
        count += count_elements (child);
    }

  return count;
}

static unsigned
depth_of (xmlNode *node)
{
  unsigned depth = 0;

  for (; node->parent != NULL && node->parent->type == XML_ELEMENT_NODE;
       node = node->parent)
    depth++;

  return depth;
}

/* Whether the document follows the schema without @node, which then is
 * the deepest culprit so far. */
static void
probe (xmlRelaxNG *schema,
       xmlDoc     *doc,
       xmlNode    *node,
       unsigned    depth,
       Culprit    *culprit)
{
  if (depth <= culprit->depth || culprit->probes >= culprit->max_probes)
    return;

  culprit->probes++;
  if (follows_without (schema, doc, node))
    {
      culprit->node = node;
      culprit->depth = depth;
    }
}

/* libxml2 names the element whose content failed (often <devices> or the
 * root), not what is wrong inside.  The element to blame is the deepest
 * one without which the document would follow the schema, searched for
 * below @node. */
static void
find_culprit (xmlRelaxNG *schema,
              xmlDoc     *doc,
              xmlNode    *node,
              unsigned    depth,
              Culprit    *culprit)
{
  for (xmlNode *child = node->children; child != NULL; child = child->next)
    {
      if (child->type != XML_ELEMENT_NODE)
        continue;

      probe (schema, doc, child, depth + 1, culprit);

      /* A required element (<os>) cannot go, yet what fails may be inside
       * it: look in every element. */
      find_culprit (schema, doc, child, depth + 1, culprit);
    }
}

/* The search starts below the elements libxml2 named, or at the root
 * when it named the root or nothing. */
static void
search_culprit (xmlRelaxNG   *schema,
                xmlDoc       *doc,
                SchemaErrors *errors,
                Culprit      *culprit)
{
  xmlNode *root = xmlDocGetRootElement (doc);
  g_autoptr(GPtrArray) starts = g_ptr_array_new ();

  culprit->max_probes = MAX (PROBE_BUDGET / count_elements (root), 16);

  for (unsigned i = 0; i < errors->nodes->len; i++)
    {
      xmlNode *node = errors->nodes->pdata[i];

      if (node == NULL || node->type != XML_ELEMENT_NODE || node == root)
        {
          g_ptr_array_set_size (starts, 0);
          break;
        }
      if (!g_ptr_array_find (starts, node, NULL))
        g_ptr_array_add (starts, node);
    }

  if (starts->len == 0)
    {
      find_culprit (schema, doc, root, 0, culprit);
      return;
    }

  for (unsigned i = 0; i < starts->len; i++)
    {
      xmlNode *start = starts->pdata[i];
      unsigned depth = depth_of (start);

      probe (schema, doc, start, depth, culprit);
      find_culprit (schema, doc, start, depth, culprit);
    }
}

/* The attribute of @node without which the document follows the schema,
 * or NULL. */
static xmlAttr *
find_culprit_attr (xmlRelaxNG *schema,
                   xmlDoc     *doc,
                   xmlNode    *node)
{
  for (xmlAttr *attr = node->properties; attr != NULL; attr = attr->next)
    {
      if (follows_without_attr (schema, doc, node, attr))
        return attr;
    }

  return NULL;
}

/* libxml2's messages that only say that an enclosing element failed. */
static gboolean
is_generic_message (const char *message)
{
  return g_str_has_prefix (message, "Element ") ||
         g_str_has_prefix (message, "Error validating value") ||
         g_str_has_prefix (message, "Extra element ") ||
         g_str_has_prefix (message, "Invalid sequence in interleave") ||
         g_str_has_prefix (message, "Expecting no namespace");
}

static char *
attr_value (xmlAttr *attr)
{
  xmlChar *value = xmlNodeListGetString (attr->doc, attr->children, 1);
  char *copy = g_strdup (value != NULL ? (const char *) value : "");

  xmlFree (value);

  return copy;
}

static void
validate_schema (HangarDomainDoc *self,
                 GPtrArray       *issues)
{
  xmlRelaxNG *schema = get_schema ();
  SchemaErrors errors = { NULL, NULL };
  Culprit culprit = { NULL, 0, 0, 0 };
  xmlDoc *copy;
  xmlAttr *attr;
  g_autofree char *detail = NULL;
  char *message;

  if (schema == NULL)
    return;

  errors.nodes = g_ptr_array_new ();
  errors.messages = g_ptr_array_new_with_free_func (g_free);

  if (follows_schema (schema, hangar_domain_doc_get_xml (self), &errors))
    goto out;

  /* The trials take elements out and put them back: on a copy, whose
   * nodes keep the lines of the document's, and whose errors name its
   * own nodes. */
  copy = xmlCopyDoc (hangar_domain_doc_get_xml (self), 1);
  g_ptr_array_set_size (errors.nodes, 0);
  g_ptr_array_set_size (errors.messages, 0);
  follows_schema (schema, copy, &errors);
  search_culprit (schema, copy, &errors, &culprit);

  if (culprit.node == NULL)
    {
      /* Several independent errors, or a required element missing:
       * libxml2's report is all there is (its nodes are the copy's, with
       * the same paths and lines). */
      for (unsigned i = 0; i < errors.messages->len; i++)
        {
          HangarModelIssue *issue;

          issue = issue_new (HANGAR_MODEL_ISSUE_ERROR, errors.nodes->pdata[i],
                             g_strdup (errors.messages->pdata[i]));
          if (issue->path == NULL)
            issue->path = g_strdup ("/domain");
          g_ptr_array_add (issues, issue);
        }
      xmlFreeDoc (copy);
      goto out;
    }

  /* libxml2's own words where they say more than "failed". */
  for (unsigned i = 0; i < errors.messages->len; i++)
    {
      if (!is_generic_message (errors.messages->pdata[i]))
        {
          detail = g_strdup (errors.messages->pdata[i]);
          break;
        }
    }

  attr = find_culprit_attr (schema, copy, culprit.node);
  if (attr != NULL)
    {
      g_autofree char *value = attr_value (attr);

      message = g_strdup_printf (_("libvirt's schema does not allow "
                                   "%s=“%s” on <%s>"),
                                 attr->name, value, culprit.node->name);
    }
  else
    {
      message = g_strdup_printf (_("libvirt's schema does not allow this "
                                   "<%s> here, or something in it"),
                                 culprit.node->name);
    }

  if (detail != NULL)
    {
      char *with_detail = g_strdup_printf ("%s (%s)", message, detail);

      g_free (message);
      message = with_detail;
    }

  g_ptr_array_add (issues,
                   issue_new (HANGAR_MODEL_ISSUE_ERROR, culprit.node, message));
  xmlFreeDoc (copy);

out:
  g_ptr_array_unref (errors.nodes);
  g_ptr_array_unref (errors.messages);
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
add_error (GPtrArray  *issues,
           xmlNode    *node,
           char       *message)
{
  g_ptr_array_add (issues, issue_new (HANGAR_MODEL_ISSUE_ERROR, node, message));
}

/* Adds @key to @seen; FALSE when it was there already. */
static gboolean
first_of (GHashTable *seen,
          char       *key)
{
  if (g_hash_table_contains (seen, key))
    {
      g_free (key);
      return FALSE;
    }

  g_hash_table_add (seen, key);

  return TRUE;
}

static GHashTable *
new_string_set (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/* controller:bus:target:unit of a disk's drive address, with its bus:
 * libvirt refuses two disks on one place of one controller. */
static char *
drive_key (xmlNode *disk)
{
  xmlNode *address = hangar_xml_find_child (disk, "address");
  g_autofree char *type = hangar_xml_dup_attr (address, "type");
  g_autofree char *bus = hangar_xml_path_dup_value (disk, "target@bus");
  static const char * const parts[] = { "controller", "bus", "target", "unit" };
  GString *key;

  if (g_strcmp0 (type, "drive") != 0)
    return NULL;

  key = g_string_new (bus != NULL ? bus : "");
  for (unsigned i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      g_autofree char *text = hangar_xml_dup_attr (address, parts[i]);
      guint64 value = 0;

      if (text != NULL && !parse_number (text, &value))
        {
          g_string_free (key, TRUE);
          return NULL;
        }
      g_string_append_printf (key, ":%" G_GUINT64_FORMAT, value);
    }

  return g_string_free (key, FALSE);
}

static gboolean
is_usb_companion (xmlNode *controller)
{
  g_autofree char *model = hangar_xml_dup_attr (controller, "model");

  return hangar_xml_find_child (controller, "master") != NULL ||
         (model != NULL && g_str_has_prefix (model, "ich9-uhci"));
}

static gboolean
is_serial_console (xmlNode *device)
{
  g_autofree char *target = NULL;

  if (!hangar_xml_is_element (device, "console"))
    return FALSE;

  target = hangar_xml_path_dup_value (device, "target@type");

  return target == NULL || g_str_equal (target, "serial");
}

static void
check_devices (HangarDomainDoc *self,
               GPtrArray       *issues)
{
  g_autoptr(GHashTable) targets = new_string_set ();
  g_autoptr(GHashTable) pci = new_string_set ();
  g_autoptr(GHashTable) drives = new_string_set ();
  g_autoptr(GHashTable) controllers = new_string_set ();
  g_autoptr(GHashTable) aliases = new_string_set ();
  g_autoptr(GHashTable) boot_orders = new_string_set ();
  g_autoptr(GPtrArray) spice_only = g_ptr_array_new ();
  xmlNode *root = hangar_domain_doc_get_root (self);
  xmlNode *devices = hangar_xml_find_child (root, "devices");
  xmlNode *first_boot = NULL;
  gboolean has_spice = FALSE;

  for (xmlNode *device = devices != NULL ? devices->children : NULL;
       device != NULL;
       device = device->next)
    {
      g_autofree char *type = NULL;
      g_autofree char *alias = NULL;
      g_autofree char *order = NULL;
      xmlNode *address;
      xmlNode *boot;

      if (device->type != XML_ELEMENT_NODE || device->ns != NULL)
        continue;

      type = hangar_xml_dup_attr (device, "type");

      if (hangar_xml_is_element (device, "disk"))
        {
          char *dev = hangar_xml_path_dup_value (device, "target@dev");
          char *drive = drive_key (device);

          if (dev != NULL && !first_of (targets, g_strdup (dev)))
            add_error (issues, device,
                       g_strdup_printf (_("Two disks use the target “%s”"),
                                        dev));
          g_free (dev);

          if (drive != NULL && !first_of (drives, drive))
            add_error (issues, hangar_xml_find_child (device, "address"),
                       g_strdup (_("Two disks use the same place on one "
                                   "disk controller (the same drive "
                                   "address)")));
        }

      /* USB companion controllers (UHCI beside EHCI) share the index of
       * their master. */
      if (hangar_xml_is_element (device, "controller") &&
          !is_usb_companion (device))
        {
          g_autofree char *index = hangar_xml_dup_attr (device, "index");

          if (type != NULL && index != NULL &&
              !first_of (controllers, g_strdup_printf ("%s:%s", type, index)))
            add_error (issues, device,
                       g_strdup_printf (_("Two “%s” controllers have the "
                                          "index %s"), type, index));
        }

      if (hangar_xml_is_element (device, "graphics") &&
          g_strcmp0 (type, "spice") == 0)
        has_spice = TRUE;

      if (hangar_device_node_is_spice_only (device))
        g_ptr_array_add (spice_only, device);

      /* Aliases given by the user ("ua-…") must be unique. */
      alias = hangar_xml_path_dup_value (device, "alias@name");
      if (alias != NULL && g_str_has_prefix (alias, "ua-") &&
          !first_of (aliases, g_strdup (alias)))
        add_error (issues, hangar_xml_find_child (device, "alias"),
                   g_strdup_printf (_("Two devices have the alias “%s”"),
                                    alias));

      boot = hangar_xml_find_child (device, "boot");
      order = hangar_xml_dup_attr (boot, "order");
      if (boot != NULL && first_boot == NULL)
        first_boot = boot;
      if (order != NULL && !first_of (boot_orders, g_strdup (order)))
        add_error (issues, boot,
                   g_strdup_printf (_("Two devices have the boot order %s"),
                                    order));

      /* A serial console is the first serial port again, with its
       * address. */
      address = hangar_xml_find_child (device, "address");
      if (address != NULL && !is_serial_console (device))
        {
          char *key = pci_key (address);

          if (key != NULL)
            {
              g_autofree char *shown = g_strdup (key);

              if (!first_of (pci, key))
                add_error (issues, address,
                           g_strdup_printf (_("Two devices use the PCI "
                                              "address %s"), shown));
            }
        }
    }

  if (!has_spice)
    {
      for (unsigned i = 0; i < spice_only->len; i++)
        {
          xmlNode *device = spice_only->pdata[i];

          add_error (issues, device,
                     g_strdup_printf (_("This <%s> needs SPICE graphics, "
                                        "which the domain does not have"),
                                      device->name));
        }
    }

  if (first_boot != NULL &&
      hangar_xml_path_find (root, "os/boot", FALSE) != NULL)
    add_error (issues, first_boot,
               g_strdup (_("Per-device boot orders cannot be mixed with "
                           "<os><boot> elements")));
}

static void
check_general (HangarDomainDoc *self,
               GPtrArray       *issues)
{
  xmlNode *root = hangar_domain_doc_get_root (self);
  xmlNode *topology = hangar_xml_path_find (root, "cpu/topology", FALSE);
  g_autofree char *secure = hangar_xml_path_dup_value (root, "os/loader@secure");
  g_autofree char *smm = hangar_xml_path_dup_value (root, "features/smm@state");

  if (topology != NULL)
    {
      static const char * const parts[] = {
        "sockets", "dies", "clusters", "cores", "threads"
      };
      guint64 product = 1;

      for (unsigned i = 0; i < G_N_ELEMENTS (parts); i++)
        {
          g_autofree char *text = hangar_xml_dup_attr (topology, parts[i]);
          guint64 value;

          if (text != NULL && parse_number (text, &value) && value > 0)
            product *= value;
        }

      if (product != hangar_domain_doc_get_vcpus (self))
        add_error (issues, topology,
                   g_strdup_printf (_("The CPU topology gives %" G_GUINT64_FORMAT
                                      " vCPUs, not the %u the domain has"),
                                    product,
                                    hangar_domain_doc_get_vcpus (self)));
    }

  if (g_strcmp0 (secure, "yes") == 0 &&
      (smm == NULL || g_strcmp0 (smm, "on") != 0))
    add_error (issues, hangar_xml_path_find (root, "os/loader", FALSE),
               g_strdup (_("Secure Boot needs SMM: turn the SMM feature "
                           "on")));
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

/* The namespaces of the hypervisor drivers' own extensions, which libvirt
 * keeps outside <metadata>. */
static const char * const driver_namespaces[] = {
  "http://libvirt.org/schemas/domain/qemu/1.0",
  "http://libvirt.org/schemas/domain/lxc/1.0",
  "http://libvirt.org/schemas/domain/bhyve/1.0",
  "http://libvirt.org/schemas/domain/xen/1.0",
  "http://libvirt.org/schemas/domain/vmware/1.0",
  NULL
};

static gboolean
is_driver_namespace (xmlNs *ns)
{
  return ns != NULL && ns->href != NULL &&
         g_strv_contains (driver_namespaces, (const char *) ns->href);
}

/* Elements and attributes of other namespaces outside <metadata>: libvirt
 * does not know them and drops them on define. */
static void
find_foreign (xmlNode   *node,
              GPtrArray *issues)
{
  for (xmlAttr *attr = node->properties; attr != NULL; attr = attr->next)
    {
      if (attr->ns != NULL && !is_driver_namespace (attr->ns))
        g_ptr_array_add (issues,
                         issue_new (HANGAR_MODEL_ISSUE_WARNING, node,
                                    g_strdup_printf (_("libvirt drops the "
                                                       "attribute %s:%s of "
                                                       "the namespace “%s”: "
                                                       "it keeps foreign "
                                                       "data only in "
                                                       "<metadata>"),
                                                     attr->ns->prefix,
                                                     attr->name,
                                                     attr->ns->href)));
    }

  for (xmlNode *child = node->children; child != NULL; child = child->next)
    {
      if (child->type != XML_ELEMENT_NODE)
        continue;

      if (child->ns == NULL)
        {
          /* <metadata> is where foreign data belongs. */
          if (!hangar_xml_is_element (child, "metadata") ||
              child->parent != xmlDocGetRootElement (child->doc))
            find_foreign (child, issues);
          continue;
        }

      if (!is_driver_namespace (child->ns))
        g_ptr_array_add (issues,
                         issue_new (HANGAR_MODEL_ISSUE_WARNING, child,
                                    g_strdup_printf (_("libvirt drops "
                                                       "<%s%s%s> of the "
                                                       "namespace “%s”: it "
                                                       "keeps foreign data "
                                                       "only in <metadata>"),
                                                     child->ns->prefix != NULL
                                                       ? (const char *) child->ns->prefix
                                                       : "",
                                                     child->ns->prefix != NULL
                                                       ? ":" : "",
                                                     child->name,
                                                     child->ns->href)));
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
    {
      check_general (self, issues);
      check_devices (self, issues);
    }

  if (flags & HANGAR_VALIDATE_WARNINGS)
    {
      find_comments ((xmlNode *) hangar_domain_doc_get_xml (self), issues);
      check_metadata (self, issues);
      find_foreign (hangar_domain_doc_get_root (self), issues);
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
