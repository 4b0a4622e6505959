/* hangar-connection-row.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-connection-row"

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-connection-row.h"

struct _HangarConnectionRow
{
  GtkWidget         parent_instance;

  /* owned references */
  HangarConnection *connection;
  gulong            notify_id;

  /* child widgets */
  GtkWidget        *icon;
  GtkWidget        *labels;
  GtkWidget        *title_label;
  GtkWidget        *status_label;
  GtkWidget        *spinner;
};

G_DEFINE_FINAL_TYPE (HangarConnectionRow, hangar_connection_row, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CONNECTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

const char *
hangar_connection_describe_state (HangarConnection *connection)
{
  g_return_val_if_fail (HANGAR_IS_CONNECTION (connection), NULL);

  switch (hangar_connection_get_state (connection))
    {
    case HANGAR_CONNECTION_CONNECTING:
      return hangar_connection_get_reconnecting (connection) ? _("Reconnecting…")
                                                             : _("Connecting…");

    case HANGAR_CONNECTION_CONNECTED:
      return _("Connected");

    case HANGAR_CONNECTION_DISCONNECTED:
    default:
      if (hangar_connection_get_reconnecting (connection))
        return _("Lost, reconnecting…");
      if (hangar_connection_get_error (connection) != NULL)
        return _("Could not connect");
      return _("Not connected");
    }
}

static void
update (HangarConnectionRow *self)
{
  HangarConnectionState state;
  const char *status;
  const char *error;
  g_autofree char *accessible = NULL;
  g_autofree char *tooltip = NULL;

  if (self->connection == NULL)
    return;

  state = hangar_connection_get_state (self->connection);
  status = hangar_connection_describe_state (self->connection);
  error = hangar_connection_get_error (self->connection);

  gtk_label_set_label (GTK_LABEL (self->title_label),
                       hangar_connection_get_title (self->connection));
  gtk_label_set_label (GTK_LABEL (self->status_label), status);
  gtk_image_set_from_icon_name (GTK_IMAGE (self->icon),
                                hangar_connection_is_local (self->connection)
                                ? "computer-symbolic" : "network-server-symbolic");
  gtk_widget_set_opacity (self->icon, state == HANGAR_CONNECTION_CONNECTED ? 1.0 : 0.5);

  gtk_widget_set_visible (self->spinner, state == HANGAR_CONNECTION_CONNECTING);
  gtk_spinner_set_spinning (GTK_SPINNER (self->spinner), state == HANGAR_CONNECTION_CONNECTING);

  if (error != NULL && state == HANGAR_CONNECTION_DISCONNECTED)
    {
      gtk_widget_add_css_class (self->status_label, "error");
      tooltip = g_strdup_printf ("%s\n%s", hangar_connection_get_uri (self->connection), error);
    }
  else
    {
      gtk_widget_remove_css_class (self->status_label, "error");
      tooltip = g_strdup (hangar_connection_get_uri (self->connection));
    }
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), tooltip);

  /* Translators: the accessible name of a connection's row: "QEMU/KVM, Connected" */
  accessible = g_strdup_printf (_("%s, %s"), hangar_connection_get_title (self->connection),
                                status);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  -1);
}

static void
hangar_connection_row_dispose (GObject *object)
{
  HangarConnectionRow *self = HANGAR_CONNECTION_ROW (object);

  hangar_connection_row_set_connection (self, NULL);
  g_clear_pointer (&self->icon, gtk_widget_unparent);
  g_clear_pointer (&self->labels, gtk_widget_unparent);
  g_clear_pointer (&self->spinner, gtk_widget_unparent);

  G_OBJECT_CLASS (hangar_connection_row_parent_class)->dispose (object);
}

static void
hangar_connection_row_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  HangarConnectionRow *self = HANGAR_CONNECTION_ROW (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      g_value_set_object (value, self->connection);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_connection_row_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  HangarConnectionRow *self = HANGAR_CONNECTION_ROW (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      hangar_connection_row_set_connection (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_connection_row_class_init (HangarConnectionRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hangar_connection_row_dispose;
  object_class->get_property = hangar_connection_row_get_property;
  object_class->set_property = hangar_connection_row_set_property;

  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL,
                         HANGAR_TYPE_CONNECTION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "connectionrow");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
hangar_connection_row_init (HangarConnectionRow *self)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));

  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 10);
  gtk_widget_set_margin_top (GTK_WIDGET (self), 4);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self), 4);

  self->icon = gtk_image_new ();
  gtk_widget_set_parent (self->icon, GTK_WIDGET (self));

  self->labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_hexpand (self->labels, TRUE);
  gtk_widget_set_parent (self->labels, GTK_WIDGET (self));

  self->title_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->title_label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (self->title_label), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (self->title_label, "heading");
  gtk_box_append (GTK_BOX (self->labels), self->title_label);

  self->status_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->status_label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (self->status_label), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (self->status_label, "dim-label");
  gtk_widget_add_css_class (self->status_label, "caption");
  gtk_box_append (GTK_BOX (self->labels), self->status_label);

  self->spinner = gtk_spinner_new ();
  gtk_widget_set_valign (self->spinner, GTK_ALIGN_CENTER);
  gtk_widget_set_parent (self->spinner, GTK_WIDGET (self));
}

GtkWidget *
hangar_connection_row_new (void)
{
  return g_object_new (HANGAR_TYPE_CONNECTION_ROW, NULL);
}

HangarConnection *
hangar_connection_row_get_connection (HangarConnectionRow *self)
{
  g_return_val_if_fail (HANGAR_IS_CONNECTION_ROW (self), NULL);

  return self->connection;
}

const char *
hangar_connection_row_get_status (HangarConnectionRow *self)
{
  g_return_val_if_fail (HANGAR_IS_CONNECTION_ROW (self), NULL);

  return gtk_label_get_label (GTK_LABEL (self->status_label));
}

void
hangar_connection_row_set_connection (HangarConnectionRow *self,
                                      HangarConnection    *connection)
{
  g_return_if_fail (HANGAR_IS_CONNECTION_ROW (self));
  g_return_if_fail (connection == NULL || HANGAR_IS_CONNECTION (connection));

  if (self->connection == connection)
    return;

  if (self->connection != NULL)
    g_clear_signal_handler (&self->notify_id, self->connection);
  g_set_object (&self->connection, connection);
  if (connection != NULL)
    self->notify_id = g_signal_connect_object (connection, "notify",
                                               G_CALLBACK (update), self,
                                               G_CONNECT_SWAPPED);

  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTION]);
}
