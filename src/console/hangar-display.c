/* hangar-display.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-display"

#include "config.h"

#include <math.h>
#include <string.h>

#include "hangar-display.h"
#include "hangar-keymap.h"
#include "hangar-pointer-grab.h"

/* The guest's screen is kept as a grid of textures of this size, so that
 * an update costs a copy of the tiles it touches, not of the screen.
 * Wide and low, because what changes on a screen is mostly lines: text,
 * a terminal's scrolling band, a progress bar. */
#define TILE_WIDTH  128
#define TILE_HEIGHT 32

/* "frames" is notified for the first frame at once, then at most this
 * often: a property notification per frame would cost more than the frame. */
#define FRAMES_NOTIFY_INTERVAL_MS 250

/* A window being dragged to a new size asks the guest once it stops. */
#define RESIZE_DELAY_MS 400

/* XT codes are below 0x400 (0x100 and 0x200 mark the e0 and e1 prefixes). */
#define N_XT_CODES 0x400

/* Pixels are copied as native-endian 0xAARRGGBB words. */
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
# define TEXTURE_FORMAT GDK_MEMORY_B8G8R8A8_PREMULTIPLIED
#else
# define TEXTURE_FORMAT GDK_MEMORY_A8R8G8B8_PREMULTIPLIED
#endif

#define XT_LEFT_CTRL  0x1d
#define XT_RIGHT_CTRL 0x11d
#define XT_LEFT_ALT   0x38
#define XT_RIGHT_ALT  0x138
#define XT_PRINT      0x137
#define XT_SYSRQ      0x54

#define MIN_ZOOM 0.25
#define MAX_ZOOM 4.0

struct _HangarDisplay
{
  GtkWidget             parent_instance;

  /* owned references */
  HangarDisplaySession *session;
  GdkTexture          **tiles;            /* tile_cols × tile_rows */
  GdkTexture           *full_texture;
  GdkCursor            *guest_cursor;
  GCancellable         *cancellable;      /* clipboard reads */
  HangarPointerGrab    *pointer_grab;
  GPtrArray            *suspended;        /* GtkEventController, the window's shortcuts */

  /* The session's screen, owned by the session. */
  const guint8         *surface_data;
  HangarPixels          surface_format;
  int                   surface_width;
  int                   surface_height;
  int                   surface_stride;
  unsigned              tile_cols;
  unsigned              tile_rows;
  guint8               *dirty_tiles;      /* one flag per tile */
  gboolean              any_dirty;
  gboolean              full_texture_stale;

  guint64               frames;
  guint                 frames_notify_id;
  guint                 resize_id;
  int                   requested_width;
  int                   requested_height;

  gboolean              scale_to_fit;
  double                zoom;
  gboolean              resize_guest;
  gboolean              share_clipboard;
  gboolean              grabbed;
  gboolean              inhibiting;

  /* Input */
  guint32               pressed[N_XT_CODES / 32];
  gboolean              release_combo;    /* Ctrl+Alt held alone */
  unsigned              buttons;
  double                scroll_dy;
  double                motion_dx;
  double                motion_dy;
};

G_DEFINE_FINAL_TYPE (HangarDisplay, hangar_display, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SESSION,
  PROP_CONNECTED,
  PROP_FRAMES,
  PROP_GUEST_WIDTH,
  PROP_GUEST_HEIGHT,
  PROP_SCALE_TO_FIT,
  PROP_ZOOM,
  PROP_RESIZE_GUEST,
  PROP_SHARE_CLIPBOARD,
  PROP_GRABBED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void release_all_keys (HangarDisplay *self);
static void schedule_resize  (HangarDisplay *self);
static void offer_clipboard  (HangarDisplay *self);

/* Surface and tiles */

static void
convert_row (HangarPixels  format,
             const guint8 *src_row,
             int           x,
             guint32      *dst,
             int           width)
{
  switch (format)
    {
    case HANGAR_PIXELS_XRGB8888:
      {
        const guint32 *src = (const guint32 *) src_row + x;

        /* The x byte is undefined (QEMU leaves it 0). */
        for (int i = 0; i < width; i++)
          dst[i] = src[i] | 0xff000000;
      }
      break;

    case HANGAR_PIXELS_RGB565:
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

    case HANGAR_PIXELS_RGB555:
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

    case HANGAR_PIXELS_NONE:
    default:
      memset (dst, 0, (gsize) width * 4);
      break;
    }
}

/* Copies one rectangle of the surface into a new texture. */
static GdkTexture *
texture_from_surface (HangarDisplay *self,
                      int            x,
                      int            y,
                      int            width,
                      int            height)
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
      const guint8 *src = self->surface_data + (gsize) (y + row) * self->surface_stride;

      convert_row (self->surface_format, src, x, (guint32 *) (pixels + row * stride), width);
    }

  bytes = g_bytes_new_take (pixels, stride * height);

  return gdk_memory_texture_new (width, height, TEXTURE_FORMAT, bytes, stride);
}

static void
clear_tiles (HangarDisplay *self)
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
mark_dirty (HangarDisplay *self,
            int            x,
            int            y,
            int            width,
            int            height)
{
  int x0, y0, x1, y1;

  if (self->dirty_tiles == NULL)
    return;

  x0 = CLAMP (x, 0, self->surface_width);
  y0 = CLAMP (y, 0, self->surface_height);
  x1 = CLAMP ((gint64) x + width, 0, self->surface_width);
  y1 = CLAMP ((gint64) y + height, 0, self->surface_height);
  if (x1 <= x0 || y1 <= y0)
    return;

  for (int row = y0 / TILE_HEIGHT; row <= (y1 - 1) / TILE_HEIGHT; row++)
    for (int col = x0 / TILE_WIDTH; col <= (x1 - 1) / TILE_WIDTH; col++)
      self->dirty_tiles[row * self->tile_cols + col] = TRUE;

  self->any_dirty = TRUE;
  self->full_texture_stale = TRUE;
}

