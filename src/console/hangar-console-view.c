/* hangar-console-view.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-console-view"

#include "config.h"

#include <unistd.h>

#include <adwaita.h>
#include <glib/gi18n.h>

#include "hangar-console-view.h"
#include "hangar-virt-error.h"

/* When the display drops while the domain still looks alive, wait this
 * long before saying "Disconnected": a guest that powers off, or is forced
 * off, closes its display a second or two before libvirt reports it shut
 * off, and "Not Running" is the truer message then.  The last picture
 * stays on screen meanwhile. */
#define DISCONNECT_GRACE_MS 3000

struct _HangarConsoleView
{
  GtkWidget           parent_instance;

  /* owned references */
  HangarDomain       *domain;
  GCancellable       *cancellable;      /* the current connection's */
  char               *message;

  /* child widgets */
  GtkStack           *stack;
  AdwStatusPage      *status_page;
  GtkButton          *reconnect_button;
  AdwStatusPage      *connecting_page;
  HangarSpiceDisplay *display;

  HangarConsoleState  state;
  guint               disconnect_id;
};

G_DEFINE_FINAL_TYPE (HangarConsoleView, hangar_console_view, GTK_TYPE_WIDGET)

G_DEFINE_ENUM_TYPE (HangarConsoleState, hangar_console_state,
  G_DEFINE_ENUM_VALUE (HANGAR_CONSOLE_STATE_NONE, "none"),
  G_DEFINE_ENUM_VALUE (HANGAR_CONSOLE_STATE_NOT_RUNNING, "not-running"),
  G_DEFINE_ENUM_VALUE (HANGAR_CONSOLE_STATE_NO_DISPLAY, "no-display"),
  G_DEFINE_ENUM_VALUE (HANGAR_CONSOLE_STATE_CONNECTING, "connecting"),
  G_DEFINE_ENUM_VALUE (HANGAR_CONSOLE_STATE_CONNECTED, "connected"),
  G_DEFINE_ENUM_VALUE (HANGAR_CONSOLE_STATE_DISCONNECTED, "disconnected"))

enum {
  PROP_0,
  PROP_DOMAIN,
  PROP_STATE,
  PROP_MESSAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

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

static void
set_state (HangarConsoleView  *self,
           HangarConsoleState  state,
           const char         *message)
{
  const char *title = NULL;
  const char *icon_name = NULL;
  gboolean state_changed = self->state != state;
  gboolean message_changed = g_strcmp0 (self->message, message) != 0;

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
      title = _("No Display");
      icon_name = "video-display-symbolic";
      break;

    case HANGAR_CONSOLE_STATE_DISCONNECTED:
      title = _("Disconnected");
      icon_name = "network-offline-symbolic";
      break;

    case HANGAR_CONSOLE_STATE_CONNECTING:
      adw_status_page_set_description (self->connecting_page, message);
      gtk_stack_set_visible_child (self->stack,
                                   GTK_WIDGET (self->connecting_page));
      break;

    case HANGAR_CONSOLE_STATE_CONNECTED:
      gtk_stack_set_visible_child (self->stack, GTK_WIDGET (self->display));
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
      gtk_stack_set_visible_child (self->stack,
                                   GTK_WIDGET (self->status_page));
    }

  if (state_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  if (message_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
}

static void
stop_connection (HangarConsoleView *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->disconnect_id, g_source_remove);
  hangar_spice_display_close (self->display);
}

static void
show_not_running (HangarConsoleView *self)
{
  g_autofree char *message = NULL;

  stop_connection (self);
  message = g_strdup_printf (_("Start “%s” to see its display."),
                             hangar_domain_get_name (self->domain));
  set_state (self, HANGAR_CONSOLE_STATE_NOT_RUNNING, message);
}

static void
show_disconnected (HangarConsoleView *self,
                   const char        *reason)
{
  if (reason == NULL)
    reason = _("The connection to the display ended.");

  stop_connection (self);
  set_state (self, HANGAR_CONSOLE_STATE_DISCONNECTED, reason);
}

/* Connecting */

static void
channel_fd_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(Attempt) attempt = user_data;
  g_autoptr(GError) error = NULL;
  int fd;

  fd = hangar_domain_open_graphics_fd_finish (HANGAR_DOMAIN (source), result,
                                              &error);

  if (!attempt_is_current (attempt))
    {
      if (fd >= 0)
        close (fd);
      return;
    }

  if (fd < 0)
    g_warning ("No socket for a display channel of “%s”: %s",
               hangar_domain_get_name (HANGAR_DOMAIN (source)),
               error->message);

  hangar_spice_display_take_channel_fd (attempt->self->display,
                                        attempt->token, fd);
}

