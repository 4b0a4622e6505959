/* hangar-application.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-application"

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-application.h"
#include "hangar-connection-list.h"
#include "hangar-console-window.h"
#include "hangar-event-loop.h"
#include "hangar-window.h"

struct _HangarApplication
{
  AdwApplication    parent_instance;

  /* owned references */
  GSettings            *settings;
  HangarConnectionList *connections;
};

G_DEFINE_FINAL_TYPE (HangarApplication, hangar_application, ADW_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "connect", 'c', 0, G_OPTION_ARG_STRING_ARRAY, NULL,
    N_("Open the libvirt connection URI instead of those set to connect automatically "
       "(may be repeated)"),
    N_("URI") },
  { "console", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Open only the console of the virtual machine NAME, in a window of its own"),
    N_("NAME") },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Print the version and exit"), NULL },
  { NULL }
};

static HangarWindow *
present_window (HangarApplication *self)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));
  HangarWindow *window;

  for (const GList *l = windows; l != NULL; l = l->next)
    {
      if (HANGAR_IS_WINDOW (l->data))
        {
          gtk_window_present (GTK_WINDOW (l->data));
          return l->data;
        }
    }

  window = hangar_window_new (self, self->connections);
  gtk_window_present (GTK_WINDOW (window));

  return window;
}

/* hangar --console NAME: the console window, once the connection lists
 * the domain.  The command line stays open until then, so that a second
 * invocation, handed over to this instance, prints its errors and exits
 * with its status. */
typedef struct
{
  HangarApplication       *self;
  GApplicationCommandLine *command_line;
  HangarConnection        *connection;
  char                    *name;
  gulong                   state_id;
} ConsoleRequest;

static void
console_request_free (ConsoleRequest *request)
{
  g_clear_signal_handler (&request->state_id, request->connection);
  g_application_release (G_APPLICATION (request->self));
  g_object_unref (request->command_line);
  g_object_unref (request->connection);
  g_free (request->name);
  g_free (request);
}

static gboolean
present_console (ConsoleRequest *request)
{
  GtkApplication *app = GTK_APPLICATION (request->self);
  HangarDomain *domain = hangar_connection_lookup_domain (request->connection, request->name);
  HangarConsoleWindow *window;

  if (domain == NULL)
    {
      g_application_command_line_printerr (request->command_line,
                                           _("No virtual machine named “%s” on %s\n"),
                                           request->name,
                                           hangar_connection_get_uri (request->connection));
      g_application_command_line_set_exit_status (request->command_line, EXIT_FAILURE);
      return FALSE;
    }

  window = hangar_console_window_find (app, domain);
  if (window == NULL)
    window = hangar_console_window_new (app, domain);
  gtk_window_present (GTK_WINDOW (window));

  return TRUE;
}

static void
console_connection_state_cb (HangarConnection *connection,
                             GParamSpec       *pspec,
                             ConsoleRequest   *request)
{
  switch (hangar_connection_get_state (connection))
    {
    case HANGAR_CONNECTION_CONNECTED:
      present_console (request);
      console_request_free (request);
      break;

    case HANGAR_CONNECTION_DISCONNECTED:
      g_application_command_line_printerr (request->command_line,
                                           _("Could not connect to %s\n"),
                                           hangar_connection_get_uri (connection));
      g_application_command_line_set_exit_status (request->command_line, EXIT_FAILURE);
      console_request_free (request);
      break;

    case HANGAR_CONNECTION_CONNECTING:
    default:
      break;
    }
}

/* Returns the exit status when the answer is known at once; later
 * answers set it on the command line, which the request keeps open. */
static int
open_console_for (HangarApplication       *self,
                  GApplicationCommandLine *command_line,
                  HangarConnection        *connection,
                  const char              *name)
{
  ConsoleRequest *request = g_new0 (ConsoleRequest, 1);
  int status = EXIT_SUCCESS;

  request->self = self;
  request->command_line = g_object_ref (command_line);
  request->connection = g_object_ref (connection);
  request->name = g_strdup (name);
  g_application_hold (G_APPLICATION (self));

  if (hangar_connection_get_state (connection) == HANGAR_CONNECTION_CONNECTED)
    {
      status = present_console (request) ? EXIT_SUCCESS : EXIT_FAILURE;
      console_request_free (request);
      return status;
    }

  /* Connecting already, or opened now: the domain list is filled by the
   * time the connection says it is connected. */
  request->state_id = g_signal_connect (connection, "notify::state",
                                        G_CALLBACK (console_connection_state_cb), request);
  if (hangar_connection_get_state (connection) == HANGAR_CONNECTION_DISCONNECTED)
    hangar_connection_list_open (self->connections, connection);

  return status;
}

