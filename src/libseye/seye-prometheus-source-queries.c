/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-prometheus-source"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "seye-clock.h"
#include "seye-error.h"
#include "seye-prometheus-source-private.h"

/*
 * One refresh: the server's scrape interval once (/api/v1/status/config), then
 * four instant queries for all nodes at once, whatever their number: the
 * per-node values (one query: each value's aggregation `by (instance)`, told
 * apart by a "seye" label, joined with `or`), the per-core busy share, the
 * filesystems, and who each node is (seye_node_info, node_uname_info). Counters
 * are turned into rates over four scrape intervals, as Prometheus advises.
 */

#define N_QUERIES 4

static const struct
{
  const char *name;
  const char *promql;   /* %1$u: the rate window in seconds */
} values[PROM_N_VALUES] = {
  [PROM_UP] = { "up", "max by (instance) (up) and on (instance) "
                      "max by (instance) (last_over_time(node_memory_MemTotal_bytes[15m]))" },
  [PROM_AGE] = { "age", "time() - max by (instance) (timestamp(node_memory_MemTotal_bytes))" },
  [PROM_CPU_BUSY] = { "cpu_busy", "100 * (1 - sum by (instance) (rate(node_cpu_seconds_total{mode=\"idle\"}[%1$us])) "
                                  "/ sum by (instance) (rate(node_cpu_seconds_total[%1$us])))" },
  [PROM_CPU_USER] = { "cpu_user", "100 * sum by (instance) (rate(node_cpu_seconds_total{mode=~\"user|nice\"}[%1$us])) "
                                  "/ sum by (instance) (rate(node_cpu_seconds_total[%1$us]))" },
  [PROM_CPU_SYSTEM] = { "cpu_system", "100 * sum by (instance) (rate(node_cpu_seconds_total{mode=~\"system|irq|softirq\"}[%1$us])) "
                                      "/ sum by (instance) (rate(node_cpu_seconds_total[%1$us]))" },
  [PROM_CPU_IOWAIT] = { "cpu_iowait", "100 * sum by (instance) (rate(node_cpu_seconds_total{mode=\"iowait\"}[%1$us])) "
                                      "/ sum by (instance) (rate(node_cpu_seconds_total[%1$us]))" },
  [PROM_CPU_STEAL] = { "cpu_steal", "100 * sum by (instance) (rate(node_cpu_seconds_total{mode=\"steal\"}[%1$us])) "
                                    "/ sum by (instance) (rate(node_cpu_seconds_total[%1$us]))" },
  [PROM_MEM_TOTAL] = { "mem_total", "max by (instance) (node_memory_MemTotal_bytes)" },
  [PROM_MEM_AVAILABLE] = { "mem_available", "max by (instance) (node_memory_MemAvailable_bytes)" },
  [PROM_MEM_FREE] = { "mem_free", "max by (instance) (node_memory_MemFree_bytes)" },
  [PROM_MEM_BUFFERS] = { "mem_buffers", "max by (instance) (node_memory_Buffers_bytes)" },
  [PROM_MEM_CACHED] = { "mem_cached", "max by (instance) (node_memory_Cached_bytes + node_memory_SReclaimable_bytes) "
                                      "or max by (instance) (seye_memory_cache_bytes)" },
  [PROM_SWAP_TOTAL] = { "swap_total", "max by (instance) (node_memory_SwapTotal_bytes)" },
  [PROM_SWAP_FREE] = { "swap_free", "max by (instance) (node_memory_SwapFree_bytes)" },
  [PROM_LOAD1] = { "load1", "max by (instance) (node_load1)" },
  [PROM_LOAD5] = { "load5", "max by (instance) (node_load5)" },
  [PROM_LOAD15] = { "load15", "max by (instance) (node_load15)" },
  [PROM_PROCS_RUNNING] = { "procs_running", "max by (instance) (node_procs_running)" },
  [PROM_PROCS_BLOCKED] = { "procs_blocked", "max by (instance) (node_procs_blocked)" },
  [PROM_PROCS_TOTAL] = { "procs_total", "max by (instance) (seye_processes)" },
  [PROM_THREADS] = { "threads", "max by (instance) (seye_threads)" },
  [PROM_BOOT_TIME] = { "boot_time", "max by (instance) (node_boot_time_seconds)" },
  [PROM_NET_RX] = { "net_rx", "sum by (instance) (rate(node_network_receive_bytes_total{device!=\"lo\"}[%1$us]))" },
  [PROM_NET_TX] = { "net_tx", "sum by (instance) (rate(node_network_transmit_bytes_total{device!=\"lo\"}[%1$us]))" },
  [PROM_DISK_READ] = { "disk_read", "sum by (instance) (rate(node_disk_read_bytes_total[%1$us]))" },
  [PROM_DISK_WRITE] = { "disk_write", "sum by (instance) (rate(node_disk_written_bytes_total[%1$us]))" },
};

