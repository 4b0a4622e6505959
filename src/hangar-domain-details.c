/* hangar-domain-details.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-domain-details"

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-domain-details.h"
#include "hangar-os-db.h"
#include "hangar-sparkline.h"
#include "hangar-stats-format.h"

struct _HangarDomainDetails
{
  AdwBin           parent_instance;

  /* owned references */
  HangarDomain    *domain;
  HangarDomainDoc *doc;
  GCancellable    *cancellable;
  gulong           state_id;
  gulong           stats_id;
  gulong           definition_id;
  gulong           pending_id;
  gboolean         modified;
  gboolean         filling;

  /* template widgets */
  GtkStack        *stack;
  GtkSpinner      *spinner;
  AdwStatusPage   *error_page;
  AdwActionRow    *name_row;
  AdwActionRow    *state_row;
  AdwActionRow    *os_row;
  AdwPreferencesGroup *performance_group;
  AdwActionRow    *cpu_row;
  AdwActionRow    *memory_use_row;
  AdwActionRow    *disk_row;
  AdwActionRow    *network_row;
  HangarSparkline *cpu_graph;
  HangarSparkline *memory_use_graph;
  HangarSparkline *disk_graph;
  HangarSparkline *network_graph;
  AdwPreferencesGroup *resources_group;
  GtkSpinButton   *memory_spin;
  GtkSpinButton   *vcpu_spin;
};

G_DEFINE_FINAL_TYPE (HangarDomainDetails, hangar_domain_details, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_DOMAIN,
  PROP_MODIFIED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_modified (HangarDomainDetails *self,
              gboolean             modified)
{
  if (self->modified == modified)
    return;

  self->modified = modified;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODIFIED]);
}

static guint64
doc_memory_mib (HangarDomainDoc *doc)
{
  return (hangar_domain_doc_get_memory_kib (doc) + 1023) / 1024;
}

static void
update_state (HangarDomainDetails *self)
{
  HangarDomainState state;
  g_autofree char *subtitle = NULL;

  if (self->domain == NULL)
    return;

  state = hangar_domain_get_state (self->domain);

  /* Saved changes that the running guest does not have yet. */
  if (hangar_domain_get_has_pending_changes (self->domain))
    /* Translators: a state, then a note: "Running — saved changes apply at the next boot" */
    subtitle = g_strdup_printf (_("%s — saved changes apply at the next boot"),
                                hangar_domain_state_to_label (state));
  adw_action_row_set_subtitle (self->state_row, subtitle != NULL ? subtitle
                                                : hangar_domain_state_to_label (state));

  if (state == HANGAR_DOMAIN_STATE_SHUTOFF)
    adw_preferences_group_set_description (self->resources_group, NULL);
  else
    adw_preferences_group_set_description (self->resources_group,
                                           _("Changes apply at the next boot"));
}

typedef enum
{
  FIGURE_CPU,
  FIGURE_MEMORY,
  FIGURE_DISK,
  FIGURE_NETWORK,
} Figure;

static double
figure_of (const HangarDomainStats *stats,
           Figure                   figure)
{
  switch (figure)
    {
    case FIGURE_CPU:
      return stats->cpu_percent;
    case FIGURE_MEMORY:
      return hangar_stats_memory_percent (stats);
    case FIGURE_DISK:
      return stats->disk_read_rate < 0 ? -1 : stats->disk_read_rate + stats->disk_write_rate;
    case FIGURE_NETWORK:
      return stats->net_rx_rate < 0 ? -1 : stats->net_rx_rate + stats->net_tx_rate;
    default:
      g_assert_not_reached ();
    }
}

static void
show_figure (AdwActionRow            *row,
             HangarSparkline         *graph,
             const HangarDomainStats *history,
             unsigned                 n,
             Figure                   figure,
             double                   max,
             char                    *text)
{
  g_autofree char *owned = text;
  g_autofree double *values = g_new (double, MAX (n, 1));

  for (unsigned i = 0; i < n; i++)
    values[i] = figure_of (&history[i], figure);
  hangar_sparkline_set_values (graph, values, n, max);

  /* Before the second sample rates are not known yet. */
  adw_action_row_set_subtitle (row, owned != NULL ? owned
                                    : n < 2 ? _("Measuring…") : _("Not reported by this connection"));
}

