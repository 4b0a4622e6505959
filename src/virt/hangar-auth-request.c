/* hangar-auth-request.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-auth-request"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "hangar-auth-request.h"
#include "hangar-event-loop.h"

typedef struct
{
  HangarAuthFieldKind  kind;
  char                *prompt;
  char                *initial;
  char                *answer;   /* wiped when freed */
} Field;

typedef enum
{
  PENDING,
  ANSWERED,
  CANCELLED,
} Outcome;

struct _HangarAuthRequest
{
  GObject       parent_instance;

  /* owned references */
  char         *uri;
  GMainContext *context;
  GArray       *fields;     /* Field */

  /* Shared with the waiting thread, under @lock */
  GMutex        lock;
  GCond         cond;
  Outcome       outcome;
};

G_DEFINE_FINAL_TYPE (HangarAuthRequest, hangar_auth_request, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (HangarAuthFieldKind, hangar_auth_field_kind,
  G_DEFINE_ENUM_VALUE (HANGAR_AUTH_FIELD_USERNAME, "username"),
  G_DEFINE_ENUM_VALUE (HANGAR_AUTH_FIELD_PASSWORD, "password"),
  G_DEFINE_ENUM_VALUE (HANGAR_AUTH_FIELD_TEXT, "text"))

enum {
  PROP_0,
  PROP_URI,
  PROP_FINISHED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

void
hangar_secret_free (char *secret)
{
  if (secret == NULL)
    return;

  /* Not optimized away, unlike a memset () before free (). */
  explicit_bzero (secret, strlen (secret));
  g_free (secret);
}

static void
field_clear (gpointer data)
{
  Field *field = data;

  g_clear_pointer (&field->prompt, g_free);
  g_clear_pointer (&field->initial, g_free);
  g_clear_pointer (&field->answer, hangar_secret_free);
}

static gboolean
notify_finished_cb (gpointer data)
{
  HangarAuthRequest *self = data;

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FINISHED]);

  return G_SOURCE_REMOVE;
}

/* Ends the request with @outcome unless it ended already.  Returns TRUE
 * when this call ended it. */
static gboolean
finish (HangarAuthRequest *self,
        Outcome            outcome)
{
  g_mutex_lock (&self->lock);
  if (self->outcome != PENDING)
    {
      g_mutex_unlock (&self->lock);
      return FALSE;
    }
  self->outcome = outcome;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);

  /* The dialog follows "finished" on the main context, whichever thread
   * ended the request. */
  hangar_invoke_on (self->context, notify_finished_cb, g_object_ref (self), g_object_unref);

  return TRUE;
}

