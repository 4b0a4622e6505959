/* hangar-import-dialog.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "hangar-connection.h"

G_BEGIN_DECLS

typedef enum
{
  HANGAR_IMPORT_STAGE_LOADING,    /* reading, parsing and checking the file */
  HANGAR_IMPORT_STAGE_FAILED,     /* the file cannot be imported: see the page */
  HANGAR_IMPORT_STAGE_READY,      /* problems listed, waiting for the user */
  HANGAR_IMPORT_STAGE_IMPORTING,
  HANGAR_IMPORT_STAGE_DONE,
} HangarImportStage;

#define HANGAR_TYPE_IMPORT_DIALOG (hangar_import_dialog_get_type ())

G_DECLARE_FINAL_TYPE (HangarImportDialog, hangar_import_dialog, HANGAR, IMPORT_DIALOG, AdwWindow)

/* Reads @file, checks it against @connection and, when the user confirms,
 * defines it with the fixes they chose.  Emits "imported" with the new
 * HangarDomain, then closes. */
HangarImportDialog *hangar_import_dialog_new          (HangarConnection   *connection,
                                                       GFile              *file);
HangarImportStage   hangar_import_dialog_get_stage    (HangarImportDialog *self);
/* The problems found, as HangarStartProblem (empty before READY). */
GPtrArray          *hangar_import_dialog_get_problems (HangarImportDialog *self);
/* The message shown when the stage is FAILED or the last import failed. */
const char         *hangar_import_dialog_get_error    (HangarImportDialog *self);

G_END_DECLS
