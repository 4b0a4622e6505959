/* test-console.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The SPICE console on a real guest: the shared tiny Linux guest runs under
 * the embedded QEMU driver, shown by a HangarConsoleView in a window under
 * Xvfb.  Keys and pointer motion go through the X server, as a user's
 * would; what the guest received is read back over its serial port, where
 * a shell runs busybox hexdump on its input devices.
 */

#include "config.h"

#include <adwaita.h>
#include <gdk/x11/gdkx.h>
#include <gio/gunixsocketaddress.h>
#include <linux/input-event-codes.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <X11/Xutil.h>
#include <X11/extensions/XTest.h>

#include "hangar-connection.h"
#include "hangar-console-view.h"
#include "hangar-console-window.h"
#include "hangar-spice-session.h"
#include "hangar-usb-chooser.h"
#include "hangar-event-loop.h"
#include "hangar-test-loop.h"
#include "hangar-test-root.h"

#define GUEST_PASSWORD "hangar-secret"

/* One guest for the whole program: libvirt opens one embedded root per
 * process, and booting takes seconds. */
static struct
{
  char               *root;
  HangarConnection   *connection;
  HangarDomain       *domain;
  GtkWindow          *window;
  HangarConsoleView  *view;
  HangarDisplay *display;

  GSocketConnection  *serial;
  GSource            *serial_source;
  GString            *serial_log;
  unsigned            marks;

  char               *keyboard_event;   /* "event0" */
  char               *tablet_event;
  FILE               *serial_file;      /* a copy of the log, to read after */
} guest;

/* QEMU outlives this process.  When a test fails, it aborts, and the
 * guest must not stay behind: the handler kills it by its process id. */
static volatile pid_t qemu_pid;

static void
kill_qemu_handler (int signum)
{
  if (qemu_pid > 0)
    kill (qemu_pid, SIGKILL);
  signal (signum, SIG_DFL);
  raise (signum);
}

static void
watch_qemu_of (const char *name)
{
  g_autofree char *file = g_strdup_printf ("%s.pid", name);
  g_autofree char *path = g_build_filename (guest.root, "run", "qemu", file, NULL);
  g_autofree char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return;
  qemu_pid = (pid_t) g_ascii_strtoll (text, NULL, 10);
  signal (SIGABRT, kill_qemu_handler);
  signal (SIGTERM, kill_qemu_handler);
  signal (SIGINT, kill_qemu_handler);
  signal (SIGSEGV, kill_qemu_handler);
  signal (SIGTRAP, kill_qemu_handler);
}

static void
watch_qemu (void)
{
  watch_qemu_of ("console-test");
}

/* Waiting */


typedef struct
{
  gboolean      done;
  gboolean      ok;
  GError       *error;
  HangarDomain *domain;
  GBytes       *bytes;
  char         *mime;
} Call;

static gboolean
call_done (gpointer data)
{
  return ((Call *) data)->done;
}

/* The serial port: a UNIX socket QEMU listens on */

static gboolean
serial_readable_cb (GObject  *stream,
                    gpointer  user_data)
{
  char buffer[4096];
  gssize n;

  for (;;)
    {
      n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (stream),
                                                    buffer, sizeof buffer, NULL, NULL);
      if (n <= 0)
        break;
      g_string_append_len (guest.serial_log, buffer, n);
      if (guest.serial_file != NULL)
        {
          fwrite (buffer, 1, n, guest.serial_file);
          fflush (guest.serial_file);
        }
    }

  return n == 0 ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

static void
serial_write (const char *text)
{
  GOutputStream *output = g_io_stream_get_output_stream (G_IO_STREAM (guest.serial));
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all (output, text, strlen (text), NULL, NULL, &error);
  g_assert_no_error (error);
}

typedef struct
{
  const char *needle;
  gsize       from;
} SerialWait;

static gboolean
serial_has (gpointer data)
{
  SerialWait *wait = data;

  return strstr (guest.serial_log->str + wait->from, wait->needle) != NULL;
}

/* Runs @command in the guest's serial shell and waits until it has run:
 * it echoes a mark whose text only the shell's arithmetic produces, so the
 * echo of the command line itself does not count.  Returns where the
 * command's output starts in the log. */
static gsize
serial_run (const char *command)
{
  unsigned mark = ++guest.marks;
  g_autofree char *line = g_strdup_printf ("%s; echo mark-$((%u+1000))\n", command, mark);
  g_autofree char *needle = g_strdup_printf ("mark-%u", mark + 1000);
  SerialWait wait = { needle, guest.serial_log->len };

  serial_write (line);
  hangar_test_wait_until (serial_has, &wait, 30, needle);

  return wait.from;
}

/* The value of VAR=value printed by the guest after @from. */
static char *
serial_value (gsize       from,
              const char *var)
{
  g_autofree char *prefix = g_strdup_printf ("%s=", var);
  const char *found = guest.serial_log->str + from;

  /* Skip the echo of the command line, which has "VAR=$…". */
  while ((found = strstr (found, prefix)) != NULL)
    {
      const char *value = found + strlen (prefix);
      gsize length = strcspn (value, "\r\n ;");

      if (length > 0 && value[0] != '$')
        return g_strndup (value, length);
      found = value;
    }

  return NULL;
}

/* Input events as busybox hexdump prints them: the six 32-bit words of a
 * struct input_event on x86_64 (two for the seconds, two for the
 * microseconds, type and code, value). */
#define HEXDUMP_FORMAT "'6/4 \"%%d \" \"\\n\"'"

typedef struct
{
  unsigned type;
  unsigned code;
  int      value;
} InputEvent;

/* The six words at the end of @line.  The first event after a command
 * shares its line with the shell's prompt, so the words are looked for at
 * every place a number can start, not only at the start of the line. */
static gboolean
parse_event_line (const char *line,
                  int         words[6])
{
  for (const char *p = line; *p != '\0'; p++)
    {
      int end = 0;

      if (p > line && (g_ascii_isdigit (p[-1]) || p[-1] == '-'))
        continue;

      if (sscanf (p, "%d %d %d %d %d %d%n", &words[0], &words[1], &words[2],
                  &words[3], &words[4], &words[5], &end) == 6 &&
          strspn (p + end, " \r") == strlen (p + end))
        return TRUE;
    }

  return FALSE;
}

static GArray *
serial_events (gsize from)
{
  GArray *events = g_array_new (FALSE, FALSE, sizeof (InputEvent));
  g_auto(GStrv) lines = g_strsplit (guest.serial_log->str + from, "\n", -1);

  for (unsigned i = 0; lines[i] != NULL; i++)
    {
      int words[6];
      InputEvent event;

      if (!parse_event_line (lines[i], words))
        continue;

      event.type = (unsigned) words[4] & 0xffff;
      event.code = (unsigned) words[4] >> 16;
      event.value = words[5];
      g_array_append_val (events, event);
    }

  return events;
}

/* Starts dumping /dev/input/@device in the background; returns where its
 * output starts.  The pause lets hexdump open the device before anything
 * happens: a device only queues events for readers that have it open. */
static gsize
serial_start_dump (const char *device)
{
  g_autofree char *command =
    g_strdup_printf ("hexdump -v -e " HEXDUMP_FORMAT " /dev/input/%s & DUMP=$!; usleep 500000",
                     device);

  return serial_run (command);
}

static void
serial_stop_dump (void)
{
  serial_run ("kill $DUMP; wait $DUMP 2>/dev/null");
}

/* Pixels */

typedef struct
{
  int     width;
  int     height;
  double *luma;   /* width * height */
} Image;

static void
image_free (Image *image)
{
  g_free (image->luma);
  g_free (image);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Image, image_free)

static void
screenshot_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Call *call = user_data;

  call->bytes = hangar_domain_screenshot_finish (HANGAR_DOMAIN (source), result,
                                                 &call->mime, &call->error);
  call->done = TRUE;
}

static Image *
image_from_texture (GdkTexture *texture)
{
  g_autofree guchar *pixels = NULL;
  Image *image = g_new0 (Image, 1);

  image->width = gdk_texture_get_width (texture);
  image->height = gdk_texture_get_height (texture);
  image->luma = g_new (double, (gsize) image->width * image->height);
  pixels = g_malloc ((gsize) image->width * image->height * 4);
  gdk_texture_download (texture, pixels, (gsize) image->width * 4);

  for (gsize i = 0; i < (gsize) image->width * image->height; i++)
    {
      const guchar *p = pixels + i * 4;

      image->luma[i] = 0.299 * p[2] + 0.587 * p[1] + 0.114 * p[0];
    }

  return image;
}

