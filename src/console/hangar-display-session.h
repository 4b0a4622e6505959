/* hangar-display-session.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* How the guest's screen is stored in memory. */
typedef enum
{
  HANGAR_PIXELS_NONE,
  HANGAR_PIXELS_XRGB8888,   /* native-endian 32-bit words, x ignored */
  HANGAR_PIXELS_RGB565,     /* native-endian 16-bit words */
  HANGAR_PIXELS_RGB555,
} HangarPixels;

/* Pointer buttons, numbered as X11 and SPICE number them; a mask of
 * pressed buttons has bit (button - 1) set for each. */
typedef enum
{
  HANGAR_BUTTON_LEFT = 1,
  HANGAR_BUTTON_MIDDLE,
  HANGAR_BUTTON_RIGHT,
  HANGAR_BUTTON_WHEEL_UP,
  HANGAR_BUTTON_WHEEL_DOWN,
  HANGAR_BUTTON_SIDE,
  HANGAR_BUTTON_EXTRA,
} HangarButton;

/* Why a session ended. */
typedef enum
{
  HANGAR_DISPLAY_ERROR_CLOSED,       /* the other side closed it */
  HANGAR_DISPLAY_ERROR_CONNECT,      /* no connection was made */
  HANGAR_DISPLAY_ERROR_AUTH,         /* a password is needed or was wrong */
  HANGAR_DISPLAY_ERROR_PROTOCOL,     /* the other side speaks differently */
  HANGAR_DISPLAY_ERROR_IO,           /* the connection broke */
} HangarDisplayError;

#define HANGAR_DISPLAY_ERROR (hangar_display_error_quark ())
GQuark hangar_display_error_quark (void);

#define HANGAR_TYPE_DISPLAY_SESSION (hangar_display_session_get_type ())

G_DECLARE_DERIVABLE_TYPE (HangarDisplaySession, hangar_display_session, HANGAR, DISPLAY_SESSION, GObject)

/* One connection to a guest's graphical display, whatever its protocol:
 * the guest's screen in memory with its damaged regions, its cursor, and
 * input going the other way.  HangarDisplay paints a session and feeds it
 * the user's keys and pointer; SPICE and VNC each implement the class.
 *
 * Signals:
 *   "surface-changed": a new screen (size or format), or none any more;
 *   "invalidate" (x, y, width, height): the guest changed these pixels;
 *   "cursor-changed": the pointer's shape, visibility or position;
 *   "guest-clipboard" (text): the guest's clipboard holds new text.
 * Properties: "protocol" ("SPICE", "VNC"), "connected", "error" (a
 * GError, once the session ended), "mouse-absolute", "agent-connected". */
struct _HangarDisplaySessionClass
{
  GObjectClass parent_class;

  /* @xt is a code from hangar_keymap, @keyval the GDK keyval (for
   * protocols that send symbols). */
  void (*send_key)         (HangarDisplaySession *self,
                            unsigned              xt,
                            unsigned              keyval,
                            gboolean              press);
  /* Absolute position in guest pixels, with the mask of held buttons. */
  void (*send_position)    (HangarDisplaySession *self,
                            int                   x,
                            int                   y,
                            unsigned              buttons);
  /* Relative motion, for guests without an absolute pointing device. */
  void (*send_motion)      (HangarDisplaySession *self,
                            int                   dx,
                            int                   dy,
                            unsigned              buttons);
  void (*send_button)      (HangarDisplaySession *self,
                            HangarButton          button,
                            gboolean              press,
                            unsigned              buttons);
  /* Asks the guest for a screen of this size (guest agent or extended
   * desktop resize); FALSE when it cannot. */
  gboolean (*request_size) (HangarDisplaySession *self,
                            int                   width,
                            int                   height);
  /* The local clipboard holds @text (NULL: nothing the guest can take). */
  void (*offer_clipboard)  (HangarDisplaySession *self,
                            const char           *text);
  void (*close)            (HangarDisplaySession *self);
};

