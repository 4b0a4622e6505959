/* test-remote.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Remote connections end to end, against a libvirtd each test starts on
 * loopback (tests/hangar-test-daemon.c) serving libvirt's test driver
 * behind SASL DIGEST-MD5, with the main window under Xvfb:
 *
 * - a connection added in the Add Connection dialog, whose credentials
 *   are typed into Hangar's dialog through the X server;
 * - an edit made meanwhile by another client (virsh) is detected on apply
 *   and applied on top only when the user says so;
 * - a test+ssh:// connection, through a stand-in for ssh that asks the
 *   password from SSH_ASKPASS as OpenSSH does (tests/hangar-fake-ssh.py):
 *   Hangar's helper makes it ask Hangar, never a terminal;
 * - the daemon killed and started again: the connection shows as lost,
 *   reconnects by itself, brings its list up to date, and the editor
 *   keeps its unsaved edit; killed during a reconnection's list and
 *   during an apply, nothing is half-done.
 */

#include "config.h"

#include <adwaita.h>
#include <gdk/x11/gdkx.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "hangar-connection-list.h"
#include "hangar-connection-row.h"
#include "hangar-credentials-dialog.h"
#include "hangar-event-loop.h"
#include "hangar-test-daemon.h"
#include "hangar-test-loop.h"
#include "hangar-window.h"

#define USER "alice"
#define PASSWORD "Hangar-t3st-pw"
#define TIMEOUT 120
#define TEST_DOMAIN "test"

typedef struct
{
  HangarTestDaemon     *daemon;
  HangarConnectionList *list;
  HangarWindow         *window;
  char                 *uri;
  unsigned              asked;      /* credentials answered by the test */
  gulong                answer_id;
  gboolean              kill_in_list;
  gboolean              killed;
  gboolean              wrong_password;
  char                 *last_prompt;
} Fixture;

/* On $PATH first: "ssh" is tests/hangar-fake-ssh.py. */
static char *fake_bin;


/* Widgets, found as a user finds them: by what they show */

static GtkWidget *
find_widget (GtkWidget *widget,
             gboolean (*match) (GtkWidget *, gconstpointer),
             gconstpointer data)
{
  if (match (widget, data))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, match, data);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
is_button_labelled (GtkWidget     *widget,
                    gconstpointer  label)
{
  return GTK_IS_BUTTON (widget) &&
         g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

static gboolean
is_row_titled (GtkWidget     *widget,
               gconstpointer  title)
{
  return ADW_IS_PREFERENCES_ROW (widget) &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

static gboolean
is_connection_row_for (GtkWidget     *widget,
                       gconstpointer  connection)
{
  return HANGAR_IS_CONNECTION_ROW (widget) &&
         hangar_connection_row_get_connection (HANGAR_CONNECTION_ROW (widget)) == connection;
}

static gboolean
is_type (GtkWidget     *widget,
         gconstpointer  type)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (type));
}

static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (unsigned i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_mapped (GTK_WIDGET (window)))
        return window;
    }

  return NULL;
}

static gboolean
credentials_dialog_shown (gpointer data)
{
  return find_toplevel (HANGAR_TYPE_CREDENTIALS_DIALOG) != NULL;
}

static gboolean
credentials_dialog_gone (gpointer data)
{
  return find_toplevel (HANGAR_TYPE_CREDENTIALS_DIALOG) == NULL;
}

/* A screenshot of one window, as the X server shows it. */
static void
screenshot (GtkWindow  *window,
            const char *name)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));
  g_autofree char *path = g_test_build_filename (G_TEST_BUILT, name, NULL);
  g_autofree char *command = NULL;

  hangar_test_run_for (300);
  command = g_strdup_printf ("import -silent -window 0x%lx png:%s",
                             (unsigned long)gdk_x11_surface_get_xid (surface), path);
  hangar_test_spawn (command);
  g_test_message ("screenshot: %s", path);
}

/* Gives the X server's keyboard focus back to whatever is under the
 * pointer, as it is without a window manager, for the tests that follow. */
