/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-resort-hold"

#include "config.h"

#include "seye-resort-hold.h"

void
seye_resort_hold_set_pointer (SeyeResortHold *hold,
                              gboolean        inside)
{
  hold->pointer_inside = !!inside;
}

void
seye_resort_hold_key_pressed (SeyeResortHold *hold,
                              gint64          now)
{
  hold->last_key = now;
}

gboolean
seye_resort_hold_must_wait (SeyeResortHold *hold,
                            gint64          now)
{
  gboolean busy = hold->pointer_inside ||
                  (hold->last_key != 0 && now - hold->last_key < SEYE_RESORT_HOLD_KEY_USEC);

  if (!busy)
    return FALSE;

  if (hold->waiting_since == 0)
    hold->waiting_since = now;

  /* Values that changed seconds ago would lie about the order: sort anyway. */
  return now - hold->waiting_since < SEYE_RESORT_HOLD_MAX_USEC;
}

void
seye_resort_hold_sorted (SeyeResortHold *hold)
{
  hold->waiting_since = 0;
}
