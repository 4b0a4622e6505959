/* hangar-spice-display.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-spice-display"

#include "config.h"

#include <math.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <spice-client.h>

#include "hangar-keymap.h"
#include "hangar-spice-display.h"

/* The guest's screen is kept as a grid of textures of this size, so that
 * an update costs a copy of the tiles it touches, not of the screen. */
#define TILE_SIZE 256

/* "frames" is notified for the first frame at once, then at most this
 * often: a property notification per frame would cost more than the frame. */
#define FRAMES_NOTIFY_INTERVAL_MS 250

/* XT codes are below 0x400 (0x100 and 0x200 mark the e0 and e1 prefixes). */
#define N_XT_CODES 0x400

/* Pixels are copied as native-endian 0xAARRGGBB words. */
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
# define TEXTURE_FORMAT GDK_MEMORY_B8G8R8A8_PREMULTIPLIED
#else
# define TEXTURE_FORMAT GDK_MEMORY_A8R8G8B8_PREMULTIPLIED
#endif

#define XT_LEFT_ALT   0x38
#define XT_RIGHT_ALT  0x138
#define XT_PRINT      0x137
#define XT_SYSRQ      0x54

struct _HangarSpiceDisplay
{
  GtkWidget             parent_instance;

  /* owned references */
  SpiceSession         *session;
  SpiceMainChannel     *main_channel;
  SpiceDisplayChannel  *display_channel;
  SpiceInputsChannel   *inputs_channel;
  SpiceCursorChannel   *cursor_channel;
  GHashTable           *fd_requests;      /* token → SpiceChannel */
  GdkTexture          **tiles;            /* tile_cols × tile_rows */
  GdkTexture           *full_texture;
  GdkCursor            *guest_cursor;
  char                 *error;

  HangarSpiceFdRequest  fd_request;
  gpointer              fd_request_data;
  GDestroyNotify        fd_request_destroy;
  unsigned              next_token;

  /* The primary surface, owned by spice-client-glib until it is
   * destroyed. */
  guint8               *surface_data;
  int                   surface_format;
  int                   surface_width;
  int                   surface_height;
  int                   surface_stride;
  gboolean              surface_marked;
  unsigned              tile_cols;
  unsigned              tile_rows;
  guint8               *dirty_tiles;      /* one flag per tile */
  gboolean              any_dirty;
  gboolean              full_texture_stale;

  gboolean              main_opened;
  gboolean              inputs_opened;
  gboolean              connected;
  guint64               frames;
  guint                 frames_notify_id;

  /* Input */
  guint32               pressed[N_XT_CODES / 32];
  int                   button_mask;
  int                   mouse_mode;
  double                scroll_dy;
  double                last_x;
  double                last_y;
  gboolean              have_last;
  gboolean              guest_cursor_hidden;
};

G_DEFINE_FINAL_TYPE (HangarSpiceDisplay, hangar_spice_display, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CONNECTED,
  PROP_FRAMES,
  PROP_ERROR,
  PROP_GUEST_WIDTH,
  PROP_GUEST_HEIGHT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void channel_new_cb     (SpiceSession       *session,
                                SpiceChannel       *channel,
                                HangarSpiceDisplay *self);
static void channel_destroy_cb (SpiceSession       *session,
                                SpiceChannel       *channel,
                                HangarSpiceDisplay *self);

/* Surface and tiles */

static void
convert_row (int           format,
             const guint8 *src_row,
             int           x,
             guint32      *dst,
             int           width)
{
  switch (format)
    {
    case SPICE_SURFACE_FMT_32_xRGB:
    case SPICE_SURFACE_FMT_32_ARGB:
      {
        const guint32 *src = (const guint32 *) src_row + x;

        /* The x byte of xRGB is undefined (QEMU leaves it 0), and a
         * guest's primary surface is opaque even when it says ARGB. */
        for (int i = 0; i < width; i++)
          dst[i] = src[i] | 0xff000000;
      }
      break;

    case SPICE_SURFACE_FMT_16_565:
      {
        const guint16 *src = (const guint16 *) src_row + x;

        for (int i = 0; i < width; i++)
          {
            guint32 p = src[i];
            guint32 r = (p >> 11) & 0x1f;
            guint32 g = (p >> 5) & 0x3f;
            guint32 b = p & 0x1f;

            r = (r << 3) | (r >> 2);
            g = (g << 2) | (g >> 4);
            b = (b << 3) | (b >> 2);
            dst[i] = 0xff000000 | (r << 16) | (g << 8) | b;
          }
      }
      break;

    case SPICE_SURFACE_FMT_16_555:
      {
        const guint16 *src = (const guint16 *) src_row + x;

        for (int i = 0; i < width; i++)
          {
            guint32 p = src[i];
            guint32 r = (p >> 10) & 0x1f;
            guint32 g = (p >> 5) & 0x1f;
            guint32 b = p & 0x1f;

            r = (r << 3) | (r >> 2);
            g = (g << 3) | (g >> 2);
            b = (b << 3) | (b >> 2);
            dst[i] = 0xff000000 | (r << 16) | (g << 8) | b;
          }
      }
      break;

    default:
      memset (dst, 0, (gsize) width * 4);
      break;
    }
}

static gboolean
format_supported (int format)
{
  return format == SPICE_SURFACE_FMT_32_xRGB ||
         format == SPICE_SURFACE_FMT_32_ARGB ||
         format == SPICE_SURFACE_FMT_16_565 ||
         format == SPICE_SURFACE_FMT_16_555;
}

/* Copies one rectangle of the surface into a new texture. */
static GdkTexture *
texture_from_surface (HangarSpiceDisplay *self,
                      int                 x,
                      int                 y,
                      int                 width,
                      int                 height)
{
  g_autoptr(GBytes) bytes = NULL;
  gsize stride = (gsize) width * 4;
  guint8 *pixels;

  g_assert (self->surface_data != NULL);
  g_assert (x >= 0 && y >= 0 && width > 0 && height > 0);
  g_assert (x + width <= self->surface_width);
  g_assert (y + height <= self->surface_height);

  pixels = g_malloc (stride * height);
  for (int row = 0; row < height; row++)
    {
      const guint8 *src = self->surface_data
                          + (gsize) (y + row) * self->surface_stride;

      convert_row (self->surface_format, src, x,
                   (guint32 *) (pixels + row * stride), width);
    }

  bytes = g_bytes_new_take (pixels, stride * height);

  return gdk_memory_texture_new (width, height, TEXTURE_FORMAT, bytes, stride);
}

static void
clear_tiles (HangarSpiceDisplay *self)
{
  unsigned n_tiles = self->tile_cols * self->tile_rows;

  for (unsigned i = 0; i < n_tiles && self->tiles != NULL; i++)
    g_clear_object (&self->tiles[i]);

  g_clear_pointer (&self->tiles, g_free);
  g_clear_pointer (&self->dirty_tiles, g_free);
  g_clear_object (&self->full_texture);
  self->tile_cols = 0;
  self->tile_rows = 0;
  self->any_dirty = FALSE;
}

static void
mark_dirty (HangarSpiceDisplay *self,
            int                 x,
            int                 y,
            int                 width,
            int                 height)
{
  int x0, y0, x1, y1;

  if (self->dirty_tiles == NULL)
    return;

  x0 = CLAMP (x, 0, self->surface_width);
  y0 = CLAMP (y, 0, self->surface_height);
  x1 = CLAMP (x + width, 0, self->surface_width);
  y1 = CLAMP (y + height, 0, self->surface_height);
  if (x1 <= x0 || y1 <= y0)
    return;

  for (int row = y0 / TILE_SIZE; row <= (y1 - 1) / TILE_SIZE; row++)
    for (int col = x0 / TILE_SIZE; col <= (x1 - 1) / TILE_SIZE; col++)
      self->dirty_tiles[row * self->tile_cols + col] = TRUE;

  self->any_dirty = TRUE;
  self->full_texture_stale = TRUE;
}

/* Re-creates the tiles that changed since the last frame: several updates
 * between two frames cost one copy. */
static void
refresh_tiles (HangarSpiceDisplay *self)
{
  if (!self->any_dirty)
    return;

  for (unsigned row = 0; row < self->tile_rows; row++)
    for (unsigned col = 0; col < self->tile_cols; col++)
      {
        unsigned i = row * self->tile_cols + col;
        int x = col * TILE_SIZE;
        int y = row * TILE_SIZE;

        if (!self->dirty_tiles[i])
          continue;

        g_clear_object (&self->tiles[i]);
        self->tiles[i] =
          texture_from_surface (self, x, y,
                                MIN (TILE_SIZE, self->surface_width - x),
                                MIN (TILE_SIZE, self->surface_height - y));
        self->dirty_tiles[i] = FALSE;
      }

  self->any_dirty = FALSE;
}

/* Frames */

static gboolean
notify_frames_cb (gpointer user_data)
{
  HangarSpiceDisplay *self = user_data;

  self->frames_notify_id = 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRAMES]);

  return G_SOURCE_REMOVE;
}

