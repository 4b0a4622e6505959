/* hangar-askpass.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-askpass"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gio/gunixsocketaddress.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hangar-askpass.h"
#include "hangar-connection-uri.h"

/* A question is one line of id and the prompt: never more than this. */
#define REQUEST_MAX 8192

typedef struct
{
  char                 *uri;
  HangarAskpassHandler  handler;
  gpointer              user_data;
} Client;

static struct
{
  char           *folder;
  GSocketService *service;
  GHashTable     *clients;   /* id → Client */
  unsigned        next_id;
} askpass;

static void
client_free (gpointer data)
{
  Client *client = data;

  g_free (client->uri);
  g_free (client);
}

const char *
hangar_askpass_get_helper (void)
{
  const char *helper = g_getenv ("HANGAR_ASKPASS_HELPER");

  return helper != NULL && *helper != '\0' ? helper : HANGAR_ASKPASS_HELPER_PATH;
}

static char *
link_path (const char *kind,
           unsigned    id)
{
  g_autofree char *name = g_strdup_printf ("%s-%u", kind, id);

  return g_build_filename (askpass.folder, name, NULL);
}

static void
remove_folder (void)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (askpass.folder == NULL)
    return;

  dir = g_dir_open (askpass.folder, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (askpass.folder, name, NULL);

      g_unlink (path);
    }
  g_rmdir (askpass.folder);
}

/* One question, from its arrival to the answer written back. */
typedef struct
{
  GSocketConnection *connection;
  GByteArray        *bytes;
  HangarAuthRequest *request;
  gulong             finished_id;
} Question;

static void
question_free (Question *question)
{
  if (question->request != NULL)
    {
      g_clear_signal_handler (&question->finished_id, question->request);
      hangar_auth_request_cancel (question->request);
    }
  g_clear_object (&question->request);
  g_clear_object (&question->connection);
  if (question->bytes != NULL)
    {
      explicit_bzero (question->bytes->data, question->bytes->len);
      g_byte_array_unref (question->bytes);
    }
  g_free (question);
}

static void
reply (Question   *question,
       const char *text)
{
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (question->connection));
  g_autoptr(GError) error = NULL;

  /* A few bytes to a local socket that the helper is reading. */
  if (!g_output_stream_write_all (out, text, strlen (text), NULL, NULL, &error))
    g_debug ("The helper went away: %s", error->message);
  g_io_stream_close (G_IO_STREAM (question->connection), NULL, NULL);
}

static void
finished_cb (HangarAuthRequest *request,
             GParamSpec        *pspec,
             Question          *question)
{
  g_autofree char *answer = NULL;
  char *text;

  if (!hangar_auth_request_get_finished (request))
    return;

  g_clear_signal_handler (&question->finished_id, request);

  answer = hangar_auth_request_steal_answer (request, 0);
  if (answer != NULL)
    {
      text = g_strconcat ("1", answer, NULL);
      explicit_bzero (answer, strlen (answer));
      reply (question, text);
      explicit_bzero (text, strlen (text));
      g_free (text);
    }
  else
    {
      reply (question, "0");
    }

  question_free (question);
}

static HangarAuthFieldKind
kind_of (const char *prompt)
{
  g_autofree char *lower = g_utf8_strdown (prompt, -1);

  /* The host key question wants "yes", shown as typed. */
  if (strstr (lower, "(yes/no") != NULL)
    return HANGAR_AUTH_FIELD_TEXT;

  return HANGAR_AUTH_FIELD_PASSWORD;
}

static void
ask (Question *question)
{
  g_autofree char *text = NULL;
  char *newline;
  Client *client;
  guint64 id;

  text = g_strndup ((const char *)question->bytes->data, question->bytes->len);
  explicit_bzero (question->bytes->data, question->bytes->len);
  newline = strchr (text, '\n');
  if (newline == NULL)
    goto refuse;
  *newline = '\0';

  if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXUINT, &id, NULL) ||
      (client = g_hash_table_lookup (askpass.clients, GUINT_TO_POINTER ((unsigned)id))) == NULL)
    goto refuse;

  question->request = hangar_auth_request_new (client->uri, NULL);
  hangar_auth_request_add_field (question->request, kind_of (newline + 1), newline + 1, NULL);
  question->finished_id = g_signal_connect (question->request, "notify::finished",
                                            G_CALLBACK (finished_cb), question);

  g_debug ("OpenSSH asks for %s", client->uri);
  if (!client->handler (question->request, client->user_data))
    hangar_auth_request_cancel (question->request);

  return;

refuse:
  g_debug ("A question for no known connection");
  reply (question, "0");
  question_free (question);
}

