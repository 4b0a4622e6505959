/* hangar-display-session.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-display-session"

#include "config.h"

#include "hangar-display-session.h"

typedef struct
{
  char         *protocol;
  GError       *error;
  GdkTexture   *cursor;

  const guint8 *surface;
  HangarPixels  format;
  int           width;
  int           height;
  int           stride;

  int           hot_x;
  int           hot_y;
  int           cursor_x;
  int           cursor_y;
  gboolean      cursor_hidden;
  gboolean      cursor_position_known;

  gboolean      connected;
  gboolean      mouse_absolute;
  gboolean      agent_connected;
  gboolean      closed;
} HangarDisplaySessionPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (HangarDisplaySession, hangar_display_session, G_TYPE_OBJECT)

G_DEFINE_QUARK (hangar-display-error-quark, hangar_display_error)

enum {
  PROP_0,
  PROP_PROTOCOL,
  PROP_CONNECTED,
  PROP_ERROR,
  PROP_MOUSE_ABSOLUTE,
  PROP_AGENT_CONNECTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SURFACE_CHANGED,
  INVALIDATE,
  CURSOR_CHANGED,
  GUEST_CLIPBOARD,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
hangar_display_session_finalize (GObject *object)
{
  HangarDisplaySession *self = HANGAR_DISPLAY_SESSION (object);
  HangarDisplaySessionPrivate *priv = hangar_display_session_get_instance_private (self);

  g_clear_pointer (&priv->protocol, g_free);
  g_clear_error (&priv->error);
  g_clear_object (&priv->cursor);

  G_OBJECT_CLASS (hangar_display_session_parent_class)->finalize (object);
}

static void
hangar_display_session_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  HangarDisplaySession *self = HANGAR_DISPLAY_SESSION (object);
  HangarDisplaySessionPrivate *priv = hangar_display_session_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_PROTOCOL:
      g_value_set_string (value, priv->protocol);
      break;

    case PROP_CONNECTED:
      g_value_set_boolean (value, priv->connected);
      break;

    case PROP_ERROR:
      g_value_set_boxed (value, priv->error);
      break;

    case PROP_MOUSE_ABSOLUTE:
      g_value_set_boolean (value, priv->mouse_absolute);
      break;

    case PROP_AGENT_CONNECTED:
      g_value_set_boolean (value, priv->agent_connected);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_display_session_class_init (HangarDisplaySessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hangar_display_session_finalize;
  object_class->get_property = hangar_display_session_get_property;

  properties[PROP_PROTOCOL] =
    g_param_spec_string ("protocol", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONNECTED] =
    g_param_spec_boolean ("connected", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ERROR] =
    g_param_spec_boxed ("error", NULL, NULL, G_TYPE_ERROR,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MOUSE_ABSOLUTE] =
    g_param_spec_boolean ("mouse-absolute", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_AGENT_CONNECTED] =
    g_param_spec_boolean ("agent-connected", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SURFACE_CHANGED] =
    g_signal_new ("surface-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[INVALIDATE] =
    g_signal_new ("invalidate", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 4,
                  G_TYPE_INT, G_TYPE_INT, G_TYPE_INT, G_TYPE_INT);
  signals[CURSOR_CHANGED] =
    g_signal_new ("cursor-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[GUEST_CLIPBOARD] =
    g_signal_new ("guest-clipboard", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
hangar_display_session_init (HangarDisplaySession *self)
{
  HangarDisplaySessionPrivate *priv = hangar_display_session_get_instance_private (self);

  priv->mouse_absolute = TRUE;
}

const char *
hangar_display_session_get_protocol (HangarDisplaySession *self)
{
  HangarDisplaySessionPrivate *priv = hangar_display_session_get_instance_private (self);

  g_return_val_if_fail (HANGAR_IS_DISPLAY_SESSION (self), NULL);

  return priv->protocol;
}

gboolean
hangar_display_session_get_connected (HangarDisplaySession *self)
{
  HangarDisplaySessionPrivate *priv = hangar_display_session_get_instance_private (self);

  g_return_val_if_fail (HANGAR_IS_DISPLAY_SESSION (self), FALSE);

  return priv->connected;
}

const GError *
hangar_display_session_get_error (HangarDisplaySession *self)
{
  HangarDisplaySessionPrivate *priv = hangar_display_session_get_instance_private (self);

  g_return_val_if_fail (HANGAR_IS_DISPLAY_SESSION (self), NULL);

  return priv->error;
}

gboolean
hangar_display_session_get_mouse_absolute (HangarDisplaySession *self)
{
  HangarDisplaySessionPrivate *priv = hangar_display_session_get_instance_private (self);

  g_return_val_if_fail (HANGAR_IS_DISPLAY_SESSION (self), TRUE);

  return priv->mouse_absolute;
}

gboolean
hangar_display_session_get_agent_connected (HangarDisplaySession *self)
{
  HangarDisplaySessionPrivate *priv = hangar_display_session_get_instance_private (self);

  g_return_val_if_fail (HANGAR_IS_DISPLAY_SESSION (self), FALSE);

  return priv->agent_connected;
}

const guint8 *
hangar_display_session_get_surface (HangarDisplaySession *self,
                                    HangarPixels         *format,
                                    int                  *width,
                                    int                  *height,
                                    int                  *stride)
{
  HangarDisplaySessionPrivate *priv = hangar_display_session_get_instance_private (self);

  g_return_val_if_fail (HANGAR_IS_DISPLAY_SESSION (self), NULL);

  if (format != NULL)
    *format = priv->format;
  if (width != NULL)
    *width = priv->width;
  if (height != NULL)
    *height = priv->height;
  if (stride != NULL)
    *stride = priv->stride;

  return priv->surface;
}

GdkTexture *
hangar_display_session_get_cursor (HangarDisplaySession *self,
                                   int                  *hot_x,
                                   int                  *hot_y)
{
  HangarDisplaySessionPrivate *priv = hangar_display_session_get_instance_private (self);

  g_return_val_if_fail (HANGAR_IS_DISPLAY_SESSION (self), NULL);

  if (hot_x != NULL)
    *hot_x = priv->hot_x;
  if (hot_y != NULL)
    *hot_y = priv->hot_y;

  return priv->cursor;
}

gboolean
hangar_display_session_get_cursor_hidden (HangarDisplaySession *self)
{
  HangarDisplaySessionPrivate *priv = hangar_display_session_get_instance_private (self);

  g_return_val_if_fail (HANGAR_IS_DISPLAY_SESSION (self), FALSE);

  return priv->cursor_hidden;
}

gboolean
hangar_display_session_get_cursor_position (HangarDisplaySession *self,
                                            int                  *x,
                                            int                  *y)
{
  HangarDisplaySessionPrivate *priv = hangar_display_session_get_instance_private (self);

  g_return_val_if_fail (HANGAR_IS_DISPLAY_SESSION (self), FALSE);

  *x = priv->cursor_x;
  *y = priv->cursor_y;

  return priv->cursor_position_known;
}

/* Input: nothing goes out of a session that was closed or failed.  A
 * session between two screens (a guest changing its mode) still takes
 * keys: each protocol knows when its input channel is open. */

