/* hangar-spice-session.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-spice-session"

#include "config.h"

#include <unistd.h>

#include <glib/gi18n.h>
#include <spice/vd_agent.h>

#include "hangar-clipboard.h"
#include "hangar-keymap.h"
#include "hangar-spice-session.h"

struct _HangarSpiceSession
{
  HangarDisplaySession   parent_instance;

  /* owned references */
  SpiceSession          *session;
  SpiceMainChannel      *main_channel;
  SpiceDisplayChannel   *display_channel;
  SpiceInputsChannel    *inputs_channel;
  SpiceCursorChannel    *cursor_channel;
  SpiceAudio            *audio;
  GHashTable            *fd_requests;      /* token → SpiceChannel */
  char                  *offered_text;     /* the desktop's clipboard, for the guest */

  HangarSocketRequest    fd_request;
  gpointer               fd_request_data;
  GDestroyNotify         fd_request_destroy;
  unsigned               next_token;

  /* The primary surface, owned by spice-client-glib until it is
   * destroyed, and shown once the server marked it ready. */
  guint8                *surface_data;
  HangarPixels           surface_format;
  int                    surface_width;
  int                    surface_height;
  int                    surface_stride;
  gboolean               surface_marked;

  unsigned               n_usb_channels;
  gboolean               playback_open;
  gboolean               main_opened;
  gboolean               inputs_opened;
  gboolean               inputs_failed;
};

G_DEFINE_FINAL_TYPE (HangarSpiceSession, hangar_spice_session, HANGAR_TYPE_DISPLAY_SESSION)

static void drop_session (HangarSpiceSession *self);

/* Surface */

static HangarPixels
pixels_from_spice (int format)
{
  switch (format)
    {
    case SPICE_SURFACE_FMT_32_xRGB:
    case SPICE_SURFACE_FMT_32_ARGB:
      /* A guest's primary surface is opaque even when it says ARGB. */
      return HANGAR_PIXELS_XRGB8888;
    case SPICE_SURFACE_FMT_16_565:
      return HANGAR_PIXELS_RGB565;
    case SPICE_SURFACE_FMT_16_555:
      return HANGAR_PIXELS_RGB555;
    default:
      return HANGAR_PIXELS_NONE;
    }
}

/* Connected: the screen shows and the keyboard and pointer reach the
 * guest, so that nothing typed at once is lost.  A guest whose input
 * channel failed still shows its screen. */
static void
update_connected (HangarSpiceSession *self)
{
  gboolean inputs = self->inputs_opened || self->inputs_failed || self->inputs_channel == NULL;

  hangar_display_session_set_connected (HANGAR_DISPLAY_SESSION (self),
                                        self->main_opened && self->surface_data != NULL &&
                                        inputs);
}

static void
publish_surface (HangarSpiceSession *self)
{
  HangarDisplaySession *session = HANGAR_DISPLAY_SESSION (self);

  if (self->surface_data != NULL && self->surface_marked)
    hangar_display_session_set_surface (session, self->surface_format,
                                        self->surface_width, self->surface_height,
                                        self->surface_stride, self->surface_data);
  else
    hangar_display_session_set_surface (session, HANGAR_PIXELS_NONE, 0, 0, 0, NULL);
}

static void
primary_create_cb (SpiceDisplayChannel *channel,
                   int                  format,
                   int                  width,
                   int                  height,
                   int                  stride,
                   int                  shmid,
                   gpointer             imgdata,
                   HangarSpiceSession  *self)
{
  g_debug ("Primary surface %d×%d, format %d, stride %d", width, height, format, stride);

  self->surface_data = NULL;
  self->surface_format = pixels_from_spice (format);
  if (self->surface_format == HANGAR_PIXELS_NONE || width <= 0 || height <= 0 ||
      imgdata == NULL)
    {
      g_warning ("Unsupported primary surface: format %d, %d×%d", format, width, height);
      publish_surface (self);
      update_connected (self);
      return;
    }

  self->surface_data = imgdata;
  self->surface_width = width;
  self->surface_height = height;
  self->surface_stride = stride;
  publish_surface (self);
  update_connected (self);
}

