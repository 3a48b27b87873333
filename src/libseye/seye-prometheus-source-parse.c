/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-prometheus-source"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "seye-error.h"
#include "seye-node-id.h"
#include "seye-prometheus-source-private.h"
#include "seye-tags.h"

/*
 * The answers of one refresh, read into one PromTarget per `instance`. Whatever
 * the server sends is checked here: a series without an instance, a value that
 * is not a finite number (NaN, ±Inf, garbage), a label longer than
 * SEYE_MAX_STRING, more cores or filesystems than a sample holds, or more
 * instances than SEYE_PROMETHEUS_MAX_NODES, is left out and counted, never
 * trusted. Nothing here is shown: the strings are sanitised where they are.
 */

static void
target_free (PromTarget *target)
{
  g_free (target->instance);
  g_clear_pointer (&target->cores, g_array_unref);
  g_clear_pointer (&target->filesystems, g_array_unref);
  g_free (target->node_id);
  g_free (target->name);
  g_free (target->hostname);
  g_free (target->os_name);
  g_free (target->kernel);
  g_free (target->arch);
  g_free (target->agent_version);
  g_strfreev (target->tags);
  g_free (target);
}

PromRefresh *
_seye_prom_refresh_new (gint64 time_ms)
{
  PromRefresh *refresh = g_new0 (PromRefresh, 1);

  refresh->targets = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) target_free);
  refresh->time_ms = time_ms;

  return refresh;
}

void
_seye_prom_refresh_free (PromRefresh *refresh)
{
  g_clear_pointer (&refresh->targets, g_hash_table_unref);
  g_free (refresh);
}

const char *
_seye_prom_string_member (JsonObject *object,
                          const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

/* A label's value: a string of at most SEYE_MAX_STRING bytes, else NULL. */
static const char *
label (JsonObject *metric,
       const char *name)
{
  const char *value = _seye_prom_string_member (metric, name);

  return value != NULL && strlen (value) <= SEYE_MAX_STRING ? value : NULL;
}

static PromTarget *
get_target (PromRefresh *refresh,
            JsonObject  *metric)
{
  const char *instance = label (metric, "instance");
  PromTarget *target;

  if (instance == NULL || instance[0] == '\0')
    return NULL;

  target = g_hash_table_lookup (refresh->targets, instance);
  if (target != NULL)
    return target;

  if (g_hash_table_size (refresh->targets) >= SEYE_PROMETHEUS_MAX_NODES)
    {
      refresh->truncated = TRUE;
      return NULL;
    }

  target = g_new0 (PromTarget, 1);
  target->instance = g_strdup (instance);
  for (guint i = 0; i < PROM_N_VALUES; i++)
    target->values[i] = NAN;
  target->cores = g_array_new (FALSE, TRUE, sizeof (SeyeCpuStat));
  target->filesystems = g_array_new (FALSE, TRUE, sizeof (SeyeFilesystem));
  g_array_set_clear_func (target->filesystems, seye_filesystem_clear);
  g_hash_table_insert (refresh->targets, target->instance, target);

  return target;
}

/* [time, "value"]: the value when it is a finite number. */
static gboolean
read_value (JsonObject *series,
            double     *value)
{
  JsonNode *node = json_object_get_member (series, "value");
  JsonArray *pair;
  const char *text;
  char *end = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;

  pair = json_node_get_array (node);
  if (json_array_get_length (pair) != 2 || !JSON_NODE_HOLDS_VALUE (json_array_get_element (pair, 1)) ||
      json_node_get_value_type (json_array_get_element (pair, 1)) != G_TYPE_STRING)
    return FALSE;

  text = json_array_get_string_element (pair, 1);
  *value = g_ascii_strtod (text, &end);

  return end != text && *end == '\0' && isfinite (*value);
}

typedef gboolean (*SeriesFunc) (PromRefresh *refresh,
                                PromTarget  *target,
                                JsonObject  *metric,
                                double       value);

/* Calls @func for every series of the vector @data with an instance and a value. */
static gboolean
each_series (PromRefresh  *refresh,
             JsonNode     *data,
             SeriesFunc    func,
             GError      **error)
{
  JsonObject *object;
  JsonNode *result;
  JsonArray *array;

  if (data == NULL || !JSON_NODE_HOLDS_OBJECT (data) ||
      g_strcmp0 (_seye_prom_string_member (json_node_get_object (data), "resultType"), "vector") != 0)
    {
      g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_INVALID,
                           _("its answer to an instant query is not a vector"));
      return FALSE;
    }

  object = json_node_get_object (data);
  result = json_object_get_member (object, "result");
  if (result == NULL || !JSON_NODE_HOLDS_ARRAY (result))
    {
      g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_INVALID,
                           _("its answer to an instant query has no result"));
      return FALSE;
    }

  array = json_node_get_array (result);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonNode *metric_node;
      JsonObject *series;
      PromTarget *target;
      double value = 0;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          refresh->dropped++;
          continue;
        }

      series = json_node_get_object (element);
      metric_node = json_object_get_member (series, "metric");
      /* A series without a usable value makes no target. */
      if (metric_node == NULL || !JSON_NODE_HOLDS_OBJECT (metric_node) ||
          !read_value (series, &value) ||
          (target = get_target (refresh, json_node_get_object (metric_node))) == NULL ||
          !func (refresh, target, json_node_get_object (metric_node), value))
        refresh->dropped++;
    }

  return TRUE;
}