static void
release_focus (void)
{
  Display *xdisplay = gdk_x11_display_get_xdisplay (gdk_display_get_default ());

  XSetInputFocus (xdisplay, PointerRoot, RevertToPointerRoot, CurrentTime);
  XFlush (xdisplay);
}

/* Keys typed through the X server into @window, as a user types them. */
static void
type_into (GtkWindow  *window,
           const char *text)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));
  g_autofree char *quoted = g_shell_quote (text);
  g_autofree char *command = NULL;

  command = g_strdup_printf ("xdotool windowfocus --sync 0x%lx type --delay 40 %s",
                             (unsigned long)gdk_x11_surface_get_xid (surface), quoted);
  hangar_test_spawn (command);
  hangar_test_run_for (200);
  release_focus ();
}

static void
press_key (GtkWindow  *window,
           const char *key)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));
  g_autofree char *command = NULL;

  command = g_strdup_printf ("xdotool windowfocus --sync 0x%lx key %s",
                             (unsigned long)gdk_x11_surface_get_xid (surface), key);
  hangar_test_spawn (command);
  hangar_test_run_for (200);
  release_focus ();
}


/* What libvirt holds, asked by another client */

/* virsh against the daemon, its credentials from a libvirt auth file:
 * a second, independent client. */
static char *
virsh (Fixture    *fixture,
       const char *args)
{
  g_autofree char *auth = g_build_filename (hangar_test_daemon_get_dir (fixture->daemon),
                                            "auth.conf", NULL);
  g_autofree char *command = NULL;
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  if (!g_file_test (auth, G_FILE_TEST_EXISTS))
    {
      g_file_set_contents (auth,
                           "[credentials-test]\n"
                           "authname=" USER "\n"
                           "password=" PASSWORD "\n"
                           "[auth-libvirt-127.0.0.1]\n"
                           "credentials=test\n", -1, &error);
      g_assert_no_error (error);
    }

  command = g_strdup_printf ("env LIBVIRT_AUTH_FILE=%s virsh -q -c %s %s", auth, fixture->uri,
                             args);
  g_assert_true (g_spawn_command_line_sync (command, &out, &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed: %s", command, err);

  return out;
}

static char *
inactive_xml (Fixture *fixture)
{
  return virsh (fixture, "dumpxml --inactive " TEST_DOMAIN);
}

/* Another program changes the definition: @from becomes @to. */
static void
define_elsewhere (Fixture    *fixture,
                  const char *from,
                  const char *to)
{
  g_autofree char *xml = inactive_xml (fixture);
  g_autofree char *path = g_build_filename (hangar_test_daemon_get_dir (fixture->daemon),
                                            "elsewhere.xml", NULL);
  g_autofree char *args = g_strdup_printf ("define %s", path);
  g_autofree char *out = NULL;
  GString *text = g_string_new (xml);
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (g_string_replace (text, from, to, 1), ==, 1);
  g_file_set_contents (path, text->str, text->len, &error);
  g_assert_no_error (error);
  g_string_free (text, TRUE);
  out = virsh (fixture, args);
}


/* Fixtures */

/* The remote protocol's REMOTE_PROC_CONNECT_LIST_ALL_DOMAINS. */
#define PROC_CONNECT_LIST_ALL_DOMAINS 273

static gboolean
kill_in_list_cb (gpointer data)
{
  Fixture *fixture = data;

  if (!hangar_test_daemon_dispatched (fixture->daemon, PROC_CONNECT_LIST_ALL_DOMAINS))
    return G_SOURCE_CONTINUE;

  hangar_test_daemon_kill (fixture->daemon);
  fixture->killed = TRUE;

  return G_SOURCE_REMOVE;
}

/* The tests that are not about the dialog answer like a user who has
 * typed the right password, each time the connection asks. */
static gboolean
answer_cb (HangarConnectionList *list,
           HangarConnection     *connection,
           HangarAuthRequest    *request,
           Fixture              *fixture)
{
  for (unsigned i = 0; i < hangar_auth_request_get_n_fields (request); i++)
    {
      switch (hangar_auth_request_get_kind (request, i))
        {
        case HANGAR_AUTH_FIELD_USERNAME:
          hangar_auth_request_set_answer (request, i, USER);
          break;

        case HANGAR_AUTH_FIELD_PASSWORD:
          g_free (fixture->last_prompt);
          fixture->last_prompt = g_strdup (hangar_auth_request_get_prompt (request, i));
          hangar_auth_request_set_answer (request, i,
                                          fixture->wrong_password ? "guess" : PASSWORD);
          break;

        case HANGAR_AUTH_FIELD_TEXT:
        default:
          break;
        }
    }

  fixture->asked++;
  hangar_auth_request_respond (request);

  /* The daemon dies as soon as it begins to answer the list. */
  if (fixture->kill_in_list)
    {
      fixture->kill_in_list = FALSE;
      g_timeout_add (1, kill_in_list_cb, fixture);
    }

  return TRUE;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  gboolean answer = GPOINTER_TO_INT (user_data);

  fixture->daemon = hangar_test_daemon_start (USER, PASSWORD);
  fixture->uri = hangar_test_daemon_dup_uri (fixture->daemon, "/default");
  fixture->list = hangar_connection_list_new (NULL);

  /* Connected before the window's handler, so that it answers first. */
  if (answer)
    fixture->answer_id = g_signal_connect (fixture->list, "authenticate",
                                           G_CALLBACK (answer_cb), fixture);

  fixture->window = hangar_window_new (NULL, fixture->list);
  g_object_add_weak_pointer (G_OBJECT (fixture->window), (gpointer *)&fixture->window);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1100, 760);
  gtk_window_present (GTK_WINDOW (fixture->window));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (unsigned i = g_list_model_get_n_items (toplevels); i > 0; i--)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i - 1);

      gtk_window_destroy (window);
    }
  hangar_test_run_for (100);
  /* Nothing may keep the window alive once it is closed. */
  g_assert_null (fixture->window);

  g_clear_signal_handler (&fixture->answer_id, fixture->list);
  for (unsigned i = g_list_model_get_n_items (G_LIST_MODEL (fixture->list)); i > 0; i--)
    {
      g_autoptr(HangarConnection) connection =
        g_list_model_get_item (G_LIST_MODEL (fixture->list), i - 1);

      hangar_connection_list_remove (fixture->list, connection);
    }
  g_clear_object (&fixture->list);
  g_clear_pointer (&fixture->daemon, hangar_test_daemon_free);
  g_clear_pointer (&fixture->uri, g_free);
  g_clear_pointer (&fixture->last_prompt, g_free);
}

