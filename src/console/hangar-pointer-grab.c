/* hangar-pointer-grab.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-pointer-grab"

#include "config.h"

#include <math.h>

/* First: GTK's header says which windowing systems it was built for. */
#include "hangar-pointer-grab.h"

#ifdef GDK_WINDOWING_X11
# include <gdk/x11/gdkx.h>
#endif
#ifdef HAVE_WAYLAND_PROTOCOLS
# include <gdk/wayland/gdkwayland.h>
# include "pointer-constraints-unstable-v1-client-protocol.h"
# include "relative-pointer-unstable-v1-client-protocol.h"
#endif

struct _HangarPointerGrab
{
  GtkWidget           *widget;      /* owned */
  HangarPointerMotion  motion;
  gpointer             user_data;

  /* X11: where the pointer is put back, in widget coordinates. */
  gboolean             x11;
  double               center_x;
  double               center_y;

#ifdef HAVE_WAYLAND_PROTOCOLS
  struct zwp_pointer_constraints_v1      *constraints;
  struct zwp_relative_pointer_manager_v1 *relative_manager;
  struct zwp_locked_pointer_v1           *locked;
  struct zwp_relative_pointer_v1         *relative;
#endif
};

#ifdef GDK_WINDOWING_X11

static gboolean
widget_to_root (GtkWidget *widget,
                double     x,
                double     y,
                int       *root_x,
                int       *root_y,
                Window    *xid)
{
  GtkNative *native = gtk_widget_get_native (widget);
  GdkSurface *surface;
  graphene_point_t point;
  double dx, dy;
  Window child;
  Display *xdisplay;

  if (native == NULL ||
      !gtk_widget_compute_point (widget, GTK_WIDGET (native),
                                 &GRAPHENE_POINT_INIT (x, y), &point))
    return FALSE;

  surface = gtk_native_get_surface (native);
  gtk_native_get_surface_transform (native, &dx, &dy);
  xdisplay = gdk_x11_display_get_xdisplay (gdk_surface_get_display (surface));
  *xid = gdk_x11_surface_get_xid (surface);

  /* X11 counts device pixels. */
  return XTranslateCoordinates (xdisplay, *xid, DefaultRootWindow (xdisplay),
                                (int) round ((point.x + dx) * gdk_surface_get_scale_factor (surface)),
                                (int) round ((point.y + dy) * gdk_surface_get_scale_factor (surface)),
                                root_x, root_y, &child);
}

static void
x11_center (HangarPointerGrab *grab)
{
  Display *xdisplay = gdk_x11_display_get_xdisplay (gtk_widget_get_display (grab->widget));
  int root_x, root_y;
  Window xid;

  grab->center_x = floor (gtk_widget_get_width (grab->widget) / 2.0);
  grab->center_y = floor (gtk_widget_get_height (grab->widget) / 2.0);

  if (widget_to_root (grab->widget, grab->center_x, grab->center_y, &root_x, &root_y, &xid))
    {
      XWarpPointer (xdisplay, None, DefaultRootWindow (xdisplay), 0, 0, 0, 0, root_x, root_y);
      XFlush (xdisplay);
    }
}

static gboolean
x11_grab (HangarPointerGrab *grab)
{
  GdkDisplay *display = gtk_widget_get_display (grab->widget);
  Display *xdisplay = gdk_x11_display_get_xdisplay (display);
  int root_x, root_y;
  Window xid;
  int status;

  if (!widget_to_root (grab->widget, 0, 0, &root_x, &root_y, &xid))
    return FALSE;

  /* Events keep going to GTK's own window (owner_events), and the
   * pointer cannot leave that window. */
  status = XGrabPointer (xdisplay, xid, True,
                         PointerMotionMask | ButtonPressMask | ButtonReleaseMask,
                         GrabModeAsync, GrabModeAsync, xid, None, CurrentTime);
  if (status != GrabSuccess)
    {
      g_debug ("X11 pointer grab refused (%d)", status);
      return FALSE;
    }

  grab->x11 = TRUE;
  x11_center (grab);

  return TRUE;
}

static void
x11_ungrab (HangarPointerGrab *grab)
{
  Display *xdisplay = gdk_x11_display_get_xdisplay (gtk_widget_get_display (grab->widget));

  XUngrabPointer (xdisplay, CurrentTime);
  XFlush (xdisplay);
}

#endif

#ifdef HAVE_WAYLAND_PROTOCOLS

static void
relative_motion_cb (void                           *data,
                    struct zwp_relative_pointer_v1 *relative,
                    uint32_t                        time_hi,
                    uint32_t                        time_lo,
                    wl_fixed_t                      dx,
                    wl_fixed_t                      dy,
                    wl_fixed_t                      dx_unaccel,
                    wl_fixed_t                      dy_unaccel)
{
  HangarPointerGrab *grab = data;

  /* Unaccelerated: the guest applies its own acceleration. */
  grab->motion (wl_fixed_to_double (dx_unaccel), wl_fixed_to_double (dy_unaccel),
                grab->user_data);
}

