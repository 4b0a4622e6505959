/* test-window.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The main window end to end, on the embedded QEMU driver under Xvfb: import
 * the seed domain with the fixes the window offers, edit its memory, start
 * it, see SeaBIOS in the console, press a key in the console and see the
 * guest react, force it off.
 */

#include "config.h"

#include <adwaita.h>
#include <gdk/x11/gdkx.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "hangar-connection.h"
#include "hangar-connection-list.h"
#include "hangar-event-loop.h"
#include "hangar-start-check.h"
#include "hangar-test-loop.h"
#include "hangar-test-root.h"
#include "hangar-window.h"

typedef struct
{
  char             *root;
  HangarConnection *connection;
  HangarWindow     *window;
} Fixture;

/* libvirt opens one embedded root per process: the tests share it. */
static char *embed_root;
static HangarConnectionList *embed_list;
static HangarConnection *embed_connection;


static gboolean
connection_ready (gpointer data)
{
  return hangar_connection_get_state (data) == HANGAR_CONNECTION_CONNECTED;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  fixture->root = g_build_filename (embed_root, "files", NULL);
  g_assert_cmpint (g_mkdir (fixture->root, 0755), ==, 0);

  fixture->connection = g_object_ref (embed_connection);
  fixture->window = hangar_window_new (NULL, embed_list);
  g_object_add_weak_pointer (G_OBJECT (fixture->window), (gpointer *) &fixture->window);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1100, 760);
  gtk_window_present (GTK_WINDOW (fixture->window));
  hangar_connection_list_open (embed_list, fixture->connection);

  hangar_test_wait_until (connection_ready, fixture->connection, 120, "the embedded driver to open");
}

typedef struct
{
  HangarDomain *domain;
  gboolean      done;
  gboolean      ok;
  GBytes       *bytes;
  char         *mime;
  HangarDomainDoc *doc;
} Call;

static void
force_off_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Call *call = user_data;

  call->ok = hangar_domain_force_off_finish (HANGAR_DOMAIN (source), result, NULL);
  call->done = TRUE;
}

static void
undefine_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Call *call = user_data;

  call->ok = hangar_domain_undefine_finish (HANGAR_DOMAIN (source), result, NULL);
  call->done = TRUE;
}

static gboolean
call_done (gpointer data)
{
  return ((Call *) data)->done;
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  GListModel *domains = hangar_connection_get_domains (fixture->connection);

  /* QEMU outlives this process: stop and remove everything we made. */
  for (unsigned i = 0; i < g_list_model_get_n_items (domains); i++)
    {
      g_autoptr(HangarDomain) domain = g_list_model_get_item (domains, i);
      Call call = { 0 };

      if (hangar_domain_get_state (domain) != HANGAR_DOMAIN_STATE_SHUTOFF)
        {
          hangar_domain_force_off_async (domain, NULL, force_off_cb, &call);
          hangar_test_wait_until (call_done, &call, 60, "a leftover domain to stop");
        }
    }

  while (g_list_model_get_n_items (domains) > 0)
    {
      g_autoptr(HangarDomain) domain = g_list_model_get_item (domains, 0);
      Call call = { 0 };

      hangar_domain_undefine_async (domain, NULL, undefine_cb, &call);
      hangar_test_wait_until (call_done, &call, 60, "a leftover domain to be undefined");
      if (!call.ok)
        break;
      hangar_test_run_for (200);
    }

  if (fixture->window != NULL)
    gtk_window_destroy (GTK_WINDOW (fixture->window));
  hangar_test_run_for (100);
  /* Nothing may keep the window alive once it is closed. */
  g_assert_null (fixture->window);

  g_clear_object (&fixture->connection);

  {
    g_autofree char *command = g_strdup_printf ("rm -rf '%s'", fixture->root);

    g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL));
  }
  g_clear_pointer (&fixture->root, g_free);
}

/* Widget lookups, as a user finds things: by what they show. */

static GtkWidget *
find_button (GtkWidget  *widget,
             const char *label)
{
  if (GTK_IS_BUTTON (widget) &&
      g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        return child;
      found = find_descendant (child, type);
      if (found != NULL)
        return found;
    }

  return NULL;
}

