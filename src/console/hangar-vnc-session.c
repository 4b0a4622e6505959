/* hangar-vnc-session.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-vnc-session"

#include "config.h"

#include <unistd.h>

#include <glib/gi18n.h>
#include <gvnc.h>

#include "hangar-clipboard.h"
#include "hangar-keymap.h"
#include "hangar-vnc-session.h"

/* QEMU's relative pointer over VNC: motion is sent as an offset from the
 * middle of the 16-bit range. */
#define RELATIVE_ORIGIN 0x7fff

struct _HangarVncSession
{
  HangarDisplaySession  parent_instance;

  /* owned references */
  VncConnection        *connection;
  VncBaseFramebuffer   *framebuffer;
  guint8               *pixels;
  char                 *password;

  int                   width;
  int                   height;
  gboolean              asked_password;
};

G_DEFINE_FINAL_TYPE (HangarVncSession, hangar_vnc_session, HANGAR_TYPE_DISPLAY_SESSION)

/* The framebuffer gvnc decodes into: 32-bit native-endian xRGB words,
 * the form HangarDisplay paints without converting. */
static void
set_framebuffer (HangarVncSession *self)
{
  HangarDisplaySession *session = HANGAR_DISPLAY_SESSION (self);
  VncPixelFormat local = {
    .bits_per_pixel = 32,
    .depth = 24,
    .byte_order = G_BYTE_ORDER,
    .true_color_flag = 1,
    .red_max = 255,
    .green_max = 255,
    .blue_max = 255,
    .red_shift = 16,
    .green_shift = 8,
    .blue_shift = 0,
  };
  const VncPixelFormat *remote = vnc_connection_get_pixel_format (self->connection);
  int width = vnc_connection_get_width (self->connection);
  int height = vnc_connection_get_height (self->connection);

  /* The display drops its pointer to the old pixels first. */
  hangar_display_session_set_surface (session, HANGAR_PIXELS_NONE, 0, 0, 0, NULL);
  g_clear_object (&self->framebuffer);
  g_clear_pointer (&self->pixels, g_free);

  if (width <= 0 || height <= 0)
    return;

  self->width = width;
  self->height = height;
  self->pixels = g_malloc0 ((gsize) width * height * 4);
  self->framebuffer = vnc_base_framebuffer_new (self->pixels, width, height, width * 4,
                                                &local, remote);
  vnc_connection_set_framebuffer (self->connection, VNC_FRAMEBUFFER (self->framebuffer));
  hangar_display_session_set_surface (session, HANGAR_PIXELS_XRGB8888, width, height,
                                      width * 4, self->pixels);
}

static void
initialized_cb (VncConnection    *connection,
                HangarVncSession *self)
{
  /* Lossless encodings only: a console that blurs text is no use, and a
   * screenshot must be what the guest shows. */
  gint32 encodings[] = {
    VNC_CONNECTION_ENCODING_ZRLE,
    VNC_CONNECTION_ENCODING_HEXTILE,
    VNC_CONNECTION_ENCODING_TIGHT,
    VNC_CONNECTION_ENCODING_RRE,
    VNC_CONNECTION_ENCODING_COPY_RECT,
    VNC_CONNECTION_ENCODING_RAW,
    VNC_CONNECTION_ENCODING_DESKTOP_RESIZE,
    VNC_CONNECTION_ENCODING_EXTENDED_DESKTOP_RESIZE,
    VNC_CONNECTION_ENCODING_WMVi,
    VNC_CONNECTION_ENCODING_ALPHA_CURSOR,
    VNC_CONNECTION_ENCODING_RICH_CURSOR,
    VNC_CONNECTION_ENCODING_XCURSOR,
    VNC_CONNECTION_ENCODING_POINTER_CHANGE,
    VNC_CONNECTION_ENCODING_EXT_KEY_EVENT,
    VNC_CONNECTION_ENCODING_LED_STATE,
    VNC_CONNECTION_ENCODING_LAST_RECT,
  };

  g_debug ("VNC session with “%s”, %d×%d", vnc_connection_get_name (connection),
           vnc_connection_get_width (connection), vnc_connection_get_height (connection));

  vnc_connection_set_encodings (connection, G_N_ELEMENTS (encodings), encodings);
  set_framebuffer (self);
  vnc_connection_framebuffer_update_request (connection, FALSE, 0, 0,
                                             self->width, self->height);
  hangar_display_session_set_mouse_absolute (HANGAR_DISPLAY_SESSION (self),
                                             vnc_connection_get_abs_pointer (connection));
  hangar_display_session_set_connected (HANGAR_DISPLAY_SESSION (self), TRUE);
}

static void
desktop_resize_cb (VncConnection    *connection,
                   guint16           width,
                   guint16           height,
                   HangarVncSession *self)
{
  g_debug ("Desktop resized to %u×%u", width, height);
  set_framebuffer (self);
  vnc_connection_framebuffer_update_request (connection, FALSE, 0, 0, width, height);
}