static void read_more (Question *question);

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Question *question = user_data;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (bytes == NULL)
    {
      g_debug ("Reading a question: %s", error->message);
      question_free (question);
      return;
    }

  if (g_bytes_get_size (bytes) == 0)
    {
      ask (question);
      return;
    }

  g_byte_array_append (question->bytes, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  if (question->bytes->len > REQUEST_MAX)
    {
      question_free (question);
      return;
    }

  read_more (question);
}

static void
read_more (Question *question)
{
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (question->connection));

  g_input_stream_read_bytes_async (in, 1024, G_PRIORITY_DEFAULT, NULL, read_cb, question);
}

static gboolean
incoming_cb (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source_object,
             gpointer           user_data)
{
  Question *question;

  question = g_new0 (Question, 1);
  question->connection = g_object_ref (connection);
  question->bytes = g_byte_array_new ();
  read_more (question);

  return TRUE;
}

static gboolean
ensure_service (GError **error)
{
  g_autoptr(GSocketAddress) address = NULL;
  g_autofree char *template = NULL;
  g_autofree char *socket_path = NULL;

  if (askpass.service != NULL)
    return TRUE;

  /* Only this user can reach the socket: the folder is theirs alone. */
  template = g_build_filename (g_get_user_runtime_dir (), "hangar-askpass-XXXXXX", NULL);
  if (g_mkdtemp_full (template, 0700) == NULL)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not create a folder for OpenSSH’s questions: %s"),
                   g_strerror (saved_errno));
      return FALSE;
    }
  askpass.folder = g_steal_pointer (&template);
  atexit (remove_folder);

  socket_path = g_build_filename (askpass.folder, "socket", NULL);
  address = g_unix_socket_address_new (socket_path);
  askpass.service = g_socket_service_new ();
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (askpass.service), address,
                                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT,
                                      NULL, NULL, error))
    {
      g_clear_object (&askpass.service);
      return FALSE;
    }
  g_signal_connect (askpass.service, "incoming", G_CALLBACK (incoming_cb), NULL);
  g_socket_service_start (askpass.service);

  askpass.clients = g_hash_table_new_full (NULL, NULL, NULL, client_free);

  g_debug ("Listening for OpenSSH’s questions in %s", askpass.folder);

  return TRUE;
}

static gboolean
names_command (const char *uri)
{
  const char *query = strchr (uri, '?');

  if (query == NULL)
    return FALSE;

  return strstr (query, "?command=") != NULL || strstr (query, "&command=") != NULL;
}

char *
hangar_askpass_register (const char            *uri,
                         HangarAskpassHandler   handler,
                         gpointer               user_data,
                         unsigned              *id_out,
                         GError               **error)
{
  g_autofree char *ssh_link = NULL;
  g_autofree char *askpass_link = NULL;
  g_autofree char *escaped = NULL;
  Client *client;
  unsigned id;

  g_return_val_if_fail (uri != NULL, NULL);
  g_return_val_if_fail (handler != NULL, NULL);
  g_return_val_if_fail (id_out != NULL, NULL);

  *id_out = 0;

  if (!hangar_connection_uri_is_openssh (uri) || names_command (uri))
    return g_strdup (uri);

  if (!ensure_service (error))
    return NULL;

  id = ++askpass.next_id;
  ssh_link = link_path ("ssh", id);
  askpass_link = link_path ("askpass", id);
  if (symlink (hangar_askpass_get_helper (), ssh_link) < 0 ||
      symlink (hangar_askpass_get_helper (), askpass_link) < 0)
    {
      int saved_errno = errno;

      g_unlink (ssh_link);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not link to OpenSSH’s helper %s: %s"),
                   hangar_askpass_get_helper (), g_strerror (saved_errno));
      return NULL;
    }

  client = g_new0 (Client, 1);
  client->uri = g_strdup (uri);
  client->handler = handler;
  client->user_data = user_data;
  g_hash_table_insert (askpass.clients, GUINT_TO_POINTER (id), client);
  *id_out = id;

  escaped = g_uri_escape_string (ssh_link, "/", FALSE);

  return g_strconcat (uri, strchr (uri, '?') != NULL ? "&" : "?", "command=", escaped, NULL);
}

void
hangar_askpass_unregister (unsigned id)
{
  g_autofree char *ssh_link = NULL;
  g_autofree char *askpass_link = NULL;

  if (id == 0 || askpass.clients == NULL)
    return;

  g_hash_table_remove (askpass.clients, GUINT_TO_POINTER (id));
  ssh_link = link_path ("ssh", id);
  askpass_link = link_path ("askpass", id);
  g_unlink (ssh_link);
  g_unlink (askpass_link);
}
