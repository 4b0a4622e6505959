/* test-connection.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-connection"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include <libvirt/libvirt.h>

#include "hangar-clone.h"
#include "hangar-connection.h"
#include "hangar-domain.h"
#include "hangar-domain-doc.h"
#include "hangar-event-loop.h"
#include "hangar-start-check.h"
#include "hangar-stats-sampler.h"
#include "hangar-virt-error.h"

/* libvirt's test driver, in process.  Its "default" host is shared by all
 * connections of the process while one stays open: the tests keep one of
 * their own (@outside) to look at what libvirt holds and to make changes
 * that Hangar must learn about from events alone. */

#define TEST_URI "test:///default"
#define TEST_DOMAIN "test"
#define TEST_DOMAIN_UUID "6695eb01-f6a4-8304-79aa-97f2502e193f"
#define TIMEOUT_SECONDS 20

static virConnectPtr outside;

#define NEW_DOMAIN_XML \
  "<domain type='test'>\n" \
  "  <name>hangar-new</name>\n" \
  "  <uuid>9a8f1b5e-3c11-4d1e-8c55-0a7e5d0b1c01</uuid>\n" \
  "  <!-- kept as written -->\n" \
  "  <memory unit='KiB'>262144</memory>\n" \
  "  <currentMemory unit='KiB'>262144</currentMemory>\n" \
  "  <vcpu placement='static'>1</vcpu>\n" \
  "  <os>\n" \
  "    <type arch='x86_64'>hvm</type>\n" \
  "  </os>\n" \
  "</domain>\n"

#define OUTSIDE_DOMAIN_XML \
  "<domain type='test'>\n" \
  "  <name>defined-elsewhere</name>\n" \
  "  <uuid>0c2f7d5a-7e8b-4d49-9d0c-4a1b7c1f2e02</uuid>\n" \
  "  <memory unit='KiB'>131072</memory>\n" \
  "  <vcpu>1</vcpu>\n" \
  "  <os>\n" \
  "    <type arch='x86_64'>hvm</type>\n" \
  "  </os>\n" \
  "</domain>\n"


/* Waiting on the main loop, never by sleeping */

typedef gboolean (*Condition) (gpointer data);

static gboolean
timeout_cb (gpointer data)
{
  gboolean *timed_out = data;

  *timed_out = TRUE;

  return G_SOURCE_REMOVE;
}

