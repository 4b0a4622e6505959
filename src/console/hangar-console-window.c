/* hangar-console-window.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-console-window"

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-console-window.h"

/* In fullscreen the toolbar hides this long after the pointer left it,
 * and comes back when the pointer is this close to the top edge. */
#define TOOLBAR_HIDE_MS   2000
#define TOOLBAR_EDGE_PX   4

struct _HangarConsoleWindow
{
  AdwApplicationWindow  parent_instance;

  /* owned references */
  HangarDomain         *domain;

  /* child widgets */
  GtkWidget            *header;
  AdwWindowTitle       *title;
  GtkRevealer          *docked;       /* the header bar outside fullscreen */
  GtkRevealer          *floating;     /* and over the console in fullscreen */
  HangarConsoleView    *view;

  guint                 hide_id;
  gboolean              sized;
  gboolean              pointer_in_toolbar;
};

G_DEFINE_FINAL_TYPE (HangarConsoleWindow, hangar_console_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_DOMAIN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_title (HangarConsoleWindow *self)
{
  const char *name = hangar_domain_get_name (self->domain);
  const char *state = hangar_domain_state_to_label (hangar_domain_get_state (self->domain));
  /* Translators: the window title: a virtual machine's name */
  g_autofree char *title = g_strdup_printf (_("%s — Console"), name);

  adw_window_title_set_title (self->title, name);
  adw_window_title_set_subtitle (self->title, state);
  gtk_window_set_title (GTK_WINDOW (self), title);
}

/* Fullscreen and the floating toolbar */

static gboolean
hide_toolbar_cb (gpointer user_data)
{
  HangarConsoleWindow *self = user_data;

  self->hide_id = 0;
  if (!self->pointer_in_toolbar)
    gtk_revealer_set_reveal_child (self->floating, FALSE);

  return G_SOURCE_REMOVE;
}

static void
schedule_hide (HangarConsoleWindow *self)
{
  g_clear_handle_id (&self->hide_id, g_source_remove);
  self->hide_id = g_timeout_add (TOOLBAR_HIDE_MS, hide_toolbar_cb, self);
}

static void
move_header (HangarConsoleWindow *self,
             GtkRevealer         *from,
             GtkRevealer         *to)
{
  g_object_ref (self->header);
  gtk_revealer_set_child (from, NULL);
  gtk_revealer_set_child (to, self->header);
  g_object_unref (self->header);
}

static void
fullscreened_cb (HangarConsoleWindow *self)
{
  gboolean fullscreen = gtk_window_is_fullscreen (GTK_WINDOW (self));

  if (fullscreen && gtk_revealer_get_child (self->docked) != NULL)
    {
      move_header (self, self->docked, self->floating);
      gtk_revealer_set_reveal_child (self->docked, FALSE);
      gtk_revealer_set_reveal_child (self->floating, TRUE);
      schedule_hide (self);
    }
  else if (!fullscreen && gtk_revealer_get_child (self->floating) != NULL)
    {
      g_clear_handle_id (&self->hide_id, g_source_remove);
      move_header (self, self->floating, self->docked);
      gtk_revealer_set_reveal_child (self->floating, FALSE);
      gtk_revealer_set_reveal_child (self->docked, TRUE);
    }
}

static void
motion_cb (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           HangarConsoleWindow      *self)
{
  if (!gtk_window_is_fullscreen (GTK_WINDOW (self)))
    return;

  if (y <= TOOLBAR_EDGE_PX && !gtk_revealer_get_reveal_child (self->floating))
    {
      gtk_revealer_set_reveal_child (self->floating, TRUE);
      schedule_hide (self);
    }
}

static void
toolbar_enter_cb (HangarConsoleWindow *self)
{
  self->pointer_in_toolbar = TRUE;
  g_clear_handle_id (&self->hide_id, g_source_remove);
}

static void
toolbar_leave_cb (HangarConsoleWindow *self)
{
  self->pointer_in_toolbar = FALSE;
  if (gtk_window_is_fullscreen (GTK_WINDOW (self)))
    schedule_hide (self);
}

static void
fullscreen_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  GtkWindow *window = GTK_WINDOW (widget);

  if (gtk_window_is_fullscreen (window))
    gtk_window_unfullscreen (window);
  else
    gtk_window_fullscreen (window);
}

