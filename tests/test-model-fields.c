/* test-model-fields.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-model-fields"

#include "config.h"

#include <string.h>

#include <libxml/c14n.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "hangar-domain-doc.h"
#include "hangar-xml-path.h"
#include "test-model-common.h"

/* Every typed field, general and of every device kind, edited over the
 * corpus documents that have its element: each is set to another value
 * (or created) and removed on a fresh copy, and the canonical diff against
 * the original must touch that field alone, or for a field with dependent
 * changes that device alone (and what the model says goes with it).
 *
 * Before the edits every document is given what Hangar does not know:
 * an attribute and an element of a foreign namespace, a default-namespace
 * element and a comment on the root, each device and the general elements
 * fields live in, and each of their children but the flags (<readonly/>).
 * They must survive every edit, inside the edited device too. */

#define TEST_NS "urn:hangar-test"

/* Documents without the field's element get it created: this many of
 * them per field, spread over the corpus, is enough to see every shape. */
#define MAX_CREATIONS 40

/* The originals */

typedef struct
{
  char *label;
  HangarDomainDoc *doc;
  char *canonical;   /* C14N of the document as loaded */
  xmlDoc *tree;      /* the canonical text parsed again */
} Original;

static void
original_free (Original *original)
{
  g_free (original->label);
  g_clear_object (&original->doc);
  g_free (original->canonical);
  g_clear_pointer (&original->tree, xmlFreeDoc);
  g_free (original);
}

static xmlNode *
new_marker (xmlDoc *doc,
            xmlNs  *ns)
{
  xmlNode *extra = xmlNewDocNode (doc, ns, BAD_CAST "extra", NULL);
  xmlNode *inner = xmlNewDocNode (doc, NULL, BAD_CAST "inner",
                                  BAD_CAST "kept");

  /* An element in a default namespace inside a prefixed one. */
  xmlAddChild (extra, inner);
  xmlSetNs (inner, xmlNewNs (inner, BAD_CAST "urn:hangar-default", NULL));

  return extra;
}

/* Gives @node a foreign attribute, a comment before its first child and
 * a foreign element after its last. */
static void
mark_element (xmlNode *node,
              xmlNs   *ns)
{
  xmlNode *comment = xmlNewDocComment (node->doc, BAD_CAST " kept ");

  xmlSetNsProp (node, ns, BAD_CAST "mark", BAD_CAST "kept");

  if (node->children != NULL)
    xmlAddPrevSibling (node->children, comment);
  else
    xmlAddChild (node, comment);

  xmlAddChild (node, new_marker (node->doc, ns));
}

static const char * const marked_elements[] = {
  "os", "cpu", "features", "clock", "memoryBacking", "pm", NULL
};

/* Whether @name under @parent is the element of a FLAG field (<readonly/>,
 * <acpi/>): its presence is the value, so nothing is put in it. */
static gboolean
is_flag_element (xmlNode    *parent,
                 const char *name)
{
  const HangarField *fields;
  unsigned n;

  if (xmlStrEqual (parent->name, BAD_CAST "devices"))
    return FALSE;

  if (parent->parent != NULL && parent->parent->type == XML_ELEMENT_NODE &&
      xmlStrEqual (parent->parent->name, BAD_CAST "devices"))
    fields = hangar_device_kind_get_fields (
               hangar_device_kind_from_name ((const char *) parent->name), &n);
  else
    fields = hangar_domain_doc_get_fields (&n);

  for (unsigned i = 0; i < n; i++)
    {
      const char *last = strrchr (fields[i].path, '/');

      if (fields[i].type == HANGAR_FIELD_FLAG &&
          g_str_equal (last != NULL ? last + 1 : fields[i].path, name))
        return TRUE;
    }

  return FALSE;
}

/* Marks @node and, one level down, its libvirt children. */
static void
mark_with_children (xmlNode *node,
                    xmlNs   *ns)
{
  for (xmlNode *child = node->children; child != NULL; child = child->next)
    {
      if (child->type == XML_ELEMENT_NODE && child->ns == NULL &&
          !is_flag_element (node, (const char *) child->name))
        mark_element (child, ns);
    }

  mark_element (node, ns);
}

