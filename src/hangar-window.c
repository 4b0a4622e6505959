/* hangar-window.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-window"

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <signal.h>
#include <string.h>

#include "hangar-add-connection-dialog.h"
#include "hangar-clone-dialog.h"
#include "hangar-console-window.h"
#include "hangar-connection-page.h"
#include "hangar-connection-row.h"
#include "hangar-credentials-dialog.h"
#include "hangar-delete-dialog.h"
#include "hangar-domain-row.h"
#include "hangar-virt-error.h"
#include "hangar-window.h"

struct _HangarWindow
{
  AdwApplicationWindow  parent_instance;

  /* owned references */
  HangarConnectionList *connections;
  GtkTreeListModel     *tree;
  GtkSingleSelection   *selection;
  GCancellable         *cancellable;
  HangarDomain         *selected;
  gulong                selected_state_id;
  GHashTable           *shutdown_waits;  /* HangarDomain → ShutdownWait */
  unsigned              shutdown_timeout;

  /* template widgets */
  AdwToastOverlay      *toast_overlay;
  AdwLeaflet           *leaflet;
  AdwWindowTitle       *sidebar_title;
  GtkStack             *sidebar_stack;
  GtkListView          *domain_list;
  GtkWidget            *content;
  AdwViewSwitcherTitle *switcher_title;
  AdwViewSwitcherBar   *switcher_bar;
  GtkStack             *content_stack;
  AdwViewStack         *view_stack;
  HangarConsoleView    *console_view;
  HangarDomainDetails  *details;
  HangarConnectionPage *connection_page;
  GtkWidget            *start_button;
  GtkWidget            *shutdown_button;
  GtkWidget            *domain_menu_button;
};

