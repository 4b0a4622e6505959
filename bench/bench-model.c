/* bench-model.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The domain model's speed, printed as figures:
 *
 * - parse plus serialize of every domain document of the corpus through
 *   HangarDomainDoc, against bare libxml2 parse plus dump of the same
 *   texts, in one run (rounds interleaved, the best round of each kept);
 * - the cost of one edit against the size of the document: a device
 *   field, a general field, adding and removing a device, in documents of
 *   10 to 10,000 devices.
 *
 *   bench-model [--smoke] [--round-trip | --edits] [SHARED_DIR]
 *
 * --smoke runs one short round of each, to check that it works;
 * --round-trip and --edits run one part only (for a profiler).
 */

#include "config.h"

#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlsave.h>

#include "hangar-domain-doc.h"

typedef struct
{
  char *text;
  gsize length;
} Text;

static gboolean smoke;
static gboolean round_trip_only;
static gboolean edits_only;

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

static void
collect (const char *dir,
         GPtrArray  *paths)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          collect (path, paths);
          g_free (path);
        }
      else if (g_str_has_suffix (name, ".xml"))
        g_ptr_array_add (paths, path);
      else
        g_free (path);
    }
}

/* The corpus files that are one domain document each. */
static GArray *
load_corpus (const char *shared,
             gsize      *bytes)
{
  g_autofree char *dir = g_build_filename (shared, "corpus", NULL);
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  GArray *texts = g_array_new (FALSE, FALSE, sizeof (Text));

  collect (dir, paths);
  g_ptr_array_sort (paths, compare_paths);
  *bytes = 0;

  for (unsigned i = 0; i < paths->len; i++)
    {
      g_autoptr(HangarDomainDoc) doc = NULL;
      Text text;

      if (!g_file_get_contents (paths->pdata[i], &text.text, &text.length,
                                NULL))
        continue;

      doc = hangar_domain_doc_new_from_string (text.text, text.length, NULL,
                                               NULL);
      if (doc == NULL)
        {
          g_free (text.text);
          continue;
        }

      g_array_append_val (texts, text);
      *bytes += text.length;
    }

  return texts;
}

/* What Hangar would do by hand on libxml2: the same parser options, the
 * same serializer, UTF-8 out. */
