/* hangar-console-stream.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-console-stream"

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-console-stream.h"
#include "hangar-virt-error.h"
#include "hangar-virt-private.h"

struct _HangarConsoleStream
{
  GObject       parent_instance;

  GMutex        lock;
  /* Below: under the lock, shared with libvirt's event loop thread. */
  virStreamPtr  stream;
  GByteArray   *pending;        /* for the guest, not sent yet */
  gboolean      watching;
  gboolean      closed;

  GMainContext *context;        /* where the signals are emitted */
};

G_DEFINE_FINAL_TYPE (HangarConsoleStream, hangar_console_stream, G_TYPE_OBJECT)

enum {
  DATA,
  CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Handing over to the main context */

typedef struct
{
  HangarConsoleStream *self;
  GBytes              *bytes;
  GError              *error;
  gboolean             closed;
} Delivery;

static gboolean
deliver_cb (gpointer user_data)
{
  Delivery *delivery = user_data;
  HangarConsoleStream *self = delivery->self;
  gboolean closed;

  g_mutex_lock (&self->lock);
  closed = self->closed;
  g_mutex_unlock (&self->lock);

  /* Nothing reaches a stream its owner closed meanwhile. */
  if (delivery->bytes != NULL && !closed)
    g_signal_emit (self, signals[DATA], 0, delivery->bytes);
  if (delivery->closed && !closed)
    {
      hangar_console_stream_close (self);
      g_signal_emit (self, signals[CLOSED], 0, delivery->error);
    }

  g_clear_pointer (&delivery->bytes, g_bytes_unref);
  g_clear_error (&delivery->error);
  g_object_unref (delivery->self);
  g_free (delivery);

  return G_SOURCE_REMOVE;
}

static void
deliver (HangarConsoleStream *self,
         GBytes              *bytes,
         gboolean             closed,
         GError              *error)
{
  Delivery *delivery = g_new0 (Delivery, 1);

  delivery->self = g_object_ref (self);
  delivery->bytes = bytes;
  delivery->closed = closed;
  delivery->error = error;
  g_main_context_invoke (self->context, deliver_cb, delivery);
}

/* libvirt's event loop thread */

static int
wanted_events (HangarConsoleStream *self)
{
  int events = VIR_STREAM_EVENT_READABLE | VIR_STREAM_EVENT_ERROR | VIR_STREAM_EVENT_HANGUP;

  if (self->pending->len > 0)
    events |= VIR_STREAM_EVENT_WRITABLE;

  return events;
}

static void
stream_event_cb (virStreamPtr stream,
                 int          events,
                 void        *opaque)
{
  HangarConsoleStream *self = opaque;
  char buffer[4096];
  GError *error = NULL;
  gboolean ended = FALSE;
  int n;

  g_mutex_lock (&self->lock);

  if (self->closed || self->stream != stream)
    {
      g_mutex_unlock (&self->lock);
      return;
    }

  if (events & VIR_STREAM_EVENT_READABLE)
    {
      for (;;)
        {
          n = virStreamRecv (stream, buffer, sizeof buffer);
          if (n > 0)
            {
              deliver (self, g_bytes_new (buffer, n), FALSE, NULL);
              continue;
            }
          if (n == 0)
            ended = TRUE;
          else if (n == -1)
            {
              hangar_virt_set_error_from_libvirt (&error, _("Reading the console"));
              ended = TRUE;
            }
          /* -2: nothing more for now. */
          break;
        }
    }

  if (!ended && (events & VIR_STREAM_EVENT_WRITABLE) && self->pending->len > 0)
    {
      n = virStreamSend (stream, (const char *) self->pending->data, self->pending->len);
      if (n > 0)
        g_byte_array_remove_range (self->pending, 0, n);
      else if (n == -1)
        {
          hangar_virt_set_error_from_libvirt (&error, _("Writing to the console"));
          ended = TRUE;
        }
    }

  if (!ended && (events & (VIR_STREAM_EVENT_ERROR | VIR_STREAM_EVENT_HANGUP)))
    ended = TRUE;

  if (ended)
    {
      virStreamEventRemoveCallback (stream);
      self->watching = FALSE;
      deliver (self, NULL, TRUE, error);
    }
  else
    {
      virStreamEventUpdateCallback (stream, wanted_events (self));
    }

  g_mutex_unlock (&self->lock);
}

/* Opening */

typedef struct
{
  virDomainPtr  dom;
  char         *device;
} OpenData;

static void
open_data_free (OpenData *data)
{
  hangar_virt_release (NULL, g_steal_pointer (&data->dom));
  g_free (data->device);
  g_free (data);
}

static void
free_stream (gpointer stream)
{
  virStreamFree (stream);
}

static void
open_worker (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  OpenData *data = task_data;
  g_autofree char *what = NULL;
  virStreamPtr stream;
  GError *error = NULL;

  what = g_strdup_printf (_("Opening the console of “%s”"), virDomainGetName (data->dom));

  stream = virStreamNew (virDomainGetConnect (data->dom), VIR_STREAM_NONBLOCK);
  if (stream == NULL)
    {
      hangar_virt_set_error_from_libvirt (&error, what);
      g_task_return_error (task, error);
      return;
    }

  if (virDomainOpenConsole (data->dom, data->device, stream, VIR_DOMAIN_CONSOLE_FORCE) < 0)
    {
      hangar_virt_set_error_from_libvirt (&error, what);
      virStreamFree (stream);
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, stream, free_stream);
}

void
hangar_console_stream_open_async (HangarDomain        *domain,
                                  const char          *device,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  OpenData *data;

  g_return_if_fail (HANGAR_IS_DOMAIN (domain));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (domain, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_console_stream_open_async);

  data = g_new0 (OpenData, 1);
  data->dom = hangar_domain_dup_virt (domain);
  data->device = g_strdup (device);
  g_task_set_task_data (task, data, (GDestroyNotify) open_data_free);

  if (data->dom == NULL)
    {
      g_task_return_new_error (task, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_NOT_CONNECTED,
                               _("The connection of “%s” is closed"),
                               hangar_domain_get_name (domain));
      return;
    }

  g_task_run_in_thread (task, open_worker);
}

HangarConsoleStream *
hangar_console_stream_open_finish (GAsyncResult  *result,
                                   GError       **error)
{
  HangarConsoleStream *self;
  virStreamPtr stream;

  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        hangar_console_stream_open_async, NULL);