G_DEFINE_FINAL_TYPE (HangarWindow, hangar_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_CONNECTIONS,
  PROP_SELECTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
bench_enabled (void)
{
  return g_strcmp0 (g_getenv ("HANGAR_BENCH"), "1") == 0;
}

/* Main-loop stalls, for bench/bench-startup.py: from the first map of a
 * window, a 5 ms tick notes every gap between two ticks over 16 ms (a
 * missed frame) and over 50 ms. SIGUSR1 prints the counts and stops the
 * tick, so that it does not count in a later idle CPU measurement. */
#define STALL_TICK_MS 5

static struct
{
  unsigned tick_id;
  gint64   last;
  unsigned over16;
  unsigned over50;
  gint64   max;
} stalls;

static gboolean
stall_tick_cb (gpointer user_data)
{
  gint64 now = g_get_monotonic_time ();
  gint64 gap = now - stalls.last;

  stalls.last = now;
  stalls.max = MAX (stalls.max, gap);
  if (gap > 16 * G_TIME_SPAN_MILLISECOND)
    stalls.over16++;
  if (gap > 50 * G_TIME_SPAN_MILLISECOND)
    stalls.over50++;

  return G_SOURCE_CONTINUE;
}

static gboolean
stall_report_cb (gpointer user_data)
{
  if (stalls.tick_id == 0)
    return G_SOURCE_CONTINUE;

  stall_tick_cb (NULL);
  g_clear_handle_id (&stalls.tick_id, g_source_remove);
  g_printerr ("hangar-bench: stalls over16=%u over50=%u max=%.1f ms\n",
              stalls.over16, stalls.over50, stalls.max / 1000.0);

  return G_SOURCE_CONTINUE;
}

static void
stall_start_cb (GtkWidget *widget)
{
  if (stalls.tick_id != 0 || stalls.last != 0)
    return;

  stalls.last = g_get_monotonic_time ();
  stalls.tick_id = g_timeout_add (STALL_TICK_MS, stall_tick_cb, NULL);
  g_unix_signal_add (SIGUSR1, stall_report_cb, NULL);
}

static void
show_error (HangarWindow *self,
            const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  hangar_window_show_message (self, error->message);
}

static void update_lifecycle_actions  (HangarWindow *self);
static void update_connection_actions (HangarWindow *self);

static void
update_actions (HangarWindow *self)
{
  HangarDomainState state = HANGAR_DOMAIN_STATE_SHUTOFF;
  gboolean have = self->selected != NULL;
  gboolean modified = hangar_domain_details_get_modified (self->details);

  if (have)
    state = hangar_domain_get_state (self->selected);

  update_connection_actions (self);
  update_lifecycle_actions (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.apply", have && modified);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.open-console", have);

  /* Start and Shut Down take turns in one place in the header bar, which
   * has none of them for a connection. */
  gtk_widget_set_visible (self->start_button,
                          have && (state == HANGAR_DOMAIN_STATE_SHUTOFF ||
                                   state == HANGAR_DOMAIN_STATE_CRASHED));
  gtk_widget_set_visible (self->shutdown_button,
                          have && !gtk_widget_get_visible (self->start_button));
  gtk_widget_set_visible (self->domain_menu_button, have);
  gtk_widget_set_tooltip_text (self->start_button,
                               have && hangar_domain_get_has_managed_save (self->selected)
                               ? _("Restore Saved State") : _("Start"));
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
  if (hangar_domain_get_state (self->selected) == HANGAR_DOMAIN_STATE_SHUTOFF &&
      hangar_domain_get_has_managed_save (self->selected))
    adw_view_switcher_title_set_subtitle (self->switcher_title, _("Saved"));
  else
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
    self->selected_state_id = g_signal_connect_object (domain, "notify",
                                                       G_CALLBACK (selected_state_cb), self,
                                                       G_CONNECT_SWAPPED);

  hangar_console_view_set_domain (self->console_view, domain);
  hangar_domain_details_set_domain (self->details, domain);
  gtk_stack_set_visible_child_name (self->content_stack, domain != NULL ? "domain" : "none");
  if (domain != NULL)
    hangar_connection_page_set_connection (self->connection_page, NULL, NULL);

  update_title (self);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
}

/* Connections and the sidebar
 *
 * The sidebar is a tree: each connection of the shared list is a row with
 * its state, and its domains are the rows below it.  Selecting a domain
 * shows the domain; selecting a connection shows the connection's page. */

static HangarConnection *
row_connection (gpointer item)
{
  if (HANGAR_IS_CONNECTION (item))
    return item;
  if (HANGAR_IS_DOMAIN (item))
    return hangar_domain_get_connection (item);

  return NULL;
}

static gpointer
selected_item (HangarWindow *self)
{
  GtkTreeListRow *row = gtk_single_selection_get_selected_item (self->selection);

  return row != NULL ? gtk_tree_list_row_get_item (row) : NULL;
}

static void
selection_changed_cb (HangarWindow *self)
{
  g_autoptr(GObject) item = selected_item (self);

  if (HANGAR_IS_CONNECTION (item))
    {
      set_selected (self, NULL);
      hangar_connection_page_set_connection (self->connection_page, self->connections,
                                             HANGAR_CONNECTION (item));
      gtk_stack_set_visible_child_name (self->content_stack, "connection");
    }
  else if (HANGAR_IS_DOMAIN (item))
    {
      set_selected (self, HANGAR_DOMAIN (item));
    }
  else
    {
      set_selected (self, NULL);
      hangar_connection_page_set_connection (self->connection_page, NULL, NULL);
      gtk_stack_set_visible_child_name (self->content_stack, "none");
    }

  update_actions (self);
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
  unsigned n = g_list_model_get_n_items (G_LIST_MODEL (self->connections));

  gtk_stack_set_visible_child_name (self->sidebar_stack, n > 0 ? "list" : "empty");
  update_actions (self);
}

static void
tree_changed_cb (HangarWindow *self,
                 unsigned      position,
                 unsigned      removed,
                 unsigned      added)
{
  update_sidebar (self);

  /* The selected row may now hold another item. */
  selection_changed_cb (self);
}

/* For bench/bench-startup.py: once a connection's list is in the model,
 * and each time an open fails. */
static gboolean
report_list_ready_cb (gpointer user_data)
{
  HangarConnection *connection = user_data;

  g_printerr ("hangar-bench: list-ready uri=%s domains=%u\n",
              hangar_connection_get_uri (connection),
              g_list_model_get_n_items (hangar_connection_get_domains (connection)));

  return G_SOURCE_REMOVE;
}

static void
bench_state_cb (HangarConnection *connection,
                GParamSpec       *pspec,
                HangarWindow     *self)
{
  HangarConnectionState state = hangar_connection_get_state (connection);

  if (state == HANGAR_CONNECTION_CONNECTED &&
      !g_object_get_data (G_OBJECT (connection), "hangar-bench-reported"))
    {
      g_object_set_data (G_OBJECT (connection), "hangar-bench-reported", GINT_TO_POINTER (1));
      /* Printed once the rows are laid out, from the main loop. */
      g_idle_add_full (G_PRIORITY_LOW, report_list_ready_cb, g_object_ref (connection),
                       g_object_unref);
    }
  else if (state == HANGAR_CONNECTION_DISCONNECTED &&
           hangar_connection_get_error (connection) != NULL)
    {
      g_printerr ("hangar-bench: connect-failed uri=%s %s\n",
                  hangar_connection_get_uri (connection), hangar_connection_get_error (connection));
    }
}

static void
connection_state_cb (HangarWindow *self)
{
  update_actions (self);
}

static void
connections_changed_cb (HangarWindow *self,
                        unsigned      position,
                        unsigned      removed,
                        unsigned      added)
{
  for (unsigned i = position; i < position + added; i++)
    {
      g_autoptr(HangarConnection) connection =
        g_list_model_get_item (G_LIST_MODEL (self->connections), i);

      g_signal_connect_object (connection, "notify::state",
                               G_CALLBACK (connection_state_cb), self, G_CONNECT_SWAPPED);
      if (bench_enabled ())
        g_signal_connect_object (connection, "notify::state",
                                 G_CALLBACK (bench_state_cb), self, 0);
    }
}

static GListModel *
create_children_cb (gpointer item,
                    gpointer user_data)
{
  if (HANGAR_IS_CONNECTION (item))
    return g_object_ref (hangar_connection_get_domains (item));

  return NULL;
}

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  GtkWidget *expander = gtk_tree_expander_new ();

  gtk_list_item_set_child (item, expander);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  user_data)
{
  GtkTreeListRow *row = gtk_list_item_get_item (item);
  GtkTreeExpander *expander = GTK_TREE_EXPANDER (gtk_list_item_get_child (item));
  g_autoptr(GObject) object = gtk_tree_list_row_get_item (row);
  GtkWidget *child = gtk_tree_expander_get_child (expander);

  gtk_tree_expander_set_list_row (expander, row);

  /* One list item shows either kind of row as the view recycles it. */
  if (HANGAR_IS_CONNECTION (object))
    {
      if (!HANGAR_IS_CONNECTION_ROW (child))
        {
          child = hangar_connection_row_new ();
          gtk_tree_expander_set_child (expander, child);
        }
      hangar_connection_row_set_connection (HANGAR_CONNECTION_ROW (child),
                                            HANGAR_CONNECTION (object));
      return;
    }

  if (!HANGAR_IS_DOMAIN_ROW (child))
    {
      child = hangar_domain_row_new ();
      gtk_tree_expander_set_child (expander, child);
    }
  hangar_domain_row_set_domain (HANGAR_DOMAIN_ROW (child), HANGAR_DOMAIN (object));

  /* For bench/bench-startup.py: the first row of each connection. */
  if (bench_enabled ())
    {
      HangarConnection *connection = hangar_domain_get_connection (HANGAR_DOMAIN (object));

      if (!g_object_get_data (G_OBJECT (connection), "hangar-bench-first-row"))
        {
          g_object_set_data (G_OBJECT (connection), "hangar-bench-first-row",
                             GINT_TO_POINTER (1));
          g_printerr ("hangar-bench: first-row uri=%s\n", hangar_connection_get_uri (connection));
        }
    }
}

