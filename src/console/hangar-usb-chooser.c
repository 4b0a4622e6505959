/* hangar-usb-chooser.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-usb-chooser"

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-usb-chooser.h"

struct _HangarUsbChooser
{
  GtkPopover             parent_instance;

  /* owned references */
  SpiceUsbDeviceManager *manager;
  GCancellable          *cancellable;

  /* child widgets */
  GtkListBox            *list;
  GtkLabel              *placeholder;
  GtkLabel              *error_label;

  unsigned               n_channels;
  unsigned               n_devices;
};

G_DEFINE_FINAL_TYPE (HangarUsbChooser, hangar_usb_chooser, GTK_TYPE_POPOVER)

static void refresh (HangarUsbChooser *self);

static void
show_error (HangarUsbChooser *self,
            const GError     *error)
{
  if (error == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  gtk_label_set_text (self->error_label, error->message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
}

static void
connect_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(HangarUsbChooser) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!spice_usb_device_manager_connect_device_finish (SPICE_USB_DEVICE_MANAGER (source),
                                                       result, &error))
    show_error (self, error);
  refresh (self);
}

static void
disconnect_done_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(HangarUsbChooser) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!spice_usb_device_manager_disconnect_device_finish (SPICE_USB_DEVICE_MANAGER (source),
                                                          result, &error))
    show_error (self, error);
  refresh (self);
}

static gboolean
switch_state_cb (GtkSwitch        *toggle,
                 gboolean          active,
                 HangarUsbChooser *self)
{
  SpiceUsbDevice *device = g_object_get_data (G_OBJECT (toggle), "hangar-usb-device");

  if (self->manager == NULL || device == NULL)
    return TRUE;

  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  if (active)
    spice_usb_device_manager_connect_device_async (self->manager, device, self->cancellable,
                                                   connect_done_cb, g_object_ref (self));
  else
    spice_usb_device_manager_disconnect_device_async (self->manager, device, self->cancellable,
                                                      disconnect_done_cb, g_object_ref (self));

  /* The switch follows the device once the manager has done it. */
  gtk_widget_set_sensitive (GTK_WIDGET (toggle), FALSE);
  return TRUE;
}

static void
free_device (gpointer device)
{
  g_boxed_free (spice_usb_device_get_type (), device);
}

static GtkWidget *
device_row (HangarUsbChooser *self,
            SpiceUsbDevice   *device)
{
  /* Translators: %s are the manufacturer and the product, %d the bus and
   * the device number */
  g_autofree char *description = spice_usb_device_get_description (device,
                                                                   _("%s %s (%d-%d)"));
  g_autoptr(GError) reason = NULL;
  GtkWidget *box, *label, *toggle;
  gboolean can;

  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);

  label = gtk_label_new (description);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_box_append (GTK_BOX (box), label);

  toggle = gtk_switch_new ();
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  description, -1);
  gtk_switch_set_state (GTK_SWITCH (toggle),
                        spice_usb_device_manager_is_device_connected (self->manager, device));
  can = spice_usb_device_manager_can_redirect_device (self->manager, device, &reason);
  gtk_widget_set_sensitive (toggle, can);
  if (!can && reason != NULL)
    gtk_widget_set_tooltip_text (box, reason->message);
  g_object_set_data_full (G_OBJECT (toggle), "hangar-usb-device",
                          g_boxed_copy (spice_usb_device_get_type (), device),
                          free_device);
  g_signal_connect (toggle, "state-set", G_CALLBACK (switch_state_cb), self);
  gtk_box_append (GTK_BOX (box), toggle);

  return box;
}

static void
refresh (HangarUsbChooser *self)
{
  g_autoptr(GPtrArray) devices = NULL;
  GtkListBoxRow *row;

  /* Rows only: the placeholder is a child of the list too. */
  while ((row = gtk_list_box_get_row_at_index (self->list, 0)) != NULL)
    gtk_list_box_remove (self->list, GTK_WIDGET (row));
  self->n_devices = 0;

  if (self->manager == NULL)
    {
      gtk_label_set_text (self->placeholder, _("USB redirection needs a SPICE display"));
      return;
    }

  if (self->n_channels == 0)
    {
      gtk_label_set_text (self->placeholder,
                          _("This virtual machine has no USB redirection: add a "
                            "redirected USB device to its hardware"));
      return;
    }

  devices = spice_usb_device_manager_get_devices (self->manager);
  for (unsigned i = 0; devices != NULL && i < devices->len; i++)
    {
      gtk_list_box_append (self->list, device_row (self, g_ptr_array_index (devices, i)));
      self->n_devices++;
    }

  gtk_label_set_text (self->placeholder, _("No USB devices are plugged into this computer"));
}

