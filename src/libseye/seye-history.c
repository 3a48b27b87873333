/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-history"

#include "config.h"

#include <math.h>
#include <string.h>

#include "seye-history.h"

/* Percentages as 1/600 of a percent in 16 bits (0..60000), the rest as floats. */
#define PERCENT_SCALE   600.0
#define PERCENT_MAX     60000
#define PERCENT_UNKNOWN G_MAXUINT16
#define N_PERCENTS      6       /* SEYE_SERIES_CPU_BUSY .. SEYE_SERIES_SWAP */
#define N_FLOATS        (SEYE_N_SERIES - N_PERCENTS)

G_STATIC_ASSERT (SEYE_SERIES_SWAP == N_PERCENTS - 1);

/*
 * One slot a sample, in parallel arrays: times[slot], percents[slot * N_PERCENTS + k],
 * floats[slot * N_FLOATS + k], cores[slot * n_cores + c]. The storage is sized for the
 * window at the interval given and grows (by half) when samples come closer together,
 * up to one per SEYE_HISTORY_MIN_SPACING_MS over the window.
 */
struct _SeyeHistory
{
  gint64   window_ms;
  guint    window_seconds;
  guint    hint;           /* slots to start with */
  guint    max_capacity;
  guint    capacity;       /* slots allocated; 0 until the first sample */
  guint    head;           /* slot of the oldest sample */
  guint    length;
  guint    n_cores;
  gint64  *times;
  guint16 *percents;
  float   *floats;
  guint16 *cores;
};

/* Series ------------------------------------------------------------------- */

gboolean
seye_series_is_percent (SeyeSeries series)
{
  return (guint) series < N_PERCENTS;
}

void
seye_series_from_sample (const SeyeSample *sample,
                         double            row[SEYE_N_SERIES])
{
  gboolean cpu = (sample->parts & SEYE_SAMPLE_CPU) != 0;
  gboolean memory = (sample->parts & SEYE_SAMPLE_MEMORY) != 0;
  gboolean load = (sample->parts & SEYE_SAMPLE_LOAD) != 0;
  gboolean net = (sample->parts & SEYE_SAMPLE_NETWORK) != 0;
  gboolean disk = (sample->parts & SEYE_SAMPLE_DISK) != 0;

  row[SEYE_SERIES_CPU_BUSY] = cpu ? sample->cpu.busy : NAN;
  row[SEYE_SERIES_CPU_USER] = cpu ? sample->cpu.user : NAN;
  row[SEYE_SERIES_CPU_SYSTEM] = cpu ? sample->cpu.system : NAN;
  row[SEYE_SERIES_CPU_IOWAIT] = cpu ? sample->cpu.iowait : NAN;
  row[SEYE_SERIES_MEMORY] = memory && sample->memory.total > 0 ? seye_sample_get_memory_percent (sample) : NAN;
  row[SEYE_SERIES_SWAP] = memory && sample->memory.swap_total > 0 ? seye_sample_get_swap_percent (sample) : NAN;
  row[SEYE_SERIES_LOAD1] = load ? sample->load[0] : NAN;
  row[SEYE_SERIES_LOAD5] = load ? sample->load[1] : NAN;
  row[SEYE_SERIES_LOAD15] = load ? sample->load[2] : NAN;
  row[SEYE_SERIES_NET_RX] = net ? sample->net_rx_bytes_per_sec : NAN;
  row[SEYE_SERIES_NET_TX] = net ? sample->net_tx_bytes_per_sec : NAN;
  row[SEYE_SERIES_DISK_READ] = disk ? sample->disk_read_bytes_per_sec : NAN;
  row[SEYE_SERIES_DISK_WRITE] = disk ? sample->disk_write_bytes_per_sec : NAN;
}

static guint16
percent_encode (double value)
{
  if (!isfinite (value))
    return PERCENT_UNKNOWN;

  return (guint16) lround (CLAMP (value, 0.0, 100.0) * PERCENT_SCALE);
}

