/* hangar-serial-console.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-serial-console"

#include "config.h"

#include <vte/vte.h>

#include "hangar-serial-console.h"

/* Boot logs are long: keep them all, within reason. */
#define SCROLLBACK_LINES 10000

struct _HangarSerialConsole
{
  GtkWidget            parent_instance;

  /* owned references */
  HangarConsoleStream *stream;

  /* child widgets */
  VteTerminal         *terminal;
};

G_DEFINE_FINAL_TYPE (HangarSerialConsole, hangar_serial_console, GTK_TYPE_WIDGET)

static void
stream_data_cb (HangarConsoleStream *stream,
                GBytes              *bytes,
                HangarSerialConsole *self)
{
  gsize length = 0;
  const char *data = g_bytes_get_data (bytes, &length);

  vte_terminal_feed (self->terminal, data, length);
}

static void
commit_cb (VteTerminal         *terminal,
           const char          *text,
           guint                size,
           HangarSerialConsole *self)
{
  if (self->stream != NULL)
    hangar_console_stream_write (self->stream, text, size);
}

static void
hangar_serial_console_dispose (GObject *object)
{
  HangarSerialConsole *self = HANGAR_SERIAL_CONSOLE (object);

  hangar_serial_console_set_stream (self, NULL);
  if (self->terminal != NULL)
    gtk_widget_unparent (GTK_WIDGET (self->terminal));
  self->terminal = NULL;

  G_OBJECT_CLASS (hangar_serial_console_parent_class)->dispose (object);
}

static void
hangar_serial_console_class_init (HangarSerialConsoleClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hangar_serial_console_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "serial-console");
}

static void
hangar_serial_console_init (HangarSerialConsole *self)
{
  self->terminal = VTE_TERMINAL (vte_terminal_new ());
  vte_terminal_set_scrollback_lines (self->terminal, SCROLLBACK_LINES);
  vte_terminal_set_scroll_on_output (self->terminal, TRUE);
  vte_terminal_set_scroll_on_keystroke (self->terminal, TRUE);
  vte_terminal_set_mouse_autohide (self->terminal, TRUE);
  vte_terminal_set_size (self->terminal, 80, 25);
  gtk_widget_set_hexpand (GTK_WIDGET (self->terminal), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self->terminal), TRUE);
  g_signal_connect (self->terminal, "commit", G_CALLBACK (commit_cb), self);
  gtk_widget_set_parent (GTK_WIDGET (self->terminal), GTK_WIDGET (self));
}

GtkWidget *
hangar_serial_console_new (void)
{
  return g_object_new (HANGAR_TYPE_SERIAL_CONSOLE, NULL);
}

void
hangar_serial_console_set_stream (HangarSerialConsole *self,
                                  HangarConsoleStream *stream)
{
  g_return_if_fail (HANGAR_IS_SERIAL_CONSOLE (self));
  g_return_if_fail (stream == NULL || HANGAR_IS_CONSOLE_STREAM (stream));

  if (self->stream == stream)
    return;

  if (self->stream != NULL)
    g_signal_handlers_disconnect_by_data (self->stream, self);
  g_set_object (&self->stream, stream);
  if (stream != NULL)
    g_signal_connect (stream, "data", G_CALLBACK (stream_data_cb), self);
}

char *
hangar_serial_console_dup_text (HangarSerialConsole *self)
{
  g_return_val_if_fail (HANGAR_IS_SERIAL_CONSOLE (self), NULL);

  /* Rows count from the start of the scrollback. */
  return vte_terminal_get_text_range (self->terminal, 0, 0, SCROLLBACK_LINES * 2, 0,
                                      NULL, NULL, NULL);
}

void
hangar_serial_console_clear (HangarSerialConsole *self)
{
  g_return_if_fail (HANGAR_IS_SERIAL_CONSOLE (self));

  vte_terminal_reset (self->terminal, TRUE, TRUE);
}
