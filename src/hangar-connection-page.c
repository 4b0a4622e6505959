/* hangar-connection-page.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-connection-page"

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-connection-page.h"
#include "hangar-connection-row.h"

struct _HangarConnectionPage
{
  AdwBin                parent_instance;

  /* owned references */
  HangarConnectionList *list;
  HangarConnection     *connection;
  gulong                notify_id;
  gulong                items_id;

  /* template widgets */
  AdwStatusPage        *status_page;
  GtkWidget            *connect_button;
  GtkWidget            *disconnect_button;
  GtkWidget            *remove_button;
  AdwActionRow         *uri_row;
  AdwActionRow         *domains_row;
  GtkSwitch            *autoconnect_switch;
};

G_DEFINE_FINAL_TYPE (HangarConnectionPage, hangar_connection_page, ADW_TYPE_BIN)

static void
update (HangarConnectionPage *self)
{
  HangarConnectionState state;
  const char *error;
  g_autofree char *description = NULL;
  g_autofree char *count = NULL;
  unsigned n;

  if (self->connection == NULL)
    return;

  state = hangar_connection_get_state (self->connection);
  error = hangar_connection_get_error (self->connection);
  n = g_list_model_get_n_items (hangar_connection_get_domains (self->connection));

  adw_status_page_set_title (self->status_page, hangar_connection_get_title (self->connection));
  adw_status_page_set_icon_name (self->status_page,
                                 hangar_connection_is_local (self->connection)
                                 ? "computer-symbolic" : "network-server-symbolic");

  if (error != NULL && state == HANGAR_CONNECTION_DISCONNECTED)
    description = g_markup_printf_escaped ("%s\n<small>%s</small>",
                                           hangar_connection_describe_state (self->connection),
                                           error);
  else
    description = g_markup_escape_text (hangar_connection_describe_state (self->connection), -1);
  adw_status_page_set_description (self->status_page, description);

  adw_action_row_set_subtitle (self->uri_row, hangar_connection_get_uri (self->connection));

  if (state == HANGAR_CONNECTION_CONNECTED)
    count = g_strdup_printf ("%u", n);
  else if (n > 0)
    /* Translators: a count of domains as they were when last connected */
    count = g_strdup_printf (_("%u, as last seen"), n);
  else
    count = g_strdup (_("Unknown"));
  adw_action_row_set_subtitle (self->domains_row, count);

  gtk_widget_set_visible (self->connect_button, state == HANGAR_CONNECTION_DISCONNECTED);
  gtk_widget_set_visible (self->disconnect_button, state != HANGAR_CONNECTION_DISCONNECTED ||
                                                   hangar_connection_get_reconnecting (self->connection));
  gtk_button_set_label (GTK_BUTTON (self->disconnect_button),
                        state == HANGAR_CONNECTION_CONNECTED ? _("_Disconnect") : _("_Stop"));

  g_signal_handlers_block_matched (self->autoconnect_switch, G_SIGNAL_MATCH_DATA,
                                   0, 0, NULL, NULL, self);
  gtk_switch_set_active (self->autoconnect_switch,
                         hangar_connection_list_get_autoconnect (self->list, self->connection));
  g_signal_handlers_unblock_matched (self->autoconnect_switch, G_SIGNAL_MATCH_DATA,
                                     0, 0, NULL, NULL, self);
}

static void
autoconnect_cb (HangarConnectionPage *self)
{
  if (self->connection == NULL)
    return;

  hangar_connection_list_set_autoconnect (self->list, self->connection,
                                          gtk_switch_get_active (self->autoconnect_switch));
}

static void
hangar_connection_page_dispose (GObject *object)
{
  HangarConnectionPage *self = HANGAR_CONNECTION_PAGE (object);

  hangar_connection_page_set_connection (self, NULL, NULL);

  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_CONNECTION_PAGE);

  G_OBJECT_CLASS (hangar_connection_page_parent_class)->dispose (object);
}

static void
hangar_connection_page_class_init (HangarConnectionPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hangar_connection_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/hangarvm/Hangar/hangar-connection-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarConnectionPage, status_page);
  gtk_widget_class_bind_template_child (widget_class, HangarConnectionPage, connect_button);
  gtk_widget_class_bind_template_child (widget_class, HangarConnectionPage, disconnect_button);
  gtk_widget_class_bind_template_child (widget_class, HangarConnectionPage, remove_button);
  gtk_widget_class_bind_template_child (widget_class, HangarConnectionPage, uri_row);
  gtk_widget_class_bind_template_child (widget_class, HangarConnectionPage, domains_row);
  gtk_widget_class_bind_template_child (widget_class, HangarConnectionPage, autoconnect_switch);
}

static void
hangar_connection_page_init (HangarConnectionPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_swapped (self->autoconnect_switch, "notify::active",
                            G_CALLBACK (autoconnect_cb), self);
}

void
hangar_connection_page_set_connection (HangarConnectionPage *self,
                                       HangarConnectionList *list,
                                       HangarConnection     *connection)
{
  g_return_if_fail (HANGAR_IS_CONNECTION_PAGE (self));
  g_return_if_fail (list == NULL || HANGAR_IS_CONNECTION_LIST (list));
  g_return_if_fail (connection == NULL || HANGAR_IS_CONNECTION (connection));
  g_return_if_fail (connection == NULL || list != NULL);

  if (self->connection == connection)
    return;

  if (self->connection != NULL)
    {
      g_clear_signal_handler (&self->notify_id, self->connection);
      g_clear_signal_handler (&self->items_id,
                              hangar_connection_get_domains (self->connection));
    }

  g_set_object (&self->list, list);
  g_set_object (&self->connection, connection);

  if (connection != NULL)
    {
      self->notify_id = g_signal_connect_object (connection, "notify",
                                                 G_CALLBACK (update), self,
                                                 G_CONNECT_SWAPPED);
      self->items_id = g_signal_connect_object (hangar_connection_get_domains (connection),
                                                "items-changed",
                                                G_CALLBACK (update), self,
                                                G_CONNECT_SWAPPED);
    }

  update (self);
}

HangarConnection *
hangar_connection_page_get_connection (HangarConnectionPage *self)
{
  g_return_val_if_fail (HANGAR_IS_CONNECTION_PAGE (self), NULL);

  return self->connection;
}
