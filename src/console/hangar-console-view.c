/* hangar-console-view.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-console-view"

#include "config.h"

#include <sys/socket.h>
#include <unistd.h>

#include <adwaita.h>
#include <glib/gi18n.h>

#include "hangar-connection.h"
#include "hangar-console-target.h"
#include "hangar-console-view.h"
#include "hangar-keymap.h"
#include "hangar-spice-session.h"
#include "hangar-usb-chooser.h"
#include "hangar-virt-error.h"
#include "hangar-vnc-session.h"

/* When the display drops while the domain still looks alive, wait before
 * trying again: a guest that powers off, or is forced off, closes its
 * display a second or two before libvirt reports it shut off, and "Not
 * Running" is the truer message then.  The last picture stays meanwhile.
 * A display that keeps failing is given up on after MAX_RETRIES. */
#define RETRY_DELAY_MS 1500
#define MAX_RETRIES    4

/* How long the hint about releasing the keyboard stays. */
#define GRAB_HINT_MS   4000

typedef enum
{
  CONSOLE_GRAPHICS,
  CONSOLE_SERIAL,
} ConsoleKind;

/* One console of the running domain, from its live definition. */
typedef struct
{
  char        *id;
  char        *label;
  ConsoleKind  kind;
  unsigned     index;       /* graphics: which display for libvirt */
  char        *type;        /* "spice", "vnc", "pty" */
  char        *alias;       /* serial: libvirt's device name */
  char        *listen;
  char        *port;
  char        *tls_port;
} Console;

static void
console_free (Console *console)
{
  g_free (console->id);
  g_free (console->label);
  g_free (console->type);
  g_free (console->alias);
  g_free (console->listen);
  g_free (console->port);
  g_free (console->tls_port);
  g_free (console);
}

struct _HangarConsoleView
{
  GtkWidget             parent_instance;

  /* owned references */
  HangarDomain         *domain;
  GCancellable         *cancellable;      /* the current connection's */
  char                 *message;
  GPtrArray            *consoles;         /* Console */
  char                 *console_id;
  char                 *password;
  HangarDisplaySession *session;
  HangarConsoleStream  *stream;
  GPtrArray            *tunnels;          /* GSubprocess */
  GSimpleActionGroup   *actions;
  GMenu                *console_menu;
  GSettings            *settings;

  /* child widgets */
  GtkWidget            *box;
  GtkWidget            *toolbar;
  GtkStack             *stack;
  AdwStatusPage        *status_page;
  GtkButton            *reconnect_button;
  AdwStatusPage        *connecting_page;
  AdwStatusPage        *password_page;
  GtkPasswordEntry     *password_entry;
  GtkWidget            *display_page;
  GtkScrolledWindow    *scroller;
  HangarDisplay        *display;
  GtkRevealer          *grab_hint;
  HangarSerialConsole  *serial;

  HangarConsoleState    state;
  guint                 retry_id;
  guint                 hint_id;
  unsigned              retries;
  gboolean              direct;
  gboolean              show_toolbar;
};

G_DEFINE_FINAL_TYPE (HangarConsoleView, hangar_console_view, GTK_TYPE_WIDGET)

G_DEFINE_ENUM_TYPE (HangarConsoleState, hangar_console_state,
  G_DEFINE_ENUM_VALUE (HANGAR_CONSOLE_STATE_NONE, "none"),
  G_DEFINE_ENUM_VALUE (HANGAR_CONSOLE_STATE_NOT_RUNNING, "not-running"),
  G_DEFINE_ENUM_VALUE (HANGAR_CONSOLE_STATE_NO_DISPLAY, "no-display"),
  G_DEFINE_ENUM_VALUE (HANGAR_CONSOLE_STATE_CONNECTING, "connecting"),
  G_DEFINE_ENUM_VALUE (HANGAR_CONSOLE_STATE_CONNECTED, "connected"),
  G_DEFINE_ENUM_VALUE (HANGAR_CONSOLE_STATE_DISCONNECTED, "disconnected"),
  G_DEFINE_ENUM_VALUE (HANGAR_CONSOLE_STATE_NEEDS_PASSWORD, "needs-password"))

enum {
  PROP_0,
  PROP_DOMAIN,
  PROP_STATE,
  PROP_MESSAGE,
  PROP_CONSOLE_ID,
  PROP_CONSOLE_LABEL,
  PROP_SHOW_TOOLBAR,
  PROP_DIRECT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void connect_current (HangarConsoleView *self);
static void notify_console  (HangarConsoleView *self);
static void update_actions  (HangarConsoleView *self);

/* One asynchronous step of one connection: it holds the view and that
 * connection's cancellable, so that an answer arriving after the view
 * moved on is recognised and dropped. */
typedef struct
{
  HangarConsoleView *self;
  GCancellable      *cancellable;
  gpointer           token;
} Attempt;

static Attempt *
attempt_new (HangarConsoleView *self,
             gpointer           token)
{
  Attempt *attempt = g_new0 (Attempt, 1);

  attempt->self = g_object_ref (self);
  attempt->cancellable = g_object_ref (self->cancellable);
  attempt->token = token;

  return attempt;
}

static void
attempt_free (Attempt *attempt)
{
  g_clear_object (&attempt->self);
  g_clear_object (&attempt->cancellable);
  g_free (attempt);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Attempt, attempt_free)

static gboolean
attempt_is_current (Attempt *attempt)
{
  return !g_cancellable_is_cancelled (attempt->cancellable);
}

/* State */

static gboolean
domain_is_active (HangarDomain *domain)
{
  switch (hangar_domain_get_state (domain))
    {
    case HANGAR_DOMAIN_STATE_RUNNING:
    case HANGAR_DOMAIN_STATE_PAUSED:
    case HANGAR_DOMAIN_STATE_SHUTTING_DOWN:
    case HANGAR_DOMAIN_STATE_SUSPENDED:
      /* QEMU is alive, and so is its display. */
      return TRUE;

    case HANGAR_DOMAIN_STATE_SHUTOFF:
    case HANGAR_DOMAIN_STATE_CRASHED:
    default:
      return FALSE;
    }
}

static Console *
current_console (HangarConsoleView *self)
{
  for (unsigned i = 0; self->consoles != NULL && i < self->consoles->len; i++)
    {
      Console *console = g_ptr_array_index (self->consoles, i);

      if (g_strcmp0 (console->id, self->console_id) == 0)
        return console;
    }

  return NULL;
}

static void
set_state (HangarConsoleView  *self,
           HangarConsoleState  state,
           const char         *message)
{
  const char *title = NULL;
  const char *icon_name = NULL;
  gboolean state_changed = self->state != state;
  gboolean message_changed = g_strcmp0 (self->message, message) != 0;
  Console *console;

  g_debug ("%s: state %d, %s",
           self->domain != NULL ? hangar_domain_get_name (self->domain) : "-",
           state, message != NULL ? message : "no message");

  self->state = state;
  if (message_changed)
    {
      g_free (self->message);
      self->message = g_strdup (message);
    }

  switch (state)
    {
    case HANGAR_CONSOLE_STATE_NONE:
      title = _("No Virtual Machine");
      icon_name = "computer-symbolic";
      break;

    case HANGAR_CONSOLE_STATE_NOT_RUNNING:
      title = _("Not Running");
      icon_name = "system-shutdown-symbolic";
      break;

    case HANGAR_CONSOLE_STATE_NO_DISPLAY:
      title = _("No Console");
      icon_name = "video-display-symbolic";
      break;

    case HANGAR_CONSOLE_STATE_DISCONNECTED:
      title = _("Disconnected");
      icon_name = "network-offline-symbolic";
      break;

    case HANGAR_CONSOLE_STATE_NEEDS_PASSWORD:
      adw_status_page_set_description (self->password_page, message);
      gtk_stack_set_visible_child (self->stack, GTK_WIDGET (self->password_page));
      gtk_widget_grab_focus (GTK_WIDGET (self->password_entry));
      break;

    case HANGAR_CONSOLE_STATE_CONNECTING:
      adw_status_page_set_description (self->connecting_page, message);
      gtk_stack_set_visible_child (self->stack, GTK_WIDGET (self->connecting_page));
      break;

    case HANGAR_CONSOLE_STATE_CONNECTED:
      console = current_console (self);
      if (console != NULL && console->kind == CONSOLE_SERIAL)
        gtk_stack_set_visible_child (self->stack, GTK_WIDGET (self->serial));
      else
        gtk_stack_set_visible_child (self->stack, self->display_page);
      break;

    default:
      g_assert_not_reached ();
    }

  if (title != NULL)
    {
      adw_status_page_set_title (self->status_page, title);
      adw_status_page_set_icon_name (self->status_page, icon_name);
      adw_status_page_set_description (self->status_page, message);
      gtk_widget_set_visible (GTK_WIDGET (self->reconnect_button),
                              state == HANGAR_CONSOLE_STATE_DISCONNECTED);
      gtk_stack_set_visible_child (self->stack, GTK_WIDGET (self->status_page));
    }

  update_actions (self);

  if (state_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  if (message_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
}

static void
notify_console (HangarConsoleView *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONSOLE_ID]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONSOLE_LABEL]);
}

