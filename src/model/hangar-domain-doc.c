/* hangar-domain-doc.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-domain-doc"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlsave.h>

#include "hangar-domain-doc.h"
#include "hangar-model-private.h"
#include "hangar-schema-order.h"
#include "hangar-xml-path.h"
#include "hangar-xml-tree.h"

#define LIBOSINFO_NS "http://libosinfo.org/xmlns/libvirt/domain/1.0"

/* No network access, line numbers past 65535, and nothing else: blank text
 * is kept, entities are not substituted and no DTD is loaded, so the tree
 * holds exactly what the document says. */
#define PARSE_OPTIONS (XML_PARSE_NONET | XML_PARSE_BIG_LINES)

struct _HangarDomainDoc
{
  GObject parent_instance;

  /* owned references */
  xmlDoc *doc;
  char *source;

  /* Strings handed out by the getters: they stay valid as long as the
   * document, whatever is edited in between. */
  GStringChunk *strings;

  /* The device list, built on first use: HangarDevice items, and the same
   * objects by their element, so a rebuilt list keeps them. */
  GListStore *devices;
  GHashTable *device_for_node;
  /* The store's items, borrowed, to compare without reference counts. */
  GPtrArray *listed;

  /* What the tree helpers record while an edit runs (xmlDoc._private),
   * and how far listeners were told. */
  HangarXmlChanges changes;
  guint64 notified_serial;
  unsigned edit_depth;

  gboolean has_declaration;
};

G_DEFINE_FINAL_TYPE (HangarDomainDoc, hangar_domain_doc, G_TYPE_OBJECT)

enum
{
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void sync_devices (HangarDomainDoc *self);

/* A device element is about to be freed: its object must never reach it
 * again, even when a new element takes the same address. */
static void
device_removed_cb (xmlNode  *node,
                   gpointer  user_data)
{
  HangarDomainDoc *self = user_data;
  HangarDevice *device;

  if (self->device_for_node == NULL)
    return;

  device = g_hash_table_lookup (self->device_for_node, node);
  if (device == NULL)
    return;

  /* The list store keeps its reference until the next sync. */
  hangar_device_detach (device);
  g_hash_table_remove (self->device_for_node, node);
}

/* Takes @doc and lets the tree helpers record changes to it. */
static void
adopt_xml (HangarDomainDoc *self,
           xmlDoc          *doc)
{
  self->doc = doc;
  doc->_private = &self->changes;
}

HangarEditScope *
hangar_domain_doc_begin_edit (HangarDomainDoc *self)
{
  self->edit_depth++;

  return (HangarEditScope *) self;
}

/* Tells the listeners about what the finished edit changed: the device
 * list first, then each device changed inside, then the document. */
static void
notify_changes (HangarDomainDoc *self)
{
  g_autoptr(GPtrArray) touched = NULL;

  if (self->changes.serial == self->notified_serial)
    return;

  self->notified_serial = self->changes.serial;

  if (self->changes.devices_moved)
    {
      self->changes.devices_moved = FALSE;
      sync_devices (self);
    }

  touched = g_ptr_array_new_with_free_func (g_object_unref);
  if (self->device_for_node != NULL)
    {
      GHashTableIter iter;
      xmlNode *node;

      g_hash_table_iter_init (&iter, self->changes.touched);
      while (g_hash_table_iter_next (&iter, (gpointer *) &node, NULL))
        {
          HangarDevice *device = g_hash_table_lookup (self->device_for_node,
                                                      node);

          if (device != NULL)
            g_ptr_array_add (touched, g_object_ref (device));
        }
    }
  g_hash_table_remove_all (self->changes.touched);

  for (unsigned i = 0; i < touched->len; i++)
    hangar_device_emit_changed (touched->pdata[i]);

  g_signal_emit (self, signals[CHANGED], 0);
}

void
hangar_domain_doc_end_edit (HangarEditScope *scope)
{
  HangarDomainDoc *self = (HangarDomainDoc *) scope;

  g_assert (self->edit_depth > 0);

  if (--self->edit_depth == 0)
    notify_changes (self);
}

static void
hangar_domain_doc_finalize (GObject *object)
{
  HangarDomainDoc *self = HANGAR_DOMAIN_DOC (object);

  if (self->device_for_node != NULL)
    {
      GHashTableIter iter;
      HangarDevice *device;

      /* Devices may outlive the document: they refuse edits from now on. */
      g_hash_table_iter_init (&iter, self->device_for_node);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &device))
        hangar_device_detach (device);
    }

  g_clear_object (&self->devices);
  g_clear_pointer (&self->device_for_node, g_hash_table_unref);
  g_clear_pointer (&self->listed, g_ptr_array_unref);
  g_clear_pointer (&self->doc, xmlFreeDoc);
  g_clear_pointer (&self->source, g_free);
  g_clear_pointer (&self->strings, g_string_chunk_free);
  g_clear_pointer (&self->changes.touched, g_hash_table_unref);

  G_OBJECT_CLASS (hangar_domain_doc_parent_class)->finalize (object);
}

static void
hangar_domain_doc_class_init (HangarDomainDocClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hangar_domain_doc_finalize;

  /**
   * HangarDomainDoc::changed:
   *
   * Emitted once after each edit that changed the document, whatever
   * the call (a general setter, a device's, adding or removing a device),
   * after the device list and the devices themselves were updated.
   */
  signals[CHANGED] = g_signal_new ("changed",
                                   G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);

  /* libxml2 wants its global state set up once, before threads use it. */
  xmlInitParser ();
}

static void
hangar_domain_doc_init (HangarDomainDoc *self)
{
  self->changes.touched = g_hash_table_new (NULL, NULL);
  self->changes.device_removed = device_removed_cb;
  self->changes.user_data = self;
}

/* Loading */

typedef struct
{
  gboolean set;
  int line;
  int column;
  char *message;
} FirstError;

/* Called by libxml2 for each problem found in one parse; the parser
 * context is per call, so this is safe from any thread. */
static void
#if LIBXML_VERSION >= 21200
parser_error_cb (void           *user_data,
                 const xmlError *error)
#else
parser_error_cb (void     *user_data,
                 xmlError *error)
#endif
{
  xmlParserCtxt *ctxt = user_data;
  FirstError *first = ctxt->_private;

  if (first->set || error->level < XML_ERR_ERROR)
    return;

  first->set = TRUE;
  first->line = error->line;
  first->column = error->int2;
  first->message = g_strchomp (g_strdup (error->message != NULL
                                           ? error->message
                                           : "unknown error"));
}

static void
set_malformed_error (GError     **error,
                     const char  *source,
                     FirstError  *first)
{
  if (source != NULL)
    g_set_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_MALFORMED,
                 "%s:%d:%d: %s",
                 source, first->line, first->column, first->message);
  else
    g_set_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_MALFORMED,
                 _("line %d, column %d: %s"),
                 first->line, first->column, first->message);
}

static gboolean
check_root (xmlDoc      *doc,
            const char  *source,
            GError     **error)
{
  xmlNode *root = xmlDocGetRootElement (doc);
  g_autofree char *where = NULL;
  g_autofree char *found = NULL;

  if (hangar_xml_is_element (root, "domain"))
    return TRUE;

  if (root == NULL)
    {
      g_set_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_NOT_A_DOMAIN,
                   _("%s: the document has no root element"),
                   source != NULL ? source : _("document"));
      return FALSE;
    }

  where = source != NULL
    ? g_strdup_printf ("%s:%ld", source, xmlGetLineNo (root))
    : g_strdup_printf (_("line %ld"), xmlGetLineNo (root));

  if (root->ns != NULL && root->ns->prefix != NULL)
    found = g_strdup_printf ("%s:%s", root->ns->prefix, root->name);
  else
    found = g_strdup ((const char *) root->name);

  if (root->ns != NULL)
    g_set_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_NOT_A_DOMAIN,
                 _("%s: the root element is <%s> in the namespace “%s”, "
                   "not a libvirt <domain>"),
                 where, found, root->ns->href);
  else
    g_set_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_NOT_A_DOMAIN,
                 _("%s: the root element is <%s>, not <domain>: this is not "
                   "a libvirt domain document"),
                 where, found);

  return FALSE;
}

/* Whether the text starts with an XML declaration, so that saving writes
 * one exactly when the input had one. */
static gboolean
starts_with_declaration (const char *xml,
                         gsize       length)
{
  if (length >= 3 && memcmp (xml, "\xEF\xBB\xBF", 3) == 0)
    {
      xml += 3;
      length -= 3;
    }

  return length >= 6 &&
         memcmp (xml, "<?xml", 5) == 0 &&
         g_ascii_isspace (xml[5]);
}

/* Parses @xml into a tree, or fails with the first error's line, column
 * and reason. */
static xmlDoc *
parse_document (const char  *xml,
                gssize       length,
                const char  *source,
                GError     **error)
{
  FirstError first = { 0, };
  xmlParserCtxt *ctxt;
  xmlDoc *doc;
  gboolean well_formed;

  if (length < 0)
    length = strlen (xml);

  if (length > G_MAXINT)
    {
      g_set_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_MALFORMED,
                   _("%s: the document is too large"),
                   source != NULL ? source : _("document"));
      return NULL;
    }

  ctxt = xmlNewParserCtxt ();
  if (ctxt == NULL)
    g_error ("Cannot allocate an XML parser");

  ctxt->_private = &first;
  ctxt->sax->serror = parser_error_cb;

  doc = xmlCtxtReadMemory (ctxt, xml, (int) length, NULL, NULL, PARSE_OPTIONS);

  /* An unbound prefix is only a namespace error to libxml2, which then
   * still returns a tree; libvirt refuses such a document, and so do we. */
  well_formed = doc != NULL && ctxt->wellFormed && ctxt->nsWellFormed &&
                !first.set;

  xmlFreeParserCtxt (ctxt);

  if (!well_formed)
    {
      if (!first.set)
        {
          first.set = TRUE;
          first.line = 1;
          first.column = 1;
          first.message = g_strdup (_("the document could not be parsed"));
        }

      set_malformed_error (error, source, &first);
      g_free (first.message);
      g_clear_pointer (&doc, xmlFreeDoc);

      return NULL;
    }

  return doc;
}

