/* hangar-domain-row.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-domain-row"

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-domain-row.h"
#include "hangar-sparkline.h"
#include "hangar-stats-format.h"

struct _HangarDomainRow
{
  GtkWidget     parent_instance;

  /* owned references */
  HangarDomain *domain;
  gulong        notify_id;
  gulong        stats_id;
  gboolean      watching;

  /* child widgets */
  GtkWidget    *icon;
  GtkWidget    *labels;
  GtkWidget    *name_label;
  GtkWidget    *state_label;
  GtkWidget    *cpu_graph;
};

G_DEFINE_FINAL_TYPE (HangarDomainRow, hangar_domain_row, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_DOMAIN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *
state_icon_name (HangarDomainState state)
{
  switch (state)
    {
    case HANGAR_DOMAIN_STATE_RUNNING:
      return "media-playback-start-symbolic";
    case HANGAR_DOMAIN_STATE_PAUSED:
      return "media-playback-pause-symbolic";
    case HANGAR_DOMAIN_STATE_SHUTTING_DOWN:
      return "system-shutdown-symbolic";
    case HANGAR_DOMAIN_STATE_CRASHED:
      return "dialog-error-symbolic";
    case HANGAR_DOMAIN_STATE_SUSPENDED:
      return "weather-clear-night-symbolic";
    case HANGAR_DOMAIN_STATE_SHUTOFF:
    default:
      return "media-playback-stop-symbolic";
    }
}

/* The CPU figure and its graph, with each sample. */
static void
update_stats (HangarDomainRow *self)
{
  const HangarDomainStats *history = NULL;
  g_autofree double *values = NULL;
  unsigned n = 0;

  if (self->domain != NULL)
    history = hangar_domain_get_stats_history (self->domain, &n);

  gtk_widget_set_visible (self->cpu_graph, n > 0);
  if (n == 0)
    return;

  values = g_new (double, n);
  for (unsigned i = 0; i < n; i++)
    values[i] = history[i].cpu_percent;
  hangar_sparkline_set_values (HANGAR_SPARKLINE (self->cpu_graph), values, n, 100);
}

static void update (HangarDomainRow *self);

static void
stats_notify_cb (HangarDomainRow *self)
{
  update (self);
}

static void
update (HangarDomainRow *self)
{
  HangarDomainState state;
  const char *label;
  g_autofree char *accessible = NULL;
  g_autofree char *cpu = NULL;
  g_autofree char *caption = NULL;

  if (self->domain == NULL)
    return;

  state = hangar_domain_get_state (self->domain);
  label = hangar_domain_state_to_label (state);
  if (state == HANGAR_DOMAIN_STATE_SHUTOFF && hangar_domain_get_has_managed_save (self->domain))
    /* Translators: the state of a domain whose memory was saved to disk */
    label = _("Saved");

  cpu = hangar_stats_format_cpu (hangar_domain_get_stats (self->domain));
  if (cpu != NULL)
    /* Translators: a row's state and processor use, "Running · 12 % CPU" */
    caption = g_strdup_printf (_("%s · %s"), label, cpu);

  gtk_label_set_label (GTK_LABEL (self->name_label), hangar_domain_get_name (self->domain));
  gtk_label_set_label (GTK_LABEL (self->state_label), caption != NULL ? caption : label);
  update_stats (self);
  gtk_image_set_from_icon_name (GTK_IMAGE (self->icon), state_icon_name (state));

  if (state == HANGAR_DOMAIN_STATE_RUNNING)
    gtk_widget_add_css_class (self->icon, "success");
  else
    gtk_widget_remove_css_class (self->icon, "success");

  /* Translators: the accessible name of a row: "gentoo, Running" */
  accessible = g_strdup_printf (_("%s, %s"), hangar_domain_get_name (self->domain),
                                caption != NULL ? caption : label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  -1);
}

static void
domain_notify_cb (HangarDomainRow *self,
                  GParamSpec      *pspec)
{
  /* Samples have their own handler. */
  if (g_strcmp0 (pspec->name, "stats") == 0)
    return;

  update (self);
}

/* Only rows on screen are sampled: GtkListView keeps many more bound
 * than it shows, unmapped. */
static void
update_watch (HangarDomainRow *self)
{
  gboolean wanted = self->domain != NULL && gtk_widget_get_mapped (GTK_WIDGET (self));

  if (wanted == self->watching)
    return;

  self->watching = wanted;
  if (wanted)
    hangar_domain_watch_stats (self->domain);
  else
    hangar_domain_unwatch_stats (self->domain);
}

static void
hangar_domain_row_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (hangar_domain_row_parent_class)->map (widget);
  update_watch (HANGAR_DOMAIN_ROW (widget));
}