static double
percent_decode (guint16 value)
{
  return value == PERCENT_UNKNOWN ? NAN : value / PERCENT_SCALE;
}

/* The ring ------------------------------------------------------------------ */

/**
 * seye_history_new:
 * @window_seconds: how far back from the newest sample to keep, at least 1 s
 * @interval: the seconds expected between samples, to size the storage (it grows
 *   when samples come closer together)
 *
 * Returns: (transfer full): an empty history.
 */
SeyeHistory *
seye_history_new (guint  window_seconds,
                  double interval)
{
  SeyeHistory *self = g_new0 (SeyeHistory, 1);
  double spacing = SEYE_HISTORY_MIN_SPACING_MS / 1000.0;

  self->window_seconds = MAX (window_seconds, 1);
  self->window_ms = (gint64) self->window_seconds * 1000;
  self->max_capacity = (guint) (self->window_ms / SEYE_HISTORY_MIN_SPACING_MS) + 1;
  interval = isfinite (interval) && interval > spacing ? interval : spacing;
  self->hint = MIN ((guint) ceil (self->window_seconds / interval) + 1, self->max_capacity);

  return self;
}

void
seye_history_clear (SeyeHistory *self)
{
  g_return_if_fail (self != NULL);

  g_clear_pointer (&self->times, g_free);
  g_clear_pointer (&self->percents, g_free);
  g_clear_pointer (&self->floats, g_free);
  g_clear_pointer (&self->cores, g_free);
  self->capacity = 0;
  self->head = 0;
  self->length = 0;
  self->n_cores = 0;
}

void
seye_history_free (SeyeHistory *self)
{
  if (self == NULL)
    return;

  seye_history_clear (self);
  g_free (self);
}

guint
seye_history_get_window (SeyeHistory *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->window_seconds;
}

guint
seye_history_get_length (SeyeHistory *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->length;
}

/* Slots allocated: at most one per SEYE_HISTORY_MIN_SPACING_MS of the window, and one. */
guint
seye_history_get_capacity (SeyeHistory *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->capacity;
}

/* Bytes held for the samples (the ring's own struct aside). */
gsize
seye_history_get_size (SeyeHistory *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return (gsize) self->capacity * (sizeof (gint64) + N_PERCENTS * sizeof (guint16) +
                                   N_FLOATS * sizeof (float) + self->n_cores * sizeof (guint16));
}

static inline guint
slot_of (SeyeHistory *self,
         guint        index)
{
  return (self->head + index) % self->capacity;
}

/* Moves the samples into storage of @capacity slots for @n_cores cores, oldest at slot 0;
 * the values of cores past the old count are unknown. @capacity >= the length. */
static void
resize (SeyeHistory *self,
        guint        capacity,
        guint        n_cores)
{
  gint64 *times = g_new (gint64, capacity);
  guint16 *percents = g_new (guint16, (gsize) capacity * N_PERCENTS);
  float *floats = g_new (float, (gsize) capacity * N_FLOATS);
  guint16 *cores = n_cores > 0 ? g_new (guint16, (gsize) capacity * n_cores) : NULL;
  guint kept = MIN (n_cores, self->n_cores);

  for (guint i = 0; i < self->length; i++)
    {
      guint from = slot_of (self, i);

      times[i] = self->times[from];
      memcpy (percents + (gsize) i * N_PERCENTS, self->percents + (gsize) from * N_PERCENTS,
              N_PERCENTS * sizeof (guint16));
      memcpy (floats + (gsize) i * N_FLOATS, self->floats + (gsize) from * N_FLOATS,
              N_FLOATS * sizeof (float));
      for (guint c = 0; c < n_cores; c++)
        cores[(gsize) i * n_cores + c] = c < kept ? self->cores[(gsize) from * self->n_cores + c]
                                                  : PERCENT_UNKNOWN;
    }

  g_free (self->times);
  g_free (self->percents);
  g_free (self->floats);
  g_free (self->cores);
  self->times = times;
  self->percents = percents;
  self->floats = floats;
  self->cores = cores;
  self->capacity = capacity;
  self->n_cores = n_cores;
  self->head = 0;
}

