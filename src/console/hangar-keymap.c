/* hangar-keymap.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-keymap"

#include "config.h"

#include <linux/input-event-codes.h>
#include <string.h>

#include "hangar-keymap.h"

/* The PC keyboard's scan code set 1 ("XT"), indexed by Linux key code.
 *
 * Codes below 0x80 are the make codes of the original XT keys; the break
 * code adds 0x80, which is why no key may use that bit here.  Keys added by
 * the AT enhanced keyboard and later send an 0xe0 prefix first; they are
 * written 0x100 | code, which is what spice_inputs_channel_key_press ()
 * takes and turns into the two bytes e0 code on the wire.
 *
 * Linux numbered its first 83 key codes after the XT make codes, so that
 * part of the table is the identity.  The rest follows Microsoft's
 * "Keyboard Scan Code Specification" (the USB HID usage table's set 1
 * column), which is what QEMU's PS/2 and USB keyboards decode.
 *
 * Keys left out, on purpose:
 * - KEY_HANGEUL and KEY_HANJA send f2 and f1 with no break code.  Both
 *   have the 0x80 bit set and spice-client-glib masks that bit away, so
 *   SPICE cannot carry them; Korean keyboards usually put these keys on
 *   Right Alt and Right Ctrl, which do work.
 * - KEY_F24 shares 0x76 with KEY_ZENKAKUHANKAKU, which is far more common.
 * - KEY_MENU is not the PC "Menu" key (that one is KEY_COMPOSE); the
 *   remaining Linux codes have no set 1 code at all. */
