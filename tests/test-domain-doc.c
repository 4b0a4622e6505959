/* test-domain-doc.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-domain-doc"

#include "config.h"

#include <string.h>

#include <libxml/c14n.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "hangar-domain-doc.h"
#include "test-model-common.h"

#define QEMU_NS "http://libvirt.org/schemas/domain/qemu/1.0"
#define LIBOSINFO_NS "http://libosinfo.org/xmlns/libvirt/domain/1.0"

/* Per-field edits, shared by the corpus test and the small tests */

typedef enum
{
  EDIT_APPLIED,
  EDIT_REFUSED,
  EDIT_NOT_APPLICABLE,
} EditResult;

typedef struct
{
  const char *name;
  /* Applies the edit, checks its visible outcome, and adds to @targets
   * the paths it may touch. */
  EditResult (*apply) (HangarDomainDoc  *doc,
                       unsigned          index,
                       GPtrArray        *targets,
                       GError          **error);
  /* How many times to apply it to one document, each on a fresh copy:
   * NULL means once. */
  unsigned (*count) (HangarDomainDoc *doc);
} Edit;

static EditResult
edit_memory (HangarDomainDoc  *doc,
             guint64           kib,
             GPtrArray        *targets,
             GError          **error)
{
  g_ptr_array_add (targets, g_strdup ("/domain/memory"));
  g_ptr_array_add (targets, g_strdup ("/domain/currentMemory"));

  if (!hangar_domain_doc_set_memory_kib (doc, kib, error))
    return EDIT_REFUSED;

  g_assert_cmpuint (hangar_domain_doc_get_memory_kib (doc), ==, kib);
  g_assert_cmpuint (hangar_domain_doc_get_current_memory_kib (doc), <=, kib);

  return EDIT_APPLIED;
}

static EditResult
edit_memory_double (HangarDomainDoc  *doc,
                    unsigned          index,
                    GPtrArray        *targets,
                    GError          **error)
{
  guint64 kib = hangar_domain_doc_get_memory_kib (doc);

  return edit_memory (doc, kib > 0 ? kib * 2 : 1048576, targets, error);
}

/* Not a whole number of MiB or GiB: the unit must fall back to KiB. */
static EditResult
edit_memory_odd (HangarDomainDoc  *doc,
                 unsigned          index,
                 GPtrArray        *targets,
                 GError          **error)
{
  guint64 kib = hangar_domain_doc_get_memory_kib (doc);

  return edit_memory (doc, kib > 1 ? kib - 1 : 777, targets, error);
}

static EditResult
edit_vcpus (HangarDomainDoc  *doc,
            unsigned          vcpus,
            GPtrArray        *targets,
            GError          **error)
{
  g_ptr_array_add (targets, g_strdup ("/domain/vcpu"));
  g_ptr_array_add (targets, g_strdup ("/domain/cpu/topology"));

  if (!hangar_domain_doc_set_vcpus (doc, vcpus, error))
    return EDIT_REFUSED;

  g_assert_cmpuint (hangar_domain_doc_get_vcpus (doc), ==, vcpus);
  g_assert_cmpuint (hangar_domain_doc_get_current_vcpus (doc), <=, vcpus);

  return EDIT_APPLIED;
}

static EditResult
edit_vcpus_up (HangarDomainDoc  *doc,
               unsigned          index,
               GPtrArray        *targets,
               GError          **error)
{
  return edit_vcpus (doc, hangar_domain_doc_get_vcpus (doc) + 3, targets,
                     error);
}

static EditResult
edit_vcpus_one (HangarDomainDoc  *doc,
                unsigned          index,
                GPtrArray        *targets,
                GError          **error)
{
  return edit_vcpus (doc, 1, targets, error);
}

static EditResult
edit_cpu_model (HangarDomainDoc  *doc,
                unsigned          index,
                GPtrArray        *targets,
                GError          **error)
{
  g_ptr_array_add (targets, g_strdup ("/domain/cpu"));

  hangar_domain_doc_set_cpu_custom_model (doc, "qemu64");

  g_assert_cmpstr (hangar_domain_doc_get_cpu_mode (doc), ==, "custom");
  g_assert_cmpstr (hangar_domain_doc_get_cpu_model (doc), ==, "qemu64");

  return EDIT_APPLIED;
}

static unsigned
count_interfaces (HangarDomainDoc *doc)
{
  return hangar_domain_doc_count_devices (doc, "interface");
}

static EditResult
edit_interface_user (HangarDomainDoc  *doc,
                     unsigned          index,
                     GPtrArray        *targets,
                     GError          **error)
{
  g_ptr_array_add (targets, hangar_domain_doc_dup_device_path (doc,
                                                                "interface",
                                                                index));

  if (!hangar_domain_doc_set_interface_user (doc, index, error))
    return EDIT_REFUSED;

  g_assert_cmpstr (hangar_domain_doc_get_device_attr (doc, "interface", index,
                                                      "type"), ==, "user");

  return EDIT_APPLIED;
}

static EditResult
edit_boot_menu (HangarDomainDoc  *doc,
                unsigned          index,
                GPtrArray        *targets,
                GError          **error)
{
  g_autofree char *text = hangar_domain_doc_to_string (doc);
  xmlDoc *parsed = hangar_test_parse (text, strlen (text));
  xmlNode *root = xmlDocGetRootElement (parsed);
  gboolean has_os = FALSE;
  unsigned timeout = 0;

  for (xmlNode *child = root->children; child != NULL; child = child->next)
    {
      if (child->type == XML_ELEMENT_NODE && child->ns == NULL &&
          xmlStrEqual (child->name, BAD_CAST "os"))
        has_os = TRUE;
    }
  xmlFreeDoc (parsed);

  g_ptr_array_add (targets, g_strdup (has_os ? "/domain/os/bootmenu"
                                              : "/domain/os"));

  hangar_domain_doc_set_boot_menu (doc, TRUE, 5000);

  g_assert_true (hangar_domain_doc_get_boot_menu (doc, &timeout));
  g_assert_cmpuint (timeout, ==, 5000);

  return EDIT_APPLIED;
}

static EditResult
edit_hypervisor (HangarDomainDoc  *doc,
                 unsigned          index,
                 GPtrArray        *targets,
                 GError          **error)
{
  const char *type = hangar_domain_doc_get_hypervisor (doc);
  const char *wanted = g_strcmp0 (type, "qemu") == 0 ? "kvm" : "qemu";

  g_ptr_array_add (targets, g_strdup ("/domain/@type"));

  hangar_domain_doc_set_hypervisor (doc, wanted);

  g_assert_cmpstr (hangar_domain_doc_get_hypervisor (doc), ==, wanted);

  return EDIT_APPLIED;
}

static void
add_targets (GPtrArray  *targets,
             const char *first,
             ...) G_GNUC_NULL_TERMINATED;

static void
add_targets (GPtrArray  *targets,
             const char *first,
             ...)
{
  va_list args;

  va_start (args, first);
  for (const char *target = first; target != NULL;
       target = va_arg (args, const char *))
    g_ptr_array_add (targets, g_strdup (target));
  va_end (args);
}

static EditResult
edit_uefi_on (HangarDomainDoc  *doc,
              unsigned          index,
              GPtrArray        *targets,
              GError          **error)
{
  add_targets (targets, "/domain/os", "/domain/features", NULL);

  if (!hangar_domain_doc_set_uefi (doc, TRUE, FALSE, error))
    return EDIT_REFUSED;

  g_assert_true (hangar_domain_doc_get_uefi (doc));
  g_assert_false (hangar_domain_doc_get_secure_boot (doc));

  return EDIT_APPLIED;
}

static EditResult
edit_uefi_off (HangarDomainDoc  *doc,
               unsigned          index,
               GPtrArray        *targets,
               GError          **error)
{
  add_targets (targets, "/domain/os", NULL);

  if (!hangar_domain_doc_set_uefi (doc, FALSE, FALSE, error))
    return EDIT_REFUSED;

  g_assert_false (hangar_domain_doc_get_uefi (doc));

  return EDIT_APPLIED;
}

static EditResult
edit_cpu_passthrough (HangarDomainDoc  *doc,
                      unsigned          index,
                      GPtrArray        *targets,
                      GError          **error)
{
  add_targets (targets, "/domain/cpu", NULL);

  if (!hangar_domain_doc_set_cpu_mode (doc, "host-passthrough", error))
    return EDIT_REFUSED;

  g_assert_cmpstr (hangar_domain_doc_get_cpu_mode (doc), ==,
                   "host-passthrough");
  g_assert_null (hangar_domain_doc_get_cpu_model (doc));

  return EDIT_APPLIED;
}

static EditResult
edit_cpu_feature (HangarDomainDoc  *doc,
                  unsigned          index,
                  GPtrArray        *targets,
                  GError          **error)
{
  add_targets (targets, "/domain/cpu", NULL);

  hangar_domain_doc_set_cpu_feature (doc, "vmx", "require");
  g_assert_cmpstr (hangar_domain_doc_get_cpu_feature (doc, "vmx"), ==,
                   "require");

  return EDIT_APPLIED;
}

static EditResult
edit_cpu_topology (HangarDomainDoc  *doc,
                   unsigned          index,
                   GPtrArray        *targets,
                   GError          **error)
{
  add_targets (targets, "/domain/cpu", NULL);

  if (!hangar_domain_doc_set_cpu_topology (doc, 1, 1,
                                           hangar_domain_doc_get_vcpus (doc),
                                           1, error))
    return EDIT_REFUSED;

  return EDIT_APPLIED;
}

static EditResult
edit_os_id (HangarDomainDoc  *doc,
            unsigned          index,
            GPtrArray        *targets,
            GError          **error)
{
  add_targets (targets, "/domain/metadata", NULL);

  hangar_domain_doc_set_os_id (doc, "http://debian.org/debian/12");
  g_assert_cmpstr (hangar_domain_doc_get_os_id (doc), ==,
                   "http://debian.org/debian/12");

  return EDIT_APPLIED;
}

static EditResult
edit_timer (HangarDomainDoc  *doc,
            unsigned          index,
            GPtrArray        *targets,
            GError          **error)
{
  add_targets (targets, "/domain/clock", NULL);

  hangar_domain_doc_set_timer (doc, "rtc", "tickpolicy", "catchup");
  g_assert_cmpstr (hangar_domain_doc_get_timer (doc, "rtc", "tickpolicy"),
                   ==, "catchup");

  return EDIT_APPLIED;
}

static EditResult
edit_direct_boot (HangarDomainDoc  *doc,
                  unsigned          index,
                  GPtrArray        *targets,
                  GError          **error)
{
  add_targets (targets, "/domain/os", NULL);

  hangar_domain_doc_set_direct_boot (doc, "/boot/vmlinuz", "/boot/initrd",
                                     "console=ttyS0", NULL);
  g_assert_cmpstr (hangar_domain_doc_get_string (doc, "os-kernel"), ==,
                   "/boot/vmlinuz");
  g_assert_null (hangar_domain_doc_get_string (doc, "os-dtb"));

  return EDIT_APPLIED;
}

static EditResult
edit_boot_devices (HangarDomainDoc  *doc,
                   unsigned          index,
                   GPtrArray        *targets,
                   GError          **error)
{
  const char * const devices[] = { "network", "hd", NULL };
  g_auto(GStrv) boot = NULL;

  /* Per-device boot orders go, wherever they are. */
  add_targets (targets, "/domain/os", "/domain/devices", NULL);

  hangar_domain_doc_set_boot_devices (doc, devices);
  boot = hangar_domain_doc_dup_boot_devices (doc);
  g_assert_cmpstrv (boot, devices);

  return EDIT_APPLIED;
}

static EditResult
edit_current_memory (HangarDomainDoc  *doc,
                     unsigned          index,
                     GPtrArray        *targets,
                     GError          **error)
{
  guint64 kib = hangar_domain_doc_get_memory_kib (doc) / 2;

  add_targets (targets, "/domain/currentMemory", NULL);

  if (!hangar_domain_doc_set_current_memory_kib (doc, kib, error))
    return EDIT_REFUSED;

  g_assert_cmpuint (hangar_domain_doc_get_current_memory_kib (doc), ==, kib);

  return EDIT_APPLIED;
}

static EditResult
edit_max_memory (HangarDomainDoc  *doc,
                 unsigned          index,
                 GPtrArray        *targets,
                 GError          **error)
{
  guint64 kib = hangar_domain_doc_get_memory_kib (doc) * 2;

  add_targets (targets, "/domain/maxMemory", NULL);

  if (!hangar_domain_doc_set_max_memory_kib (doc, kib, 4, error))
    return EDIT_REFUSED;

  g_assert_cmpuint (hangar_domain_doc_get_max_memory_kib (doc), ==, kib);

  return EDIT_APPLIED;
}

