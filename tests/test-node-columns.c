/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The columns of a list of nodes (seye-node-column.h), as the app's column view and
 * the CLI's tables use them: the table, the values and the order, the search, the text.
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "seye-node-column.h"
#include "seye-node-private.h"

#define CHECK_TEXT(node, column, expected) \
  G_STMT_START { \
    g_autofree char *got = seye_node_column_format ((node), (column)); \
    g_assert_cmpstr (got, ==, (expected)); \
  } G_STMT_END

static gint64 next_time_ms = 1700000000000;

/* A node that said who it is: @key is its node id, on @hostname. */
static SeyeNode *
node_new (const char *key,
          const char *name,
          const char *address,
          const char *hostname)
{
  SeyeNode *node = _seye_node_new (key, name, FALSE, 1.0);
  g_autoptr (SeyeNodeInfo) info = seye_node_info_new ();

  info->node_id = g_strdup (key);
  info->name = g_strdup (name);
  info->hostname = g_strdup (hostname);
  _seye_node_set_info (node, info);
  _seye_node_set_address (node, address);

  return node;
}

/* A sample with CPU @cpu %, 20 % of 16 GB used, load 0.5, 123 processes, up 312 s. */
static void
add_sample (SeyeNode *node,
            double    cpu)
{
  g_autoptr (SeyeSample) sample = seye_sample_new ();

  sample->time_ms = next_time_ms += 1000;
  sample->parts = SEYE_SAMPLE_CPU | SEYE_SAMPLE_MEMORY | SEYE_SAMPLE_LOAD |
                  SEYE_SAMPLE_PROCESSES | SEYE_SAMPLE_UPTIME | SEYE_SAMPLE_NETWORK;
  sample->cpu.busy = cpu;
  sample->memory.total = 16000000000;
  sample->memory.available = 12800000000;
  sample->memory.used = 3200000000;
  sample->load[0] = 0.5;
  sample->procs_total = 123;
  sample->uptime = 312;
  sample->net_rx_bytes_per_sec = 1200000;
  sample->net_tx_bytes_per_sec = 0;

  g_assert_true (_seye_node_add_sample (node, sample));
  _seye_node_set_state (node, SEYE_NODE_STATE_ONLINE);
}

static void
test_table (void)
{
  for (SeyeNodeColumn column = 0; column < SEYE_NODE_N_COLUMNS; column++)
    {
      const char *id = seye_node_column_get_id (column);
      g_autofree char *upper = g_ascii_strup (id, -1);
      SeyeNodeColumn found = SEYE_NODE_N_COLUMNS;

      g_assert_nonnull (id);
      g_assert_cmpstr (seye_node_column_get_title (column), !=, "");

      /* Ids name their column, case aside: `seye fetch --sort CPU`. */
      g_assert_true (seye_node_column_from_id (id, &found));
      g_assert_cmpint (found, ==, column);
      g_assert_true (seye_node_column_from_id (upper, &found));
      g_assert_cmpint (found, ==, column);
    }

  g_assert_false (seye_node_column_from_id ("bogus", &(SeyeNodeColumn) { 0 }));
  g_assert_false (seye_node_column_from_id (NULL, &(SeyeNodeColumn) { 0 }));

  g_assert_true (seye_node_column_is_numeric (SEYE_NODE_COLUMN_CPU));
  g_assert_true (seye_node_column_is_numeric (SEYE_NODE_COLUMN_UPTIME));
  g_assert_false (seye_node_column_is_numeric (SEYE_NODE_COLUMN_NAME));
  g_assert_false (seye_node_column_is_numeric (SEYE_NODE_COLUMN_ADDRESS));
  g_assert_cmpstr (seye_node_column_get_property (SEYE_NODE_COLUMN_NAME), ==, "name");
  g_assert_null (seye_node_column_get_property (SEYE_NODE_COLUMN_CPU));
}

static void
test_natural (void)
{
  g_assert_cmpint (seye_node_column_compare_natural ("node-2", "node-10"), <, 0);
  g_assert_cmpint (seye_node_column_compare_natural ("node-10", "node-9"), >, 0);
  g_assert_cmpint (seye_node_column_compare_natural ("10.0.0.9:7373", "10.0.0.10:7373"), <, 0);
  g_assert_cmpint (seye_node_column_compare_natural ("same", "same"), ==, 0);
  g_assert_cmpint (seye_node_column_compare_natural (NULL, "a"), <, 0);
  g_assert_cmpint (seye_node_column_compare_natural ("a", NULL), >, 0);
  g_assert_cmpint (seye_node_column_compare_natural (NULL, NULL), ==, 0);
}