static void
pixel_format_changed_cb (VncConnection    *connection,
                         VncPixelFormat   *format,
                         HangarVncSession *self)
{
  set_framebuffer (self);
  vnc_connection_framebuffer_update_request (connection, FALSE, 0, 0,
                                             self->width, self->height);
}

static void
framebuffer_update_cb (VncConnection    *connection,
                       guint16           x,
                       guint16           y,
                       guint16           width,
                       guint16           height,
                       HangarVncSession *self)
{
  hangar_display_session_invalidate (HANGAR_DISPLAY_SESSION (self), x, y, width, height);

  /* RFB sends updates only when asked: ask for the next changes.  The
   * server keeps the request until something changes, and sends one
   * update for several requests. */
  vnc_connection_framebuffer_update_request (connection, TRUE, 0, 0, self->width, self->height);
}

static void
cursor_changed_cb (VncConnection    *connection,
                   VncCursor        *cursor,
                   HangarVncSession *self)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  int width, height;

  if (cursor == NULL)
    {
      hangar_display_session_set_cursor (HANGAR_DISPLAY_SESSION (self), NULL, 0, 0);
      return;
    }

  width = vnc_cursor_get_width (cursor);
  height = vnc_cursor_get_height (cursor);

  /* An empty cursor is the guest hiding its pointer. */
  if (width == 0 || height == 0)
    {
      hangar_display_session_set_cursor_hidden (HANGAR_DISPLAY_SESSION (self), TRUE);
      return;
    }

  bytes = g_bytes_new (vnc_cursor_get_data (cursor), (gsize) width * height * 4);
  texture = gdk_memory_texture_new (width, height, GDK_MEMORY_R8G8B8A8, bytes,
                                    (gsize) width * 4);
  hangar_display_session_set_cursor (HANGAR_DISPLAY_SESSION (self), texture,
                                     vnc_cursor_get_hotx (cursor),
                                     vnc_cursor_get_hoty (cursor));
}

static void
pointer_mode_cb (VncConnection    *connection,
                 gboolean          absolute,
                 HangarVncSession *self)
{
  hangar_display_session_set_mouse_absolute (HANGAR_DISPLAY_SESSION (self), absolute);
}

static void
server_cut_text_cb (VncConnection    *connection,
                    const GString    *text,
                    HangarVncSession *self)
{
  g_autofree char *utf8 = hangar_clipboard_from_latin1 ((const guint8 *) text->str, text->len);

  hangar_display_session_emit_guest_clipboard (HANGAR_DISPLAY_SESSION (self), utf8);
}

static void
auth_choose_type_cb (VncConnection    *connection,
                     GValueArray      *types,
                     HangarVncSession *self)
{
  /* Plain VNC authentication or none: TLS and SASL need settings the
   * console does not have. */
  static const unsigned preferred[] = { VNC_CONNECTION_AUTH_NONE, VNC_CONNECTION_AUTH_VNC };

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  for (unsigned p = 0; p < G_N_ELEMENTS (preferred); p++)
    for (unsigned i = 0; i < types->n_values; i++)
      if (g_value_get_enum (g_value_array_get_nth (types, i)) == (int) preferred[p])
        {
          vnc_connection_set_auth_type (connection, preferred[p]);
          return;
        }
  G_GNUC_END_IGNORE_DEPRECATIONS

  hangar_display_session_fail (HANGAR_DISPLAY_SESSION (self), HANGAR_DISPLAY_ERROR_PROTOCOL,
                               _("The display asks for a kind of authentication the "
                                 "console does not support"));
  vnc_connection_shutdown (connection);
}

static void
auth_credential_cb (VncConnection    *connection,
                    GValueArray      *credentials,
                    HangarVncSession *self)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  for (unsigned i = 0; i < credentials->n_values; i++)
    {
      int type = g_value_get_enum (g_value_array_get_nth (credentials, i));

      switch (type)
        {
        case VNC_CONNECTION_CREDENTIAL_PASSWORD:
          if (self->password == NULL)
            {
              hangar_display_session_fail (HANGAR_DISPLAY_SESSION (self),
                                           HANGAR_DISPLAY_ERROR_AUTH,
                                           _("The display needs a password"));
              vnc_connection_shutdown (connection);
              return;
            }
          self->asked_password = TRUE;
          vnc_connection_set_credential (connection, type, self->password);
          break;

        case VNC_CONNECTION_CREDENTIAL_CLIENTNAME:
          vnc_connection_set_credential (connection, type, "hangar");
          break;

        default:
          hangar_display_session_fail (HANGAR_DISPLAY_SESSION (self),
                                       HANGAR_DISPLAY_ERROR_PROTOCOL,
                                       _("The display asks for a user name, which the "
                                         "console does not support"));
          vnc_connection_shutdown (connection);
          return;
        }
    }
  G_GNUC_END_IGNORE_DEPRECATIONS
}

