/* hangar-connection-list.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "hangar-auth-request.h"
#include "hangar-connection.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_CONNECTION_LIST (hangar_connection_list_get_type ())

G_DECLARE_FINAL_TYPE (HangarConnectionList, hangar_connection_list, HANGAR, CONNECTION_LIST,
                      GObject)

/* Every connection the application knows, in the order the user added
 * them: a GListModel of HangarConnection that all views share.  The saved
 * ones are remembered in @settings' "connections" key with their
 * autoconnect choice; the embedded QEMU driver is saved there as
 * HANGAR_EMBED_URI_ALIAS.  @settings may be NULL: nothing is remembered.
 *
 * Signal "authenticate" (HangarConnection *, HangarAuthRequest *) → gboolean
 * forwards each connection's own, so that one handler answers for all. */
HangarConnectionList *hangar_connection_list_new    (GSettings            *settings);

/* Adds @uri (the embedded alias is resolved), or returns the connection
 * already listed for it.  @save remembers it in the settings. */
HangarConnection *hangar_connection_list_add        (HangarConnectionList *self,
                                                     const char           *uri,
                                                     gboolean              save,
                                                     gboolean              autoconnect,
                                                     GError              **error);
HangarConnection *hangar_connection_list_lookup     (HangarConnectionList *self,
                                                     const char           *uri);
/* Closes @connection and forgets it. */
void              hangar_connection_list_remove     (HangarConnectionList *self,
                                                     HangarConnection     *connection);

gboolean          hangar_connection_list_get_saved  (HangarConnectionList *self,
                                                     HangarConnection     *connection);
gboolean          hangar_connection_list_get_autoconnect (HangarConnectionList *self,
                                                          HangarConnection     *connection);
void              hangar_connection_list_set_autoconnect (HangarConnectionList *self,
                                                          HangarConnection     *connection,
                                                          gboolean              autoconnect);

/* Opens @connection in the background; a failure shows in its "error"
 * property. */
void              hangar_connection_list_open       (HangarConnectionList *self,
                                                     HangarConnection     *connection);
/* Opens every connection set to connect automatically. */
void              hangar_connection_list_open_autoconnect (HangarConnectionList *self);

G_END_DECLS