static GtkWidget *
find_row (GtkWidget  *widget,
          const char *title)
{
  if (ADW_IS_PREFERENCES_ROW (widget) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_row (child, title);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* Images */

typedef struct
{
  int     width;
  int     height;
  guchar *rgb;     /* width * height * 3 */
} Image;

static void
image_free (Image *image)
{
  g_free (image->rgb);
  g_free (image);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Image, image_free)

static Image *
image_from_ppm (GBytes *bytes)
{
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);
  int width, height, maxval, consumed = 0;
  Image *image;

  g_assert_cmpint (sscanf (data, "P6 %d %d %d%n", &width, &height, &maxval, &consumed), ==, 3);
  g_assert_cmpint (maxval, ==, 255);
  consumed++; /* the single whitespace after maxval */
  g_assert_cmpuint (size - consumed, >=, (gsize) width * height * 3);

  image = g_new0 (Image, 1);
  image->width = width;
  image->height = height;
  image->rgb = g_memdup2 (data + consumed, (gsize) width * height * 3);

  return image;
}

static Image *
image_from_texture (GdkTexture            *texture,
                    const graphene_rect_t *crop)
{
  int tw = gdk_texture_get_width (texture);
  int th = gdk_texture_get_height (texture);
  g_autofree guchar *bgra = g_malloc ((gsize) tw * th * 4);
  int x0 = crop ? (int) crop->origin.x : 0;
  int y0 = crop ? (int) crop->origin.y : 0;
  int w = crop ? (int) crop->size.width : tw;
  int h = crop ? (int) crop->size.height : th;
  Image *image;

  gdk_texture_download (texture, bgra, (gsize) tw * 4);
  g_assert_cmpint (x0 + w, <=, tw);
  g_assert_cmpint (y0 + h, <=, th);

  image = g_new0 (Image, 1);
  image->width = w;
  image->height = h;
  image->rgb = g_malloc ((gsize) w * h * 3);

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        const guchar *p = bgra + ((gsize) (y + y0) * tw + (x + x0)) * 4;
        guchar *q = image->rgb + ((gsize) y * w + x) * 3;

        /* Cairo's ARGB32 in memory: B, G, R, A (little-endian). */
        q[0] = p[2];
        q[1] = p[1];
        q[2] = p[0];
      }

  return image;
}

/* The mean brightness of each cell of a @cols × @rows grid: a comparison
 * that tolerates the scaling filter but not different content. */
static double *
image_grid (const Image *image,
            int          cols,
            int          rows)
{
  double *grid = g_new0 (double, cols * rows);

  for (int r = 0; r < rows; r++)
    for (int c = 0; c < cols; c++)
      {
        int x0 = c * image->width / cols, x1 = (c + 1) * image->width / cols;
        int y0 = r * image->height / rows, y1 = (r + 1) * image->height / rows;
        double sum = 0;
        int n = 0;

        for (int y = y0; y < y1; y++)
          for (int x = x0; x < x1; x++)
            {
              const guchar *p = image->rgb + ((gsize) y * image->width + x) * 3;

              sum += (p[0] + p[1] + p[2]) / 3.0;
              n++;
            }
        grid[r * cols + c] = n > 0 ? sum / n : 0;
      }

  return grid;
}

/* How many cells, about the size of two characters of text mode, differ
 * clearly in mean brightness: a missing word shows in several, the scaling
 * filter's blur in none, a blinking text cursor in one. */
static unsigned
image_difference (const Image *a,
                  const Image *b)
{
  const int cols = 45, rows = 25;
  g_autofree double *ga = image_grid (a, cols, rows);
  g_autofree double *gb = image_grid (b, cols, rows);
  unsigned differing = 0;

  for (int i = 0; i < cols * rows; i++)
    if (fabs (ga[i] - gb[i]) > 24)
      differing++;

  return differing;
}

static void
image_save_png (const Image *image,
                const char  *name)
{
  g_autoptr(GBytes) bytes = g_bytes_new (image->rgb, (gsize) image->width * image->height * 3);
  g_autoptr(GdkTexture) texture = gdk_memory_texture_new (image->width, image->height,
                                                          GDK_MEMORY_R8G8B8, bytes,
                                                          (gsize) image->width * 3);
  g_autofree char *path = g_test_build_filename (G_TEST_BUILT, name, NULL);

  g_assert_true (gdk_texture_save_to_png (texture, path));
}