static EditResult
edit_current_vcpus (HangarDomainDoc  *doc,
                    unsigned          index,
                    GPtrArray        *targets,
                    GError          **error)
{
  add_targets (targets, "/domain/vcpu", NULL);

  if (!hangar_domain_doc_set_current_vcpus (doc, 1, error))
    return EDIT_REFUSED;

  g_assert_cmpuint (hangar_domain_doc_get_current_vcpus (doc), ==, 1);

  return EDIT_APPLIED;
}

static const Edit edits[] = {
  { "memory", edit_memory_double, NULL },
  { "memory-odd", edit_memory_odd, NULL },
  { "vcpus-up", edit_vcpus_up, NULL },
  { "vcpus-one", edit_vcpus_one, NULL },
  { "cpu-custom-model", edit_cpu_model, NULL },
  { "interface-user", edit_interface_user, count_interfaces },
  { "boot-menu", edit_boot_menu, NULL },
  { "hypervisor", edit_hypervisor, NULL },
  { "uefi-on", edit_uefi_on, NULL },
  { "uefi-off", edit_uefi_off, NULL },
  { "cpu-passthrough", edit_cpu_passthrough, NULL },
  { "cpu-feature", edit_cpu_feature, NULL },
  { "cpu-topology", edit_cpu_topology, NULL },
  { "os-id", edit_os_id, NULL },
  { "timer", edit_timer, NULL },
  { "direct-boot", edit_direct_boot, NULL },
  { "boot-devices", edit_boot_devices, NULL },
  { "current-memory", edit_current_memory, NULL },
  { "max-memory", edit_max_memory, NULL },
  { "current-vcpus", edit_current_vcpus, NULL },
};

typedef struct
{
  unsigned applied;
  unsigned refused;
  unsigned not_applicable;
  unsigned created;
  GHashTable *reasons;
} EditCounts;

/* Applies every edit to copies of @doc and checks each against the
 * canonical form of the original. */
static void
check_edits (const char      *label,
             HangarDomainDoc *doc,
             const char      *original,
             EditCounts      *counts)
{
  for (unsigned e = 0; e < G_N_ELEMENTS (edits); e++)
    {
      unsigned n = edits[e].count != NULL ? edits[e].count (doc) : 1;

      if (n == 0)
        counts[e].not_applicable++;

      for (unsigned i = 0; i < n; i++)
        {
          g_autoptr(HangarDomainDoc) copy = hangar_domain_doc_copy (doc);
          g_autoptr(GError) error = NULL;
          g_autofree char *after = NULL;
          g_autofree char *where = NULL;
          g_autoptr(GPtrArray) targets = NULL;
          EditResult result;

          targets = g_ptr_array_new_with_free_func (g_free);
          result = edits[e].apply (copy, i, targets, &error);
          after = hangar_test_doc_canonical (copy);
          where = g_strdup_printf ("%s: %s #%u", label, edits[e].name, i);

          if (result == EDIT_REFUSED)
            {
              /* A refusal names what libvirt would object to, and leaves
               * the document exactly as it was. */
              g_assert_error (error, HANGAR_MODEL_ERROR,
                              HANGAR_MODEL_ERROR_INVALID);
              g_assert_cmpstr (after, ==, original);
              counts[e].refused++;
              g_hash_table_add (counts[e].reasons, g_strdup (error->message));
              continue;
            }

          g_assert_no_error (error);
          counts[e].applied++;
          g_ptr_array_add (targets, NULL);
          hangar_test_assert_only_changed (where, original, after,
                                           (const char **) targets->pdata);
          counts[e].created +=
            hangar_test_assert_placement (where, original, after,
                                          (const char **) targets->pdata);

          /* The edited document loads again and says the same. */
          {
            g_autofree char *text = hangar_domain_doc_to_string (copy);
            g_autoptr(HangarDomainDoc) again = NULL;
            g_autofree char *again_text = NULL;

            again = hangar_domain_doc_new_from_string (text, -1, where,
                                                       &error);
            g_assert_no_error (error);
            again_text = hangar_domain_doc_to_string (again);
            g_assert_cmpstr (again_text, ==, text);
          }
        }
    }
}

/* Test: the whole corpus */

typedef struct
{
  GPtrArray *files;
  GHashTable *validation;   /* corpus-relative path → schema verdict */

  unsigned domains;
  unsigned two_documents;
  unsigned two_document_parts;
  unsigned after_text;
  unsigned malformed;
  GHashTable *malformed_reasons;  /* reason → an example message */
  GHashTable *malformed_counts;   /* reason → count */
  unsigned not_xml;
  GHashTable *other_roots;  /* root name → count */

  unsigned schema_invalid_loaded;
  unsigned validation_listed;

  EditCounts counts[G_N_ELEMENTS (edits)];
} Corpus;

static void
load_validation (Corpus *corpus)
{
  g_autoptr(GPtrArray) rows = hangar_test_validation_rows ();

  corpus->validation = g_hash_table_new_full (g_str_hash, g_str_equal,
                                              g_free, g_free);

  for (unsigned i = 0; i < rows->len; i++)
    {
      char **columns = rows->pdata[i];

      /* Only well-formed files are listed; keep the schema verdict. */
      g_assert_cmpstr (columns[1], ==, "yes");
      g_hash_table_insert (corpus->validation,
                           g_strconcat ("libvirt-v4.0.0/", columns[0], NULL),
                           g_strdup (columns[2]));
    }
}

/* Loads, saves and compares one domain document, then edits it. */
static void
check_domain_text (Corpus     *corpus,
                   const char *label,
                   const char *text,
                   gsize       length)
{
  g_autoptr(HangarDomainDoc) doc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *original = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *saved_canonical = NULL;

  doc = hangar_domain_doc_new_from_string (text, length, label, &error);
  g_assert_no_error (error);

  original = hangar_test_canonical (text, length);
  saved = hangar_domain_doc_to_string (doc);
  saved_canonical = hangar_test_canonical (saved, strlen (saved));

  if (strcmp (original, saved_canonical) != 0)
    {
      g_test_message ("%s: load and save changed the document", label);
      g_test_fail ();
      return;
    }

  check_edits (label, doc, original, corpus->counts);
}

static gboolean
error_has_position (const GError *error,
                    const char   *source,
                    const char   *text)
{
  g_autofree char *prefix = g_strdup_printf ("%s:", source);
  unsigned lines = 1;
  unsigned line;
  unsigned column;
  char *end;

  if (!g_str_has_prefix (error->message, prefix))
    return FALSE;

  line = strtoul (error->message + strlen (prefix), &end, 10);
  if (*end != ':')
    return FALSE;
  column = strtoul (end + 1, &end, 10);
  if (strncmp (end, ": ", 2) != 0 || end[2] == '\0')
    return FALSE;

  for (const char *p = text; *p != '\0'; p++)
    lines += *p == '\n';

  return line >= 1 && line <= lines && column >= 1;
}

static void
check_corpus_file (Corpus     *corpus,
                   const char *path)
{
  g_autoptr(HangarDomainDoc) doc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *relative = NULL;
  g_autofree char *basename = g_path_get_basename (path);
  const char *corpus_dir;
  const char *verdict;
  gsize length;

  corpus_dir = strstr (path, "/corpus/");
  g_assert_nonnull (corpus_dir);
  relative = g_strdup (corpus_dir + strlen ("/corpus/"));

  if (!g_str_has_suffix (path, ".xml"))
    {
      corpus->not_xml++;
      return;
    }

  g_file_get_contents (path, &text, &length, &error);
  g_assert_no_error (error);

  verdict = g_hash_table_lookup (corpus->validation, relative);
  if (verdict != NULL)
    corpus->validation_listed++;

  doc = hangar_domain_doc_new_from_string (text, length, basename, &error);

  if (doc != NULL)
    {
      g_clear_object (&doc);
      corpus->domains++;
      if (g_strcmp0 (verdict, "invalid") == 0)
        corpus->schema_invalid_loaded++;
      check_domain_text (corpus, relative, text, length);
      return;
    }

  g_assert_nonnull (error);
  g_assert_true (error->domain == HANGAR_MODEL_ERROR);

  if (error->code == HANGAR_MODEL_ERROR_NOT_A_DOMAIN)
    {
      xmlDoc *other = hangar_test_parse (text, length);
      xmlNode *root = xmlDocGetRootElement (other);
      g_autofree char *tag = g_strdup_printf ("<%s>", root->name);
      unsigned count;

      g_assert_nonnull (strstr (error->message, tag));
      g_assert_true (g_str_has_prefix (error->message, basename));

      count = GPOINTER_TO_UINT (g_hash_table_lookup (corpus->other_roots,
                                                     root->name));
      g_hash_table_insert (corpus->other_roots, g_strdup ((char *) root->name),
                           GUINT_TO_POINTER (count + 1));
      xmlFreeDoc (other);
      return;
    }

  g_assert_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_MALFORMED);

  /* libvirt's own list says which files are well formed. */
  if (verdict != NULL)
    {
      g_test_message ("%s: VALIDATION.tsv says well formed, but: %s",
                      relative, error->message);
      g_test_fail ();
    }

  if (!error_has_position (error, basename, text))
    {
      g_test_message ("%s: no line and column in “%s”", relative,
                      error->message);
      g_test_fail ();
    }

  {
    gboolean leading_text;
    g_autoptr(GPtrArray) parts = hangar_test_split_documents (text, &leading_text);
    gboolean all_domains = parts->len >= 2;

    for (unsigned i = 0; i < parts->len && all_domains; i++)
      {
        const char *part = parts->pdata[i];
        g_autoptr(HangarDomainDoc) part_doc = NULL;

        part_doc = hangar_domain_doc_new_from_string (part, -1, NULL, NULL);
        all_domains = part_doc != NULL;
      }

    if (all_domains)
      {
        corpus->two_documents++;
        if (leading_text)
          corpus->after_text++;
        for (unsigned i = 0; i < parts->len; i++)
          {
            const char *part = parts->pdata[i];
            g_autofree char *label = g_strdup_printf ("%s (document %u)",
                                                      relative, i + 1);

            corpus->two_document_parts++;
            check_domain_text (corpus, label, part, strlen (part));
          }
        return;
      }
  }

  /* Group by the parser's reason, with one file as an example. */
  {
    const char *reason = strstr (error->message, ": ") + 2;
    g_autofree char *prefix = NULL;

    prefix = g_strndup (reason, strcspn (reason, ":'\"0123456789"));

    corpus->malformed++;
    if (!g_hash_table_contains (corpus->malformed_reasons, prefix))
      g_hash_table_insert (corpus->malformed_reasons, g_strdup (prefix),
                           g_strdup_printf ("e.g. %s", error->message));
    g_hash_table_insert (corpus->malformed_counts, g_strdup (prefix),
                         GUINT_TO_POINTER (GPOINTER_TO_UINT (
                           g_hash_table_lookup (corpus->malformed_counts,
                                                prefix)) + 1));
  }
}

static void
test_corpus (void)
{
  g_autofree char *corpus_dir = NULL;
  g_autoptr(GString) roots = g_string_new (NULL);
  GHashTableIter iter;
  const char *name;
  gpointer count;
  unsigned others = 0;
  Corpus corpus = { 0, };

  corpus_dir = g_build_filename (hangar_test_shared_dir (), "corpus", NULL);

  corpus.other_roots = g_hash_table_new_full (g_str_hash, g_str_equal,
                                              g_free, NULL);
  corpus.malformed_reasons = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                    g_free, g_free);
  corpus.malformed_counts = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                   g_free, NULL);
  for (unsigned e = 0; e < G_N_ELEMENTS (edits); e++)
    corpus.counts[e].reasons = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                      g_free, NULL);

  corpus.files = hangar_test_collect_files (corpus_dir);
  load_validation (&corpus);

  for (unsigned i = 0; i < corpus.files->len; i++)
    check_corpus_file (&corpus, corpus.files->pdata[i]);

  g_hash_table_iter_init (&iter, corpus.other_roots);
  while (g_hash_table_iter_next (&iter, (gpointer *) &name, &count))
    {
      g_string_append_printf (roots, " %s %u", name, GPOINTER_TO_UINT (count));
      others += GPOINTER_TO_UINT (count);
    }

  g_test_message ("corpus: %u files", corpus.files->len);
  g_test_message ("  %u domain documents: round trip identical in C14N",
                  corpus.domains);
  g_test_message ("  %u files holding several domains (%u documents, "
                  "%u files with other text first), each round-tripped",
                  corpus.two_documents, corpus.two_document_parts,
                  corpus.after_text);
  g_test_message ("  %u other roots, refused as not a domain:%s", others,
                  roots->str);
  g_test_message ("  %u malformed, refused with line and column:",
                  corpus.malformed);
  g_hash_table_iter_init (&iter, corpus.malformed_counts);
  while (g_hash_table_iter_next (&iter, (gpointer *) &name, &count))
    g_test_message ("    %3u %s (%s)", GPOINTER_TO_UINT (count), name,
                    (char *) g_hash_table_lookup (corpus.malformed_reasons,
                                                  name));
  g_test_message ("  %u not XML (README, TSV)", corpus.not_xml);
  g_test_message ("  VALIDATION.tsv: %u files listed and well formed, "
                  "%u of the domains are schema-invalid there",
                  corpus.validation_listed, corpus.schema_invalid_loaded);

  for (unsigned e = 0; e < G_N_ELEMENTS (edits); e++)
    {
      EditCounts *c = &corpus.counts[e];
      g_autoptr(GString) reasons = g_string_new (NULL);
      GHashTableIter reason_iter;
      const char *reason;

      g_hash_table_iter_init (&reason_iter, c->reasons);
      while (g_hash_table_iter_next (&reason_iter, (gpointer *) &reason, NULL))
        g_string_append_printf (reasons, "\n      refused: %s", reason);

      g_test_message ("  edit %-16s applied %u (creating %u elements), "
                      "refused %u, no target in %u documents%s",
                      edits[e].name, c->applied, c->created, c->refused,
                      c->not_applicable, reasons->str);
      g_assert_cmpuint (c->applied, >, 0);
      g_hash_table_unref (c->reasons);
    }

  /* Every file is in exactly one category, none skipped unsaid. */
  g_assert_cmpuint (corpus.domains + corpus.two_documents + others +
                    corpus.malformed + corpus.not_xml, ==, corpus.files->len);
  g_assert_cmpuint (corpus.domains, >, 1000);
  g_assert_cmpuint (corpus.two_documents, >, 0);
  g_assert_cmpuint (others, >, 0);
  g_assert_cmpuint (corpus.malformed, >, 0);
  g_assert_cmpuint (corpus.validation_listed,
                    ==, g_hash_table_size (corpus.validation));

  g_ptr_array_unref (corpus.files);
  g_hash_table_unref (corpus.validation);
  g_hash_table_unref (corpus.other_roots);
  g_hash_table_unref (corpus.malformed_reasons);
  g_hash_table_unref (corpus.malformed_counts);
}