static void
unbind_row_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  GtkTreeExpander *expander = GTK_TREE_EXPANDER (gtk_list_item_get_child (item));
  GtkWidget *child = gtk_tree_expander_get_child (expander);

  if (HANGAR_IS_DOMAIN_ROW (child))
    hangar_domain_row_set_domain (HANGAR_DOMAIN_ROW (child), NULL);
  else if (HANGAR_IS_CONNECTION_ROW (child))
    hangar_connection_row_set_connection (HANGAR_CONNECTION_ROW (child), NULL);
  gtk_tree_expander_set_list_row (expander, NULL);
}

/* The row of @item (a connection or a domain) in the sidebar's flat
 * list, or GTK_INVALID_LIST_POSITION. */
static unsigned
find_row (HangarWindow *self,
          gpointer      item)
{
  HangarConnection *connection = row_connection (item);
  unsigned n = g_list_model_get_n_items (G_LIST_MODEL (self->connections));

  for (unsigned i = 0; i < n; i++)
    {
      g_autoptr(GtkTreeListRow) row = gtk_tree_list_model_get_child_row (self->tree, i);
      g_autoptr(GObject) top = NULL;
      unsigned child;

      if (row == NULL)
        continue;
      top = gtk_tree_list_row_get_item (row);
      if (top != (GObject *)connection)
        continue;

      if (item == (gpointer)connection)
        return gtk_tree_list_row_get_position (row);

      /* The domains are the connection's children, one row each. */
      if (!g_list_store_find (G_LIST_STORE (hangar_connection_get_domains (connection)),
                              item, &child))
        return GTK_INVALID_LIST_POSITION;
      gtk_tree_list_row_set_expanded (row, TRUE);

      return gtk_tree_list_row_get_position (row) + 1 + child;
    }

  return GTK_INVALID_LIST_POSITION;
}

static void
select_row (HangarWindow *self,
            gpointer      item)
{
  unsigned position = find_row (self, item);

  if (position == GTK_INVALID_LIST_POSITION)
    return;

  gtk_single_selection_set_selected (self->selection, position);
  gtk_widget_activate_action (GTK_WIDGET (self->domain_list), "list.scroll-to-item",
                              "u", position);
}

/* The connection the window's actions apply to: the selected one, or the
 * selected domain's. */
static HangarConnection *
current_connection (HangarWindow *self)
{
  g_autoptr(GObject) item = selected_item (self);

  return row_connection (item);
}

static gboolean
authenticate_cb (HangarWindow         *self,
                 HangarConnection     *connection,
                 HangarAuthRequest    *request,
                 HangarConnectionList *list)
{
  GtkWidget *dialog;

  dialog = hangar_credentials_dialog_new (GTK_WINDOW (self), hangar_connection_get_title (connection),
                                          request);
  gtk_window_present (GTK_WINDOW (dialog));

  return TRUE;
}

static void
added_cb (HangarWindow              *self,
          HangarConnection          *connection,
          HangarAddConnectionDialog *dialog)
{
  select_row (self, connection);
  hangar_connection_list_open (self->connections, connection);
}

static void
add_connection_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  HangarWindow *self = HANGAR_WINDOW (widget);

  hangar_window_add_connection (self);
}

static void
connect_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  HangarWindow *self = HANGAR_WINDOW (widget);
  HangarConnection *connection = current_connection (self);

  g_return_if_fail (connection != NULL);

  hangar_connection_list_open (self->connections, connection);
}