static double
image_contrast (const Image *image)
{
  const int cols = 48, rows = 32;
  g_autofree double *grid = image_grid (image, cols, rows);
  double lo = 255, hi = 0;

  for (int i = 0; i < cols * rows; i++)
    {
      lo = MIN (lo, grid[i]);
      hi = MAX (hi, grid[i]);
    }

  return hi - lo;
}

/* What the X server shows of the window: a real screenshot, taken with
 * ImageMagick's import from the window's X surface. */
static GdkTexture *
screenshot_window (HangarWindow *window)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));
  g_autofree char *path = g_test_build_filename (G_TEST_BUILT, "test-window-last.png", NULL);
  g_autofree char *command = NULL;
  g_autoptr(GError) error = NULL;
  GdkTexture *texture;
  int status = 0;

  g_assert_true (GDK_IS_X11_SURFACE (surface));

  /* Let the window paint what it has before the X server is read. */
  hangar_test_run_for (100);

  command = g_strdup_printf ("import -silent -window 0x%lx png:%s",
                             (unsigned long) gdk_x11_surface_get_xid (surface), path);
  g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  texture = gdk_texture_new_from_filename (path, &error);
  g_assert_no_error (error);

  return texture;
}

static void
screenshot_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Call *call = user_data;
  g_autoptr(GError) error = NULL;

  call->bytes = hangar_domain_screenshot_finish (HANGAR_DOMAIN (source), result,
                                                 &call->mime, &error);
  g_assert_no_error (error);
  call->done = TRUE;
}

/* libvirt's own screenshot of the guest: PNG from QEMU 7.2, PPM before. */
static Image *
guest_screenshot (HangarDomain *domain)
{
  Call call = { 0 };
  Image *image;

  hangar_domain_screenshot_async (domain, 0, NULL, screenshot_cb, &call);
  hangar_test_wait_until (call_done, &call, 60, "libvirt's screenshot");

  if (g_strcmp0 (call.mime, "image/x-portable-pixmap") == 0)
    {
      image = image_from_ppm (call.bytes);
    }
  else
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GdkTexture) texture = gdk_texture_new_from_bytes (call.bytes, &error);

      g_assert_no_error (error);
      image = image_from_texture (texture, NULL);
    }

  g_bytes_unref (call.bytes);
  g_free (call.mime);

  return image;
}

/* The console area of the window: where the display draws the guest. */
static Image *
window_console_image (HangarWindow *window,
                      const char   *save_as)
{
  HangarConsoleView *view = hangar_window_get_console_view (window);
  HangarDisplay *display = hangar_console_view_get_display (view);
  g_autoptr(GdkTexture) texture = NULL;
  graphene_rect_t rect;
  graphene_point_t origin;
  double surface_x, surface_y;

  g_assert_nonnull (display);
  g_assert_true (hangar_display_get_screen_rect (display, &rect));
  g_assert_true (gtk_widget_compute_point (GTK_WIDGET (display), GTK_WIDGET (window),
                                           &rect.origin, &origin));
  /* The X window takes in the frame of the client-side decorations. */
  gtk_native_get_surface_transform (GTK_NATIVE (window), &surface_x, &surface_y);
  rect.origin.x = origin.x + surface_x;
  rect.origin.y = origin.y + surface_y;

  /* Stay inside the pixels the scaled surface fills completely. */
  graphene_rect_inset (&rect, 1, 1);
  graphene_rect_round_extents (&rect, &rect);

  texture = screenshot_window (window);
  if (save_as != NULL)
    {
      g_autofree char *path = g_test_build_filename (G_TEST_BUILT, save_as, NULL);

      g_assert_true (gdk_texture_save_to_png (texture, path));
      g_test_message ("window screenshot: %s", path);
    }

  return image_from_texture (texture, &rect);
}

/* Test cases */