/* Tunnels */

static void
stop_tunnels (HangarConsoleView *self)
{
  for (unsigned i = 0; i < self->tunnels->len; i++)
    g_subprocess_force_exit (g_ptr_array_index (self->tunnels, i));
  g_ptr_array_set_size (self->tunnels, 0);
}

/* A socket whose far end is ssh's standard input and output, which ssh
 * forwards to the display on the other host (ssh -W). */
static int
open_tunnel (HangarConsoleView  *self,
             char              **argv,
             GError            **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  int fds[2];

  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   _("Could not make a tunnel to the display: %s"), g_strerror (errno));
      return -1;
    }

  g_debug ("Tunnel: %s", argv[0]);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_take_stdin_fd (launcher, fds[1]);
  g_subprocess_launcher_take_stdout_fd (launcher, dup (fds[1]));
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv, error);
  if (process == NULL)
    {
      close (fds[0]);
      return -1;
    }

  g_ptr_array_add (self->tunnels, g_steal_pointer (&process));

  return fds[0];
}

/* Connection lifetime */

static void
stop_connection (HangarConsoleView *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->retry_id, g_source_remove);

  hangar_display_set_session (self->display, NULL);
  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->session, self);
      hangar_display_session_close (self->session);
      g_clear_object (&self->session);
    }

  hangar_serial_console_set_stream (self->serial, NULL);
  if (self->stream != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->stream, self);
      hangar_console_stream_close (self->stream);
      g_clear_object (&self->stream);
    }

  stop_tunnels (self);
}

static void
show_not_running (HangarConsoleView *self)
{
  g_autofree char *message = NULL;

  stop_connection (self);
  self->retries = 0;
  message = g_strdup_printf (_("Start “%s” to see its console."),
                             hangar_domain_get_name (self->domain));
  set_state (self, HANGAR_CONSOLE_STATE_NOT_RUNNING, message);
}

static void
show_disconnected (HangarConsoleView *self,
                   const char        *reason)
{
  if (reason == NULL)
    reason = _("The connection to the console ended.");

  stop_connection (self);
  set_state (self, HANGAR_CONSOLE_STATE_DISCONNECTED, reason);
}

static gboolean
retry_cb (gpointer user_data)
{
  HangarConsoleView *self = user_data;
  g_autofree char *reason = g_strdup (self->message);

  self->retry_id = 0;

  if (self->domain == NULL)
    return G_SOURCE_REMOVE;

  if (!domain_is_active (self->domain))
    {
      show_not_running (self);
      return G_SOURCE_REMOVE;
    }

  if (self->retries >= MAX_RETRIES)
    {
      show_disconnected (self, reason);
      return G_SOURCE_REMOVE;
    }

  /* QEMU restarting under a reboot, a network hiccup: try again. */
  self->retries++;
  g_debug ("Reconnecting, attempt %u", self->retries);
  connect_current (self);

  return G_SOURCE_REMOVE;
}

/* The connection ended on its own: try again a little later, unless the
 * domain stopped, which the state change shows instead. */
static void
connection_lost (HangarConsoleView *self,
                 const char        *reason)
{
  g_free (self->message);
  self->message = g_strdup (reason);

  if (self->retry_id == 0)
    self->retry_id = g_timeout_add (RETRY_DELAY_MS, retry_cb, self);
}

/* Graphical consoles */

static void
session_connected_cb (HangarDisplaySession *session,
                      GParamSpec           *pspec,
                      HangarConsoleView    *self)
{
  if (hangar_display_session_get_connected (session) &&
      self->state == HANGAR_CONSOLE_STATE_CONNECTING)
    {
      self->retries = 0;
      set_state (self, HANGAR_CONSOLE_STATE_CONNECTED, NULL);
    }
}

static void
session_error_cb (HangarDisplaySession *session,
                  GParamSpec           *pspec,
                  HangarConsoleView    *self)
{
  const GError *error = hangar_display_session_get_error (session);

  if (error == NULL)
    return;

  if (g_error_matches (error, HANGAR_DISPLAY_ERROR, HANGAR_DISPLAY_ERROR_AUTH))
    {
      g_autofree char *message = g_strdup (error->message);

      /* The password was wrong, or there was none: ask. */
      stop_connection (self);
      g_clear_pointer (&self->password, g_free);
      set_state (self, HANGAR_CONSOLE_STATE_NEEDS_PASSWORD, message);
      return;
    }

  connection_lost (self, error->message);
}

static HangarDisplaySession *
new_session (HangarConsoleView *self,
             Console           *console)
{
  HangarDisplaySession *session;

  if (g_strcmp0 (console->type, "vnc") == 0)
    session = HANGAR_DISPLAY_SESSION (hangar_vnc_session_new ());
  else
    session = HANGAR_DISPLAY_SESSION (hangar_spice_session_new ());

  g_clear_object (&self->session);
  self->session = session;
  g_signal_connect (session, "notify::connected", G_CALLBACK (session_connected_cb), self);
  g_signal_connect (session, "notify::error", G_CALLBACK (session_error_cb), self);
  hangar_display_set_session (self->display, session);

  return session;
}