static gboolean
can_send (HangarDisplaySession *self)
{
  HangarDisplaySessionPrivate *priv = hangar_display_session_get_instance_private (self);

  return !priv->closed && priv->error == NULL;
}

void
hangar_display_session_send_key (HangarDisplaySession *self,
                                 unsigned              xt,
                                 unsigned              keyval,
                                 gboolean              press)
{
  g_return_if_fail (HANGAR_IS_DISPLAY_SESSION (self));

  if (can_send (self) && xt != 0)
    HANGAR_DISPLAY_SESSION_GET_CLASS (self)->send_key (self, xt, keyval, press);
}

void
hangar_display_session_send_position (HangarDisplaySession *self,
                                      int                   x,
                                      int                   y,
                                      unsigned              buttons)
{
  g_return_if_fail (HANGAR_IS_DISPLAY_SESSION (self));

  if (can_send (self))
    HANGAR_DISPLAY_SESSION_GET_CLASS (self)->send_position (self, x, y, buttons);
}

void
hangar_display_session_send_motion (HangarDisplaySession *self,
                                    int                   dx,
                                    int                   dy,
                                    unsigned              buttons)
{
  g_return_if_fail (HANGAR_IS_DISPLAY_SESSION (self));

  if (can_send (self) && (dx != 0 || dy != 0))
    HANGAR_DISPLAY_SESSION_GET_CLASS (self)->send_motion (self, dx, dy, buttons);
}