static void
test_compare (void)
{
  g_autoptr (SeyeNode) two = node_new ("b0", "node-2", "10.0.0.10:7373", "two");
  g_autoptr (SeyeNode) ten = node_new ("a0", "node-10", "10.0.0.9:7373", "ten");
  g_autoptr (SeyeNode) twin = node_new ("c0", "node-10", "10.0.0.11:7373", "twin");
  g_autoptr (SeyeNode) silent = node_new ("d0", "node-1", "10.0.0.12:7373", "silent");

  add_sample (two, 50);
  add_sample (ten, 5);
  add_sample (twin, 5);

  /* Names in natural order, then keys: a total order. */
  g_assert_cmpint (seye_node_column_compare (two, ten, SEYE_NODE_COLUMN_NAME), <, 0);
  g_assert_cmpint (seye_node_column_compare (ten, twin, SEYE_NODE_COLUMN_NAME), <, 0);
  g_assert_cmpint (seye_node_column_compare_names (twin, ten), >, 0);
  g_assert_cmpint (seye_node_column_compare (ten, ten, SEYE_NODE_COLUMN_NAME), ==, 0);

  /* Addresses too. */
  g_assert_cmpint (seye_node_column_compare (ten, two, SEYE_NODE_COLUMN_ADDRESS), <, 0);

  /* Numbers as numbers, ascending; unknown (-1) first; ties by name. */
  g_assert_cmpfloat (seye_node_column_get_value (two, SEYE_NODE_COLUMN_CPU), ==, 50);
  g_assert_cmpfloat (seye_node_column_get_value (silent, SEYE_NODE_COLUMN_CPU), ==, -1);
  g_assert_cmpint (seye_node_column_compare (ten, two, SEYE_NODE_COLUMN_CPU), <, 0);
  g_assert_cmpint (seye_node_column_compare (silent, ten, SEYE_NODE_COLUMN_CPU), <, 0);
  g_assert_cmpint (seye_node_column_compare (ten, twin, SEYE_NODE_COLUMN_CPU), <, 0);
  g_assert_cmpfloat (seye_node_column_get_value (two, SEYE_NODE_COLUMN_PROCESSES), ==, 123);
  g_assert_cmpfloat (seye_node_column_get_value (two, SEYE_NODE_COLUMN_MEMORY), ==, 20);

  /* Status: alerting first, then the problems, online last. */
  _seye_node_set_state (silent, SEYE_NODE_STATE_OFFLINE);
  g_assert_cmpint (seye_node_column_compare (silent, two, SEYE_NODE_COLUMN_STATUS), <, 0);
  _seye_node_set_alerts (two, 1);
  g_assert_true (seye_node_get_alerting (two));
  g_assert_cmpint (seye_node_column_compare (two, silent, SEYE_NODE_COLUMN_STATUS), <, 0);
  g_assert_cmpint (seye_node_status_rank (two), <, seye_node_status_rank (silent));
  g_assert_cmpint (seye_node_status_rank (silent), <, seye_node_status_rank (ten));
}

static gboolean
matches (SeyeNode   *node,
         const char *text)
{
  g_autofree char *folded = seye_node_column_fold_search (text);

  return seye_node_column_matches (node, folded);
}

static void
test_match (void)
{
  g_autoptr (SeyeNode) node = node_new ("3f2a00000000000000000000000000b7", "Build-Server",
                                        "192.168.1.20:7373", "Ärger-host");
  g_autoptr (SeyeNode) unknown = _seye_node_new ("10.0.0.1:7373", "10.0.0.1", TRUE, 1.0);

  g_assert_null (seye_node_column_fold_search (NULL));
  g_assert_null (seye_node_column_fold_search (""));

  /* Every node matches no search. */
  g_assert_true (seye_node_column_matches (node, NULL));
  g_assert_true (seye_node_column_matches (node, ""));
  g_assert_true (matches (unknown, NULL));

  /* The name, the address, the host name, the node id; case aside. */
  g_assert_true (matches (node, "build"));
  g_assert_true (matches (node, "SERVER"));
  g_assert_true (matches (node, "168.1.20"));
  g_assert_true (matches (node, ":7373"));
  g_assert_true (matches (node, "ärger"));
  g_assert_true (matches (node, "ÄRGER-HOST"));
  g_assert_true (matches (node, "3F2A"));
  g_assert_true (matches (node, "00b7"));

  g_assert_false (matches (node, "no node has this"));

  /* Every word matches something, not the words as one text. */
  g_assert_true (matches (node, "build server"));
  g_assert_true (matches (node, "  server   3f2a "));
  g_assert_false (matches (node, "build nothing"));

  /* A node that has not said who it is: its key is where it is. */
  g_assert_true (matches (unknown, "10.0.0.1"));
  g_assert_false (matches (unknown, "host"));
}

