/* hangar-console-target.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-console-target"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "hangar-console-target.h"

void
hangar_console_target_free (HangarConsoleTarget *target)
{
  if (target == NULL)
    return;

  g_free (target->host);
  g_free (target->port);
  g_free (target->tls_port);
  g_strfreev (target->ssh_argv);
  g_free (target);
}

static gboolean
is_wildcard (const char *address)
{
  return address == NULL || *address == '\0' ||
         strcmp (address, "0.0.0.0") == 0 || strcmp (address, "::") == 0;
}

static gboolean
is_loopback (const char *address)
{
  return address != NULL &&
         (g_str_has_prefix (address, "127.") || strcmp (address, "::1") == 0 ||
          strcmp (address, "localhost") == 0);
}

/* A port libvirt has allocated: a number above zero ("-1" is "none"). */
static char *
valid_port (const char *port)
{
  guint64 value;

  if (port == NULL || !g_ascii_string_to_unsigned (port, 10, 1, 65535, &value, NULL))
    return NULL;

  return g_strdup (port);
}

HangarConsoleTarget *
hangar_console_target_new (const char  *uri,
                           gboolean     local,
                           gboolean     direct,
                           const char  *listen,
                           const char  *port,
                           const char  *tls_port,
                           GError     **error)
{
  g_autoptr(HangarConsoleTarget) target = g_new0 (HangarConsoleTarget, 1);
  g_autoptr(GUri) parsed = NULL;
  const char *scheme;
  const char *transport;

  g_return_val_if_fail (uri != NULL, NULL);

  if (local && !direct)
    {
      target->method = HANGAR_TARGET_FD;
      return g_steal_pointer (&target);
    }

  target->port = valid_port (port);
  target->tls_port = valid_port (tls_port);
  if (target->port == NULL && target->tls_port == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           _("The display listens on no network port"));
      return NULL;
    }

  if (local)
    {
      target->method = HANGAR_TARGET_DIRECT;
      target->host = g_strdup (is_wildcard (listen) ? "127.0.0.1" : listen);
      return g_steal_pointer (&target);
    }

  parsed = g_uri_parse (uri, G_URI_FLAGS_NON_DNS, error);
  if (parsed == NULL)
    return NULL;

  /* "qemu+ssh", "qemu+tcp", "qemu+tls" (the default for a host), … */
  scheme = g_uri_get_scheme (parsed);
  transport = strchr (scheme, '+');
  transport = transport != NULL ? transport + 1 : NULL;

  if (g_strcmp0 (transport, "ssh") == 0 || g_strcmp0 (transport, "libssh") == 0 ||
      g_strcmp0 (transport, "libssh2") == 0)
    {
      GPtrArray *argv = g_ptr_array_new ();

      /* On the far side the display is reached as that host sees it. */
      target->method = HANGAR_TARGET_SSH;
      target->host = g_strdup (is_wildcard (listen) ? "127.0.0.1" : listen);

      g_ptr_array_add (argv, g_strdup ("ssh"));
      /* No terminal to ask a password on: keys or an agent only, and a
       * clear failure otherwise. */
      g_ptr_array_add (argv, g_strdup ("-o"));
      g_ptr_array_add (argv, g_strdup ("BatchMode=yes"));
      if (g_uri_get_port (parsed) > 0)
        {
          g_ptr_array_add (argv, g_strdup ("-p"));
          g_ptr_array_add (argv, g_strdup_printf ("%d", g_uri_get_port (parsed)));
        }
      if (g_uri_get_user (parsed) != NULL)
        {
          g_ptr_array_add (argv, g_strdup ("-l"));
          g_ptr_array_add (argv, g_strdup (g_uri_get_user (parsed)));
        }
      g_ptr_array_add (argv, g_strdup ("-W"));
      g_ptr_array_add (argv, g_strdup_printf (strchr (target->host, ':') != NULL ? "[%s]:%s"
                                                                                  : "%s:%s",
                                              target->host,
                                              target->port != NULL ? target->port
                                                                   : target->tls_port));
      g_ptr_array_add (argv, g_strdup ("--"));
      g_ptr_array_add (argv, g_strdup (g_uri_get_host (parsed)));
      g_ptr_array_add (argv, NULL);
      target->ssh_argv = (char **) g_ptr_array_free (argv, FALSE);

      return g_steal_pointer (&target);
    }

  if (g_uri_get_host (parsed) == NULL || *g_uri_get_host (parsed) == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The connection “%s” names no host"), uri);
      return NULL;
    }

  if (is_loopback (listen))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE,
                   _("The display of this virtual machine only listens on its host "
                     "(%s); connect over SSH (qemu+ssh://) to see it"), listen);
      return NULL;
    }

  target->method = HANGAR_TARGET_DIRECT;
  target->host = g_strdup (is_wildcard (listen) ? g_uri_get_host (parsed) : listen);

  return g_steal_pointer (&target);
}
