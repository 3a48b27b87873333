/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "seye-error.h"
#include "seye-actions.h"
#include "seye-json-private.h"

static SeyeSample *
make_sample (guint n_cores)
{
  SeyeSample *sample = seye_sample_new ();
  SeyeNetIface eth0 = { g_strdup ("eth0"), 1234.0, 567.0, 10, 20 };
  SeyeDiskDevice vda = { g_strdup ("vda"), 4096.0, 8192.0, 1, 2 };
  SeyeFilesystem root = { g_strdup ("/"), g_strdup ("/dev/vda1"), g_strdup ("ext4"),
                          100000, 40000, 55000, 60000 };

  sample->time_ms = 1700000000123;
  sample->interval = 1.0;
  sample->parts = SEYE_SAMPLE_CPU | SEYE_SAMPLE_MEMORY | SEYE_SAMPLE_LOAD | SEYE_SAMPLE_PROCESSES |
                  SEYE_SAMPLE_UPTIME | SEYE_SAMPLE_NETWORK | SEYE_SAMPLE_DISK | SEYE_SAMPLE_FILESYSTEMS;
  sample->cpu = (SeyeCpuStat) { -1, 42.5, 30.25, 10.0, 2.0, 0.25 };
  for (guint i = 0; i < n_cores; i++)
    {
      SeyeCpuStat core = { (int) i, 10.0 + i % 90, 5.0 + i % 85, 5.0, 0.0, 0.0 };

      g_array_append_val (sample->cores, core);
    }
  sample->memory = (SeyeMemory) { 8000000000, 6000000000, 2000000000, 5000000000,
                                  100000000, 900000000, 1000000000, 250000000 };
  sample->load[0] = 0.42;
  sample->load[1] = 0.38;
  sample->load[2] = 0.3;
  sample->procs_total = 100;
  sample->procs_running = 2;
  sample->procs_blocked = 1;
  sample->threads = 400;
  sample->uptime = 7200;
  sample->boot_time = 1699992800;
  sample->net_rx_bytes_per_sec = 1234;
  sample->net_tx_bytes_per_sec = 567;
  g_array_append_val (sample->interfaces, eth0);
  sample->disk_read_bytes_per_sec = 4096;
  sample->disk_write_bytes_per_sec = 8192;
  g_array_append_val (sample->disks, vda);
  g_array_append_val (sample->filesystems, root);

  return sample;
}

static void
test_round_trip (void)
{
  g_autoptr (SeyeSample) sample = make_sample (8);
  g_autoptr (SeyeSample) back = NULL;
  g_autoptr (GError) error = NULL;
  GBytes *json = seye_sample_get_json (sample);
  const SeyeFilesystem *fs;

  /* The budget: an 8-core sample under 2 KB. */
  g_test_message ("8-core sample: %" G_GSIZE_FORMAT " bytes", g_bytes_get_size (json));
  g_assert_cmpuint (g_bytes_get_size (json), <, 2048);
  /* Encoded once and kept. */
  g_assert_true (seye_sample_get_json (sample) == json);

  back = seye_sample_from_json (g_bytes_get_data (json, NULL), g_bytes_get_size (json), &error);
  g_assert_no_error (error);
  g_assert_cmpint (back->time_ms, ==, sample->time_ms);
  g_assert_cmpint (back->parts, ==, sample->parts);
  g_assert_cmpfloat (back->cpu.busy, ==, 42.5);
  g_assert_cmpfloat (back->cpu.user, ==, 30.25);
  g_assert_cmpfloat (back->cpu.steal, ==, 0.25);
  g_assert_cmpuint (back->cores->len, ==, 8);
  for (guint i = 0; i < 8; i++)
    {
      g_assert_cmpint (g_array_index (back->cores, SeyeCpuStat, i).id, ==, (int) i);
      g_assert_cmpfloat (g_array_index (back->cores, SeyeCpuStat, i).busy, ==, 10.0 + i);
    }
  g_assert_cmpuint (back->memory.total, ==, 8000000000);
  g_assert_cmpuint (back->memory.swap_used, ==, 250000000);
  g_assert_cmpfloat (back->load[0], ==, 0.42);
  g_assert_cmpuint (back->threads, ==, 400);
  g_assert_cmpint (back->boot_time, ==, 1699992800);
  g_assert_cmpstr (g_array_index (back->interfaces, SeyeNetIface, 0).name, ==, "eth0");
  g_assert_cmpfloat (back->net_rx_bytes_per_sec, ==, 1234);
  g_assert_cmpstr (g_array_index (back->disks, SeyeDiskDevice, 0).name, ==, "vda");
  fs = &g_array_index (back->filesystems, SeyeFilesystem, 0);
  g_assert_cmpstr (fs->mount_point, ==, "/");
  g_assert_cmpstr (fs->device, ==, "/dev/vda1");
  g_assert_cmpuint (fs->avail_bytes, ==, 55000);
  g_assert_cmpfloat (seye_sample_get_memory_percent (back), ==, 25.0);
}

