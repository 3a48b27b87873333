/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-proc"

#include "config.h"

#include <string.h>

#include "seye-proc-private.h"

/* Memory: /proc/meminfo ------------------------------------------------------ */

enum
{
  MEM_TOTAL,
  MEM_FREE,
  MEM_AVAILABLE,
  MEM_BUFFERS,
  MEM_CACHED,
  MEM_SRECLAIMABLE,
  MEM_SWAP_TOTAL,
  MEM_SWAP_FREE,
  N_MEM
};

static const char * const meminfo_keys[N_MEM] = {
  [MEM_TOTAL]        = "MemTotal:",
  [MEM_FREE]         = "MemFree:",
  [MEM_AVAILABLE]    = "MemAvailable:",
  [MEM_BUFFERS]      = "Buffers:",
  [MEM_CACHED]       = "Cached:",
  [MEM_SRECLAIMABLE] = "SReclaimable:",
  [MEM_SWAP_TOTAL]   = "SwapTotal:",
  [MEM_SWAP_FREE]    = "SwapFree:",
};

void
_seye_proc_sample_meminfo (SeyeProcReader *self,
                           SeyeSample     *sample)
{
  guint64 values[N_MEM] = { 0 };
  gboolean seen[N_MEM] = { FALSE };
  g_autofree char *error = NULL;
  SeyeMemory *m = &sample->memory;
  SeyeProcCursor text;
  SeyeProcCursor line;

  if (!_seye_proc_load_file (self, PROC_MEMINFO, &text))
    return;

  while (error == NULL && _seye_proc_next_line (&text, &line))
    {
      SeyeProcToken key, value, unit;
      guint k;

      if (!_seye_proc_next_token (&line, &key))
        continue;

      for (k = 0; k < N_MEM; k++)
        if (_seye_proc_token_equal (&key, meminfo_keys[k]))
          break;
      if (k == N_MEM)
        continue;

      if (!_seye_proc_next_token (&line, &value) || !_seye_proc_token_u64 (&value, &values[k]) ||
          !_seye_proc_next_token (&line, &unit) || !_seye_proc_token_equal (&unit, "kB"))
        error = g_strdup_printf ("%.*s is not a number of kB", (int) key.len - 1, key.str);
      else if (values[k] > MAX_BYTES / 1024)
        error = g_strdup_printf ("%.*s is out of range", (int) key.len - 1, key.str);
      else
        {
          values[k] *= 1024;
          seen[k] = TRUE;
        }
    }

  if (error == NULL && !seen[MEM_TOTAL])
    error = g_strdup ("no MemTotal line");
  else if (error == NULL && values[MEM_TOTAL] == 0)
    error = g_strdup ("MemTotal is 0");
  else if (error == NULL && values[MEM_FREE] > values[MEM_TOTAL])
    error = g_strdup ("MemFree is larger than MemTotal");

  if (error != NULL)
    {
      _seye_proc_add_malformed (self, PROC_MEMINFO, error);
      return;
    }

  m->total = values[MEM_TOTAL];
  m->free = values[MEM_FREE];
  m->buffers = values[MEM_BUFFERS];
  m->cached = MIN (values[MEM_CACHED] + values[MEM_SRECLAIMABLE], MAX_BYTES);
  m->available = seen[MEM_AVAILABLE]
                 ? values[MEM_AVAILABLE]
                 : values[MEM_FREE] + values[MEM_BUFFERS] + values[MEM_CACHED];
  m->available = MIN (m->available, m->total);
  m->used = m->total - m->available;
  m->swap_total = values[MEM_SWAP_TOTAL];
  m->swap_used = values[MEM_SWAP_FREE] < m->swap_total ? m->swap_total - values[MEM_SWAP_FREE] : 0;

  sample->parts |= SEYE_SAMPLE_MEMORY;
}
