/* test-model-common.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <libxml/c14n.h>
#include <libxml/parser.h>

#include "hangar-schema-order.h"
#include "test-model-common.h"

/* The corpus */

static char *shared_dir;

static gboolean
is_shared_dir (const char *dir)
{
  g_autofree char *readme = g_build_filename (dir, "corpus", "README.md", NULL);

  return g_file_test (readme, G_FILE_TEST_IS_REGULAR);
}

/* ../shared next to the source tree: tests/meson.build says where through
 * HANGAR_SHARED_DIR; without it, look from the source and build trees. */
static char *
find_shared_dir (void)
{
  const char *env = g_getenv ("HANGAR_SHARED_DIR");
  g_autofree char *source_dir = g_path_get_dirname (__FILE__);
  g_autoptr(GPtrArray) candidates = g_ptr_array_new_with_free_func (g_free);

  if (env != NULL)
    return g_canonicalize_filename (env, NULL);

  g_ptr_array_add (candidates,
                   g_build_filename (g_test_get_dir (G_TEST_DIST),
                                     "..", "..", "shared", NULL));
  if (g_path_is_absolute (source_dir))
    g_ptr_array_add (candidates,
                     g_build_filename (source_dir, "..", "..", "shared", NULL));
  else
    g_ptr_array_add (candidates,
                     g_build_filename (g_test_get_dir (G_TEST_BUILT), "..",
                                       source_dir, "..", "..", "shared",
                                       NULL));

  for (unsigned i = 0; i < candidates->len; i++)
    {
      if (is_shared_dir (candidates->pdata[i]))
        return g_canonicalize_filename (candidates->pdata[i], NULL);
    }

  return NULL;
}