/* Re-creates the tiles that changed since the last frame: several updates
 * between two frames cost one copy. */
static void
refresh_tiles (HangarDisplay *self)
{
  if (!self->any_dirty)
    return;

  for (unsigned row = 0; row < self->tile_rows; row++)
    for (unsigned col = 0; col < self->tile_cols; col++)
      {
        unsigned i = row * self->tile_cols + col;
        int x = col * TILE_WIDTH;
        int y = row * TILE_HEIGHT;

        if (!self->dirty_tiles[i])
          continue;

        g_clear_object (&self->tiles[i]);
        self->tiles[i] = texture_from_surface (self, x, y,
                                               MIN (TILE_WIDTH, self->surface_width - x),
                                               MIN (TILE_HEIGHT, self->surface_height - y));
        self->dirty_tiles[i] = FALSE;
      }

  self->any_dirty = FALSE;
}

/* Frames */

static gboolean
notify_frames_cb (gpointer user_data)
{
  HangarDisplay *self = user_data;

  self->frames_notify_id = 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRAMES]);

  return G_SOURCE_REMOVE;
}

static void
count_frame (HangarDisplay *self)
{
  self->frames++;

  /* Notifying from inside snapshot () would let handlers change the
   * widget tree while GTK draws it: always notify from the main loop. */
  if (self->frames_notify_id == 0)
    self->frames_notify_id = g_timeout_add (self->frames == 1 ? 0 : FRAMES_NOTIFY_INTERVAL_MS,
                                            notify_frames_cb, self);
}

/* Geometry */

static double
device_round (double value,
              int    scale_factor)
{
  return round (value * scale_factor) / scale_factor;
}

/* Logical pixels per guest pixel. */
static double
screen_scale (HangarDisplay *self,
              int            widget_width,
              int            widget_height)
{
  int scale_factor = gtk_widget_get_scale_factor (GTK_WIDGET (self));

  if (self->scale_to_fit)
    return MIN ((double) widget_width / self->surface_width,
                (double) widget_height / self->surface_height);

  /* At zoom 1 one guest pixel is one pixel of the screen, whatever the
   * desktop's scale. */
  return self->zoom / scale_factor;
}

static gboolean
compute_screen_rect (HangarDisplay   *self,
                     int              widget_width,
                     int              widget_height,
                     graphene_rect_t *rect)
{
  int scale_factor = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  double scale, width, height;

  if (self->surface_data == NULL || widget_width <= 0 || widget_height <= 0)
    return FALSE;

  scale = screen_scale (self, widget_width, widget_height);
  width = device_round (self->surface_width * scale, scale_factor);
  height = device_round (self->surface_height * scale, scale_factor);

  /* Whole device pixels, so that the guest's pixels land on the screen's
   * when the sizes match, and tile edges never fall between two pixels. */
  graphene_rect_init (rect,
                      MAX (0, floor ((widget_width - width) / 2 * scale_factor) / scale_factor),
                      MAX (0, floor ((widget_height - height) / 2 * scale_factor) / scale_factor),
                      width, height);

  return TRUE;
}

static gboolean
widget_to_guest (HangarDisplay *self,
                 double         x,
                 double         y,
                 int           *guest_x,
                 int           *guest_y)
{
  graphene_rect_t rect;

  if (!hangar_display_get_screen_rect (self, &rect) ||
      rect.size.width <= 0 || rect.size.height <= 0)
    return FALSE;

  *guest_x = floor ((x - rect.origin.x) * self->surface_width / rect.size.width);
  *guest_y = floor ((y - rect.origin.y) * self->surface_height / rect.size.height);
  *guest_x = CLAMP (*guest_x, 0, self->surface_width - 1);
  *guest_y = CLAMP (*guest_y, 0, self->surface_height - 1);

  return TRUE;
}

/* Cursor */

static gboolean
draws_guest_cursor (HangarDisplay *self)
{
  /* With a relative pointer the local one is held still in the middle of
   * the widget: the guest's pointer is drawn where the guest has it. */
  return self->pointer_grab != NULL && self->session != NULL &&
         !hangar_display_session_get_mouse_absolute (self->session);
}

static void
update_cursor (HangarDisplay *self)
{
  GdkTexture *texture;
  int hot_x, hot_y;

  g_clear_object (&self->guest_cursor);

  if (self->session == NULL || self->surface_data == NULL)
    {
      gtk_widget_set_cursor (GTK_WIDGET (self), NULL);
      return;
    }

  if (draws_guest_cursor (self) || hangar_display_session_get_cursor_hidden (self->session))
    {
      gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "none");
      return;
    }

  /* The guest's pointer shape, where the guest sends one: the guest then
   * draws none of its own, and the local pointer stands in for it. */
  texture = hangar_display_session_get_cursor (self->session, &hot_x, &hot_y);
  if (texture != NULL)
    self->guest_cursor = gdk_cursor_new_from_texture (texture, hot_x, hot_y, NULL);
  gtk_widget_set_cursor (GTK_WIDGET (self), self->guest_cursor);
}

/* Session */

