/* hangar-domain-details.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "hangar-domain.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_DOMAIN_DETAILS (hangar_domain_details_get_type ())

G_DECLARE_FINAL_TYPE (HangarDomainDetails, hangar_domain_details, HANGAR, DOMAIN_DETAILS, AdwBin)

GtkWidget       *hangar_domain_details_new           (void);
HangarDomain    *hangar_domain_details_get_domain    (HangarDomainDetails *self);
void             hangar_domain_details_set_domain    (HangarDomainDetails *self,
                                                      HangarDomain        *domain);
/* Reads the persistent definition again, dropping unapplied edits. */
void             hangar_domain_details_reload        (HangarDomainDetails *self);
/* TRUE when the fields differ from the loaded definition. */
gboolean         hangar_domain_details_get_modified  (HangarDomainDetails *self);
/* The definition the fields were loaded from: the base to apply against. */
HangarDomainDoc *hangar_domain_details_get_doc       (HangarDomainDetails *self);
/* Takes @current, a newer definition, as the base, keeping the fields as
 * they are: the next edited copy makes the same edits on top of it. */
void             hangar_domain_details_rebase        (HangarDomainDetails *self,
                                                      HangarDomainDoc     *current);
/* The loaded definition with the fields' edits made, or NULL with
 * @error when a value cannot be written. */
HangarDomainDoc *hangar_domain_details_dup_edited_doc (HangarDomainDetails *self,
                                                       GError             **error);

G_END_DECLS