static void
primary_destroy_cb (SpiceDisplayChannel *channel,
                    HangarSpiceSession  *self)
{
  g_debug ("Primary surface destroyed");
  self->surface_data = NULL;
  publish_surface (self);
  update_connected (self);
}

static void
invalidate_cb (SpiceDisplayChannel *channel,
               int                  x,
               int                  y,
               int                  width,
               int                  height,
               HangarSpiceSession  *self)
{
  if (self->surface_marked)
    hangar_display_session_invalidate (HANGAR_DISPLAY_SESSION (self), x, y, width, height);
}

static void
mark_cb (SpiceDisplayChannel *channel,
         gboolean             mark,
         HangarSpiceSession  *self)
{
  g_debug ("Display mark %d", mark);
  if (self->surface_marked == !!mark)
    return;

  self->surface_marked = !!mark;
  publish_surface (self);
}

/* Cursor */

static void
cursor_set_cb (SpiceCursorChannel *channel,
               int                 width,
               int                 height,
               int                 hot_x,
               int                 hot_y,
               gpointer            rgba,
               HangarSpiceSession *self)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkTexture) texture = NULL;

  /* No pixels means the guest's default pointer, which the local default
   * stands in for. */
  if (rgba != NULL && width > 0 && height > 0)
    {
      bytes = g_bytes_new (rgba, (gsize) width * height * 4);
      texture = gdk_memory_texture_new (width, height, GDK_MEMORY_R8G8B8A8,
                                        bytes, (gsize) width * 4);
    }

  hangar_display_session_set_cursor (HANGAR_DISPLAY_SESSION (self), texture, hot_x, hot_y);
}

static void
cursor_hide_cb (SpiceCursorChannel *channel,
                HangarSpiceSession *self)
{
  hangar_display_session_set_cursor_hidden (HANGAR_DISPLAY_SESSION (self), TRUE);
}

static void
cursor_reset_cb (SpiceCursorChannel *channel,
                 HangarSpiceSession *self)
{
  hangar_display_session_set_cursor (HANGAR_DISPLAY_SESSION (self), NULL, 0, 0);
}

static void
cursor_move_cb (SpiceCursorChannel *channel,
                int                 x,
                int                 y,
                HangarSpiceSession *self)
{
  hangar_display_session_set_cursor_position (HANGAR_DISPLAY_SESSION (self), x, y);
}

/* Main channel: pointer mode, agent, clipboard */

static void
mouse_mode_cb (SpiceMainChannel   *channel,
               GParamSpec         *pspec,
               HangarSpiceSession *self)
{
  int mode = 0;

  g_object_get (channel, "mouse-mode", &mode, NULL);
  hangar_display_session_set_mouse_absolute (HANGAR_DISPLAY_SESSION (self),
                                             mode == SPICE_MOUSE_MODE_CLIENT);
}

static void
agent_cb (SpiceMainChannel   *channel,
          GParamSpec         *pspec,
          HangarSpiceSession *self)
{
  gboolean connected = FALSE;

  g_object_get (channel, "agent-connected", &connected, NULL);
  hangar_display_session_set_agent_connected (HANGAR_DISPLAY_SESSION (self), connected);

  /* A new agent knows nothing of what the desktop holds. */
  if (connected && self->offered_text != NULL)
    {
      guint32 types[] = { VD_AGENT_CLIPBOARD_UTF8_TEXT };

      spice_main_channel_clipboard_selection_grab (channel,
                                                   VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD,
                                                   types, G_N_ELEMENTS (types));
    }
}

static gboolean
clipboard_grab_cb (SpiceMainChannel   *channel,
                   guint               selection,
                   guint32            *types,
                   guint               n_types,
                   HangarSpiceSession *self)
{
  if (selection != VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD)
    return TRUE;

  /* Text is small: ask for it now, so that the desktop's clipboard holds
   * it whenever the user pastes, even after the guest went away. */
  for (guint i = 0; i < n_types; i++)
    if (types[i] == VD_AGENT_CLIPBOARD_UTF8_TEXT)
      {
        g_debug ("The guest's clipboard has text");
        spice_main_channel_clipboard_selection_request (channel, selection,
                                                        VD_AGENT_CLIPBOARD_UTF8_TEXT);
        break;
      }

  return TRUE;
}