/* libvirt's own screenshot of the guest (PNG, or PPM from older QEMU). */
static Image *
guest_screenshot (const char *save_as)
{
  Call call = { 0 };
  g_autoptr(GdkTexture) texture = NULL;

  hangar_domain_screenshot_async (guest.domain, 0, NULL, screenshot_cb, &call);
  hangar_test_wait_until (call_done, &call, 60, "libvirt's screenshot");
  g_assert_no_error (call.error);

  texture = gdk_texture_new_from_bytes (call.bytes, &call.error);
  g_assert_no_error (call.error);
  g_bytes_unref (call.bytes);
  g_free (call.mime);

  if (save_as != NULL)
    {
      g_autofree char *path = g_test_build_filename (G_TEST_BUILT, save_as, NULL);

      gdk_texture_save_to_png (texture, path);
      g_test_message ("libvirt's screenshot: %s", path);
    }

  return image_from_texture (texture);
}

static Display *
xdisplay (void)
{
  return gdk_x11_display_get_xdisplay (gdk_display_get_default ());
}

/* A point of the display widget in the X server's root coordinates. */
static void
display_to_root (double  x,
                 double  y,
                 int    *root_x,
                 int    *root_y)
{
  GtkNative *native = gtk_widget_get_native (GTK_WIDGET (guest.display));
  GdkSurface *surface = gtk_native_get_surface (native);
  graphene_point_t point;
  double dx, dy;
  Window child;

  g_assert_true (gtk_widget_compute_point (GTK_WIDGET (guest.display), GTK_WIDGET (native),
                                           &GRAPHENE_POINT_INIT (x, y), &point));
  gtk_native_get_surface_transform (native, &dx, &dy);

  XTranslateCoordinates (xdisplay (), gdk_x11_surface_get_xid (surface),
                         DefaultRootWindow (xdisplay ()),
                         (int) floor (point.x + dx), (int) floor (point.y + dy),
                         root_x, root_y, &child);
}

/* The whole X screen as a user sees it, into the build folder. */
static void
save_root_screenshot (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_BUILT, name, NULL);
  g_autofree char *command = g_strdup_printf ("import -window root '%s'", path);

  if (g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL))
    g_test_message ("the X server's screen: %s", path);
}

/* What the X server shows where the display draws the guest: the pixels a
 * user sees, after GTK's rendering. */
static Image *
shown_image (const char *save_as)
{
  graphene_rect_t rect;
  int x, y;
  XImage *ximage;
  Image *image;

  g_assert_true (hangar_display_get_screen_rect (guest.display, &rect));
  display_to_root (rect.origin.x, rect.origin.y, &x, &y);

  ximage = XGetImage (xdisplay (), DefaultRootWindow (xdisplay ()), x, y,
                      (unsigned) rect.size.width, (unsigned) rect.size.height,
                      AllPlanes, ZPixmap);
  g_assert_nonnull (ximage);

  image = g_new0 (Image, 1);
  image->width = ximage->width;
  image->height = ximage->height;
  image->luma = g_new (double, (gsize) image->width * image->height);

  for (int row = 0; row < image->height; row++)
    for (int col = 0; col < image->width; col++)
      {
        unsigned long pixel = XGetPixel (ximage, col, row);
        double r = (pixel & ximage->red_mask) >> 16;
        double g = (pixel & ximage->green_mask) >> 8;
        double b = pixel & ximage->blue_mask;

        image->luma[(gsize) row * image->width + col] = 0.299 * r + 0.587 * g + 0.114 * b;
      }

  XDestroyImage (ximage);

  if (save_as != NULL)
    {
      save_root_screenshot (save_as);
    }

  return image;
}

/* Mean brightness over a grid of cells, so that two images of the same
 * screen at different scales compare equal and different text does not. */
#define GRID_COLS 64
#define GRID_ROWS 48

static void
image_grid (const Image *image,
            double      *grid)
{
  for (int r = 0; r < GRID_ROWS; r++)
    for (int c = 0; c < GRID_COLS; c++)
      {
        int x0 = c * image->width / GRID_COLS, x1 = (c + 1) * image->width / GRID_COLS;
        int y0 = r * image->height / GRID_ROWS, y1 = (r + 1) * image->height / GRID_ROWS;
        double sum = 0;

        for (int y = y0; y < y1; y++)
          for (int x = x0; x < x1; x++)
            sum += image->luma[(gsize) y * image->width + x];
        grid[r * GRID_COLS + c] = sum / MAX (1, (x1 - x0) * (y1 - y0));
      }
}

static double
image_difference (const Image *a,
                  const Image *b)
{
  double ga[GRID_COLS * GRID_ROWS], gb[GRID_COLS * GRID_ROWS];
  double sum = 0;

  image_grid (a, ga);
  image_grid (b, gb);
  for (int i = 0; i < GRID_COLS * GRID_ROWS; i++)
    sum += fabs (ga[i] - gb[i]);

  return sum / (GRID_COLS * GRID_ROWS);
}

/* The display shows what libvirt's screenshot shows, once it caught up. */
static double
wait_console_matches_guest (const char *what)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  double difference;

  for (;;)
    {
      g_autoptr(Image) shown = NULL;
      g_autoptr(Image) truth = guest_screenshot (NULL);

      hangar_test_run_for (200);
      shown = shown_image (NULL);
      difference = image_difference (truth, shown);
      if (difference < 3)
        break;
      if (g_get_monotonic_time () > deadline)
        {
          image_free (guest_screenshot ("test-console-guest.png"));
          image_free (shown_image ("test-console-shown.png"));
          g_error ("The console does not show %s: mean difference %.2f", what, difference);
        }
    }

  g_test_message ("console vs libvirt's screenshot (%s): mean difference %.2f",
                  what, difference);

  return difference;
}

/* Input through the X server */

static void
x_key (unsigned evdev,
       gboolean press)
{
  XTestFakeKeyEvent (xdisplay (), evdev + 8, press, CurrentTime);
  XFlush (xdisplay ());
}

static void
x_move_to_guest (int guest_x,
                 int guest_y)
{
  graphene_rect_t rect;
  double scale;
  int x, y;

  g_assert_true (hangar_display_get_screen_rect (guest.display, &rect));
  scale = rect.size.width /
          gdk_texture_get_width (hangar_display_get_texture (guest.display));
  display_to_root (rect.origin.x + (guest_x + 0.5) * scale,
                   rect.origin.y + (guest_y + 0.5) * scale, &x, &y);
  XTestFakeMotionEvent (xdisplay (), -1, x, y, CurrentTime);
  XFlush (xdisplay ());
}

static void
xdotool (const char *arguments)
{
  g_autofree char *command = g_strdup_printf ("xdotool %s", arguments);
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

/* Gives the display the keyboard: X's focus follows the pointer when no
 * window manager runs, and GTK's focus must be on the display. */
static void
focus_display (void)
{
  graphene_rect_t rect;
  int x, y;

  g_assert_true (hangar_display_get_screen_rect (guest.display, &rect));
  display_to_root (rect.origin.x + rect.size.width - 4, rect.origin.y + rect.size.height - 4,
                   &x, &y);
  XTestFakeMotionEvent (xdisplay (), -1, x, y, CurrentTime);
  XFlush (xdisplay ());
  gtk_widget_grab_focus (GTK_WIDGET (guest.display));
  hangar_test_run_for (300);
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (guest.display)));
}

/* Setting up the guest */

/* The shared guest's XML, named @name, with its first serial port on a
 * UNIX socket this process reads directly (@socket_name in the root), so
 * that what the guest received is checked without the console under
 * test; NULL keeps the pty, for the serial console's own test. */
static char *
guest_xml_for (const char *name,
               const char *socket_name)
{
  const char *guest_dir = g_getenv ("HANGAR_GUEST_DIR");
  const char *shared = g_getenv ("HANGAR_SHARED_DIR");
  g_autofree char *mkdomain = g_build_filename (shared, "guest", "mkdomain.sh", NULL);
  g_autofree char *kernel = NULL;
  g_autofree char *xml = NULL;
  g_autoptr(GString) result = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_assert_nonnull (guest_dir);
  kernel = g_build_filename (guest_dir, "out", "vmlinux-amd64", NULL);

  {
    char *argv[] = { (char *) "sh", mkdomain, (char *) "-t", (char *) "qemu",
                     (char *) "-v", (char *) "qxl", (char *) "-k", kernel,
                     (char *) "-n", (char *) name, (char *) "-s", NULL };

    g_assert_true (g_spawn_sync (NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                                 &xml, NULL, &status, &error));
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }

  result = g_string_new (xml);

  /* A reboot restarts the guest in the same QEMU, as most guests want. */
  g_assert_cmpuint (g_string_replace (result, "<on_reboot>destroy</on_reboot>",
                                      "<on_reboot>restart</on_reboot>", 1), ==, 1);

  if (socket_name != NULL)
    {
      g_autofree char *socket = g_build_filename (guest.root, socket_name, NULL);
      g_autofree char *serial =
        g_strdup_printf ("<serial type='unix'><source mode='bind' path='%s'/>"
                         "<target port='0'/></serial>", socket);

      g_assert_cmpuint (g_string_replace (result, "<serial type='pty'><target port='0'/></serial>",
                                          serial, 1), ==, 1);
      g_assert_cmpuint (g_string_replace (result,
                                          "<console type='pty'><target type='serial' port='0'/>"
                                          "</console>", "", 1), ==, 1);
    }

  return g_string_free (g_steal_pointer (&result), FALSE);
}

