/* hangar-window.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-window"

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-domain-row.h"
#include "hangar-window.h"

struct _HangarWindow
{
  AdwApplicationWindow  parent_instance;

  /* owned references */
  HangarConnection     *connection;
  GtkSingleSelection   *selection;
  GCancellable         *cancellable;
  HangarDomain         *selected;
  gulong                selected_state_id;
  gboolean              reported_first_row;
  gboolean              reported_list_ready;

  /* template widgets */
  AdwToastOverlay      *toast_overlay;
  AdwLeaflet           *leaflet;
  AdwWindowTitle       *sidebar_title;
  GtkStack             *sidebar_stack;
  GtkSpinner           *connecting_spinner;
  GtkListView          *domain_list;
  AdwStatusPage        *connection_error_page;
  GtkWidget            *content;
  AdwViewSwitcherTitle *switcher_title;
  AdwViewSwitcherBar   *switcher_bar;
  GtkStack             *content_stack;
  AdwViewStack         *view_stack;
  HangarConsoleView    *console_view;
  HangarDomainDetails  *details;
  GtkWidget            *start_button;
  GtkWidget            *shutdown_button;
  GtkWidget            *domain_menu_button;
};

G_DEFINE_FINAL_TYPE (HangarWindow, hangar_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_CONNECTION,
  PROP_SELECTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
bench_enabled (void)
{
  return g_strcmp0 (g_getenv ("HANGAR_BENCH"), "1") == 0;
}

static void
show_error (HangarWindow *self,
            const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  hangar_window_show_message (self, error->message);
}

static void
update_actions (HangarWindow *self)
{
  HangarDomainState state = HANGAR_DOMAIN_STATE_SHUTOFF;
  gboolean have = self->selected != NULL;
  gboolean connected = hangar_connection_get_state (self->connection) ==
                       HANGAR_CONNECTION_CONNECTED;
  gboolean modified = hangar_domain_details_get_modified (self->details);

  if (have)
    state = hangar_domain_get_state (self->selected);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.import", connected);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.start",
                                 have && (state == HANGAR_DOMAIN_STATE_SHUTOFF ||
                                          state == HANGAR_DOMAIN_STATE_CRASHED));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.shutdown",
                                 have && state == HANGAR_DOMAIN_STATE_RUNNING);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.force-off",
                                 have && state != HANGAR_DOMAIN_STATE_SHUTOFF);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.delete",
                                 have && state == HANGAR_DOMAIN_STATE_SHUTOFF &&
                                 hangar_domain_get_persistent (self->selected));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.apply", have && modified);

  /* Start and Shut Down take turns in one place in the header bar. */
  gtk_widget_set_visible (self->start_button,
                          !have || state == HANGAR_DOMAIN_STATE_SHUTOFF ||
                          state == HANGAR_DOMAIN_STATE_CRASHED);
  gtk_widget_set_visible (self->shutdown_button, !gtk_widget_get_visible (self->start_button));
  gtk_widget_set_sensitive (self->domain_menu_button, have);
}

static void
update_title (HangarWindow *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->switcher_title), self->selected != NULL);

  if (self->selected == NULL)
    {
      adw_view_switcher_title_set_title (self->switcher_title, "");
      adw_view_switcher_title_set_subtitle (self->switcher_title, "");
      return;
    }

  adw_view_switcher_title_set_title (self->switcher_title,
                                     hangar_domain_get_name (self->selected));
  adw_view_switcher_title_set_subtitle (self->switcher_title,
                                        hangar_domain_state_to_label (
                                          hangar_domain_get_state (self->selected)));
}

static void
selected_state_cb (HangarWindow *self)
{
  update_title (self);
  update_actions (self);
}

