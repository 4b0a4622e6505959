/* hangar-connection-list.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-connection-list"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "hangar-connection-list.h"
#include "hangar-connection-uri.h"

typedef struct
{
  HangarConnection *connection;
  char             *saved_uri;   /* as written in the settings */
  gboolean          saved;
  gboolean          autoconnect;
  gulong            authenticate_id;
} Entry;

struct _HangarConnectionList
{
  GObject       parent_instance;

  /* owned references */
  GSettings    *settings;
  GPtrArray    *entries;       /* Entry */
  GCancellable *cancellable;
};

static void hangar_connection_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HangarConnectionList, hangar_connection_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      hangar_connection_list_model_init))

enum {
  AUTHENTICATE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  g_clear_signal_handler (&entry->authenticate_id, entry->connection);
  g_clear_object (&entry->connection);
  g_free (entry->saved_uri);
  g_free (entry);
}

static Entry *
find_entry (HangarConnectionList *self,
            HangarConnection     *connection,
            unsigned             *position)
{
  for (unsigned i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      if (entry->connection == connection)
        {
          if (position != NULL)
            *position = i;
          return entry;
        }
    }

  return NULL;
}

static void
save (HangarConnectionList *self)
{
  GVariantBuilder builder;

  if (self->settings == NULL)
    return;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(sb)"));
  for (unsigned i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      if (entry->saved)
        g_variant_builder_add (&builder, "(sb)", entry->saved_uri, entry->autoconnect);
    }

  g_settings_set_value (self->settings, "connections", g_variant_builder_end (&builder));
}

/* The URI libvirt opens for one the user gave or saved. */
static char *
resolve_uri (const char  *uri,
             GError     **error)
{
  if (g_strcmp0 (uri, HANGAR_EMBED_URI_ALIAS) == 0)
    return hangar_connection_dup_default_uri (error);

  return g_strdup (uri);
}

static gboolean
authenticate_cb (HangarConnection  *connection,
                 HangarAuthRequest *request,
                 gpointer           user_data)
{
  HangarConnectionList *self = user_data;
  gboolean handled = FALSE;

  g_signal_emit (self, signals[AUTHENTICATE], 0, connection, request, &handled);

  return handled;
}

static HangarConnection *
append (HangarConnectionList *self,
        const char           *uri,
        const char           *saved_uri,
        gboolean              saved,
        gboolean              autoconnect)
{
  Entry *entry;

  entry = g_new0 (Entry, 1);
  entry->connection = hangar_connection_new (uri);
  entry->saved_uri = g_strdup (saved_uri);
  entry->saved = saved;
  entry->autoconnect = autoconnect;
  entry->authenticate_id = g_signal_connect (entry->connection, "authenticate",
                                             G_CALLBACK (authenticate_cb), self);
  g_ptr_array_add (self->entries, entry);

  g_list_model_items_changed (G_LIST_MODEL (self), self->entries->len - 1, 0, 1);

  return entry->connection;
}

static void
load (HangarConnectionList *self)
{
  g_autoptr(GVariant) value = NULL;
  GVariantIter iter;
  const char *saved_uri;
  gboolean autoconnect;

  value = g_settings_get_value (self->settings, "connections");
  g_variant_iter_init (&iter, value);
  while (g_variant_iter_next (&iter, "(&sb)", &saved_uri, &autoconnect))
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *uri = resolve_uri (saved_uri, &error);

      if (uri == NULL)
        {
          g_warning ("Cannot use the saved connection %s: %s", saved_uri, error->message);
          continue;
        }

      if (hangar_connection_list_lookup (self, uri) != NULL)
        continue;

      append (self, uri, saved_uri, TRUE, autoconnect);
    }
}

static GType
hangar_connection_list_get_item_type (GListModel *model)
{
  return HANGAR_TYPE_CONNECTION;
}

static guint
hangar_connection_list_get_n_items (GListModel *model)
{
  HangarConnectionList *self = HANGAR_CONNECTION_LIST (model);

  return self->entries->len;
}

static gpointer
hangar_connection_list_get_item (GListModel *model,
                                 guint       position)
{
  HangarConnectionList *self = HANGAR_CONNECTION_LIST (model);
  Entry *entry;

  if (position >= self->entries->len)
    return NULL;

  entry = g_ptr_array_index (self->entries, position);

  return g_object_ref (entry->connection);
}

static void
hangar_connection_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = hangar_connection_list_get_item_type;
  iface->get_n_items = hangar_connection_list_get_n_items;
  iface->get_item = hangar_connection_list_get_item;
}

static void
hangar_connection_list_dispose (GObject *object)
{
  HangarConnectionList *self = (HangarConnectionList *)object;

  g_cancellable_cancel (self->cancellable);
  if (self->entries != NULL)
    {
      for (unsigned i = 0; i < self->entries->len; i++)
        {
          Entry *entry = g_ptr_array_index (self->entries, i);

          g_clear_signal_handler (&entry->authenticate_id, entry->connection);
        }
    }

  G_OBJECT_CLASS (hangar_connection_list_parent_class)->dispose (object);
}

static void
hangar_connection_list_finalize (GObject *object)
{
  HangarConnectionList *self = (HangarConnectionList *)object;

  g_clear_pointer (&self->entries, g_ptr_array_unref);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (hangar_connection_list_parent_class)->finalize (object);
}