static const char cores_query[] =
  "100 * (1 - sum by (instance, cpu) (rate(node_cpu_seconds_total{mode=\"idle\"}[%1$us])) "
  "/ sum by (instance, cpu) (rate(node_cpu_seconds_total[%1$us])))";

static const char filesystems_query[] =
  "label_replace(max by (instance, mountpoint, device, fstype) (node_filesystem_size_bytes%1$s), \"seye\", \"size\", \"\", \"\") "
  "or label_replace(max by (instance, mountpoint, device, fstype) (node_filesystem_avail_bytes%1$s), \"seye\", \"avail\", \"\", \"\") "
  "or label_replace(max by (instance, mountpoint, device, fstype) (node_filesystem_free_bytes%1$s), \"seye\", \"free\", \"\", \"\")";

/* Memory-backed and pseudo filesystems are not disks. */
static const char filesystems_selector[] = "{fstype!~\"tmpfs|devtmpfs|ramfs|rootfs|squashfs|nsfs|proc|sysfs\"}";

static const char info_query[] = "seye_node_info or node_uname_info";

const char *
_seye_prom_value_name (PromValue value)
{
  g_return_val_if_fail (value < PROM_N_VALUES, NULL);

  return values[value].name;
}

char *
_seye_prom_value_query (PromValue value,
                        guint     window)
{
  g_return_val_if_fail (value < PROM_N_VALUES, NULL);

  return g_strdup_printf (values[value].promql, window);
}

/* Every value in one query: each labelled seye="its name". */
static char *
values_query (guint window)
{
  GString *query = g_string_new (NULL);

  for (guint i = 0; i < PROM_N_VALUES; i++)
    {
      g_autofree char *one = _seye_prom_value_query (i, window);

      if (i > 0)
        g_string_append (query, " or ");
      g_string_append_printf (query, "label_replace(%s, \"seye\", \"%s\", \"\", \"\")", one, values[i].name);
    }

  return g_string_free (query, FALSE);
}

/* Counters' rates are over four scrape intervals (at least 4 s), as Prometheus advises. */
guint
_seye_prometheus_source_rate_window (SeyePrometheusSource *self)
{
  return (guint) ceil (MAX (4 * self->scrape_interval, 4.0));
}

/* The refresh under way --------------------------------------------------- */

typedef gboolean (*ParseFunc) (PromRefresh *refresh,
                               JsonNode    *data,
                               GError     **error);

typedef struct
{
  SeyePrometheusSource *self;
  GCancellable         *cancellable;  /* cancelled: the source stopped, forget the answers */
  PromRefresh          *refresh;
  guint                 pending;
  gboolean              values_ok;
  SeyePrometheusStatus  status;     /* of the first failure */
  char                 *failure;    /* its words; NULL: none */
} Refresh;

typedef struct
{
  Refresh   *refresh;
  ParseFunc  parse;
} Query;

static void
refresh_done (Refresh *refresh)
{
  SeyePrometheusSource *self = refresh->self;

  if (g_cancellable_is_cancelled (refresh->cancellable))
    goto out;

  self->refreshing = FALSE;
  g_clear_object (&self->cancellable);

  if (refresh->failure == NULL)
    _seye_prometheus_source_set_status (self, SEYE_PROMETHEUS_STATUS_OK, NULL);
  else if (refresh->values_ok)
    {
      /* Translators: %s says why, as the server put it */
      g_autofree char *partial = g_strdup_printf (_("answered only in part: %s"), refresh->failure);

      _seye_prometheus_source_set_status (self, SEYE_PROMETHEUS_STATUS_ERROR, partial);
    }
  else
    _seye_prometheus_source_set_status (self, refresh->status, refresh->failure);

  /* Without the values, no node is known to be there: each is missed. */
  if (!refresh->values_ok)
    {
      _seye_prom_refresh_free (refresh->refresh);
      refresh->refresh = _seye_prom_refresh_new (seye_clock_get_real_ms ());
    }
  _seye_prometheus_source_apply (self, refresh->refresh);

  _seye_prometheus_source_refreshed (self);

out:
  g_clear_pointer (&refresh->refresh, _seye_prom_refresh_free);
  g_object_unref (refresh->cancellable);
  g_free (refresh->failure);
  g_object_unref (refresh->self);
  g_free (refresh);
}