/* "tag:web" is that tag exactly; a plain word may be part of a tag. */
static void
test_match_tags (void)
{
  g_autoptr (SeyeNode) tagged = node_new ("3f2a00000000000000000000000000b7", "web-1",
                                          "192.168.1.20:7373", "web-1");
  g_autoptr (SeyeNode) plain = node_new ("3f2a00000000000000000000000000b8", "db-1",
                                         "192.168.1.21:7373", "db-1");
  g_autoptr (SeyeNodeInfo) info = seye_node_info_copy (seye_node_get_info (tagged));
  g_autofree char *shown = NULL;

  info->tags = g_strsplit ("frontend,eu-1", ",", -1);
  _seye_node_set_info (tagged, info);

  g_assert_true (matches (tagged, "tag:frontend"));
  g_assert_true (matches (tagged, "TAG:EU-1"));
  g_assert_false (matches (tagged, "tag:front"));
  g_assert_false (matches (plain, "tag:frontend"));
  g_assert_true (matches (tagged, "front"));
  g_assert_true (matches (tagged, "tag:eu-1 web"));
  g_assert_false (matches (tagged, "tag:eu-1 db"));

  /* "tag:" alone: any tag. */
  g_assert_true (matches (tagged, "tag:"));
  g_assert_false (matches (plain, "tag:"));

  shown = seye_node_column_format (tagged, SEYE_NODE_COLUMN_TAGS);
  g_assert_cmpstr (shown, ==, "frontend, eu-1");
  CHECK_TEXT (plain, SEYE_NODE_COLUMN_TAGS, "");
  /* Untagged first, then by their tags. */
  g_assert_cmpint (seye_node_column_compare (plain, tagged, SEYE_NODE_COLUMN_TAGS), <, 0);
  g_assert_cmpint (seye_node_column_compare (tagged, plain, SEYE_NODE_COLUMN_TAGS), >, 0);
}

static void
test_format (void)
{
  g_autoptr (SeyeNode) node = node_new ("a0", "<b>node</b>\x1b[31m", "10.0.0.9:7373", "host");
  g_autoptr (SeyeNode) silent = node_new ("b0", "silent", "10.0.0.10:7373", "host");

  add_sample (node, 42);

  CHECK_TEXT (node, SEYE_NODE_COLUMN_CPU, "42 %");
  CHECK_TEXT (node, SEYE_NODE_COLUMN_MEMORY, "3.2/16 GB · 20 %");
  CHECK_TEXT (node, SEYE_NODE_COLUMN_LOAD, "0.5");
  CHECK_TEXT (node, SEYE_NODE_COLUMN_PROCESSES, "123");
  CHECK_TEXT (node, SEYE_NODE_COLUMN_UPTIME, "5m 12s");
  CHECK_TEXT (node, SEYE_NODE_COLUMN_RX, "1.2 MB/s");
  CHECK_TEXT (node, SEYE_NODE_COLUMN_ADDRESS, "10.0.0.9:7373");
  CHECK_TEXT (node, SEYE_NODE_COLUMN_HISTORY, NULL);
  CHECK_TEXT (node, SEYE_NODE_COLUMN_STATUS, seye_node_state_to_string (SEYE_NODE_STATE_ONLINE));

  /* What a node announces is shown, never obeyed: no escape reaches a terminal. */
  {
    g_autofree char *name = seye_node_column_format (node, SEYE_NODE_COLUMN_NAME);

    g_assert_null (strchr (name, '\x1b'));
    g_assert_nonnull (strstr (name, "<b>node</b>"));
  }


  /* Unknown values are a dash. */
  for (SeyeNodeColumn column = SEYE_NODE_COLUMN_CPU; column < SEYE_NODE_N_COLUMNS; column++)
    if (seye_node_column_is_numeric (column))
      CHECK_TEXT (silent, column, "–");
}

static void
add_filesystem (SeyeSample *sample,
                const char *mount_point,
                const char *fs_type,
                guint64     size,
                guint64     used,
                guint64     avail)
{
  SeyeFilesystem fs = { 0 };

  if (sample->filesystems == NULL)
    sample->filesystems = g_array_new (FALSE, TRUE, sizeof (SeyeFilesystem));

  fs.mount_point = g_strdup (mount_point);
  fs.fs_type = g_strdup (fs_type);
  fs.device = g_strdup ("/dev/sda1");
  fs.size_bytes = size;
  fs.used_bytes = used;
  fs.avail_bytes = avail;
  fs.free_bytes = avail;
  g_array_append_val (sample->filesystems, fs);
}