static void
channel_fd_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(Attempt) attempt = user_data;
  g_autoptr(GError) error = NULL;
  int fd;

  fd = hangar_domain_open_graphics_fd_finish (HANGAR_DOMAIN (source), result, &error);

  if (!attempt_is_current (attempt) || !HANGAR_IS_SPICE_SESSION (attempt->self->session))
    {
      if (fd >= 0)
        close (fd);
      return;
    }

  if (fd < 0)
    g_warning ("No socket for a display channel of “%s”: %s",
               hangar_domain_get_name (HANGAR_DOMAIN (source)), error->message);

  hangar_spice_session_take_channel_fd (HANGAR_SPICE_SESSION (attempt->self->session),
                                        attempt->token, fd);
}

static void
channel_fd_request_cb (HangarDisplaySession *session,
                       gpointer              token,
                       gpointer              user_data)
{
  HangarConsoleView *self = user_data;
  Console *console = current_console (self);

  /* The session closes before the view changes domain or connection, so
   * a request always belongs to the current one. */
  g_assert (self->domain != NULL && self->cancellable != NULL && console != NULL);

  hangar_domain_open_graphics_fd_async (self->domain, console->index, self->cancellable,
                                        channel_fd_cb, attempt_new (self, token));
}

static void
tunnel_request_cb (HangarDisplaySession *session,
                   gpointer              token,
                   gpointer              user_data)
{
  HangarConsoleView *self = user_data;
  g_auto(GStrv) argv = g_object_get_data (G_OBJECT (session), "hangar-ssh-argv") != NULL
                       ? g_strdupv (g_object_get_data (G_OBJECT (session), "hangar-ssh-argv"))
                       : NULL;
  g_autoptr(GError) error = NULL;
  int fd = -1;

  if (argv != NULL)
    fd = open_tunnel (self, argv, &error);
  if (fd < 0 && error != NULL)
    g_warning ("No tunnel for a display channel: %s", error->message);

  hangar_spice_session_take_channel_fd (HANGAR_SPICE_SESSION (session), token, fd);
}

static void
main_fd_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Attempt) attempt = user_data;
  g_autoptr(GError) error = NULL;
  HangarConsoleView *self = attempt->self;
  Console *console;
  HangarDisplaySession *session;
  int fd;

  fd = hangar_domain_open_graphics_fd_finish (HANGAR_DOMAIN (source), result, &error);

  if (!attempt_is_current (attempt))
    {
      if (fd >= 0)
        close (fd);
      return;
    }

  console = current_console (self);
  if (fd < 0 || console == NULL)
    {
      if (fd >= 0)
        close (fd);
      if (g_error_matches (error, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_NO_SUPPORT))
        set_state (self, HANGAR_CONSOLE_STATE_NO_DISPLAY, error->message);
      else
        connection_lost (self, error != NULL ? error->message : NULL);
      return;
    }

  session = new_session (self, console);
  if (HANGAR_IS_VNC_SESSION (session))
    hangar_vnc_session_open_fd (HANGAR_VNC_SESSION (session), fd, self->password);
  else
    hangar_spice_session_open_fd (HANGAR_SPICE_SESSION (session), fd,
                                  channel_fd_request_cb, self, NULL);
}

static void
connect_graphics (HangarConsoleView *self,
                  Console           *console)
{
  HangarConnection *connection = hangar_domain_get_connection (self->domain);
  g_autoptr(HangarConsoleTarget) target = NULL;
  g_autoptr(GError) error = NULL;
  HangarDisplaySession *session;
  int fd;

  target = hangar_console_target_new (hangar_connection_get_uri (connection),
                                      hangar_connection_is_local (connection), self->direct,
                                      console->listen, console->port, console->tls_port,
                                      &error);
  if (target == NULL)
    {
      show_disconnected (self, error->message);
      return;
    }

  switch (target->method)
    {
    case HANGAR_TARGET_FD:
      hangar_domain_open_graphics_fd_async (self->domain, console->index, self->cancellable,
                                            main_fd_cb, attempt_new (self, NULL));
      break;

    case HANGAR_TARGET_DIRECT:
      session = new_session (self, console);
      if (HANGAR_IS_VNC_SESSION (session))
        hangar_vnc_session_open_host (HANGAR_VNC_SESSION (session), target->host,
                                      target->port, self->password);
      else
        hangar_spice_session_open_host (HANGAR_SPICE_SESSION (session), target->host,
                                        target->port, target->tls_port, self->password);
      break;

    case HANGAR_TARGET_SSH:
      fd = open_tunnel (self, target->ssh_argv, &error);
      if (fd < 0)
        {
          show_disconnected (self, error->message);
          return;
        }

      session = new_session (self, console);
      /* Every further SPICE channel gets a tunnel of its own. */
      g_object_set_data_full (G_OBJECT (session), "hangar-ssh-argv",
                              g_strdupv (target->ssh_argv), (GDestroyNotify) g_strfreev);
      if (HANGAR_IS_VNC_SESSION (session))
        hangar_vnc_session_open_fd (HANGAR_VNC_SESSION (session), fd, self->password);
      else
        hangar_spice_session_open_fd (HANGAR_SPICE_SESSION (session), fd,
                                      tunnel_request_cb, self, NULL);
      break;

    default:
      g_assert_not_reached ();
    }
}

/* Serial consoles */

static void
stream_closed_cb (HangarConsoleStream *stream,
                  const GError        *error,
                  HangarConsoleView   *self)
{
  connection_lost (self, error != NULL ? error->message
                                       : _("The guest’s console closed"));
}

static void
stream_opened_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(Attempt) attempt = user_data;
  g_autoptr(HangarConsoleStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  HangarConsoleView *self = attempt->self;

  stream = hangar_console_stream_open_finish (result, &error);

  if (!attempt_is_current (attempt))
    {
      if (stream != NULL)
        hangar_console_stream_close (stream);
      return;
    }

  if (stream == NULL)
    {
      connection_lost (self, error->message);
      return;
    }

  self->stream = g_steal_pointer (&stream);
  g_signal_connect (self->stream, "closed", G_CALLBACK (stream_closed_cb), self);
  hangar_serial_console_set_stream (self->serial, self->stream);
  self->retries = 0;
  set_state (self, HANGAR_CONSOLE_STATE_CONNECTED, NULL);
  gtk_widget_grab_focus (GTK_WIDGET (self->serial));
}

/* Choosing and opening a console */

static void
connect_current (HangarConsoleView *self)
{
  Console *console = current_console (self);
  g_autofree char *message = NULL;

  g_assert (console != NULL);

  stop_connection (self);
  self->cancellable = g_cancellable_new ();

  message = g_strdup_printf (self->retries > 0 ? _("Reconnecting to %s")
                                               : _("Opening %s"), console->label);
  set_state (self, HANGAR_CONSOLE_STATE_CONNECTING, message);

  if (console->kind == CONSOLE_SERIAL)
    hangar_console_stream_open_async (self->domain, console->alias, self->cancellable,
                                      stream_opened_cb, attempt_new (self, NULL));
  else
    connect_graphics (self, console);
}