const char *
hangar_test_shared_dir (void)
{
  if (shared_dir == NULL)
    shared_dir = find_shared_dir ();

  if (shared_dir == NULL || !is_shared_dir (shared_dir))
    g_error ("The shared corpus was not found: set HANGAR_SHARED_DIR to the "
             "folder holding corpus/ and seed/");

  return shared_dir;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

static void
collect_files (const char *dir,
               GPtrArray  *files)
{
  g_autoptr(GDir) handle = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  const char *name;

  handle = g_dir_open (dir, 0, &error);
  g_assert_no_error (error);

  while ((name = g_dir_read_name (handle)) != NULL)
    g_ptr_array_add (names, g_strdup (name));

  g_ptr_array_sort (names, compare_names);

  for (unsigned i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, names->pdata[i], NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        collect_files (path, files);
      else
        g_ptr_array_add (files, g_steal_pointer (&path));
    }
}

/* Canonical XML */

xmlDoc *
hangar_test_parse (const char *xml,
                   gsize       length)
{
  xmlParserCtxt *ctxt = xmlNewParserCtxt ();
  xmlDoc *doc;

  doc = xmlCtxtReadMemory (ctxt, xml, length, NULL, NULL,
                           XML_PARSE_NONET | XML_PARSE_NOERROR |
                           XML_PARSE_NOWARNING);
  if (doc != NULL && (!ctxt->wellFormed || !ctxt->nsWellFormed))
    g_clear_pointer (&doc, xmlFreeDoc);

  xmlFreeParserCtxt (ctxt);

  return doc;
}

/* C14N 1.0 with comments, computed by libxml2 alone from the text. */
char *
hangar_test_canonical (const char *xml,
                       gsize       length)
{
  xmlDoc *doc = hangar_test_parse (xml, length);
  xmlChar *out = NULL;
  char *copy;
  int size;

  g_assert_nonnull (doc);

  size = xmlC14NDocDumpMemory (doc, NULL, XML_C14N_1_0, NULL, 1, &out);
  g_assert_cmpint (size, >=, 0);

  copy = g_strndup ((const char *) out, size);
  xmlFree (out);
  xmlFreeDoc (doc);

  return copy;
}

char *
hangar_test_doc_canonical (HangarDomainDoc *doc)
{
  g_autofree char *text = hangar_domain_doc_to_string (doc);

  return hangar_test_canonical (text, strlen (text));
}

/* The canonical-tree diff
 *
 * Both documents are canonicalized and parsed again, then walked together.
 * A node is named by a path of steps "name[k]" (k counts the siblings of
 * the same name and namespace) and attributes by ".../@name".  Every
 * difference must lie under one of the edit's targets; a target element
 * that exists on one side only is left out of its parent's children, and
 * the whitespace around it may then differ. */

typedef struct
{
  GPtrArray *targets;
  GString *report;
  unsigned outside;
  unsigned inside;
} Diff;

static char *
normalize_target (const char *target)
{
  g_auto(GStrv) steps = g_strsplit (target, "/", -1);
  GString *path = g_string_new (NULL);

  for (unsigned i = 1; steps[i] != NULL; i++)
    {
      g_string_append_printf (path, "/%s", steps[i]);
      if (steps[i][0] != '@' && strchr (steps[i], '[') == NULL &&
          strcmp (steps[i], "text()") != 0)
        g_string_append (path, "[1]");
    }

  return g_string_free (path, FALSE);
}

static void
diff_init (Diff               *diff,
           const char * const *targets)
{
  diff->targets = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  diff->report = g_string_new (NULL);
  diff->outside = 0;
  diff->inside = 0;

  for (unsigned i = 0; targets[i] != NULL; i++)
    {
      g_autofree char *normal = normalize_target (targets[i]);

      g_ptr_array_add (diff->targets, g_strsplit (normal + 1, "/", -1));
    }
}

static void
diff_clear (Diff *diff)
{
  g_ptr_array_unref (diff->targets);
  g_string_free (diff->report, TRUE);
}

/* Whether the step of a path that starts at @step and is @length long is
 * @wanted: the same text, or "name[*]" for any "name[k]", or "text()" for
 * any "text()[k]". */
static gboolean
step_matches (const char *wanted,
              const char *step,
              gsize       length)
{
  gsize n = strlen (wanted);

  if (n == length && strncmp (wanted, step, length) == 0)
    return TRUE;

  if (n >= 3 && strcmp (wanted + n - 3, "[*]") == 0)
    return length > n - 2 && strncmp (step, wanted, n - 2) == 0 &&
           step[length - 1] == ']';

  if (strcmp (wanted, "text()") == 0)
    return length > n && strncmp (step, "text()[", n + 1) == 0;

  return FALSE;
}

/* The length of the step at @path (after its '/'): up to the next '/'
 * outside a namespace URI's braces. */
static gsize
step_length (const char *path)
{
  const char *end = path;

  if (*end == '{')
    end = strchr (end, '}');
  end = strchr (end, '/');

  return end != NULL ? (gsize) (end - path) : strlen (path);
}

/* Whether @path is @target (@exact) or lies under it. */
static gboolean
path_matches (const char * const *target,
              const char         *path,
              gboolean            exact)
{
  for (unsigned i = 0; target[i] != NULL; i++)
    {
      gsize length;

      if (*path != '/')
        return FALSE;
      path++;

      length = step_length (path);
      if (!step_matches (target[i], path, length))
        return FALSE;
      path += length;
    }

  return !exact || *path == '\0';
}

static gboolean
is_target (Diff       *diff,
           const char *path)
{
  for (unsigned i = 0; i < diff->targets->len; i++)
    {
      if (path_matches (diff->targets->pdata[i], path, TRUE))
        return TRUE;
    }

  return FALSE;
}

static gboolean
is_under_target (Diff       *diff,
                 const char *path)
{
  for (unsigned i = 0; i < diff->targets->len; i++)
    {
      if (path_matches (diff->targets->pdata[i], path, FALSE))
        return TRUE;
    }

  return FALSE;
}

static void G_GNUC_PRINTF (3, 4)
diff_found (Diff       *diff,
            const char *path,
            const char *format,
            ...)
{
  g_autofree char *what = NULL;
  va_list args;

  if (is_under_target (diff, path))
    {
      diff->inside++;
      return;
    }

  diff->outside++;
  if (diff->outside > 5)
    return;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);

  g_string_append_printf (diff->report, "  %s: %s\n", path, what);
}