/* Drops the samples that fell out of the window of a sample at @time_ms. */
static void
drop_older (SeyeHistory *self,
            gint64       time_ms)
{
  while (self->length > 0 && self->times[self->head] <= time_ms - self->window_ms)
    {
      self->head = (self->head + 1) % self->capacity;
      self->length--;
    }
}

/* A free slot at the end: grows the storage while it may, else drops the oldest. */
static guint
make_room (SeyeHistory *self,
           guint        n_cores)
{
  guint capacity = self->capacity;

  if (capacity == 0)
    capacity = self->hint;
  else if (self->length == capacity && capacity < self->max_capacity)
    capacity = MIN (self->max_capacity, capacity + MAX (capacity / 2, 1));

  if (capacity != self->capacity || n_cores != self->n_cores)
    resize (self, capacity, n_cores);

  if (self->length == self->capacity)
    {
      self->head = (self->head + 1) % self->capacity;
      self->length--;
    }

  return slot_of (self, self->length);
}

/* Writes the series of @sample into @slot; its cores for the history's cores, the
 * others unknown. */
static void
store (SeyeHistory      *self,
       guint             slot,
       const SeyeSample *sample)
{
  gboolean has_cores = (sample->parts & SEYE_SAMPLE_CPU) && sample->cores != NULL;
  guint n_cores = has_cores ? MIN (sample->cores->len, self->n_cores) : 0;
  double row[SEYE_N_SERIES];

  seye_series_from_sample (sample, row);
  self->times[slot] = sample->time_ms;
  for (guint k = 0; k < N_PERCENTS; k++)
    self->percents[(gsize) slot * N_PERCENTS + k] = percent_encode (row[k]);
  for (guint k = 0; k < N_FLOATS; k++)
    self->floats[(gsize) slot * N_FLOATS + k] = (float) row[N_PERCENTS + k];
  for (guint c = 0; c < self->n_cores; c++)
    self->cores[(gsize) slot * self->n_cores + c] =
      c < n_cores ? percent_encode (g_array_index (sample->cores, SeyeCpuStat, c).busy) : PERCENT_UNKNOWN;
}

/**
 * seye_history_push:
 * @sample: (transfer none): a sample newer than the latest
 *
 * Keeps the series of @sample, and forgets the samples that are now older than the
 * window.
 *
 * Returns: %TRUE if the sample was added, %FALSE if it was not newer than the latest.
 */
gboolean
seye_history_push (SeyeHistory      *self,
                   const SeyeSample *sample)
{
  gboolean has_cores;
  guint n_cores;
  guint slot;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (sample != NULL, FALSE);

  if (self->length > 0 && sample->time_ms <= seye_history_get_latest_time (self))
    return FALSE;

  has_cores = (sample->parts & SEYE_SAMPLE_CPU) && sample->cores != NULL && sample->cores->len > 0;
  n_cores = has_cores ? MIN (sample->cores->len, SEYE_MAX_CORES) : self->n_cores;

  if (self->length > 0)
    drop_older (self, sample->time_ms);
  slot = make_room (self, n_cores);

  store (self, slot, sample);
  self->length++;

  return TRUE;
}

/**
 * seye_history_push_older:
 * @sample: (transfer none): a sample older than the oldest held
 *
 * Keeps the series of @sample before the others: what a source that keeps its
 * own history (a Prometheus server) knew before the first sample came. Its
 * cores are kept for the cores the newer samples have; a history that is full
 * (at its largest) keeps what it has. Into an empty history it goes as
 * seye_history_push() puts it.
 *
 * Returns: %TRUE if the sample was added, %FALSE if it was not older than the
 *   oldest, fell out of the window of the newest, or there was no room.
 */