static void
count_frame (HangarSpiceDisplay *self)
{
  self->frames++;

  /* Notifying from inside snapshot () would let handlers change the
   * widget tree while GTK draws it: always notify from the main loop. */
  if (self->frames_notify_id == 0)
    self->frames_notify_id =
      g_timeout_add (self->frames == 1 ? 0 : FRAMES_NOTIFY_INTERVAL_MS,
                     notify_frames_cb, self);
}

/* State */

static void
set_connected (HangarSpiceDisplay *self,
               gboolean            connected)
{
  if (self->connected == connected)
    return;

  self->connected = connected;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTED]);
}

static void
set_error (HangarSpiceDisplay *self,
           const char         *error)
{
  if (g_strcmp0 (self->error, error) == 0)
    return;

  g_free (self->error);
  self->error = g_strdup (error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

static void
set_guest_size (HangarSpiceDisplay *self,
                int                 width,
                int                 height)
{
  gboolean width_changed = self->surface_width != width;
  gboolean height_changed = self->surface_height != height;

  self->surface_width = width;
  self->surface_height = height;

  if (width_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GUEST_WIDTH]);
  if (height_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GUEST_HEIGHT]);
  if (width_changed || height_changed)
    gtk_widget_queue_resize (GTK_WIDGET (self));
}

static void
drop_surface (HangarSpiceDisplay *self)
{
  clear_tiles (self);
  self->surface_data = NULL;
  self->surface_marked = FALSE;
  self->full_texture_stale = FALSE;
  set_guest_size (self, 0, 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Cursor */

static void
update_cursor (HangarSpiceDisplay *self)
{
  /* With a cursor channel the guest stops drawing its pointer into the
   * screen and leaves it to the client, so the local pointer takes the
   * guest's shape; without one, the local arrow stays. */
  if (self->cursor_channel == NULL)
    gtk_widget_set_cursor (GTK_WIDGET (self), NULL);
  else if (self->guest_cursor_hidden)
    gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "none");
  else
    gtk_widget_set_cursor (GTK_WIDGET (self), self->guest_cursor);
}

static void
cursor_set_cb (SpiceCursorChannel *channel,
               int                 width,
               int                 height,
               int                 hot_x,
               int                 hot_y,
               gpointer            rgba,
               HangarSpiceDisplay *self)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkTexture) texture = NULL;

  g_clear_object (&self->guest_cursor);
  self->guest_cursor_hidden = FALSE;

  /* No pixels means the guest's default pointer, which the local default
   * stands in for. */
  if (rgba != NULL && width > 0 && height > 0)
    {
      bytes = g_bytes_new (rgba, (gsize) width * height * 4);
      texture = gdk_memory_texture_new (width, height, GDK_MEMORY_R8G8B8A8,
                                        bytes, (gsize) width * 4);
      self->guest_cursor =
        gdk_cursor_new_from_texture (texture,
                                     CLAMP (hot_x, 0, width - 1),
                                     CLAMP (hot_y, 0, height - 1),
                                     NULL);
    }

  update_cursor (self);
}