static gboolean
same_name (xmlNode *a,
           xmlNode *b)
{
  const xmlChar *a_ns = a->ns != NULL ? a->ns->href : NULL;
  const xmlChar *b_ns = b->ns != NULL ? b->ns->href : NULL;

  return xmlStrEqual (a->name, b->name) && xmlStrEqual (a_ns, b_ns);
}

char *
hangar_test_step_name (xmlNode *node)
{
  unsigned index = 1;

  for (xmlNode *prev = node->prev; prev != NULL; prev = prev->prev)
    {
      if (prev->type == XML_ELEMENT_NODE && same_name (prev, node))
        index++;
    }

  if (node->ns != NULL)
    return g_strdup_printf ("{%s}%s[%u]", node->ns->href, node->name, index);

  return g_strdup_printf ("%s[%u]", node->name, index);
}

static char *
attr_key (xmlAttr *attr)
{
  if (attr->ns != NULL)
    return g_strdup_printf ("@{%s}%s", attr->ns->href, attr->name);

  return g_strdup_printf ("@%s", attr->name);
}

static GHashTable *
attr_table (xmlNode *node)
{
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal,
                                             g_free, xmlFree);

  for (xmlAttr *attr = node->properties; attr != NULL; attr = attr->next)
    g_hash_table_insert (table, attr_key (attr),
                         xmlNodeListGetString (node->doc, attr->children, 1));

  return table;
}

static void
diff_attrs (Diff       *diff,
            xmlNode    *a,
            xmlNode    *b,
            const char *path)
{
  g_autoptr(GHashTable) a_attrs = attr_table (a);
  g_autoptr(GHashTable) b_attrs = attr_table (b);
  GHashTableIter iter;
  const char *key;
  const char *value;

  g_hash_table_iter_init (&iter, a_attrs);
  while (g_hash_table_iter_next (&iter, (gpointer *) &key, (gpointer *) &value))
    {
      const char *other = g_hash_table_lookup (b_attrs, key);
      g_autofree char *attr_path = g_strdup_printf ("%s/%s", path, key);

      if (g_strcmp0 (value, other) != 0)
        diff_found (diff, attr_path, "'%s' became '%s'", value,
                    other != NULL ? other : "(removed)");
    }

  g_hash_table_iter_init (&iter, b_attrs);
  while (g_hash_table_iter_next (&iter, (gpointer *) &key, (gpointer *) &value))
    {
      g_autofree char *attr_path = g_strdup_printf ("%s/%s", path, key);

      if (!g_hash_table_contains (a_attrs, key))
        diff_found (diff, attr_path, "added as '%s'", value);
    }
}

static char *
ns_declarations (xmlNode *node)
{
  GString *text = g_string_new (NULL);

  for (xmlNs *ns = node->nsDef; ns != NULL; ns = ns->next)
    g_string_append_printf (text, " xmlns:%s=%s",
                            ns->prefix != NULL ? (char *) ns->prefix : "",
                            ns->href != NULL ? (char *) ns->href : "");

  return g_string_free (text, FALSE);
}

static gboolean
has_step (xmlNode    *parent,
          const char *step)
{
  for (xmlNode *child = parent->children; child != NULL; child = child->next)
    {
      g_autofree char *child_step = NULL;

      if (child->type != XML_ELEMENT_NODE)
        continue;

      child_step = hangar_test_step_name (child);
      if (strcmp (child_step, step) == 0)
        return TRUE;
    }

  return FALSE;
}