static void
test_partial_sample (void)
{
  g_autoptr (SeyeSample) sample = make_sample (2);
  g_autoptr (SeyeSample) back = NULL;
  g_autoptr (GError) error = NULL;
  GBytes *json;

  sample->parts = SEYE_SAMPLE_CPU | SEYE_SAMPLE_LOAD;
  json = seye_sample_get_json (sample);
  g_assert_null (strstr (g_bytes_get_data (json, NULL), "memory"));
  back = seye_sample_from_json (g_bytes_get_data (json, NULL), g_bytes_get_size (json), &error);
  g_assert_no_error (error);
  g_assert_cmpint (back->parts, ==, SEYE_SAMPLE_CPU | SEYE_SAMPLE_LOAD);
  g_assert_cmpfloat (seye_sample_get_memory_percent (back), ==, 0.0);
}

/* The totals and the compact form of /v1/stream decode to the same totals. */
static void
test_totals_and_compact (void)
{
  g_autoptr (SeyeSample) sample = make_sample (8);
  g_autoptr (GString) totals = g_string_new (NULL);
  g_autoptr (GString) compact = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  SeyeSample *back[2];

  seye_json_write_sample_totals (totals, sample);
  seye_json_write_sample_compact (compact, sample);
  g_test_message ("8 cores: %" G_GSIZE_FORMAT " bytes whole, %" G_GSIZE_FORMAT " the totals, %"
                  G_GSIZE_FORMAT " compact", g_bytes_get_size (seye_sample_get_json (sample)),
                  totals->len, compact->len);
  g_assert_cmpuint (compact->len, <, totals->len);
  g_assert_null (strchr (compact->str, '{'));

  back[0] = seye_sample_from_json (totals->str, totals->len, &error);
  g_assert_no_error (error);
  back[1] = seye_sample_from_json (compact->str, compact->len, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < 2; i++)
    {
      g_assert_cmpint (back[i]->time_ms, ==, sample->time_ms);
      g_assert_cmpfloat (back[i]->interval, ==, 1.0);
      g_assert_cmpint (back[i]->parts, ==, sample->parts & ~SEYE_SAMPLE_FILESYSTEMS);
      g_assert_cmpfloat (back[i]->cpu.busy, ==, 42.5);
      g_assert_cmpfloat (back[i]->cpu.user, ==, 30.25);
      g_assert_cmpfloat (back[i]->cpu.system, ==, 10.0);
      g_assert_cmpfloat (back[i]->cpu.iowait, ==, 2.0);
      g_assert_cmpfloat (back[i]->cpu.steal, ==, 0.25);
      g_assert_cmpuint (back[i]->cores->len, ==, 8);
      for (guint c = 0; c < 8; c++)
        {
          g_assert_cmpint (g_array_index (back[i]->cores, SeyeCpuStat, c).id, ==, (int) c);
          g_assert_cmpfloat (g_array_index (back[i]->cores, SeyeCpuStat, c).busy, ==, 10.0 + c);
        }
      g_assert_cmpuint (back[i]->memory.total, ==, 8000000000);
      g_assert_cmpuint (back[i]->memory.available, ==, 6000000000);
      g_assert_cmpuint (back[i]->memory.used, ==, 2000000000);
      g_assert_cmpuint (back[i]->memory.free, ==, 5000000000);
      g_assert_cmpuint (back[i]->memory.buffers, ==, 100000000);
      g_assert_cmpuint (back[i]->memory.cached, ==, 900000000);
      g_assert_cmpuint (back[i]->memory.swap_total, ==, 1000000000);
      g_assert_cmpuint (back[i]->memory.swap_used, ==, 250000000);
      g_assert_cmpfloat (back[i]->load[0], ==, 0.42);
      g_assert_cmpfloat (back[i]->load[1], ==, 0.38);
      g_assert_cmpfloat (back[i]->load[2], ==, 0.3);
      g_assert_cmpuint (back[i]->procs_total, ==, 100);
      g_assert_cmpuint (back[i]->procs_running, ==, 2);
      g_assert_cmpuint (back[i]->procs_blocked, ==, 1);
      g_assert_cmpuint (back[i]->threads, ==, 400);
      g_assert_cmpfloat (back[i]->uptime, ==, 7200);
      g_assert_cmpint (back[i]->boot_time, ==, 1699992800);
      g_assert_cmpfloat (back[i]->net_rx_bytes_per_sec, ==, 1234);
      g_assert_cmpfloat (back[i]->net_tx_bytes_per_sec, ==, 567);
      g_assert_cmpfloat (back[i]->disk_read_bytes_per_sec, ==, 4096);
      g_assert_cmpfloat (back[i]->disk_write_bytes_per_sec, ==, 8192);
      /* No lists. */
      g_assert_cmpuint (back[i]->interfaces->len, ==, 0);
      g_assert_cmpuint (back[i]->disks->len, ==, 0);
      g_assert_cmpuint (back[i]->filesystems->len, ==, 0);
    }
  /* The compact form has the busy share per core only. */
  g_assert_cmpfloat (g_array_index (back[1]->cores, SeyeCpuStat, 3).user, ==, 0.0);
  g_assert_cmpfloat (g_array_index (back[0]->cores, SeyeCpuStat, 3).user, ==, 8.0);

  seye_sample_unref (back[0]);
  seye_sample_unref (back[1]);

  /* Parts a sample does not hold are null, and left out again. */
  sample->parts = SEYE_SAMPLE_CPU | SEYE_SAMPLE_LOAD;
  g_string_truncate (compact, 0);
  seye_json_write_sample_compact (compact, sample);
  g_assert_nonnull (strstr (compact->str, ",null,"));
  back[1] = seye_sample_from_json (compact->str, compact->len, &error);
  g_assert_no_error (error);
  g_assert_cmpint (back[1]->parts, ==, SEYE_SAMPLE_CPU | SEYE_SAMPLE_LOAD);
  seye_sample_unref (back[1]);
}