typedef struct
{
  HangarConnection      *connection;
  HangarConnectionState  state;
} StateWait;

static gboolean
connection_in_state (gpointer data)
{
  StateWait *wait = data;

  return hangar_connection_get_state (wait->connection) == wait->state;
}

static void
wait_for_state (HangarConnection      *connection,
                HangarConnectionState  state,
                const char            *what)
{
  StateWait wait = { connection, state };

  hangar_test_wait_until (connection_in_state, &wait, TIMEOUT, what);
}

static HangarConnection *
add_and_open (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  HangarConnection *connection;

  connection = hangar_connection_list_add (fixture->list, fixture->uri, FALSE, FALSE, &error);
  g_assert_no_error (error);
  hangar_connection_list_open (fixture->list, connection);
  wait_for_state (connection, HANGAR_CONNECTION_CONNECTED, "the remote connection to open");

  return connection;
}

static GtkSpinButton *
memory_spin (HangarWindow *window)
{
  GtkWidget *row = find_widget (GTK_WIDGET (hangar_window_get_details (window)),
                                is_row_titled, "_Memory");

  g_assert_nonnull (row);

  return GTK_SPIN_BUTTON (find_widget (row, is_type, GSIZE_TO_POINTER (GTK_TYPE_SPIN_BUTTON)));
}

static gboolean
details_loaded (gpointer data)
{
  GtkSpinButton *spin = memory_spin (data);

  return gtk_widget_is_drawable (GTK_WIDGET (spin)) &&
         gtk_spin_button_get_value_as_int (spin) > 16;
}