static void
clipboard_data_cb (SpiceMainChannel   *channel,
                   guint               selection,
                   guint               type,
                   const guint8       *data,
                   guint               size,
                   HangarSpiceSession *self)
{
  g_autofree char *text = NULL;

  if (selection != VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD ||
      type != VD_AGENT_CLIPBOARD_UTF8_TEXT)
    return;

  text = hangar_clipboard_from_guest (data, size);
  hangar_display_session_emit_guest_clipboard (HANGAR_DISPLAY_SESSION (self), text);
}

static gboolean
clipboard_request_cb (SpiceMainChannel   *channel,
                      guint               selection,
                      guint               type,
                      HangarSpiceSession *self)
{
  g_autofree char *bytes = NULL;
  gsize length = 0;
  gboolean crlf;

  if (selection != VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD ||
      type != VD_AGENT_CLIPBOARD_UTF8_TEXT || self->offered_text == NULL)
    return FALSE;

  crlf = spice_main_channel_agent_test_capability (channel, VD_AGENT_CAP_GUEST_LINEEND_CRLF);
  bytes = hangar_clipboard_to_guest (self->offered_text, crlf, &length);
  spice_main_channel_clipboard_selection_notify (channel, selection, type,
                                                 (const guint8 *) bytes, length);

  return TRUE;
}

/* Channels */

static const char *
channel_event_reason (SpiceChannelEvent   event,
                      HangarDisplayError *code)
{
  switch (event)
    {
    case SPICE_CHANNEL_CLOSED:
      *code = HANGAR_DISPLAY_ERROR_CLOSED;
      return _("The display closed the connection");
    case SPICE_CHANNEL_ERROR_CONNECT:
      *code = HANGAR_DISPLAY_ERROR_CONNECT;
      return _("Could not connect to the display");
    case SPICE_CHANNEL_ERROR_TLS:
      *code = HANGAR_DISPLAY_ERROR_CONNECT;
      return _("The display’s encrypted connection failed");
    case SPICE_CHANNEL_ERROR_LINK:
      *code = HANGAR_DISPLAY_ERROR_PROTOCOL;
      return _("The display refused the connection");
    case SPICE_CHANNEL_ERROR_AUTH:
      *code = HANGAR_DISPLAY_ERROR_AUTH;
      return _("The display refused the password");
    case SPICE_CHANNEL_ERROR_IO:
      *code = HANGAR_DISPLAY_ERROR_IO;
      return _("The connection to the display was lost");
    case SPICE_CHANNEL_NONE:
    case SPICE_CHANNEL_OPENED:
    case SPICE_CHANNEL_SWITCHING:
    default:
      return NULL;
    }
}

