/* hangar-connection-row.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "hangar-connection.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_CONNECTION_ROW (hangar_connection_row_get_type ())

G_DECLARE_FINAL_TYPE (HangarConnectionRow, hangar_connection_row, HANGAR, CONNECTION_ROW,
                      GtkWidget)

/* A connection's heading in the sidebar: its name and its state. */
GtkWidget        *hangar_connection_row_new            (void);
HangarConnection *hangar_connection_row_get_connection (HangarConnectionRow *self);
void              hangar_connection_row_set_connection (HangarConnectionRow *self,
                                                        HangarConnection    *connection);
/* The state as the row shows it ("Connected", "Reconnecting…"). */
const char       *hangar_connection_row_get_status     (HangarConnectionRow *self);

/* The same words, for other views of a connection. */
const char       *hangar_connection_describe_state     (HangarConnection    *connection);

G_END_DECLS
