/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-json"

#include "config.h"

#include <math.h>
#include <string.h>

#include "seye-json.h"
#include "seye-sanitize.h"

/*
 * The encoder, kept apart from the decoder so that a program that only writes
 * (the agent) does not link json-glib.
 */

static void
write_number (GString *str,
              double   value,
              int      decimals)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  char format[8];
  gsize len;

  if (!isfinite (value))
    value = 0.0;

  g_snprintf (format, sizeof format, "%%.%df", decimals);
  g_ascii_formatd (buf, sizeof buf, format, value);

  /* "12.50" -> "12.5", "3.00" -> "3", "-0" -> "0" */
  len = strlen (buf);
  if (strchr (buf, '.') != NULL)
    {
      while (len > 0 && buf[len - 1] == '0')
        buf[--len] = '\0';
      if (len > 0 && buf[len - 1] == '.')
        buf[--len] = '\0';
    }
  if (strcmp (buf, "-0") == 0)
    strcpy (buf, "0");

  g_string_append (str, buf);
}

void
seye_json_write_double (GString *str,
                        double   value)
{
  write_number (str, value, 2);
}

/* The exact string, and still safe on a terminal: every character that
 * seye_sanitize_is_hidden() names (C1 controls, bidi and zero-width characters,
 * U+2028 and U+2029) is written as a \u escape. */
void
seye_json_write_string (GString    *str,
                        const char *value)
{
  g_string_append_c (str, '"');

  for (const char *p = value ? value : ""; *p; p++)
    {
      guchar c = (guchar) *p;

      if (c >= 0x80)
        {
          gunichar u = g_utf8_get_char_validated (p, -1);

          /* Not UTF-8 (json-glib decodes a lone "\ud800" to such bytes): JSON
           * carries text, so each such byte is U+FFFD, and the output stays JSON. */
          if (u == (gunichar) -1 || u == (gunichar) -2)
            {
              g_string_append (str, "\\ufffd");
              continue;
            }
          if (seye_sanitize_is_hidden (u) && u > 0xffff)
            g_string_append_printf (str, "\\u%04x\\u%04x",
                                    0xd800 + ((u - 0x10000) >> 10), 0xdc00 + ((u - 0x10000) & 0x3ff));
          else if (seye_sanitize_is_hidden (u))
            g_string_append_printf (str, "\\u%04x", u);
          else
            g_string_append_len (str, p, g_utf8_next_char (p) - p);
          p = g_utf8_next_char (p) - 1;
          continue;
        }

      switch (c)
        {
        case '"':  g_string_append (str, "\\\""); break;
        case '\\': g_string_append (str, "\\\\"); break;
        case '\n': g_string_append (str, "\\n"); break;
        case '\r': g_string_append (str, "\\r"); break;
        case '\t': g_string_append (str, "\\t"); break;
        default:
          if (c < 0x20 || c == 0x7f)
            g_string_append_printf (str, "\\u%04x", c);
          else
            g_string_append_c (str, (char) c);
        }
    }

  g_string_append_c (str, '"');
}

/* Strings from /proc or the system are not guaranteed to be UTF-8 nor free of
 * control characters: make them valid, printable text, which every client accepts. */