/* A stream asked for processes carries them in one more place of the compact
 * form, and in a member "top_processes" of the object: the sample decodes as
 * without them. */
static void
test_top_processes (void)
{
  static const char * const tops[] = {
    "{\"interval\":1,\"processes\":[{\"pid\":1,\"name\":\"init\",\"user\":\"root\","
    "\"state\":\"S\",\"cpu_percent\":0,\"rss_bytes\":4096,\"threads\":1,\"start_time\":0,"
    "\"read_bytes_per_sec\":null,\"write_bytes_per_sec\":null}],\"total\":1,\"not_readable\":0}",
    "null",
  };
  g_autoptr (SeyeSample) sample = make_sample (2);

  for (guint i = 0; i < G_N_ELEMENTS (tops); i++)
    {
      g_autoptr (GString) compact = g_string_new (NULL);
      g_autoptr (GString) totals = g_string_new (NULL);
      g_autoptr (GError) error = NULL;
      g_autoptr (SeyeSample) back = NULL;
      g_autoptr (SeyeSample) object = NULL;

      seye_json_write_sample_compact (compact, sample);
      g_string_truncate (compact, compact->len - 1);
      g_string_append_printf (compact, ",%s]", tops[i]);
      back = seye_sample_from_json (compact->str, compact->len, &error);
      g_assert_no_error (error);
      g_assert_cmpint (back->parts, ==, sample->parts & ~SEYE_SAMPLE_FILESYSTEMS);
      g_assert_cmpfloat (back->cpu.busy, ==, 42.5);
      g_assert_cmpuint (back->procs_total, ==, 100);

      seye_json_write_sample_totals (totals, sample);
      g_string_truncate (totals, totals->len - 1);
      g_string_append_printf (totals, ",\"top_processes\":%s}", tops[i]);
      object = seye_sample_from_json (totals->str, totals->len, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (object->procs_total, ==, 100);
      g_assert_cmpuint (object->threads, ==, 400);
    }
}

static void
test_strings_escaped (void)
{
  g_autoptr (SeyeNodeInfo) info = seye_node_info_new ();
  g_autoptr (SeyeNodeInfo) back = NULL;
  g_autoptr (GError) error = NULL;
  GString *str = g_string_new (NULL);

  info->node_id = g_strdup ("0123456789abcdef0123456789abcdef");
  info->name = g_strdup ("<b>\"quoted\" \\ back</b> ünïcode");
  info->hostname = g_strdup ("host");
  info->os_name = g_strdup ("Debian GNU/Linux 12 (bookworm)");
  info->kernel = g_strdup ("6.1.0");
  info->arch = g_strdup ("x86_64");
  info->cpu_model = g_strdup ("Tab\there");
  info->agent_version = g_strdup ("0.1.0");
  info->n_cores = 2;
  info->interval = 1;
  info->boot_time = 1700000000;

  seye_json_write_node_info (str, info);
  /* Control characters become spaces on the way out: every client accepts the result. */
  g_assert_null (strchr (str->str, '\t'));
  back = seye_node_info_from_json (str->str, str->len, &error);
  g_string_free (str, TRUE);
  g_assert_no_error (error);
  g_assert_cmpstr (back->cpu_model, ==, "Tab here");
  g_clear_pointer (&back, seye_node_info_free);

  /* What a hostile node sends is decoded exactly (what shows it sanitises it, see
   * test-sanitize), and written back as JSON escapes: nothing a terminal obeys. */
  back = seye_node_info_from_json ("{\"schema\":1,\"node_id\":\"0123456789abcdef0123456789abcdef\","
                                   "\"name\":\"a\\u0007b\\u001b[2J\\u009b\\u202e\\u200b\\u2028\",\"hostname\":\"h\","
                                   "\"os\":\"o\",\"kernel\":\"k\","
                                   "\"arch\":\"a\",\"cpu_model\":\"c\",\"cores\":1,\"agent_version\":\"v\","
                                   "\"api_version\":1,\"interval\":1,\"boot_time\":1}", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->name, ==, "a\ab\033[2J\xc2\x9b\u202e\u200b\u2028");
  str = g_string_new (NULL);
  seye_json_write_string (str, back->name);
  g_assert_cmpstr (str->str, ==, "\"a\\u0007b\\u001b[2J\\u009b\\u202e\\u200b\\u2028\"");
  g_string_free (str, TRUE);
  g_clear_pointer (&back, seye_node_info_free);

  str = g_string_new (NULL);
  seye_json_write_node_info (str, info);
  back = seye_node_info_from_json (str->str, str->len, &error);
  g_string_free (str, TRUE);
  g_assert_no_error (error);
  g_assert_cmpstr (back->name, ==, info->name);
}

static void
test_numbers_compact (void)
{
  GString *str = g_string_new (NULL);

  seye_json_write_double (str, 12.3);
  g_string_append_c (str, ' ');
  seye_json_write_double (str, 0.1 + 0.2);
  g_string_append_c (str, ' ');
  seye_json_write_double (str, 100.0);
  g_string_append_c (str, ' ');
  seye_json_write_double (str, -0.0001);
  g_assert_cmpstr (str->str, ==, "12.3 0.3 100 0");
  g_string_free (str, TRUE);
}

typedef struct
{
  const char *json;
  int         code;
} Hostile;

static const Hostile hostile_samples[] = {
  { "", SEYE_ERROR_PARSE },
  { "null", SEYE_ERROR_INVALID },
  { "[]", SEYE_ERROR_INVALID },
  { "{", SEYE_ERROR_PARSE },
  /* A second value after the first: json-glib 1.6 took these, leaking the
   * second (the sanitized run would report it). */
  { "2{\"schema\":1,\"time\":1,\"interval\":1}", SEYE_ERROR_PARSE },
  { "{\"schema\":1,\"time\":1,\"interval\":1} {\"a\":[1]}", SEYE_ERROR_PARSE },
  { "[] []", SEYE_ERROR_PARSE },
  { "{\"schema\":1}", SEYE_ERROR_INVALID },                              /* no time */
  { "{\"schema\":2,\"time\":1,\"interval\":1}", SEYE_ERROR_INCOMPATIBLE },
  { "{\"schema\":\"1\",\"time\":1,\"interval\":1}", SEYE_ERROR_INVALID },
  { "{\"schema\":1,\"time\":\"now\",\"interval\":1}", SEYE_ERROR_INVALID },
  { "{\"schema\":1,\"time\":1.5,\"interval\":1}", SEYE_ERROR_INVALID },
  { "{\"schema\":1,\"time\":-1,\"interval\":1}", SEYE_ERROR_INVALID },
  { "{\"schema\":1,\"time\":1,\"interval\":1e400}", SEYE_ERROR_INVALID },  /* inf */
  { "{\"schema\":1,\"time\":1,\"interval\":NaN}", SEYE_ERROR_PARSE },
  { "{\"schema\":1,\"time\":1,\"interval\":1,\"load\":[1,2]}", SEYE_ERROR_INVALID },
  { "{\"schema\":1,\"time\":1,\"interval\":1,\"load\":[1,2,-3]}", SEYE_ERROR_INVALID },
  { "{\"schema\":1,\"time\":1,\"interval\":1,\"load\":[1,2,true]}", SEYE_ERROR_INVALID },
  { "{\"schema\":1,\"time\":1,\"interval\":1,\"load\":{}}", SEYE_ERROR_INVALID },
  { "{\"schema\":1,\"time\":1,\"interval\":1,\"memory\":{\"total\":1}}", SEYE_ERROR_INVALID },
  { "{\"schema\":1,\"time\":1,\"interval\":1,\"memory\":{\"total\":1,\"available\":2,\"used\":0,"
    "\"free\":0,\"buffers\":0,\"cached\":0,\"swap_total\":0,\"swap_used\":0}}", SEYE_ERROR_INVALID },
  { "{\"schema\":1,\"time\":1,\"interval\":1,\"memory\":{\"total\":-1,\"available\":0,\"used\":0,"
    "\"free\":0,\"buffers\":0,\"cached\":0,\"swap_total\":0,\"swap_used\":0}}", SEYE_ERROR_INVALID },
  { "{\"schema\":1,\"time\":1,\"interval\":1,\"cpu\":{\"busy\":150,\"user\":0,\"system\":0,"
    "\"iowait\":0,\"steal\":0,\"cores\":{\"id\":[],\"busy\":[],\"user\":[],\"system\":[],"
    "\"iowait\":[],\"steal\":[]}}}", SEYE_ERROR_INVALID },
  { "{\"schema\":1,\"time\":1,\"interval\":1,\"cpu\":{\"busy\":1,\"user\":0,\"system\":0,"
    "\"iowait\":0,\"steal\":0,\"cores\":{\"id\":[0,1],\"busy\":[1],\"user\":[1,1],\"system\":[1,1],"
    "\"iowait\":[1,1],\"steal\":[1,1]}}}", SEYE_ERROR_INVALID },        /* ragged columns */
  { "{\"schema\":1,\"time\":1,\"interval\":1,\"cpu\":{\"busy\":1,\"user\":0,\"system\":0,"
    "\"iowait\":0,\"steal\":0,\"cores\":{\"id\":[1,0],\"busy\":[1,1],\"user\":[1,1],\"system\":[1,1],"
    "\"iowait\":[1,1],\"steal\":[1,1]}}}", SEYE_ERROR_INVALID },        /* ids not rising */
  { "{\"schema\":1,\"time\":1,\"interval\":1,\"network\":{\"rx\":1,\"tx\":1,\"interfaces\":"
    "[{\"name\":7,\"rx\":1,\"tx\":1}]}}", SEYE_ERROR_INVALID },
  { "{\"schema\":1,\"time\":1,\"interval\":1,\"network\":{\"rx\":1,\"tx\":1,\"interfaces\":"
    "[{\"name\":\"eth0\",\"rx\":-1,\"tx\":1}]}}", SEYE_ERROR_INVALID },
  { "{\"schema\":1,\"time\":1,\"interval\":1,\"network\":{\"rx\":1,\"tx\":1,\"interfaces\":"
    "[{\"name\":\"\",\"rx\":1,\"tx\":1}]}}", SEYE_ERROR_INVALID },
  { "{\"schema\":1,\"time\":1,\"interval\":1,\"filesystems\":[{\"mount\":\"/\",\"device\":\"d\","
    "\"type\":\"ext4\",\"size\":1,\"used\":2,\"available\":0,\"free\":0}]}", SEYE_ERROR_INVALID },
  { "{\"schema\":1,\"time\":1,\"interval\":1,\"processes\":{\"total\":1,\"running\":1,"
    "\"blocked\":0}}", SEYE_ERROR_INVALID },                               /* missing threads */
  { "{\"schema\":1,\"time\":1,\"interval\":1,\"uptime\":{\"seconds\":1,\"boot_time\":\"x\"}}",
    SEYE_ERROR_INVALID },
  /* The compact form of /v1/stream. */
  { "[2]", SEYE_ERROR_INCOMPATIBLE },                /* another schema */
  { "[2,1,1]", SEYE_ERROR_INCOMPATIBLE },
  { "[\"1\"]", SEYE_ERROR_INVALID },
  { "[1,1,1]", SEYE_ERROR_INVALID },                /* too short */
  { "[1,1,1,null,null,null,null,null,null,null,null,null]", SEYE_ERROR_INVALID },           /* too long */
  { "[1,1,1,null,null,null,null,null,null,null,7]", SEYE_ERROR_INVALID },           /* top processes not an object */
  { "[1,1,1,null,null,null,null,null,null,null,[]]", SEYE_ERROR_INVALID },
  { "[1,-1,1,null,null,null,null,null,null,null]", SEYE_ERROR_INVALID },
  { "[1,1.5,1,null,null,null,null,null,null,null]", SEYE_ERROR_INVALID },
  { "[1,1,1e400,null,null,null,null,null,null,null]", SEYE_ERROR_INVALID },
  { "[1,1,1,[150,0,0,0,0,[],[]],null,null,null,null,null,null]", SEYE_ERROR_INVALID },
  { "[1,1,1,[1,0,0,0,0,[0,1],[1]],null,null,null,null,null,null]", SEYE_ERROR_INVALID },                /* ragged cores */
  { "[1,1,1,[1,0,0,0,0,[1,0],[1,1]],null,null,null,null,null,null]", SEYE_ERROR_INVALID },                /* ids not rising */
  { "[1,1,1,[1,0,0,0,0,[0],[true]],null,null,null,null,null,null]", SEYE_ERROR_INVALID },
  { "[1,1,1,[1,0,0,0,0,[0]],null,null,null,null,null,null]", SEYE_ERROR_INVALID },
  { "[1,1,1,{},null,null,null,null,null,null]", SEYE_ERROR_INVALID },
  { "[1,1,1,null,[1,2,0,0,0,0,0,0],null,null,null,null,null]", SEYE_ERROR_INVALID },                /* more available than total */
  { "[1,1,1,null,[1,2],null,null,null,null,null]", SEYE_ERROR_INVALID },
  { "[1,1,1,null,[-1,0,0,0,0,0,0,0],null,null,null,null,null]", SEYE_ERROR_INVALID },
  { "[1,1,1,null,null,[1,2,-3],null,null,null,null]", SEYE_ERROR_INVALID },
  { "[1,1,1,null,null,[1,2,true],null,null,null,null]", SEYE_ERROR_INVALID },
  { "[1,1,1,null,null,null,[1.5,1,0,1],null,null,null]", SEYE_ERROR_INVALID },
  { "[1,1,1,null,null,null,null,[1,\"x\"],null,null]", SEYE_ERROR_INVALID },
  { "[1,1,1,null,null,null,null,null,[1,-1],null]", SEYE_ERROR_INVALID },
  { "[1,1,1,null,null,null,null,null,null,[1e400,0]]", SEYE_ERROR_INVALID },
};

static void
test_hostile_samples (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (hostile_samples); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (SeyeSample) sample = seye_sample_from_json (hostile_samples[i].json, -1, &error);

      g_test_message ("%u: %s -> %s", i, hostile_samples[i].json, error ? error->message : "accepted");
      g_assert_null (sample);
      g_assert_error (error, SEYE_ERROR, hostile_samples[i].code);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
    }
}