/* Selects the test domain and shows its details. */
static HangarDomain *
show_details (Fixture          *fixture,
              HangarConnection *connection)
{
  HangarDomain *domain = hangar_connection_lookup_domain (connection, TEST_DOMAIN);

  g_assert_nonnull (domain);
  hangar_window_select_domain (fixture->window, domain);
  g_assert_true (hangar_window_get_selected (fixture->window) == domain);
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (find_widget (GTK_WIDGET (fixture->window),
                                                                      is_type,
                                                                      GSIZE_TO_POINTER (ADW_TYPE_VIEW_STACK))),
                                         "details");
  hangar_test_wait_until (details_loaded, fixture->window, TIMEOUT,
                          "the details to show the definition");

  return domain;
}

static const char *
row_status (Fixture          *fixture,
            HangarConnection *connection)
{
  GtkWidget *row = find_widget (GTK_WIDGET (fixture->window), is_connection_row_for, connection);

  g_assert_nonnull (row);

  return hangar_connection_row_get_status (HANGAR_CONNECTION_ROW (row));
}


/* Test cases */

static gboolean
connected (gpointer data)
{
  return hangar_connection_get_state (data) == HANGAR_CONNECTION_CONNECTED;
}

static gboolean
widget_hidden (gpointer data)
{
  return !gtk_widget_get_visible (data);
}

static void
test_sasl_dialog (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *host = NULL;
  HangarAddConnectionDialog *add;
  HangarConnection *local;
  HangarConnection *remote;
  GtkWindow *dialog;
  GtkWidget *row;

  /* A local connection is listed already. */
  local = hangar_connection_list_add (fixture->list, "test:///default", FALSE, FALSE, &error);
  g_assert_no_error (error);
  hangar_connection_list_open (fixture->list, local);
  hangar_test_wait_until (connected, local, TIMEOUT, "test:///default to open");

  /* Add Connection: the test driver, remote, over TCP. */
  add = g_object_ref (hangar_window_add_connection (fixture->window));
  adw_combo_row_set_selected (ADW_COMBO_ROW (find_widget (GTK_WIDGET (add), is_row_titled,
                                                          "_Hypervisor")), 6);
  adw_expander_row_set_enable_expansion (ADW_EXPANDER_ROW (find_widget (GTK_WIDGET (add),
                                                                        is_row_titled,
                                                                        "Connect to a _Remote Host")),
                                         TRUE);
  adw_combo_row_set_selected (ADW_COMBO_ROW (find_widget (GTK_WIDGET (add), is_row_titled,
                                                          "_Transport")), 3);
  host = g_strdup (strstr (fixture->uri, "127.0.0.1"));
  *strchr (host, '/') = '\0';
  gtk_editable_set_text (GTK_EDITABLE (find_widget (GTK_WIDGET (add), is_row_titled, "H_ost")),
                         host);
  uri = hangar_add_connection_dialog_dup_uri (add, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (uri, ==, fixture->uri);
  screenshot (GTK_WINDOW (add), "test-remote-add-connection.png");
  gtk_widget_activate (find_widget (GTK_WIDGET (add), is_button_labelled, "_Add"));
  hangar_test_wait_until (widget_hidden, add, TIMEOUT, "the Add Connection dialog to close");
  g_object_unref (add);

  remote = hangar_connection_list_lookup (fixture->list, fixture->uri);
  g_assert_nonnull (remote);
  g_assert_true (hangar_connection_list_get_saved (fixture->list, remote));
  g_assert_true (hangar_window_get_connection (fixture->window) == remote);

  /* libvirt asks for the SASL user and password: Hangar's dialog shows,
   * and the user types them. */
  hangar_test_wait_until (credentials_dialog_shown, NULL, TIMEOUT, "the credentials dialog");
  g_assert_cmpint (hangar_connection_get_state (remote), ==, HANGAR_CONNECTION_CONNECTING);
  dialog = find_toplevel (HANGAR_TYPE_CREDENTIALS_DIALOG);
  g_assert_true (gtk_window_get_transient_for (dialog) == GTK_WINDOW (fixture->window));
  row = find_widget (GTK_WIDGET (dialog), is_type, GSIZE_TO_POINTER (ADW_TYPE_PASSWORD_ENTRY_ROW));
  g_assert_nonnull (row);

  type_into (dialog, USER);
  press_key (dialog, "Return");
  type_into (dialog, PASSWORD);
  screenshot (dialog, "test-remote-credentials.png");
  /* Typed into the password field, which shows dots. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, PASSWORD);
  press_key (dialog, "Return");

  hangar_test_wait_until (connected, remote, TIMEOUT, "the SASL connection to open");
  hangar_test_wait_until (credentials_dialog_gone, NULL, TIMEOUT, "the dialog to close");
  g_assert_null (hangar_connection_get_error (remote));
  g_assert_nonnull (hangar_connection_lookup_domain (remote, TEST_DOMAIN));
  g_assert_cmpstr (row_status (fixture, remote), ==, "Connected");
  g_assert_cmpstr (row_status (fixture, local), ==, "Connected");
  hangar_window_select_domain (fixture->window, hangar_connection_lookup_domain (remote,
                                                                                 TEST_DOMAIN));
  screenshot (GTK_WINDOW (fixture->window), "test-remote-sidebar.png");

  /* Cancelling the dialog leaves the connection closed, with the reason. */
  hangar_connection_close (remote);
  hangar_window_select_connection (fixture->window, remote);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.connect", NULL));
  hangar_test_wait_until (credentials_dialog_shown, NULL, TIMEOUT, "the credentials dialog again");
  press_key (find_toplevel (HANGAR_TYPE_CREDENTIALS_DIALOG), "Escape");
  wait_for_state (remote, HANGAR_CONNECTION_DISCONNECTED, "the cancelled open to end");
  hangar_test_wait_until (credentials_dialog_gone, NULL, TIMEOUT, "the dialog to close");
  g_assert_nonnull (strstr (hangar_connection_get_error (remote), "no credentials were given"));
  g_assert_false (hangar_connection_get_reconnecting (remote));
  g_assert_cmpstr (row_status (fixture, remote), ==, "Could not connect");
}

static AdwMessageDialog *
find_message_dialog (const char *heading)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (unsigned i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) &&
          g_strcmp0 (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (window)), heading) == 0)
        return ADW_MESSAGE_DIALOG (window);
    }

  return NULL;
}

