/* hangar-import-dialog.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-import-dialog"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "hangar-import-dialog.h"
#include "hangar-os-db.h"
#include "hangar-start-check.h"

#define GIB ((guint64) 1024 * 1024 * 1024)

struct _HangarImportDialog
{
  AdwWindow          parent_instance;

  /* owned references */
  HangarConnection  *connection;
  GFile             *file;
  HangarDomainDoc   *doc;
  GPtrArray         *problems;      /* HangarStartProblem */
  GPtrArray         *fix_switches;  /* GtkCheckButton, parallel to problems */
  GPtrArray         *created_files; /* char *, images this import made */
  GCancellable      *cancellable;
  HangarImportStage  stage;
  char              *error;
  HangarDomainDoc   *fixed;         /* while importing */
  unsigned           next_fix;

  /* template widgets */
  AdwWindowTitle    *window_title;
  GtkButton         *import_button;
  GtkButton         *cancel_button;
  GtkRevealer       *error_revealer;
  GtkLabel          *error_label;
  GtkStack          *stack;
  GtkLabel          *progress_label;
  AdwStatusPage     *error_page;
  AdwActionRow      *name_row;
  AdwActionRow      *os_row;
  AdwActionRow      *resources_row;
  AdwPreferencesGroup *problems_group;
};

G_DEFINE_FINAL_TYPE (HangarImportDialog, hangar_import_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_CONNECTION,
  PROP_FILE,
  PROP_STAGE,
  N_PROPS
};

enum {
  IMPORTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
set_stage (HangarImportDialog *self,
           HangarImportStage   stage)
{
  if (self->stage == stage)
    return;

  self->stage = stage;

  gtk_widget_set_sensitive (GTK_WIDGET (self->import_button),
                            stage == HANGAR_IMPORT_STAGE_READY);
  gtk_widget_set_sensitive (GTK_WIDGET (self->problems_group),
                            stage == HANGAR_IMPORT_STAGE_READY);

  switch (stage)
    {
    case HANGAR_IMPORT_STAGE_LOADING:
    case HANGAR_IMPORT_STAGE_IMPORTING:
      gtk_stack_set_visible_child_name (self->stack, "loading");
      break;

    case HANGAR_IMPORT_STAGE_FAILED:
      gtk_stack_set_visible_child_name (self->stack, "error");
      break;

    case HANGAR_IMPORT_STAGE_READY:
    case HANGAR_IMPORT_STAGE_DONE:
    default:
      gtk_stack_set_visible_child_name (self->stack, "ready");
      break;
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STAGE]);
}

static void
fail (HangarImportDialog *self,
      const char         *message)
{
  g_free (self->error);
  self->error = g_strdup (message);
  adw_status_page_set_description (self->error_page, message);
  set_stage (self, HANGAR_IMPORT_STAGE_FAILED);
}

static void
show_import_error (HangarImportDialog *self,
                   const char         *message)
{
  g_free (self->error);
  self->error = g_strdup (message);
  gtk_label_set_label (self->error_label, message);
  gtk_revealer_set_reveal_child (self->error_revealer, TRUE);
  set_stage (self, HANGAR_IMPORT_STAGE_READY);
}

static void
disk_size_changed_cb (GtkSpinButton      *spin,
                      HangarStartProblem *problem)
{
  hangar_start_problem_set_disk_size (problem,
                                      (guint64) gtk_spin_button_get_value_as_int (spin) * GIB);
}

static GtkWidget *
create_problem_row (HangarImportDialog *self,
                    HangarStartProblem *problem)
{
  GtkWidget *row;
  GtkWidget *check;
  g_autofree char *subtitle = NULL;
  g_autofree char *accessible = NULL;

  row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 hangar_start_problem_get_message (problem));
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);

  /* Translators: a fix for a problem, and the element it is about */
  subtitle = g_strdup_printf (_("Fix: %s (at %s)"),
                              hangar_start_problem_get_fix_label (problem),
                              hangar_start_problem_get_path (problem));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);

  check = gtk_check_button_new ();
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  accessible = g_strdup_printf (_("Apply the fix: %s"),
                                hangar_start_problem_get_fix_label (problem));
  gtk_accessible_update_property (GTK_ACCESSIBLE (check),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
  g_ptr_array_add (self->fix_switches, check);

  if (hangar_start_problem_get_kind (problem) == HANGAR_START_PROBLEM_DISK_MISSING)
    {
      GtkWidget *spin = gtk_spin_button_new_with_range (1, 65536, 1);
      GtkWidget *unit = gtk_label_new (_("GiB"));

      gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin),
                                 MAX (1, hangar_start_problem_get_disk_size (problem) / GIB));
      gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (spin),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Size of the new disk image in GiB"),
                                      -1);
      g_signal_connect_object (spin, "value-changed",
                               G_CALLBACK (disk_size_changed_cb), problem, 0);
      g_object_bind_property (check, "active", spin, "sensitive", G_BINDING_SYNC_CREATE);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), unit);
    }

  return row;
}

