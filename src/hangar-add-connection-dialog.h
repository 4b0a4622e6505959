/* hangar-add-connection-dialog.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "hangar-connection-list.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_ADD_CONNECTION_DIALOG (hangar_add_connection_dialog_get_type ())

G_DECLARE_FINAL_TYPE (HangarAddConnectionDialog, hangar_add_connection_dialog, HANGAR,
                      ADD_CONNECTION_DIALOG, AdwWindow)

/* Asks for a hypervisor, local or remote (transport, user, host) or a URI
 * typed by hand, and whether to connect at start-up.  "Add" saves the
 * connection in @list, emits "added" (HangarConnection *) and closes. */
HangarAddConnectionDialog *hangar_add_connection_dialog_new     (HangarConnectionList      *list);
/* The URI the fields make, or NULL with the reason (as the dialog shows). */
char                      *hangar_add_connection_dialog_dup_uri (HangarAddConnectionDialog *self,
                                                                 GError                   **error);

G_END_DECLS
