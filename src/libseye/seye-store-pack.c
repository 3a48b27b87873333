/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The packed form of raw samples: a run of one node's samples in one BLOB, column by
 * column, each number as the varint of its change (or of its change's change), with runs
 * of no change counted instead of written. */
#define G_LOG_DOMAIN "seye-store"

#include "config.h"

#include <math.h>
#include <string.h>

#include "seye-store-private.h"

/*
 * Layout (version 1), every integer a LEB128 varint unless said:
 *
 *   u8 version, n
 *   time         offsets from the row's start (ms)         a column
 *   interval_ms                                            a column
 *   parts                                                  a column
 *   n_cores                                                a column
 *   20 metrics   u8 presence (0 none, 1 all, 2 a bitmap of n bits follows), then a
 *                column of the present values
 *   cores        the busy bytes of every sample, one after another
 *
 * A column: u8 order (1 changes, 2 changes of changes), then tokens over the zigzagged
 * differences: a non-zero difference as itself, a run of zeros as 0 and the run's
 * length less one. Arithmetic is modulo 2^64: any int64 comes back as it went in.
 */

#define PACK_VERSION 1

static void
put_varint (GByteArray *out,
            guint64     v)
{
  guint8 buf[10];
  guint len = 0;

  do
    {
      buf[len] = (guint8) (v & 0x7f);
      v >>= 7;
      if (v != 0)
        buf[len] |= 0x80;
      len++;
    }
  while (v != 0);

  g_byte_array_append (out, buf, len);
}

static guint64
zigzag (guint64 v)
{
  return (v << 1) ^ (0 - (v >> 63));
}

static guint64
unzigzag (guint64 z)
{
  return (z >> 1) ^ (0 - (z & 1));
}

/* Differences of @order (1 or 2) of @values, zigzagged, as tokens. */
static void
put_column_order (GByteArray    *out,
                  const guint64 *values,
                  guint          n,
                  guint          order)
{
  guint64 prev = 0, prev_delta = 0;
  guint8 order_byte = (guint8) order;
  guint zeros = 0;

  g_byte_array_append (out, &order_byte, 1);
  for (guint i = 0; i < n; i++)
    {
      guint64 delta = values[i] - prev;
      guint64 z = zigzag (order == 1 || i == 0 ? delta : delta - prev_delta);

      prev = values[i];
      prev_delta = delta;
      if (z == 0)
        {
          zeros++;
          continue;
        }
      if (zeros > 0)
        {
          put_varint (out, 0);
          put_varint (out, zeros - 1);
          zeros = 0;
        }
      put_varint (out, z);
    }
  if (zeros > 0)
    {
      put_varint (out, 0);
      put_varint (out, zeros - 1);
    }
}

/* Encodes @n samples of one node, sorted by time: the row's start is the first one's. */
GBytes *
_seye_store_pack_encode (const RawSample *samples,
                         guint            n)
{
  g_autoptr (GByteArray) out = g_byte_array_new ();
  g_autoptr (GByteArray) a = g_byte_array_new ();
  g_autoptr (GByteArray) b = g_byte_array_new ();
  g_autofree guint64 *values = g_new (guint64, MAX (n, 1));
  guint8 version = PACK_VERSION;

  g_byte_array_append (out, &version, 1);
  put_varint (out, n);

  for (int c = -4; c < N_METRICS; c++)
    {
      guint k = 0;

      if (c >= 0)
        {
          guint present = 0;
          guint8 mode;

          for (guint i = 0; i < n; i++)
            present += (samples[i].has >> c) & 1;
          mode = present == 0 ? 0 : present == n ? 1 : 2;
          g_byte_array_append (out, &mode, 1);
          if (mode == 0)
            continue;
          if (mode == 2)
            {
              for (guint i = 0; i < n; i += 8)
                {
                  guint8 bits = 0;

                  for (guint j = i; j < MIN (i + 8, n); j++)
                    bits |= ((samples[j].has >> c) & 1) << (j - i);
                  g_byte_array_append (out, &bits, 1);
                }
            }
        }

      for (guint i = 0; i < n; i++)
        {
          const RawSample *s = &samples[i];

          switch (c)
            {
            case -4: values[k++] = (guint64) (s->time_ms - samples[0].time_ms); break;
            case -3: values[k++] = (guint64) s->interval_ms; break;
            case -2: values[k++] = (guint64) s->parts; break;
            case -1: values[k++] = s->n_cores; break;
            default:
              if ((s->has >> c) & 1)
                values[k++] = (guint64) s->values[c];
            }
        }

      /* Both orders; the shorter is kept. */
      g_byte_array_set_size (a, 0);
      g_byte_array_set_size (b, 0);
      put_column_order (a, values, k, 1);
      put_column_order (b, values, k, 2);
      if (a->len <= b->len)
        g_byte_array_append (out, a->data, a->len);
      else
        g_byte_array_append (out, b->data, b->len);
    }

  for (guint i = 0; i < n; i++)
    g_byte_array_append (out, samples[i].cores, samples[i].n_cores);

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/* Decoding ------------------------------------------------------------------ */

typedef struct
{
  const guint8 *p;
  const guint8 *end;
  gboolean      bad;
} Reader;

static guint64
get_varint (Reader *r)
{
  guint64 v = 0;

  for (guint shift = 0; shift < 64; shift += 7)
    {
      guint8 byte;

      if (r->p >= r->end)
        break;
      byte = *r->p++;
      v |= (guint64) (byte & 0x7f) << shift;
      if (!(byte & 0x80))
        return v;
    }

  r->bad = TRUE;
  return 0;
}

static guint8
get_byte (Reader *r)
{
  if (r->p >= r->end)
    {
      r->bad = TRUE;
      return 0;
    }

  return *r->p++;
}

/* Reads @n values of a column into @values. */
static void
get_column (Reader  *r,
            guint64 *values,
            guint    n)
{
  guint order = get_byte (r);
  guint64 prev = 0, prev_delta = 0;
  guint zeros = 0;

  if (order != 1 && order != 2)
    r->bad = TRUE;

  for (guint i = 0; i < n && !r->bad; i++)
    {
      guint64 z, delta;

      if (zeros > 0)
        {
          z = 0;
          zeros--;
        }
      else
        {
          z = get_varint (r);
          if (z == 0)
            {
              guint64 run = get_varint (r);

              if (run >= n - i)
                r->bad = TRUE;
              zeros = (guint) MIN (run, n);
            }
        }

      delta = order == 1 || i == 0 ? unzigzag (z) : unzigzag (z) + prev_delta;
      values[i] = prev + delta;
      prev = values[i];
      prev_delta = delta;
    }
}

/* The presence of metric @m in each of @n samples. */
static void
get_presence (Reader    *r,
              RawSample *samples,
              guint      n,
              Metric     m,
              guint     *k)
{
  guint8 mode = get_byte (r);

  *k = 0;
  if (mode == 1)
    {
      for (guint i = 0; i < n; i++)
        samples[i].has |= 1u << m;
      *k = n;
    }
  else if (mode == 2)
    {
      for (guint i = 0; i < n; i += 8)
        {
          guint8 bits = get_byte (r);

          for (guint j = i; j < MIN (i + 8, n); j++)
            if ((bits >> (j - i)) & 1)
              {
                samples[j].has |= 1u << m;
                (*k)++;
              }
        }
    }
  else if (mode != 0)
    {
      r->bad = TRUE;
    }
}

/* Decodes a row's samples, @start its first time, appending RawSamples to @out.
 * Returns: %FALSE when the BLOB is not one this code wrote (damage) */
gboolean
_seye_store_pack_decode (const guint8 *data,
                         gsize         len,
                         gint64        start,
                         GArray       *out)
{
  Reader r = { data, data + len, data == NULL };
  g_autofree guint64 *values = NULL;
  RawSample *samples;
  guint first = out->len;
  guint64 n;

  if (get_byte (&r) != PACK_VERSION)
    return FALSE;
  n = get_varint (&r);
  /* A row holds samples of one minute at distinct milliseconds. */
  if (r.bad || n == 0 || n > SEYE_STORE_ROLLUP_MS)
    return FALSE;

  g_array_set_size (out, first + (guint) n);
  samples = &g_array_index (out, RawSample, first);
  for (guint i = 0; i < n; i++)
    samples[i].has = 0;
  values = g_new (guint64, n);

  for (int c = -4; c < N_METRICS && !r.bad; c++)
    {
      guint k = (guint) n;

      if (c >= 0)
        get_presence (&r, samples, (guint) n, c, &k);
      if (k == 0)
        continue;
      get_column (&r, values, k);

      for (guint i = 0, j = 0; i < n && !r.bad; i++)
        {
          RawSample *s = &samples[i];

          switch (c)
            {
            case -4: s->time_ms = (gint64) ((guint64) start + values[i]); break;
            case -3: s->interval_ms = (gint64) values[i]; break;
            case -2: s->parts = (gint64) values[i]; break;
            case -1:
              if (values[i] > G_N_ELEMENTS (s->cores))
                r.bad = TRUE;
              else
                s->n_cores = (guint) values[i];
              break;
            default:
              if ((s->has >> c) & 1)
                s->values[c] = (gint64) values[j++];
            }
        }
    }

  for (guint i = 0; i < n && !r.bad; i++)
    {
      if ((gsize) (r.end - r.p) < samples[i].n_cores)
        r.bad = TRUE;
      else
        {
          memcpy (samples[i].cores, r.p, samples[i].n_cores);
          r.p += samples[i].n_cores;
        }
    }

  if (r.bad || r.p != r.end)
    {
      g_array_set_size (out, first);
      return FALSE;
    }

  return TRUE;
}

/* A sample as the "recent" table holds it: time, interval_ms, parts, cores, <metrics>
 * from column @col. */
void
_seye_store_raw_from_stmt (RawSample    *raw,
                           sqlite3_stmt *stmt,
                           int           col)
{
  const guint8 *blob;
  int len;

  /* Only what has says is there is read: the rest is left as it is. */
  raw->has = 0;
  raw->time_ms = sqlite3_column_int64 (stmt, col);
  raw->interval_ms = sqlite3_column_int64 (stmt, col + 1);
  raw->parts = sqlite3_column_int64 (stmt, col + 2);
  blob = sqlite3_column_blob (stmt, col + 3);
  len = sqlite3_column_bytes (stmt, col + 3);
  raw->n_cores = blob != NULL ? (guint) MIN (len, (int) G_N_ELEMENTS (raw->cores)) : 0;
  if (raw->n_cores > 0)
    memcpy (raw->cores, blob, raw->n_cores);

  for (guint m = 0; m < N_METRICS; m++)
    {
      if (sqlite3_column_type (stmt, col + 4 + (int) m) == SQLITE_NULL)
        continue;
      raw->values[m] = sqlite3_column_int64 (stmt, col + 4 + (int) m);
      raw->has |= 1u << m;
    }
}