static void
auth_failure_cb (VncConnection    *connection,
                 const char       *reason,
                 HangarVncSession *self)
{
  g_debug ("VNC authentication failed: %s", reason);
  hangar_display_session_fail (HANGAR_DISPLAY_SESSION (self), HANGAR_DISPLAY_ERROR_AUTH,
                               _("The display refused the password"));
}

static void
error_cb (VncConnection    *connection,
          const char       *message,
          HangarVncSession *self)
{
  g_autofree char *text = g_strdup_printf (_("The connection to the display was lost: %s"),
                                           message);

  hangar_display_session_fail (HANGAR_DISPLAY_SESSION (self), HANGAR_DISPLAY_ERROR_IO, text);
}

static void
disconnected_cb (VncConnection    *connection,
                 HangarVncSession *self)
{
  hangar_display_session_fail (HANGAR_DISPLAY_SESSION (self), HANGAR_DISPLAY_ERROR_CLOSED,
                               _("The display closed the connection"));
}

static void
drop_connection (HangarVncSession *self)
{
  if (self->connection == NULL)
    return;

  g_signal_handlers_disconnect_by_data (self->connection, self);
  vnc_connection_shutdown (self->connection);
  g_clear_object (&self->connection);
  hangar_display_session_set_surface (HANGAR_DISPLAY_SESSION (self),
                                      HANGAR_PIXELS_NONE, 0, 0, 0, NULL);
  g_clear_object (&self->framebuffer);
  g_clear_pointer (&self->pixels, g_free);
}

static void
new_connection (HangarVncSession *self,
                const char       *password)
{
  drop_connection (self);

  g_free (self->password);
  self->password = g_strdup (password);
  self->connection = vnc_connection_new ();

#define CONNECT(signal, callback) \
  g_signal_connect (self->connection, signal, G_CALLBACK (callback), self)
  CONNECT ("vnc-initialized", initialized_cb);
  CONNECT ("vnc-desktop-resize", desktop_resize_cb);
  CONNECT ("vnc-pixel-format-changed", pixel_format_changed_cb);
  CONNECT ("vnc-framebuffer-update", framebuffer_update_cb);
  CONNECT ("vnc-cursor-changed", cursor_changed_cb);
  CONNECT ("vnc-pointer-mode-changed", pointer_mode_cb);
  CONNECT ("vnc-server-cut-text", server_cut_text_cb);
  CONNECT ("vnc-auth-choose-type", auth_choose_type_cb);
  CONNECT ("vnc-auth-credential", auth_credential_cb);
  CONNECT ("vnc-auth-failure", auth_failure_cb);
  CONNECT ("vnc-error", error_cb);
  CONNECT ("vnc-disconnected", disconnected_cb);
#undef CONNECT
}

/* HangarDisplaySession */

static gboolean
ready (HangarVncSession *self)
{
  return self->connection != NULL && vnc_connection_is_initialized (self->connection);
}

static void
hangar_vnc_session_send_key (HangarDisplaySession *session,
                             unsigned              xt,
                             unsigned              keyval,
                             gboolean              press)
{
  HangarVncSession *self = HANGAR_VNC_SESSION (session);

  if (!ready (self))
    return;

  /* With QEMU's extended key events the scancode counts and the keysym
   * is a hint; without them, only the keysym goes. */
  vnc_connection_key_event (self->connection, press, keyval, hangar_keymap_xt_to_qnum (xt));
}

static guint8
vnc_mask (unsigned buttons)
{
  /* Bits 0–4 are left, middle, right, wheel up and down in both. */
  return buttons & 0x1f;
}

static void
hangar_vnc_session_send_position (HangarDisplaySession *session,
                                  int                   x,
                                  int                   y,
                                  unsigned              buttons)
{
  HangarVncSession *self = HANGAR_VNC_SESSION (session);

  if (!ready (self))
    return;

  vnc_connection_pointer_event (self->connection, vnc_mask (buttons),
                                CLAMP (x, 0, G_MAXUINT16), CLAMP (y, 0, G_MAXUINT16));
}

static void
hangar_vnc_session_send_motion (HangarDisplaySession *session,
                                int                   dx,
                                int                   dy,
                                unsigned              buttons)
{
  HangarVncSession *self = HANGAR_VNC_SESSION (session);

  if (!ready (self))
    return;

  vnc_connection_pointer_event (self->connection, vnc_mask (buttons),
                                CLAMP (RELATIVE_ORIGIN + dx, 0, G_MAXUINT16),
                                CLAMP (RELATIVE_ORIGIN + dy, 0, G_MAXUINT16));
}

