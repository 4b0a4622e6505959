/* hangar-spice-session.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <spice-client.h>

#include "hangar-display-session.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_SPICE_SESSION (hangar_spice_session_get_type ())

G_DECLARE_FINAL_TYPE (HangarSpiceSession, hangar_spice_session, HANGAR, SPICE_SESSION, HangarDisplaySession)

/* Asks for a new connected socket for one more SPICE channel.  The
 * handler answers later with hangar_spice_session_take_channel_fd () on
 * the token it was given, or with -1 when it cannot. */
typedef void (*HangarSocketRequest) (HangarDisplaySession *session,
                                     gpointer              token,
                                     gpointer              user_data);

HangarSpiceSession   *hangar_spice_session_new              (void);

/* Connects over a socket the caller already has (libvirt's graphics FD
 * or a tunnel); the session owns @fd.  Further channels ask @request for
 * their own. */
void                  hangar_spice_session_open_fd          (HangarSpiceSession  *self,
                                                             int                  fd,
                                                             HangarSocketRequest  request,
                                                             gpointer             user_data,
                                                             GDestroyNotify       destroy);
void                  hangar_spice_session_take_channel_fd  (HangarSpiceSession  *self,
                                                             gpointer             token,
                                                             int                  fd);
/* Connects to @host on @port (or the TLS @tls_port when @port is NULL). */
void                  hangar_spice_session_open_host        (HangarSpiceSession  *self,
                                                             const char          *host,
                                                             const char          *port,
                                                             const char          *tls_port,
                                                             const char          *password);

/* The session's USB redirection, or NULL where spice-client-glib was
 * built without it. */
SpiceUsbDeviceManager *hangar_spice_session_get_usb_manager (HangarSpiceSession  *self);
/* The number of USB redirection channels the guest offers. */
unsigned              hangar_spice_session_get_n_usb_channels (HangarSpiceSession *self);
/* Whether a playback channel is open (audio from the guest). */
gboolean              hangar_spice_session_get_audio_playing  (HangarSpiceSession *self);

G_END_DECLS