static gboolean
conflict_shown (gpointer data)
{
  return find_message_dialog ("Definition Changed") != NULL;
}

typedef struct
{
  Fixture    *fixture;
  const char *needles[3];
} XmlWait;

static gboolean
libvirt_holds (gpointer data)
{
  XmlWait *wait = data;
  g_autofree char *xml = inactive_xml (wait->fixture);

  for (unsigned i = 0; i < G_N_ELEMENTS (wait->needles) && wait->needles[i] != NULL; i++)
    if (strstr (xml, wait->needles[i]) == NULL)
      {
        hangar_test_run_for (100);
        return FALSE;
      }

  return TRUE;
}

static void
test_concurrent_edit (Fixture       *fixture,
                      gconstpointer  user_data)
{
  HangarConnection *connection = add_and_open (fixture);
  AdwMessageDialog *dialog;
  g_autofree char *xml = NULL;
  XmlWait wait = { fixture, { "<memory unit='KiB'>655360</memory>",
                              "<vcpu placement='static'>3</vcpu>" } };

  show_details (fixture, connection);

  /* The user edits the memory... */
  gtk_spin_button_set_value (memory_spin (fixture->window), 640);
  g_assert_true (hangar_domain_details_get_modified (hangar_window_get_details (fixture->window)));

  /* ...while virsh, another client of the same daemon, changes the vCPUs. */
  define_elsewhere (fixture, "<vcpu placement='static'>2</vcpu>",
                    "<vcpu placement='static'>3</vcpu>");

  /* Apply: the window says what changed, and writes nothing. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.apply", NULL));
  hangar_test_wait_until (conflict_shown, NULL, TIMEOUT, "the conflict to be shown");
  dialog = find_message_dialog ("Definition Changed");
  g_test_message ("%s", adw_message_dialog_get_body (dialog));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "/domain/vcpu"));
  xml = inactive_xml (fixture);
  g_assert_nonnull (strstr (xml, "<memory unit='KiB'>8388608</memory>"));
  g_assert_nonnull (strstr (xml, "<vcpu placement='static'>3</vcpu>"));
  g_assert_true (hangar_domain_details_get_modified (hangar_window_get_details (fixture->window)));

  /* Applied on top of the other client's change, both are kept. */
  adw_message_dialog_response (dialog, "apply");
  hangar_test_wait_until (libvirt_holds, &wait, TIMEOUT, "both edits in libvirt's definition");
}

