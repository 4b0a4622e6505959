/* hangar-virt-error.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-virt-error"

#include "config.h"

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "hangar-virt-error.h"

G_DEFINE_QUARK (hangar-virt-error-quark, hangar_virt_error)

static HangarVirtError
code_from_libvirt (int code)
{
  switch (code)
    {
    case VIR_ERR_NO_SUPPORT:
      return HANGAR_VIRT_ERROR_NO_SUPPORT;

    case VIR_ERR_OPERATION_INVALID:
      return HANGAR_VIRT_ERROR_INVALID_STATE;

    case VIR_ERR_NO_DOMAIN:
      return HANGAR_VIRT_ERROR_NO_DOMAIN;

    case VIR_ERR_NO_CONNECT:
    case VIR_ERR_INVALID_CONN:
      return HANGAR_VIRT_ERROR_NOT_CONNECTED;

    case VIR_ERR_AUTH_FAILED:
    case VIR_ERR_AUTH_CANCELLED:
    case VIR_ERR_AUTH_UNAVAILABLE:
      return HANGAR_VIRT_ERROR_AUTH;

    default:
      return HANGAR_VIRT_ERROR_FAILED;
    }
}

void
hangar_virt_set_error_from_libvirt (GError     **error,
                                    const char  *what)
{
  virErrorPtr last;

  g_return_if_fail (what != NULL);

  /* virGetLastError () reads the calling thread's error: the caller must be
   * on the thread whose libvirt call failed. */
  last = virGetLastError ();

  if (last == NULL || last->code == VIR_ERR_OK)
    {
      g_set_error (error, HANGAR_VIRT_ERROR, HANGAR_VIRT_ERROR_FAILED,
                   "%s: %s", what, "unknown libvirt error");
      return;
    }

  g_debug ("%s: libvirt error %d (domain %d): %s",
           what, last->code, last->domain, last->message);

  g_set_error (error, HANGAR_VIRT_ERROR, code_from_libvirt (last->code),
               "%s: %s", what,
               last->message != NULL ? last->message : "unknown libvirt error");
}
