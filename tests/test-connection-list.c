/* test-connection-list.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The connections the application keeps: URIs from the Add Connection
 * dialog's parts, the list remembered in GSettings, and the credentials
 * libvirt asks for while opening, on libvirt's test driver (whose host
 * files can require a user name and password).
 */

#define G_LOG_DOMAIN "test-connection-list"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "hangar-auth-request.h"
#include "hangar-connection-list.h"
#include "hangar-connection-uri.h"
#include "hangar-event-loop.h"
#include "hangar-test-loop.h"
#include "hangar-virt-error.h"

#define TIMEOUT_SECONDS 30
#define PASSWORD "open-sesame-7f3a"

static char *tmp_dir;
static GString *log_text;   /* everything GLib logged, to look for secrets */

static GLogWriterOutput
record_log_cb (GLogLevelFlags   level,
               const GLogField *fields,
               gsize            n_fields,
               gpointer         user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    if (g_strcmp0 (fields[i].key, "MESSAGE") == 0)
      {
        g_string_append_len (log_text, fields[i].value,
                             fields[i].length < 0 ? (gssize)strlen (fields[i].value)
                                                  : fields[i].length);
        g_string_append_c (log_text, '\n');
      }

  /* Debug messages are only looked at: on stdout they would break TAP. */
  if (level & (G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_INFO))
    return G_LOG_WRITER_HANDLED;

  return g_log_writer_default (level, fields, n_fields, user_data);
}

static gboolean
in_final_state (gpointer data)
{
  HangarConnectionState state = hangar_connection_get_state (data);

  return state != HANGAR_CONNECTION_CONNECTING;
}

static gboolean
flag_set (gpointer data)
{
  return g_atomic_int_get ((gboolean *)data);
}


/* URIs */