/* A parent's children as alternating text slots and other nodes, target
 * elements left out.  A slot is "touched" when a target element that the
 * edit created or removed (one present on one side only) was left out of
 * it: only there may the whitespace differ. */
typedef struct
{
  GPtrArray *nodes;
  GPtrArray *slots;
  GArray *touched;
} Children;

static void
children_init (Children   *children,
               Diff       *diff,
               xmlNode    *parent,
               xmlNode    *other_parent,
               const char *path)
{
  gboolean touched = FALSE;

  children->nodes = g_ptr_array_new ();
  children->slots = g_ptr_array_new_with_free_func (g_free);
  children->touched = g_array_new (FALSE, FALSE, sizeof (gboolean));

  g_ptr_array_add (children->slots, g_strdup (""));

  for (xmlNode *child = parent->children; child != NULL; child = child->next)
    {
      char **slot = (char **) &children->slots->pdata[children->slots->len - 1];

      if (child->type == XML_TEXT_NODE || child->type == XML_CDATA_SECTION_NODE)
        {
          char *joined = g_strconcat (*slot, (char *) child->content, NULL);

          g_free (*slot);
          *slot = joined;
          continue;
        }

      if (child->type == XML_ELEMENT_NODE)
        {
          g_autofree char *step = hangar_test_step_name (child);
          g_autofree char *child_path = g_strdup_printf ("%s/%s", path, step);

          if (is_target (diff, child_path))
            {
              touched |= !has_step (other_parent, step);
              continue;
            }
        }

      g_array_append_val (children->touched, touched);
      g_ptr_array_add (children->nodes, child);
      g_ptr_array_add (children->slots, g_strdup (""));
      touched = FALSE;
    }

  g_array_append_val (children->touched, touched);
}

static void
children_clear (Children *children)
{
  g_ptr_array_unref (children->nodes);
  g_ptr_array_unref (children->slots);
  g_array_unref (children->touched);
}

static gboolean
is_blank (const char *text)
{
  for (; *text != '\0'; text++)
    {
      if (!g_ascii_isspace (*text))
        return FALSE;
    }

  return TRUE;
}

static void diff_element (Diff       *diff,
                          xmlNode    *a,
                          xmlNode    *b,
                          const char *path);

static void
diff_children (Diff       *diff,
               xmlNode    *a,
               xmlNode    *b,
               const char *path)
{
  Children a_children;
  Children b_children;

  children_init (&a_children, diff, a, b, path);
  children_init (&b_children, diff, b, a, path);

  if (a_children.nodes->len != b_children.nodes->len)
    {
      diff_found (diff, path, "%u child nodes became %u",
                  a_children.nodes->len, b_children.nodes->len);
      goto out;
    }

  for (unsigned i = 0; i < a_children.slots->len; i++)
    {
      const char *a_text = a_children.slots->pdata[i];
      const char *b_text = b_children.slots->pdata[i];
      gboolean touched = g_array_index (a_children.touched, gboolean, i) ||
                         g_array_index (b_children.touched, gboolean, i);
      g_autofree char *text_path = g_strdup_printf ("%s/text()[%u]",
                                                    path, i + 1);

      if (strcmp (a_text, b_text) == 0)
        continue;

      if (touched && is_blank (a_text) && is_blank (b_text))
        continue;

      diff_found (diff, text_path, "text '%s' became '%s'", a_text, b_text);
    }

  for (unsigned i = 0; i < a_children.nodes->len; i++)
    {
      xmlNode *a_node = a_children.nodes->pdata[i];
      xmlNode *b_node = b_children.nodes->pdata[i];

      if (a_node->type != b_node->type)
        {
          diff_found (diff, path, "child %u changed kind", i + 1);
        }
      else if (a_node->type == XML_ELEMENT_NODE)
        {
          g_autofree char *step = hangar_test_step_name (a_node);
          g_autofree char *child_path = g_strdup_printf ("%s/%s", path, step);

          if (!same_name (a_node, b_node))
            diff_found (diff, child_path, "became <%s>", b_node->name);
          else
            diff_element (diff, a_node, b_node, child_path);
        }
      else if (!xmlStrEqual (a_node->name, b_node->name) ||
               !xmlStrEqual (a_node->content, b_node->content))
        {
          diff_found (diff, path, "%s '%s' became '%s'",
                      (char *) a_node->name, (char *) a_node->content,
                      (char *) b_node->content);
        }
    }

out:
  children_clear (&a_children);
  children_clear (&b_children);
}