static void
cursor_hide_cb (SpiceCursorChannel *channel,
                HangarSpiceDisplay *self)
{
  self->guest_cursor_hidden = TRUE;
  update_cursor (self);
}

static void
cursor_reset_cb (SpiceCursorChannel *channel,
                 HangarSpiceDisplay *self)
{
  g_clear_object (&self->guest_cursor);
  self->guest_cursor_hidden = FALSE;
  update_cursor (self);
}

/* Display channel */

static void
primary_create_cb (SpiceDisplayChannel *channel,
                   int                  format,
                   int                  width,
                   int                  height,
                   int                  stride,
                   int                  shmid,
                   gpointer             imgdata,
                   HangarSpiceDisplay  *self)
{
  g_debug ("Primary surface %d×%d, format %d, stride %d",
           width, height, format, stride);

  clear_tiles (self);

  if (!format_supported (format) || width <= 0 || height <= 0 ||
      imgdata == NULL)
    {
      g_warning ("Unsupported primary surface: format %d, %d×%d",
                 format, width, height);
      drop_surface (self);
      return;
    }

  self->surface_data = imgdata;
  self->surface_format = format;
  self->surface_stride = stride;
  self->tile_cols = (width + TILE_SIZE - 1) / TILE_SIZE;
  self->tile_rows = (height + TILE_SIZE - 1) / TILE_SIZE;
  self->tiles = g_new0 (GdkTexture *, self->tile_cols * self->tile_rows);
  self->dirty_tiles = g_new0 (guint8, self->tile_cols * self->tile_rows);
  set_guest_size (self, width, height);
  mark_dirty (self, 0, 0, width, height);

  self->frames = 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRAMES]);

  if (self->main_opened)
    set_connected (self, TRUE);

  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
primary_destroy_cb (SpiceDisplayChannel *channel,
                    HangarSpiceDisplay  *self)
{
  g_debug ("Primary surface destroyed");
  drop_surface (self);
}