static void
update_stats (HangarDomainDetails *self)
{
  const HangarDomainStats *history = NULL;
  const HangarDomainStats *last;
  unsigned n = 0;

  if (self->domain != NULL)
    history = hangar_domain_get_stats_history (self->domain, &n);

  gtk_widget_set_visible (GTK_WIDGET (self->performance_group), n > 0);
  if (n == 0)
    return;

  last = &history[n - 1];
  show_figure (self->cpu_row, self->cpu_graph, history, n, FIGURE_CPU, 100,
               hangar_stats_format_cpu (last));
  show_figure (self->memory_use_row, self->memory_use_graph, history, n, FIGURE_MEMORY, 100,
               hangar_stats_format_memory (last));
  show_figure (self->disk_row, self->disk_graph, history, n, FIGURE_DISK, 0,
               hangar_stats_format_rates (_("Read"), last->disk_read_rate,
                                          _("write"), last->disk_write_rate));
  show_figure (self->network_row, self->network_graph, history, n, FIGURE_NETWORK, 0,
               hangar_stats_format_rates (_("Received"), last->net_rx_rate,
                                          _("sent"), last->net_tx_rate));
}

static void
update_os (HangarDomainDetails *self)
{
  const char *os_id;
  g_autofree char *name = NULL;

  if (self->doc == NULL)
    return;

  os_id = hangar_domain_doc_get_os_id (self->doc);
  name = hangar_os_db_dup_name (os_id);

  if (name != NULL)
    adw_action_row_set_subtitle (self->os_row, name);
  else if (os_id != NULL)
    adw_action_row_set_subtitle (self->os_row, os_id);
  else
    adw_action_row_set_subtitle (self->os_row, _("Unknown"));
}

static void
os_db_loaded_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(HangarDomainDetails) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!hangar_os_db_load_finish (result, &error))
    {
      g_warning ("Cannot load the operating system database: %s", error->message);
      return;
    }

  update_os (self);
}

static void
fill (HangarDomainDetails *self)
{
  self->filling = TRUE;

  adw_action_row_set_subtitle (self->name_row, hangar_domain_doc_get_name (self->doc));
  gtk_spin_button_set_value (self->memory_spin, doc_memory_mib (self->doc));
  gtk_spin_button_set_value (self->vcpu_spin, hangar_domain_doc_get_vcpus (self->doc));
  update_state (self);
  update_os (self);

  self->filling = FALSE;
  set_modified (self, FALSE);
}

static void
load_doc_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  HangarDomain *domain = HANGAR_DOMAIN (source);
  g_autoptr(HangarDomainDetails) self = user_data;
  g_autoptr(HangarDomainDoc) doc = NULL;
  g_autoptr(GError) error = NULL;

  doc = hangar_domain_load_doc_finish (domain, result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || domain != self->domain)
    return;

  gtk_spinner_stop (self->spinner);

  if (doc == NULL)
    {
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }

  g_set_object (&self->doc, doc);
  fill (self);
  gtk_stack_set_visible_child_name (self->stack, "details");
}

static void
value_changed_cb (HangarDomainDetails *self)
{
  gboolean modified;

  if (self->filling || self->doc == NULL)
    return;

  modified = (guint64) gtk_spin_button_get_value_as_int (self->memory_spin) !=
               doc_memory_mib (self->doc) ||
             (unsigned) gtk_spin_button_get_value_as_int (self->vcpu_spin) !=
               hangar_domain_doc_get_vcpus (self->doc);
  set_modified (self, modified);
}

static void
definition_changed_cb (HangarDomainDetails *self,
                       gboolean             live)
{
  /* Edits in progress stay: applying them checks for the conflict. */
  if (!live && !self->modified)
    hangar_domain_details_reload (self);
}