static void
add_console (HangarConsoleView *self,
             Console           *console)
{
  g_autofree char *action = g_strdup_printf ("console.select::%s", console->id);

  g_ptr_array_add (self->consoles, console);
  g_menu_append (self->console_menu, console->label, action);
}

/* The consoles the live definition lists: graphics the console can show
 * (SPICE, VNC), then serial and text consoles on a pty. */
static void
read_consoles (HangarConsoleView *self,
               HangarDomainDoc   *doc)
{
  unsigned n_graphics = hangar_domain_doc_count_devices (doc, "graphics");
  unsigned n_serial = hangar_domain_doc_count_devices (doc, "serial");
  unsigned n_console = hangar_domain_doc_count_devices (doc, "console");

  g_ptr_array_set_size (self->consoles, 0);
  g_menu_remove_all (self->console_menu);

  for (unsigned i = 0; i < n_graphics; i++)
    {
      HangarDevice *device = hangar_domain_doc_get_device (doc, HANGAR_DEVICE_GRAPHICS, i);
      const char *type = hangar_device_get_string (device, "type");
      g_autofree char *upper = NULL;
      Console *console;

      if (g_strcmp0 (type, "spice") != 0 && g_strcmp0 (type, "vnc") != 0)
        continue;

      upper = g_ascii_strup (type, -1);
      console = g_new0 (Console, 1);
      console->id = g_strdup_printf ("graphics%u", i);
      /* Translators: "SPICE Display", "VNC Display" */
      console->label = n_graphics > 1 ? g_strdup_printf (_("%s Display %u"), upper, i + 1)
                                      : g_strdup_printf (_("%s Display"), upper);
      console->kind = CONSOLE_GRAPHICS;
      console->index = i;
      console->type = g_strdup (type);
      console->listen = g_strdup (hangar_device_get_string (device, "listen-address"));
      if (console->listen == NULL)
        console->listen = g_strdup (hangar_device_get_string (device, "listen"));
      console->port = g_strdup (hangar_device_get_string (device, "port"));
      console->tls_port = g_strdup (hangar_device_get_string (device, "tls-port"));
      add_console (self, console);
    }

  for (unsigned k = 0; k < 2; k++)
    {
      const char *kind = k == 0 ? "serial" : "console";
      HangarDeviceKind device_kind = k == 0 ? HANGAR_DEVICE_SERIAL : HANGAR_DEVICE_CONSOLE;
      unsigned n = k == 0 ? n_serial : n_console;

      for (unsigned i = 0; i < n; i++)
        {
          HangarDevice *device = hangar_domain_doc_get_device (doc, device_kind, i);
          const char *alias = hangar_device_get_string (device, "alias");
          const char *target_type = hangar_device_get_string (device, "target-type");
          guint64 port = i;
          Console *console;

          if (g_strcmp0 (hangar_device_get_string (device, "type"), "pty") != 0 ||
              alias == NULL)
            continue;

          /* A <console> of a serial port is that port again. */
          if (k == 1 && g_strcmp0 (target_type, "serial") == 0 && n_serial > 0)
            continue;

          hangar_device_get_uint (device, "target-port", &port);
          console = g_new0 (Console, 1);
          console->id = g_strdup_printf ("%s%u", kind, i);
          console->label = k == 0 ? g_strdup_printf (_("Serial Port %u"), (unsigned) port + 1)
                                  : g_strdup_printf (_("Text Console %u (%s)"),
                                                     (unsigned) port + 1,
                                                     target_type != NULL ? target_type
                                                                         : "virtio");
          console->kind = CONSOLE_SERIAL;
          console->index = i;
          console->type = g_strdup ("pty");
          console->alias = g_strdup (alias);
          add_console (self, console);
        }
    }
}

static void
doc_loaded_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(Attempt) attempt = user_data;
  g_autoptr(HangarDomainDoc) doc = NULL;
  g_autoptr(GError) error = NULL;
  HangarConsoleView *self = attempt->self;
  g_autofree char *chosen = NULL;

  doc = hangar_domain_load_doc_finish (HANGAR_DOMAIN (source), result, &error);

  if (!attempt_is_current (attempt))
    return;

  if (doc == NULL)
    {
      connection_lost (self, error->message);
      return;
    }

  read_consoles (self, doc);

  if (self->consoles->len == 0)
    {
      g_autofree char *message =
        g_strdup_printf (_("“%s” has no graphical display and no serial console."),
                         hangar_domain_get_name (self->domain));

      set_state (self, HANGAR_CONSOLE_STATE_NO_DISPLAY, message);
      return;
    }

  /* The console chosen before stays chosen while the domain has it. */
  if (current_console (self) == NULL)
    chosen = g_strdup (((Console *) g_ptr_array_index (self->consoles, 0))->id);
  else
    chosen = g_strdup (self->console_id);

  g_free (self->console_id);
  self->console_id = g_steal_pointer (&chosen);
  g_action_group_change_action_state (G_ACTION_GROUP (self->actions), "select",
                                      g_variant_new_string (self->console_id));
  notify_console (self);

  connect_current (self);
}

static void
start_connection (HangarConsoleView *self)
{
  g_autofree char *message = NULL;

  g_assert (self->domain != NULL);

  stop_connection (self);
  self->cancellable = g_cancellable_new ();

  message = g_strdup_printf (_("Opening the console of “%s”"),
                             hangar_domain_get_name (self->domain));
  set_state (self, HANGAR_CONSOLE_STATE_CONNECTING, message);

  /* The live definition says which consoles there are, and their ports. */
  hangar_domain_load_doc_async (self->domain, FALSE, self->cancellable, doc_loaded_cb,
                                attempt_new (self, NULL));
}

static void
update_from_domain (HangarConsoleView *self)
{
  if (self->domain == NULL)
    {
      stop_connection (self);
      set_state (self, HANGAR_CONSOLE_STATE_NONE, NULL);
      return;
    }

  if (!domain_is_active (self->domain))
    {
      show_not_running (self);
      return;
    }

  /* A running domain that was shown as stopped (or not at all) gets a
   * connection: this is also how the console comes back after a reboot
   * that restarts QEMU.  One that is connecting, connected or explained
   * keeps its state. */
  if (self->state == HANGAR_CONSOLE_STATE_NONE ||
      self->state == HANGAR_CONSOLE_STATE_NOT_RUNNING)
    start_connection (self);
}

static void
domain_state_changed_cb (HangarDomain      *domain,
                         GParamSpec        *pspec,
                         HangarConsoleView *self)
{
  update_from_domain (self);
}

/* Actions */

static Console *
shown_graphics (HangarConsoleView *self)
{
  Console *console = current_console (self);

  if (console == NULL || console->kind != CONSOLE_GRAPHICS ||
      self->state != HANGAR_CONSOLE_STATE_CONNECTED)
    return NULL;

  return console;
}

static void
enable (HangarConsoleView *self,
        const char        *name,
        gboolean           enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self->actions), name);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