static void
wait_until (Condition   condition,
            gpointer    data,
            const char *what)
{
  gboolean timed_out = FALSE;
  unsigned id;

  id = g_timeout_add_seconds (TIMEOUT_SECONDS, timeout_cb, &timed_out);

  while (!condition (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (timed_out)
    g_error ("Timed out waiting for %s", what);

  g_source_remove (id);
}

static gboolean
result_arrived (gpointer data)
{
  return *(GAsyncResult **)data != NULL;
}

static void
store_result_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

static GAsyncResult *
wait_for_result (GAsyncResult **slot)
{
  wait_until (result_arrived, slot, "an asynchronous call");

  return g_steal_pointer (slot);
}

typedef struct
{
  HangarDomain      *domain;
  HangarDomainState  state;
} StateWait;

static gboolean
state_reached (gpointer data)
{
  StateWait *wait = data;

  return hangar_domain_get_state (wait->domain) == wait->state;
}

static void
wait_for_state (HangarDomain      *domain,
                HangarDomainState  state)
{
  StateWait wait = { domain, state };

  wait_until (state_reached, &wait, hangar_domain_state_to_label (state));
}

typedef struct
{
  HangarConnection *connection;
  const char       *name;
  gboolean          listed;
} ListWait;

static gboolean
listing_reached (gpointer data)
{
  ListWait *wait = data;

  return (hangar_connection_lookup_domain (wait->connection, wait->name) != NULL) == wait->listed;
}

static void
wait_for_listing (HangarConnection *connection,
                  const char       *name,
                  gboolean          listed)
{
  ListWait wait = { connection, name, listed };

  wait_until (listing_reached, &wait, name);
}


/* Helpers on the API under test */

static HangarConnection *
open_connection (void)
{
  g_autoptr(HangarConnection) connection = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  connection = hangar_connection_new (TEST_URI);
  g_assert_cmpint (hangar_connection_get_state (connection), ==, HANGAR_CONNECTION_DISCONNECTED);

  hangar_connection_open_async (connection, NULL, store_result_cb, &slot);
  g_assert_cmpint (hangar_connection_get_state (connection), ==, HANGAR_CONNECTION_CONNECTING);

  result = wait_for_result (&slot);
  g_assert_true (hangar_connection_open_finish (connection, result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (hangar_connection_get_state (connection), ==, HANGAR_CONNECTION_CONNECTED);

  return g_steal_pointer (&connection);
}

static void
finalized_cb (gpointer  data,
              GObject  *where_the_object_was)
{
  gboolean *finalized = data;

  /* The last reference may be a worker thread's, dropped after its task
   * completed: wake the main loop that waits for this. */
  g_atomic_int_set (finalized, TRUE);
  g_main_context_wakeup (NULL);
}

static gboolean
flag_set (gpointer data)
{
  return g_atomic_int_get ((gboolean *)data);
}

/* Closes @connection and checks that nothing keeps it alive. */
static void
finish_connection (HangarConnection *connection)
{
  gboolean finalized = FALSE;

  g_object_weak_ref (G_OBJECT (connection), finalized_cb, &finalized);
  hangar_connection_close (connection);
  g_object_unref (connection);
  wait_until (flag_set, &finalized, "the connection to be finalized");
}

typedef enum
{
  START,
  SHUTDOWN,
  FORCE_OFF,
  UNDEFINE,
} Action;

static gboolean
run_action (HangarDomain  *domain,
            Action         action,
            GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;

  switch (action)
    {
    case START:
      hangar_domain_start_async (domain, NULL, store_result_cb, &slot);
      result = wait_for_result (&slot);
      return hangar_domain_start_finish (domain, result, error);

    case SHUTDOWN:
      hangar_domain_shutdown_async (domain, NULL, store_result_cb, &slot);
      result = wait_for_result (&slot);
      return hangar_domain_shutdown_finish (domain, result, error);

    case FORCE_OFF:
      hangar_domain_force_off_async (domain, NULL, store_result_cb, &slot);
      result = wait_for_result (&slot);
      return hangar_domain_force_off_finish (domain, result, error);

    case UNDEFINE:
      hangar_domain_undefine_async (domain, NULL, store_result_cb, &slot);
      result = wait_for_result (&slot);
      return hangar_domain_undefine_finish (domain, result, error);

    default:
      g_assert_not_reached ();
    }
}

static HangarDomainDoc *
load_doc (HangarDomain *domain,
          gboolean      inactive)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  HangarDomainDoc *doc;
  GAsyncResult *slot = NULL;

  hangar_domain_load_doc_async (domain, inactive, NULL, store_result_cb, &slot);
  result = wait_for_result (&slot);
  doc = hangar_domain_load_doc_finish (domain, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (doc);

  return doc;
}

/* What libvirt itself holds as the persistent definition. */
static char *
outside_xml (const char *uuid)
{
  virDomainPtr dom;
  char *xml;

  dom = virDomainLookupByUUIDString (outside, uuid);
  g_assert_nonnull (dom);
  xml = virDomainGetXMLDesc (dom, VIR_DOMAIN_XML_INACTIVE);
  g_assert_nonnull (xml);
  virDomainFree (dom);

  return xml;
}


/* Tests */

static void
test_open (void)
{
  g_autoptr(HangarConnection) connection = NULL;
  HangarDomain *domain;
  GListModel *domains;

  connection = open_connection ();
  g_assert_cmpstr (hangar_connection_get_uri (connection), ==, TEST_URI);
  g_assert_true (hangar_connection_is_local (connection));

  domains = hangar_connection_get_domains (connection);
  g_assert_cmpuint (g_list_model_get_n_items (domains), >=, 1);
  g_assert_true (g_list_model_get_item_type (domains) == HANGAR_TYPE_DOMAIN);

  domain = hangar_connection_lookup_domain (connection, TEST_DOMAIN);
  g_assert_nonnull (domain);
  g_assert_cmpstr (hangar_domain_get_name (domain), ==, TEST_DOMAIN);
  g_assert_cmpstr (hangar_domain_get_uuid (domain), ==, TEST_DOMAIN_UUID);
  g_assert_cmpint (hangar_domain_get_state (domain), ==, HANGAR_DOMAIN_STATE_RUNNING);
  g_assert_true (hangar_domain_get_persistent (domain));
  g_assert_true (hangar_domain_get_connection (domain) == connection);

  g_assert_null (hangar_connection_lookup_domain (connection, "no-such-domain"));

  /* Sorted by name. */
  for (unsigned i = 1; i < g_list_model_get_n_items (domains); i++)
    {
      g_autoptr(HangarDomain) a = g_list_model_get_item (domains, i - 1);
      g_autoptr(HangarDomain) b = g_list_model_get_item (domains, i);

      g_assert_cmpint (g_utf8_collate (hangar_domain_get_name (a),
                                       hangar_domain_get_name (b)), <=, 0);
    }

  finish_connection (g_steal_pointer (&connection));
}

static void
test_open_fails (void)
{
  g_autoptr(HangarConnection) connection = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  /* The test driver reads a host description from this file. */
  connection = hangar_connection_new ("test:///nonexistent/hangar-host.xml");
  hangar_connection_open_async (connection, NULL, store_result_cb, &slot);
  result = wait_for_result (&slot);

  g_assert_false (hangar_connection_open_finish (connection, result, &error));
  g_assert_error (error, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_FAILED);
  g_assert_true (g_str_has_prefix (error->message, "Connecting to test:///nonexistent"));
  g_assert_cmpint (hangar_connection_get_state (connection), ==, HANGAR_CONNECTION_DISCONNECTED);
  g_assert_cmpuint (g_list_model_get_n_items (hangar_connection_get_domains (connection)), ==, 0);
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  unsigned *count = user_data;

  (*count)++;
}

typedef struct
{
  unsigned *count;
  unsigned  wanted;
} CountWait;

static gboolean
count_reached (gpointer data)
{
  CountWait *wait = data;

  return *wait->count >= wait->wanted;
}

static void
wait_for_count (unsigned   *count,
                unsigned    wanted,
                const char *what)
{
  CountWait wait = { count, wanted };

  wait_until (count_reached, &wait, what);
}

static void
wait_for_samples (unsigned *count,
                  unsigned  more)
{
  wait_for_count (count, *count + more, "statistics samples");
}

static void
count_definition_cb (HangarDomain *domain,
                     gboolean      live,
                     unsigned     *count)
{
  /* The test driver has no running definition to change apart. */
  g_assert_false (live);
  (*count)++;
}

static void
test_events (void)
{
  g_autoptr(HangarConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  HangarDomain *domain;
  virDomainPtr dom;
  unsigned notifies = 0;

  connection = open_connection ();
  domain = hangar_connection_lookup_domain (connection, TEST_DOMAIN);
  g_assert_nonnull (domain);
  g_assert_cmpint (hangar_domain_get_state (domain), ==, HANGAR_DOMAIN_STATE_RUNNING);
  g_signal_connect (domain, "notify::state", G_CALLBACK (count_notify_cb), &notifies);

  /* Changes made by another client arrive through events alone. */
  dom = virDomainLookupByName (outside, TEST_DOMAIN);
  g_assert_nonnull (dom);
  g_assert_cmpint (virDomainDestroy (dom), ==, 0);
  wait_for_state (domain, HANGAR_DOMAIN_STATE_SHUTOFF);
  g_assert_cmpuint (notifies, ==, 1);

  g_assert_cmpint (virDomainCreate (dom), ==, 0);
  wait_for_state (domain, HANGAR_DOMAIN_STATE_RUNNING);
  g_assert_cmpuint (notifies, ==, 2);

  g_assert_cmpint (virDomainSuspend (dom), ==, 0);
  wait_for_state (domain, HANGAR_DOMAIN_STATE_PAUSED);
  g_assert_cmpint (virDomainResume (dom), ==, 0);
  wait_for_state (domain, HANGAR_DOMAIN_STATE_RUNNING);
  virDomainFree (dom);

  /* And Hangar's own actions, also seen through the events. */
  g_assert_true (run_action (domain, FORCE_OFF, &error));
  g_assert_no_error (error);
  wait_for_state (domain, HANGAR_DOMAIN_STATE_SHUTOFF);

  g_assert_true (run_action (domain, START, &error));
  g_assert_no_error (error);
  wait_for_state (domain, HANGAR_DOMAIN_STATE_RUNNING);

  g_assert_true (run_action (domain, SHUTDOWN, &error));
  g_assert_no_error (error);
  wait_for_state (domain, HANGAR_DOMAIN_STATE_SHUTOFF);

  g_assert_true (run_action (domain, START, &error));
  g_assert_no_error (error);
  wait_for_state (domain, HANGAR_DOMAIN_STATE_RUNNING);

  /* Domains defined and deleted elsewhere come and go. */
  dom = virDomainDefineXML (outside, OUTSIDE_DOMAIN_XML);
  g_assert_nonnull (dom);
  wait_for_listing (connection, "defined-elsewhere", TRUE);
  g_assert_cmpint (hangar_domain_get_state (hangar_connection_lookup_domain (connection,
                                                                              "defined-elsewhere")),
                   ==, HANGAR_DOMAIN_STATE_SHUTOFF);
  g_assert_cmpint (virDomainUndefine (dom), ==, 0);
  virDomainFree (dom);
  wait_for_listing (connection, "defined-elsewhere", FALSE);

  /* A definition written elsewhere: views are told to read it again. */
  {
    unsigned changes = 0;
    g_autofree char *xml = outside_xml (TEST_DOMAIN_UUID);
    virDomainPtr redefined;

    domain = hangar_connection_lookup_domain (connection, TEST_DOMAIN);
    g_signal_connect (domain, "definition-changed", G_CALLBACK (count_definition_cb), &changes);
    redefined = virDomainDefineXML (outside, xml);
    g_assert_nonnull (redefined);
    virDomainFree (redefined);
    wait_for_count (&changes, 1, "the new definition");
    g_signal_handlers_disconnect_by_data (domain, &changes);
  }

  /* A transient domain is listed while it runs. */
  dom = virDomainCreateXML (outside, OUTSIDE_DOMAIN_XML, 0);
  g_assert_nonnull (dom);
  wait_for_listing (connection, "defined-elsewhere", TRUE);
  domain = hangar_connection_lookup_domain (connection, "defined-elsewhere");
  g_assert_cmpint (hangar_domain_get_state (domain), ==, HANGAR_DOMAIN_STATE_RUNNING);
  g_assert_false (hangar_domain_get_persistent (domain));
  g_assert_cmpint (virDomainDestroy (dom), ==, 0);
  virDomainFree (dom);
  wait_for_listing (connection, "defined-elsewhere", FALSE);

  finish_connection (g_steal_pointer (&connection));
}

static void
test_refused (void)
{
  g_autoptr(HangarConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  HangarDomain *domain;

  connection = open_connection ();
  domain = hangar_connection_lookup_domain (connection, TEST_DOMAIN);
  g_assert_cmpint (hangar_domain_get_state (domain), ==, HANGAR_DOMAIN_STATE_RUNNING);

  g_assert_false (run_action (domain, START, &error));
  g_assert_error (error, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_INVALID_STATE);
  g_assert_cmpstr (error->message, ==, "“test” is already running");
  g_clear_error (&error);

  g_assert_true (run_action (domain, FORCE_OFF, &error));
  g_assert_no_error (error);
  wait_for_state (domain, HANGAR_DOMAIN_STATE_SHUTOFF);

  g_assert_false (run_action (domain, FORCE_OFF, &error));
  g_assert_error (error, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_INVALID_STATE);
  g_assert_cmpstr (error->message, ==, "“test” is not running");
  g_clear_error (&error);

  g_assert_false (run_action (domain, SHUTDOWN, &error));
  g_assert_error (error, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_INVALID_STATE);
  g_clear_error (&error);

  g_assert_true (run_action (domain, START, &error));
  g_assert_no_error (error);
  wait_for_state (domain, HANGAR_DOMAIN_STATE_RUNNING);

  finish_connection (g_steal_pointer (&connection));
}

/* Every line that differs between @before and @after must be one of the
 * elements named in @allowed. */
static void
assert_differs_only_in (const char         *before,
                        const char         *after,
                        const char * const *allowed)
{
  g_auto(GStrv) a = g_strsplit (before, "\n", -1);
  g_auto(GStrv) b = g_strsplit (after, "\n", -1);
  unsigned differing = 0;

  g_assert_cmpuint (g_strv_length (a), ==, g_strv_length (b));

  for (unsigned i = 0; a[i] != NULL; i++)
    {
      const char *line = a[i] + strspn (a[i], " ");
      gboolean ok = FALSE;

      if (strcmp (a[i], b[i]) == 0)
        continue;

      differing++;
      for (unsigned j = 0; allowed[j] != NULL; j++)
        ok |= g_str_has_prefix (line, allowed[j]);

      if (!ok)
        g_error ("Unexpected change: “%s” → “%s”", a[i], b[i]);
    }

  g_assert_cmpuint (differing, >, 0);
}

static void
test_define_edit_undefine (void)
{
  g_autoptr(HangarConnection) connection = NULL;
  g_autoptr(HangarDomainDoc) doc = NULL;
  g_autoptr(HangarDomainDoc) loaded = NULL;
  g_autoptr(HangarDomainDoc) reloaded = NULL;
  g_autoptr(HangarDomainDoc) edited = NULL;
  g_autoptr(HangarApplyReport) report = NULL;
  g_autoptr(HangarDomain) domain = NULL;
  g_autoptr(HangarDomain) again = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  static const char * const memory_elements[] = { "<memory", "<currentMemory", NULL };
  GAsyncResult *slot = NULL;
  unsigned n_items;

  connection = open_connection ();
  n_items = g_list_model_get_n_items (hangar_connection_get_domains (connection));

  doc = hangar_domain_doc_new_from_string (NEW_DOMAIN_XML, -1, "new.xml", &error);
  g_assert_no_error (error);

  /* Defined: the entry is listed by the time the callback runs. */
  hangar_connection_define_async (connection, doc, NULL, store_result_cb, &slot);
  result = wait_for_result (&slot);
  domain = hangar_connection_define_finish (connection, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (domain);
  g_clear_object (&result);

  g_assert_cmpstr (hangar_domain_get_name (domain), ==, "hangar-new");
  g_assert_cmpstr (hangar_domain_get_uuid (domain), ==, "9a8f1b5e-3c11-4d1e-8c55-0a7e5d0b1c01");
  g_assert_cmpint (hangar_domain_get_state (domain), ==, HANGAR_DOMAIN_STATE_SHUTOFF);
  g_assert_true (hangar_domain_get_persistent (domain));
  g_assert_true (hangar_connection_lookup_domain (connection, "hangar-new") == domain);
  g_assert_cmpuint (g_list_model_get_n_items (hangar_connection_get_domains (connection)),
                    ==, n_items + 1);

  /* Defining it again updates the same entry, whatever arrives first. */
  hangar_connection_define_async (connection, doc, NULL, store_result_cb, &slot);
  result = wait_for_result (&slot);
  again = hangar_connection_define_finish (connection, result, &error);
  g_assert_no_error (error);
  g_assert_true (again == domain);
  g_clear_object (&result);

  /* Let the DEFINED events arrive too: still one entry. */
  {
    g_autoptr(HangarDomainDoc) sync = load_doc (domain, TRUE);
  }
  g_assert_cmpuint (g_list_model_get_n_items (hangar_connection_get_domains (connection)),
                    ==, n_items + 1);

  /* Edit the memory: libvirt's definition changes in that element only. */
  before = outside_xml (hangar_domain_get_uuid (domain));
  loaded = load_doc (domain, TRUE);
  g_assert_cmpuint (hangar_domain_doc_get_memory_kib (loaded), ==, 262144);

  edited = hangar_domain_doc_copy (loaded);
  g_assert_true (hangar_domain_doc_set_memory_kib (edited, 524288, &error));
  g_assert_no_error (error);

  hangar_domain_apply_async (domain, loaded, edited, NULL, store_result_cb, &slot);
  result = wait_for_result (&slot);
  g_assert_true (hangar_domain_apply_finish (domain, result, &report, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  /* Shut off: nothing live, nothing dropped. */
  g_assert_cmpuint (report->warnings->len, ==, 0);
  g_assert_cmpuint (report->live->len, ==, 0);
  g_assert_cmpuint (report->next_boot->len, ==, 0);

  after = outside_xml (hangar_domain_get_uuid (domain));
  assert_differs_only_in (before, after, memory_elements);
  g_assert_nonnull (strstr (after, "<memory unit='KiB'>524288</memory>"));

  reloaded = load_doc (domain, TRUE);
  g_assert_cmpuint (hangar_domain_doc_get_memory_kib (reloaded), ==, 524288);

  /* A document for another domain is not applied to this one. */
  {
    g_autoptr(HangarDomainDoc) other = NULL;

    other = hangar_domain_doc_new_from_string (OUTSIDE_DOMAIN_XML, -1, NULL, &error);
    g_assert_no_error (error);
    hangar_domain_apply_async (domain, NULL, other, NULL, store_result_cb, &slot);
    result = wait_for_result (&slot);
    g_assert_false (hangar_domain_apply_finish (domain, result, NULL, &error));
    g_assert_error (error, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_FAILED);
    g_clear_error (&error);
    g_clear_object (&result);
  }

  /* What libvirt refuses comes back with libvirt's message. */
  {
    g_autoptr(HangarDomainDoc) bad = NULL;
    g_autofree char *xml = NULL;
    GString *text = g_string_new (NEW_DOMAIN_XML);

    g_string_replace (text, "<vcpu placement='static'>1</vcpu>",
                      "<vcpu placement='static'>1</vcpu><frobnicate/>", 1);
    xml = g_string_free (text, FALSE);
    bad = hangar_domain_doc_new_from_string (xml, -1, NULL, &error);
    g_assert_no_error (error);
    hangar_connection_define_async (connection, bad, NULL, store_result_cb, &slot);
    result = wait_for_result (&slot);
    g_assert_null (hangar_connection_define_finish (connection, result, &error));
    g_assert_error (error, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_FAILED);
    g_assert_true (g_str_has_prefix (error->message, "Defining “hangar-new”: "));
    g_clear_error (&error);
    g_clear_object (&result);
  }

  /* Undefined: gone from the list when the callback runs. */
  g_assert_true (run_action (domain, UNDEFINE, &error));
  g_assert_no_error (error);
  g_assert_null (hangar_connection_lookup_domain (connection, "hangar-new"));
  g_assert_cmpuint (g_list_model_get_n_items (hangar_connection_get_domains (connection)),
                    ==, n_items);

  /* Again: libvirt knows it no more. */
  g_assert_false (run_action (domain, UNDEFINE, &error));
  g_assert_error (error, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_NO_DOMAIN);
  g_clear_error (&error);

  g_clear_object (&domain);
  g_clear_object (&again);
  finish_connection (g_steal_pointer (&connection));
}

/* Applying against a base */

#define APPLY_DOMAIN_XML \
  "<domain type='test'>\n" \
  "  <name>hangar-apply</name>\n" \
  "  <uuid>5b0e9c3a-1f27-4c8e-9e6d-7a2b4c6d8e04</uuid>\n" \
  "  <memory unit='KiB'>262144</memory>\n" \
  "  <currentMemory unit='KiB'>262144</currentMemory>\n" \
  "  <vcpu placement='static'>1</vcpu>\n" \
  "  <os>\n" \
  "    <type arch='x86_64'>hvm</type>\n" \
  "  </os>\n" \
  "</domain>\n"

static HangarDomain *
define_domain (HangarConnection *connection,
               const char       *xml)
{
  g_autoptr(HangarDomainDoc) doc = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  HangarDomain *domain;
  GAsyncResult *slot = NULL;

  doc = hangar_domain_doc_new_from_string (xml, -1, NULL, &error);
  g_assert_no_error (error);
  hangar_connection_define_async (connection, doc, NULL, store_result_cb, &slot);
  result = wait_for_result (&slot);
  domain = hangar_connection_define_finish (connection, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (domain);

  return domain;
}

static gboolean
apply (HangarDomain       *domain,
       HangarDomainDoc    *base,
       HangarDomainDoc    *edited,
       HangarApplyReport **report,
       GError            **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;

  hangar_domain_apply_async (domain, base, edited, NULL, store_result_cb, &slot);
  result = wait_for_result (&slot);

  return hangar_domain_apply_finish (domain, result, report, error);
}

static gboolean
has_path (GPtrArray  *paths,
          const char *path)
{
  return g_ptr_array_find_with_equal_func (paths, path, g_str_equal, NULL);
}

/* Another program (the @outside connection) defines @xml with @from
 * replaced by @to. */
static void
define_elsewhere (const char *uuid,
                  const char *from,
                  const char *to)
{
  g_autofree char *xml = outside_xml (uuid);
  GString *text = g_string_new (xml);
  virDomainPtr dom;

  g_assert_cmpuint (g_string_replace (text, from, to, 1), ==, 1);
  dom = virDomainDefineXML (outside, text->str);
  g_assert_nonnull (dom);
  virDomainFree (dom);
  g_string_free (text, TRUE);
}

static void
test_apply_conflict (void)
{
  g_autoptr(HangarConnection) connection = NULL;
  g_autoptr(HangarDomain) domain = NULL;
  g_autoptr(HangarDomainDoc) base = NULL;
  g_autoptr(HangarDomainDoc) edited = NULL;
  g_autoptr(HangarDomainDoc) on_top = NULL;
  g_autoptr(HangarApplyReport) report = NULL;
  g_autoptr(HangarApplyReport) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *theirs = NULL;
  g_autofree char *after = NULL;
  const char *uuid;

  connection = open_connection ();
  domain = define_domain (connection, APPLY_DOMAIN_XML);
  uuid = hangar_domain_get_uuid (domain);

  /* The editor loads the definition and changes the memory... */
  base = load_doc (domain, TRUE);
  edited = hangar_domain_doc_copy (base);
  g_assert_true (hangar_domain_doc_set_memory_kib (edited, 524288, &error));
  g_assert_no_error (error);

  /* ...while another program changes the vCPUs and adds a title. */
  define_elsewhere (uuid, "<vcpu placement='static'>1</vcpu>",
                    "<title>Changed elsewhere</title><vcpu placement='static'>2</vcpu>");
  theirs = outside_xml (uuid);

  g_assert_false (apply (domain, base, edited, &report, &error));
  g_assert_error (error, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_CONFLICT);
  g_assert_cmpstr (error->message, ==,
                   "The definition of “hangar-apply” was changed in another program");
  g_clear_error (&error);

  /* Nothing was written; the caller learns what changed. */
  after = outside_xml (uuid);
  g_assert_cmpstr (after, ==, theirs);
  g_assert_nonnull (report);
  g_assert_nonnull (report->current);
  g_assert_cmpuint (hangar_domain_doc_get_vcpus (report->current), ==, 2);
  g_assert_cmpuint (report->changed->len, ==, 2);
  g_assert_true (has_path (report->changed, "/domain/vcpu"));
  g_assert_true (has_path (report->changed, "/domain/title"));

  /* The same edit on top of the new definition goes through, and keeps
   * the other program's changes. */
  on_top = hangar_domain_doc_copy (report->current);
  g_assert_true (hangar_domain_doc_set_memory_kib (on_top, 524288, &error));
  g_assert_no_error (error);
  g_assert_true (apply (domain, report->current, on_top, &second, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (second->warnings->len, ==, 0);
  g_clear_pointer (&after, g_free);
  after = outside_xml (uuid);
  g_assert_nonnull (strstr (after, "<memory unit='KiB'>524288</memory>"));
  g_assert_nonnull (strstr (after, "<vcpu placement='static'>2</vcpu>"));
  g_assert_nonnull (strstr (after, "<title>Changed elsewhere</title>"));
  g_clear_pointer (&report, hangar_apply_report_free);

  /* The first base is now stale in the memory too. */
  g_assert_false (apply (domain, base, edited, &report, &error));
  g_assert_error (error, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_CONFLICT);
  g_clear_error (&error);
  g_assert_true (has_path (report->changed, "/domain/memory"));
  g_clear_pointer (&report, hangar_apply_report_free);

  /* Layout and comments are not changes: a base written differently but
   * meaning the same applies. */
  {
    g_autoptr(HangarDomainDoc) reformatted = NULL;
    g_autoptr(HangarDomainDoc) edit = NULL;
    GString *text = g_string_new (after);

    g_string_replace (text, "\n  ", "\n      ", 0);
    g_string_replace (text, "<os>", "<!-- reformatted --><os>", 1);
    reformatted = hangar_domain_doc_new_from_string (text->str, -1, NULL, &error);
    g_assert_no_error (error);
    g_string_free (text, TRUE);
    edit = hangar_domain_doc_copy (reformatted);
    hangar_domain_doc_set_description (edit, "Applied on a reformatted base");
    g_assert_true (apply (domain, reformatted, edit, &report, &error));
    g_assert_no_error (error);
    g_clear_pointer (&after, g_free);
    after = outside_xml (uuid);
    g_assert_nonnull (strstr (after, "<description>Applied on a reformatted base</description>"));
  }

  g_assert_true (run_action (domain, UNDEFINE, &error));
  g_assert_no_error (error);
  finish_connection (g_steal_pointer (&connection));
}

static void
test_apply_readback (void)
{
  g_autoptr(HangarConnection) connection = NULL;
  g_autoptr(HangarDomain) domain = NULL;
  g_autoptr(HangarDomainDoc) base = NULL;
  g_autoptr(HangarDomainDoc) edited = NULL;
  g_autoptr(HangarApplyReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *after = NULL;
  const char *warning;
  GString *text;

  connection = open_connection ();
  domain = define_domain (connection, APPLY_DOMAIN_XML);
  base = load_doc (domain, TRUE);

  /* Edited as text, the way an XML view would: a current memory above the
   * maximum, which libvirt lowers without a word, the same memory size in
   * another unit, and a title libvirt keeps. */
  xml = outside_xml (hangar_domain_get_uuid (domain));
  text = g_string_new (xml);
  g_assert_cmpuint (g_string_replace (text, "<currentMemory unit='KiB'>262144</currentMemory>",
                                      "<currentMemory unit='KiB'>393216</currentMemory>", 1),
                    ==, 1);
  g_assert_cmpuint (g_string_replace (text, "<memory unit='KiB'>262144</memory>",
                                      "<title>Kept</title><memory unit='MiB'>256</memory>", 1),
                    ==, 1);
  edited = hangar_domain_doc_new_from_string (text->str, -1, NULL, &error);
  g_assert_no_error (error);
  g_string_free (text, TRUE);

  g_assert_true (apply (domain, base, edited, &report, &error));
  g_assert_no_error (error);

  /* Written, and the one value libvirt changed is reported. */
  after = outside_xml (hangar_domain_get_uuid (domain));
  g_assert_nonnull (strstr (after, "<title>Kept</title>"));
  g_assert_nonnull (strstr (after, "<currentMemory unit='KiB'>262144</currentMemory>"));
  g_assert_cmpuint (report->warnings->len, ==, 1);
  warning = g_ptr_array_index (report->warnings, 0);
  g_test_message ("%s", warning);
  g_assert_nonnull (strstr (warning, "/domain/currentMemory"));
  g_assert_nonnull (strstr (warning, "393216"));
  g_assert_nonnull (strstr (warning, "262144"));

  /* A shut off domain has nothing pending. */
  g_assert_cmpuint (report->live->len, ==, 0);
  g_assert_cmpuint (report->next_boot->len, ==, 0);
  g_assert_false (hangar_domain_get_has_pending_changes (domain));

  g_assert_true (run_action (domain, UNDEFINE, &error));
  g_assert_no_error (error);
  finish_connection (g_steal_pointer (&connection));
}

static GPtrArray *
pending_changes (HangarDomain *domain)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;
  GPtrArray *pending;

  hangar_domain_load_pending_changes_async (domain, NULL, store_result_cb, &slot);
  result = wait_for_result (&slot);
  pending = hangar_domain_load_pending_changes_finish (domain, result, &error);
  g_assert_no_error (error);

  return pending;
}

static void
test_apply_running (void)
{
  g_autoptr(HangarConnection) connection = NULL;
  g_autoptr(HangarDomainDoc) base = NULL;
  g_autoptr(HangarDomainDoc) edited = NULL;
  g_autoptr(HangarDomainDoc) changed = NULL;
  g_autoptr(HangarApplyReport) report = NULL;
  g_autoptr(HangarApplyReport) restored = NULL;
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(GError) error = NULL;
  HangarDomain *domain;

  connection = open_connection ();
  domain = hangar_connection_lookup_domain (connection, TEST_DOMAIN);
  g_assert_cmpint (hangar_domain_get_state (domain), ==, HANGAR_DOMAIN_STATE_RUNNING);
  pending = pending_changes (domain);
  g_assert_cmpuint (pending->len, ==, 0);
  g_clear_pointer (&pending, g_ptr_array_unref);

  /* The vCPU count of a running domain changes at its next boot. */
  base = load_doc (domain, TRUE);
  edited = hangar_domain_doc_copy (base);
  g_assert_true (hangar_domain_doc_set_vcpus (edited, hangar_domain_doc_get_vcpus (base) + 1,
                                              &error));
  g_assert_no_error (error);
  g_assert_true (apply (domain, base, edited, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report->live->len, ==, 0);
  g_assert_cmpuint (report->next_boot->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (report->next_boot, 0), ==, "/domain/vcpu");
  g_assert_true (hangar_domain_get_has_pending_changes (domain));
  pending = pending_changes (domain);
  g_assert_cmpuint (pending->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (pending, 0), ==, "/domain/vcpu");
  g_clear_pointer (&pending, g_ptr_array_unref);

  /* Put back as it was: nothing pending any more. */
  changed = load_doc (domain, TRUE);
  g_assert_true (apply (domain, changed, base, &restored, &error));
  g_assert_no_error (error);
  g_assert_false (hangar_domain_get_has_pending_changes (domain));

  finish_connection (g_steal_pointer (&connection));
}

static void
test_capabilities (void)
{
  g_autoptr(HangarConnection) connection = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *host_caps = NULL;
  g_autofree char *domain_caps = NULL;
  gboolean has_network_driver = FALSE;
  GAsyncResult *slot = NULL;

  connection = open_connection ();

  hangar_connection_load_capabilities_async (connection, NULL, NULL, NULL, NULL,
                                             store_result_cb, &slot);
  result = wait_for_result (&slot);
  g_assert_true (hangar_connection_load_capabilities_finish (connection, result, &host_caps,
                                                            &domain_caps, &has_network_driver,
                                                            &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (host_caps, "<capabilities>"));
  /* The test driver has virtual networks. */
  g_assert_true (has_network_driver);
  g_clear_object (&result);

  finish_connection (g_steal_pointer (&connection));
}

#define CHECK_DOMAIN_XML \
  "<domain type='test'>\n" \
  "  <name>hangar-check</name>\n" \
  "  <memory unit='KiB'>131072</memory>\n" \
  "  <os>\n" \
  "    <type arch='i686'>hvm</type>\n" \
  "  </os>\n" \
  "  <devices>\n" \
  "    <disk type='file' device='disk'>\n" \
  "      <source file='@DIR@/present.img'/>\n" \
  "      <target dev='vda'/>\n" \
  "    </disk>\n" \
  "    <disk type='file' device='cdrom'>\n" \
  "      <source file='@DIR@/absent.iso'/>\n" \
  "      <target dev='hdc'/>\n" \
  "    </disk>\n" \
  "    <interface type='network'>\n" \
  "      <source network='default'/>\n" \
  "    </interface>\n" \
  "    <interface type='network'>\n" \
  "      <mac address='52:54:00:12:34:56'/>\n" \
  "      <source network='nowhere'/>\n" \
  "    </interface>\n" \
  "  </devices>\n" \
  "</domain>\n"

static GPtrArray *
start_check (HangarConnection *connection,
             HangarDomainDoc  *doc)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;
  GPtrArray *problems;

  hangar_start_check_async (connection, doc, NULL, store_result_cb, &slot);
  result = wait_for_result (&slot);
  problems = hangar_start_check_finish (result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (problems);

  return problems;
}

static void
test_start_check_network (void)
{
  g_autoptr(HangarConnection) connection = NULL;
  g_autoptr(HangarDomainDoc) doc = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *image = NULL;
  HangarStartProblem *problem;
  GAsyncResult *slot = NULL;
  GString *xml;

  connection = open_connection ();

  dir = g_dir_make_tmp ("hg-check-XXXXXX", &error);
  g_assert_no_error (error);
  image = g_build_filename (dir, "present.img", NULL);
  g_file_set_contents (image, "", 0, &error);
  g_assert_no_error (error);

  xml = g_string_new (CHECK_DOMAIN_XML);
  g_string_replace (xml, "@DIR@", dir, 0);
  doc = hangar_domain_doc_new_from_string (xml->str, xml->len, NULL, &error);
  g_assert_no_error (error);
  g_string_free (xml, TRUE);

  /* This connection has a network driver: only the network that does not
   * exist is a problem.  Present disks and CD-ROMs are not, nor is the
   * hypervisor type (the test driver offers "test" for i686 only). */
  problems = start_check (connection, doc);
  g_assert_cmpuint (problems->len, ==, 1);
  problem = g_ptr_array_index (problems, 0);
  g_assert_cmpint (hangar_start_problem_get_kind (problem), ==,
                   HANGAR_START_PROBLEM_NETWORK_MISSING);
  g_assert_cmpstr (hangar_start_problem_get_path (problem), ==, "/domain/devices/interface[2]");
  g_assert_nonnull (strstr (hangar_start_problem_get_message (problem), "“nowhere”"));
  g_assert_cmpstr (hangar_start_problem_get_fix_label (problem), ==, "Use user-mode networking");

  hangar_start_problem_fix_async (problem, doc, NULL, store_result_cb, &slot);
  result = wait_for_result (&slot);
  g_assert_true (hangar_start_problem_fix_finish (problem, result, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (hangar_domain_doc_get_device_attr (doc, "interface", 0, "type"), ==, "network");
  g_assert_cmpstr (hangar_domain_doc_get_device_attr (doc, "interface", 1, "type"), ==, "user");

  after = start_check (connection, doc);
  g_assert_cmpuint (after->len, ==, 0);

  g_unlink (image);
  g_rmdir (dir);
  g_clear_object (&result);
  finish_connection (g_steal_pointer (&connection));
}

/* Runs @action and waits for its result. */
static gboolean
run (HangarDomain        *domain,
     HangarDomainAction   action,
     GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;

  hangar_domain_run_action_async (domain, action, NULL, store_result_cb, &slot);
  result = wait_for_result (&slot);

  return hangar_domain_run_action_finish (domain, result, error);
}

static gboolean
rename_domain (HangarDomain  *domain,
               const char    *name,
               GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;

  hangar_domain_rename_async (domain, name, NULL, store_result_cb, &slot);
  result = wait_for_result (&slot);

  return hangar_domain_rename_finish (domain, result, error);
}

static gboolean
set_autostart (HangarDomain  *domain,
               gboolean       autostart,
               GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;

  hangar_domain_set_autostart_async (domain, autostart, NULL, store_result_cb, &slot);
  result = wait_for_result (&slot);

  return hangar_domain_set_autostart_finish (domain, result, error);
}

static void
assert_refused (HangarDomain       *domain,
                HangarDomainAction  action,
                const char         *message)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (hangar_domain_check_action (domain, action, &error));
  g_assert_error (error, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_INVALID_STATE);
  if (message != NULL)
    g_assert_cmpstr (error->message, ==, message);
  g_clear_error (&error);

  /* Running it anyway is refused the same way, before libvirt is asked. */
  if (action != HANGAR_DOMAIN_ACTION_RENAME && action != HANGAR_DOMAIN_ACTION_SET_AUTOSTART &&
      action != HANGAR_DOMAIN_ACTION_CLONE)
    {
      g_assert_false (run (domain, action, &error));
      g_assert_error (error, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_INVALID_STATE);
    }
}

static void
test_lifecycle (void)
{
  g_autoptr(HangarConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  HangarDomain *domain;
  virDomainPtr dom;
  int autostart = -1;

  connection = open_connection ();
  domain = hangar_connection_lookup_domain (connection, TEST_DOMAIN);
  g_assert_cmpint (hangar_domain_get_state (domain), ==, HANGAR_DOMAIN_STATE_RUNNING);
  g_assert_false (hangar_domain_get_has_managed_save (domain));
  dom = virDomainLookupByUUIDString (outside, TEST_DOMAIN_UUID);
  g_assert_nonnull (dom);

  /* Pause and resume. */
  assert_refused (domain, HANGAR_DOMAIN_ACTION_RESUME, "“test” is not paused");
  g_assert_true (run (domain, HANGAR_DOMAIN_ACTION_PAUSE, &error));
  g_assert_no_error (error);
  wait_for_state (domain, HANGAR_DOMAIN_STATE_PAUSED);
  assert_refused (domain, HANGAR_DOMAIN_ACTION_PAUSE, "“test” is already paused");
  assert_refused (domain, HANGAR_DOMAIN_ACTION_REBOOT, NULL);
  g_assert_true (run (domain, HANGAR_DOMAIN_ACTION_RESUME, &error));
  g_assert_no_error (error);
  wait_for_state (domain, HANGAR_DOMAIN_STATE_RUNNING);

  /* Reboot and reset keep it running. */
  g_assert_true (run (domain, HANGAR_DOMAIN_ACTION_REBOOT, &error));
  g_assert_no_error (error);
  g_assert_true (run (domain, HANGAR_DOMAIN_ACTION_RESET, &error));
  g_assert_no_error (error);
  {
    int state = -1;

    g_assert_cmpint (virDomainGetState (dom, &state, NULL, 0), ==, 0);
    g_assert_cmpint (state, ==, VIR_DOMAIN_RUNNING);
  }

  /* Managed save: off with an image, which the next start restores. */
  assert_refused (domain, HANGAR_DOMAIN_ACTION_RENAME,
                  "“test” is running: shut it down before renaming it");
  assert_refused (domain, HANGAR_DOMAIN_ACTION_DISCARD_SAVE, "“test” has no saved state");
  g_assert_true (run (domain, HANGAR_DOMAIN_ACTION_SAVE, &error));
  g_assert_no_error (error);
  g_assert_true (hangar_domain_get_has_managed_save (domain));
  wait_for_state (domain, HANGAR_DOMAIN_STATE_SHUTOFF);
  g_assert_cmpint (virDomainHasManagedSaveImage (dom, 0), ==, 1);
  assert_refused (domain, HANGAR_DOMAIN_ACTION_SAVE, NULL);
  assert_refused (domain, HANGAR_DOMAIN_ACTION_RENAME,
                  "“test” has a saved state: start it or discard the saved state "
                  "before renaming it");

  /* A second connection learns of the image from the list. */
  {
    g_autoptr(HangarConnection) second = open_connection ();
    HangarDomain *seen = hangar_connection_lookup_domain (second, TEST_DOMAIN);

    g_assert_true (hangar_domain_get_has_managed_save (seen));
    finish_connection (g_steal_pointer (&second));
  }

  g_assert_true (run (domain, HANGAR_DOMAIN_ACTION_START, &error));
  g_assert_no_error (error);
  wait_for_state (domain, HANGAR_DOMAIN_STATE_RUNNING);
  g_assert_false (hangar_domain_get_has_managed_save (domain));
  g_assert_cmpint (virDomainHasManagedSaveImage (dom, 0), ==, 0);

  /* Autostart, as libvirt holds it. */
  g_assert_false (hangar_domain_get_autostart (domain));
  g_assert_true (set_autostart (domain, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (hangar_domain_get_autostart (domain));
  g_assert_cmpint (virDomainGetAutostart (dom, &autostart), ==, 0);
  g_assert_cmpint (autostart, ==, 1);
  g_assert_true (set_autostart (domain, FALSE, &error));
  g_assert_no_error (error);
  g_assert_false (hangar_domain_get_autostart (domain));
  g_assert_cmpint (virDomainGetAutostart (dom, &autostart), ==, 0);
  g_assert_cmpint (autostart, ==, 0);

  /* Rename: the same entry under its new name, in libvirt too. */
  g_assert_true (run (domain, HANGAR_DOMAIN_ACTION_FORCE_OFF, &error));
  g_assert_no_error (error);
  wait_for_state (domain, HANGAR_DOMAIN_STATE_SHUTOFF);

  g_assert_false (rename_domain (domain, "  ", &error));
  g_assert_error (error, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_FAILED);
  g_clear_error (&error);

  g_assert_true (rename_domain (domain, "test-renamed", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (hangar_domain_get_name (domain), ==, "test-renamed");
  g_assert_true (hangar_connection_lookup_domain (connection, "test-renamed") == domain);
  g_assert_null (hangar_connection_lookup_domain (connection, TEST_DOMAIN));
  {
    virDomainPtr renamed = virDomainLookupByName (outside, "test-renamed");

    g_assert_nonnull (renamed);
    virDomainFree (renamed);
  }

  /* Renamed back elsewhere: the events alone bring the name. */
  {
    virDomainPtr renamed = virDomainLookupByName (outside, "test-renamed");

    g_assert_cmpint (virDomainRename (renamed, TEST_DOMAIN, 0), ==, 0);
    virDomainFree (renamed);
  }
  wait_for_listing (connection, TEST_DOMAIN, TRUE);
  g_assert_true (hangar_connection_lookup_domain (connection, TEST_DOMAIN) == domain);
  g_assert_null (hangar_connection_lookup_domain (connection, "test-renamed"));

  g_assert_true (run (domain, HANGAR_DOMAIN_ACTION_START, &error));
  g_assert_no_error (error);
  wait_for_state (domain, HANGAR_DOMAIN_STATE_RUNNING);

  virDomainFree (dom);
  finish_connection (g_steal_pointer (&connection));
}

#define DISK_DOMAIN_XML \
  "<domain type='test'>\n" \
  "  <name>hangar-disks</name>\n" \
  "  <uuid>3d1c6a0e-55f2-4b7e-a1f4-2c9e8b7d6a03</uuid>\n" \
  "  <memory unit='KiB'>131072</memory>\n" \
  "  <vcpu>1</vcpu>\n" \
  "  <os>\n" \
  "    <type arch='x86_64'>hvm</type>\n" \
  "  </os>\n" \
  "  <devices>\n" \
  "    <disk type='file' device='disk'>\n" \
  "      <source file='%s'/>\n" \
  "      <target dev='vda' bus='virtio'/>\n" \
  "    </disk>\n" \
  "    <disk type='file' device='disk'>\n" \
  "      <source file='%s'/>\n" \
  "      <target dev='vdb' bus='virtio'/>\n" \
  "    </disk>\n" \
  "  </devices>\n" \
  "</domain>\n"

static void
test_delete_with_storage (void)
{
  g_autoptr(HangarConnection) connection = NULL;
  g_autoptr(HangarDomainDoc) doc = NULL;
  g_autoptr(HangarDomain) domain = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *deleted = NULL;
  g_autofree char *kept = NULL;
  g_autofree char *xml = NULL;
  GAsyncResult *slot = NULL;

  dir = g_dir_make_tmp ("hangar-delete-XXXXXX", &error);
  g_assert_no_error (error);
  deleted = g_build_filename (dir, "system.qcow2", NULL);
  kept = g_build_filename (dir, "data.qcow2", NULL);
  g_assert_true (g_file_set_contents (deleted, "disk", -1, NULL));
  g_assert_true (g_file_set_contents (kept, "data", -1, NULL));

  connection = open_connection ();
  xml = g_strdup_printf (DISK_DOMAIN_XML, deleted, kept);
  doc = hangar_domain_doc_new_from_string (xml, -1, NULL, &error);
  g_assert_no_error (error);
  hangar_connection_define_async (connection, doc, NULL, store_result_cb, &slot);
  result = wait_for_result (&slot);
  domain = hangar_connection_define_finish (connection, result, &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  /* Not while it runs. */
  g_assert_true (run (domain, HANGAR_DOMAIN_ACTION_START, &error));
  g_assert_no_error (error);
  wait_for_state (domain, HANGAR_DOMAIN_STATE_RUNNING);
  {
    const char *paths[] = { deleted, NULL };

    hangar_domain_delete_async (domain, paths, NULL, store_result_cb, &slot);
    result = wait_for_result (&slot);
    g_assert_false (hangar_domain_delete_finish (domain, result, &error));
    g_assert_error (error, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_INVALID_STATE);
    g_clear_error (&error);
    g_clear_object (&result);
  }
  g_assert_true (g_file_test (deleted, G_FILE_TEST_EXISTS));
  g_assert_true (run (domain, HANGAR_DOMAIN_ACTION_FORCE_OFF, &error));
  g_assert_no_error (error);
  wait_for_state (domain, HANGAR_DOMAIN_STATE_SHUTOFF);

  /* The chosen disk goes with the definition; the other stays.  No pool
   * of the test driver holds the files: they are removed as files. */
  {
    const char *paths[] = { deleted, NULL };

    hangar_domain_delete_async (domain, paths, NULL, store_result_cb, &slot);
    result = wait_for_result (&slot);
    g_assert_true (hangar_domain_delete_finish (domain, result, &error));
    g_assert_no_error (error);
    g_clear_object (&result);
  }
  g_assert_null (hangar_connection_lookup_domain (connection, "hangar-disks"));
  g_assert_false (g_file_test (deleted, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (kept, G_FILE_TEST_EXISTS));
  {
    virDomainPtr gone = virDomainLookupByName (outside, "hangar-disks");

    g_assert_null (gone);
  }

  g_assert_cmpint (g_unlink (kept), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
  g_clear_object (&domain);
  finish_connection (g_steal_pointer (&connection));
}

/* Statistics: one bulk call per interval for every watched domain */

#define STATS_DOMAIN_XML \
  "<domain type='test'>\n" \
  "  <name>hangar-stats-%u</name>\n" \
  "  <memory unit='KiB'>131072</memory>\n" \
  "  <vcpu>1</vcpu>\n" \
  "  <os>\n" \
  "    <type arch='x86_64'>hvm</type>\n" \
  "  </os>\n" \
  "</domain>\n"

static void
count_samples_cb (HangarDomain *domain,
                  GParamSpec   *pspec,
                  unsigned     *count)
{
  if (hangar_domain_get_stats (domain) != NULL)
    (*count)++;
}


static void
test_stats (void)
{
  g_autoptr(HangarConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  HangarStatsSampler *sampler;
  HangarDomain *domains[3];
  virDomainPtr doms[3] = { NULL, };
  unsigned samples[3] = { 0, };
  const HangarDomainStats *stats;
  guint64 calls;
  unsigned before;

  connection = open_connection ();
  sampler = hangar_connection_get_stats_sampler (connection);
  g_assert_nonnull (sampler);
  g_assert_cmpuint (hangar_stats_sampler_get_interval (sampler), ==,
                    HANGAR_STATS_DEFAULT_INTERVAL_MS);
  hangar_stats_sampler_set_interval (sampler, 50);

  /* Three running domains, started elsewhere. */
  for (unsigned i = 0; i < G_N_ELEMENTS (doms); i++)
    {
      g_autofree char *xml = g_strdup_printf (STATS_DOMAIN_XML, i);
      g_autofree char *name = g_strdup_printf ("hangar-stats-%u", i);

      doms[i] = virDomainCreateXML (outside, xml, 0);
      g_assert_nonnull (doms[i]);
      wait_for_listing (connection, name, TRUE);
      domains[i] = hangar_connection_lookup_domain (connection, name);
      wait_for_state (domains[i], HANGAR_DOMAIN_STATE_RUNNING);
      g_signal_connect (domains[i], "notify::stats", G_CALLBACK (count_samples_cb), &samples[i]);
    }

  /* Nothing is sampled before anyone watches. */
  g_assert_cmpuint (hangar_stats_sampler_get_n_calls (sampler), ==, 0);
  g_assert_null (hangar_domain_get_stats (domains[0]));

  for (unsigned i = 0; i < G_N_ELEMENTS (doms); i++)
    hangar_domain_watch_stats (domains[i]);
  /* Watched twice: still sampled once per call. */
  hangar_domain_watch_stats (domains[0]);

  wait_for_samples (&samples[0], 4);
  calls = hangar_stats_sampler_get_n_calls (sampler);

  /* Each call brought a sample of every domain: one call for all of
   * them, not one each (a call may be on its way). */
  g_assert_cmpuint (samples[1], ==, samples[0]);
  g_assert_cmpuint (samples[2], ==, samples[0]);
  g_assert_cmpuint (calls, >=, samples[0]);
  g_assert_cmpuint (calls, <=, samples[0] + 1);

  /* The test driver reports the state alone: nothing to show but that
   * it was sampled. */
  stats = hangar_domain_get_stats (domains[1]);
  g_assert_nonnull (stats);
  g_assert_cmpfloat (stats->cpu_percent, <, 0);
  g_assert_cmpfloat (stats->disk_read_rate, <, 0);
  g_assert_cmpfloat (stats->net_rx_rate, <, 0);
  g_assert_cmpuint (stats->memory_kib, ==, 0);
  {
    unsigned n;
    const HangarDomainStats *history = hangar_domain_get_stats_history (domains[1], &n);

    g_assert_cmpuint (n, ==, samples[1]);
    for (unsigned i = 1; i < n; i++)
      g_assert_cmpint (history[i - 1].time, <, history[i].time);
  }

  /* No longer watched: no more samples, while the others go on. */
  hangar_domain_unwatch_stats (domains[1]);
  before = samples[1];
  wait_for_samples (&samples[2], 3);
  g_assert_cmpuint (samples[1], ==, before);

  /* Stopped: its samples go; they were of a guest that is no more. */
  g_assert_nonnull (hangar_domain_get_stats (domains[2]));
  g_assert_true (run_action (domains[2], FORCE_OFF, &error));
  g_assert_no_error (error);
  wait_for_state (domains[2], HANGAR_DOMAIN_STATE_SHUTOFF);
  g_assert_null (hangar_domain_get_stats (domains[2]));
  g_clear_pointer (&doms[2], virDomainFree);

  hangar_domain_unwatch_stats (domains[0]);
  hangar_domain_unwatch_stats (domains[0]);
  hangar_domain_unwatch_stats (domains[2]);

  for (unsigned i = 0; i < 2; i++)
    {
      g_assert_cmpint (virDomainDestroy (doms[i]), ==, 0);
      virDomainFree (doms[i]);
    }
  wait_for_listing (connection, "hangar-stats-0", FALSE);
  wait_for_listing (connection, "hangar-stats-1", FALSE);

  finish_connection (g_steal_pointer (&connection));
}

/* Cloning */

#define CLONE_DOMAIN_XML \
  "<domain type='test'>\n" \
  "  <name>hangar-clone-src</name>\n" \
  "  <uuid>5b0e2a3c-9f41-4b8e-8d6a-1c2f3e4d5a06</uuid>\n" \
  "  <memory unit='KiB'>131072</memory>\n" \
  "  <vcpu>1</vcpu>\n" \
  "  <sysinfo type='smbios'>\n" \
  "    <system>\n" \
  "      <entry name='uuid'>5b0e2a3c-9f41-4b8e-8d6a-1c2f3e4d5a06</entry>\n" \
  "    </system>\n" \
  "  </sysinfo>\n" \
  "  <os>\n" \
  "    <type arch='x86_64'>hvm</type>\n" \
  "  </os>\n" \
  "  <devices>\n" \
  "    <disk type='file' device='disk'>\n" \
  "      <driver name='qemu' type='qcow2'/>\n" \
  "      <source file='/default-pool/hangar-clone-src.qcow2'/>\n" \
  "      <target dev='vda' bus='virtio'/>\n" \
  "    </disk>\n" \
  "    <disk type='file' device='disk'>\n" \
  "      <driver name='qemu' type='raw'/>\n" \
  "      <source file='%s/data.raw'/>\n" \
  "      <target dev='vdb' bus='virtio'/>\n" \
  "    </disk>\n" \
  "    <disk type='file' device='cdrom'>\n" \
  "      <source file='%s/install.iso'/>\n" \
  "      <target dev='hdc' bus='ide'/>\n" \
  "      <readonly/>\n" \
  "    </disk>\n" \
  "    <interface type='user'>\n" \
  "      <mac address='52:54:00:4a:11:77'/>\n" \
  "    </interface>\n" \
  "  </devices>\n" \
  "</domain>\n"

static HangarClonePlan *
load_plan (HangarDomain *domain)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  HangarClonePlan *plan;
  GAsyncResult *slot = NULL;

  hangar_clone_plan_load_async (domain, NULL, store_result_cb, &slot);
  result = wait_for_result (&slot);
  plan = hangar_clone_plan_load_finish (result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (plan);

  return plan;
}

static HangarDomain *
run_plan (HangarClonePlan  *plan,
          GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;

  hangar_clone_plan_run_async (plan, NULL, store_result_cb, &slot);
  result = wait_for_result (&slot);

  return hangar_clone_plan_run_finish (plan, result, error);
}

static gboolean
pool_has (const char *volume)
{
  virStoragePoolPtr pool = virStoragePoolLookupByName (outside, "default-pool");
  virStorageVolPtr vol;

  g_assert_nonnull (pool);
  vol = virStorageVolLookupByName (pool, volume);
  virStoragePoolFree (pool);
  if (vol == NULL)
    return FALSE;

  virStorageVolFree (vol);
  return TRUE;
}

static void
delete_volume (const char *volume)
{
  virStoragePoolPtr pool = virStoragePoolLookupByName (outside, "default-pool");
  virStorageVolPtr vol = virStorageVolLookupByName (pool, volume);

  g_assert_nonnull (vol);
  g_assert_cmpint (virStorageVolDelete (vol, 0), ==, 0);
  virStorageVolFree (vol);
  virStoragePoolFree (pool);
}

static void
undefine_outside (const char *name)
{
  virDomainPtr dom = virDomainLookupByName (outside, name);

  g_assert_nonnull (dom);
  g_assert_cmpint (virDomainUndefine (dom), ==, 0);
  virDomainFree (dom);
}

static void
test_clone (void)
{
  g_autoptr(HangarConnection) connection = NULL;
  g_autoptr(HangarDomainDoc) doc = NULL;
  g_autoptr(HangarDomain) domain = NULL;
  g_autoptr(HangarDomain) clone = NULL;
  g_autoptr(HangarClonePlan) plan = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *data_path = NULL;
  g_autofree char *taken_path = NULL;
  g_autofree char *copy_path = NULL;
  g_autofree char *text = NULL;
  g_autofree char *clone_xml = NULL;
  g_autofree char *source_xml = NULL;
  GAsyncResult *slot = NULL;
  virStoragePoolPtr pool;
  virStorageVolPtr vol;

  dir = g_dir_make_tmp ("hangar-clone-XXXXXX", &error);
  g_assert_no_error (error);
  data_path = g_build_filename (dir, "data.raw", NULL);
  g_assert_true (g_file_set_contents (data_path, "the user's data", -1, NULL));
  /* Someone's file where the copy would go: it must survive. */
  taken_path = g_build_filename (dir, "data-clone.raw", NULL);
  g_assert_true (g_file_set_contents (taken_path, "not yours", -1, NULL));

  /* A disk in the test driver's storage pool, one file no pool holds. */
  pool = virStoragePoolLookupByName (outside, "default-pool");
  g_assert_nonnull (pool);
  vol = virStorageVolCreateXML (pool,
                                "<volume><name>hangar-clone-src.qcow2</name>"
                                "<capacity unit='MiB'>8</capacity>"
                                "<target><format type='qcow2'/></target></volume>", 0);
  g_assert_nonnull (vol);
  virStorageVolFree (vol);
  virStoragePoolFree (pool);

  connection = open_connection ();
  xml = g_strdup_printf (CLONE_DOMAIN_XML, dir, dir);
  doc = hangar_domain_doc_new_from_string (xml, -1, NULL, &error);
  g_assert_no_error (error);
  hangar_connection_define_async (connection, doc, NULL, store_result_cb, &slot);
  result = wait_for_result (&slot);
  domain = hangar_connection_define_finish (connection, result, &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  plan = load_plan (domain);
  g_assert_true (hangar_clone_plan_get_domain (plan) == domain);
  g_assert_cmpstr (hangar_clone_plan_get_name (plan), ==, "hangar-clone-src-clone");
  g_assert_false (hangar_clone_plan_get_has_nvram (plan));
  g_assert_cmpuint (hangar_clone_plan_get_n_disks (plan), ==, 3);

  /* Through the pool, as a file, and the installation medium shared. */
  g_assert_cmpstr (hangar_clone_plan_get_disk_target (plan, 0), ==, "vda");
  g_assert_cmpstr (hangar_clone_plan_get_disk_source (plan, 0), ==,
                   "/default-pool/hangar-clone-src.qcow2");
  g_assert_null (hangar_clone_plan_get_disk_reason (plan, 0));
  g_assert_cmpint (hangar_clone_plan_get_disk_mode (plan, 0), ==, HANGAR_CLONE_COPY);
  g_assert_cmpstr (hangar_clone_plan_get_disk_copy (plan, 0), ==, "hangar-clone-src-clone.qcow2");
  g_assert_null (hangar_clone_plan_get_disk_reason (plan, 1));
  g_assert_cmpint (hangar_clone_plan_get_disk_mode (plan, 1), ==, HANGAR_CLONE_COPY);
  g_assert_cmpstr (hangar_clone_plan_get_disk_copy (plan, 1), ==, taken_path);
  g_assert_cmpstr (hangar_clone_plan_get_disk_device (plan, 2), ==, "cdrom");
  g_assert_cmpint (hangar_clone_plan_get_disk_mode (plan, 2), ==, HANGAR_CLONE_SHARE);
  g_assert_nonnull (hangar_clone_plan_get_disk_reason (plan, 2));

  /* A new name renames the copies that carry the old one. */
  hangar_clone_plan_set_name (plan, " hangar-copy ");
  g_assert_cmpstr (hangar_clone_plan_get_name (plan), ==, "hangar-copy");
  g_assert_cmpstr (hangar_clone_plan_get_disk_copy (plan, 0), ==, "hangar-copy.qcow2");
  g_assert_cmpstr (hangar_clone_plan_get_disk_copy (plan, 1), ==, taken_path);

  /* Not while it runs or is paused: its disks would change under the
   * copy, or miss what QEMU has not written yet. */
  g_assert_true (run (domain, HANGAR_DOMAIN_ACTION_START, &error));
  g_assert_no_error (error);
  wait_for_state (domain, HANGAR_DOMAIN_STATE_RUNNING);
  g_assert_true (run (domain, HANGAR_DOMAIN_ACTION_PAUSE, &error));
  g_assert_no_error (error);
  wait_for_state (domain, HANGAR_DOMAIN_STATE_PAUSED);
  assert_refused (domain, HANGAR_DOMAIN_ACTION_CLONE,
                  "“hangar-clone-src” is paused: shut it down before cloning it, so that its "
                  "disks are complete");
  g_assert_true (run (domain, HANGAR_DOMAIN_ACTION_RESUME, &error));
  g_assert_no_error (error);
  wait_for_state (domain, HANGAR_DOMAIN_STATE_RUNNING);
  assert_refused (domain, HANGAR_DOMAIN_ACTION_CLONE,
                  "“hangar-clone-src” is running: shut it down before cloning it");
  g_assert_null (run_plan (plan, &error));
  g_assert_error (error, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_INVALID_STATE);
  g_clear_error (&error);
  g_assert_false (pool_has ("hangar-copy.qcow2"));
  g_assert_true (run (domain, HANGAR_DOMAIN_ACTION_FORCE_OFF, &error));
  g_assert_no_error (error);
  wait_for_state (domain, HANGAR_DOMAIN_STATE_SHUTOFF);

  clone = run_plan (plan, &error);
  g_assert_no_error (error);
  g_assert_nonnull (clone);
  g_assert_cmpstr (hangar_domain_get_name (clone), ==, "hangar-copy");
  g_assert_true (hangar_connection_lookup_domain (connection, "hangar-copy") == clone);
  g_assert_cmpint (hangar_domain_get_state (clone), ==, HANGAR_DOMAIN_STATE_SHUTOFF);
  g_assert_true (hangar_domain_get_persistent (clone));
  g_assert_cmpfloat (hangar_clone_plan_get_progress (plan), ==, 1.0);

  /* What libvirt holds: its own identity, its own disks. */
  g_assert_cmpstr (hangar_domain_get_uuid (clone), !=, hangar_domain_get_uuid (domain));
  clone_xml = outside_xml (hangar_domain_get_uuid (clone));
  source_xml = outside_xml (hangar_domain_get_uuid (domain));
  {
    g_autofree char *entry = g_strdup_printf ("<entry name='uuid'>%s</entry>",
                                              hangar_domain_get_uuid (clone));

    g_assert_nonnull (strstr (clone_xml, entry));
  }
  g_assert_nonnull (strstr (source_xml, "52:54:00:4a:11:77"));
  g_assert_null (strstr (clone_xml, "52:54:00:4a:11:77"));
  g_assert_nonnull (strstr (clone_xml, "<mac address='"));
  g_assert_nonnull (strstr (clone_xml, "/default-pool/hangar-copy.qcow2"));
  g_assert_true (pool_has ("hangar-copy.qcow2"));
  g_assert_true (pool_has ("hangar-clone-src.qcow2"));
  copy_path = g_build_filename (dir, "data-clone-1.raw", NULL);
  g_assert_nonnull (strstr (clone_xml, copy_path));
  g_assert_true (g_file_get_contents (copy_path, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "the user's data");
  g_clear_pointer (&text, g_free);
  g_assert_true (g_file_get_contents (taken_path, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "not yours");
  {
    g_autofree char *iso = g_build_filename (dir, "install.iso", NULL);

    g_assert_nonnull (strstr (clone_xml, iso));
  }

  /* The same name twice: refused before anything is copied. */
  g_assert_null (run_plan (plan, &error));
  g_assert_error (error, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_FAILED);
  g_assert_cmpstr (error->message, ==, "A virtual machine named “hangar-copy” exists already");
  g_clear_error (&error);
  g_assert_false (pool_has ("hangar-copy-1.qcow2"));

  /* A copy that fails takes back the ones made before it. */
  g_assert_cmpint (g_unlink (data_path), ==, 0);
  hangar_clone_plan_set_name (plan, "hangar-broken");
  g_assert_null (run_plan (plan, &error));
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, data_path));
  g_clear_error (&error);
  g_assert_false (pool_has ("hangar-broken.qcow2"));
  g_assert_null (hangar_connection_lookup_domain (connection, "hangar-broken"));
  {
    g_autofree char *second = g_build_filename (dir, "data-clone-2.raw", NULL);

    g_assert_false (g_file_test (second, G_FILE_TEST_EXISTS));
  }

  undefine_outside ("hangar-copy");
  undefine_outside ("hangar-clone-src");
  wait_for_listing (connection, "hangar-copy", FALSE);
  wait_for_listing (connection, "hangar-clone-src", FALSE);
  delete_volume ("hangar-copy.qcow2");
  delete_volume ("hangar-clone-src.qcow2");
  g_assert_cmpint (g_unlink (copy_path), ==, 0);
  g_assert_cmpint (g_unlink (taken_path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);

  g_clear_object (&clone);
  g_clear_object (&domain);
  finish_connection (g_steal_pointer (&connection));
}

#define VOLUME_DOMAIN_XML \
  "<domain type='test'>\n" \
  "  <name>hangar-volumes</name>\n" \
  "  <memory unit='KiB'>131072</memory>\n" \
  "  <vcpu>1</vcpu>\n" \
  "  <os>\n" \
  "    <type arch='x86_64'>hvm</type>\n" \
  "  </os>\n" \
  "  <devices>\n" \
  "    <disk type='volume' device='disk'>\n" \
  "      <source pool='default-pool' volume='hangar-by-name.img'/>\n" \
  "      <target dev='vda' bus='virtio'/>\n" \
  "    </disk>\n" \
  "    <disk type='block' device='disk'>\n" \
  "      <source dev='%s'/>\n" \
  "      <target dev='vdb' bus='virtio'/>\n" \
  "    </disk>\n" \
  "  </devices>\n" \
  "</domain>\n"

static void
test_delete_volumes (void)
{
  g_autoptr(HangarConnection) connection = NULL;
  g_autoptr(HangarDomainDoc) doc = NULL;
  g_autoptr(HangarDomain) domain = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *device = NULL;
  g_autofree char *xml = NULL;
  GAsyncResult *slot = NULL;
  virStoragePoolPtr pool;
  virStorageVolPtr vol;

  /* Something that is not a file where a block device would be. */
  dir = g_dir_make_tmp ("hangar-volumes-XXXXXX", &error);
  g_assert_no_error (error);
  device = g_build_filename (dir, "device", NULL);
  g_assert_cmpint (mkfifo (device, 0600), ==, 0);

  pool = virStoragePoolLookupByName (outside, "default-pool");
  vol = virStorageVolCreateXML (pool,
                                "<volume><name>hangar-by-name.img</name>"
                                "<capacity unit='MiB'>1</capacity></volume>", 0);
  g_assert_nonnull (vol);
  virStorageVolFree (vol);
  virStoragePoolFree (pool);

  connection = open_connection ();
  xml = g_strdup_printf (VOLUME_DOMAIN_XML, device);
  doc = hangar_domain_doc_new_from_string (xml, -1, NULL, &error);
  g_assert_no_error (error);
  hangar_connection_define_async (connection, doc, NULL, store_result_cb, &slot);
  result = wait_for_result (&slot);
  domain = hangar_connection_define_finish (connection, result, &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  /* The volume goes through its pool; what is not a file stays, said so. */
  {
    const char *paths[] = { "default-pool/hangar-by-name.img", device, NULL };

    hangar_domain_delete_async (domain, paths, NULL, store_result_cb, &slot);
    result = wait_for_result (&slot);
    g_assert_false (hangar_domain_delete_finish (domain, result, &error));
    g_assert_error (error, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_PARTIAL);
    g_assert_nonnull (strstr (error->message, device));
    g_assert_null (strstr (error->message, "hangar-by-name.img"));
    g_clear_error (&error);
  }
  g_assert_null (hangar_connection_lookup_domain (connection, "hangar-volumes"));
  g_assert_false (pool_has ("hangar-by-name.img"));
  g_assert_true (g_file_test (device, G_FILE_TEST_EXISTS));

  g_assert_cmpint (g_unlink (device), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
  g_clear_object (&domain);
  finish_connection (g_steal_pointer (&connection));
}

static void
test_close (void)
{
  g_autoptr(HangarConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  HangarDomain *domain;
  unsigned n_items;

  connection = open_connection ();
  n_items = g_list_model_get_n_items (hangar_connection_get_domains (connection));
  domain = hangar_connection_lookup_domain (connection, TEST_DOMAIN);

  hangar_connection_close (connection);
  g_assert_cmpint (hangar_connection_get_state (connection), ==, HANGAR_CONNECTION_DISCONNECTED);

  /* Still listed as last seen, but nothing can be done with them. */
  g_assert_cmpuint (g_list_model_get_n_items (hangar_connection_get_domains (connection)),
                    ==, n_items);
  g_assert_cmpint (hangar_domain_get_state (domain), ==, HANGAR_DOMAIN_STATE_RUNNING);
  g_assert_false (run_action (domain, FORCE_OFF, &error));
  g_assert_error (error, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_NOT_CONNECTED);
  g_clear_error (&error);

  /* Reopening keeps the entries. */
  {
    g_autoptr(GAsyncResult) result = NULL;
    GAsyncResult *slot = NULL;

    hangar_connection_open_async (connection, NULL, store_result_cb, &slot);
    result = wait_for_result (&slot);
    g_assert_true (hangar_connection_open_finish (connection, result, &error));
    g_assert_no_error (error);
  }
  g_assert_true (hangar_connection_lookup_domain (connection, TEST_DOMAIN) == domain);
  g_assert_cmpuint (g_list_model_get_n_items (hangar_connection_get_domains (connection)),
                    ==, n_items);

  finish_connection (g_steal_pointer (&connection));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  hangar_event_loop_ensure ();
  outside = virConnectOpen (TEST_URI);
  g_assert_nonnull (outside);

  g_test_add_func ("/hangar/connection/open", test_open);
  g_test_add_func ("/hangar/connection/open-fails", test_open_fails);
  g_test_add_func ("/hangar/connection/events", test_events);
  g_test_add_func ("/hangar/connection/refused", test_refused);
  g_test_add_func ("/hangar/connection/define-edit-undefine", test_define_edit_undefine);
  g_test_add_func ("/hangar/connection/apply-conflict", test_apply_conflict);
  g_test_add_func ("/hangar/connection/apply-readback", test_apply_readback);
  g_test_add_func ("/hangar/connection/apply-running", test_apply_running);
  g_test_add_func ("/hangar/connection/capabilities", test_capabilities);
  g_test_add_func ("/hangar/connection/start-check-network", test_start_check_network);
  g_test_add_func ("/hangar/connection/lifecycle", test_lifecycle);
  g_test_add_func ("/hangar/connection/delete-with-storage", test_delete_with_storage);
  g_test_add_func ("/hangar/connection/stats", test_stats);
  g_test_add_func ("/hangar/connection/clone", test_clone);
  g_test_add_func ("/hangar/connection/delete-volumes", test_delete_volumes);
  g_test_add_func ("/hangar/connection/close", test_close);

  ret = g_test_run ();

  virConnectClose (outside);

  return ret;
}
