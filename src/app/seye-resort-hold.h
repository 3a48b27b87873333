/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * When the node list may sort itself again: not while the user is about to click a
 * row (the pointer over the list, or a key pressed in it in the last few seconds),
 * and yet never more than a few seconds late. Times are monotonic microseconds,
 * given by the caller: GTK-free, and a test drives the clock.
 */

#define SEYE_RESORT_HOLD_KEY_USEC (3 * G_USEC_PER_SEC)   /* a key press holds this long */
#define SEYE_RESORT_HOLD_MAX_USEC (5 * G_USEC_PER_SEC)   /* a wait never exceeds this */

typedef struct
{
  gboolean pointer_inside;
  gint64   last_key;       /* 0: none */
  gint64   waiting_since;  /* 0: no re-sort is waiting */
} SeyeResortHold;

void     seye_resort_hold_set_pointer (SeyeResortHold *hold,
                                       gboolean        inside);
void     seye_resort_hold_key_pressed (SeyeResortHold *hold,
                                       gint64          now);
/* A re-sort is due at @now: TRUE when it must wait (and the wait starts, or goes on). */
gboolean seye_resort_hold_must_wait   (SeyeResortHold *hold,
                                       gint64          now);
/* The list was sorted: the next wait starts from zero. */
void     seye_resort_hold_sorted      (SeyeResortHold *hold);

G_END_DECLS