static void
update_actions (HangarConsoleView *self)
{
  gboolean graphics = shown_graphics (self) != NULL;
  gboolean zoomed = graphics && !hangar_display_get_scale_to_fit (self->display);

  enable (self, "send-keys", graphics);
  enable (self, "screenshot", graphics);
  enable (self, "zoom-in", zoomed);
  enable (self, "zoom-out", zoomed);
  enable (self, "zoom-reset", graphics);
  enable (self, "reconnect", self->domain != NULL && domain_is_active (self->domain));
  enable (self, "select", self->consoles->len > 1);
}

static void
send_keys_cb (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  HangarConsoleView *self = user_data;
  unsigned codes[HANGAR_KEYMAP_MAX_COMBO];
  unsigned n = hangar_keymap_combo_from_name (g_variant_get_string (parameter, NULL), codes);

  g_return_if_fail (n > 0);

  hangar_display_send_keys (self->display, codes, n);
  gtk_widget_grab_focus (GTK_WIDGET (self->display));
}

static void
screenshot_written_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
save_texture_async (HangarConsoleView   *self,
                    GdkTexture          *texture,
                    GFile               *file,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GBytes) png = NULL;

  g_task_set_source_tag (task, hangar_console_view_save_screenshot_async);

  if (texture == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("The console shows no picture to save"));
      g_object_unref (task);
      return;
    }

  /* Encoding a screen is a few milliseconds; writing it may be slow. */
  png = gdk_texture_save_to_png_bytes (texture);
  g_file_replace_contents_bytes_async (file, png, NULL, FALSE,
                                       G_FILE_CREATE_REPLACE_DESTINATION, cancellable,
                                       screenshot_written_cb, task);
}

void
hangar_console_view_save_screenshot_async (HangarConsoleView   *self,
                                           GFile               *file,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_return_if_fail (HANGAR_IS_CONSOLE_VIEW (self));
  g_return_if_fail (G_IS_FILE (file));

  save_texture_async (self, shown_graphics (self) != NULL
                            ? hangar_display_get_texture (self->display) : NULL,
                      file, cancellable, callback, user_data);
}

gboolean
hangar_console_view_save_screenshot_finish (HangarConsoleView  *self,
                                            GAsyncResult       *result,
                                            GError            **error)
{
  g_return_val_if_fail (HANGAR_IS_CONSOLE_VIEW (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
screenshot_saved_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  HangarConsoleView *self = HANGAR_CONSOLE_VIEW (source);
  g_autoptr(GError) error = NULL;

  if (!hangar_console_view_save_screenshot_finish (self, result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
      GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                  _("Could Not Save the Screenshot"),
                                                  error->message);

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
    }
}

static void
screenshot_response_cb (GtkNativeDialog   *chooser,
                        int                response,
                        HangarConsoleView *self)
{
  g_autoptr(GFile) file = NULL;
  GdkTexture *texture = g_object_get_data (G_OBJECT (chooser), "hangar-texture");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      save_texture_async (self, texture, file, NULL, screenshot_saved_cb, NULL);
    }

  g_object_unref (chooser);
}

static void
screenshot_cb (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  HangarConsoleView *self = user_data;
  GdkTexture *texture = hangar_display_get_texture (self->display);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y-%m-%d %H-%M-%S");
  g_autofree char *name = NULL;
  GtkFileChooserNative *chooser;

  if (texture == NULL)
    return;

  /* The picture as it is now, not when the user has picked a name. */
  chooser = gtk_file_chooser_native_new (_("Save Screenshot"),
                                         GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  g_object_set_data_full (G_OBJECT (chooser), "hangar-texture", g_object_ref (texture),
                          g_object_unref);
  /* Translators: a file name: the virtual machine's name and the time */
  name = g_strdup_printf (_("%s %s.png"), hangar_domain_get_name (self->domain), stamp);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (screenshot_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
zoom_by (HangarConsoleView *self,
         double             factor)
{
  hangar_display_set_zoom (self->display, hangar_display_get_zoom (self->display) * factor);
}

static void
zoom_in_cb (GSimpleAction *action,
            GVariant      *parameter,
            gpointer       user_data)
{
  zoom_by (user_data, 1.25);
}

static void
zoom_out_cb (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  zoom_by (user_data, 0.8);
}

static void
zoom_reset_cb (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  HangarConsoleView *self = user_data;

  /* Original size: one guest pixel to one pixel of the screen. */
  hangar_display_set_zoom (self->display, 1.0);
  hangar_display_set_scale_to_fit (self->display, FALSE);
}

static void
reconnect_cb (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  HangarConsoleView *self = user_data;

  if (self->domain == NULL)
    return;

  self->retries = 0;
  if (domain_is_active (self->domain))
    start_connection (self);
  else
    show_not_running (self);
}

static void
select_cb (GSimpleAction *action,
           GVariant      *parameter,
           gpointer       user_data)
{
  hangar_console_view_select_console (user_data, g_variant_get_string (parameter, NULL));
}

static void
scale_changed_cb (HangarConsoleView *self)
{
  GtkPolicyType policy = hangar_display_get_scale_to_fit (self->display) ? GTK_POLICY_NEVER
                                                                         : GTK_POLICY_AUTOMATIC;

  gtk_scrolled_window_set_policy (self->scroller, policy, policy);
  update_actions (self);
}

/* The hint about Ctrl+Alt */

static gboolean
hide_hint_cb (gpointer user_data)
{
  HangarConsoleView *self = user_data;

  self->hint_id = 0;
  gtk_revealer_set_reveal_child (self->grab_hint, FALSE);

  return G_SOURCE_REMOVE;
}

static void
grabbed_cb (HangarConsoleView *self)
{
  gboolean grabbed = hangar_display_get_grabbed (self->display);

  g_clear_handle_id (&self->hint_id, g_source_remove);
  gtk_revealer_set_reveal_child (self->grab_hint, grabbed);
  if (grabbed)
    self->hint_id = g_timeout_add (GRAB_HINT_MS, hide_hint_cb, self);
}

/* Password */

static void
password_activate_cb (HangarConsoleView *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->password_entry));

  hangar_console_view_submit_password (self, text);
}

/* Toolbar */

static GtkWidget *
menu_button (const char *icon_name,
             const char *tooltip,
             GMenuModel *menu)
{
  GtkWidget *button = gtk_menu_button_new ();

  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), icon_name);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  tooltip, -1);
  if (menu != NULL)
    gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (button), menu);

  return button;
}

static GMenuModel *
send_keys_menu (void)
{
  GMenu *menu = g_menu_new ();
  GMenu *function_keys = g_menu_new ();

  g_menu_append (menu, _("Ctrl+Alt+Del"), "console.send-keys::ctrl-alt-del");
  g_menu_append (menu, _("Ctrl+Alt+Backspace"), "console.send-keys::ctrl-alt-backspace");
  for (unsigned i = 1; i <= 12; i++)
    {
      g_autofree char *label = g_strdup_printf (_("Ctrl+Alt+F%u"), i);
      g_autofree char *action = g_strdup_printf ("console.send-keys::ctrl-alt-f%u", i);

      g_menu_append (function_keys, label, action);
    }
  g_menu_append_section (menu, NULL, G_MENU_MODEL (function_keys));
  g_menu_append (menu, _("Print Screen"), "console.send-keys::print");
  g_object_unref (function_keys);

  return G_MENU_MODEL (menu);
}

