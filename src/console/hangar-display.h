/* hangar-display.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "hangar-display-session.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_DISPLAY (hangar_display_get_type ())

G_DECLARE_FINAL_TYPE (HangarDisplay, hangar_display, HANGAR, DISPLAY, GtkWidget)

/* A guest's graphical display, for any HangarDisplaySession (SPICE, VNC):
 * paints the guest's screen, sends it the keyboard and pointer, shares
 * the clipboard and asks the guest to follow the widget's size.
 *
 * The screen is kept as tiles of textures, and an update re-uploads only
 * the tiles its region touches.  It is scaled to fit the widget keeping
 * its aspect ratio ("scale-to-fit", the default), or shown at "zoom"
 * times its size, one guest pixel to one device pixel at 1.0 (put the
 * display in a GtkScrolledWindow to scroll it).
 *
 * Keys go to the guest while the display has the focus.  Clicking it
 * grabs the keyboard (the desktop's shortcuts go to the guest too) and,
 * for a guest with a relative pointer, confines the pointer; Ctrl+Alt
 * releases the grab ("grabbed").
 *
 * Properties: "session", "connected", "frames" (updates painted since the
 * screen appeared), "guest-width", "guest-height", "scale-to-fit",
 * "zoom", "resize-guest" (ask the guest, through its agent, for a screen
 * the size of the widget), "share-clipboard", "grabbed". */

GtkWidget            *hangar_display_new              (void);

void                  hangar_display_set_session      (HangarDisplay        *self,
                                                       HangarDisplaySession *session);
HangarDisplaySession *hangar_display_get_session      (HangarDisplay        *self);

gboolean              hangar_display_get_connected    (HangarDisplay        *self);
guint64               hangar_display_get_frames       (HangarDisplay        *self);
int                   hangar_display_get_guest_width  (HangarDisplay        *self);
int                   hangar_display_get_guest_height (HangarDisplay        *self);

void                  hangar_display_set_scale_to_fit (HangarDisplay        *self,
                                                       gboolean              scale_to_fit);
gboolean              hangar_display_get_scale_to_fit (HangarDisplay        *self);
/* From 0.25 to 4; only counts when not scaling to fit. */
void                  hangar_display_set_zoom         (HangarDisplay        *self,
                                                       double                zoom);
double                hangar_display_get_zoom         (HangarDisplay        *self);
void                  hangar_display_set_resize_guest (HangarDisplay        *self,
                                                       gboolean              resize_guest);
gboolean              hangar_display_get_resize_guest (HangarDisplay        *self);
void                  hangar_display_set_share_clipboard (HangarDisplay     *self,
                                                          gboolean           share);
gboolean              hangar_display_get_share_clipboard (HangarDisplay     *self);

gboolean              hangar_display_get_grabbed      (HangarDisplay        *self);
void                  hangar_display_release_grab     (HangarDisplay        *self);

/* Presses the keys, in order, then releases them in reverse: a key
 * combination such as Ctrl+Alt+Del.  Codes as from hangar_keymap. */
void                  hangar_display_send_keys        (HangarDisplay        *self,
                                                       const unsigned       *xt_codes,
                                                       unsigned              n_codes);

/* The guest's screen as last received, or NULL before the first frame.
 * The display keeps the texture (transfer none): take a reference to keep
 * it past the next update. */
GdkTexture           *hangar_display_get_texture      (HangarDisplay        *self);

/* Where the guest's screen is drawn, in widget coordinates. */
gboolean              hangar_display_get_screen_rect  (HangarDisplay        *self,
                                                       graphene_rect_t      *rect);

G_END_DECLS