static void
disconnect_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  HangarWindow *self = HANGAR_WINDOW (widget);
  HangarConnection *connection = current_connection (self);

  g_return_if_fail (connection != NULL);

  hangar_connection_close (connection);
}

static void
remove_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    gpointer          user_data)
{
  g_autoptr(HangarWindow) self = user_data;
  HangarConnection *connection = g_object_get_data (G_OBJECT (dialog), "connection");

  if (g_strcmp0 (response, "remove") == 0)
    hangar_connection_list_remove (self->connections, connection);
}

static void
remove_connection_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  HangarWindow *self = HANGAR_WINDOW (widget);
  HangarConnection *connection = current_connection (self);
  GtkWidget *dialog;

  g_return_if_fail (connection != NULL);

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Remove Connection?"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("“%s” will no longer be listed. Its virtual machines are "
                                    "not changed and show again if you add it back."),
                                  hangar_connection_get_title (connection));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "remove", _("_Remove"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "connection", g_object_ref (connection),
                          g_object_unref);
  g_signal_connect (dialog, "response", G_CALLBACK (remove_response_cb), g_object_ref (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
update_connection_actions (HangarWindow *self)
{
  HangarConnection *connection = current_connection (self);
  HangarConnectionState state = connection != NULL ? hangar_connection_get_state (connection)
                                                   : HANGAR_CONNECTION_DISCONNECTED;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.connect",
                                 connection != NULL && state == HANGAR_CONNECTION_DISCONNECTED);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.disconnect",
                                 connection != NULL &&
                                 (state != HANGAR_CONNECTION_DISCONNECTED ||
                                  hangar_connection_get_reconnecting (connection)));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.remove-connection", connection != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.import",
                                 state == HANGAR_CONNECTION_CONNECTED);
}

/* Lifecycle actions: the window runs them and shows their errors. */

#define DEFAULT_SHUTDOWN_TIMEOUT_SECONDS 60

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

  update_actions (op->self);
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

/* The actions that map one to one onto the domain's. */
static const struct
{
  const char         *name;
  HangarDomainAction  action;
} simple_actions[] = {
  { "win.start", HANGAR_DOMAIN_ACTION_START },
  { "win.force-off", HANGAR_DOMAIN_ACTION_FORCE_OFF },
  { "win.reboot", HANGAR_DOMAIN_ACTION_REBOOT },
  { "win.reset", HANGAR_DOMAIN_ACTION_RESET },
  { "win.pause", HANGAR_DOMAIN_ACTION_PAUSE },
  { "win.resume", HANGAR_DOMAIN_ACTION_RESUME },
  { "win.save", HANGAR_DOMAIN_ACTION_SAVE },
  { "win.discard-save", HANGAR_DOMAIN_ACTION_DISCARD_SAVE },
};

static void
simple_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  HangarWindow *self = HANGAR_WINDOW (widget);

  g_return_if_fail (self->selected != NULL);

  for (unsigned i = 0; i < G_N_ELEMENTS (simple_actions); i++)
    {
      if (g_strcmp0 (simple_actions[i].name, action_name) != 0)
        continue;

      hangar_domain_run_action_async (self->selected, simple_actions[i].action,
                                      self->cancellable, lifecycle_cb,
                                      lifecycle_new (self, hangar_domain_run_action_finish));

      if (simple_actions[i].action == HANGAR_DOMAIN_ACTION_START)
        adw_view_stack_set_visible_child_name (self->view_stack, "console");
      return;
    }

  g_return_if_reached ();
}

static void
update_lifecycle_actions (HangarWindow *self)
{
  gboolean have = self->selected != NULL;
  GAction *autostart;

  for (unsigned i = 0; i < G_N_ELEMENTS (simple_actions); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), simple_actions[i].name,
                                   have && hangar_domain_check_action (self->selected,
                                                                       simple_actions[i].action,
                                                                       NULL));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.shutdown",
                                 have && hangar_domain_check_action (self->selected,
                                                                     HANGAR_DOMAIN_ACTION_SHUTDOWN,
                                                                     NULL));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.rename",
                                 have && hangar_domain_check_action (self->selected,
                                                                     HANGAR_DOMAIN_ACTION_RENAME,
                                                                     NULL));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.clone",
                                 have && hangar_domain_check_action (self->selected,
                                                                     HANGAR_DOMAIN_ACTION_CLONE,
                                                                     NULL));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.delete",
                                 have &&
                                 hangar_domain_get_state (self->selected) ==
                                 HANGAR_DOMAIN_STATE_SHUTOFF &&
                                 hangar_domain_check_action (self->selected,
                                                             HANGAR_DOMAIN_ACTION_UNDEFINE,
                                                             NULL));

  autostart = g_action_map_lookup_action (G_ACTION_MAP (self), "autostart");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (autostart),
                               have && hangar_domain_check_action (self->selected,
                                                                   HANGAR_DOMAIN_ACTION_SET_AUTOSTART,
                                                                   NULL));
  g_simple_action_set_state (G_SIMPLE_ACTION (autostart),
                             g_variant_new_boolean (have &&
                                                    hangar_domain_get_autostart (self->selected)));
}

