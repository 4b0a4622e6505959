/* hangar-test-daemon.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A libvirtd of a test's own: its configuration, sockets, SASL database
 * and log in a private folder, listening for TCP on 127.0.0.1 on a free
 * port, with no driver modules, so that it serves only libvirt's built-in
 * test driver (test+tcp://127.0.0.1:PORT/default) and touches no state
 * of the machine's.  Started and stopped by pid; it dies with the test.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _HangarTestDaemon HangarTestDaemon;

/* Starts a daemon that asks for SASL DIGEST-MD5 credentials: @user with
 * @password.  Fails the test when it cannot. */
HangarTestDaemon *hangar_test_daemon_start   (const char       *user,
                                              const char       *password);
/* "test+tcp://127.0.0.1:PORT" + @path ("/default", or a host file). */
char             *hangar_test_daemon_dup_uri (HangarTestDaemon *self,
                                              const char       *path);
/* TRUE once this run of the daemon began to answer a call of the remote
 * protocol's @procedure (REMOTE_PROC_*). */
gboolean          hangar_test_daemon_dispatched (HangarTestDaemon *self,
                                                 int               procedure);
/* Its process, 0 while it is not running. */
GPid              hangar_test_daemon_get_pid (HangarTestDaemon *self);
/* Its read-write UNIX socket. */
char             *hangar_test_daemon_dup_socket (HangarTestDaemon *self);
/* The folder it keeps its files in, for the test's own. */
const char       *hangar_test_daemon_get_dir (HangarTestDaemon *self);
/* Kills it (SIGKILL: as a crash or a lost host would) and waits for it. */
void              hangar_test_daemon_kill    (HangarTestDaemon *self);
/* Starts it again, on the same port, with a fresh test driver. */
void              hangar_test_daemon_restart (HangarTestDaemon *self);
/* Stops it and removes its folder. */
void              hangar_test_daemon_free    (HangarTestDaemon *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarTestDaemon, hangar_test_daemon_free)

G_END_DECLS