static GMenuModel *
view_menu (void)
{
  GMenu *menu = g_menu_new ();
  GMenu *zoom = g_menu_new ();
  GMenu *guest = g_menu_new ();

  g_menu_append (zoom, _("_Scale to Fit"), "console.scale-to-fit");
  g_menu_append (zoom, _("Zoom _In"), "console.zoom-in");
  g_menu_append (zoom, _("Zoom _Out"), "console.zoom-out");
  g_menu_append (zoom, _("_Original Size"), "console.zoom-reset");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (zoom));
  g_menu_append (guest, _("_Resize Guest with Window"), "console.resize-guest");
  g_menu_append (guest, _("Share _Clipboard"), "console.share-clipboard");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (guest));
  g_object_unref (zoom);
  g_object_unref (guest);

  return G_MENU_MODEL (menu);
}

static void
update_toolbar_switcher (GtkWidget         *switcher,
                         GParamSpec        *pspec,
                         HangarConsoleView *self)
{
  gtk_widget_set_visible (switcher, self->consoles->len > 1);
}

static void
usb_button_update (GtkWidget         *button,
                   GParamSpec        *pspec,
                   HangarConsoleView *self)
{
  GtkPopover *chooser = gtk_menu_button_get_popover (GTK_MENU_BUTTON (button));
  SpiceUsbDeviceManager *manager = NULL;
  unsigned channels = 0;

  if (shown_graphics (self) != NULL && HANGAR_IS_SPICE_SESSION (self->session))
    {
      manager = hangar_spice_session_get_usb_manager (HANGAR_SPICE_SESSION (self->session));
      channels = hangar_spice_session_get_n_usb_channels (HANGAR_SPICE_SESSION (self->session));
    }

  hangar_usb_chooser_set_manager (HANGAR_USB_CHOOSER (chooser), manager, channels);
  gtk_widget_set_visible (button, manager != NULL);
}

/* Keys, USB and zoom are for graphical consoles only. */
static void
graphics_button_update (GtkWidget         *button,
                        GParamSpec        *pspec,
                        HangarConsoleView *self)
{
  Console *console = current_console (self);

  gtk_widget_set_visible (button, console == NULL || console->kind == CONSOLE_GRAPHICS);
}

static void
follow_console_kind (HangarConsoleView *self,
                     GtkWidget         *button)
{
  g_signal_connect_object (self, "notify::state", G_CALLBACK (graphics_button_update), button,
                           G_CONNECT_SWAPPED);
  graphics_button_update (button, NULL, self);
}

GtkWidget *
hangar_console_view_create_toolbar (HangarConsoleView *self)
{
  g_autoptr(GMenuModel) keys = send_keys_menu ();
  g_autoptr(GMenuModel) view = view_menu ();
  GtkWidget *box, *button, *switcher, *usb;

  g_return_val_if_fail (HANGAR_IS_CONSOLE_VIEW (self), NULL);

  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_add_css_class (box, "console-toolbar");
  gtk_widget_insert_action_group (box, "console", G_ACTION_GROUP (self->actions));

  switcher = menu_button ("view-list-symbolic", _("Choose Console"),
                          G_MENU_MODEL (self->console_menu));
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (switcher), NULL);
  gtk_menu_button_set_label (GTK_MENU_BUTTON (switcher), _("Console"));
  gtk_menu_button_set_always_show_arrow (GTK_MENU_BUTTON (switcher), TRUE);
  gtk_box_append (GTK_BOX (box), switcher);
  g_signal_connect_object (self, "notify::console-id", G_CALLBACK (update_toolbar_switcher),
                           switcher, G_CONNECT_SWAPPED);
  update_toolbar_switcher (switcher, NULL, self);
  /* The switcher shows the console's name. */
  g_object_bind_property (self, "console-label", switcher, "label", G_BINDING_SYNC_CREATE);

  button = menu_button ("input-keyboard-symbolic", _("Send Keys"), keys);
  gtk_box_append (GTK_BOX (box), button);
  follow_console_kind (self, button);

  button = gtk_button_new_from_icon_name ("camera-photo-symbolic");
  gtk_widget_set_tooltip_text (button, _("Save Screenshot"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Save Screenshot"), -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "console.screenshot");
  gtk_box_append (GTK_BOX (box), button);

  usb = menu_button ("media-removable-symbolic", _("USB Devices"), NULL);
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (usb), hangar_usb_chooser_new ());
  gtk_box_append (GTK_BOX (box), usb);
  g_signal_connect_object (self, "notify::state", G_CALLBACK (usb_button_update), usb,
                           G_CONNECT_SWAPPED);
  usb_button_update (usb, NULL, self);

  button = menu_button ("zoom-fit-best-symbolic", _("View"), view);
  gtk_box_append (GTK_BOX (box), button);
  follow_console_kind (self, button);

  return box;
}

/* GObject */

static void
hangar_console_view_dispose (GObject *object)
{
  HangarConsoleView *self = HANGAR_CONSOLE_VIEW (object);

  if (self->display != NULL)
    stop_connection (self);
  g_clear_handle_id (&self->hint_id, g_source_remove);

  if (self->domain != NULL)
    g_signal_handlers_disconnect_by_data (self->domain, self);
  g_clear_object (&self->domain);

  if (self->box != NULL)
    gtk_widget_unparent (self->box);
  self->box = NULL;
  self->toolbar = NULL;
  self->stack = NULL;
  self->status_page = NULL;
  self->reconnect_button = NULL;
  self->connecting_page = NULL;
  self->password_page = NULL;
  self->password_entry = NULL;
  self->display_page = NULL;
  self->scroller = NULL;
  self->display = NULL;
  self->grab_hint = NULL;
  self->serial = NULL;

  g_clear_object (&self->actions);
  g_clear_object (&self->console_menu);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (hangar_console_view_parent_class)->dispose (object);
}

static void
hangar_console_view_finalize (GObject *object)
{
  HangarConsoleView *self = HANGAR_CONSOLE_VIEW (object);

  g_clear_pointer (&self->message, g_free);
  g_clear_pointer (&self->console_id, g_free);
  g_clear_pointer (&self->password, g_free);
  g_clear_pointer (&self->consoles, g_ptr_array_unref);
  g_clear_pointer (&self->tunnels, g_ptr_array_unref);

  G_OBJECT_CLASS (hangar_console_view_parent_class)->finalize (object);
}