static void
write_fake_ssh_file (const char *name,
                     const char *text)
{
  g_autofree char *path = g_build_filename (fake_bin, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
}

static void
test_ssh_askpass (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autofree char *socket_path = hangar_test_daemon_dup_socket (fixture->daemon);
  HangarConnection *connection;

  /* "ssh" reaches the daemon's UNIX socket once given the password. */
  write_fake_ssh_file ("socket", socket_path);
  write_fake_ssh_file ("password", PASSWORD);

  g_free (fixture->uri);
  fixture->uri = g_strdup ("test+ssh://" USER "@fakehost/default");
  connection = add_and_open (fixture);

  /* OpenSSH's question reached Hangar, as the user would see it. */
  g_assert_cmpstr (fixture->last_prompt, ==, USER "@fakehost's password: ");
  g_assert_cmpstr (hangar_connection_get_uri (connection), ==, fixture->uri);
  g_assert_cmpstr (hangar_connection_get_title (connection), ==, "Test driver on alice@fakehost");
  g_assert_nonnull (hangar_connection_lookup_domain (connection, TEST_DOMAIN));

  /* A wrong password: not connected, with ssh's reason. */
  hangar_connection_close (connection);
  fixture->wrong_password = TRUE;
  hangar_connection_list_open (fixture->list, connection);
  wait_for_state (connection, HANGAR_CONNECTION_CONNECTING, "the second open to start");
  wait_for_state (connection, HANGAR_CONNECTION_DISCONNECTED, "the refused open");
  g_test_message ("%s", hangar_connection_get_error (connection));
  g_assert_nonnull (strstr (hangar_connection_get_error (connection), "Permission denied"));
  g_assert_false (hangar_connection_get_reconnecting (connection));
}

static gboolean
lost (gpointer data)
{
  return hangar_connection_get_state (data) == HANGAR_CONNECTION_DISCONNECTED &&
         hangar_connection_get_reconnecting (data);
}

static gboolean
listed_extra (gpointer data)
{
  return hangar_connection_lookup_domain (data, "extra") != NULL;
}

static void
test_reconnect (Fixture       *fixture,
                gconstpointer  user_data)
{
  HangarConnection *connection = add_and_open (fixture);
  HangarDomainDetails *details = hangar_window_get_details (fixture->window);
  HangarDomain *domain;
  g_autofree char *out = NULL;
  XmlWait wait = { fixture, { "<memory unit='KiB'>716800</memory>" } };
  unsigned asked;

  domain = show_details (fixture, connection);

  /* A domain another client defines shows up from the daemon's events. */
  {
    g_autofree char *path = g_build_filename (hangar_test_daemon_get_dir (fixture->daemon),
                                              "extra.xml", NULL);
    g_autofree char *args = g_strdup_printf ("define %s", path);
    g_autoptr(GError) error = NULL;

    g_file_set_contents (path,
                         "<domain type='test'><name>extra</name><memory>65536</memory>"
                         "<os><type>hvm</type></os></domain>\n", -1, &error);
    g_assert_no_error (error);
    out = virsh (fixture, args);
    hangar_test_wait_until (listed_extra, connection, TIMEOUT, "the other client's domain");
  }

  /* An unsaved edit. */
  gtk_spin_button_set_value (memory_spin (fixture->window), 700);
  g_assert_true (hangar_domain_details_get_modified (details));

  /* The daemon dies: the connection is lost, the window stays usable,
   * and says it reconnects. */
  hangar_test_daemon_kill (fixture->daemon);
  hangar_test_wait_until (lost, connection, TIMEOUT, "the loss to be noticed");
  g_assert_nonnull (strstr (hangar_connection_get_error (connection), "lost"));
  g_assert_cmpstr (row_status (fixture, connection), ==, "Lost, reconnecting…");
  screenshot (GTK_WINDOW (fixture->window), "test-remote-lost.png");
  g_assert_true (hangar_window_get_selected (fixture->window) == domain);
  g_assert_true (hangar_domain_details_get_modified (details));
  g_assert_cmpint (gtk_spin_button_get_value_as_int (memory_spin (fixture->window)), ==, 700);

  /* Back: it reconnects by itself (asking for the password again), with
   * the same entries, and the editor still holds the edit. */
  asked = fixture->asked;
  hangar_test_daemon_restart (fixture->daemon);
  wait_for_state (connection, HANGAR_CONNECTION_CONNECTED, "the reconnection");
  g_assert_cmpuint (fixture->asked, >, asked);
  g_assert_false (hangar_connection_get_reconnecting (connection));
  g_assert_null (hangar_connection_get_error (connection));
  g_assert_cmpstr (row_status (fixture, connection), ==, "Connected");
  g_assert_true (hangar_connection_lookup_domain (connection, TEST_DOMAIN) == domain);
  g_assert_true (hangar_window_get_selected (fixture->window) == domain);
  g_assert_true (hangar_domain_details_get_modified (details));
  g_assert_cmpint (gtk_spin_button_get_value_as_int (memory_spin (fixture->window)), ==, 700);

  /* The restarted test driver starts afresh: the list follows. */
  g_assert_null (hangar_connection_lookup_domain (connection, "extra"));
  g_assert_cmpuint (g_list_model_get_n_items (hangar_connection_get_domains (connection)), ==, 1);

  /* And the edit applies now. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.apply", NULL));
  hangar_test_wait_until (libvirt_holds, &wait, TIMEOUT, "the edit in libvirt's definition");
}

/* A host file of @n plain domains, for a list that takes a while. */
static char *
write_big_host (Fixture  *fixture,
                unsigned  n)
{
  g_autofree char *path = g_build_filename (hangar_test_daemon_get_dir (fixture->daemon),
                                            "big.xml", NULL);
  GString *text = g_string_new ("<node>\n");
  g_autoptr(GError) error = NULL;

  for (unsigned i = 0; i < n; i++)
    g_string_append_printf (text,
                            "  <domain type='test'><name>vm-%05u</name>"
                            "<memory>65536</memory><os><type>hvm</type></os></domain>\n", i);
  g_string_append (text, "</node>\n");
  g_file_set_contents (path, text->str, text->len, &error);
  g_assert_no_error (error);
  g_string_free (text, TRUE);

  return g_steal_pointer (&path);
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *)data;
}

static void
test_loss_during_list (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autofree char *big = write_big_host (fixture, 3000);
  HangarConnection *connection;
  GListModel *domains;
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);

  g_free (fixture->uri);
  fixture->uri = hangar_test_daemon_dup_uri (fixture->daemon, big);
  connection = add_and_open (fixture);
  domains = hangar_connection_get_domains (connection);
  g_assert_cmpuint (g_list_model_get_n_items (domains), ==, 3000);

  /* Lost, then lost again while the reconnection reads the list. */
  fixture->kill_in_list = TRUE;
  hangar_test_daemon_kill (fixture->daemon);
  hangar_test_wait_until (lost, connection, TIMEOUT, "the loss to be noticed");
  hangar_test_daemon_restart (fixture->daemon);
  hangar_test_wait_until (flag_set, &fixture->killed, TIMEOUT, "the second loss");

  /* A failed reconnection is tried again later: the list is as last seen
   * meanwhile, never half-read. */
  hangar_test_wait_until (lost, connection, TIMEOUT, "the failed reconnection");
  g_assert_cmpuint (g_list_model_get_n_items (domains), ==, 3000);

  hangar_test_daemon_restart (fixture->daemon);
  wait_for_state (connection, HANGAR_CONNECTION_CONNECTED, "the second reconnection");
  g_assert_cmpuint (g_list_model_get_n_items (domains), ==, 3000);
  for (unsigned i = 0; i < 3000; i++)
    {
      g_autoptr(HangarDomain) domain = g_list_model_get_item (domains, i);

      g_assert_true (g_hash_table_add (names, (gpointer)hangar_domain_get_name (domain)));
    }
}