/* What json-glib 1.6 mishandles never reaches it: a high surrogate followed by
 * another escape than its low half made it forget the string it was building
 * (a leak each time, found by fuzz-json-processes in CI), a lone surrogate or
 * an octal escape gave bytes that are not UTF-8, "\u" with fewer than four hex
 * digits was read anyway. */
static const struct {
  const char *escaped;
  const char *decoded;      /* NULL: the document is refused */
} escapes[] = {
  { "a\\ud83d\\ude00b", "a\U0001F600b" },
  { "\\u00e9\\/\\\"\\\\\\b\\f\\n\\r\\t", "\u00e9/\"\\\b\f\n\r\t" },
  { "\\uD83D\\uDE00", "\U0001F600" },
  { "a\\ud800\\u0041b", NULL },
  { "a\\ud800\\ud800", NULL },
  { "a\\ud800", NULL },
  { "a\\ud800b", NULL },
  { "a\\udc00", NULL },
  { "a\\udc00\\ud800", NULL },
  { "a\\ud8", NULL },
  { "a\\ud8zzzz", NULL },
  { "a\\377b", NULL },
  { "a\\xb", NULL },
  { "\\'", NULL },
};

static void
test_escapes (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (escapes); i++)
    {
      g_autofree char *doc = g_strdup_printf ("{\"schema\":1,\"node_id\":\"0123456789abcdef0123456789abcdef\","
                                              "\"name\":\"%s\",\"hostname\":\"h\",\"os\":\"o\",\"kernel\":\"k\","
                                              "\"arch\":\"a\",\"cpu_model\":\"c\",\"cores\":1,"
                                              "\"agent_version\":\"v\",\"api_version\":1,\"interval\":1,"
                                              "\"boot_time\":1}", escapes[i].escaped);
      g_autoptr (SeyeNodeInfo) info = NULL;
      g_autoptr (GError) error = NULL;

      info = seye_node_info_from_json (doc, -1, &error);
      g_test_message ("%s -> %s", escapes[i].escaped, info ? info->name : error->message);
      if (escapes[i].decoded != NULL)
        {
          g_assert_no_error (error);
          g_assert_cmpstr (info->name, ==, escapes[i].decoded);
        }
      else
        {
          g_assert_null (info);
          g_assert_error (error, SEYE_ERROR, SEYE_ERROR_PARSE);
        }
    }
}

