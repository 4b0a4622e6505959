/* hangar-connection-uri.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-connection-uri"

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "hangar-connection-uri.h"

static const struct
{
  HangarHypervisor  hypervisor;
  const char       *driver;
  const char       *path;
  gboolean          remote;   /* reachable through a transport */
} hypervisors[] = {
  { HANGAR_HYPERVISOR_QEMU, "qemu", "/system", TRUE },
  { HANGAR_HYPERVISOR_QEMU_SESSION, "qemu", "/session", TRUE },
  { HANGAR_HYPERVISOR_QEMU_EMBED, "qemu", "/embed", FALSE },
  { HANGAR_HYPERVISOR_XEN, "xen", "/system", TRUE },
  { HANGAR_HYPERVISOR_LXC, "lxc", "/system", TRUE },
  { HANGAR_HYPERVISOR_CH, "ch", "/system", TRUE },
  { HANGAR_HYPERVISOR_TEST, "test", "/default", TRUE },
};

static const char *transports[] = {
  [HANGAR_TRANSPORT_LOCAL] = NULL,
  [HANGAR_TRANSPORT_SSH] = "ssh",
  [HANGAR_TRANSPORT_LIBSSH] = "libssh",
  [HANGAR_TRANSPORT_TLS] = "tls",
  [HANGAR_TRANSPORT_TCP] = "tcp",
};

/* A host name, an IPv4 address or a bracketed IPv6 one, with an optional
 * port: what goes between "//" (or "@") and the path. */
static gboolean
host_is_valid (const char *host)
{
  const char *port = NULL;
  const char *end;

  if (host[0] == '[')
    {
      end = strchr (host, ']');
      if (end == NULL || end == host + 1)
        return FALSE;
      for (const char *p = host + 1; p < end; p++)
        if (!g_ascii_isxdigit (*p) && *p != ':' && *p != '.')
          return FALSE;
      if (end[1] == ':')
        port = end + 2;
      else if (end[1] != '\0')
        return FALSE;
    }
  else
    {
      end = strchr (host, ':');
      for (const char *p = host; *p != '\0' && p != end; p++)
        if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.' && *p != '_')
          return FALSE;
      if (end == host)
        return FALSE;
      if (end != NULL)
        port = end + 1;
    }

  if (port != NULL)
    {
      guint64 number;

      if (!g_ascii_string_to_unsigned (port, 10, 1, 65535, &number, NULL))
        return FALSE;
    }

  return TRUE;
}

static gboolean
user_is_valid (const char *user)
{
  for (const char *p = user; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("-._~$", *p) == NULL)
      return FALSE;

  return TRUE;
}

char *
hangar_connection_uri_build (HangarHypervisor   hypervisor,
                             HangarTransport    transport,
                             const char        *user,
                             const char        *host,
                             GError           **error)
{
  g_autofree char *stripped_host = NULL;
  g_autofree char *stripped_user = NULL;
  unsigned i;

  g_return_val_if_fail (transport <= HANGAR_TRANSPORT_TCP, NULL);

  for (i = 0; i < G_N_ELEMENTS (hypervisors); i++)
    if (hypervisors[i].hypervisor == hypervisor)
      break;
  g_return_val_if_fail (i < G_N_ELEMENTS (hypervisors), NULL);

  if (transport == HANGAR_TRANSPORT_LOCAL)
    {
      if (hypervisor == HANGAR_HYPERVISOR_QEMU_EMBED)
        return g_strdup (HANGAR_EMBED_URI_ALIAS);

      return g_strdup_printf ("%s://%s", hypervisors[i].driver, hypervisors[i].path);
    }

  if (!hypervisors[i].remote)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("The embedded QEMU driver runs inside Hangar and cannot be "
                             "reached on another host"));
      return NULL;
    }

  stripped_host = g_strstrip (g_strdup (host != NULL ? host : ""));
  stripped_user = g_strstrip (g_strdup (user != NULL ? user : ""));

  if (*stripped_host == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Enter the remote host’s name or address"));
      return NULL;
    }

  if (!host_is_valid (stripped_host))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a host name or address (with an optional “:port”)"),
                   stripped_host);
      return NULL;
    }

  if (!user_is_valid (stripped_user))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a valid user name"), stripped_user);
      return NULL;
    }

  return g_strdup_printf ("%s+%s://%s%s%s%s", hypervisors[i].driver, transports[transport],
                          stripped_user, *stripped_user != '\0' ? "@" : "",
                          stripped_host, hypervisors[i].path);
}