static void
hangar_console_view_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  HangarConsoleView *self = HANGAR_CONSOLE_VIEW (object);
  Console *console;

  switch (prop_id)
    {
    case PROP_DOMAIN:
      g_value_set_object (value, self->domain);
      break;

    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;

    case PROP_CONSOLE_ID:
      g_value_set_string (value, hangar_console_view_get_console_id (self));
      break;

    case PROP_CONSOLE_LABEL:
      console = current_console (self);
      g_value_set_string (value, console != NULL ? console->label : _("Console"));
      break;

    case PROP_SHOW_TOOLBAR:
      g_value_set_boolean (value, self->show_toolbar);
      break;

    case PROP_DIRECT:
      g_value_set_boolean (value, self->direct);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_console_view_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  HangarConsoleView *self = HANGAR_CONSOLE_VIEW (object);

  switch (prop_id)
    {
    case PROP_DOMAIN:
      hangar_console_view_set_domain (self, g_value_get_object (value));
      break;

    case PROP_SHOW_TOOLBAR:
      hangar_console_view_set_show_toolbar (self, g_value_get_boolean (value));
      break;

    case PROP_DIRECT:
      hangar_console_view_set_direct (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_console_view_class_init (HangarConsoleViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hangar_console_view_dispose;
  object_class->finalize = hangar_console_view_finalize;
  object_class->get_property = hangar_console_view_get_property;
  object_class->set_property = hangar_console_view_set_property;

  properties[PROP_DOMAIN] =
    g_param_spec_object ("domain", NULL, NULL, HANGAR_TYPE_DOMAIN,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, HANGAR_TYPE_CONSOLE_STATE, HANGAR_CONSOLE_STATE_NONE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONSOLE_ID] =
    g_param_spec_string ("console-id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONSOLE_LABEL] =
    g_param_spec_string ("console-label", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_TOOLBAR] =
    g_param_spec_boolean ("show-toolbar", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DIRECT] =
    g_param_spec_boolean ("direct", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "console-view");
}

static void
setup_actions (HangarConsoleView *self)
{
  static const GActionEntry entries[] = {
    { "send-keys", send_keys_cb, "s" },
    { "screenshot", screenshot_cb },
    { "zoom-in", zoom_in_cb },
    { "zoom-out", zoom_out_cb },
    { "zoom-reset", zoom_reset_cb },
    { "reconnect", reconnect_cb },
    { "select", select_cb, "s", "''" },
  };
  static const struct
  {
    const char *action;
    const char *property;
    const char *key;
  } toggles[] = {
    { "scale-to-fit", "scale-to-fit", "console-scale-to-fit" },
    { "resize-guest", "resize-guest", "console-resize-guest" },
    { "share-clipboard", "share-clipboard", "console-share-clipboard" },
  };
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  self->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), entries,
                                   G_N_ELEMENTS (entries), self);

  /* The preferences live in GSettings, where the schema is installed. */
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema != NULL && g_settings_schema_has_key (schema, "console-share-clipboard"))
    self->settings = g_settings_new (APP_ID);

  for (unsigned i = 0; i < G_N_ELEMENTS (toggles); i++)
    {
      g_autoptr(GPropertyAction) action =
        g_property_action_new (toggles[i].action, self->display, toggles[i].property);

      g_action_map_add_action (G_ACTION_MAP (self->actions), G_ACTION (action));
      if (self->settings != NULL)
        g_settings_bind (self->settings, toggles[i].key, self->display, toggles[i].property,
                         G_SETTINGS_BIND_DEFAULT);
    }

  gtk_widget_insert_action_group (GTK_WIDGET (self), "console", G_ACTION_GROUP (self->actions));
}

static GtkWidget *
build_password_page (HangarConsoleView *self)
{
  GtkWidget *box, *button;

  self->password_page = ADW_STATUS_PAGE (adw_status_page_new ());
  adw_status_page_set_title (self->password_page, _("Password Required"));
  adw_status_page_set_icon_name (self->password_page, "dialog-password-symbolic");

  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_halign (box, GTK_ALIGN_CENTER);
  self->password_entry = GTK_PASSWORD_ENTRY (gtk_password_entry_new ());
  gtk_password_entry_set_show_peek_icon (self->password_entry, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->password_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Display password"), -1);
  g_signal_connect_swapped (self->password_entry, "activate",
                            G_CALLBACK (password_activate_cb), self);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->password_entry));

  button = gtk_button_new_with_mnemonic (_("C_onnect"));
  gtk_widget_add_css_class (button, "suggested-action");
  g_signal_connect_swapped (button, "clicked", G_CALLBACK (password_activate_cb), self);
  gtk_box_append (GTK_BOX (box), button);
  adw_status_page_set_child (self->password_page, box);

  return GTK_WIDGET (self->password_page);
}

static GtkWidget *
build_display_page (HangarConsoleView *self)
{
  GtkWidget *overlay, *label;

  self->display = HANGAR_DISPLAY (hangar_display_new ());
  g_signal_connect_swapped (self->display, "notify::scale-to-fit",
                            G_CALLBACK (scale_changed_cb), self);
  g_signal_connect_swapped (self->display, "notify::grabbed", G_CALLBACK (grabbed_cb), self);

  /* Scaled to fit, the display takes the scroller's size; zoomed, it
   * takes its own and the scroller scrolls it. */
  self->scroller = GTK_SCROLLED_WINDOW (gtk_scrolled_window_new ());
  gtk_scrolled_window_set_policy (self->scroller, GTK_POLICY_NEVER, GTK_POLICY_NEVER);
  gtk_scrolled_window_set_child (self->scroller, GTK_WIDGET (self->display));

  label = gtk_label_new (_("Press Ctrl+Alt to release the keyboard and pointer"));
  gtk_widget_add_css_class (label, "app-notification");
  self->grab_hint = GTK_REVEALER (gtk_revealer_new ());
  gtk_revealer_set_transition_type (self->grab_hint, GTK_REVEALER_TRANSITION_TYPE_SLIDE_DOWN);
  gtk_revealer_set_child (self->grab_hint, label);
  gtk_widget_set_halign (GTK_WIDGET (self->grab_hint), GTK_ALIGN_CENTER);
  gtk_widget_set_valign (GTK_WIDGET (self->grab_hint), GTK_ALIGN_START);
  gtk_widget_set_can_target (GTK_WIDGET (self->grab_hint), FALSE);

  overlay = gtk_overlay_new ();
  gtk_overlay_set_child (GTK_OVERLAY (overlay), GTK_WIDGET (self->scroller));
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), GTK_WIDGET (self->grab_hint));
  self->display_page = overlay;

  return overlay;
}

