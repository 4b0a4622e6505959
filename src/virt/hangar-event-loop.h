/* hangar-event-loop.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* libvirt's event loop runs in a thread of its own, so that the QEMU
 * monitor of an embedded driver and the event callbacks keep going while
 * the main loop is busy painting.  Callbacks reach the main context through
 * g_main_context_invoke ().  Safe to call more than once. */
void hangar_event_loop_ensure (void);

/* Runs @function on @context (NULL: the global default one) from its next
 * iteration, whichever thread calls this.  Unlike g_main_context_invoke (),
 * never in the calling thread: a worker thread without a context of its
 * own would otherwise acquire an idle default context and run it there. */
void hangar_invoke_on (GMainContext   *context,
                       GSourceFunc     function,
                       gpointer        data,
                       GDestroyNotify  notify);

G_END_DECLS
