/* damage-count.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Counts the frames an X client shows: the damage events on its window
 * (XDamage, one event per batch of drawing, the damage taken back after
 * each), for the same measure of any client.
 *
 *   damage-count WINDOW-ID SECONDS
 *
 * prints "frames=N seconds=S".
 */

#include <stdio.h>
#include <stdlib.h>
#include <sys/select.h>
#include <time.h>

#include <X11/Xlib.h>
#include <X11/extensions/Xdamage.h>

static double
now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main (int   argc,
      char *argv[])
{
  Display *display;
  Window window;
  Damage damage;
  int event_base, error_base;
  double seconds, start, end;
  unsigned long frames = 0;

  if (argc != 3)
    {
      fprintf (stderr, "usage: %s WINDOW-ID SECONDS\n", argv[0]);
      return 2;
    }

  window = strtoul (argv[1], NULL, 0);
  seconds = atof (argv[2]);
  display = XOpenDisplay (NULL);
  if (display == NULL || !XDamageQueryExtension (display, &event_base, &error_base))
    {
      fprintf (stderr, "no X display with the DAMAGE extension\n");
      return 1;
    }

  damage = XDamageCreate (display, window, XDamageReportNonEmpty);
  XSync (display, False);

  start = now ();
  end = start + seconds;
  while (now () < end)
    {
      fd_set fds;
      struct timeval timeout = { 0, 10000 };

      while (XPending (display))
        {
          XEvent event;

          XNextEvent (display, &event);
          if (event.type == event_base + XDamageNotify)
            {
              frames++;
              /* Taken back at once: the next drawing is a new event. */
              XDamageSubtract (display, damage, None, None);
            }
        }

      FD_ZERO (&fds);
      FD_SET (ConnectionNumber (display), &fds);
      select (ConnectionNumber (display) + 1, &fds, NULL, NULL, &timeout);
    }

  printf ("frames=%lu seconds=%.3f\n", frames, now () - start);
  XDamageDestroy (display, damage);
  XCloseDisplay (display);

  return 0;
}