static gsize
bare_libxml2 (GArray *texts)
{
  gsize out = 0;

  for (unsigned i = 0; i < texts->len; i++)
    {
      Text *text = &g_array_index (texts, Text, i);
      xmlDoc *doc = xmlReadMemory (text->text, text->length, NULL, NULL,
                                   XML_PARSE_NONET | XML_PARSE_BIG_LINES |
                                   XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
      xmlBuffer *buffer = xmlBufferCreate ();
      xmlSaveCtxt *save = xmlSaveToBuffer (buffer, "UTF-8", XML_SAVE_NO_DECL);

      xmlSaveDoc (save, doc);
      xmlSaveClose (save);
      out += xmlBufferLength (buffer);
      xmlBufferFree (buffer);
      xmlFreeDoc (doc);
    }

  return out;
}

static gsize
through_model (GArray *texts)
{
  gsize out = 0;

  for (unsigned i = 0; i < texts->len; i++)
    {
      Text *text = &g_array_index (texts, Text, i);
      g_autoptr(HangarDomainDoc) doc = NULL;
      g_autofree char *saved = NULL;

      doc = hangar_domain_doc_new_from_string (text->text, text->length,
                                               NULL, NULL);
      saved = hangar_domain_doc_to_string (doc);
      out += strlen (saved);
    }

  return out;
}

static double
seconds_of (gsize  (*run) (GArray *),
            GArray  *texts,
            gsize   *out)
{
  gint64 start = g_get_monotonic_time ();

  *out = run (texts);

  return (g_get_monotonic_time () - start) / 1e6;
}

static void
bench_round_trip (const char *shared)
{
  gsize bytes;
  GArray *texts = load_corpus (shared, &bytes);
  unsigned rounds = smoke ? 1 : 15;
  double best_bare = G_MAXDOUBLE;
  double best_model = G_MAXDOUBLE;
  gsize bare_out = 0;
  gsize model_out = 0;

  if (smoke && texts->len > 50)
    g_array_set_size (texts, 50);

  /* Warm the caches and libxml2's dictionaries once for both. */
  bare_libxml2 (texts);
  through_model (texts);

  for (unsigned r = 0; r < rounds; r++)
    {
      best_bare = MIN (best_bare, seconds_of (bare_libxml2, texts,
                                              &bare_out));
      best_model = MIN (best_model, seconds_of (through_model, texts,
                                                &model_out));
    }

  g_print ("Parse + serialize, %u domain documents (%.1f MiB), best of %u "
           "rounds:\n", texts->len, bytes / 1048576.0, rounds);
  g_print ("  bare libxml2   %8.1f ms  %6.1f us/document\n",
           best_bare * 1e3, best_bare * 1e6 / texts->len);
  g_print ("  HangarDomainDoc %7.1f ms  %6.1f us/document\n",
           best_model * 1e3, best_model * 1e6 / texts->len);
  g_print ("  ratio           %7.2fx (target <= 1.50x)\n",
           best_model / best_bare);

  /* The same text out, else the figures compare different work. */
  if (bare_out != model_out)
    g_printerr ("Warning: %zu bytes out of libxml2, %zu of the model\n",
                bare_out, model_out);

  for (unsigned i = 0; i < texts->len; i++)
    g_free (g_array_index (texts, Text, i).text);
  g_array_unref (texts);
}

/* A document of @n disks, as libvirt writes them. */
static char *
generated_document (unsigned n)
{
  GString *xml = g_string_new ("<domain type='kvm'>\n"
                               "  <name>big</name>\n"
                               "  <memory unit='KiB'>1048576</memory>\n"
                               "  <vcpu placement='static'>1</vcpu>\n"
                               "  <os>\n"
                               "    <type arch='x86_64'>hvm</type>\n"
                               "  </os>\n"
                               "  <devices>\n");

  for (unsigned i = 0; i < n; i++)
    g_string_append_printf (xml,
                            "    <disk type='file' device='disk'>\n"
                            "      <driver name='qemu' type='qcow2'/>\n"
                            "      <source file='/var/lib/images/d%u.qcow2'/>\n"
                            "      <target dev='vd%c%c' bus='virtio'/>\n"
                            "      <address type='pci' bus='0x%02x' "
                            "slot='0x%02x'/>\n"
                            "    </disk>\n",
                            i, 'a' + (i / 26) % 26, 'a' + i % 26,
                            1 + i / 32, i % 32);

  g_string_append (xml, "  </devices>\n</domain>\n");

  return g_string_free (xml, FALSE);
}

static double
per_edit_us (gint64   start,
             unsigned edits)
{
  return (g_get_monotonic_time () - start) / (double) edits;
}

static void
bench_edits (void)
{
  const unsigned sizes[] = { 10, 100, 1000, 10000 };
  unsigned edits = smoke ? 100 : 20000;

  g_print ("\nOne edit against the document's size (us per edit, %u edits "
           "each, after the device list was built):\n", edits);
  g_print ("  %7s %9s %12s %12s %12s\n", "devices", "KiB", "device field",
           "general", "add+remove");

  for (unsigned s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      g_autofree char *xml = generated_document (sizes[s]);
      g_autoptr(HangarDomainDoc) doc = NULL;
      HangarDevice *disk;
      gint64 start;
      double device_us;
      double general_us;
      double add_us;
      unsigned add_edits = MAX (edits / 20, 10);

      doc = hangar_domain_doc_new_from_string (xml, -1, NULL, NULL);
      g_assert_nonnull (doc);
      hangar_domain_doc_get_devices (doc);
      disk = hangar_domain_doc_get_device (doc, HANGAR_DEVICE_DISK,
                                           sizes[s] / 2);

      start = g_get_monotonic_time ();
      for (unsigned i = 0; i < edits; i++)
        hangar_device_set_string (disk, "driver-cache",
                                  i % 2 ? "none" : "writeback", NULL);
      device_us = per_edit_us (start, edits);

      start = g_get_monotonic_time ();
      for (unsigned i = 0; i < edits; i++)
        hangar_domain_doc_set_string (doc, "on-crash",
                                      i % 2 ? "destroy" : "restart", NULL);
      general_us = per_edit_us (start, edits);

      /* Adding a device and removing it: the list moves, so these cost
       * the size of <devices>. */
      start = g_get_monotonic_time ();
      for (unsigned i = 0; i < add_edits; i++)
        {
          HangarDevice *rng = hangar_domain_doc_add_device (doc,
                                                            HANGAR_DEVICE_RNG,
                                                            NULL);

          hangar_domain_doc_remove_device (doc, rng, NULL);
        }
      add_us = per_edit_us (start, add_edits);

      g_print ("  %7u %9zu %12.2f %12.2f %12.1f\n", sizes[s],
               strlen (xml) / 1024, device_us, general_us, add_us);
    }
}

int
main (int   argc,
      char *argv[])
{
  const char *shared = NULL;

  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--smoke"))
        smoke = TRUE;
      else if (g_str_equal (argv[i], "--round-trip"))
        round_trip_only = TRUE;
      else if (g_str_equal (argv[i], "--edits"))
        edits_only = TRUE;
      else
        shared = argv[i];
    }

  if (shared == NULL)
    shared = g_getenv ("HANGAR_SHARED_DIR");
  if (shared == NULL)
    shared = "../shared";

  xmlInitParser ();

  if (!edits_only)
    bench_round_trip (shared);
  if (!round_trip_only)
    bench_edits ();

  return 0;
}
