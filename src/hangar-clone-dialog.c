/* hangar-clone-dialog.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-clone-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "hangar-clone-dialog.h"

struct _HangarCloneDialog
{
  AdwWindow            parent_instance;

  /* owned references */
  HangarDomain        *domain;
  HangarClonePlan     *plan;
  GCancellable        *cancellable;
  GPtrArray           *rows;       /* AdwActionRow per disk, borrowed */
  gulong               progress_id;
  gboolean             busy;

  /* template widgets */
  GtkWidget           *cancel_button;
  GtkWidget           *clone_button;
  GtkProgressBar      *progress_bar;
  GtkStack            *stack;
  AdwStatusPage       *error_page;
  AdwEntryRow         *name_row;
  AdwPreferencesGroup *storage_group;
  GtkWidget           *firmware_group;
};

G_DEFINE_FINAL_TYPE (HangarCloneDialog, hangar_clone_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_DOMAIN,
  PROP_PLAN,
  N_PROPS
};

enum {
  CLONE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static const char *
device_label (const char *device)
{
  if (g_strcmp0 (device, "cdrom") == 0)
    return _("CD/DVD");
  if (g_strcmp0 (device, "floppy") == 0)
    return _("Floppy");

  return _("Disk");
}

static void
update_row (HangarCloneDialog *self,
            unsigned           index)
{
  AdwActionRow *row = g_ptr_array_index (self->rows, index);
  const char *reason = hangar_clone_plan_get_disk_reason (self->plan, index);
  g_autofree char *subtitle = NULL;

  if (reason != NULL)
    subtitle = g_strdup (reason);
  else if (hangar_clone_plan_get_disk_mode (self->plan, index) == HANGAR_CLONE_COPY)
    /* Translators: where a disk's copy goes */
    subtitle = g_strdup_printf (_("Copied to %s"), hangar_clone_plan_get_disk_copy (self->plan,
                                                                                      index));
  else
    subtitle = g_strdup_printf (_("Shared with “%s”"), hangar_domain_get_name (self->domain));

  adw_action_row_set_subtitle (row, subtitle);
}

static void
update_clone_button (HangarCloneDialog *self)
{
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->name_row));
  g_autofree char *stripped = g_strstrip (g_strdup (name));
  gboolean valid = *stripped != '\0' && strchr (stripped, '/') == NULL &&
                   g_strcmp0 (stripped, hangar_domain_get_name (self->domain)) != 0;

  gtk_widget_set_sensitive (self->clone_button, self->plan != NULL && valid && !self->busy);
  if (valid)
    gtk_widget_remove_css_class (GTK_WIDGET (self->name_row), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->name_row), "error");
}

static void
copy_toggled_cb (GtkSwitch         *toggle,
                 GParamSpec        *pspec,
                 HangarCloneDialog *self)
{
  unsigned index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (toggle), "index"));

  hangar_clone_plan_set_disk_mode (self->plan, index,
                                   gtk_switch_get_active (toggle) ? HANGAR_CLONE_COPY
                                                                  : HANGAR_CLONE_SHARE);
  update_row (self, index);
}

static void
add_disk_row (HangarCloneDialog *self,
              unsigned           index)
{
  const char *source = hangar_clone_plan_get_disk_source (self->plan, index);
  g_autofree char *title = NULL;
  GtkWidget *row;

  /* Translators: a disk in the clone dialog, "vda · Disk: /path/disk.qcow2" */
  title = g_strdup_printf (_("%s · %s: %s"), hangar_clone_plan_get_disk_target (self->plan, index),
                           device_label (hangar_clone_plan_get_disk_device (self->plan, index)),
                           source != NULL ? source : _("empty"));

  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 2);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 2);

  if (hangar_clone_plan_get_disk_reason (self->plan, index) == NULL)
    {
      GtkWidget *toggle = gtk_switch_new ();

      gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
      gtk_switch_set_active (GTK_SWITCH (toggle),
                             hangar_clone_plan_get_disk_mode (self->plan, index) ==
                             HANGAR_CLONE_COPY);
      gtk_widget_set_tooltip_text (toggle, _("Copy the disk, or share it with the original"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (toggle),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                      -1);
      g_object_set_data (G_OBJECT (toggle), "index", GUINT_TO_POINTER (index));
      g_signal_connect (toggle, "notify::active", G_CALLBACK (copy_toggled_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
    }

  adw_preferences_group_add (self->storage_group, row);
  g_ptr_array_add (self->rows, row);
  update_row (self, index);
}

static void
plan_loaded_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(HangarCloneDialog) self = user_data;
  g_autoptr(HangarClonePlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  unsigned n;

  plan = hangar_clone_plan_load_finish (result, &error);
  if (plan == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }

  self->plan = g_steal_pointer (&plan);
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), hangar_clone_plan_get_name (self->plan));

  n = hangar_clone_plan_get_n_disks (self->plan);
  for (unsigned i = 0; i < n; i++)
    add_disk_row (self, i);
  if (n == 0)
    adw_preferences_group_set_description (self->storage_group, _("No disks"));
  gtk_widget_set_visible (self->firmware_group, hangar_clone_plan_get_has_nvram (self->plan));

  gtk_stack_set_visible_child_name (self->stack, "plan");
  update_clone_button (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAN]);
}

static void
name_changed_cb (HangarCloneDialog *self)
{
  if (self->plan == NULL)
    return;

  hangar_clone_plan_set_name (self->plan, gtk_editable_get_text (GTK_EDITABLE (self->name_row)));
  for (unsigned i = 0; i < self->rows->len; i++)
    update_row (self, i);
  update_clone_button (self);
}