/* Test: the seed domain */

static void
test_seed (void)
{
  g_autoptr(HangarDomainDoc) doc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = hangar_test_seed_path ();
  g_autofree char *device_path = NULL;
  g_autofree char *text = NULL;
  unsigned timeout = 0;

  doc = hangar_domain_doc_new_from_file (path, &error);
  g_assert_no_error (error);

  g_assert_cmpstr (hangar_domain_doc_get_name (doc), ==, "gentoo-2");
  g_assert_cmpstr (hangar_domain_doc_get_uuid (doc), ==,
                   "e171ac3a-17a6-46ab-94a3-ba5ef25d4427");
  g_assert_cmpstr (hangar_domain_doc_get_hypervisor (doc), ==, "kvm");
  g_assert_cmpstr (hangar_domain_doc_get_arch (doc), ==, "x86_64");
  g_assert_cmpuint (hangar_domain_doc_get_memory_kib (doc), ==, 524288);
  g_assert_cmpuint (hangar_domain_doc_get_current_memory_kib (doc),
                    ==, 524288);
  g_assert_cmpuint (hangar_domain_doc_get_vcpus (doc), ==, 1);
  g_assert_cmpuint (hangar_domain_doc_get_current_vcpus (doc), ==, 1);
  g_assert_cmpstr (hangar_domain_doc_get_os_id (doc), ==,
                   "http://gentoo.org/gentoo/rolling");
  g_assert_cmpstr (hangar_domain_doc_get_cpu_mode (doc), ==,
                   "host-passthrough");
  g_assert_null (hangar_domain_doc_get_cpu_model (doc));
  g_assert_cmpstr (hangar_domain_doc_get_graphics_type (doc), ==, "spice");
  g_assert_false (hangar_domain_doc_get_boot_menu (doc, &timeout));

  g_assert_cmpuint (hangar_domain_doc_count_devices (doc, "interface"), ==, 1);
  g_assert_cmpstr (hangar_domain_doc_get_device_attr (doc, "interface", 0,
                                                      "type"), ==, "network");
  g_assert_null (hangar_domain_doc_get_device_attr (doc, "interface", 1,
                                                    "type"));
  device_path = hangar_domain_doc_dup_device_path (doc, "interface", 0);
  g_assert_cmpstr (device_path, ==, "/domain/devices/interface[1]");

  g_assert_cmpuint (hangar_domain_doc_count_devices (doc, "disk"), ==, 2);
  g_assert_cmpuint (hangar_domain_doc_count_devices (doc, "redirdev"), ==, 2);
  g_assert_cmpuint (hangar_domain_doc_count_devices (doc, "hostdev"), ==, 0);
  g_assert_cmpstr (hangar_domain_doc_get_disk_source_file (doc, 0), ==,
                   "/var/lib/libvirt/images/gentoo-2.qcow2");
  g_assert_cmpstr (hangar_domain_doc_get_disk_driver_type (doc, 0), ==,
                   "qcow2");
  g_assert_cmpstr (hangar_domain_doc_get_device_attr (doc, "disk", 1,
                                                      "device"), ==, "cdrom");
  g_assert_null (hangar_domain_doc_get_disk_source_file (doc, 1));
  g_assert_cmpstr (hangar_domain_doc_get_disk_driver_type (doc, 1), ==, "raw");
  g_assert_null (hangar_domain_doc_get_disk_source_file (doc, 2));

  /* The fixes the import offers on the embedded QEMU driver. */
  g_assert_true (hangar_domain_doc_set_interface_user (doc, 0, &error));
  g_assert_no_error (error);
  hangar_domain_doc_set_hypervisor (doc, "qemu");
  hangar_domain_doc_set_cpu_custom_model (doc, "qemu64");
  hangar_domain_doc_set_boot_menu (doc, TRUE, 30000);

  text = hangar_domain_doc_to_string (doc);
  g_assert_true (g_str_has_prefix (text, "<domain type=\"qemu\">\n"));
  hangar_test_assert_contains (text,
                               "    <interface type=\"user\">\n"
                               "      <mac address=\"52:54:00:87:e4:d0\"/>\n"
                               "      <model type=\"virtio\"/>\n"
                               "      <address type=\"pci\" domain=\"0x0000\" "
                               "bus=\"0x01\" slot=\"0x00\" function=\"0x0\"/>\n"
                               "    </interface>\n");
  hangar_test_assert_contains (text,
                               "  </features>\n"
                               "  <cpu mode=\"custom\" match=\"exact\">\n"
                               "    <model fallback=\"allow\">qemu64</model>\n"
                               "  </cpu>\n"
                               "  <clock offset=\"utc\">\n");
  hangar_test_assert_contains (text,
                               "    <boot dev=\"hd\"/>\n"
                               "    <bootmenu enable=\"yes\" timeout=\"30000\"/>\n"
                               "  </os>\n");
  g_assert_true (hangar_domain_doc_get_boot_menu (doc, &timeout));
  g_assert_cmpuint (timeout, ==, 30000);

  g_assert_true (hangar_domain_doc_set_interface_user (doc, 0, &error));
  g_assert_false (hangar_domain_doc_set_interface_user (doc, 1, &error));
  g_assert_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_NOT_FOUND);
}

/* Test: malformed and foreign input */

static void
assert_malformed_at (const char *xml,
                     const char *source,
                     const char *position,
                     const char *reason)
{
  g_autoptr(HangarDomainDoc) doc = NULL;
  g_autoptr(GError) error = NULL;

  doc = hangar_domain_doc_new_from_string (xml, -1, source, &error);
  g_assert_null (doc);
  g_assert_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_MALFORMED);

  if (!g_str_has_prefix (error->message, position) ||
      strstr (error->message, reason) == NULL)
    {
      g_test_message ("Expected “%s … %s”, got “%s”", position, reason,
                      error->message);
      g_test_fail ();
    }
}

static char *
replace_once (const char *text,
              const char *old,
              const char *replacement)
{
  const char *at = strstr (text, old);

  g_assert_nonnull (at);

  return g_strdup_printf ("%.*s%s%s", (int) (at - text), text, replacement,
                          at + strlen (old));
}

static void
test_malformed (void)
{
  g_autofree char *path = hangar_test_seed_path ();
  g_autofree char *seed = NULL;
  g_autofree char *mismatch = NULL;
  g_autofree char *unbound = NULL;
  g_autofree char *truncated = NULL;
  g_autofree char *twice = NULL;
  g_autoptr(HangarDomainDoc) doc = NULL;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &seed, NULL, &error);
  g_assert_no_error (error);

  /* Line 28 of the seed holds <on_reboot>: break its end tag. */
  mismatch = replace_once (seed, "restart</on_reboot>", "restart</on_rebot>");
  assert_malformed_at (mismatch, "gentoo-2.xml", "gentoo-2.xml:28:",
                       "Opening and ending tag mismatch: on_reboot");

  unbound = replace_once (seed, "<on_crash>destroy</on_crash>",
                          "<oops:on_crash>destroy</oops:on_crash>");
  assert_malformed_at (unbound, "gentoo-2.xml", "gentoo-2.xml:29:",
                       "oops");

  truncated = g_strndup (seed, strstr (seed, "<devices>") - seed);
  assert_malformed_at (truncated, "gentoo-2.xml", "gentoo-2.xml:",
                       "Premature end of data");

  twice = g_strconcat (seed, "\n", seed, NULL);
  assert_malformed_at (twice, "gentoo-2.xml", "gentoo-2.xml:",
                       "Extra content at the end of the document");

  assert_malformed_at ("", "empty.xml", "empty.xml:1:", "empty");
  assert_malformed_at ("<domain><name>a</domain>", NULL, "line 1, column ",
                       "mismatch");
  assert_malformed_at ("<domain a='1' a='2'/>", "dup.xml", "dup.xml:1:",
                       "redefined");
  assert_malformed_at ("<domain>&undefined;</domain>", "entity.xml",
                       "entity.xml:1:", "undefined");

  doc = hangar_domain_doc_new_from_string ("<network>\n  <name>default"
                                           "</name>\n</network>\n", -1,
                                           "default.xml", &error);
  g_assert_null (doc);
  g_assert_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_NOT_A_DOMAIN);
  g_assert_true (g_str_has_prefix (error->message, "default.xml:1:"));
  g_assert_nonnull (strstr (error->message, "<network>"));
  g_clear_error (&error);

  doc = hangar_domain_doc_new_from_string ("<domain xmlns='urn:x'/>", -1,
                                           "ns.xml", &error);
  g_assert_null (doc);
  g_assert_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_NOT_A_DOMAIN);
  g_assert_nonnull (strstr (error->message, "urn:x"));
  g_clear_error (&error);

  doc = hangar_domain_doc_new_from_file ("/nonexistent/hangar.xml", &error);
  g_assert_null (doc);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
}

/* Test: namespaces survive edits */

static const char namespaced_xml[] =
  "<?xml version='1.0' encoding='ISO-8859-1'?>\n"
  "<!-- written by hand -->\n"
  "<domain type='kvm' xmlns:qq='" QEMU_NS "'>\n"
  "  <name>ns</name>\n"
  "  <metadata>\n"
  "    <libosinfo:libosinfo xmlns:libosinfo='urn:not-libosinfo'>\n"
  "      <libosinfo:os id='urn:wrong'/>\n"
  "    </libosinfo:libosinfo>\n"
  "    <osi:libosinfo xmlns:osi='" LIBOSINFO_NS "'>\n"
  "      <osi:os id='http://debian.org/debian/12'/>\n"
  "    </osi:libosinfo>\n"
  "    <app xmlns='http://example.org/app'><setting a='1'>caf\xe9</setting>"
  "</app>\n"
  "  </metadata>\n"
  "  <!-- memory follows -->\n"
  "  <memory unit='MiB'>1024</memory>\n"
  "  <vcpu>2</vcpu>\n"
  "  <os>\n"
  "    <type arch='x86_64'>hvm</type>\n"
  "  </os>\n"
  "  <devices>\n"
  "    <interface type='bridge'>\n"
  "      <source bridge='br0'/>\n"
  "      <x:extra xmlns:x='urn:x'/>\n"
  "    </interface>\n"
  "  </devices>\n"
  "  <qq:commandline>\n"
  "    <qq:arg value='-s'/>\n"
  "  </qq:commandline>\n"
  "</domain>\n";

