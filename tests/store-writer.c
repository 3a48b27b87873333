/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Writes batches into a history database until killed, for test-store-crash:
 *
 *   store-writer DB FIRST_BATCH
 *
 * Batch b holds one sample of each of 100 nodes at time START + b seconds and is
 * committed in one transaction; "committed b" is printed (and flushed) after each
 * commit. Every 20 batches a rollup and prune pass runs as well.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "seye-store.h"

#define N_NODES 100

int
main (int   argc,
      char *argv[])
{
  g_autoptr (SeyeStore) store = NULL;
  g_autoptr (GError) error = NULL;
  gint64 start = (g_get_real_time () / 1000 / 60000 - 60) * 60000;
  gint64 first;

  if (argc != 3)
    {
      g_printerr ("usage: %s DB FIRST_BATCH\n", argv[0]);
      return 2;
    }
  first = g_ascii_strtoll (argv[2], NULL, 10);

  store = seye_store_open (argv[1], &error);
  if (store == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  for (gint64 b = first;; b++)
    {
      for (guint n = 0; n < N_NODES; n++)
        {
          g_autoptr (SeyeSample) sample = seye_sample_new ();
          g_autofree char *id = g_strdup_printf ("%032x", n + 1);

          sample->time_ms = start + b * 1000;
          sample->interval = 1;
          sample->parts = SEYE_SAMPLE_CPU | SEYE_SAMPLE_MEMORY | SEYE_SAMPLE_LOAD;
          sample->cpu.busy = (b + n) % 100;
          sample->memory.total = 8ull << 30;
          sample->memory.used = (guint64) ((b * 7 + n) % 8) << 30;
          sample->load[0] = n / 10.0;
          seye_store_add (store, id, id, "127.0.0.1:7373", sample);
        }

      if (!seye_store_commit (store, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      printf ("committed %" G_GINT64_FORMAT "\n", b);
      fflush (stdout);

      if (b % 20 == 0 && !seye_store_maintain (store, start + b * 1000, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
    }
}