static void
hangar_connection_list_class_init (HangarConnectionListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hangar_connection_list_dispose;
  object_class->finalize = hangar_connection_list_finalize;

  /**
   * HangarConnectionList::authenticate:
   * @connection: the connection that is opening
   * @request: what libvirt asks for
   *
   * See HangarConnection::authenticate.
   */
  signals[AUTHENTICATE] =
    g_signal_new ("authenticate",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  g_signal_accumulator_true_handled, NULL,
                  NULL,
                  G_TYPE_BOOLEAN, 2, HANGAR_TYPE_CONNECTION, HANGAR_TYPE_AUTH_REQUEST);
}

static void
hangar_connection_list_init (HangarConnectionList *self)
{
  self->entries = g_ptr_array_new_with_free_func (entry_free);
  self->cancellable = g_cancellable_new ();
}

HangarConnectionList *
hangar_connection_list_new (GSettings *settings)
{
  HangarConnectionList *self;

  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);

  self = g_object_new (HANGAR_TYPE_CONNECTION_LIST, NULL);
  if (settings != NULL)
    {
      self->settings = g_object_ref (settings);
      load (self);
    }

  return self;
}

HangarConnection *
hangar_connection_list_lookup (HangarConnectionList *self,
                               const char           *uri)
{
  g_return_val_if_fail (HANGAR_IS_CONNECTION_LIST (self), NULL);
  g_return_val_if_fail (uri != NULL, NULL);

  for (unsigned i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      if (g_strcmp0 (hangar_connection_get_uri (entry->connection), uri) == 0 ||
          g_strcmp0 (entry->saved_uri, uri) == 0)
        return entry->connection;
    }

  return NULL;
}

HangarConnection *
hangar_connection_list_add (HangarConnectionList  *self,
                            const char            *uri,
                            gboolean               save_it,
                            gboolean               autoconnect,
                            GError               **error)
{
  g_autofree char *resolved = NULL;
  HangarConnection *connection;
  Entry *entry;

  g_return_val_if_fail (HANGAR_IS_CONNECTION_LIST (self), NULL);
  g_return_val_if_fail (uri != NULL, NULL);

  resolved = resolve_uri (uri, error);
  if (resolved == NULL)
    return NULL;

  connection = hangar_connection_list_lookup (self, resolved);
  if (connection != NULL)
    {
      entry = find_entry (self, connection, NULL);

      /* Saving one that was only opened for this run keeps it. */
      if (save_it && !entry->saved)
        {
          entry->saved = TRUE;
          entry->autoconnect = autoconnect;
          save (self);
        }

      return connection;
    }

  connection = append (self, resolved, uri, save_it, autoconnect);
  if (save_it)
    save (self);

  return connection;
}

void
hangar_connection_list_remove (HangarConnectionList *self,
                               HangarConnection     *connection)
{
  g_autoptr(HangarConnection) hold = NULL;
  unsigned position;
  Entry *entry;

  g_return_if_fail (HANGAR_IS_CONNECTION_LIST (self));
  g_return_if_fail (HANGAR_IS_CONNECTION (connection));

  entry = find_entry (self, connection, &position);
  if (entry == NULL)
    return;

  hold = g_object_ref (connection);
  g_ptr_array_remove_index (self->entries, position);
  g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);

  hangar_connection_close (connection);
  save (self);
}

gboolean
hangar_connection_list_get_saved (HangarConnectionList *self,
                                  HangarConnection     *connection)
{
  Entry *entry;

  g_return_val_if_fail (HANGAR_IS_CONNECTION_LIST (self), FALSE);

  entry = find_entry (self, connection, NULL);

  return entry != NULL && entry->saved;
}

gboolean
hangar_connection_list_get_autoconnect (HangarConnectionList *self,
                                        HangarConnection     *connection)
{
  Entry *entry;

  g_return_val_if_fail (HANGAR_IS_CONNECTION_LIST (self), FALSE);

  entry = find_entry (self, connection, NULL);

  return entry != NULL && entry->autoconnect;
}

void
hangar_connection_list_set_autoconnect (HangarConnectionList *self,
                                        HangarConnection     *connection,
                                        gboolean              autoconnect)
{
  Entry *entry;

  g_return_if_fail (HANGAR_IS_CONNECTION_LIST (self));

  entry = find_entry (self, connection, NULL);
  if (entry == NULL || entry->autoconnect == !!autoconnect)
    return;

  entry->autoconnect = !!autoconnect;
  if (entry->saved)
    save (self);
}

static void
open_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* The connection keeps the message in its "error" property. */
  if (!hangar_connection_open_finish (HANGAR_CONNECTION (source), result, &error))
    g_debug ("%s", error->message);
}

void
hangar_connection_list_open (HangarConnectionList *self,
                             HangarConnection     *connection)
{
  g_return_if_fail (HANGAR_IS_CONNECTION_LIST (self));
  g_return_if_fail (HANGAR_IS_CONNECTION (connection));

  if (hangar_connection_get_state (connection) != HANGAR_CONNECTION_DISCONNECTED)
    return;

  hangar_connection_open_async (connection, self->cancellable, open_cb, NULL);
}

void
hangar_connection_list_open_autoconnect (HangarConnectionList *self)
{
  g_return_if_fail (HANGAR_IS_CONNECTION_LIST (self));

  for (unsigned i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      if (entry->autoconnect)
        hangar_connection_list_open (self, entry->connection);
    }
}
