/* test-embed.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-embed"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utime.h>

#include <libvirt/libvirt.h>

#include "hangar-clone.h"
#include "hangar-connection.h"
#include "hangar-domain.h"
#include "hangar-domain-doc.h"
#include "hangar-start-check.h"
#include "hangar-stats-sampler.h"
#include "hangar-virt-error.h"

/* The embedded QEMU driver with real guests under TCG.
 *
 * Only one process can hold an embed root, and QEMU outlives the process
 * that started it: each run uses a short private root under /tmp (UNIX
 * socket paths are limited in length) with a marker naming the test's pid,
 * destroys what it started in the fixture's teardown, and at start kills
 * the guests of roots whose test died without a teardown. */

#define TIMEOUT_SECONDS 120
#define ROOT_TEMPLATE "hg-XXXXXX"
#define MARKER "hangar-test-embed.pid"
#define SEED_DISK "/var/lib/libvirt/images/gentoo-2.qcow2"
#define GIB (G_GUINT64_CONSTANT (1024) * 1024 * 1024)

typedef struct
{
  char             *root;
  HangarConnection *connection;
} Fixture;


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


/* Files */

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (g_file_test (path, G_FILE_TEST_IS_SYMLINK) || !g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_unlink (path);
      return;
    }

  dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      remove_tree (child);
    }

  g_rmdir (path);
}

static gboolean
process_alive (GPid pid)
{
  return pid > 0 && (kill (pid, 0) == 0 || errno == EPERM);
}

/* Whether process @pid runs with @needle in its command line, so that a
 * reused pid is never taken for a guest. */
static gboolean
process_mentions (GPid        pid,
                  const char *needle)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/cmdline", (int)pid);
  g_autofree char *cmdline = NULL;
  gsize length;

  if (!g_file_get_contents (path, &cmdline, &length, NULL))
    return FALSE;

  for (gsize i = 0; i + 1 < length; i++)
    if (cmdline[i] == '\0')
      cmdline[i] = ' ';

  return strstr (cmdline, needle) != NULL;
}

static void
kill_guests_under (const char *dir,
                   const char *root)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *text = NULL;
      GPid pid;

      if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        {
          kill_guests_under (path, root);
          continue;
        }

      if (!g_str_has_suffix (name, ".pid") || !g_file_get_contents (path, &text, NULL, NULL))
        continue;

      pid = (GPid)g_ascii_strtoll (text, NULL, 10);
      if (process_alive (pid) && process_mentions (pid, root))
        {
          g_test_message ("Killing leftover QEMU %d of %s", (int)pid, root);
          kill (pid, SIGKILL);
        }
    }
}

/* Roots of earlier runs whose test process is gone: their guests would
 * run forever. */
static void
clean_leftovers (void)
{
  g_autoptr(GDir) tmp = g_dir_open (g_get_tmp_dir (), 0, NULL);
  const char *name;

  while (tmp != NULL && (name = g_dir_read_name (tmp)) != NULL)
    {
      g_autofree char *root = NULL;
      g_autofree char *marker = NULL;
      g_autofree char *text = NULL;
      g_autofree char *run = NULL;

      if (!g_str_has_prefix (name, "hg-"))
        continue;

      root = g_build_filename (g_get_tmp_dir (), name, NULL);
      marker = g_build_filename (root, MARKER, NULL);
      if (!g_file_get_contents (marker, &text, NULL, NULL))
        continue;

      if (process_alive ((GPid)g_ascii_strtoll (text, NULL, 10)))
        continue;

      run = g_build_filename (root, "run", NULL);
      kill_guests_under (run, root);
      remove_tree (root);
    }
}


/* Fixture: a private root and an open connection */

static void
destroy_everything (HangarConnection *connection)
{
  GListModel *domains = hangar_connection_get_domains (connection);

  for (unsigned i = g_list_model_get_n_items (domains); i > 0; i--)
    {
      g_autoptr(HangarDomain) domain = g_list_model_get_item (domains, i - 1);
      g_autoptr(GAsyncResult) result = NULL;
      GAsyncResult *slot = NULL;

      if (hangar_domain_get_state (domain) != HANGAR_DOMAIN_STATE_SHUTOFF)
        {
          hangar_domain_force_off_async (domain, NULL, store_result_cb, &slot);
          result = wait_for_result (&slot);
          if (!hangar_domain_force_off_finish (domain, result, NULL))
            g_test_message ("Could not force “%s” off", hangar_domain_get_name (domain));
          g_clear_object (&result);
        }

      if (hangar_domain_get_persistent (domain))
        {
          hangar_domain_undefine_async (domain, NULL, store_result_cb, &slot);
          result = wait_for_result (&slot);
          hangar_domain_undefine_finish (domain, result, NULL);
        }
    }
}

/* libvirt keeps the embedded driver of the first root a process opens
 * until the process exits ("already open with path …" for any other), so
 * the tests share one root and one connection. */
static char             *shared_root;
static HangarConnection *shared_connection;

static void
open_shared_connection (void)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *marker = NULL;
  g_autofree char *pid = NULL;
  g_autofree char *uri = NULL;
  GAsyncResult *slot = NULL;

  shared_root = g_dir_make_tmp (ROOT_TEMPLATE, &error);
  g_assert_no_error (error);

  marker = g_build_filename (shared_root, MARKER, NULL);
  pid = g_strdup_printf ("%d\n", (int)getpid ());
  g_file_set_contents (marker, pid, -1, &error);
  g_assert_no_error (error);

  uri = hangar_connection_prepare_embed_root (shared_root, &error);
  g_assert_no_error (error);

  /* The first open of a fresh root probes QEMU: a few seconds. */
  shared_connection = hangar_connection_new (uri);
  hangar_connection_open_async (shared_connection, NULL, store_result_cb, &slot);
  result = wait_for_result (&slot);
  hangar_connection_open_finish (shared_connection, result, &error);
  g_assert_no_error (error);
}

static void
close_shared_connection (void)
{
  g_autofree char *run = NULL;

  if (shared_connection != NULL)
    {
      destroy_everything (shared_connection);
      hangar_connection_close (shared_connection);
      g_clear_object (&shared_connection);
    }

  if (shared_root != NULL)
    {
      /* Guests were destroyed through libvirt; a survivor is killed here. */
      run = g_build_filename (shared_root, "run", NULL);
      kill_guests_under (run, shared_root);
      remove_tree (shared_root);
      g_clear_pointer (&shared_root, g_free);
    }
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  if (shared_connection == NULL)
    open_shared_connection ();

  fixture->root = g_strdup (shared_root);
  fixture->connection = g_object_ref (shared_connection);

  /* Each test starts from an empty host. */
  destroy_everything (fixture->connection);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  destroy_everything (fixture->connection);
  g_clear_object (&fixture->connection);
  g_free (fixture->root);
}


/* Helpers on the API under test */

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

  for (unsigned i = 0; i < problems->len; i++)
    {
      HangarStartProblem *problem = g_ptr_array_index (problems, i);

      g_test_message ("%s: %s [%s]", hangar_start_problem_get_path (problem),
                      hangar_start_problem_get_message (problem),
                      hangar_start_problem_get_fix_label (problem));
    }

  return problems;
}

static HangarStartProblem *
find_problem (GPtrArray              *problems,
              HangarStartProblemKind  kind)
{
  for (unsigned i = 0; i < problems->len; i++)
    {
      HangarStartProblem *problem = g_ptr_array_index (problems, i);

      if (hangar_start_problem_get_kind (problem) == kind)
        return problem;
    }

  return NULL;
}

static void
fix (HangarStartProblem *problem,
     HangarDomainDoc    *doc)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  hangar_start_problem_fix_async (problem, doc, NULL, store_result_cb, &slot);
  result = wait_for_result (&slot);
  g_assert_true (hangar_start_problem_fix_finish (problem, result, &error));
  g_assert_no_error (error);
}

static gboolean
host_has_hardware_virt (HangarConnection *connection)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *host_caps = NULL;
  GAsyncResult *slot = NULL;

  hangar_connection_load_capabilities_async (connection, "qemu", "x86_64", NULL, NULL,
                                             store_result_cb, &slot);
  result = wait_for_result (&slot);
  g_assert_true (hangar_connection_load_capabilities_finish (connection, result, &host_caps,
                                                            NULL, NULL, &error));
  g_assert_no_error (error);

  return strstr (host_caps, "<feature name='vmx'/>") != NULL ||
         strstr (host_caps, "<feature name='svm'/>") != NULL;
}

