/* hangar-spice-display.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HANGAR_TYPE_SPICE_DISPLAY (hangar_spice_display_get_type ())

G_DECLARE_FINAL_TYPE (HangarSpiceDisplay, hangar_spice_display, HANGAR, SPICE_DISPLAY, GtkWidget)

/* Asks for a new connected socket for one more SPICE channel.  The
 * handler answers later with hangar_spice_display_take_channel_fd () on
 * the token it was given, or with -1 when it cannot. */
typedef void (*HangarSpiceFdRequest) (HangarSpiceDisplay *self,
                                      gpointer            token,
                                      gpointer            user_data);

GtkWidget  *hangar_spice_display_new              (void);

/* Connects over a socket the caller already has (libvirt's graphics FD);
 * the display owns @fd.  Further channels ask @request for their own. */
void        hangar_spice_display_open_fd          (HangarSpiceDisplay   *self,
                                                   int                   fd,
                                                   HangarSpiceFdRequest  request,
                                                   gpointer              user_data,
                                                   GDestroyNotify        destroy);
void        hangar_spice_display_take_channel_fd  (HangarSpiceDisplay   *self,
                                                   gpointer              token,
                                                   int                   fd);
/* Connects to host:port (remote displays). */
void        hangar_spice_display_open_host        (HangarSpiceDisplay   *self,
                                                   const char           *host,
                                                   const char           *port,
                                                   const char           *password);
void        hangar_spice_display_close            (HangarSpiceDisplay   *self);

/* Properties: "connected" (boolean), "frames" (number of updates painted
 * since the primary surface appeared), "error" (the reason of the last
 * disconnection, or NULL), "guest-width", "guest-height". */
gboolean    hangar_spice_display_get_connected    (HangarSpiceDisplay   *self);
guint64     hangar_spice_display_get_frames       (HangarSpiceDisplay   *self);
const char *hangar_spice_display_get_error        (HangarSpiceDisplay   *self);

/* Presses and releases the keys, in order, then releases them in reverse:
 * a key combination such as Ctrl+Alt+Del.  Codes as from hangar_keymap. */
void        hangar_spice_display_send_keys        (HangarSpiceDisplay   *self,
                                                   const unsigned       *xt_codes,
                                                   unsigned              n_codes);

/* The guest's screen as last painted, or NULL before the first frame.
 * The display keeps the texture (transfer none): take a reference to keep
 * it past the next update. */
GdkTexture *hangar_spice_display_get_texture      (HangarSpiceDisplay   *self);

/* Where the guest's screen is drawn, in widget coordinates (scaled to
 * fit, keeping its aspect ratio). */
gboolean    hangar_spice_display_get_screen_rect  (HangarSpiceDisplay   *self,
                                                   graphene_rect_t      *rect);

G_END_DECLS
