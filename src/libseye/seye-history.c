/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-history"

#include "config.h"

#include "seye-history.h"

struct _SeyeHistory
{
  SeyeSample **ring;
  guint        capacity;
  guint        head;      /* index of the oldest sample */
  guint        length;
};

/**
 * seye_history_new:
 * @capacity: how many samples to keep, at least 1
 *
 * Returns: (transfer full): an empty history.
 */
SeyeHistory *
seye_history_new (guint capacity)
{
  SeyeHistory *self = g_new0 (SeyeHistory, 1);

  self->capacity = MAX (capacity, 1);
  self->ring = g_new0 (SeyeSample *, self->capacity);

  return self;
}

void
seye_history_clear (SeyeHistory *self)
{
  g_return_if_fail (self != NULL);

  for (guint i = 0; i < self->length; i++)
    g_clear_pointer (&self->ring[(self->head + i) % self->capacity], seye_sample_unref);

  self->head = 0;
  self->length = 0;
}

void
seye_history_free (SeyeHistory *self)
{
  if (self == NULL)
    return;

  seye_history_clear (self);
  g_free (self->ring);
  g_free (self);
}

guint
seye_history_get_capacity (SeyeHistory *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->capacity;
}

/**
 * seye_history_set_capacity:
 *
 * Changes how many samples are kept; shrinking keeps the newest.
 */
void
seye_history_set_capacity (SeyeHistory *self,
                           guint        capacity)
{
  SeyeSample **ring;
  guint keep;
  guint drop;

  g_return_if_fail (self != NULL);

  capacity = MAX (capacity, 1);
  if (capacity == self->capacity)
    return;

  keep = MIN (self->length, capacity);
  drop = self->length - keep;
  ring = g_new0 (SeyeSample *, capacity);

  for (guint i = 0; i < self->length; i++)
    {
      SeyeSample *sample = self->ring[(self->head + i) % self->capacity];

      if (i < drop)
        seye_sample_unref (sample);
      else
        ring[i - drop] = sample;
    }

  g_free (self->ring);
  self->ring = ring;
  self->capacity = capacity;
  self->head = 0;
  self->length = keep;
}

guint
seye_history_get_length (SeyeHistory *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->length;
}

/**
 * seye_history_push:
 * @sample: (transfer none): a sample newer than the latest
 *
 * Returns: %TRUE if the sample was added, %FALSE if it was not newer than the latest.
 */
gboolean
seye_history_push (SeyeHistory *self,
                   SeyeSample  *sample)
{
  SeyeSample *latest;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (sample != NULL, FALSE);

  latest = seye_history_get_latest (self);
  if (latest != NULL && sample->time_ms <= latest->time_ms)
    return FALSE;

  if (self->length == self->capacity)
    {
      seye_sample_unref (self->ring[self->head]);
      self->ring[self->head] = seye_sample_ref (sample);
      self->head = (self->head + 1) % self->capacity;
    }
  else
    {
      self->ring[(self->head + self->length) % self->capacity] = seye_sample_ref (sample);
      self->length++;
    }

  return TRUE;
}

/**
 * seye_history_get:
 * @index: 0 for the oldest sample
 *
 * Returns: (transfer none) (nullable): the sample, or %NULL past the end.
 */
SeyeSample *
seye_history_get (SeyeHistory *self,
                  guint        index)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (index >= self->length)
    return NULL;

  return self->ring[(self->head + index) % self->capacity];
}

SeyeSample *
seye_history_get_latest (SeyeHistory *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (self->length == 0)
    return NULL;

  return seye_history_get (self, self->length - 1);
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

      if (seye_history_get (self, mid)->time_ms <= time_ms)
        lo = mid + 1;
      else
        hi = mid;
    }

  return lo;
}