/* The seed domain, with its disk moved to @root/@test/images. */
static HangarDomainDoc *
load_seed (const char  *root,
           const char  *test,
           char       **disk)
{
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  GString *xml;
  HangarDomainDoc *doc;

  /* Set by tests/meson.build. */
  g_assert_nonnull (g_getenv ("HANGAR_SHARED_DIR"));
  path = g_build_filename (g_getenv ("HANGAR_SHARED_DIR"), "seed", "gentoo-2.xml", NULL);
  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);

  *disk = g_build_filename (root, test, "images", "gentoo-2.qcow2", NULL);
  xml = g_string_new (text);
  g_assert_cmpuint (g_string_replace (xml, SEED_DISK, *disk, 0), ==, 1);

  doc = hangar_domain_doc_new_from_string (xml->str, xml->len, "gentoo-2.xml", &error);
  g_assert_no_error (error);
  g_string_free (xml, TRUE);

  return doc;
}


/* Tests */

static void
test_prepare_root (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *root = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *again = NULL;
  g_autofree char *conf_path = NULL;
  g_autofree char *conf = NULL;
  struct utimbuf old_times = { 1000000000, 1000000000 };
  struct stat st;

  root = g_dir_make_tmp (ROOT_TEMPLATE, &error);
  g_assert_no_error (error);

  uri = hangar_connection_prepare_embed_root (root, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (uri, "qemu:///embed?root=/"));
  g_assert_true (g_str_has_suffix (uri, root));

  conf_path = g_build_filename (root, "etc", "qemu.conf", NULL);
  g_file_get_contents (conf_path, &conf, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (conf, "stdio_handler = \"file\"\n"));
  if (geteuid () == 0)
    {
      g_assert_nonnull (strstr (conf, "user = \"root\"\n"));
      g_assert_nonnull (strstr (conf, "group = \"root\"\n"));
    }
  else
    {
      g_assert_null (strstr (conf, "user ="));
    }

  /* Unchanged content is not written again. */
  g_assert_cmpint (utime (conf_path, &old_times), ==, 0);
  again = hangar_connection_prepare_embed_root (root, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again, ==, uri);
  g_assert_cmpint (g_stat (conf_path, &st), ==, 0);
  g_assert_cmpint (st.st_mtime, ==, old_times.modtime);

  /* Changed content is. */
  g_file_set_contents (conf_path, "user = \"nobody\"\n", -1, &error);
  g_assert_no_error (error);
  g_clear_pointer (&again, g_free);
  again = hangar_connection_prepare_embed_root (root, &error);
  g_assert_no_error (error);
  g_clear_pointer (&conf, g_free);
  g_file_get_contents (conf_path, &conf, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (conf, "stdio_handler = \"file\"\n"));
  g_assert_null (strstr (conf, "nobody"));

  remove_tree (root);
}

static void
test_cpu_mode (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(HangarDomainDoc) doc = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autofree char *disk = NULL;
  HangarStartProblem *problem;

  /* TCG as the tests write it, but with the seed's host-passthrough. */
  doc = load_seed (fixture->root, "cpu-mode", &disk);
  hangar_domain_doc_set_hypervisor (doc, "qemu");

  problems = start_check (fixture->connection, doc);
  problem = find_problem (problems, HANGAR_START_PROBLEM_CPU_MODE);
  g_assert_nonnull (problem);
  g_assert_null (find_problem (problems, HANGAR_START_PROBLEM_VIRT_TYPE));
  g_assert_cmpstr (hangar_start_problem_get_path (problem), ==, "/domain/cpu");
  g_assert_nonnull (strstr (hangar_start_problem_get_message (problem), "host-passthrough"));
  g_assert_cmpstr (hangar_start_problem_get_fix_label (problem), ==, "Use CPU model qemu64");

  fix (problem, doc);
  g_assert_cmpstr (hangar_domain_doc_get_cpu_mode (doc), ==, "custom");
  g_assert_cmpstr (hangar_domain_doc_get_cpu_model (doc), ==, "qemu64");

  after = start_check (fixture->connection, doc);
  g_assert_null (find_problem (after, HANGAR_START_PROBLEM_CPU_MODE));
}

