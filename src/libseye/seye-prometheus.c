/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-prometheus"

#include "config.h"

#include <math.h>
#include <unistd.h>

#include "seye-prometheus.h"
#include "seye-tags.h"

/*
 * The Prometheus text exposition (format 0.0.4). Series that mean what
 * node_exporter's mean carry its names, labels and units, so dashboards built
 * for it work; the rest are under "seye_".
 */

static const char *cpu_mode_names[SEYE_CPU_N_MODES] = {
  "user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal",
};

static void
write_value (GString *str,
             double   value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (isnan (value))
    g_string_append (str, "NaN");
  else if (isinf (value))
    g_string_append (str, value > 0 ? "+Inf" : "-Inf");
  else
    g_string_append (str, g_ascii_formatd (buf, sizeof buf, "%.17g", value));
}

static void
write_label_value (GString    *str,
                   const char *value)
{
  g_autofree char *valid = NULL;

  if (value == NULL)
    value = "";
  if (!g_utf8_validate (value, -1, NULL))
    value = valid = g_utf8_make_valid (value, -1);

  g_string_append_c (str, '"');
  for (const char *p = value; *p; p++)
    {
      switch (*p)
        {
        case '\\': g_string_append (str, "\\\\"); break;
        case '"':  g_string_append (str, "\\\""); break;
        case '\n': g_string_append (str, "\\n"); break;
        default:   g_string_append_c (str, *p);
        }
    }
  g_string_append_c (str, '"');
}