static void
set_selected (HangarWindow *self,
              HangarDomain *domain)
{
  if (self->selected == domain)
    return;

  if (self->selected != NULL)
    g_clear_signal_handler (&self->selected_state_id, self->selected);
  g_set_object (&self->selected, domain);
  if (domain != NULL)
    self->selected_state_id = g_signal_connect_object (domain, "notify::state",
                                                       G_CALLBACK (selected_state_cb), self,
                                                       G_CONNECT_SWAPPED);

  hangar_console_view_set_domain (self->console_view, domain);
  hangar_domain_details_set_domain (self->details, domain);
  gtk_stack_set_visible_child_name (self->content_stack, domain != NULL ? "domain" : "none");

  update_title (self);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
}

static void
selection_changed_cb (HangarWindow *self)
{
  set_selected (self, gtk_single_selection_get_selected_item (self->selection));
}

static void
list_activate_cb (HangarWindow *self,
                  unsigned      position)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
update_sidebar (HangarWindow *self)
{
  GListModel *domains = hangar_connection_get_domains (self->connection);
  unsigned n = g_list_model_get_n_items (domains);

  switch (hangar_connection_get_state (self->connection))
    {
    case HANGAR_CONNECTION_CONNECTING:
      gtk_spinner_start (self->connecting_spinner);
      gtk_stack_set_visible_child_name (self->sidebar_stack, "connecting");
      break;

    case HANGAR_CONNECTION_CONNECTED:
      gtk_spinner_stop (self->connecting_spinner);
      gtk_stack_set_visible_child_name (self->sidebar_stack, n > 0 ? "list" : "empty");
      break;

    case HANGAR_CONNECTION_DISCONNECTED:
    default:
      gtk_spinner_stop (self->connecting_spinner);
      /* A dropped connection keeps listing what it last saw. */
      gtk_stack_set_visible_child_name (self->sidebar_stack, n > 0 ? "list" : "error");
      break;
    }

  update_actions (self);
}

static gboolean
report_list_ready_cb (gpointer user_data)
{
  HangarWindow *self = user_data;
  GListModel *domains = hangar_connection_get_domains (self->connection);

  g_printerr ("hangar-bench: list-ready uri=%s domains=%u\n",
              hangar_connection_get_uri (self->connection),
              g_list_model_get_n_items (domains));

  return G_SOURCE_REMOVE;
}

static void
domains_changed_cb (HangarWindow *self,
                    unsigned      position,
                    unsigned      removed,
                    unsigned      added)
{
  update_sidebar (self);

  if (self->selected == NULL && gtk_single_selection_get_selected (self->selection) !=
      GTK_INVALID_LIST_POSITION)
    selection_changed_cb (self);
}

static void
connection_state_cb (HangarWindow *self)
{
  update_sidebar (self);
}

static void
open_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(HangarWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!hangar_connection_open_finish (HANGAR_CONNECTION (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      if (bench_enabled ())
        g_printerr ("hangar-bench: connect-failed uri=%s %s\n",
                    hangar_connection_get_uri (self->connection), error->message);

      adw_status_page_set_description (self->connection_error_page, error->message);
      update_sidebar (self);
      return;
    }

  if (bench_enabled () && !self->reported_list_ready)
    {
      self->reported_list_ready = TRUE;
      /* Printed once the rows are laid out, from the main loop. */
      g_idle_add_full (G_PRIORITY_LOW, report_list_ready_cb, g_object_ref (self), g_object_unref);
    }

  update_sidebar (self);
}

static void
open_connection (HangarWindow *self)
{
  if (hangar_connection_get_state (self->connection) != HANGAR_CONNECTION_DISCONNECTED)
    return;

  hangar_connection_open_async (self->connection, self->cancellable,
                                open_cb, g_object_ref (self));
  update_sidebar (self);
}

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  gtk_list_item_set_child (item, hangar_domain_row_new ());
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  user_data)
{
  HangarWindow *self = user_data;

  hangar_domain_row_set_domain (HANGAR_DOMAIN_ROW (gtk_list_item_get_child (item)),
                                gtk_list_item_get_item (item));

  if (!self->reported_first_row && bench_enabled ())
    {
      self->reported_first_row = TRUE;
      g_printerr ("hangar-bench: first-row uri=%s\n",
                  hangar_connection_get_uri (self->connection));
    }
}