static void
diff_element (Diff       *diff,
              xmlNode    *a,
              xmlNode    *b,
              const char *path)
{
  g_autofree char *a_ns = NULL;
  g_autofree char *b_ns = NULL;

  if (is_under_target (diff, path))
    {
      diff->inside++;
      return;
    }

  diff_attrs (diff, a, b, path);

  a_ns = ns_declarations (a);
  b_ns = ns_declarations (b);
  if (strcmp (a_ns, b_ns) != 0)
    diff_found (diff, path, "namespace declarations '%s' became '%s'",
                a_ns, b_ns);

  diff_children (diff, a, b, path);
}

gboolean
hangar_test_only_changed (xmlDoc             *before,
                          xmlDoc             *after,
                          const char * const *targets,
                          GString            *report)
{
  xmlNode *a_root = xmlDocGetRootElement (before);
  xmlNode *b_root = xmlDocGetRootElement (after);
  g_autofree char *path = NULL;
  gboolean only;
  Diff diff;

  g_assert_nonnull (a_root);
  g_assert_nonnull (b_root);

  diff_init (&diff, targets);
  path = g_strconcat ("/", (char *) a_root->name, "[1]", NULL);

  if (!same_name (a_root, b_root))
    diff_found (&diff, path, "root became <%s>", b_root->name);
  else
    diff_element (&diff, a_root, b_root, path);

  only = diff.outside == 0;
  if (!only && report != NULL)
    {
      g_autofree char *wanted = g_strjoinv (", ", (char **) targets);

      g_string_append_printf (report, "%u difference(s) outside %s:\n%s",
                              diff.outside, wanted, diff.report->str);
    }

  diff_clear (&diff);

  return only;
}

void
hangar_test_assert_only_changed (const char         *label,
                                 const char         *before,
                                 const char         *after,
                                 const char * const *targets)
{
  xmlDoc *a = hangar_test_parse (before, strlen (before));
  xmlDoc *b = hangar_test_parse (after, strlen (after));
  g_autoptr(GString) report = g_string_new (NULL);

  if (!hangar_test_only_changed (a, b, targets, report))
    {
      g_test_message ("%s: %s", label, report->str);
      g_test_fail ();
    }

  xmlFreeDoc (a);
  xmlFreeDoc (b);
}

char *
hangar_test_node_path (xmlNode *node)
{
  g_autoptr(GPtrArray) steps = g_ptr_array_new_with_free_func (g_free);
  GString *path = g_string_new (NULL);

  for (; node != NULL && node->type == XML_ELEMENT_NODE; node = node->parent)
    g_ptr_array_add (steps, hangar_test_step_name (node));

  for (unsigned i = steps->len; i > 0; i--)
    g_string_append_printf (path, "/%s", (char *) steps->pdata[i - 1]);

  return g_string_free (path, FALSE);
}

/* Where created elements go
 *
 * The diff leaves target elements out, so it cannot see where one was put.
 * These checks do: an edit must not put libvirt's elements further out of
 * libvirt's order, and an element it creates is indented like the sibling
 * next to it. */

