/* hangar-delete-dialog.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-delete-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-delete-dialog.h"

struct _HangarDeleteDialog
{
  AdwMessageDialog  parent_instance;

  /* owned references */
  HangarDomain     *domain;
  GCancellable     *cancellable;
  GPtrArray        *paths;    /* char *, parallel to @checks */
  GPtrArray        *checks;   /* GtkCheckButton, borrowed from the list */
  gboolean          loaded;

  /* template widgets */
  GtkStack         *stack;
  GtkListBox       *disk_list;
  GtkLabel         *none_label;
};

G_DEFINE_FINAL_TYPE (HangarDeleteDialog, hangar_delete_dialog, ADW_TYPE_MESSAGE_DIALOG)

enum {
  PROP_0,
  PROP_DOMAIN,
  PROP_LOADED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
add_disk (HangarDeleteDialog *self,
          const char         *path,
          const char         *device)
{
  GtkWidget *row;
  GtkWidget *check;
  const char *subtitle;

  /* Installation media are often shared between guests: only hard disks
   * are ticked to begin with. */
  check = gtk_check_button_new ();
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), g_strcmp0 (device, "disk") == 0);
  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);

  if (g_strcmp0 (device, "cdrom") == 0)
    subtitle = _("CD/DVD image");
  else if (g_strcmp0 (device, "floppy") == 0)
    subtitle = _("Floppy image");
  else
    subtitle = _("Disk image");

  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), path);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
  gtk_accessible_update_property (GTK_ACCESSIBLE (check),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, path,
                                  -1);
  gtk_list_box_append (self->disk_list, row);

  g_ptr_array_add (self->paths, g_strdup (path));
  g_ptr_array_add (self->checks, check);
}

static void
set_loaded (HangarDeleteDialog *self)
{
  self->loaded = TRUE;
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "delete", TRUE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
}

static void
load_doc_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(HangarDeleteDialog) self = user_data;
  g_autoptr(HangarDomainDoc) doc = NULL;
  g_autoptr(GError) error = NULL;
  unsigned n;

  doc = hangar_domain_load_doc_finish (HANGAR_DOMAIN (source), result, &error);
  if (doc == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      /* Deleting the definition alone stays possible. */
      gtk_label_set_text (self->none_label, error->message);
      gtk_stack_set_visible_child_name (self->stack, "none");
      set_loaded (self);
      return;
    }

  n = hangar_domain_doc_count_devices (doc, "disk");
  for (unsigned i = 0; i < n; i++)
    {
      HangarDevice *disk = hangar_domain_doc_get_device (doc, HANGAR_DEVICE_DISK, i);
      const char *pool = hangar_device_get_string (disk, "source-pool");
      const char *volume = hangar_device_get_string (disk, "source-volume");
      g_autofree char *path = NULL;

      /* A file, a block device (a storage pool's logical volume), or a
       * pool's volume by name, which the domain names "pool/volume". */
      if (pool != NULL && volume != NULL)
        path = g_strdup_printf ("%s/%s", pool, volume);
      else if (hangar_device_get_string (disk, "source-file") != NULL)
        path = g_strdup (hangar_device_get_string (disk, "source-file"));
      else if (hangar_device_get_string (disk, "source-dev") != NULL)
        path = g_strdup (hangar_device_get_string (disk, "source-dev"));
      else
        continue;

      add_disk (self, path, hangar_domain_doc_get_device_attr (doc, "disk", i, "device"));
    }

  gtk_stack_set_visible_child_name (self->stack, self->paths->len > 0 ? "disks" : "none");
  set_loaded (self);
}

static void
hangar_delete_dialog_constructed (GObject *object)
{
  HangarDeleteDialog *self = HANGAR_DELETE_DIALOG (object);

  G_OBJECT_CLASS (hangar_delete_dialog_parent_class)->constructed (object);

  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (self),
                                  _("The definition of “%s” is removed from this "
                                    "connection, with its saved state and snapshot "
                                    "records. Ticked disks are deleted too; the others "
                                    "stay where they are."),
                                  hangar_domain_get_name (self->domain));
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "delete", FALSE);

  hangar_domain_load_doc_async (self->domain, TRUE, self->cancellable,
                                load_doc_cb, g_object_ref (self));
}