gboolean
seye_history_push_older (SeyeHistory      *self,
                         const SeyeSample *sample)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (sample != NULL, FALSE);

  if (self->length == 0)
    return seye_history_push (self, sample);

  if (sample->time_ms >= seye_history_get_time (self, 0) ||
      sample->time_ms <= seye_history_get_latest_time (self) - self->window_ms)
    return FALSE;

  if (self->length == self->capacity)
    {
      if (self->capacity >= self->max_capacity)
        return FALSE;
      resize (self, MIN (self->max_capacity, self->capacity + MAX (self->capacity / 2, 1)), self->n_cores);
    }

  self->head = (self->head + self->capacity - 1) % self->capacity;
  store (self, self->head, sample);
  self->length++;

  return TRUE;
}

/* Reading ------------------------------------------------------------------ */

/**
 * seye_history_get_time:
 * @index: 0 for the oldest sample, below the length
 *
 * Returns: the sample's time, Unix ms.
 */
gint64
seye_history_get_time (SeyeHistory *self,
                       guint        index)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (index < self->length, 0);

  return self->times[slot_of (self, index)];
}

/* The newest sample's time; 0 when there is none. */
gint64
seye_history_get_latest_time (SeyeHistory *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->length > 0 ? self->times[slot_of (self, self->length - 1)] : 0;
}

/**
 * seye_history_get_value:
 * @index: 0 for the oldest sample, below the length
 *
 * Returns: the value of @series at that sample, NAN when the sample had none.
 */
double
seye_history_get_value (SeyeHistory *self,
                        guint        index,
                        SeyeSeries   series)
{
  guint slot;

  g_return_val_if_fail (self != NULL, NAN);
  g_return_val_if_fail (index < self->length, NAN);
  g_return_val_if_fail ((guint) series < SEYE_N_SERIES, NAN);

  slot = slot_of (self, index);
  if (seye_series_is_percent (series))
    return percent_decode (self->percents[(gsize) slot * N_PERCENTS + series]);

  return self->floats[(gsize) slot * N_FLOATS + (series - N_PERCENTS)];
}

/* Every series at sample @index, as seye_series_from_sample() has them (to the precision kept). */
void
seye_history_get_row (SeyeHistory *self,
                      guint        index,
                      double       row[SEYE_N_SERIES])
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (index < self->length);

  for (guint k = 0; k < SEYE_N_SERIES; k++)
    row[k] = seye_history_get_value (self, index, k);
}

/* How many cores the newest samples had (0 before any sample with cores). */
guint
seye_history_get_n_cores (SeyeHistory *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_cores;
}

/**
 * seye_history_get_core:
 * @index: 0 for the oldest sample, below the length
 * @core: below seye_history_get_n_cores()
 *
 * Returns: the core's busy percentage at that sample, NAN when unknown.
 */
double
seye_history_get_core (SeyeHistory *self,
                       guint        index,
                       guint        core)
{
  g_return_val_if_fail (self != NULL, NAN);
  g_return_val_if_fail (index < self->length, NAN);

  if (core >= self->n_cores)
    return NAN;

  return percent_decode (self->cores[(gsize) slot_of (self, index) * self->n_cores + core]);
}

/**
 * seye_history_find_after:
 * @time_ms: Unix time in milliseconds
 *
 * Returns: the index of the first sample strictly newer than @time_ms, or the
 *   length when there is none (binary search: samples are in time order).
 */
guint
seye_history_find_after (SeyeHistory *self,
                         gint64       time_ms)
{
  guint lo = 0;
  guint hi;

  g_return_val_if_fail (self != NULL, 0);

  hi = self->length;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (seye_history_get_time (self, mid) <= time_ms)
        lo = mid + 1;
      else
        hi = mid;
    }

  return lo;
}