static const struct zwp_relative_pointer_v1_listener relative_listener = {
  relative_motion_cb,
};

static void
registry_global_cb (void               *data,
                    struct wl_registry *registry,
                    uint32_t            name,
                    const char         *interface,
                    uint32_t            version)
{
  HangarPointerGrab *grab = data;

  if (g_strcmp0 (interface, zwp_pointer_constraints_v1_interface.name) == 0)
    grab->constraints = wl_registry_bind (registry, name,
                                          &zwp_pointer_constraints_v1_interface, 1);
  else if (g_strcmp0 (interface, zwp_relative_pointer_manager_v1_interface.name) == 0)
    grab->relative_manager = wl_registry_bind (registry, name,
                                               &zwp_relative_pointer_manager_v1_interface, 1);
}

static void
registry_global_remove_cb (void               *data,
                           struct wl_registry *registry,
                           uint32_t            name)
{
}

static const struct wl_registry_listener registry_listener = {
  registry_global_cb,
  registry_global_remove_cb,
};

static gboolean
wayland_grab (HangarPointerGrab *grab)
{
  GdkDisplay *display = gtk_widget_get_display (grab->widget);
  GdkSurface *surface = gtk_native_get_surface (gtk_widget_get_native (grab->widget));
  GdkSeat *seat = gdk_display_get_default_seat (display);
  struct wl_display *wl_display = gdk_wayland_display_get_wl_display (display);
  struct wl_registry *registry;
  struct wl_pointer *pointer;

  if (seat == NULL || gdk_seat_get_pointer (seat) == NULL)
    return FALSE;

  registry = wl_display_get_registry (wl_display);
  wl_registry_add_listener (registry, &registry_listener, grab);
  wl_display_roundtrip (wl_display);
  wl_registry_destroy (registry);

  if (grab->constraints == NULL || grab->relative_manager == NULL)
    {
      g_debug ("The compositor has no pointer constraints or relative pointer");
      return FALSE;
    }

  pointer = gdk_wayland_device_get_wl_pointer (gdk_seat_get_pointer (seat));
  grab->locked = zwp_pointer_constraints_v1_lock_pointer (grab->constraints,
                                                          gdk_wayland_surface_get_wl_surface (surface),
                                                          pointer, NULL,
                                                          ZWP_POINTER_CONSTRAINTS_V1_LIFETIME_PERSISTENT);
  grab->relative = zwp_relative_pointer_manager_v1_get_relative_pointer (grab->relative_manager,
                                                                         pointer);
  zwp_relative_pointer_v1_add_listener (grab->relative, &relative_listener, grab);

  return TRUE;
}

static void
wayland_ungrab (HangarPointerGrab *grab)
{
  g_clear_pointer (&grab->relative, zwp_relative_pointer_v1_destroy);
  g_clear_pointer (&grab->locked, zwp_locked_pointer_v1_destroy);
  g_clear_pointer (&grab->relative_manager, zwp_relative_pointer_manager_v1_destroy);
  g_clear_pointer (&grab->constraints, zwp_pointer_constraints_v1_destroy);
}

#endif

HangarPointerGrab *
hangar_pointer_grab_new (GtkWidget           *widget,
                         HangarPointerMotion  motion,
                         gpointer             user_data)
{
  g_autoptr(HangarPointerGrab) grab = NULL;
  GdkDisplay *display;
  gboolean ok = FALSE;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), NULL);
  g_return_val_if_fail (motion != NULL, NULL);

  if (gtk_widget_get_native (widget) == NULL)
    return NULL;

  grab = g_new0 (HangarPointerGrab, 1);
  grab->widget = g_object_ref (widget);
  grab->motion = motion;
  grab->user_data = user_data;
  display = gtk_widget_get_display (widget);

#ifdef GDK_WINDOWING_X11
  if (GDK_IS_X11_DISPLAY (display))
    ok = x11_grab (grab);
#endif
#ifdef HAVE_WAYLAND_PROTOCOLS
  if (GDK_IS_WAYLAND_DISPLAY (display))
    ok = wayland_grab (grab);
#endif

  if (!ok)
    return NULL;

  return g_steal_pointer (&grab);
}

void
hangar_pointer_grab_motion (HangarPointerGrab *grab,
                            double             x,
                            double             y)
{
  g_return_if_fail (grab != NULL);

#ifdef GDK_WINDOWING_X11
  if (grab->x11)
    {
      double dx = x - grab->center_x;
      double dy = y - grab->center_y;

      /* The motion the warp itself makes lands on the center. */
      if (fabs (dx) < 0.5 && fabs (dy) < 0.5)
        return;

      grab->motion (dx, dy, grab->user_data);
      x11_center (grab);
    }
#endif
}

void
hangar_pointer_grab_free (HangarPointerGrab *grab)
{
  if (grab == NULL)
    return;

#ifdef GDK_WINDOWING_X11
  if (grab->x11)
    x11_ungrab (grab);
#endif
#ifdef HAVE_WAYLAND_PROTOCOLS
  wayland_ungrab (grab);
#endif

  g_clear_object (&grab->widget);
  g_free (grab);
}