/* The document's text with the markers added everywhere fields live. */
static char *
add_markers (const char *text)
{
  xmlDoc *doc = hangar_test_parse (text, strlen (text));
  xmlNode *root = xmlDocGetRootElement (doc);
  xmlNs *ns;
  xmlChar *out = NULL;
  char *copy;
  int size;

  ns = xmlNewNs (root, BAD_CAST TEST_NS, BAD_CAST "ht");
  mark_element (root, ns);

  for (xmlNode *child = root->children; child != NULL; child = child->next)
    {
      if (child->type != XML_ELEMENT_NODE || child->ns != NULL)
        continue;

      if (g_strv_contains (marked_elements, (const char *) child->name))
        {
          mark_with_children (child, ns);
          continue;
        }

      if (!xmlStrEqual (child->name, BAD_CAST "devices"))
        continue;

      for (xmlNode *device = child->children; device; device = device->next)
        {
          if (device->type == XML_ELEMENT_NODE && device->ns == NULL &&
              !xmlStrEqual (device->name, BAD_CAST "emulator"))
            mark_with_children (device, ns);
        }
    }

  xmlDocDumpMemory (doc, &out, &size);
  copy = g_strndup ((const char *) out, size);
  xmlFree (out);
  xmlFreeDoc (doc);

  return copy;
}