static void
hangar_domain_row_unmap (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (hangar_domain_row_parent_class)->unmap (widget);
  update_watch (HANGAR_DOMAIN_ROW (widget));
}

static void
hangar_domain_row_dispose (GObject *object)
{
  HangarDomainRow *self = HANGAR_DOMAIN_ROW (object);

  hangar_domain_row_set_domain (self, NULL);
  g_clear_pointer (&self->icon, gtk_widget_unparent);
  g_clear_pointer (&self->labels, gtk_widget_unparent);
  g_clear_pointer (&self->cpu_graph, gtk_widget_unparent);

  G_OBJECT_CLASS (hangar_domain_row_parent_class)->dispose (object);
}

static void
hangar_domain_row_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  HangarDomainRow *self = HANGAR_DOMAIN_ROW (object);

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
hangar_domain_row_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  HangarDomainRow *self = HANGAR_DOMAIN_ROW (object);

  switch (prop_id)
    {
    case PROP_DOMAIN:
      hangar_domain_row_set_domain (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_domain_row_class_init (HangarDomainRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hangar_domain_row_dispose;
  object_class->get_property = hangar_domain_row_get_property;
  object_class->set_property = hangar_domain_row_set_property;
  widget_class->map = hangar_domain_row_map;
  widget_class->unmap = hangar_domain_row_unmap;

  properties[PROP_DOMAIN] =
    g_param_spec_object ("domain", NULL, NULL,
                         HANGAR_TYPE_DOMAIN,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "domainrow");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
hangar_domain_row_init (HangarDomainRow *self)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));

  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 12);
  gtk_widget_set_margin_top (GTK_WIDGET (self), 6);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self), 6);

  self->icon = gtk_image_new ();
  gtk_widget_set_parent (self->icon, GTK_WIDGET (self));

  /* The name and the state stack in one child. */
  self->labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_hexpand (self->labels, TRUE);
  gtk_widget_set_parent (self->labels, GTK_WIDGET (self));

  self->name_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->name_label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (self->name_label), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (self->name_label, "heading");
  gtk_box_append (GTK_BOX (self->labels), self->name_label);

  self->state_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->state_label), 0);
  gtk_widget_add_css_class (self->state_label, "dim-label");
  gtk_widget_add_css_class (self->state_label, "caption");
  gtk_box_append (GTK_BOX (self->labels), self->state_label);

  self->cpu_graph = hangar_sparkline_new ();
  gtk_widget_set_size_request (self->cpu_graph, 48, 24);
  gtk_widget_set_valign (self->cpu_graph, GTK_ALIGN_CENTER);
  gtk_widget_set_visible (self->cpu_graph, FALSE);
  gtk_widget_add_css_class (self->cpu_graph, "accent");
  gtk_widget_set_tooltip_text (self->cpu_graph, _("Processor use"));
  gtk_widget_set_parent (self->cpu_graph, GTK_WIDGET (self));
}

GtkWidget *
hangar_domain_row_new (void)
{
  return g_object_new (HANGAR_TYPE_DOMAIN_ROW, NULL);
}

HangarDomain *
hangar_domain_row_get_domain (HangarDomainRow *self)
{
  g_return_val_if_fail (HANGAR_IS_DOMAIN_ROW (self), NULL);

  return self->domain;
}

void
hangar_domain_row_set_domain (HangarDomainRow *self,
                              HangarDomain    *domain)
{
  g_return_if_fail (HANGAR_IS_DOMAIN_ROW (self));
  g_return_if_fail (domain == NULL || HANGAR_IS_DOMAIN (domain));

  if (self->domain == domain)
    return;

  if (self->domain != NULL)
    {
      g_clear_signal_handler (&self->notify_id, self->domain);
      g_clear_signal_handler (&self->stats_id, self->domain);
      if (self->watching)
        hangar_domain_unwatch_stats (self->domain);
      self->watching = FALSE;
    }
  g_set_object (&self->domain, domain);
  if (domain != NULL)
    {
      self->notify_id = g_signal_connect_object (domain, "notify",
                                                 G_CALLBACK (domain_notify_cb), self,
                                                 G_CONNECT_SWAPPED);
      self->stats_id = g_signal_connect_object (domain, "notify::stats",
                                                G_CALLBACK (stats_notify_cb), self,
                                                G_CONNECT_SWAPPED);
    }
  update_watch (self);

  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOMAIN]);
}