static xmlNode *
find_by_path (xmlDoc     *doc,
              const char *path)
{
  g_auto(GStrv) steps = g_strsplit (path, "/", -1);
  xmlNode *node = NULL;

  for (unsigned i = 1; steps[i] != NULL; i++)
    {
      g_autofree char *name = g_strdup (steps[i]);
      char *bracket = strchr (name, '[');
      unsigned index = bracket != NULL ? strtoul (bracket + 1, NULL, 10) : 1;
      xmlNode *first = node != NULL ? node->children
                                    : xmlDocGetRootElement (doc);
      xmlNode *found = NULL;

      if (bracket != NULL)
        *bracket = '\0';

      for (xmlNode *child = first; child != NULL; child = child->next)
        {
          if (child->type == XML_ELEMENT_NODE && child->ns == NULL &&
              xmlStrEqual (child->name, BAD_CAST name) && --index == 0)
            {
              found = child;
              break;
            }
        }

      if (found == NULL)
        return NULL;
      node = found;
    }

  return node;
}

static const char * const *
order_for (xmlNode *parent)
{
  if (parent == NULL || parent->type != XML_ELEMENT_NODE || parent->ns != NULL)
    return NULL;

  if (parent->parent != NULL && parent->parent->type == XML_DOCUMENT_NODE)
    return hangar_schema_domain_order;
  if (xmlStrEqual (parent->name, BAD_CAST "os"))
    return hangar_schema_os_order;
  if (xmlStrEqual (parent->name, BAD_CAST "cpu"))
    return hangar_schema_cpu_order;

  return NULL;
}

static int
rank_of (xmlNode            *node,
         const char * const *order)
{
  if (node->type != XML_ELEMENT_NODE || node->ns != NULL)
    return -1;

  return hangar_schema_order_rank (order, (const char *) node->name);
}

/* Pairs of libvirt elements under @parent that are in the wrong order,
 * of those that @other_parent has too (an element the edit created or
 * removed is judged on its own). */
static unsigned
count_inversions (xmlNode            *parent,
                  xmlNode            *other_parent,
                  const char * const *order)
{
  g_autoptr(GArray) ranks = g_array_new (FALSE, FALSE, sizeof (int));
  unsigned inversions = 0;

  for (xmlNode *child = parent->children; child != NULL; child = child->next)
    {
      g_autofree char *step = NULL;
      int rank = rank_of (child, order);

      if (rank < 0)
        continue;

      step = hangar_test_step_name (child);
      if (has_step (other_parent, step))
        g_array_append_val (ranks, rank);
    }

  for (unsigned i = 0; i < ranks->len; i++)
    {
      for (unsigned j = i + 1; j < ranks->len; j++)
        inversions += g_array_index (ranks, int, i) >
                      g_array_index (ranks, int, j);
    }

  return inversions;
}

/* Whether @node sits where it is least out of order among its siblings:
 * no other place would leave fewer of them on the wrong side. */
static gboolean
is_best_place (xmlNode            *node,
               const char * const *order)
{
  g_autoptr(GArray) ranks = g_array_new (FALSE, FALSE, sizeof (int));
  int rank = rank_of (node, order);
  unsigned position = 0;
  unsigned actual = G_MAXUINT;
  unsigned best = G_MAXUINT;

  if (rank < 0)
    return TRUE;

  for (xmlNode *child = node->parent->children; child; child = child->next)
    {
      int child_rank = rank_of (child, order);

      if (child == node)
        position = ranks->len;
      else if (child_rank >= 0)
        g_array_append_val (ranks, child_rank);
    }

  for (unsigned gap = 0; gap <= ranks->len; gap++)
    {
      unsigned cost = 0;

      for (unsigned i = 0; i < ranks->len; i++)
        {
          int other = g_array_index (ranks, int, i);

          cost += i < gap ? other > rank : other < rank;
        }

      best = MIN (best, cost);
      if (gap == position)
        actual = cost;
    }

  return actual == best;
}