HangarDomainDoc *
hangar_domain_doc_new_from_string (const char  *xml,
                                   gssize       length,
                                   const char  *source,
                                   GError     **error)
{
  HangarDomainDoc *self;
  xmlDoc *doc;

  g_return_val_if_fail (xml != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (length < 0)
    length = strlen (xml);

  doc = parse_document (xml, length, source, error);
  if (doc == NULL)
    return NULL;

  if (!check_root (doc, source, error))
    {
      xmlFreeDoc (doc);
      return NULL;
    }

  self = g_object_new (HANGAR_TYPE_DOMAIN_DOC, NULL);
  adopt_xml (self, doc);
  self->source = g_strdup (source);
  self->has_declaration = starts_with_declaration (xml, length);

  return self;
}

HangarDomainDoc *
hangar_domain_doc_new (const char *type)
{
  HangarDomainDoc *self;
  xmlDoc *doc;
  xmlNode *root;

  g_return_val_if_fail (type != NULL && *type != '\0', NULL);

  doc = xmlNewDoc (BAD_CAST "1.0");
  root = xmlNewDocNode (doc, NULL, BAD_CAST "domain", NULL);
  xmlDocSetRootElement (doc, root);
  xmlSetNsProp (root, NULL, BAD_CAST "type", BAD_CAST type);

  /* The layout libvirt writes: each element on its own line, two spaces
   * deeper than its parent.  New children take it from here. */
  xmlAddChild (root, xmlNewDocText (doc, BAD_CAST "\n"));

  self = g_object_new (HANGAR_TYPE_DOMAIN_DOC, NULL);
  adopt_xml (self, doc);

  return self;
}

HangarDomainDoc *
hangar_domain_doc_new_from_file (const char  *path,
                                 GError     **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *basename = NULL;
  gsize length;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;

  basename = g_path_get_basename (path);

  return hangar_domain_doc_new_from_string (contents, length, basename, error);
}

HangarDomainDoc *
hangar_domain_doc_copy (HangarDomainDoc *self)
{
  HangarDomainDoc *copy;
  xmlDoc *doc;

  g_return_val_if_fail (HANGAR_IS_DOMAIN_DOC (self), NULL);

  copy = g_object_new (HANGAR_TYPE_DOMAIN_DOC, NULL);
  doc = xmlCopyDoc (self->doc, 1);
  if (doc == NULL)
    g_error ("Cannot copy an XML document");

  adopt_xml (copy, doc);
  copy->source = g_strdup (self->source);
  copy->has_declaration = self->has_declaration;

  return copy;
}

/* Saving */

char *
hangar_domain_doc_to_string (HangarDomainDoc *self)
{
  xmlBuffer *buffer;
  xmlSaveCtxt *save;
  char *text;
  int options = 0;

  g_return_val_if_fail (HANGAR_IS_DOMAIN_DOC (self), NULL);

  if (!self->has_declaration)
    options |= XML_SAVE_NO_DECL;

  /* Always UTF-8, whatever the input declared: the result goes to libvirt
   * and to GTK, which both take UTF-8. */
  buffer = xmlBufferCreate ();
  save = xmlSaveToBuffer (buffer, "UTF-8", options);
  if (buffer == NULL || save == NULL)
    g_error ("Cannot serialize an XML document");

  xmlSaveDoc (save, self->doc);
  xmlSaveClose (save);

  text = g_strndup ((const char *) xmlBufferContent (buffer),
                    xmlBufferLength (buffer));
  xmlBufferFree (buffer);

  return text;
}

/* Reading helpers */

static xmlNode *
get_root (HangarDomainDoc *self)
{
  return xmlDocGetRootElement (self->doc);
}

static const char *
intern (HangarDomainDoc *self,
        char            *value)
{
  const char *interned;

  if (value == NULL)
    return NULL;

  if (self->strings == NULL)
    self->strings = g_string_chunk_new (256);
  interned = g_string_chunk_insert_const (self->strings, value);
  g_free (value);

  return interned;
}

static const char *
intern_attr (HangarDomainDoc *self,
             xmlNode         *node,
             const char      *name)
{
  if (node == NULL)
    return NULL;

  return intern (self, hangar_xml_dup_attr (node, name));
}

static xmlNode *
find_path (xmlNode    *node,
           const char *first,
           ...) G_GNUC_NULL_TERMINATED;

/* The element reached from @node by the chain of first children named
 * @first, then each further argument, or NULL. */
static xmlNode *
find_path (xmlNode    *node,
           const char *first,
           ...)
{
  va_list args;

  va_start (args, first);
  for (const char *name = first;
       name != NULL && node != NULL;
       name = va_arg (args, const char *))
    node = hangar_xml_find_child (node, name);
  va_end (args);

  return node;
}

/* Whole numbers as libvirt reads them: decimal digits, surrounding
 * whitespace tolerated. */
static gboolean
parse_unsigned (const char *text,
                guint64    *value)
{
  g_autofree char *copy = NULL;

  if (text == NULL)
    return FALSE;

  copy = g_strstrip (g_strdup (text));

  return g_ascii_string_to_unsigned (copy, 10, 0, G_MAXUINT64, value, NULL);
}

static gboolean
node_unsigned (xmlNode *node,
               guint64 *value)
{
  g_autofree char *text = hangar_xml_dup_text (node);

  return parse_unsigned (text, value);
}

static gboolean
attr_unsigned (xmlNode    *node,
               const char *name,
               guint64    *value)
{
  g_autofree char *text = hangar_xml_dup_attr (node, name);

  return parse_unsigned (text, value);
}

/* Memory units */

/* Bytes per @unit, with libvirt's rules (virScaleInteger): "b", "byte" and
 * "bytes" are bytes; one letter or the letter and "iB" are powers of 1024;
 * the letter and "B" are powers of 1000; case does not matter.  No unit
 * means KiB. */
static gboolean
unit_scale (const char *unit,
            guint64    *scale)
{
  static const char prefixes[] = "kmgtpe";
  const char *prefix;
  guint64 base;

  if (unit == NULL || *unit == '\0')
    {
      *scale = 1024;
      return TRUE;
    }

  if (g_ascii_strcasecmp (unit, "b") == 0 ||
      g_ascii_strcasecmp (unit, "byte") == 0 ||
      g_ascii_strcasecmp (unit, "bytes") == 0)
    {
      *scale = 1;
      return TRUE;
    }

  if (unit[1] == '\0' || g_ascii_strcasecmp (unit + 1, "iB") == 0)
    base = 1024;
  else if (g_ascii_tolower (unit[1]) == 'b' && unit[2] == '\0')
    base = 1000;
  else
    return FALSE;

  prefix = strchr (prefixes, g_ascii_tolower (unit[0]));
  if (prefix == NULL || *prefix == '\0')
    return FALSE;

  *scale = 1;
  for (const char *p = prefixes; p <= prefix; p++)
    *scale *= base;

  return TRUE;
}

/* The size held by a <memory>-like element, in KiB rounded up as libvirt
 * does; FALSE when missing or unreadable. */
static gboolean
scaled_kib (xmlNode *node,
            guint64 *kib)
{
  g_autofree char *unit = NULL;
  guint64 value;
  guint64 scale;

  if (node == NULL || !node_unsigned (node, &value))
    return FALSE;

  unit = hangar_xml_dup_attr (node, "unit");
  if (!unit_scale (unit, &scale))
    return FALSE;

  if (value > G_MAXUINT64 / scale)
    return FALSE;

  value *= scale;
  *kib = value / 1024 + (value % 1024 != 0);

  return TRUE;
}

/* Writes @kib into @node in its own unit when that is exact, else in KiB. */
static void
set_scaled_kib (xmlNode *node,
                guint64  kib)
{
  g_autofree char *unit = hangar_xml_dup_attr (node, "unit");
  g_autofree char *text = NULL;
  guint64 bytes = kib * 1024;
  guint64 scale;

  if (unit_scale (unit, &scale) && bytes % scale == 0)
    {
      text = g_strdup_printf ("%" G_GUINT64_FORMAT, bytes / scale);
    }
  else
    {
      hangar_xml_set_attr (node, "unit", "KiB");
      text = g_strdup_printf ("%" G_GUINT64_FORMAT, kib);
    }

  hangar_xml_set_text (node, text);
}

/* General */

const char *
hangar_domain_doc_get_name (HangarDomainDoc *self)
{
  g_return_val_if_fail (HANGAR_IS_DOMAIN_DOC (self), NULL);

  return intern (self, hangar_xml_dup_text (find_path (get_root (self),
                                                       "name", NULL)));
}

const char *
hangar_domain_doc_get_uuid (HangarDomainDoc *self)
{
  g_return_val_if_fail (HANGAR_IS_DOMAIN_DOC (self), NULL);

  return intern (self, hangar_xml_dup_text (find_path (get_root (self),
                                                       "uuid", NULL)));
}

const char *
hangar_domain_doc_get_hypervisor (HangarDomainDoc *self)
{
  g_return_val_if_fail (HANGAR_IS_DOMAIN_DOC (self), NULL);

  return intern_attr (self, get_root (self), "type");
}

void
hangar_domain_doc_set_hypervisor (HangarDomainDoc *self,
                                  const char      *type)
{
  g_autoptr(HangarEditScope) scope = NULL;

  g_return_if_fail (HANGAR_IS_DOMAIN_DOC (self));
  g_return_if_fail (type != NULL && *type != '\0');

  scope = hangar_domain_doc_begin_edit (self);

  hangar_xml_set_attr (get_root (self), "type", type);
}

const char *
hangar_domain_doc_get_arch (HangarDomainDoc *self)
{
  g_return_val_if_fail (HANGAR_IS_DOMAIN_DOC (self), NULL);

  return intern_attr (self, find_path (get_root (self), "os", "type", NULL),
                      "arch");
}

/* Memory */

guint64
hangar_domain_doc_get_memory_kib (HangarDomainDoc *self)
{
  guint64 kib = 0;

  g_return_val_if_fail (HANGAR_IS_DOMAIN_DOC (self), 0);

  if (!scaled_kib (find_path (get_root (self), "memory", NULL), &kib))
    return 0;

  return kib;
}

guint64
hangar_domain_doc_get_current_memory_kib (HangarDomainDoc *self)
{
  guint64 kib = 0;

  g_return_val_if_fail (HANGAR_IS_DOMAIN_DOC (self), 0);

  if (scaled_kib (find_path (get_root (self), "currentMemory", NULL), &kib))
    return kib;

  return hangar_domain_doc_get_memory_kib (self);
}

static gboolean
has_numa_cells (HangarDomainDoc *self)
{
  return find_path (get_root (self), "cpu", "numa", "cell", NULL) != NULL;
}

gboolean
hangar_domain_doc_set_memory_kib (HangarDomainDoc  *self,
                                  guint64           kib,
                                  GError          **error)
{
  g_autoptr(HangarEditScope) scope = NULL;
  xmlNode *root;
  xmlNode *memory;
  xmlNode *current;
  guint64 old_kib = 0;
  guint64 current_kib;
  guint64 max_kib;

  g_return_val_if_fail (HANGAR_IS_DOMAIN_DOC (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  scope = hangar_domain_doc_begin_edit (self);

  root = get_root (self);

  if (kib == 0 || kib > G_MAXUINT64 / 1024)
    {
      g_set_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_INVALID,
                   _("A memory size of %llu KiB is not possible"),
                   (unsigned long long) kib);
      return FALSE;
    }

  /* libvirt replaces <memory> with the sum of the NUMA cells: an edit here
   * would be silently undone. */
  if (has_numa_cells (self))
    {
      g_set_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_INVALID,
                   _("The memory of this domain is the sum of its NUMA "
                     "cells; change the cells instead"));
      return FALSE;
    }

  if (scaled_kib (hangar_xml_find_child (root, "maxMemory"), &max_kib) &&
      kib > max_kib)
    {
      g_set_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_INVALID,
                   _("%llu KiB is more than the maximum memory of %llu KiB "
                     "set for hotplug"),
                   (unsigned long long) kib, (unsigned long long) max_kib);
      return FALSE;
    }

  memory = hangar_xml_find_child (root, "memory");
  if (memory == NULL)
    {
      memory = hangar_xml_create_child (root, "memory",
                                        hangar_schema_domain_order);
      hangar_xml_set_attr (memory, "unit", "KiB");
    }
  else
    {
      scaled_kib (memory, &old_kib);
    }

  set_scaled_kib (memory, kib);

  current = hangar_xml_find_child (root, "currentMemory");
  if (current != NULL &&
      scaled_kib (current, &current_kib) &&
      (current_kib > kib || current_kib == old_kib))
    set_scaled_kib (current, kib);

  return TRUE;
}

