/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `seye fetch --json`: every node, its state, alerts and latest sample. */
#define G_LOG_DOMAIN "seye-cli"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "seye-cli-common.h"
#include "seye-cli-fetch-private.h"
#include "seye-cli-processes.h"
#include "seye-clock.h"
#include "seye-json.h"
#include "seye-node-column.h"

/* JSON output -------------------------------------------------------------- */

/* Written by hand with the core's number writer: "0.05", not "0.050000000000000003".
 * The layout: one member per line, two spaces per level. */
typedef struct
{
  GString *str;
  guint    depth;
  gboolean first;
} JsonOut;

static void
json_member (JsonOut    *out,
             const char *name)
{
  g_string_append (out->str, out->first ? "\n" : ",\n");
  out->first = FALSE;
  for (guint i = 0; i < out->depth; i++)
    g_string_append (out->str, "  ");
  if (name != NULL)
    {
      seye_json_write_string (out->str, name);
      g_string_append (out->str, ": ");
    }
}

static void
json_open (JsonOut    *out,
           const char *name,
           char        bracket)
{
  json_member (out, name);
  g_string_append_c (out->str, bracket);
  out->depth++;
  out->first = TRUE;
}

static void
json_close (JsonOut *out,
            char     bracket)
{
  out->depth--;
  if (!out->first)
    {
      g_string_append_c (out->str, '\n');
      for (guint i = 0; i < out->depth; i++)
        g_string_append (out->str, "  ");
    }
  g_string_append_c (out->str, bracket);
  out->first = FALSE;
}

static void
json_string (JsonOut    *out,
             const char *name,
             const char *value)
{
  json_member (out, name);
  if (value != NULL)
    seye_json_write_string (out->str, value);
  else
    g_string_append (out->str, "null");
}

static void
json_double (JsonOut    *out,
             const char *name,
             double      value)
{
  json_member (out, name);
  seye_json_write_double (out->str, value);
}

static void
json_uint (JsonOut    *out,
           const char *name,
           guint64     value)
{
  json_member (out, name);
  g_string_append_printf (out->str, "%" G_GUINT64_FORMAT, value);
}

static void
json_literal (JsonOut    *out,
              const char *name,
              const char *literal)
{
  json_member (out, name);
  g_string_append (out->str, literal);
}

/* "tags": [...], [] for none (each checked by seye_tags_from_peer() as it came):
 * the node's own, or its announcement's before it has answered. */
