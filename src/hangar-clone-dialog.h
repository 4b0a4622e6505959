/* hangar-clone-dialog.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "hangar-clone.h"
#include "hangar-domain.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_CLONE_DIALOG (hangar_clone_dialog_get_type ())

G_DECLARE_FINAL_TYPE (HangarCloneDialog, hangar_clone_dialog, HANGAR, CLONE_DIALOG, AdwWindow)

/* Reads @domain's clone plan and lets the user name the clone and choose,
 * disk by disk, between a copy and sharing.  "clone" is emitted with the
 * plan when the user confirms: the window runs it (and calls set_busy),
 * then closes the dialog or shows the error.  Property "plan" is NULL
 * until it is read. */
GtkWidget       *hangar_clone_dialog_new      (HangarDomain      *domain);
HangarClonePlan *hangar_clone_dialog_get_plan (HangarCloneDialog *self);
/* While busy the dialog shows the plan's progress and takes no input. */
void             hangar_clone_dialog_set_busy (HangarCloneDialog *self,
                                               gboolean           busy);

G_END_DECLS
