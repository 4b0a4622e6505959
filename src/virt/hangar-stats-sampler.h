/* hangar-stats-sampler.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "hangar-connection.h"
#include "hangar-domain.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_STATS_SAMPLER (hangar_stats_sampler_get_type ())

G_DECLARE_FINAL_TYPE (HangarStatsSampler, hangar_stats_sampler, HANGAR, STATS_SAMPLER, GObject)

/* Resource use of the domains someone looks at, for one connection.
 *
 * Views watch the domains they show (hangar_domain_watch_stats ()).  Every
 * interval one worker makes one bulk call, virDomainListGetStats () for
 * the watched domains that run, and hands each domain its sample on the
 * main context.  A call that takes longer than the interval delays the
 * next one instead of piling up; nothing is asked while no watched domain
 * runs.  Each connection owns one (hangar_connection_get_stats_sampler ()).
 *
 * Properties: "interval" (milliseconds), "n-calls" (bulk calls made, for
 * tests and benchmarks). */

#define HANGAR_STATS_DEFAULT_INTERVAL_MS 2000

unsigned hangar_stats_sampler_get_interval (HangarStatsSampler *self);
void     hangar_stats_sampler_set_interval (HangarStatsSampler *self,
                                            unsigned            milliseconds);
guint64  hangar_stats_sampler_get_n_calls  (HangarStatsSampler *self);

/* Counted: each watch needs its unwatch.  hangar_domain_watch_stats ()
 * calls these on the domain's connection. */
void     hangar_stats_sampler_watch        (HangarStatsSampler *self,
                                            HangarDomain       *domain);
void     hangar_stats_sampler_unwatch      (HangarStatsSampler *self,
                                            HangarDomain       *domain);

G_END_DECLS