static void
unbind_row_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  hangar_domain_row_set_domain (HANGAR_DOMAIN_ROW (gtk_list_item_get_child (item)), NULL);
}

/* Lifecycle actions: the window runs them and shows their errors. */

typedef gboolean (*LifecycleFinish) (HangarDomain  *domain,
                                     GAsyncResult  *result,
                                     GError       **error);

typedef struct
{
  HangarWindow    *self;
  LifecycleFinish  finish;
} Lifecycle;

static void
lifecycle_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Lifecycle *op = user_data;
  g_autoptr(GError) error = NULL;

  if (!op->finish (HANGAR_DOMAIN (source), result, &error))
    show_error (op->self, error);

  g_object_unref (op->self);
  g_free (op);
}

static Lifecycle *
lifecycle_new (HangarWindow    *self,
               LifecycleFinish  finish)
{
  Lifecycle *op = g_new0 (Lifecycle, 1);

  op->self = g_object_ref (self);
  op->finish = finish;

  return op;
}

static void
start_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  HangarWindow *self = HANGAR_WINDOW (widget);

  g_return_if_fail (self->selected != NULL);

  hangar_domain_start_async (self->selected, self->cancellable, lifecycle_cb,
                             lifecycle_new (self, hangar_domain_start_finish));
  adw_view_stack_set_visible_child_name (self->view_stack, "console");
}

static void
shutdown_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  HangarWindow *self = HANGAR_WINDOW (widget);

  g_return_if_fail (self->selected != NULL);

  hangar_domain_shutdown_async (self->selected, self->cancellable, lifecycle_cb,
                                lifecycle_new (self, hangar_domain_shutdown_finish));
}

static void
force_off_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  HangarWindow *self = HANGAR_WINDOW (widget);

  g_return_if_fail (self->selected != NULL);

  hangar_domain_force_off_async (self->selected, self->cancellable, lifecycle_cb,
                                 lifecycle_new (self, hangar_domain_force_off_finish));
}