static void
test_namespaces (void)
{
  g_autoptr(HangarDomainDoc) doc = hangar_test_load (namespaced_xml);
  g_autofree char *original = hangar_test_canonical (namespaced_xml,
                                                     strlen (namespaced_xml));
  g_autofree char *text = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  const char *targets[] = {
    "/domain/@type", "/domain/memory", "/domain/vcpu", "/domain/cpu",
    "/domain/os/bootmenu", "/domain/devices/interface[1]", NULL
  };
  xmlDoc *parsed;
  xmlNode *root;
  xmlNode *last = NULL;

  g_assert_cmpstr (hangar_domain_doc_get_os_id (doc), ==,
                   "http://debian.org/debian/12");
  g_assert_cmpuint (hangar_domain_doc_get_memory_kib (doc), ==, 1048576);

  hangar_domain_doc_set_hypervisor (doc, "qemu");
  g_assert_true (hangar_domain_doc_set_memory_kib (doc, 2097152, &error));
  g_assert_true (hangar_domain_doc_set_vcpus (doc, 4, &error));
  hangar_domain_doc_set_cpu_custom_model (doc, "qemu64");
  hangar_domain_doc_set_boot_menu (doc, TRUE, 0);
  g_assert_true (hangar_domain_doc_set_interface_user (doc, 0, &error));
  g_assert_no_error (error);

  after = hangar_test_doc_canonical (doc);
  hangar_test_assert_only_changed ("namespaces", original, after, targets);

  /* The text went out as UTF-8, with the declaration saying so. */
  text = hangar_domain_doc_to_string (doc);
  g_assert_true (g_str_has_prefix (text, "<?xml version=\"1.0\" "
                                         "encoding=\"UTF-8\"?>\n"));
  hangar_test_assert_contains (text, "caf\xc3\xa9");
  hangar_test_assert_contains (text, "<!-- written by hand -->");
  hangar_test_assert_contains (text, "  <!-- memory follows -->\n"
                               "  <memory unit=\"MiB\">2048</memory>\n");
  hangar_test_assert_contains (text, "<qq:arg value=\"-s\"/>");
  hangar_test_assert_contains (text, "<x:extra xmlns:x=\"urn:x\"/>");
  hangar_test_assert_lacks (text, "br0");

  /* The command line is still the QEMU namespace's, by URI. */
  parsed = hangar_test_parse (text, strlen (text));
  root = xmlDocGetRootElement (parsed);
  for (xmlNode *child = root->children; child != NULL; child = child->next)
    {
      if (child->type == XML_ELEMENT_NODE)
        last = child;
    }
  g_assert_nonnull (last);
  g_assert_cmpstr ((char *) last->name, ==, "commandline");
  g_assert_nonnull (last->ns);
  g_assert_cmpstr ((char *) last->ns->href, ==, QEMU_NS);
  g_assert_cmpstr ((char *) last->ns->prefix, ==, "qq");
  xmlFreeDoc (parsed);

  /* A libosinfo look-alike under another URI is not taken. */
  {
    g_autoptr(HangarDomainDoc) decoy = NULL;

    decoy = hangar_test_load ("<domain><metadata><libosinfo:libosinfo xmlns:libosinfo="
                              "'urn:x'><libosinfo:os id='urn:y'/></libosinfo:libosinfo>"
                              "</metadata></domain>");
    g_assert_null (hangar_domain_doc_get_os_id (decoy));
  }
}

/* Test: round trip of the text itself */

static void
test_round_trip_text (void)
{
  const char *without_declaration = "<domain type='kvm'>\n"
                                    "  <name>a</name>\n"
                                    "</domain>";
  g_autoptr(HangarDomainDoc) doc = hangar_test_load (without_declaration);
  g_autofree char *text = hangar_domain_doc_to_string (doc);

  g_assert_cmpstr (text, ==, "<domain type=\"kvm\">\n"
                             "  <name>a</name>\n"
                             "</domain>\n");
}

/* Test: memory units */

static void
test_memory_units (void)
{
  const struct {
    const char *unit;
    const char *value;
    guint64 kib;
  } cases[] = {
    { NULL, "1024", 1024 },
    { "KiB", "1024", 1024 },
    { "k", "3", 3 },
    { "K", "3", 3 },
    { "kib", "5", 5 },
    { "KB", "1024", 1000 },
    { "kb", "2048", 2000 },
    { "b", "1024", 1 },
    { "bytes", "1025", 2 },
    { "byte", "1", 1 },
    { "MiB", "512", 524288 },
    { "M", "1", 1024 },
    { "MB", "1", 977 },
    { "GiB", "1", 1048576 },
    { "G", "2", 2097152 },
    { "GB", "1", 976563 },
    { "TiB", "1", G_GUINT64_CONSTANT (1073741824) },
    { "T", "1", G_GUINT64_CONSTANT (1073741824) },
    { "TB", "1", G_GUINT64_CONSTANT (976562500) },
    { "PiB", "1", G_GUINT64_CONSTANT (1099511627776) },
    { "EiB", "1", G_GUINT64_CONSTANT (1125899906842624) },
    { "KiB", " 64 ", 64 },
    { "bogus", "1", 0 },
    { "KiB", "abc", 0 },
    { "KiB", "-1", 0 },
  };

  for (unsigned i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *xml = NULL;
      g_autoptr(HangarDomainDoc) doc = NULL;

      if (cases[i].unit != NULL)
        xml = g_strdup_printf ("<domain><memory unit='%s'>%s</memory>"
                               "</domain>", cases[i].unit, cases[i].value);
      else
        xml = g_strdup_printf ("<domain><memory>%s</memory></domain>",
                               cases[i].value);

      doc = hangar_test_load (xml);
      g_assert_cmpuint (hangar_domain_doc_get_memory_kib (doc),
                        ==, cases[i].kib);
    }
}

static void
assert_memory_edit (const char *xml,
                    guint64     kib,
                    const char *expected)
{
  g_autoptr(HangarDomainDoc) doc = hangar_test_load (xml);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  g_assert_true (hangar_domain_doc_set_memory_kib (doc, kib, &error));
  g_assert_no_error (error);

  text = hangar_domain_doc_to_string (doc);
  g_assert_cmpstr (text, ==, expected);
}

static void
assert_memory_refused (const char *xml,
                       guint64     kib)
{
  g_autoptr(HangarDomainDoc) doc = hangar_test_load (xml);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = hangar_domain_doc_to_string (doc);
  g_autofree char *after = NULL;

  g_assert_false (hangar_domain_doc_set_memory_kib (doc, kib, &error));
  g_assert_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_INVALID);

  after = hangar_domain_doc_to_string (doc);
  g_assert_cmpstr (after, ==, before);
}

static void
test_memory_edit (void)
{
  /* The unit is kept where exact, else KiB. */
  assert_memory_edit ("<domain><memory unit='GiB' dumpCore='off'>1</memory>"
                      "</domain>", 2097152,
                      "<domain><memory unit=\"GiB\" dumpCore=\"off\">2"
                      "</memory></domain>\n");
  assert_memory_edit ("<domain><memory unit='GiB'>1</memory></domain>",
                      1572864,
                      "<domain><memory unit=\"KiB\">1572864</memory>"
                      "</domain>\n");
  assert_memory_edit ("<domain><memory unit='MB'>1000</memory></domain>",
                      1000000,
                      "<domain><memory unit=\"MB\">1024</memory></domain>\n");
  assert_memory_edit ("<domain><memory unit='b'>1024</memory></domain>", 3,
                      "<domain><memory unit=\"b\">3072</memory></domain>\n");
  assert_memory_edit ("<domain><memory>1024</memory></domain>", 4096,
                      "<domain><memory>4096</memory></domain>\n");

  /* currentMemory follows when equal, is lowered when above, else kept. */
  assert_memory_edit ("<domain><memory>1024</memory>"
                      "<currentMemory unit='MiB'>1</currentMemory></domain>",
                      2048,
                      "<domain><memory>2048</memory>"
                      "<currentMemory unit=\"MiB\">2</currentMemory>"
                      "</domain>\n");
  assert_memory_edit ("<domain><memory>4096</memory>"
                      "<currentMemory>1024</currentMemory></domain>", 8192,
                      "<domain><memory>8192</memory>"
                      "<currentMemory>1024</currentMemory></domain>\n");
  assert_memory_edit ("<domain><memory>4096</memory>"
                      "<currentMemory>2048</currentMemory></domain>", 1024,
                      "<domain><memory>1024</memory>"
                      "<currentMemory>1024</currentMemory></domain>\n");

  /* A missing <memory> is created where libvirt writes it. */
  assert_memory_edit ("<domain type='kvm'>\n"
                      "  <name>m</name>\n"
                      "  <uuid>0</uuid>\n"
                      "  <vcpu>1</vcpu>\n"
                      "</domain>", 1024,
                      "<domain type=\"kvm\">\n"
                      "  <name>m</name>\n"
                      "  <uuid>0</uuid>\n"
                      "  <memory unit=\"KiB\">1024</memory>\n"
                      "  <vcpu>1</vcpu>\n"
                      "</domain>\n");

  assert_memory_refused ("<domain><memory>1024</memory></domain>", 0);
  assert_memory_refused ("<domain><maxMemory slots='4'>4096</maxMemory>"
                         "<memory>1024</memory></domain>", 8192);
  assert_memory_refused ("<domain><memory>1024</memory><cpu><numa>"
                         "<cell id='0' cpus='0' memory='1024'/></numa></cpu>"
                         "</domain>", 2048);
}

/* Test: vCPUs */

static void
assert_vcpus_edit (const char *xml,
                   unsigned    vcpus,
                   const char *expected)
{
  g_autoptr(HangarDomainDoc) doc = hangar_test_load (xml);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  g_assert_true (hangar_domain_doc_set_vcpus (doc, vcpus, &error));
  g_assert_no_error (error);

  text = hangar_domain_doc_to_string (doc);
  g_assert_cmpstr (text, ==, expected);
}

static void
assert_vcpus_refused (const char *xml,
                      unsigned    vcpus)
{
  g_autoptr(HangarDomainDoc) doc = hangar_test_load (xml);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = hangar_domain_doc_to_string (doc);
  g_autofree char *after = NULL;

  g_assert_false (hangar_domain_doc_set_vcpus (doc, vcpus, &error));
  g_assert_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_INVALID);

  after = hangar_domain_doc_to_string (doc);
  g_assert_cmpstr (after, ==, before);
}

static void
test_vcpus_edit (void)
{
  assert_vcpus_edit ("<domain><vcpu placement='static' cpuset='0-3' "
                     "current='2'>4</vcpu></domain>", 8,
                     "<domain><vcpu placement=\"static\" cpuset=\"0-3\" "
                     "current=\"2\">8</vcpu></domain>\n");
  assert_vcpus_edit ("<domain><vcpu current='2'>4</vcpu></domain>", 1,
                     "<domain><vcpu current=\"1\">1</vcpu></domain>\n");
  assert_vcpus_edit ("<domain><vcpu current='4'>4</vcpu></domain>", 6,
                     "<domain><vcpu current=\"6\">6</vcpu></domain>\n");

  /* The topology is refitted: sockets first, then cores. */
  assert_vcpus_edit ("<domain><vcpu>4</vcpu><cpu><topology sockets='1' "
                     "cores='2' threads='2'/></cpu></domain>", 8,
                     "<domain><vcpu>8</vcpu><cpu><topology sockets=\"2\" "
                     "cores=\"2\" threads=\"2\"/></cpu></domain>\n");
  assert_vcpus_edit ("<domain><vcpu>4</vcpu><cpu><topology sockets='2' "
                     "dies='1' cores='1' threads='2'/></cpu></domain>", 6,
                     "<domain><vcpu>6</vcpu><cpu><topology sockets=\"3\" "
                     "dies=\"1\" cores=\"1\" threads=\"2\"/></cpu>"
                     "</domain>\n");
  assert_vcpus_edit ("<domain><vcpu>4</vcpu><cpu><topology sockets='1' "
                     "cores='2' threads='2'/></cpu></domain>", 5,
                     "<domain><vcpu>5</vcpu><cpu><topology sockets=\"1\" "
                     "cores=\"5\" threads=\"1\"/></cpu></domain>\n");

  /* A missing <vcpu> is created after the memory, indented like it. */
  assert_vcpus_edit ("<domain type='kvm'>\n"
                     "  <name>v</name>\n"
                     "  <memory unit='KiB'>1024</memory>\n"
                     "  <currentMemory unit='KiB'>1024</currentMemory>\n"
                     "  <os>\n"
                     "    <type>hvm</type>\n"
                     "  </os>\n"
                     "</domain>\n", 2,
                     "<domain type=\"kvm\">\n"
                     "  <name>v</name>\n"
                     "  <memory unit=\"KiB\">1024</memory>\n"
                     "  <currentMemory unit=\"KiB\">1024</currentMemory>\n"
                     "  <vcpu placement=\"static\">2</vcpu>\n"
                     "  <os>\n"
                     "    <type>hvm</type>\n"
                     "  </os>\n"
                     "</domain>\n");

  assert_vcpus_refused ("<domain><vcpu>2</vcpu></domain>", 0);
  assert_vcpus_refused ("<domain><vcpu>2</vcpu><vcpus><vcpu id='0' "
                        "enabled='yes'/><vcpu id='1' enabled='no'/></vcpus>"
                        "</domain>", 4);
  assert_vcpus_refused ("<domain><vcpu>4</vcpu><cpu><numa><cell id='0' "
                        "cpus='0-1'/><cell id='1' cpus='2,3'/></numa></cpu>"
                        "</domain>", 3);
}

/* Test: elements created in libvirt's order */

