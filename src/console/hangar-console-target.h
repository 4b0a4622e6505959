/* hangar-console-target.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* How to reach a domain's graphical display: through libvirt's graphics
 * descriptor on local connections, else at the address and port of the
 * live definition, through an SSH tunnel for qemu+ssh:// hosts as
 * virt-manager does.  A pure function of the connection's URI and the
 * <graphics> element, so that it can be tested without a hypervisor. */
typedef enum
{
  HANGAR_TARGET_FD,       /* virDomainOpenGraphicsFD */
  HANGAR_TARGET_DIRECT,   /* host and port */
  HANGAR_TARGET_SSH,      /* ssh to the libvirt host, then its host and port */
} HangarTargetMethod;

typedef struct
{
  HangarTargetMethod  method;
  char               *host;      /* DIRECT: where to connect; SSH: on the far side */
  char               *port;      /* NULL when only @tls_port listens */
  char               *tls_port;
  char              **ssh_argv;  /* SSH: the command that makes the tunnel, NULL-ended */
} HangarConsoleTarget;

void                 hangar_console_target_free (HangarConsoleTarget *target);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarConsoleTarget, hangar_console_target_free)

/* @uri is the connection's; @local says whether libvirt runs on this
 * machine; @direct asks for the address even where the descriptor would
 * do.  @listen, @port and @tls_port are the live <graphics>'s listen
 * address (NULL when none) and ports as libvirt allocated them.  Fails
 * with a user-visible message when the display cannot be reached: no
 * port, a UNIX socket on a remote host, a loopback address on a remote
 * host without SSH. */
HangarConsoleTarget *hangar_console_target_new  (const char  *uri,
                                                 gboolean     local,
                                                 gboolean     direct,
                                                 const char  *listen,
                                                 const char  *port,
                                                 const char  *tls_port,
                                                 GError     **error);

G_END_DECLS