void
hangar_display_session_send_button (HangarDisplaySession *self,
                                    HangarButton          button,
                                    gboolean              press,
                                    unsigned              buttons)
{
  g_return_if_fail (HANGAR_IS_DISPLAY_SESSION (self));

  if (can_send (self))
    HANGAR_DISPLAY_SESSION_GET_CLASS (self)->send_button (self, button, press, buttons);
}

gboolean
hangar_display_session_request_size (HangarDisplaySession *self,
                                     int                   width,
                                     int                   height)
{
  HangarDisplaySessionClass *klass;

  g_return_val_if_fail (HANGAR_IS_DISPLAY_SESSION (self), FALSE);

  klass = HANGAR_DISPLAY_SESSION_GET_CLASS (self);
  if (!can_send (self) || klass->request_size == NULL || width < 1 || height < 1)
    return FALSE;

  return klass->request_size (self, width, height);
}

void
hangar_display_session_offer_clipboard (HangarDisplaySession *self,
                                        const char           *text)
{
  HangarDisplaySessionClass *klass;

  g_return_if_fail (HANGAR_IS_DISPLAY_SESSION (self));

  klass = HANGAR_DISPLAY_SESSION_GET_CLASS (self);
  if (can_send (self) && klass->offer_clipboard != NULL)
    klass->offer_clipboard (self, text);
}

void
hangar_display_session_close (HangarDisplaySession *self)
{
  HangarDisplaySessionPrivate *priv = hangar_display_session_get_instance_private (self);

  g_return_if_fail (HANGAR_IS_DISPLAY_SESSION (self));

  if (priv->closed)
    return;

  priv->closed = TRUE;
  HANGAR_DISPLAY_SESSION_GET_CLASS (self)->close (self);
  hangar_display_session_set_surface (self, HANGAR_PIXELS_NONE, 0, 0, 0, NULL);
  hangar_display_session_set_connected (self, FALSE);
}

/* For implementations */

void
hangar_display_session_set_protocol (HangarDisplaySession *self,
                                     const char           *protocol)
{
  HangarDisplaySessionPrivate *priv = hangar_display_session_get_instance_private (self);

  g_return_if_fail (HANGAR_IS_DISPLAY_SESSION (self));

  if (g_strcmp0 (priv->protocol, protocol) == 0)
    return;

  g_free (priv->protocol);
  priv->protocol = g_strdup (protocol);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROTOCOL]);
}

void
hangar_display_session_set_connected (HangarDisplaySession *self,
                                      gboolean              connected)
{
  HangarDisplaySessionPrivate *priv = hangar_display_session_get_instance_private (self);

  g_return_if_fail (HANGAR_IS_DISPLAY_SESSION (self));

  connected = connected && !priv->closed && priv->error == NULL;
  if (priv->connected == connected)
    return;

  priv->connected = connected;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTED]);
}