/* A TCP port nothing listens on now. */
static unsigned
free_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_socket_bind (socket, address, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* Graphics with no network port at all: libvirt's descriptor is the way
 * in, and no other guest on this machine can take the port. */
static void
listen_nowhere (GString    *xml,
                const char *type)
{
  g_autofree char *graphics = g_strdup_printf ("<graphics type='%s'><listen type='none'/>"
                                               "</graphics>", type);

  g_assert_cmpuint (g_string_replace (xml, "<graphics type='spice' autoport='yes'>\n"
                                      "      <listen type='address' address='127.0.0.1'/>\n"
                                      "    </graphics>", graphics, 1), ==, 1);
}

/* The SPICE guest: a display password (which libvirt's descriptor skips,
 * and a direct connection must give), a USB redirection channel and
 * sound through SPICE. */
static char *
guest_xml (void)
{
  g_autoptr(GString) result = g_string_new (NULL);
  char *xml = guest_xml_for ("console-test", "serial");

  g_string_assign (result, xml);
  g_free (xml);
  /* A port of its own: other processes' embedded drivers allocate ports
   * without knowing of this one's, and 5900 may be taken. */
  {
    g_autofree char *graphics =
      g_strdup_printf ("<graphics type='spice' autoport='no' port='%u' passwd='"
                       GUEST_PASSWORD "'>", free_port ());

    g_assert_cmpuint (g_string_replace (result, "<graphics type='spice' autoport='yes'>",
                                        graphics, 1), ==, 1);
  }
  g_assert_cmpuint (g_string_replace (result, "</devices>",
                                      "<redirdev bus='usb' type='spicevmc'/>"
                                      "<sound model='ich6'><audio id='1'/></sound>"
                                      "<audio id='1' type='spice'/></devices>", 1), ==, 1);

  return g_string_free (g_steal_pointer (&result), FALSE);
}

static void
open_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Call *call = user_data;

  call->ok = hangar_connection_open_finish (HANGAR_CONNECTION (source), result, &call->error);
  call->done = TRUE;
}

static void
define_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Call *call = user_data;

  call->domain = hangar_connection_define_finish (HANGAR_CONNECTION (source), result,
                                                  &call->error);
  call->done = TRUE;
}

static void
start_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Call *call = user_data;

  call->ok = hangar_domain_start_finish (HANGAR_DOMAIN (source), result, &call->error);
  call->done = TRUE;
}

static void
force_off_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Call *call = user_data;

  call->ok = hangar_domain_force_off_finish (HANGAR_DOMAIN (source), result, &call->error);
  call->done = TRUE;
}

static void
undefine_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Call *call = user_data;

  call->ok = hangar_domain_undefine_finish (HANGAR_DOMAIN (source), result, &call->error);
  call->done = TRUE;
}

static gboolean
console_has_frames (gpointer data)
{
  HangarDisplay *display = hangar_console_view_get_display (guest.view);

  return hangar_console_view_get_state (guest.view) == HANGAR_CONSOLE_STATE_CONNECTED &&
         display != NULL && hangar_display_get_frames (display) > 0 &&
         hangar_display_get_texture (display) != NULL;
}

static void
disconnect_serial (void)
{
  if (guest.serial_source != NULL)
    {
      g_source_destroy (guest.serial_source);
      g_clear_pointer (&guest.serial_source, g_source_unref);
    }
  g_clear_object (&guest.serial);
}

static void
connect_serial_to (const char *socket_name)
{
  g_autofree char *path = g_build_filename (guest.root, socket_name, NULL);
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketAddress) address = g_unix_socket_address_new (path);
  g_autoptr(GError) error = NULL;
  GInputStream *input;

  guest.serial = g_socket_client_connect (client, G_SOCKET_CONNECTABLE (address), NULL, &error);
  g_assert_no_error (error);

  input = g_io_stream_get_input_stream (G_IO_STREAM (guest.serial));
  guest.serial_source = g_pollable_input_stream_create_source (G_POLLABLE_INPUT_STREAM (input),
                                                              NULL);
  g_source_set_callback (guest.serial_source, G_SOURCE_FUNC (serial_readable_cb), NULL, NULL);
  g_source_attach (guest.serial_source, NULL);
}

static void
connect_serial (void)
{
  disconnect_serial ();
  connect_serial_to ("serial");
}

/* The event device of the input device whose name contains @name; USB
 * devices appear a moment after the shell. */
static char *
find_event_device (const char *name)
{
  g_autofree char *command =
    g_strdup_printf ("E=$(grep -A5 '%s' /proc/bus/input/devices | grep -o 'event[0-9]*' | head -1);"
                     " echo DEV=$E", name);
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  for (;;)
    {
      gsize from = serial_run (command);
      char *device = serial_value (from, "DEV");

      if (device != NULL)
        {
          g_test_message ("%s: /dev/input/%s", name, device);
          return device;
        }

      if (g_get_monotonic_time () > deadline)
        {
          serial_run ("grep Name /proc/bus/input/devices");
          g_error ("No input device named %s in the guest", name);
        }
      hangar_test_run_for (500);
    }
}

/* Tests */

static void
test_start (void)
{
  g_autoptr(HangarDomainDoc) doc = NULL;
  g_autofree char *xml = guest_xml ();
  Call call = { 0 };
  gsize from;

  hangar_connection_open_async (guest.connection, NULL, open_cb, &call);
  hangar_test_wait_until (call_done, &call, 120, "the embedded driver to open");
  g_assert_no_error (call.error);

  doc = hangar_domain_doc_new_from_string (xml, -1, "console-test.xml", &call.error);
  g_assert_no_error (call.error);

  memset (&call, 0, sizeof call);
  hangar_connection_define_async (guest.connection, doc, NULL, define_cb, &call);
  hangar_test_wait_until (call_done, &call, 60, "the guest to be defined");
  g_assert_no_error (call.error);
  guest.domain = call.domain;

  /* The view follows the domain from before it runs. */
  guest.window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_title (guest.window, "Console test");
  gtk_window_set_default_size (guest.window, 900, 640);
  guest.view = HANGAR_CONSOLE_VIEW (hangar_console_view_new ());
  g_object_add_weak_pointer (G_OBJECT (guest.view), (gpointer *) &guest.view);
  gtk_window_set_child (guest.window, GTK_WIDGET (guest.view));
  hangar_console_view_set_domain (guest.view, guest.domain);
  gtk_window_present (guest.window);
  hangar_test_run_for (300);
  g_assert_cmpint (hangar_console_view_get_state (guest.view), ==,
                   HANGAR_CONSOLE_STATE_NOT_RUNNING);

  memset (&call, 0, sizeof call);
  hangar_domain_start_async (guest.domain, NULL, start_cb, &call);
  hangar_test_wait_until (call_done, &call, 120, "the guest to start");
  g_assert_no_error (call.error);

  watch_qemu ();
  connect_serial ();
  hangar_test_wait_until (console_has_frames, NULL, 120, "the first frame on the console");
  guest.display = hangar_console_view_get_display (guest.view);
  g_object_add_weak_pointer (G_OBJECT (guest.display), (gpointer *) &guest.display);

  /* The shell on the serial port answers once the guest booted. */
  {
    SerialWait wait = { "hangar test guest", 0 };

    hangar_test_wait_until (serial_has, &wait, 120, "the guest's banner on its serial port");
  }
  from = serial_run ("echo SIZE=$(cat /sys/class/graphics/fb0/virtual_size | tr , x)");
  g_test_message ("guest framebuffer: %s", serial_value (from, "SIZE"));

  guest.keyboard_event = find_event_device ("AT Translated Set 2 keyboard");
  guest.tablet_event = find_event_device ("QEMU USB Tablet");

  /* For a developer: time to look at the guest by hand. */
  if (g_getenv ("HANGAR_TEST_HOLD") != NULL)
    hangar_test_run_for (1000 * atoi (g_getenv ("HANGAR_TEST_HOLD")));
}