static void
channel_fd_request_cb (HangarSpiceDisplay *display,
                       gpointer            token,
                       gpointer            user_data)
{
  HangarConsoleView *self = user_data;

  /* The display closes before the view changes domain or connection, so
   * a request always belongs to the current one. */
  g_assert (self->domain != NULL && self->cancellable != NULL);

  hangar_domain_open_graphics_fd_async (self->domain, 0, self->cancellable,
                                        channel_fd_cb,
                                        attempt_new (self, token));
}

static void
main_fd_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Attempt) attempt = user_data;
  g_autoptr(GError) error = NULL;
  HangarConsoleView *self = attempt->self;
  int fd;

  fd = hangar_domain_open_graphics_fd_finish (HANGAR_DOMAIN (source), result,
                                              &error);

  if (!attempt_is_current (attempt))
    {
      if (fd >= 0)
        close (fd);
      return;
    }

  if (fd < 0)
    {
      if (g_error_matches (error, HANGAR_VIRT_ERROR,
                           HANGAR_VIRT_ERROR_NO_SUPPORT))
        set_state (self, HANGAR_CONSOLE_STATE_NO_DISPLAY, error->message);
      else
        show_disconnected (self, error->message);
      return;
    }

  /* TODO: remote connections need the address from the live definition
   * (and an SSH tunnel for qemu+ssh), and a display with a password needs
   * a prompt; libvirt's descriptor only works on local connections. */
  hangar_spice_display_open_fd (self->display, fd,
                                channel_fd_request_cb, self, NULL);
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
  const char *type;

  doc = hangar_domain_load_doc_finish (HANGAR_DOMAIN (source), result, &error);

  if (!attempt_is_current (attempt))
    return;

  if (doc == NULL)
    {
      show_disconnected (self, error->message);
      return;
    }

  type = hangar_domain_doc_get_graphics_type (doc);

  if (type == NULL)
    {
      g_autofree char *message =
        g_strdup_printf (_("“%s” has no graphical display."),
                         hangar_domain_get_name (self->domain));

      set_state (self, HANGAR_CONSOLE_STATE_NO_DISPLAY, message);
      return;
    }

  /* TODO: VNC displays (through gvnc) behind the same widget contract. */
  if (g_strcmp0 (type, "spice") != 0)
    {
      g_autofree char *upper = g_ascii_strup (type, -1);
      g_autofree char *message =
        g_strdup_printf (_("The console cannot show %s displays yet."),
                         upper);

      set_state (self, HANGAR_CONSOLE_STATE_NO_DISPLAY, message);
      return;
    }

  hangar_domain_open_graphics_fd_async (self->domain, 0, self->cancellable,
                                        main_fd_cb,
                                        attempt_new (self, NULL));
}