static void
set_guest_size (HangarDisplay *self,
                int            width,
                int            height)
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
surface_changed_cb (HangarDisplaySession *session,
                    HangarDisplay        *self)
{
  int width = 0, height = 0;

  clear_tiles (self);
  self->surface_data = hangar_display_session_get_surface (session, &self->surface_format,
                                                           &width, &height,
                                                           &self->surface_stride);
  self->full_texture_stale = FALSE;

  if (self->surface_data != NULL)
    {
      self->tile_cols = (width + TILE_WIDTH - 1) / TILE_WIDTH;
      self->tile_rows = (height + TILE_HEIGHT - 1) / TILE_HEIGHT;
      self->tiles = g_new0 (GdkTexture *, self->tile_cols * self->tile_rows);
      self->dirty_tiles = g_new0 (guint8, self->tile_cols * self->tile_rows);
    }
  else
    {
      width = height = 0;
    }

  set_guest_size (self, width, height);
  mark_dirty (self, 0, 0, width, height);
  self->frames = 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRAMES]);
  update_cursor (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));

  /* A guest that changed its resolution on its own, or rebooted into its
   * default one, gets the window's size again. */
  self->requested_width = self->requested_height = 0;
  schedule_resize (self);
}

static void
invalidate_cb (HangarDisplaySession *session,
               int                   x,
               int                   y,
               int                   width,
               int                   height,
               HangarDisplay        *self)
{
  mark_dirty (self, x, y, width, height);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
cursor_changed_cb (HangarDisplaySession *session,
                   HangarDisplay        *self)
{
  update_cursor (self);
  if (draws_guest_cursor (self))
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
guest_clipboard_cb (HangarDisplaySession *session,
                    const char           *text,
                    HangarDisplay        *self)
{
  if (!self->share_clipboard)
    return;

  g_debug ("The guest copied %zu bytes of text", strlen (text));
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
}

static void
session_connected_cb (HangarDisplaySession *session,
                      GParamSpec           *pspec,
                      HangarDisplay        *self)
{
  if (!hangar_display_session_get_connected (session))
    release_all_keys (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTED]);
}

static void
agent_connected_cb (HangarDisplaySession *session,
                    GParamSpec           *pspec,
                    HangarDisplay        *self)
{
  if (!hangar_display_session_get_agent_connected (session))
    return;

  self->requested_width = self->requested_height = 0;
  schedule_resize (self);
  offer_clipboard (self);
}

static void
mouse_mode_cb (HangarDisplaySession *session,
               GParamSpec           *pspec,
               HangarDisplay        *self)
{
  /* An absolute pointer needs no confinement; a relative one gets it at
   * the next click. */
  if (hangar_display_session_get_mouse_absolute (session))
    g_clear_pointer (&self->pointer_grab, hangar_pointer_grab_free);

  update_cursor (self);
}

/* Grab */

static void
suspend_window_shortcuts (HangarDisplay *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autoptr(GListModel) controllers = NULL;
  unsigned n;

  if (root == NULL || self->suspended != NULL)
    return;

  /* The window sees keys first (its capture phase): application
   * accelerators such as Ctrl+Q would act instead of reaching the guest.
   * They are switched off while the display holds the keyboard. */
  self->suspended = g_ptr_array_new_with_free_func (g_object_unref);
  controllers = gtk_widget_observe_controllers (GTK_WIDGET (root));
  n = g_list_model_get_n_items (controllers);
  for (unsigned i = 0; i < n; i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_SHORTCUT_CONTROLLER (controller) &&
          gtk_event_controller_get_propagation_phase (controller) == GTK_PHASE_CAPTURE)
        {
          gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_NONE);
          g_ptr_array_add (self->suspended, g_object_ref (controller));
        }
    }
}

static void
restore_window_shortcuts (HangarDisplay *self)
{
  if (self->suspended == NULL)
    return;

  for (unsigned i = 0; i < self->suspended->len; i++)
    gtk_event_controller_set_propagation_phase (g_ptr_array_index (self->suspended, i),
                                                GTK_PHASE_CAPTURE);
  g_clear_pointer (&self->suspended, g_ptr_array_unref);
}

static GdkToplevel *
get_toplevel (HangarDisplay *self)
{
  GtkNative *native = gtk_widget_get_native (GTK_WIDGET (self));
  GdkSurface *surface = native != NULL ? gtk_native_get_surface (native) : NULL;

  return GDK_IS_TOPLEVEL (surface) ? GDK_TOPLEVEL (surface) : NULL;
}

static void
relative_motion_cb (double   dx,
                    double   dy,
                    gpointer user_data)
{
  HangarDisplay *self = user_data;
  graphene_rect_t rect;
  double scale = 1.0;
  int step_x, step_y;

  if (self->session == NULL)
    return;

  /* Local pixels to guest pixels, at the display's scale; fractions add
   * up over several steps. */
  if (hangar_display_get_screen_rect (self, &rect) && rect.size.width > 0)
    scale = self->surface_width / rect.size.width;

  self->motion_dx += dx * scale;
  self->motion_dy += dy * scale;
  step_x = (int) trunc (self->motion_dx);
  step_y = (int) trunc (self->motion_dy);
  self->motion_dx -= step_x;
  self->motion_dy -= step_y;

  hangar_display_session_send_motion (self->session, step_x, step_y, self->buttons);
}

