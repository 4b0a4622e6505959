/* hangar-credentials-dialog.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "hangar-auth-request.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_CREDENTIALS_DIALOG (hangar_credentials_dialog_get_type ())

G_DECLARE_FINAL_TYPE (HangarCredentialsDialog, hangar_credentials_dialog, HANGAR,
                      CREDENTIALS_DIALOG, AdwMessageDialog)

/* Shows the fields @request asks for (@title names the connection).
 * "Connect" answers the request, "Cancel" or closing cancels it; the
 * dialog closes itself when the request is finished elsewhere.  Enter in
 * a field moves on to the next one, and in the last one connects.  What
 * was typed is cleared from the fields once answered. */
GtkWidget         *hangar_credentials_dialog_new         (GtkWindow         *parent,
                                                          const char        *title,
                                                          HangarAuthRequest *request);
HangarAuthRequest *hangar_credentials_dialog_get_request (HangarCredentialsDialog *self);

G_END_DECLS
