/* hangar-sparkline.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-sparkline"

#include "config.h"

#include "hangar-domain.h"
#include "hangar-sparkline.h"

struct _HangarSparkline
{
  GtkWidget  parent_instance;

  /* owned references */
  GArray    *values;  /* double */

  double     max;
};

G_DEFINE_FINAL_TYPE (HangarSparkline, hangar_sparkline, GTK_TYPE_WIDGET)

static void
hangar_sparkline_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  HangarSparkline *self = HANGAR_SPARKLINE (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  GtkStyleContext *context = gtk_widget_get_style_context (widget);
  G_GNUC_END_IGNORE_DEPRECATIONS
  GdkRGBA color;
  cairo_t *cr;
  double max = self->max;
  double step;
  double first_x = 0;
  gboolean drawing = FALSE;

  if (self->values->len == 0 || width <= 2 || height <= 2)
    return;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (context, &color);
  G_GNUC_END_IGNORE_DEPRECATIONS

  if (max <= 0)
    for (unsigned i = 0; i < self->values->len; i++)
      max = MAX (max, g_array_index (self->values, double, i));
  if (max <= 0)
    max = 1;

  /* A full history spans the width; a short one grows from the right. */
  step = (double)(width - 1) / MAX (HANGAR_DOMAIN_STATS_HISTORY - 1, 1);

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  cairo_set_line_width (cr, 1.5);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);

  /* A faint trough shows the graph's extent while the history is short. */
  cairo_set_source_rgba (cr, color.red, color.green, color.blue, color.alpha * 0.08);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);

  /* Each run of known values is an area under a line. */
  for (unsigned i = 0; i <= self->values->len; i++)
    {
      double value = i < self->values->len ? g_array_index (self->values, double, i) : -1;
      double x = width - 1 - ((double)self->values->len - 1 - i) * step;
      double y;

      if (value < 0)
        {
          if (drawing)
            {
              cairo_path_t *line;
              double x0, y0;

              line = cairo_copy_path (cr);
              cairo_get_current_point (cr, &x0, &y0);
              cairo_line_to (cr, x0, height);
              cairo_line_to (cr, first_x, height);
              cairo_close_path (cr);
              cairo_set_source_rgba (cr, color.red, color.green, color.blue, color.alpha * 0.25);
              cairo_fill (cr);

              cairo_append_path (cr, line);
              cairo_path_destroy (line);
              gdk_cairo_set_source_rgba (cr, &color);
              cairo_stroke (cr);
            }
          drawing = FALSE;
          continue;
        }

      y = 1 + (height - 2) * (1 - MIN (value, max) / max);
      if (drawing)
        cairo_line_to (cr, x, y);
      else
        {
          cairo_move_to (cr, x, y);
          first_x = x;
        }
      drawing = TRUE;
    }

  cairo_destroy (cr);
}

static void
hangar_sparkline_finalize (GObject *object)
{
  HangarSparkline *self = HANGAR_SPARKLINE (object);

  g_clear_pointer (&self->values, g_array_unref);

  G_OBJECT_CLASS (hangar_sparkline_parent_class)->finalize (object);
}

static void
hangar_sparkline_class_init (HangarSparklineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = hangar_sparkline_finalize;
  widget_class->snapshot = hangar_sparkline_snapshot;

  gtk_widget_class_set_css_name (widget_class, "sparkline");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
hangar_sparkline_init (HangarSparkline *self)
{
  self->values = g_array_new (FALSE, FALSE, sizeof (double));
  gtk_widget_set_size_request (GTK_WIDGET (self), 64, 24);
}

GtkWidget *
hangar_sparkline_new (void)
{
  return g_object_new (HANGAR_TYPE_SPARKLINE, NULL);
}

void
hangar_sparkline_set_values (HangarSparkline *self,
                             const double    *values,
                             unsigned         n_values,
                             double           max)
{
  g_return_if_fail (HANGAR_IS_SPARKLINE (self));
  g_return_if_fail (values != NULL || n_values == 0);

  g_array_set_size (self->values, 0);
  g_array_append_vals (self->values, values, n_values);
  self->max = max;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