static void
cancel_clicked_cb (HangarCloneDialog *self)
{
  gtk_window_close (GTK_WINDOW (self));
}

static void
clone_clicked_cb (HangarCloneDialog *self)
{
  if (self->plan == NULL || self->busy)
    return;

  g_signal_emit (self, signals[CLONE], 0, self->plan);
}

static void
progress_cb (HangarCloneDialog *self)
{
  gtk_progress_bar_set_fraction (self->progress_bar, hangar_clone_plan_get_progress (self->plan));
}

static void
hangar_clone_dialog_dispose (GObject *object)
{
  HangarCloneDialog *self = HANGAR_CLONE_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  if (self->plan != NULL)
    g_clear_signal_handler (&self->progress_id, self->plan);

  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_CLONE_DIALOG);

  G_OBJECT_CLASS (hangar_clone_dialog_parent_class)->dispose (object);
}

static void
hangar_clone_dialog_finalize (GObject *object)
{
  HangarCloneDialog *self = HANGAR_CLONE_DIALOG (object);

  g_clear_object (&self->domain);
  g_clear_object (&self->plan);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (hangar_clone_dialog_parent_class)->finalize (object);
}

static void
hangar_clone_dialog_constructed (GObject *object)
{
  HangarCloneDialog *self = HANGAR_CLONE_DIALOG (object);
  g_autofree char *title = NULL;

  G_OBJECT_CLASS (hangar_clone_dialog_parent_class)->constructed (object);

  title = g_strdup_printf (_("Clone “%s”"), hangar_domain_get_name (self->domain));
  gtk_window_set_title (GTK_WINDOW (self), title);

  hangar_clone_plan_load_async (self->domain, self->cancellable, plan_loaded_cb,
                                g_object_ref (self));
}

static void
hangar_clone_dialog_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  HangarCloneDialog *self = HANGAR_CLONE_DIALOG (object);

  switch (prop_id)
    {
    case PROP_DOMAIN:
      g_value_set_object (value, self->domain);
      break;

    case PROP_PLAN:
      g_value_set_object (value, self->plan);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_clone_dialog_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  HangarCloneDialog *self = HANGAR_CLONE_DIALOG (object);

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
hangar_clone_dialog_class_init (HangarCloneDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = hangar_clone_dialog_constructed;
  object_class->dispose = hangar_clone_dialog_dispose;
  object_class->finalize = hangar_clone_dialog_finalize;
  object_class->get_property = hangar_clone_dialog_get_property;
  object_class->set_property = hangar_clone_dialog_set_property;

  properties[PROP_DOMAIN] =
    g_param_spec_object ("domain", NULL, NULL,
                         HANGAR_TYPE_DOMAIN,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PLAN] =
    g_param_spec_object ("plan", NULL, NULL,
                         HANGAR_TYPE_CLONE_PLAN,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CLONE] = g_signal_new ("clone",
                                 G_TYPE_FROM_CLASS (klass),
                                 G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL,
                                 G_TYPE_NONE, 1, HANGAR_TYPE_CLONE_PLAN);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/hangarvm/Hangar/hangar-clone-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarCloneDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, HangarCloneDialog, clone_button);
  gtk_widget_class_bind_template_child (widget_class, HangarCloneDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, HangarCloneDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, HangarCloneDialog, error_page);
  gtk_widget_class_bind_template_child (widget_class, HangarCloneDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, HangarCloneDialog, storage_group);
  gtk_widget_class_bind_template_child (widget_class, HangarCloneDialog, firmware_group);
  gtk_widget_class_bind_template_callback (widget_class, name_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, clone_clicked_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
hangar_clone_dialog_init (HangarCloneDialog *self)
{
  self->cancellable = g_cancellable_new ();
  self->rows = g_ptr_array_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_window_set_default_widget (GTK_WINDOW (self), self->clone_button);
}

GtkWidget *
hangar_clone_dialog_new (HangarDomain *domain)
{
  g_return_val_if_fail (HANGAR_IS_DOMAIN (domain), NULL);

  return g_object_new (HANGAR_TYPE_CLONE_DIALOG,
                       "domain", domain,
                       NULL);
}

HangarClonePlan *
hangar_clone_dialog_get_plan (HangarCloneDialog *self)
{
  g_return_val_if_fail (HANGAR_IS_CLONE_DIALOG (self), NULL);

  return self->plan;
}

void
hangar_clone_dialog_set_busy (HangarCloneDialog *self,
                              gboolean           busy)
{
  g_return_if_fail (HANGAR_IS_CLONE_DIALOG (self));

  busy = !!busy;
  if (self->busy == busy)
    return;

  self->busy = busy;

  /* Nothing can be typed while busy; this also stops the name's cursor
   * blinking in a window that may go away from under it. */
  if (busy)
    gtk_window_set_focus (GTK_WINDOW (self), NULL);

  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->stack), !busy);
  gtk_widget_set_sensitive (self->cancel_button, !busy);
  gtk_window_set_deletable (GTK_WINDOW (self), !busy);

  if (busy && self->plan != NULL)
    {
      gtk_progress_bar_set_fraction (self->progress_bar, 0);
      self->progress_id = g_signal_connect_object (self->plan, "notify::progress",
                                                   G_CALLBACK (progress_cb), self,
                                                   G_CONNECT_SWAPPED);
    }
  else if (self->plan != NULL)
    g_clear_signal_handler (&self->progress_id, self->plan);

  update_clone_button (self);
}
