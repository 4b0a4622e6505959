/* hangar-credentials-dialog.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-credentials-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "hangar-credentials-dialog.h"

struct _HangarCredentialsDialog
{
  AdwMessageDialog   parent_instance;

  /* owned references */
  HangarAuthRequest *request;
  gulong             finished_id;

  /* child widgets */
  GtkWidget         *list;
  GPtrArray         *rows;     /* AdwEntryRow, one per field */
};

G_DEFINE_FINAL_TYPE (HangarCredentialsDialog, hangar_credentials_dialog,
                     ADW_TYPE_MESSAGE_DIALOG)

/* A field's title from libvirt's or OpenSSH's prompt: "Please enter your
 * password:" reads "Password". */
static char *
title_from_prompt (const char *prompt)
{
  static const char polite[] = "Please enter your ";
  g_autofree char *title = g_strstrip (g_strdup (prompt));
  const char *start = title;
  gsize len = strlen (title);

  while (len > 0 && (title[len - 1] == ':' || title[len - 1] == ' '))
    title[--len] = '\0';

  if (g_ascii_strncasecmp (start, polite, strlen (polite)) == 0)
    start += strlen (polite);

  if (*start == '\0')
    return g_strdup (_("Answer"));

  return g_strdup_printf ("%c%s", g_ascii_toupper (*start), start + 1);
}

static void
clear_fields (HangarCredentialsDialog *self)
{
  for (unsigned i = 0; i < self->rows->len; i++)
    gtk_editable_set_text (GTK_EDITABLE (g_ptr_array_index (self->rows, i)), "");
}

static void
response_cb (HangarCredentialsDialog *self,
             const char              *response)
{
  if (self->request == NULL)
    return;

  g_clear_signal_handler (&self->finished_id, self->request);

  /* libadwaita 1.2's entry rows do not survive being destroyed while
   * they have the focus: take it away first. */
  gtk_window_set_focus (GTK_WINDOW (self), NULL);

  if (g_strcmp0 (response, "connect") == 0)
    {
      for (unsigned i = 0; i < self->rows->len; i++)
        hangar_auth_request_set_answer (self->request, i,
                                        gtk_editable_get_text (g_ptr_array_index (self->rows, i)));
      hangar_auth_request_respond (self->request);
    }
  else
    {
      hangar_auth_request_cancel (self->request);
    }

  clear_fields (self);
}

static void
finished_cb (HangarCredentialsDialog *self)
{
  if (!hangar_auth_request_get_finished (self->request))
    return;

  /* Answered or given up elsewhere (the connection closed). */
  g_clear_signal_handler (&self->finished_id, self->request);
  clear_fields (self);
  gtk_window_close (GTK_WINDOW (self));
}

static gboolean
connect_later_cb (gpointer data)
{
  HangarCredentialsDialog *self = data;

  if (self->request != NULL && !hangar_auth_request_get_finished (self->request))
    {
      adw_message_dialog_response (ADW_MESSAGE_DIALOG (self), "connect");
      gtk_window_close (GTK_WINDOW (self));
    }

  return G_SOURCE_REMOVE;
}

static void
entry_activated_cb (AdwEntryRow             *row,
                    HangarCredentialsDialog *self)
{
  unsigned index;

  if (!g_ptr_array_find (self->rows, row, &index))
    return;

  if (index + 1 < self->rows->len)
    gtk_widget_grab_focus (g_ptr_array_index (self->rows, index + 1));
  else
    /* Once the key press is over: the entry that took it must not go
     * away under it. */
    g_idle_add_full (G_PRIORITY_DEFAULT, connect_later_cb, g_object_ref (self), g_object_unref);
}

static void
hangar_credentials_dialog_dispose (GObject *object)
{
  HangarCredentialsDialog *self = HANGAR_CREDENTIALS_DIALOG (object);

  /* Closed without an answer. */
  if (self->request != NULL)
    {
      g_clear_signal_handler (&self->finished_id, self->request);
      hangar_auth_request_cancel (self->request);
    }
  g_clear_object (&self->request);

  G_OBJECT_CLASS (hangar_credentials_dialog_parent_class)->dispose (object);
}

static void
hangar_credentials_dialog_finalize (GObject *object)
{
  HangarCredentialsDialog *self = HANGAR_CREDENTIALS_DIALOG (object);

  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (hangar_credentials_dialog_parent_class)->finalize (object);
}

static void
hangar_credentials_dialog_class_init (HangarCredentialsDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hangar_credentials_dialog_dispose;
  object_class->finalize = hangar_credentials_dialog_finalize;
}

static void
hangar_credentials_dialog_init (HangarCredentialsDialog *self)
{
  self->rows = g_ptr_array_new ();

  adw_message_dialog_set_heading (ADW_MESSAGE_DIALOG (self), _("Authentication Required"));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (self),
                                    "cancel", _("_Cancel"),
                                    "connect", _("C_onnect"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (self), "connect",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (self), "connect");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (self), "cancel");

  self->list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (self->list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (self->list, "boxed-list");
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (self), self->list);

  g_signal_connect (self, "response", G_CALLBACK (response_cb), NULL);
}

GtkWidget *
hangar_credentials_dialog_new (GtkWindow         *parent,
                               const char        *title,
                               HangarAuthRequest *request)
{
  HangarCredentialsDialog *self;
  unsigned n;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (title != NULL, NULL);
  g_return_val_if_fail (HANGAR_IS_AUTH_REQUEST (request), NULL);

  self = g_object_new (HANGAR_TYPE_CREDENTIALS_DIALOG,
                       "transient-for", parent,
                       "modal", parent != NULL,
                       NULL);
  self->request = g_object_ref (request);

  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (self),
                                  _("“%s” asks for credentials (%s)."),
                                  title, hangar_auth_request_get_uri (request));

  n = hangar_auth_request_get_n_fields (request);
  for (unsigned i = 0; i < n; i++)
    {
      HangarAuthFieldKind kind = hangar_auth_request_get_kind (request, i);
      g_autofree char *field_title = title_from_prompt (hangar_auth_request_get_prompt (request, i));
      const char *initial = hangar_auth_request_get_initial (request, i);
      GtkWidget *row;

      if (kind == HANGAR_AUTH_FIELD_PASSWORD)
        row = adw_password_entry_row_new ();
      else
        row = adw_entry_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), field_title);
      if (initial != NULL && kind != HANGAR_AUTH_FIELD_PASSWORD)
        gtk_editable_set_text (GTK_EDITABLE (row), initial);
      g_signal_connect (row, "entry-activated", G_CALLBACK (entry_activated_cb), self);
      gtk_list_box_append (GTK_LIST_BOX (self->list), row);
      g_ptr_array_add (self->rows, row);
    }

  if (self->rows->len > 0)
    gtk_widget_grab_focus (g_ptr_array_index (self->rows, 0));

  self->finished_id = g_signal_connect_object (request, "notify::finished",
                                               G_CALLBACK (finished_cb), self,
                                               G_CONNECT_SWAPPED);

  return GTK_WIDGET (self);
}

HangarAuthRequest *
hangar_credentials_dialog_get_request (HangarCredentialsDialog *self)
{
  g_return_val_if_fail (HANGAR_IS_CREDENTIALS_DIALOG (self), NULL);

  return self->request;
}