static void
test_screen (void)
{
  g_assert_nonnull (guest.display);

  /* The prompt, drawn by the guest, is on the screen as GTK painted it. */
  wait_console_matches_guest ("the guest's shell");
  image_free (shown_image ("test-console-shell.png"));
}

/* Text typed through the widget reaches the guest's shell on its screen,
 * and the shell runs it. */
static void
test_typed_text (void)
{
  SerialWait wait = { "typed-42", guest.serial_log->len };
  g_autoptr(Image) before = guest_screenshot (NULL);
  gint64 deadline;
  double difference = 0;

  /* The shell on the screen must be reading: busybox's prompt asks the
   * terminal where its cursor is and takes what arrives before the answer
   * as the answer.  Enter shows a new prompt once the shell runs. */
  focus_display ();
  xdotool ("key Return");
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (difference <= 0.02 && g_get_monotonic_time () < deadline)
    {
      g_autoptr(Image) prompt = guest_screenshot (NULL);

      difference = image_difference (before, prompt);
      if (difference <= 0.02)
        hangar_test_run_for (200);
    }
  g_assert_cmpfloat (difference, >, 0.02);
  hangar_test_run_for (500);
  g_clear_pointer (&before, image_free);
  before = guest_screenshot (NULL);
  difference = 0;

  xdotool ("type --delay 40 'echo typed-$((6*7)) >/dev/ttyS0'");
  xdotool ("key --delay 40 Return");
  hangar_test_wait_until (serial_has, &wait, 30, "the typed command's output on the serial port");

  /* The guest's screen changed: its console may draw the new prompt a
   * moment after the command ran. */
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (difference <= 0.2 && g_get_monotonic_time () < deadline)
    {
      g_autoptr(Image) after = guest_screenshot (NULL);

      difference = image_difference (before, after);
      if (difference <= 0.2)
        hangar_test_run_for (200);
    }
  g_assert_cmpfloat (difference, >, 0.2);
  wait_console_matches_guest ("the typed command");
  image_free (shown_image ("test-console-typed.png"));
}

typedef struct
{
  gsize    from;
  unsigned code;
  int      value;
  int      tolerance;
  int      seen;
} EventWait;

/* The last value the guest received for an absolute axis is @value. */
static gboolean
abs_value_seen (gpointer data)
{
  EventWait *wait = data;
  g_autoptr(GArray) events = serial_events (wait->from);

  wait->seen = -1;
  for (unsigned i = 0; i < events->len; i++)
    {
      InputEvent *event = &g_array_index (events, InputEvent, i);

      if (event->type == EV_ABS && event->code == wait->code)
        wait->seen = event->value;
    }

  return wait->seen >= 0 && abs (wait->seen - wait->value) <= wait->tolerance;
}

static gboolean
key_event_seen (gpointer data)
{
  EventWait *wait = data;
  g_autoptr(GArray) events = serial_events (wait->from);

  for (unsigned i = 0; i < events->len; i++)
    {
      InputEvent *event = &g_array_index (events, InputEvent, i);

      if (event->type == EV_KEY && event->code == wait->code && event->value == wait->value)
        return TRUE;
    }

  return FALSE;
}

/* The tablet's coordinates the guest's kernel receives put the pointer on
 * the guest's pixel under the local pointer, at the display's scale. */
static void
test_pointer (void)
{
  static const int targets[][2] = { { 100, 200 }, { 900, 600 }, { 512, 384 }, { 3, 5 } };
  GdkTexture *texture = hangar_display_get_texture (guest.display);
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  graphene_rect_t rect;
  EventWait wait = { 0 };

  g_assert_true (hangar_display_get_screen_rect (guest.display, &rect));
  g_test_message ("guest %d×%d shown at %.0f×%.0f", width, height,
                  rect.size.width, rect.size.height);
  /* A test at 1:1 would not see a scaling error. */
  g_assert_cmpfloat (fabs (rect.size.width - width), >, 10);

  focus_display ();
  wait.from = serial_start_dump (guest.tablet_event);

  for (unsigned i = 0; i < G_N_ELEMENTS (targets); i++)
    {
      int gx = targets[i][0], gy = targets[i][1];

      x_move_to_guest (gx, gy);

      /* QEMU scales the guest pixel to the tablet's 0…32767. */
      wait.code = ABS_X;
      wait.value = gx * 0x7fff / width;
      wait.tolerance = (int) ceil (1.5 * 0x7fff / width);
      hangar_test_wait_until (abs_value_seen, &wait, 20, "the tablet's X coordinate in the guest");
      g_test_message ("pointer at guest (%d, %d): ABS_X %d (expected %d)",
                      gx, gy, wait.seen, wait.value);

      wait.code = ABS_Y;
      wait.value = gy * 0x7fff / height;
      wait.tolerance = (int) ceil (1.5 * 0x7fff / height);
      hangar_test_wait_until (abs_value_seen, &wait, 20, "the tablet's Y coordinate in the guest");
      g_test_message ("pointer at guest (%d, %d): ABS_Y %d (expected %d)",
                      gx, gy, wait.seen, wait.value);
    }

  /* Buttons. */
  XTestFakeButtonEvent (xdisplay (), 1, True, CurrentTime);
  XFlush (xdisplay ());
  hangar_test_run_for (50);
  XTestFakeButtonEvent (xdisplay (), 1, False, CurrentTime);
  XFlush (xdisplay ());
  wait.code = BTN_LEFT;
  wait.value = 1;
  hangar_test_wait_until (key_event_seen, &wait, 20, "the left button's press in the guest");
  wait.value = 0;
  hangar_test_wait_until (key_event_seen, &wait, 20, "the left button's release in the guest");

  serial_stop_dump ();
}

#define KEY(code) { #code, code }

/* The 105 keys of a pc105 keyboard, as the Linux kernel numbers them.  The
 * lock keys come twice, so that they end as they started. */
static const struct
{
  const char *name;
  unsigned    code;
} pc105_keys[] = {
  KEY (KEY_ESC), KEY (KEY_F1), KEY (KEY_F2), KEY (KEY_F3), KEY (KEY_F4), KEY (KEY_F5),
  KEY (KEY_F6), KEY (KEY_F7), KEY (KEY_F8), KEY (KEY_F9), KEY (KEY_F10), KEY (KEY_F11),
  KEY (KEY_F12), KEY (KEY_SYSRQ), KEY (KEY_SCROLLLOCK), KEY (KEY_SCROLLLOCK), KEY (KEY_PAUSE),

  KEY (KEY_GRAVE), KEY (KEY_1), KEY (KEY_2), KEY (KEY_3), KEY (KEY_4), KEY (KEY_5),
  KEY (KEY_6), KEY (KEY_7), KEY (KEY_8), KEY (KEY_9), KEY (KEY_0), KEY (KEY_MINUS),
  KEY (KEY_EQUAL), KEY (KEY_BACKSPACE),
  KEY (KEY_INSERT), KEY (KEY_HOME), KEY (KEY_PAGEUP),
  KEY (KEY_NUMLOCK), KEY (KEY_NUMLOCK), KEY (KEY_KPSLASH), KEY (KEY_KPASTERISK),
  KEY (KEY_KPMINUS),

  KEY (KEY_TAB), KEY (KEY_Q), KEY (KEY_W), KEY (KEY_E), KEY (KEY_R), KEY (KEY_T),
  KEY (KEY_Y), KEY (KEY_U), KEY (KEY_I), KEY (KEY_O), KEY (KEY_P), KEY (KEY_LEFTBRACE),
  KEY (KEY_RIGHTBRACE),
  KEY (KEY_DELETE), KEY (KEY_END), KEY (KEY_PAGEDOWN),
  KEY (KEY_KP7), KEY (KEY_KP8), KEY (KEY_KP9), KEY (KEY_KPPLUS),

  KEY (KEY_CAPSLOCK), KEY (KEY_CAPSLOCK), KEY (KEY_A), KEY (KEY_S), KEY (KEY_D),
  KEY (KEY_F), KEY (KEY_G), KEY (KEY_H), KEY (KEY_J), KEY (KEY_K), KEY (KEY_L),
  KEY (KEY_SEMICOLON), KEY (KEY_APOSTROPHE), KEY (KEY_BACKSLASH), KEY (KEY_ENTER),
  KEY (KEY_KP4), KEY (KEY_KP5), KEY (KEY_KP6),

  KEY (KEY_LEFTSHIFT), KEY (KEY_102ND), KEY (KEY_Z), KEY (KEY_X), KEY (KEY_C), KEY (KEY_V),
  KEY (KEY_B), KEY (KEY_N), KEY (KEY_M), KEY (KEY_COMMA), KEY (KEY_DOT), KEY (KEY_SLASH),
  KEY (KEY_RIGHTSHIFT),
  KEY (KEY_UP),
  KEY (KEY_KP1), KEY (KEY_KP2), KEY (KEY_KP3), KEY (KEY_KPENTER),

  KEY (KEY_LEFTCTRL), KEY (KEY_LEFTMETA), KEY (KEY_LEFTALT), KEY (KEY_SPACE),
  KEY (KEY_RIGHTALT), KEY (KEY_RIGHTMETA), KEY (KEY_COMPOSE), KEY (KEY_RIGHTCTRL),
  KEY (KEY_LEFT), KEY (KEY_DOWN), KEY (KEY_RIGHT),
  KEY (KEY_KP0), KEY (KEY_KPDOT),
};