static void
autostart_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(HangarWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!hangar_domain_set_autostart_finish (HANGAR_DOMAIN (source), result, &error))
    show_error (self, error);

  /* Back to what the domain holds, whatever happened. */
  update_actions (self);
}

static void
autostart_change_state_cb (GSimpleAction *action,
                           GVariant      *value,
                           gpointer       user_data)
{
  HangarWindow *self = user_data;

  g_return_if_fail (self->selected != NULL);

  g_simple_action_set_state (action, value);
  hangar_domain_set_autostart_async (self->selected, g_variant_get_boolean (value),
                                     self->cancellable, autostart_cb, g_object_ref (self));
}

/* Shutting down: the guest may ignore the request.  After a while the
 * window offers to force the domain off. */

typedef struct
{
  HangarWindow *self;     /* borrowed: the window drops the wait first */
  HangarDomain *domain;
  unsigned      timeout_id;
  gulong        state_id;
  GtkWindow    *dialog;
} ShutdownWait;

static void
shutdown_wait_free (ShutdownWait *wait)
{
  g_clear_handle_id (&wait->timeout_id, g_source_remove);
  g_clear_signal_handler (&wait->state_id, wait->domain);
  if (wait->dialog != NULL)
    {
      g_object_set_data (G_OBJECT (wait->dialog), "wait", NULL);
      gtk_window_destroy (wait->dialog);
    }
  g_clear_object (&wait->domain);
  g_free (wait);
}

static void
shutdown_wait_state_cb (HangarDomain *domain,
                        GParamSpec   *pspec,
                        ShutdownWait *wait)
{
  HangarDomainState state = hangar_domain_get_state (domain);

  if (state == HANGAR_DOMAIN_STATE_RUNNING || state == HANGAR_DOMAIN_STATE_SHUTTING_DOWN)
    return;

  /* Off, or someone else paused or stopped it: nothing to offer. */
  g_hash_table_remove (wait->self->shutdown_waits, domain);
}

static gboolean shutdown_timeout_cb (gpointer data);

static void
shutdown_dialog_response_cb (AdwMessageDialog *dialog,
                             const char       *response,
                             gpointer          user_data)
{
  ShutdownWait *wait = g_object_get_data (G_OBJECT (dialog), "wait");
  HangarWindow *self;
  g_autoptr(HangarDomain) domain = NULL;

  if (wait == NULL)
    return;

  /* One answer per dialog: closing it after a button's response emits
   * its close response as well, and the wait may be gone by then. */
  g_object_set_data (G_OBJECT (dialog), "wait", NULL);
  wait->dialog = NULL;
  self = wait->self;

  if (g_strcmp0 (response, "force-off") == 0)
    {
      domain = g_object_ref (wait->domain);
      g_hash_table_remove (self->shutdown_waits, domain);
      hangar_domain_force_off_async (domain, self->cancellable, lifecycle_cb,
                                     lifecycle_new (self, hangar_domain_force_off_finish));
      return;
    }

  /* Keep waiting, and ask again later. */
  wait->timeout_id = g_timeout_add_seconds (self->shutdown_timeout, shutdown_timeout_cb, wait);
}

static gboolean
shutdown_timeout_cb (gpointer data)
{
  ShutdownWait *wait = data;
  HangarWindow *self = wait->self;
  GtkWidget *dialog;

  wait->timeout_id = 0;

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Still Running"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  ngettext ("“%s” did not shut down within %u second. "
                                            "The guest may be busy or ignoring the request. "
                                            "Forcing it off loses unsaved work in the guest.",
                                            "“%s” did not shut down within %u seconds. "
                                            "The guest may be busy or ignoring the request. "
                                            "Forcing it off loses unsaved work in the guest.",
                                            self->shutdown_timeout),
                                  hangar_domain_get_name (wait->domain), self->shutdown_timeout);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "wait", _("_Keep Waiting"),
                                    "force-off", _("_Force Off"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "force-off",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "wait");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "wait");
  g_object_set_data (G_OBJECT (dialog), "wait", wait);
  g_signal_connect (dialog, "response", G_CALLBACK (shutdown_dialog_response_cb), NULL);
  wait->dialog = GTK_WINDOW (dialog);
  gtk_window_present (GTK_WINDOW (dialog));

  return G_SOURCE_REMOVE;
}

static void
shutdown_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(HangarWindow) self = user_data;
  HangarDomain *domain = HANGAR_DOMAIN (source);
  g_autoptr(GError) error = NULL;
  ShutdownWait *wait;

  if (!hangar_domain_shutdown_finish (domain, result, &error))
    {
      show_error (self, error);
      return;
    }

  if (g_hash_table_contains (self->shutdown_waits, domain) ||
      hangar_domain_get_state (domain) == HANGAR_DOMAIN_STATE_SHUTOFF)
    return;

  wait = g_new0 (ShutdownWait, 1);
  wait->self = self;
  wait->domain = g_object_ref (domain);
  wait->state_id = g_signal_connect (domain, "notify::state",
                                     G_CALLBACK (shutdown_wait_state_cb), wait);
  wait->timeout_id = g_timeout_add_seconds (self->shutdown_timeout, shutdown_timeout_cb, wait);
  g_hash_table_insert (self->shutdown_waits, domain, wait);
}