/* Load per core once the node said how many cores it has; the fullest real filesystem. */
static void
test_load_and_disk (void)
{
  g_autoptr (SeyeNode) node = _seye_node_new ("c0", "disks", FALSE, 1.0);
  g_autoptr (SeyeNode) empty = node_new ("d0", "empty", "10.0.0.11:7373", "host");
  g_autoptr (SeyeNodeInfo) info = seye_node_info_new ();
  g_autoptr (SeyeSample) sample = seye_sample_new ();
  g_autoptr (SeyeSample) bare = seye_sample_new ();

  sample->time_ms = next_time_ms += 1000;
  sample->parts = SEYE_SAMPLE_LOAD | SEYE_SAMPLE_FILESYSTEMS;
  sample->load[0] = 6.4;
  /* A full tmpfs, squashfs image and overlay do not count, nor a size-0 mount. */
  add_filesystem (sample, "/", "ext4", 1000, 400, 600);
  add_filesystem (sample, "/run", "tmpfs", 1000, 1000, 0);
  add_filesystem (sample, "/snap/core", "squashfs", 1000, 1000, 0);
  add_filesystem (sample, "/var/lib/docker/x", "overlay", 1000, 990, 10);
  add_filesystem (sample, "/proc-ish", "ext4", 0, 0, 0);
  /* df's percent: used / (used + available), the root reserve excluded. */
  add_filesystem (sample, "/var\x1b[31m", "xfs", 1000, 873, 27);
  g_assert_true (_seye_node_add_sample (node, sample));

  CHECK_TEXT (node, SEYE_NODE_COLUMN_LOAD, "6.4");
  info->node_id = g_strdup ("c0");
  info->n_cores = 4;
  _seye_node_set_info (node, info);
  CHECK_TEXT (node, SEYE_NODE_COLUMN_LOAD, "6.4 · 1.6/core");

  g_assert_cmpfloat_with_epsilon (seye_node_column_get_value (node, SEYE_NODE_COLUMN_DISK), 97.0, 0.001);
  {
    g_autofree char *text = seye_node_column_format (node, SEYE_NODE_COLUMN_DISK);

    g_assert_true (g_str_has_prefix (text, "97 % /var"));
    g_assert_null (strchr (text, '\x1b'));
  }

  /* No filesystem that counts: unknown, a dash, sorted as unknown. */
  bare->time_ms = next_time_ms += 1000;
  bare->parts = SEYE_SAMPLE_FILESYSTEMS;
  add_filesystem (bare, "/dev/shm", "tmpfs", 1000, 900, 100);
  g_assert_true (_seye_node_add_sample (empty, bare));
  g_assert_cmpfloat (seye_node_column_get_value (empty, SEYE_NODE_COLUMN_DISK), <, 0.0);
  CHECK_TEXT (empty, SEYE_NODE_COLUMN_DISK, "–");
  g_assert_cmpint (seye_node_column_compare (empty, node, SEYE_NODE_COLUMN_DISK), <, 0);
  g_assert_true (seye_node_column_is_numeric (SEYE_NODE_COLUMN_DISK));
  g_assert_cmpstr (seye_node_column_get_id (SEYE_NODE_COLUMN_DISK), ==, "disk");
}

/* A sample of a node in trouble: CPU @cpu %, memory 96 %, /var 97 % full, 4 cores. */
static SeyeSample *
hot_sample (double cpu)
{
  SeyeSample *sample = seye_sample_new ();
  SeyeFilesystem fs = { 0 };

  sample->time_ms = next_time_ms += 1000;
  sample->interval = 1;
  sample->parts = SEYE_SAMPLE_CPU | SEYE_SAMPLE_MEMORY | SEYE_SAMPLE_LOAD | SEYE_SAMPLE_FILESYSTEMS;
  sample->cpu.busy = cpu;
  sample->memory.total = 1000;
  sample->memory.used = 960;
  sample->memory.available = 40;
  sample->load[0] = 1.0;
  g_array_set_size (sample->cores, 4);
  fs.mount_point = g_strdup ("/var");
  fs.fs_type = g_strdup ("ext4");
  fs.device = g_strdup ("/dev/sda2");
  fs.size_bytes = 1000;
  fs.used_bytes = 970;
  fs.avail_bytes = 30;
  g_array_append_val (sample->filesystems, fs);

  return sample;
}