typedef struct
{
  gsize    from;
  unsigned wanted;
} KeysWait;

static gboolean
key_events_seen (gpointer data)
{
  KeysWait *wait = data;
  g_autoptr(GArray) events = serial_events (wait->from);
  unsigned n = 0;

  for (unsigned i = 0; i < events->len; i++)
    {
      InputEvent *event = &g_array_index (events, InputEvent, i);

      if (event->type == EV_KEY && event->value != 2)
        n++;
    }

  return n >= wait->wanted;
}

/* Every key of a pc105 keyboard pressed in the widget reaches the guest's
 * kernel as the code Linux has for that key. */
static void
test_keymap (void)
{
  KeysWait wait = { 0, 2 * G_N_ELEMENTS (pc105_keys) };
  g_autoptr(GArray) events = NULL;
  g_autoptr(GString) wrong = g_string_new (NULL);
  unsigned seen = 0, distinct = 0;

  focus_display ();
  wait.from = serial_start_dump (guest.keyboard_event);

  for (unsigned i = 0; i < G_N_ELEMENTS (pc105_keys); i++)
    {
      x_key (pc105_keys[i].code, TRUE);
      hangar_test_run_for (15);
      x_key (pc105_keys[i].code, FALSE);
      hangar_test_run_for (15);
    }

  hangar_test_wait_until (key_events_seen, &wait, 300, "the guest to receive every key");
  serial_stop_dump ();

  events = serial_events (wait.from);
  for (unsigned i = 0; i < events->len; i++)
    {
      InputEvent *event = &g_array_index (events, InputEvent, i);
      unsigned key = seen / 2;

      if (event->type != EV_KEY || event->value == 2)
        continue;
      if (key >= G_N_ELEMENTS (pc105_keys))
        break;
      if (event->code != pc105_keys[key].code || event->value != (seen % 2 == 0))
        g_string_append_printf (wrong, " %s %s as %u;", pc105_keys[key].name,
                                seen % 2 == 0 ? "press" : "release", event->code);
      seen++;
    }

  for (unsigned i = 0; i < G_N_ELEMENTS (pc105_keys); i++)
    if (i == 0 || pc105_keys[i].code != pc105_keys[i - 1].code)
      distinct++;
  g_test_message ("%u keys (%u key events) checked in the guest", distinct, seen);
  g_assert_cmpuint (distinct, ==, 105);
  if (wrong->len > 0)
    g_error ("Keys the guest received wrongly:%s", wrong->str);
  g_assert_cmpuint (seen, ==, 2 * G_N_ELEMENTS (pc105_keys));
}

/* The view's states, for waits */

typedef struct
{
  HangarConsoleView  *view;
  HangarConsoleState  state;
} StateWait;

static gboolean
state_is (gpointer data)
{
  StateWait *wait = data;

  return hangar_console_view_get_state (wait->view) == wait->state;
}

static void
wait_state (HangarConsoleState  state,
            unsigned            seconds,
            const char         *what)
{
  StateWait wait = { guest.view, state };

  hangar_test_wait_until (state_is, &wait, seconds, what);
}

/* Key events the guest's keyboard device received between two commands,
 * without autorepeats. */
static GArray *
guest_keys (gsize from)
{
  g_autoptr(GArray) events = serial_events (from);
  GArray *keys = g_array_new (FALSE, FALSE, sizeof (InputEvent));

  for (unsigned i = 0; i < events->len; i++)
    {
      InputEvent *event = &g_array_index (events, InputEvent, i);

      if (event->type == EV_KEY && event->value != 2)
        g_array_append_val (keys, *event);
    }

  return keys;
}

static char *
describe_keys (GArray *keys)
{
  GString *text = g_string_new (NULL);

  for (unsigned i = 0; i < keys->len; i++)
    {
      InputEvent *event = &g_array_index (keys, InputEvent, i);

      g_string_append_printf (text, "%s%u%c", i > 0 ? " " : "", event->code,
                              event->value ? '+' : '-');
    }

  return g_string_free (text, FALSE);
}

static gboolean
key_count_reached (gpointer data)
{
  KeysWait *wait = data;
  g_autoptr(GArray) keys = guest_keys (wait->from);

  return keys->len >= wait->wanted;
}

/* Send Keys: each combination reaches the guest as the keys a user would
 * press, in order, released in reverse. */
static void
test_send_keys (void)
{
  static const struct
  {
    const char *combo;
    const char *expected;
  } combos[] = {
    { "ctrl-alt-backspace", "29+ 56+ 14+ 14- 56- 29-" },
    { "print", "99+ 99-" },
  };

  for (unsigned i = 0; i < G_N_ELEMENTS (combos); i++)
    {
      KeysWait wait = { 0, 0 };
      g_autoptr(GArray) keys = NULL;
      g_autofree char *seen = NULL;
      g_auto(GStrv) expected = g_strsplit (combos[i].expected, " ", -1);

      wait.from = serial_start_dump (guest.keyboard_event);
      wait.wanted = g_strv_length (expected);
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (guest.view), "console.send-keys",
                                                 "s", combos[i].combo));
      hangar_test_wait_until (key_count_reached, &wait, 30, "the keys sent to the guest");
      serial_stop_dump ();

      keys = guest_keys (wait.from);
      seen = describe_keys (keys);
      g_test_message ("%s: %s", combos[i].combo, seen);
      g_assert_cmpstr (seen, ==, combos[i].expected);
    }
}

/* A key held down when the display loses the focus is released in the
 * guest: it does not stay stuck there. */
static void
test_release_on_focus_loss (void)
{
  KeysWait wait = { 0, 2 };
  g_autoptr(GArray) keys = NULL;
  g_autofree char *seen = NULL;

  focus_display ();
  wait.from = serial_start_dump (guest.keyboard_event);

  x_key (KEY_LEFTSHIFT, TRUE);
  hangar_test_run_for (200);
  gtk_window_set_focus (guest.window, NULL);
  hangar_test_run_for (200);
  g_assert_false (gtk_widget_has_focus (GTK_WIDGET (guest.display)));
  x_key (KEY_LEFTSHIFT, FALSE);

  hangar_test_wait_until (key_count_reached, &wait, 30, "Shift's press and release");
  serial_stop_dump ();
  keys = guest_keys (wait.from);
  seen = describe_keys (keys);
  g_assert_cmpstr (seen, ==, "42+ 42-");
}

static gboolean
is_grabbed (gpointer data)
{
  return hangar_display_get_grabbed (guest.display) == GPOINTER_TO_INT (data);
}

static gboolean
window_shortcut_cb (GtkWidget *widget,
                    GVariant  *args,
                    gpointer   user_data)
{
  (*(unsigned *) user_data)++;

  return TRUE;
}

/* Clicking the display grabs the keyboard: the window's shortcuts go to
 * the guest, until Ctrl+Alt releases the grab. */