static void
check_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(HangarImportDialog) self = user_data;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;

  problems = hangar_start_check_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (problems == NULL)
    {
      fail (self, error->message);
      return;
    }

  g_clear_pointer (&self->problems, g_ptr_array_unref);
  self->problems = g_steal_pointer (&problems);

  if (self->problems->len == 0)
    adw_preferences_group_set_description (self->problems_group,
                                           _("Nothing was found that would stop it from starting on this connection."));
  else
    adw_preferences_group_set_description (self->problems_group,
                                           _("As written, it cannot start on this connection. The selected fixes are made on import."));

  for (unsigned i = 0; i < self->problems->len; i++)
    adw_preferences_group_add (self->problems_group,
                               create_problem_row (self, g_ptr_array_index (self->problems, i)));

  set_stage (self, HANGAR_IMPORT_STAGE_READY);
}

static gboolean
name_taken (HangarImportDialog *self)
{
  GListModel *domains = hangar_connection_get_domains (self->connection);
  const char *name = hangar_domain_doc_get_name (self->doc);
  const char *uuid = hangar_domain_doc_get_uuid (self->doc);
  unsigned n = g_list_model_get_n_items (domains);

  for (unsigned i = 0; i < n; i++)
    {
      g_autoptr(HangarDomain) domain = g_list_model_get_item (domains, i);

      if (g_strcmp0 (hangar_domain_get_name (domain), name) == 0 ||
          (uuid != NULL && g_ascii_strcasecmp (hangar_domain_get_uuid (domain), uuid) == 0))
        return TRUE;
    }

  return FALSE;
}

static void
show_summary (HangarImportDialog *self)
{
  g_autofree char *os_name = NULL;
  g_autofree char *resources = NULL;
  g_autofree char *memory = NULL;
  const char *os_id = hangar_domain_doc_get_os_id (self->doc);
  unsigned vcpus = hangar_domain_doc_get_vcpus (self->doc);

  adw_action_row_set_subtitle (self->name_row, hangar_domain_doc_get_name (self->doc));

  os_name = hangar_os_db_dup_name (os_id);
  adw_action_row_set_subtitle (self->os_row,
                               os_name != NULL ? os_name :
                               os_id != NULL ? os_id : _("Unknown"));

  memory = g_format_size_full (hangar_domain_doc_get_memory_kib (self->doc) * 1024,
                               G_FORMAT_SIZE_IEC_UNITS);
  /* Translators: "512.0 MiB, 2 CPUs" */
  resources = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s, %u CPU", "%s, %u CPUs", vcpus),
                               memory, vcpus);
  adw_action_row_set_subtitle (self->resources_row, resources);
}

static void
parse_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  GFile *file = task_data;
  g_autofree char *contents = NULL;
  g_autofree char *basename = g_file_get_basename (file);
  gsize length;
  GError *error = NULL;
  HangarDomainDoc *doc;

  if (!g_file_load_contents (file, cancellable, &contents, &length, NULL, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  doc = hangar_domain_doc_new_from_string (contents, length, basename, &error);
  if (doc == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, doc, g_object_unref);
}

static void
os_db_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(HangarImportDialog) self = user_data;

  if (hangar_os_db_load_finish (result, NULL) && self->doc != NULL)
    show_summary (self);
}