/* JSON or not, by RFC 8259, before json-glib sees it: json-glib 1.6 leaks on its
 * error paths, so it is only ever given JSON. The first of the refused was found
 * leaking by fuzz-json-action-result in CI. */
static const char *const not_json[] = {
  "[/[[[[[/[[[[]]]]][[[]]]]][[[[", "2{}", "{}[]", "{} 1", "[1,]", "[,1]", "{\"a\" 1}", "{\"a\":1,}",
  "{1:2}", "{\"a\":}", "[01]", "[1.]", "[1.e1]", "[1e]", "[1e+]", "[-]", "[+1]", "[.5]", "[tru]",
  "[nul]", "[True]", "[\"a\x01\"]", "[1 2]", "[}", "{]", "[", "{\"a\":[1}", "\"abc", "['a']",
  "[1]]", "[/*x*/1]", "[NaN]", "[Infinity]", "[0x10]", "{\"a\":1 \"b\":2}", " ", "[\"\\\"]",
};

static const char *const json[] = {
  "[]", "{}", " [ ] ", "0", "-0", "\"\"", "null", "true", "false", "[-0.5e-3,1E+2,0,10,1.25]",
  "{\"a\":{\"b\":[{},[],null,true,false,\"\\u00e9\"]},\"c\":-1}", "\r\n\t[1]\n",
  "[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\ud83d\\ude00\"]", "[\"\xc3\xa9\"]",
};

