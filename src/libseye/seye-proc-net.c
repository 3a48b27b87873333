/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-proc"

#include "config.h"

#include <string.h>

#include "seye-proc-private.h"

#define NET_DEV_COLUMNS     16

/* Network: /proc/net/dev ----------------------------------------------------- */

static int
compare_iface_name (gconstpointer a,
                    gconstpointer b)
{
  return strcmp (((const SeyeNetIface *) a)->name, ((const SeyeNetIface *) b)->name);
}

static char *
parse_net_dev (SeyeProcCursor *text,
               GArray         *ifaces)
{
  SeyeProcCursor line;

  while (_seye_proc_next_line (text, &line))
    {
      SeyeNetIface iface = { NULL };
      SeyeProcCursor columns;
      SeyeProcToken name, token;
      const char *colon;
      guint n;

      /* The two header lines. */
      if (memchr (line.pos, '|', line.end - line.pos) != NULL)
        continue;

      colon = memchr (line.pos, ':', line.end - line.pos);
      if (colon == NULL)
        {
          if (_seye_proc_count_tokens (&line) == 0)
            continue;
          return g_strdup ("a line names no interface");
        }

      columns.pos = line.pos;
      columns.end = colon;
      if (!_seye_proc_next_token (&columns, &name) || _seye_proc_next_token (&columns, &token) ||
          !_seye_proc_is_device_name (name.str, name.len))
        return g_strdup ("a line names no valid interface");

      columns.pos = colon + 1;
      columns.end = line.end;
      n = _seye_proc_count_tokens (&columns);
      if (n < NET_DEV_COLUMNS)
        {
          g_autofree char *where = _seye_proc_describe (name.str, name.len);

          return g_strdup_printf ("the line of %s has %u columns, expected %u",
                                  where, n, NET_DEV_COLUMNS);
        }

      for (guint i = 0; i <= 8; i++)
        {
          _seye_proc_next_token (&columns, &token);
          if ((i == 0 && !_seye_proc_token_u64 (&token, &iface.rx_bytes)) ||
              (i == 8 && !_seye_proc_token_u64 (&token, &iface.tx_bytes)))
            {
              g_autofree char *where = _seye_proc_describe (name.str, name.len);

              return g_strdup_printf ("the byte counts of %s are not numbers", where);
            }
        }

      iface.name = g_strndup (name.str, name.len);
      g_array_append_val (ifaces, iface);
    }

  g_array_sort (ifaces, compare_iface_name);
  for (guint i = 1; i < ifaces->len; i++)
    {
      const char *name = g_array_index (ifaces, SeyeNetIface, i).name;

      if (strcmp (g_array_index (ifaces, SeyeNetIface, i - 1).name, name) == 0)
        {
          g_autofree char *where = _seye_proc_describe (name, strlen (name));

          return g_strdup_printf ("it lists %s twice", where);
        }
    }

  return NULL;
}

void
_seye_proc_sample_net_dev (SeyeProcReader *self,
                           SeyeSample     *sample)
{
  g_autofree char *error = NULL;
  SeyeProcCursor text;

  if (!_seye_proc_load_file (self, PROC_NET_DEV, &text))
    return;

  if ((error = parse_net_dev (&text, sample->interfaces)) != NULL)
    {
      g_array_set_size (sample->interfaces, 0);
      _seye_proc_add_malformed (self, PROC_NET_DEV, error);
      return;
    }

  for (guint i = 0; i < sample->interfaces->len; i++)
    {
      SeyeNetIface *iface = &g_array_index (sample->interfaces, SeyeNetIface, i);

      _seye_proc_update_counter (self, self->net_states, iface->name,
                                 iface->rx_bytes, iface->tx_bytes, sample->interval,
                                 &iface->rx_bytes_per_sec, &iface->tx_bytes_per_sec);

      if (strcmp (iface->name, "lo") != 0)
        {
          sample->net_rx_bytes_per_sec += iface->rx_bytes_per_sec;
          sample->net_tx_bytes_per_sec += iface->tx_bytes_per_sec;
        }
    }

  _seye_proc_forget_counters (self, self->net_states);

  /* Keep what the decoder accepts; the totals still count every interface. */
  if (sample->interfaces->len > SEYE_MAX_INTERFACES)
    g_array_set_size (sample->interfaces, SEYE_MAX_INTERFACES);

  sample->net_rx_bytes_per_sec = MIN (sample->net_rx_bytes_per_sec, MAX_RATE);
  sample->net_tx_bytes_per_sec = MIN (sample->net_tx_bytes_per_sec, MAX_RATE);
  sample->parts |= SEYE_SAMPLE_NETWORK;
}