static void
test_uri_build (void)
{
  g_autoptr(GError) error = NULL;
  char *uri;

  uri = hangar_connection_uri_build (HANGAR_HYPERVISOR_QEMU, HANGAR_TRANSPORT_LOCAL,
                                     "ignored", "ignored", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (uri, ==, "qemu:///system");
  g_free (uri);

  uri = hangar_connection_uri_build (HANGAR_HYPERVISOR_QEMU, HANGAR_TRANSPORT_SSH,
                                     " alice ", "host.example.org", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (uri, ==, "qemu+ssh://alice@host.example.org/system");
  g_free (uri);

  uri = hangar_connection_uri_build (HANGAR_HYPERVISOR_QEMU_SESSION, HANGAR_TRANSPORT_LIBSSH,
                                     "", "10.0.0.7:2222", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (uri, ==, "qemu+libssh://10.0.0.7:2222/session");
  g_free (uri);

  uri = hangar_connection_uri_build (HANGAR_HYPERVISOR_TEST, HANGAR_TRANSPORT_TCP,
                                     NULL, "[::1]:16509", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (uri, ==, "test+tcp://[::1]:16509/default");
  g_free (uri);

  uri = hangar_connection_uri_build (HANGAR_HYPERVISOR_QEMU_EMBED, HANGAR_TRANSPORT_LOCAL,
                                     NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (uri, ==, HANGAR_EMBED_URI_ALIAS);
  g_free (uri);

  /* Each refusal names what is wrong. */
  g_assert_null (hangar_connection_uri_build (HANGAR_HYPERVISOR_QEMU, HANGAR_TRANSPORT_TLS,
                                              "alice", "  ", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "host"));
  g_clear_error (&error);

  g_assert_null (hangar_connection_uri_build (HANGAR_HYPERVISOR_QEMU, HANGAR_TRANSPORT_TLS,
                                              "alice", "bad host/x", &error));
  g_assert_nonnull (strstr (error->message, "“bad host/x”"));
  g_clear_error (&error);

  g_assert_null (hangar_connection_uri_build (HANGAR_HYPERVISOR_QEMU, HANGAR_TRANSPORT_SSH,
                                              "alice", "host:99999", &error));
  g_assert_nonnull (strstr (error->message, "“host:99999”"));
  g_clear_error (&error);

  g_assert_null (hangar_connection_uri_build (HANGAR_HYPERVISOR_QEMU, HANGAR_TRANSPORT_SSH,
                                              "al@ice", "host", &error));
  g_assert_nonnull (strstr (error->message, "“al@ice”"));
  g_clear_error (&error);

  g_assert_null (hangar_connection_uri_build (HANGAR_HYPERVISOR_QEMU_EMBED, HANGAR_TRANSPORT_SSH,
                                              NULL, "host", &error));
  g_assert_nonnull (strstr (error->message, "embedded"));
  g_clear_error (&error);

  g_assert_true (hangar_connection_uri_validate (" qemu+ssh://root@h/system?keyfile=/k ", &error));
  g_assert_no_error (error);
  g_assert_false (hangar_connection_uri_validate ("", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (hangar_connection_uri_validate ("not a uri", &error));
  g_assert_nonnull (strstr (error->message, "“not a uri”"));
  g_clear_error (&error);
}

static void
test_uri_describe (void)
{
  static const struct
  {
    const char *uri;
    const char *title;
  } cases[] = {
    { "qemu:///embed?root=/home/a/.local/share/hangar/embed", "QEMU, embedded" },
    { "qemu:///system", "QEMU/KVM" },
    { "qemu:///session", "QEMU/KVM user session" },
    { "qemu+ssh://alice@host.example.org/system", "QEMU/KVM on alice@host.example.org" },
    { "qemu+tls://host/system", "QEMU/KVM on host" },
    { "test:///default", "Test driver" },
    { "test:///tmp/hosts/big.xml", "Test driver (big.xml)" },
    { "test+tcp://127.0.0.1:16509/default", "Test driver on 127.0.0.1" },
    { "vbox:///session", "vbox:///session" },
  };

  for (unsigned i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *title = hangar_connection_uri_describe (cases[i].uri);

      g_assert_cmpstr (title, ==, cases[i].title);
    }

  g_assert_true (hangar_connection_uri_is_openssh ("qemu+ssh://h/system"));
  g_assert_false (hangar_connection_uri_is_openssh ("qemu+libssh://h/system"));
  g_assert_false (hangar_connection_uri_is_openssh ("qemu:///system"));
}


/* The saved list */

static char *
saved_value (GSettings *settings)
{
  g_autoptr(GVariant) value = g_settings_get_value (settings, "connections");

  return g_variant_print (value, FALSE);
}

static void
test_saved (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(HangarConnectionList) list = NULL;
  g_autoptr(HangarConnectionList) again = NULL;
  g_autofree char *embed_root = g_build_filename (tmp_dir, "data", "hangar", "embed", NULL);
  g_autofree char *embed_uri = NULL;
  g_autofree char *value = NULL;
  g_autoptr(GError) error = NULL;
  HangarConnection *embed;
  HangarConnection *test;
  HangarConnection *transient;

  g_settings_reset (settings, "connections");

  /* At first the embedded driver is the one connection, set to connect
   * automatically. */
  list = hangar_connection_list_new (settings);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);
  embed = g_list_model_get_item (G_LIST_MODEL (list), 0);
  g_object_unref (embed);
  embed_uri = g_strconcat ("qemu:///embed?root=", embed_root, NULL);
  g_assert_cmpstr (hangar_connection_get_uri (embed), ==, embed_uri);
  g_assert_cmpstr (hangar_connection_get_title (embed), ==, "QEMU, embedded");
  g_assert_true (hangar_connection_list_get_saved (list, embed));
  g_assert_true (hangar_connection_list_get_autoconnect (list, embed));
  g_assert_true (g_file_test (embed_root, G_FILE_TEST_IS_DIR));
  g_assert_true (hangar_connection_list_lookup (list, HANGAR_EMBED_URI_ALIAS) == embed);

  /* Added from the dialog: saved at once. */
  test = hangar_connection_list_add (list, "test:///default", TRUE, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);
  value = saved_value (settings);
  g_assert_cmpstr (value, ==, "[('qemu:///embed', true), ('test:///default', true)]");
  g_clear_pointer (&value, g_free);

  /* The same URI again is the same connection. */
  g_assert_true (hangar_connection_list_add (list, "test:///default", TRUE, FALSE, NULL) == test);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);

  /* One from the command line is listed, not remembered. */
  transient = hangar_connection_list_add (list, "test:///nonexistent.xml", FALSE, FALSE, &error);
  g_assert_no_error (error);
  g_assert_false (hangar_connection_list_get_saved (list, transient));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 3);
  value = saved_value (settings);
  g_assert_cmpstr (value, ==, "[('qemu:///embed', true), ('test:///default', true)]");
  g_clear_pointer (&value, g_free);

  hangar_connection_list_set_autoconnect (list, embed, FALSE);
  value = saved_value (settings);
  g_assert_cmpstr (value, ==, "[('qemu:///embed', false), ('test:///default', true)]");
  g_clear_pointer (&value, g_free);

  /* The next start finds the same list. */
  again = hangar_connection_list_new (settings);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (again)), ==, 2);
  g_assert_nonnull (hangar_connection_list_lookup (again, "test:///default"));
  g_assert_true (hangar_connection_list_get_autoconnect (again,
                                                         hangar_connection_list_lookup (again, "test:///default")));
  g_assert_false (hangar_connection_list_get_autoconnect (again,
                                                          hangar_connection_list_lookup (again, embed_uri)));

  /* Only those set to connect automatically open. */
  hangar_connection_list_open_autoconnect (list);
  g_assert_cmpint (hangar_connection_get_state (test), ==, HANGAR_CONNECTION_CONNECTING);
  g_assert_cmpint (hangar_connection_get_state (embed), ==, HANGAR_CONNECTION_DISCONNECTED);
  g_assert_cmpint (hangar_connection_get_state (transient), ==, HANGAR_CONNECTION_DISCONNECTED);
  hangar_test_wait_until (in_final_state, test, TIMEOUT_SECONDS, "test:///default to open");
  g_assert_cmpint (hangar_connection_get_state (test), ==, HANGAR_CONNECTION_CONNECTED);
  g_assert_cmpuint (g_list_model_get_n_items (hangar_connection_get_domains (test)), ==, 1);

  /* A failed open says why on the connection. */
  hangar_connection_list_open (list, transient);
  hangar_test_wait_until (in_final_state, transient, TIMEOUT_SECONDS,
                          "a missing host file to fail");
  g_assert_cmpint (hangar_connection_get_state (transient), ==, HANGAR_CONNECTION_DISCONNECTED);
  g_assert_nonnull (strstr (hangar_connection_get_error (transient), "test:///nonexistent.xml"));
  g_assert_false (hangar_connection_get_reconnecting (transient));

  /* Removing closes and forgets. */
  g_object_ref (test);
  hangar_connection_list_remove (list, test);
  g_assert_cmpint (hangar_connection_get_state (test), ==, HANGAR_CONNECTION_DISCONNECTED);
  g_assert_null (hangar_connection_list_lookup (list, "test:///default"));
  g_object_unref (test);
  value = saved_value (settings);
  g_assert_cmpstr (value, ==, "[('qemu:///embed', false)]");
}


/* Credentials */

static char *
write_auth_host (const char *name)
{
  char *path = g_build_filename (tmp_dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path,
                       "<node>\n"
                       "  <auth>\n"
                       "    <user password='" PASSWORD "'>alice</user>\n"
                       "  </auth>\n"
                       "  <domain type='test'>\n"
                       "    <name>guarded</name>\n"
                       "    <memory>65536</memory>\n"
                       "    <os><type>hvm</type></os>\n"
                       "  </domain>\n"
                       "</node>\n", -1, &error);
  g_assert_no_error (error);

  return path;
}

typedef enum
{
  ANSWER_RIGHT,
  ANSWER_WRONG,
  ANSWER_CANCEL,
  ANSWER_LATER,   /* keeps the request open */
} Answer;

typedef struct
{
  Answer             answer;
  unsigned           asked;
  HangarAuthRequest *request;
  gboolean           saw_username;
  gboolean           saw_password;
} Asker;

static gboolean
authenticate_cb (HangarConnectionList *list,
                 HangarConnection     *connection,
                 HangarAuthRequest    *request,
                 Asker                *asker)
{
  unsigned n = hangar_auth_request_get_n_fields (request);

  asker->asked++;
  g_set_object (&asker->request, request);
  g_assert_cmpstr (hangar_auth_request_get_uri (request), ==,
                   hangar_connection_get_uri (connection));

  for (unsigned i = 0; i < n; i++)
    {
      HangarAuthFieldKind kind = hangar_auth_request_get_kind (request, i);

      g_test_message ("asked: %s (%d)", hangar_auth_request_get_prompt (request, i), kind);
      if (kind == HANGAR_AUTH_FIELD_USERNAME)
        {
          asker->saw_username = TRUE;
          hangar_auth_request_set_answer (request, i, "alice");
        }
      else if (kind == HANGAR_AUTH_FIELD_PASSWORD)
        {
          asker->saw_password = TRUE;
          hangar_auth_request_set_answer (request, i,
                                          asker->answer == ANSWER_WRONG ? "guess" : PASSWORD);
        }
    }

  switch (asker->answer)
    {
    case ANSWER_RIGHT:
    case ANSWER_WRONG:
      hangar_auth_request_respond (request);
      break;

    case ANSWER_CANCEL:
      hangar_auth_request_cancel (request);
      break;

    case ANSWER_LATER:
    default:
      break;
    }

  return TRUE;
}

static HangarConnection *
open_with (HangarConnectionList *list,
           const char           *uri,
           Asker                *asker)
{
  g_autoptr(GError) error = NULL;
  HangarConnection *connection;
  gulong id;

  id = g_signal_connect (list, "authenticate", G_CALLBACK (authenticate_cb), asker);
  connection = hangar_connection_list_add (list, uri, FALSE, FALSE, &error);
  g_assert_no_error (error);
  hangar_connection_list_open (list, connection);
  if (asker->answer == ANSWER_LATER)
    {
      while (asker->request == NULL)
        g_main_context_iteration (NULL, TRUE);
    }
  else
    {
      hangar_test_wait_until (in_final_state, connection, TIMEOUT_SECONDS, uri);
    }
  g_signal_handler_disconnect (list, id);

  return connection;
}

static void
test_auth (void)
{
  g_autoptr(HangarConnectionList) list = hangar_connection_list_new (NULL);
  g_autofree char *host = write_auth_host ("auth-right.xml");
  g_autofree char *uri = g_strconcat ("test://", host, NULL);
  Asker asker = { ANSWER_RIGHT };
  HangarConnection *connection;

  g_string_truncate (log_text, 0);
  connection = open_with (list, uri, &asker);

  g_assert_cmpuint (asker.asked, >=, 1);
  g_assert_true (asker.saw_username && asker.saw_password);
  g_assert_cmpint (hangar_connection_get_state (connection), ==, HANGAR_CONNECTION_CONNECTED);
  g_assert_null (hangar_connection_get_error (connection));
  g_assert_nonnull (hangar_connection_lookup_domain (connection, "guarded"));

  /* Handed to libvirt, the answers are gone from the request. */
  for (unsigned i = 0; i < hangar_auth_request_get_n_fields (asker.request); i++)
    g_assert_null (hangar_auth_request_steal_answer (asker.request, i));
  g_clear_object (&asker.request);

  /* Nothing logged the password, debug messages included. */
  g_assert_null (strstr (log_text->str, PASSWORD));
  g_assert_nonnull (strstr (log_text->str, "Credentials for"));

  hangar_connection_list_remove (list, connection);
}

static void
test_auth_refused (void)
{
  g_autoptr(HangarConnectionList) list = hangar_connection_list_new (NULL);
  g_autofree char *host = write_auth_host ("auth-wrong.xml");
  g_autofree char *uri = g_strconcat ("test://", host, NULL);
  Asker wrong = { ANSWER_WRONG };
  Asker cancel = { ANSWER_CANCEL };
  HangarConnection *connection;

  /* A wrong password: libvirt's reason, and no reconnecting. */
  connection = open_with (list, uri, &wrong);
  g_assert_cmpint (hangar_connection_get_state (connection), ==, HANGAR_CONNECTION_DISCONNECTED);
  g_assert_nonnull (strstr (hangar_connection_get_error (connection), "authentication failed"));
  g_assert_false (hangar_connection_get_reconnecting (connection));
  g_clear_object (&wrong.request);

  /* Cancelled by the user. */
  hangar_connection_list_remove (list, connection);
  connection = open_with (list, uri, &cancel);
  g_assert_cmpint (hangar_connection_get_state (connection), ==, HANGAR_CONNECTION_DISCONNECTED);
  g_assert_nonnull (strstr (hangar_connection_get_error (connection), "no credentials were given"));
  g_assert_true (hangar_auth_request_get_finished (cancel.request));
  g_clear_object (&cancel.request);

  /* Nobody to ask: the same, at once. */
  {
    g_autoptr(GError) error = NULL;

    hangar_connection_list_remove (list, connection);
    connection = hangar_connection_list_add (list, uri, FALSE, FALSE, &error);
    g_assert_no_error (error);
    hangar_connection_list_open (list, connection);
    hangar_test_wait_until (in_final_state, connection, TIMEOUT_SECONDS,
                            "an open without a credentials handler");
    g_assert_cmpint (hangar_connection_get_state (connection), ==,
                     HANGAR_CONNECTION_DISCONNECTED);
    g_assert_nonnull (strstr (hangar_connection_get_error (connection),
                              "no credentials were given"));
  }
}

static void
finished_cb (HangarAuthRequest *request,
             GParamSpec        *pspec,
             gboolean          *finished)
{
  *finished = hangar_auth_request_get_finished (request);
}

static void
test_auth_closed (void)
{
  g_autoptr(HangarConnectionList) list = hangar_connection_list_new (NULL);
  g_autofree char *host = write_auth_host ("auth-closed.xml");
  g_autofree char *uri = g_strconcat ("test://", host, NULL);
  Asker later = { ANSWER_LATER };
  HangarConnection *connection;
  gboolean finished = FALSE;

  /* The dialog is up when the user closes the connection: the question
   * goes away, and the opening thread is not left waiting. */
  connection = open_with (list, uri, &later);
  g_signal_connect (later.request, "notify::finished", G_CALLBACK (finished_cb), &finished);
  g_assert_cmpint (hangar_connection_get_state (connection), ==, HANGAR_CONNECTION_CONNECTING);

  hangar_connection_close (connection);
  g_assert_cmpint (hangar_connection_get_state (connection), ==, HANGAR_CONNECTION_DISCONNECTED);
  hangar_test_wait_until (flag_set, &finished, TIMEOUT_SECONDS, "the request to finish");
  g_assert_true (hangar_auth_request_get_finished (later.request));

  /* Answering now changes nothing. */
  hangar_auth_request_set_answer (later.request, 0, "alice");
  hangar_auth_request_respond (later.request);
  g_assert_null (hangar_auth_request_steal_answer (later.request, 0));
  g_clear_object (&later.request);

  /* And the connection opens normally afterwards. */
  {
    Asker right = { ANSWER_RIGHT };
    gulong id = g_signal_connect (list, "authenticate", G_CALLBACK (authenticate_cb), &right);

    hangar_connection_list_open (list, connection);
    hangar_test_wait_until (in_final_state, connection, TIMEOUT_SECONDS, "the second open");
    g_assert_cmpint (hangar_connection_get_state (connection), ==, HANGAR_CONNECTION_CONNECTED);
    g_signal_handler_disconnect (list, id);
    g_clear_object (&right.request);
  }
}

typedef struct
{
  HangarAuthRequest *request;
  GCancellable      *cancellable;
  gboolean           answered;
  char              *answer;
  gboolean           done;
} Waiter;

static gpointer
waiter_thread (gpointer data)
{
  Waiter *waiter = data;

  waiter->answered = hangar_auth_request_wait (waiter->request, waiter->cancellable);
  if (waiter->answered)
    waiter->answer = hangar_auth_request_steal_answer (waiter->request, 0);
  g_atomic_int_set (&waiter->done, TRUE);
  g_main_context_wakeup (NULL);

  return NULL;
}

static void
test_auth_request (void)
{
  Waiter waiter = { 0 };
  GThread *thread;
  gboolean finished = FALSE;

  /* Answered from the main context while another thread waits. */
  waiter.request = hangar_auth_request_new ("test:///x", NULL);
  hangar_auth_request_add_field (waiter.request, HANGAR_AUTH_FIELD_PASSWORD, "Password:", NULL);
  hangar_auth_request_add_field (waiter.request, HANGAR_AUTH_FIELD_USERNAME, "User:", "root");
  g_signal_connect (waiter.request, "notify::finished", G_CALLBACK (finished_cb), &finished);
  thread = g_thread_new ("waiter", waiter_thread, &waiter);
  hangar_auth_request_set_answer (waiter.request, 0, "s3cret");
  hangar_auth_request_respond (waiter.request);
  g_thread_join (thread);
  g_assert_true (waiter.answered);
  g_assert_cmpstr (waiter.answer, ==, "s3cret");
  /* The suggestion answers a field left alone. */
  {
    char *user = hangar_auth_request_steal_answer (waiter.request, 1);

    g_assert_cmpstr (user, ==, "root");
    hangar_secret_free (user);
  }
  hangar_test_wait_until (flag_set, &finished, TIMEOUT_SECONDS,
                          "\"finished\" on the main context");
  hangar_secret_free (waiter.answer);
  g_clear_object (&waiter.request);

  /* Given up through the waiter's cancellable. */
  memset (&waiter, 0, sizeof waiter);
  waiter.request = hangar_auth_request_new ("test:///x", NULL);
  hangar_auth_request_add_field (waiter.request, HANGAR_AUTH_FIELD_TEXT, "Realm:", NULL);
  waiter.cancellable = g_cancellable_new ();
  thread = g_thread_new ("waiter", waiter_thread, &waiter);
  g_cancellable_cancel (waiter.cancellable);
  g_thread_join (thread);
  g_assert_false (waiter.answered);
  g_assert_true (hangar_auth_request_get_finished (waiter.request));
  g_clear_object (&waiter.cancellable);
  g_clear_object (&waiter.request);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = NULL;
  int ret;

  /* The embedded alias resolves under the user's data folder: a private
   * one, set before GLib reads it.  Debug messages are on, so that the
   * test sees everything that could be logged. */
  tmp_dir = g_dir_make_tmp ("hangar-connection-list-XXXXXX", &error);
  g_assert_no_error (error);
  data_dir = g_build_filename (tmp_dir, "data", NULL);
  g_setenv ("XDG_DATA_HOME", data_dir, TRUE);
  g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
  log_text = g_string_new (NULL);
  g_log_set_writer_func (record_log_cb, NULL, NULL);

  g_test_init (&argc, &argv, NULL);
  hangar_event_loop_ensure ();

  g_test_add_func ("/hangar/connection-list/uri-build", test_uri_build);
  g_test_add_func ("/hangar/connection-list/uri-describe", test_uri_describe);
  g_test_add_func ("/hangar/connection-list/saved", test_saved);
  g_test_add_func ("/hangar/connection-list/auth-request", test_auth_request);
  g_test_add_func ("/hangar/connection-list/auth", test_auth);
  g_test_add_func ("/hangar/connection-list/auth-refused", test_auth_refused);
  g_test_add_func ("/hangar/connection-list/auth-closed", test_auth_closed);

  ret = g_test_run ();

  {
    g_autofree char *command = g_strdup_printf ("rm -rf '%s'", tmp_dir);

    g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL);
  }
  g_free (tmp_dir);
  g_string_free (log_text, TRUE);

  return ret;
}