/* The indentation of @node's line, or NULL when it shares a line. */
static const char *
indent_of (xmlNode *node)
{
  const char *newline;

  if (node->prev == NULL || node->prev->type != XML_TEXT_NODE)
    return NULL;

  newline = strrchr ((const char *) node->prev->content, '\n');

  return newline;
}

static xmlNode *
element_sibling (xmlNode  *node,
                 gboolean  forward)
{
  do
    node = forward ? node->next : node->prev;
  while (node != NULL && node->type != XML_ELEMENT_NODE);

  return node;
}

/* Returns how many of @targets the edit created. */
unsigned
hangar_test_assert_placement (const char         *label,
                              const char         *before,
                              const char         *after,
                              const char * const *targets)
{
  xmlDoc *a = hangar_test_parse (before, strlen (before));
  xmlDoc *b = hangar_test_parse (after, strlen (after));
  unsigned created = 0;

  for (unsigned i = 0; targets[i] != NULL; i++)
    {
      g_autofree char *path = normalize_target (targets[i]);
      g_autofree char *parent_path = NULL;
      xmlNode *old_node;
      xmlNode *new_node;
      xmlNode *old_parent;
      xmlNode *neighbour;
      const char * const *order;

      if (strchr (path, '@') != NULL)
        continue;

      new_node = find_by_path (b, path);
      if (new_node == NULL)
        continue;

      old_node = find_by_path (a, path);
      order = order_for (new_node->parent);
      parent_path = g_strndup (path, strrchr (path, '/') - path);
      old_parent = *parent_path != '\0' ? find_by_path (a, parent_path) : NULL;

      /* An element that was there stays in place; a new one goes where
       * libvirt's order wants it. */
      if (old_node != NULL)
        {
          if (order != NULL && old_parent != NULL &&
              count_inversions (new_node->parent, old_parent, order) !=
              count_inversions (old_parent, new_node->parent, order))
            {
              g_test_message ("%s: %s moved", label, path);
              g_test_fail ();
            }
          continue;
        }

      created++;

      if (order != NULL && !is_best_place (new_node, order))
        {
          g_test_message ("%s: %s put out of libvirt's order", label, path);
          g_test_fail ();
        }

      neighbour = element_sibling (new_node, FALSE);
      if (neighbour == NULL)
        neighbour = element_sibling (new_node, TRUE);

      if (neighbour != NULL &&
          g_strcmp0 (indent_of (new_node), indent_of (neighbour)) != 0)
        {
          g_test_message ("%s: %s is not indented like its siblings",
                          label, path);
          g_test_fail ();
        }
    }

  xmlFreeDoc (a);
  xmlFreeDoc (b);

  return created;
}

/* Small documents */

HangarDomainDoc *
hangar_test_load (const char *xml)
{
  g_autoptr(GError) error = NULL;
  HangarDomainDoc *doc;

  doc = hangar_domain_doc_new_from_string (xml, -1, "test.xml", &error);
  g_assert_no_error (error);
  g_assert_nonnull (doc);

  return doc;
}

char *
hangar_test_seed_path (void)
{
  return g_build_filename (hangar_test_shared_dir (), "seed", "gentoo-2.xml", NULL);
}

void
hangar_test_assert_contains (const char *haystack,
                             const char *needle)
{
  if (strstr (haystack, needle) == NULL)
    {
      g_test_message ("Expected to find:\n%s\nin:\n%s", needle, haystack);
      g_test_fail ();
    }
}

void
hangar_test_assert_lacks (const char *haystack,
                          const char *needle)
{
  if (strstr (haystack, needle) != NULL)
    {
      g_test_message ("Did not expect:\n%s\nin:\n%s", needle, haystack);
      g_test_fail ();
    }
}

/* virt-install writes the install-phase and the boot-phase domain one
 * after the other, sometimes after other text (a cloud-init file).  Split
 * such a file where a line starts a <domain>; @leading_text tells whether
 * something came before the first one. */