static Original *
original_new (const char *label,
              const char *text)
{
  Original *original = g_new0 (Original, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *marked = add_markers (text);

  original->label = g_strdup (label);
  original->doc = hangar_domain_doc_new_from_string (marked, -1, label,
                                                     &error);
  g_assert_no_error (error);
  original->canonical = hangar_test_doc_canonical (original->doc);
  original->tree = hangar_test_parse (original->canonical,
                                      strlen (original->canonical));

  return original;
}

static GPtrArray *
get_originals (void)
{
  static GPtrArray *originals = NULL;
  GPtrArray *domains;

  if (originals != NULL)
    return originals;

  originals = g_ptr_array_new_with_free_func ((GDestroyNotify) original_free);
  domains = hangar_test_corpus_domains ();

  for (unsigned i = 0; i < domains->len; i++)
    {
      HangarTestDomain *domain = domains->pdata[i];

      g_ptr_array_add (originals, original_new (domain->label, domain->text));
    }

  return originals;
}

/* What a field's edit may touch */

typedef struct
{
  /* Where the field's path starts: the root or a device. */
  HangarDeviceKind kind;
  unsigned index;
  const HangarField *field;
} Site;

static xmlNode *
find_device_node (xmlDoc           *tree,
                  HangarDeviceKind  kind,
                  unsigned          index)
{
  xmlNode *devices = hangar_xml_path_find (xmlDocGetRootElement (tree),
                                           "devices", FALSE);

  for (xmlNode *child = devices != NULL ? devices->children : NULL;
       child != NULL;
       child = child->next)
    {
      if (child->type == XML_ELEMENT_NODE && child->ns == NULL &&
          hangar_device_kind_from_name ((const char *) child->name) == kind &&
          index-- == 0)
        return child;
    }

  return NULL;
}

static xmlNode *
site_base (const Site *site,
           xmlDoc     *tree)
{
  if (site->kind == HANGAR_DEVICE_OTHER)
    return xmlDocGetRootElement (tree);

  return find_device_node (tree, site->kind, site->index);
}

/* The element part of a field's path ("driver" of "driver@cache"). */
static char *
element_part (const char *path)
{
  const char *at = strrchr (path, '@');

  if (at != NULL && strchr (at, ']') == NULL)
    return g_strndup (path, at - path);

  return g_strdup (path);
}

static unsigned
count_named (xmlNode    *parent,
             const char *name)
{
  unsigned count = 0;

  for (xmlNode *child = parent->children; child != NULL; child = child->next)
    {
      if (child->type == XML_ELEMENT_NODE && child->ns == NULL &&
          xmlStrEqual (child->name, BAD_CAST name))
        count++;
    }

  return count;
}

/* The name of a path step, without its [attr=value] key. */
static char *
step_element (const char *step)
{
  return g_strndup (step, strcspn (step, "["));
}

/* The path the diff may see changed for a plain field: the field's
 * attribute or text; or where the edit created or removed an element on
 * the path, all the elements of that name there (removing the first of
 * several moves the others up). */
static char *
field_target (const Site *site,
              gboolean    remove,
              xmlDoc     *before,
              xmlDoc     *after)
{
  const char *path = site->field->path;
  g_autofree char *elements = element_part (path);
  const char *attr = strlen (elements) < strlen (path)
                       ? path + strlen (elements) + 1 : NULL;
  xmlNode *base_a = site_base (site, before);
  xmlNode *base_b = site_base (site, after);
  g_auto(GStrv) steps = g_strsplit (elements, "/", -1);
  g_autoptr(GString) prefix = g_string_new (NULL);
  xmlNode *parent_a = base_a;
  xmlNode *parent_b = base_b;
  g_autofree char *node_path = NULL;

  for (unsigned i = 0; steps[i] != NULL && *steps[i] != '\0'; i++)
    {
      g_autofree char *name = step_element (steps[i]);
      xmlNode *a;
      xmlNode *b;

      if (count_named (parent_a, name) != count_named (parent_b, name))
        {
          g_autofree char *parent_path = hangar_test_node_path (parent_b);

          return g_strdup_printf ("%s/%s[*]", parent_path, name);
        }

      if (prefix->len > 0)
        g_string_append_c (prefix, '/');
      g_string_append (prefix, steps[i]);

      a = hangar_xml_path_find (base_a, prefix->str, FALSE);
      b = hangar_xml_path_find (base_b, prefix->str, FALSE);
      g_assert_true (a != NULL && b != NULL);
      parent_a = a;
      parent_b = b;
    }

  node_path = hangar_test_node_path (parent_b);

  /* Removing an element's text removes the element, or what libvirt
   * knows of it where something foreign stays in it. */
  if (attr != NULL)
    return g_strdup_printf ("%s/@%s", node_path, attr);
  if (site->field->type == HANGAR_FIELD_FLAG || remove)
    return g_steal_pointer (&node_path);

  return g_strdup_printf ("%s/text()", node_path);
}

/* What the diff may see changed: the field, or the whole device for a
 * field with dependent changes, and what the model's contract lets those
 * touch elsewhere. */
static GPtrArray *
edit_targets (const Site *site,
              gboolean    remove,
              xmlDoc     *before,
              xmlDoc     *after)
{
  GPtrArray *targets = g_ptr_array_new_with_free_func (g_free);
  const char *name = site->field->name;

  if ((site->field->flags & HANGAR_FIELD_DEPENDENT) != 0 &&
      site->kind != HANGAR_DEVICE_OTHER)
    g_ptr_array_add (targets,
                     hangar_test_node_path (site_base (site, after)));
  else
    g_ptr_array_add (targets, field_target (site, remove, before, after));

  /* libvirt refuses <os><boot> next to per-device boot orders. */
  if (g_str_equal (name, "boot-order"))
    g_ptr_array_add (targets, g_strdup ("/domain/os/boot[*]"));

  /* Leaving SPICE takes what works only with it. */
  if (site->kind == HANGAR_DEVICE_GRAPHICS && g_str_equal (name, "type"))
    {
      static const char * const spice_only[] = {
        "channel", "redirdev", "smartcard", "audio", "serial", "console",
        "parallel", NULL
      };

      for (unsigned i = 0; spice_only[i] != NULL; i++)
        g_ptr_array_add (targets,
                         g_strdup_printf ("/domain/devices/%s[*]",
                                          spice_only[i]));
    }

  g_ptr_array_add (targets, NULL);

  return targets;
}

/* What Hangar does not know inside @node: foreign elements and attributes
 * (by namespace URI and name) and comments, as counts. */
static void
collect_foreign (xmlNode    *node,
                 GHashTable *counts)
{
  for (xmlAttr *attr = node->properties; attr != NULL; attr = attr->next)
    {
      if (attr->ns != NULL)
        {
          char *key = g_strdup_printf ("@{%s}%s", attr->ns->href, attr->name);

          g_hash_table_insert (counts, key,
                               GUINT_TO_POINTER (GPOINTER_TO_UINT (
                                 g_hash_table_lookup (counts, key)) + 1));
        }
    }

  for (xmlNode *child = node->children; child != NULL; child = child->next)
    {
      char *key = NULL;

      if (child->type == XML_COMMENT_NODE)
        key = g_strdup_printf ("<!--%s-->", child->content);
      else if (child->type == XML_ELEMENT_NODE && child->ns != NULL)
        key = g_strdup_printf ("{%s}%s", child->ns->href, child->name);

      if (key != NULL)
        g_hash_table_insert (counts, key,
                             GUINT_TO_POINTER (GPOINTER_TO_UINT (
                               g_hash_table_lookup (counts, key)) + 1));

      if (child->type == XML_ELEMENT_NODE)
        collect_foreign (child, counts);
    }
}

/* Whether everything foreign in @before's node is in @after's. */
static gboolean
foreign_kept (xmlNode *before,
              xmlNode *after,
              GString *report)
{
  g_autoptr(GHashTable) a = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                   g_free, NULL);
  g_autoptr(GHashTable) b = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                   g_free, NULL);
  GHashTableIter iter;
  const char *key;
  gpointer count;
  gboolean kept = TRUE;

  collect_foreign (before, a);
  collect_foreign (after, b);

  g_hash_table_iter_init (&iter, a);
  while (g_hash_table_iter_next (&iter, (gpointer *) &key, &count))
    {
      if (GPOINTER_TO_UINT (g_hash_table_lookup (b, key)) <
          GPOINTER_TO_UINT (count))
        {
          g_string_append_printf (report, "  lost %s\n", key);
          kept = FALSE;
        }
    }

  return kept;
}