static const unsigned short evdev_to_xt[KEY_CNT] = {
  [KEY_ESC] = 0x01,
  [KEY_1] = 0x02,
  [KEY_2] = 0x03,
  [KEY_3] = 0x04,
  [KEY_4] = 0x05,
  [KEY_5] = 0x06,
  [KEY_6] = 0x07,
  [KEY_7] = 0x08,
  [KEY_8] = 0x09,
  [KEY_9] = 0x0a,
  [KEY_0] = 0x0b,
  [KEY_MINUS] = 0x0c,
  [KEY_EQUAL] = 0x0d,
  [KEY_BACKSPACE] = 0x0e,
  [KEY_TAB] = 0x0f,
  [KEY_Q] = 0x10,
  [KEY_W] = 0x11,
  [KEY_E] = 0x12,
  [KEY_R] = 0x13,
  [KEY_T] = 0x14,
  [KEY_Y] = 0x15,
  [KEY_U] = 0x16,
  [KEY_I] = 0x17,
  [KEY_O] = 0x18,
  [KEY_P] = 0x19,
  [KEY_LEFTBRACE] = 0x1a,
  [KEY_RIGHTBRACE] = 0x1b,
  [KEY_ENTER] = 0x1c,
  [KEY_LEFTCTRL] = 0x1d,
  [KEY_A] = 0x1e,
  [KEY_S] = 0x1f,
  [KEY_D] = 0x20,
  [KEY_F] = 0x21,
  [KEY_G] = 0x22,
  [KEY_H] = 0x23,
  [KEY_J] = 0x24,
  [KEY_K] = 0x25,
  [KEY_L] = 0x26,
  [KEY_SEMICOLON] = 0x27,
  [KEY_APOSTROPHE] = 0x28,
  [KEY_GRAVE] = 0x29,
  [KEY_LEFTSHIFT] = 0x2a,
  [KEY_BACKSLASH] = 0x2b,       /* also the ISO key left of Enter (#~) */
  [KEY_Z] = 0x2c,
  [KEY_X] = 0x2d,
  [KEY_C] = 0x2e,
  [KEY_V] = 0x2f,
  [KEY_B] = 0x30,
  [KEY_N] = 0x31,
  [KEY_M] = 0x32,
  [KEY_COMMA] = 0x33,
  [KEY_DOT] = 0x34,
  [KEY_SLASH] = 0x35,
  [KEY_RIGHTSHIFT] = 0x36,
  [KEY_KPASTERISK] = 0x37,
  [KEY_LEFTALT] = 0x38,
  [KEY_SPACE] = 0x39,
  [KEY_CAPSLOCK] = 0x3a,
  [KEY_F1] = 0x3b,
  [KEY_F2] = 0x3c,
  [KEY_F3] = 0x3d,
  [KEY_F4] = 0x3e,
  [KEY_F5] = 0x3f,
  [KEY_F6] = 0x40,
  [KEY_F7] = 0x41,
  [KEY_F8] = 0x42,
  [KEY_F9] = 0x43,
  [KEY_F10] = 0x44,
  [KEY_NUMLOCK] = 0x45,
  [KEY_SCROLLLOCK] = 0x46,
  [KEY_KP7] = 0x47,
  [KEY_KP8] = 0x48,
  [KEY_KP9] = 0x49,
  [KEY_KPMINUS] = 0x4a,
  [KEY_KP4] = 0x4b,
  [KEY_KP5] = 0x4c,
  [KEY_KP6] = 0x4d,
  [KEY_KPPLUS] = 0x4e,
  [KEY_KP1] = 0x4f,
  [KEY_KP2] = 0x50,
  [KEY_KP3] = 0x51,
  [KEY_KP0] = 0x52,
  [KEY_KPDOT] = 0x53,

  /* Later additions without a prefix. */
  [KEY_102ND] = 0x56,           /* the ISO key between Left Shift and Z */
  [KEY_F11] = 0x57,
  [KEY_F12] = 0x58,
  [KEY_KPEQUAL] = 0x59,
  [KEY_KPJPCOMMA] = 0x5c,       /* keyboard international 6 */
  [KEY_F13] = 0x64,
  [KEY_F14] = 0x65,
  [KEY_F15] = 0x66,
  [KEY_F16] = 0x67,
  [KEY_F17] = 0x68,
  [KEY_F18] = 0x69,
  [KEY_F19] = 0x6a,
  [KEY_F20] = 0x6b,
  [KEY_F21] = 0x6c,
  [KEY_F22] = 0x6d,
  [KEY_F23] = 0x6e,
  [KEY_KATAKANAHIRAGANA] = 0x70, /* international 2 */
  [KEY_RO] = 0x73,              /* international 1 */
  [KEY_ZENKAKUHANKAKU] = 0x76,  /* language 5 */
  [KEY_HIRAGANA] = 0x77,        /* language 4 */
  [KEY_KATAKANA] = 0x78,        /* language 3 */
  [KEY_HENKAN] = 0x79,          /* international 4 */
  [KEY_MUHENKAN] = 0x7b,        /* international 5 */
  [KEY_YEN] = 0x7d,             /* international 3 */
  [KEY_KPCOMMA] = 0x7e,         /* the Brazilian keypad's "." */

  /* The enhanced keyboard's keys, sent after e0. */
  [KEY_KPENTER] = 0x11c,
  [KEY_RIGHTCTRL] = 0x11d,
  [KEY_KPSLASH] = 0x135,
  /* Print Screen sends e0 37 (after a fake e0 2a that keyboards add and
   * hosts ignore); with Alt held the same key is SysRq and sends 54.  The
   * display chooses between the two when it sends the key. */
  [KEY_SYSRQ] = 0x137,
  [KEY_RIGHTALT] = 0x138,       /* AltGr */
  [KEY_HOME] = 0x147,
  [KEY_UP] = 0x148,
  [KEY_PAGEUP] = 0x149,
  [KEY_LEFT] = 0x14b,
  [KEY_RIGHT] = 0x14d,
  [KEY_END] = 0x14f,
  [KEY_DOWN] = 0x150,
  [KEY_PAGEDOWN] = 0x151,
  [KEY_INSERT] = 0x152,
  [KEY_DELETE] = 0x153,
  [KEY_LEFTMETA] = 0x15b,       /* Super, "Windows" */
  [KEY_RIGHTMETA] = 0x15c,
  [KEY_COMPOSE] = 0x15d,        /* Menu, "Application" */

  /* Pause: see HANGAR_KEYMAP_XT_PAUSE. */
  [KEY_PAUSE] = HANGAR_KEYMAP_XT_PAUSE,

  /* System and multimedia keys, also sent after e0. */
  [KEY_POWER] = 0x15e,
  [KEY_SLEEP] = 0x15f,
  [KEY_WAKEUP] = 0x163,
  [KEY_PREVIOUSSONG] = 0x110,
  [KEY_NEXTSONG] = 0x119,
  [KEY_MUTE] = 0x120,
  [KEY_CALC] = 0x121,
  [KEY_PLAYPAUSE] = 0x122,
  [KEY_STOPCD] = 0x124,
  [KEY_VOLUMEDOWN] = 0x12e,
  [KEY_VOLUMEUP] = 0x130,
  [KEY_HOMEPAGE] = 0x132,
  [KEY_SEARCH] = 0x165,
  [KEY_BOOKMARKS] = 0x166,
  [KEY_REFRESH] = 0x167,
  [KEY_STOP] = 0x168,
  [KEY_FORWARD] = 0x169,
  [KEY_BACK] = 0x16a,
  [KEY_COMPUTER] = 0x16b,
  [KEY_MAIL] = 0x16c,
  [KEY_MEDIA] = 0x16d,
};