const char   *hangar_display_session_get_protocol     (HangarDisplaySession  *self);
gboolean      hangar_display_session_get_connected    (HangarDisplaySession  *self);
const GError *hangar_display_session_get_error        (HangarDisplaySession  *self);
gboolean      hangar_display_session_get_mouse_absolute (HangarDisplaySession *self);
gboolean      hangar_display_session_get_agent_connected (HangarDisplaySession *self);

/* The guest's screen: its pixels (owned by the session, valid until the
 * next "surface-changed"), or NULL while there is none. */
const guint8 *hangar_display_session_get_surface      (HangarDisplaySession  *self,
                                                       HangarPixels          *format,
                                                       int                   *width,
                                                       int                   *height,
                                                       int                   *stride);

/* The guest's pointer shape (NULL: the local default) and whether the
 * guest hides it.  In relative mode the guest's pointer position is also
 * known, in guest pixels, for the display to draw it. */
GdkTexture   *hangar_display_session_get_cursor       (HangarDisplaySession  *self,
                                                       int                   *hot_x,
                                                       int                   *hot_y);
gboolean      hangar_display_session_get_cursor_hidden (HangarDisplaySession *self);
gboolean      hangar_display_session_get_cursor_position (HangarDisplaySession *self,
                                                          int                  *x,
                                                          int                  *y);

void          hangar_display_session_send_key         (HangarDisplaySession  *self,
                                                       unsigned               xt,
                                                       unsigned               keyval,
                                                       gboolean               press);
void          hangar_display_session_send_position    (HangarDisplaySession  *self,
                                                       int                    x,
                                                       int                    y,
                                                       unsigned               buttons);
void          hangar_display_session_send_motion      (HangarDisplaySession  *self,
                                                       int                    dx,
                                                       int                    dy,
                                                       unsigned               buttons);
void          hangar_display_session_send_button      (HangarDisplaySession  *self,
                                                       HangarButton           button,
                                                       gboolean               press,
                                                       unsigned               buttons);
gboolean      hangar_display_session_request_size     (HangarDisplaySession  *self,
                                                       int                    width,
                                                       int                    height);
void          hangar_display_session_offer_clipboard  (HangarDisplaySession  *self,
                                                       const char            *text);
/* Ends the session without reporting an error. */
void          hangar_display_session_close            (HangarDisplaySession  *self);

/* For the protocols' implementations. */
void          hangar_display_session_set_protocol     (HangarDisplaySession  *self,
                                                       const char            *protocol);
void          hangar_display_session_set_connected    (HangarDisplaySession  *self,
                                                       gboolean               connected);
/* Ends the session with a reason for the user; the first error wins. */
void          hangar_display_session_fail             (HangarDisplaySession  *self,
                                                       HangarDisplayError     code,
                                                       const char            *message);
void          hangar_display_session_set_surface      (HangarDisplaySession  *self,
                                                       HangarPixels           format,
                                                       int                    width,
                                                       int                    height,
                                                       int                    stride,
                                                       const guint8          *data);
void          hangar_display_session_invalidate       (HangarDisplaySession  *self,
                                                       int                    x,
                                                       int                    y,
                                                       int                    width,
                                                       int                    height);
void          hangar_display_session_set_mouse_absolute (HangarDisplaySession *self,
                                                         gboolean              absolute);
void          hangar_display_session_set_agent_connected (HangarDisplaySession *self,
                                                          gboolean              connected);
/* @texture NULL resets to the local default pointer. */
void          hangar_display_session_set_cursor       (HangarDisplaySession  *self,
                                                       GdkTexture            *texture,
                                                       int                    hot_x,
                                                       int                    hot_y);
void          hangar_display_session_set_cursor_hidden (HangarDisplaySession *self,
                                                        gboolean              hidden);
void          hangar_display_session_set_cursor_position (HangarDisplaySession *self,
                                                          int                   x,
                                                          int                   y);
void          hangar_display_session_emit_guest_clipboard (HangarDisplaySession *self,
                                                           const char           *text);

G_END_DECLS