static char *
write_seed_copy (const char *root)
{
  const char *shared = g_getenv ("HANGAR_SHARED_DIR");
  g_autofree char *seed_path = g_build_filename (shared, "seed", "gentoo-2.xml", NULL);
  g_autofree char *disk = g_build_filename (root, "gentoo-2.qcow2", NULL);
  g_autofree char *text = NULL;
  g_autofree char *path = g_build_filename (root, "gentoo-2.xml", NULL);
  g_autoptr(GString) xml = NULL;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (seed_path, &text, NULL, &error);
  g_assert_no_error (error);

  /* The user's file, with two changes a test needs: the disk image in the
   * test's own folder, and SeaBIOS's boot menu, so that a key press has
   * something to show. */
  xml = g_string_new (text);
  g_assert_cmpuint (g_string_replace (xml, "/var/lib/libvirt/images/gentoo-2.qcow2", disk, 1),
                    ==, 1);
  g_assert_cmpuint (g_string_replace (xml, "<boot dev='hd'/>",
                                      "<boot dev='hd'/>\n"
                                      "    <bootmenu enable='yes' timeout='30000'/>", 1),
                    ==, 1);

  g_file_set_contents (path, xml->str, xml->len, &error);
  g_assert_no_error (error);

  return g_steal_pointer (&path);
}

static gboolean
dialog_settled (gpointer data)
{
  HangarImportStage stage = hangar_import_dialog_get_stage (data);

  return stage == HANGAR_IMPORT_STAGE_READY || stage == HANGAR_IMPORT_STAGE_FAILED;
}

static gboolean
window_has_selection (gpointer data)
{
  return hangar_window_get_selected (data) != NULL;
}

static gboolean
details_loaded (gpointer data)
{
  HangarWindow *window = data;
  GtkWidget *details = GTK_WIDGET (hangar_window_get_details (window));
  GtkWidget *row = find_row (details, "_Memory");
  GtkWidget *spin = row ? find_descendant (row, GTK_TYPE_SPIN_BUTTON) : NULL;

  return spin != NULL && gtk_widget_is_drawable (spin) &&
         gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (spin)) > 16;
}

static void
load_doc_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Call *call = user_data;
  g_autoptr(GError) error = NULL;

  call->doc = hangar_domain_load_doc_finish (HANGAR_DOMAIN (source), result, &error);
  g_assert_no_error (error);
  call->done = TRUE;
}

static char *
libvirt_inactive_xml (HangarDomain *domain)
{
  Call call = { 0 };
  char *xml;

  hangar_domain_load_doc_async (domain, TRUE, NULL, load_doc_cb, &call);
  hangar_test_wait_until (call_done, &call, 60, "the inactive definition");
  xml = hangar_domain_doc_to_string (call.doc);
  g_object_unref (call.doc);

  return xml;
}

typedef struct
{
  HangarDomain      *domain;
  HangarDomainState  state;
} StateWait;

static gboolean
domain_in_state (gpointer data)
{
  StateWait *wait = data;

  return hangar_domain_get_state (wait->domain) == wait->state;
}

static gboolean
console_has_frames (gpointer data)
{
  HangarConsoleView *view = data;
  HangarDisplay *display = hangar_console_view_get_display (view);

  return hangar_console_view_get_state (view) == HANGAR_CONSOLE_STATE_CONNECTED &&
         display != NULL && hangar_display_get_frames (display) > 0;
}

typedef struct
{
  HangarWindow *window;
  HangarDomain *domain;
  Image        *previous;   /* the guest's screen before the key, or NULL */
  Image        *last;       /* the guest's screen at the last look */
  unsigned      difference;
} ScreenWait;

/* The guest shows text, and the window's console area shows the same. */
static gboolean
console_matches_guest (gpointer data)
{
  ScreenWait *wait = data;
  g_autoptr(Image) guest = guest_screenshot (wait->domain);
  g_autoptr(Image) shown = NULL;

  if (image_contrast (guest) < 40)
    return FALSE;

  if (wait->previous != NULL && image_difference (guest, wait->previous) < 4)
    return FALSE;

  /* Judge a settled screen, not one the guest is still writing. */
  if (wait->last == NULL || image_difference (guest, wait->last) > 1)
    {
      g_clear_pointer (&wait->last, image_free);
      wait->last = g_steal_pointer (&guest);
      hangar_test_run_for (300);
      return FALSE;
    }

  shown = window_console_image (wait->window, NULL);
  wait->difference = image_difference (guest, shown);
  g_test_message ("console vs libvirt screenshot: %u cells differ", wait->difference);
  image_save_png (guest, "test-window-libvirt.png");
  image_save_png (shown, "test-window-console.png");

  /* Let the display catch up with the guest before judging. */
  if (wait->difference > 1)
    {
      hangar_test_run_for (300);
      return FALSE;
    }

  return TRUE;
}