static gboolean
take_value (PromRefresh *refresh,
            PromTarget  *target,
            JsonObject  *metric,
            double       value)
{
  const char *name = label (metric, "seye");

  for (guint i = 0; name != NULL && i < PROM_N_VALUES; i++)
    if (strcmp (name, _seye_prom_value_name (i)) == 0)
      {
        target->values[i] = value;
        return TRUE;
      }

  return FALSE;
}

gboolean
_seye_prom_parse_values (PromRefresh  *refresh,
                         JsonNode     *data,
                         GError      **error)
{
  return each_series (refresh, data, take_value, error);
}

static gboolean
take_core (PromRefresh *refresh,
           PromTarget  *target,
           JsonObject  *metric,
           double       value)
{
  const char *cpu = label (metric, "cpu");
  SeyeCpuStat core = { 0 };
  guint64 id;

  if (cpu == NULL || !g_ascii_string_to_unsigned (cpu, 10, 0, SEYE_MAX_CORES * 16, &id, NULL) ||
      target->cores->len >= SEYE_MAX_CORES)
    return FALSE;

  core.id = (int) id;
  core.busy = CLAMP (value, 0.0, 100.0);
  g_array_append_val (target->cores, core);

  return TRUE;
}

static int
compare_cores (gconstpointer a,
               gconstpointer b)
{
  const SeyeCpuStat *x = a;
  const SeyeCpuStat *y = b;

  return (x->id > y->id) - (x->id < y->id);
}

gboolean
_seye_prom_parse_cores (PromRefresh  *refresh,
                        JsonNode     *data,
                        GError      **error)
{
  GHashTableIter iter;
  gpointer value;

  if (!each_series (refresh, data, take_core, error))
    return FALSE;

  g_hash_table_iter_init (&iter, refresh->targets);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_array_sort (((PromTarget *) value)->cores, compare_cores);

  return TRUE;
}

static SeyeFilesystem *
find_filesystem (PromTarget *target,
                 const char *mount_point)
{
  SeyeFilesystem fs = { 0 };

  for (guint i = 0; i < target->filesystems->len; i++)
    {
      SeyeFilesystem *have = &g_array_index (target->filesystems, SeyeFilesystem, i);

      if (strcmp (have->mount_point, mount_point) == 0)
        return have;
    }

  if (target->filesystems->len >= SEYE_MAX_FILESYSTEMS)
    return NULL;

  fs.mount_point = g_strdup (mount_point);
  g_array_append_val (target->filesystems, fs);

  return &g_array_index (target->filesystems, SeyeFilesystem, target->filesystems->len - 1);
}