static void
test_seed (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(HangarDomainDoc) doc = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GPtrArray) remaining = NULL;
  g_autoptr(HangarDomain) domain = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) shot = NULL;
  g_autofree char *mime_type = NULL;
  g_autofree char *disk = NULL;
  g_autofree char *disk_path = NULL;
  HangarStartProblem *problem;
  GAsyncResult *slot = NULL;
  gboolean hw_virt;
  struct stat st;
  int fd;

  doc = load_seed (fixture->root, "seed", &disk);
  hw_virt = host_has_hardware_virt (fixture->connection);

  /* What stops the seed here, found before starting it. */
  problems = start_check (fixture->connection, doc);
  g_assert_cmpuint (problems->len, ==, hw_virt ? 2 : 3);

  problem = find_problem (problems, HANGAR_START_PROBLEM_NO_NETWORK_DRIVER);
  g_assert_nonnull (problem);
  g_assert_cmpstr (hangar_start_problem_get_path (problem), ==, "/domain/devices/interface[1]");
  g_assert_nonnull (strstr (hangar_start_problem_get_message (problem), "“default”"));
  g_assert_cmpstr (hangar_start_problem_get_fix_label (problem), ==, "Use user-mode networking");
  fix (problem, doc);
  g_assert_cmpstr (hangar_domain_doc_get_device_attr (doc, "interface", 0, "type"), ==, "user");

  problem = find_problem (problems, HANGAR_START_PROBLEM_VIRT_TYPE);
  if (!hw_virt)
    {
      g_assert_nonnull (problem);
      g_assert_cmpstr (hangar_start_problem_get_path (problem), ==, "/domain/cpu");
      g_assert_cmpstr (hangar_start_problem_get_fix_label (problem), ==,
                       "Use the QEMU emulator (TCG) with CPU model qemu64");
      fix (problem, doc);
    }
  else
    {
      /* Tests run under TCG wherever they are: choose it in the XML. */
      g_assert_null (problem);
      hangar_domain_doc_set_hypervisor (doc, "qemu");
      hangar_domain_doc_set_cpu_custom_model (doc, "qemu64");
    }
  g_assert_cmpstr (hangar_domain_doc_get_hypervisor (doc), ==, "qemu");
  g_assert_cmpstr (hangar_domain_doc_get_cpu_mode (doc), ==, "custom");
  g_assert_cmpstr (hangar_domain_doc_get_cpu_model (doc), ==, "qemu64");

  problem = find_problem (problems, HANGAR_START_PROBLEM_DISK_MISSING);
  g_assert_nonnull (problem);
  disk_path = hangar_domain_doc_dup_device_path (doc, "disk", 0);
  g_assert_cmpstr (hangar_start_problem_get_path (problem), ==, disk_path);
  g_assert_cmpstr (hangar_start_problem_get_path (problem), ==, "/domain/devices/disk[1]");
  g_assert_cmpstr (hangar_start_problem_get_file (problem), ==, disk);
  g_assert_cmpuint (hangar_start_problem_get_disk_size (problem), ==, 10 * GIB);
  g_assert_cmpstr (hangar_start_problem_get_fix_label (problem), ==,
                   "Create an empty 10 GiB disk image");
  hangar_start_problem_set_disk_size (problem, 2 * GIB);
  g_assert_cmpstr (hangar_start_problem_get_fix_label (problem), ==,
                   "Create an empty 2 GiB disk image");
  fix (problem, doc);
  g_assert_cmpint (g_stat (disk, &st), ==, 0);

  /* Creating it again would destroy data: refused. */
  hangar_start_problem_fix_async (problem, doc, NULL, store_result_cb, &slot);
  result = wait_for_result (&slot);
  g_assert_false (hangar_start_problem_fix_finish (problem, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_clear_error (&error);
  g_clear_object (&result);

  remaining = start_check (fixture->connection, doc);
  g_assert_cmpuint (remaining->len, ==, 0);

  /* Define and start it. */
  hangar_connection_define_async (fixture->connection, doc, NULL, store_result_cb, &slot);
  result = wait_for_result (&slot);
  domain = hangar_connection_define_finish (fixture->connection, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (domain);
  g_clear_object (&result);
  g_assert_cmpstr (hangar_domain_get_name (domain), ==, "gentoo-2");
  g_assert_cmpint (hangar_domain_get_state (domain), ==, HANGAR_DOMAIN_STATE_SHUTOFF);
  g_assert_true (hangar_connection_lookup_domain (fixture->connection, "gentoo-2") == domain);

  hangar_domain_start_async (domain, NULL, store_result_cb, &slot);
  result = wait_for_result (&slot);
  g_assert_true (hangar_domain_start_finish (domain, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  wait_for_state (domain, HANGAR_DOMAIN_STATE_RUNNING);

  /* Its SPICE display answers on a socket of our own. */
  hangar_domain_open_graphics_fd_async (domain, 0, NULL, store_result_cb, &slot);
  result = wait_for_result (&slot);
  fd = hangar_domain_open_graphics_fd_finish (domain, result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (fstat (fd, &st), ==, 0);
  g_assert_true (S_ISSOCK (st.st_mode));
  close (fd);
  g_clear_object (&result);

  hangar_domain_screenshot_async (domain, 0, NULL, store_result_cb, &slot);
  result = wait_for_result (&slot);
  shot = hangar_domain_screenshot_finish (domain, result, &mime_type, &error);
  g_assert_no_error (error);
  g_assert_nonnull (shot);
  g_clear_object (&result);
  /* QEMU 7.2 with libvirt 9.0 sends PNG; older ones PPM. */
  g_assert_cmpuint (g_bytes_get_size (shot), >, 8);
  if (g_strcmp0 (mime_type, "image/png") == 0)
    g_assert_cmpmem (g_bytes_get_data (shot, NULL), 8, "\x89PNG\r\n\x1a\n", 8);
  else
    {
      g_assert_cmpstr (mime_type, ==, "image/x-portable-pixmap");
      g_assert_cmpmem (g_bytes_get_data (shot, NULL), 2, "P6", 2);
    }

  /* Started twice: refused with the reason. */
  hangar_domain_start_async (domain, NULL, store_result_cb, &slot);
  result = wait_for_result (&slot);
  g_assert_false (hangar_domain_start_finish (domain, result, &error));
  g_assert_error (error, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_INVALID_STATE);
  g_assert_cmpstr (error->message, ==, "“gentoo-2” is already running");
  g_clear_error (&error);
  g_clear_object (&result);

  hangar_domain_force_off_async (domain, NULL, store_result_cb, &slot);
  result = wait_for_result (&slot);
  g_assert_true (hangar_domain_force_off_finish (domain, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  wait_for_state (domain, HANGAR_DOMAIN_STATE_SHUTOFF);

  hangar_domain_undefine_async (domain, NULL, store_result_cb, &slot);
  result = wait_for_result (&slot);
  g_assert_true (hangar_domain_undefine_finish (domain, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_null (hangar_connection_lookup_domain (fixture->connection, "gentoo-2"));

  /* The disk image is the user's: it stays. */
  g_assert_true (g_file_test (disk, G_FILE_TEST_EXISTS));
}

#define LIVE_DOMAIN_XML \
  "<domain type='qemu' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>\n" \
  "  <name>hangar-live</name>\n" \
  "  <memory unit='MiB'>128</memory>\n" \
  "  <vcpu placement='static'>1</vcpu>\n" \
  "  <os>\n" \
  "    <type arch='x86_64' machine='pc'>hvm</type>\n" \
  "    <bios rebootTimeout='-1'/>\n" \
  "  </os>\n" \
  "  <features>\n" \
  "    <acpi/>\n" \
  "  </features>\n" \
  "  <devices>\n" \
  "    <disk type='file' device='disk'>\n" \
  "      <driver name='qemu' type='raw'/>\n" \
  "      <source file='@DIR@/boot.img'/>\n" \
  "      <target dev='hda' bus='ide'/>\n" \
  "      <boot order='1'/>\n" \
  "    </disk>\n" \
  "    <disk type='file' device='cdrom'>\n" \
  "      <driver name='qemu' type='raw'/>\n" \
  "      <source file='@DIR@/first.iso'/>\n" \
  "      <target dev='hdc' bus='ide'/>\n" \
  "      <readonly/>\n" \
  "    </disk>\n" \
  "    <interface type='user'>\n" \
  "      <mac address='52:54:00:4a:11:01'/>\n" \
  "      <model type='e1000'/>\n" \
  "    </interface>\n" \
  "    <graphics type='spice'>\n" \
  "      <listen type='none'/>\n" \
  "    </graphics>\n" \
  "  </devices>\n" \
  "  <qemu:commandline>\n" \
  "    <qemu:arg value='-chardev'/>\n" \
  "    <qemu:arg value='file,id=hangar-debugcon,path=@DIR@/firmware.log'/>\n" \
  "    <qemu:arg value='-device'/>\n" \
  "    <qemu:arg value='isa-debugcon,iobase=0x402,chardev=hangar-debugcon'/>\n" \
  "  </qemu:commandline>\n" \
  "</domain>\n"

#define EXTRA_DISK_XML \
  "<disk type='file' device='disk'>\n" \
  "  <driver name='qemu' type='raw'/>\n" \
  "  <source file='@DIR@/extra.img'/>\n" \
  "  <target dev='sda' bus='usb'/>\n" \
  "</disk>"

#define REDIRDEV_XML \
  "<redirdev bus='usb' type='spicevmc'/>"

#define EXTRA_NIC_XML \
  "<interface type='user'>\n" \
  "  <mac address='52:54:00:4a:11:02'/>\n" \
  "  <model type='e1000'/>\n" \
  "</interface>"

static char *
with_dir (const char *text,
          const char *dir)
{
  GString *string = g_string_new (text);

  g_string_replace (string, "@DIR@", dir, 0);

  return g_string_free (string, FALSE);
}

static HangarClonePlan *
load_plan_for (HangarDomain *domain)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  HangarClonePlan *plan;
  GAsyncResult *slot = NULL;

  hangar_clone_plan_load_async (domain, NULL, store_result_cb, &slot);
  result = wait_for_result (&slot);
  plan = hangar_clone_plan_load_finish (result, &error);
  g_assert_no_error (error);

  return plan;
}

/* Defines @text with @dir for its @DIR@ placeholders. */
static HangarDomain *
define_in (HangarConnection *connection,
           const char       *text,
           const char       *dir)
{
  g_autoptr(HangarDomainDoc) doc = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = with_dir (text, dir);
  GAsyncResult *slot = NULL;
  HangarDomain *domain;

  doc = hangar_domain_doc_new_from_string (xml, -1, NULL, &error);
  g_assert_no_error (error);
  hangar_connection_define_async (connection, doc, NULL, store_result_cb, &slot);
  result = wait_for_result (&slot);
  domain = hangar_connection_define_finish (connection, result, &error);
  g_assert_no_error (error);

  return domain;
}

static HangarDomainDoc *
load_doc (HangarDomain *domain)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  HangarDomainDoc *doc;
  GAsyncResult *slot = NULL;

  hangar_domain_load_doc_async (domain, TRUE, NULL, store_result_cb, &slot);
  result = wait_for_result (&slot);
  doc = hangar_domain_load_doc_finish (domain, result, &error);
  g_assert_no_error (error);

  return doc;
}

/* Applies @edited against @base and returns the report. */
static HangarApplyReport *
apply (HangarDomain    *domain,
       HangarDomainDoc *base,
       HangarDomainDoc *edited)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  HangarApplyReport *report = NULL;
  GAsyncResult *slot = NULL;

  hangar_domain_apply_async (domain, base, edited, NULL, store_result_cb, &slot);
  result = wait_for_result (&slot);
  g_assert_true (hangar_domain_apply_finish (domain, result, &report, &error));
  g_assert_no_error (error);

  for (unsigned i = 0; i < report->warnings->len; i++)
    g_test_message ("warning: %s", (const char *)g_ptr_array_index (report->warnings, i));
  for (unsigned i = 0; i < report->next_boot->len; i++)
    g_test_message ("next boot: %s", (const char *)g_ptr_array_index (report->next_boot, i));

  return report;
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

  for (unsigned i = 0; i < pending->len; i++)
    g_test_message ("pending: %s", (const char *)g_ptr_array_index (pending, i));

  return pending;
}

/* What the running guest has, as libvirt says. */
static char *
live_xml (HangarConnection *connection,
          HangarDomain     *domain)
{
  virConnectPtr conn = virConnectOpen (hangar_connection_get_uri (connection));
  virDomainPtr dom;
  char *xml;

  g_assert_nonnull (conn);
  dom = virDomainLookupByUUIDString (conn, hangar_domain_get_uuid (domain));
  g_assert_nonnull (dom);
  xml = virDomainGetXMLDesc (dom, 0);
  g_assert_nonnull (xml);
  virDomainFree (dom);
  virConnectClose (conn);

  return xml;
}

static void
run_lifecycle (HangarDomain       *domain,
               HangarDomainAction  action,
               HangarDomainState   state)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  hangar_domain_run_action_async (domain, action, NULL, store_result_cb, &slot);
  result = wait_for_result (&slot);
  g_assert_true (hangar_domain_run_action_finish (domain, result, &error));
  g_assert_no_error (error);
  wait_for_state (domain, state);
}

static void
count_change_cb (unsigned *count)
{
  (*count)++;
}

typedef struct
{
  HangarDomain *domain;
  gboolean      pending;
} PendingWait;

static gboolean
pending_reached (gpointer data)
{
  PendingWait *wait = data;

  return hangar_domain_get_has_pending_changes (wait->domain) == wait->pending;
}

static void
wait_for_pending (HangarDomain *domain,
                  gboolean      pending)
{
  PendingWait wait = { domain, pending };

  wait_until (pending_reached, &wait, pending ? "pending changes" : "no pending changes");
}

static gboolean
firmware_gave_up (gpointer data)
{
  g_autofree char *log = NULL;

  /* No event tells: look again at the next main loop wake-up or soon. */
  g_timeout_add_once (100, (GSourceOnceFunc)g_main_context_wakeup, NULL);

  return g_file_get_contents (data, &log, NULL, NULL) &&
         strstr (log, "No bootable device") != NULL;
}

/* SeaBIOS's debug output (QEMU's debugcon) says it found nothing to boot
 * and stopped. */
static void
wait_for_firmware (const char *log)
{
  wait_until (firmware_gave_up, (gpointer)log, "the firmware to give up booting");
}

static void
test_live_changes (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(HangarDomainDoc) doc = NULL;
  g_autoptr(HangarDomain) domain = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *second_iso = NULL;
  g_autofree char *extra = NULL;
  g_autofree char *live = NULL;
  g_autofree char *firmware_log = NULL;

  dir = g_build_filename (fixture->root, "live", NULL);
  firmware_log = g_build_filename (dir, "firmware.log", NULL);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  for (unsigned i = 0; i < 4; i++)
    {
      static const char * const names[] = { "boot.img", "first.iso", "second.iso", "extra.img" };
      g_autofree char *path = g_build_filename (dir, names[i], NULL);
      g_autofree char *zeros = g_malloc0 (1024 * 1024);

      g_file_set_contents (path, zeros, 1024 * 1024, &error);
      g_assert_no_error (error);
    }
  second_iso = g_build_filename (dir, "second.iso", NULL);

  domain = define_in (fixture->connection, LIVE_DOMAIN_XML, dir);

  /* Freshly started: the guest runs its persistent definition. */
  run_lifecycle (domain, HANGAR_DOMAIN_ACTION_START, HANGAR_DOMAIN_STATE_RUNNING);
  pending = pending_changes (domain);
  g_assert_cmpuint (pending->len, ==, 0);
  g_clear_pointer (&pending, g_ptr_array_unref);
  g_assert_false (hangar_domain_get_has_pending_changes (domain));

  /* SeaBIOS probes the CD-ROM while it starts, closing its tray as QEMU
   * opens it for a media change: wait until it gave up booting. */
  wait_for_firmware (firmware_log);
  /* New media in the CD-ROM and the cable pulled, on the running guest. */
  {
    g_autoptr(HangarDomainDoc) base = load_doc (domain);
    g_autoptr(HangarDomainDoc) edited = hangar_domain_doc_copy (base);
    g_autoptr(HangarApplyReport) report = NULL;
    HangarDevice *cdrom = hangar_domain_doc_get_device (edited, HANGAR_DEVICE_DISK, 1);
    HangarDevice *nic = hangar_domain_doc_get_device (edited, HANGAR_DEVICE_INTERFACE, 0);

    g_assert_true (hangar_device_set_string (cdrom, "source-file", second_iso, &error));
    g_assert_no_error (error);
    g_assert_true (hangar_device_set_string (nic, "link-state", "down", &error));
    g_assert_no_error (error);

    report = apply (domain, base, edited);
    g_assert_cmpuint (report->warnings->len, ==, 0);
    g_assert_cmpuint (report->next_boot->len, ==, 0);
    g_assert_cmpuint (report->live->len, ==, 2);
    g_assert_false (hangar_domain_get_has_pending_changes (domain));

    live = live_xml (fixture->connection, domain);
    g_assert_nonnull (strstr (live, second_iso));
    g_assert_nonnull (strstr (live, "<link state='down'/>"));
    g_clear_pointer (&live, g_free);
  }

  /* A disk plugged in and out again. */
  {
    g_autoptr(HangarDomainDoc) base = load_doc (domain);
    g_autoptr(HangarDomainDoc) edited = hangar_domain_doc_copy (base);
    g_autoptr(HangarDomainDoc) plugged = NULL;
    g_autoptr(HangarDomainDoc) unplugged = NULL;
    g_autoptr(HangarApplyReport) report = NULL;
    g_autoptr(HangarApplyReport) second = NULL;
    g_autofree char *disk_xml = with_dir (EXTRA_DISK_XML, dir);

    extra = g_build_filename (dir, "extra.img", NULL);
    g_assert_nonnull (hangar_domain_doc_add_device_xml (edited, disk_xml, &error));
    g_assert_no_error (error);
    report = apply (domain, base, edited);
    g_assert_cmpuint (report->warnings->len, ==, 0);
    g_assert_cmpuint (report->next_boot->len, ==, 0);
    g_assert_cmpuint (report->live->len, ==, 1);
    live = live_xml (fixture->connection, domain);
    g_assert_nonnull (strstr (live, extra));
    g_clear_pointer (&live, g_free);
    pending = pending_changes (domain);
    g_assert_cmpuint (pending->len, ==, 0);
    g_clear_pointer (&pending, g_ptr_array_unref);

    plugged = load_doc (domain);
    unplugged = hangar_domain_doc_copy (plugged);
    g_assert_cmpuint (hangar_domain_doc_count_devices (unplugged, "disk"), ==, 3);
    g_assert_true (hangar_domain_doc_remove_device (unplugged,
                                                    hangar_domain_doc_get_device (unplugged,
                                                                                  HANGAR_DEVICE_DISK,
                                                                                  2),
                                                    &error));
    g_assert_no_error (error);
    g_assert_cmpuint (hangar_domain_doc_count_devices (unplugged, "disk"), ==, 2);
    g_assert_cmpstr (hangar_domain_doc_get_disk_source_file (unplugged, 1), ==, second_iso);
    second = apply (domain, plugged, unplugged);
    g_assert_cmpuint (second->warnings->len, ==, 0);
    g_assert_cmpuint (second->live->len, ==, 1);
    live = live_xml (fixture->connection, domain);
    g_assert_null (strstr (live, extra));
    g_clear_pointer (&live, g_free);
    g_assert_false (hangar_domain_get_has_pending_changes (domain));
  }

  /* A USB device redirected from the SPICE client, plugged in and out. */
  {
    g_autoptr(HangarDomainDoc) base = load_doc (domain);
    g_autoptr(HangarDomainDoc) edited = hangar_domain_doc_copy (base);
    g_autoptr(HangarDomainDoc) plugged = NULL;
    g_autoptr(HangarDomainDoc) unplugged = NULL;
    g_autoptr(HangarApplyReport) report = NULL;
    g_autoptr(HangarApplyReport) second = NULL;

    g_assert_nonnull (hangar_domain_doc_add_device_xml (edited, REDIRDEV_XML, &error));
    g_assert_no_error (error);
    report = apply (domain, base, edited);
    g_assert_cmpuint (report->warnings->len, ==, 0);
    g_assert_cmpuint (report->live->len, ==, 1);
    g_assert_cmpuint (report->next_boot->len, ==, 0);
    live = live_xml (fixture->connection, domain);
    g_assert_nonnull (strstr (live, "<redirdev bus='usb' type='spicevmc'>"));
    g_clear_pointer (&live, g_free);
    pending = pending_changes (domain);
    g_assert_cmpuint (pending->len, ==, 0);
    g_clear_pointer (&pending, g_ptr_array_unref);

    plugged = load_doc (domain);
    unplugged = hangar_domain_doc_copy (plugged);
    g_assert_true (hangar_domain_doc_remove_device (unplugged,
                                                    hangar_domain_doc_get_device (unplugged,
                                                                                  HANGAR_DEVICE_REDIRDEV,
                                                                                  0),
                                                    &error));
    g_assert_no_error (error);
    second = apply (domain, plugged, unplugged);
    g_assert_cmpuint (second->warnings->len, ==, 0);
    g_assert_cmpuint (second->live->len, ==, 1);
    live = live_xml (fixture->connection, domain);
    g_assert_null (strstr (live, "<redirdev"));
    g_clear_pointer (&live, g_free);
    g_assert_false (hangar_domain_get_has_pending_changes (domain));
  }

  /* The CD-ROM emptied. */
  {
    g_autoptr(HangarDomainDoc) base = load_doc (domain);
    g_autoptr(HangarDomainDoc) edited = hangar_domain_doc_copy (base);
    g_autoptr(HangarApplyReport) report = NULL;
    HangarDevice *cdrom = hangar_domain_doc_get_device (edited, HANGAR_DEVICE_DISK, 1);

    g_assert_true (hangar_device_set_string (cdrom, "source-file", NULL, &error));
    g_assert_no_error (error);
    report = apply (domain, base, edited);
    g_assert_cmpuint (report->live->len, ==, 1);
    g_assert_cmpuint (report->next_boot->len, ==, 0);
    live = live_xml (fixture->connection, domain);
    g_assert_null (strstr (live, second_iso));
    g_clear_pointer (&live, g_free);
  }

  /* Another client plugs a disk in and out: the events alone tell, and
   * the pending state follows what the guest runs. */
  {
    g_autofree char *disk_xml = with_dir (EXTRA_DISK_XML, dir);
    unsigned changes = 0;
    virConnectPtr conn = virConnectOpen (hangar_connection_get_uri (fixture->connection));
    virDomainPtr dom = virDomainLookupByUUIDString (conn, hangar_domain_get_uuid (domain));

    g_signal_connect_swapped (domain, "definition-changed", G_CALLBACK (count_change_cb),
                              &changes);
    g_assert_cmpint (virDomainAttachDeviceFlags (dom, disk_xml, VIR_DOMAIN_AFFECT_LIVE), ==, 0);
    wait_for_pending (domain, TRUE);
    g_assert_cmpuint (changes, >=, 1);
    g_assert_cmpint (virDomainDetachDeviceFlags (dom, disk_xml, VIR_DOMAIN_AFFECT_LIVE), ==, 0);
    wait_for_pending (domain, FALSE);
    g_assert_cmpuint (changes, >=, 2);
    g_signal_handlers_disconnect_by_data (domain, &changes);
    virDomainFree (dom);
    virConnectClose (conn);
  }

  /* Less memory through the balloon: QEMU is asked live (this firmware
   * has no balloon driver to give the memory back, a guest OS would). */
  {
    g_autoptr(HangarDomainDoc) base = load_doc (domain);
    g_autoptr(HangarDomainDoc) edited = hangar_domain_doc_copy (base);
    g_autoptr(HangarApplyReport) report = NULL;

    g_assert_true (hangar_domain_doc_set_current_memory_kib (edited, 96 * 1024, &error));
    g_assert_no_error (error);
    report = apply (domain, base, edited);
    g_assert_cmpuint (report->warnings->len, ==, 0);
    g_assert_cmpuint (report->next_boot->len, ==, 0);
    g_assert_cmpuint (report->live->len, ==, 1);
    g_assert_cmpstr (g_ptr_array_index (report->live, 0), ==, "/domain/currentMemory");
    g_assert_false (hangar_domain_get_has_pending_changes (domain));
  }

  /* A second vCPU cannot arrive live (none was hot-pluggable): it waits
   * for the next boot. */
  {
    g_autoptr(HangarDomainDoc) base = load_doc (domain);
    g_autoptr(HangarDomainDoc) edited = hangar_domain_doc_copy (base);
    g_autoptr(HangarApplyReport) report = NULL;

    g_assert_true (hangar_domain_doc_set_vcpus (edited, 2, &error));
    g_assert_no_error (error);
    report = apply (domain, base, edited);
    g_assert_cmpuint (report->live->len, ==, 0);
    g_assert_cmpuint (report->next_boot->len, ==, 1);
    g_assert_cmpstr (g_ptr_array_index (report->next_boot, 0), ==, "/domain/vcpu");
    g_assert_true (hangar_domain_get_has_pending_changes (domain));

    pending = pending_changes (domain);
    g_assert_cmpuint (pending->len, ==, 1);
    g_assert_cmpstr (g_ptr_array_index (pending, 0), ==, "/domain/vcpu");
    g_clear_pointer (&pending, g_ptr_array_unref);
    live = live_xml (fixture->connection, domain);
    g_assert_nonnull (strstr (live, "<vcpu placement='static'>1</vcpu>"));
    g_clear_pointer (&live, g_free);
  }

  /* Still pending after a guest reboot (the same QEMU), gone once the
   * domain restarted. */
  run_lifecycle (domain, HANGAR_DOMAIN_ACTION_RESET, HANGAR_DOMAIN_STATE_RUNNING);
  pending = pending_changes (domain);
  g_assert_cmpuint (pending->len, ==, 1);
  g_clear_pointer (&pending, g_ptr_array_unref);
  g_assert_true (hangar_domain_get_has_pending_changes (domain));

  run_lifecycle (domain, HANGAR_DOMAIN_ACTION_FORCE_OFF, HANGAR_DOMAIN_STATE_SHUTOFF);
  g_assert_false (hangar_domain_get_has_pending_changes (domain));
  run_lifecycle (domain, HANGAR_DOMAIN_ACTION_START, HANGAR_DOMAIN_STATE_RUNNING);
  pending = pending_changes (domain);
  g_assert_cmpuint (pending->len, ==, 0);
  g_assert_false (hangar_domain_get_has_pending_changes (domain));
  live = live_xml (fixture->connection, domain);
  g_assert_nonnull (strstr (live, "<vcpu placement='static'>2</vcpu>"));
  g_clear_pointer (&live, g_free);

  /* A NIC plugged in on the PCI bus, and unplugged again: the firmware
   * has no ACPI hotplug, so the guest keeps it, which the user is told
   * instead of "applied". */
  {
    g_autoptr(HangarDomainDoc) base = load_doc (domain);
    g_autoptr(HangarDomainDoc) edited = hangar_domain_doc_copy (base);
    g_autoptr(HangarDomainDoc) plugged = NULL;
    g_autoptr(HangarDomainDoc) unplugged = NULL;
    g_autoptr(HangarApplyReport) report = NULL;
    g_autoptr(HangarApplyReport) second = NULL;

    g_assert_nonnull (hangar_domain_doc_add_device_xml (edited, EXTRA_NIC_XML, &error));
    g_assert_no_error (error);
    report = apply (domain, base, edited);
    g_assert_cmpuint (report->warnings->len, ==, 0);
    g_assert_cmpuint (report->live->len, ==, 1);
    g_assert_cmpuint (report->next_boot->len, ==, 0);
    live = live_xml (fixture->connection, domain);
    g_assert_nonnull (strstr (live, "52:54:00:4a:11:02"));
    g_clear_pointer (&live, g_free);
    g_assert_false (hangar_domain_get_has_pending_changes (domain));

    plugged = load_doc (domain);
    unplugged = hangar_domain_doc_copy (plugged);
    g_assert_true (hangar_domain_doc_remove_device (unplugged,
                                                    hangar_domain_doc_get_device (unplugged,
                                                                                  HANGAR_DEVICE_INTERFACE,
                                                                                  1),
                                                    &error));
    g_assert_no_error (error);
    second = apply (domain, plugged, unplugged);
    g_assert_cmpuint (second->live->len, ==, 0);
    g_assert_cmpuint (second->next_boot->len, ==, 1);
    g_assert_cmpuint (second->warnings->len, ==, 1);
    g_assert_nonnull (strstr (g_ptr_array_index (second->warnings, 0), "has not released"));
    g_assert_true (hangar_domain_get_has_pending_changes (domain));
    live = live_xml (fixture->connection, domain);
    g_assert_nonnull (strstr (live, "52:54:00:4a:11:02"));
    g_clear_pointer (&live, g_free);
  }

  /* The teardown destroys it. */
}

/* A guest that uses its disk and network as soon as it runs: SeaBIOS
 * reads the disk's boot sector, finds nothing to boot and tries the
 * network, where iPXE asks for DHCP.  A tap of the host (root only) is
 * the interface: libvirt counts its traffic, which it cannot do for
 * user-mode networking. */
#define BUSY_DOMAIN_XML \
  "<domain type='qemu'>\n" \
  "  <name>hangar-busy</name>\n" \
  "  <memory unit='MiB'>128</memory>\n" \
  "  <vcpu placement='static'>1</vcpu>\n" \
  "  <os>\n" \
  "    <type arch='x86_64' machine='pc'>hvm</type>\n" \
  "    <boot dev='hd'/>\n" \
  "    <boot dev='network'/>\n" \
  "  </os>\n" \
  "  <devices>\n" \
  "    <disk type='file' device='disk'>\n" \
  "      <driver name='qemu' type='raw'/>\n" \
  "      <source file='@DIR@/boot.img'/>\n" \
  "      <target dev='hda' bus='ide'/>\n" \
  "    </disk>\n" \
  "    <interface type='ethernet'>\n" \
  "      <model type='e1000'/>\n" \
  "    </interface>\n" \
  "  </devices>\n" \
  "</domain>\n"

typedef struct
{
  HangarDomain *domain;
  int           packet_fd;    /* sends frames to the guest's tap */
  unsigned      tap_index;
  gboolean      cpu;
  gboolean      memory;
  gboolean      disk_read;
  gboolean      net_rx;
  gboolean      net_tx;
} StatsSeen;

static void
stats_seen_cb (HangarDomain *domain,
               GParamSpec   *pspec,
               StatsSeen    *seen)
{
  const HangarDomainStats *stats = hangar_domain_get_stats (domain);

  if (stats == NULL)
    return;

  g_test_message ("cpu %.1f %%, memory %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
                  " KiB, disk %.0f/%.0f B/s, net %.0f/%.0f B/s",
                  stats->cpu_percent, stats->memory_used_kib, stats->memory_kib,
                  stats->disk_read_rate, stats->disk_write_rate,
                  stats->net_rx_rate, stats->net_tx_rate);

  seen->cpu |= stats->cpu_percent > 0;
  seen->memory |= stats->memory_kib == 128 * 1024 && stats->memory_used_kib > 0 &&
                  stats->memory_used_kib <= stats->memory_kib;
  seen->disk_read |= stats->disk_read_rate > 0;
  seen->net_rx |= stats->net_rx_rate > 0;
  seen->net_tx |= stats->net_tx_rate > 0;
}

/* One Ethernet broadcast from the host into the tap: the guest receives
 * it whatever it runs. */
static void
send_frame (StatsSeen *seen)
{
  struct sockaddr_ll addr = { 0, };
  guint8 frame[60] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff,   /* to everyone */
    0x02, 0x00, 0x00, 0x00, 0x00, 0x01,   /* from a local address */
    0x88, 0xb5,                           /* the local experimental type */
  };

  addr.sll_family = AF_PACKET;
  addr.sll_ifindex = seen->tap_index;
  addr.sll_halen = ETH_ALEN;
  memset (addr.sll_addr, 0xff, ETH_ALEN);
  sendto (seen->packet_fd, frame, sizeof frame, 0, (struct sockaddr *)&addr, sizeof addr);
}

static gboolean
all_stats_seen (gpointer data)
{
  StatsSeen *seen = data;

  if (!seen->net_rx)
    {
      send_frame (seen);
      /* No event tells when the next sample is due: look again soon. */
      g_timeout_add_once (100, (GSourceOnceFunc)g_main_context_wakeup, NULL);
    }

  return seen->cpu && seen->memory && seen->disk_read && seen->net_rx && seen->net_tx;
}

static gboolean
sampled_while_paused (gpointer data)
{
  HangarDomain *domain = data;

  return hangar_domain_get_state (domain) == HANGAR_DOMAIN_STATE_PAUSED &&
         hangar_domain_get_stats (domain) != NULL;
}

static void
test_stats (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(HangarDomain) domain = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *boot = NULL;
  g_autofree char *zeros = NULL;
  g_autofree char *live = NULL;
  g_autofree char *tap = NULL;
  HangarStatsSampler *sampler;
  StatsSeen seen = { NULL, };
  virConnectPtr conn;
  virDomainPtr dom;
  unsigned n_samples;
  const char *target;

  if (geteuid () != 0)
    {
      g_test_skip ("Counting a guest's network traffic needs a tap, which needs root");
      return;
    }

  dir = g_build_filename (fixture->root, "stats", NULL);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  boot = g_build_filename (dir, "boot.img", NULL);
  zeros = g_malloc0 (1024 * 1024);
  g_file_set_contents (boot, zeros, 1024 * 1024, &error);
  g_assert_no_error (error);

  domain = define_in (fixture->connection, BUSY_DOMAIN_XML, dir);

  sampler = hangar_connection_get_stats_sampler (fixture->connection);
  hangar_stats_sampler_set_interval (sampler, 250);
  seen.domain = domain;
  g_signal_connect (domain, "notify::stats", G_CALLBACK (stats_seen_cb), &seen);
  hangar_domain_watch_stats (domain);

  /* Started paused from another client, so that the first sample, the
   * base of the rates, comes before the guest ran at all. */
  conn = virConnectOpen (hangar_connection_get_uri (fixture->connection));
  g_assert_nonnull (conn);
  dom = virDomainLookupByUUIDString (conn, hangar_domain_get_uuid (domain));
  g_assert_nonnull (dom);
  g_assert_cmpint (virDomainCreateWithFlags (dom, VIR_DOMAIN_START_PAUSED), ==, 0);
  virDomainFree (dom);
  virConnectClose (conn);
  wait_until (sampled_while_paused, domain, "a sample of the paused guest");
  g_assert_cmpfloat (hangar_domain_get_stats (domain)->cpu_percent, <, 0);

  live = live_xml (fixture->connection, domain);
  target = strstr (live, "<interface type='ethernet'>");
  g_assert_nonnull (target);
  target = strstr (target, "<target dev='");
  g_assert_nonnull (target);
  tap = g_strndup (target + strlen ("<target dev='"), strcspn (target + strlen ("<target dev='"), "'"));
  seen.tap_index = if_nametoindex (tap);
  g_assert_cmpuint (seen.tap_index, >, 0);
  seen.packet_fd = socket (AF_PACKET, SOCK_RAW, htons (ETH_P_ALL));
  g_assert_cmpint (seen.packet_fd, >=, 0);

  /* Running: every figure a row shows moves. */
  run_lifecycle (domain, HANGAR_DOMAIN_ACTION_RESUME, HANGAR_DOMAIN_STATE_RUNNING);
  wait_until (all_stats_seen, &seen, "CPU, memory, disk and network figures");
  close (seen.packet_fd);
  hangar_domain_get_stats_history (domain, &n_samples);
  g_assert_cmpuint (n_samples, >, 2);

  /* Paused again, the guest uses no CPU. */
  run_lifecycle (domain, HANGAR_DOMAIN_ACTION_PAUSE, HANGAR_DOMAIN_STATE_PAUSED);
  {
    const HangarDomainStats *history = hangar_domain_get_stats_history (domain, &n_samples);
    gint64 paused_at = history[n_samples - 1].time;

    /* The first sample whose interval began after the pause. */
    for (;;)
      {
        unsigned n;

        g_main_context_iteration (NULL, TRUE);
        history = hangar_domain_get_stats_history (domain, &n);
        if (n < 2 || history[n - 2].time <= paused_at)
          continue;

        g_assert_cmpfloat (history[n - 1].cpu_percent, <, 1.0);
        break;
      }
  }

  run_lifecycle (domain, HANGAR_DOMAIN_ACTION_FORCE_OFF, HANGAR_DOMAIN_STATE_SHUTOFF);
  g_assert_null (hangar_domain_get_stats (domain));
  hangar_domain_unwatch_stats (domain);
  g_signal_handlers_disconnect_by_data (domain, &seen);
  hangar_stats_sampler_set_interval (sampler, HANGAR_STATS_DEFAULT_INTERVAL_MS);
}

/* UEFI with its variables in a file of the test's, and a qcow2 disk. */
#define EFI_DOMAIN_XML \
  "<domain type='qemu'>\n" \
  "  <name>hangar-efi</name>\n" \
  "  <memory unit='MiB'>128</memory>\n" \
  "  <vcpu placement='static'>1</vcpu>\n" \
  "  <os>\n" \
  "    <type arch='x86_64' machine='pc'>hvm</type>\n" \
  "    <loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE.fd</loader>\n" \
  "    <nvram>@DIR@/hangar-efi_VARS.fd</nvram>\n" \
  "  </os>\n" \
  "  <features>\n" \
  "    <acpi/>\n" \
  "  </features>\n" \
  "  <devices>\n" \
  "    <disk type='file' device='disk'>\n" \
  "      <driver name='qemu' type='qcow2'/>\n" \
  "      <source file='@DIR@/hangar-efi.qcow2'/>\n" \
  "      <target dev='vda' bus='virtio'/>\n" \
  "    </disk>\n" \
  "    <interface type='user'>\n" \
  "      <mac address='52:54:00:4a:11:99'/>\n" \
  "      <model type='e1000'/>\n" \
  "    </interface>\n" \
  "  </devices>\n" \
  "</domain>\n"

static int
run_qemu_img (const char * const *argv,
              char              **output)
{
  g_autoptr(GError) error = NULL;
  int status = -1;

  g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                output, NULL, &status, &error);
  g_assert_no_error (error);

  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static void
test_clone (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(HangarDomain) domain = NULL;
  g_autoptr(HangarDomain) clone = NULL;
  g_autoptr(HangarClonePlan) plan = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *disk = NULL;
  g_autofree char *disk_copy = NULL;
  g_autofree char *vars = NULL;
  g_autofree char *vars_copy = NULL;
  g_autofree char *vars_text = NULL;
  g_autofree char *copy_text = NULL;
  g_autofree char *info = NULL;
  g_autofree char *live = NULL;
  GAsyncResult *slot = NULL;
  gsize vars_length;
  gsize copy_length;
  const char *qemu_img = g_getenv ("HANGAR_QEMU_IMG");

  g_assert_nonnull (qemu_img);
  dir = g_build_filename (fixture->root, "clone", NULL);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  disk = g_build_filename (dir, "hangar-efi.qcow2", NULL);
  {
    const char *argv[] = { qemu_img, "create", "-q", "-f", "qcow2", disk, "16M", NULL };

    g_assert_cmpint (run_qemu_img (argv, NULL), ==, 0);
  }
  /* Variables of its own, as a guest would have written them: what the
   * clone must get is these bytes. */
  vars = g_build_filename (dir, "hangar-efi_VARS.fd", NULL);
  vars_length = 128 * 1024;
  vars_text = g_malloc (vars_length);
  for (gsize i = 0; i < vars_length; i++)
    vars_text[i] = (char)(i * 7 + i / 251);
  g_file_set_contents (vars, vars_text, vars_length, &error);
  g_assert_no_error (error);

  domain = define_in (fixture->connection, EFI_DOMAIN_XML, dir);

  plan = load_plan_for (domain);
  g_assert_cmpstr (hangar_clone_plan_get_name (plan), ==, "hangar-efi-clone");
  g_assert_true (hangar_clone_plan_get_has_nvram (plan));
  g_assert_cmpuint (hangar_clone_plan_get_n_disks (plan), ==, 1);
  /* No storage driver here: copied as a file. */
  g_assert_null (hangar_clone_plan_get_disk_reason (plan, 0));
  g_assert_cmpint (hangar_clone_plan_get_disk_mode (plan, 0), ==, HANGAR_CLONE_COPY);
  disk_copy = g_build_filename (dir, "hangar-efi-clone.qcow2", NULL);
  g_assert_cmpstr (hangar_clone_plan_get_disk_copy (plan, 0), ==, disk_copy);

  hangar_clone_plan_run_async (plan, NULL, store_result_cb, &slot);
  result = wait_for_result (&slot);
  clone = hangar_clone_plan_run_finish (plan, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (clone);
  g_assert_cmpstr (hangar_domain_get_name (clone), ==, "hangar-efi-clone");
  g_assert_true (hangar_connection_lookup_domain (fixture->connection,
                                                  "hangar-efi-clone") == clone);

  /* The disk copied in its own format, with the same content. */
  {
    const char *argv[] = { qemu_img, "info", "--output=json", disk_copy, NULL };
    const char *compare[] = { qemu_img, "compare", "-q", disk, disk_copy, NULL };

    g_assert_cmpint (run_qemu_img (argv, &info), ==, 0);
    g_assert_nonnull (strstr (info, "\"format\": \"qcow2\""));
    g_assert_nonnull (strstr (info, "\"virtual-size\": 16777216"));
    g_assert_cmpint (run_qemu_img (compare, NULL), ==, 0);
  }

  /* The variables copied as they were, for the clone alone. */
  vars_copy = g_build_filename (dir, "hangar-efi-clone_VARS.fd", NULL);
  g_file_get_contents (vars_copy, &copy_text, &copy_length, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (copy_text, copy_length, vars_text, vars_length);

  /* Both run at once: QEMU locks a disk image that one guest writes, so
   * a shared disk would refuse the second start. */
  run_lifecycle (domain, HANGAR_DOMAIN_ACTION_START, HANGAR_DOMAIN_STATE_RUNNING);
  run_lifecycle (clone, HANGAR_DOMAIN_ACTION_START, HANGAR_DOMAIN_STATE_RUNNING);
  live = live_xml (fixture->connection, clone);
  g_assert_nonnull (strstr (live, disk_copy));
  g_assert_nonnull (strstr (live, vars_copy));
  g_assert_null (strstr (live, "52:54:00:4a:11:99"));
  g_assert_nonnull (strstr (live, hangar_domain_get_uuid (clone)));
  g_assert_cmpstr (hangar_domain_get_uuid (clone), !=, hangar_domain_get_uuid (domain));

  /* Running, it cannot be cloned: its disk would change under the copy. */
  {
    g_autoptr(HangarClonePlan) again = load_plan_for (clone);

    g_assert_cmpstr (hangar_clone_plan_get_name (again), ==, "hangar-efi-clone-clone");
    g_clear_object (&result);
    hangar_clone_plan_run_async (again, NULL, store_result_cb, &slot);
    result = wait_for_result (&slot);
    g_assert_null (hangar_clone_plan_run_finish (again, result, &error));
    g_assert_error (error, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_INVALID_STATE);
    g_clear_error (&error);
  }

  /* The teardown destroys both. */
}

#define NVRAM_DOMAIN_XML \
  "<domain type='qemu'>\n" \
  "  <name>hangar-nvram-%s</name>\n" \
  "  <memory unit='MiB'>64</memory>\n" \
  "  <vcpu>1</vcpu>\n" \
  "  <os>\n" \
  "    <type arch='x86_64' machine='pc'>hvm</type>\n" \
  "    <loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE.fd</loader>\n" \
  "    <nvram%s>%s</nvram>\n" \
  "  </os>\n" \
  "  <features>\n" \
  "    <acpi/>\n" \
  "  </features>\n" \
  "</domain>\n"

static void
undefine_domain (HangarDomain *domain)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  hangar_domain_undefine_async (domain, NULL, store_result_cb, &slot);
  result = wait_for_result (&slot);
  g_assert_true (hangar_domain_undefine_finish (domain, result, &error));
  g_assert_no_error (error);
}

static void
test_undefine_nvram (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *dir = g_build_filename (fixture->root, "nvram", NULL);
  g_autofree char *own = g_build_filename (dir, "own_VARS.fd", NULL);
  g_autofree char *shared = g_build_filename (dir, "TEMPLATE_VARS.fd", NULL);
  g_autofree char *own_xml = NULL;
  g_autofree char *shared_xml = NULL;
  g_autofree char *shared_attr = NULL;
  g_autoptr(HangarDomain) owner = NULL;
  g_autoptr(HangarDomain) borrower = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (own, "variables", -1, &error);
  g_assert_no_error (error);
  g_file_set_contents (shared, "template", -1, &error);
  g_assert_no_error (error);

  /* Its own variables go with the definition. */
  own_xml = g_strdup_printf (NVRAM_DOMAIN_XML, "own", "", own);
  owner = define_in (fixture->connection, own_xml, dir);
  undefine_domain (owner);
  g_assert_false (g_file_test (own, G_FILE_TEST_EXISTS));

  /* A firmware template named as the variables file is not the
   * domain's: deleting it would take it from every other guest. */
  shared_attr = g_strdup_printf (" template='%s'", shared);
  shared_xml = g_strdup_printf (NVRAM_DOMAIN_XML, "shared", shared_attr, shared);
  borrower = define_in (fixture->connection, shared_xml, dir);
  undefine_domain (borrower);
  g_assert_null (hangar_connection_lookup_domain (fixture->connection, "hangar-nvram-shared"));
  g_assert_true (g_file_test (shared, G_FILE_TEST_EXISTS));
}

/* The shared Linux guest, which handles ACPI hotplug, with a NIC to
 * unplug and its serial console in a file. */
#define LINUX_DOMAIN_XML \
  "<domain type='qemu'>\n" \
  "  <name>hangar-linux</name>\n" \
  "  <memory unit='MiB'>256</memory>\n" \
  "  <vcpu>1</vcpu>\n" \
  "  <os>\n" \
  "    <type arch='x86_64' machine='pc'>hvm</type>\n" \
  "    <kernel>@GUEST@/out/vmlinux-amd64</kernel>\n" \
  "    <initrd>@GUEST@/out/initramfs-amd64.cpio.gz</initrd>\n" \
  "    <cmdline>console=ttyS0 hangar.anim=0</cmdline>\n" \
  "  </os>\n" \
  "  <features>\n" \
  "    <acpi/>\n" \
  "  </features>\n" \
  "  <devices>\n" \
  "    <interface type='user'>\n" \
  "      <mac address='52:54:00:4a:11:55'/>\n" \
  "      <model type='e1000'/>\n" \
  "    </interface>\n" \
  "    <serial type='file'>\n" \
  "      <source path='@DIR@/serial.log'/>\n" \
  "      <target port='0'/>\n" \
  "    </serial>\n" \
  "    <memballoon model='none'/>\n" \
  "  </devices>\n" \
  "</domain>\n"

static gboolean
guest_booted (gpointer data)
{
  g_autofree char *log = NULL;

  /* No event tells: look again at the next main loop wake-up or soon. */
  g_timeout_add_once (200, (GSourceOnceFunc)g_main_context_wakeup, NULL);

  /* The shell's prompt on the serial port. */
  return g_file_get_contents (data, &log, NULL, NULL) && strstr (log, "hangar") != NULL &&
         strstr (log, "# ") != NULL;
}

typedef struct
{
  HangarConnection *connection;
  HangarDomain     *domain;
} GoneWait;

static gboolean
nic_gone (gpointer data)
{
  GoneWait *wait = data;
  g_autofree char *live = live_xml (wait->connection, wait->domain);

  return strstr (live, "52:54:00:4a:11:55") == NULL &&
         !hangar_domain_get_has_pending_changes (wait->domain);
}

static void
test_unplug_released (Fixture       *fixture,
                      gconstpointer  data)
{
  const char *guest_dir = g_getenv ("HANGAR_GUEST_DIR");
  g_autofree char *kernel = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *text = NULL;
  g_autofree char *serial = NULL;
  g_autoptr(HangarDomain) domain = NULL;
  g_autoptr(HangarDomainDoc) base = NULL;
  g_autoptr(HangarDomainDoc) edited = NULL;
  g_autoptr(HangarApplyReport) report = NULL;
  g_autoptr(GError) error = NULL;
  GString *xml;
  unsigned changes = 0;

  kernel = guest_dir != NULL ? g_build_filename (guest_dir, "out", "vmlinux-amd64", NULL) : NULL;
  if (kernel == NULL || !g_file_test (kernel, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("The shared Linux guest is not built (HANGAR_GUEST_DIR)");
      return;
    }

  dir = g_build_filename (fixture->root, "linux", NULL);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  serial = g_build_filename (dir, "serial.log", NULL);
  xml = g_string_new (LINUX_DOMAIN_XML);
  g_string_replace (xml, "@GUEST@", guest_dir, 0);
  text = g_string_free (xml, FALSE);
  domain = define_in (fixture->connection, text, dir);
  g_signal_connect_swapped (domain, "definition-changed", G_CALLBACK (count_change_cb),
                            &changes);

  run_lifecycle (domain, HANGAR_DOMAIN_ACTION_START, HANGAR_DOMAIN_STATE_RUNNING);
  wait_until (guest_booted, serial, "the guest's shell");

  /* Unplugged: the guest's kernel ejects it through ACPI. */
  base = load_doc (domain);
  edited = hangar_domain_doc_copy (base);
  g_assert_true (hangar_domain_doc_remove_device (edited,
                                                  hangar_domain_doc_get_device (edited,
                                                                                HANGAR_DEVICE_INTERFACE,
                                                                                0),
                                                  &error));
  g_assert_no_error (error);
  report = apply (domain, base, edited);

  /* Within libvirt's wait it is applied; a guest slower than that was
   * said not to have released it yet, and its DEVICE_REMOVED event
   * brings the news later.  Either way the NIC leaves the guest and
   * nothing stays pending. */
  if (report->live->len == 1)
    g_assert_cmpuint (report->warnings->len, ==, 0);
  else
    {
      g_assert_cmpuint (report->next_boot->len, ==, 1);
      g_assert_nonnull (strstr (g_ptr_array_index (report->warnings, 0), "has not released"));
    }
  {
    GoneWait wait = { fixture->connection, domain };

    wait_until (nic_gone, &wait, "the guest to release the NIC");
  }
  g_assert_cmpuint (changes, >=, 1);
  g_signal_handlers_disconnect_by_data (domain, &changes);

  /* The teardown destroys it. */
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  clean_leftovers ();

  g_test_add_func ("/hangar/embed/prepare-root", test_prepare_root);
  g_test_add ("/hangar/embed/cpu-mode", Fixture, NULL,
              fixture_set_up, test_cpu_mode, fixture_tear_down);
  g_test_add ("/hangar/embed/seed", Fixture, NULL,
              fixture_set_up, test_seed, fixture_tear_down);
  g_test_add ("/hangar/embed/stats", Fixture, NULL,
              fixture_set_up, test_stats, fixture_tear_down);
  g_test_add ("/hangar/embed/clone", Fixture, NULL,
              fixture_set_up, test_clone, fixture_tear_down);
  g_test_add ("/hangar/embed/undefine-nvram", Fixture, NULL,
              fixture_set_up, test_undefine_nvram, fixture_tear_down);
  g_test_add ("/hangar/embed/unplug-released", Fixture, NULL,
              fixture_set_up, test_unplug_released, fixture_tear_down);
  g_test_add ("/hangar/embed/live-changes", Fixture, NULL,
              fixture_set_up, test_live_changes, fixture_tear_down);

  ret = g_test_run ();

  close_shared_connection ();

  return ret;
}