static void
note_failure (Refresh              *refresh,
              SeyePrometheusStatus  status,
              const char           *message)
{
  if (refresh->failure != NULL)
    return;

  refresh->status = status;
  refresh->failure = g_strdup (message);
}

static void
query_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      data)
{
  g_autofree Query *query = data;
  Refresh *refresh = query->refresh;
  SeyePrometheusStatus status;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) answer = _seye_prometheus_source_request_finish (refresh->self, result, &status, &error);

  if (answer == NULL)
    note_failure (refresh, status, error->message);
  else if (!query->parse (refresh->refresh, answer, &error))
    note_failure (refresh, SEYE_PROMETHEUS_STATUS_ERROR, error->message);
  else if (query->parse == _seye_prom_parse_values)
    refresh->values_ok = TRUE;

  if (--refresh->pending == 0)
    refresh_done (refresh);
}

static void
send_query (Refresh    *refresh,
            const char *promql,
            ParseFunc   parse)
{
  g_autoptr (GHashTable) params = g_hash_table_new (g_str_hash, g_str_equal);
  char time_text[G_ASCII_DTOSTR_BUF_SIZE];
  Query *query = g_new0 (Query, 1);

  query->refresh = refresh;
  query->parse = parse;
  g_ascii_formatd (time_text, sizeof time_text, "%.3f", refresh->refresh->time_ms / 1000.0);
  g_hash_table_insert (params, (char *) "query", (char *) promql);
  g_hash_table_insert (params, (char *) "time", time_text);

  refresh->pending++;
  _seye_prometheus_source_request (refresh->self, "/api/v1/query", params, refresh->cancellable,
                                   query_cb, query);
}

static void
send_queries (Refresh *refresh)
{
  guint window = _seye_prometheus_source_rate_window (refresh->self);
  g_autofree char *values_text = values_query (window);
  g_autofree char *cores_text = g_strdup_printf (cores_query, window);
  g_autofree char *filesystems_text = g_strdup_printf (filesystems_query, filesystems_selector);

  refresh->refresh = _seye_prom_refresh_new (seye_clock_get_real_ms ());

  /* Held until the last answer: none may finish the refresh before all are sent. */
  refresh->pending = 1;
  send_query (refresh, values_text, _seye_prom_parse_values);
  send_query (refresh, cores_text, _seye_prom_parse_cores);
  send_query (refresh, filesystems_text, _seye_prom_parse_filesystems);
  send_query (refresh, info_query, _seye_prom_parse_info);
  g_assert (refresh->pending == N_QUERIES + 1);

  if (--refresh->pending == 0)
    refresh_done (refresh);
}

static void
config_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      data)
{
  Refresh *refresh = data;
  SeyePrometheusSource *self = refresh->self;
  SeyePrometheusStatus status;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) answer = _seye_prometheus_source_request_finish (self, result, &status, &error);
  double seconds;

  if (answer == NULL && (status != SEYE_PROMETHEUS_STATUS_ERROR ||
                         g_cancellable_is_cancelled (refresh->cancellable)))
    {
      /* Not reached at all: say so, and try again at the next refresh. */
      refresh->refresh = _seye_prom_refresh_new (seye_clock_get_real_ms ());
      note_failure (refresh, status, error->message);
      refresh_done (refresh);
      return;
    }

  /* Thanos, Mimir and others may not serve the config: the default stands. */
  seconds = _seye_prom_parse_config_interval (answer);
  _seye_prometheus_source_set_scrape_interval (self, seconds > 0 ? seconds
                                                                 : SEYE_PROMETHEUS_DEFAULT_SCRAPE_INTERVAL);
  self->interval_known = TRUE;

  send_queries (refresh);
}

/**
 * _seye_prometheus_source_refresh:
 *
 * Asks the server for every node's current values, unless a refresh is under way.
 */
void
_seye_prometheus_source_refresh (SeyePrometheusSource *self)
{
  Refresh *refresh;

  if (self->refreshing)
    return;

  self->refreshing = TRUE;
  self->cancellable = g_cancellable_new ();

  refresh = g_new0 (Refresh, 1);
  refresh->self = g_object_ref (self);
  refresh->cancellable = g_object_ref (self->cancellable);

  if (!self->interval_known)
    _seye_prometheus_source_request (self, "/api/v1/status/config", NULL, refresh->cancellable,
                                     config_cb, refresh);
  else
    send_queries (refresh);
}