unsigned
hangar_keymap_evdev_to_xt (unsigned evdev)
{
  if (evdev >= G_N_ELEMENTS (evdev_to_xt))
    return 0;

  return evdev_to_xt[evdev];
}

unsigned
hangar_keymap_hardware_to_xt (unsigned hardware_keycode)
{
  /* X11 and Wayland both number keys as the kernel does, plus 8, a
   * leftover of X11 reserving the codes below 8. */
  if (hardware_keycode < 8)
    return 0;

  return hangar_keymap_evdev_to_xt (hardware_keycode - 8);
}

unsigned
hangar_keymap_xt_to_qnum (unsigned xt)
{
  if (xt == HANGAR_KEYMAP_XT_PAUSE)
    return 0xc6;

  if (xt > 0 && xt < 0x80)
    return xt;

  /* e0 xx: the prefix becomes the high bit. */
  if ((xt & 0xff00) == 0x100 && (xt & 0xff) > 0 && (xt & 0xff) < 0x80)
    return 0x80 | (xt & 0x7f);

  return 0;
}

unsigned
hangar_keymap_combo_from_name (const char *name,
                               unsigned    codes[HANGAR_KEYMAP_MAX_COMBO])
{
  static const unsigned function_keys[] = {
    KEY_F1, KEY_F2, KEY_F3, KEY_F4, KEY_F5, KEY_F6,
    KEY_F7, KEY_F8, KEY_F9, KEY_F10, KEY_F11, KEY_F12,
  };
  unsigned last;

  g_return_val_if_fail (codes != NULL, 0);

  if (name == NULL)
    return 0;

  if (strcmp (name, "print") == 0)
    {
      codes[0] = hangar_keymap_evdev_to_xt (KEY_SYSRQ);
      return 1;
    }

  if (!g_str_has_prefix (name, "ctrl-alt-"))
    return 0;
  name += strlen ("ctrl-alt-");

  if (strcmp (name, "del") == 0)
    last = KEY_DELETE;
  else if (strcmp (name, "backspace") == 0)
    last = KEY_BACKSPACE;
  else if (name[0] == 'f' && g_ascii_isdigit (name[1]))
    {
      char *end = NULL;
      guint64 n = g_ascii_strtoull (name + 1, &end, 10);

      if (*end != '\0' || n < 1 || n > G_N_ELEMENTS (function_keys))
        return 0;
      last = function_keys[n - 1];
    }
  else
    return 0;

  codes[0] = hangar_keymap_evdev_to_xt (KEY_LEFTCTRL);
  codes[1] = hangar_keymap_evdev_to_xt (KEY_LEFTALT);
  codes[2] = hangar_keymap_evdev_to_xt (last);

  return 3;
}
