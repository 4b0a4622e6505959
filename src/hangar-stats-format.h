/* hangar-stats-format.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "hangar-domain.h"

G_BEGIN_DECLS

/* How the rows and the details page write a domain's statistics.  Each
 * returns NULL when the figure is unknown. */
char *hangar_stats_format_cpu    (const HangarDomainStats *stats);
char *hangar_stats_format_memory (const HangarDomainStats *stats);
/* "Read 2.1 kB/s, write 0 bytes/s" with the two labels given. */
char *hangar_stats_format_rates  (const char              *first_label,
                                  double                   first,
                                  const char              *second_label,
                                  double                   second);
/* The memory in use, in % of what the guest has, or -1. */
double hangar_stats_memory_percent (const HangarDomainStats *stats);

G_END_DECLS