/* Applying one edit */

typedef struct
{
  unsigned documents;   /* corpus documents with the field's base */
  unsigned changed;     /* set to another value */
  unsigned created;     /* set where it was missing */
  unsigned removed;
  unsigned unchanged;   /* nothing to do: the document stayed the same */
  unsigned refused;     /* libvirt would refuse it: the model said why */
  GHashTable *reasons;
} Counts;

static void
count_signal_cb (gpointer  object,
                 unsigned *count)
{
  (*count)++;
}

static gboolean
is_dependent (const Site *site)
{
  return (site->field->flags & HANGAR_FIELD_DEPENDENT) != 0;
}

/* Another value for @field than @current, one libvirt may accept. */
static char *
pick_string (const HangarField *field,
             const char        *current)
{
  if (field->choices != NULL)
    {
      for (unsigned i = 0; field->choices[i] != NULL; i++)
        {
          if (g_strcmp0 (field->choices[i], current) != 0)
            return g_strdup (field->choices[i]);
        }
    }

  if (g_str_equal (field->name, "uuid"))
    return g_strdup (g_strcmp0 (current, "5e8a6c2e-5b2a-4d0b-9a55-0f2b1c3d4e5f")
                     == 0 ? "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9"
                          : "5e8a6c2e-5b2a-4d0b-9a55-0f2b1c3d4e5f");
  if (g_str_equal (field->name, "mac"))
    return g_strdup (g_strcmp0 (current, "52:54:00:12:34:56") == 0
                     ? "52:54:00:65:43:21" : "52:54:00:12:34:56");
  if (g_str_equal (field->name, "listen-address"))
    return g_strdup (g_strcmp0 (current, "127.0.0.1") == 0 ? "::1"
                                                           : "127.0.0.1");

  if (current != NULL)
    return g_strconcat (current, "-edited", NULL);

  return g_strdup ("edited");
}

static const char *
get_string (HangarDomainDoc *doc,
            HangarDevice    *device,
            const char      *name)
{
  if (device != NULL)
    return hangar_device_get_string (device, name);

  return hangar_domain_doc_get_string (doc, name);
}

static gboolean
get_uint (HangarDomainDoc *doc,
          HangarDevice    *device,
          const char      *name,
          guint64         *value)
{
  if (device != NULL)
    return hangar_device_get_uint (device, name, value);

  return hangar_domain_doc_get_uint (doc, name, value);
}

static gboolean
get_flag (HangarDomainDoc *doc,
          HangarDevice    *device,
          const char      *name)
{
  if (device != NULL)
    return hangar_device_get_flag (device, name);

  return hangar_domain_doc_get_flag (doc, name);
}