/* vCPUs */

unsigned
hangar_domain_doc_get_vcpus (HangarDomainDoc *self)
{
  xmlNode *vcpu;
  guint64 count;

  g_return_val_if_fail (HANGAR_IS_DOMAIN_DOC (self), 0);

  /* libvirt's default when there is no <vcpu>. */
  vcpu = hangar_xml_find_child (get_root (self), "vcpu");
  if (vcpu == NULL)
    return 1;

  if (!node_unsigned (vcpu, &count) || count > G_MAXUINT)
    return 0;

  return count;
}

unsigned
hangar_domain_doc_get_current_vcpus (HangarDomainDoc *self)
{
  xmlNode *vcpu;
  guint64 current;

  g_return_val_if_fail (HANGAR_IS_DOMAIN_DOC (self), 0);

  vcpu = hangar_xml_find_child (get_root (self), "vcpu");
  if (vcpu != NULL && attr_unsigned (vcpu, "current", &current) &&
      current <= G_MAXUINT)
    return current;

  return hangar_domain_doc_get_vcpus (self);
}

/* The highest CPU id in a libvirt CPU list such as "0-3,^2,8", or -1 when
 * the list is empty or unreadable. */
static gint64
cpu_list_max (const char *list)
{
  g_auto(GStrv) parts = NULL;
  gint64 max = -1;

  if (list == NULL)
    return -1;

  parts = g_strsplit (list, ",", -1);
  for (unsigned i = 0; parts[i] != NULL; i++)
    {
      const char *part = g_strstrip (parts[i]);
      const char *dash;
      guint64 last;

      if (*part == '^' || *part == '\0')
        continue;

      dash = strchr (part, '-');
      if (!parse_unsigned (dash != NULL ? dash + 1 : part, &last))
        continue;

      max = MAX (max, (gint64) MIN (last, (guint64) G_MAXINT64));
    }

  return max;
}

static gboolean
check_vcpu_dependents (HangarDomainDoc  *self,
                       unsigned          vcpus,
                       GError          **error)
{
  xmlNode *root = get_root (self);
  xmlNode *numa;

  /* Per-vCPU settings must list every vCPU; changing the count would need
   * a new entry for each, which this edit does not write. */
  if (find_path (root, "vcpus", "vcpu", NULL) != NULL)
    {
      g_set_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_INVALID,
                   _("This domain lists each vCPU in <vcpus>; change that "
                     "list together with the count"));
      return FALSE;
    }

  numa = find_path (root, "cpu", "numa", NULL);
  for (xmlNode *cell = numa != NULL ? numa->children : NULL;
       cell != NULL;
       cell = cell->next)
    {
      g_autofree char *cpus = NULL;

      if (!hangar_xml_is_element (cell, "cell"))
        continue;

      cpus = hangar_xml_dup_attr (cell, "cpus");
      if (cpu_list_max (cpus) >= (gint64) vcpus)
        {
          g_set_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_INVALID,
                       _("The NUMA cells of this domain use vCPU %s, more "
                         "than %u vCPUs"), cpus, vcpus);
          return FALSE;
        }
    }

  return TRUE;
}

static guint64
topology_part (xmlNode    *topology,
               const char *name)
{
  guint64 value;

  if (!attr_unsigned (topology, name, &value) || value == 0)
    return 1;

  return value;
}

static void
set_topology_part (xmlNode    *topology,
                   const char *name,
                   guint64     value)
{
  g_autofree char *text = g_strdup_printf ("%" G_GUINT64_FORMAT, value);
  g_autofree char *old = hangar_xml_dup_attr (topology, name);

  /* An absent part counts as 1: leave it absent then. */
  if (old == NULL && value == 1)
    return;

  hangar_xml_set_attr (topology, name, text);
}

/* libvirt refuses a CPU topology whose product differs from the vCPU
 * count.  Keep the shape of a socket where the count allows it and change
 * the number of sockets; otherwise use one socket of @vcpus cores, keeping
 * the threads per core where they divide the count. */
static void
fit_topology (xmlNode  *topology,
              unsigned  vcpus)
{
  guint64 dies = topology_part (topology, "dies");
  guint64 clusters = topology_part (topology, "clusters");
  guint64 cores = topology_part (topology, "cores");
  guint64 threads = topology_part (topology, "threads");
  guint64 sockets = topology_part (topology, "sockets");
  guint64 per_socket = dies * clusters * cores * threads;

  if (sockets * per_socket == vcpus)
    return;

  if (per_socket != 0 && vcpus % per_socket == 0)
    {
      set_topology_part (topology, "sockets", vcpus / per_socket);
      return;
    }

  if (vcpus % threads != 0)
    threads = 1;

  set_topology_part (topology, "sockets", 1);
  set_topology_part (topology, "dies", 1);
  set_topology_part (topology, "clusters", 1);
  set_topology_part (topology, "cores", vcpus / threads);
  set_topology_part (topology, "threads", threads);
}

