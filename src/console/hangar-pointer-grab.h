/* hangar-pointer-grab.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Confines the pointer to a widget and turns its motion into relative
 * steps, for guests that only have a relative pointing device.  GTK 4.8
 * has no grab API, so this goes to the windowing system: on X11 a pointer
 * grab confined to the window, with the pointer put back in the middle of
 * the widget after each step; on Wayland the pointer-constraints protocol
 * locks the pointer and relative-pointer reports the steps. */
typedef struct _HangarPointerGrab HangarPointerGrab;

typedef void (*HangarPointerMotion) (double   dx,
                                     double   dy,
                                     gpointer user_data);

/* NULL when the windowing system cannot confine the pointer. */
HangarPointerGrab *hangar_pointer_grab_new    (GtkWidget           *widget,
                                               HangarPointerMotion  motion,
                                               gpointer             user_data);
/* A motion event at (@x, @y) in the widget's coordinates. */
void               hangar_pointer_grab_motion (HangarPointerGrab   *grab,
                                               double               x,
                                               double               y);
void               hangar_pointer_grab_free   (HangarPointerGrab   *grab);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarPointerGrab, hangar_pointer_grab_free)

G_END_DECLS