/* The first picture sizes the window to the guest's screen, one guest
 * pixel to one of the screen, as far as the monitor allows. */
static void
guest_size_cb (HangarConsoleWindow *self)
{
  HangarDisplay *display = hangar_console_view_get_display (self->view);
  int width, height, header_height = 0;
  GdkRectangle area = { 0, 0, 1920, 1080 };
  GdkMonitor *monitor;
  GdkSurface *surface;
  int scale;

  if (self->sized || display == NULL)
    return;

  width = hangar_display_get_guest_width (display);
  height = hangar_display_get_guest_height (display);
  if (width <= 0 || height <= 0)
    return;

  self->sized = TRUE;
  if (gtk_window_is_fullscreen (GTK_WINDOW (self)) || gtk_window_is_maximized (GTK_WINDOW (self)))
    return;

  scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  surface = gtk_native_get_surface (GTK_NATIVE (self));
  monitor = surface != NULL ? gdk_display_get_monitor_at_surface (gdk_surface_get_display (surface),
                                                                  surface)
                            : NULL;
  if (monitor != NULL)
    gdk_monitor_get_geometry (monitor, &area);

  gtk_widget_measure (self->header, GTK_ORIENTATION_VERTICAL, -1, NULL, &header_height,
                      NULL, NULL);
  width = MIN ((width + scale - 1) / scale, area.width);
  height = MIN ((height + scale - 1) / scale + header_height, area.height);
  gtk_window_set_default_size (GTK_WINDOW (self), width, height);
}

static void
display_changed_cb (HangarConsoleWindow *self)
{
  HangarDisplay *display = hangar_console_view_get_display (self->view);

  if (display == NULL || g_object_get_data (G_OBJECT (display), "hangar-window-watch") != NULL)
    return;

  g_object_set_data (G_OBJECT (display), "hangar-window-watch", self);
  g_signal_connect_object (display, "notify::guest-height", G_CALLBACK (guest_size_cb), self,
                           G_CONNECT_SWAPPED);
  guest_size_cb (self);
}

/* GObject */

static void
hangar_console_window_constructed (GObject *object)
{
  HangarConsoleWindow *self = HANGAR_CONSOLE_WINDOW (object);

  G_OBJECT_CLASS (hangar_console_window_parent_class)->constructed (object);

  g_signal_connect_object (self->domain, "notify::state", G_CALLBACK (update_title), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->domain, "notify::name", G_CALLBACK (update_title), self,
                           G_CONNECT_SWAPPED);
  update_title (self);
  hangar_console_view_set_domain (self->view, self->domain);
}

static void
hangar_console_window_dispose (GObject *object)
{
  HangarConsoleWindow *self = HANGAR_CONSOLE_WINDOW (object);

  g_clear_handle_id (&self->hide_id, g_source_remove);
  if (self->view != NULL)
    hangar_console_view_set_domain (self->view, NULL);
  g_clear_object (&self->domain);

  G_OBJECT_CLASS (hangar_console_window_parent_class)->dispose (object);
}