void
hangar_display_session_fail (HangarDisplaySession *self,
                             HangarDisplayError    code,
                             const char           *message)
{
  HangarDisplaySessionPrivate *priv = hangar_display_session_get_instance_private (self);

  g_return_if_fail (HANGAR_IS_DISPLAY_SESSION (self));
  g_return_if_fail (message != NULL);

  /* A deliberate close is no error, and only the first reason counts:
   * the others follow from it. */
  if (priv->closed || priv->error != NULL)
    return;

  g_debug ("%s session failed: %s", priv->protocol, message);
  priv->error = g_error_new_literal (HANGAR_DISPLAY_ERROR, code, message);
  hangar_display_session_set_connected (self, FALSE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

void
hangar_display_session_set_surface (HangarDisplaySession *self,
                                    HangarPixels          format,
                                    int                   width,
                                    int                   height,
                                    int                   stride,
                                    const guint8         *data)
{
  HangarDisplaySessionPrivate *priv = hangar_display_session_get_instance_private (self);

  g_return_if_fail (HANGAR_IS_DISPLAY_SESSION (self));

  if (data == NULL || width <= 0 || height <= 0 || format == HANGAR_PIXELS_NONE)
    {
      if (priv->surface == NULL)
        return;
      data = NULL;
      format = HANGAR_PIXELS_NONE;
      width = height = stride = 0;
    }

  priv->surface = data;
  priv->format = format;
  priv->width = width;
  priv->height = height;
  priv->stride = stride;
  g_signal_emit (self, signals[SURFACE_CHANGED], 0);
}

void
hangar_display_session_invalidate (HangarDisplaySession *self,
                                   int                   x,
                                   int                   y,
                                   int                   width,
                                   int                   height)
{
  HangarDisplaySessionPrivate *priv = hangar_display_session_get_instance_private (self);

  g_return_if_fail (HANGAR_IS_DISPLAY_SESSION (self));

  if (priv->surface != NULL && width > 0 && height > 0)
    g_signal_emit (self, signals[INVALIDATE], 0, x, y, width, height);
}

void
hangar_display_session_set_mouse_absolute (HangarDisplaySession *self,
                                           gboolean              absolute)
{
  HangarDisplaySessionPrivate *priv = hangar_display_session_get_instance_private (self);

  g_return_if_fail (HANGAR_IS_DISPLAY_SESSION (self));

  absolute = !!absolute;
  if (priv->mouse_absolute == absolute)
    return;

  g_debug ("%s pointer: %s", priv->protocol, absolute ? "absolute" : "relative");
  priv->mouse_absolute = absolute;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MOUSE_ABSOLUTE]);
}

void
hangar_display_session_set_agent_connected (HangarDisplaySession *self,
                                            gboolean              connected)
{
  HangarDisplaySessionPrivate *priv = hangar_display_session_get_instance_private (self);

  g_return_if_fail (HANGAR_IS_DISPLAY_SESSION (self));

  connected = !!connected;
  if (priv->agent_connected == connected)
    return;

  g_debug ("%s guest agent %s", priv->protocol, connected ? "connected" : "gone");
  priv->agent_connected = connected;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AGENT_CONNECTED]);
}

void
hangar_display_session_set_cursor (HangarDisplaySession *self,
                                   GdkTexture           *texture,
                                   int                   hot_x,
                                   int                   hot_y)
{
  HangarDisplaySessionPrivate *priv = hangar_display_session_get_instance_private (self);

  g_return_if_fail (HANGAR_IS_DISPLAY_SESSION (self));
  g_return_if_fail (texture == NULL || GDK_IS_TEXTURE (texture));

  g_set_object (&priv->cursor, texture);
  if (texture != NULL)
    {
      priv->hot_x = CLAMP (hot_x, 0, gdk_texture_get_width (texture) - 1);
      priv->hot_y = CLAMP (hot_y, 0, gdk_texture_get_height (texture) - 1);
    }
  else
    {
      priv->hot_x = priv->hot_y = 0;
    }
  priv->cursor_hidden = FALSE;
  g_signal_emit (self, signals[CURSOR_CHANGED], 0);
}

void
hangar_display_session_set_cursor_hidden (HangarDisplaySession *self,
                                          gboolean              hidden)
{
  HangarDisplaySessionPrivate *priv = hangar_display_session_get_instance_private (self);

  g_return_if_fail (HANGAR_IS_DISPLAY_SESSION (self));

  hidden = !!hidden;
  if (priv->cursor_hidden == hidden)
    return;

  priv->cursor_hidden = hidden;
  g_signal_emit (self, signals[CURSOR_CHANGED], 0);
}

void
hangar_display_session_set_cursor_position (HangarDisplaySession *self,
                                            int                   x,
                                            int                   y)
{
  HangarDisplaySessionPrivate *priv = hangar_display_session_get_instance_private (self);

  g_return_if_fail (HANGAR_IS_DISPLAY_SESSION (self));

  if (priv->cursor_position_known && priv->cursor_x == x && priv->cursor_y == y)
    return;

  priv->cursor_x = x;
  priv->cursor_y = y;
  priv->cursor_position_known = TRUE;
  g_signal_emit (self, signals[CURSOR_CHANGED], 0);
}

void
hangar_display_session_emit_guest_clipboard (HangarDisplaySession *self,
                                             const char           *text)
{
  g_return_if_fail (HANGAR_IS_DISPLAY_SESSION (self));
  g_return_if_fail (text != NULL);

  g_signal_emit (self, signals[GUEST_CLIPBOARD], 0, text);
}
