/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-json"

#include "config.h"

#include <math.h>
#include <string.h>

#include "seye-error.h"
#include "seye-json-private.h"

/*
 * A sample, in its two forms: the object /v1/metrics serves and the compact
 * array of /v1/stream. Every value goes through the checks of seye-json.c.
 */

/* The object form ---------------------------------------------------------- */

static gboolean
decode_core_column (JsonObject  *cores,
                    const char  *name,
                    GArray      *out,
                    gsize        offset,
                    GError     **error)
{
  JsonArray *array = _seye_json_get_array (cores, name, SEYE_MAX_CORES, error);

  if (array == NULL)
    return FALSE;

  if (json_array_get_length (array) != out->len)
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_INVALID,
                   "“cores.%s” has %u entries for %u cores", name,
                   json_array_get_length (array), out->len);
      return FALSE;
    }

  for (guint i = 0; i < out->len; i++)
    {
      SeyeCpuStat *core = &g_array_index (out, SeyeCpuStat, i);

      if (!_seye_json_node_to_percent (json_array_get_element (array, i), name,
                                       &G_STRUCT_MEMBER (double, core, offset), error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
decode_core_ids (JsonArray   *ids,
                 SeyeSample  *sample,
                 GError     **error)
{
  g_array_set_size (sample->cores, json_array_get_length (ids));
  for (guint i = 0; i < sample->cores->len; i++)
    {
      SeyeCpuStat *core = &g_array_index (sample->cores, SeyeCpuStat, i);
      double id;

      if (!_seye_json_node_to_number (json_array_get_element (ids, i), "cores.id", 0, 65535,
                                      &id, error))
        return FALSE;
      if (id != floor (id) || (i > 0 && id <= (core - 1)->id))
        {
          g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_INVALID,
                               "“cores.id” is not a rising list of whole numbers");
          return FALSE;
        }
      core->id = (int) id;
    }

  return TRUE;
}

static gboolean
decode_cpu_stat (JsonObject   *object,
                 SeyeCpuStat  *stat,
                 GError      **error)
{
  return _seye_json_get_percent (object, "busy", &stat->busy, error) &&
         _seye_json_get_percent (object, "user", &stat->user, error) &&
         _seye_json_get_percent (object, "system", &stat->system, error) &&
         _seye_json_get_percent (object, "iowait", &stat->iowait, error) &&
         _seye_json_get_percent (object, "steal", &stat->steal, error);
}

static gboolean
decode_cpu (JsonObject  *root,
            SeyeSample  *sample,
            GError     **error)
{
  JsonObject *cpu;
  JsonObject *cores;
  JsonArray *ids;

  if (!(cpu = _seye_json_get_member_object (root, "cpu", error)) ||
      !decode_cpu_stat (cpu, &sample->cpu, error) ||
      !(cores = _seye_json_get_member_object (cpu, "cores", error)) ||
      !(ids = _seye_json_get_array (cores, "id", SEYE_MAX_CORES, error)))
    return FALSE;

  if (!decode_core_ids (ids, sample, error))
    return FALSE;

  return decode_core_column (cores, "busy", sample->cores, G_STRUCT_OFFSET (SeyeCpuStat, busy), error) &&
         decode_core_column (cores, "user", sample->cores, G_STRUCT_OFFSET (SeyeCpuStat, user), error) &&
         decode_core_column (cores, "system", sample->cores, G_STRUCT_OFFSET (SeyeCpuStat, system), error) &&
         decode_core_column (cores, "iowait", sample->cores, G_STRUCT_OFFSET (SeyeCpuStat, iowait), error) &&
         decode_core_column (cores, "steal", sample->cores, G_STRUCT_OFFSET (SeyeCpuStat, steal), error);
}

static gboolean
check_memory (const SeyeMemory  *m,
              GError           **error)
{
  if (m->used > m->total || m->available > m->total || m->free > m->total ||
      m->swap_used > m->swap_total)
    {
      g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_INVALID,
                           "“memory” holds more in use or free than in total");
      return FALSE;
    }

  return TRUE;
}

static gboolean
decode_memory (JsonObject  *root,
               SeyeSample  *sample,
               GError     **error)
{
  JsonObject *mem = _seye_json_get_member_object (root, "memory", error);
  SeyeMemory *m = &sample->memory;

  if (mem == NULL ||
      !_seye_json_get_uint64 (mem, "total", MAX_BYTES, &m->total, error) ||
      !_seye_json_get_uint64 (mem, "available", MAX_BYTES, &m->available, error) ||
      !_seye_json_get_uint64 (mem, "used", MAX_BYTES, &m->used, error) ||
      !_seye_json_get_uint64 (mem, "free", MAX_BYTES, &m->free, error) ||
      !_seye_json_get_uint64 (mem, "buffers", MAX_BYTES, &m->buffers, error) ||
      !_seye_json_get_uint64 (mem, "cached", MAX_BYTES, &m->cached, error) ||
      !_seye_json_get_uint64 (mem, "swap_total", MAX_BYTES, &m->swap_total, error) ||
      !_seye_json_get_uint64 (mem, "swap_used", MAX_BYTES, &m->swap_used, error))
    return FALSE;

  return check_memory (m, error);
}

static gboolean
decode_load (JsonObject  *root,
             SeyeSample  *sample,
             GError     **error)
{
  JsonArray *load = _seye_json_get_array (root, "load", 3, error);

  if (load == NULL)
    return FALSE;

  if (json_array_get_length (load) != 3)
    {
      g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_INVALID, "“load” does not hold three numbers");
      return FALSE;
    }

  for (guint i = 0; i < 3; i++)
    if (!_seye_json_node_to_number (json_array_get_element (load, i), "load", 0, MAX_LOAD,
                                    &sample->load[i], error))
      return FALSE;

  return TRUE;
}