static void
begin_grab (HangarDisplay *self)
{
  GdkToplevel *toplevel = get_toplevel (self);

  if (self->session == NULL || !hangar_display_session_get_connected (self->session))
    return;

  if (!self->grabbed)
    {
      g_debug ("Grabbing the keyboard");
      if (toplevel != NULL)
        {
          gdk_toplevel_inhibit_system_shortcuts (toplevel, NULL);
          self->inhibiting = TRUE;
        }
      suspend_window_shortcuts (self);
      self->grabbed = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GRABBED]);
    }

  if (self->pointer_grab == NULL && !hangar_display_session_get_mouse_absolute (self->session))
    {
      self->pointer_grab = hangar_pointer_grab_new (GTK_WIDGET (self), relative_motion_cb, self);
      if (self->pointer_grab == NULL)
        g_debug ("The pointer cannot be confined here");
      self->motion_dx = self->motion_dy = 0;
      update_cursor (self);
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

void
hangar_display_release_grab (HangarDisplay *self)
{
  GdkToplevel *toplevel = get_toplevel (self);

  g_return_if_fail (HANGAR_IS_DISPLAY (self));

  if (self->pointer_grab != NULL)
    {
      g_clear_pointer (&self->pointer_grab, hangar_pointer_grab_free);
      update_cursor (self);
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }

  if (!self->grabbed)
    return;

  g_debug ("Releasing the keyboard");
  if (toplevel != NULL && self->inhibiting)
    gdk_toplevel_restore_system_shortcuts (toplevel);
  self->inhibiting = FALSE;
  restore_window_shortcuts (self);
  self->grabbed = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GRABBED]);
}

/* Keyboard */

static gboolean
key_is_pressed (HangarDisplay *self,
                unsigned       xt)
{
  return xt < N_XT_CODES && (self->pressed[xt / 32] & (1u << (xt % 32)));
}

static void
set_key_pressed (HangarDisplay *self,
                 unsigned       xt,
                 gboolean       pressed)
{
  if (xt >= N_XT_CODES)
    return;

  if (pressed)
    self->pressed[xt / 32] |= 1u << (xt % 32);
  else
    self->pressed[xt / 32] &= ~(1u << (xt % 32));
}

static unsigned
count_pressed (HangarDisplay *self)
{
  unsigned n = 0;

  for (unsigned i = 0; i < G_N_ELEMENTS (self->pressed); i++)
    n += __builtin_popcount (self->pressed[i]);

  return n;
}

static void
send_key (HangarDisplay *self,
          unsigned       xt,
          unsigned       keyval,
          gboolean       press)
{
  if (self->session != NULL)
    hangar_display_session_send_key (self->session, xt, keyval, press);
}

static void
release_all_keys (HangarDisplay *self)
{
  for (unsigned xt = 1; xt < N_XT_CODES; xt++)
    if (key_is_pressed (self, xt))
      {
        g_debug ("Releasing held key 0x%x", xt);
        send_key (self, xt, 0, FALSE);
        set_key_pressed (self, xt, FALSE);
      }

  self->release_combo = FALSE;
}

static gboolean
is_ctrl (unsigned xt)
{
  return xt == XT_LEFT_CTRL || xt == XT_RIGHT_CTRL;
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                HangarDisplay         *self)
{
  unsigned xt = hangar_keymap_hardware_to_xt (keycode);
  gboolean ctrl, alt;

  if (xt == 0)
    {
      g_debug ("No scancode for keycode %u", keycode);
      return TRUE;
    }

  /* The Print Screen key is SysRq while Alt is down, with a code of its
   * own. */
  if (xt == XT_PRINT && (key_is_pressed (self, XT_LEFT_ALT) || key_is_pressed (self, XT_RIGHT_ALT)))
    xt = XT_SYSRQ;

  g_debug ("Key %u down: 0x%x", keycode, xt);

  /* A held key repeats with more presses and no release, as a PC keyboard
   * does. */
  send_key (self, xt, keyval, TRUE);
  if (xt != HANGAR_KEYMAP_XT_PAUSE)
    set_key_pressed (self, xt, TRUE);

  /* Ctrl and (left) Alt held together and nothing else: releasing them
   * releases the grab.  AltGr is a character key on many layouts. */
  ctrl = key_is_pressed (self, XT_LEFT_CTRL) || key_is_pressed (self, XT_RIGHT_CTRL);
  alt = key_is_pressed (self, XT_LEFT_ALT);
  self->release_combo = ctrl && alt && count_pressed (self) == 2 &&
                        (is_ctrl (xt) || xt == XT_LEFT_ALT);

  return TRUE;
}

static void
key_released_cb (GtkEventControllerKey *controller,
                 guint                  keyval,
                 guint                  keycode,
                 GdkModifierType        state,
                 HangarDisplay         *self)
{
  unsigned xt = hangar_keymap_hardware_to_xt (keycode);

  /* Release whichever code the press sent, even if Alt changed since. */
  if (xt == XT_PRINT && key_is_pressed (self, XT_SYSRQ))
    xt = XT_SYSRQ;

  if (self->release_combo && (is_ctrl (xt) || xt == XT_LEFT_ALT))
    {
      self->release_combo = FALSE;
      hangar_display_release_grab (self);
    }

  if (!key_is_pressed (self, xt))
    return;

  send_key (self, xt, keyval, FALSE);
  set_key_pressed (self, xt, FALSE);
}

/* TODO: on focus-in, tell the guest which of Caps Lock and Num Lock are on
 * here, or the two keyboards disagree after a lock key was pressed outside
 * the console. */
static void
focus_leave_cb (GtkEventControllerFocus *controller,
                HangarDisplay           *self)
{
  /* Key releases now go elsewhere: release everything held, or the guest
   * would see a key stuck down. */
  release_all_keys (self);
  hangar_display_release_grab (self);
}

/* Pointer */