static void
hangar_console_view_init (HangarConsoleView *self)
{
  GtkWidget *button;

  self->consoles = g_ptr_array_new_with_free_func ((GDestroyNotify) console_free);
  self->tunnels = g_ptr_array_new_with_free_func (g_object_unref);
  self->console_menu = g_menu_new ();
  self->show_toolbar = TRUE;

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->stack), TRUE);
  gtk_stack_set_transition_type (self->stack, GTK_STACK_TRANSITION_TYPE_CROSSFADE);

  /* Every state without a picture: not running, no display,
   * disconnected. */
  self->status_page = ADW_STATUS_PAGE (adw_status_page_new ());
  button = gtk_button_new_with_mnemonic (_("_Reconnect"));
  gtk_widget_set_halign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "pill");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "console.reconnect");
  self->reconnect_button = GTK_BUTTON (button);
  adw_status_page_set_child (self->status_page, button);
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->status_page), "status");

  /* No spinner here: spice-client-glib delivers its work from idle
   * callbacks, below the priority of drawing, and a spinner redraws every
   * frame.  With software rendering (llvmpipe, a VM without a GPU) a frame
   * takes longer than its interval, the idles never run, and the
   * connection it waits for never comes. */
  self->connecting_page = ADW_STATUS_PAGE (adw_status_page_new ());
  adw_status_page_set_title (self->connecting_page, _("Connecting…"));
  adw_status_page_set_icon_name (self->connecting_page, "content-loading-symbolic");
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->connecting_page), "connecting");

  gtk_stack_add_named (self->stack, build_password_page (self), "password");
  gtk_stack_add_named (self->stack, build_display_page (self), "display");

  self->serial = HANGAR_SERIAL_CONSOLE (hangar_serial_console_new ());
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->serial), "serial");

  setup_actions (self);

  self->toolbar = hangar_console_view_create_toolbar (self);
  gtk_widget_add_css_class (self->toolbar, "toolbar");
  gtk_box_append (GTK_BOX (self->box), self->toolbar);
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->stack));

  self->state = HANGAR_CONSOLE_STATE_NOT_RUNNING;
  set_state (self, HANGAR_CONSOLE_STATE_NONE, NULL);
}

GtkWidget *
hangar_console_view_new (void)
{
  return g_object_new (HANGAR_TYPE_CONSOLE_VIEW, NULL);
}

void
hangar_console_view_set_domain (HangarConsoleView *self,
                                HangarDomain      *domain)
{
  g_return_if_fail (HANGAR_IS_CONSOLE_VIEW (self));
  g_return_if_fail (domain == NULL || HANGAR_IS_DOMAIN (domain));

  if (self->domain == domain)
    return;

  stop_connection (self);
  self->retries = 0;
  g_clear_pointer (&self->password, g_free);
  g_clear_pointer (&self->console_id, g_free);
  g_ptr_array_set_size (self->consoles, 0);
  g_menu_remove_all (self->console_menu);
  hangar_serial_console_clear (self->serial);

  if (self->domain != NULL)
    g_signal_handlers_disconnect_by_data (self->domain, self);
  g_set_object (&self->domain, domain);

  if (domain != NULL)
    {
      g_autofree char *label = g_strdup_printf (_("Console of %s"),
                                                hangar_domain_get_name (domain));

      gtk_accessible_update_property (GTK_ACCESSIBLE (self->display),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      g_signal_connect (domain, "notify::state", G_CALLBACK (domain_state_changed_cb), self);
    }

  /* A new domain starts from nothing, whatever the old one showed. */
  set_state (self, HANGAR_CONSOLE_STATE_NONE, NULL);
  update_from_domain (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOMAIN]);
  notify_console (self);
}

HangarDomain *
hangar_console_view_get_domain (HangarConsoleView *self)
{
  g_return_val_if_fail (HANGAR_IS_CONSOLE_VIEW (self), NULL);

  return self->domain;
}

HangarConsoleState
hangar_console_view_get_state (HangarConsoleView *self)
{
  g_return_val_if_fail (HANGAR_IS_CONSOLE_VIEW (self), HANGAR_CONSOLE_STATE_NONE);

  return self->state;
}

const char *
hangar_console_view_get_message (HangarConsoleView *self)
{
  g_return_val_if_fail (HANGAR_IS_CONSOLE_VIEW (self), NULL);

  return self->message;
}

char **
hangar_console_view_dup_console_ids (HangarConsoleView *self)
{
  GStrvBuilder *builder;
  char **ids;

  g_return_val_if_fail (HANGAR_IS_CONSOLE_VIEW (self), NULL);

  builder = g_strv_builder_new ();
  for (unsigned i = 0; i < self->consoles->len; i++)
    g_strv_builder_add (builder, ((Console *) g_ptr_array_index (self->consoles, i))->id);
  ids = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);

  return ids;
}

const char *
hangar_console_view_get_console_id (HangarConsoleView *self)
{
  g_return_val_if_fail (HANGAR_IS_CONSOLE_VIEW (self), NULL);

  return current_console (self) != NULL ? self->console_id : NULL;
}

void
hangar_console_view_select_console (HangarConsoleView *self,
                                    const char        *id)
{
  g_return_if_fail (HANGAR_IS_CONSOLE_VIEW (self));
  g_return_if_fail (id != NULL);

  if (g_strcmp0 (self->console_id, id) == 0)
    return;

  g_free (self->console_id);
  self->console_id = g_strdup (id);
  g_action_group_change_action_state (G_ACTION_GROUP (self->actions), "select",
                                      g_variant_new_string (id));
  notify_console (self);

  if (current_console (self) == NULL || self->domain == NULL || !domain_is_active (self->domain))
    return;

  self->retries = 0;
  connect_current (self);
}

HangarDisplay *
hangar_console_view_get_display (HangarConsoleView *self)
{
  Console *console;

  g_return_val_if_fail (HANGAR_IS_CONSOLE_VIEW (self), NULL);

  /* The display has a session from the first socket on: a caller may
   * watch its frames before it is shown. */
  console = current_console (self);
  if (console != NULL && console->kind == CONSOLE_GRAPHICS &&
      (self->state == HANGAR_CONSOLE_STATE_CONNECTING ||
       self->state == HANGAR_CONSOLE_STATE_CONNECTED))
    return self->display;

  return NULL;
}

HangarSerialConsole *
hangar_console_view_get_serial (HangarConsoleView *self)
{
  Console *console;

  g_return_val_if_fail (HANGAR_IS_CONSOLE_VIEW (self), NULL);

  console = current_console (self);
  if (console != NULL && console->kind == CONSOLE_SERIAL)
    return self->serial;

  return NULL;
}

void
hangar_console_view_submit_password (HangarConsoleView *self,
                                     const char        *password)
{
  g_return_if_fail (HANGAR_IS_CONSOLE_VIEW (self));
  g_return_if_fail (password != NULL);

  if (self->state != HANGAR_CONSOLE_STATE_NEEDS_PASSWORD || current_console (self) == NULL)
    return;

  g_free (self->password);
  self->password = g_strdup (password);
  gtk_editable_set_text (GTK_EDITABLE (self->password_entry), "");
  self->retries = 0;
  connect_current (self);
}

void
hangar_console_view_set_direct (HangarConsoleView *self,
                                gboolean           direct)
{
  g_return_if_fail (HANGAR_IS_CONSOLE_VIEW (self));

  direct = !!direct;
  if (self->direct == direct)
    return;

  self->direct = direct;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIRECT]);
}

void
hangar_console_view_set_show_toolbar (HangarConsoleView *self,
                                      gboolean           show)
{
  g_return_if_fail (HANGAR_IS_CONSOLE_VIEW (self));

  show = !!show;
  if (self->show_toolbar == show)
    return;

  self->show_toolbar = show;
  gtk_widget_set_visible (self->toolbar, show);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_TOOLBAR]);
}
