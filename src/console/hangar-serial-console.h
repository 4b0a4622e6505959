/* hangar-serial-console.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "hangar-console-stream.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_SERIAL_CONSOLE (hangar_serial_console_get_type ())

G_DECLARE_FINAL_TYPE (HangarSerialConsole, hangar_serial_console, HANGAR, SERIAL_CONSOLE, GtkWidget)

/* A terminal (VTE) on a domain's serial or text console: what the guest
 * writes is shown, what the user types goes to the guest. */
GtkWidget *hangar_serial_console_new        (void);

/* Shows @stream (NULL: none); the text shown so far stays, so that the
 * boot messages before a reconnection are not lost. */
void       hangar_serial_console_set_stream (HangarSerialConsole *self,
                                             HangarConsoleStream *stream);
/* Everything the terminal shows, its scrollback included. */
char      *hangar_serial_console_dup_text   (HangarSerialConsole *self);
void       hangar_serial_console_clear      (HangarSerialConsole *self);

G_END_DECLS
