/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/*
 * SeyeTicker:
 *
 * Batches what many nodes change into one update of the window. Nodes answer their
 * polls spread over the interval; updating a row at each answer would draw (and lay
 * out the list) dozens of times a second with many nodes. Samples come once a second:
 * so do updates. Widgets mark themselves
 * dirty, call seye_ticker_request(), and update on the next "tick": at most one every
 * SEYE_TICKER_PERIOD_MS, at once when the last was that long ago, and none at all while
 * nothing changes.
 */
#define SEYE_TICKER_PERIOD_MS 1000

#define SEYE_TYPE_TICKER (seye_ticker_get_type ())
G_DECLARE_FINAL_TYPE (SeyeTicker, seye_ticker, SEYE, TICKER, GObject)

SeyeTicker *seye_ticker_get_default (void);
void        seye_ticker_request     (SeyeTicker *self);
void        seye_ticker_flush       (SeyeTicker *self);

G_END_DECLS