static gboolean
take_filesystem (PromRefresh *refresh,
                 PromTarget  *target,
                 JsonObject  *metric,
                 double       value)
{
  const char *mount_point = label (metric, "mountpoint");
  const char *what = label (metric, "seye");
  SeyeFilesystem *fs;
  guint64 bytes;

  if (mount_point == NULL || what == NULL || value < 0 || value > (double) G_MAXINT64 ||
      (fs = find_filesystem (target, mount_point)) == NULL)
    return FALSE;

  bytes = (guint64) value;
  if (fs->device == NULL)
    {
      fs->device = g_strdup (label (metric, "device"));
      fs->fs_type = g_strdup (label (metric, "fstype"));
    }

  if (strcmp (what, "size") == 0)
    fs->size_bytes = bytes;
  else if (strcmp (what, "avail") == 0)
    fs->avail_bytes = bytes;
  else if (strcmp (what, "free") == 0)
    fs->free_bytes = bytes;
  else
    return FALSE;

  fs->used_bytes = fs->size_bytes > fs->free_bytes ? fs->size_bytes - fs->free_bytes : 0;

  return TRUE;
}

gboolean
_seye_prom_parse_filesystems (PromRefresh  *refresh,
                              JsonNode     *data,
                              GError      **error)
{
  return each_series (refresh, data, take_filesystem, error);
}

static void
take_string (char       **field,
             const char  *value)
{
  if (*field == NULL && value != NULL && value[0] != '\0')
    *field = g_strdup (value);
}

/* The node's tags, ",web,eu-1,": our agent's seye_node_info says them, and
 * `seye discover` puts them on every series of the target. When both do,
 * Prometheus keeps the target's as "tags" and the agent's as "exported_tags". */
static void
take_tags (PromTarget *target,
           JsonObject *metric)
{
  const char *tags = label (metric, "tags");

  if (target->tags != NULL)
    return;

  target->tags = seye_tags_from_label (tags != NULL ? tags : label (metric, "exported_tags"));
}

/* seye_node_info (ours) first; node_uname_info fills what it did not say. */
static gboolean
take_info (PromRefresh *refresh,
           PromTarget  *target,
           JsonObject  *metric,
           double       value)
{
  const char *name = label (metric, "__name__");

  if (g_strcmp0 (name, "seye_node_info") == 0 || g_strcmp0 (name, "node_uname_info") == 0)
    take_tags (target, metric);

  if (g_strcmp0 (name, "seye_node_info") == 0)
    {
      const char *node_id = label (metric, "node_id");

      if (node_id != NULL && seye_node_id_is_valid (node_id))
        take_string (&target->node_id, node_id);
      take_string (&target->name, label (metric, "name"));
      take_string (&target->hostname, label (metric, "hostname"));
      take_string (&target->os_name, label (metric, "os"));
      take_string (&target->kernel, label (metric, "kernel"));
      take_string (&target->arch, label (metric, "arch"));
      take_string (&target->agent_version, label (metric, "agent_version"));
      return TRUE;
    }

  if (g_strcmp0 (name, "node_uname_info") == 0)
    {
      take_string (&target->hostname, label (metric, "nodename"));
      take_string (&target->os_name, label (metric, "sysname"));
      take_string (&target->kernel, label (metric, "release"));
      take_string (&target->arch, label (metric, "machine"));
      return TRUE;
    }

  return FALSE;
}

gboolean
_seye_prom_parse_info (PromRefresh  *refresh,
                       JsonNode     *data,
                       GError      **error)
{
  return each_series (refresh, data, take_info, error);
}

/**
 * _seye_prom_parse_duration:
 *
 * Returns: seconds of a Prometheus duration such as "15s", "1m30s", "500ms"; 0
 *   when @text is not one.
 */
double
_seye_prom_parse_duration (const char *text)
{
  static const struct { const char *unit; double seconds; } units[] = {
    { "ms", 0.001 }, { "s", 1 }, { "m", 60 }, { "h", 3600 }, { "d", 86400 }, { "w", 604800 }, { "y", 31536000 },
  };
  double total = 0;
  const char *p = text;

  if (text == NULL || *text == '\0')
    return 0;

  while (*p != '\0')
    {
      guint64 number = 0;
      gboolean found = FALSE;

      if (!g_ascii_isdigit (*p))
        return 0;
      while (g_ascii_isdigit (*p) && number < G_MAXUINT32)
        number = number * 10 + (guint64) (*p++ - '0');
      if (g_ascii_isdigit (*p))
        return 0;

      for (guint i = 0; i < G_N_ELEMENTS (units); i++)
        {
          gsize len = strlen (units[i].unit);

          if (strncmp (p, units[i].unit, len) == 0 && !g_ascii_isalpha (p[len]))
            {
              total += (double) number * units[i].seconds;
              p += len;
              found = TRUE;
              break;
            }
        }
      if (!found)
        return 0;
    }

  return total;
}