static void
shutdown_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  HangarWindow *self = HANGAR_WINDOW (widget);

  g_return_if_fail (self->selected != NULL);

  hangar_domain_shutdown_async (self->selected, self->cancellable, shutdown_cb,
                                g_object_ref (self));
}

/* Renaming */

static void
rename_entry_changed_cb (GtkEditable      *entry,
                         AdwMessageDialog *dialog)
{
  HangarDomain *domain = g_object_get_data (G_OBJECT (dialog), "domain");
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

  adw_message_dialog_set_response_enabled (dialog, "rename",
                                           *text != '\0' && strchr (text, '/') == NULL &&
                                           g_strcmp0 (text, hangar_domain_get_name (domain)) != 0);
}

static void
rename_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    gpointer          user_data)
{
  g_autoptr(HangarWindow) self = user_data;
  HangarDomain *domain = g_object_get_data (G_OBJECT (dialog), "domain");
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));

  if (g_strcmp0 (response, "rename") != 0)
    return;

  hangar_domain_rename_async (domain, gtk_editable_get_text (entry), self->cancellable,
                              lifecycle_cb, lifecycle_new (self, hangar_domain_rename_finish));
}

static void
rename_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  HangarWindow *self = HANGAR_WINDOW (widget);
  GtkWidget *dialog;
  GtkWidget *entry;

  g_return_if_fail (self->selected != NULL);

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Rename Virtual Machine"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("The new name of “%s” on this connection."),
                                  hangar_domain_get_name (self->selected));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "rename", _("_Rename"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "rename",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "rename");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "rename", FALSE);

  entry = gtk_entry_new ();
  gtk_editable_set_text (GTK_EDITABLE (entry), hangar_domain_get_name (self->selected));
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("New name"),
                                  -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);

  g_object_set_data_full (G_OBJECT (dialog), "domain",
                          g_object_ref (self->selected), g_object_unref);
  g_signal_connect (entry, "changed", G_CALLBACK (rename_entry_changed_cb), dialog);
  g_signal_connect (dialog, "response", G_CALLBACK (rename_response_cb), g_object_ref (self));
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);
}

/* Cloning, with a choice of disks */

static void
clone_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(HangarCloneDialog) dialog = user_data;
  HangarClonePlan *plan = HANGAR_CLONE_PLAN (source);
  HangarWindow *self = HANGAR_WINDOW (gtk_window_get_transient_for (GTK_WINDOW (dialog)));
  g_autoptr(HangarDomain) clone = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  clone = hangar_clone_plan_run_finish (plan, result, &error);
  if (self == NULL)
    return;

  if (clone == NULL)
    {
      hangar_clone_dialog_set_busy (dialog, FALSE);
      show_error (self, error);
      return;
    }

  message = g_strdup_printf (_("“%s” was cloned as “%s”"),
                             hangar_domain_get_name (hangar_clone_plan_get_domain (plan)),
                             hangar_domain_get_name (clone));
  hangar_window_show_message (self, message);
  hangar_window_select_domain (self, clone);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
clone_requested_cb (HangarCloneDialog *dialog,
                    HangarClonePlan   *plan,
                    HangarWindow      *self)
{
  hangar_clone_dialog_set_busy (dialog, TRUE);
  hangar_clone_plan_run_async (plan, self->cancellable, clone_done_cb, g_object_ref (dialog));
}