static gboolean
decode_processes (JsonObject  *root,
                  SeyeSample  *sample,
                  GError     **error)
{
  JsonObject *procs = _seye_json_get_member_object (root, "processes", error);

  return procs != NULL &&
         _seye_json_get_uint (procs, "total", &sample->procs_total, error) &&
         _seye_json_get_uint (procs, "running", &sample->procs_running, error) &&
         _seye_json_get_uint (procs, "blocked", &sample->procs_blocked, error) &&
         _seye_json_get_uint (procs, "threads", &sample->threads, error);
}

static gboolean
decode_uptime (JsonObject  *root,
               SeyeSample  *sample,
               GError     **error)
{
  JsonObject *uptime = _seye_json_get_member_object (root, "uptime", error);

  return uptime != NULL &&
         _seye_json_get_number (uptime, "seconds", 0, MAX_SECONDS, &sample->uptime, error) &&
         _seye_json_get_int64 (uptime, "boot_time", 0, MAX_TIME_MS / 1000, &sample->boot_time,
                               error);
}

static gboolean
decode_network (JsonObject  *root,
                SeyeSample  *sample,
                GError     **error)
{
  JsonObject *net;
  JsonArray *ifaces;

  if (!(net = _seye_json_get_member_object (root, "network", error)) ||
      !_seye_json_get_number (net, "rx", 0, MAX_RATE, &sample->net_rx_bytes_per_sec, error) ||
      !_seye_json_get_number (net, "tx", 0, MAX_RATE, &sample->net_tx_bytes_per_sec, error) ||
      !(ifaces = _seye_json_get_array (net, "interfaces", SEYE_MAX_INTERFACES, error)))
    return FALSE;

  for (guint i = 0; i < json_array_get_length (ifaces); i++)
    {
      JsonObject *object = _seye_json_get_object (json_array_get_element (ifaces, i),
                                                  "interfaces[]", error);
      SeyeNetIface iface = { 0 };
      SeyeNetIface *n;

      if (object == NULL)
        return FALSE;

      /* Appended first so the array's clear func frees the name on any error. */
      g_array_append_val (sample->interfaces, iface);
      n = &g_array_index (sample->interfaces, SeyeNetIface, i);
      if (!_seye_json_get_string (object, "name", SEYE_MAX_STRING, FALSE, &n->name, error) ||
          !_seye_json_get_number (object, "rx", 0, MAX_RATE, &n->rx_bytes_per_sec, error) ||
          !_seye_json_get_number (object, "tx", 0, MAX_RATE, &n->tx_bytes_per_sec, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
decode_disk (JsonObject  *root,
             SeyeSample  *sample,
             GError     **error)
{
  JsonObject *disk;
  JsonArray *devices;

  if (!(disk = _seye_json_get_member_object (root, "disk", error)) ||
      !_seye_json_get_number (disk, "read", 0, MAX_RATE, &sample->disk_read_bytes_per_sec, error) ||
      !_seye_json_get_number (disk, "write", 0, MAX_RATE, &sample->disk_write_bytes_per_sec,
                              error) ||
      !(devices = _seye_json_get_array (disk, "devices", SEYE_MAX_DISKS, error)))
    return FALSE;

  for (guint i = 0; i < json_array_get_length (devices); i++)
    {
      JsonObject *object = _seye_json_get_object (json_array_get_element (devices, i),
                                                  "devices[]", error);
      SeyeDiskDevice device = { 0 };
      SeyeDiskDevice *d;

      if (object == NULL)
        return FALSE;

      g_array_append_val (sample->disks, device);
      d = &g_array_index (sample->disks, SeyeDiskDevice, i);
      if (!_seye_json_get_string (object, "name", SEYE_MAX_STRING, FALSE, &d->name, error) ||
          !_seye_json_get_number (object, "read", 0, MAX_RATE, &d->read_bytes_per_sec, error) ||
          !_seye_json_get_number (object, "write", 0, MAX_RATE, &d->write_bytes_per_sec, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
decode_filesystems (JsonObject  *root,
                    SeyeSample  *sample,
                    GError     **error)
{
  JsonArray *array = _seye_json_get_array (root, "filesystems", SEYE_MAX_FILESYSTEMS, error);

  if (array == NULL)
    return FALSE;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = _seye_json_get_object (json_array_get_element (array, i),
                                                  "filesystems[]", error);
      SeyeFilesystem filesystem = { 0 };
      SeyeFilesystem *fs;

      if (object == NULL)
        return FALSE;

      g_array_append_val (sample->filesystems, filesystem);
      fs = &g_array_index (sample->filesystems, SeyeFilesystem, i);
      if (!_seye_json_get_string (object, "mount", MAX_PATH, FALSE, &fs->mount_point, error) ||
          !_seye_json_get_string (object, "device", MAX_PATH, TRUE, &fs->device, error) ||
          !_seye_json_get_string (object, "type", SEYE_MAX_STRING, TRUE, &fs->fs_type, error) ||
          !_seye_json_get_uint64 (object, "size", MAX_BYTES, &fs->size_bytes, error) ||
          !_seye_json_get_uint64 (object, "used", MAX_BYTES, &fs->used_bytes, error) ||
          !_seye_json_get_uint64 (object, "available", MAX_BYTES, &fs->avail_bytes, error) ||
          !_seye_json_get_uint64 (object, "free", MAX_BYTES, &fs->free_bytes, error))
        return FALSE;

      if (fs->used_bytes > fs->size_bytes || fs->free_bytes > fs->size_bytes ||
          fs->avail_bytes > fs->size_bytes)
        {
          g_set_error (error, SEYE_ERROR, SEYE_ERROR_INVALID,
                       "filesystem “%s” holds more in use or free than its size", fs->mount_point);
          return FALSE;
        }
    }

  return TRUE;
}

typedef gboolean (*DecodePart) (JsonObject *, SeyeSample *, GError **);

static const struct {
  const char      *name;
  SeyeSampleParts  part;
  DecodePart       decode;
} sample_parts[] = {
  { "cpu",         SEYE_SAMPLE_CPU,         decode_cpu },
  { "memory",      SEYE_SAMPLE_MEMORY,      decode_memory },
  { "load",        SEYE_SAMPLE_LOAD,        decode_load },
  { "processes",   SEYE_SAMPLE_PROCESSES,   decode_processes },
  { "uptime",      SEYE_SAMPLE_UPTIME,      decode_uptime },
  { "network",     SEYE_SAMPLE_NETWORK,     decode_network },
  { "disk",        SEYE_SAMPLE_DISK,        decode_disk },
  { "filesystems", SEYE_SAMPLE_FILESYSTEMS, decode_filesystems },
};

/* The compact form ---------------------------------------------------------- */

/* [schema, time, interval, cpu, memory, load, processes, uptime, network, disk]:
 * each part an array of fixed length, or null when the sample leaves it out
 * (docs/api.md). The values go through the checks of the object form. A stream
 * asked for processes (/v1/stream?processes=N) has one place more at the end:
 * the top processes, an object as /v1/processes has it, or null before the
 * agent's first window; it is not part of the sample and is left to whoever
 * asked for it. */
enum {
  COMPACT_SCHEMA,
  COMPACT_TIME,
  COMPACT_INTERVAL,
  COMPACT_CPU,
  COMPACT_MEMORY,
  COMPACT_LOAD,
  COMPACT_PROCESSES,
  COMPACT_UPTIME,
  COMPACT_NETWORK,
  COMPACT_DISK,
  COMPACT_LENGTH,
  COMPACT_TOP_PROCESSES = COMPACT_LENGTH,   /* only with ?processes=N */
};

/* Part @index of @root, an array of @length values; NULL with *@present FALSE for null. */
static JsonArray *
compact_part (JsonArray   *root,
              guint        index,
              const char  *name,
              guint        length,
              gboolean    *present,
              GError     **error)
{
  JsonNode *node = json_array_get_element (root, index);

  *present = !JSON_NODE_HOLDS_NULL (node);
  if (!*present)
    return NULL;

  if (!JSON_NODE_HOLDS_ARRAY (node) || json_array_get_length (json_node_get_array (node)) != length)
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_INVALID,
                   "bad “%s” in sample: not an array of %u values", name, length);
      return NULL;
    }

  return json_node_get_array (node);
}

#define ITEM(array, i) json_array_get_element ((array), (i))

static gboolean
decode_compact_cpu (JsonArray   *cpu,
                    SeyeSample  *sample,
                    GError     **error)
{
  double *stat[] = { &sample->cpu.busy, &sample->cpu.user, &sample->cpu.system,
                     &sample->cpu.iowait, &sample->cpu.steal };
  JsonNode *ids = ITEM (cpu, 5);
  JsonNode *busy = ITEM (cpu, 6);

  for (guint i = 0; i < G_N_ELEMENTS (stat); i++)
    if (!_seye_json_node_to_percent (ITEM (cpu, i), "cpu", stat[i], error))
      return FALSE;

  if (!JSON_NODE_HOLDS_ARRAY (ids) || !JSON_NODE_HOLDS_ARRAY (busy) ||
      json_array_get_length (json_node_get_array (ids)) > SEYE_MAX_CORES ||
      json_array_get_length (json_node_get_array (ids)) != json_array_get_length (json_node_get_array (busy)))
    {
      g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_INVALID,
                           "the cores are not two lists of the same length");
      return FALSE;
    }

  if (!decode_core_ids (json_node_get_array (ids), sample, error))
    return FALSE;

  for (guint i = 0; i < sample->cores->len; i++)
    if (!_seye_json_node_to_percent (ITEM (json_node_get_array (busy), i), "cores.busy",
                                     &g_array_index (sample->cores, SeyeCpuStat, i).busy, error))
      return FALSE;

  return TRUE;
}

static gboolean
decode_compact_memory (JsonArray   *memory,
                       SeyeSample  *sample,
                       GError     **error)
{
  guint64 *values[] = { &sample->memory.total, &sample->memory.available, &sample->memory.used,
                        &sample->memory.free, &sample->memory.buffers, &sample->memory.cached,
                        &sample->memory.swap_total, &sample->memory.swap_used };

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    if (!_seye_json_node_to_uint64 (ITEM (memory, i), "memory", MAX_BYTES, values[i], error))
      return FALSE;

  return check_memory (&sample->memory, error);
}

static gboolean
decode_compact_load (JsonArray   *load,
                     SeyeSample  *sample,
                     GError     **error)
{
  for (guint i = 0; i < 3; i++)
    if (!_seye_json_node_to_number (ITEM (load, i), "load", 0, MAX_LOAD, &sample->load[i], error))
      return FALSE;

  return TRUE;
}

static gboolean
decode_compact_processes (JsonArray   *processes,
                          SeyeSample  *sample,
                          GError     **error)
{
  guint *values[] = { &sample->procs_total, &sample->procs_running, &sample->procs_blocked,
                      &sample->threads };

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      guint64 value;

      if (!_seye_json_node_to_uint64 (ITEM (processes, i), "processes", MAX_COUNT, &value, error))
        return FALSE;
      *values[i] = (guint) value;
    }

  return TRUE;
}

static gboolean
decode_compact_uptime (JsonArray   *uptime,
                       SeyeSample  *sample,
                       GError     **error)
{
  return _seye_json_node_to_number (ITEM (uptime, 0), "uptime", 0, MAX_SECONDS,
                                    &sample->uptime, error) &&
         _seye_json_node_to_int64 (ITEM (uptime, 1), "boot_time", 0, MAX_TIME_MS / 1000,
                                   &sample->boot_time, error);
}

static gboolean
decode_compact_network (JsonArray   *network,
                        SeyeSample  *sample,
                        GError     **error)
{
  return _seye_json_node_to_number (ITEM (network, 0), "network", 0, MAX_RATE,
                                    &sample->net_rx_bytes_per_sec, error) &&
         _seye_json_node_to_number (ITEM (network, 1), "network", 0, MAX_RATE,
                                    &sample->net_tx_bytes_per_sec, error);
}

static gboolean
decode_compact_disk (JsonArray   *disk,
                     SeyeSample  *sample,
                     GError     **error)
{
  return _seye_json_node_to_number (ITEM (disk, 0), "disk", 0, MAX_RATE,
                                    &sample->disk_read_bytes_per_sec, error) &&
         _seye_json_node_to_number (ITEM (disk, 1), "disk", 0, MAX_RATE,
                                    &sample->disk_write_bytes_per_sec, error);
}

typedef gboolean (*DecodeCompactPart) (JsonArray *, SeyeSample *, GError **);

/* In the order of the array, each with the number of values it holds. */
static const struct {
  guint              index;
  const char        *name;
  guint              length;
  SeyeSampleParts    part;
  DecodeCompactPart  decode;
} compact_parts[] = {
  { COMPACT_CPU,       "cpu",       7, SEYE_SAMPLE_CPU,       decode_compact_cpu },
  { COMPACT_MEMORY,    "memory",    8, SEYE_SAMPLE_MEMORY,    decode_compact_memory },
  { COMPACT_LOAD,      "load",      3, SEYE_SAMPLE_LOAD,      decode_compact_load },
  { COMPACT_PROCESSES, "processes", 4, SEYE_SAMPLE_PROCESSES, decode_compact_processes },
  { COMPACT_UPTIME,    "uptime",    2, SEYE_SAMPLE_UPTIME,    decode_compact_uptime },
  { COMPACT_NETWORK,   "network",   2, SEYE_SAMPLE_NETWORK,   decode_compact_network },
  { COMPACT_DISK,      "disk",      2, SEYE_SAMPLE_DISK,      decode_compact_disk },
};

/* The schema, the length, the time and the interval: what comes before the parts. */
static gboolean
decode_compact_header (JsonArray   *root,
                       SeyeSample  *sample,
                       GError     **error)
{
  double schema;

  /* The schema first: another one may be laid out otherwise. */
  if (json_array_get_length (root) == 0 ||
      !_seye_json_node_to_number (ITEM (root, COMPACT_SCHEMA), "schema", 0, G_MAXINT,
                                  &schema, error))
    {
      if (json_array_get_length (root) == 0)
        g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_INVALID, "“schema” is missing");
      return FALSE;
    }
  if (schema != SEYE_SCHEMA_VERSION)
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_INCOMPATIBLE,
                   "the node speaks schema version %g; this program understands version %d",
                   schema, SEYE_SCHEMA_VERSION);
      return FALSE;
    }

  if (json_array_get_length (root) == COMPACT_LENGTH + 1)
    {
      JsonNode *top = ITEM (root, COMPACT_TOP_PROCESSES);

      if (!JSON_NODE_HOLDS_OBJECT (top) && !JSON_NODE_HOLDS_NULL (top))
        {
          g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_INVALID,
                               "the top processes of a compact sample are not an object");
          return FALSE;
        }
    }
  else if (json_array_get_length (root) != COMPACT_LENGTH)
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_INVALID,
                   "a compact sample has %u values (%u with the top processes), not %u",
                   COMPACT_LENGTH, COMPACT_LENGTH + 1, json_array_get_length (root));
      return FALSE;
    }

  return _seye_json_node_to_int64 (ITEM (root, COMPACT_TIME), "time", 1, MAX_TIME_MS,
                                   &sample->time_ms, error) &&
         _seye_json_node_to_number (ITEM (root, COMPACT_INTERVAL), "interval", 0, 3600,
                                    &sample->interval, error);
}