gboolean
hangar_domain_doc_set_vcpus (HangarDomainDoc  *self,
                             unsigned          vcpus,
                             GError          **error)
{
  g_autoptr(HangarEditScope) scope = NULL;
  g_autofree char *text = NULL;
  xmlNode *root;
  xmlNode *vcpu;
  xmlNode *topology;
  guint64 old_count = 0;
  guint64 current;

  g_return_val_if_fail (HANGAR_IS_DOMAIN_DOC (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  scope = hangar_domain_doc_begin_edit (self);

  root = get_root (self);

  if (vcpus == 0)
    {
      g_set_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_INVALID,
                   _("A domain needs at least one vCPU"));
      return FALSE;
    }

  if (!check_vcpu_dependents (self, vcpus, error))
    return FALSE;

  vcpu = hangar_xml_find_child (root, "vcpu");
  if (vcpu == NULL)
    {
      vcpu = hangar_xml_create_child (root, "vcpu",
                                      hangar_schema_domain_order);
      hangar_xml_set_attr (vcpu, "placement", "static");
    }
  else
    {
      node_unsigned (vcpu, &old_count);
    }

  text = g_strdup_printf ("%u", vcpus);
  hangar_xml_set_text (vcpu, text);

  if (attr_unsigned (vcpu, "current", &current) &&
      (current > vcpus || current == old_count))
    hangar_xml_set_attr (vcpu, "current", text);

  topology = find_path (root, "cpu", "topology", NULL);
  if (topology != NULL)
    fit_topology (topology, vcpus);

  return TRUE;
}

/* Operating system */

const char *
hangar_domain_doc_get_os_id (HangarDomainDoc *self)
{
  xmlNode *metadata;

  g_return_val_if_fail (HANGAR_IS_DOMAIN_DOC (self), NULL);

  metadata = hangar_xml_find_child (get_root (self), "metadata");
  if (metadata == NULL)
    return NULL;

  /* Namespaces are told apart by URI: the prefix is the writer's choice. */
  for (xmlNode *info = metadata->children; info != NULL; info = info->next)
    {
      if (info->type != XML_ELEMENT_NODE || info->ns == NULL ||
          !xmlStrEqual (info->ns->href, BAD_CAST LIBOSINFO_NS) ||
          !xmlStrEqual (info->name, BAD_CAST "libosinfo"))
        continue;

      for (xmlNode *os = info->children; os != NULL; os = os->next)
        {
          if (os->type == XML_ELEMENT_NODE && os->ns != NULL &&
              xmlStrEqual (os->ns->href, BAD_CAST LIBOSINFO_NS) &&
              xmlStrEqual (os->name, BAD_CAST "os"))
            return intern_attr (self, os, "id");
        }
    }

  return NULL;
}

gboolean
hangar_domain_doc_get_boot_menu (HangarDomainDoc *self,
                                 unsigned        *timeout_ms)
{
  g_autofree char *enable = NULL;
  xmlNode *bootmenu;
  guint64 timeout = 0;

  g_return_val_if_fail (HANGAR_IS_DOMAIN_DOC (self), FALSE);

  bootmenu = find_path (get_root (self), "os", "bootmenu", NULL);
  enable = hangar_xml_dup_attr (bootmenu, "enable");

  if (timeout_ms != NULL)
    {
      if (!attr_unsigned (bootmenu, "timeout", &timeout) || timeout > G_MAXUINT)
        timeout = 0;
      *timeout_ms = timeout;
    }

  return g_strcmp0 (enable, "yes") == 0;
}

void
hangar_domain_doc_set_boot_menu (HangarDomainDoc *self,
                                 gboolean         enable,
                                 unsigned         timeout_ms)
{
  g_autoptr(HangarEditScope) scope = NULL;
  g_autofree char *timeout = NULL;
  xmlNode *os;
  xmlNode *bootmenu;

  g_return_if_fail (HANGAR_IS_DOMAIN_DOC (self));
  g_return_if_fail (timeout_ms <= 65535);

  scope = hangar_domain_doc_begin_edit (self);

  if (!enable)
    {
      bootmenu = find_path (get_root (self), "os", "bootmenu", NULL);
      if (bootmenu != NULL)
        {
          hangar_xml_set_attr (bootmenu, "enable", "no");
          hangar_xml_unset_attr (bootmenu, "timeout");
        }
      return;
    }

  os = hangar_xml_find_or_create_child (get_root (self), "os",
                                        hangar_schema_domain_order);
  bootmenu = hangar_xml_find_or_create_child (os, "bootmenu",
                                              hangar_schema_os_order);
  hangar_xml_set_attr (bootmenu, "enable", "yes");

  if (timeout_ms > 0)
    {
      timeout = g_strdup_printf ("%u", timeout_ms);
      hangar_xml_set_attr (bootmenu, "timeout", timeout);
    }
  else
    {
      hangar_xml_unset_attr (bootmenu, "timeout");
    }
}

/* CPU */

const char *
hangar_domain_doc_get_cpu_mode (HangarDomainDoc *self)
{
  xmlNode *cpu;
  const char *mode;

  g_return_val_if_fail (HANGAR_IS_DOMAIN_DOC (self), NULL);

  cpu = hangar_xml_find_child (get_root (self), "cpu");
  if (cpu == NULL)
    return NULL;

  /* A <cpu> without mode is a custom one to libvirt. */
  mode = intern_attr (self, cpu, "mode");

  return mode != NULL ? mode : "custom";
}

const char *
hangar_domain_doc_get_cpu_model (HangarDomainDoc *self)
{
  xmlNode *model;

  g_return_val_if_fail (HANGAR_IS_DOMAIN_DOC (self), NULL);

  model = find_path (get_root (self), "cpu", "model", NULL);
  if (model == NULL)
    return NULL;

  return intern (self, g_strstrip (hangar_xml_dup_text (model)));
}

/* Settings under <cpu> that libvirt accepts only for host-passthrough
 * (or "maximum") CPUs. */
static gboolean
is_passthrough_only (xmlNode *node)
{
  g_autofree char *mode = NULL;

  if (!hangar_xml_is_element (node, "cache") &&
      !hangar_xml_is_element (node, "maxphysaddr"))
    return FALSE;

  mode = hangar_xml_dup_attr (node, "mode");

  return g_strcmp0 (mode, "passthrough") == 0;
}

void
hangar_domain_doc_set_cpu_custom_model (HangarDomainDoc *self,
                                        const char      *model)
{
  g_autoptr(HangarEditScope) scope = NULL;
  xmlNode *cpu;
  xmlNode *child;
  xmlNode *model_node;

  g_return_if_fail (HANGAR_IS_DOMAIN_DOC (self));
  g_return_if_fail (model != NULL && *model != '\0');

  scope = hangar_domain_doc_begin_edit (self);

  cpu = hangar_xml_find_or_create_child (get_root (self), "cpu",
                                         hangar_schema_domain_order);

  hangar_xml_set_attr (cpu, "mode", "custom");
  hangar_xml_set_attr (cpu, "match", "exact");
  hangar_xml_unset_attr (cpu, "check");
  hangar_xml_unset_attr (cpu, "migratable");

  child = cpu->children;
  while (child != NULL)
    {
      xmlNode *next = child->next;

      if (is_passthrough_only (child))
        hangar_xml_remove_node (child);

      child = next;
    }

  model_node = hangar_xml_find_or_create_child (cpu, "model",
                                                hangar_schema_cpu_order);
  hangar_xml_set_attr (model_node, "fallback", "allow");
  hangar_xml_set_text (model_node, model);
}

gboolean
hangar_domain_doc_set_cpu_mode (HangarDomainDoc  *self,
                                const char       *mode,
                                GError          **error)
{
  g_autoptr(HangarEditScope) scope = NULL;
  static const char * const named_cpu_only[] = { "model", "vendor", NULL };
  gboolean passthrough;
  xmlNode *cpu;
  xmlNode *child;

  g_return_val_if_fail (HANGAR_IS_DOMAIN_DOC (self), FALSE);
  g_return_val_if_fail (mode != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_str_equal (mode, "custom"))
    {
      const char *model = hangar_domain_doc_get_cpu_model (self);

      if (model == NULL || *model == '\0')
        {
          g_set_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_INVALID,
                       _("A custom CPU needs a model: choose one"));
          return FALSE;
        }

      hangar_domain_doc_set_cpu_custom_model (self, model);
      return TRUE;
    }

  passthrough = g_str_equal (mode, "host-passthrough") ||
                g_str_equal (mode, "maximum");
  if (!passthrough && !g_str_equal (mode, "host-model"))
    {
      g_set_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_INVALID,
                   _("“%s” is not a CPU mode"), mode);
      return FALSE;
    }

  if (g_strcmp0 (hangar_domain_doc_get_cpu_mode (self), mode) == 0)
    return TRUE;

  scope = hangar_domain_doc_begin_edit (self);

  cpu = hangar_xml_find_or_create_child (get_root (self), "cpu",
                                         hangar_schema_domain_order);
  hangar_xml_set_attr (cpu, "mode", mode);

  /* Only a named CPU is matched against the host; migratable= is for
   * the host's own CPU. */
  hangar_xml_unset_attr (cpu, "match");
  if (!passthrough)
    hangar_xml_unset_attr (cpu, "migratable");

  /* The host's CPU has no model or vendor to name, and only it passes
   * its caches and address size through. */
  child = cpu->children;
  while (child != NULL)
    {
      xmlNode *next = child->next;

      if ((passthrough &&
           child->type == XML_ELEMENT_NODE && child->ns == NULL &&
           g_strv_contains (named_cpu_only, (const char *) child->name)) ||
          (!passthrough && is_passthrough_only (child)))
        hangar_xml_remove_node (child);

      child = next;
    }

  return TRUE;
}

/* Devices */

static xmlNode *
find_device (HangarDomainDoc *self,
             const char      *kind,
             unsigned         index)
{
  xmlNode *devices = hangar_xml_find_child (get_root (self), "devices");

  return hangar_xml_find_nth_child (devices, kind, index);
}

unsigned
hangar_domain_doc_count_devices (HangarDomainDoc *self,
                                 const char      *kind)
{
  g_return_val_if_fail (HANGAR_IS_DOMAIN_DOC (self), 0);
  g_return_val_if_fail (kind != NULL, 0);

  return hangar_xml_count_children (hangar_xml_find_child (get_root (self),
                                                           "devices"),
                                    kind);
}

const char *
hangar_domain_doc_get_device_attr (HangarDomainDoc *self,
                                   const char      *kind,
                                   unsigned         index,
                                   const char      *attr)
{
  g_return_val_if_fail (HANGAR_IS_DOMAIN_DOC (self), NULL);
  g_return_val_if_fail (kind != NULL, NULL);
  g_return_val_if_fail (attr != NULL, NULL);

  return intern_attr (self, find_device (self, kind, index), attr);
}

char *
hangar_domain_doc_dup_device_path (HangarDomainDoc *self,
                                   const char      *kind,
                                   unsigned         index)
{
  g_return_val_if_fail (HANGAR_IS_DOMAIN_DOC (self), NULL);
  g_return_val_if_fail (kind != NULL, NULL);

  return g_strdup_printf ("/domain/devices/%s[%u]", kind, index + 1);
}

const char *
hangar_domain_doc_get_disk_source_file (HangarDomainDoc *self,
                                        unsigned         index)
{
  xmlNode *disk;

  g_return_val_if_fail (HANGAR_IS_DOMAIN_DOC (self), NULL);

  disk = find_device (self, "disk", index);

  return intern_attr (self, hangar_xml_find_child (disk, "source"), "file");
}

const char *
hangar_domain_doc_get_disk_driver_type (HangarDomainDoc *self,
                                        unsigned         index)
{
  xmlNode *disk;

  g_return_val_if_fail (HANGAR_IS_DOMAIN_DOC (self), NULL);

  disk = find_device (self, "disk", index);

  return intern_attr (self, hangar_xml_find_child (disk, "driver"), "type");
}