static void
clone_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  HangarWindow *self = HANGAR_WINDOW (widget);
  GtkWidget *dialog;

  g_return_if_fail (self->selected != NULL);

  dialog = hangar_clone_dialog_new (self->selected);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self));
  g_signal_connect_object (dialog, "clone", G_CALLBACK (clone_requested_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Deleting, with a choice of disks */

static void
delete_response_cb (HangarDeleteDialog *dialog,
                    const char         *response,
                    gpointer            user_data)
{
  g_autoptr(HangarWindow) self = user_data;
  g_auto(GStrv) paths = NULL;

  if (g_strcmp0 (response, "delete") != 0)
    return;

  paths = hangar_delete_dialog_dup_selected_paths (dialog);
  hangar_domain_delete_async (hangar_delete_dialog_get_domain (dialog),
                              (const char * const *)paths, self->cancellable, lifecycle_cb,
                              lifecycle_new (self, hangar_domain_delete_finish));
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  HangarWindow *self = HANGAR_WINDOW (widget);
  HangarDeleteDialog *dialog;

  g_return_if_fail (self->selected != NULL);

  dialog = hangar_delete_dialog_new (self->selected);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self));
  g_signal_connect (dialog, "response", G_CALLBACK (delete_response_cb), g_object_ref (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
conflict_response_cb (AdwMessageDialog *dialog,
                      const char       *response,
                      gpointer          user_data)
{
  g_autoptr(HangarWindow) self = user_data;
  HangarDomain *domain = g_object_get_data (G_OBJECT (dialog), "domain");
  HangarDomainDoc *current = g_object_get_data (G_OBJECT (dialog), "current");

  if (domain != self->selected)
    return;

  /* The page keeps its fields and makes its edits again on the new
   * definition (see hangar_domain_apply_async ()). */
  if (g_strcmp0 (response, "apply") == 0)
    {
      hangar_domain_details_rebase (self->details, current);
      gtk_widget_activate_action (GTK_WIDGET (self), "win.apply", NULL);
    }
  else if (g_strcmp0 (response, "reload") == 0)
    hangar_domain_details_reload (self->details);
}

static void
show_conflict (HangarWindow      *self,
               HangarDomain      *domain,
               HangarApplyReport *report)
{
  g_autoptr(GString) paths = g_string_new (NULL);
  GtkWidget *dialog;

  for (unsigned i = 0; i < report->changed->len && i < 8; i++)
    g_string_append_printf (paths, "\n%s", (const char *)g_ptr_array_index (report->changed, i));
  if (report->changed->len > 8)
    g_string_append (paths, "\n…");

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Definition Changed"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("The definition of “%s” was changed in another program "
                                    "since it was loaded. Changed elements:%s"),
                                  hangar_domain_get_name (domain), paths->str);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "reload", _("_Reload"),
                                    "apply", _("_Apply Anyway"),
                                    NULL);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "reload");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "reload");
  g_object_set_data_full (G_OBJECT (dialog), "domain", g_object_ref (domain), g_object_unref);
  g_object_set_data_full (G_OBJECT (dialog), "current", g_object_ref (report->current),
                          g_object_unref);
  g_signal_connect (dialog, "response", G_CALLBACK (conflict_response_cb), g_object_ref (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
apply_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(HangarWindow) self = user_data;
  HangarDomain *domain = HANGAR_DOMAIN (source);
  g_autoptr(HangarApplyReport) report = NULL;
  g_autoptr(GError) error = NULL;

  if (!hangar_domain_apply_finish (domain, result, &report, &error))
    {
      if (g_error_matches (error, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_CONFLICT))
        show_conflict (self, domain, report);
      else
        show_error (self, error);
      return;
    }

  if (domain == self->selected)
    hangar_domain_details_reload (self->details);

  for (unsigned i = 0; i < report->warnings->len; i++)
    hangar_window_show_message (self, g_ptr_array_index (report->warnings, i));

  if (report->next_boot->len > 0)
    hangar_window_show_message (self, _("Saved: some changes apply at the next boot"));
  else if (report->live->len > 0)
    hangar_window_show_message (self, _("Applied to the running virtual machine"));
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

  hangar_domain_apply_async (self->selected, hangar_domain_details_get_doc (self->details), doc,
                             self->cancellable, apply_cb, g_object_ref (self));
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
  unsigned n;

  G_OBJECT_CLASS (hangar_window_parent_class)->constructed (object);

  self->tree = gtk_tree_list_model_new (g_object_ref (G_LIST_MODEL (self->connections)),
                                        FALSE, TRUE, create_children_cb, NULL, NULL);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->tree)));
  gtk_single_selection_set_autoselect (self->selection, TRUE);
  gtk_list_view_set_model (self->domain_list, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->tree, "items-changed",
                           G_CALLBACK (tree_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->connections, "items-changed",
                           G_CALLBACK (connections_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->connections, "authenticate",
                           G_CALLBACK (authenticate_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->details, "notify::modified",
                           G_CALLBACK (update_actions), self, G_CONNECT_SWAPPED);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->connections));
  connections_changed_cb (self, 0, 0, n);
  for (unsigned i = 0; i < n && bench_enabled (); i++)
    {
      g_autoptr(HangarConnection) connection =
        g_list_model_get_item (G_LIST_MODEL (self->connections), i);

      bench_state_cb (connection, NULL, self);
    }

  selection_changed_cb (self);
  update_title (self);
  update_sidebar (self);
}

static void
hangar_window_dispose (GObject *object)
{
  HangarWindow *self = HANGAR_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  stall_report_cb (NULL);
  g_clear_pointer (&self->shutdown_waits, g_hash_table_unref);
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
  g_clear_object (&self->tree);

  G_OBJECT_CLASS (hangar_window_parent_class)->dispose (object);
}