static void
test_check (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (not_json); i++)
    {
      g_autoptr (GError) error = NULL;

      g_assert_false (_seye_json_check (not_json[i], strlen (not_json[i]), &error));
      g_test_message ("%s -> %s", not_json[i], error->message);
      g_assert_error (error, SEYE_ERROR, SEYE_ERROR_PARSE);
    }

  for (guint i = 0; i < G_N_ELEMENTS (json); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (JsonParser) parser = json_parser_new ();

      g_test_message ("%s", json[i]);
      g_assert_true (_seye_json_check (json[i], strlen (json[i]), &error));
      g_assert_no_error (error);
      /* What is let through, json-glib reads. */
      g_assert_true (json_parser_load_from_data (parser, json[i], -1, &error));
      g_assert_no_error (error);
    }

  /* The leaking document, through a decoder: refused in words, with where. */
  {
    g_autoptr (GError) error = NULL;

    g_assert_null (seye_action_result_from_json (not_json[0], -1, &error));
    g_assert_error (error, SEYE_ERROR, SEYE_ERROR_PARSE);
    g_assert_cmpstr (error->message, ==, "not valid JSON: an unexpected character at byte 1");
  }
}

static void
test_huge_arrays (void)
{
  GString *str = g_string_new ("{\"schema\":1,\"time\":1,\"interval\":1,\"network\":{\"rx\":1,\"tx\":1,"
                               "\"interfaces\":[");
  g_autoptr (GError) error = NULL;
  g_autoptr (SeyeSample) sample = NULL;
  g_autoptr (GPtrArray) history = NULL;

  for (guint i = 0; i < SEYE_MAX_INTERFACES + 1; i++)
    g_string_append_printf (str, "%s{\"name\":\"if%u\",\"rx\":1,\"tx\":1}", i ? "," : "", i);
  g_string_append (str, "]}}");
  sample = seye_sample_from_json (str->str, str->len, &error);
  g_assert_null (sample);
  g_assert_error (error, SEYE_ERROR, SEYE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "more than the 256 allowed"));
  g_clear_error (&error);
  g_string_free (str, TRUE);

  /* Five thousand cores: over the limit of 4096. */
  str = g_string_new ("{\"schema\":1,\"time\":1,\"interval\":1,\"cpu\":{\"busy\":1,\"user\":0,"
                      "\"system\":0,\"iowait\":0,\"steal\":0,\"cores\":{\"id\":[");
  for (guint i = 0; i < 5000; i++)
    g_string_append_printf (str, "%s%u", i ? "," : "", i);
  g_string_append (str, "]}}}");
  sample = seye_sample_from_json (str->str, str->len, &error);
  g_assert_null (sample);
  g_assert_error (error, SEYE_ERROR, SEYE_ERROR_INVALID);
  g_clear_error (&error);
  g_string_free (str, TRUE);

  /* Nesting a million deep would blow json-glib's recursive parser's stack. */
  str = g_string_new (NULL);
  for (guint i = 0; i < 1000000; i++)
    g_string_append_c (str, '[');
  history = seye_history_samples_from_json (str->str, str->len, &error);
  g_assert_null (history);
  g_assert_error (error, SEYE_ERROR, SEYE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "nested deeper"));
  g_string_free (str, TRUE);
}