static void
parse_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(HangarImportDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  self->doc = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (self->doc == NULL)
    {
      fail (self, error->message);
      return;
    }

  if (name_taken (self))
    {
      message = g_strdup_printf (_("A virtual machine named “%s” or with the same UUID is "
                                   "already defined on this connection."),
                                 hangar_domain_doc_get_name (self->doc));
      fail (self, message);
      return;
    }

  show_summary (self);
  hangar_os_db_load_async (self->cancellable, os_db_cb, g_object_ref (self));

  gtk_label_set_label (self->progress_label, _("Checking it against this connection…"));
  hangar_start_check_async (self->connection, self->doc, self->cancellable,
                            check_cb, g_object_ref (self));
}

static void
remove_created_files (HangarImportDialog *self)
{
  for (unsigned i = 0; i < self->created_files->len; i++)
    {
      const char *path = g_ptr_array_index (self->created_files, i);

      if (g_unlink (path) != 0)
        g_warning ("Cannot remove %s: %s", path, g_strerror (errno));
    }

  g_ptr_array_set_size (self->created_files, 0);
}

static void
define_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(HangarImportDialog) self = user_data;
  g_autoptr(HangarDomain) domain = NULL;
  g_autoptr(GError) error = NULL;

  domain = hangar_connection_define_finish (HANGAR_CONNECTION (source), result, &error);
  g_clear_object (&self->fixed);

  if (domain == NULL)
    {
      /* Nothing half-done stays behind: images made for this import go. */
      remove_created_files (self);
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_import_error (self, error->message);
      return;
    }

  g_ptr_array_set_size (self->created_files, 0);
  set_stage (self, HANGAR_IMPORT_STAGE_DONE);
  g_signal_emit (self, signals[IMPORTED], 0, domain);
  gtk_window_close (GTK_WINDOW (self));
}

static void apply_next_fix (HangarImportDialog *self);

static void
fix_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  HangarStartProblem *problem = HANGAR_START_PROBLEM (source);
  g_autoptr(HangarImportDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!hangar_start_problem_fix_finish (problem, result, &error))
    {
      remove_created_files (self);
      g_clear_object (&self->fixed);
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_import_error (self, error->message);
      return;
    }

  if (hangar_start_problem_get_kind (problem) == HANGAR_START_PROBLEM_DISK_MISSING)
    g_ptr_array_add (self->created_files, g_strdup (hangar_start_problem_get_file (problem)));

  apply_next_fix (self);
}

static void
apply_next_fix (HangarImportDialog *self)
{
  while (self->next_fix < self->problems->len)
    {
      unsigned i = self->next_fix++;
      HangarStartProblem *problem = g_ptr_array_index (self->problems, i);
      GtkCheckButton *check = g_ptr_array_index (self->fix_switches, i);

      if (!gtk_check_button_get_active (check))
        continue;

      gtk_label_set_label (self->progress_label, hangar_start_problem_get_fix_label (problem));
      hangar_start_problem_fix_async (problem, self->fixed, self->cancellable,
                                      fix_cb, g_object_ref (self));
      return;
    }

  gtk_label_set_label (self->progress_label, _("Defining the virtual machine…"));
  hangar_connection_define_async (self->connection, self->fixed, self->cancellable,
                                  define_cb, g_object_ref (self));
}

static void
import_clicked_cb (HangarImportDialog *self)
{
  g_return_if_fail (self->stage == HANGAR_IMPORT_STAGE_READY);

  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
  set_stage (self, HANGAR_IMPORT_STAGE_IMPORTING);

  /* The fixes edit a copy, so a failed import leaves the file's document
   * as it was and the user can try again with other choices. */
  g_clear_object (&self->fixed);
  self->fixed = hangar_domain_doc_copy (self->doc);
  self->next_fix = 0;
  apply_next_fix (self);
}

static void
hangar_import_dialog_constructed (GObject *object)
{
  HangarImportDialog *self = HANGAR_IMPORT_DIALOG (object);
  g_autoptr(GTask) task = NULL;
  g_autofree char *basename = g_file_get_basename (self->file);

  G_OBJECT_CLASS (hangar_import_dialog_parent_class)->constructed (object);

  adw_window_title_set_subtitle (self->window_title, basename);

  task = g_task_new (self, self->cancellable, parse_cb, g_object_ref (self));
  g_task_set_source_tag (task, hangar_import_dialog_constructed);
  g_task_set_task_data (task, g_object_ref (self->file), g_object_unref);
  g_task_run_in_thread (task, parse_thread);
}