static void
test_import_edit_run (Fixture       *fixture,
                      gconstpointer  user_data)
{
  HangarWindow *window = fixture->window;
  g_autofree char *seed = write_seed_copy (fixture->root);
  g_autofree char *disk = g_build_filename (fixture->root, "gentoo-2.qcow2", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (seed);
  HangarImportDialog *dialog;
  GPtrArray *problems;
  gboolean seen_network = FALSE, seen_cpu = FALSE, seen_disk = FALSE;
  HangarDomain *domain;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_auto(GStrv) before_lines = NULL;
  g_auto(GStrv) after_lines = NULL;
  GtkWidget *memory_spin;
  StateWait state_wait;
  ScreenWait screen_wait = { 0 };
  g_autoptr(Image) menu_hidden = NULL;
  HangarDisplay *display;

  /* 1. Import: the window lists what would stop the domain from starting
   * on the embedded driver, and offers the fixes. */
  dialog = hangar_window_import_file (window, file);
  g_object_ref (dialog);
  hangar_test_wait_until (dialog_settled, dialog, 120, "the import dialog to check the file");
  g_assert_cmpint (hangar_import_dialog_get_stage (dialog), ==, HANGAR_IMPORT_STAGE_READY);

  problems = hangar_import_dialog_get_problems (dialog);
  for (unsigned i = 0; i < problems->len; i++)
    {
      HangarStartProblem *problem = g_ptr_array_index (problems, i);

      g_test_message ("problem: %s at %s; fix: %s",
                      hangar_start_problem_get_message (problem),
                      hangar_start_problem_get_path (problem),
                      hangar_start_problem_get_fix_label (problem));
      switch (hangar_start_problem_get_kind (problem))
        {
        case HANGAR_START_PROBLEM_NO_NETWORK_DRIVER:
          g_assert_true (strstr (hangar_start_problem_get_path (problem), "interface") != NULL);
          seen_network = TRUE;
          break;
        case HANGAR_START_PROBLEM_VIRT_TYPE:
        case HANGAR_START_PROBLEM_CPU_MODE:
          seen_cpu = TRUE;
          break;
        case HANGAR_START_PROBLEM_DISK_MISSING:
          g_assert_cmpstr (hangar_start_problem_get_file (problem), ==, disk);
          seen_disk = TRUE;
          break;
        default:
          g_assert_not_reached ();
        }
    }
  g_assert_true (seen_network && seen_cpu && seen_disk);

  gtk_widget_activate (find_button (GTK_WIDGET (dialog), "_Import"));
  hangar_test_wait_until (window_has_selection, window, 120, "the imported domain to be selected");
  g_assert_cmpint (hangar_import_dialog_get_stage (dialog), ==, HANGAR_IMPORT_STAGE_DONE);
  g_object_unref (dialog);

  domain = hangar_window_get_selected (window);
  g_assert_cmpstr (hangar_domain_get_name (domain), ==, "gentoo-2");
  g_assert_true (g_file_test (disk, G_FILE_TEST_IS_REGULAR));

  /* 2. Edit the memory in the details and apply: libvirt's definition
   * changes in the memory elements and nowhere else. */
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (find_descendant (GTK_WIDGET (window),
                                                                          ADW_TYPE_VIEW_STACK)),
                                         "details");
  hangar_test_wait_until (details_loaded, window, 60, "the details to show the definition");
  before = libvirt_inactive_xml (domain);
  memory_spin = find_descendant (find_row (GTK_WIDGET (hangar_window_get_details (window)),
                                           "_Memory"),
                                 GTK_TYPE_SPIN_BUTTON);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (memory_spin)), ==, 512);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (memory_spin), 768);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.apply", NULL));

  for (gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;;)
    {
      g_clear_pointer (&after, g_free);
      after = libvirt_inactive_xml (domain);
      if (strstr (after, "KiB\">786432</memory>") != NULL ||
          strstr (after, "KiB'>786432</memory>") != NULL)
        break;
      if (g_get_monotonic_time () >= deadline)
        g_test_message ("after Apply:\n%s", after);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      hangar_test_run_for (100);
    }

  before_lines = g_strsplit (before, "\n", -1);
  after_lines = g_strsplit (after, "\n", -1);
  g_assert_cmpuint (g_strv_length (before_lines), ==, g_strv_length (after_lines));
  for (unsigned i = 0; before_lines[i] != NULL; i++)
    {
      if (g_strcmp0 (before_lines[i], after_lines[i]) == 0)
        continue;
      g_test_message ("changed: %s → %s", before_lines[i], after_lines[i]);
      g_assert_true (strstr (after_lines[i], "<memory ") != NULL ||
                     strstr (after_lines[i], "<currentMemory ") != NULL);
    }

  /* 3. Start it: the console shows what the guest shows. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL));
  state_wait.domain = domain;
  state_wait.state = HANGAR_DOMAIN_STATE_RUNNING;
  hangar_test_wait_until (domain_in_state, &state_wait, 120, "the domain to run");
  hangar_test_wait_until (console_has_frames, hangar_window_get_console_view (window), 120,
                          "the first console frame");

  screen_wait.window = window;
  screen_wait.domain = domain;
  hangar_test_wait_until (console_matches_guest, &screen_wait, 120,
                          "the console to show SeaBIOS as libvirt's screenshot does");
  g_assert_cmpuint (screen_wait.difference, <=, 1);
  image_free (window_console_image (window, "test-window-seabios.png"));

  /* 4. A key pressed in the console reaches the guest: Esc opens the boot
   * menu.  The key goes through the X server, as a user's would. */
  display = hangar_console_view_get_display (hangar_window_get_console_view (window));
  gtk_widget_grab_focus (GTK_WIDGET (display));
  hangar_test_run_for (500);
  menu_hidden = guest_screenshot (domain);
  {
    graphene_rect_t rect;
    graphene_point_t centre;
    g_autofree char *command = NULL;
    int status = 0;

    g_assert_true (hangar_display_get_screen_rect (HANGAR_DISPLAY (display), &rect));
    g_assert_true (gtk_widget_compute_point (GTK_WIDGET (display), GTK_WIDGET (window),
                                             &GRAPHENE_POINT_INIT (rect.origin.x + rect.size.width / 2,
                                                                   rect.origin.y + rect.size.height / 2),
                                             &centre));
    command = g_strdup_printf ("xdotool mousemove --sync %d %d key --delay 80 Escape",
                               (int) centre.x, (int) centre.y);
    g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, &status, NULL));
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }

  screen_wait.previous = g_steal_pointer (&menu_hidden);
  hangar_test_wait_until (console_matches_guest, &screen_wait, 60,
                          "the guest's screen to change after Esc, and the console to show it");
  image_free (window_console_image (window, "test-window-bootmenu.png"));
  g_clear_pointer (&screen_wait.previous, image_free);
  g_clear_pointer (&screen_wait.last, image_free);

  /* 5. Force it off: the console says so. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.force-off", NULL));
  state_wait.state = HANGAR_DOMAIN_STATE_SHUTOFF;
  hangar_test_wait_until (domain_in_state, &state_wait, 60, "the domain to stop");
  hangar_test_run_for (300);
  g_assert_cmpint (hangar_console_view_get_state (hangar_window_get_console_view (window)), ==,
                   HANGAR_CONSOLE_STATE_NOT_RUNNING);
}

static void
test_import_malformed (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autofree char *path = g_build_filename (fixture->root, "broken.xml", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  HangarImportDialog *dialog;
  const char *message;

  g_file_set_contents (path,
                       "<domain type='kvm'>\n"
                       "  <name>broken</name>\n"
                       "  <memory unit='KiB'>1024</memory>\n"
                       "  <os><type>hvm</type></os>\n"
                       "</domian>\n", -1, &error);
  g_assert_no_error (error);

  dialog = g_object_ref (hangar_window_import_file (fixture->window, file));
  hangar_test_wait_until (dialog_settled, dialog, 60, "the import dialog to read the file");
  g_assert_cmpint (hangar_import_dialog_get_stage (dialog), ==, HANGAR_IMPORT_STAGE_FAILED);

  /* The message names the file, the line and the column. */
  message = hangar_import_dialog_get_error (dialog);
  g_test_message ("%s", message);
  g_assert_nonnull (strstr (message, "broken.xml:5:"));
  g_assert_false (gtk_widget_get_sensitive (find_button (GTK_WIDGET (dialog), "_Import")));
  g_assert_cmpuint (g_list_model_get_n_items (hangar_connection_get_domains (fixture->connection)),
                    ==, 0);

  gtk_window_destroy (GTK_WINDOW (dialog));
  g_object_unref (dialog);
}

