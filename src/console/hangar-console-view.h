/* hangar-console-view.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "hangar-domain.h"
#include "hangar-spice-display.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_CONSOLE_VIEW (hangar_console_view_get_type ())

G_DECLARE_FINAL_TYPE (HangarConsoleView, hangar_console_view, HANGAR, CONSOLE_VIEW, GtkWidget)

typedef enum
{
  HANGAR_CONSOLE_STATE_NONE,          /* no domain */
  HANGAR_CONSOLE_STATE_NOT_RUNNING,
  HANGAR_CONSOLE_STATE_NO_DISPLAY,    /* running, but no graphics it can show */
  HANGAR_CONSOLE_STATE_CONNECTING,
  HANGAR_CONSOLE_STATE_CONNECTED,
  HANGAR_CONSOLE_STATE_DISCONNECTED,  /* with a reason in "message" */
} HangarConsoleState;

#define HANGAR_TYPE_CONSOLE_STATE (hangar_console_state_get_type ())
GType hangar_console_state_get_type (void);

GtkWidget          *hangar_console_view_new          (void);

/* Follows @domain: connects while it runs, shows its state otherwise.
 * Properties: "domain", "state", "message". */
void                hangar_console_view_set_domain   (HangarConsoleView *self,
                                                      HangarDomain      *domain);
HangarDomain       *hangar_console_view_get_domain   (HangarConsoleView *self);
HangarConsoleState  hangar_console_view_get_state    (HangarConsoleView *self);
const char         *hangar_console_view_get_message  (HangarConsoleView *self);

/* The SPICE display, or NULL when not showing one. */
HangarSpiceDisplay *hangar_console_view_get_display  (HangarConsoleView *self);

G_END_DECLS