static SeyeSample *
sample_from_compact (JsonArray  *root,
                     GError    **error)
{
  g_autoptr (SeyeSample) sample = seye_sample_new ();

  if (!decode_compact_header (root, sample, error))
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (compact_parts); i++)
    {
      g_autoptr (GError) local_error = NULL;
      gboolean present;
      JsonArray *part = compact_part (root, compact_parts[i].index, compact_parts[i].name,
                                      compact_parts[i].length, &present, error);

      if (part == NULL)
        {
          if (present)
            return NULL;
          continue;
        }

      if (!compact_parts[i].decode (part, sample, &local_error))
        {
          g_set_error (error, SEYE_ERROR, SEYE_ERROR_INVALID,
                       "bad “%s” in sample: %s", compact_parts[i].name, local_error->message);
          return NULL;
        }

      sample->parts |= compact_parts[i].part;
    }

  return g_steal_pointer (&sample);
}

#undef ITEM

/**
 * seye_sample_from_json_node:
 *
 * Decodes and checks one sample: an object (as /v1/metrics serves it), or an
 * array in the compact form of /v1/stream. Parts the sample leaves out are
 * left out; a part that is present must be complete and sane.
 *
 * Returns: (transfer full) (nullable): the sample, or %NULL with @error set.
 */
SeyeSample *
seye_sample_from_json_node (JsonNode  *node,
                            GError   **error)
{
  g_autoptr (SeyeSample) sample = NULL;
  g_autoptr (GError) local_error = NULL;
  JsonObject *root;

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    return sample_from_compact (json_node_get_array (node), error);

  if (!(root = _seye_json_get_object (node, "sample", error)) ||
      !_seye_json_check_schema (root, error))
    return NULL;

  sample = seye_sample_new ();

  if (!_seye_json_get_int64 (root, "time", 1, MAX_TIME_MS, &sample->time_ms, error) ||
      !_seye_json_get_number (root, "interval", 0, 3600, &sample->interval, error))
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (sample_parts); i++)
    {
      if (!json_object_has_member (root, sample_parts[i].name))
        continue;

      if (!sample_parts[i].decode (root, sample, &local_error))
        {
          g_set_error (error, SEYE_ERROR, SEYE_ERROR_INVALID,
                       "bad “%s” in sample: %s", sample_parts[i].name, local_error->message);
          return NULL;
        }

      sample->parts |= sample_parts[i].part;
    }

  return g_steal_pointer (&sample);
}

SeyeSample *
seye_sample_from_json (const char  *data,
                       gssize       length,
                       GError     **error)
{
  g_autoptr (JsonNode) root = _seye_json_parse (data, length, error);

  return root ? seye_sample_from_json_node (root, error) : NULL;
}
