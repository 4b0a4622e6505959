/* hangar-domain-row.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "hangar-domain.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_DOMAIN_ROW (hangar_domain_row_get_type ())

G_DECLARE_FINAL_TYPE (HangarDomainRow, hangar_domain_row, HANGAR, DOMAIN_ROW, GtkWidget)

GtkWidget    *hangar_domain_row_new        (void);
HangarDomain *hangar_domain_row_get_domain (HangarDomainRow *self);
void          hangar_domain_row_set_domain (HangarDomainRow *self,
                                            HangarDomain    *domain);

G_END_DECLS