gboolean
hangar_connection_uri_validate (const char  *uri,
                                GError     **error)
{
  g_autoptr(GUri) parsed = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *stripped = NULL;

  g_return_val_if_fail (uri != NULL, FALSE);

  stripped = g_strstrip (g_strdup (uri));
  if (*stripped == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Enter a libvirt URI, such as qemu+ssh://user@host/system"));
      return FALSE;
    }

  parsed = g_uri_parse (stripped, G_URI_FLAGS_NON_DNS | G_URI_FLAGS_ENCODED, &local_error);
  if (parsed == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a URI: %s"), stripped, local_error->message);
      return FALSE;
    }

  if (g_uri_get_host (parsed) == NULL && strstr (stripped, "://") == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” names no host or path: libvirt URIs look like "
                     "driver[+transport]://[user@][host]/path"), stripped);
      return FALSE;
    }

  return TRUE;
}

static const char *
driver_label (const char *driver)
{
  if (g_str_equal (driver, "qemu"))
    return _("QEMU/KVM");
  if (g_str_equal (driver, "xen"))
    return _("Xen");
  if (g_str_equal (driver, "lxc"))
    return _("LXC");
  if (g_str_equal (driver, "ch"))
    return _("Cloud Hypervisor");
  if (g_str_equal (driver, "test"))
    return _("Test driver");

  return NULL;
}

char *
hangar_connection_uri_describe (const char *uri)
{
  g_autoptr(GUri) parsed = NULL;
  g_autofree char *driver = NULL;
  g_autofree char *what = NULL;
  const char *scheme;
  const char *host;
  const char *user;
  const char *path;
  const char *plus;
  const char *label;

  g_return_val_if_fail (uri != NULL, NULL);

  parsed = g_uri_parse (uri, G_URI_FLAGS_NON_DNS | G_URI_FLAGS_ENCODED, NULL);
  if (parsed == NULL)
    return g_strdup (uri);

  scheme = g_uri_get_scheme (parsed);
  plus = strchr (scheme, '+');
  driver = plus != NULL ? g_strndup (scheme, plus - scheme) : g_strdup (scheme);
  label = driver_label (driver);
  if (label == NULL)
    return g_strdup (uri);

  path = g_uri_get_path (parsed);
  host = g_uri_get_host (parsed);
  user = g_uri_get_user (parsed);

  if (g_str_equal (driver, "qemu") && g_str_equal (path, "/embed"))
    what = g_strdup (_("QEMU, embedded"));
  else if (g_str_equal (path, "/session"))
    /* Translators: a hypervisor's unprivileged per-user instance */
    what = g_strdup_printf (_("%s user session"), label);
  else if (g_str_equal (driver, "test") && !g_str_equal (path, "/default") && *path != '\0')
    {
      g_autofree char *base = g_path_get_basename (path);

      what = g_strdup_printf ("%s (%s)", label, base);
    }
  else
    what = g_strdup (label);

  if (host != NULL && *host != '\0')
    {
      g_autofree char *where = NULL;

      if (user != NULL && *user != '\0')
        where = g_strdup_printf ("%s@%s", user, host);
      else
        where = g_strdup (host);

      /* Translators: a connection, such as “QEMU/KVM on alice@example.com” */
      return g_strdup_printf (_("%s on %s"), what, where);
    }

  return g_steal_pointer (&what);
}

gboolean
hangar_connection_uri_is_openssh (const char *uri)
{
  const char *sep;

  g_return_val_if_fail (uri != NULL, FALSE);

  sep = strstr (uri, "://");
  if (sep == NULL)
    return FALSE;

  return sep - uri > 4 && strncmp (sep - 4, "+ssh", 4) == 0;
}
