/* hangar-askpass-helper.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * hangar-askpass: how OpenSSH, started by libvirt for a qemu+ssh://
 * connection, asks Hangar's own dialog for a password.  One program, two
 * names, both links that Hangar makes in a private folder of its own
 * (see hangar-askpass.c):
 *
 *   FOLDER/ssh-ID      libvirt runs it instead of ssh (the URI's
 *                      "command"): it runs the real ssh with SSH_ASKPASS
 *                      set to FOLDER/askpass-ID and SSH_ASKPASS_REQUIRE
 *                      set to "force", so that ssh never asks on a
 *                      terminal;
 *   FOLDER/askpass-ID  ssh runs it with the prompt as its argument: it
 *                      sends "ID\n" and the prompt to FOLDER/socket, where
 *                      Hangar listens, and prints the answer for ssh.
 *
 * The answer goes to standard output only, and is wiped from memory
 * after.  It exits 1 when the user cancelled, 2 on any other failure.
 */

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define ANSWER_MAX 4096

static int
fail (const char *what)
{
  fprintf (stderr, "hangar-askpass: %s: %s\n", what, strerror (errno));
  return 2;
}

static char *
folder_of (const char *argv0)
{
  char *folder = strdup (argv0);
  char *slash = strrchr (folder, '/');

  if (slash == NULL)
    {
      free (folder);
      return NULL;
    }
  *slash = '\0';

  return folder;
}

/* The real ssh: the first one on $PATH that is not in @folder. */
static char *
find_ssh (const char *folder)
{
  const char *path = getenv ("PATH");
  char *copy;
  char *found = NULL;

  copy = strdup (path != NULL && *path != '\0' ? path : "/usr/bin:/bin");
  for (char *dir = strtok (copy, ":"); dir != NULL && found == NULL; dir = strtok (NULL, ":"))
    {
      char candidate[4096];

      if (strcmp (dir, folder) == 0)
        continue;
      snprintf (candidate, sizeof candidate, "%s/ssh", dir);
      if (access (candidate, X_OK) == 0)
        found = strdup (candidate);
    }
  free (copy);

  return found;
}

static int
run_ssh (const char *folder,
         const char *id,
         int         argc,
         char      **argv)
{
  char askpass[4096];
  char *ssh;

  snprintf (askpass, sizeof askpass, "%s/askpass-%s", folder, id);
  setenv ("SSH_ASKPASS", askpass, 1);
  setenv ("SSH_ASKPASS_REQUIRE", "force", 1);

  ssh = find_ssh (folder);
  if (ssh == NULL)
    {
      fprintf (stderr, "hangar-askpass: no ssh on $PATH\n");
      return 2;
    }

  argv[0] = ssh;
  execv (ssh, argv);

  return fail ("running ssh");
}

static int
write_all (int         fd,
           const char *data,
           size_t      len)
{
  while (len > 0)
    {
      ssize_t n = write (fd, data, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return -1;
      data += n;
      len -= n;
    }

  return 0;
}

static int
ask (const char *folder,
     const char *id,
     const char *prompt)
{
  struct sockaddr_un addr = { 0 };
  char answer[ANSWER_MAX + 2];
  size_t got = 0;
  int status;
  int fd;

  addr.sun_family = AF_UNIX;
  if (snprintf (addr.sun_path, sizeof addr.sun_path, "%s/socket", folder) >=
      (int)sizeof addr.sun_path)
    {
      fprintf (stderr, "hangar-askpass: the folder's path is too long\n");
      return 2;
    }

  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return fail ("socket");
  if (connect (fd, (struct sockaddr *)&addr, sizeof addr) < 0)
    return fail ("connecting to Hangar");

  /* "ID\nPROMPT", then the end of the question. */
  if (write_all (fd, id, strlen (id)) < 0 || write_all (fd, "\n", 1) < 0 ||
      write_all (fd, prompt, strlen (prompt)) < 0)
    return fail ("asking Hangar");
  shutdown (fd, SHUT_WR);

  /* "1" and the answer, or "0" when the user cancelled. */
  for (;;)
    {
      ssize_t n = read (fd, answer + got, sizeof answer - 1 - got);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return fail ("reading Hangar's answer");
      if (n == 0 || (got += n) >= sizeof answer - 1)
        break;
    }
  close (fd);
  answer[got] = '\0';

  if (got > 0 && answer[0] == '1')
    {
      status = write_all (STDOUT_FILENO, answer + 1, got - 1) == 0 &&
               write_all (STDOUT_FILENO, "\n", 1) == 0 ? 0 : 2;
    }
  else
    {
      status = 1;
    }

  explicit_bzero (answer, sizeof answer);

  return status;
}

int
main (int   argc,
      char *argv[])
{
  const char *base;
  char *folder;
  const char *dash;

  folder = folder_of (argv[0]);
  base = strrchr (argv[0], '/');
  base = base != NULL ? base + 1 : argv[0];
  dash = strchr (base, '-');

  if (folder == NULL || dash == NULL)
    {
      fprintf (stderr, "hangar-askpass: run by Hangar only, through the links it makes\n");
      return 2;
    }

  if (strncmp (base, "ssh-", 4) == 0)
    return run_ssh (folder, dash + 1, argc, argv);

  if (strncmp (base, "askpass-", 8) == 0)
    return ask (folder, dash + 1, argc > 1 ? argv[1] : "");

  fprintf (stderr, "hangar-askpass: unknown name “%s”\n", base);
  return 2;
}