static gboolean
set_string (HangarDomainDoc  *doc,
            HangarDevice     *device,
            const char       *name,
            const char       *value,
            GError          **error)
{
  if (device != NULL)
    return hangar_device_set_string (device, name, value, error);

  return hangar_domain_doc_set_string (doc, name, value, error);
}

static gboolean
is_set (HangarDomainDoc   *doc,
        HangarDevice      *device,
        const HangarField *field)
{
  guint64 value;

  switch (field->type)
    {
    case HANGAR_FIELD_FLAG:
      return get_flag (doc, device, field->name);
    case HANGAR_FIELD_UINT:
      return get_uint (doc, device, field->name, &value) ||
             get_string (doc, device, field->name) != NULL;
    default:
      return get_string (doc, device, field->name) != NULL;
    }
}

/* Sets the field to another value (@remove: removes it), checks what the
 * getter says, and returns FALSE with @error where the model refused. */
static gboolean
apply_edit (HangarDomainDoc    *doc,
            HangarDevice       *device,
            const HangarField  *field,
            gboolean            remove,
            gboolean            repeated,
            GError            **error)
{
  const char *name = field->name;

  if (remove)
    {
      gboolean ok = device != NULL
                      ? hangar_device_unset (device, name, error)
                      : hangar_domain_doc_unset (doc, name, error);

      /* Of repeated elements (codecs, listens) the next one shows. */
      if (ok && is_set (doc, device, field) && !repeated)
        {
          g_test_message ("%s still set after removing it", name);
          g_test_fail ();
        }
      return ok;
    }

  switch (field->type)
    {
    case HANGAR_FIELD_FLAG:
      {
        gboolean value = !get_flag (doc, device, name);
        gboolean ok = device != NULL
                        ? hangar_device_set_flag (device, name, value, error)
                        : hangar_domain_doc_set_flag (doc, name, value, error);

        if (ok)
          g_assert_cmpint (get_flag (doc, device, name), ==, value);
        return ok;
      }

    case HANGAR_FIELD_UINT:
      {
        guint64 current = 0;
        guint64 value;
        guint64 read = 0;
        gboolean ok;

        value = get_uint (doc, device, name, &current) ? current + 1 : 1;
        if (g_str_equal (name, "vcpu-current"))
          value = 1;

        ok = device != NULL
               ? hangar_device_set_uint (device, name, value, error)
               : hangar_domain_doc_set_uint (doc, name, value, error);
        if (ok)
          {
            g_assert_true (get_uint (doc, device, name, &read) ||
                           g_str_equal (name, "vcpu-current"));
            if (!g_str_equal (name, "vcpu-current"))
              g_assert_cmpuint (read, ==, value);
          }
        return ok;
      }

    default:
      {
        g_autofree char *current = g_strdup (get_string (doc, device, name));
        g_autofree char *value = pick_string (field, current);
        gboolean ok = set_string (doc, device, name, value, error);

        /* Where libvirt refuses that value here (a bus this disk cannot
         * have), the next one it knows. */
        for (unsigned i = 0;
             !ok && field->choices != NULL && field->choices[i] != NULL;
             i++)
          {
            if (g_strcmp0 (field->choices[i], current) == 0 ||
                g_strcmp0 (field->choices[i], value) == 0)
              continue;

            g_assert_error (*error, HANGAR_MODEL_ERROR,
                            HANGAR_MODEL_ERROR_INVALID);
            g_clear_error (error);
            g_free (value);
            value = g_strdup (field->choices[i]);
            ok = set_string (doc, device, name, value, error);
          }

        if (ok)
          g_assert_cmpstr (get_string (doc, device, name), ==, value);
        return ok;
      }
    }
}

/* Whether an element on the field's path has siblings of its name. */
static gboolean
is_repeated (const Site *site,
             xmlDoc     *tree)
{
  g_autofree char *elements = element_part (site->field->path);
  g_auto(GStrv) steps = g_strsplit (elements, "/", -1);
  xmlNode *node = site_base (site, tree);

  for (unsigned i = 0; node != NULL && steps[i] != NULL && *steps[i]; i++)
    {
      g_autofree char *name = step_element (steps[i]);

      if (count_named (node, name) > 1)
        return TRUE;
      node = hangar_xml_path_find (node, steps[i], FALSE);
    }

  return FALSE;
}