GPtrArray *
hangar_test_split_documents (const char *text,
                             gboolean   *leading_text)
{
  GPtrArray *parts = g_ptr_array_new_with_free_func (g_free);
  const char *start = text;
  const char *next;

  *leading_text = !g_str_has_prefix (text, "<domain");
  if (*leading_text)
    {
      start = strstr (text, "\n<domain");
      if (start == NULL)
        return parts;
      start++;
    }

  while ((next = strstr (start, "\n<domain")) != NULL)
    {
      g_ptr_array_add (parts, g_strndup (start, next + 1 - start));
      start = next + 1;
    }
  g_ptr_array_add (parts, g_strdup (start));

  return parts;
}


GPtrArray *
hangar_test_collect_files (const char *dir)
{
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);

  collect_files (dir, files);

  return files;
}

static void
domain_free (HangarTestDomain *domain)
{
  g_free (domain->label);
  g_free (domain->text);
  g_free (domain);
}

static void
add_domain (GPtrArray  *domains,
            char       *label,
            const char *text,
            gssize      length)
{
  HangarTestDomain *domain = g_new0 (HangarTestDomain, 1);

  domain->label = label;
  domain->text = length < 0 ? g_strdup (text) : g_strndup (text, length);
  g_ptr_array_add (domains, domain);
}

GPtrArray *
hangar_test_corpus_domains (void)
{
  static GPtrArray *domains = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(GPtrArray) files = NULL;

  if (domains != NULL)
    return domains;

  domains = g_ptr_array_new_with_free_func ((GDestroyNotify) domain_free);
  dir = g_build_filename (hangar_test_shared_dir (), "corpus", NULL);
  files = hangar_test_collect_files (dir);

  for (unsigned i = 0; i < files->len; i++)
    {
      const char *path = files->pdata[i];
      const char *relative = strstr (path, "/corpus/") + strlen ("/corpus/");
      g_autofree char *text = NULL;
      g_autoptr(HangarDomainDoc) doc = NULL;
      g_autoptr(GPtrArray) parts = NULL;
      gboolean leading_text;
      gboolean all_domains;
      gsize length;

      if (!g_str_has_suffix (path, ".xml") ||
          !g_file_get_contents (path, &text, &length, NULL))
        continue;

      doc = hangar_domain_doc_new_from_string (text, length, NULL, NULL);
      if (doc != NULL)
        {
          add_domain (domains, g_strdup (relative), text, length);
          continue;
        }

      /* A file of several documents counts when every part is one. */
      parts = hangar_test_split_documents (text, &leading_text);
      all_domains = parts->len >= 2;
      for (unsigned j = 0; all_domains && j < parts->len; j++)
        {
          g_autoptr(HangarDomainDoc) part = NULL;

          part = hangar_domain_doc_new_from_string (parts->pdata[j], -1,
                                                    NULL, NULL);
          all_domains = part != NULL;
        }

      for (unsigned j = 0; all_domains && j < parts->len; j++)
        add_domain (domains,
                    g_strdup_printf ("%s (document %u)", relative, j + 1),
                    parts->pdata[j], -1);
    }

  return domains;
}

GPtrArray *
hangar_test_validation_rows (void)
{
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);

  path = g_build_filename (hangar_test_shared_dir (), "corpus",
                           "libvirt-v4.0.0", "VALIDATION.tsv", NULL);
  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);

  /* The first line names the columns. */
  lines = g_strsplit (contents, "\n", -1);
  for (unsigned i = 1; lines[i] != NULL; i++)
    {
      char **columns = g_strsplit (lines[i], "\t", -1);

      if (g_strv_length (columns) < 5)
        {
          g_strfreev (columns);
          continue;
        }

      g_ptr_array_add (rows, columns);
    }

  return rows;
}

char *
hangar_test_validation_path (const char * const *row)
{
  return g_build_filename (hangar_test_shared_dir (), "corpus",
                           "libvirt-v4.0.0", row[0], NULL);
}
