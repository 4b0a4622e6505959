/* test-keymap.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <linux/input-event-codes.h>

#include "hangar-keymap.h"

typedef struct
{
  const char *name;
  unsigned    evdev;
  unsigned    xt;
} KnownKey;

#define KNOWN(key, code) { #key, key, code }

/* Codes checked against the PC set 1 tables, one per group of keys. */
static const KnownKey known_keys[] = {
  KNOWN (KEY_ESC, 0x01),
  KNOWN (KEY_1, 0x02),
  KNOWN (KEY_0, 0x0b),
  KNOWN (KEY_BACKSPACE, 0x0e),
  KNOWN (KEY_TAB, 0x0f),
  KNOWN (KEY_Q, 0x10),
  KNOWN (KEY_ENTER, 0x1c),
  KNOWN (KEY_LEFTCTRL, 0x1d),
  KNOWN (KEY_A, 0x1e),
  KNOWN (KEY_GRAVE, 0x29),
  KNOWN (KEY_LEFTSHIFT, 0x2a),
  KNOWN (KEY_BACKSLASH, 0x2b),
  KNOWN (KEY_Z, 0x2c),
  KNOWN (KEY_M, 0x32),
  KNOWN (KEY_SLASH, 0x35),
  KNOWN (KEY_RIGHTSHIFT, 0x36),
  KNOWN (KEY_KPASTERISK, 0x37),
  KNOWN (KEY_LEFTALT, 0x38),
  KNOWN (KEY_SPACE, 0x39),
  KNOWN (KEY_CAPSLOCK, 0x3a),
  KNOWN (KEY_F1, 0x3b),
  KNOWN (KEY_F10, 0x44),
  KNOWN (KEY_NUMLOCK, 0x45),
  KNOWN (KEY_SCROLLLOCK, 0x46),
  KNOWN (KEY_KP7, 0x47),
  KNOWN (KEY_KPMINUS, 0x4a),
  KNOWN (KEY_KPPLUS, 0x4e),
  KNOWN (KEY_KP0, 0x52),
  KNOWN (KEY_KPDOT, 0x53),
  KNOWN (KEY_102ND, 0x56),
  KNOWN (KEY_F11, 0x57),
  KNOWN (KEY_F12, 0x58),
  KNOWN (KEY_RO, 0x73),
  KNOWN (KEY_YEN, 0x7d),
  KNOWN (KEY_HENKAN, 0x79),
  KNOWN (KEY_MUHENKAN, 0x7b),
  KNOWN (KEY_KATAKANAHIRAGANA, 0x70),
  KNOWN (KEY_KPENTER, 0x11c),
  KNOWN (KEY_RIGHTCTRL, 0x11d),
  KNOWN (KEY_KPSLASH, 0x135),
  KNOWN (KEY_SYSRQ, 0x137),
  KNOWN (KEY_RIGHTALT, 0x138),
  KNOWN (KEY_HOME, 0x147),
  KNOWN (KEY_UP, 0x148),
  KNOWN (KEY_PAGEUP, 0x149),
  KNOWN (KEY_LEFT, 0x14b),
  KNOWN (KEY_RIGHT, 0x14d),
  KNOWN (KEY_END, 0x14f),
  KNOWN (KEY_DOWN, 0x150),
  KNOWN (KEY_PAGEDOWN, 0x151),
  KNOWN (KEY_INSERT, 0x152),
  KNOWN (KEY_DELETE, 0x153),
  KNOWN (KEY_LEFTMETA, 0x15b),
  KNOWN (KEY_RIGHTMETA, 0x15c),
  KNOWN (KEY_COMPOSE, 0x15d),
  KNOWN (KEY_MUTE, 0x120),
  KNOWN (KEY_VOLUMEDOWN, 0x12e),
  KNOWN (KEY_VOLUMEUP, 0x130),
  KNOWN (KEY_PLAYPAUSE, 0x122),
  KNOWN (KEY_NEXTSONG, 0x119),
  KNOWN (KEY_PREVIOUSSONG, 0x110),
  KNOWN (KEY_POWER, 0x15e),
  KNOWN (KEY_PAUSE, HANGAR_KEYMAP_XT_PAUSE),
};

/* The 105 keys of a pc105 (ISO) keyboard, by their Linux names. */
static const unsigned pc105_keys[] = {
  /* Function row */
  KEY_ESC, KEY_F1, KEY_F2, KEY_F3, KEY_F4, KEY_F5, KEY_F6, KEY_F7, KEY_F8,
  KEY_F9, KEY_F10, KEY_F11, KEY_F12, KEY_SYSRQ, KEY_SCROLLLOCK, KEY_PAUSE,
  /* Number row */
  KEY_GRAVE, KEY_1, KEY_2, KEY_3, KEY_4, KEY_5, KEY_6, KEY_7, KEY_8, KEY_9,
  KEY_0, KEY_MINUS, KEY_EQUAL, KEY_BACKSPACE,
  /* Top letter row */
  KEY_TAB, KEY_Q, KEY_W, KEY_E, KEY_R, KEY_T, KEY_Y, KEY_U, KEY_I, KEY_O,
  KEY_P, KEY_LEFTBRACE, KEY_RIGHTBRACE, KEY_ENTER,
  /* Home row, with the ISO key left of Enter */
  KEY_CAPSLOCK, KEY_A, KEY_S, KEY_D, KEY_F, KEY_G, KEY_H, KEY_J, KEY_K,
  KEY_L, KEY_SEMICOLON, KEY_APOSTROPHE, KEY_BACKSLASH,
  /* Bottom row, with the ISO key right of Left Shift */
  KEY_LEFTSHIFT, KEY_102ND, KEY_Z, KEY_X, KEY_C, KEY_V, KEY_B, KEY_N,
  KEY_M, KEY_COMMA, KEY_DOT, KEY_SLASH, KEY_RIGHTSHIFT,
  /* Space row */
  KEY_LEFTCTRL, KEY_LEFTMETA, KEY_LEFTALT, KEY_SPACE, KEY_RIGHTALT,
  KEY_RIGHTMETA, KEY_COMPOSE, KEY_RIGHTCTRL,
  /* Editing block and arrows */
  KEY_INSERT, KEY_HOME, KEY_PAGEUP, KEY_DELETE, KEY_END, KEY_PAGEDOWN,
  KEY_UP, KEY_LEFT, KEY_DOWN, KEY_RIGHT,
  /* Keypad */
  KEY_NUMLOCK, KEY_KPSLASH, KEY_KPASTERISK, KEY_KPMINUS,
  KEY_KP7, KEY_KP8, KEY_KP9, KEY_KPPLUS,
  KEY_KP4, KEY_KP5, KEY_KP6,
  KEY_KP1, KEY_KP2, KEY_KP3, KEY_KPENTER,
  KEY_KP0, KEY_KPDOT,
};

