/* hangar-model-error.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-model-error"

#include "config.h"

#include "hangar-model-error.h"

G_DEFINE_QUARK (hangar-model-error-quark, hangar_model_error)