static void
delete_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    gpointer          user_data)
{
  g_autoptr(HangarWindow) self = user_data;
  HangarDomain *domain = g_object_get_data (G_OBJECT (dialog), "domain");

  if (g_strcmp0 (response, "delete") != 0)
    return;

  hangar_domain_undefine_async (domain, self->cancellable, lifecycle_cb,
                                lifecycle_new (self, hangar_domain_undefine_finish));
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  HangarWindow *self = HANGAR_WINDOW (widget);
  GtkWidget *dialog;

  g_return_if_fail (self->selected != NULL);

  dialog = adw_message_dialog_new (GTK_WINDOW (self),
                                   _("Delete Virtual Machine?"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("The definition of “%s” is removed from this connection. "
                                    "Its disk images stay where they are."),
                                  hangar_domain_get_name (self->selected));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "domain",
                          g_object_ref (self->selected), g_object_unref);
  g_signal_connect (dialog, "response", G_CALLBACK (delete_response_cb), g_object_ref (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
apply_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(HangarWindow) self = user_data;
  HangarDomain *domain = HANGAR_DOMAIN (source);
  g_autoptr(GError) error = NULL;

  if (!hangar_domain_apply_finish (domain, result, &error))
    {
      show_error (self, error);
      return;
    }

  if (domain == self->selected)
    hangar_domain_details_reload (self->details);

  if (hangar_domain_get_state (domain) != HANGAR_DOMAIN_STATE_SHUTOFF)
    hangar_window_show_message (self, _("Saved: the changes apply at the next boot"));
}

static void
apply_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  HangarWindow *self = HANGAR_WINDOW (widget);
  g_autoptr(HangarDomainDoc) doc = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (self->selected != NULL);

  doc = hangar_domain_details_dup_edited_doc (self->details, &error);
  if (doc == NULL)
    {
      show_error (self, error);
      return;
    }

  hangar_domain_apply_async (self->selected, doc, self->cancellable,
                             apply_cb, g_object_ref (self));
}

static void
imported_cb (HangarWindow       *self,
             HangarDomain       *domain,
             HangarImportDialog *dialog)
{
  hangar_window_select_domain (self, domain);
}

static void
import_response_cb (GtkNativeDialog *chooser,
                    int              response,
                    gpointer         user_data)
{
  g_autoptr(HangarWindow) self = user_data;
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      hangar_window_import_file (self, file);
    }

  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  HangarWindow *self = HANGAR_WINDOW (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (_("Import Domain XML"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Domain XML"));
  gtk_file_filter_add_mime_type (filter, "application/xml");
  gtk_file_filter_add_mime_type (filter, "text/xml");
  gtk_file_filter_add_suffix (filter, "xml");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (import_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
reconnect_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  open_connection (HANGAR_WINDOW (widget));
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  HangarWindow *self = HANGAR_WINDOW (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
hangar_window_constructed (GObject *object)
{
  HangarWindow *self = HANGAR_WINDOW (object);
  GListModel *domains;
  const char *uri;

  G_OBJECT_CLASS (hangar_window_parent_class)->constructed (object);

  domains = hangar_connection_get_domains (self->connection);
  self->selection = gtk_single_selection_new (g_object_ref (domains));
  gtk_single_selection_set_autoselect (self->selection, TRUE);
  gtk_list_view_set_model (self->domain_list, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (domains, "items-changed",
                           G_CALLBACK (domains_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->connection, "notify::state",
                           G_CALLBACK (connection_state_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->details, "notify::modified",
                           G_CALLBACK (update_actions), self, G_CONNECT_SWAPPED);

  uri = hangar_connection_get_uri (self->connection);
  adw_window_title_set_subtitle (self->sidebar_title,
                                 g_str_has_prefix (uri, "qemu:///embed") ? _("QEMU, embedded") : uri);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->sidebar_title), uri);

  selection_changed_cb (self);
  update_sidebar (self);
  open_connection (self);
}

static void
hangar_window_dispose (GObject *object)
{
  HangarWindow *self = HANGAR_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->selected != NULL)
    g_clear_signal_handler (&self->selected_state_id, self->selected);
  g_clear_object (&self->selected);

  /* libadwaita 1.2's switchers unparent their buttons from a stack that is
   * already gone when the template is torn down in order: detach first. */
  if (self->switcher_bar != NULL)
    adw_view_switcher_bar_set_stack (self->switcher_bar, NULL);
  if (self->switcher_title != NULL)
    adw_view_switcher_title_set_stack (self->switcher_title, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_WINDOW);

  g_clear_object (&self->selection);

  G_OBJECT_CLASS (hangar_window_parent_class)->dispose (object);
}

static void
hangar_window_finalize (GObject *object)
{
  HangarWindow *self = HANGAR_WINDOW (object);

  g_clear_object (&self->connection);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (hangar_window_parent_class)->finalize (object);
}

static void
hangar_window_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  HangarWindow *self = HANGAR_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      g_value_set_object (value, self->connection);
      break;

    case PROP_SELECTED:
      g_value_set_object (value, self->selected);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_window_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  HangarWindow *self = HANGAR_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      self->connection = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_window_class_init (HangarWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = hangar_window_constructed;
  object_class->dispose = hangar_window_dispose;
  object_class->finalize = hangar_window_finalize;
  object_class->get_property = hangar_window_get_property;
  object_class->set_property = hangar_window_set_property;

  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL,
                         HANGAR_TYPE_CONNECTION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SELECTED] =
    g_param_spec_object ("selected", NULL, NULL,
                         HANGAR_TYPE_DOMAIN,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (HANGAR_TYPE_CONSOLE_VIEW);
  g_type_ensure (HANGAR_TYPE_DOMAIN_DETAILS);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/hangarvm/Hangar/hangar-window.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, sidebar_title);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, sidebar_stack);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, connecting_spinner);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, domain_list);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, connection_error_page);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, content);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, switcher_bar);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, console_view);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, details);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, start_button);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, shutdown_button);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, domain_menu_button);

  gtk_widget_class_install_action (widget_class, "win.import", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "win.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "win.shutdown", NULL, shutdown_action);
  gtk_widget_class_install_action (widget_class, "win.force-off", NULL, force_off_action);
  gtk_widget_class_install_action (widget_class, "win.delete", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "win.apply", NULL, apply_action);
  gtk_widget_class_install_action (widget_class, "win.reconnect", NULL, reconnect_action);
  gtk_widget_class_install_action (widget_class, "win.back", NULL, back_action);
}

