/* hangar-add-connection-dialog.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-add-connection-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-add-connection-dialog.h"
#include "hangar-connection-uri.h"

struct _HangarAddConnectionDialog
{
  AdwWindow             parent_instance;

  /* owned references */
  HangarConnectionList *list;

  /* template widgets */
  GtkWidget            *add_button;
  AdwComboRow          *hypervisor_row;
  AdwEntryRow          *custom_row;
  GtkWidget            *remote_group;
  AdwExpanderRow       *remote_row;
  AdwComboRow          *transport_row;
  AdwEntryRow          *user_row;
  AdwEntryRow          *host_row;
  GtkSwitch            *autoconnect_switch;
  GtkLabel             *uri_label;
};

G_DEFINE_FINAL_TYPE (HangarAddConnectionDialog, hangar_add_connection_dialog, ADW_TYPE_WINDOW)

enum {
  ADDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The hypervisor combo's items, in order; the last is "Custom URI". */
static const HangarHypervisor hypervisor_items[] = {
  HANGAR_HYPERVISOR_QEMU,
  HANGAR_HYPERVISOR_QEMU_SESSION,
  HANGAR_HYPERVISOR_QEMU_EMBED,
  HANGAR_HYPERVISOR_XEN,
  HANGAR_HYPERVISOR_LXC,
  HANGAR_HYPERVISOR_CH,
  HANGAR_HYPERVISOR_TEST,
};

/* The transport combo's items, in order. */
static const HangarTransport transport_items[] = {
  HANGAR_TRANSPORT_SSH,
  HANGAR_TRANSPORT_LIBSSH,
  HANGAR_TRANSPORT_TLS,
  HANGAR_TRANSPORT_TCP,
};

static gboolean
is_custom (HangarAddConnectionDialog *self)
{
  return adw_combo_row_get_selected (self->hypervisor_row) >= G_N_ELEMENTS (hypervisor_items);
}

char *
hangar_add_connection_dialog_dup_uri (HangarAddConnectionDialog  *self,
                                      GError                    **error)
{
  unsigned hypervisor;
  unsigned transport;

  g_return_val_if_fail (HANGAR_IS_ADD_CONNECTION_DIALOG (self), NULL);

  if (is_custom (self))
    {
      g_autofree char *uri = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->custom_row))));

      if (!hangar_connection_uri_validate (uri, error))
        return NULL;

      return g_steal_pointer (&uri);
    }

  hypervisor = adw_combo_row_get_selected (self->hypervisor_row);
  transport = adw_combo_row_get_selected (self->transport_row);
  if (transport >= G_N_ELEMENTS (transport_items))
    transport = 0;

  return hangar_connection_uri_build (hypervisor_items[hypervisor],
                                      adw_expander_row_get_enable_expansion (self->remote_row)
                                      ? transport_items[transport] : HANGAR_TRANSPORT_LOCAL,
                                      gtk_editable_get_text (GTK_EDITABLE (self->user_row)),
                                      gtk_editable_get_text (GTK_EDITABLE (self->host_row)),
                                      error);
}

