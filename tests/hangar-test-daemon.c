/* hangar-test-daemon.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "hangar-test-daemon.h"

#define LIBVIRTD "/usr/sbin/libvirtd"
#define START_SECONDS 60

struct _HangarTestDaemon
{
  char *dir;
  char *conf;
  char *pid_file;
  int   port;
  GPid  pid;
};

/* A port nothing listens on now.  Another process may take it before the
 * daemon does: hangar_test_daemon_start () then tries another. */
static int
free_port (void)
{
  struct sockaddr_in addr = { 0 };
  socklen_t len = sizeof addr;
  int fd;
  int port;

  fd = socket (AF_INET, SOCK_STREAM, 0);
  g_assert_cmpint (fd, >=, 0);
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (bind (fd, (struct sockaddr *)&addr, sizeof addr), ==, 0);
  g_assert_cmpint (getsockname (fd, (struct sockaddr *)&addr, &len), ==, 0);
  port = ntohs (addr.sin_port);
  close (fd);

  return port;
}

static gboolean
port_accepts (int port)
{
  struct sockaddr_in addr = { 0 };
  int fd;
  int ret;

  fd = socket (AF_INET, SOCK_STREAM, 0);
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  addr.sin_port = htons (port);
  ret = connect (fd, (struct sockaddr *)&addr, sizeof addr);
  close (fd);

  return ret == 0;
}

static void
write_file (const char *path,
            const char *text)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
}

static void
write_config (HangarTestDaemon *self)
{
  g_autofree char *text = NULL;
  g_autofree char *sockets = g_build_filename (self->dir, "sockets", NULL);
  g_autofree char *log = g_build_filename (self->dir, "libvirtd.log", NULL);

  g_mkdir_with_parents (sockets, 0700);
  text = g_strdup_printf ("listen_tls = 0\n"
                          "listen_tcp = 1\n"
                          "listen_addr = \"127.0.0.1\"\n"
                          "tcp_port = \"%d\"\n"
                          "auth_tcp = \"sasl\"\n"
                          /* What ssh reaches on the "remote" side. */
                          "auth_unix_rw = \"none\"\n"
                          "unix_sock_dir = \"%s\"\n"
                          "log_outputs = \"1:file:%s\"\n"
                          /* Each call it dispatches, as "proc=N". */
                          "log_filters = \"1:rpc.netserverprogram 3:*\"\n",
                          self->port, sockets, log);
  write_file (self->conf, text);
}