/* "global:\n  scrape_interval: 15s\n": the first scrape_interval under global. */
double
_seye_prom_parse_config_interval (JsonNode *data)
{
  g_auto (GStrv) lines = NULL;
  gboolean in_global = FALSE;
  const char *yaml;

  if (data == NULL || !JSON_NODE_HOLDS_OBJECT (data))
    return 0;

  yaml = _seye_prom_string_member (json_node_get_object (data), "yaml");
  if (yaml == NULL)
    return 0;

  lines = g_strsplit (yaml, "\n", 0);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];

      if (line[0] != ' ' && line[0] != '\0')
        in_global = g_str_has_prefix (line, "global:");
      else if (in_global && g_str_has_prefix (g_strchug (lines[i]), "scrape_interval:"))
        {
          char *value = g_strstrip (lines[i] + strlen ("scrape_interval:"));

          return _seye_prom_parse_duration (value);
        }
    }

  return 0;
}

/* Samples ------------------------------------------------------------------ */

static gboolean
known (const PromTarget *target,
       PromValue         value)
{
  return isfinite (target->values[value]);
}

static guint64
bytes_of (double value)
{
  return value > 0 && value < (double) G_MAXINT64 ? (guint64) value : 0;
}

static guint
count_of (double value)
{
  return value > 0 && value < (double) G_MAXUINT32 ? (guint) value : 0;
}

static void
fill_memory (SeyeSample       *sample,
             const PromTarget *target)
{
  const double *v = target->values;
  SeyeMemory *m = &sample->memory;

  m->total = bytes_of (v[PROM_MEM_TOTAL]);
  m->available = MIN (bytes_of (v[PROM_MEM_AVAILABLE]), m->total);
  m->used = m->total - m->available;
  m->free = bytes_of (v[PROM_MEM_FREE]);
  m->buffers = bytes_of (v[PROM_MEM_BUFFERS]);
  m->cached = bytes_of (v[PROM_MEM_CACHED]);
  m->swap_total = bytes_of (v[PROM_SWAP_TOTAL]);
  m->swap_used = m->swap_total - MIN (bytes_of (v[PROM_SWAP_FREE]), m->swap_total);
  sample->parts |= SEYE_SAMPLE_MEMORY;
}

/**
 * _seye_prom_target_sample:
 *
 * Returns: (transfer full) (nullable): what @target has, with only the parts
 *   it has values for (a part it lacks is unknown, never zero); %NULL when it
 *   has none.
 */