static void
test_create_in_order (void)
{
  g_autoptr(HangarDomainDoc) doc = NULL;
  g_autoptr(HangarDomainDoc) compact = NULL;
  g_autoptr(HangarDomainDoc) tabs = NULL;
  g_autoptr(HangarDomainDoc) empty = NULL;
  g_autofree char *text = NULL;
  g_autofree char *compact_text = NULL;
  g_autofree char *tabs_text = NULL;
  g_autofree char *empty_text = NULL;

  doc = hangar_test_load ("<domain type='kvm'>\n"
                          "  <name>o</name>\n"
                          "  <memory unit='KiB'>1024</memory>\n"
                          "\n"
                          "  <os>\n"
                          "    <type>hvm</type>\n"
                          "    <boot dev='cdrom'/>\n"
                          "    <boot dev='hd'/>\n"
                          "    <smbios mode='host'/>\n"
                          "  </os>\n"
                          "  <foo:bar xmlns:foo='urn:foo'/>\n"
                          "  <devices/>\n"
                          "</domain>\n");
  hangar_domain_doc_set_boot_menu (doc, TRUE, 3000);
  hangar_domain_doc_set_cpu_custom_model (doc, "qemu64");
  text = hangar_domain_doc_to_string (doc);
  g_assert_cmpstr (text, ==,
                   "<domain type=\"kvm\">\n"
                   "  <name>o</name>\n"
                   "  <memory unit=\"KiB\">1024</memory>\n"
                   "\n"
                   "  <os>\n"
                   "    <type>hvm</type>\n"
                   "    <boot dev=\"cdrom\"/>\n"
                   "    <boot dev=\"hd\"/>\n"
                   "    <bootmenu enable=\"yes\" timeout=\"3000\"/>\n"
                   "    <smbios mode=\"host\"/>\n"
                   "  </os>\n"
                   "  <cpu mode=\"custom\" match=\"exact\">\n"
                   "    <model fallback=\"allow\">qemu64</model>\n"
                   "  </cpu>\n"
                   "  <foo:bar xmlns:foo=\"urn:foo\"/>\n"
                   "  <devices/>\n"
                   "</domain>\n");

  /* Turning the menu off keeps the element, as libvirt would write it. */
  hangar_domain_doc_set_boot_menu (doc, FALSE, 0);
  g_clear_pointer (&text, g_free);
  text = hangar_domain_doc_to_string (doc);
  hangar_test_assert_contains (text, "<bootmenu enable=\"no\"/>");

  compact = hangar_test_load ("<domain><name>c</name><os><type>hvm</type></os>"
                              "<cpu mode='host-passthrough' check='none'><cache "
                              "mode='passthrough'/><topology sockets='1' cores='1' "
                              "threads='1'/></cpu></domain>");
  g_assert_true (hangar_domain_doc_set_vcpus (compact, 1, NULL));
  hangar_domain_doc_set_boot_menu (compact, TRUE, 0);
  hangar_domain_doc_set_cpu_custom_model (compact, "qemu64");
  compact_text = hangar_domain_doc_to_string (compact);
  g_assert_cmpstr (compact_text, ==,
                   "<domain><name>c</name>"
                   "<vcpu placement=\"static\">1</vcpu>"
                   "<os><type>hvm</type><bootmenu enable=\"yes\"/></os>"
                   "<cpu mode=\"custom\" match=\"exact\">"
                   "<model fallback=\"allow\">qemu64</model>"
                   "<topology sockets=\"1\" cores=\"1\" threads=\"1\"/>"
                   "</cpu></domain>\n");

  tabs = hangar_test_load ("<domain>\n\t<name>t</name>\n\t<os/>\n</domain>");
  hangar_domain_doc_set_boot_menu (tabs, TRUE, 0);
  tabs_text = hangar_domain_doc_to_string (tabs);
  g_assert_cmpstr (tabs_text, ==,
                   "<domain>\n\t<name>t</name>\n\t<os>\n"
                   "\t\t<bootmenu enable=\"yes\"/>\n\t</os>\n</domain>\n");

  empty = hangar_test_load ("<domain/>");
  hangar_domain_doc_set_cpu_custom_model (empty, "qemu64");
  empty_text = hangar_domain_doc_to_string (empty);
  g_assert_cmpstr (empty_text, ==,
                   "<domain>\n"
                   "  <cpu mode=\"custom\" match=\"exact\">\n"
                   "    <model fallback=\"allow\">qemu64</model>\n"
                   "  </cpu>\n"
                   "</domain>\n");
}

/* Test: interface to user-mode networking */

static void
test_interface_user (void)
{
  g_autoptr(HangarDomainDoc) doc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  doc = hangar_test_load ("<domain>\n"
                          "  <devices>\n"
                          "    <interface type='direct' trustGuestRxFilters='yes'>\n"
                          "      <mac address='52:54:00:00:00:01'/>\n"
                          "      <source dev='eth0' mode='vepa'/>\n"
                          "      <virtualport type='802.1Qbg'>\n"
                          "        <parameters managerid='11'/>\n"
                          "      </virtualport>\n"
                          "      <target dev='macvtap0'/>\n"
                          "      <model type='virtio'/>\n"
                          "      <driver name='vhost' queues='4' txmode='iothread'/>\n"
                          "      <bandwidth><inbound average='1000'/></bandwidth>\n"
                          "      <filterref filter='clean-traffic'/>\n"
                          "      <!-- kept -->\n"
                          "      <boot order='2'/>\n"
                          "      <link state='down'/>\n"
                          "      <mtu size='1400'/>\n"
                          "      <rom bar='off'/>\n"
                          "      <x:note xmlns:x='urn:x'>kept</x:note>\n"
                          "      <alias name='ua-net'/>\n"
                          "      <address type='pci' slot='0x03'/>\n"
                          "    </interface>\n"
                          "  </devices>\n"
                          "</domain>\n");

  g_assert_true (hangar_domain_doc_set_interface_user (doc, 0, &error));
  g_assert_no_error (error);

  text = hangar_domain_doc_to_string (doc);
  g_assert_cmpstr (text, ==,
                   "<domain>\n"
                   "  <devices>\n"
                   "    <interface type=\"user\">\n"
                   "      <mac address=\"52:54:00:00:00:01\"/>\n"
                   "      <model type=\"virtio\"/>\n"
                   "      <driver name=\"vhost\" txmode=\"iothread\"/>\n"
                   "      <!-- kept -->\n"
                   "      <boot order=\"2\"/>\n"
                   "      <link state=\"down\"/>\n"
                   "      <mtu size=\"1400\"/>\n"
                   "      <rom bar=\"off\"/>\n"
                   "      <x:note xmlns:x=\"urn:x\">kept</x:note>\n"
                   "      <alias name=\"ua-net\"/>\n"
                   "      <address type=\"pci\" slot=\"0x03\"/>\n"
                   "    </interface>\n"
                   "  </devices>\n"
                   "</domain>\n");

  /* A host device's assignment driver goes with it, and the emptied
   * <driver> too. */
  g_clear_object (&doc);
  g_clear_pointer (&text, g_free);
  doc = hangar_test_load ("<domain><devices>"
                          "<interface type='hostdev' managed='yes'>"
                          "<driver name='vfio'/>"
                          "<source><address type='pci' bus='0x02'/></source>"
                          "<mac address='52:54:00:00:00:02'/>"
                          "</interface>"
                          "<interface type='user'><model type='e1000'/></interface>"
                          "</devices></domain>");
  g_assert_true (hangar_domain_doc_set_interface_user (doc, 0, &error));
  g_assert_true (hangar_domain_doc_set_interface_user (doc, 1, &error));
  g_assert_no_error (error);
  text = hangar_domain_doc_to_string (doc);
  g_assert_cmpstr (text, ==,
                   "<domain><devices>"
                   "<interface type=\"user\">"
                   "<mac address=\"52:54:00:00:00:02\"/>"
                   "</interface>"
                   "<interface type=\"user\"><model type=\"e1000\"/>"
                   "</interface>"
                   "</devices></domain>\n");
}

/* Test: copies are independent, strings outlive edits */

static void
test_copy (void)
{
  g_autoptr(HangarDomainDoc) doc = NULL;
  g_autoptr(HangarDomainDoc) copy = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  const char *hypervisor;

  doc = hangar_test_load ("<domain type='kvm'><name>a</name><memory>1024</memory>"
                          "</domain>");
  before = hangar_domain_doc_to_string (doc);
  hypervisor = hangar_domain_doc_get_hypervisor (doc);

  copy = hangar_domain_doc_copy (doc);
  g_assert_true (hangar_domain_doc_set_memory_kib (copy, 2048, NULL));
  hangar_domain_doc_set_hypervisor (copy, "qemu");
  hangar_domain_doc_set_hypervisor (doc, "xen");

  g_assert_cmpstr (hypervisor, ==, "kvm");
  g_assert_cmpuint (hangar_domain_doc_get_memory_kib (doc), ==, 1024);
  g_assert_cmpuint (hangar_domain_doc_get_memory_kib (copy), ==, 2048);
  g_assert_cmpstr (hangar_domain_doc_get_hypervisor (copy), ==, "qemu");

  hangar_domain_doc_set_hypervisor (doc, "kvm");
  after = hangar_domain_doc_to_string (doc);
  g_assert_cmpstr (after, ==, before);

  g_object_add_weak_pointer (G_OBJECT (copy), (gpointer *) &copy);
  g_object_unref (copy);
  g_assert_null (copy);
}

/* Test: the diff helper itself catches changes outside the target */

static void
test_diff_helper (void)
{
  const char *before = "<domain><name>a</name><memory>1</memory></domain>";
  const char *same = "<domain><name>a</name><memory>2</memory></domain>";
  const char *other = "<domain><name>b</name><memory>2</memory></domain>";
  const char *targets[] = { "/domain/memory", NULL };

  if (g_test_subprocess ())
    {
      hangar_test_assert_only_changed ("diff", before, other, targets);
      return;
    }

  hangar_test_assert_only_changed ("diff", before, same, targets);

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
}

/* Test: the device list */

static const char devices_xml[] =
  "<domain type='kvm'>\n"
  "  <name>d</name>\n"
  "  <devices>\n"
  "    <emulator>/usr/bin/qemu-system-x86_64</emulator>\n"
  "    <disk type='file' device='disk'>\n"
  "      <source file='/a.img'/>\n"
  "      <target dev='vda' bus='virtio'/>\n"
  "    </disk>\n"
  "    <!-- a note -->\n"
  "    <frobnicator speed='2'/>\n"
  "    <x:widget xmlns:x='urn:x'><x:part/></x:widget>\n"
  "    <interface type='network'>\n"
  "      <source network='default'/>\n"
  "    </interface>\n"
  "  </devices>\n"
  "</domain>\n";

static void
test_device_list (void)
{
  g_autoptr(HangarDomainDoc) doc = hangar_test_load (devices_xml);
  GListModel *devices = hangar_domain_doc_get_devices (doc);
  const HangarDeviceKind kinds[] = {
    HANGAR_DEVICE_EMULATOR, HANGAR_DEVICE_DISK, HANGAR_DEVICE_OTHER,
    HANGAR_DEVICE_OTHER, HANGAR_DEVICE_INTERFACE,
  };
  g_autoptr(HangarDevice) unknown = NULL;
  g_autoptr(HangarDevice) foreign = NULL;
  g_autofree char *unknown_xml = NULL;
  g_autofree char *foreign_xml = NULL;
  g_autofree char *foreign_path = NULL;
  g_autofree char *disk_path = NULL;
  unsigned n;

  g_assert_true (g_list_model_get_item_type (devices) == HANGAR_TYPE_DEVICE);
  g_assert_cmpuint (g_list_model_get_n_items (devices), ==,
                    G_N_ELEMENTS (kinds));

  for (unsigned i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autoptr(HangarDevice) device = g_list_model_get_item (devices, i);

      g_assert_cmpint (hangar_device_get_kind (device), ==, kinds[i]);
      g_assert_true (hangar_device_is_attached (device));
    }

  /* Unknown elements are listed as they are, with no typed field. */
  unknown = g_list_model_get_item (devices, 2);
  foreign = g_list_model_get_item (devices, 3);
  g_assert_cmpstr (hangar_device_get_element_name (unknown), ==,
                   "frobnicator");
  g_assert_cmpstr (hangar_device_get_element_name (foreign), ==, "x:widget");
  unknown_xml = hangar_device_dup_xml (unknown);
  foreign_xml = hangar_device_dup_xml (foreign);
  g_assert_cmpstr (unknown_xml, ==, "<frobnicator speed=\"2\"/>");
  g_assert_cmpstr (foreign_xml, ==,
                   "<x:widget xmlns:x=\"urn:x\"><x:part/></x:widget>");
  foreign_path = hangar_device_dup_path (foreign);
  g_assert_cmpstr (foreign_path, ==, "/domain/devices/x:widget[1]");
  hangar_device_kind_get_fields (HANGAR_DEVICE_OTHER, &n);
  g_assert_cmpuint (n, ==, 0);
  g_assert_null (hangar_device_get_string (unknown, "type"));

  /* By kind and index, the same objects as in the list. */
  g_assert_true (hangar_domain_doc_get_device (doc, HANGAR_DEVICE_DISK, 0) ==
                 g_list_model_get_item (devices, 1));
  g_object_unref (g_list_model_get_item (devices, 1));
  g_assert_null (hangar_domain_doc_get_device (doc, HANGAR_DEVICE_DISK, 1));
  disk_path = hangar_device_dup_path (hangar_domain_doc_get_device (
                                        doc, HANGAR_DEVICE_DISK, 0));
  g_assert_cmpstr (disk_path, ==, "/domain/devices/disk[1]");

  /* The typed fields of every kind are named uniquely and have paths. */
  for (HangarDeviceKind kind = HANGAR_DEVICE_OTHER + 1;
       kind < HANGAR_N_DEVICE_KINDS;
       kind++)
    {
      const HangarField *fields = hangar_device_kind_get_fields (kind, &n);
      g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);

      g_assert_cmpint (hangar_device_kind_from_name (
                         hangar_device_kind_to_name (kind)), ==, kind);
      for (unsigned i = 0; i < n; i++)
        {
          g_assert_nonnull (fields[i].path);
          g_assert_false (g_hash_table_contains (names, fields[i].name));
          g_hash_table_add (names, (gpointer) fields[i].name);
          g_assert_true (hangar_device_kind_find_field (kind, fields[i].name) ==
                         &fields[i]);
        }
    }
}