static void
family (GString    *str,
        const char *name,
        const char *type,
        const char *help)
{
  g_string_append_printf (str, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
sample_line (GString    *str,
             const char *name,
             double      value)
{
  g_string_append (str, name);
  g_string_append_c (str, ' ');
  write_value (str, value);
  g_string_append_c (str, '\n');
}

static void
gauge (GString    *str,
       const char *name,
       const char *help,
       double      value)
{
  family (str, name, "gauge", help);
  sample_line (str, name, value);
}

/* name{label="value"} number */
static void
labelled_line (GString    *str,
               const char *name,
               const char *label,
               const char *value,
               double      number)
{
  g_string_append (str, name);
  g_string_append_c (str, '{');
  g_string_append (str, label);
  g_string_append_c (str, '=');
  write_label_value (str, value);
  g_string_append (str, "} ");
  write_value (str, number);
  g_string_append_c (str, '\n');
}

static void
write_cpu (GString          *str,
           const SeyeSample *sample)
{
  double ticks_per_second = (double) sysconf (_SC_CLK_TCK);

  if (ticks_per_second <= 0)
    ticks_per_second = 100.0;

  family (str, "node_cpu_seconds_total", "counter", "Seconds the CPUs spent in each mode.");
  for (guint i = 0; i < sample->cores->len; i++)
    {
      const SeyeCpuStat *core = &g_array_index (sample->cores, SeyeCpuStat, i);

      for (guint m = 0; m < SEYE_CPU_N_MODES; m++)
        {
          g_string_append_printf (str, "node_cpu_seconds_total{cpu=\"%d\",mode=\"%s\"} ",
                                  core->id, cpu_mode_names[m]);
          write_value (str, (double) core->ticks[m] / ticks_per_second);
          g_string_append_c (str, '\n');
        }
    }

  family (str, "seye_cpu_busy_percent", "gauge",
          "Share of time the CPU was not idle over the last interval, in percent.");
  labelled_line (str, "seye_cpu_busy_percent", "cpu", "total", sample->cpu.busy);
  for (guint i = 0; i < sample->cores->len; i++)
    {
      const SeyeCpuStat *core = &g_array_index (sample->cores, SeyeCpuStat, i);
      char id[16];

      g_snprintf (id, sizeof id, "%d", core->id);
      labelled_line (str, "seye_cpu_busy_percent", "cpu", id, core->busy);
    }
}

static void
write_memory (GString          *str,
              const SeyeSample *sample)
{
  const SeyeMemory *m = &sample->memory;

  gauge (str, "node_memory_MemTotal_bytes", "Memory information field MemTotal_bytes.", (double) m->total);
  gauge (str, "node_memory_MemFree_bytes", "Memory information field MemFree_bytes.", (double) m->free);
  gauge (str, "node_memory_MemAvailable_bytes", "Memory information field MemAvailable_bytes.",
         (double) m->available);
  gauge (str, "node_memory_Buffers_bytes", "Memory information field Buffers_bytes.", (double) m->buffers);
  gauge (str, "node_memory_SwapTotal_bytes", "Memory information field SwapTotal_bytes.",
         (double) m->swap_total);
  gauge (str, "node_memory_SwapFree_bytes", "Memory information field SwapFree_bytes.",
         (double) (m->swap_total - m->swap_used));
  gauge (str, "seye_memory_used_bytes", "Memory in use: total less available, in bytes.", (double) m->used);
  gauge (str, "seye_memory_cache_bytes", "Page cache and reclaimable slab, in bytes.", (double) m->cached);
}

static void
write_network (GString          *str,
               const SeyeSample *sample)
{
  family (str, "node_network_receive_bytes_total", "counter",
          "Network device statistic receive_bytes.");
  for (guint i = 0; i < sample->interfaces->len; i++)
    {
      const SeyeNetIface *iface = &g_array_index (sample->interfaces, SeyeNetIface, i);

      labelled_line (str, "node_network_receive_bytes_total", "device", iface->name,
                     (double) iface->rx_bytes);
    }

  family (str, "node_network_transmit_bytes_total", "counter",
          "Network device statistic transmit_bytes.");
  for (guint i = 0; i < sample->interfaces->len; i++)
    {
      const SeyeNetIface *iface = &g_array_index (sample->interfaces, SeyeNetIface, i);

      labelled_line (str, "node_network_transmit_bytes_total", "device", iface->name,
                     (double) iface->tx_bytes);
    }

  gauge (str, "seye_network_receive_bytes_per_second",
         "Bytes received per second over the last interval, all interfaces but loopback.",
         sample->net_rx_bytes_per_sec);
  gauge (str, "seye_network_transmit_bytes_per_second",
         "Bytes sent per second over the last interval, all interfaces but loopback.",
         sample->net_tx_bytes_per_sec);
}

static void
write_disk (GString          *str,
            const SeyeSample *sample)
{
  family (str, "node_disk_read_bytes_total", "counter", "The total number of bytes read successfully.");
  for (guint i = 0; i < sample->disks->len; i++)
    {
      const SeyeDiskDevice *disk = &g_array_index (sample->disks, SeyeDiskDevice, i);

      labelled_line (str, "node_disk_read_bytes_total", "device", disk->name, (double) disk->read_bytes);
    }

  family (str, "node_disk_written_bytes_total", "counter",
          "The total number of bytes written successfully.");
  for (guint i = 0; i < sample->disks->len; i++)
    {
      const SeyeDiskDevice *disk = &g_array_index (sample->disks, SeyeDiskDevice, i);

      labelled_line (str, "node_disk_written_bytes_total", "device", disk->name,
                     (double) disk->written_bytes);
    }

  gauge (str, "seye_disk_read_bytes_per_second", "Bytes read per second over the last interval, all disks.",
         sample->disk_read_bytes_per_sec);
  gauge (str, "seye_disk_write_bytes_per_second",
         "Bytes written per second over the last interval, all disks.",
         sample->disk_write_bytes_per_sec);
}

static void
filesystem_line (GString              *str,
                 const char           *name,
                 const SeyeFilesystem *fs,
                 guint64               value)
{
  g_string_append (str, name);
  g_string_append (str, "{device=");
  write_label_value (str, fs->device);
  g_string_append (str, ",fstype=");
  write_label_value (str, fs->fs_type);
  g_string_append (str, ",mountpoint=");
  write_label_value (str, fs->mount_point);
  g_string_append (str, "} ");
  write_value (str, (double) value);
  g_string_append_c (str, '\n');
}

static void
write_filesystems (GString          *str,
                   const SeyeSample *sample)
{
  static const struct {
    const char *name;
    const char *help;
    gsize       offset;
  } series[] = {
    { "node_filesystem_size_bytes", "Filesystem size in bytes.", G_STRUCT_OFFSET (SeyeFilesystem, size_bytes) },
    { "node_filesystem_free_bytes", "Filesystem free space in bytes.", G_STRUCT_OFFSET (SeyeFilesystem, free_bytes) },
    { "node_filesystem_avail_bytes", "Filesystem space available to non-root users in bytes.",
      G_STRUCT_OFFSET (SeyeFilesystem, avail_bytes) },
  };

  for (guint s = 0; s < G_N_ELEMENTS (series); s++)
    {
      family (str, series[s].name, "gauge", series[s].help);
      for (guint i = 0; i < sample->filesystems->len; i++)
        {
          const SeyeFilesystem *fs = &g_array_index (sample->filesystems, SeyeFilesystem, i);

          filesystem_line (str, series[s].name, fs, G_STRUCT_MEMBER (guint64, fs, series[s].offset));
        }
    }
}

static void
write_info (GString            *str,
            const SeyeNodeInfo *info)
{
  /* ",web,eu-1,", as `seye discover` labels the target: one tag matches `.*,web,.*`. */
  g_autofree char *tags = seye_tags_to_label ((const char * const *) info->tags);

  family (str, "seye_node_info", "gauge", "Identity of this node; the value is always 1.");
  g_string_append (str, "seye_node_info{node_id=");
  write_label_value (str, info->node_id);
  g_string_append (str, ",name=");
  write_label_value (str, info->name);
  g_string_append (str, ",hostname=");
  write_label_value (str, info->hostname);
  g_string_append (str, ",os=");
  write_label_value (str, info->os_name);
  g_string_append (str, ",kernel=");
  write_label_value (str, info->kernel);
  g_string_append (str, ",arch=");
  write_label_value (str, info->arch);
  g_string_append (str, ",agent_version=");
  write_label_value (str, info->agent_version);
  if (tags != NULL)
    {
      g_string_append (str, ",tags=");
      write_label_value (str, tags);
    }
  g_string_append (str, "} 1\n");

  gauge (str, "seye_sample_interval_seconds", "Seconds between two samples.", info->interval);
}

/**
 * seye_prometheus_write:
 * @info: the node's identity
 * @sample: (nullable): the latest sample, %NULL before the first one
 *
 * Appends the exposition of @sample to @str.
 */
void
seye_prometheus_write (GString            *str,
                       const SeyeNodeInfo *info,
                       const SeyeSample   *sample)
{
  g_return_if_fail (str != NULL);
  g_return_if_fail (info != NULL);

  write_info (str, info);

  if (sample == NULL)
    return;

  gauge (str, "node_time_seconds", "System time in seconds since epoch (1970).",
         (double) sample->time_ms / 1000.0);

  if (sample->parts & SEYE_SAMPLE_CPU)
    write_cpu (str, sample);

  if (sample->parts & SEYE_SAMPLE_MEMORY)
    write_memory (str, sample);

  if (sample->parts & SEYE_SAMPLE_LOAD)
    {
      gauge (str, "node_load1", "1m load average.", sample->load[0]);
      gauge (str, "node_load5", "5m load average.", sample->load[1]);
      gauge (str, "node_load15", "15m load average.", sample->load[2]);
    }

  if (sample->parts & SEYE_SAMPLE_PROCESSES)
    {
      gauge (str, "node_procs_running", "Number of processes in runnable state.",
             sample->procs_running);
      gauge (str, "node_procs_blocked", "Number of processes blocked waiting for I/O to complete.",
             sample->procs_blocked);
      gauge (str, "seye_processes", "Number of processes.", sample->procs_total);
      gauge (str, "seye_threads", "Number of threads (kernel scheduling entities).", sample->threads);
    }

  if (sample->parts & SEYE_SAMPLE_UPTIME)
    {
      gauge (str, "node_boot_time_seconds", "Node boot time, in unixtime.", (double) sample->boot_time);
      gauge (str, "seye_uptime_seconds", "Seconds since the node booted.", sample->uptime);
    }

  if (sample->parts & SEYE_SAMPLE_NETWORK)
    write_network (str, sample);

  if (sample->parts & SEYE_SAMPLE_DISK)
    write_disk (str, sample);

  if (sample->parts & SEYE_SAMPLE_FILESYSTEMS)
    write_filesystems (str, sample);
}