static gboolean
event_position (HangarDisplay *self,
                GdkEvent      *event,
                double        *x,
                double        *y)
{
  GtkNative *native = gtk_widget_get_native (GTK_WIDGET (self));
  double event_x, event_y;
  double native_x, native_y;
  graphene_point_t point;

  if (native == NULL || !gdk_event_get_position (event, &event_x, &event_y))
    return FALSE;

  gtk_native_get_surface_transform (native, &native_x, &native_y);

  if (!gtk_widget_compute_point (GTK_WIDGET (native), GTK_WIDGET (self),
                                 &GRAPHENE_POINT_INIT (event_x - native_x, event_y - native_y),
                                 &point))
    return FALSE;

  *x = point.x;
  *y = point.y;

  return TRUE;
}

static gboolean
inputs_ready (HangarDisplay *self)
{
  return self->session != NULL && hangar_display_session_get_connected (self->session) &&
         self->surface_data != NULL;
}

static void
send_position (HangarDisplay *self,
               double         x,
               double         y)
{
  int guest_x, guest_y;

  if (inputs_ready (self) && hangar_display_session_get_mouse_absolute (self->session) &&
      widget_to_guest (self, x, y, &guest_x, &guest_y))
    {
      hangar_display_session_set_cursor_position (self->session, guest_x, guest_y);
      hangar_display_session_send_position (self->session, guest_x, guest_y, self->buttons);
    }
}

static HangarButton
button_from_gdk (guint button)
{
  switch (button)
    {
    case GDK_BUTTON_PRIMARY:
      return HANGAR_BUTTON_LEFT;
    case GDK_BUTTON_MIDDLE:
      return HANGAR_BUTTON_MIDDLE;
    case GDK_BUTTON_SECONDARY:
      return HANGAR_BUTTON_RIGHT;
    case 8:
      return HANGAR_BUTTON_SIDE;
    case 9:
      return HANGAR_BUTTON_EXTRA;
    default:
      return 0;
    }
}

static void
send_button (HangarDisplay *self,
             HangarButton   button,
             gboolean       press)
{
  unsigned mask = 1u << (button - 1);

  if (press)
    self->buttons |= mask;
  else
    self->buttons &= ~mask;

  hangar_display_session_send_button (self->session, button, press, self->buttons);
}

static void
send_wheel (HangarDisplay *self,
            HangarButton   button)
{
  send_button (self, button, TRUE);
  send_button (self, button, FALSE);
}

static gboolean
pointer_event_cb (GtkEventControllerLegacy *controller,
                  GdkEvent                 *event,
                  HangarDisplay            *self)
{
  GdkEventType type = gdk_event_get_event_type (event);
  gboolean absolute;
  HangarButton button;
  double x, y;

  switch ((int) type)
    {
    case GDK_MOTION_NOTIFY:
      if (!event_position (self, event, &x, &y))
        return TRUE;
      if (self->pointer_grab != NULL)
        hangar_pointer_grab_motion (self->pointer_grab, x, y);
      else
        send_position (self, x, y);
      return TRUE;

    case GDK_BUTTON_PRESS:
    case GDK_BUTTON_RELEASE:
      if (type == GDK_BUTTON_PRESS)
        {
          gtk_widget_grab_focus (GTK_WIDGET (self));

          /* The first click on a relative guest only takes the pointer. */
          if (inputs_ready (self) &&
              !hangar_display_session_get_mouse_absolute (self->session) &&
              self->pointer_grab == NULL)
            {
              begin_grab (self);
              return TRUE;
            }
          begin_grab (self);
        }

      button = button_from_gdk (gdk_button_event_get_button (event));
      if (button == 0 || !inputs_ready (self))
        return TRUE;

      /* The guest must know where the click happens before it happens. */
      absolute = hangar_display_session_get_mouse_absolute (self->session);
      if (absolute && event_position (self, event, &x, &y))
        send_position (self, x, y);

      send_button (self, button, type == GDK_BUTTON_PRESS);
      return TRUE;

    case GDK_SCROLL:
      if (!inputs_ready (self))
        return TRUE;

      switch (gdk_scroll_event_get_direction (event))
        {
        case GDK_SCROLL_UP:
          send_wheel (self, HANGAR_BUTTON_WHEEL_UP);
          break;

        case GDK_SCROLL_DOWN:
          send_wheel (self, HANGAR_BUTTON_WHEEL_DOWN);
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
                send_wheel (self, HANGAR_BUTTON_WHEEL_UP);
                self->scroll_dy += 1.0;
              }
            while (self->scroll_dy >= 1.0)
              {
                send_wheel (self, HANGAR_BUTTON_WHEEL_DOWN);
                self->scroll_dy -= 1.0;
              }
          }
          break;

        case GDK_SCROLL_LEFT:
        case GDK_SCROLL_RIGHT:
        default:
          /* SPICE and VNC have no buttons for horizontal scrolling. */
          break;
        }
      return TRUE;

    default:
      return FALSE;
    }
}

/* Guest size */

static gboolean
resize_cb (gpointer user_data)
{
  HangarDisplay *self = user_data;
  int scale_factor = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  int width = gtk_widget_get_width (GTK_WIDGET (self)) * scale_factor;
  int height = gtk_widget_get_height (GTK_WIDGET (self)) * scale_factor;

  self->resize_id = 0;

  if (!self->resize_guest || !self->scale_to_fit || self->session == NULL ||
      !hangar_display_session_get_agent_connected (self->session) ||
      width < 64 || height < 64)
    return G_SOURCE_REMOVE;

  if ((width == self->surface_width && height == self->surface_height) ||
      (width == self->requested_width && height == self->requested_height))
    return G_SOURCE_REMOVE;

  if (hangar_display_session_request_size (self->session, width, height))
    {
      self->requested_width = width;
      self->requested_height = height;
    }

  return G_SOURCE_REMOVE;
}