/* Test: listeners hear of every edit, once */

typedef struct
{
  unsigned doc_changed;
  GString *items;    /* "position-removed+added " per items-changed */
  unsigned n_at_changed;
} Heard;

static void
doc_changed_cb (HangarDomainDoc *doc,
                Heard           *heard)
{
  heard->doc_changed++;

  /* The list is up to date when the document says it changed. */
  heard->n_at_changed =
    g_list_model_get_n_items (hangar_domain_doc_get_devices (doc));
}

static void
items_changed_cb (GListModel *model,
                  unsigned    position,
                  unsigned    removed,
                  unsigned    added,
                  Heard      *heard)
{
  g_string_append_printf (heard->items, "%u-%u+%u ", position, removed, added);
}

static void
device_changed_cb (HangarDevice *device,
                   unsigned     *count)
{
  (*count)++;
}

static void
heard_reset (Heard *heard)
{
  heard->doc_changed = 0;
  g_string_truncate (heard->items, 0);
}

static const char signals_xml[] =
  "<domain type='kvm'>\n"
  "  <name>s</name>\n"
  "  <os>\n"
  "    <type>hvm</type>\n"
  "    <boot dev='hd'/>\n"
  "  </os>\n"
  "  <devices>\n"
  "    <disk type='file' device='disk'>\n"
  "      <target dev='vda' bus='virtio'/>\n"
  "    </disk>\n"
  "    <disk type='file' device='cdrom'>\n"
  "      <target dev='sda' bus='sata'/>\n"
  "    </disk>\n"
  "    <interface type='user'/>\n"
  "    <channel type='spicevmc'>\n"
  "      <target type='virtio' name='com.redhat.spice.0'/>\n"
  "    </channel>\n"
  "    <graphics type='spice' autoport='yes'/>\n"
  "    <audio id='1' type='spice'/>\n"
  "    <video><model type='qxl'/></video>\n"
  "    <redirdev bus='usb' type='spicevmc'/>\n"
  "  </devices>\n"
  "</domain>\n";

static void
test_signals (void)
{
  g_autoptr(HangarDomainDoc) doc = hangar_test_load (signals_xml);
  g_autoptr(GError) error = NULL;
  GListModel *devices = hangar_domain_doc_get_devices (doc);
  HangarDevice *disk = hangar_domain_doc_get_device (doc, HANGAR_DEVICE_DISK,
                                                     0);
  HangarDevice *cdrom = hangar_domain_doc_get_device (doc, HANGAR_DEVICE_DISK,
                                                      1);
  HangarDevice *graphics = hangar_domain_doc_get_device (doc,
                                                         HANGAR_DEVICE_GRAPHICS,
                                                         0);
  HangarDevice *audio = hangar_domain_doc_get_device (doc,
                                                      HANGAR_DEVICE_AUDIO, 0);
  g_autoptr(HangarDevice) kept_graphics = g_object_ref (graphics);
  HangarDevice *added;
  Heard heard = { 0, g_string_new (NULL), 0 };
  unsigned disk_changed = 0;
  unsigned cdrom_changed = 0;
  unsigned audio_changed = 0;

  g_signal_connect (doc, "changed", G_CALLBACK (doc_changed_cb), &heard);
  g_signal_connect (devices, "items-changed", G_CALLBACK (items_changed_cb),
                    &heard);
  g_signal_connect (disk, "changed", G_CALLBACK (device_changed_cb),
                    &disk_changed);
  g_signal_connect (cdrom, "changed", G_CALLBACK (device_changed_cb),
                    &cdrom_changed);
  g_signal_connect (audio, "changed", G_CALLBACK (device_changed_cb),
                    &audio_changed);

  /* A general edit: the document only. */
  g_assert_true (hangar_domain_doc_set_title (doc, "Title", &error));
  g_assert_cmpuint (heard.doc_changed, ==, 1);
  g_assert_cmpstr (heard.items->str, ==, "");
  g_assert_cmpuint (disk_changed, ==, 0);

  /* Nothing changes, nobody is told. */
  g_assert_true (hangar_domain_doc_set_title (doc, "Title", &error));
  g_assert_true (hangar_device_set_string (disk, "bus", "virtio", &error));
  g_assert_true (hangar_domain_doc_set_uefi (doc, FALSE, FALSE, &error));
  g_assert_cmpuint (heard.doc_changed, ==, 1);

  /* A device's edit: that device and the document, once each, even with
   * a dependent change (the target renamed, the address dropped). */
  heard_reset (&heard);
  g_assert_true (hangar_device_set_disk_bus (disk, "sata", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (hangar_device_get_string (disk, "target-dev"), ==, "sdb");
  g_assert_cmpuint (disk_changed, ==, 1);
  g_assert_cmpuint (cdrom_changed, ==, 0);
  g_assert_cmpuint (heard.doc_changed, ==, 1);

  /* A general edit that changes devices tells each of them. */
  heard_reset (&heard);
  disk_changed = 0;
  g_assert_true (hangar_device_set_uint (disk, "boot-order", 1, &error));
  g_assert_true (hangar_device_set_uint (cdrom, "boot-order", 2, &error));
  g_assert_cmpuint (heard.doc_changed, ==, 2);
  disk_changed = cdrom_changed = 0;
  hangar_domain_doc_set_boot_devices (doc, (const char *[]) { "cdrom", NULL });
  g_assert_cmpuint (disk_changed, ==, 1);
  g_assert_cmpuint (cdrom_changed, ==, 1);
  g_assert_cmpuint (heard.doc_changed, ==, 3);

  /* Adding: the list says where, before the document says it changed. */
  heard_reset (&heard);
  added = hangar_domain_doc_add_device (doc, HANGAR_DEVICE_DISK, "file");
  g_assert_nonnull (added);
  g_assert_cmpstr (heard.items->str, ==, "2-0+1 ");
  g_assert_cmpuint (heard.doc_changed, ==, 1);
  g_assert_cmpuint (heard.n_at_changed, ==, 9);
  g_assert_true (g_list_model_get_item (devices, 2) == (gpointer) added);
  g_object_unref (added);
  g_assert_true (hangar_domain_doc_get_device (doc, HANGAR_DEVICE_DISK, 2) ==
                 added);

  /* Removing the SPICE display takes the channel and the redirection with
   * it and turns the SPICE audio off: one edit, one signal each. */
  heard_reset (&heard);
  g_assert_true (hangar_domain_doc_remove_device (doc, graphics, &error));
  g_assert_no_error (error);
  g_assert_false (hangar_device_is_attached (kept_graphics));
  g_assert_cmpuint (heard.doc_changed, ==, 1);
  g_assert_cmpuint (audio_changed, ==, 1);
  g_assert_cmpstr (hangar_device_get_string (audio, "type"), ==, "none");
  g_assert_cmpstr (heard.items->str, ==, "4-5+2 ");
  g_assert_cmpuint (g_list_model_get_n_items (devices), ==, 6);

  /* A removed device refuses edits, and another document's too. */
  g_assert_false (hangar_device_set_string (kept_graphics, "type", "vnc",
                                            &error));
  g_assert_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (hangar_domain_doc_remove_device (doc, kept_graphics,
                                                   &error));
  g_assert_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* A refused edit tells nobody. */
  heard_reset (&heard);
  g_assert_false (hangar_device_set_disk_bus (cdrom, "virtio", &error));
  g_assert_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpuint (heard.doc_changed, ==, 0);

  g_string_free (heard.items, TRUE);

  /* Devices outlive their document, detached. */
  g_object_add_weak_pointer (G_OBJECT (doc), (gpointer *) &doc);
  g_object_ref (added);
  g_object_unref (doc);
  g_assert_null (doc);
  g_assert_false (hangar_device_is_attached (added));
  g_object_unref (added);
}

/* Test: every kind of device, added where libvirt writes it */

static void
test_add_every_kind (void)
{
  g_autoptr(HangarDomainDoc) doc = hangar_domain_doc_new ("kvm");
  g_autoptr(HangarDomainDoc) seed = NULL;
  g_autofree char *path = hangar_test_seed_path ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  GListModel *devices;
  GString *expected = g_string_new ("<domain type=\"kvm\">\n  <devices>\n");
  g_autofree char *expected_text = NULL;
  int last_rank = -1;

  /* Added last to first, each one goes to its place. */
  for (HangarDeviceKind kind = HANGAR_N_DEVICE_KINDS - 1;
       kind > HANGAR_DEVICE_OTHER;
       kind--)
    g_assert_nonnull (hangar_domain_doc_add_device (doc, kind, NULL));

  for (HangarDeviceKind kind = HANGAR_DEVICE_OTHER + 1;
       kind < HANGAR_N_DEVICE_KINDS;
       kind++)
    g_string_append_printf (expected, "    <%s/>\n",
                            hangar_device_kind_to_name (kind));
  g_string_append (expected, "  </devices>\n</domain>\n");
  expected_text = g_string_free (expected, FALSE);

  text = hangar_domain_doc_to_string (doc);
  g_assert_cmpstr (text, ==, expected_text);

  /* In a real document each goes after the others of its kind. */
  seed = hangar_domain_doc_new_from_file (path, &error);
  g_assert_no_error (error);
  for (HangarDeviceKind kind = HANGAR_DEVICE_OTHER + 1;
       kind < HANGAR_N_DEVICE_KINDS;
       kind++)
    {
      HangarDevice *device = hangar_domain_doc_add_device (seed, kind, NULL);
      unsigned count = 0;

      while (hangar_domain_doc_get_device (seed, kind, count) != NULL)
        count++;
      g_assert_true (hangar_domain_doc_get_device (seed, kind, count - 1) ==
                     device);
    }

  devices = hangar_domain_doc_get_devices (seed);
  for (unsigned i = 0; i < g_list_model_get_n_items (devices); i++)
    {
      g_autoptr(HangarDevice) device = g_list_model_get_item (devices, i);
      int rank = hangar_device_get_kind (device);

      g_assert_cmpint (rank, >=, last_rank);
      last_rank = rank;
    }
}

/* Test: a device from its XML */

static void
test_add_device_xml (void)
{
  g_autoptr(HangarDomainDoc) doc = hangar_test_load (devices_xml);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  HangarDevice *device;

  device = hangar_domain_doc_add_device_xml (doc,
                                             "<disk type='block' device='disk'>"
                                             "<source dev='/dev/sdz'/>"
                                             "<target dev='vdb' bus='virtio'/>"
                                             "<q:note xmlns:q='urn:q'/>"
                                             "</disk>", &error);
  g_assert_no_error (error);
  g_assert_cmpint (hangar_device_get_kind (device), ==, HANGAR_DEVICE_DISK);
  g_assert_true (hangar_domain_doc_get_device (doc, HANGAR_DEVICE_DISK, 1) ==
                 device);
  g_assert_cmpstr (hangar_device_get_string (device, "source-dev"), ==,
                   "/dev/sdz");

  /* Placed after the other disk, its namespace declared on it. */
  text = hangar_domain_doc_to_string (doc);
  hangar_test_assert_contains (text,
                               "    </disk>\n"
                               "    <disk type=\"block\" device=\"disk\">"
                               "<source dev=\"/dev/sdz\"/>"
                               "<target dev=\"vdb\" bus=\"virtio\"/>"
                               "<q:note xmlns:q=\"urn:q\"/></disk>\n"
                               "    <!-- a note -->\n");

  /* Bad text is refused where it is bad, and nothing is added. */
  g_assert_null (hangar_domain_doc_add_device_xml (doc, "<disk>\n<target>"
                                                   "</disk>", &error));
  g_assert_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_MALFORMED);
  g_assert_true (g_str_has_prefix (error->message, "device:2:"));
  g_clear_error (&error);

  g_assert_null (hangar_domain_doc_add_device_xml (doc, "<domain/>", &error));
  g_assert_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_null (hangar_domain_doc_add_device_xml (doc, "<a/><b/>", &error));
  g_assert_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_MALFORMED);
  g_clear_error (&error);

  g_assert_cmpuint (hangar_domain_doc_count_devices (doc, "disk"), ==, 2);

  /* An element of another namespace goes last, as it is. */
  device = hangar_domain_doc_add_device_xml (doc, "<y:gadget xmlns:y='urn:y'/>",
                                             &error);
  g_assert_no_error (error);
  g_assert_cmpint (hangar_device_get_kind (device), ==, HANGAR_DEVICE_OTHER);
  g_clear_pointer (&text, g_free);
  text = hangar_domain_doc_to_string (doc);
  hangar_test_assert_contains (text,
                               "    </interface>\n"
                               "    <y:gadget xmlns:y=\"urn:y\"/>\n"
                               "  </devices>\n");
}

