/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-agent"

#include "config.h"

#include <zlib.h>

#include "seye-agent-history.h"

/* A sample of the history as it is served: its time and its JSON. The decoded
 * sample is kept only for the latest one (for /metrics), which saves the
 * agent some 4 KB per sample of history. */
typedef struct
{
  gint64  time_ms;
  GBytes *json;
} Encoded;

static void
encoded_free (Encoded *encoded)
{
  g_bytes_unref (encoded->json);
  g_free (encoded);
}

/* HISTORY_BLOCK samples of the history, deflated together. A machine's samples
 * differ little from one second to the next: a block takes some 25 to 150 bytes a
 * sample instead of about 900 bytes of JSON and 100 of bookkeeping, which keeps
 * 15 minutes of history in some 100 KB instead of 900 KB. /v1/history (a client's
 * first contact) inflates the blocks it serves again. */
#define HISTORY_BLOCK 60

typedef struct
{
  gint64   time_ms[HISTORY_BLOCK];
  guint32  end[HISTORY_BLOCK];   /* where each sample's JSON ends in the inflated block */
  GBytes  *deflated;
} Block;

struct _SeyeAgentHistory
{
  GQueue  recent;         /* Encoded, oldest first: the newest samples */
  GQueue  blocks;         /* Block, oldest first: the older ones, deflated */
  guint   length;         /* how many samples to keep, at least */
  gint64  last_time_ms;   /* of the newest sample */
};

/* Blocks are shared with the /v1/history answers still being written. */
static void
block_clear (Block *block)
{
  g_bytes_unref (block->deflated);
}

static void
block_free (Block *block)
{
  g_rc_box_release_full (block, (GDestroyNotify) block_clear);
}

SeyeAgentHistory *
seye_agent_history_new (guint length)
{
  SeyeAgentHistory *self = g_new0 (SeyeAgentHistory, 1);

  self->length = length;

  return self;
}

void
seye_agent_history_free (SeyeAgentHistory *self)
{
  if (self == NULL)
    return;

  seye_agent_history_clear (self);
  g_free (self);
}

void
seye_agent_history_clear (SeyeAgentHistory *self)
{
  g_queue_clear_full (&self->recent, (GDestroyNotify) encoded_free);
  g_queue_clear_full (&self->blocks, (GDestroyNotify) block_free);
}

gint64
seye_agent_history_get_last_time_ms (SeyeAgentHistory *self)
{
  return self->last_time_ms;
}

/* Deflates the oldest HISTORY_BLOCK samples of the newest ones into a block. */
static void
close_block (SeyeAgentHistory *self)
{
  g_autoptr (GString) raw = g_string_sized_new (HISTORY_BLOCK * 1024);
  Block *block = g_rc_box_new0 (Block);
  uLongf size;
  Bytef *out;
  int status;

  for (guint i = 0; i < HISTORY_BLOCK; i++)
    {
      Encoded *encoded = g_queue_pop_head (&self->recent);
      gsize length;
      const char *data = g_bytes_get_data (encoded->json, &length);

      g_string_append_len (raw, data, length);
      block->time_ms[i] = encoded->time_ms;
      block->end[i] = raw->len;
      encoded_free (encoded);
    }

  size = compressBound (raw->len);
  out = g_malloc (size);
  status = compress2 (out, &size, (const Bytef *) raw->str, raw->len, Z_DEFAULT_COMPRESSION);
  if (status != Z_OK)
    {
      /* Only out of memory: the samples are dropped, the agent goes on. */
      g_warning ("history: could not compress %u samples (zlib error %d); they are dropped",
                 HISTORY_BLOCK, status);
      g_free (out);
      g_rc_box_release (block);
      return;
    }
  block->deflated = g_bytes_new_take (g_realloc (out, size), size);
  g_queue_push_tail (&self->blocks, block);
}

/* Keeps at least length samples: the newest ones as they are, whole blocks
 * of older ones deflated, and drops a block once the rest is enough without it. A
 * short history (a long interval) is not worth deflating. */
void
seye_agent_history_add (SeyeAgentHistory *self,
                        gint64            time_ms,
                        GBytes           *json)
{
  Encoded *encoded = g_new (Encoded, 1);

  encoded->time_ms = time_ms;
  encoded->json = g_bytes_ref (json);
  g_queue_push_tail (&self->recent, encoded);
  self->last_time_ms = time_ms;

  if (self->length < 2 * HISTORY_BLOCK)
    {
      while (self->recent.length > self->length)
        encoded_free (g_queue_pop_head (&self->recent));
      return;
    }

  if (self->recent.length >= 2 * HISTORY_BLOCK)
    close_block (self);

  while (self->blocks.length > 0 &&
         (self->blocks.length - 1) * HISTORY_BLOCK + self->recent.length >= self->length)
    block_free (g_queue_pop_head (&self->blocks));
}