static void
devices_changed_cb (SpiceUsbDeviceManager *manager,
                    SpiceUsbDevice        *device,
                    HangarUsbChooser      *self)
{
  refresh (self);
}

static void
hangar_usb_chooser_dispose (GObject *object)
{
  HangarUsbChooser *self = HANGAR_USB_CHOOSER (object);

  g_cancellable_cancel (self->cancellable);
  hangar_usb_chooser_set_manager (self, NULL, 0);

  G_OBJECT_CLASS (hangar_usb_chooser_parent_class)->dispose (object);
}

static void
hangar_usb_chooser_finalize (GObject *object)
{
  HangarUsbChooser *self = HANGAR_USB_CHOOSER (object);

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (hangar_usb_chooser_parent_class)->finalize (object);
}

static void
hangar_usb_chooser_class_init (HangarUsbChooserClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hangar_usb_chooser_dispose;
  object_class->finalize = hangar_usb_chooser_finalize;
}

static void
hangar_usb_chooser_init (HangarUsbChooser *self)
{
  GtkWidget *box, *title;

  self->cancellable = g_cancellable_new ();

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  title = gtk_label_new (_("Share USB Devices with the Guest"));
  gtk_widget_add_css_class (title, "heading");
  gtk_box_append (GTK_BOX (box), title);

  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "boxed-list");
  self->placeholder = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->placeholder, TRUE);
  gtk_label_set_max_width_chars (self->placeholder, 36);
  gtk_widget_add_css_class (GTK_WIDGET (self->placeholder), "dim-label");
  gtk_widget_set_margin_top (GTK_WIDGET (self->placeholder), 12);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->placeholder), 12);
  gtk_widget_set_margin_start (GTK_WIDGET (self->placeholder), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self->placeholder), 12);
  gtk_list_box_set_placeholder (self->list, GTK_WIDGET (self->placeholder));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->list));

  self->error_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->error_label, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->error_label), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->error_label));

  gtk_popover_set_child (GTK_POPOVER (self), box);
  g_signal_connect (self, "show", G_CALLBACK (refresh), NULL);
  refresh (self);
}

GtkWidget *
hangar_usb_chooser_new (void)
{
  return g_object_new (HANGAR_TYPE_USB_CHOOSER, NULL);
}

void
hangar_usb_chooser_set_manager (HangarUsbChooser      *self,
                                SpiceUsbDeviceManager *manager,
                                unsigned               n_channels)
{
  g_return_if_fail (HANGAR_IS_USB_CHOOSER (self));
  g_return_if_fail (manager == NULL || SPICE_IS_USB_DEVICE_MANAGER (manager));

  if (self->manager == manager && self->n_channels == n_channels)
    return;

  if (self->manager != NULL)
    g_signal_handlers_disconnect_by_data (self->manager, self);
  g_set_object (&self->manager, manager);
  self->n_channels = n_channels;
  if (manager != NULL)
    {
      g_signal_connect (manager, "device-added", G_CALLBACK (devices_changed_cb), self);
      g_signal_connect (manager, "device-removed", G_CALLBACK (devices_changed_cb), self);
    }

  refresh (self);
}

unsigned
hangar_usb_chooser_get_n_devices (HangarUsbChooser *self)
{
  g_return_val_if_fail (HANGAR_IS_USB_CHOOSER (self), 0);

  return self->n_devices;
}

const char *
hangar_usb_chooser_get_placeholder (HangarUsbChooser *self)
{
  g_return_val_if_fail (HANGAR_IS_USB_CHOOSER (self), NULL);

  return self->n_devices > 0 ? NULL : gtk_label_get_text (self->placeholder);
}