static void
update (HangarAddConnectionDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  gboolean custom = is_custom (self);
  gboolean can_be_remote;

  can_be_remote = !custom &&
                  hypervisor_items[adw_combo_row_get_selected (self->hypervisor_row)] !=
                  HANGAR_HYPERVISOR_QEMU_EMBED;
  gtk_widget_set_visible (GTK_WIDGET (self->custom_row), custom);
  gtk_widget_set_visible (self->remote_group, can_be_remote);
  if (!can_be_remote)
    adw_expander_row_set_enable_expansion (self->remote_row, FALSE);

  uri = hangar_add_connection_dialog_dup_uri (self, &error);
  if (uri == NULL)
    {
      gtk_label_set_label (self->uri_label, error->message);
      gtk_widget_remove_css_class (GTK_WIDGET (self->uri_label), "monospace");
    }
  else if (hangar_connection_list_lookup (self->list, uri) != NULL)
    {
      g_clear_pointer (&uri, g_free);
      gtk_label_set_label (self->uri_label, _("This connection is in the list already"));
      gtk_widget_remove_css_class (GTK_WIDGET (self->uri_label), "monospace");
    }
  else
    {
      gtk_label_set_label (self->uri_label, uri);
      gtk_widget_add_css_class (GTK_WIDGET (self->uri_label), "monospace");
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.add", uri != NULL);
}

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  HangarAddConnectionDialog *self = HANGAR_ADD_CONNECTION_DIALOG (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  HangarConnection *connection;

  uri = hangar_add_connection_dialog_dup_uri (self, &error);
  if (uri != NULL)
    connection = hangar_connection_list_add (self->list, uri, TRUE,
                                             gtk_switch_get_active (self->autoconnect_switch),
                                             &error);
  if (uri == NULL || connection == NULL)
    {
      gtk_label_set_label (self->uri_label, error->message);
      return;
    }

  g_signal_emit (self, signals[ADDED], 0, connection);
  gtk_window_close (GTK_WINDOW (self));
}

static void
hangar_add_connection_dialog_dispose (GObject *object)
{
  HangarAddConnectionDialog *self = HANGAR_ADD_CONNECTION_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_ADD_CONNECTION_DIALOG);

  G_OBJECT_CLASS (hangar_add_connection_dialog_parent_class)->dispose (object);
}

static void
hangar_add_connection_dialog_finalize (GObject *object)
{
  HangarAddConnectionDialog *self = HANGAR_ADD_CONNECTION_DIALOG (object);

  g_clear_object (&self->list);

  G_OBJECT_CLASS (hangar_add_connection_dialog_parent_class)->finalize (object);
}

static void
hangar_add_connection_dialog_class_init (HangarAddConnectionDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hangar_add_connection_dialog_dispose;
  object_class->finalize = hangar_add_connection_dialog_finalize;

  signals[ADDED] =
    g_signal_new ("added",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  NULL, NULL,
                  NULL,
                  G_TYPE_NONE, 1, HANGAR_TYPE_CONNECTION);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/hangarvm/Hangar/hangar-add-connection-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarAddConnectionDialog, add_button);
  gtk_widget_class_bind_template_child (widget_class, HangarAddConnectionDialog, hypervisor_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAddConnectionDialog, custom_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAddConnectionDialog, remote_group);
  gtk_widget_class_bind_template_child (widget_class, HangarAddConnectionDialog, remote_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAddConnectionDialog, transport_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAddConnectionDialog, user_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAddConnectionDialog, host_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAddConnectionDialog, autoconnect_switch);
  gtk_widget_class_bind_template_child (widget_class, HangarAddConnectionDialog, uri_label);

  gtk_widget_class_install_action (widget_class, "dialog.add", NULL, add_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
hangar_add_connection_dialog_init (HangarAddConnectionDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_swapped (self->hypervisor_row, "notify::selected", G_CALLBACK (update), self);
  g_signal_connect_swapped (self->transport_row, "notify::selected", G_CALLBACK (update), self);
  g_signal_connect_swapped (self->remote_row, "notify::enable-expansion",
                            G_CALLBACK (update), self);
  g_signal_connect_swapped (self->custom_row, "changed", G_CALLBACK (update), self);
  g_signal_connect_swapped (self->user_row, "changed", G_CALLBACK (update), self);
  g_signal_connect_swapped (self->host_row, "changed", G_CALLBACK (update), self);
}

HangarAddConnectionDialog *
hangar_add_connection_dialog_new (HangarConnectionList *list)
{
  HangarAddConnectionDialog *self;

  g_return_val_if_fail (HANGAR_IS_CONNECTION_LIST (list), NULL);

  self = g_object_new (HANGAR_TYPE_ADD_CONNECTION_DIALOG, NULL);
  self->list = g_object_ref (list);
  update (self);

  return self;
}