/* One edit of @site on a copy of @original, checked against it. */
static void
check_edit (Original   *original,
            const Site *site,
            gboolean    remove,
            Counts     *counts)
{
  g_autoptr(HangarDomainDoc) copy = hangar_domain_doc_copy (original->doc);
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) report = g_string_new (NULL);
  g_autoptr(GPtrArray) targets = NULL;
  g_autofree char *after_text = NULL;
  HangarDevice *device = NULL;
  xmlDoc *after;
  unsigned doc_signals = 0;
  unsigned device_signals = 0;
  gboolean was_set;
  gboolean ok;
  gboolean same;

  if (site->kind != HANGAR_DEVICE_OTHER)
    {
      device = hangar_domain_doc_get_device (copy, site->kind, site->index);
      g_assert_nonnull (device);
      g_signal_connect (device, "changed", G_CALLBACK (count_signal_cb),
                        &device_signals);
    }
  g_signal_connect (copy, "changed", G_CALLBACK (count_signal_cb),
                    &doc_signals);

  was_set = is_set (copy, device, site->field);
  ok = apply_edit (copy, device, site->field, remove,
                   is_repeated (site, original->tree), &error);

  after_text = hangar_test_doc_canonical (copy);
  same = strcmp (after_text, original->canonical) == 0;

  /* A refusal names what libvirt would object to and changes nothing;
   * an edit that changes nothing tells nobody. */
  if (!ok)
    {
      g_assert_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_INVALID);
      g_assert_true (same);
      g_assert_cmpuint (doc_signals, ==, 0);
      counts->refused++;
      g_hash_table_add (counts->reasons, g_strdup (error->message));
      return;
    }

  if (same)
    {
      g_assert_cmpuint (doc_signals, ==, 0);
      g_assert_cmpuint (device_signals, ==, 0);
      counts->unchanged++;
      return;
    }

  g_assert_cmpuint (doc_signals, ==, 1);
  if (device != NULL && hangar_device_is_attached (device))
    g_assert_cmpuint (device_signals, ==, 1);

  if (remove)
    counts->removed++;
  else if (was_set)
    counts->changed++;
  else
    counts->created++;

  after = hangar_test_parse (after_text, strlen (after_text));
  targets = edit_targets (site, remove, original->tree, after);

  if (!hangar_test_only_changed (original->tree, after,
                                 (const char * const *) targets->pdata,
                                 report) ||
      (is_dependent (site) && device != NULL &&
       !foreign_kept (site_base (site, original->tree),
                      site_base (site, after), report)))
    {
      g_test_message ("%s: %s %s of %s #%u: %s", original->label,
                      remove ? "removing" : "setting", site->field->name,
                      site->kind != HANGAR_DEVICE_OTHER
                        ? hangar_device_kind_to_name (site->kind) : "domain",
                      site->index, report->str);
      g_test_fail ();
    }

  xmlFreeDoc (after);
}

/* Whether the field can be created at @site: its base is there. */
static gboolean
has_base (Original   *original,
          const Site *site)
{
  return site_base (site, original->tree) != NULL;
}

/* Whether the field is set at @site in @original. */
static gboolean
has_field (Original   *original,
           const Site *site)
{
  HangarDevice *device = NULL;

  if (site->kind != HANGAR_DEVICE_OTHER)
    device = hangar_domain_doc_get_device (original->doc, site->kind,
                                           site->index);

  return is_set (original->doc, device, site->field);
}

static void
report_counts (const char *what,
               Counts     *counts)
{
  g_autoptr(GString) reasons = g_string_new (NULL);
  GHashTableIter iter;
  const char *reason;

  g_hash_table_iter_init (&iter, counts->reasons);
  while (g_hash_table_iter_next (&iter, (gpointer *) &reason, NULL))
    g_string_append_printf (reasons, "\n      refused: %s", reason);

  g_test_message ("  %-32s %4u documents: changed %u, created %u, removed "
                  "%u, unchanged %u, refused %u%s", what, counts->documents,
                  counts->changed, counts->created, counts->removed,
                  counts->unchanged, counts->refused, reasons->str);
}

/* Every field of @kind (HANGAR_DEVICE_OTHER: the general fields), at the
 * first and the last device of that kind in every document of
 * @originals. */