static void
invalidate_cb (SpiceDisplayChannel *channel,
               int                  x,
               int                  y,
               int                  width,
               int                  height,
               HangarSpiceDisplay  *self)
{
  mark_dirty (self, x, y, width, height);
  if (self->surface_marked)
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
mark_cb (SpiceDisplayChannel *channel,
         gboolean             mark,
         HangarSpiceDisplay  *self)
{
  g_debug ("Display mark %d", mark);
  self->surface_marked = mark;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Channels */

static const char *
channel_event_reason (SpiceChannelEvent event)
{
  switch (event)
    {
    case SPICE_CHANNEL_CLOSED:
      return _("The display closed the connection");
    case SPICE_CHANNEL_ERROR_CONNECT:
      return _("Could not connect to the display");
    case SPICE_CHANNEL_ERROR_TLS:
      return _("The display’s encrypted connection failed");
    case SPICE_CHANNEL_ERROR_LINK:
      return _("The display refused the connection");
    case SPICE_CHANNEL_ERROR_AUTH:
      return _("The display refused the password");
    case SPICE_CHANNEL_ERROR_IO:
      return _("The connection to the display was lost");
    case SPICE_CHANNEL_NONE:
    case SPICE_CHANNEL_OPENED:
    case SPICE_CHANNEL_SWITCHING:
    default:
      return NULL;
    }
}

static void
release_all_keys (HangarSpiceDisplay *self);

static void
channel_event_cb (SpiceChannel       *channel,
                  SpiceChannelEvent   event,
                  HangarSpiceDisplay *self)
{
  const char *reason = channel_event_reason (event);
  const GError *detail = spice_channel_get_error (channel);
  g_autofree char *message = NULL;

  g_debug ("%s channel event %d",
           G_OBJECT_TYPE_NAME (channel), (int) event);

  if (event == SPICE_CHANNEL_OPENED)
    {
      if (SPICE_IS_MAIN_CHANNEL (channel))
        {
          self->main_opened = TRUE;
          if (self->surface_data != NULL)
            set_connected (self, TRUE);
        }
      else if (SPICE_IS_INPUTS_CHANNEL (channel))
        {
          self->inputs_opened = TRUE;
        }
      return;
    }

  if (reason == NULL)
    return;

  if (SPICE_IS_INPUTS_CHANNEL (channel))
    self->inputs_opened = FALSE;

  /* Only the main and display channels end the session for the user; the
   * others (inputs, cursor) fail along with them or degrade quietly. */
  if (!SPICE_IS_MAIN_CHANNEL (channel) && !SPICE_IS_DISPLAY_CHANNEL (channel))
    {
      g_debug ("%s channel ended: %s", G_OBJECT_TYPE_NAME (channel),
               detail != NULL ? detail->message : reason);
      return;
    }

  if (detail != NULL && detail->message != NULL && *detail->message != '\0')
    message = g_strdup_printf ("%s: %s", reason, detail->message);
  else
    message = g_strdup (reason);

  g_debug ("Session ended: %s", message);

  release_all_keys (self);
  self->main_opened = FALSE;
  self->inputs_opened = FALSE;
  set_error (self, message);
  set_connected (self, FALSE);
}

static void
open_fd_cb (SpiceChannel       *channel,
            int                 with_tls,
            HangarSpiceDisplay *self)
{
  unsigned token;

  if (self->fd_request == NULL)
    {
      g_warning ("The %s channel asks for a socket, but nobody gives them",
                 G_OBJECT_TYPE_NAME (channel));
      return;
    }

  token = ++self->next_token;
  g_hash_table_insert (self->fd_requests, GUINT_TO_POINTER (token),
                       g_object_ref (channel));

  g_debug ("%s channel asks for a socket (request %u)",
           G_OBJECT_TYPE_NAME (channel), token);

  self->fd_request (self, GUINT_TO_POINTER (token), self->fd_request_data);
}

static void
mouse_mode_changed_cb (SpiceMainChannel   *channel,
                       GParamSpec         *pspec,
                       HangarSpiceDisplay *self)
{
  int mode = 0;

  g_object_get (channel, "mouse-mode", &mode, NULL);
  g_debug ("Mouse mode %s",
           mode == SPICE_MOUSE_MODE_CLIENT ? "client (absolute)"
                                           : "server (relative)");
  self->mouse_mode = mode;
  self->have_last = FALSE;
}

static void
channel_new_cb (SpiceSession       *session,
                SpiceChannel       *channel,
                HangarSpiceDisplay *self)
{
  int id = 0;

  g_object_get (channel, "channel-id", &id, NULL);
  g_debug ("New %s channel %d", G_OBJECT_TYPE_NAME (channel), id);

  g_signal_connect_object (channel, "channel-event",
                           G_CALLBACK (channel_event_cb), self, 0);
  g_signal_connect_object (channel, "open-fd",
                           G_CALLBACK (open_fd_cb), self, 0);

  if (SPICE_IS_MAIN_CHANNEL (channel))
    {
      g_set_object (&self->main_channel, SPICE_MAIN_CHANNEL (channel));
      g_signal_connect_object (channel, "notify::mouse-mode",
                               G_CALLBACK (mouse_mode_changed_cb), self, 0);
      mouse_mode_changed_cb (self->main_channel, NULL, self);
      /* The session connects the main channel itself. */
      return;
    }

  if (SPICE_IS_DISPLAY_CHANNEL (channel))
    {
      SpiceDisplayPrimary primary;

      /* TODO: only the first monitor is shown; a guest with several
       * displays needs one widget per display channel. */
      if (id != 0 || self->display_channel != NULL)
        return;

      g_set_object (&self->display_channel, SPICE_DISPLAY_CHANNEL (channel));
      g_signal_connect_object (channel, "display-primary-create",
                               G_CALLBACK (primary_create_cb), self, 0);
      g_signal_connect_object (channel, "display-primary-destroy",
                               G_CALLBACK (primary_destroy_cb), self, 0);
      g_signal_connect_object (channel, "display-invalidate",
                               G_CALLBACK (invalidate_cb), self, 0);
      g_signal_connect_object (channel, "display-mark",
                               G_CALLBACK (mark_cb), self, 0);

      if (spice_display_channel_get_primary (channel, 0, &primary))
        {
          primary_create_cb (self->display_channel, primary.format,
                             primary.width, primary.height, primary.stride,
                             primary.shmid, primary.data, self);
          mark_cb (self->display_channel, primary.marked, self);
        }

      spice_channel_connect (channel);
      return;
    }

  if (SPICE_IS_INPUTS_CHANNEL (channel))
    {
      g_set_object (&self->inputs_channel, SPICE_INPUTS_CHANNEL (channel));
      spice_channel_connect (channel);
      return;
    }

  if (SPICE_IS_CURSOR_CHANNEL (channel))
    {
      if (id != 0 || self->cursor_channel != NULL)
        return;

      g_set_object (&self->cursor_channel, SPICE_CURSOR_CHANNEL (channel));
      g_signal_connect_object (channel, "cursor-set",
                               G_CALLBACK (cursor_set_cb), self, 0);
      g_signal_connect_object (channel, "cursor-hide",
                               G_CALLBACK (cursor_hide_cb), self, 0);
      g_signal_connect_object (channel, "cursor-reset",
                               G_CALLBACK (cursor_reset_cb), self, 0);
      spice_channel_connect (channel);
      update_cursor (self);
      return;
    }

  /* Audio, USB redirection, smartcards and ports stay unconnected until
   * the console supports them. */
}

static gboolean
request_is_for_channel (gpointer key,
                        gpointer value,
                        gpointer user_data)
{
  return value == user_data;
}

static void
channel_destroy_cb (SpiceSession       *session,
                    SpiceChannel       *channel,
                    HangarSpiceDisplay *self)
{
  g_debug ("%s channel destroyed", G_OBJECT_TYPE_NAME (channel));

  g_signal_handlers_disconnect_by_data (channel, self);
  g_hash_table_foreach_remove (self->fd_requests, request_is_for_channel,
                               channel);

  if ((gpointer) channel == (gpointer) self->main_channel)
    {
      g_clear_object (&self->main_channel);
      self->main_opened = FALSE;
    }
  else if ((gpointer) channel == (gpointer) self->display_channel)
    {
      g_clear_object (&self->display_channel);
      drop_surface (self);
    }
  else if ((gpointer) channel == (gpointer) self->inputs_channel)
    {
      g_clear_object (&self->inputs_channel);
      self->inputs_opened = FALSE;
      memset (self->pressed, 0, sizeof self->pressed);
      self->button_mask = 0;
    }
  else if ((gpointer) channel == (gpointer) self->cursor_channel)
    {
      g_clear_object (&self->cursor_channel);
      g_clear_object (&self->guest_cursor);
      self->guest_cursor_hidden = FALSE;
      update_cursor (self);
    }
}

/* Session */

static void
forget_channel (gpointer data,
                gpointer user_data)
{
  g_signal_handlers_disconnect_by_data (data, user_data);
}

static void
drop_session (HangarSpiceDisplay *self)
{
  SpiceSession *session = g_steal_pointer (&self->session);
  GList *channels;

  if (session == NULL)
    return;

  /* Stop listening first: a deliberate close is not an error to report. */
  g_signal_handlers_disconnect_by_data (session, self);
  channels = spice_session_get_channels (session);
  g_list_foreach (channels, forget_channel, self);
  g_list_free (channels);

  release_all_keys (self);
  spice_session_disconnect (session);
  g_object_unref (session);

  g_hash_table_remove_all (self->fd_requests);
  g_clear_object (&self->main_channel);
  g_clear_object (&self->display_channel);
  g_clear_object (&self->inputs_channel);
  g_clear_object (&self->cursor_channel);
  g_clear_object (&self->guest_cursor);
  self->guest_cursor_hidden = FALSE;
  self->main_opened = FALSE;
  self->inputs_opened = FALSE;
  self->button_mask = 0;
  self->have_last = FALSE;
  memset (self->pressed, 0, sizeof self->pressed);

  drop_surface (self);
  update_cursor (self);
  set_connected (self, FALSE);
}

static void
clear_fd_request (HangarSpiceDisplay *self)
{
  GDestroyNotify destroy = self->fd_request_destroy;
  gpointer data = self->fd_request_data;

  self->fd_request = NULL;
  self->fd_request_data = NULL;
  self->fd_request_destroy = NULL;

  if (destroy != NULL)
    destroy (data);
}

static void
new_session (HangarSpiceDisplay *self)
{
  drop_session (self);
  set_error (self, NULL);

  self->session = spice_session_new ();
  g_signal_connect_object (self->session, "channel-new",
                           G_CALLBACK (channel_new_cb), self, 0);
  g_signal_connect_object (self->session, "channel-destroy",
                           G_CALLBACK (channel_destroy_cb), self, 0);
}

/* Keyboard */

static gboolean
key_is_pressed (HangarSpiceDisplay *self,
                unsigned            xt)
{
  return xt < N_XT_CODES && (self->pressed[xt / 32] & (1u << (xt % 32)));
}

static void
set_key_pressed (HangarSpiceDisplay *self,
                 unsigned            xt,
                 gboolean            pressed)
{
  if (xt >= N_XT_CODES)
    return;

  if (pressed)
    self->pressed[xt / 32] |= 1u << (xt % 32);
  else
    self->pressed[xt / 32] &= ~(1u << (xt % 32));
}

static void
send_key (HangarSpiceDisplay *self,
          unsigned            xt,
          gboolean            press)
{
  if (self->inputs_channel == NULL || !self->inputs_opened || xt == 0)
    return;

  if (xt == HANGAR_KEYMAP_XT_PAUSE)
    {
      /* A PC keyboard sends e1 1d 45 e1 9d c5 when Pause goes down and
       * nothing when it comes up.  0x21d is spice-client-glib's way to
       * write e1 1d, so pressing and releasing 0x21d and 0x45 puts exactly
       * these six bytes on the wire; QEMU recognises the sequence as
       * Pause (and makes it Break itself when Ctrl is down). */
      if (press)
        {
          spice_inputs_channel_key_press (self->inputs_channel, 0x21d);
          spice_inputs_channel_key_press (self->inputs_channel, 0x45);
          spice_inputs_channel_key_release (self->inputs_channel, 0x21d);
          spice_inputs_channel_key_release (self->inputs_channel, 0x45);
        }
      return;
    }

  if (press)
    spice_inputs_channel_key_press (self->inputs_channel, xt);
  else
    spice_inputs_channel_key_release (self->inputs_channel, xt);
}

static void
release_all_keys (HangarSpiceDisplay *self)
{
  for (unsigned xt = 1; xt < N_XT_CODES; xt++)
    if (key_is_pressed (self, xt))
      {
        g_debug ("Releasing held key 0x%x", xt);
        send_key (self, xt, FALSE);
        set_key_pressed (self, xt, FALSE);
      }
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                HangarSpiceDisplay    *self)
{
  unsigned xt = hangar_keymap_hardware_to_xt (keycode);

  if (xt == 0)
    {
      g_debug ("No scancode for keycode %u", keycode);
      return TRUE;
    }

  /* The Print Screen key is SysRq while Alt is down, with a code of its
   * own. */
  if (xt == XT_PRINT &&
      (key_is_pressed (self, XT_LEFT_ALT) ||
       key_is_pressed (self, XT_RIGHT_ALT)))
    xt = XT_SYSRQ;

  /* A held key repeats with more presses and no release, as a PC keyboard
   * does. */
  send_key (self, xt, TRUE);
  if (xt != HANGAR_KEYMAP_XT_PAUSE)
    set_key_pressed (self, xt, TRUE);

  return TRUE;
}

static void
key_released_cb (GtkEventControllerKey *controller,
                 guint                  keyval,
                 guint                  keycode,
                 GdkModifierType        state,
                 HangarSpiceDisplay    *self)
{
  unsigned xt = hangar_keymap_hardware_to_xt (keycode);

  /* Release whichever code the press sent, even if Alt changed since. */
  if (xt == XT_PRINT && key_is_pressed (self, XT_SYSRQ))
    xt = XT_SYSRQ;

  if (!key_is_pressed (self, xt))
    return;

  send_key (self, xt, FALSE);
  set_key_pressed (self, xt, FALSE);
}

/* TODO: on focus-in, tell the guest which of Caps Lock and Num Lock are on
 * here (spice_inputs_channel_set_key_locks), or the two keyboards disagree
 * after a lock key was pressed outside the console. */
static void
focus_leave_cb (GtkEventControllerFocus *controller,
                HangarSpiceDisplay      *self)
{
  /* Key releases now go elsewhere: release everything held, or the guest
   * would see a key stuck down. */
  release_all_keys (self);
}

/* Pointer */

static gboolean
compute_screen_rect (HangarSpiceDisplay *self,
                     int                 widget_width,
                     int                 widget_height,
                     graphene_rect_t    *rect)
{
  double scale;
  double width, height;

  if (self->surface_data == NULL || widget_width <= 0 || widget_height <= 0)
    return FALSE;

  scale = MIN ((double) widget_width / self->surface_width,
               (double) widget_height / self->surface_height);
  width = round (self->surface_width * scale);
  height = round (self->surface_height * scale);

  /* Whole pixels, so that the guest's pixels land on the screen's when
   * the sizes match, and tile edges never fall between two pixels. */
  graphene_rect_init (rect,
                      floor ((widget_width - width) / 2),
                      floor ((widget_height - height) / 2),
                      width, height);

  return TRUE;
}

static gboolean
widget_to_guest (HangarSpiceDisplay *self,
                 double              x,
                 double              y,
                 int                *guest_x,
                 int                *guest_y)
{
  graphene_rect_t rect;

  if (!hangar_spice_display_get_screen_rect (self, &rect) ||
      rect.size.width <= 0 || rect.size.height <= 0)
    return FALSE;

  *guest_x = floor ((x - rect.origin.x) * self->surface_width
                    / rect.size.width);
  *guest_y = floor ((y - rect.origin.y) * self->surface_height
                    / rect.size.height);
  *guest_x = CLAMP (*guest_x, 0, self->surface_width - 1);
  *guest_y = CLAMP (*guest_y, 0, self->surface_height - 1);

  return TRUE;
}

static gboolean
event_position (HangarSpiceDisplay *self,
                GdkEvent           *event,
                double             *x,
                double             *y)
{
  GtkNative *native = gtk_widget_get_native (GTK_WIDGET (self));
  double event_x, event_y;
  double native_x, native_y;

  if (native == NULL || !gdk_event_get_position (event, &event_x, &event_y))
    return FALSE;

  gtk_native_get_surface_transform (native, &native_x, &native_y);

  return gtk_widget_translate_coordinates (GTK_WIDGET (native),
                                           GTK_WIDGET (self),
                                           event_x - native_x,
                                           event_y - native_y,
                                           x, y);
}

static gboolean
inputs_ready (HangarSpiceDisplay *self)
{
  return self->inputs_channel != NULL && self->inputs_opened &&
         self->surface_data != NULL;
}

static void
send_motion (HangarSpiceDisplay *self,
             double              x,
             double              y)
{
  int guest_x, guest_y;

  if (!inputs_ready (self))
    return;

  if (self->mouse_mode == SPICE_MOUSE_MODE_CLIENT)
    {
      if (widget_to_guest (self, x, y, &guest_x, &guest_y))
        spice_inputs_channel_position (self->inputs_channel, guest_x, guest_y,
                                       0, self->button_mask);
    }
  else if (self->have_last)
    {
      graphene_rect_t rect;
      double scale = 1.0;
      int dx, dy;

      /* TODO: relative mode needs the pointer confined and hidden while
       * grabbed, or it leaves the widget and the guest's pointer drifts
       * away from the local one; GTK 4.8 has no grab API, so this goes
       * through the windowing system (X11 grabs, Wayland's pointer
       * constraints). */
      if (hangar_spice_display_get_screen_rect (self, &rect) &&
          rect.size.width > 0)
        scale = self->surface_width / rect.size.width;

      dx = round ((x - self->last_x) * scale);
      dy = round ((y - self->last_y) * scale);
      if (dx != 0 || dy != 0)
        spice_inputs_channel_motion (self->inputs_channel, dx, dy,
                                     self->button_mask);
    }

  self->last_x = x;
  self->last_y = y;
  self->have_last = TRUE;
}

static int
spice_button_from_gdk (guint button)
{
  switch (button)
    {
    case GDK_BUTTON_PRIMARY:
      return SPICE_MOUSE_BUTTON_LEFT;
    case GDK_BUTTON_MIDDLE:
      return SPICE_MOUSE_BUTTON_MIDDLE;
    case GDK_BUTTON_SECONDARY:
      return SPICE_MOUSE_BUTTON_RIGHT;
    case 8:
      return SPICE_MOUSE_BUTTON_SIDE;
    case 9:
      return SPICE_MOUSE_BUTTON_EXTRA;
    default:
      return 0;
    }
}

static void
send_button (HangarSpiceDisplay *self,
             int                 button,
             gboolean            press)
{
  int mask = 1 << (button - 1);

  if (press)
    {
      self->button_mask |= mask;
      spice_inputs_channel_button_press (self->inputs_channel, button,
                                         self->button_mask);
    }
  else
    {
      self->button_mask &= ~mask;
      spice_inputs_channel_button_release (self->inputs_channel, button,
                                           self->button_mask);
    }
}

static void
send_wheel (HangarSpiceDisplay *self,
            int                 button)
{
  send_button (self, button, TRUE);
  send_button (self, button, FALSE);
}

static gboolean
pointer_event_cb (GtkEventControllerLegacy *controller,
                  GdkEvent                 *event,
                  HangarSpiceDisplay       *self)
{
  GdkEventType type = gdk_event_get_event_type (event);
  double x, y;
  int button;

  switch ((int) type)
    {
    case GDK_MOTION_NOTIFY:
      if (event_position (self, event, &x, &y))
        send_motion (self, x, y);
      return TRUE;

    case GDK_BUTTON_PRESS:
    case GDK_BUTTON_RELEASE:
      if (type == GDK_BUTTON_PRESS)
        gtk_widget_grab_focus (GTK_WIDGET (self));

      button = spice_button_from_gdk (gdk_button_event_get_button (event));
      if (button == 0 || !inputs_ready (self))
        return TRUE;

      /* The guest must know where the click happens before it happens. */
      if (event_position (self, event, &x, &y))
        send_motion (self, x, y);

      send_button (self, button, type == GDK_BUTTON_PRESS);
      return TRUE;

    case GDK_SCROLL:
      if (!inputs_ready (self))
        return TRUE;

      switch (gdk_scroll_event_get_direction (event))
        {
        case GDK_SCROLL_UP:
          send_wheel (self, SPICE_MOUSE_BUTTON_UP);
          break;

        case GDK_SCROLL_DOWN:
          send_wheel (self, SPICE_MOUSE_BUTTON_DOWN);
          break;

        case GDK_SCROLL_SMOOTH:
          {
            double dx, dy;

            /* A wheel click is one unit: touchpads scroll in fractions,
             * which add up to clicks. */
            gdk_scroll_event_get_deltas (event, &dx, &dy);
            self->scroll_dy += dy;
            while (self->scroll_dy <= -1.0)
              {
                send_wheel (self, SPICE_MOUSE_BUTTON_UP);
                self->scroll_dy += 1.0;
              }
            while (self->scroll_dy >= 1.0)
              {
                send_wheel (self, SPICE_MOUSE_BUTTON_DOWN);
                self->scroll_dy -= 1.0;
              }
          }
          break;

        case GDK_SCROLL_LEFT:
        case GDK_SCROLL_RIGHT:
        default:
          /* SPICE has no buttons for horizontal scrolling. */
          break;
        }
      return TRUE;

    default:
      return FALSE;
    }
}

/* GtkWidget */

static void
hangar_spice_display_measure (GtkWidget      *widget,
                              GtkOrientation  orientation,
                              int             for_size,
                              int            *minimum,
                              int            *natural,
                              int            *minimum_baseline,
                              int            *natural_baseline)
{
  HangarSpiceDisplay *self = HANGAR_SPICE_DISPLAY (widget);

  /* The screen scales down to any size; its natural size is 1:1. */
  *minimum = 0;
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *natural = self->surface_width;
  else
    *natural = self->surface_height;
}

static void
append_black (GtkSnapshot *snapshot,
              float        x,
              float        y,
              float        width,
              float        height)
{
  static const GdkRGBA black = { 0, 0, 0, 1 };

  if (width > 0 && height > 0)
    gtk_snapshot_append_color (snapshot, &black,
                               &GRAPHENE_RECT_INIT (x, y, width, height));
}

static void
hangar_spice_display_snapshot (GtkWidget   *widget,
                               GtkSnapshot *snapshot)
{
  HangarSpiceDisplay *self = HANGAR_SPICE_DISPLAY (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  gboolean had_updates;
  graphene_rect_t rect;
  double scale;
  float right, bottom;

  if (!self->surface_marked ||
      !compute_screen_rect (self, width, height, &rect))
    {
      append_black (snapshot, 0, 0, width, height);
      return;
    }

  had_updates = self->any_dirty;
  refresh_tiles (self);

  /* The letterbox around the screen, without painting under it. */
  right = rect.origin.x + rect.size.width;
  bottom = rect.origin.y + rect.size.height;
  append_black (snapshot, 0, 0, width, rect.origin.y);
  append_black (snapshot, 0, bottom, width, height - bottom);
  append_black (snapshot, 0, rect.origin.y, rect.origin.x, rect.size.height);
  append_black (snapshot, right, rect.origin.y, width - right,
                rect.size.height);

  /* Each tile goes to whole-pixel bounds computed from its guest edges,
   * so neighbours share their edges exactly and no seam shows when the
   * screen is scaled. */
  scale = rect.size.width / self->surface_width;
  for (unsigned row = 0; row < self->tile_rows; row++)
    {
      int guest_y0 = row * TILE_SIZE;
      int guest_y1 = MIN ((int) (row + 1) * TILE_SIZE, self->surface_height);
      float y0 = rect.origin.y + round (guest_y0 * scale);
      float y1 = rect.origin.y + round (guest_y1 * scale);

      for (unsigned col = 0; col < self->tile_cols; col++)
        {
          GdkTexture *tile = self->tiles[row * self->tile_cols + col];
          int guest_x0 = col * TILE_SIZE;
          int guest_x1 = MIN ((int) (col + 1) * TILE_SIZE, self->surface_width);
          float x0 = rect.origin.x + round (guest_x0 * scale);
          float x1 = rect.origin.x + round (guest_x1 * scale);

          if (tile == NULL || x1 <= x0 || y1 <= y0)
            continue;

          gtk_snapshot_append_texture (snapshot, tile,
                                       &GRAPHENE_RECT_INIT (x0, y0,
                                                            x1 - x0, y1 - y0));
        }
    }

  if (had_updates)
    count_frame (self);
}

static void
hangar_spice_display_dispose (GObject *object)
{
  HangarSpiceDisplay *self = HANGAR_SPICE_DISPLAY (object);

  drop_session (self);
  clear_fd_request (self);
  g_clear_handle_id (&self->frames_notify_id, g_source_remove);

  G_OBJECT_CLASS (hangar_spice_display_parent_class)->dispose (object);
}

static void
hangar_spice_display_finalize (GObject *object)
{
  HangarSpiceDisplay *self = HANGAR_SPICE_DISPLAY (object);

  g_clear_pointer (&self->fd_requests, g_hash_table_unref);
  g_clear_pointer (&self->error, g_free);

  G_OBJECT_CLASS (hangar_spice_display_parent_class)->finalize (object);
}

static void
hangar_spice_display_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  HangarSpiceDisplay *self = HANGAR_SPICE_DISPLAY (object);

  switch (prop_id)
    {
    case PROP_CONNECTED:
      g_value_set_boolean (value, self->connected);
      break;

    case PROP_FRAMES:
      g_value_set_uint64 (value, self->frames);
      break;

    case PROP_ERROR:
      g_value_set_string (value, self->error);
      break;

    case PROP_GUEST_WIDTH:
      g_value_set_int (value, self->surface_width);
      break;

    case PROP_GUEST_HEIGHT:
      g_value_set_int (value, self->surface_height);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_spice_display_class_init (HangarSpiceDisplayClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hangar_spice_display_dispose;
  object_class->finalize = hangar_spice_display_finalize;
  object_class->get_property = hangar_spice_display_get_property;

  widget_class->measure = hangar_spice_display_measure;
  widget_class->snapshot = hangar_spice_display_snapshot;

  properties[PROP_CONNECTED] =
    g_param_spec_boolean ("connected", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS);

  properties[PROP_FRAMES] =
    g_param_spec_uint64 ("frames", NULL, NULL,
                         0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS);

  properties[PROP_ERROR] =
    g_param_spec_string ("error", NULL, NULL,
                         NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS);

  properties[PROP_GUEST_WIDTH] =
    g_param_spec_int ("guest-width", NULL, NULL,
                      0, G_MAXINT, 0,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY |
                      G_PARAM_STATIC_STRINGS);

  properties[PROP_GUEST_HEIGHT] =
    g_param_spec_int ("guest-height", NULL, NULL,
                      0, G_MAXINT, 0,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY |
                      G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "spice-display");
  gtk_widget_class_set_accessible_role (widget_class,
                                        GTK_ACCESSIBLE_ROLE_IMG);
}

static void
hangar_spice_display_init (HangarSpiceDisplay *self)
{
  GtkEventController *controller;

  self->fd_requests = g_hash_table_new_full (NULL, NULL, NULL,
                                             g_object_unref);

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);

  /* Keys go to the guest before the widget's ancestors see them, so that
   * Tab, F10 or Alt do not move focus or open menus in the window.
   * TODO: window-level shortcuts and application accelerators still see
   * some keys first; a keyboard grab with a Ctrl+Alt release and a hint
   * saying so is the complete answer. */
  controller = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect (controller, "key-pressed",
                    G_CALLBACK (key_pressed_cb), self);
  g_signal_connect (controller, "key-released",
                    G_CALLBACK (key_released_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_focus_new ();
  g_signal_connect (controller, "leave", G_CALLBACK (focus_leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  /* Raw events: gestures would interpret clicks and drags that the guest
   * must see as they are. */
  controller = gtk_event_controller_legacy_new ();
  g_signal_connect (controller, "event", G_CALLBACK (pointer_event_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

GtkWidget *
hangar_spice_display_new (void)
{
  return g_object_new (HANGAR_TYPE_SPICE_DISPLAY, NULL);
}

void
hangar_spice_display_open_fd (HangarSpiceDisplay   *self,
                              int                   fd,
                              HangarSpiceFdRequest  request,
                              gpointer              user_data,
                              GDestroyNotify        destroy)
{
  g_return_if_fail (HANGAR_IS_SPICE_DISPLAY (self));
  g_return_if_fail (fd >= 0);

  new_session (self);
  clear_fd_request (self);
  self->fd_request = request;
  self->fd_request_data = user_data;
  self->fd_request_destroy = destroy;

  g_debug ("Opening a session on descriptor %d", fd);

  if (!spice_session_open_fd (self->session, fd))
    set_error (self, _("Could not connect to the display"));
}

void
hangar_spice_display_take_channel_fd (HangarSpiceDisplay *self,
                                      gpointer            token,
                                      int                 fd)
{
  SpiceChannel *channel = NULL;

  g_return_if_fail (HANGAR_IS_SPICE_DISPLAY (self));

  /* The request may have died with its channel or its session while the
   * socket was being made: the descriptor then has nowhere to go. */
  if (!g_hash_table_steal_extended (self->fd_requests, token, NULL,
                                    (gpointer *) &channel))
    {
      g_debug ("Socket for a request that is gone (%u)",
               GPOINTER_TO_UINT (token));
      if (fd >= 0)
        close (fd);
      return;
    }

  if (fd < 0)
    {
      g_warning ("No socket for the %s channel",
                 G_OBJECT_TYPE_NAME (channel));
      if (SPICE_IS_DISPLAY_CHANNEL (channel))
        set_error (self, _("Could not connect to the display"));
      g_object_unref (channel);
      return;
    }

  g_debug ("Socket %d for the %s channel (request %u)", fd,
           G_OBJECT_TYPE_NAME (channel), GPOINTER_TO_UINT (token));

  if (!spice_channel_open_fd (channel, fd))
    {
      g_warning ("The %s channel did not take its socket",
                 G_OBJECT_TYPE_NAME (channel));
      close (fd);
    }

  g_object_unref (channel);
}

void
hangar_spice_display_open_host (HangarSpiceDisplay *self,
                                const char         *host,
                                const char         *port,
                                const char         *password)
{
  g_return_if_fail (HANGAR_IS_SPICE_DISPLAY (self));
  g_return_if_fail (host != NULL);
  g_return_if_fail (port != NULL);

  new_session (self);
  clear_fd_request (self);

  g_object_set (self->session,
                "host", host,
                "port", port,
                "password", password,
                NULL);

  g_debug ("Connecting to %s:%s", host, port);

  if (!spice_session_connect (self->session))
    set_error (self, _("Could not connect to the display"));
}

void
hangar_spice_display_close (HangarSpiceDisplay *self)
{
  g_return_if_fail (HANGAR_IS_SPICE_DISPLAY (self));

  drop_session (self);
  clear_fd_request (self);
}

gboolean
hangar_spice_display_get_connected (HangarSpiceDisplay *self)
{
  g_return_val_if_fail (HANGAR_IS_SPICE_DISPLAY (self), FALSE);

  return self->connected;
}

guint64
hangar_spice_display_get_frames (HangarSpiceDisplay *self)
{
  g_return_val_if_fail (HANGAR_IS_SPICE_DISPLAY (self), 0);

  return self->frames;
}

const char *
hangar_spice_display_get_error (HangarSpiceDisplay *self)
{
  g_return_val_if_fail (HANGAR_IS_SPICE_DISPLAY (self), NULL);

  return self->error;
}

void
hangar_spice_display_send_keys (HangarSpiceDisplay *self,
                                const unsigned     *xt_codes,
                                unsigned            n_codes)
{
  g_return_if_fail (HANGAR_IS_SPICE_DISPLAY (self));
  g_return_if_fail (xt_codes != NULL || n_codes == 0);

  for (unsigned i = 0; i < n_codes; i++)
    send_key (self, xt_codes[i], TRUE);

  for (unsigned i = n_codes; i > 0; i--)
    send_key (self, xt_codes[i - 1], FALSE);
}

GdkTexture *
hangar_spice_display_get_texture (HangarSpiceDisplay *self)
{
  g_return_val_if_fail (HANGAR_IS_SPICE_DISPLAY (self), NULL);

  if (self->surface_data == NULL || !self->surface_marked)
    return NULL;

  /* One copy of the whole screen, made only when asked for, and kept
   * until the screen changes. */
  if (self->full_texture == NULL || self->full_texture_stale)
    {
      g_clear_object (&self->full_texture);
      self->full_texture = texture_from_surface (self, 0, 0,
                                                 self->surface_width,
                                                 self->surface_height);
      self->full_texture_stale = FALSE;
    }

  return self->full_texture;
}

gboolean
hangar_spice_display_get_screen_rect (HangarSpiceDisplay *self,
                                      graphene_rect_t    *rect)
{
  g_return_val_if_fail (HANGAR_IS_SPICE_DISPLAY (self), FALSE);
  g_return_val_if_fail (rect != NULL, FALSE);

  return compute_screen_rect (self,
                              gtk_widget_get_width (GTK_WIDGET (self)),
                              gtk_widget_get_height (GTK_WIDGET (self)),
                              rect);
}