static void
hangar_delete_dialog_dispose (GObject *object)
{
  HangarDeleteDialog *self = HANGAR_DELETE_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_pointer (&self->checks, g_ptr_array_unref);

  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_DELETE_DIALOG);

  G_OBJECT_CLASS (hangar_delete_dialog_parent_class)->dispose (object);
}

static void
hangar_delete_dialog_finalize (GObject *object)
{
  HangarDeleteDialog *self = HANGAR_DELETE_DIALOG (object);

  g_clear_object (&self->domain);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->paths, g_ptr_array_unref);

  G_OBJECT_CLASS (hangar_delete_dialog_parent_class)->finalize (object);
}

static void
hangar_delete_dialog_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  HangarDeleteDialog *self = HANGAR_DELETE_DIALOG (object);

  switch (prop_id)
    {
    case PROP_DOMAIN:
      g_value_set_object (value, self->domain);
      break;

    case PROP_LOADED:
      g_value_set_boolean (value, self->loaded);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_delete_dialog_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  HangarDeleteDialog *self = HANGAR_DELETE_DIALOG (object);

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
hangar_delete_dialog_class_init (HangarDeleteDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = hangar_delete_dialog_constructed;
  object_class->dispose = hangar_delete_dialog_dispose;
  object_class->finalize = hangar_delete_dialog_finalize;
  object_class->get_property = hangar_delete_dialog_get_property;
  object_class->set_property = hangar_delete_dialog_set_property;

  properties[PROP_DOMAIN] =
    g_param_spec_object ("domain", NULL, NULL,
                         HANGAR_TYPE_DOMAIN,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADED] =
    g_param_spec_boolean ("loaded", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/hangarvm/Hangar/hangar-delete-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarDeleteDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, HangarDeleteDialog, disk_list);
  gtk_widget_class_bind_template_child (widget_class, HangarDeleteDialog, none_label);
}

static void
hangar_delete_dialog_init (HangarDeleteDialog *self)
{
  self->cancellable = g_cancellable_new ();
  self->paths = g_ptr_array_new_with_free_func (g_free);
  self->checks = g_ptr_array_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  /* Set here rather than in the template: libadwaita 1.2 lays the dialog
   * out without its responses when the template sets the extra child. */
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (self), GTK_WIDGET (self->stack));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (self),
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (self), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
}

HangarDeleteDialog *
hangar_delete_dialog_new (HangarDomain *domain)
{
  g_return_val_if_fail (HANGAR_IS_DOMAIN (domain), NULL);

  return g_object_new (HANGAR_TYPE_DELETE_DIALOG,
                       "domain", domain,
                       NULL);
}

HangarDomain *
hangar_delete_dialog_get_domain (HangarDeleteDialog *self)
{
  g_return_val_if_fail (HANGAR_IS_DELETE_DIALOG (self), NULL);

  return self->domain;
}

gboolean
hangar_delete_dialog_get_loaded (HangarDeleteDialog *self)
{
  g_return_val_if_fail (HANGAR_IS_DELETE_DIALOG (self), FALSE);

  return self->loaded;
}

GStrv
hangar_delete_dialog_dup_paths (HangarDeleteDialog *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (HANGAR_IS_DELETE_DIALOG (self), NULL);

  for (unsigned i = 0; i < self->paths->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (self->paths, i));

  return g_strv_builder_end (builder);
}

GStrv
hangar_delete_dialog_dup_selected_paths (HangarDeleteDialog *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (HANGAR_IS_DELETE_DIALOG (self), NULL);

  for (unsigned i = 0; self->checks != NULL && i < self->paths->len; i++)
    if (gtk_check_button_get_active (g_ptr_array_index (self->checks, i)))
      g_strv_builder_add (builder, g_ptr_array_index (self->paths, i));

  return g_strv_builder_end (builder);
}

void
hangar_delete_dialog_set_path_selected (HangarDeleteDialog *self,
                                        const char         *path,
                                        gboolean            selected)
{
  g_return_if_fail (HANGAR_IS_DELETE_DIALOG (self));
  g_return_if_fail (path != NULL);

  for (unsigned i = 0; self->checks != NULL && i < self->paths->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->paths, i), path) == 0)
      gtk_check_button_set_active (g_ptr_array_index (self->checks, i), selected);
}