static void
test_grab (void)
{
  GtkShortcutController *shortcuts;
  unsigned activated = 0;
  KeysWait wait = { 0, 4 };
  g_autoptr(GArray) keys = NULL;
  g_autofree char *seen = NULL;
  graphene_rect_t rect;
  int x, y;

  /* Ctrl+Q is an application accelerator in Hangar: here, a window
   * shortcut seen in the capture phase, like GTK's own. */
  shortcuts = GTK_SHORTCUT_CONTROLLER (gtk_shortcut_controller_new ());
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (shortcuts),
                                              GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_set_scope (shortcuts, GTK_SHORTCUT_SCOPE_GLOBAL);
  gtk_shortcut_controller_add_shortcut (shortcuts,
                                        gtk_shortcut_new (gtk_shortcut_trigger_parse_string ("<Control>q"),
                                                          gtk_callback_action_new (window_shortcut_cb,
                                                                                   &activated, NULL)));
  gtk_widget_add_controller (GTK_WIDGET (guest.window), GTK_EVENT_CONTROLLER (shortcuts));

  g_assert_false (hangar_display_get_grabbed (guest.display));
  g_assert_true (hangar_display_get_screen_rect (guest.display, &rect));
  display_to_root (rect.origin.x + rect.size.width / 2, rect.origin.y + rect.size.height - 8,
                   &x, &y);
  XTestFakeMotionEvent (xdisplay (), -1, x, y, CurrentTime);
  XTestFakeButtonEvent (xdisplay (), 1, True, CurrentTime);
  XTestFakeButtonEvent (xdisplay (), 1, False, CurrentTime);
  XFlush (xdisplay ());
  hangar_test_wait_until (is_grabbed, GINT_TO_POINTER (TRUE), 10, "the display to grab");

  /* Grabbed: Ctrl+Q goes to the guest, not to the window. */
  wait.from = serial_start_dump (guest.keyboard_event);
  x_key (KEY_LEFTCTRL, TRUE);
  x_key (KEY_Q, TRUE);
  x_key (KEY_Q, FALSE);
  x_key (KEY_LEFTCTRL, FALSE);
  hangar_test_wait_until (key_count_reached, &wait, 30, "Ctrl+Q in the guest");
  g_assert_cmpuint (activated, ==, 0);

  /* Ctrl+Alt, pressed and released alone, releases the grab. */
  x_key (KEY_LEFTCTRL, TRUE);
  x_key (KEY_LEFTALT, TRUE);
  x_key (KEY_LEFTALT, FALSE);
  x_key (KEY_LEFTCTRL, FALSE);
  hangar_test_wait_until (is_grabbed, GINT_TO_POINTER (FALSE), 10, "Ctrl+Alt to release");
  /* The grab goes with the first key released; the other follows. */
  wait.wanted = 8;
  hangar_test_wait_until (key_count_reached, &wait, 30, "Ctrl+Q and Ctrl+Alt in the guest");
  serial_stop_dump ();
  keys = guest_keys (wait.from);
  seen = describe_keys (keys);
  g_assert_cmpstr (seen, ==, "29+ 16+ 16- 29- 29+ 56+ 56- 29-");

  /* And the window's shortcuts work again. */
  x_key (KEY_LEFTCTRL, TRUE);
  x_key (KEY_Q, TRUE);
  x_key (KEY_Q, FALSE);
  x_key (KEY_LEFTCTRL, FALSE);
  hangar_test_run_for (300);
  g_assert_cmpuint (activated, ==, 1);

  gtk_widget_remove_controller (GTK_WIDGET (guest.window), GTK_EVENT_CONTROLLER (shortcuts));
}

/* Pixel by pixel, at the same size: the largest difference. */
static double
image_max_difference (const Image *a,
                      const Image *b,
                      gboolean     report)
{
  double max = 0;

  unsigned n = 0;

  g_assert_cmpint (a->width, ==, b->width);
  g_assert_cmpint (a->height, ==, b->height);
  for (gsize i = 0; i < (gsize) a->width * a->height; i++)
    {
      double d = fabs (a->luma[i] - b->luma[i]);

      if (d >= 1.0 && n++ < 5 && report)
        g_test_message ("pixel (%d, %d) differs: %.0f against %.0f", (int) (i % a->width),
                        (int) (i / a->width), a->luma[i], b->luma[i]);
      max = MAX (max, d);
    }
  if (n > 0 && report)
    g_test_message ("%u pixels differ", n);

  return max;
}

/* The display's picture is libvirt's screenshot, pixel for pixel, once
 * the last update arrived. */
static void
wait_texture_matches_guest (const char *what)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  for (;;)
    {
      g_autoptr(Image) truth = guest_screenshot (NULL);
      g_autoptr(Image) shot = NULL;
      double difference;

      hangar_test_run_for (200);
      shot = image_from_texture (hangar_display_get_texture (guest.display));
      difference = image_max_difference (truth, shot, FALSE);
      if (difference < 1.0)
        break;
      if (g_get_monotonic_time () > deadline)
        {
          image_max_difference (truth, shot, TRUE);
          g_error ("The display's picture is not libvirt's (%s): a pixel differs by %.0f",
                   what, difference);
        }
    }
}

static void
save_screenshot_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Call *call = user_data;

  call->ok = hangar_console_view_save_screenshot_finish (HANGAR_CONSOLE_VIEW (source), result,
                                                         &call->error);
  call->done = TRUE;
}

/* The screenshot the console saves is libvirt's screenshot of the guest,
 * pixel for pixel. */
static void
test_screenshot (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_BUILT, "test-console-screenshot.png",
                                                 NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GdkTexture) saved = NULL;
  g_autoptr(Image) truth = NULL;
  g_autoptr(Image) shot = NULL;
  g_autoptr(GError) error = NULL;
  Call call = { 0 };
  double difference;

  wait_texture_matches_guest ("the screen before the screenshot");
  hangar_console_view_save_screenshot_async (guest.view, file, NULL, save_screenshot_cb, &call);
  hangar_test_wait_until (call_done, &call, 30, "the screenshot to be saved");
  g_assert_no_error (call.error);
  g_assert_true (call.ok);

  saved = gdk_texture_new_from_file (file, &error);
  g_assert_no_error (error);
  truth = guest_screenshot ("test-console-libvirt-screenshot.png");
  shot = image_from_texture (saved);
  difference = image_max_difference (truth, shot, TRUE);
  g_test_message ("saved screenshot %d×%d, largest difference from libvirt's: %.1f",
                  shot->width, shot->height, difference);
  g_assert_cmpfloat (difference, <, 1.0);
}

static gboolean
shown_at (gpointer data)
{
  const double *size = data;
  graphene_rect_t rect;

  return hangar_display_get_screen_rect (guest.display, &rect) &&
         fabs (rect.size.width - size[0]) < 0.5 && fabs (rect.size.height - size[1]) < 0.5;
}

/* Original size shows one guest pixel per screen pixel, scrolling what
 * does not fit; zoom scales from there; scale to fit comes back. */
static void
test_zoom (void)
{
  GdkTexture *texture = hangar_display_get_texture (guest.display);
  double width = gdk_texture_get_width (texture);
  double height = gdk_texture_get_height (texture);
  double size[2] = { width, height };
  GtkWidget *scroller = gtk_widget_get_ancestor (GTK_WIDGET (guest.display),
                                                 GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment;

  g_assert_nonnull (scroller);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (guest.view), "console.zoom-reset",
                                             NULL));
  hangar_test_wait_until (shown_at, size, 10, "the display at its original size");

  /* The window is smaller than the guest's screen: it scrolls. */
  hangar_test_run_for (200);
  adjustment = gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (scroller));
  g_assert_cmpfloat (gtk_adjustment_get_upper (adjustment), >=, width);
  g_assert_cmpfloat (gtk_adjustment_get_page_size (adjustment), <, width);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (guest.view), "console.zoom-out",
                                             NULL));
  size[0] = round (width * 0.8);
  size[1] = round (height * 0.8);
  hangar_test_wait_until (shown_at, size, 10, "the display zoomed out");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (guest.view), "console.scale-to-fit",
                                             NULL));
  hangar_test_run_for (300);
  g_assert_true (hangar_display_get_scale_to_fit (guest.display));
  wait_console_matches_guest ("the screen scaled to fit again");
}

