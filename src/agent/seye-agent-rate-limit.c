/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-agent"

#include "config.h"

#include <math.h>

#include "seye-agent-rate-limit.h"

/* Requests a second each client address may make (0: no limit), and how many
 * at once above it: a bucket per address holds up to burst tokens, refills at
 * rate tokens a second, and each request takes one. */
struct _SeyeAgentRateLimit
{
  GHashTable *buckets;   /* remote address -> Bucket */
  double      rate;      /* requests a second per address; 0: none */
  guint       burst;
};

typedef struct
{
  double tokens;
  gint64 updated_us;
} Bucket;

SeyeAgentRateLimit *
seye_agent_rate_limit_new (double rate,
                           guint  burst)
{
  SeyeAgentRateLimit *self = g_new0 (SeyeAgentRateLimit, 1);

  self->buckets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->rate = rate;
  self->burst = burst;

  return self;
}

void
seye_agent_rate_limit_free (SeyeAgentRateLimit *self)
{
  if (self == NULL)
    return;

  g_hash_table_unref (self->buckets);
  g_free (self);
}

double
seye_agent_rate_limit_get_rate (SeyeAgentRateLimit *self)
{
  return self->rate;
}

/* A new rate or burst starts every bucket afresh. Returns whether it changed. */
gboolean
seye_agent_rate_limit_set_rate (SeyeAgentRateLimit *self,
                                double              rate)
{
  if (self->rate == rate)
    return FALSE;

  self->rate = rate;
  g_hash_table_remove_all (self->buckets);

  return TRUE;
}

guint
seye_agent_rate_limit_get_burst (SeyeAgentRateLimit *self)
{
  return self->burst;
}

gboolean
seye_agent_rate_limit_set_burst (SeyeAgentRateLimit *self,
                                 guint               burst)
{
  if (self->burst == burst)
    return FALSE;

  self->burst = burst;
  g_hash_table_remove_all (self->buckets);

  return TRUE;
}

/* Takes a token from the client's bucket; FALSE with the seconds to wait when empty. */
gboolean
seye_agent_rate_limit_take (SeyeAgentRateLimit *self,
                            const char         *address,
                            guint              *retry_after)
{
  gint64 now = g_get_monotonic_time ();
  Bucket *bucket = g_hash_table_lookup (self->buckets, address);

  if (bucket == NULL)
    {
      bucket = g_new (Bucket, 1);
      bucket->tokens = self->burst;
      bucket->updated_us = now;
      g_hash_table_insert (self->buckets, g_strdup (address), bucket);
    }

  bucket->tokens = MIN ((double) self->burst,
                        bucket->tokens + (now - bucket->updated_us) / (double) G_USEC_PER_SEC * self->rate);
  bucket->updated_us = now;

  if (bucket->tokens >= 1.0)
    {
      bucket->tokens -= 1.0;
      return TRUE;
    }

  *retry_after = (guint) MAX (1.0, ceil ((1.0 - bucket->tokens) / self->rate));

  return FALSE;
}

/* Forgets buckets that have filled up again: they are as good as new. */
void
seye_agent_rate_limit_sweep (SeyeAgentRateLimit *self,
                             gint64              now)
{
  GHashTableIter iter;
  Bucket *bucket;

  g_hash_table_iter_init (&iter, self->buckets);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &bucket))
    if (bucket->tokens + (now - bucket->updated_us) / (double) G_USEC_PER_SEC * self->rate >=
        self->burst)
      g_hash_table_iter_remove (&iter);
}

