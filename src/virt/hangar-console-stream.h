/* hangar-console-stream.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "hangar-domain.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_CONSOLE_STREAM (hangar_console_stream_get_type ())

G_DECLARE_FINAL_TYPE (HangarConsoleStream, hangar_console_stream, HANGAR, CONSOLE_STREAM, GObject)

/* A domain's serial or text console, through libvirt's console stream
 * (virDomainOpenConsole): what the guest writes arrives as "data"
 * (GBytes) on the main context, and "closed" (a GError, or NULL when the
 * guest or libvirt ended it cleanly) says when it is over.  Reading and
 * writing happen on libvirt's event loop thread, never on the main one.
 *
 * @device is the alias of a <serial> or <console> ("serial0",
 * "console1"), or NULL for the first one.  Another client holding the
 * console is pushed off, as virsh console --force does. */
void                 hangar_console_stream_open_async  (HangarDomain         *domain,
                                                        const char           *device,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
HangarConsoleStream *hangar_console_stream_open_finish (GAsyncResult         *result,
                                                        GError              **error);

/* Queues @data for the guest. */
void                 hangar_console_stream_write       (HangarConsoleStream  *self,
                                                        const char           *data,
                                                        gsize                 length);
/* Ends the stream; no "closed" follows. */
void                 hangar_console_stream_close       (HangarConsoleStream  *self);
gboolean             hangar_console_stream_is_open     (HangarConsoleStream  *self);

G_END_DECLS