static gboolean
apply_failed (gpointer data)
{
  HangarConnection *connection = data;

  return hangar_connection_get_state (connection) == HANGAR_CONNECTION_DISCONNECTED;
}

static void
test_loss_during_apply (Fixture       *fixture,
                        gconstpointer  user_data)
{
  HangarConnection *connection = add_and_open (fixture);
  HangarDomainDetails *details = hangar_window_get_details (fixture->window);
  XmlWait wait = { fixture, { "<memory unit='KiB'>737280</memory>" } };
  g_autofree char *xml = NULL;

  show_details (fixture, connection);
  gtk_spin_button_set_value (memory_spin (fixture->window), 720);

  /* The daemon stops answering while the apply is on its way, then dies. */
  kill (hangar_test_daemon_get_pid (fixture->daemon), SIGSTOP);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.apply", NULL));
  hangar_test_run_for (500);
  hangar_test_daemon_kill (fixture->daemon);
  hangar_test_wait_until (apply_failed, connection, TIMEOUT, "the loss during the apply");

  /* The editor still has the edit; nothing was written. */
  hangar_test_run_for (500);
  g_assert_true (hangar_domain_details_get_modified (details));
  g_assert_cmpint (gtk_spin_button_get_value_as_int (memory_spin (fixture->window)), ==, 720);
  hangar_test_daemon_restart (fixture->daemon);
  wait_for_state (connection, HANGAR_CONNECTION_CONNECTED, "the reconnection");
  xml = inactive_xml (fixture);
  g_assert_nonnull (strstr (xml, "<memory unit='KiB'>8388608</memory>"));

  /* Applied again, it goes through whole. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.apply", NULL));
  hangar_test_wait_until (libvirt_holds, &wait, TIMEOUT, "the edit in libvirt's definition");
  g_clear_pointer (&xml, g_free);
  xml = inactive_xml (fixture);
  g_assert_nonnull (strstr (xml, "<currentMemory unit='KiB'>"));
  g_assert_nonnull (strstr (xml, "<vcpu placement='static'>2</vcpu>"));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *fake_ssh = NULL;
  g_autofree char *path = NULL;
  int status;

  /* Before any thread starts: the environment is read everywhere. */
  fake_bin = g_dir_make_tmp ("hangar-fake-ssh-XXXXXX", &error);
  g_assert_no_error (error);
  fake_ssh = g_build_filename (fake_bin, "ssh", NULL);
  g_assert_cmpint (symlink (g_getenv ("HANGAR_FAKE_SSH"), fake_ssh), ==, 0);
  path = g_strconcat (fake_bin, ":", g_getenv ("PATH"), NULL);
  g_setenv ("PATH", path, TRUE);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  hangar_event_loop_ensure ();

  g_test_add ("/hangar/remote/sasl-dialog", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_sasl_dialog, fixture_tear_down);
  g_test_add ("/hangar/remote/concurrent-edit", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_concurrent_edit, fixture_tear_down);
  g_test_add ("/hangar/remote/ssh-askpass", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_ssh_askpass, fixture_tear_down);
  g_test_add ("/hangar/remote/reconnect", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_reconnect, fixture_tear_down);
  g_test_add ("/hangar/remote/loss-during-list", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_loss_during_list, fixture_tear_down);
  g_test_add ("/hangar/remote/loss-during-apply", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_loss_during_apply, fixture_tear_down);

  status = g_test_run ();

  {
    g_autofree char *command = g_strdup_printf ("rm -rf '%s'", fake_bin);

    g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL);
  }
  g_free (fake_bin);

  return status;
}