static gboolean
dialog_answered (gpointer data)
{
  HangarImportStage stage = hangar_import_dialog_get_stage (data);

  return stage == HANGAR_IMPORT_STAGE_DONE ||
         (stage == HANGAR_IMPORT_STAGE_READY && hangar_import_dialog_get_error (data) != NULL);
}

static void
test_import_rejected (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autofree char *path = g_build_filename (fixture->root, "rejected.xml", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  HangarImportDialog *dialog;
  const char *message;

  /* Well formed, but libvirt's schema has no such device. */
  g_file_set_contents (path,
                       "<domain type='qemu'>\n"
                       "  <name>rejected</name>\n"
                       "  <memory unit='MiB'>64</memory>\n"
                       "  <os><type arch='x86_64'>hvm</type></os>\n"
                       "  <devices><teleporter/></devices>\n"
                       "</domain>\n", -1, &error);
  g_assert_no_error (error);

  dialog = g_object_ref (hangar_window_import_file (fixture->window, file));
  hangar_test_wait_until (dialog_settled, dialog, 60, "the import dialog to check the file");
  g_assert_cmpint (hangar_import_dialog_get_stage (dialog), ==, HANGAR_IMPORT_STAGE_READY);

  /* A button's activation clicks it a moment later, as a key press would. */
  gtk_widget_activate (find_button (GTK_WIDGET (dialog), "_Import"));
  hangar_test_wait_until (dialog_answered, dialog, 60, "libvirt to answer the define");

  /* libvirt's own message is shown, and nothing was defined. */
  g_assert_cmpint (hangar_import_dialog_get_stage (dialog), ==, HANGAR_IMPORT_STAGE_READY);
  message = hangar_import_dialog_get_error (dialog);
  g_assert_nonnull (message);
  g_test_message ("%s", message);
  g_assert_nonnull (strstr (message, "rejected"));
  g_assert_nonnull (strstr (message, "failed to validate against schema"));
  g_assert_cmpuint (g_list_model_get_n_items (hangar_connection_get_domains (fixture->connection)),
                    ==, 0);

  gtk_window_destroy (GTK_WINDOW (dialog));
  g_object_unref (dialog);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  int status;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  hangar_event_loop_ensure ();

  embed_root = hangar_test_root_new (&error);
  g_assert_no_error (error);
  uri = hangar_connection_prepare_embed_root (embed_root, &error);
  g_assert_no_error (error);
  embed_list = hangar_connection_list_new (NULL);
  embed_connection = hangar_connection_list_add (embed_list, uri, FALSE, FALSE, &error);
  g_assert_no_error (error);

  g_test_add ("/hangar/window/import-malformed", Fixture, NULL,
              fixture_set_up, test_import_malformed, fixture_tear_down);
  g_test_add ("/hangar/window/import-rejected", Fixture, NULL,
              fixture_set_up, test_import_rejected, fixture_tear_down);
  g_test_add ("/hangar/window/import-edit-run", Fixture, NULL,
              fixture_set_up, test_import_edit_run, fixture_tear_down);

  status = g_test_run ();

  hangar_connection_close (embed_connection);
  g_clear_object (&embed_list);
  hangar_test_root_destroy (embed_root);
  g_free (embed_root);

  return status;
}