gboolean
hangar_domain_doc_set_interface_user (HangarDomainDoc  *self,
                                      unsigned          index,
                                      GError          **error)
{
  HangarDevice *iface;

  g_return_val_if_fail (HANGAR_IS_DOMAIN_DOC (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  iface = hangar_domain_doc_get_device (self, HANGAR_DEVICE_INTERFACE, index);
  if (iface == NULL)
    {
      g_set_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_NOT_FOUND,
                   _("The domain has no network interface number %u"),
                   index + 1);
      return FALSE;
    }

  return hangar_device_set_string (iface, "type", "user", error);
}

/* Graphics */

const char *
hangar_domain_doc_get_graphics_type (HangarDomainDoc *self)
{
  g_return_val_if_fail (HANGAR_IS_DOMAIN_DOC (self), NULL);

  return intern_attr (self, find_device (self, "graphics", 0), "type");
}

/* Shared with the other classes of the model */

const char *
hangar_domain_doc_intern (HangarDomainDoc *self,
                          char            *value)
{
  return intern (self, value);
}

xmlNode *
hangar_domain_doc_get_root (HangarDomainDoc *self)
{
  return get_root (self);
}

xmlDoc *
hangar_domain_doc_get_xml (HangarDomainDoc *self)
{
  return self->doc;
}

/* General fields */

#define S HANGAR_FIELD_STRING
#define U HANGAR_FIELD_UINT
#define F HANGAR_FIELD_FLAG
#define CHOICES(...) ((const char * const []) { __VA_ARGS__, NULL })

static const char * const on_off[] = { "on", "off", NULL };
static const char * const yes_no[] = { "yes", "no", NULL };
static const char * const lifecycle_actions[] = {
  "destroy", "restart", "preserve", "rename-restart", NULL
};
static const char * const tick_policies[] = {
  "delay", "catchup", "merge", "discard", NULL
};

/* Fields whose setter has dependent changes are marked so; the others
 * touch their own attribute or element only. */
static const HangarField domain_fields[] = {
  { "name", "name", S },
  { "uuid", "uuid", S },
  { "hypervisor", "@type", S, 0,
    CHOICES ("kvm", "qemu", "xen", "lxc", "test") },
  { "title", "title", S },
  { "description", "description", S },
  { "genid", "genid", S },
  { "vcpu-placement", "vcpu@placement", S, 0, CHOICES ("static", "auto") },
  { "vcpu-cpuset", "vcpu@cpuset", S },
  { "vcpu-current", "vcpu@current", U },
  { "iothreads", "iothreads", U },
  { "cpu-mode", "cpu@mode", S, 0,
    CHOICES ("host-passthrough", "host-model", "maximum", "custom") },
  { "cpu-match", "cpu@match", S, 0, CHOICES ("exact", "minimum", "strict") },
  { "cpu-check", "cpu@check", S, 0, CHOICES ("none", "partial", "full") },
  { "cpu-migratable", "cpu@migratable", S, 0, on_off },
  { "cpu-model", "cpu/model", S },
  { "cpu-model-fallback", "cpu/model@fallback", S, 0,
    CHOICES ("allow", "forbid") },
  { "cpu-vendor", "cpu/vendor", S },
  { "bootloader", "bootloader", S },
  { "bootloader-args", "bootloader_args", S },
  { "os-type", "os/type", S, 0, CHOICES ("hvm", "xen", "linux", "exe") },
  { "os-arch", "os/type@arch", S },
  { "os-machine", "os/type@machine", S },
  { "os-firmware", "os@firmware", S, 0, CHOICES ("efi", "bios") },
  { "os-loader", "os/loader", S },
  { "os-loader-readonly", "os/loader@readonly", S, 0, yes_no },
  { "os-loader-type", "os/loader@type", S, 0, CHOICES ("rom", "pflash") },
  { "os-loader-secure", "os/loader@secure", S, 0, yes_no },
  { "os-nvram", "os/nvram", S },
  { "os-nvram-template", "os/nvram@template", S },
  { "os-kernel", "os/kernel", S },
  { "os-initrd", "os/initrd", S },
  { "os-cmdline", "os/cmdline", S },
  { "os-dtb", "os/dtb", S },
  { "os-bootmenu-enable", "os/bootmenu@enable", S, 0, yes_no },
  { "os-bootmenu-timeout", "os/bootmenu@timeout", U },
  { "os-smbios-mode", "os/smbios@mode", S, 0,
    CHOICES ("emulate", "host", "sysinfo") },
  { "os-bios-useserial", "os/bios@useserial", S, 0, yes_no },
  { "os-bios-reboot-timeout", "os/bios@rebootTimeout", S },
  { "features-acpi", "features/acpi", F },
  { "features-apic", "features/apic", F },
  { "features-pae", "features/pae", F },
  { "features-hap", "features/hap", F },
  { "features-smm", "features/smm@state", S, 0, on_off },
  { "features-vmport", "features/vmport@state", S, 0, on_off },
  { "features-pmu", "features/pmu@state", S, 0, on_off },
  { "features-pvspinlock", "features/pvspinlock@state", S, 0, on_off },
  { "features-ioapic-driver", "features/ioapic@driver", S, 0,
    CHOICES ("qemu", "kvm") },
  { "features-gic-version", "features/gic@version", S, 0,
    CHOICES ("2", "3", "host") },
  { "features-kvm-hidden", "features/kvm/hidden@state", S, 0, on_off },
  { "features-vmcoreinfo", "features/vmcoreinfo@state", S, 0, on_off },
  { "hyperv-mode", "features/hyperv@mode", S, 0,
    CHOICES ("custom", "passthrough") },
  { "hyperv-relaxed", "features/hyperv/relaxed@state", S, 0, on_off },
  { "hyperv-vapic", "features/hyperv/vapic@state", S, 0, on_off },
  { "hyperv-spinlocks", "features/hyperv/spinlocks@state", S, 0, on_off },
  { "hyperv-spinlocks-retries", "features/hyperv/spinlocks@retries", U },
  { "hyperv-vpindex", "features/hyperv/vpindex@state", S, 0, on_off },
  { "hyperv-runtime", "features/hyperv/runtime@state", S, 0, on_off },
  { "hyperv-synic", "features/hyperv/synic@state", S, 0, on_off },
  { "hyperv-stimer", "features/hyperv/stimer@state", S, 0, on_off },
  { "hyperv-reset", "features/hyperv/reset@state", S, 0, on_off },
  { "hyperv-vendor-id", "features/hyperv/vendor_id@value", S },
  { "hyperv-frequencies", "features/hyperv/frequencies@state", S, 0, on_off },
  { "hyperv-tlbflush", "features/hyperv/tlbflush@state", S, 0, on_off },
  { "hyperv-ipi", "features/hyperv/ipi@state", S, 0, on_off },
  { "clock-offset", "clock@offset", S, 0,
    CHOICES ("utc", "localtime", "timezone", "variable", "absolute") },
  { "clock-timezone", "clock@timezone", S },
  { "clock-adjustment", "clock@adjustment", S },
  { "timer-rtc-tickpolicy", "clock/timer[name=rtc]@tickpolicy", S, 0,
    tick_policies },
  { "timer-rtc-track", "clock/timer[name=rtc]@track", S, 0,
    CHOICES ("boot", "guest", "wall", "realtime") },
  { "timer-pit-tickpolicy", "clock/timer[name=pit]@tickpolicy", S, 0,
    tick_policies },
  { "timer-hpet-present", "clock/timer[name=hpet]@present", S, 0, yes_no },
  { "timer-kvmclock-present", "clock/timer[name=kvmclock]@present", S, 0,
    yes_no },
  { "timer-hypervclock-present", "clock/timer[name=hypervclock]@present", S,
    0, yes_no },
  { "timer-tsc-frequency", "clock/timer[name=tsc]@frequency", U },
  { "on-poweroff", "on_poweroff", S, 0, lifecycle_actions },
  { "on-reboot", "on_reboot", S, 0, lifecycle_actions },
  { "on-crash", "on_crash", S, 0,
    CHOICES ("destroy", "restart", "preserve", "rename-restart",
             "coredump-destroy", "coredump-restart") },
  { "on-lockfailure", "on_lockfailure", S, 0,
    CHOICES ("poweroff", "restart", "pause", "ignore") },
  { "pm-suspend-to-mem", "pm/suspend-to-mem@enabled", S, 0, yes_no },
  { "pm-suspend-to-disk", "pm/suspend-to-disk@enabled", S, 0, yes_no },
  { "memory-backing-source", "memoryBacking/source@type", S, 0,
    CHOICES ("file", "anonymous", "memfd") },
  { "memory-backing-access", "memoryBacking/access@mode", S, 0,
    CHOICES ("shared", "private") },
  { "memory-backing-allocation", "memoryBacking/allocation@mode", S, 0,
    CHOICES ("immediate", "ondemand") },
  { "memory-backing-hugepages", "memoryBacking/hugepages", F },
  { "memory-backing-nosharepages", "memoryBacking/nosharepages", F },
  { "memory-backing-locked", "memoryBacking/locked", F },
  { "memory-backing-discard", "memoryBacking/discard", F },
};

#undef S
#undef U
#undef F
#undef CHOICES

const HangarField *
hangar_domain_doc_get_fields (unsigned *n_fields)
{
  if (n_fields != NULL)
    *n_fields = G_N_ELEMENTS (domain_fields);

  return domain_fields;
}

const HangarField *
hangar_domain_doc_find_field (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);

  for (unsigned i = 0; i < G_N_ELEMENTS (domain_fields); i++)
    {
      if (strcmp (domain_fields[i].name, name) == 0)
        return &domain_fields[i];
    }

  return NULL;
}

static const HangarField *
lookup_domain_field (const char       *name,
                     HangarFieldType   type,
                     GError          **error)
{
  const HangarField *field = hangar_domain_doc_find_field (name);

  if (field == NULL || field->type != type)
    {
      g_set_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_INVALID,
                   _("The domain has no field “%s” of that type"), name);
      return NULL;
    }

  return field;
}

const char *
hangar_domain_doc_get_string (HangarDomainDoc *self,
                              const char      *name)
{
  const HangarField *field;

  g_return_val_if_fail (HANGAR_IS_DOMAIN_DOC (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  field = hangar_domain_doc_find_field (name);
  if (field == NULL || field->type == HANGAR_FIELD_FLAG)
    return NULL;

  return intern (self, hangar_xml_path_dup_value (get_root (self),
                                                  field->path));
}

/* What libvirt would refuse in a general field, as a message. */
static gboolean
check_domain_value (HangarDomainDoc    *self,
                    const HangarField  *field,
                    const char         *value,
                    GError            **error)
{
  const char *name = field->name;

  if (value == NULL &&
      (g_str_equal (name, "name") || g_str_equal (name, "hypervisor")))
    {
      g_set_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_INVALID,
                   _("A domain always has a %s"), name);
      return FALSE;
    }

  if (value == NULL)
    return TRUE;

  if (g_str_equal (name, "name") &&
      (*value == '\0' || strpbrk (value, "/\n") != NULL))
    {
      g_set_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_INVALID,
                   _("“%s” cannot be a domain name: it must not be empty "
                     "nor hold a “/” or a line break"), value);
      return FALSE;
    }

  if (g_str_equal (name, "title") && strchr (value, '\n') != NULL)
    {
      g_set_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_INVALID,
                   _("A title is one line of text"));
      return FALSE;
    }

  if (g_str_equal (name, "uuid") && !g_uuid_string_is_valid (value))
    {
      g_set_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_INVALID,
                   _("“%s” is not a UUID"), value);
      return FALSE;
    }

  if (g_str_equal (name, "hypervisor") && *value == '\0')
    {
      g_set_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_INVALID,
                   _("The hypervisor type cannot be empty"));
      return FALSE;
    }

  if (g_str_equal (name, "vcpu-current"))
    {
      guint64 current;

      if (!parse_unsigned (value, &current) || current == 0 ||
          current > hangar_domain_doc_get_vcpus (self))
        {
          g_set_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_INVALID,
                       _("The vCPUs online at boot must be between 1 and "
                         "the vCPU count (%u)"),
                       hangar_domain_doc_get_vcpus (self));
          return FALSE;
        }
    }

  if (g_str_equal (name, "os-bootmenu-timeout"))
    {
      guint64 timeout;

      if (!parse_unsigned (value, &timeout) || timeout > 65535)
        {
          g_set_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_INVALID,
                       _("The boot menu timeout is at most 65535 ms"));
          return FALSE;
        }
    }

  return TRUE;
}

/* Writes a general field: the one place every typed general edit goes
 * through. */
