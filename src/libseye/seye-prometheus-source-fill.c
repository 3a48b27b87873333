/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-prometheus-source"

#include "config.h"

#include <math.h>

#include "seye-clock.h"
#include "seye-history.h"
#include "seye-prometheus-source-private.h"

/*
 * A new node's recent history, from the server: what its live graphs show
 * (SEYE_HISTORY_LIVE_SECONDS back from now, at the scrape interval's step), so
 * that they are drawn whole at once instead of one point per scrape. Each node
 * is filled once, when it is first seen; its samples go in before its first live
 * one (_seye_node_fill_history()), so the live samples that came meanwhile stay
 * and nothing is ever emptied.
 *
 * The cost on the server stays bounded, and a refresh asks nothing more:
 * - new nodes are filled in batches, one query_range for many instances
 *   (instance=~"a|b|…", the same series as a range of one node: the graphs' and
 *   the list's, never the cores'), and one batch at a time. A thousand new
 *   nodes are ten queries one after the other at a 15 s scrape interval, not a
 *   thousand at once; one at a time also keeps the fill to one connection.
 * - a batch is as large as keeps its answer near a quarter of
 *   SEYE_PROMETHEUS_MAX_ANSWER (each point counted at its longest): a finer
 *   step means more points a node, fewer nodes a batch.
 * - what fails (an error, a timeout, an answer too large) is not asked again:
 *   those nodes fill live, as before. Instances gone before their turn are skipped.
 *
 * Per-core series are not asked for (a 256-core node would be 256 series): the
 * cores' graph fills live.
 */

#define FILL_ANSWER_BUDGET (SEYE_PROMETHEUS_MAX_ANSWER / 4)
#define FILL_POINT_BYTES   48     /* [1733440000.123,"12.345678901234567"], */
#define FILL_SERIES_BYTES  256    /* {"metric":{…},"values":[…]}, with a long instance */
#define FILL_MAX_BATCH     100    /* instances in one query (its regex stays a few KiB) */

typedef struct
{
  SeyePrometheusSource *self;
  GCancellable         *cancellable;
  GHashTable           *wanted;       /* the batch's instances */
  double                step_s;
  guint                 max_rows;     /* times an instance can have */
} Fill;

static void
fill_free (Fill *fill)
{
  g_object_unref (fill->cancellable);
  g_hash_table_unref (fill->wanted);
  g_object_unref (fill->self);
  g_free (fill);
}

/* How many nodes one query may fill, for @points a series. */
static guint
batch_size (guint points)
{
  gsize per_node = (gsize) _seye_prom_range_n_series () * ((gsize) points * FILL_POINT_BYTES + FILL_SERIES_BYTES);

  return (guint) CLAMP (FILL_ANSWER_BUDGET / MAX (per_node, 1), 1, FILL_MAX_BATCH);
}

/* instance=~"a|b|…", each instance a literal (every ASCII character that is not a
 * letter or digit escaped, as RE2 allows), the whole a PromQL string. */
static char *
batch_matcher (GHashTable *instances)
{
  g_autoptr (GString) regex = g_string_new (NULL);
  GString *matcher = g_string_new ("instance=~");
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, instances);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      if (regex->len > 0)
        g_string_append_c (regex, '|');
      for (const char *p = key; *p != '\0'; p++)
        {
          if ((guchar) *p < 0x80 && !g_ascii_isalnum (*p))
            g_string_append_c (regex, '\\');
          g_string_append_c (regex, *p);
        }
    }
  _seye_prom_append_string (matcher, regex->str);

  return g_string_free (matcher, FALSE);
}

static void
fill_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      data)
{
  Fill *fill = data;
  SeyePrometheusSource *self = fill->self;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) answer = _seye_prometheus_source_request_finish (self, result, NULL, &error);
  g_autoptr (GHashTable) samples = NULL;
  GHashTableIter iter;
  gpointer key;
  gpointer value;

  /* Stopped: its nodes fill live. */
  if (g_cancellable_is_cancelled (fill->cancellable))
    {
      fill_free (fill);
      return;
    }
  g_clear_object (&self->fill_cancellable);

  if (answer != NULL)
    samples = _seye_prom_range_samples (answer, fill->wanted, fill->max_rows, fill->step_s, &error);

  if (samples == NULL)
    g_debug ("Prometheus at %s: the recent history of %u new nodes was not read, their graphs fill live: %s",
             self->url, g_hash_table_size (fill->wanted), error->message);
  else
    {
      g_hash_table_iter_init (&iter, samples);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          SeyeNode *node = g_hash_table_lookup (self->nodes, key);

          if (node != NULL)
            _seye_node_fill_history (node, value);
        }
    }

  fill_free (fill);
  _seye_prometheus_source_fill (self);
}

/**
 * _seye_prometheus_source_fill_later:
 *
 * Puts a new node's instance in line for its recent history (a line as long as
 * the nodes a source can have: a node past that fills live), unless the source
 * was told not to (seye_source_set_fetch_history(): a one-shot listing).
 */
void
_seye_prometheus_source_fill_later (SeyePrometheusSource *self,
                                    const char           *instance)
{
  if (self->fetch_history && g_queue_get_length (self->unfilled) < SEYE_PROMETHEUS_MAX_NODES)
    g_queue_push_tail (self->unfilled, g_strdup (instance));
}

/**
 * _seye_prometheus_source_fill:
 *
 * Asks for the recent history of the next batch of new nodes, unless a batch
 * is under way (its answer asks for the next) or the source is stopped.
 */
void
_seye_prometheus_source_fill (SeyePrometheusSource *self)
{
  g_autoptr (GHashTable) params = NULL;
  g_autoptr (GHashTable) wanted = NULL;
  double step_s = ceil (MAX (self->scrape_interval, 1.0));
  guint points = (guint) (SEYE_HISTORY_LIVE_SECONDS / step_s) + 1;
  guint size = batch_size (points);
  gint64 end_ms = seye_clock_get_real_ms ();
  g_autofree char *matcher = NULL;
  char *instance;
  Fill *fill;

  if (!self->started || self->fill_cancellable != NULL || g_queue_is_empty (self->unfilled))
    return;

  params = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  wanted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  while (g_hash_table_size (wanted) < size && (instance = g_queue_pop_head (self->unfilled)) != NULL)
    {
      if (g_hash_table_contains (self->nodes, instance))
        g_hash_table_add (wanted, instance);
      else
        g_free (instance);
    }
  if (g_hash_table_size (wanted) == 0)
    return;

  matcher = batch_matcher (wanted);
  g_hash_table_insert (params, (char *) "query",
                       _seye_prom_range_query (matcher, _seye_prometheus_source_rate_window (self)));
  g_hash_table_insert (params, (char *) "start",
                       _seye_prom_seconds_text (end_ms - SEYE_HISTORY_LIVE_SECONDS * 1000));
  g_hash_table_insert (params, (char *) "end", _seye_prom_seconds_text (end_ms));
  g_hash_table_insert (params, (char *) "step", g_strdup_printf ("%.0f", step_s));

  self->fills_sent++;
  self->fill_cancellable = g_cancellable_new ();

  fill = g_new0 (Fill, 1);
  fill->self = g_object_ref (self);
  fill->cancellable = g_object_ref (self->fill_cancellable);
  fill->wanted = g_steal_pointer (&wanted);
  fill->step_s = step_s;
  fill->max_rows = points + 1;

  g_debug ("Prometheus at %s: reading the recent history of %u new nodes", self->url,
           g_hash_table_size (fill->wanted));
  _seye_prometheus_source_request (self, "/api/v1/query_range", params, fill->cancellable, fill_cb, fill);
}