/* Appends to @str the samples of @block taken after @since, ","-separated. */
static gboolean
append_block (Block   *block,
              gint64   since,
              GString *str,
              guint   *count)
{
  g_autofree Bytef *raw = NULL;
  uLongf size = block->end[HISTORY_BLOCK - 1];
  gsize deflated_size;
  const Bytef *deflated = g_bytes_get_data (block->deflated, &deflated_size);
  int status;

  if (block->time_ms[HISTORY_BLOCK - 1] <= since)
    return TRUE;

  raw = g_malloc (size);
  status = uncompress (raw, &size, deflated, deflated_size);
  if (status != Z_OK || size != block->end[HISTORY_BLOCK - 1])
    return FALSE;

  for (guint i = 0; i < HISTORY_BLOCK; i++)
    {
      guint32 start = i > 0 ? block->end[i - 1] : 0;

      if (block->time_ms[i] <= since)
        continue;
      if ((*count)++ > 0)
        g_string_append_c (str, ',');
      g_string_append_len (str, (const char *) raw + start, block->end[i] - start);
    }

  return TRUE;
}

/* A /v1/history answer as it is written: the samples it serves, referenced
 * (blocks still deflated), and made into text a block (or HISTORY_BLOCK of the
 * newest samples) at a time as the client takes it in. However many clients
 * ask, and however slowly they read, each answer holds at most one block's
 * text (some 60 KB) beyond what the history itself holds. */
struct _SeyeAgentHistoryBody
{
  GPtrArray *blocks;       /* Block, oldest first, with samples after since */
  GPtrArray *recent;       /* GBytes: the newest samples after since */
  gint64     since;
  guint      next_block;
  guint      next_recent;
  guint      count;        /* samples written so far */
  gboolean   ended;        /* "]}" has gone out */
};

/* The samples of @history taken after @since, referenced as they are now. */
SeyeAgentHistoryBody *
seye_agent_history_body_new (SeyeAgentHistory *history,
                             gint64            since)
{
  SeyeAgentHistoryBody *body = g_new0 (SeyeAgentHistoryBody, 1);

  body->since = since;
  body->blocks = g_ptr_array_new_with_free_func ((GDestroyNotify) block_free);
  body->recent = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  /* Older samples, from the deflated blocks, when "since" goes back that far. */
  for (GList *l = history->blocks.head; l != NULL; l = l->next)
    {
      Block *block = l->data;

      if (block->time_ms[HISTORY_BLOCK - 1] > since)
        g_ptr_array_add (body->blocks, g_rc_box_acquire (block));
    }
  for (GList *l = history->recent.head; l != NULL; l = l->next)
    {
      Encoded *encoded = l->data;

      if (encoded->time_ms > since)
        g_ptr_array_add (body->recent, g_bytes_ref (encoded->json));
    }

  return body;
}

void
seye_agent_history_body_free (SeyeAgentHistoryBody *body)
{
  g_ptr_array_unref (body->blocks);
  g_ptr_array_unref (body->recent);
  g_free (body);
}

/* The length of what @body will write, samples and separators. */
gsize
seye_agent_history_body_length (SeyeAgentHistoryBody *body)
{
  gsize length = 0;
  guint count = 0;

  for (guint b = 0; b < body->blocks->len; b++)
    {
      Block *block = g_ptr_array_index (body->blocks, b);

      for (guint i = 0; i < HISTORY_BLOCK; i++)
        if (block->time_ms[i] > body->since)
          length += (count++ > 0 ? 1 : 0) + block->end[i] - (i > 0 ? block->end[i - 1] : 0);
    }

  for (guint i = 0; i < body->recent->len; i++)
    length += (count++ > 0 ? 1 : 0) + g_bytes_get_size (g_ptr_array_index (body->recent, i));

  return length + strlen ("]}");
}

/* The next piece of @body's text; NULL at its end or when a block does not inflate. */
GBytes *
seye_agent_history_body_next (SeyeAgentHistoryBody *body,
                              gboolean             *damaged)
{
  GString *str;

  if (body->next_block < body->blocks->len)
    {
      Block *block = g_ptr_array_index (body->blocks, body->next_block++);

      str = g_string_sized_new (block->end[HISTORY_BLOCK - 1] + HISTORY_BLOCK);
      if (!append_block (block, body->since, str, &body->count))
        {
          g_string_free (str, TRUE);
          *damaged = TRUE;
          return NULL;
        }
      return g_string_free_to_bytes (str);
    }

  if (body->next_recent < body->recent->len)
    {
      str = g_string_sized_new (HISTORY_BLOCK * 1024);
      for (guint n = 0; n < HISTORY_BLOCK && body->next_recent < body->recent->len; n++)
        {
          gsize size;
          const char *data = g_bytes_get_data (g_ptr_array_index (body->recent, body->next_recent++),
                                               &size);

          if (body->count++ > 0)
            g_string_append_c (str, ',');
          g_string_append_len (str, data, size);
        }
      return g_string_free_to_bytes (str);
    }

  if (!body->ended)
    {
      body->ended = TRUE;
      return g_bytes_new_static ("]}", 2);
    }

  return NULL;
}

