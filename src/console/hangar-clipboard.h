/* hangar-clipboard.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Clipboard text between the desktop and a guest.  Pure functions, with
 * no display and no connection, so that they can be tested and fuzzed on
 * their own.
 *
 * The desktop's text is UTF-8 with "\n" line ends.  What a guest sends is
 * untrusted bytes: it may end in NULs, carry "\r\n" line ends (Windows
 * agents), or not be UTF-8 at all. */

/* Text the guest's agent sent (UTF-8 in SPICE): invalid sequences become
 * U+FFFD, NULs end the text, "\r\n" and lone "\r" become "\n". */
char  *hangar_clipboard_from_guest   (const guint8 *data,
                                      gsize         length);

/* Text for the guest's agent: line ends as the guest wants them ("\r\n"
 * when @crlf), no NUL.  Returns the bytes and their number in @length. */
char  *hangar_clipboard_to_guest     (const char   *text,
                                      gboolean      crlf,
                                      gsize        *length);

/* VNC's cut text is ISO 8859-1 with "\n" line ends.  From the guest:
 * every byte is one character (NULs dropped, "\r\n" made "\n"); to the
 * guest: characters outside Latin-1 become "?". */
char  *hangar_clipboard_from_latin1  (const guint8 *data,
                                      gsize         length);
char  *hangar_clipboard_to_latin1    (const char   *text,
                                      gsize        *length);

G_END_DECLS