/* Test: disk buses as libvirt wants them */

static HangarDevice *
only_disk (HangarDomainDoc *doc)
{
  return hangar_domain_doc_get_device (doc, HANGAR_DEVICE_DISK, 0);
}

static void
assert_bus_change (const char *disk_xml,
                   const char *bus,
                   const char *expected)
{
  g_autofree char *xml = g_strdup_printf ("<domain><os><type machine='q35'>"
                                          "hvm</type></os><devices>%s"
                                          "</devices></domain>", disk_xml);
  g_autoptr(HangarDomainDoc) doc = hangar_test_load (xml);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *wanted = g_strdup_printf ("<domain><os><type machine=\"q35\">"
                                             "hvm</type></os><devices>%s"
                                             "</devices></domain>\n", expected);

  g_assert_true (hangar_device_set_string (only_disk (doc), "bus", bus,
                                           &error));
  g_assert_no_error (error);
  text = hangar_domain_doc_to_string (doc);
  g_assert_cmpstr (text, ==, wanted);
}

static void
assert_bus_refused (const char *disk_xml,
                    const char *machine,
                    const char *bus,
                    const char *reason)
{
  g_autofree char *xml = g_strdup_printf ("<domain><os><type machine='%s'>hvm"
                                          "</type></os><devices>%s</devices>"
                                          "</domain>", machine, disk_xml);
  g_autoptr(HangarDomainDoc) doc = hangar_test_load (xml);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = hangar_domain_doc_to_string (doc);
  g_autofree char *after = NULL;

  g_assert_false (hangar_device_set_disk_bus (only_disk (doc), bus, &error));
  g_assert_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_INVALID);
  hangar_test_assert_contains (error->message, reason);
  after = hangar_domain_doc_to_string (doc);
  g_assert_cmpstr (after, ==, before);
}

static void
test_disk_bus (void)
{
  /* VirtIO to SATA: a SATA name, no PCI address, no VirtIO options. */
  assert_bus_change ("<disk type='file' device='disk'>"
                     "<driver name='qemu' type='qcow2' queues='4' "
                     "iothread='1' cache='none'/>"
                     "<target dev='vda' bus='virtio'/>"
                     "<serial>s1</serial>"
                     "<address type='pci' bus='0x04' slot='0x00'/>"
                     "</disk>", "sata",
                     "<disk type=\"file\" device=\"disk\">"
                     "<driver name=\"qemu\" type=\"qcow2\" cache=\"none\"/>"
                     "<target dev=\"sda\" bus=\"sata\"/>"
                     "<serial>s1</serial>"
                     "</disk>");

  /* SCSI to VirtIO: what only SCSI has goes. */
  assert_bus_change ("<disk type='block' device='disk'>"
                     "<target dev='sdb' bus='scsi' rotation_rate='1'/>"
                     "<wwn>0x5000c50015ea71ac</wwn><vendor>V</vendor>"
                     "<product>P</product>"
                     "<address type='drive' controller='0' unit='1'/>"
                     "</disk>", "virtio",
                     "<disk type=\"block\" device=\"disk\">"
                     "<target dev=\"vda\" bus=\"virtio\"/>"
                     "</disk>");

  /* USB to SCSI: removable= is for USB only; the name fits already. */
  assert_bus_change ("<disk type='file' device='disk'>"
                     "<target dev='sdc' bus='usb' removable='on'/>"
                     "</disk>", "scsi",
                     "<disk type=\"file\" device=\"disk\">"
                     "<target dev=\"sdc\" bus=\"scsi\"/>"
                     "</disk>");

  /* The first name no other disk uses. */
  assert_bus_change ("<disk device='disk'><target dev='vda' bus='virtio'/>"
                     "</disk><disk device='cdrom'><target dev='sda' "
                     "bus='sata'/></disk><disk device='disk'><target "
                     "dev='sdb' bus='scsi'/></disk>", "sata",
                     "<disk device=\"disk\"><target dev=\"sdc\" "
                     "bus=\"sata\"/></disk><disk device=\"cdrom\"><target "
                     "dev=\"sda\" bus=\"sata\"/></disk><disk device=\"disk\">"
                     "<target dev=\"sdb\" bus=\"scsi\"/></disk>");

  assert_bus_refused ("<disk device='cdrom'><target dev='sda' bus='sata'/>"
                      "</disk>", "q35", "virtio", "CD-ROM");
  assert_bus_refused ("<disk device='floppy'><target dev='fda' bus='fdc'/>"
                      "</disk>", "pc", "sata", "Floppy");
  assert_bus_refused ("<disk device='disk'><target dev='vda' bus='virtio'/>"
                      "</disk>", "pc", "fdc", "Floppy");
  assert_bus_refused ("<disk device='disk'><target dev='vda' bus='virtio'/>"
                      "</disk>", "pc-q35-7.2", "ide", "Q35");
  assert_bus_refused ("<disk type='block' device='lun'><target dev='sda' "
                      "bus='scsi'/></disk>", "pc", "sata", "LUN");
  assert_bus_refused ("<disk device='disk'><target dev='vda' bus='virtio'/>"
                      "</disk>", "pc", "nvme", "not a disk bus");

  /* A device that its bus cannot carry moves to one that can. */
  {
    g_autoptr(HangarDomainDoc) doc = NULL;
    g_autoptr(GError) error = NULL;
    HangarDevice *disk;

    doc = hangar_test_load ("<domain><os><type machine='pc'>hvm</type></os>"
                            "<devices><disk type='file' device='disk'>"
                            "<target dev='vda' bus='virtio'/></disk>"
                            "</devices></domain>");
    disk = only_disk (doc);
    g_assert_true (hangar_device_set_string (disk, "device", "cdrom",
                                             &error));
    g_assert_cmpstr (hangar_device_get_string (disk, "bus"), ==, "ide");
    g_assert_cmpstr (hangar_device_get_string (disk, "target-dev"), ==,
                     "hda");
    g_assert_true (hangar_device_set_string (disk, "device", "floppy",
                                             &error));
    g_assert_cmpstr (hangar_device_get_string (disk, "bus"), ==, "fdc");
    g_assert_cmpstr (hangar_device_get_string (disk, "target-dev"), ==,
                     "fda");
    g_assert_true (hangar_device_set_string (disk, "device", "disk", &error));
    g_assert_cmpstr (hangar_device_get_string (disk, "bus"), ==, "virtio");
    g_assert_no_error (error);

    /* A new source type drops the old one's source. */
    g_assert_true (hangar_device_set_string (disk, "source-file", "/a.img",
                                             &error));
    g_assert_true (hangar_device_set_string (disk, "type", "block", &error));
    g_assert_null (hangar_device_get_string (disk, "source-file"));
    g_assert_no_error (error);

    /* libvirt reports a backing chain, it does not take one. */
    g_assert_false (hangar_device_set_string (disk, "backing-store-file",
                                              "/b.img", &error));
    g_assert_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_INVALID);
  }
}

/* Test: graphics types and listen addresses */

static const char graphics_xml[] =
  "<domain>\n"
  "  <devices>\n"
  "    <smartcard mode='passthrough' type='spicevmc'/>\n"
  "    <channel type='spicevmc'>\n"
  "      <target type='virtio' name='com.redhat.spice.0'/>\n"
  "    </channel>\n"
  "    <channel type='unix'>\n"
  "      <target type='virtio' name='org.qemu.guest_agent.0'/>\n"
  "    </channel>\n"
  "    <graphics type='spice' port='5901' tlsPort='5902' autoport='no' "
  "listen='0.0.0.0' passwd='secret' keymap='de' defaultMode='secure'>\n"
  "      <listen type='address' address='0.0.0.0'/>\n"
  "      <channel name='main' mode='secure'/>\n"
  "      <image compression='off'/>\n"
  "      <gl enable='no'/>\n"
  "      <z:hint xmlns:z='urn:z'/>\n"
  "    </graphics>\n"
  "    <audio id='1' type='spice'/>\n"
  "    <redirdev bus='usb' type='spicevmc'/>\n"
  "    <redirdev bus='usb' type='tcp'>\n"
  "      <source mode='connect' host='localhost' service='4000'/>\n"
  "    </redirdev>\n"
  "  </devices>\n"
  "</domain>\n";

static void
test_graphics (void)
{
  g_autoptr(HangarDomainDoc) doc = hangar_test_load (graphics_xml);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  HangarDevice *graphics;

  graphics = hangar_domain_doc_get_device (doc, HANGAR_DEVICE_GRAPHICS, 0);
  g_assert_cmpstr (hangar_device_get_string (graphics, "listen-address"), ==,
                   "0.0.0.0");

  /* The address is written in both places libvirt keeps it. */
  g_assert_true (hangar_device_set_string (graphics, "listen-address",
                                           "127.0.0.1", &error));
  g_assert_no_error (error);

  /* VNC: SPICE's own settings go, the rest stays; then what needs SPICE
   * goes from the whole document. */
  g_assert_true (hangar_device_set_string (graphics, "type", "vnc", &error));
  g_assert_no_error (error);
  text = hangar_domain_doc_to_string (doc);
  g_assert_cmpstr (text, ==,
                   "<domain>\n"
                   "  <devices>\n"
                   "    <channel type=\"unix\">\n"
                   "      <target type=\"virtio\" "
                   "name=\"org.qemu.guest_agent.0\"/>\n"
                   "    </channel>\n"
                   "    <graphics type=\"vnc\" port=\"5901\" autoport=\"no\" "
                   "listen=\"127.0.0.1\" passwd=\"secret\" keymap=\"de\">\n"
                   "      <listen type=\"address\" address=\"127.0.0.1\"/>\n"
                   "      <z:hint xmlns:z=\"urn:z\"/>\n"
                   "    </graphics>\n"
                   "    <audio id=\"1\" type=\"none\"/>\n"
                   "    <redirdev bus=\"usb\" type=\"tcp\">\n"
                   "      <source mode=\"connect\" host=\"localhost\" "
                   "service=\"4000\"/>\n"
                   "    </redirdev>\n"
                   "  </devices>\n"
                   "</domain>\n");

  /* Listening on a network or a socket: one <listen>, no listen=. */
  g_assert_true (hangar_device_set_string (graphics, "listen-socket",
                                           "/run/vnc.sock", &error));
  g_assert_cmpstr (hangar_device_get_string (graphics, "listen-type"), ==,
                   "socket");
  g_assert_null (hangar_device_get_string (graphics, "listen-address"));
  g_clear_pointer (&text, g_free);
  text = hangar_device_dup_xml (graphics);
  hangar_test_assert_contains (text, "<listen type=\"socket\" "
                               "socket=\"/run/vnc.sock\"/>");
  hangar_test_assert_lacks (text, "listen=");
  g_assert_true (hangar_device_set_string (graphics, "listen-type", NULL,
                                           &error));
  g_assert_null (hangar_device_get_string (graphics, "listen-type"));
  g_assert_no_error (error);
}

/* Test: SPICE removed with a second SPICE display left */

