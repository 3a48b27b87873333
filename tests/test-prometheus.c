/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "seye-prometheus.h"

static void
test_exposition (void)
{
  g_autoptr (SeyeSample) sample = seye_sample_new ();
  g_autoptr (SeyeNodeInfo) info = seye_node_info_new ();
  g_autoptr (GString) str = g_string_new (NULL);
  SeyeCpuStat core = { 3, 50, 25, 25, 0, 0, { 100, 0, 50, 850, 0, 0, 0, 0 } };
  SeyeNetIface iface = { g_strdup ("eth\"0"), 1, 2, 1000, 2000 };
  SeyeFilesystem fs = { g_strdup ("/mnt/my disk\\x"), g_strdup ("/dev/sdb1"), g_strdup ("ext4"),
                        1000, 400, 500, 600 };
  double hz = (double) sysconf (_SC_CLK_TCK);
  g_autofree char *user_line = g_strdup_printf ("node_cpu_seconds_total{cpu=\"3\",mode=\"user\"} %g\n",
                                                100.0 / hz);

  info->node_id = g_strdup ("0123456789abcdef0123456789abcdef");
  info->name = g_strdup ("a \"quoted\"\nname");
  sample->parts = SEYE_SAMPLE_CPU | SEYE_SAMPLE_MEMORY | SEYE_SAMPLE_NETWORK | SEYE_SAMPLE_FILESYSTEMS;
  sample->time_ms = 1700000000500;
  g_array_append_val (sample->cores, core);
  sample->memory.total = 8000;
  sample->memory.available = 6000;
  sample->memory.swap_total = 100;
  sample->memory.swap_used = 40;
  g_array_append_val (sample->interfaces, iface);
  g_array_append_val (sample->filesystems, fs);

  seye_prometheus_write (str, info, sample);

  g_assert_nonnull (strstr (str->str, "# TYPE node_cpu_seconds_total counter\n"));
  g_assert_nonnull (strstr (str->str, user_line));
  g_assert_nonnull (strstr (str->str, "node_memory_MemAvailable_bytes 6000\n"));
  g_assert_nonnull (strstr (str->str, "node_memory_SwapFree_bytes 60\n"));
  g_assert_nonnull (strstr (str->str, "node_time_seconds 1700000000.5\n"));
  /* Label values escaped. */
  g_assert_nonnull (strstr (str->str, "node_network_receive_bytes_total{device=\"eth\\\"0\"} 1000\n"));
  g_assert_nonnull (strstr (str->str, "name=\"a \\\"quoted\\\"\\nname\""));
  g_assert_nonnull (strstr (str->str, "mountpoint=\"/mnt/my disk\\\\x\"} 1000\n"));
  /* Parts the sample lacks are not written. */
  g_assert_null (strstr (str->str, "node_load1"));
  g_assert_null (strstr (str->str, "node_disk_read_bytes_total"));
}

static void
test_before_first_sample (void)
{
  g_autoptr (SeyeNodeInfo) info = seye_node_info_new ();
  g_autoptr (GString) str = g_string_new (NULL);

  info->node_id = g_strdup ("0123456789abcdef0123456789abcdef");
  seye_prometheus_write (str, info, NULL);
  g_assert_true (g_str_has_prefix (str->str, "# HELP seye_node_info "));
  g_assert_null (strstr (str->str, "node_cpu"));
  /* No tags, no label. */
  g_assert_null (strstr (str->str, "tags="));

  /* Tags as `seye discover` labels the target: ",web,eu-1,". */
  info->tags = g_strsplit ("web,eu-1", ",", -1);
  g_string_truncate (str, 0);
  seye_prometheus_write (str, info, NULL);
  g_assert_nonnull (strstr (str->str, ",tags=\",web,eu-1,\"} 1\n"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/seye/prometheus/exposition", test_exposition);
  g_test_add_func ("/seye/prometheus/before-first-sample", test_before_first_sample);

  return g_test_run ();
}