  stream = g_task_propagate_pointer (G_TASK (result), error);
  if (stream == NULL)
    return NULL;

  self = g_object_new (HANGAR_TYPE_CONSOLE_STREAM, NULL);
  self->stream = stream;

  /* The callback holds a reference of its own, dropped by libvirt when
   * the callback is removed. */
  g_mutex_lock (&self->lock);
  if (virStreamEventAddCallback (stream, wanted_events (self), stream_event_cb,
                                 g_object_ref (self), g_object_unref) < 0)
    {
      g_object_unref (self);
      g_mutex_unlock (&self->lock);
      hangar_virt_set_error_from_libvirt (error, _("Watching the console"));
      g_object_unref (self);
      return NULL;
    }
  self->watching = TRUE;
  g_mutex_unlock (&self->lock);

  return self;
}

/* Closing */

static void
finish_worker (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  virStreamPtr stream = task_data;

  /* Abort, not finish: a console has no end the guest must confirm. */
  virStreamAbort (stream);
  virStreamFree (stream);
  g_task_return_boolean (task, TRUE);
}

void
hangar_console_stream_close (HangarConsoleStream *self)
{
  g_autoptr(GTask) task = NULL;
  virStreamPtr stream;

  g_return_if_fail (HANGAR_IS_CONSOLE_STREAM (self));

  g_mutex_lock (&self->lock);
  if (self->closed)
    {
      g_mutex_unlock (&self->lock);
      return;
    }
  self->closed = TRUE;
  stream = g_steal_pointer (&self->stream);
  if (self->watching)
    virStreamEventRemoveCallback (stream);
  self->watching = FALSE;
  g_mutex_unlock (&self->lock);

  /* Aborting a remote stream is a round trip: not on this thread. */
  task = g_task_new (NULL, NULL, NULL, NULL);
  g_task_set_task_data (task, stream, NULL);
  g_task_run_in_thread (task, finish_worker);
}

gboolean
hangar_console_stream_is_open (HangarConsoleStream *self)
{
  gboolean open;

  g_return_val_if_fail (HANGAR_IS_CONSOLE_STREAM (self), FALSE);

  g_mutex_lock (&self->lock);
  open = !self->closed;
  g_mutex_unlock (&self->lock);

  return open;
}

void
hangar_console_stream_write (HangarConsoleStream *self,
                             const char          *data,
                             gsize                length)
{
  g_return_if_fail (HANGAR_IS_CONSOLE_STREAM (self));
  g_return_if_fail (data != NULL || length == 0);

  g_mutex_lock (&self->lock);
  if (!self->closed && length > 0)
    {
      g_byte_array_append (self->pending, (const guint8 *) data, length);
      /* Only asks the event loop to say when the stream takes data: the
       * write itself happens on its thread. */
      if (self->watching)
        virStreamEventUpdateCallback (self->stream, wanted_events (self));
    }
  g_mutex_unlock (&self->lock);
}

/* GObject */

static void
hangar_console_stream_dispose (GObject *object)
{
  hangar_console_stream_close (HANGAR_CONSOLE_STREAM (object));

  G_OBJECT_CLASS (hangar_console_stream_parent_class)->dispose (object);
}

static void
hangar_console_stream_finalize (GObject *object)
{
  HangarConsoleStream *self = HANGAR_CONSOLE_STREAM (object);

  g_byte_array_unref (self->pending);
  g_main_context_unref (self->context);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (hangar_console_stream_parent_class)->finalize (object);
}

static void
hangar_console_stream_class_init (HangarConsoleStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hangar_console_stream_dispose;
  object_class->finalize = hangar_console_stream_finalize;

  signals[DATA] =
    g_signal_new ("data", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BYTES);
  signals[CLOSED] =
    g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
hangar_console_stream_init (HangarConsoleStream *self)
{
  g_mutex_init (&self->lock);
  self->pending = g_byte_array_new ();
  self->context = g_main_context_ref_thread_default ();
}
