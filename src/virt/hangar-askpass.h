/* hangar-askpass.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "hangar-auth-request.h"

G_BEGIN_DECLS

/* OpenSSH's questions for qemu+ssh:// connections, answered in Hangar.
 *
 * libvirt runs OpenSSH itself, with a filtered environment and no way to
 * give it credentials; OpenSSH asks on the terminal, or runs the
 * SSH_ASKPASS program.  So Hangar opens such a URI with "command" pointing
 * at a link to its hangar-askpass helper, which runs ssh with SSH_ASKPASS
 * pointing back at the helper; the helper passes each prompt to a UNIX
 * socket in a private folder (mode 0700) that Hangar listens on, and the
 * question reaches the user as a HangarAuthRequest.
 *
 * The folder is made on first use, under $XDG_RUNTIME_DIR, and removed
 * when the process exits. */

/* Called on the main context for each question; returns TRUE when it
 * will answer or cancel @request. */
typedef gboolean (*HangarAskpassHandler) (HangarAuthRequest *request,
                                          gpointer           user_data);

/* Where the helper program is: the installed one, or HANGAR_ASKPASS_HELPER
 * from the environment (tests, uninstalled builds). */
const char *hangar_askpass_get_helper   (void);

/* Registers @handler for a new client and returns the URI that makes
 * OpenSSH ask it: @uri with ?command= (or &command=) added.  @uri is
 * returned as it is when it is not OpenSSH's transport or names its own
 * command.  Remove the registration with hangar_askpass_unregister ()
 * (@id_out is set to its id, 0 when none was made).  On the main context. */
char       *hangar_askpass_register     (const char           *uri,
                                         HangarAskpassHandler  handler,
                                         gpointer              user_data,
                                         unsigned             *id_out,
                                         GError              **error);
void        hangar_askpass_unregister   (unsigned              id);

G_END_DECLS