static void
hangar_window_init (HangarWindow *self)
{
  GtkListItemFactory *factory;

  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row_cb), self);
  gtk_list_view_set_factory (self->domain_list, factory);
  g_object_unref (factory);
  g_signal_connect_swapped (self->domain_list, "activate", G_CALLBACK (list_activate_cb), self);
}

HangarWindow *
hangar_window_new (HangarApplication *application,
                   HangarConnection  *connection)
{
  g_return_val_if_fail (application == NULL || HANGAR_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (HANGAR_IS_CONNECTION (connection), NULL);

  return g_object_new (HANGAR_TYPE_WINDOW,
                       "application", application,
                       "connection", connection,
                       NULL);
}

HangarConnection *
hangar_window_get_connection (HangarWindow *self)
{
  g_return_val_if_fail (HANGAR_IS_WINDOW (self), NULL);

  return self->connection;
}

HangarDomain *
hangar_window_get_selected (HangarWindow *self)
{
  g_return_val_if_fail (HANGAR_IS_WINDOW (self), NULL);

  return self->selected;
}

void
hangar_window_select_domain (HangarWindow *self,
                             HangarDomain *domain)
{
  GListModel *domains;
  unsigned n;

  g_return_if_fail (HANGAR_IS_WINDOW (self));
  g_return_if_fail (HANGAR_IS_DOMAIN (domain));

  domains = hangar_connection_get_domains (self->connection);
  n = g_list_model_get_n_items (domains);

  for (unsigned i = 0; i < n; i++)
    {
      g_autoptr(HangarDomain) item = g_list_model_get_item (domains, i);

      if (item == domain)
        {
          gtk_single_selection_set_selected (self->selection, i);
          gtk_widget_activate_action (GTK_WIDGET (self->domain_list), "list.scroll-to-item",
                                      "u", i);
          return;
        }
    }
}

HangarImportDialog *
hangar_window_import_file (HangarWindow *self,
                           GFile        *file)
{
  HangarImportDialog *dialog;

  g_return_val_if_fail (HANGAR_IS_WINDOW (self), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  dialog = hangar_import_dialog_new (self->connection, file);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self));
  g_signal_connect_object (dialog, "imported", G_CALLBACK (imported_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));

  return dialog;
}

HangarConsoleView *
hangar_window_get_console_view (HangarWindow *self)
{
  g_return_val_if_fail (HANGAR_IS_WINDOW (self), NULL);

  return self->console_view;
}

HangarDomainDetails *
hangar_window_get_details (HangarWindow *self)
{
  g_return_val_if_fail (HANGAR_IS_WINDOW (self), NULL);

  return self->details;
}

void
hangar_window_show_message (HangarWindow *self,
                            const char   *message)
{
  AdwToast *toast;

  g_return_if_fail (HANGAR_IS_WINDOW (self));

  g_debug ("Showing: %s", message);
  toast = adw_toast_new (message);
  adw_toast_set_timeout (toast, 8);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}
