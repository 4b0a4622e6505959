/* hangar-console-window.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "hangar-console-view.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_CONSOLE_WINDOW (hangar_console_window_get_type ())

G_DECLARE_FINAL_TYPE (HangarConsoleWindow, hangar_console_window, HANGAR, CONSOLE_WINDOW, AdwApplicationWindow)

/* A window with only a domain's console and its toolbar, as virt-viewer
 * shows one.  It sizes itself to the guest's screen the first time it
 * shows it; in fullscreen (F11, or win.fullscreen) the toolbar hides
 * after a moment and comes back when the pointer touches the top edge. */
HangarConsoleWindow *hangar_console_window_new           (GtkApplication      *application,
                                                          HangarDomain        *domain);
HangarDomain        *hangar_console_window_get_domain    (HangarConsoleWindow *self);
HangarConsoleView   *hangar_console_window_get_view      (HangarConsoleWindow *self);
/* Whether the toolbar shows (always, outside fullscreen). */
gboolean             hangar_console_window_get_toolbar_revealed (HangarConsoleWindow *self);

/* The console window of @domain among @application's windows, or NULL. */
HangarConsoleWindow *hangar_console_window_find          (GtkApplication      *application,
                                                          HangarDomain        *domain);

G_END_DECLS
