/* hangar-window.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "hangar-add-connection-dialog.h"
#include "hangar-application.h"
#include "hangar-connection.h"
#include "hangar-connection-list.h"
#include "hangar-console-view.h"
#include "hangar-domain-details.h"
#include "hangar-import-dialog.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_WINDOW (hangar_window_get_type ())

G_DECLARE_FINAL_TYPE (HangarWindow, hangar_window, HANGAR, WINDOW, AdwApplicationWindow)

/* @application may be NULL (tests).  The sidebar lists every connection
 * of @connections with its domains below it; the window asks for the
 * credentials they need.  It opens none itself: the application (or a
 * test) does. */
HangarWindow        *hangar_window_new              (HangarApplication    *application,
                                                     HangarConnectionList *connections);
HangarConnectionList *hangar_window_get_connections (HangarWindow      *self);
/* The connection the window's actions apply to: the one selected in the
 * sidebar, or the selected domain's; NULL when nothing is selected. */
HangarConnection    *hangar_window_get_connection   (HangarWindow      *self);
HangarDomain        *hangar_window_get_selected     (HangarWindow      *self);
void                 hangar_window_select_domain    (HangarWindow      *self,
                                                     HangarDomain      *domain);
void                 hangar_window_select_connection (HangarWindow     *self,
                                                      HangarConnection *connection);
/* Opens the Add Connection dialog, as win.add-connection does; the window
 * selects and opens the connection once added. */
HangarAddConnectionDialog *hangar_window_add_connection (HangarWindow  *self);
/* Opens the import dialog for @file, as "Import…" does after the file
 * chooser, for the current connection; the window selects the domain once
 * it is defined. */
HangarImportDialog  *hangar_window_import_file      (HangarWindow      *self,
                                                     GFile             *file);
HangarConsoleView   *hangar_window_get_console_view (HangarWindow      *self);
HangarDomainDetails *hangar_window_get_details      (HangarWindow      *self);
/* How long a shutdown request may take before the window offers to force
 * the domain off (60 s unless set). */
void                 hangar_window_set_shutdown_timeout (HangarWindow *self,
                                                         unsigned      seconds);
/* Shows @message in a toast. */
void                 hangar_window_show_message     (HangarWindow      *self,
                                                     const char        *message);

G_END_DECLS
