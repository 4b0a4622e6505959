/* hangar-usb-chooser.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>
#include <spice-client.h>

G_BEGIN_DECLS

#define HANGAR_TYPE_USB_CHOOSER (hangar_usb_chooser_get_type ())

G_DECLARE_FINAL_TYPE (HangarUsbChooser, hangar_usb_chooser, HANGAR, USB_CHOOSER, GtkPopover)

/* The host's USB devices with a switch each: on redirects the device to
 * the guest through spice-client-glib's USB device manager. */
GtkWidget *hangar_usb_chooser_new         (void);

/* @manager NULL: no SPICE session.  @n_channels is the number of USB
 * redirection channels the guest has (devices it can take at once). */
void       hangar_usb_chooser_set_manager (HangarUsbChooser      *self,
                                           SpiceUsbDeviceManager *manager,
                                           unsigned               n_channels);
/* The number of devices listed, for tests. */
unsigned   hangar_usb_chooser_get_n_devices (HangarUsbChooser    *self);
/* What the chooser says instead of a list, or NULL when it lists. */
const char *hangar_usb_chooser_get_placeholder (HangarUsbChooser *self);

G_END_DECLS