static GtkWidget *
find_widget (GtkWidget *root,
             GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* USB redirection: the guest's channel is there, and the chooser lists
 * what the host has (this machine may have no USB device at all). */
static void
test_usb (void)
{
  HangarDisplaySession *session = hangar_display_get_session (guest.display);
  SpiceUsbDeviceManager *manager;
  g_autoptr(GPtrArray) devices = NULL;
  GtkWidget *chooser;

  g_assert_true (HANGAR_IS_SPICE_SESSION (session));
  g_assert_cmpuint (hangar_spice_session_get_n_usb_channels (HANGAR_SPICE_SESSION (session)),
                    ==, 1);
  manager = hangar_spice_session_get_usb_manager (HANGAR_SPICE_SESSION (session));
  g_assert_nonnull (manager);
  devices = spice_usb_device_manager_get_devices (manager);

  chooser = find_widget (GTK_WIDGET (guest.view), HANGAR_TYPE_USB_CHOOSER);
  g_assert_nonnull (chooser);
  g_test_message ("host USB devices: %u", devices->len);
  g_assert_cmpuint (hangar_usb_chooser_get_n_devices (HANGAR_USB_CHOOSER (chooser)), ==,
                    devices->len);
  if (devices->len == 0)
    g_assert_cmpstr (hangar_usb_chooser_get_placeholder (HANGAR_USB_CHOOSER (chooser)), ==,
                     "No USB devices are plugged into this computer");
}

/* Sound: the playback channel is open, played by spice-client-glib's
 * GStreamer backend. */
static void
test_audio (void)
{
  HangarDisplaySession *session = hangar_display_get_session (guest.display);

  g_assert_true (HANGAR_IS_SPICE_SESSION (session));
  g_assert_true (hangar_spice_session_get_audio_playing (HANGAR_SPICE_SESSION (session)));
}

/* Connecting to the display's port, as on a remote host: the display asks
 * for its password, refuses a wrong one, and shows the guest with the
 * right one. */
static void
test_password (void)
{
  hangar_console_view_set_direct (guest.view, TRUE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (guest.view), "console.reconnect", NULL));
  wait_state (HANGAR_CONSOLE_STATE_NEEDS_PASSWORD, 60, "the password prompt");
  g_test_message ("without a password: %s", hangar_console_view_get_message (guest.view));

  hangar_console_view_submit_password (guest.view, "wrong");
  wait_state (HANGAR_CONSOLE_STATE_CONNECTING, 10, "the connection with a wrong password");
  wait_state (HANGAR_CONSOLE_STATE_NEEDS_PASSWORD, 60, "the prompt again");
  g_assert_cmpstr (hangar_console_view_get_message (guest.view), ==,
                   "The display refused the password");

  hangar_console_view_submit_password (guest.view, GUEST_PASSWORD);
  hangar_test_wait_until (console_has_frames, NULL, 60, "the display with the password");
  wait_console_matches_guest ("the screen over the network port");

  /* Back to libvirt's descriptor for what follows. */
  hangar_console_view_set_direct (guest.view, FALSE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (guest.view), "console.reconnect", NULL));
  hangar_test_wait_until (console_has_frames, NULL, 60, "the display over the descriptor");
}

/* The guest reboots (QEMU resets it): the console shows the new boot
 * without the user doing anything. */
static void
test_reboot (void)
{
  SerialWait wait = { "hangar test guest", guest.serial_log->len };

  serial_write ("reboot -f\n");
  hangar_test_wait_until (serial_has, &wait, 120, "the guest's banner after the reboot");
  hangar_test_wait_until (console_has_frames, NULL, 60, "the console after the reboot");
  wait_console_matches_guest ("the guest after its reboot");
  image_free (shown_image ("test-console-rebooted.png"));
}

/* The guest is stopped and started again, a new QEMU: the console
 * reconnects on its own. */
static void
test_restart (void)
{
  Call call = { 0 };

  hangar_domain_force_off_async (guest.domain, NULL, force_off_cb, &call);
  hangar_test_wait_until (call_done, &call, 60, "the guest to stop");
  g_assert_no_error (call.error);
  wait_state (HANGAR_CONSOLE_STATE_NOT_RUNNING, 30, "the view to say Not Running");

  memset (&call, 0, sizeof call);
  hangar_domain_start_async (guest.domain, NULL, start_cb, &call);
  hangar_test_wait_until (call_done, &call, 120, "the guest to start again");
  g_assert_no_error (call.error);
  watch_qemu ();
  connect_serial ();

  hangar_test_wait_until (console_has_frames, NULL, 120, "the console to come back");
  {
    SerialWait wait = { "hangar test guest", 0 };

    hangar_test_wait_until (serial_has, &wait, 120, "the banner of the new boot");
  }
  wait_console_matches_guest ("the guest after a restart");
}

/* The console window: only the console and its toolbar, sized to the
 * guest's screen. */
static void
test_console_window (void)
{
  HangarConsoleWindow *window = hangar_console_window_new (NULL, guest.domain);
  HangarConsoleView *view = hangar_console_window_get_view (window);
  HangarDisplay *display;
  StateWait wait = { view, HANGAR_CONSOLE_STATE_CONNECTED };
  int width = 0, height = 0;

  /* SPICE takes one client at a time: the test's own view steps aside. */
  hangar_console_view_set_domain (guest.view, NULL);
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  gtk_window_present (GTK_WINDOW (window));
  hangar_test_wait_until (state_is, &wait, 60, "the console window to connect");
  display = hangar_console_view_get_display (view);
  g_assert_nonnull (display);
  hangar_test_run_for (1500);

  /* One guest pixel to one pixel of the screen. */
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_test_message ("console window %d×%d for a guest of %d×%d", width, height,
                  hangar_display_get_guest_width (display),
                  hangar_display_get_guest_height (display));
  g_assert_cmpint (width, ==, hangar_display_get_guest_width (display));
  g_assert_true (hangar_console_window_get_toolbar_revealed (window));

  save_root_screenshot ("test-console-window.png");

  /* The SPICE server takes one client: the test's view gets the display
   * back once the window is gone. */
  gtk_window_destroy (GTK_WINDOW (window));
  hangar_test_run_for (300);
  g_assert_null (window);
  hangar_console_view_set_domain (guest.view, guest.domain);
  hangar_test_wait_until (console_has_frames, NULL, 60, "the test's view to connect again");
}

/* Another guest, for the display and serial tests of other kinds. */
/* @console_id: the console to show, chosen before the guest runs. */
static HangarDomain *
define_and_start (const char *xml,
                  const char *console_id)
{
  g_autoptr(HangarDomainDoc) doc = NULL;
  HangarDomain *domain;
  Call call = { 0 };

  doc = hangar_domain_doc_new_from_string (xml, -1, "guest.xml", &call.error);
  g_assert_no_error (call.error);
  hangar_connection_define_async (guest.connection, doc, NULL, define_cb, &call);
  hangar_test_wait_until (call_done, &call, 60, "a guest to be defined");
  g_assert_no_error (call.error);
  domain = call.domain;

  hangar_console_view_set_domain (guest.view, domain);
  if (console_id != NULL)
    hangar_console_view_select_console (guest.view, console_id);

  memset (&call, 0, sizeof call);
  hangar_domain_start_async (domain, NULL, start_cb, &call);
  hangar_test_wait_until (call_done, &call, 120, "a guest to start");
  g_assert_no_error (call.error);

  return domain;
}

static void
stop_and_undefine (HangarDomain *domain)
{
  Call call = { 0 };

  hangar_domain_force_off_async (domain, NULL, force_off_cb, &call);
  hangar_test_wait_until (call_done, &call, 60, "a guest to stop");
  g_clear_error (&call.error);
  memset (&call, 0, sizeof call);
  hangar_domain_undefine_async (domain, NULL, undefine_cb, &call);
  hangar_test_wait_until (call_done, &call, 60, "a guest to be undefined");
  g_clear_error (&call.error);
}

/* A VNC guest shows its screen and takes keys, through gvnc behind the
 * same display. */
static void
test_vnc (void)
{
  g_autoptr(GString) xml = g_string_new (NULL);
  g_autoptr(HangarDomain) domain = NULL;
  HangarDomain *spice_domain = guest.domain;
  SerialWait wait = { "hangar test guest", 0 };
  char *text;
  Call call = { 0 };

  /* One guest at a time on two cores.  The view follows the SPICE guest
   * as it stops. */
  hangar_domain_force_off_async (spice_domain, NULL, force_off_cb, &call);
  hangar_test_wait_until (call_done, &call, 60, "the SPICE guest to stop");
  g_assert_no_error (call.error);
  wait_state (HANGAR_CONSOLE_STATE_NOT_RUNNING, 30, "the view to say Not Running");
  g_assert_null (hangar_console_view_get_display (guest.view));

  text = guest_xml_for ("console-vnc", "serial-vnc");
  g_string_assign (xml, text);
  g_free (text);
  listen_nowhere (xml, "vnc");

  g_string_truncate (guest.serial_log, 0);
  disconnect_serial ();
  domain = define_and_start (xml->str, NULL);
  guest.domain = domain;
  watch_qemu_of ("console-vnc");
  connect_serial_to ("serial-vnc");

  hangar_test_wait_until (console_has_frames, NULL, 120, "the VNC display's first frame");
  g_assert_cmpstr (hangar_display_session_get_protocol (hangar_display_get_session (guest.display)),
                   ==, "VNC");
  hangar_test_wait_until (serial_has, &wait, 120, "the VNC guest's banner");
  wait_console_matches_guest ("the VNC guest's shell");

  /* Keys typed in the display run in the guest's shell. */
  {
    SerialWait typed = { "vnc-42", guest.serial_log->len };

    focus_display ();
    xdotool ("type --delay 40 'echo vnc-$((6*7)) >/dev/ttyS0'");
    xdotool ("key --delay 40 Return");
    hangar_test_wait_until (serial_has, &typed, 30, "the command typed over VNC");
  }
  wait_console_matches_guest ("the VNC guest after typing");
  image_free (shown_image ("test-console-vnc.png"));

  /* And its picture is libvirt's, pixel for pixel. */
  wait_texture_matches_guest ("the VNC guest");

  stop_and_undefine (domain);
  disconnect_serial ();
  guest.domain = spice_domain;
  hangar_console_view_set_domain (guest.view, spice_domain);
}