static void
hangar_console_window_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  HangarConsoleWindow *self = HANGAR_CONSOLE_WINDOW (object);

  switch (prop_id)
    {
    case PROP_DOMAIN:
      g_value_set_object (value, self->domain);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_console_window_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  HangarConsoleWindow *self = HANGAR_CONSOLE_WINDOW (object);

  switch (prop_id)
    {
    case PROP_DOMAIN:
      self->domain = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_console_window_class_init (HangarConsoleWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = hangar_console_window_constructed;
  object_class->dispose = hangar_console_window_dispose;
  object_class->get_property = hangar_console_window_get_property;
  object_class->set_property = hangar_console_window_set_property;

  properties[PROP_DOMAIN] =
    g_param_spec_object ("domain", NULL, NULL, HANGAR_TYPE_DOMAIN,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "win.fullscreen", NULL, fullscreen_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F11, 0, "win.fullscreen", NULL);
}

static void
hangar_console_window_init (HangarConsoleWindow *self)
{
  GtkWidget *box, *overlay, *button, *toolbar;
  GtkEventController *controller;

  gtk_window_set_default_size (GTK_WINDOW (self), 1024, 800);

  self->view = HANGAR_CONSOLE_VIEW (hangar_console_view_new ());
  hangar_console_view_set_show_toolbar (self->view, FALSE);
  gtk_widget_set_vexpand (GTK_WIDGET (self->view), TRUE);
  g_signal_connect_swapped (self->view, "notify::state", G_CALLBACK (display_changed_cb), self);

  self->header = adw_header_bar_new ();
  self->title = ADW_WINDOW_TITLE (adw_window_title_new ("", ""));
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (self->header), GTK_WIDGET (self->title));
  toolbar = hangar_console_view_create_toolbar (self->view);
  adw_header_bar_pack_start (ADW_HEADER_BAR (self->header), toolbar);

  button = gtk_button_new_from_icon_name ("view-fullscreen-symbolic");
  gtk_widget_set_tooltip_text (button, _("Fullscreen"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Fullscreen"), -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.fullscreen");
  adw_header_bar_pack_end (ADW_HEADER_BAR (self->header), button);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect_swapped (controller, "enter", G_CALLBACK (toolbar_enter_cb), self);
  g_signal_connect_swapped (controller, "leave", G_CALLBACK (toolbar_leave_cb), self);
  gtk_widget_add_controller (self->header, controller);

  self->docked = GTK_REVEALER (gtk_revealer_new ());
  gtk_revealer_set_reveal_child (self->docked, TRUE);
  gtk_revealer_set_child (self->docked, self->header);

  self->floating = GTK_REVEALER (gtk_revealer_new ());
  gtk_revealer_set_transition_type (self->floating, GTK_REVEALER_TRANSITION_TYPE_SLIDE_DOWN);
  gtk_widget_set_valign (GTK_WIDGET (self->floating), GTK_ALIGN_START);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->docked));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->view));

  overlay = gtk_overlay_new ();
  gtk_overlay_set_child (GTK_OVERLAY (overlay), box);
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), GTK_WIDGET (self->floating));
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (self), overlay);

  /* The pointer at the top edge brings the toolbar back, also while the
   * display holds the pointer for the guest. */
  controller = gtk_event_controller_motion_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect (controller, "motion", G_CALLBACK (motion_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  g_signal_connect (self, "notify::fullscreened", G_CALLBACK (fullscreened_cb), NULL);
}

HangarConsoleWindow *
hangar_console_window_new (GtkApplication *application,
                           HangarDomain   *domain)
{
  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (HANGAR_IS_DOMAIN (domain), NULL);

  return g_object_new (HANGAR_TYPE_CONSOLE_WINDOW,
                       "application", application,
                       "domain", domain,
                       NULL);
}

HangarDomain *
hangar_console_window_get_domain (HangarConsoleWindow *self)
{
  g_return_val_if_fail (HANGAR_IS_CONSOLE_WINDOW (self), NULL);

  return self->domain;
}

HangarConsoleView *
hangar_console_window_get_view (HangarConsoleWindow *self)
{
  g_return_val_if_fail (HANGAR_IS_CONSOLE_WINDOW (self), NULL);

  return self->view;
}

gboolean
hangar_console_window_get_toolbar_revealed (HangarConsoleWindow *self)
{
  g_return_val_if_fail (HANGAR_IS_CONSOLE_WINDOW (self), FALSE);

  if (gtk_window_is_fullscreen (GTK_WINDOW (self)))
    return gtk_revealer_get_reveal_child (self->floating);

  return gtk_revealer_get_reveal_child (self->docked);
}

HangarConsoleWindow *
hangar_console_window_find (GtkApplication *application,
                            HangarDomain   *domain)
{
  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (HANGAR_IS_DOMAIN (domain), NULL);

  for (GList *l = gtk_application_get_windows (application); l != NULL; l = l->next)
    if (HANGAR_IS_CONSOLE_WINDOW (l->data) &&
        HANGAR_CONSOLE_WINDOW (l->data)->domain == domain)
      return l->data;

  return NULL;
}
