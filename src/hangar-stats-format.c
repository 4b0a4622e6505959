/* hangar-stats-format.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-stats-format"

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-stats-format.h"

char *
hangar_stats_format_cpu (const HangarDomainStats *stats)
{
  if (stats == NULL || stats->cpu_percent < 0)
    return NULL;

  /* Translators: a guest's processor use, "12 % CPU" */
  return g_strdup_printf (_("%.0f %% CPU"), stats->cpu_percent);
}

char *
hangar_stats_format_memory (const HangarDomainStats *stats)
{
  g_autofree char *used = NULL;
  g_autofree char *total = NULL;

  if (stats == NULL || stats->memory_kib == 0)
    return NULL;

  total = g_format_size_full (stats->memory_kib * 1024, G_FORMAT_SIZE_IEC_UNITS);
  if (stats->memory_used_kib == 0)
    return g_steal_pointer (&total);

  used = g_format_size_full (stats->memory_used_kib * 1024, G_FORMAT_SIZE_IEC_UNITS);

  /* Translators: memory in use, "41.2 MiB of 128.0 MiB" */
  return g_strdup_printf (_("%s of %s"), used, total);
}

double
hangar_stats_memory_percent (const HangarDomainStats *stats)
{
  if (stats == NULL || stats->memory_kib == 0 || stats->memory_used_kib == 0)
    return -1;

  return 100.0 * stats->memory_used_kib / stats->memory_kib;
}

static char *
format_rate (double rate)
{
  g_autofree char *size = g_format_size ((guint64)rate);

  /* Translators: a transfer rate, "2.1 kB/s" */
  return g_strdup_printf (_("%s/s"), size);
}

char *
hangar_stats_format_rates (const char *first_label,
                           double      first,
                           const char *second_label,
                           double      second)
{
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  if (first < 0 || second < 0)
    return NULL;

  a = format_rate (first);
  b = format_rate (second);

  /* Translators: two rates with their labels, "Read 2.1 kB/s, write 0 bytes/s" */
  return g_strdup_printf (_("%s %s, %s %s"), first_label, a, second_label, b);
}