static int
hangar_application_command_line (GApplication            *app,
                                 GApplicationCommandLine *command_line)
{
  HangarApplication *self = HANGAR_APPLICATION (app);
  GVariantDict *options = g_application_command_line_get_options_dict (command_line);
  g_autofree const char **uris = NULL;
  g_autofree char *console = NULL;
  HangarConnection *first = NULL;
  HangarWindow *window;

  /* URIs given on the command line are listed for this run only. */
  if (g_variant_dict_lookup (options, "connect", "^a&s", &uris))
    {
      for (unsigned i = 0; uris[i] != NULL; i++)
        {
          g_autoptr(GError) error = NULL;
          HangarConnection *connection;

          connection = hangar_connection_list_add (self->connections, uris[i], FALSE, FALSE,
                                                   &error);
          if (connection == NULL)
            {
              g_application_command_line_printerr (command_line, "%s\n", error->message);
              return EXIT_FAILURE;
            }

          if (first == NULL)
            first = connection;
          /* The console alone opens only the connection it needs. */
          if (!g_variant_dict_contains (options, "console"))
            hangar_connection_list_open (self->connections, connection);
        }
    }
  else if (!g_variant_dict_contains (options, "console"))
    {
      hangar_connection_list_open_autoconnect (self->connections);
    }

  if (g_variant_dict_lookup (options, "console", "s", &console))
    {
      g_autoptr(GError) error = NULL;

      /* Without --connect, the embedded QEMU driver. */
      if (first == NULL)
        first = hangar_connection_list_add (self->connections, "qemu:///embed", FALSE, FALSE,
                                            &error);
      if (first == NULL)
        {
          g_application_command_line_printerr (command_line, "%s\n", error->message);
          return EXIT_FAILURE;
        }

      return open_console_for (self, command_line, first, console);
    }

  window = present_window (self);
  if (first != NULL)
    hangar_window_select_connection (window, first);

  return EXIT_SUCCESS;
}

static int
hangar_application_handle_local_options (GApplication *app,
                                         GVariantDict *options)
{
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("hangar %s\n", PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }

  return -1;
}

static void
hangar_application_startup (GApplication *app)
{
  HangarApplication *self = HANGAR_APPLICATION (app);

  G_APPLICATION_CLASS (hangar_application_parent_class)->startup (app);

  /* libvirt's event loop must run before any connection opens: the
   * embedded driver talks to QEMU's monitor through it. */
  hangar_event_loop_ensure ();

  self->settings = g_settings_new (APP_ID);
  self->connections = hangar_connection_list_new (self->settings);

  gtk_window_set_default_icon_name (APP_ID);
}

static void
hangar_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window != NULL)
    gtk_window_present (window);
}

static void
quit_activated_cb (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  HangarApplication *self = user_data;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  /* Destroying the windows lets each cancel its work before we leave. */
  while (windows != NULL)
    {
      gtk_window_destroy (GTK_WINDOW (windows->data));
      windows = gtk_application_get_windows (GTK_APPLICATION (self));
    }

  g_application_quit (G_APPLICATION (self));
}

static void
about_activated_cb (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  HangarApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  AdwAboutWindow *about;
  static const char *developers[] = { "The Hangar authors", NULL };

  about = ADW_ABOUT_WINDOW (adw_about_window_new ());
  adw_about_window_set_application_name (about, _("Hangar"));
  adw_about_window_set_application_icon (about, APP_ID);
  adw_about_window_set_version (about, PACKAGE_VERSION);
  adw_about_window_set_developer_name (about, _("The Hangar authors"));
  adw_about_window_set_developers (about, developers);
  adw_about_window_set_comments (about,
                                 _("Create, edit and run virtual machines on libvirt"));
  adw_about_window_set_website (about, "https://github.com/hangarvm/hangar");
  adw_about_window_set_issue_url (about, "https://github.com/hangarvm/hangar/issues");
  adw_about_window_set_license_type (about, GTK_LICENSE_GPL_3_0);
  adw_about_window_set_copyright (about, "© 2026 The Hangar authors");
  /* Translators: your name and address, one per line */
  adw_about_window_set_translator_credits (about, _("translator-credits"));
  gtk_window_set_transient_for (GTK_WINDOW (about), parent);
  gtk_window_present (GTK_WINDOW (about));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_activated_cb },
  { "about", about_activated_cb },
};

static void
hangar_application_finalize (GObject *object)
{
  HangarApplication *self = HANGAR_APPLICATION (object);

  g_clear_object (&self->connections);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (hangar_application_parent_class)->finalize (object);
}

static void
hangar_application_class_init (HangarApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = hangar_application_finalize;

  app_class->startup = hangar_application_startup;
  app_class->activate = hangar_application_activate;
  app_class->command_line = hangar_application_command_line;
  app_class->handle_local_options = hangar_application_handle_local_options;
}

static void
hangar_application_init (HangarApplication *self)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *import_accels[] = { "<Control>o", NULL };
  static const char *apply_accels[] = { "<Control>s", NULL };

  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_action_map_add_action_entries (G_ACTION_MAP (self),
                                   app_actions, G_N_ELEMENTS (app_actions),
                                   self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.import", import_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.apply", apply_accels);
}

HangarApplication *
hangar_application_new (void)
{
  return g_object_new (HANGAR_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE,
                       "resource-base-path", "/io/github/hangarvm/Hangar",
                       NULL);
}