static void
hangar_vnc_session_send_button (HangarDisplaySession *session,
                                HangarButton          button,
                                gboolean              press,
                                unsigned              buttons)
{
  HangarVncSession *self = HANGAR_VNC_SESSION (session);
  int x, y;

  if (!ready (self))
    return;

  /* RFB has no button event: a pointer event with the new mask, at the
   * last position (or no motion, in relative mode). */
  if (hangar_display_session_get_mouse_absolute (session))
    {
      if (!hangar_display_session_get_cursor_position (session, &x, &y))
        x = y = 0;
    }
  else
    {
      x = y = RELATIVE_ORIGIN;
    }

  vnc_connection_pointer_event (self->connection, vnc_mask (buttons),
                                CLAMP (x, 0, G_MAXUINT16), CLAMP (y, 0, G_MAXUINT16));
}

static gboolean
hangar_vnc_session_request_size (HangarDisplaySession *session,
                                 int                   width,
                                 int                   height)
{
  HangarVncSession *self = HANGAR_VNC_SESSION (session);

  if (!ready (self))
    return FALSE;

  return vnc_connection_set_size (self->connection, width, height) ==
         VNC_CONNECTION_RESIZE_STATUS_OK;
}

static void
hangar_vnc_session_offer_clipboard (HangarDisplaySession *session,
                                    const char           *text)
{
  HangarVncSession *self = HANGAR_VNC_SESSION (session);
  g_autofree char *latin1 = NULL;
  gsize length = 0;

  if (!ready (self))
    return;

  /* RFB has no way to say the clipboard is empty. */
  if (text == NULL)
    return;

  latin1 = hangar_clipboard_to_latin1 (text, &length);
  vnc_connection_client_cut_text (self->connection, latin1, length);
}

static void
hangar_vnc_session_close (HangarDisplaySession *session)
{
  drop_connection (HANGAR_VNC_SESSION (session));
}

/* GObject */

static void
hangar_vnc_session_dispose (GObject *object)
{
  drop_connection (HANGAR_VNC_SESSION (object));

  G_OBJECT_CLASS (hangar_vnc_session_parent_class)->dispose (object);
}

static void
hangar_vnc_session_finalize (GObject *object)
{
  HangarVncSession *self = HANGAR_VNC_SESSION (object);

  g_clear_pointer (&self->password, g_free);

  G_OBJECT_CLASS (hangar_vnc_session_parent_class)->finalize (object);
}

static void
hangar_vnc_session_class_init (HangarVncSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  HangarDisplaySessionClass *session_class = HANGAR_DISPLAY_SESSION_CLASS (klass);

  object_class->dispose = hangar_vnc_session_dispose;
  object_class->finalize = hangar_vnc_session_finalize;

  session_class->send_key = hangar_vnc_session_send_key;
  session_class->send_position = hangar_vnc_session_send_position;
  session_class->send_motion = hangar_vnc_session_send_motion;
  session_class->send_button = hangar_vnc_session_send_button;
  session_class->request_size = hangar_vnc_session_request_size;
  session_class->offer_clipboard = hangar_vnc_session_offer_clipboard;
  session_class->close = hangar_vnc_session_close;
}

static void
hangar_vnc_session_init (HangarVncSession *self)
{
  hangar_display_session_set_protocol (HANGAR_DISPLAY_SESSION (self), "VNC");
}

HangarVncSession *
hangar_vnc_session_new (void)
{
  return g_object_new (HANGAR_TYPE_VNC_SESSION, NULL);
}

void
hangar_vnc_session_open_fd (HangarVncSession *self,
                            int               fd,
                            const char       *password)
{
  g_return_if_fail (HANGAR_IS_VNC_SESSION (self));
  g_return_if_fail (fd >= 0);

  new_connection (self, password);
  g_debug ("Opening a VNC session on descriptor %d", fd);

  /* The connection's socket owns the descriptor from here on. */
  if (!vnc_connection_open_fd (self->connection, fd))
    {
      close (fd);
      hangar_display_session_fail (HANGAR_DISPLAY_SESSION (self), HANGAR_DISPLAY_ERROR_CONNECT,
                                   _("Could not connect to the display"));
    }
}

void
hangar_vnc_session_open_host (HangarVncSession *self,
                              const char       *host,
                              const char       *port,
                              const char       *password)
{
  g_return_if_fail (HANGAR_IS_VNC_SESSION (self));
  g_return_if_fail (host != NULL && port != NULL);

  new_connection (self, password);
  g_debug ("Connecting to VNC on %s port %s", host, port);

  if (!vnc_connection_open_host (self->connection, host, port))
    hangar_display_session_fail (HANGAR_DISPLAY_SESSION (self), HANGAR_DISPLAY_ERROR_CONNECT,
                                 _("Could not connect to the display"));
}