static void
test_history_document (void)
{
  g_autoptr (SeyeSample) a = make_sample (2);
  g_autoptr (SeyeSample) b = make_sample (2);
  g_autoptr (GPtrArray) samples = NULL;
  g_autoptr (GError) error = NULL;
  GString *str = g_string_new ("{\"schema\":1,\"node_id\":\"x\",\"interval\":1,\"samples\":[");

  b->time_ms = a->time_ms + 1000;
  g_string_append_len (str, g_bytes_get_data (seye_sample_get_json (a), NULL),
                       g_bytes_get_size (seye_sample_get_json (a)));
  g_string_append_c (str, ',');
  g_string_append_len (str, g_bytes_get_data (seye_sample_get_json (b), NULL),
                       g_bytes_get_size (seye_sample_get_json (b)));
  g_string_append (str, "]}");

  samples = seye_history_samples_from_json (str->str, str->len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (samples->len, ==, 2);
  g_clear_pointer (&samples, g_ptr_array_unref);

  /* Out of order: refused. */
  g_string_free (str, TRUE);
  str = g_string_new ("{\"schema\":1,\"samples\":[");
  g_string_append_len (str, g_bytes_get_data (seye_sample_get_json (b), NULL),
                       g_bytes_get_size (seye_sample_get_json (b)));
  g_string_append_c (str, ',');
  g_string_append_len (str, g_bytes_get_data (seye_sample_get_json (a), NULL),
                       g_bytes_get_size (seye_sample_get_json (a)));
  g_string_append (str, "]}");
  samples = seye_history_samples_from_json (str->str, str->len, &error);
  g_assert_null (samples);
  g_assert_error (error, SEYE_ERROR, SEYE_ERROR_INVALID);
  g_string_free (str, TRUE);
}

static void
test_node_info_hostile (void)
{
  static const char *cases[] = {
    "{\"schema\":1}",
    "{\"schema\":1,\"node_id\":\"short\",\"name\":\"n\",\"hostname\":\"h\",\"os\":\"o\",\"kernel\":\"k\","
    "\"arch\":\"a\",\"cpu_model\":\"c\",\"cores\":1,\"agent_version\":\"v\",\"api_version\":1,"
    "\"interval\":1,\"boot_time\":1}",
    "{\"schema\":1,\"node_id\":\"0123456789abcdef0123456789abcdef\",\"name\":\"\",\"hostname\":\"h\","
    "\"os\":\"o\",\"kernel\":\"k\",\"arch\":\"a\",\"cpu_model\":\"c\",\"cores\":1,\"agent_version\":\"v\","
    "\"api_version\":1,\"interval\":1,\"boot_time\":1}",
    "{\"schema\":1,\"node_id\":\"0123456789abcdef0123456789abcdef\",\"name\":\"n\",\"hostname\":\"h\","
    "\"os\":\"o\",\"kernel\":\"k\",\"arch\":\"a\",\"cpu_model\":\"c\",\"cores\":99999,\"agent_version\":\"v\","
    "\"api_version\":1,\"interval\":1,\"boot_time\":1}",
    "{\"schema\":1,\"node_id\":\"0123456789abcdef0123456789abcdef\",\"name\":\"n\",\"hostname\":\"h\","
    "\"os\":\"o\",\"kernel\":\"k\",\"arch\":\"a\",\"cpu_model\":\"c\",\"cores\":1,\"agent_version\":\"v\","
    "\"api_version\":7,\"interval\":1,\"boot_time\":1}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (SeyeNodeInfo) info = seye_node_info_from_json (cases[i], -1, &error);

      g_test_message ("%u -> %s", i, error ? error->message : "accepted");
      g_assert_null (info);
      g_assert_nonnull (error);
    }
}

static JsonNode *
parse_with_json_glib (const char *text)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);

  return json_node_ref (json_parser_get_root (parser));
}