static void
channel_event_cb (SpiceChannel       *channel,
                  SpiceChannelEvent   event,
                  HangarSpiceSession *self)
{
  HangarDisplayError code = HANGAR_DISPLAY_ERROR_CLOSED;
  const char *reason = channel_event_reason (event, &code);
  const GError *detail = spice_channel_get_error (channel);
  g_autofree char *message = NULL;

  g_debug ("%s channel event %d", G_OBJECT_TYPE_NAME (channel), (int) event);

  if (event == SPICE_CHANNEL_OPENED)
    {
      if (SPICE_IS_MAIN_CHANNEL (channel))
        self->main_opened = TRUE;
      else if (SPICE_IS_INPUTS_CHANNEL (channel))
        self->inputs_opened = TRUE;
      else if (SPICE_IS_PLAYBACK_CHANNEL (channel))
        self->playback_open = TRUE;
      update_connected (self);
      return;
    }

  if (reason == NULL)
    return;

  if (SPICE_IS_INPUTS_CHANNEL (channel))
    {
      self->inputs_opened = FALSE;
      self->inputs_failed = TRUE;
      update_connected (self);
    }
  if (SPICE_IS_PLAYBACK_CHANNEL (channel))
    self->playback_open = FALSE;

  /* Only the main and display channels end the session for the user; the
   * others (inputs, cursor, audio, USB) fail along with them or degrade
   * quietly. */
  if (!SPICE_IS_MAIN_CHANNEL (channel) && !SPICE_IS_DISPLAY_CHANNEL (channel))
    {
      g_debug ("%s channel ended: %s", G_OBJECT_TYPE_NAME (channel),
               detail != NULL ? detail->message : reason);
      return;
    }

  if (detail != NULL && detail->message != NULL && *detail->message != '\0' &&
      code != HANGAR_DISPLAY_ERROR_AUTH)
    message = g_strdup_printf ("%s: %s", reason, detail->message);
  else
    message = g_strdup (reason);

  self->main_opened = FALSE;
  self->inputs_opened = FALSE;
  hangar_display_session_fail (HANGAR_DISPLAY_SESSION (self), code, message);
}

static void
open_fd_cb (SpiceChannel       *channel,
            int                 with_tls,
            HangarSpiceSession *self)
{
  unsigned token;

  if (self->fd_request == NULL)
    {
      g_warning ("The %s channel asks for a socket, but nobody gives them",
                 G_OBJECT_TYPE_NAME (channel));
      return;
    }

  token = ++self->next_token;
  g_hash_table_insert (self->fd_requests, GUINT_TO_POINTER (token), g_object_ref (channel));

  g_debug ("%s channel asks for a socket (request %u)", G_OBJECT_TYPE_NAME (channel), token);

  self->fd_request (HANGAR_DISPLAY_SESSION (self), GUINT_TO_POINTER (token),
                    self->fd_request_data);
}

