/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/utsname.h>

#include "seye-error.h"
#include "seye-json.h"
#include "seye-node-id.h"
#include "seye-proc-parse.h"
#include "test-proc-tree.h"

/* The reader as a whole: its root, its lexing, the problems it reports and the
 * machine it runs on. Each part of a sample has a test-proc-*.c of its own. */

static void
test_root (void)
{
  g_autoptr (SeyeProcReader) null_root = seye_proc_reader_new (NULL);
  g_autoptr (SeyeProcReader) slash = seye_proc_reader_new ("/");
  g_autoptr (SeyeProcReader) trailing = seye_proc_reader_new ("/tmp/tree/");
  g_autoptr (SeyeProcReader) relative = seye_proc_reader_new ("some/tree");
  g_autofree char *cwd = g_get_current_dir ();
  g_autofree char *expected = g_build_filename (cwd, "some", "tree", NULL);

  g_assert_cmpstr (seye_proc_reader_get_root (null_root), ==, "/");
  g_assert_cmpstr (seye_proc_reader_get_root (slash), ==, "/");
  g_assert_cmpstr (seye_proc_reader_get_root (trailing), ==, "/tmp/tree");
  g_assert_cmpstr (seye_proc_reader_get_root (relative), ==, expected);

  /* No sample yet: no problems, an empty list. */
  g_assert_nonnull (seye_proc_reader_get_problems (slash));
  g_assert_null (seye_proc_reader_get_problems (slash)[0]);
}

static void
test_truncated (void)
{
  g_autofree char *root = tree_path ("truncated");
  g_autoptr (SeyeProcReader) reader = seye_proc_reader_new (root);

  for (guint round = 0; round < 2; round++)
    {
      g_autoptr (SeyeSample) sample = seye_proc_reader_sample (reader, T0 + round * 1000);

      assert_sample_sane (sample);
      g_assert_cmpint (sample->parts, ==, 0);
      assert_problem (reader, "/proc/stat is truncated", NULL);
      assert_problem (reader, "/proc/meminfo is malformed: no MemTotal line", NULL);
      assert_problem (reader, "/proc/loadavg is empty", NULL);
      assert_problem (reader, "/proc/uptime is truncated", NULL);
      assert_problem (reader, "/proc/net/dev is truncated", NULL);
      assert_problem (reader, "/proc/diskstats is truncated", NULL);
      assert_problem (reader, "/proc/mounts is truncated", NULL);
      g_assert_cmpuint (n_problems (reader), ==, 7);
    }
}

static void
test_malformed (void)
{
  g_autofree char *root = tree_path ("malformed");
  g_autoptr (SeyeProcReader) reader = seye_proc_reader_new (root);
  g_autoptr (SeyeNodeInfo) info = NULL;
  g_autoptr (SeyeNodeInfo) decoded = NULL;
  g_autoptr (GString) json = g_string_new (NULL);
  g_autoptr (GError) error = NULL;

  for (guint round = 0; round < 2; round++)
    {
      g_autoptr (SeyeSample) sample = seye_proc_reader_sample (reader, T0 + round * 1000);

      assert_sample_sane (sample);
      g_assert_cmpint (sample->parts, ==, 0);
      assert_problem (reader, "/proc/stat is malformed", "20a0");
      assert_problem (reader, "/proc/stat is malformed", "procs_running");
      assert_problem (reader, "/proc/stat is malformed", "btime");
      assert_problem (reader, "/proc/meminfo is malformed", "MemTotal");
      assert_problem (reader, "/proc/loadavg is malformed", NULL);
      assert_problem (reader, "/proc/uptime is malformed", NULL);
      assert_problem (reader, "/proc/net/dev is malformed", "eth0");
      assert_problem (reader, "/proc/diskstats is malformed", "vda");
      assert_problem (reader, "/proc/mounts is malformed", NULL);
      g_assert_cmpuint (n_problems (reader), ==, 9);
      /* Problems are printable, whatever the file held. */
      for (const char * const *p = seye_proc_reader_get_problems (reader); *p; p++)
        {
          g_assert_true (g_utf8_validate (*p, -1, NULL));
          for (const char *c = *p; *c; c++)
            g_assert_cmpint ((guchar) *c, >=, 0x20);
        }
    }

  /* Junk in the identity files is tidied, not refused. */
  info = seye_proc_reader_read_identity (reader);
  g_assert_no_error (error);
  g_assert_true (seye_node_id_is_valid (info->node_id));
  g_assert_cmpstr (info->hostname, ==, "[31mevil");
  g_assert_cmpstr (info->os_name, ==, "unterminated");
  g_assert_true (g_utf8_validate (info->kernel, -1, NULL));
  g_assert_true (g_str_has_prefix (info->kernel, "6.1.0"));
  g_assert_true (g_utf8_validate (info->cpu_model, -1, NULL));
  g_assert_nonnull (strstr (info->cpu_model, "AMD"));
  g_assert_null (strchr (info->cpu_model, '\x01'));
  info->name = g_strdup (info->hostname);
  seye_json_write_node_info (json, info);
  decoded = seye_node_info_from_json (json->str, json->len, &error);
  g_assert_no_error (error);
}