static void
test_remove_spice (void)
{
  g_autoptr(HangarDomainDoc) doc = NULL;
  g_autoptr(GError) error = NULL;
  HangarDevice *first;

  doc = hangar_test_load ("<domain><devices>"
                          "<channel type='spicevmc'/>"
                          "<graphics type='spice'/><graphics type='spice'/>"
                          "<audio id='1' type='spice'/>"
                          "</devices></domain>");
  first = hangar_domain_doc_get_device (doc, HANGAR_DEVICE_GRAPHICS, 0);
  g_assert_true (hangar_device_is_spice_only (
                   hangar_domain_doc_get_device (doc, HANGAR_DEVICE_CHANNEL,
                                                 0)));

  /* The other display still serves the channel. */
  g_assert_true (hangar_domain_doc_remove_device (doc, first, &error));
  g_assert_cmpuint (hangar_domain_doc_count_devices (doc, "channel"), ==, 1);
  g_assert_cmpstr (hangar_domain_doc_get_device_attr (doc, "audio", 0, "type"),
                   ==, "spice");

  first = hangar_domain_doc_get_device (doc, HANGAR_DEVICE_GRAPHICS, 0);
  g_assert_true (hangar_domain_doc_remove_device (doc, first, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (hangar_domain_doc_count_devices (doc, "channel"), ==, 0);
  g_assert_cmpstr (hangar_domain_doc_get_device_attr (doc, "audio", 0, "type"),
                   ==, "none");
}

/* Test: firmware */

static void
test_uefi (void)
{
  g_autoptr(HangarDomainDoc) doc = NULL;
  g_autoptr(HangarDomainDoc) q35 = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *before = NULL;

  doc = hangar_test_load ("<domain>\n"
                          "  <os>\n"
                          "    <type arch='x86_64' machine='pc'>hvm</type>\n"
                          "    <loader readonly='yes' type='pflash'>"
                          "/usr/share/OVMF/OVMF_CODE.fd</loader>\n"
                          "    <nvram>/var/lib/libvirt/qemu/nvram/a.fd</nvram>\n"
                          "    <boot dev='hd'/>\n"
                          "  </os>\n"
                          "</domain>\n");
  g_assert_true (hangar_domain_doc_get_uefi (doc));
  g_assert_false (hangar_domain_doc_get_secure_boot (doc));

  /* A hand-written loader becomes libvirt 9.0's autoselection, with the
   * ACPI that UEFI needs. */
  g_assert_true (hangar_domain_doc_set_uefi (doc, TRUE, FALSE, &error));
  g_assert_no_error (error);
  text = hangar_domain_doc_to_string (doc);
  g_assert_cmpstr (text, ==,
                   "<domain>\n"
                   "  <os firmware=\"efi\">\n"
                   "    <type arch=\"x86_64\" machine=\"pc\">hvm</type>\n"
                   "    <firmware>\n"
                   "      <feature enabled=\"no\" name=\"enrolled-keys\"/>\n"
                   "      <feature enabled=\"no\" name=\"secure-boot\"/>\n"
                   "    </firmware>\n"
                   "    <boot dev=\"hd\"/>\n"
                   "  </os>\n"
                   "  <features>\n"
                   "    <acpi/>\n"
                   "  </features>\n"
                   "</domain>\n");

  /* Asking again changes nothing. */
  g_assert_true (hangar_domain_doc_set_uefi (doc, TRUE, FALSE, &error));
  before = g_steal_pointer (&text);
  text = hangar_domain_doc_to_string (doc);
  g_assert_cmpstr (text, ==, before);

  /* Secure Boot needs SMM, which i440FX lacks. */
  g_assert_false (hangar_domain_doc_set_uefi (doc, TRUE, TRUE, &error));
  g_assert_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_INVALID);
  g_clear_error (&error);

  /* Off: the whole set goes; ACPI stays, other things use it. */
  g_assert_true (hangar_domain_doc_set_uefi (doc, FALSE, FALSE, &error));
  g_assert_false (hangar_domain_doc_get_uefi (doc));
  g_clear_pointer (&text, g_free);
  text = hangar_domain_doc_to_string (doc);
  g_assert_cmpstr (text, ==,
                   "<domain>\n"
                   "  <os>\n"
                   "    <type arch=\"x86_64\" machine=\"pc\">hvm</type>\n"
                   "    <boot dev=\"hd\"/>\n"
                   "  </os>\n"
                   "  <features>\n"
                   "    <acpi/>\n"
                   "  </features>\n"
                   "</domain>\n");

  q35 = hangar_test_load ("<domain><os><type machine='pc-q35-7.2'>hvm</type>"
                          "</os><features><acpi/></features></domain>");
  g_assert_true (hangar_domain_doc_set_uefi (q35, TRUE, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (hangar_domain_doc_get_secure_boot (q35));
  g_clear_pointer (&text, g_free);
  text = hangar_domain_doc_to_string (q35);
  g_assert_cmpstr (text, ==,
                   "<domain><os firmware=\"efi\"><type machine=\"pc-q35-7.2\">"
                   "hvm</type><firmware>"
                   "<feature enabled=\"yes\" name=\"enrolled-keys\"/>"
                   "<feature enabled=\"yes\" name=\"secure-boot\"/>"
                   "</firmware></os>"
                   "<features><acpi/><smm state=\"on\"/></features>"
                   "</domain>\n");
}

/* Test: CPU modes */

static void
test_cpu_mode (void)
{
  g_autoptr(HangarDomainDoc) doc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  doc = hangar_test_load ("<domain><cpu mode='custom' match='exact'>"
                          "<model fallback='allow'>Skylake</model>"
                          "<vendor>Intel</vendor>"
                          "<topology sockets='1' cores='2' threads='1'/>"
                          "<feature policy='require' name='vmx'/>"
                          "</cpu></domain>");

  g_assert_true (hangar_domain_doc_set_cpu_mode (doc, "host-passthrough",
                                                 &error));
  g_assert_no_error (error);
  text = hangar_domain_doc_to_string (doc);
  g_assert_cmpstr (text, ==,
                   "<domain><cpu mode=\"host-passthrough\">"
                   "<topology sockets=\"1\" cores=\"2\" threads=\"1\"/>"
                   "<feature policy=\"require\" name=\"vmx\"/>"
                   "</cpu></domain>\n");

  /* A custom CPU needs a model. */
  g_assert_false (hangar_domain_doc_set_cpu_mode (doc, "custom", &error));
  g_assert_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (hangar_domain_doc_set_cpu_mode (doc, "fastest", &error));
  g_assert_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (hangar_domain_doc_set_cpu_mode (doc, "host-model", &error));
  g_assert_cmpstr (hangar_domain_doc_get_cpu_mode (doc), ==, "host-model");
}

/* Test: boot orders, one way or the other */

static void
test_boot_order (void)
{
  g_autoptr(HangarDomainDoc) doc = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) boot = NULL;
  HangarDevice *disk;
  guint64 order = 0;

  doc = hangar_test_load ("<domain><os><type>hvm</type><boot dev='cdrom'/>"
                          "<boot dev='hd'/></os><devices>"
                          "<disk device='disk'><target dev='vda'/></disk>"
                          "<interface type='user'><boot order='3'/>"
                          "</interface></devices></domain>");
  boot = hangar_domain_doc_dup_boot_devices (doc);
  g_assert_cmpstrv (boot, ((const char * const []) { "cdrom", "hd", NULL }));

  /* A device's order removes <os><boot>. */
  disk = only_disk (doc);
  g_assert_true (hangar_device_set_uint (disk, "boot-order", 1, &error));
  g_assert_true (hangar_device_get_uint (disk, "boot-order", &order));
  g_assert_cmpuint (order, ==, 1);
  g_clear_pointer (&boot, g_strfreev);
  boot = hangar_domain_doc_dup_boot_devices (doc);
  g_assert_null (boot[0]);

  /* <os><boot> removes every device's order. */
  hangar_domain_doc_set_boot_devices (doc, (const char *[]) { "network",
                                                              NULL });
  g_assert_false (hangar_device_get_uint (disk, "boot-order", &order));
  g_assert_false (hangar_device_get_uint (hangar_domain_doc_get_device (
                                             doc, HANGAR_DEVICE_INTERFACE, 0),
                                           "boot-order", &order));
  g_clear_pointer (&boot, g_strfreev);
  boot = hangar_domain_doc_dup_boot_devices (doc);
  g_assert_cmpstrv (boot, ((const char * const []) { "network", NULL }));
}

/* Test: a new domain from nothing */

static void
test_new_document (void)
{
  g_autoptr(HangarDomainDoc) doc = hangar_domain_doc_new ("kvm");
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  HangarDevice *device;

  /* Set in any order, written in libvirt's. */
  hangar_domain_doc_set_boot_menu (doc, TRUE, 0);
  g_assert_true (hangar_domain_doc_set_vcpus (doc, 2, &error));
  g_assert_true (hangar_domain_doc_set_memory_kib (doc, 2097152, &error));
  g_assert_true (hangar_domain_doc_set_string (doc, "os-type", "hvm", &error));
  g_assert_true (hangar_domain_doc_set_string (doc, "os-machine", "q35",
                                               &error));
  g_assert_true (hangar_domain_doc_set_string (doc, "os-arch", "x86_64",
                                               &error));
  g_assert_true (hangar_domain_doc_set_name (doc, "fresh", &error));
  g_assert_true (hangar_domain_doc_set_flag (doc, "features-acpi", TRUE,
                                             &error));
  g_assert_true (hangar_domain_doc_set_string (doc, "clock-offset", "utc",
                                               &error));
  g_assert_true (hangar_domain_doc_set_cpu_mode (doc, "host-passthrough",
                                                 &error));
  hangar_domain_doc_set_os_id (doc, "http://debian.org/debian/12");

  device = hangar_domain_doc_add_device (doc, HANGAR_DEVICE_GRAPHICS, "spice");
  g_assert_true (hangar_device_set_string (device, "autoport", "yes", &error));
  device = hangar_domain_doc_add_device (doc, HANGAR_DEVICE_DISK, "file");
  g_assert_true (hangar_device_set_string (device, "bus", "virtio", &error));
  g_assert_true (hangar_device_set_string (device, "source-file", "/d.qcow2",
                                           &error));
  g_assert_true (hangar_device_set_string (device, "driver-type", "qcow2",
                                           &error));
  g_assert_true (hangar_device_set_string (device, "device", "disk", &error));
  g_assert_true (hangar_device_set_string (device, "driver-name", "qemu",
                                           &error));
  g_assert_no_error (error);

  text = hangar_domain_doc_to_string (doc);
  g_assert_cmpstr (text, ==,
                   "<domain type=\"kvm\">\n"
                   "  <name>fresh</name>\n"
                   "  <metadata>\n"
                   "    <libosinfo:libosinfo xmlns:libosinfo="
                   "\"http://libosinfo.org/xmlns/libvirt/domain/1.0\">\n"
                   "      <libosinfo:os id=\"http://debian.org/debian/12\"/>\n"
                   "    </libosinfo:libosinfo>\n"
                   "  </metadata>\n"
                   "  <memory unit=\"KiB\">2097152</memory>\n"
                   "  <vcpu placement=\"static\">2</vcpu>\n"
                   "  <os>\n"
                   "    <type machine=\"q35\" arch=\"x86_64\">hvm</type>\n"
                   "    <bootmenu enable=\"yes\"/>\n"
                   "  </os>\n"
                   "  <features>\n"
                   "    <acpi/>\n"
                   "  </features>\n"
                   "  <cpu mode=\"host-passthrough\"/>\n"
                   "  <clock offset=\"utc\"/>\n"
                   "  <devices>\n"
                   "    <disk type=\"file\" device=\"disk\">\n"
                   "      <driver type=\"qcow2\" name=\"qemu\"/>\n"
                   "      <source file=\"/d.qcow2\"/>\n"
                   "      <target bus=\"virtio\" dev=\"vda\"/>\n"
                   "    </disk>\n"
                   "    <graphics type=\"spice\" autoport=\"yes\"/>\n"
                   "  </devices>\n"
                   "</domain>\n");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/hangar/domain-doc/seed", test_seed);
  g_test_add_func ("/hangar/domain-doc/malformed", test_malformed);
  g_test_add_func ("/hangar/domain-doc/namespaces", test_namespaces);
  g_test_add_func ("/hangar/domain-doc/round-trip-text", test_round_trip_text);
  g_test_add_func ("/hangar/domain-doc/memory-units", test_memory_units);
  g_test_add_func ("/hangar/domain-doc/memory-edit", test_memory_edit);
  g_test_add_func ("/hangar/domain-doc/vcpus-edit", test_vcpus_edit);
  g_test_add_func ("/hangar/domain-doc/create-in-order", test_create_in_order);
  g_test_add_func ("/hangar/domain-doc/interface-user", test_interface_user);
  g_test_add_func ("/hangar/domain-doc/copy", test_copy);
  g_test_add_func ("/hangar/domain-doc/diff-helper", test_diff_helper);
  g_test_add_func ("/hangar/domain-doc/device-list", test_device_list);
  g_test_add_func ("/hangar/domain-doc/signals", test_signals);
  g_test_add_func ("/hangar/domain-doc/add-every-kind", test_add_every_kind);
  g_test_add_func ("/hangar/domain-doc/add-device-xml", test_add_device_xml);
  g_test_add_func ("/hangar/domain-doc/disk-bus", test_disk_bus);
  g_test_add_func ("/hangar/domain-doc/graphics", test_graphics);
  g_test_add_func ("/hangar/domain-doc/remove-spice", test_remove_spice);
  g_test_add_func ("/hangar/domain-doc/uefi", test_uefi);
  g_test_add_func ("/hangar/domain-doc/cpu-mode", test_cpu_mode);
  g_test_add_func ("/hangar/domain-doc/boot-order", test_boot_order);
  g_test_add_func ("/hangar/domain-doc/new-document", test_new_document);
  g_test_add_func ("/hangar/domain-doc/corpus", test_corpus);

  return g_test_run ();
}
