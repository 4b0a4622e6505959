/* hangar-keymap.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Maps a Linux evdev key code (KEY_* from <linux/input-event-codes.h>) to
 * a PC scancode of set 1 in the encoding spice-client-glib expects:
 * 0x00–0x7f for plain keys, 0x100 | code for keys sent with the 0xe0
 * prefix.  Returns 0 for keys a PC keyboard does not have. */
unsigned hangar_keymap_evdev_to_xt (unsigned evdev);

/* Pause is the one key without a make and break code: a PC keyboard sends
 * e1 1d 45 e1 9d c5 when it goes down and nothing when it comes up.  The
 * map returns this pseudo code for KEY_PAUSE (0x200 standing for the e1
 * prefix, as spice-client-glib encodes it), and a sender expands it into
 * that sequence instead of passing it on as it is. */
#define HANGAR_KEYMAP_XT_PAUSE 0x245

/* The same for a GDK hardware keycode on X11 and Wayland, which is the
 * evdev code plus 8. */
unsigned hangar_keymap_hardware_to_xt (unsigned hardware_keycode);

/* The same code as QEMU's "qnum" numbering, which VNC's extended key
 * event carries: plain codes as they are, e0-prefixed codes with the high
 * bit set (0x148 becomes 0xc8), Pause as 0xc6.  Returns 0 for codes that
 * qnum has no number for. */
unsigned hangar_keymap_xt_to_qnum     (unsigned xt);

/* Key combinations a user may need to send without pressing them, because
 * the desktop would take them: "ctrl-alt-del", "ctrl-alt-backspace",
 * "ctrl-alt-f1" … "ctrl-alt-f12", "print".  Fills @codes (at most
 * HANGAR_KEYMAP_MAX_COMBO) with the XT codes to press in order and
 * returns how many, or 0 for an unknown name. */
#define HANGAR_KEYMAP_MAX_COMBO 4

unsigned hangar_keymap_combo_from_name (const char *name,
                                        unsigned    codes[HANGAR_KEYMAP_MAX_COMBO]);

G_END_DECLS