static void
schedule_resize (HangarDisplay *self)
{
  if (!self->resize_guest || self->session == NULL)
    return;

  g_clear_handle_id (&self->resize_id, g_source_remove);
  self->resize_id = g_timeout_add (RESIZE_DELAY_MS, resize_cb, self);
}

/* Clipboard */

static void
clipboard_text_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(HangarDisplay) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);
  if (error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (self->session == NULL || !self->share_clipboard)
    return;

  hangar_display_session_offer_clipboard (self->session, text);
}

static void
offer_clipboard (HangarDisplay *self)
{
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (self));
  GdkContentFormats *formats = gdk_clipboard_get_formats (clipboard);

  if (self->session == NULL || !self->share_clipboard || gdk_clipboard_is_local (clipboard))
    return;

  if (!gdk_content_formats_contain_gtype (formats, G_TYPE_STRING) &&
      !gdk_content_formats_contain_mime_type (formats, "text/plain;charset=utf-8") &&
      !gdk_content_formats_contain_mime_type (formats, "text/plain"))
    {
      hangar_display_session_offer_clipboard (self->session, NULL);
      return;
    }

  gdk_clipboard_read_text_async (clipboard, self->cancellable, clipboard_text_cb,
                                 g_object_ref (self));
}

static void
clipboard_changed_cb (GdkClipboard  *clipboard,
                      HangarDisplay *self)
{
  offer_clipboard (self);
}

/* GtkWidget */

static void
hangar_display_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  HangarDisplay *self = HANGAR_DISPLAY (widget);
  int scale_factor = gtk_widget_get_scale_factor (widget);
  int guest = orientation == GTK_ORIENTATION_HORIZONTAL ? self->surface_width
                                                        : self->surface_height;

  /* Scaled to fit, the screen takes any size and would be 1:1 at its
   * natural size; zoomed, it takes exactly its size, which a scrolled
   * window around it scrolls. */
  if (self->scale_to_fit)
    {
      *minimum = 0;
      *natural = (int) ceil ((double) guest / scale_factor);
    }
  else
    {
      *minimum = *natural = (int) ceil (guest * self->zoom / scale_factor);
    }
}

static void
hangar_display_size_allocate (GtkWidget *widget,
                              int        width,
                              int        height,
                              int        baseline)
{
  schedule_resize (HANGAR_DISPLAY (widget));
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
    gtk_snapshot_append_color (snapshot, &black, &GRAPHENE_RECT_INIT (x, y, width, height));
}

static void
append_guest_cursor (HangarDisplay         *self,
                     GtkSnapshot           *snapshot,
                     const graphene_rect_t *rect,
                     double                 scale)
{
  GdkTexture *texture;
  int hot_x, hot_y, x, y;

  if (!draws_guest_cursor (self) ||
      hangar_display_session_get_cursor_hidden (self->session) ||
      !hangar_display_session_get_cursor_position (self->session, &x, &y))
    return;

  texture = hangar_display_session_get_cursor (self->session, &hot_x, &hot_y);
  if (texture == NULL)
    return;

  gtk_snapshot_append_texture (snapshot, texture,
                               &GRAPHENE_RECT_INIT (rect->origin.x + (x - hot_x) * scale,
                                                    rect->origin.y + (y - hot_y) * scale,
                                                    gdk_texture_get_width (texture) * scale,
                                                    gdk_texture_get_height (texture) * scale));
}

static void
hangar_display_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  HangarDisplay *self = HANGAR_DISPLAY (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  int scale_factor = gtk_widget_get_scale_factor (widget);
  gboolean had_updates;
  graphene_rect_t rect;
  double scale;
  float right, bottom;

  if (!compute_screen_rect (self, width, height, &rect))
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
  append_black (snapshot, right, rect.origin.y, width - right, rect.size.height);

  /* Each tile goes to whole-device-pixel bounds computed from its guest
   * edges, so neighbours share their edges exactly and no seam shows when
   * the screen is scaled. */
  scale = rect.size.width / self->surface_width;
  for (unsigned row = 0; row < self->tile_rows; row++)
    {
      int guest_y0 = row * TILE_HEIGHT;
      int guest_y1 = MIN ((int) (row + 1) * TILE_HEIGHT, self->surface_height);
      float y0 = rect.origin.y + device_round (guest_y0 * scale, scale_factor);
      float y1 = rect.origin.y + device_round (guest_y1 * scale, scale_factor);

      for (unsigned col = 0; col < self->tile_cols; col++)
        {
          GdkTexture *tile = self->tiles[row * self->tile_cols + col];
          int guest_x0 = col * TILE_WIDTH;
          int guest_x1 = MIN ((int) (col + 1) * TILE_WIDTH, self->surface_width);
          float x0 = rect.origin.x + device_round (guest_x0 * scale, scale_factor);
          float x1 = rect.origin.x + device_round (guest_x1 * scale, scale_factor);

          if (tile == NULL || x1 <= x0 || y1 <= y0)
            continue;

          gtk_snapshot_append_texture (snapshot, tile,
                                       &GRAPHENE_RECT_INIT (x0, y0, x1 - x0, y1 - y0));
        }
    }

  append_guest_cursor (self, snapshot, &rect, scale);

  if (had_updates)
    count_frame (self);
}

/* GObject */