static void
write_text (GString    *str,
            const char *value)
{
  g_autofree char *text = NULL;

  if (value == NULL)
    value = "";

  text = g_utf8_validate (value, -1, NULL) ? g_strdup (value) : g_utf8_make_valid (value, -1);
  for (char *p = text; *p; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      *p = ' ';

  seye_json_write_string (str, text);
}

static void
member (GString    *str,
        const char *name)
{
  if (str->len > 0 && str->str[str->len - 1] != '{' && str->str[str->len - 1] != '[')
    g_string_append_c (str, ',');
  g_string_append_c (str, '"');
  g_string_append (str, name);
  g_string_append (str, "\":");
}

static void
member_number (GString    *str,
               const char *name,
               double      value,
               int         decimals)
{
  member (str, name);
  write_number (str, value, decimals);
}

static void
member_uint (GString    *str,
             const char *name,
             guint64     value)
{
  member (str, name);
  g_string_append_printf (str, "%" G_GUINT64_FORMAT, value);
}

static void
member_text (GString    *str,
             const char *name,
             const char *value)
{
  member (str, name);
  write_text (str, value);
}

static void
write_core_column (GString    *str,
                   GArray     *cores,
                   const char *name,
                   gsize       offset)
{
  member (str, name);
  g_string_append_c (str, '[');
  for (guint i = 0; i < cores->len; i++)
    {
      const SeyeCpuStat *core = &g_array_index (cores, SeyeCpuStat, i);

      if (i > 0)
        g_string_append_c (str, ',');
      write_number (str, G_STRUCT_MEMBER (double, core, offset), 1);
    }
  g_string_append_c (str, ']');
}

static void
write_cpu (GString          *str,
           const SeyeSample *sample)
{
  member (str, "cpu");
  g_string_append_c (str, '{');
  member_number (str, "busy", sample->cpu.busy, 2);
  member_number (str, "user", sample->cpu.user, 2);
  member_number (str, "system", sample->cpu.system, 2);
  member_number (str, "iowait", sample->cpu.iowait, 2);
  member_number (str, "steal", sample->cpu.steal, 2);

  /* Per core in columns: compact for 256 cores, and what a graph wants. */
  member (str, "cores");
  g_string_append_c (str, '{');
  member (str, "id");
  g_string_append_c (str, '[');
  for (guint i = 0; i < sample->cores->len; i++)
    g_string_append_printf (str, i ? ",%d" : "%d",
                            g_array_index (sample->cores, SeyeCpuStat, i).id);
  g_string_append_c (str, ']');
  write_core_column (str, sample->cores, "busy", G_STRUCT_OFFSET (SeyeCpuStat, busy));
  write_core_column (str, sample->cores, "user", G_STRUCT_OFFSET (SeyeCpuStat, user));
  write_core_column (str, sample->cores, "system", G_STRUCT_OFFSET (SeyeCpuStat, system));
  write_core_column (str, sample->cores, "iowait", G_STRUCT_OFFSET (SeyeCpuStat, iowait));
  write_core_column (str, sample->cores, "steal", G_STRUCT_OFFSET (SeyeCpuStat, steal));
  g_string_append (str, "}}");
}

static void write_sample (GString          *str,
                          const SeyeSample *sample,
                          gboolean          lists);

/**
 * seye_json_write_sample:
 *
 * Appends @sample as one JSON object (schema 1, see docs/api.md). Parts the
 * sample does not hold are left out.
 */
void
seye_json_write_sample (GString          *str,
                        const SeyeSample *sample)
{
  g_return_if_fail (str != NULL);
  g_return_if_fail (sample != NULL);

  write_sample (str, sample, TRUE);
}

/**
 * seye_json_write_sample_totals:
 *
 * The sample as seye_json_write_sample() writes it, but for the lists of
 * network interfaces, disks and filesystems: the interfaces and the disks
 * are empty lists, the filesystems left out. What a view of many nodes needs,
 * in about half the bytes; any decoder reads it.
 */
void
seye_json_write_sample_totals (GString          *str,
                               const SeyeSample *sample)
{
  g_return_if_fail (str != NULL);
  g_return_if_fail (sample != NULL);

  write_sample (str, sample, FALSE);
}

/* Numbers, comma first, for the compact form. */
static void
write_numbers (GString      *str,
               const double *values,
               guint         n_values,
               int           decimals)
{
  for (guint i = 0; i < n_values; i++)
    {
      if (i > 0)
        g_string_append_c (str, ',');
      write_number (str, values[i], decimals);
    }
}

static void
write_uints (GString       *str,
             const guint64 *values,
             guint          n_values)
{
  for (guint i = 0; i < n_values; i++)
    g_string_append_printf (str, i ? ",%" G_GUINT64_FORMAT : "%" G_GUINT64_FORMAT, values[i]);
}

static void
write_compact_cpu (GString          *str,
                   const SeyeSample *sample)
{
  const double cpu[] = { sample->cpu.busy, sample->cpu.user, sample->cpu.system,
                         sample->cpu.iowait, sample->cpu.steal };

  g_string_append_c (str, '[');
  write_numbers (str, cpu, G_N_ELEMENTS (cpu), 2);
  g_string_append (str, ",[");
  for (guint i = 0; i < sample->cores->len; i++)
    g_string_append_printf (str, i ? ",%d" : "%d", g_array_index (sample->cores, SeyeCpuStat, i).id);
  g_string_append (str, "],[");
  for (guint i = 0; i < sample->cores->len; i++)
    {
      if (i > 0)
        g_string_append_c (str, ',');
      write_number (str, g_array_index (sample->cores, SeyeCpuStat, i).busy, 1);
    }
  g_string_append (str, "]]");
}

static void
write_compact_memory (GString          *str,
                      const SeyeSample *sample)
{
  const guint64 memory[] = { sample->memory.total, sample->memory.available, sample->memory.used,
                             sample->memory.free, sample->memory.buffers, sample->memory.cached,
                             sample->memory.swap_total, sample->memory.swap_used };

  g_string_append_c (str, '[');
  write_uints (str, memory, G_N_ELEMENTS (memory));
  g_string_append_c (str, ']');
}

static void
write_compact_load (GString          *str,
                    const SeyeSample *sample)
{
  g_string_append_c (str, '[');
  write_numbers (str, sample->load, 3, 2);
  g_string_append_c (str, ']');
}

static void
write_compact_processes (GString          *str,
                         const SeyeSample *sample)
{
  const guint64 processes[] = { sample->procs_total, sample->procs_running, sample->procs_blocked,
                                sample->threads };

  g_string_append_c (str, '[');
  write_uints (str, processes, G_N_ELEMENTS (processes));
  g_string_append_c (str, ']');
}

static void
write_compact_uptime (GString          *str,
                      const SeyeSample *sample)
{
  g_string_append_c (str, '[');
  write_number (str, sample->uptime, 0);
  g_string_append_printf (str, ",%" G_GINT64_FORMAT "]", sample->boot_time);
}

static void
write_compact_network (GString          *str,
                       const SeyeSample *sample)
{
  const double network[] = { sample->net_rx_bytes_per_sec, sample->net_tx_bytes_per_sec };

  g_string_append_c (str, '[');
  write_numbers (str, network, 2, 0);
  g_string_append_c (str, ']');
}

static void
write_compact_disk (GString          *str,
                    const SeyeSample *sample)
{
  const double disk[] = { sample->disk_read_bytes_per_sec, sample->disk_write_bytes_per_sec };

  g_string_append_c (str, '[');
  write_numbers (str, disk, 2, 0);
  g_string_append_c (str, ']');
}

/* The parts in the order of the array; null for one the sample leaves out. */
static const struct {
  SeyeSampleParts  part;
  void           (*write) (GString *, const SeyeSample *);
} compact_parts[] = {
  { SEYE_SAMPLE_CPU,       write_compact_cpu },
  { SEYE_SAMPLE_MEMORY,    write_compact_memory },
  { SEYE_SAMPLE_LOAD,      write_compact_load },
  { SEYE_SAMPLE_PROCESSES, write_compact_processes },
  { SEYE_SAMPLE_UPTIME,    write_compact_uptime },
  { SEYE_SAMPLE_NETWORK,   write_compact_network },
  { SEYE_SAMPLE_DISK,      write_compact_disk },
};

/**
 * seye_json_write_sample_compact:
 *
 * The totals of @sample as one JSON array, each value at a fixed place
 * (docs/api.md, "the compact form"): what a client that watches many nodes
 * reads at every sample, in a third of the bytes of seye_json_write_sample()
 * and without a member name to decode. Per core, only the busy percentage.
 */
void
seye_json_write_sample_compact (GString          *str,
                                const SeyeSample *sample)
{
  g_return_if_fail (str != NULL);
  g_return_if_fail (sample != NULL);

  g_string_append_printf (str, "[%d,%" G_GINT64_FORMAT ",", SEYE_SCHEMA_VERSION, sample->time_ms);
  write_number (str, sample->interval, 3);

  for (guint i = 0; i < G_N_ELEMENTS (compact_parts); i++)
    {
      g_string_append_c (str, ',');
      if (sample->parts & compact_parts[i].part)
        compact_parts[i].write (str, sample);
      else
        g_string_append (str, "null");
    }

  g_string_append_c (str, ']');
}

static void
write_memory (GString          *str,
              const SeyeSample *sample)
{
  member (str, "memory");
  g_string_append_c (str, '{');
  member_uint (str, "total", sample->memory.total);
  member_uint (str, "available", sample->memory.available);
  member_uint (str, "used", sample->memory.used);
  member_uint (str, "free", sample->memory.free);
  member_uint (str, "buffers", sample->memory.buffers);
  member_uint (str, "cached", sample->memory.cached);
  member_uint (str, "swap_total", sample->memory.swap_total);
  member_uint (str, "swap_used", sample->memory.swap_used);
  g_string_append_c (str, '}');
}

static void
write_load (GString          *str,
            const SeyeSample *sample)
{
  member (str, "load");
  g_string_append_c (str, '[');
  for (guint i = 0; i < 3; i++)
    {
      if (i > 0)
        g_string_append_c (str, ',');
      write_number (str, sample->load[i], 2);
    }
  g_string_append_c (str, ']');
}

static void
write_processes (GString          *str,
                 const SeyeSample *sample)
{
  member (str, "processes");
  g_string_append_c (str, '{');
  member_uint (str, "total", sample->procs_total);
  member_uint (str, "running", sample->procs_running);
  member_uint (str, "blocked", sample->procs_blocked);
  member_uint (str, "threads", sample->threads);
  g_string_append_c (str, '}');
}

static void
write_uptime (GString          *str,
              const SeyeSample *sample)
{
  member (str, "uptime");
  g_string_append_c (str, '{');
  member_number (str, "seconds", sample->uptime, 0);
  member (str, "boot_time");
  g_string_append_printf (str, "%" G_GINT64_FORMAT, sample->boot_time);
  g_string_append_c (str, '}');
}

/* The totals, and the interfaces unless @lists is FALSE (an empty list then). */
static void
write_network (GString          *str,
               const SeyeSample *sample,
               gboolean          lists)
{
  member (str, "network");
  g_string_append_c (str, '{');
  member_number (str, "rx", sample->net_rx_bytes_per_sec, 0);
  member_number (str, "tx", sample->net_tx_bytes_per_sec, 0);
  member (str, "interfaces");
  g_string_append_c (str, '[');
  for (guint i = 0; lists && i < sample->interfaces->len; i++)
    {
      const SeyeNetIface *iface = &g_array_index (sample->interfaces, SeyeNetIface, i);

      g_string_append (str, i ? ",{" : "{");
      member_text (str, "name", iface->name);
      member_number (str, "rx", iface->rx_bytes_per_sec, 0);
      member_number (str, "tx", iface->tx_bytes_per_sec, 0);
      g_string_append_c (str, '}');
    }
  g_string_append (str, "]}");
}

/* The totals, and the disks unless @lists is FALSE (an empty list then). */
static void
write_disk (GString          *str,
            const SeyeSample *sample,
            gboolean          lists)
{
  member (str, "disk");
  g_string_append_c (str, '{');
  member_number (str, "read", sample->disk_read_bytes_per_sec, 0);
  member_number (str, "write", sample->disk_write_bytes_per_sec, 0);
  member (str, "devices");
  g_string_append_c (str, '[');
  for (guint i = 0; lists && i < sample->disks->len; i++)
    {
      const SeyeDiskDevice *disk = &g_array_index (sample->disks, SeyeDiskDevice, i);

      g_string_append (str, i ? ",{" : "{");
      member_text (str, "name", disk->name);
      member_number (str, "read", disk->read_bytes_per_sec, 0);
      member_number (str, "write", disk->write_bytes_per_sec, 0);
      g_string_append_c (str, '}');
    }
  g_string_append (str, "]}");
}

static void
write_filesystems (GString          *str,
                   const SeyeSample *sample)
{
  member (str, "filesystems");
  g_string_append_c (str, '[');
  for (guint i = 0; i < sample->filesystems->len; i++)
    {
      const SeyeFilesystem *fs = &g_array_index (sample->filesystems, SeyeFilesystem, i);

      g_string_append (str, i ? ",{" : "{");
      member_text (str, "mount", fs->mount_point);
      member_text (str, "device", fs->device);
      member_text (str, "type", fs->fs_type);
      member_uint (str, "size", fs->size_bytes);
      member_uint (str, "used", fs->used_bytes);
      member_uint (str, "available", fs->avail_bytes);
      member_uint (str, "free", fs->free_bytes);
      g_string_append_c (str, '}');
    }
  g_string_append_c (str, ']');
}

static void
write_sample (GString          *str,
              const SeyeSample *sample,
              gboolean          lists)
{
  g_string_append_c (str, '{');
  member_uint (str, "schema", SEYE_SCHEMA_VERSION);
  member (str, "time");
  g_string_append_printf (str, "%" G_GINT64_FORMAT, sample->time_ms);
  member_number (str, "interval", sample->interval, 3);

  if (sample->parts & SEYE_SAMPLE_CPU)
    write_cpu (str, sample);
  if (sample->parts & SEYE_SAMPLE_MEMORY)
    write_memory (str, sample);
  if (sample->parts & SEYE_SAMPLE_LOAD)
    write_load (str, sample);
  if (sample->parts & SEYE_SAMPLE_PROCESSES)
    write_processes (str, sample);
  if (sample->parts & SEYE_SAMPLE_UPTIME)
    write_uptime (str, sample);
  if (sample->parts & SEYE_SAMPLE_NETWORK)
    write_network (str, sample, lists);
  if (sample->parts & SEYE_SAMPLE_DISK)
    write_disk (str, sample, lists);
  if ((sample->parts & SEYE_SAMPLE_FILESYSTEMS) && lists)
    write_filesystems (str, sample);

  g_string_append_c (str, '}');
}

void
seye_json_write_node_info (GString            *str,
                           const SeyeNodeInfo *info)
{
  g_return_if_fail (str != NULL);
  g_return_if_fail (info != NULL);

  g_string_append_c (str, '{');
  member_uint (str, "schema", SEYE_SCHEMA_VERSION);
  member_text (str, "node_id", info->node_id);
  member_text (str, "name", info->name);
  member_text (str, "hostname", info->hostname);
  member_text (str, "os", info->os_name);
  member_text (str, "kernel", info->kernel);
  member_text (str, "arch", info->arch);
  member_text (str, "cpu_model", info->cpu_model);
  member_uint (str, "cores", info->n_cores);
  member_text (str, "agent_version", info->agent_version);
  member_uint (str, "api_version", info->api_version);
  member_number (str, "interval", info->interval, 3);
  member (str, "boot_time");
  g_string_append_printf (str, "%" G_GINT64_FORMAT, info->boot_time);
  member (str, "tags");
  g_string_append_c (str, '[');
  for (guint i = 0; info->tags != NULL && info->tags[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append_c (str, ',');
      seye_json_write_string (str, info->tags[i]);
    }
  g_string_append_c (str, ']');
  g_string_append_c (str, '}');
}

/**
 * seye_json_error_body:
 *
 * Returns: (transfer full): {"error":{"status":N,"message":"..."}}
 */
char *
seye_json_error_body (guint       status,
                      const char *message)
{
  GString *str = g_string_new ("{\"error\":{");

  member_uint (str, "status", status);
  member_text (str, "message", message);
  g_string_append (str, "}}");

  return g_string_free (str, FALSE);
}

