/* hangar-sparkline.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HANGAR_TYPE_SPARKLINE (hangar_sparkline_get_type ())

G_DECLARE_FINAL_TYPE (HangarSparkline, hangar_sparkline, HANGAR, SPARKLINE, GtkWidget)

/* A small graph of recent values, newest on the right, drawn in the
 * widget's colour (the "accent" style class gives the accent colour). */
GtkWidget *hangar_sparkline_new        (void);
/* @values (copied) from oldest to newest, scaled so that @max touches the
 * top; a negative value is a gap.  A @max of 0 scales to the largest. */
void       hangar_sparkline_set_values (HangarSparkline *self,
                                        const double    *values,
                                        unsigned         n_values,
                                        double           max);

G_END_DECLS