static void
test_missing (void)
{
  static const char * const files[] = {
    "proc/meminfo", "proc/loadavg", "proc/uptime", "proc/net/dev", "proc/diskstats", "proc/mounts",
  };
  g_autoptr (TmpRoot) t = tmp_root_new ();
  g_autoptr (SeyeProcReader) reader = seye_proc_reader_new (t->root);
  g_autoptr (SeyeSample) sample = NULL;
  g_autoptr (SeyeSample) recovered = NULL;
  g_autoptr (SeyeSample) nothing = NULL;

  tmp_root_link (t, "missing");
  sample = seye_proc_reader_sample (reader, T0);
  assert_sample_sane (sample);
  g_assert_cmpint (sample->parts, ==, SEYE_SAMPLE_CPU | SEYE_SAMPLE_PROCESSES);
  g_assert_cmpuint (sample->cores->len, ==, 2);
  g_assert_cmpuint (sample->procs_total, ==, 0);
  g_assert_cmpuint (n_problems (reader), ==, G_N_ELEMENTS (files));
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *message = g_strdup_printf ("cannot read %s/%s: %s",
                                                  t->root, files[i], g_strerror (ENOENT));

      assert_problem (reader, message, NULL);
    }

  /* Problems are those of the last sample only. */
  tmp_root_link (t, "basic-2core-next");
  recovered = seye_proc_reader_sample (reader, T0 + 1000);
  assert_sample_sane (recovered);
  g_assert_cmpint (recovered->parts, ==, ALL_PARTS);
  g_assert_cmpuint (n_problems (reader), ==, 0);
  /* The CPU was seen in the previous sample: measured. */
  assert_percentages (&recovered->cpu, 35.0, 17.5, 12.5, 2.5, 2.5);
  /* The network was not: rates start at 0. */
  g_assert_cmpfloat (recovered->net_rx_bytes_per_sec, ==, 0.0);

  /* No tree at all. */
  rm_rf (t->root);
  nothing = seye_proc_reader_sample (reader, T0 + 2000);
  assert_sample_sane (nothing);
  g_assert_cmpint (nothing->parts, ==, 0);
  assert_problem (reader, "cannot read", "proc/stat");
}

static void
test_parse (void)
{
  static const struct
  {
    const char *text;
    gboolean    ok;
    guint64     value;
  } u64_cases[] = {
    { "0", TRUE, 0 },
    { "42", TRUE, 42 },
    { "18446744073709551615", TRUE, G_MAXUINT64 },
    { "18446744073709551616", FALSE, 0 },
    { "99999999999999999999999", FALSE, 0 },
    { "", FALSE, 0 },
    { "-1", FALSE, 0 },
    { "+1", FALSE, 0 },
    { "0x10", FALSE, 0 },
    { "1 ", FALSE, 0 },
  };
  static const struct
  {
    const char *escaped;
    const char *plain;
  } unescape_cases[] = {
    { "/mnt/my\\040disk", "/mnt/my disk" },
    { "tab\\011here", "tab\there" },
    { "back\\134slash", "back\\slash" },
    { "nul\\000", "nul\\000" },
    { "short\\04", "short\\04" },
    { "end\\", "end\\" },
    { "\\777", "\\777" },
  };
  SeyeProcToken token;
  double d;

  for (guint i = 0; i < G_N_ELEMENTS (u64_cases); i++)
    {
      guint64 v = 0;

      g_assert_cmpint (_seye_proc_parse_u64 (u64_cases[i].text, strlen (u64_cases[i].text), &v),
                       ==, u64_cases[i].ok);
      if (u64_cases[i].ok)
        g_assert_cmpuint (v, ==, u64_cases[i].value);
    }

  g_assert_true (_seye_proc_parse_double ("0.42", 4, &d));
  g_assert_cmpfloat_with_epsilon (d, 0.42, EPSILON);
  g_assert_true (_seye_proc_parse_double ("65000", 5, &d));
  g_assert_false (_seye_proc_parse_double ("-1.0", 4, &d));
  g_assert_false (_seye_proc_parse_double ("1e5", 3, &d));
  g_assert_false (_seye_proc_parse_double ("nan", 3, &d));
  g_assert_false (_seye_proc_parse_double ("1.2.3", 5, &d));
  g_assert_false (_seye_proc_parse_double (".", 1, &d));

  for (guint i = 0; i < G_N_ELEMENTS (unescape_cases); i++)
    {
      g_autofree char *plain = NULL;

      token.str = unescape_cases[i].escaped;
      token.len = strlen (token.str);
      plain = _seye_proc_unescape (&token);
      g_assert_cmpstr (plain, ==, unescape_cases[i].plain);
    }
}