static void
hangar_window_finalize (GObject *object)
{
  HangarWindow *self = HANGAR_WINDOW (object);

  g_clear_object (&self->connections);
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
    case PROP_CONNECTIONS:
      g_value_set_object (value, self->connections);
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
    case PROP_CONNECTIONS:
      self->connections = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* The selected domain's console in a window of its own; the one it has
 * already, if any. */
static void
open_console_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  HangarWindow *self = HANGAR_WINDOW (widget);
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  HangarConsoleWindow *window = NULL;

  g_return_if_fail (self->selected != NULL);

  if (app != NULL)
    window = hangar_console_window_find (app, self->selected);
  if (window == NULL)
    window = hangar_console_window_new (app, self->selected);
  gtk_window_present (GTK_WINDOW (window));
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

  properties[PROP_CONNECTIONS] =
    g_param_spec_object ("connections", NULL, NULL,
                         HANGAR_TYPE_CONNECTION_LIST,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SELECTED] =
    g_param_spec_object ("selected", NULL, NULL,
                         HANGAR_TYPE_DOMAIN,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (HANGAR_TYPE_CONSOLE_VIEW);
  g_type_ensure (HANGAR_TYPE_DOMAIN_DETAILS);
  g_type_ensure (HANGAR_TYPE_CONNECTION_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/hangarvm/Hangar/hangar-window.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, sidebar_title);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, sidebar_stack);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, domain_list);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, content);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, switcher_bar);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, console_view);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, details);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, connection_page);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, start_button);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, shutdown_button);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, domain_menu_button);

  gtk_widget_class_install_action (widget_class, "win.import", NULL, import_action);
  for (unsigned i = 0; i < G_N_ELEMENTS (simple_actions); i++)
    gtk_widget_class_install_action (widget_class, simple_actions[i].name, NULL, simple_action);
  gtk_widget_class_install_action (widget_class, "win.shutdown", NULL, shutdown_action);
  gtk_widget_class_install_action (widget_class, "win.rename", NULL, rename_action);
  gtk_widget_class_install_action (widget_class, "win.clone", NULL, clone_action);
  gtk_widget_class_install_action (widget_class, "win.delete", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "win.apply", NULL, apply_action);
  gtk_widget_class_install_action (widget_class, "win.add-connection", NULL,
                                   add_connection_action);
  gtk_widget_class_install_action (widget_class, "win.connect", NULL, connect_action);
  gtk_widget_class_install_action (widget_class, "win.disconnect", NULL, disconnect_action);
  gtk_widget_class_install_action (widget_class, "win.remove-connection", NULL,
                                   remove_connection_action);
  gtk_widget_class_install_action (widget_class, "win.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "win.open-console", NULL, open_console_action);
}

static void
hangar_window_init (HangarWindow *self)
{
  GtkListItemFactory *factory;

  self->cancellable = g_cancellable_new ();
  self->shutdown_waits = g_hash_table_new_full (NULL, NULL, NULL,
                                                (GDestroyNotify)shutdown_wait_free);
  self->shutdown_timeout = DEFAULT_SHUTDOWN_TIMEOUT_SECONDS;

  gtk_widget_init_template (GTK_WIDGET (self));

  {
    g_autoptr(GSimpleAction) autostart = NULL;

    /* Stateful, so that the menu shows a check mark. */
    autostart = g_simple_action_new_stateful ("autostart", NULL,
                                              g_variant_new_boolean (FALSE));
    g_signal_connect (autostart, "change-state", G_CALLBACK (autostart_change_state_cb), self);
    g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (autostart));
  }

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row_cb), self);
  gtk_list_view_set_factory (self->domain_list, factory);
  g_object_unref (factory);
  g_signal_connect_swapped (self->domain_list, "activate", G_CALLBACK (list_activate_cb), self);

  if (bench_enabled ())
    g_signal_connect (self, "map", G_CALLBACK (stall_start_cb), NULL);
}

HangarWindow *
hangar_window_new (HangarApplication    *application,
                   HangarConnectionList *connections)
{
  g_return_val_if_fail (application == NULL || HANGAR_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (HANGAR_IS_CONNECTION_LIST (connections), NULL);

  return g_object_new (HANGAR_TYPE_WINDOW,
                       "application", application,
                       "connections", connections,
                       NULL);
}

HangarConnectionList *
hangar_window_get_connections (HangarWindow *self)
{
  g_return_val_if_fail (HANGAR_IS_WINDOW (self), NULL);

  return self->connections;
}

HangarConnection *
hangar_window_get_connection (HangarWindow *self)
{
  g_return_val_if_fail (HANGAR_IS_WINDOW (self), NULL);

  return current_connection (self);
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
  g_return_if_fail (HANGAR_IS_WINDOW (self));
  g_return_if_fail (HANGAR_IS_DOMAIN (domain));

  select_row (self, domain);
}

void
hangar_window_select_connection (HangarWindow     *self,
                                 HangarConnection *connection)
{
  g_return_if_fail (HANGAR_IS_WINDOW (self));
  g_return_if_fail (HANGAR_IS_CONNECTION (connection));

  select_row (self, connection);
}

HangarAddConnectionDialog *
hangar_window_add_connection (HangarWindow *self)
{
  HangarAddConnectionDialog *dialog;

  g_return_val_if_fail (HANGAR_IS_WINDOW (self), NULL);

  dialog = hangar_add_connection_dialog_new (self->connections);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self));
  g_signal_connect_object (dialog, "added", G_CALLBACK (added_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));

  return dialog;
}

HangarImportDialog *
hangar_window_import_file (HangarWindow *self,
                           GFile        *file)
{
  HangarImportDialog *dialog;
  HangarConnection *connection;

  g_return_val_if_fail (HANGAR_IS_WINDOW (self), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  connection = current_connection (self);
  g_return_val_if_fail (connection != NULL, NULL);

  dialog = hangar_import_dialog_new (connection, file);
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

void
hangar_window_set_shutdown_timeout (HangarWindow *self,
                                    unsigned      seconds)
{
  g_return_if_fail (HANGAR_IS_WINDOW (self));
  g_return_if_fail (seconds > 0);

  self->shutdown_timeout = seconds;
}