static void
hangar_domain_details_dispose (GObject *object)
{
  HangarDomainDetails *self = HANGAR_DOMAIN_DETAILS (object);

  g_cancellable_cancel (self->cancellable);
  hangar_domain_details_set_domain (self, NULL);
  g_clear_object (&self->doc);
  g_clear_object (&self->cancellable);

  /* AdwBin unparents its child itself: let it go before the template. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_DOMAIN_DETAILS);

  G_OBJECT_CLASS (hangar_domain_details_parent_class)->dispose (object);
}

static void
hangar_domain_details_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  HangarDomainDetails *self = HANGAR_DOMAIN_DETAILS (object);

  switch (prop_id)
    {
    case PROP_DOMAIN:
      g_value_set_object (value, self->domain);
      break;

    case PROP_MODIFIED:
      g_value_set_boolean (value, self->modified);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_domain_details_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  HangarDomainDetails *self = HANGAR_DOMAIN_DETAILS (object);

  switch (prop_id)
    {
    case PROP_DOMAIN:
      hangar_domain_details_set_domain (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_domain_details_class_init (HangarDomainDetailsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hangar_domain_details_dispose;
  object_class->get_property = hangar_domain_details_get_property;
  object_class->set_property = hangar_domain_details_set_property;

  g_type_ensure (HANGAR_TYPE_SPARKLINE);

  properties[PROP_DOMAIN] =
    g_param_spec_object ("domain", NULL, NULL,
                         HANGAR_TYPE_DOMAIN,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MODIFIED] =
    g_param_spec_boolean ("modified", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/hangarvm/Hangar/hangar-domain-details.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarDomainDetails, stack);
  gtk_widget_class_bind_template_child (widget_class, HangarDomainDetails, spinner);
  gtk_widget_class_bind_template_child (widget_class, HangarDomainDetails, error_page);
  gtk_widget_class_bind_template_child (widget_class, HangarDomainDetails, name_row);
  gtk_widget_class_bind_template_child (widget_class, HangarDomainDetails, state_row);
  gtk_widget_class_bind_template_child (widget_class, HangarDomainDetails, os_row);
  gtk_widget_class_bind_template_child (widget_class, HangarDomainDetails, performance_group);
  gtk_widget_class_bind_template_child (widget_class, HangarDomainDetails, cpu_row);
  gtk_widget_class_bind_template_child (widget_class, HangarDomainDetails, memory_use_row);
  gtk_widget_class_bind_template_child (widget_class, HangarDomainDetails, disk_row);
  gtk_widget_class_bind_template_child (widget_class, HangarDomainDetails, network_row);
  gtk_widget_class_bind_template_child (widget_class, HangarDomainDetails, cpu_graph);
  gtk_widget_class_bind_template_child (widget_class, HangarDomainDetails, memory_use_graph);
  gtk_widget_class_bind_template_child (widget_class, HangarDomainDetails, disk_graph);
  gtk_widget_class_bind_template_child (widget_class, HangarDomainDetails, network_graph);
  gtk_widget_class_bind_template_child (widget_class, HangarDomainDetails, resources_group);
  gtk_widget_class_bind_template_child (widget_class, HangarDomainDetails, memory_spin);
  gtk_widget_class_bind_template_child (widget_class, HangarDomainDetails, vcpu_spin);
  gtk_widget_class_bind_template_callback (widget_class, value_changed_cb);
}

static void
hangar_domain_details_init (HangarDomainDetails *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
hangar_domain_details_new (void)
{
  return g_object_new (HANGAR_TYPE_DOMAIN_DETAILS, NULL);
}

HangarDomain *
hangar_domain_details_get_domain (HangarDomainDetails *self)
{
  g_return_val_if_fail (HANGAR_IS_DOMAIN_DETAILS (self), NULL);

  return self->domain;
}

void
hangar_domain_details_reload (HangarDomainDetails *self)
{
  g_return_if_fail (HANGAR_IS_DOMAIN_DETAILS (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  if (self->domain == NULL)
    return;

  self->cancellable = g_cancellable_new ();

  /* Keep showing the old values while reloading the same domain. */
  if (self->doc == NULL)
    {
      gtk_spinner_start (self->spinner);
      gtk_stack_set_visible_child_name (self->stack, "loading");
    }

  hangar_domain_load_doc_async (self->domain, TRUE, self->cancellable,
                                load_doc_cb, g_object_ref (self));
}