static void
start_connection (HangarConsoleView *self)
{
  g_autofree char *message = NULL;

  g_assert (self->domain != NULL);

  stop_connection (self);
  self->cancellable = g_cancellable_new ();

  message = g_strdup_printf (_("Opening the display of “%s”"),
                             hangar_domain_get_name (self->domain));
  set_state (self, HANGAR_CONSOLE_STATE_CONNECTING, message);

  /* The live definition says which kind of display there is, if any. */
  hangar_domain_load_doc_async (self->domain, FALSE, self->cancellable,
                                doc_loaded_cb, attempt_new (self, NULL));
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
   * connection; one that is already connecting, connected or explained
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

/* Display */

static void
display_connected_cb (HangarSpiceDisplay *display,
                      GParamSpec         *pspec,
                      HangarConsoleView  *self)
{
  if (hangar_spice_display_get_connected (display) &&
      self->state == HANGAR_CONSOLE_STATE_CONNECTING)
    set_state (self, HANGAR_CONSOLE_STATE_CONNECTED, NULL);
}

static gboolean
disconnect_grace_cb (gpointer user_data)
{
  HangarConsoleView *self = user_data;
  g_autofree char *reason = NULL;

  self->disconnect_id = 0;

  if (self->domain != NULL && !domain_is_active (self->domain))
    {
      show_not_running (self);
      return G_SOURCE_REMOVE;
    }

  reason = g_strdup (hangar_spice_display_get_error (self->display));
  show_disconnected (self, reason);

  return G_SOURCE_REMOVE;
}

static void
display_error_cb (HangarSpiceDisplay *display,
                  GParamSpec         *pspec,
                  HangarConsoleView  *self)
{
  if (hangar_spice_display_get_error (display) == NULL)
    return;

  if (self->state != HANGAR_CONSOLE_STATE_CONNECTING &&
      self->state != HANGAR_CONSOLE_STATE_CONNECTED)
    return;

  if (self->disconnect_id == 0)
    self->disconnect_id = g_timeout_add (DISCONNECT_GRACE_MS,
                                         disconnect_grace_cb, self);
}

static void
reconnect_clicked_cb (GtkButton         *button,
                      HangarConsoleView *self)
{
  if (self->domain == NULL)
    return;

  if (domain_is_active (self->domain))
    start_connection (self);
  else
    show_not_running (self);
}

/* GObject */

static void
hangar_console_view_dispose (GObject *object)
{
  HangarConsoleView *self = HANGAR_CONSOLE_VIEW (object);

  if (self->display != NULL)
    stop_connection (self);

  if (self->domain != NULL)
    g_signal_handlers_disconnect_by_data (self->domain, self);
  g_clear_object (&self->domain);

  if (self->stack != NULL)
    gtk_widget_unparent (GTK_WIDGET (self->stack));
  self->stack = NULL;
  self->status_page = NULL;
  self->reconnect_button = NULL;
  self->connecting_page = NULL;
  self->display = NULL;

  G_OBJECT_CLASS (hangar_console_view_parent_class)->dispose (object);
}

static void
hangar_console_view_finalize (GObject *object)
{
  HangarConsoleView *self = HANGAR_CONSOLE_VIEW (object);

  g_clear_pointer (&self->message, g_free);

  G_OBJECT_CLASS (hangar_console_view_parent_class)->finalize (object);
}

static void
hangar_console_view_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  HangarConsoleView *self = HANGAR_CONSOLE_VIEW (object);

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
    g_param_spec_object ("domain", NULL, NULL,
                         HANGAR_TYPE_DOMAIN,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS);

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       HANGAR_TYPE_CONSOLE_STATE,
                       HANGAR_CONSOLE_STATE_NONE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY |
                       G_PARAM_STATIC_STRINGS);

  properties[PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL,
                         NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class,
                                            GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "console-view");
}

static void
hangar_console_view_init (HangarConsoleView *self)
{
  GtkWidget *button;

  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_stack_set_transition_type (self->stack,
                                 GTK_STACK_TRANSITION_TYPE_CROSSFADE);
  gtk_widget_set_parent (GTK_WIDGET (self->stack), GTK_WIDGET (self));

  /* Every state without a picture: not running, no display,
   * disconnected. */
  self->status_page = ADW_STATUS_PAGE (adw_status_page_new ());
  button = gtk_button_new_with_mnemonic (_("_Reconnect"));
  gtk_widget_set_halign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "pill");
  g_signal_connect (button, "clicked",
                    G_CALLBACK (reconnect_clicked_cb), self);
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
  adw_status_page_set_icon_name (self->connecting_page,
                                 "content-loading-symbolic");
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->connecting_page),
                       "connecting");

  self->display = HANGAR_SPICE_DISPLAY (hangar_spice_display_new ());
  g_signal_connect (self->display, "notify::connected",
                    G_CALLBACK (display_connected_cb), self);
  g_signal_connect (self->display, "notify::error",
                    G_CALLBACK (display_error_cb), self);
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->display), "display");

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

  if (self->domain != NULL)
    g_signal_handlers_disconnect_by_data (self->domain, self);
  g_set_object (&self->domain, domain);

  if (domain != NULL)
    {
      g_autofree char *label =
        g_strdup_printf (_("Console of %s"), hangar_domain_get_name (domain));

      gtk_accessible_update_property (GTK_ACCESSIBLE (self->display),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                      -1);
      g_signal_connect (domain, "notify::state",
                        G_CALLBACK (domain_state_changed_cb), self);
    }

  /* A new domain starts from nothing, whatever the old one showed. */
  set_state (self, HANGAR_CONSOLE_STATE_NONE, NULL);
  update_from_domain (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOMAIN]);
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
  g_return_val_if_fail (HANGAR_IS_CONSOLE_VIEW (self),
                        HANGAR_CONSOLE_STATE_NONE);

  return self->state;
}

const char *
hangar_console_view_get_message (HangarConsoleView *self)
{
  g_return_val_if_fail (HANGAR_IS_CONSOLE_VIEW (self), NULL);

  return self->message;
}

HangarSpiceDisplay *
hangar_console_view_get_display (HangarConsoleView *self)
{
  g_return_val_if_fail (HANGAR_IS_CONSOLE_VIEW (self), NULL);

  /* The display has a session from the first socket on: a caller may
   * watch its frames before it is shown. */
  if (self->state == HANGAR_CONSOLE_STATE_CONNECTING ||
      self->state == HANGAR_CONSOLE_STATE_CONNECTED)
    return self->display;

  return NULL;
}
