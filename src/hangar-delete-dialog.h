/* hangar-delete-dialog.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "hangar-domain.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_DELETE_DIALOG (hangar_delete_dialog_get_type ())

G_DECLARE_FINAL_TYPE (HangarDeleteDialog, hangar_delete_dialog, HANGAR, DELETE_DIALOG,
                      AdwMessageDialog)

/* Asks whether to delete @domain, listing its disks read from the
 * persistent definition, each with a check box: delete its file or volume
 * too.  Responses: "cancel" and "delete". */
HangarDeleteDialog *hangar_delete_dialog_new                (HangarDomain       *domain);
HangarDomain       *hangar_delete_dialog_get_domain         (HangarDeleteDialog *self);
/* TRUE once the disks are listed. */
gboolean            hangar_delete_dialog_get_loaded         (HangarDeleteDialog *self);
/* Every disk source path listed, in document order. */
GStrv               hangar_delete_dialog_dup_paths          (HangarDeleteDialog *self);
/* The paths whose check box is on: what "delete" also deletes. */
GStrv               hangar_delete_dialog_dup_selected_paths (HangarDeleteDialog *self);
void                hangar_delete_dialog_set_path_selected  (HangarDeleteDialog *self,
                                                             const char         *path,
                                                             gboolean            selected);

G_END_DECLS
