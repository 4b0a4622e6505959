/* hangar-connection-page.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "hangar-connection-list.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_CONNECTION_PAGE (hangar_connection_page_get_type ())

G_DECLARE_FINAL_TYPE (HangarConnectionPage, hangar_connection_page, HANGAR, CONNECTION_PAGE,
                      AdwBin)

/* What the window shows for a connection selected in the sidebar: its
 * state, why it is not connected, and its settings.  Its buttons activate
 * win.connect, win.disconnect and win.remove-connection. */
void              hangar_connection_page_set_connection (HangarConnectionPage *self,
                                                         HangarConnectionList *list,
                                                         HangarConnection     *connection);
HangarConnection *hangar_connection_page_get_connection (HangarConnectionPage *self);

G_END_DECLS
