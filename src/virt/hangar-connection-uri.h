/* hangar-connection-uri.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What the Add Connection dialog asks for, as parts of a libvirt URI. */
typedef enum
{
  HANGAR_HYPERVISOR_QEMU,          /* qemu:///system */
  HANGAR_HYPERVISOR_QEMU_SESSION,  /* qemu:///session */
  HANGAR_HYPERVISOR_QEMU_EMBED,    /* Hangar's own embedded root */
  HANGAR_HYPERVISOR_XEN,
  HANGAR_HYPERVISOR_LXC,
  HANGAR_HYPERVISOR_CH,            /* Cloud Hypervisor */
  HANGAR_HYPERVISOR_TEST,          /* libvirt's test driver */
} HangarHypervisor;

typedef enum
{
  HANGAR_TRANSPORT_LOCAL,
  HANGAR_TRANSPORT_SSH,      /* OpenSSH; passwords through SSH_ASKPASS */
  HANGAR_TRANSPORT_LIBSSH,   /* libssh in libvirt; passwords through libvirt */
  HANGAR_TRANSPORT_TLS,
  HANGAR_TRANSPORT_TCP,      /* needs SASL for anything but a test */
} HangarTransport;

/* The saved form of the embedded default: "qemu:///embed" without a root
 * means Hangar's own root under the user's data folder (libvirt itself
 * would refuse it, so it cannot mean anything else). */
#define HANGAR_EMBED_URI_ALIAS "qemu:///embed"

/* A libvirt URI from its parts, or NULL with a user-visible reason
 * (G_IO_ERROR_INVALID_ARGUMENT) naming the part that is wrong.  @user and
 * @host are ignored for LOCAL; @host may carry a ":port". */
char     *hangar_connection_uri_build      (HangarHypervisor   hypervisor,
                                            HangarTransport    transport,
                                            const char        *user,
                                            const char        *host,
                                            GError           **error);

/* Checks a URI typed by hand: it must parse and name a driver. */
gboolean  hangar_connection_uri_validate   (const char        *uri,
                                            GError           **error);

/* A short, translated name for the sidebar: "QEMU, embedded",
 * "QEMU/KVM", "QEMU/KVM on alice@host", "Test driver". */
char     *hangar_connection_uri_describe   (const char        *uri);

/* TRUE when @uri (any form) is OpenSSH's transport: "driver+ssh://". */
gboolean  hangar_connection_uri_is_openssh (const char        *uri);

G_END_DECLS