static gboolean
set_domain_value (HangarDomainDoc    *self,
                  const HangarField  *field,
                  const char         *value,
                  GError            **error)
{
  g_autoptr(HangarEditScope) scope = NULL;

  if ((field->flags & HANGAR_FIELD_READ_ONLY) != 0)
    {
      g_set_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_INVALID,
                   _("The field “%s” is read only"), field->name);
      return FALSE;
    }

  if (!check_domain_value (self, field, value, error))
    return FALSE;

  scope = hangar_domain_doc_begin_edit (self);

  hangar_xml_path_set_value (get_root (self), field->path, value);

  return TRUE;
}

gboolean
hangar_domain_doc_set_string (HangarDomainDoc  *self,
                              const char       *name,
                              const char       *value,
                              GError          **error)
{
  const HangarField *field;

  g_return_val_if_fail (HANGAR_IS_DOMAIN_DOC (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  field = lookup_domain_field (name, HANGAR_FIELD_STRING, error);
  if (field == NULL)
    return FALSE;

  return set_domain_value (self, field, value, error);
}

gboolean
hangar_domain_doc_get_uint (HangarDomainDoc *self,
                            const char      *name,
                            guint64         *value)
{
  const HangarField *field;
  g_autofree char *text = NULL;

  g_return_val_if_fail (HANGAR_IS_DOMAIN_DOC (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  field = hangar_domain_doc_find_field (name);
  if (field == NULL || field->type != HANGAR_FIELD_UINT)
    return FALSE;

  text = hangar_xml_path_dup_value (get_root (self), field->path);

  return parse_unsigned (text, value);
}

gboolean
hangar_domain_doc_set_uint (HangarDomainDoc  *self,
                            const char       *name,
                            guint64           value,
                            GError          **error)
{
  const HangarField *field;
  g_autofree char *text = NULL;

  g_return_val_if_fail (HANGAR_IS_DOMAIN_DOC (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  field = lookup_domain_field (name, HANGAR_FIELD_UINT, error);
  if (field == NULL)
    return FALSE;

  text = g_strdup_printf ("%" G_GUINT64_FORMAT, value);

  return set_domain_value (self, field, text, error);
}

gboolean
hangar_domain_doc_unset (HangarDomainDoc  *self,
                         const char       *name,
                         GError          **error)
{
  const HangarField *field;

  g_return_val_if_fail (HANGAR_IS_DOMAIN_DOC (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  field = hangar_domain_doc_find_field (name);
  if (field == NULL)
    {
      g_set_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_INVALID,
                   _("The domain has no field “%s”"), name);
      return FALSE;
    }

  if (field->type == HANGAR_FIELD_FLAG)
    return hangar_domain_doc_set_flag (self, name, FALSE, error);

  return set_domain_value (self, field, NULL, error);
}

gboolean
hangar_domain_doc_get_flag (HangarDomainDoc *self,
                            const char      *name)
{
  const HangarField *field;

  g_return_val_if_fail (HANGAR_IS_DOMAIN_DOC (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  field = hangar_domain_doc_find_field (name);
  if (field == NULL || field->type != HANGAR_FIELD_FLAG)
    return FALSE;

  return hangar_xml_path_exists (get_root (self), field->path);
}

gboolean
hangar_domain_doc_set_flag (HangarDomainDoc  *self,
                            const char       *name,
                            gboolean          value,
                            GError          **error)
{
  g_autoptr(HangarEditScope) scope = NULL;
  const HangarField *field;

  g_return_val_if_fail (HANGAR_IS_DOMAIN_DOC (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  scope = hangar_domain_doc_begin_edit (self);

  field = lookup_domain_field (name, HANGAR_FIELD_FLAG, error);
  if (field == NULL)
    return FALSE;

  hangar_xml_path_set_present (get_root (self), field->path, value);

  return TRUE;
}

const char *
hangar_domain_doc_get_title (HangarDomainDoc *self)
{
  return hangar_domain_doc_get_string (self, "title");
}

gboolean
hangar_domain_doc_set_title (HangarDomainDoc  *self,
                             const char       *title,
                             GError          **error)
{
  return hangar_domain_doc_set_string (self, "title", title, error);
}

const char *
hangar_domain_doc_get_description (HangarDomainDoc *self)
{
  return hangar_domain_doc_get_string (self, "description");
}

void
hangar_domain_doc_set_description (HangarDomainDoc *self,
                                   const char      *description)
{
  g_autoptr(HangarEditScope) scope = NULL;

  g_return_if_fail (HANGAR_IS_DOMAIN_DOC (self));

  scope = hangar_domain_doc_begin_edit (self);

  hangar_xml_path_set_value (get_root (self), "description", description);
}

gboolean
hangar_domain_doc_set_uuid (HangarDomainDoc  *self,
                            const char       *uuid,
                            GError          **error)
{
  g_return_val_if_fail (uuid != NULL, FALSE);

  return hangar_domain_doc_set_string (self, "uuid", uuid, error);
}

gboolean
hangar_domain_doc_set_name (HangarDomainDoc  *self,
                            const char       *name,
                            GError          **error)
{
  g_return_val_if_fail (name != NULL, FALSE);

  return hangar_domain_doc_set_string (self, "name", name, error);
}

gboolean
hangar_domain_doc_set_current_vcpus (HangarDomainDoc  *self,
                                     unsigned          current,
                                     GError          **error)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (HANGAR_IS_DOMAIN_DOC (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* libvirt writes current= only below the count. */
  if (current != hangar_domain_doc_get_vcpus (self))
    text = g_strdup_printf ("%u", current);

  return set_domain_value (self, hangar_domain_doc_find_field ("vcpu-current"),
                           text, error);
}

guint64
hangar_domain_doc_get_max_memory_kib (HangarDomainDoc *self)
{
  guint64 kib = 0;

  g_return_val_if_fail (HANGAR_IS_DOMAIN_DOC (self), 0);

  if (!scaled_kib (find_path (get_root (self), "maxMemory", NULL), &kib))
    return 0;

  return kib;
}

gboolean
hangar_domain_doc_set_max_memory_kib (HangarDomainDoc  *self,
                                      guint64           kib,
                                      unsigned          slots,
                                      GError          **error)
{
  g_autoptr(HangarEditScope) scope = NULL;
  xmlNode *root;
  xmlNode *max;
  g_autofree char *text = NULL;

  g_return_val_if_fail (HANGAR_IS_DOMAIN_DOC (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  scope = hangar_domain_doc_begin_edit (self);

  root = get_root (self);
  max = hangar_xml_find_child (root, "maxMemory");

  if (kib == 0)
    {
      if (max != NULL)
        hangar_xml_remove_node (max);
      return TRUE;
    }

  if (kib < hangar_domain_doc_get_memory_kib (self))
    {
      g_set_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_INVALID,
                   _("The maximum memory must be at least the memory"));
      return FALSE;
    }

  if (max == NULL)
    max = hangar_xml_create_child (root, "maxMemory",
                                   hangar_schema_domain_order);

  set_scaled_kib (max, kib);
  text = g_strdup_printf ("%u", slots);
  hangar_xml_set_attr (max, "slots", text);

  return TRUE;
}

gboolean
hangar_domain_doc_set_current_memory_kib (HangarDomainDoc  *self,
                                          guint64           kib,
                                          GError          **error)
{
  g_autoptr(HangarEditScope) scope = NULL;
  xmlNode *current;

  g_return_val_if_fail (HANGAR_IS_DOMAIN_DOC (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  scope = hangar_domain_doc_begin_edit (self);

  if (kib == 0 || kib > hangar_domain_doc_get_memory_kib (self))
    {
      g_set_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_INVALID,
                   _("The current memory must be between 1 KiB and the "
                     "memory"));
      return FALSE;
    }

  current = hangar_xml_find_or_create_child (get_root (self), "currentMemory",
                                             hangar_schema_domain_order);
  set_scaled_kib (current, kib);

  return TRUE;
}

gboolean
hangar_domain_doc_set_cpu_topology (HangarDomainDoc  *self,
                                    unsigned          sockets,
                                    unsigned          dies,
                                    unsigned          cores,
                                    unsigned          threads,
                                    GError          **error)
{
  g_autoptr(HangarEditScope) scope = NULL;
  xmlNode *cpu;
  xmlNode *topology;

  g_return_val_if_fail (HANGAR_IS_DOMAIN_DOC (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  scope = hangar_domain_doc_begin_edit (self);

  if (sockets == 0 || dies == 0 || cores == 0 || threads == 0 ||
      (guint64) sockets * dies * cores * threads !=
      hangar_domain_doc_get_vcpus (self))
    {
      g_set_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_INVALID,
                   _("The CPU topology must give as many vCPUs as the "
                     "domain has (%u)"), hangar_domain_doc_get_vcpus (self));
      return FALSE;
    }

  cpu = hangar_xml_find_or_create_child (get_root (self), "cpu",
                                         hangar_schema_domain_order);
  topology = hangar_xml_find_or_create_child (cpu, "topology",
                                              hangar_schema_cpu_order);
  set_topology_part (topology, "sockets", sockets);
  set_topology_part (topology, "dies", dies);
  set_topology_part (topology, "cores", cores);
  set_topology_part (topology, "threads", threads);

  return TRUE;
}

static char *
name_step_path (const char *parent,
                const char *name,
                const char *attr)
{
  g_return_val_if_fail (strpbrk (name, "[]/@=") == NULL, NULL);

  return g_strdup_printf ("%s[name=%s]@%s", parent, name, attr);
}

const char *
hangar_domain_doc_get_cpu_feature (HangarDomainDoc *self,
                                   const char      *name)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (HANGAR_IS_DOMAIN_DOC (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  path = name_step_path ("cpu/feature", name, "policy");

  return intern (self, hangar_xml_path_dup_value (get_root (self), path));
}

void
hangar_domain_doc_set_cpu_feature (HangarDomainDoc *self,
                                   const char      *name,
                                   const char      *policy)
{
  g_autoptr(HangarEditScope) scope = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (HANGAR_IS_DOMAIN_DOC (self));
  g_return_if_fail (name != NULL);

  scope = hangar_domain_doc_begin_edit (self);

  path = name_step_path ("cpu/feature", name, "policy");

  /* Without a policy the feature has no meaning: remove it whole. */
  if (policy == NULL)
    {
      g_autofree char *element = g_strdup_printf ("cpu/feature[name=%s]",
                                                  name);

      hangar_xml_path_set_present (get_root (self), element, FALSE);
      return;
    }

  hangar_xml_path_set_value (get_root (self), path, policy);
}

const char *
hangar_domain_doc_get_timer (HangarDomainDoc *self,
                             const char      *name,
                             const char      *attr)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (HANGAR_IS_DOMAIN_DOC (self), NULL);
  g_return_val_if_fail (name != NULL && attr != NULL, NULL);

  path = name_step_path ("clock/timer", name, attr);

  return intern (self, hangar_xml_path_dup_value (get_root (self), path));
}

void
hangar_domain_doc_set_timer (HangarDomainDoc *self,
                             const char      *name,
                             const char      *attr,
                             const char      *value)
{
  g_autoptr(HangarEditScope) scope = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (HANGAR_IS_DOMAIN_DOC (self));
  g_return_if_fail (name != NULL && attr != NULL);
  g_return_if_fail (strcmp (attr, "name") != 0);

  scope = hangar_domain_doc_begin_edit (self);

  path = name_step_path ("clock/timer", name, attr);
  hangar_xml_path_set_value (get_root (self), path, value);

  /* A timer left with its name alone says nothing. */
  if (value == NULL)
    {
      g_autofree char *element = g_strdup_printf ("clock/timer[name=%s]",
                                                  name);
      xmlNode *timer = hangar_xml_path_find (get_root (self), element, FALSE);

      if (timer != NULL && timer->properties != NULL &&
          timer->properties->next == NULL && timer->children == NULL)
        hangar_xml_remove_node (timer);
    }
}

static xmlNode *
find_ns_child (xmlNode    *parent,
               const char *href,
               const char *name)
{
  for (xmlNode *child = parent != NULL ? parent->children : NULL;
       child != NULL;
       child = child->next)
    {
      if (child->type == XML_ELEMENT_NODE && child->ns != NULL &&
          xmlStrEqual (child->ns->href, BAD_CAST href) &&
          xmlStrEqual (child->name, BAD_CAST name))
        return child;
    }

  return NULL;
}

void
hangar_domain_doc_set_os_id (HangarDomainDoc *self,
                             const char      *os_id)
{
  g_autoptr(HangarEditScope) scope = NULL;
  xmlNode *root;
  xmlNode *metadata;
  xmlNode *info;
  xmlNode *os;

  g_return_if_fail (HANGAR_IS_DOMAIN_DOC (self));

  scope = hangar_domain_doc_begin_edit (self);

  root = get_root (self);
  metadata = hangar_xml_find_child (root, "metadata");
  info = find_ns_child (metadata, LIBOSINFO_NS, "libosinfo");
  os = find_ns_child (info, LIBOSINFO_NS, "os");

  if (os_id == NULL)
    {
      if (os != NULL)
        hangar_xml_remove_node (os);
      return;
    }

  if (os != NULL)
    {
      hangar_xml_set_attr (os, "id", os_id);
      return;
    }

  if (metadata == NULL)
    metadata = hangar_xml_create_child (root, "metadata",
                                        hangar_schema_domain_order);

  if (info == NULL)
    {
      xmlNs *ns;

      info = hangar_xml_create_child (metadata, "libosinfo", NULL);
      ns = xmlNewNs (info, BAD_CAST LIBOSINFO_NS, BAD_CAST "libosinfo");
      xmlSetNs (info, ns);
    }

  os = hangar_xml_create_child (info, "os", NULL);
  xmlSetNs (os, xmlSearchNsByHref (self->doc, info, BAD_CAST LIBOSINFO_NS));
  hangar_xml_set_attr (os, "id", os_id);
}

/* Firmware and boot */

gboolean
hangar_domain_doc_get_uefi (HangarDomainDoc *self)
{
  xmlNode *os;
  g_autofree char *firmware = NULL;
  g_autofree char *loader_type = NULL;

  g_return_val_if_fail (HANGAR_IS_DOMAIN_DOC (self), FALSE);

  os = hangar_xml_find_child (get_root (self), "os");
  firmware = hangar_xml_dup_attr (os, "firmware");
  loader_type = hangar_xml_path_dup_value (os, "loader@type");

  return g_strcmp0 (firmware, "efi") == 0 ||
         g_strcmp0 (loader_type, "pflash") == 0;
}

/* Whether the domain's firmware can have Secure Boot: on x86 that needs
 * SMM, which only the Q35 machine types have. */
static gboolean
machine_allows_secure_boot (HangarDomainDoc *self)
{
  xmlNode *type = find_path (get_root (self), "os", "type", NULL);
  g_autofree char *arch = hangar_xml_dup_attr (type, "arch");
  g_autofree char *machine = hangar_xml_dup_attr (type, "machine");
  gboolean x86 = arch == NULL || g_str_equal (arch, "x86_64") ||
                 g_str_equal (arch, "i686");

  return !x86 ||
         (machine != NULL && (g_str_equal (machine, "q35") ||
                              g_str_has_prefix (machine, "pc-q35-")));
}

/* The state of <os><firmware><feature name=@name>: 1, 0, or -1 unset. */
static int
firmware_feature (xmlNode    *os,
                  const char *name)
{
  g_autofree char *path = g_strdup_printf ("firmware/feature[name=%s]@enabled",
                                           name);
  g_autofree char *enabled = hangar_xml_path_dup_value (os, path);

  if (enabled == NULL)
    return -1;

  return g_str_equal (enabled, "yes");
}

gboolean
hangar_domain_doc_get_secure_boot (HangarDomainDoc *self)
{
  xmlNode *os;
  g_autofree char *secure = NULL;

  g_return_val_if_fail (HANGAR_IS_DOMAIN_DOC (self), FALSE);

  if (!hangar_domain_doc_get_uefi (self))
    return FALSE;

  os = hangar_xml_find_child (get_root (self), "os");
  if (firmware_feature (os, "secure-boot") >= 0)
    return firmware_feature (os, "secure-boot") == 1;

  secure = hangar_xml_path_dup_value (os, "loader@secure");

  return g_strcmp0 (secure, "yes") == 0;
}

static void
add_firmware_feature (xmlNode    *firmware,
                      const char *name,
                      gboolean    enabled)
{
  xmlNode *feature = hangar_xml_create_child (firmware, "feature", NULL);

  hangar_xml_set_attr (feature, "enabled", enabled ? "yes" : "no");
  hangar_xml_set_attr (feature, "name", name);
}

gboolean
hangar_domain_doc_set_uefi (HangarDomainDoc  *self,
                            gboolean          uefi,
                            gboolean          secure_boot,
                            GError          **error)
{
  g_autoptr(HangarEditScope) scope = NULL;
  static const char * const firmware_set[] = {
    "firmware", "loader", "nvram", NULL
  };
  g_autofree char *firmware_attr = NULL;
  xmlNode *root;
  xmlNode *os;
  xmlNode *firmware;

  g_return_val_if_fail (HANGAR_IS_DOMAIN_DOC (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (uefi && secure_boot && !machine_allows_secure_boot (self))
    {
      g_set_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_INVALID,
                   _("Secure Boot needs the Q35 machine type: its firmware "
                     "runs in System Management Mode, which the i440FX "
                     "machine does not have"));
      return FALSE;
    }

  root = get_root (self);
  os = hangar_xml_find_child (root, "os");
  firmware_attr = hangar_xml_dup_attr (os, "firmware");

  /* Already written the way libvirt 9.0 reads it back: leave it be. */
  if (uefi && g_strcmp0 (firmware_attr, "efi") == 0 &&
      firmware_feature (os, "secure-boot") == (secure_boot ? 1 : 0) &&
      hangar_xml_find_child (os, "loader") == NULL &&
      hangar_xml_find_child (os, "nvram") == NULL)
    return TRUE;

  if (!uefi && !hangar_domain_doc_get_uefi (self))
    return TRUE;

  scope = hangar_domain_doc_begin_edit (self);

  if (os == NULL)
    os = hangar_xml_create_child (root, "os", hangar_schema_domain_order);

  /* libvirt 9.0 refuses autoselection next to a hand-written loader
   * (readonly=, type=, a path), and a loader without autoselection names
   * one file of one firmware build: start from nothing either way. */
  hangar_xml_unset_attr (os, "firmware");
  for (unsigned i = 0; firmware_set[i] != NULL; i++)
    {
      xmlNode *child;

      while ((child = hangar_xml_find_child (os, firmware_set[i])) != NULL)
        hangar_xml_remove_node (child);
    }

  /* Turned off, SMM stays: other settings may need it. */
  if (!uefi)
    return TRUE;

  /* libvirt picks the firmware build and its variables store when the
   * domain starts, from QEMU's firmware descriptors.  Saying which
   * features are wanted either way keeps it from taking a Secure Boot
   * build (the first by priority) for a machine without SMM. */
  hangar_xml_set_attr (os, "firmware", "efi");
  firmware = hangar_xml_create_child (os, "firmware", hangar_schema_os_order);

  /* libvirt refuses UEFI without ACPI on x86 and Arm. */
  hangar_xml_path_set_present (root, "features/acpi", TRUE);
  add_firmware_feature (firmware, "enrolled-keys", secure_boot);
  add_firmware_feature (firmware, "secure-boot", secure_boot);

  if (secure_boot)
    {
      xmlNode *features;

      /* libvirt refuses Secure Boot without SMM. */
      features = hangar_xml_find_or_create_child (root, "features",
                                                  hangar_schema_domain_order);
      hangar_xml_set_attr (hangar_xml_find_or_create_child (
                             features, "smm", hangar_schema_features_order),
                           "state", "on");
    }

  return TRUE;
}

char **
hangar_domain_doc_dup_boot_devices (HangarDomainDoc *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  xmlNode *os;

  g_return_val_if_fail (HANGAR_IS_DOMAIN_DOC (self), NULL);

  os = hangar_xml_find_child (get_root (self), "os");

  for (xmlNode *child = os != NULL ? os->children : NULL;
       child != NULL;
       child = child->next)
    {
      g_autofree char *dev = NULL;

      if (!hangar_xml_is_element (child, "boot"))
        continue;

      dev = hangar_xml_dup_attr (child, "dev");
      if (dev != NULL)
        g_strv_builder_add (builder, dev);
    }

  return g_strv_builder_end (builder);
}

void
hangar_domain_doc_set_boot_devices (HangarDomainDoc     *self,
                                    const char * const  *devices)
{
  g_autoptr(HangarEditScope) scope = NULL;
  xmlNode *root;
  xmlNode *os;
  xmlNode *boot;
  xmlNode *devices_node;

  g_return_if_fail (HANGAR_IS_DOMAIN_DOC (self));

  scope = hangar_domain_doc_begin_edit (self);

  root = get_root (self);
  os = hangar_xml_find_child (root, "os");

  while ((boot = hangar_xml_find_child (os, "boot")) != NULL)
    hangar_xml_remove_node (boot);

  if (devices == NULL || devices[0] == NULL)
    return;

  /* libvirt refuses <os><boot> next to per-device boot orders. */
  devices_node = hangar_xml_find_child (root, "devices");
  for (xmlNode *device = devices_node != NULL ? devices_node->children : NULL;
       device != NULL;
       device = device->next)
    {
      xmlNode *order;

      if (device->type != XML_ELEMENT_NODE || device->ns != NULL)
        continue;

      while ((order = hangar_xml_find_child (device, "boot")) != NULL)
        hangar_xml_remove_node (order);
    }

  if (os == NULL)
    os = hangar_xml_create_child (root, "os", hangar_schema_domain_order);

  for (unsigned i = 0; devices[i] != NULL; i++)
    {
      boot = hangar_xml_create_child (os, "boot", hangar_schema_os_order);
      hangar_xml_set_attr (boot, "dev", devices[i]);
    }
}

void
hangar_domain_doc_set_direct_boot (HangarDomainDoc *self,
                                   const char      *kernel,
                                   const char      *initrd,
                                   const char      *cmdline,
                                   const char      *dtb)
{
  g_autoptr(HangarEditScope) scope = NULL;
  xmlNode *root;

  g_return_if_fail (HANGAR_IS_DOMAIN_DOC (self));

  scope = hangar_domain_doc_begin_edit (self);

  root = get_root (self);

  if (kernel == NULL)
    initrd = cmdline = dtb = NULL;

  if (kernel == NULL && hangar_xml_find_child (root, "os") == NULL)
    return;

  hangar_xml_path_set_value (root, "os/kernel", kernel);
  hangar_xml_path_set_value (root, "os/initrd", initrd);
  hangar_xml_path_set_value (root, "os/cmdline", cmdline);
  hangar_xml_path_set_value (root, "os/dtb", dtb);
}

/* The device list */

/* Brings the list in line with the elements under <devices>, keeping the
 * objects of the elements still there, and tells the list's listeners
 * about the changed range only. */
static void
sync_devices (HangarDomainDoc *self)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new ();
  xmlNode *devices;
  unsigned n_old;
  unsigned prefix = 0;
  unsigned suffix = 0;

  if (self->devices == NULL)
    return;

  devices = hangar_xml_find_child (get_root (self), "devices");

  for (xmlNode *child = devices != NULL ? devices->children : NULL;
       child != NULL;
       child = child->next)
    {
      HangarDevice *device;

      if (child->type != XML_ELEMENT_NODE)
        continue;

      device = g_hash_table_lookup (self->device_for_node, child);
      if (device == NULL)
        {
          device = hangar_device_new (self, child);
          g_hash_table_insert (self->device_for_node, child, device);
        }

      g_ptr_array_add (items, device);
    }

  n_old = self->listed->len;

  while (prefix < n_old && prefix < items->len &&
         self->listed->pdata[prefix] == items->pdata[prefix])
    prefix++;

  while (suffix < n_old - prefix && suffix < items->len - prefix &&
         self->listed->pdata[n_old - 1 - suffix] ==
         items->pdata[items->len - 1 - suffix])
    suffix++;

  if (prefix + suffix == n_old && n_old == items->len)
    return;

  g_list_store_splice (self->devices, prefix, n_old - prefix - suffix,
                       items->pdata + prefix, items->len - prefix - suffix);
  g_ptr_array_unref (self->listed);
  self->listed = g_steal_pointer (&items);
}

GListModel *
hangar_domain_doc_get_devices (HangarDomainDoc *self)
{
  g_return_val_if_fail (HANGAR_IS_DOMAIN_DOC (self), NULL);

  if (self->devices == NULL)
    {
      self->devices = g_list_store_new (HANGAR_TYPE_DEVICE);
      self->device_for_node = g_hash_table_new_full (NULL, NULL, NULL,
                                                     g_object_unref);
      self->listed = g_ptr_array_new ();
      sync_devices (self);
    }

  return G_LIST_MODEL (self->devices);
}

HangarDevice *
hangar_domain_doc_get_device (HangarDomainDoc  *self,
                              HangarDeviceKind  kind,
                              unsigned          index)
{
  xmlNode *devices;

  g_return_val_if_fail (HANGAR_IS_DOMAIN_DOC (self), NULL);

  devices = hangar_xml_find_child (get_root (self), "devices");

  for (xmlNode *child = devices != NULL ? devices->children : NULL;
       child != NULL;
       child = child->next)
    {
      if (child->type != XML_ELEMENT_NODE ||
          hangar_device_kind_of_node (child) != kind)
        continue;

      if (index-- == 0)
        return hangar_domain_doc_lookup_device (self, child);
    }

  return NULL;
}

HangarDevice *
hangar_domain_doc_lookup_device (HangarDomainDoc *self,
                                 xmlNode         *node)
{
  HangarDevice *device;

  hangar_domain_doc_get_devices (self);

  /* A device created by the running edit reaches the list when the edit
   * ends; its object exists from now on. */
  device = g_hash_table_lookup (self->device_for_node, node);
  if (device == NULL)
    {
      device = hangar_device_new (self, node);
      g_hash_table_insert (self->device_for_node, node, device);
    }

  return device;
}

HangarDevice *
hangar_domain_doc_add_device (HangarDomainDoc  *self,
                              HangarDeviceKind  kind,
                              const char       *type)
{
  g_autoptr(HangarEditScope) scope = NULL;
  xmlNode *devices;
  xmlNode *node;

  g_return_val_if_fail (HANGAR_IS_DOMAIN_DOC (self), NULL);
  g_return_val_if_fail (kind > HANGAR_DEVICE_OTHER &&
                        kind < HANGAR_N_DEVICE_KINDS, NULL);

  scope = hangar_domain_doc_begin_edit (self);

  devices = hangar_xml_find_or_create_child (get_root (self), "devices",
                                             hangar_schema_domain_order);
  node = hangar_xml_create_child (devices, hangar_device_kind_to_name (kind),
                                  hangar_schema_devices_order);
  if (type != NULL)
    hangar_xml_set_attr (node, "type", type);

  return hangar_domain_doc_lookup_device (self, node);
}

HangarDevice *
hangar_domain_doc_add_device_xml (HangarDomainDoc  *self,
                                  const char       *xml,
                                  GError          **error)
{
  g_autoptr(HangarEditScope) scope = NULL;
  xmlDoc *fragment;
  xmlNode *element;
  xmlNode *devices;
  xmlNode *node;
  xmlNode *copy;

  g_return_val_if_fail (HANGAR_IS_DOMAIN_DOC (self), NULL);
  g_return_val_if_fail (xml != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* Parsed on its own, so that the line and column of an error are the
   * text's own. */
  fragment = parse_document (xml, -1, _("device"), error);
  if (fragment == NULL)
    return NULL;

  element = xmlDocGetRootElement (fragment);
  if (element == NULL || hangar_xml_is_element (element, "domain") ||
      hangar_xml_is_element (element, "devices"))
    {
      g_set_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_INVALID,
                   _("A device is one element such as <disk>, not <%s>"),
                   element != NULL ? (const char *) element->name : "");
      xmlFreeDoc (fragment);
      return NULL;
    }

  scope = hangar_domain_doc_begin_edit (self);

  devices = hangar_xml_find_or_create_child (get_root (self), "devices",
                                             hangar_schema_domain_order);

  /* A placeholder goes where libvirt's order puts the element, then the
   * copy takes its place. */
  node = hangar_xml_create_child (devices,
                                  element->ns == NULL
                                    ? (const char *) element->name
                                    : "hangar-placeholder",
                                  hangar_schema_devices_order);
  copy = xmlDocCopyNode (element, self->doc, 1);
  if (copy == NULL)
    g_error ("Cannot copy an XML element");
  xmlReplaceNode (node, copy);
  xmlFreeNode (node);
  xmlFreeDoc (fragment);

  /* The text was the element alone: every namespace it uses is declared
   * inside it, and the copy's refer to the copied declarations. */
  hangar_xml_note_change (devices, copy);

  return hangar_domain_doc_lookup_device (self, copy);
}

static gboolean
is_spice_graphics (xmlNode *node)
{
  g_autofree char *type = NULL;

  if (!hangar_xml_is_element (node, "graphics"))
    return FALSE;

  type = hangar_xml_dup_attr (node, "type");

  return g_strcmp0 (type, "spice") == 0;
}

void
hangar_domain_doc_remove_spice_dependents (HangarDomainDoc *self)
{
  xmlNode *devices = hangar_xml_find_child (get_root (self), "devices");
  xmlNode *child;

  for (child = devices != NULL ? devices->children : NULL;
       child != NULL;
       child = child->next)
    {
      if (is_spice_graphics (child))
        return;
    }

  child = devices != NULL ? devices->children : NULL;
  while (child != NULL)
    {
      xmlNode *next = child->next;

      if (child->type == XML_ELEMENT_NODE &&
          hangar_device_node_is_spice_only (child))
        {
          /* Sound devices and graphics name their audio backend by id:
           * keep the backend, with no host output. */
          if (hangar_xml_is_element (child, "audio"))
            hangar_xml_set_attr (child, "type", "none");
          else
            hangar_xml_remove_node (child);
        }

      child = next;
    }
}

gboolean
hangar_domain_doc_remove_device (HangarDomainDoc  *self,
                                 HangarDevice     *device,
                                 GError          **error)
{
  g_autoptr(HangarEditScope) scope = NULL;
  xmlNode *node;
  gboolean was_spice;

  g_return_val_if_fail (HANGAR_IS_DOMAIN_DOC (self), FALSE);
  g_return_val_if_fail (HANGAR_IS_DEVICE (device), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  node = hangar_device_get_node (device);
  if (node == NULL || node->doc != self->doc)
    {
      g_set_error (error, HANGAR_MODEL_ERROR, HANGAR_MODEL_ERROR_NOT_FOUND,
                   _("The device is not part of this document"));
      return FALSE;
    }

  scope = hangar_domain_doc_begin_edit (self);

  was_spice = is_spice_graphics (node);
  hangar_xml_remove_node (node);

  if (was_spice)
    hangar_domain_doc_remove_spice_dependents (self);

  return TRUE;
}