static void
json_tags (JsonOut  *out,
           SeyeNode *node)
{
  const char * const *tags = seye_node_get_tags (node);

  json_member (out, "tags");
  g_string_append_c (out->str, '[');
  for (guint i = 0; tags != NULL && tags[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append_c (out->str, ',');
      seye_json_write_string (out->str, tags[i]);
    }
  g_string_append_c (out->str, ']');
}

/* The state in words and the alerts with their reasons: what the app's status cell says. */
static void
json_status (JsonOut  *out,
             SeyeNode *node)
{
  g_autofree char *status = seye_node_column_format_status (node, seye_clock_get_real_ms ());
  guint active = seye_node_get_active_alerts (node);
  guint acknowledged = seye_node_get_acknowledged_alerts (node);

  json_string (out, "status", status);
  {
    g_autofree char *since = g_strdup_printf ("%" G_GINT64_FORMAT, seye_node_get_state_since (node));

    json_literal (out, "state_since_ms", since);
  }
  json_open (out, "alerts", '[');
  for (guint bit = 1; bit <= SEYE_ALERT_ALL; bit <<= 1)
    {
      g_autofree char *reason = NULL;

      if ((active & bit) == 0)
        continue;
      reason = seye_node_describe_alert (node, bit);
      json_open (out, NULL, '{');
      json_string (out, "rule", seye_alert_kind_get_id (bit));
      json_string (out, "reason", reason);
      json_literal (out, "acknowledged", (acknowledged & bit) ? "true" : "false");
      json_close (out, '}');
    }
  json_close (out, ']');
}

/* A number the node may not have: null then. */
static void
json_rate (JsonOut    *out,
           const char *name,
           gboolean    known,
           double      value)
{
  if (known)
    json_double (out, name, value);
  else
    json_literal (out, name, "null");
}

static void
json_process (JsonOut           *out,
              const SeyeProcess *process)
{
  char state[2] = { process->state, '\0' };

  json_open (out, NULL, '{');
  json_uint (out, "pid", process->pid);
  json_string (out, "name", process->name);
  json_string (out, "user", process->user);
  json_string (out, "state", state);
  json_double (out, "cpu_percent", process->cpu_percent);
  json_uint (out, "rss_bytes", process->rss_bytes);
  json_uint (out, "threads", process->threads);
  json_member (out, "start_time");
  g_string_append_printf (out->str, "%" G_GINT64_FORMAT, process->start_time);
  json_rate (out, "read_bytes_per_sec", process->have_io, process->read_bytes_per_sec);
  json_rate (out, "write_bytes_per_sec", process->have_io, process->write_bytes_per_sec);
  if (process->argv != NULL)
    {
      json_open (out, "argv", '[');
      for (guint i = 0; process->argv[i] != NULL; i++)
        json_string (out, NULL, process->argv[i]);
      json_close (out, ']');
    }
  else
    json_literal (out, "argv", "null");
  json_close (out, '}');
}

static void
json_memory (JsonOut    *out,
             SeyeSample *sample)
{
  if (!(sample->parts & SEYE_SAMPLE_MEMORY))
    {
      json_literal (out, "memory", "null");
      return;
    }

  json_open (out, "memory", '{');
  json_uint (out, "total", sample->memory.total);
  json_uint (out, "used", sample->memory.used);
  json_uint (out, "available", sample->memory.available);
  json_double (out, "percent", seye_sample_get_memory_percent (sample));
  json_uint (out, "swap_total", sample->memory.swap_total);
  json_uint (out, "swap_used", sample->memory.swap_used);
  json_close (out, '}');
}

/* "top_processes" and "top_processes_error", with --processes. */
static void
json_processes (JsonOut               *out,
                SeyeNode              *node,
                GHashTable            *processes,
                SeyeProcessSort        sort)
{
  SeyeCliFetchProcesses *answer = g_hash_table_lookup (processes, node);
  const SeyeProcessList *list = answer != NULL ? answer->list : NULL;

  if (list == NULL)
    {
      json_literal (out, "top_processes", "null");
      json_string (out, "top_processes_error", _seye_cli_fetch_processes_error (processes, node));
      return;
    }

  json_open (out, "top_processes", '{');
  json_string (out, "sort", seye_cli_process_sort_id (sort));
  json_double (out, "interval", list->interval);
  json_uint (out, "total", list->total);
  json_uint (out, "not_readable", list->not_readable);
  json_open (out, "processes", '[');
  for (guint i = 0; i < list->processes->len; i++)
    json_process (out, list->processes->pdata[i]);
  json_close (out, ']');
  json_close (out, '}');
  json_literal (out, "top_processes_error", "null");
}

static void
json_node_entry (JsonOut         *out,
                 SeyeNode        *node,
                 GHashTable      *processes,
                 SeyeProcessSort  process_sort)
{
  const SeyeNodeInfo *info = seye_node_get_info (node);
  SeyeSample *sample = seye_node_get_sample (node);
  SeyeNodeState state = seye_node_get_state (node);
  const char *problem = seye_cli_node_problem (node, TRUE);

  json_open (out, NULL, '{');
  json_string (out, "name", seye_node_get_name (node));
  json_string (out, "node_id", info ? info->node_id : NULL);
  json_string (out, "address", seye_node_get_address (node));
  json_string (out, "state", seye_cli_state_nick (state));
  json_status (out, node);
  json_literal (out, "reachable", sample != NULL ? "true" : "false");
  json_string (out, "error", sample == NULL || state != SEYE_NODE_STATE_ONLINE ? problem : NULL);
  json_string (out, "conflict", seye_node_get_conflict (node));
  json_string (out, "hostname", info ? info->hostname : NULL);
  json_string (out, "os", info ? info->os_name : NULL);
  json_string (out, "kernel", info ? info->kernel : NULL);
  json_string (out, "arch", info ? info->arch : NULL);
  json_string (out, "agent_version", info ? info->agent_version : NULL);
  if (seye_cli_node_n_cores (node) > 0)
    json_uint (out, "cores", seye_cli_node_n_cores (node));
  else
    json_literal (out, "cores", "null");
  json_tags (out, node);

  if (sample == NULL)
    {
      static const char * const empty[] = {
        "time", "cpu_percent", "memory", "load", "processes", "uptime", "network",
      };

      for (guint i = 0; i < G_N_ELEMENTS (empty); i++)
        json_literal (out, empty[i], "null");
      if (processes != NULL)
        json_processes (out, node, processes, process_sort);
      json_close (out, '}');
      return;
    }

  json_uint (out, "time", (guint64) sample->time_ms);

  if (sample->parts & SEYE_SAMPLE_CPU)
    json_double (out, "cpu_percent", sample->cpu.busy);
  else
    json_literal (out, "cpu_percent", "null");

  json_memory (out, sample);

  if (sample->parts & SEYE_SAMPLE_LOAD)
    {
      json_member (out, "load");
      g_string_append_c (out->str, '[');
      for (guint i = 0; i < 3; i++)
        {
          if (i > 0)
            g_string_append (out->str, ", ");
          seye_json_write_double (out->str, sample->load[i]);
        }
      g_string_append_c (out->str, ']');
    }
  else
    json_literal (out, "load", "null");

  if (sample->parts & SEYE_SAMPLE_PROCESSES)
    json_uint (out, "processes", sample->procs_total);
  else
    json_literal (out, "processes", "null");

  if (sample->parts & SEYE_SAMPLE_UPTIME)
    json_double (out, "uptime", sample->uptime);
  else
    json_literal (out, "uptime", "null");

  if (sample->parts & SEYE_SAMPLE_NETWORK)
    {
      json_open (out, "network", '{');
      json_double (out, "rx_bytes_per_sec", sample->net_rx_bytes_per_sec);
      json_double (out, "tx_bytes_per_sec", sample->net_tx_bytes_per_sec);
      json_close (out, '}');
    }
  else
    json_literal (out, "network", "null");

  if (processes != NULL)
    json_processes (out, node, processes, process_sort);

  json_close (out, '}');
}

void
_seye_cli_fetch_print_json (GPtrArray       *nodes,
                            GHashTable      *processes,
                            SeyeProcessSort  process_sort)
{
  g_autoptr (GString) str = g_string_new ("[");
  JsonOut out = { str, 1, TRUE };

  for (guint i = 0; i < nodes->len; i++)
    json_node_entry (&out, nodes->pdata[i], processes, process_sort);

  g_string_append (str, nodes->len > 0 ? "\n]\n" : "]\n");
  fputs (str->str, stdout);
}

