/* hangar-virt-error.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HANGAR_VIRT_ERROR (hangar_virt_error_quark ())

typedef enum
{
  HANGAR_VIRT_ERROR_FAILED,         /* libvirt refused: its own message */
  HANGAR_VIRT_ERROR_NOT_CONNECTED,
  HANGAR_VIRT_ERROR_NO_SUPPORT,     /* the connection's driver lacks the call */
  HANGAR_VIRT_ERROR_INVALID_STATE,  /* the domain's state forbids the action */
  HANGAR_VIRT_ERROR_NO_DOMAIN,
  HANGAR_VIRT_ERROR_PARTIAL,        /* done, but some of it failed: see message */
  HANGAR_VIRT_ERROR_CONFLICT,       /* the definition changed since it was read */
  HANGAR_VIRT_ERROR_AUTH,           /* credentials refused or not given */
} HangarVirtError;

GQuark hangar_virt_error_quark (void);

/* Turns the calling thread's last libvirt error into a GError.  Call it on
 * the thread where the libvirt call failed: libvirt keeps errors per
 * thread.  @what says what was being done ("Starting “gentoo”"). */
void   hangar_virt_set_error_from_libvirt (GError    **error,
                                           const char *what);

G_END_DECLS
