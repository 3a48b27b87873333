/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-ticker"

#include "config.h"

#include "seye-ticker.h"

struct _SeyeTicker
{
  GObject  parent_instance;

  guint    source;
  gint64   last_tick_us;   /* monotonic */
};

enum {
  TICK,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (SeyeTicker, seye_ticker, G_TYPE_OBJECT)

static guint signals[N_SIGNALS];

static void
seye_ticker_finalize (GObject *object)
{
  SeyeTicker *self = SEYE_TICKER (object);

  g_clear_handle_id (&self->source, g_source_remove);

  G_OBJECT_CLASS (seye_ticker_parent_class)->finalize (object);
}

static void
seye_ticker_class_init (SeyeTickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = seye_ticker_finalize;

  /**
   * SeyeTicker::tick:
   *
   * Time to apply what changed since the last tick.
   */
  signals[TICK] =
    g_signal_new ("tick",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
seye_ticker_init (SeyeTicker *self)
{
}

SeyeTicker *
seye_ticker_get_default (void)
{
  static SeyeTicker *instance;

  if (instance == NULL)
    instance = g_object_new (SEYE_TYPE_TICKER, NULL);

  return instance;
}

static void
tick (SeyeTicker *self)
{
  self->last_tick_us = g_get_monotonic_time ();
  g_signal_emit (self, signals[TICK], 0);
}

static gboolean
tick_cb (gpointer data)
{
  SeyeTicker *self = data;

  self->source = 0;
  tick (self);

  return G_SOURCE_REMOVE;
}

void
seye_ticker_request (SeyeTicker *self)
{
  g_return_if_fail (SEYE_IS_TICKER (self));

  if (self->source == 0)
    {
      gint64 since_ms = (g_get_monotonic_time () - self->last_tick_us) / 1000;

      /* The monitor reads every node's stream in one go, once a second: the
       * changes of a round come at once, and are shown at once, in the same
       * wake-up. Changes that trickle in (nodes that are polled) wait for the
       * rest of the period. A tenth of it is slack for timers that fire early. */
      if (since_ms >= SEYE_TICKER_PERIOD_MS * 9 / 10)
        self->source = g_idle_add (tick_cb, self);
      else
        self->source = g_timeout_add (SEYE_TICKER_PERIOD_MS - since_ms, tick_cb, self);
      g_source_set_name_by_id (self->source, "[seye] ticker");
    }
}

/* Applies pending changes now (tests, and a freshly bound row). */
void
seye_ticker_flush (SeyeTicker *self)
{
  g_return_if_fail (SEYE_IS_TICKER (self));

  if (self->source != 0)
    {
      g_clear_handle_id (&self->source, g_source_remove);
      tick (self);
    }
}
