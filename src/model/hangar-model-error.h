/* hangar-model-error.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HANGAR_MODEL_ERROR (hangar_model_error_quark ())

typedef enum
{
  HANGAR_MODEL_ERROR_MALFORMED,     /* not well-formed XML: line and column in the message */
  HANGAR_MODEL_ERROR_NOT_A_DOMAIN,  /* well formed, but the root is not <domain> */
  HANGAR_MODEL_ERROR_INVALID,       /* a value or structure libvirt would refuse */
  HANGAR_MODEL_ERROR_NOT_FOUND,     /* the element an edit targets does not exist */
} HangarModelError;

GQuark hangar_model_error_quark (void);

G_END_DECLS
