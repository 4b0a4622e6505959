/* hangar-console-view.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "hangar-display.h"
#include "hangar-domain.h"
#include "hangar-serial-console.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_CONSOLE_VIEW (hangar_console_view_get_type ())

G_DECLARE_FINAL_TYPE (HangarConsoleView, hangar_console_view, HANGAR, CONSOLE_VIEW, GtkWidget)

typedef enum
{
  HANGAR_CONSOLE_STATE_NONE,            /* no domain */
  HANGAR_CONSOLE_STATE_NOT_RUNNING,
  HANGAR_CONSOLE_STATE_NO_DISPLAY,      /* running, but no console it can show */
  HANGAR_CONSOLE_STATE_CONNECTING,
  HANGAR_CONSOLE_STATE_CONNECTED,
  HANGAR_CONSOLE_STATE_DISCONNECTED,    /* with a reason in "message" */
  HANGAR_CONSOLE_STATE_NEEDS_PASSWORD,  /* the display asks for one */
} HangarConsoleState;

#define HANGAR_TYPE_CONSOLE_STATE (hangar_console_state_get_type ())
GType hangar_console_state_get_type (void);

/* A domain's consoles: its graphical displays (SPICE, VNC) and its serial
 * and text consoles, one shown at a time, with a toolbar of what a user
 * does to them (send keys, screenshot, zoom, USB devices, switching
 * consoles).  Follows the domain's state: connects while it runs, and
 * again after a reboot, and says why when it cannot.
 *
 * The actions are in the "console" group, on the view and on every
 * toolbar made with hangar_console_view_create_toolbar ():
 * console.send-keys ("ctrl-alt-del", … as hangar_keymap_combo_from_name
 * names them), console.screenshot, console.zoom-in, console.zoom-out,
 * console.zoom-reset, console.scale-to-fit, console.resize-guest,
 * console.share-clipboard, console.select (a console id), console.reconnect.
 *
 * Properties: "domain", "state", "message", "console-id",
 * "show-toolbar", "direct". */
GtkWidget           *hangar_console_view_new             (void);

void                 hangar_console_view_set_domain      (HangarConsoleView *self,
                                                          HangarDomain      *domain);
HangarDomain        *hangar_console_view_get_domain      (HangarConsoleView *self);
HangarConsoleState   hangar_console_view_get_state       (HangarConsoleView *self);
const char          *hangar_console_view_get_message     (HangarConsoleView *self);

/* The consoles the running domain has, as ids ("graphics0", "serial0",
 * "console1": the kind and its index among the domain's devices of that
 * kind), in the order the switcher lists them. */
char               **hangar_console_view_dup_console_ids (HangarConsoleView *self);
/* The one shown, or NULL before the domain's consoles are known. */
const char          *hangar_console_view_get_console_id  (HangarConsoleView *self);
void                 hangar_console_view_select_console  (HangarConsoleView *self,
                                                          const char        *id);

/* The graphical display while a graphical console connects or shows,
 * else NULL. */
HangarDisplay       *hangar_console_view_get_display     (HangarConsoleView *self);
/* The terminal while a serial console shows, else NULL. */
HangarSerialConsole *hangar_console_view_get_serial      (HangarConsoleView *self);

/* Saves the guest's screen as it is now to @file, as PNG (what
 * console.screenshot does once the user chose a file). */
void                 hangar_console_view_save_screenshot_async  (HangarConsoleView   *self,
                                                                 GFile               *file,
                                                                 GCancellable        *cancellable,
                                                                 GAsyncReadyCallback  callback,
                                                                 gpointer             user_data);
gboolean             hangar_console_view_save_screenshot_finish (HangarConsoleView   *self,
                                                                 GAsyncResult        *result,
                                                                 GError             **error);

/* Answers the password prompt (HANGAR_CONSOLE_STATE_NEEDS_PASSWORD). */
void                 hangar_console_view_submit_password (HangarConsoleView *self,
                                                          const char        *password);

/* Connect to the display's address and port even where libvirt's
 * descriptor would do (local connections).  Off by default. */
void                 hangar_console_view_set_direct      (HangarConsoleView *self,
                                                          gboolean           direct);

/* The view shows its toolbar above the console ("show-toolbar", TRUE by
 * default); a window that wants the toolbar elsewhere (its header bar)
 * hides it and makes one of its own. */
void                 hangar_console_view_set_show_toolbar (HangarConsoleView *self,
                                                           gboolean           show);
GtkWidget           *hangar_console_view_create_toolbar  (HangarConsoleView *self);

G_END_DECLS