static void
hangar_import_dialog_dispose (GObject *object)
{
  HangarImportDialog *self = HANGAR_IMPORT_DIALOG (object);

  g_cancellable_cancel (self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_IMPORT_DIALOG);

  G_OBJECT_CLASS (hangar_import_dialog_parent_class)->dispose (object);
}

static void
hangar_import_dialog_finalize (GObject *object)
{
  HangarImportDialog *self = HANGAR_IMPORT_DIALOG (object);

  g_clear_object (&self->connection);
  g_clear_object (&self->file);
  g_clear_object (&self->doc);
  g_clear_object (&self->fixed);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->problems, g_ptr_array_unref);
  g_clear_pointer (&self->fix_switches, g_ptr_array_unref);
  g_clear_pointer (&self->created_files, g_ptr_array_unref);
  g_clear_pointer (&self->error, g_free);

  G_OBJECT_CLASS (hangar_import_dialog_parent_class)->finalize (object);
}

static void
hangar_import_dialog_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  HangarImportDialog *self = HANGAR_IMPORT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      g_value_set_object (value, self->connection);
      break;

    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;

    case PROP_STAGE:
      g_value_set_int (value, self->stage);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_import_dialog_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  HangarImportDialog *self = HANGAR_IMPORT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      self->connection = g_value_dup_object (value);
      break;

    case PROP_FILE:
      self->file = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_import_dialog_class_init (HangarImportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = hangar_import_dialog_constructed;
  object_class->dispose = hangar_import_dialog_dispose;
  object_class->finalize = hangar_import_dialog_finalize;
  object_class->get_property = hangar_import_dialog_get_property;
  object_class->set_property = hangar_import_dialog_set_property;

  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL,
                         HANGAR_TYPE_CONNECTION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL,
                         G_TYPE_FILE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STAGE] =
    g_param_spec_int ("stage", NULL, NULL,
                      HANGAR_IMPORT_STAGE_LOADING, HANGAR_IMPORT_STAGE_DONE,
                      HANGAR_IMPORT_STAGE_LOADING,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[IMPORTED] =
    g_signal_new ("imported",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, HANGAR_TYPE_DOMAIN);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/hangarvm/Hangar/hangar-import-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarImportDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, HangarImportDialog, import_button);
  gtk_widget_class_bind_template_child (widget_class, HangarImportDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, HangarImportDialog, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, HangarImportDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, HangarImportDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, HangarImportDialog, progress_label);
  gtk_widget_class_bind_template_child (widget_class, HangarImportDialog, error_page);
  gtk_widget_class_bind_template_child (widget_class, HangarImportDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, HangarImportDialog, os_row);
  gtk_widget_class_bind_template_child (widget_class, HangarImportDialog, resources_row);
  gtk_widget_class_bind_template_child (widget_class, HangarImportDialog, problems_group);
  gtk_widget_class_bind_template_callback (widget_class, import_clicked_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
hangar_import_dialog_init (HangarImportDialog *self)
{
  self->cancellable = g_cancellable_new ();
  self->problems = g_ptr_array_new_with_free_func (g_object_unref);
  self->fix_switches = g_ptr_array_new ();
  self->created_files = g_ptr_array_new_with_free_func (g_free);

  gtk_widget_init_template (GTK_WIDGET (self));
}

HangarImportDialog *
hangar_import_dialog_new (HangarConnection *connection,
                          GFile            *file)
{
  g_return_val_if_fail (HANGAR_IS_CONNECTION (connection), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  return g_object_new (HANGAR_TYPE_IMPORT_DIALOG,
                       "connection", connection,
                       "file", file,
                       NULL);
}

HangarImportStage
hangar_import_dialog_get_stage (HangarImportDialog *self)
{
  g_return_val_if_fail (HANGAR_IS_IMPORT_DIALOG (self), HANGAR_IMPORT_STAGE_LOADING);

  return self->stage;
}

GPtrArray *
hangar_import_dialog_get_problems (HangarImportDialog *self)
{
  g_return_val_if_fail (HANGAR_IS_IMPORT_DIALOG (self), NULL);

  return self->problems;
}

const char *
hangar_import_dialog_get_error (HangarImportDialog *self)
{
  g_return_val_if_fail (HANGAR_IS_IMPORT_DIALOG (self), NULL);

  return self->error;
}