/* The decoders read arrays of numbers (the compact form) without json-glib:
 * whatever that path accepts is JSON and gives json-glib's tree; anything else
 * is left to json-glib. */
static void
test_numbers_fast_path (void)
{
  static const char * const same[] = {
    "[]", " [ ] ", "[0]", "[-0]", "[1,2,3]", "[ 1 , 2\n,\t3 ]\r\n", "[[],[[]]]",
    "[1.5, -2.25, 1e3, 1E+3, 2.5e-3, 0.0, -0.5]", "[9223372036854775807, -9223372036854775808]",
    "[1, [2, [3, [4]]], 5]", "[1732100123000, 1.0, [20.5, 15.2, [0, 1], [24.1, 16.9]]]",
  };
  static const char * const other[] = {
    "", "   ", "{}", "1", "[1,]", "[,1]", "[1 2]", "[01]", "[1.]", "[.5]", "[+1]", "[1e]",
    "[1e+]", "[-]", "[--1]", "[NaN]", "[Infinity]", "[1e999]", "[9223372036854775808]",
    "[\"1\"]", "[true]", "[null]", "[1]x", "[1][2]", "[1", "[[1]", "[1]]", "[0x10]",
    "[1\x00]", "[123456789012345678901234567890123456789012345678901234567890123456789]",
  };

  for (guint i = 0; i < G_N_ELEMENTS (same); i++)
    {
      g_autoptr (JsonNode) fast = _seye_json_parse_numbers (same[i], strlen (same[i]));
      g_autoptr (JsonNode) glib = parse_with_json_glib (same[i]);

      g_assert_nonnull (fast);
      g_assert_true (json_node_equal (fast, glib));
    }

  for (guint i = 0; i < G_N_ELEMENTS (other); i++)
    {
      g_autoptr (SeyeSample) sample = NULL;
      g_autoptr (GError) error = NULL;
      gsize length = i == G_N_ELEMENTS (other) - 2 ? 4 : strlen (other[i]);

      g_assert_null (_seye_json_parse_numbers (other[i], length));
      sample = seye_sample_from_json (other[i], length, &error);
      g_assert_null (sample);
      g_assert_nonnull (error);
    }

  /* Deeper than the decoders allow: refused before anything is built. */
  {
    g_autoptr (GString) deep = g_string_new (NULL);
    g_autoptr (GError) error = NULL;

    for (guint i = 0; i < 40; i++)
      g_string_append_c (deep, '[');
    for (guint i = 0; i < 40; i++)
      g_string_append_c (deep, ']');
    g_assert_null (_seye_json_parse_numbers (deep->str, deep->len));
    g_assert_null (seye_sample_from_json (deep->str, deep->len, &error));
    g_assert_error (error, SEYE_ERROR, SEYE_ERROR_INVALID);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/seye/json/round-trip", test_round_trip);
  g_test_add_func ("/seye/json/partial-sample", test_partial_sample);
  g_test_add_func ("/seye/json/totals-and-compact", test_totals_and_compact);
  g_test_add_func ("/seye/json/top-processes", test_top_processes);
  g_test_add_func ("/seye/json/strings-escaped", test_strings_escaped);
  g_test_add_func ("/seye/json/numbers-compact", test_numbers_compact);
  g_test_add_func ("/seye/json/numbers-fast-path", test_numbers_fast_path);
  g_test_add_func ("/seye/json/hostile-samples", test_hostile_samples);
  g_test_add_func ("/seye/json/check", test_check);
  g_test_add_func ("/seye/json/escapes", test_escapes);
  g_test_add_func ("/seye/json/huge-arrays", test_huge_arrays);
  g_test_add_func ("/seye/json/history-document", test_history_document);
  g_test_add_func ("/seye/json/node-info-hostile", test_node_info_hostile);

  return g_test_run ();
}
