/* hangar-clipboard.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-clipboard"

#include "config.h"

#include <string.h>

#include "hangar-clipboard.h"

/* Appends @text with every "\r\n" and lone "\r" made "\n". */
static void
append_unix_lines (GString    *out,
                   const char *text,
                   gsize       length)
{
  for (gsize i = 0; i < length; i++)
    {
      if (text[i] == '\r')
        {
          g_string_append_c (out, '\n');
          if (i + 1 < length && text[i + 1] == '\n')
            i++;
        }
      else
        {
          g_string_append_c (out, text[i]);
        }
    }
}

char *
hangar_clipboard_from_guest (const guint8 *data,
                             gsize         length)
{
  g_autofree char *valid = NULL;
  const guint8 *nul;
  GString *out;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  if (length == 0)
    return g_strdup ("");

  /* A C string ends at its NUL, and agents count the NUL in. */
  nul = length > 0 ? memchr (data, '\0', length) : NULL;
  if (nul != NULL)
    length = nul - data;

  valid = g_utf8_make_valid ((const char *) data, length);
  out = g_string_sized_new (strlen (valid));
  append_unix_lines (out, valid, strlen (valid));

  return g_string_free (out, FALSE);
}

char *
hangar_clipboard_to_guest (const char *text,
                           gboolean    crlf,
                           gsize      *length)
{
  g_autoptr(GString) unix_text = NULL;
  GString *out;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (length != NULL, NULL);

  /* Line ends are made uniform first, so that a mix becomes one kind. */
  unix_text = g_string_new (NULL);
  append_unix_lines (unix_text, text, strlen (text));

  out = g_string_sized_new (unix_text->len);
  for (gsize i = 0; i < unix_text->len; i++)
    {
      if (crlf && unix_text->str[i] == '\n')
        g_string_append_c (out, '\r');
      g_string_append_c (out, unix_text->str[i]);
    }

  *length = out->len;

  return g_string_free (out, FALSE);
}

char *
hangar_clipboard_from_latin1 (const guint8 *data,
                              gsize         length)
{
  g_autoptr(GString) utf8 = NULL;
  GString *out;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  utf8 = g_string_sized_new (length);
  for (gsize i = 0; i < length; i++)
    if (data[i] != '\0')
      g_string_append_unichar (utf8, data[i]);

  out = g_string_sized_new (utf8->len);
  append_unix_lines (out, utf8->str, utf8->len);

  return g_string_free (out, FALSE);
}

char *
hangar_clipboard_to_latin1 (const char *text,
                            gsize      *length)
{
  g_autofree char *valid = NULL;
  g_autoptr(GString) unix_text = NULL;
  GString *out;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (length != NULL, NULL);

  valid = g_utf8_make_valid (text, -1);
  unix_text = g_string_new (NULL);
  append_unix_lines (unix_text, valid, strlen (valid));

  out = g_string_sized_new (unix_text->len);
  for (const char *p = unix_text->str; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      g_string_append_c (out, c <= 0xff ? (char) c : '?');
    }

  *length = out->len;

  return g_string_free (out, FALSE);
}