static void
check_fields (GPtrArray         *originals,
              HangarDeviceKind   kind,
              const HangarField *fields,
              unsigned           n_fields)
{
  unsigned total_edits = 0;

  for (unsigned f = 0; f < n_fields; f++)
    {
      Counts counts = { 0, };
      unsigned lacking = 0;
      unsigned lacking_seen = 0;

      if ((fields[f].flags & HANGAR_FIELD_READ_ONLY) != 0)
        continue;

      counts.reasons = g_hash_table_new_full (g_str_hash, g_str_equal,
                                              g_free, NULL);

      /* Spread the creations over the corpus: count the candidates
       * first. */
      for (unsigned i = 0; i < originals->len; i++)
        {
          Original *original = originals->pdata[i];
          Site site = { kind, 0, &fields[f] };

          if (has_base (original, &site) && !has_field (original, &site))
            lacking++;
        }

      for (unsigned i = 0; i < originals->len; i++)
        {
          Original *original = originals->pdata[i];
          unsigned n = 1;

          if (kind != HANGAR_DEVICE_OTHER)
            {
              n = 0;
              while (find_device_node (original->tree, kind, n) != NULL)
                n++;
            }
          if (n > 0)
            counts.documents++;

          for (unsigned d = 0; d < n; d = d == 0 && n > 1 ? n - 1 : n)
            {
              Site site = { kind, d, &fields[f] };

              if (has_field (original, &site))
                {
                  check_edit (original, &site, FALSE, &counts);
                  check_edit (original, &site, TRUE, &counts);
                  total_edits += 2;
                }
              else if (lacking_seen++ % MAX (1, lacking / MAX_CREATIONS) == 0)
                {
                  check_edit (original, &site, FALSE, &counts);
                  total_edits++;
                }
            }
        }

      report_counts (fields[f].name, &counts);

      /* A field no corpus document could take is a field never tested. */
      if (counts.documents > 0 &&
          counts.changed + counts.created + counts.removed == 0)
        {
          g_test_message ("%s: no edit applied anywhere", fields[f].name);
          g_test_fail ();
        }

      g_hash_table_unref (counts.reasons);
    }

  g_test_message ("%u edits checked", total_edits);
}

static void
test_general (void)
{
  unsigned n;
  const HangarField *fields = hangar_domain_doc_get_fields (&n);

  check_fields (get_originals (), HANGAR_DEVICE_OTHER, fields, n);
}

static void
test_device_kind (gconstpointer data)
{
  HangarDeviceKind kind = GPOINTER_TO_UINT (data);
  unsigned n;
  const HangarField *fields = hangar_device_kind_get_fields (kind, &n);
  g_autoptr(GPtrArray) originals = g_ptr_array_new ();
  g_autoptr(HangarDomainDoc) seed = NULL;
  g_autofree char *seed_file = hangar_test_seed_path ();
  g_autofree char *text = NULL;
  g_autofree char *label = NULL;
  g_autoptr(GError) error = NULL;
  Original *added;

  /* Besides the corpus, the seed domain with a new, empty device of this
   * kind: every field is then created from nothing, and kinds the corpus
   * lacks are edited too. */
  seed = hangar_domain_doc_new_from_file (seed_file, &error);
  g_assert_no_error (error);
  g_assert_nonnull (hangar_domain_doc_add_device (seed, kind, NULL));
  text = hangar_domain_doc_to_string (seed);
  label = g_strdup_printf ("gentoo-2.xml with a new <%s>",
                           hangar_device_kind_to_name (kind));
  added = original_new (label, text);

  g_ptr_array_extend (originals, get_originals (), NULL, NULL);
  g_ptr_array_add (originals, added);
  check_fields (originals, kind, fields, n);
  original_free (added);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/hangar/model-fields/general", test_general);

  for (HangarDeviceKind kind = HANGAR_DEVICE_OTHER + 1;
       kind < HANGAR_N_DEVICE_KINDS;
       kind++)
    {
      g_autofree char *path = g_strdup_printf ("/hangar/model-fields/device/%s",
                                               hangar_device_kind_to_name (kind));

      g_test_add_data_func (path, GUINT_TO_POINTER (kind), test_device_kind);
    }

  return g_test_run ();
}