static void
hangar_auth_request_finalize (GObject *object)
{
  HangarAuthRequest *self = (HangarAuthRequest *)object;

  g_clear_pointer (&self->fields, g_array_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_free (self->uri);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (hangar_auth_request_parent_class)->finalize (object);
}

static void
hangar_auth_request_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  HangarAuthRequest *self = HANGAR_AUTH_REQUEST (object);

  switch (prop_id)
    {
    case PROP_URI:
      g_value_set_string (value, self->uri);
      break;

    case PROP_FINISHED:
      g_value_set_boolean (value, hangar_auth_request_get_finished (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_auth_request_class_init (HangarAuthRequestClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hangar_auth_request_finalize;
  object_class->get_property = hangar_auth_request_get_property;

  properties[PROP_URI] =
    g_param_spec_string ("uri", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  properties[PROP_FINISHED] =
    g_param_spec_boolean ("finished", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hangar_auth_request_init (HangarAuthRequest *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->fields = g_array_new (FALSE, TRUE, sizeof (Field));
  g_array_set_clear_func (self->fields, field_clear);
}

HangarAuthRequest *
hangar_auth_request_new (const char   *uri,
                         GMainContext *context)
{
  HangarAuthRequest *self;

  g_return_val_if_fail (uri != NULL, NULL);

  self = g_object_new (HANGAR_TYPE_AUTH_REQUEST, NULL);
  self->uri = g_strdup (uri);
  self->context = context != NULL ? g_main_context_ref (context)
                                  : g_main_context_ref (g_main_context_default ());

  return self;
}

void
hangar_auth_request_add_field (HangarAuthRequest   *self,
                               HangarAuthFieldKind  kind,
                               const char          *prompt,
                               const char          *initial)
{
  Field field = { 0 };

  g_return_if_fail (HANGAR_IS_AUTH_REQUEST (self));
  g_return_if_fail (prompt != NULL);

  field.kind = kind;
  field.prompt = g_strdup (prompt);
  field.initial = initial != NULL && *initial != '\0' ? g_strdup (initial) : NULL;
  g_array_append_val (self->fields, field);
}

const char *
hangar_auth_request_get_uri (HangarAuthRequest *self)
{
  g_return_val_if_fail (HANGAR_IS_AUTH_REQUEST (self), NULL);

  return self->uri;
}

unsigned
hangar_auth_request_get_n_fields (HangarAuthRequest *self)
{
  g_return_val_if_fail (HANGAR_IS_AUTH_REQUEST (self), 0);

  return self->fields->len;
}

static Field *
get_field (HangarAuthRequest *self,
           unsigned           index)
{
  g_return_val_if_fail (index < self->fields->len, NULL);

  return &g_array_index (self->fields, Field, index);
}

HangarAuthFieldKind
hangar_auth_request_get_kind (HangarAuthRequest *self,
                              unsigned           index)
{
  Field *field;

  g_return_val_if_fail (HANGAR_IS_AUTH_REQUEST (self), HANGAR_AUTH_FIELD_TEXT);

  field = get_field (self, index);

  return field != NULL ? field->kind : HANGAR_AUTH_FIELD_TEXT;
}

const char *
hangar_auth_request_get_prompt (HangarAuthRequest *self,
                                unsigned           index)
{
  Field *field;

  g_return_val_if_fail (HANGAR_IS_AUTH_REQUEST (self), NULL);

  field = get_field (self, index);

  return field != NULL ? field->prompt : NULL;
}

const char *
hangar_auth_request_get_initial (HangarAuthRequest *self,
                                 unsigned           index)
{
  Field *field;

  g_return_val_if_fail (HANGAR_IS_AUTH_REQUEST (self), NULL);

  field = get_field (self, index);

  return field != NULL ? field->initial : NULL;
}

void
hangar_auth_request_set_answer (HangarAuthRequest *self,
                                unsigned           index,
                                const char        *answer)
{
  Field *field;

  g_return_if_fail (HANGAR_IS_AUTH_REQUEST (self));

  field = get_field (self, index);
  if (field == NULL)
    return;

  g_mutex_lock (&self->lock);
  if (self->outcome == PENDING)
    {
      g_clear_pointer (&field->answer, hangar_secret_free);
      field->answer = g_strdup (answer != NULL ? answer : "");
    }
  g_mutex_unlock (&self->lock);
}

void
hangar_auth_request_respond (HangarAuthRequest *self)
{
  g_return_if_fail (HANGAR_IS_AUTH_REQUEST (self));

  /* Fields left alone answer with their suggestion, or nothing. */
  g_mutex_lock (&self->lock);
  for (unsigned i = 0; i < self->fields->len; i++)
    {
      Field *field = &g_array_index (self->fields, Field, i);

      if (field->answer == NULL)
        field->answer = g_strdup (field->initial != NULL ? field->initial : "");
    }
  g_mutex_unlock (&self->lock);

  if (finish (self, ANSWERED))
    g_debug ("Credentials for %s given", self->uri);
}

void
hangar_auth_request_cancel (HangarAuthRequest *self)
{
  g_return_if_fail (HANGAR_IS_AUTH_REQUEST (self));

  if (!finish (self, CANCELLED))
    return;

  g_debug ("Credentials for %s not given", self->uri);

  /* Nothing entered stays in memory. */
  g_mutex_lock (&self->lock);
  for (unsigned i = 0; i < self->fields->len; i++)
    g_clear_pointer (&g_array_index (self->fields, Field, i).answer, hangar_secret_free);
  g_mutex_unlock (&self->lock);
}

gboolean
hangar_auth_request_get_finished (HangarAuthRequest *self)
{
  gboolean finished;

  g_return_val_if_fail (HANGAR_IS_AUTH_REQUEST (self), FALSE);

  g_mutex_lock (&self->lock);
  finished = self->outcome != PENDING;
  g_mutex_unlock (&self->lock);

  return finished;
}

static void
wait_cancelled_cb (GCancellable *cancellable,
                   gpointer      user_data)
{
  hangar_auth_request_cancel (HANGAR_AUTH_REQUEST (user_data));
}

gboolean
hangar_auth_request_wait (HangarAuthRequest *self,
                          GCancellable      *cancellable)
{
  gulong cancelled_id = 0;
  Outcome outcome;

  g_return_val_if_fail (HANGAR_IS_AUTH_REQUEST (self), FALSE);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), FALSE);

  if (cancellable != NULL)
    cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (wait_cancelled_cb),
                                          self, NULL);

  g_mutex_lock (&self->lock);
  while (self->outcome == PENDING)
    g_cond_wait (&self->cond, &self->lock);
  outcome = self->outcome;
  g_mutex_unlock (&self->lock);

  g_cancellable_disconnect (cancellable, cancelled_id);

  return outcome == ANSWERED;
}

char *
hangar_auth_request_steal_answer (HangarAuthRequest *self,
                                  unsigned           index)
{
  Field *field;
  char *copy = NULL;

  g_return_val_if_fail (HANGAR_IS_AUTH_REQUEST (self), NULL);

  field = get_field (self, index);
  if (field == NULL)
    return NULL;

  g_mutex_lock (&self->lock);
  if (self->outcome == ANSWERED && field->answer != NULL)
    {
      copy = strdup (field->answer);
      g_clear_pointer (&field->answer, hangar_secret_free);
    }
  g_mutex_unlock (&self->lock);

  return copy;
}