static void
test_real_system (void)
{
  g_autoptr (SeyeProcReader) reader = seye_proc_reader_new (NULL);
  g_autoptr (SeyeSample) first = NULL;
  g_autoptr (SeyeSample) second = NULL;
  g_autoptr (SeyeNodeInfo) info = NULL;
  g_autoptr (GError) error = NULL;
  SeyeSampleParts required = SEYE_SAMPLE_CPU | SEYE_SAMPLE_MEMORY | SEYE_SAMPLE_LOAD |
                             SEYE_SAMPLE_PROCESSES | SEYE_SAMPLE_UPTIME | SEYE_SAMPLE_NETWORK |
                             SEYE_SAMPLE_FILESYSTEMS;
  gint64 now_ms = g_get_real_time () / 1000;
  gboolean have_root_fs = FALSE;
  const guint rounds = 2000;
  gint64 start;

  first = seye_proc_reader_sample (reader, now_ms);
  print_problems (reader);
  assert_sample_sane (first);
  g_assert_cmpint (first->parts & required, ==, required);

  g_usleep (50 * 1000);
  second = seye_proc_reader_sample (reader, g_get_real_time () / 1000);
  print_problems (reader);
  assert_sample_sane (second);
  g_assert_cmpint (second->parts & required, ==, required);

  g_assert_cmpfloat (second->interval, >=, 0.04);
  g_assert_cmpfloat (second->interval, <, 30.0);
  g_assert_cmpuint (second->cores->len, >=, 1);
  g_assert_cmpuint (second->memory.total, >, 0);
  g_assert_cmpuint (second->procs_total, >=, 1);
  g_assert_cmpuint (second->threads, >=, second->procs_running);
  g_assert_cmpfloat (second->uptime, >, 0.0);
  g_assert_cmpint (second->boot_time, >, 0);
  g_assert_cmpint (second->boot_time, <=, now_ms / 1000);
  for (guint i = 0; i < second->filesystems->len; i++)
    if (g_str_equal (g_array_index (second->filesystems, SeyeFilesystem, i).mount_point, "/"))
      have_root_fs = TRUE;
  g_assert_true (have_root_fs);
  g_test_message ("real system: %u cores, busy %.1f %%, %u processes, %u interfaces, %u disks, "
                  "%u filesystems, %u problems",
                  second->cores->len, second->cpu.busy, second->procs_total,
                  second->interfaces->len, second->disks->len, second->filesystems->len,
                  n_problems (reader));

  /* The cost of one sample (reported, never asserted). */
  start = g_get_monotonic_time ();
  for (guint i = 0; i < rounds; i++)
    seye_sample_unref (seye_proc_reader_sample (reader, now_ms + 1000 + i));
  g_test_message ("one sample of this machine: %.1f us",
                  (double) (g_get_monotonic_time () - start) / rounds);

  info = seye_proc_reader_read_identity (reader);
  if (g_file_test ("/etc/machine-id", G_FILE_TEST_EXISTS))
    {
      struct utsname uts;

      g_assert_no_error (error);
      g_assert_cmpint (uname (&uts), ==, 0);
      g_assert_true (seye_node_id_is_valid (info->node_id));
      g_assert_cmpstr (info->hostname, !=, "");
      g_assert_cmpstr (info->kernel, ==, uts.release);
      g_assert_cmpuint (info->n_cores, >=, 1);
      g_assert_cmpint (info->boot_time, >, 0);
    }
  else
    {
      g_assert_error (error, SEYE_ERROR, SEYE_ERROR_IO);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/seye/proc/root", test_root);
  g_test_add_func ("/seye/proc/parse", test_parse);
  g_test_add_func ("/seye/proc/truncated", test_truncated);
  g_test_add_func ("/seye/proc/malformed", test_malformed);
  g_test_add_func ("/seye/proc/missing", test_missing);
  g_test_add_func ("/seye/proc/real-system", test_real_system);

  return g_test_run ();
}