static void
channel_new_cb (SpiceSession       *session,
                SpiceChannel       *channel,
                HangarSpiceSession *self)
{
  int id = 0;

  g_object_get (channel, "channel-id", &id, NULL);
  g_debug ("New %s channel %d", G_OBJECT_TYPE_NAME (channel), id);

  g_signal_connect_object (channel, "channel-event", G_CALLBACK (channel_event_cb), self, 0);
  g_signal_connect_object (channel, "open-fd", G_CALLBACK (open_fd_cb), self, 0);

  if (SPICE_IS_MAIN_CHANNEL (channel))
    {
      g_set_object (&self->main_channel, SPICE_MAIN_CHANNEL (channel));
      g_signal_connect_object (channel, "notify::mouse-mode", G_CALLBACK (mouse_mode_cb), self, 0);
      g_signal_connect_object (channel, "notify::agent-connected", G_CALLBACK (agent_cb), self, 0);
      g_signal_connect_object (channel, "main-clipboard-selection-grab",
                               G_CALLBACK (clipboard_grab_cb), self, 0);
      g_signal_connect_object (channel, "main-clipboard-selection",
                               G_CALLBACK (clipboard_data_cb), self, 0);
      g_signal_connect_object (channel, "main-clipboard-selection-request",
                               G_CALLBACK (clipboard_request_cb), self, 0);
      mouse_mode_cb (self->main_channel, NULL, self);
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
      g_signal_connect_object (channel, "display-invalidate", G_CALLBACK (invalidate_cb), self, 0);
      g_signal_connect_object (channel, "display-mark", G_CALLBACK (mark_cb), self, 0);

      if (spice_display_channel_get_primary (channel, 0, &primary))
        {
          primary_create_cb (self->display_channel, primary.format, primary.width,
                             primary.height, primary.stride, primary.shmid, primary.data, self);
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
      g_signal_connect_object (channel, "cursor-set", G_CALLBACK (cursor_set_cb), self, 0);
      g_signal_connect_object (channel, "cursor-hide", G_CALLBACK (cursor_hide_cb), self, 0);
      g_signal_connect_object (channel, "cursor-reset", G_CALLBACK (cursor_reset_cb), self, 0);
      g_signal_connect_object (channel, "cursor-move", G_CALLBACK (cursor_move_cb), self, 0);
      spice_channel_connect (channel);
      return;
    }

  /* Sound from the guest plays through spice-client-glib's GStreamer
   * backend (made with the session); USB devices go through its device
   * manager, which drives the channels once they are connected. */
  if (SPICE_IS_PLAYBACK_CHANNEL (channel))
    {
      spice_channel_connect (channel);
      return;
    }

  if (SPICE_IS_USBREDIR_CHANNEL (channel))
    {
      self->n_usb_channels++;
      spice_channel_connect (channel);
      return;
    }

  /* TODO: the microphone (record channel), smartcards, shared folders
   * (webdav) and ports stay unconnected: nothing in the console asks for
   * them yet, and a microphone must never open without the user asking. */
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
                    HangarSpiceSession *self)
{
  g_debug ("%s channel destroyed", G_OBJECT_TYPE_NAME (channel));

  g_signal_handlers_disconnect_by_data (channel, self);
  g_hash_table_foreach_remove (self->fd_requests, request_is_for_channel, channel);

  if ((gpointer) channel == (gpointer) self->main_channel)
    {
      g_clear_object (&self->main_channel);
      self->main_opened = FALSE;
      hangar_display_session_set_agent_connected (HANGAR_DISPLAY_SESSION (self), FALSE);
    }
  else if ((gpointer) channel == (gpointer) self->display_channel)
    {
      g_clear_object (&self->display_channel);
      self->surface_data = NULL;
      publish_surface (self);
    }
  else if ((gpointer) channel == (gpointer) self->inputs_channel)
    {
      g_clear_object (&self->inputs_channel);
      self->inputs_opened = FALSE;
    }
  else if ((gpointer) channel == (gpointer) self->cursor_channel)
    {
      g_clear_object (&self->cursor_channel);
      hangar_display_session_set_cursor (HANGAR_DISPLAY_SESSION (self), NULL, 0, 0);
    }
  else if (SPICE_IS_USBREDIR_CHANNEL (channel) && self->n_usb_channels > 0)
    {
      self->n_usb_channels--;
    }

  update_connected (self);
}

/* Session */

static void
forget_channel (gpointer data,
                gpointer user_data)
{
  g_signal_handlers_disconnect_by_data (data, user_data);
}

static void
clear_fd_request (HangarSpiceSession *self)
{
  GDestroyNotify destroy = self->fd_request_destroy;
  gpointer data = self->fd_request_data;

  self->fd_request = NULL;
  self->fd_request_data = NULL;
  self->fd_request_destroy = NULL;

  if (destroy != NULL)
    destroy (data);
}

/* A disconnected session winds its channels down from idle callbacks
 * and their coroutines, and a channel that outlives its session reaches
 * for it; spice-client-glib says when a channel goes, not when it is
 * gone.  The session is kept a while after it was left. */
#define SESSION_LINGER_S 10

static gboolean
release_session_cb (gpointer data)
{
  g_object_unref (data);

  return G_SOURCE_REMOVE;
}

static void
linger (SpiceSession *session)
{
  g_timeout_add_seconds (SESSION_LINGER_S, release_session_cb, session);
}

static void
drop_session (HangarSpiceSession *self)
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

  /* Our references to the channels go before the session's last one: a
   * channel that outlived its session would reach for it when it goes. */
  g_clear_object (&self->audio);
  spice_session_disconnect (session);
  g_hash_table_remove_all (self->fd_requests);
  g_clear_object (&self->main_channel);
  g_clear_object (&self->display_channel);
  g_clear_object (&self->inputs_channel);
  g_clear_object (&self->cursor_channel);
  linger (session);

  self->surface_data = NULL;
  self->main_opened = FALSE;
  self->inputs_opened = FALSE;
  self->inputs_failed = FALSE;
  self->playback_open = FALSE;
  self->n_usb_channels = 0;
}