void
hangar_domain_details_set_domain (HangarDomainDetails *self,
                                  HangarDomain        *domain)
{
  static gboolean os_db_requested;

  g_return_if_fail (HANGAR_IS_DOMAIN_DETAILS (self));
  g_return_if_fail (domain == NULL || HANGAR_IS_DOMAIN (domain));

  if (self->domain == domain)
    return;

  if (self->domain != NULL)
    {
      g_clear_signal_handler (&self->state_id, self->domain);
      g_clear_signal_handler (&self->stats_id, self->domain);
      g_clear_signal_handler (&self->definition_id, self->domain);
      g_clear_signal_handler (&self->pending_id, self->domain);
      hangar_domain_unwatch_stats (self->domain);
    }
  g_set_object (&self->domain, domain);
  g_clear_object (&self->doc);
  set_modified (self, FALSE);

  if (domain != NULL)
    {
      self->state_id = g_signal_connect_object (domain, "notify::state",
                                                G_CALLBACK (update_state), self,
                                                G_CONNECT_SWAPPED);
      self->pending_id = g_signal_connect_object (domain, "notify::has-pending-changes",
                                                  G_CALLBACK (update_state), self,
                                                  G_CONNECT_SWAPPED);
      self->stats_id = g_signal_connect_object (domain, "notify::stats",
                                                G_CALLBACK (update_stats), self,
                                                G_CONNECT_SWAPPED);
      self->definition_id = g_signal_connect_object (domain, "definition-changed",
                                                     G_CALLBACK (definition_changed_cb), self,
                                                     G_CONNECT_SWAPPED);
      hangar_domain_watch_stats (domain);
    }
  update_stats (self);

  if (!os_db_requested && domain != NULL)
    {
      os_db_requested = TRUE;
      hangar_os_db_load_async (NULL, os_db_loaded_cb, g_object_ref (self));
    }

  hangar_domain_details_reload (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOMAIN]);
}

gboolean
hangar_domain_details_get_modified (HangarDomainDetails *self)
{
  g_return_val_if_fail (HANGAR_IS_DOMAIN_DETAILS (self), FALSE);

  return self->modified;
}

HangarDomainDoc *
hangar_domain_details_get_doc (HangarDomainDetails *self)
{
  g_return_val_if_fail (HANGAR_IS_DOMAIN_DETAILS (self), NULL);

  return self->doc;
}

void
hangar_domain_details_rebase (HangarDomainDetails *self,
                              HangarDomainDoc     *current)
{
  g_return_if_fail (HANGAR_IS_DOMAIN_DETAILS (self));
  g_return_if_fail (HANGAR_IS_DOMAIN_DOC (current));

  /* A reload on its way would replace the fields. */
  g_cancellable_cancel (self->cancellable);

  /* Fields the user left alone take the new definition's values, so that
   * the edits made again on it are the user's only and do not undo the
   * other program's changes. */
  self->filling = TRUE;
  if (self->doc != NULL &&
      (guint64) gtk_spin_button_get_value_as_int (self->memory_spin) == doc_memory_mib (self->doc))
    gtk_spin_button_set_value (self->memory_spin, doc_memory_mib (current));
  if (self->doc != NULL &&
      (unsigned) gtk_spin_button_get_value_as_int (self->vcpu_spin) ==
      hangar_domain_doc_get_vcpus (self->doc))
    gtk_spin_button_set_value (self->vcpu_spin, hangar_domain_doc_get_vcpus (current));
  self->filling = FALSE;

  g_set_object (&self->doc, current);
  value_changed_cb (self);
}

HangarDomainDoc *
hangar_domain_details_dup_edited_doc (HangarDomainDetails  *self,
                                      GError              **error)
{
  g_autoptr(HangarDomainDoc) edited = NULL;
  guint64 memory_mib;
  unsigned vcpus;

  g_return_val_if_fail (HANGAR_IS_DOMAIN_DETAILS (self), NULL);
  g_return_val_if_fail (self->doc != NULL, NULL);

  gtk_spin_button_update (self->memory_spin);
  gtk_spin_button_update (self->vcpu_spin);
  memory_mib = gtk_spin_button_get_value_as_int (self->memory_spin);
  vcpus = gtk_spin_button_get_value_as_int (self->vcpu_spin);

  edited = hangar_domain_doc_copy (self->doc);

  /* Only what the user changed is written, so that a value the spin button
   * rounds (memory that is not a whole MiB) stays exactly as it was. */
  if (memory_mib != doc_memory_mib (self->doc) &&
      !hangar_domain_doc_set_memory_kib (edited, memory_mib * 1024, error))
    return NULL;

  if (vcpus != hangar_domain_doc_get_vcpus (self->doc) &&
      !hangar_domain_doc_set_vcpus (edited, vcpus, error))
    return NULL;

  return g_steal_pointer (&edited);
}
