/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "fuzz-input.h"
#include "seye-json.h"
#include "seye-prometheus.h"

/*
 * The Prometheus writer (and the JSON writer) on a node info and a sample
 * made from fuzz bytes: names and labels of any bytes, numbers of any bits
 * (NaN and the infinities included). The exposition must stay UTF-8 with one
 * sample per line, and the JSON must decode again.
 */

#define MAX_ITEMS 8

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

static void
fill_cpu (FuzzInput   *input,
          SeyeCpuStat *cpu)
{
  cpu->busy = fuzz_input_double (input);
  cpu->user = fuzz_input_double (input);
  cpu->system = fuzz_input_double (input);
  cpu->iowait = fuzz_input_double (input);
  cpu->steal = fuzz_input_double (input);
  for (guint i = 0; i < SEYE_CPU_N_MODES; i++)
    cpu->ticks[i] = fuzz_input_u64 (input);
}

static SeyeNodeInfo *
make_info (FuzzInput *input)
{
  SeyeNodeInfo *info = seye_node_info_new ();

  info->node_id = fuzz_input_string (input);
  info->name = fuzz_input_string (input);
  info->hostname = fuzz_input_string (input);
  info->os_name = fuzz_input_string (input);
  info->kernel = fuzz_input_string (input);
  info->arch = fuzz_input_string (input);
  info->cpu_model = fuzz_input_string (input);
  info->agent_version = fuzz_input_string (input);
  info->n_cores = (guint) fuzz_input_u64 (input);
  info->api_version = fuzz_input_u8 (input);
  info->interval = fuzz_input_double (input);
  info->boot_time = (gint64) fuzz_input_u64 (input);

  return info;
}

static SeyeSample *
make_sample (FuzzInput *input)
{
  SeyeSample *sample = seye_sample_new ();
  guint n;

  sample->time_ms = (gint64) fuzz_input_u64 (input);
  sample->interval = fuzz_input_double (input);
  sample->parts = (SeyeSampleParts) fuzz_input_u64 (input);

  fill_cpu (input, &sample->cpu);
  sample->cpu.id = -1;
  n = fuzz_input_u8 (input) % MAX_ITEMS;
  for (guint i = 0; i < n; i++)
    {
      SeyeCpuStat core = { .id = (int) fuzz_input_u8 (input) };

      fill_cpu (input, &core);
      g_array_append_val (sample->cores, core);
    }

  fuzz_input_take (input, &sample->memory, sizeof sample->memory);
  for (guint i = 0; i < G_N_ELEMENTS (sample->load); i++)
    sample->load[i] = fuzz_input_double (input);
  sample->procs_total = (guint) fuzz_input_u64 (input);
  sample->procs_running = (guint) fuzz_input_u64 (input);
  sample->procs_blocked = (guint) fuzz_input_u64 (input);
  sample->threads = (guint) fuzz_input_u64 (input);
  sample->uptime = fuzz_input_double (input);
  sample->boot_time = (gint64) fuzz_input_u64 (input);
  sample->net_rx_bytes_per_sec = fuzz_input_double (input);
  sample->net_tx_bytes_per_sec = fuzz_input_double (input);
  sample->disk_read_bytes_per_sec = fuzz_input_double (input);
  sample->disk_write_bytes_per_sec = fuzz_input_double (input);

  n = fuzz_input_u8 (input) % MAX_ITEMS;
  for (guint i = 0; i < n; i++)
    {
      SeyeNetIface iface = { .name = fuzz_input_string (input) };

      iface.rx_bytes_per_sec = fuzz_input_double (input);
      iface.tx_bytes_per_sec = fuzz_input_double (input);
      iface.rx_bytes = fuzz_input_u64 (input);
      iface.tx_bytes = fuzz_input_u64 (input);
      g_array_append_val (sample->interfaces, iface);
    }

  n = fuzz_input_u8 (input) % MAX_ITEMS;
  for (guint i = 0; i < n; i++)
    {
      SeyeDiskDevice disk = { .name = fuzz_input_string (input) };

      disk.read_bytes_per_sec = fuzz_input_double (input);
      disk.write_bytes_per_sec = fuzz_input_double (input);
      disk.read_bytes = fuzz_input_u64 (input);
      disk.written_bytes = fuzz_input_u64 (input);
      g_array_append_val (sample->disks, disk);
    }

  n = fuzz_input_u8 (input) % MAX_ITEMS;
  for (guint i = 0; i < n; i++)
    {
      SeyeFilesystem fs = { .mount_point = fuzz_input_string (input) };

      fs.device = fuzz_input_string (input);
      fs.fs_type = fuzz_input_string (input);
      fs.size_bytes = fuzz_input_u64 (input);
      fs.used_bytes = fuzz_input_u64 (input);
      fs.avail_bytes = fuzz_input_u64 (input);
      fs.free_bytes = fuzz_input_u64 (input);
      g_array_append_val (sample->filesystems, fs);
    }

  return sample;
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  FuzzInput input = { data, data + size };
  g_autoptr (SeyeNodeInfo) info = make_info (&input);
  g_autoptr (SeyeSample) sample = make_sample (&input);
  g_autoptr (GString) str = g_string_new (NULL);

  seye_prometheus_write (str, info, sample);

  /* Exposition text: UTF-8, no NUL, every line a comment or "name{labels} value". */
  g_assert_true (g_utf8_validate (str->str, str->len, NULL));
  if (str->len > 0)
    g_assert_true (str->str[str->len - 1] == '\n');

  /* The JSON of anything the writers take is valid JSON. */
  g_string_truncate (str, 0);
  seye_json_write_node_info (str, info);
  {
    g_autoptr (JsonParser) parser = json_parser_new ();
    g_autoptr (GError) error = NULL;

    if (!json_parser_load_from_data (parser, str->str, str->len, &error))
      g_error ("the node info JSON does not parse: %s\n%s", error->message, str->str);
  }

  {
    GBytes *json = seye_sample_get_json (sample);
    g_autoptr (JsonParser) parser = json_parser_new ();
    g_autoptr (GError) error = NULL;
    gsize json_size;
    const char *json_data = g_bytes_get_data (json, &json_size);

    if (!json_parser_load_from_data (parser, json_data, json_size, &error))
      g_error ("the sample JSON does not parse: %s\n%.*s", error->message, (int) json_size, json_data);
  }

  return 0;
}