static void
drop_session (HangarDisplay *self)
{
  if (self->session == NULL)
    return;

  release_all_keys (self);
  hangar_display_release_grab (self);
  g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  g_clear_handle_id (&self->resize_id, g_source_remove);

  clear_tiles (self);
  self->surface_data = NULL;
  self->buttons = 0;
  set_guest_size (self, 0, 0);
  update_cursor (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
hangar_display_dispose (GObject *object)
{
  HangarDisplay *self = HANGAR_DISPLAY (object);

  g_cancellable_cancel (self->cancellable);
  drop_session (self);
  g_clear_handle_id (&self->frames_notify_id, g_source_remove);
  g_clear_object (&self->guest_cursor);

  G_OBJECT_CLASS (hangar_display_parent_class)->dispose (object);
}

static void
hangar_display_finalize (GObject *object)
{
  HangarDisplay *self = HANGAR_DISPLAY (object);

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (hangar_display_parent_class)->finalize (object);
}

static void
hangar_display_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  HangarDisplay *self = HANGAR_DISPLAY (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;

    case PROP_CONNECTED:
      g_value_set_boolean (value, hangar_display_get_connected (self));
      break;

    case PROP_FRAMES:
      g_value_set_uint64 (value, self->frames);
      break;

    case PROP_GUEST_WIDTH:
      g_value_set_int (value, self->surface_width);
      break;

    case PROP_GUEST_HEIGHT:
      g_value_set_int (value, self->surface_height);
      break;

    case PROP_SCALE_TO_FIT:
      g_value_set_boolean (value, self->scale_to_fit);
      break;

    case PROP_ZOOM:
      g_value_set_double (value, self->zoom);
      break;

    case PROP_RESIZE_GUEST:
      g_value_set_boolean (value, self->resize_guest);
      break;

    case PROP_SHARE_CLIPBOARD:
      g_value_set_boolean (value, self->share_clipboard);
      break;

    case PROP_GRABBED:
      g_value_set_boolean (value, self->grabbed);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_display_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  HangarDisplay *self = HANGAR_DISPLAY (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      hangar_display_set_session (self, g_value_get_object (value));
      break;

    case PROP_SCALE_TO_FIT:
      hangar_display_set_scale_to_fit (self, g_value_get_boolean (value));
      break;

    case PROP_ZOOM:
      hangar_display_set_zoom (self, g_value_get_double (value));
      break;

    case PROP_RESIZE_GUEST:
      hangar_display_set_resize_guest (self, g_value_get_boolean (value));
      break;

    case PROP_SHARE_CLIPBOARD:
      hangar_display_set_share_clipboard (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_display_class_init (HangarDisplayClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hangar_display_dispose;
  object_class->finalize = hangar_display_finalize;
  object_class->get_property = hangar_display_get_property;
  object_class->set_property = hangar_display_set_property;

  widget_class->measure = hangar_display_measure;
  widget_class->size_allocate = hangar_display_size_allocate;
  widget_class->snapshot = hangar_display_snapshot;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, HANGAR_TYPE_DISPLAY_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONNECTED] =
    g_param_spec_boolean ("connected", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FRAMES] =
    g_param_spec_uint64 ("frames", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_GUEST_WIDTH] =
    g_param_spec_int ("guest-width", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_GUEST_HEIGHT] =
    g_param_spec_int ("guest-height", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SCALE_TO_FIT] =
    g_param_spec_boolean ("scale-to-fit", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL, MIN_ZOOM, MAX_ZOOM, 1.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RESIZE_GUEST] =
    g_param_spec_boolean ("resize-guest", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHARE_CLIPBOARD] =
    g_param_spec_boolean ("share-clipboard", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_GRABBED] =
    g_param_spec_boolean ("grabbed", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "guest-display");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
hangar_display_init (HangarDisplay *self)
{
  GtkEventController *controller;

  self->scale_to_fit = TRUE;
  self->zoom = 1.0;
  self->share_clipboard = TRUE;
  self->cancellable = g_cancellable_new ();

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);

  /* Keys go to the guest before the widget's ancestors see them, so that
   * Tab, F10 or Alt do not move focus or open menus in the window. */
  controller = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect (controller, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  g_signal_connect (controller, "key-released", G_CALLBACK (key_released_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_focus_new ();
  g_signal_connect (controller, "leave", G_CALLBACK (focus_leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  /* Raw events: gestures would interpret clicks and drags that the guest
   * must see as they are. */
  controller = gtk_event_controller_legacy_new ();
  g_signal_connect (controller, "event", G_CALLBACK (pointer_event_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  g_signal_connect_object (gtk_widget_get_clipboard (GTK_WIDGET (self)), "changed",
                           G_CALLBACK (clipboard_changed_cb), self, 0);
}

GtkWidget *
hangar_display_new (void)
{
  return g_object_new (HANGAR_TYPE_DISPLAY, NULL);
}

void
hangar_display_set_session (HangarDisplay        *self,
                            HangarDisplaySession *session)
{
  g_return_if_fail (HANGAR_IS_DISPLAY (self));
  g_return_if_fail (session == NULL || HANGAR_IS_DISPLAY_SESSION (session));

  if (self->session == session)
    return;

  drop_session (self);

  if (session != NULL)
    {
      self->session = g_object_ref (session);
      g_signal_connect (session, "surface-changed", G_CALLBACK (surface_changed_cb), self);
      g_signal_connect (session, "invalidate", G_CALLBACK (invalidate_cb), self);
      g_signal_connect (session, "cursor-changed", G_CALLBACK (cursor_changed_cb), self);
      g_signal_connect (session, "guest-clipboard", G_CALLBACK (guest_clipboard_cb), self);
      g_signal_connect (session, "notify::connected", G_CALLBACK (session_connected_cb), self);
      g_signal_connect (session, "notify::agent-connected",
                        G_CALLBACK (agent_connected_cb), self);
      g_signal_connect (session, "notify::mouse-absolute", G_CALLBACK (mouse_mode_cb), self);
      surface_changed_cb (session, self);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTED]);
}

HangarDisplaySession *
hangar_display_get_session (HangarDisplay *self)
{
  g_return_val_if_fail (HANGAR_IS_DISPLAY (self), NULL);

  return self->session;
}

gboolean
hangar_display_get_connected (HangarDisplay *self)
{
  g_return_val_if_fail (HANGAR_IS_DISPLAY (self), FALSE);

  return self->session != NULL && hangar_display_session_get_connected (self->session);
}

guint64
hangar_display_get_frames (HangarDisplay *self)
{
  g_return_val_if_fail (HANGAR_IS_DISPLAY (self), 0);

  return self->frames;
}

int
hangar_display_get_guest_width (HangarDisplay *self)
{
  g_return_val_if_fail (HANGAR_IS_DISPLAY (self), 0);

  return self->surface_width;
}

int
hangar_display_get_guest_height (HangarDisplay *self)
{
  g_return_val_if_fail (HANGAR_IS_DISPLAY (self), 0);

  return self->surface_height;
}

void
hangar_display_set_scale_to_fit (HangarDisplay *self,
                                 gboolean       scale_to_fit)
{
  g_return_if_fail (HANGAR_IS_DISPLAY (self));

  scale_to_fit = !!scale_to_fit;
  if (self->scale_to_fit == scale_to_fit)
    return;

  self->scale_to_fit = scale_to_fit;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  schedule_resize (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCALE_TO_FIT]);
}

gboolean
hangar_display_get_scale_to_fit (HangarDisplay *self)
{
  g_return_val_if_fail (HANGAR_IS_DISPLAY (self), TRUE);

  return self->scale_to_fit;
}

void
hangar_display_set_zoom (HangarDisplay *self,
                         double         zoom)
{
  g_return_if_fail (HANGAR_IS_DISPLAY (self));

  zoom = CLAMP (zoom, MIN_ZOOM, MAX_ZOOM);
  if (self->zoom == zoom)
    return;

  self->zoom = zoom;
  if (!self->scale_to_fit)
    gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
}

double
hangar_display_get_zoom (HangarDisplay *self)
{
  g_return_val_if_fail (HANGAR_IS_DISPLAY (self), 1.0);

  return self->zoom;
}

void
hangar_display_set_resize_guest (HangarDisplay *self,
                                 gboolean       resize_guest)
{
  g_return_if_fail (HANGAR_IS_DISPLAY (self));

  resize_guest = !!resize_guest;
  if (self->resize_guest == resize_guest)
    return;

  self->resize_guest = resize_guest;
  self->requested_width = self->requested_height = 0;
  schedule_resize (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESIZE_GUEST]);
}

gboolean
hangar_display_get_resize_guest (HangarDisplay *self)
{
  g_return_val_if_fail (HANGAR_IS_DISPLAY (self), FALSE);

  return self->resize_guest;
}

void
hangar_display_set_share_clipboard (HangarDisplay *self,
                                    gboolean       share)
{
  g_return_if_fail (HANGAR_IS_DISPLAY (self));

  share = !!share;
  if (self->share_clipboard == share)
    return;

  self->share_clipboard = share;
  if (self->session != NULL && !share)
    hangar_display_session_offer_clipboard (self->session, NULL);
  else
    offer_clipboard (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHARE_CLIPBOARD]);
}

gboolean
hangar_display_get_share_clipboard (HangarDisplay *self)
{
  g_return_val_if_fail (HANGAR_IS_DISPLAY (self), TRUE);

  return self->share_clipboard;
}

gboolean
hangar_display_get_grabbed (HangarDisplay *self)
{
  g_return_val_if_fail (HANGAR_IS_DISPLAY (self), FALSE);

  return self->grabbed;
}

void
hangar_display_send_keys (HangarDisplay  *self,
                          const unsigned *xt_codes,
                          unsigned        n_codes)
{
  g_return_if_fail (HANGAR_IS_DISPLAY (self));
  g_return_if_fail (xt_codes != NULL || n_codes == 0);

  for (unsigned i = 0; i < n_codes; i++)
    send_key (self, xt_codes[i], 0, TRUE);

  for (unsigned i = n_codes; i > 0; i--)
    send_key (self, xt_codes[i - 1], 0, FALSE);
}

GdkTexture *
hangar_display_get_texture (HangarDisplay *self)
{
  g_return_val_if_fail (HANGAR_IS_DISPLAY (self), NULL);

  if (self->surface_data == NULL)
    return NULL;

  /* One copy of the whole screen, made only when asked for, and kept
   * until the screen changes. */
  if (self->full_texture == NULL || self->full_texture_stale)
    {
      g_clear_object (&self->full_texture);
      self->full_texture = texture_from_surface (self, 0, 0, self->surface_width,
                                                 self->surface_height);
      self->full_texture_stale = FALSE;
    }

  return self->full_texture;
}

gboolean
hangar_display_get_screen_rect (HangarDisplay   *self,
                                graphene_rect_t *rect)
{
  g_return_val_if_fail (HANGAR_IS_DISPLAY (self), FALSE);
  g_return_val_if_fail (rect != NULL, FALSE);

  return compute_screen_rect (self, gtk_widget_get_width (GTK_WIDGET (self)),
                              gtk_widget_get_height (GTK_WIDGET (self)), rect);
}