SeyeSample *
_seye_prom_target_sample (const PromTarget *target,
                          gint64            time_ms,
                          double            interval)
{
  g_autoptr (SeyeSample) sample = seye_sample_new ();
  const double *v = target->values;

  sample->time_ms = time_ms;
  sample->interval = interval;

  if (known (target, PROM_CPU_BUSY))
    {
      sample->cpu.busy = CLAMP (v[PROM_CPU_BUSY], 0.0, 100.0);
      sample->cpu.user = known (target, PROM_CPU_USER) ? CLAMP (v[PROM_CPU_USER], 0.0, 100.0) : 0;
      sample->cpu.system = known (target, PROM_CPU_SYSTEM) ? CLAMP (v[PROM_CPU_SYSTEM], 0.0, 100.0) : 0;
      sample->cpu.iowait = known (target, PROM_CPU_IOWAIT) ? CLAMP (v[PROM_CPU_IOWAIT], 0.0, 100.0) : 0;
      sample->cpu.steal = known (target, PROM_CPU_STEAL) ? CLAMP (v[PROM_CPU_STEAL], 0.0, 100.0) : 0;
      g_array_append_vals (sample->cores, target->cores->data, target->cores->len);
      sample->parts |= SEYE_SAMPLE_CPU;
    }

  if (known (target, PROM_MEM_TOTAL) && known (target, PROM_MEM_AVAILABLE) && v[PROM_MEM_TOTAL] > 0)
    fill_memory (sample, target);

  if (known (target, PROM_LOAD1) && known (target, PROM_LOAD5) && known (target, PROM_LOAD15))
    {
      sample->load[0] = MAX (v[PROM_LOAD1], 0.0);
      sample->load[1] = MAX (v[PROM_LOAD5], 0.0);
      sample->load[2] = MAX (v[PROM_LOAD15], 0.0);
      sample->parts |= SEYE_SAMPLE_LOAD;
    }

  /* node_exporter counts no processes by default: without a total, none is shown. */
  if (known (target, PROM_PROCS_TOTAL))
    {
      sample->procs_total = count_of (v[PROM_PROCS_TOTAL]);
      sample->procs_running = count_of (v[PROM_PROCS_RUNNING]);
      sample->procs_blocked = count_of (v[PROM_PROCS_BLOCKED]);
      sample->threads = count_of (v[PROM_THREADS]);
      sample->parts |= SEYE_SAMPLE_PROCESSES;
    }

  if (known (target, PROM_BOOT_TIME) && v[PROM_BOOT_TIME] > 0 && v[PROM_BOOT_TIME] < time_ms / 1000.0)
    {
      sample->boot_time = (gint64) v[PROM_BOOT_TIME];
      sample->uptime = time_ms / 1000.0 - v[PROM_BOOT_TIME];
      sample->parts |= SEYE_SAMPLE_UPTIME;
    }

  if (known (target, PROM_NET_RX) && known (target, PROM_NET_TX))
    {
      sample->net_rx_bytes_per_sec = MAX (v[PROM_NET_RX], 0.0);
      sample->net_tx_bytes_per_sec = MAX (v[PROM_NET_TX], 0.0);
      sample->parts |= SEYE_SAMPLE_NETWORK;
    }

  if (known (target, PROM_DISK_READ) && known (target, PROM_DISK_WRITE))
    {
      sample->disk_read_bytes_per_sec = MAX (v[PROM_DISK_READ], 0.0);
      sample->disk_write_bytes_per_sec = MAX (v[PROM_DISK_WRITE], 0.0);
      sample->parts |= SEYE_SAMPLE_DISK;
    }

  for (guint i = 0; i < target->filesystems->len; i++)
    {
      const SeyeFilesystem *have = &g_array_index (target->filesystems, SeyeFilesystem, i);
      SeyeFilesystem fs = *have;

      if (have->size_bytes == 0)
        continue;
      fs.mount_point = g_strdup (have->mount_point);
      fs.device = g_strdup (have->device);
      fs.fs_type = g_strdup (have->fs_type);
      g_array_append_val (sample->filesystems, fs);
      sample->parts |= SEYE_SAMPLE_FILESYSTEMS;
    }

  return sample->parts != 0 ? g_steal_pointer (&sample) : NULL;
}

/**
 * _seye_prom_target_info:
 *
 * Returns: (transfer full): who @target says it is: our agent's seye_node_info
 *   (with its node id), node_exporter's node_uname_info, or only its instance.
 */
SeyeNodeInfo *
_seye_prom_target_info (const PromTarget *target,
                        double            interval)
{
  SeyeNodeInfo *info = seye_node_info_new ();

  info->node_id = g_strdup (target->node_id);
  info->name = g_strdup (target->name != NULL ? target->name
                                              : target->hostname != NULL ? target->hostname
                                                                         : target->instance);
  info->hostname = g_strdup (target->hostname);
  info->os_name = g_strdup (target->os_name);
  info->kernel = g_strdup (target->kernel);
  info->arch = g_strdup (target->arch);
  info->agent_version = g_strdup (target->agent_version);
  info->tags = g_strdupv (target->tags);
  info->n_cores = target->cores->len;
  info->interval = interval;
  info->boot_time = isfinite (target->values[PROM_BOOT_TIME]) ? (gint64) target->values[PROM_BOOT_TIME] : 0;

  return info;
}