static void
new_session (HangarSpiceSession *self)
{
  drop_session (self);

  self->session = spice_session_new ();
  /* USB devices go to the guest only when the user picks them. */
  g_object_set (self->session,
                "enable-usbredir", TRUE,
                "enable-audio", TRUE,
                NULL);
  g_signal_connect_object (self->session, "channel-new", G_CALLBACK (channel_new_cb), self, 0);
  g_signal_connect_object (self->session, "channel-destroy",
                           G_CALLBACK (channel_destroy_cb), self, 0);

  /* The audio backend follows the session's playback channel. */
  self->audio = spice_audio_get (self->session, NULL);
  if (self->audio != NULL)
    g_object_ref (self->audio);
  else
    g_debug ("No audio backend: the guest's sound stays silent");

  {
    g_autoptr(GError) error = NULL;
    SpiceUsbDeviceManager *manager = spice_usb_device_manager_get (self->session, &error);

    if (manager != NULL)
      g_object_set (manager, "auto-connect", FALSE, NULL);
    else
      g_debug ("No USB redirection: %s", error != NULL ? error->message : "unsupported");
  }
}

/* HangarDisplaySession */

static void
hangar_spice_session_send_key (HangarDisplaySession *session,
                               unsigned              xt,
                               unsigned              keyval,
                               gboolean              press)
{
  HangarSpiceSession *self = HANGAR_SPICE_SESSION (session);

  if (self->inputs_channel == NULL || !self->inputs_opened)
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

/* HangarButton masks have bit (button - 1) per button, which is SPICE's
 * mask for the first three; side and extra buttons have bits of their
 * own in SPICE. */
static int
spice_mask (unsigned buttons)
{
  int mask = 0;

  if (buttons & (1u << (HANGAR_BUTTON_LEFT - 1)))
    mask |= SPICE_MOUSE_BUTTON_MASK_LEFT;
  if (buttons & (1u << (HANGAR_BUTTON_MIDDLE - 1)))
    mask |= SPICE_MOUSE_BUTTON_MASK_MIDDLE;
  if (buttons & (1u << (HANGAR_BUTTON_RIGHT - 1)))
    mask |= SPICE_MOUSE_BUTTON_MASK_RIGHT;
  if (buttons & (1u << (HANGAR_BUTTON_SIDE - 1)))
    mask |= SPICE_MOUSE_BUTTON_MASK_SIDE;
  if (buttons & (1u << (HANGAR_BUTTON_EXTRA - 1)))
    mask |= SPICE_MOUSE_BUTTON_MASK_EXTRA;

  return mask;
}

static void
hangar_spice_session_send_position (HangarDisplaySession *session,
                                    int                   x,
                                    int                   y,
                                    unsigned              buttons)
{
  HangarSpiceSession *self = HANGAR_SPICE_SESSION (session);

  if (self->inputs_channel != NULL && self->inputs_opened)
    spice_inputs_channel_position (self->inputs_channel, x, y, 0, spice_mask (buttons));
}

static void
hangar_spice_session_send_motion (HangarDisplaySession *session,
                                  int                   dx,
                                  int                   dy,
                                  unsigned              buttons)
{
  HangarSpiceSession *self = HANGAR_SPICE_SESSION (session);

  if (self->inputs_channel != NULL && self->inputs_opened)
    spice_inputs_channel_motion (self->inputs_channel, dx, dy, spice_mask (buttons));
}

static void
hangar_spice_session_send_button (HangarDisplaySession *session,
                                  HangarButton          button,
                                  gboolean              press,
                                  unsigned              buttons)
{
  HangarSpiceSession *self = HANGAR_SPICE_SESSION (session);
  static const int spice_buttons[] = {
    [HANGAR_BUTTON_LEFT] = SPICE_MOUSE_BUTTON_LEFT,
    [HANGAR_BUTTON_MIDDLE] = SPICE_MOUSE_BUTTON_MIDDLE,
    [HANGAR_BUTTON_RIGHT] = SPICE_MOUSE_BUTTON_RIGHT,
    [HANGAR_BUTTON_WHEEL_UP] = SPICE_MOUSE_BUTTON_UP,
    [HANGAR_BUTTON_WHEEL_DOWN] = SPICE_MOUSE_BUTTON_DOWN,
    [HANGAR_BUTTON_SIDE] = SPICE_MOUSE_BUTTON_SIDE,
    [HANGAR_BUTTON_EXTRA] = SPICE_MOUSE_BUTTON_EXTRA,
  };

  if (self->inputs_channel == NULL || !self->inputs_opened ||
      button >= G_N_ELEMENTS (spice_buttons) || spice_buttons[button] == 0)
    return;

  if (press)
    spice_inputs_channel_button_press (self->inputs_channel, spice_buttons[button],
                                       spice_mask (buttons));
  else
    spice_inputs_channel_button_release (self->inputs_channel, spice_buttons[button],
                                         spice_mask (buttons));
}

static gboolean
hangar_spice_session_request_size (HangarDisplaySession *session,
                                   int                   width,
                                   int                   height)
{
  HangarSpiceSession *self = HANGAR_SPICE_SESSION (session);

  if (self->main_channel == NULL || !hangar_display_session_get_agent_connected (session))
    return FALSE;

  g_debug ("Asking the guest for %d×%d", width, height);
  spice_main_channel_update_display_enabled (self->main_channel, 0, TRUE, FALSE);
  spice_main_channel_update_display (self->main_channel, 0, 0, 0, width, height, TRUE);

  return TRUE;
}

static void
hangar_spice_session_offer_clipboard (HangarDisplaySession *session,
                                      const char           *text)
{
  HangarSpiceSession *self = HANGAR_SPICE_SESSION (session);
  guint32 types[] = { VD_AGENT_CLIPBOARD_UTF8_TEXT };

  g_free (self->offered_text);
  self->offered_text = g_strdup (text);

  if (self->main_channel == NULL || !hangar_display_session_get_agent_connected (session))
    return;

  /* The guest asks for the text when something there pastes it. */
  if (text != NULL)
    spice_main_channel_clipboard_selection_grab (self->main_channel,
                                                 VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD,
                                                 types, G_N_ELEMENTS (types));
  else
    spice_main_channel_clipboard_selection_release (self->main_channel,
                                                    VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD);
}

static void
hangar_spice_session_close (HangarDisplaySession *session)
{
  HangarSpiceSession *self = HANGAR_SPICE_SESSION (session);

  drop_session (self);
  clear_fd_request (self);
}

/* GObject */

static void
hangar_spice_session_dispose (GObject *object)
{
  HangarSpiceSession *self = HANGAR_SPICE_SESSION (object);

  drop_session (self);
  clear_fd_request (self);

  G_OBJECT_CLASS (hangar_spice_session_parent_class)->dispose (object);
}

static void
hangar_spice_session_finalize (GObject *object)
{
  HangarSpiceSession *self = HANGAR_SPICE_SESSION (object);

  g_clear_pointer (&self->fd_requests, g_hash_table_unref);
  g_clear_pointer (&self->offered_text, g_free);

  G_OBJECT_CLASS (hangar_spice_session_parent_class)->finalize (object);
}

static void
hangar_spice_session_class_init (HangarSpiceSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  HangarDisplaySessionClass *session_class = HANGAR_DISPLAY_SESSION_CLASS (klass);

  object_class->dispose = hangar_spice_session_dispose;
  object_class->finalize = hangar_spice_session_finalize;

  session_class->send_key = hangar_spice_session_send_key;
  session_class->send_position = hangar_spice_session_send_position;
  session_class->send_motion = hangar_spice_session_send_motion;
  session_class->send_button = hangar_spice_session_send_button;
  session_class->request_size = hangar_spice_session_request_size;
  session_class->offer_clipboard = hangar_spice_session_offer_clipboard;
  session_class->close = hangar_spice_session_close;
}

static void
hangar_spice_session_init (HangarSpiceSession *self)
{
  self->fd_requests = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  hangar_display_session_set_protocol (HANGAR_DISPLAY_SESSION (self), "SPICE");
}

HangarSpiceSession *
hangar_spice_session_new (void)
{
  return g_object_new (HANGAR_TYPE_SPICE_SESSION, NULL);
}

void
hangar_spice_session_open_fd (HangarSpiceSession  *self,
                              int                  fd,
                              HangarSocketRequest  request,
                              gpointer             user_data,
                              GDestroyNotify       destroy)
{
  g_return_if_fail (HANGAR_IS_SPICE_SESSION (self));
  g_return_if_fail (fd >= 0);

  new_session (self);
  clear_fd_request (self);
  self->fd_request = request;
  self->fd_request_data = user_data;
  self->fd_request_destroy = destroy;

  g_debug ("Opening a session on descriptor %d", fd);

  if (!spice_session_open_fd (self->session, fd))
    hangar_display_session_fail (HANGAR_DISPLAY_SESSION (self), HANGAR_DISPLAY_ERROR_CONNECT,
                                 _("Could not connect to the display"));
}

void
hangar_spice_session_take_channel_fd (HangarSpiceSession *self,
                                      gpointer            token,
                                      int                 fd)
{
  SpiceChannel *channel = NULL;

  g_return_if_fail (HANGAR_IS_SPICE_SESSION (self));

  /* The request may have died with its channel or its session while the
   * socket was being made: the descriptor then has nowhere to go. */
  if (!g_hash_table_steal_extended (self->fd_requests, token, NULL, (gpointer *) &channel))
    {
      g_debug ("Socket for a request that is gone (%u)", GPOINTER_TO_UINT (token));
      if (fd >= 0)
        close (fd);
      return;
    }

  if (fd < 0)
    {
      g_warning ("No socket for the %s channel", G_OBJECT_TYPE_NAME (channel));
      if (SPICE_IS_DISPLAY_CHANNEL (channel))
        hangar_display_session_fail (HANGAR_DISPLAY_SESSION (self),
                                     HANGAR_DISPLAY_ERROR_CONNECT,
                                     _("Could not connect to the display"));
      g_object_unref (channel);
      return;
    }

  g_debug ("Socket %d for the %s channel (request %u)", fd, G_OBJECT_TYPE_NAME (channel),
           GPOINTER_TO_UINT (token));

  if (!spice_channel_open_fd (channel, fd))
    {
      g_warning ("The %s channel did not take its socket", G_OBJECT_TYPE_NAME (channel));
      close (fd);
    }

  g_object_unref (channel);
}

void
hangar_spice_session_open_host (HangarSpiceSession *self,
                                const char         *host,
                                const char         *port,
                                const char         *tls_port,
                                const char         *password)
{
  g_return_if_fail (HANGAR_IS_SPICE_SESSION (self));
  g_return_if_fail (host != NULL);
  g_return_if_fail (port != NULL || tls_port != NULL);

  new_session (self);
  clear_fd_request (self);

  g_object_set (self->session,
                "host", host,
                "port", port,
                "tls-port", tls_port,
                "password", password,
                NULL);

  g_debug ("Connecting to %s port %s, TLS port %s", host, port, tls_port);

  if (!spice_session_connect (self->session))
    hangar_display_session_fail (HANGAR_DISPLAY_SESSION (self), HANGAR_DISPLAY_ERROR_CONNECT,
                                 _("Could not connect to the display"));
}

SpiceUsbDeviceManager *
hangar_spice_session_get_usb_manager (HangarSpiceSession *self)
{
  g_return_val_if_fail (HANGAR_IS_SPICE_SESSION (self), NULL);

  if (self->session == NULL)
    return NULL;

  return spice_usb_device_manager_get (self->session, NULL);
}

unsigned
hangar_spice_session_get_n_usb_channels (HangarSpiceSession *self)
{
  g_return_val_if_fail (HANGAR_IS_SPICE_SESSION (self), 0);

  return self->n_usb_channels;
}

gboolean
hangar_spice_session_get_audio_playing (HangarSpiceSession *self)
{
  g_return_val_if_fail (HANGAR_IS_SPICE_SESSION (self), FALSE);

  return self->playback_open;
}