/* The status says the state, and why the node alerts beside it, never instead. */
static void
test_status (void)
{
  g_autoptr (SeyeNode) node = node_new ("c0", "hot", "10.0.0.11:7373", "host");
  g_autoptr (SeyeSample) sample = hot_sample (85);
  g_auto (SeyeAlertRules) rules = { 0 };
  g_autofree char *status = NULL;
  g_autofree char *offline = NULL;

  seye_alert_rules_init_defaults (&rules);
  _seye_node_add_sample (node, sample);
  _seye_node_set_state (node, SEYE_NODE_STATE_ONLINE);
  _seye_node_update_alerts (node, &rules, sample, sample->time_ms);

  g_assert_cmpuint (seye_node_get_active_alerts (node), ==, SEYE_ALERT_MEMORY | SEYE_ALERT_FILESYSTEM);
  status = seye_node_column_format_status (node, 0);
  g_assert_cmpstr (status, ==, "Online · Disk /var 97 % · 1 more");
  {
    g_autofree char *memory = seye_node_describe_alert (node, SEYE_ALERT_MEMORY);
    g_autofree char *cpu = seye_node_describe_alert (node, SEYE_ALERT_CPU);

    g_assert_cmpstr (memory, ==, "Memory 96 %");
    g_assert_null (cpu);
  }

  /* Cells: memory over its threshold is an error, CPU at 85 % is near its 90 %. */
  g_assert_cmpint (seye_node_column_get_level (node, SEYE_NODE_COLUMN_MEMORY), ==, SEYE_ALERT_LEVEL_ERROR);
  g_assert_cmpint (seye_node_column_get_level (node, SEYE_NODE_COLUMN_CPU), ==, SEYE_ALERT_LEVEL_WARNING);
  g_assert_cmpint (seye_node_column_get_level (node, SEYE_NODE_COLUMN_LOAD), ==, SEYE_ALERT_LEVEL_NORMAL);

  /* Acknowledged: shown, a warning, no longer alerting. */
  g_assert_cmpuint (_seye_node_acknowledge_alerts (node, SEYE_ALERT_FILESYSTEM), ==, SEYE_ALERT_FILESYSTEM);
  g_assert_true (seye_node_get_alerting (node));
  g_clear_pointer (&status, g_free);
  status = seye_node_column_format_status (node, 0);
  g_assert_cmpstr (status, ==, "Online · Memory 96 % · 1 more");
  _seye_node_acknowledge_alerts (node, SEYE_ALERT_ALL);
  g_assert_false (seye_node_get_alerting (node));
  g_assert_cmpint (seye_node_column_get_level (node, SEYE_NODE_COLUMN_MEMORY), ==, SEYE_ALERT_LEVEL_WARNING);

  /* Offline: the state and for how long; nothing current to judge. */
  _seye_node_set_last_seen (node, sample->time_ms);
  _seye_node_set_state (node, SEYE_NODE_STATE_OFFLINE);
  _seye_node_update_alerts (node, &rules, NULL, 0);
  g_assert_cmpuint (seye_node_get_active_alerts (node), ==, SEYE_ALERT_OFFLINE);
  g_assert_false (seye_node_has_current_values (node));
  offline = seye_node_column_format_status (node, seye_node_get_state_since (node) + 4 * 60 * 1000);
  g_assert_cmpstr (offline, ==, "Offline · 4 min");
  g_assert_cmpint (seye_node_column_get_level (node, SEYE_NODE_COLUMN_MEMORY), ==, SEYE_ALERT_LEVEL_NORMAL);

  /* Left the network: no alert at all. */
  _seye_node_set_state (node, SEYE_NODE_STATE_LEFT);
  _seye_node_update_alerts (node, &rules, NULL, 0);
  g_assert_cmpuint (seye_node_get_active_alerts (node), ==, 0);
  g_clear_pointer (&offline, g_free);
  offline = seye_node_column_format_status (node, seye_node_get_state_since (node) + 3 * 3600 * 1000);
  g_assert_cmpstr (offline, ==, "Left the network · 3 h");
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/seye/node-columns/table", test_table);
  g_test_add_func ("/seye/node-columns/natural", test_natural);
  g_test_add_func ("/seye/node-columns/compare", test_compare);
  g_test_add_func ("/seye/node-columns/match", test_match);
  g_test_add_func ("/seye/node-columns/match-tags", test_match_tags);
  g_test_add_func ("/seye/node-columns/format", test_format);
  g_test_add_func ("/seye/node-columns/load-and-disk", test_load_and_disk);
  g_test_add_func ("/seye/node-columns/status", test_status);

  return g_test_run ();
}
