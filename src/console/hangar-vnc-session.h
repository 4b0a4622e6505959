/* hangar-vnc-session.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "hangar-display-session.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_VNC_SESSION (hangar_vnc_session_get_type ())

G_DECLARE_FINAL_TYPE (HangarVncSession, hangar_vnc_session, HANGAR, VNC_SESSION, HangarDisplaySession)

HangarVncSession *hangar_vnc_session_new       (void);

/* Connects over a socket the caller already has (libvirt's graphics FD
 * or a tunnel); the session owns @fd.  @password answers the server if it
 * asks for one. */
void              hangar_vnc_session_open_fd   (HangarVncSession *self,
                                                int               fd,
                                                const char       *password);
void              hangar_vnc_session_open_host (HangarVncSession *self,
                                                const char       *host,
                                                const char       *port,
                                                const char       *password);

G_END_DECLS