static void
child_setup (gpointer user_data)
{
  /* A test that dies takes its daemon with it. */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* Starts the daemon on self->port; FALSE when it exited (port taken). */
static gboolean
spawn (HangarTestDaemon *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *sasl = g_build_filename (self->dir, "sasl", NULL);
  g_autofree char *drivers = g_build_filename (self->dir, "drivers", NULL);
  g_auto(GStrv) env = g_get_environ ();
  g_autofree char *out = g_build_filename (self->dir, "libvirtd.out", NULL);
  const char *argv[] = { LIBVIRTD, "-f", self->conf, "-p", self->pid_file, "--listen", NULL };
  gint64 deadline = g_get_monotonic_time () + START_SECONDS * G_USEC_PER_SEC;
  int out_fd;

  /* A fresh log for each run, so that it speaks of this one only. */
  {
    g_autofree char *log = g_build_filename (self->dir, "libvirtd.log", NULL);
    g_autofree char *old = g_build_filename (self->dir, "libvirtd.log.old", NULL);

    g_rename (log, old);
  }

  /* The SASL configuration is the daemon's own; an empty driver folder
   * leaves it only the test driver, built into libvirt. */
  env = g_environ_setenv (env, "SASL_CONF_PATH", sasl, TRUE);
  env = g_environ_setenv (env, "LIBVIRT_DRIVER_DIR", drivers, TRUE);

  out_fd = open (out, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  g_assert_cmpint (out_fd, >=, 0);
  g_spawn_async_with_fds (self->dir, (char **)argv, env,
                          G_SPAWN_DO_NOT_REAP_CHILD, child_setup, NULL,
                          &self->pid, -1, out_fd, out_fd, &error);
  close (out_fd);
  g_assert_no_error (error);

  while (!port_accepts (self->port))
    {
      int status;

      if (waitpid (self->pid, &status, WNOHANG) == self->pid)
        {
          self->pid = 0;
          return FALSE;
        }
      if (g_get_monotonic_time () > deadline)
        g_error ("libvirtd did not listen on port %d within %d s", self->port, START_SECONDS);
      g_usleep (20 * 1000);
    }

  g_test_message ("libvirtd pid %d on 127.0.0.1:%d", (int)self->pid, self->port);

  return TRUE;
}

HangarTestDaemon *
hangar_test_daemon_start (const char *user,
                          const char *password)
{
  g_autoptr(GError) error = NULL;
  HangarTestDaemon *self;
  g_autofree char *sasl = NULL;
  g_autofree char *sasl_conf = NULL;
  g_autofree char *db = NULL;
  g_autofree char *drivers = NULL;
  const char *passwd_argv[] = { "saslpasswd2", "-p", "-c", "-a", "libvirt", "-f", NULL, user,
                                NULL };
  GSubprocess *passwd;

  self = g_new0 (HangarTestDaemon, 1);
  self->dir = g_dir_make_tmp ("hangar-libvirtd-XXXXXX", &error);
  g_assert_no_error (error);
  self->conf = g_build_filename (self->dir, "libvirtd.conf", NULL);
  self->pid_file = g_build_filename (self->dir, "libvirtd.pid", NULL);

  drivers = g_build_filename (self->dir, "drivers", NULL);
  sasl = g_build_filename (self->dir, "sasl", NULL);
  g_mkdir_with_parents (drivers, 0700);
  g_mkdir_with_parents (sasl, 0700);

  /* DIGEST-MD5 has a security layer, which libvirt asks for over plain
   * TCP. */
  db = g_build_filename (sasl, "passwd.db", NULL);
  sasl_conf = g_build_filename (sasl, "libvirt.conf", NULL);
  {
    g_autofree char *text = g_strdup_printf ("mech_list: digest-md5\nsasldb_path: %s\n", db);

    write_file (sasl_conf, text);
  }

  passwd_argv[6] = db;
  passwd = g_subprocess_newv (passwd_argv, G_SUBPROCESS_FLAGS_STDIN_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (passwd, password, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (passwd));
  g_object_unref (passwd);

  for (unsigned tries = 0;; tries++)
    {
      self->port = free_port ();
      write_config (self);
      if (spawn (self))
        break;
      g_assert_cmpuint (tries, <, 5);
    }

  return self;
}

char *
hangar_test_daemon_dup_uri (HangarTestDaemon *self,
                            const char       *path)
{
  return g_strdup_printf ("test+tcp://127.0.0.1:%d%s", self->port, path);
}

gboolean
hangar_test_daemon_dispatched (HangarTestDaemon *self,
                               int               procedure)
{
  g_autofree char *log = g_build_filename (self->dir, "libvirtd.log", NULL);
  g_autofree char *text = NULL;
  g_autofree char *needle = g_strdup_printf (" proc=%d\n", procedure);

  if (!g_file_get_contents (log, &text, NULL, NULL))
    return FALSE;

  return strstr (text, needle) != NULL;
}

GPid
hangar_test_daemon_get_pid (HangarTestDaemon *self)
{
  return self->pid;
}

char *
hangar_test_daemon_dup_socket (HangarTestDaemon *self)
{
  return g_build_filename (self->dir, "sockets", "libvirt-sock", NULL);
}

const char *
hangar_test_daemon_get_dir (HangarTestDaemon *self)
{
  return self->dir;
}

void
hangar_test_daemon_kill (HangarTestDaemon *self)
{
  int status;

  if (self->pid == 0)
    return;

  g_test_message ("killing libvirtd pid %d", (int)self->pid);
  kill (self->pid, SIGKILL);
  waitpid (self->pid, &status, 0);
  self->pid = 0;
  g_unlink (self->pid_file);
}

void
hangar_test_daemon_restart (HangarTestDaemon *self)
{
  hangar_test_daemon_kill (self);

  /* The port is free again at once: the daemon sets SO_REUSEADDR. */
  if (!spawn (self))
    g_error ("libvirtd did not start again on port %d", self->port);
}

void
hangar_test_daemon_free (HangarTestDaemon *self)
{
  g_autofree char *command = NULL;

  hangar_test_daemon_kill (self);

  command = g_strdup_printf ("rm -rf '%s'", self->dir);
  g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL);

  g_free (self->dir);
  g_free (self->conf);
  g_free (self->pid_file);
  g_free (self);
}