static void
test_known_codes (void)
{
  for (unsigned i = 0; i < G_N_ELEMENTS (known_keys); i++)
    {
      const KnownKey *key = &known_keys[i];
      unsigned xt = hangar_keymap_evdev_to_xt (key->evdev);

      if (xt != key->xt)
        g_test_message ("%s: expected 0x%x, got 0x%x", key->name, key->xt, xt);
      g_assert_cmphex (xt, ==, key->xt);
    }
}

static void
test_hardware_keycodes (void)
{
  /* X11 keycode 9 is Escape, 36 Return, 104 KP_Enter, 111 Up. */
  g_assert_cmphex (hangar_keymap_hardware_to_xt (9), ==, 0x01);
  g_assert_cmphex (hangar_keymap_hardware_to_xt (36), ==, 0x1c);
  g_assert_cmphex (hangar_keymap_hardware_to_xt (104), ==, 0x11c);
  g_assert_cmphex (hangar_keymap_hardware_to_xt (111), ==, 0x148);

  for (unsigned i = 0; i < 8; i++)
    g_assert_cmphex (hangar_keymap_hardware_to_xt (i), ==, 0);
}

static void
test_out_of_range (void)
{
  g_assert_cmphex (hangar_keymap_evdev_to_xt (KEY_RESERVED), ==, 0);
  g_assert_cmphex (hangar_keymap_evdev_to_xt (KEY_MAX), ==, 0);
  g_assert_cmphex (hangar_keymap_evdev_to_xt (KEY_CNT), ==, 0);
  g_assert_cmphex (hangar_keymap_evdev_to_xt (G_MAXUINT), ==, 0);
  g_assert_cmphex (hangar_keymap_hardware_to_xt (G_MAXUINT), ==, 0);

  /* Korean keys send codes with the break bit set, which SPICE cannot
   * carry: better nothing than a wrong key. */
  g_assert_cmphex (hangar_keymap_evdev_to_xt (KEY_HANGEUL), ==, 0);
  g_assert_cmphex (hangar_keymap_evdev_to_xt (KEY_HANJA), ==, 0);
}

static void
test_codes_well_formed (void)
{
  for (unsigned evdev = 0; evdev < KEY_CNT; evdev++)
    {
      unsigned xt = hangar_keymap_evdev_to_xt (evdev);

      if (xt == 0 || xt == HANGAR_KEYMAP_XT_PAUSE)
        continue;

      /* Either a plain make code or an e0-prefixed one: the break bit is
       * never part of a make code. */
      g_assert_cmphex (xt & 0x80, ==, 0);
      g_assert_cmphex (xt & ~0x17fu, ==, 0);
    }
}

static void
test_no_duplicates (void)
{
  unsigned owner[0x400] = { 0 };

  for (unsigned evdev = 1; evdev < KEY_CNT; evdev++)
    {
      unsigned xt = hangar_keymap_evdev_to_xt (evdev);

      if (xt == 0)
        continue;

      g_assert_cmpuint (xt, <, G_N_ELEMENTS (owner));
      if (owner[xt] != 0)
        g_test_message ("scancode 0x%x for both key %u and key %u",
                        xt, owner[xt], evdev);
      g_assert_cmpuint (owner[xt], ==, 0);
      owner[xt] = evdev;
    }
}

static void
test_pc105_complete (void)
{
  unsigned seen[KEY_CNT] = { 0 };

  g_assert_cmpuint (G_N_ELEMENTS (pc105_keys), ==, 105);

  for (unsigned i = 0; i < G_N_ELEMENTS (pc105_keys); i++)
    {
      unsigned evdev = pc105_keys[i];

      /* The list itself names each key once. */
      g_assert_cmpuint (seen[evdev], ==, 0);
      seen[evdev] = 1;

      if (hangar_keymap_evdev_to_xt (evdev) == 0)
        g_test_message ("pc105 key %u has no scancode", evdev);
      g_assert_cmphex (hangar_keymap_evdev_to_xt (evdev), !=, 0);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/hangar/keymap/known-codes", test_known_codes);
  g_test_add_func ("/hangar/keymap/hardware-keycodes", test_hardware_keycodes);
  g_test_add_func ("/hangar/keymap/out-of-range", test_out_of_range);
  g_test_add_func ("/hangar/keymap/well-formed", test_codes_well_formed);
  g_test_add_func ("/hangar/keymap/no-duplicates", test_no_duplicates);
  g_test_add_func ("/hangar/keymap/pc105-complete", test_pc105_complete);

  return g_test_run ();
}