typedef struct
{
  const char *needle;
} TerminalWait;

static gboolean
terminal_has (gpointer data)
{
  TerminalWait *wait = data;
  HangarSerialConsole *serial = hangar_console_view_get_serial (guest.view);
  g_autofree char *text = serial != NULL ? hangar_serial_console_dup_text (serial) : NULL;

  return text != NULL && strstr (text, wait->needle) != NULL;
}

/* A serial console: the switcher lists it next to the display, it shows
 * what the guest writes, and what is typed in it reaches the guest: a
 * reboot typed there shows the kernel's boot messages. */
static void
test_serial (void)
{
  g_autoptr(GString) xml = g_string_new (NULL);
  g_autoptr(HangarDomain) domain = NULL;
  g_auto(GStrv) ids = NULL;
  HangarDomain *spice_domain = guest.domain;
  TerminalWait prompt = { "hangar" };
  TerminalWait boot = { "Linux version" };
  char *text;

  text = guest_xml_for ("console-serial", NULL);
  g_string_assign (xml, text);
  g_free (text);
  /* The kernel's messages on the serial port too. */
  g_assert_cmpuint (g_string_replace (xml, " quiet ", " ", 1), ==, 1);
  listen_nowhere (xml, "spice");

  /* The serial console is chosen before the guest runs, as a user who
   * last looked at it would have: the view opens it once the guest runs. */
  domain = define_and_start (xml->str, "serial0");
  guest.domain = domain;
  watch_qemu_of ("console-serial");
  wait_state (HANGAR_CONSOLE_STATE_CONNECTED, 120, "the serial console");

  ids = hangar_console_view_dup_console_ids (guest.view);
  text = g_strjoinv (" ", ids);
  g_test_message ("consoles: %s", text);
  g_assert_cmpstr (text, ==, "graphics0 serial0");
  g_free (text);
  g_assert_cmpstr (hangar_console_view_get_console_id (guest.view), ==, "serial0");
  g_assert_nonnull (hangar_console_view_get_serial (guest.view));
  g_assert_null (hangar_console_view_get_display (guest.view));

  /* Earlier output is not replayed: Enter asks for a prompt. */
  gtk_widget_grab_focus (GTK_WIDGET (hangar_console_view_get_serial (guest.view)));
  hangar_test_run_for (300);
  xdotool ("key Return");
  hangar_test_wait_until (terminal_has, &prompt, 60, "the guest's prompt in the terminal");

  xdotool ("type --delay 40 'reboot -f'");
  xdotool ("key Return");
  hangar_test_wait_until (terminal_has, &boot, 120, "the kernel's boot messages");
  hangar_test_run_for (1000);
  save_root_screenshot ("test-console-serial.png");

  stop_and_undefine (domain);
  guest.domain = spice_domain;
  hangar_console_view_set_domain (guest.view, spice_domain);
}

/* The guest stops: the view says so, and nothing keeps the widgets alive
 * once the window is closed. */
static void
test_stop (void)
{
  Call call = { 0 };

  /* The SPICE guest stopped for the VNC test, unless that was skipped. */
  if (hangar_domain_get_state (guest.domain) != HANGAR_DOMAIN_STATE_SHUTOFF)
    {
      hangar_domain_force_off_async (guest.domain, NULL, force_off_cb, &call);
      hangar_test_wait_until (call_done, &call, 60, "the guest to stop");
      g_assert_no_error (call.error);
    }
  wait_state (HANGAR_CONSOLE_STATE_NOT_RUNNING, 30, "the view to say Not Running");

  gtk_window_destroy (guest.window);
  guest.window = NULL;
  hangar_test_run_for (200);
  g_assert_null (guest.view);
  g_assert_null (guest.display);
}

static void
clean_up (void)
{
  Call call = { 0 };

  if (guest.window != NULL)
    gtk_window_destroy (guest.window);

  if (guest.serial_source != NULL)
    {
      g_source_destroy (guest.serial_source);
      g_clear_pointer (&guest.serial_source, g_source_unref);
    }
  g_clear_object (&guest.serial);

  /* QEMU outlives this process: stop and remove what the test made. */
  if (guest.domain != NULL)
    {
      if (hangar_domain_get_state (guest.domain) != HANGAR_DOMAIN_STATE_SHUTOFF)
        {
          hangar_domain_force_off_async (guest.domain, NULL, force_off_cb, &call);
          hangar_test_wait_until (call_done, &call, 60, "the guest to stop");
          g_clear_error (&call.error);
        }
      memset (&call, 0, sizeof call);
      hangar_domain_undefine_async (guest.domain, NULL, undefine_cb, &call);
      hangar_test_wait_until (call_done, &call, 60, "the guest to be undefined");
      g_clear_error (&call.error);
      g_clear_object (&guest.domain);
    }

  hangar_connection_close (guest.connection);
  g_clear_object (&guest.connection);
}

/* spice-client-glib warns when a channel's socket closes in the middle of
 * its handshake, which is what switching consoles or closing a window
 * right after connecting does: that is no defect to fail a test for. */
static gboolean
fatal_log_cb (const char     *log_domain,
              GLogLevelFlags  log_level,
              const char     *message,
              gpointer        user_data)
{
  if (g_strcmp0 (log_domain, "GSpice") == 0 && (log_level & G_LOG_LEVEL_WARNING) &&
      strstr (message, "incomplete link header") != NULL)
    return FALSE;

  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  int status;

  gtk_test_init (&argc, &argv, NULL);
  g_test_log_set_fatal_handler (fatal_log_cb, NULL);
  adw_init ();
  hangar_event_loop_ensure ();

  if (!GDK_IS_X11_DISPLAY (gdk_display_get_default ()))
    {
      g_test_skip ("needs an X11 display (Xvfb)");
      return 77;
    }

  /* A short private root: QEMU's socket paths must stay short. */
  guest.root = hangar_test_root_new (&error);
  g_assert_no_error (error);
  uri = hangar_connection_prepare_embed_root (guest.root, &error);
  g_assert_no_error (error);
  guest.connection = hangar_connection_new (uri);
  guest.serial_log = g_string_new (NULL);
  {
    g_autofree char *path = g_test_build_filename (G_TEST_BUILT, "test-console-serial.log",
                                                   NULL);

    guest.serial_file = fopen (path, "w");
  }

  g_test_add_func ("/hangar/console/start", test_start);
  g_test_add_func ("/hangar/console/screen", test_screen);
  g_test_add_func ("/hangar/console/typed-text", test_typed_text);
  g_test_add_func ("/hangar/console/pointer", test_pointer);
  g_test_add_func ("/hangar/console/keymap", test_keymap);
  g_test_add_func ("/hangar/console/send-keys", test_send_keys);
  g_test_add_func ("/hangar/console/release-on-focus-loss", test_release_on_focus_loss);
  g_test_add_func ("/hangar/console/grab", test_grab);
  g_test_add_func ("/hangar/console/screenshot", test_screenshot);
  g_test_add_func ("/hangar/console/zoom", test_zoom);
  g_test_add_func ("/hangar/console/usb", test_usb);
  g_test_add_func ("/hangar/console/audio", test_audio);
  g_test_add_func ("/hangar/console/password", test_password);
  g_test_add_func ("/hangar/console/console-window", test_console_window);
  g_test_add_func ("/hangar/console/reboot", test_reboot);
  g_test_add_func ("/hangar/console/restart", test_restart);
  g_test_add_func ("/hangar/console/vnc", test_vnc);
  g_test_add_func ("/hangar/console/serial", test_serial);
  g_test_add_func ("/hangar/console/stop", test_stop);

  status = g_test_run ();

  clean_up ();
  qemu_pid = 0;
  g_clear_pointer (&guest.serial_file, fclose);
  g_string_free (guest.serial_log, TRUE);
  hangar_test_root_destroy (guest.root);
  g_free (guest.root);
  g_free (guest.keyboard_event);
  g_free (guest.tablet_event);

  return status;
}
