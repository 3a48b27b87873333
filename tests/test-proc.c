/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "seye-error.h"
#include "seye-json.h"
#include "seye-node-id.h"
#include "seye-proc.h"
#include "seye-proc-parse.h"

#define EPSILON 1e-9

#define ALL_PARTS (SEYE_SAMPLE_CPU | SEYE_SAMPLE_MEMORY | SEYE_SAMPLE_LOAD | \
                   SEYE_SAMPLE_PROCESSES | SEYE_SAMPLE_UPTIME | SEYE_SAMPLE_NETWORK | \
                   SEYE_SAMPLE_DISK | SEYE_SAMPLE_FILESYSTEMS)

/* The time of the first sample of every test: 2024-11-21 05:03:20 UTC. */
#define T0 G_GINT64_CONSTANT (1732165400000)

/* Trees -------------------------------------------------------------------- */

static char *
tree_path (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "proc", name, NULL);

  return g_canonicalize_filename (path, NULL);
}

static void
rm_rf (const char *path)
{
  if (!g_file_test (path, G_FILE_TEST_IS_SYMLINK) && g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          rm_rf (child);
        }
    }

  g_remove (path);
}

static void
copy_tree (const char *from,
           const char *to)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDir) dir = g_dir_open (from, 0, &error);
  const char *name;

  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir_with_parents (to, 0755), ==, 0);

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *src = g_build_filename (from, name, NULL);
      g_autofree char *dst = g_build_filename (to, name, NULL);

      if (g_file_test (src, G_FILE_TEST_IS_DIR))
        {
          copy_tree (src, dst);
        }
      else
        {
          g_autofree char *contents = NULL;
          gsize len;

          g_file_get_contents (src, &contents, &len, &error);
          g_assert_no_error (error);
          g_file_set_contents (dst, contents, len, &error);
          g_assert_no_error (error);
        }
    }
}

/* A temporary directory whose "root" is either a symlink to a recorded tree
 * (switched between samples) or a copy that a test changes. */
typedef struct
{
  char *dir;
  char *root;
} TmpRoot;

static TmpRoot *
tmp_root_new (void)
{
  g_autoptr (GError) error = NULL;
  TmpRoot *t = g_new0 (TmpRoot, 1);

  t->dir = g_dir_make_tmp ("seye-proc-XXXXXX", &error);
  g_assert_no_error (error);
  t->root = g_build_filename (t->dir, "root", NULL);

  return t;
}

static void
tmp_root_free (TmpRoot *t)
{
  rm_rf (t->dir);
  g_assert_false (g_file_test (t->dir, G_FILE_TEST_EXISTS));
  g_free (t->dir);
  g_free (t->root);
  g_free (t);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmpRoot, tmp_root_free)

static void
tmp_root_link (TmpRoot    *t,
               const char *tree)
{
  g_autofree char *target = tree_path (tree);

  rm_rf (t->root);
  g_assert_cmpint (symlink (target, t->root), ==, 0);
}

static void
tmp_root_copy (TmpRoot    *t,
               const char *tree)
{
  g_autofree char *source = tree_path (tree);

  rm_rf (t->root);
  copy_tree (source, t->root);
}

static void
tmp_root_write (TmpRoot    *t,
                const char *rel,
                const char *contents,
                gssize      len)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (t->root, rel, NULL);
  g_autofree char *parent = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (parent, 0755), ==, 0);
  g_file_set_contents (path, contents, len, &error);
  g_assert_no_error (error);
}

static void
tmp_root_mkdir (TmpRoot    *t,
                const char *rel)
{
  g_autofree char *path = g_build_filename (t->root, rel, NULL);

  g_assert_cmpint (g_mkdir_with_parents (path, 0755), ==, 0);
}

static void
tmp_root_remove (TmpRoot    *t,
                 const char *rel)
{
  g_autofree char *path = g_build_filename (t->root, rel, NULL);

  rm_rf (path);
}

/* Checks ------------------------------------------------------------------- */

static gboolean
has_problem (SeyeProcReader *reader,
             const char     *first,
             const char     *second)
{
  const char * const *problems = seye_proc_reader_get_problems (reader);

  for (guint i = 0; problems[i] != NULL; i++)
    if (strstr (problems[i], first) != NULL && (second == NULL || strstr (problems[i], second) != NULL))
      return TRUE;

  return FALSE;
}

static guint
n_problems (SeyeProcReader *reader)
{
  return g_strv_length ((GStrv) seye_proc_reader_get_problems (reader));
}

static void
print_problems (SeyeProcReader *reader)
{
  const char * const *problems = seye_proc_reader_get_problems (reader);

  for (guint i = 0; problems[i] != NULL; i++)
    g_test_message ("problem: %s", problems[i]);
}

static void
assert_problem (SeyeProcReader *reader,
                const char     *first,
                const char     *second)
{
  if (!has_problem (reader, first, second))
    {
      print_problems (reader);
      g_error ("no problem mentions “%s”%s%s", first, second ? " and " : "", second ? second : "");
    }
}

static void
assert_cpu_stat_sane (const SeyeCpuStat *stat)
{
  g_assert_cmpfloat (stat->busy, >=, 0.0);
  g_assert_cmpfloat (stat->busy, <=, 100.0);
  g_assert_cmpfloat (stat->user, >=, 0.0);
  g_assert_cmpfloat (stat->user, <=, 100.0);
  g_assert_cmpfloat (stat->system, >=, 0.0);
  g_assert_cmpfloat (stat->system, <=, 100.0);
  g_assert_cmpfloat (stat->iowait, >=, 0.0);
  g_assert_cmpfloat (stat->iowait, <=, 100.0);
  g_assert_cmpfloat (stat->steal, >=, 0.0);
  g_assert_cmpfloat (stat->steal, <=, 100.0);
  g_assert_cmpfloat_with_epsilon (stat->busy,
                                  MIN (stat->user + stat->system + stat->iowait + stat->steal, 100.0),
                                  1e-6);
}

/* Whatever the input, a sample holds values in range, and every client can
 * decode what the agent would send of it. */
static void
assert_sample_sane (SeyeSample *sample)
{
  g_autoptr (SeyeSample) decoded = NULL;
  g_autoptr (GError) error = NULL;
  GBytes *json;

  g_assert_nonnull (sample);
  g_assert_cmpfloat (sample->interval, >=, 0.0);

  if (sample->parts & SEYE_SAMPLE_CPU)
    {
      g_assert_cmpint (sample->cpu.id, ==, -1);
      assert_cpu_stat_sane (&sample->cpu);
      for (guint i = 0; i < sample->cores->len; i++)
        {
          const SeyeCpuStat *core = &g_array_index (sample->cores, SeyeCpuStat, i);

          assert_cpu_stat_sane (core);
          if (i > 0)
            g_assert_cmpint (core->id, >, (core - 1)->id);
        }
    }
  else
    {
      g_assert_cmpuint (sample->cores->len, ==, 0);
    }

  if (sample->parts & SEYE_SAMPLE_MEMORY)
    {
      g_assert_cmpuint (sample->memory.total, >, 0);
      g_assert_cmpuint (sample->memory.available, <=, sample->memory.total);
      g_assert_cmpuint (sample->memory.free, <=, sample->memory.total);
      g_assert_cmpuint (sample->memory.used, ==, sample->memory.total - sample->memory.available);
      g_assert_cmpuint (sample->memory.swap_used, <=, sample->memory.swap_total);
    }

  g_assert_cmpfloat (sample->net_rx_bytes_per_sec, >=, 0.0);
  g_assert_cmpfloat (sample->net_tx_bytes_per_sec, >=, 0.0);
  for (guint i = 0; i < sample->interfaces->len; i++)
    {
      const SeyeNetIface *iface = &g_array_index (sample->interfaces, SeyeNetIface, i);

      g_assert_cmpfloat (iface->rx_bytes_per_sec, >=, 0.0);
      g_assert_cmpfloat (iface->tx_bytes_per_sec, >=, 0.0);
      if (i > 0)
        g_assert_cmpstr ((iface - 1)->name, <, iface->name);
    }
  if (!(sample->parts & SEYE_SAMPLE_NETWORK))
    g_assert_cmpuint (sample->interfaces->len, ==, 0);

  g_assert_cmpfloat (sample->disk_read_bytes_per_sec, >=, 0.0);
  g_assert_cmpfloat (sample->disk_write_bytes_per_sec, >=, 0.0);
  for (guint i = 0; i < sample->disks->len; i++)
    {
      const SeyeDiskDevice *disk = &g_array_index (sample->disks, SeyeDiskDevice, i);

      g_assert_cmpfloat (disk->read_bytes_per_sec, >=, 0.0);
      g_assert_cmpfloat (disk->write_bytes_per_sec, >=, 0.0);
    }
  if (!(sample->parts & SEYE_SAMPLE_DISK))
    g_assert_cmpuint (sample->disks->len, ==, 0);

  for (guint i = 0; i < sample->filesystems->len; i++)
    {
      const SeyeFilesystem *fs = &g_array_index (sample->filesystems, SeyeFilesystem, i);

      g_assert_cmpuint (fs->used_bytes + fs->free_bytes, ==, fs->size_bytes);
      g_assert_cmpuint (fs->avail_bytes, <=, fs->free_bytes);
    }
  if (!(sample->parts & SEYE_SAMPLE_FILESYSTEMS))
    g_assert_cmpuint (sample->filesystems->len, ==, 0);

  json = seye_sample_get_json (sample);
  decoded = seye_sample_from_json (g_bytes_get_data (json, NULL), g_bytes_get_size (json), &error);
  g_assert_no_error (error);
  g_assert_cmpint (decoded->parts, ==, sample->parts);
}

static const SeyeCpuStat *
core_at (SeyeSample *sample,
         guint       i)
{
  g_assert_cmpuint (i, <, sample->cores->len);

  return &g_array_index (sample->cores, SeyeCpuStat, i);
}

static void
assert_percentages (const SeyeCpuStat *stat,
                    double             busy,
                    double             user,
                    double             system,
                    double             iowait,
                    double             steal)
{
  g_assert_cmpfloat_with_epsilon (stat->busy, busy, EPSILON);
  g_assert_cmpfloat_with_epsilon (stat->user, user, EPSILON);
  g_assert_cmpfloat_with_epsilon (stat->system, system, EPSILON);
  g_assert_cmpfloat_with_epsilon (stat->iowait, iowait, EPSILON);
  g_assert_cmpfloat_with_epsilon (stat->steal, steal, EPSILON);
}

static const SeyeNetIface *
find_iface (SeyeSample *sample,
            const char *name)
{
  for (guint i = 0; i < sample->interfaces->len; i++)
    if (g_str_equal (g_array_index (sample->interfaces, SeyeNetIface, i).name, name))
      return &g_array_index (sample->interfaces, SeyeNetIface, i);

  g_error ("no interface %s", name);
}

static SeyeSample *
sample_tree (const char *tree)
{
  g_autofree char *root = tree_path (tree);
  g_autoptr (SeyeProcReader) reader = seye_proc_reader_new (root);
  SeyeSample *sample = seye_proc_reader_sample (reader, T0);

  assert_sample_sane (sample);

  return sample;
}

/* Tests -------------------------------------------------------------------- */

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
test_cpu_delta (void)
{
  g_autoptr (TmpRoot) t = tmp_root_new ();
  g_autoptr (SeyeProcReader) reader = seye_proc_reader_new (t->root);
  g_autoptr (SeyeSample) first = NULL;
  g_autoptr (SeyeSample) second = NULL;
  const guint64 cpu0_ticks[SEYE_CPU_N_MODES] = { 1000, 50, 500, 8000, 200, 25, 25, 0 };

  tmp_root_link (t, "basic-2core");
  first = seye_proc_reader_sample (reader, T0);
  assert_sample_sane (first);
  g_assert_cmpint (first->parts, ==, ALL_PARTS);
  g_assert_cmpuint (n_problems (reader), ==, 0);
  g_assert_cmpint (first->time_ms, ==, T0);
  g_assert_cmpfloat (first->interval, ==, 0.0);

  /* The first sample has no rates but has the CPU part. */
  g_assert_cmpint (first->cpu.id, ==, -1);
  assert_percentages (&first->cpu, 0, 0, 0, 0, 0);
  g_assert_cmpuint (first->cores->len, ==, 2);
  g_assert_cmpint (core_at (first, 0)->id, ==, 0);
  g_assert_cmpint (core_at (first, 1)->id, ==, 1);
  assert_percentages (core_at (first, 0), 0, 0, 0, 0, 0);
  g_assert_cmpmem (core_at (first, 0)->ticks, sizeof cpu0_ticks, cpu0_ticks, sizeof cpu0_ticks);
  g_assert_cmpuint (first->cpu.ticks[SEYE_CPU_MODE_IDLE], ==, 16000);

  g_assert_cmpuint (first->procs_running, ==, 2);
  g_assert_cmpuint (first->procs_blocked, ==, 1);
  g_assert_cmpuint (first->procs_total, ==, 2);   /* proc/1 and proc/42, not proc/self */
  g_assert_cmpint (first->boot_time, ==, 1732100000);
  g_assert_cmpfloat_with_epsilon (first->uptime, 65000.12, EPSILON);

  /* One second later: 100 ticks per core. */
  tmp_root_link (t, "basic-2core-next");
  second = seye_proc_reader_sample (reader, T0 + 1000);
  assert_sample_sane (second);
  g_assert_cmpint (second->parts, ==, ALL_PARTS);
  g_assert_cmpfloat_with_epsilon (second->interval, 1.0, EPSILON);

  /* cpu0: user 20 + nice 5, system 10 + irq 3 + softirq 2, idle 50, iowait 5, steal 5. */
  assert_percentages (core_at (second, 0), 50.0, 25.0, 15.0, 5.0, 5.0);
  /* cpu1: user 10, system 5 + softirq 5, idle 80. */
  assert_percentages (core_at (second, 1), 20.0, 10.0, 10.0, 0.0, 0.0);
  /* Both over 200 ticks; the guest column (+7) is ignored. */
  assert_percentages (&second->cpu, 35.0, 17.5, 12.5, 2.5, 2.5);
  g_assert_cmpuint (second->cpu.ticks[SEYE_CPU_MODE_STEAL], ==, 5);

  g_assert_cmpuint (second->procs_running, ==, 3);
  g_assert_cmpuint (second->procs_blocked, ==, 0);
  g_assert_cmpuint (second->threads, ==, 402);
  g_assert_cmpfloat_with_epsilon (second->load[0], 0.50, EPSILON);
  g_assert_cmpfloat_with_epsilon (second->load[1], 0.40, EPSILON);
  g_assert_cmpfloat_with_epsilon (second->load[2], 0.31, EPSILON);
}

static void
test_cpu_reset (void)
{
  g_autoptr (TmpRoot) t = tmp_root_new ();
  g_autoptr (SeyeProcReader) reader = seye_proc_reader_new (t->root);
  g_autoptr (SeyeSample) reset = NULL;
  g_autoptr (SeyeSample) after = NULL;
  const char *trees[] = { "basic-2core", "basic-2core-next" };

  for (guint i = 0; i < G_N_ELEMENTS (trees); i++)
    {
      g_autoptr (SeyeSample) sample = NULL;

      tmp_root_link (t, trees[i]);
      sample = seye_proc_reader_sample (reader, T0 + i * 1000);
      assert_sample_sane (sample);
    }

  /* cpu1 went offline, cpu2 came online, cpu0's counters went back (the sum
   * of all of them too): what went back reports what it reported before, the
   * new core 0. */
  tmp_root_link (t, "reset");
  reset = seye_proc_reader_sample (reader, T0 + 2000);
  assert_sample_sane (reset);
  g_assert_true (reset->parts & SEYE_SAMPLE_CPU);
  assert_percentages (&reset->cpu, 35.0, 17.5, 12.5, 2.5, 2.5);
  g_assert_cmpuint (reset->cores->len, ==, 2);
  g_assert_cmpint (core_at (reset, 0)->id, ==, 0);
  g_assert_cmpint (core_at (reset, 1)->id, ==, 2);
  assert_percentages (core_at (reset, 0), 50.0, 25.0, 15.0, 5.0, 5.0);
  assert_percentages (core_at (reset, 1), 0, 0, 0, 0, 0);
  g_assert_cmpuint (core_at (reset, 0)->ticks[SEYE_CPU_MODE_USER], ==, 500);

  /* Measured from the new baseline. */
  tmp_root_link (t, "reset-next");
  after = seye_proc_reader_sample (reader, T0 + 3000);
  assert_sample_sane (after);
  assert_percentages (&after->cpu, 40.0, 25.0, 15.0, 0.0, 0.0);
  assert_percentages (core_at (after, 0), 50.0, 50.0, 0.0, 0.0, 0.0);
  assert_percentages (core_at (after, 1), 30.0, 0.0, 30.0, 0.0, 0.0);
}

static char *
stat_text (const char *cpu_lines)
{
  return g_strconcat (cpu_lines,
                      "intr 100 0 0\nctxt 5000\nbtime 1732100000\nprocesses 300\n"
                      "procs_running 1\nprocs_blocked 0\n", NULL);
}

static SeyeSample *
sample_stat (TmpRoot        *t,
             SeyeProcReader *reader,
             const char     *cpu_lines,
             gint64          now_ms)
{
  g_autofree char *text = stat_text (cpu_lines);
  SeyeSample *sample;

  tmp_root_write (t, "proc/stat", text, -1);
  sample = seye_proc_reader_sample (reader, now_ms);
  assert_sample_sane (sample);
  g_assert_true (sample->parts & SEYE_SAMPLE_CPU);

  return sample;
}

static void
test_hotplug (void)
{
  g_autoptr (TmpRoot) t = tmp_root_new ();
  g_autoptr (SeyeProcReader) reader = NULL;
  g_autoptr (SeyeSample) a = NULL;
  g_autoptr (SeyeSample) b = NULL;
  g_autoptr (SeyeSample) c = NULL;
  g_autoptr (SeyeSample) d = NULL;
  g_autoptr (SeyeSample) e = NULL;
  g_autoptr (SeyeSample) f = NULL;

  tmp_root_copy (t, "basic-2core");
  reader = seye_proc_reader_new (t->root);

  a = sample_stat (t, reader,
                   "cpu  200 0 200 1600 0 0 0 0\n"
                   "cpu0 100 0 100 800 0 0 0 0\n"
                   "cpu1 100 0 100 800 0 0 0 0\n", T0);
  g_assert_cmpuint (a->cores->len, ==, 2);

  /* cpu1 goes offline: the total loses its ticks (went back: nothing to
   * measure, it keeps saying 0); cpu0 is measured. */
  b = sample_stat (t, reader,
                   "cpu  150 0 100 850 0 0 0 0\n"
                   "cpu0 150 0 100 850 0 0 0 0\n", T0 + 1000);
  g_assert_cmpuint (b->cores->len, ==, 1);
  g_assert_cmpint (core_at (b, 0)->id, ==, 0);
  assert_percentages (core_at (b, 0), 50.0, 50.0, 0, 0, 0);
  assert_percentages (&b->cpu, 0, 0, 0, 0, 0);

  /* cpu1 comes back with its old counters and more: new again, 0. */
  c = sample_stat (t, reader,
                   "cpu  270 0 200 1730 0 0 0 0\n"
                   "cpu0 170 0 100 930 0 0 0 0\n"
                   "cpu1 100 0 100 800 0 0 0 0\n", T0 + 2000);
  g_assert_cmpuint (c->cores->len, ==, 2);
  assert_percentages (core_at (c, 0), 20.0, 20.0, 0, 0, 0);
  assert_percentages (core_at (c, 1), 0, 0, 0, 0, 0);

  /* Then measured like any core. */
  d = sample_stat (t, reader,
                   "cpu  300 0 200 1895 5 0 0 0\n"
                   "cpu0 170 0 100 1030 0 0 0 0\n"
                   "cpu1 130 0 100 865 5 0 0 0\n", T0 + 3000);
  assert_percentages (core_at (d, 0), 0, 0, 0, 0, 0);
  assert_percentages (core_at (d, 1), 35.0, 30.0, 0, 5.0, 0);
  assert_percentages (&d->cpu, 17.5, 15.0, 0, 2.5, 0);

  /* No tick at all in between: the previous percentages stay. */
  e = sample_stat (t, reader,
                   "cpu  300 0 200 1895 5 0 0 0\n"
                   "cpu0 170 0 100 1030 0 0 0 0\n"
                   "cpu1 130 0 100 865 5 0 0 0\n", T0 + 4000);
  assert_percentages (core_at (e, 0), 0, 0, 0, 0, 0);
  assert_percentages (core_at (e, 1), 35.0, 30.0, 0, 5.0, 0);
  assert_percentages (&e->cpu, 17.5, 15.0, 0, 2.5, 0);

  /* iowait going back (it does on real kernels) while the sum goes on:
   * that field counts 0, the others are shares of the rest. Cores listed out
   * of order come out sorted. */
  f = sample_stat (t, reader,
                   "cpu  340 0 200 2060 0 0 0 0\n"
                   "cpu1 140 0 100 960 0 0 0 0\n"
                   "cpu0 200 0 100 1100 0 0 0 0\n", T0 + 5000);
  g_assert_cmpint (core_at (f, 0)->id, ==, 0);
  g_assert_cmpint (core_at (f, 1)->id, ==, 1);
  assert_percentages (core_at (f, 0), 30.0, 30.0, 0, 0, 0);
  assert_percentages (core_at (f, 1), 1000.0 / 105.0, 1000.0 / 105.0, 0, 0, 0);
  assert_percentages (&f->cpu, 4000.0 / 205.0, 4000.0 / 205.0, 0, 0, 0);
}

static void
test_cpu128 (void)
{
  g_autoptr (TmpRoot) t = tmp_root_new ();
  g_autoptr (SeyeProcReader) reader = NULL;
  g_autoptr (SeyeSample) first = NULL;
  g_autoptr (SeyeSample) second = NULL;
  g_autoptr (SeyeNodeInfo) info = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) next = g_string_new (NULL);
  g_autofree char *stat = NULL;
  g_autofree char *stat_path = NULL;
  g_auto (GStrv) lines = NULL;
  guint64 busy_ticks = 0;

  tmp_root_copy (t, "cpu128");
  reader = seye_proc_reader_new (t->root);
  first = seye_proc_reader_sample (reader, T0);
  assert_sample_sane (first);
  g_assert_true (first->parts & SEYE_SAMPLE_CPU);
  g_assert_cmpuint (first->cores->len, ==, 128);
  for (guint i = 0; i < 128; i++)
    {
      g_assert_cmpint (core_at (first, i)->id, ==, (int) i);
      g_assert_cmpuint (core_at (first, i)->ticks[SEYE_CPU_MODE_USER], ==, 10000 + 37 * i);
    }

  info = seye_proc_reader_read_identity (reader);
  g_assert_no_error (error);
  g_assert_cmpuint (info->n_cores, ==, 128);

  /* Core i: i % 101 ticks of user time and the rest idle, out of 100. */
  stat_path = g_build_filename (t->root, "proc", "stat", NULL);
  g_file_get_contents (stat_path, &stat, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (stat, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      guint64 v[10];
      int id = -1;

      if (g_str_has_prefix (lines[i], "cpu "))
        {
          for (guint k = 0; k < 128; k++)
            busy_ticks += k % 101;
          g_assert_cmpint (sscanf (lines[i], "cpu %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
                                   " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
                                   " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
                                   " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT,
                                   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]), ==, 8);
          v[0] += busy_ticks;
          v[3] += 128 * 100 - busy_ticks;
        }
      else if (sscanf (lines[i], "cpu%d %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
                       " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
                       " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
                       " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT,
                       &id, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) == 9)
        {
          v[0] += id % 101;
          v[3] += 100 - id % 101;
        }
      else
        {
          if (lines[i][0] != '\0')
            g_string_append_printf (next, "%s\n", lines[i]);
          continue;
        }

      g_string_append_printf (next, id < 0 ? "cpu " : "cpu%d", id);
      for (guint k = 0; k < 8; k++)
        g_string_append_printf (next, " %" G_GUINT64_FORMAT, v[k]);
      g_string_append_c (next, '\n');
    }
  tmp_root_write (t, "proc/stat", next->str, next->len);

  second = seye_proc_reader_sample (reader, T0 + 1000);
  assert_sample_sane (second);
  g_assert_cmpuint (second->cores->len, ==, 128);
  for (guint i = 0; i < 128; i++)
    assert_percentages (core_at (second, i), i % 101, i % 101, 0, 0, 0);
  assert_percentages (&second->cpu, busy_ticks / 128.0, busy_ticks / 128.0, 0, 0, 0);
}

static void
test_memory (void)
{
  g_autoptr (SeyeSample) sample = sample_tree ("basic-2core");
  g_autoptr (TmpRoot) t = tmp_root_new ();
  const SeyeMemory *m = &sample->memory;

  g_assert_true (sample->parts & SEYE_SAMPLE_MEMORY);
  g_assert_cmpuint (m->total, ==, G_GUINT64_CONSTANT (4000000) * 1024);
  g_assert_cmpuint (m->free, ==, G_GUINT64_CONSTANT (1000000) * 1024);
  g_assert_cmpuint (m->available, ==, G_GUINT64_CONSTANT (2500000) * 1024);
  g_assert_cmpuint (m->buffers, ==, G_GUINT64_CONSTANT (100000) * 1024);
  g_assert_cmpuint (m->cached, ==, G_GUINT64_CONSTANT (1350000) * 1024);   /* Cached + SReclaimable */
  g_assert_cmpuint (m->used, ==, G_GUINT64_CONSTANT (1500000) * 1024);
  g_assert_cmpuint (m->swap_total, ==, G_GUINT64_CONSTANT (2000000) * 1024);
  g_assert_cmpuint (m->swap_used, ==, G_GUINT64_CONSTANT (500000) * 1024);
  g_assert_cmpfloat_with_epsilon (seye_sample_get_memory_percent (sample), 37.5, EPSILON);
  g_assert_cmpfloat_with_epsilon (seye_sample_get_swap_percent (sample), 25.0, EPSILON);

  /* An old kernel without MemAvailable; swap free beyond its size. */
  tmp_root_copy (t, "basic-2core");
  tmp_root_write (t, "proc/meminfo",
                  "MemTotal:        4000000 kB\n"
                  "MemFree:         1000000 kB\n"
                  "Buffers:          100000 kB\n"
                  "Cached:          1200000 kB\n"
                  "SwapTotal:        100000 kB\n"
                  "SwapFree:         200000 kB\n"
                  "HugePages_Total:       0\n", -1);
  {
    g_autoptr (SeyeProcReader) reader = seye_proc_reader_new (t->root);
    g_autoptr (SeyeSample) old = seye_proc_reader_sample (reader, T0);

    assert_sample_sane (old);
    g_assert_true (old->parts & SEYE_SAMPLE_MEMORY);
    g_assert_cmpuint (old->memory.available, ==, G_GUINT64_CONSTANT (2300000) * 1024);
    g_assert_cmpuint (old->memory.used, ==, G_GUINT64_CONSTANT (1700000) * 1024);
    g_assert_cmpuint (old->memory.cached, ==, G_GUINT64_CONSTANT (1200000) * 1024);
    g_assert_cmpuint (old->memory.swap_used, ==, 0);
  }

  /* MemAvailable beyond MemTotal is clamped: used is never negative. */
  tmp_root_write (t, "proc/meminfo",
                  "MemTotal:        4000000 kB\n"
                  "MemFree:         1000000 kB\n"
                  "MemAvailable:    5000000 kB\n", -1);
  {
    g_autoptr (SeyeProcReader) reader = seye_proc_reader_new (t->root);
    g_autoptr (SeyeSample) odd = seye_proc_reader_sample (reader, T0);

    assert_sample_sane (odd);
    g_assert_cmpuint (odd->memory.available, ==, odd->memory.total);
    g_assert_cmpuint (odd->memory.used, ==, 0);
    g_assert_cmpuint (odd->memory.swap_total, ==, 0);
  }
}

static void
test_network (void)
{
  g_autoptr (TmpRoot) t = tmp_root_new ();
  g_autoptr (SeyeProcReader) reader = seye_proc_reader_new (t->root);
  g_autoptr (SeyeProcReader) slow = seye_proc_reader_new (t->root);
  g_autoptr (SeyeSample) first = NULL;
  g_autoptr (SeyeSample) second = NULL;
  g_autoptr (SeyeSample) slow_first = NULL;
  g_autoptr (SeyeSample) slow_second = NULL;
  g_autoptr (SeyeSample) back = NULL;
  g_autoptr (SeyeSample) reset = NULL;
  g_autoptr (SeyeSample) after = NULL;
  const SeyeNetIface *eth0;

  tmp_root_link (t, "basic-2core");
  first = seye_proc_reader_sample (reader, T0);
  slow_first = seye_proc_reader_sample (slow, T0);
  assert_sample_sane (first);
  g_assert_cmpuint (first->interfaces->len, ==, 2);
  g_assert_cmpstr (g_array_index (first->interfaces, SeyeNetIface, 0).name, ==, "eth0");
  g_assert_cmpstr (g_array_index (first->interfaces, SeyeNetIface, 1).name, ==, "lo");
  g_assert_cmpfloat (first->net_rx_bytes_per_sec, ==, 0.0);
  g_assert_cmpfloat (find_iface (first, "eth0")->rx_bytes_per_sec, ==, 0.0);
  g_assert_cmpuint (find_iface (first, "eth0")->rx_bytes, ==, 98765432);

  tmp_root_link (t, "basic-2core-next");
  second = seye_proc_reader_sample (reader, T0 + 1000);
  assert_sample_sane (second);
  eth0 = find_iface (second, "eth0");
  g_assert_cmpuint (eth0->rx_bytes, ==, 98767266);
  g_assert_cmpuint (eth0->tx_bytes, ==, 12346590);
  g_assert_cmpfloat_with_epsilon (eth0->rx_bytes_per_sec, 1834.0, EPSILON);
  g_assert_cmpfloat_with_epsilon (eth0->tx_bytes_per_sec, 912.0, EPSILON);
  g_assert_cmpfloat_with_epsilon (find_iface (second, "lo")->rx_bytes_per_sec, 5000.0, EPSILON);
  /* Totals leave loopback out. */
  g_assert_cmpfloat_with_epsilon (second->net_rx_bytes_per_sec, 1834.0, EPSILON);
  g_assert_cmpfloat_with_epsilon (second->net_tx_bytes_per_sec, 912.0, EPSILON);

  /* Over two seconds, half the rate. */
  slow_second = seye_proc_reader_sample (slow, T0 + 2000);
  g_assert_cmpfloat_with_epsilon (slow_second->interval, 2.0, EPSILON);
  g_assert_cmpfloat_with_epsilon (slow_second->net_rx_bytes_per_sec, 917.0, EPSILON);
  g_assert_cmpfloat_with_epsilon (slow_second->net_tx_bytes_per_sec, 456.0, EPSILON);

  /* The clock went back: no interval, no rates, and no harm. */
  back = seye_proc_reader_sample (slow, T0 + 1500);
  assert_sample_sane (back);
  g_assert_cmpfloat (back->interval, ==, 0.0);
  g_assert_cmpfloat (back->net_rx_bytes_per_sec, ==, 0.0);

  /* eth0's counters went back, wlan0 appeared: both 0; lo goes on. */
  tmp_root_link (t, "reset");
  reset = seye_proc_reader_sample (reader, T0 + 2000);
  assert_sample_sane (reset);
  g_assert_cmpuint (reset->interfaces->len, ==, 3);
  g_assert_cmpfloat (find_iface (reset, "eth0")->rx_bytes_per_sec, ==, 0.0);
  g_assert_cmpfloat (find_iface (reset, "eth0")->tx_bytes_per_sec, ==, 0.0);
  g_assert_cmpfloat (find_iface (reset, "wlan0")->rx_bytes_per_sec, ==, 0.0);
  g_assert_cmpfloat_with_epsilon (find_iface (reset, "lo")->tx_bytes_per_sec, 5000.0, EPSILON);
  g_assert_cmpfloat (reset->net_rx_bytes_per_sec, ==, 0.0);
  g_assert_cmpfloat (reset->net_tx_bytes_per_sec, ==, 0.0);

  tmp_root_link (t, "reset-next");
  after = seye_proc_reader_sample (reader, T0 + 3000);
  assert_sample_sane (after);
  g_assert_cmpfloat_with_epsilon (find_iface (after, "eth0")->rx_bytes_per_sec, 2000.0, EPSILON);
  g_assert_cmpfloat_with_epsilon (find_iface (after, "wlan0")->rx_bytes_per_sec, 300.0, EPSILON);
  g_assert_cmpfloat_with_epsilon (after->net_rx_bytes_per_sec, 2300.0, EPSILON);
  g_assert_cmpfloat_with_epsilon (after->net_tx_bytes_per_sec, 1100.0, EPSILON);
}

static const SeyeDiskDevice *
disk_at (SeyeSample *sample,
         guint       i)
{
  g_assert_cmpuint (i, <, sample->disks->len);

  return &g_array_index (sample->disks, SeyeDiskDevice, i);
}

static void
test_disk (void)
{
  g_autoptr (TmpRoot) t = tmp_root_new ();
  g_autoptr (SeyeProcReader) reader = seye_proc_reader_new (t->root);
  g_autoptr (SeyeSample) first = NULL;
  g_autoptr (SeyeSample) second = NULL;
  g_autoptr (SeyeSample) reset = NULL;
  g_autoptr (SeyeSample) after = NULL;

  /* Only vda: loop0 has no device, vda1 is a partition. */
  tmp_root_link (t, "basic-2core");
  first = seye_proc_reader_sample (reader, T0);
  assert_sample_sane (first);
  g_assert_cmpuint (first->disks->len, ==, 1);
  g_assert_cmpstr (disk_at (first, 0)->name, ==, "vda");
  g_assert_cmpuint (disk_at (first, 0)->read_bytes, ==, G_GUINT64_CONSTANT (800000) * 512);
  g_assert_cmpuint (disk_at (first, 0)->written_bytes, ==, G_GUINT64_CONSTANT (1600000) * 512);
  g_assert_cmpfloat (first->disk_write_bytes_per_sec, ==, 0.0);

  tmp_root_link (t, "basic-2core-next");
  second = seye_proc_reader_sample (reader, T0 + 1000);
  assert_sample_sane (second);
  g_assert_cmpfloat (disk_at (second, 0)->read_bytes_per_sec, ==, 0.0);
  g_assert_cmpfloat_with_epsilon (disk_at (second, 0)->write_bytes_per_sec, 40960.0, EPSILON);
  g_assert_cmpfloat (second->disk_read_bytes_per_sec, ==, 0.0);
  g_assert_cmpfloat_with_epsilon (second->disk_write_bytes_per_sec, 40960.0, EPSILON);

  /* vda went back, vdb appeared. */
  tmp_root_link (t, "reset");
  reset = seye_proc_reader_sample (reader, T0 + 2000);
  assert_sample_sane (reset);
  g_assert_cmpuint (reset->disks->len, ==, 2);
  g_assert_cmpstr (disk_at (reset, 0)->name, ==, "vda");
  g_assert_cmpstr (disk_at (reset, 1)->name, ==, "vdb");
  g_assert_cmpfloat (reset->disk_read_bytes_per_sec, ==, 0.0);
  g_assert_cmpfloat (reset->disk_write_bytes_per_sec, ==, 0.0);

  tmp_root_link (t, "reset-next");
  after = seye_proc_reader_sample (reader, T0 + 3000);
  assert_sample_sane (after);
  g_assert_cmpfloat_with_epsilon (disk_at (after, 0)->read_bytes_per_sec, 8192.0, EPSILON);
  g_assert_cmpfloat_with_epsilon (disk_at (after, 0)->write_bytes_per_sec, 16384.0, EPSILON);
  g_assert_cmpfloat_with_epsilon (disk_at (after, 1)->read_bytes_per_sec, 4096.0, EPSILON);
  g_assert_cmpfloat_with_epsilon (after->disk_read_bytes_per_sec, 12288.0, EPSILON);
  g_assert_cmpfloat_with_epsilon (after->disk_write_bytes_per_sec, 16384.0, EPSILON);
}

static void
test_disk_names (void)
{
  static const char * const names[] = {
    "loop0", "loop12", "ram0", "zram0", "dm-0", "dm-3", "md0", "md127", "sr0", "fd0",
    "sda", "sda1", "sdab", "sdab12", "vda", "vda1", "xvda", "xvda2", "hdb", "hdb3",
    "nvme0n1", "nvme0n1p1", "nvme10n2p15", "mmcblk0", "mmcblk0p2", "mmcblk0boot0", "nbd0p1",
  };
  const char *expected[] = {
    "hdb", "mmcblk0", "mmcblk0boot0", "nvme0n1", "sda", "sdab", "vda", "xvda",
  };
  g_autoptr (TmpRoot) t = tmp_root_new ();
  g_autoptr (GString) diskstats = g_string_new (NULL);
  g_autoptr (SeyeProcReader) reader = NULL;
  g_autoptr (SeyeSample) sample = NULL;

  /* Without /sys/block, names decide. */
  tmp_root_copy (t, "basic-2core");
  tmp_root_remove (t, "sys");
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_string_append_printf (diskstats, " 8 %u %s 1 0 %u 0 1 0 %u 0 0 0 0 0 0 0 0 0 0\n",
                            i, names[i], i * 2, i * 4);
  tmp_root_write (t, "proc/diskstats", diskstats->str, diskstats->len);

  reader = seye_proc_reader_new (t->root);
  sample = seye_proc_reader_sample (reader, T0);
  assert_sample_sane (sample);
  g_assert_true (sample->parts & SEYE_SAMPLE_DISK);
  g_assert_cmpuint (sample->disks->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpstr (disk_at (sample, i)->name, ==, expected[i]);

  /* With /sys/block, only what has a device there, whatever its name; a
   * "cciss/c0d0" of diskstats is "cciss!c0d0" there. */
  tmp_root_mkdir (t, "sys/block/sda1/device");
  tmp_root_mkdir (t, "sys/block/dm-0");
  tmp_root_mkdir (t, "sys/block/cciss!c0d0/device");
  g_string_append (diskstats, " 104 0 cciss/c0d0 1 0 2 0 1 0 4 0 0 0 0 0 0 0 0 0 0\n");
  tmp_root_write (t, "proc/diskstats", diskstats->str, diskstats->len);
  {
    g_autoptr (SeyeSample) with_sys = seye_proc_reader_sample (reader, T0 + 1000);

    assert_sample_sane (with_sys);
    g_assert_cmpuint (with_sys->disks->len, ==, 2);
    g_assert_cmpstr (disk_at (with_sys, 0)->name, ==, "cciss/c0d0");
    g_assert_cmpstr (disk_at (with_sys, 1)->name, ==, "sda1");
  }
}

static void
test_filesystems (void)
{
  g_autoptr (TmpRoot) t = tmp_root_new ();
  g_autoptr (SeyeProcReader) reader = NULL;
  g_autoptr (SeyeSample) basic = NULL;
  g_autoptr (SeyeSample) sample = NULL;
  const char *mounts[][3] = {
    { "/", "/dev/vda1", "ext4" },
    { "/boot/efi", "/dev/vda15", "vfat" },
    { "/mnt/my disk", "/dev/sdb1", "xfs" },
    { "/mnt/nfs", "server:/export", "nfs4" },
    { "/mnt/d", "/dev/sdd1", "ext4" },
  };
  struct statvfs st;

  /* The recorded tree: "/" only; statvfs of the tree's own directory. */
  basic = sample_tree ("basic-2core");
  g_assert_true (basic->parts & SEYE_SAMPLE_FILESYSTEMS);
  g_assert_cmpuint (basic->filesystems->len, ==, 1);
  g_assert_cmpstr (g_array_index (basic->filesystems, SeyeFilesystem, 0).mount_point, ==, "/");
  g_assert_cmpstr (g_array_index (basic->filesystems, SeyeFilesystem, 0).device, ==, "/dev/vda1");
  g_assert_cmpstr (g_array_index (basic->filesystems, SeyeFilesystem, 0).fs_type, ==, "ext4");

  tmp_root_copy (t, "basic-2core");
  tmp_root_write (t, "proc/mounts",
                  "/dev/vda1 / ext4 rw,relatime 0 0\n"
                  "proc /proc proc rw 0 0\n"
                  "/dev/vda15 /boot/efi vfat rw 0 0\n"
                  "/dev/vda1 /srv/bind ext4 rw 0 0\n"
                  "/dev/sdb1 /mnt/my\\040disk xfs rw 0 0\n"
                  "server:/export /mnt/nfs nfs4 rw 0 0\n"
                  "tmpfs /tmp tmpfs rw 0 0\n"
                  "/dev/loop3 /snap/core/1 squashfs ro 0 0\n"
                  "overlay /var/lib/docker/overlay2/x/merged overlay rw 0 0\n"
                  "/dev/sdd1 /mnt/data/deep ext4 rw 0 0\n"
                  "/dev/sdd1 /mnt/d ext4 rw 0 0\n"
                  "/dev/sdc1 /mnt/gone ext4 rw 0 0\n", -1);
  tmp_root_mkdir (t, "boot/efi");
  tmp_root_mkdir (t, "srv/bind");
  tmp_root_mkdir (t, "mnt/my disk");
  tmp_root_mkdir (t, "mnt/nfs");
  tmp_root_mkdir (t, "mnt/data/deep");
  tmp_root_mkdir (t, "mnt/d");

  reader = seye_proc_reader_new (t->root);
  sample = seye_proc_reader_sample (reader, T0);
  assert_sample_sane (sample);
  g_assert_true (sample->parts & SEYE_SAMPLE_FILESYSTEMS);

  /* /mnt/gone does not exist in the tree: left out, and said. */
  g_assert_cmpuint (n_problems (reader), ==, 1);
  assert_problem (reader, "/mnt/gone", NULL);

  g_assert_cmpint (statvfs (t->root, &st), ==, 0);
  g_assert_cmpuint (sample->filesystems->len, ==, G_N_ELEMENTS (mounts));
  for (guint i = 0; i < G_N_ELEMENTS (mounts); i++)
    {
      const SeyeFilesystem *fs = &g_array_index (sample->filesystems, SeyeFilesystem, i);

      g_assert_cmpstr (fs->mount_point, ==, mounts[i][0]);
      g_assert_cmpstr (fs->device, ==, mounts[i][1]);
      g_assert_cmpstr (fs->fs_type, ==, mounts[i][2]);
      g_assert_cmpuint (fs->size_bytes, ==, (guint64) st.f_blocks * st.f_frsize);
      g_assert_cmpuint (fs->size_bytes, >, 0);
    }
}

static void
test_identity (void)
{
  g_autofree char *root = tree_path ("basic-2core");
  g_autoptr (SeyeProcReader) reader = seye_proc_reader_new (root);
  g_autoptr (SeyeNodeInfo) info = NULL;
  g_autoptr (SeyeNodeInfo) decoded = NULL;
  g_autoptr (GString) json = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *expected_id = seye_node_id_derive ("4c4c4544004b3010804eb4c04f584d32");
  struct utsname uts;

  g_assert_cmpint (uname (&uts), ==, 0);

  info = seye_proc_reader_read_identity (reader);
  g_assert_no_error (error);
  g_assert_cmpstr (info->node_id, ==, expected_id);
  g_assert_cmpstr (info->hostname, ==, "node-a");
  g_assert_cmpstr (info->os_name, ==, "Debian GNU/Linux 12 (bookworm)");
  g_assert_cmpstr (info->kernel, ==, "6.1.0-18-amd64");
  g_assert_cmpstr (info->arch, ==, uts.machine);
  g_assert_cmpstr (info->cpu_model, ==, "AMD EPYC 7B13");
  g_assert_cmpuint (info->n_cores, ==, 2);
  g_assert_cmpint (info->boot_time, ==, 1732100000);
  g_assert_cmpfloat (info->interval, ==, 0.0);
  g_assert_cmpuint (info->api_version, ==, SEYE_API_VERSION);
  g_assert_null (info->name);
  g_assert_null (info->agent_version);

  /* What the agent sends once it has named the node. */
  info->name = g_strdup (info->hostname);
  seye_json_write_node_info (json, info);
  decoded = seye_node_info_from_json (json->str, json->len, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (decoded->os_name, ==, info->os_name);
}

static void
test_identity_fallbacks (void)
{
  g_autoptr (TmpRoot) t = tmp_root_new ();
  g_autoptr (GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  /* No machine id: the one error, with what to do about it. */
  {
    g_autofree char *missing = tree_path ("missing");
    g_autoptr (SeyeProcReader) reader = seye_proc_reader_new (missing);
    g_autoptr (SeyeNodeInfo) info = seye_proc_reader_read_identity (reader);
    g_autofree char *node_id = seye_proc_reader_read_node_id (reader, &error);

    /* The rest of the identity is still read; only the id is missing. */
    g_assert_nonnull (info);
    g_assert_null (info->node_id);
    g_assert_null (node_id);
    g_assert_error (error, SEYE_ERROR, SEYE_ERROR_IO);
    g_assert_nonnull (strstr (error->message, "etc/machine-id"));
    g_assert_nonnull (strstr (error->message, "--node-id"));
    g_clear_error (&error);
  }

  /* An empty one, likewise. */
  {
    g_autofree char *truncated = tree_path ("truncated");
    g_autoptr (SeyeProcReader) reader = seye_proc_reader_new (truncated);
    g_autoptr (SeyeNodeInfo) info = seye_proc_reader_read_identity (reader);
    g_autofree char *node_id = seye_proc_reader_read_node_id (reader, &error);

    /* The rest of the identity is still read; only the id is missing. */
    g_assert_nonnull (info);
    g_assert_null (info->node_id);
    g_assert_null (node_id);
    g_assert_error (error, SEYE_ERROR, SEYE_ERROR_IO);
    g_assert_nonnull (strstr (error->message, "empty"));
    g_clear_error (&error);
  }

  /* os-release only in /usr/lib, without PRETTY_NAME; an ARM board's cpuinfo;
   * no hostname, osrelease nor stat; boot time from the uptime. */
  tmp_root_write (t, "etc/machine-id", "  b1946ac92492d2347c6235b4d2611184  \n", -1);
  tmp_root_write (t, "usr/lib/os-release", "# comment\nID=fedora\nNAME='Fedora Linux'\n", -1);
  tmp_root_write (t, "proc/cpuinfo",
                  "processor\t: 0\nBogoMIPS\t: 108.00\nCPU implementer\t: 0x41\n\n"
                  "processor\t: 1\nBogoMIPS\t: 108.00\n\n"
                  "Model\t\t: Raspberry Pi 4 Model B Rev 1.4\n", -1);
  tmp_root_write (t, "proc/uptime", "100.00 50.00\n", -1);
  {
    g_autoptr (SeyeProcReader) reader = seye_proc_reader_new (t->root);
    g_autoptr (SeyeNodeInfo) info = seye_proc_reader_read_identity (reader);
    g_autofree char *expected_id = seye_node_id_derive ("b1946ac92492d2347c6235b4d2611184");

    g_assert_no_error (error);
    g_assert_cmpstr (info->node_id, ==, expected_id);
    g_assert_cmpstr (info->os_name, ==, "Fedora Linux");
    g_assert_cmpstr (info->cpu_model, ==, "Raspberry Pi 4 Model B Rev 1.4");
    g_assert_cmpstr (info->hostname, ==, "");
    g_assert_cmpstr (info->kernel, ==, "unknown");
    g_assert_cmpuint (info->n_cores, ==, 0);
    g_assert_cmpint (info->boot_time, >=, now - 100 - 2);
    g_assert_cmpint (info->boot_time, <=, g_get_real_time () / G_USEC_PER_SEC - 100);
  }

  /* Nothing but the id: placeholders; "Hardware" wins over "Model". */
  tmp_root_remove (t, "usr");
  tmp_root_remove (t, "proc/uptime");
  tmp_root_write (t, "proc/cpuinfo", "Model\t: Board\nHardware\t: BCM2835\n", -1);
  {
    g_autoptr (SeyeProcReader) reader = seye_proc_reader_new (t->root);
    g_autoptr (SeyeNodeInfo) info = seye_proc_reader_read_identity (reader);

    g_assert_no_error (error);
    g_assert_cmpstr (info->os_name, ==, "Linux");
    g_assert_cmpstr (info->cpu_model, ==, "BCM2835");
    g_assert_cmpint (info->boot_time, ==, 0);
  }

  tmp_root_remove (t, "proc/cpuinfo");
  {
    g_autoptr (SeyeProcReader) reader = seye_proc_reader_new (t->root);
    g_autoptr (SeyeNodeInfo) info = seye_proc_reader_read_identity (reader);

    g_assert_no_error (error);
    g_assert_cmpstr (info->cpu_model, ==, "unknown");
  }
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

/* One bad thing at a time in /proc/stat: the CPU part is left out and the
 * problem says why; the rest of the sample is unharmed. */
static void
test_malformed_stat (void)
{
  static const struct
  {
    const char *stat;
    const char *problem;    /* NULL: valid */
  } cases[] = {
    { "cpu  1 2 3\n", "has 3 columns" },
    { "cpu  1 2 3 4\ncpu0 1 2 3\n", "“cpu0” has 3 columns" },
    { "cpu  1 2 3 4\ncpu0 1 2 3 x\n", "“x”" },
    { "cpu  1 2 3 4\ncpu0 1 2 3 4a\n", "“4a”" },
    { "cpu  18446744073709551616 0 0 0\n", "18446744073709551616" },
    { "cpu  -1 0 0 0\n", "“-1”" },
    { "cpu  1.5 0 0 0\n", "“1.5”" },
    { "cpu0 1 2 3 4\n", "no “cpu” line" },
    { "cpu  1 2 3 4\ncpu  1 2 3 4\n", "two “cpu” lines" },
    { "cpu  1 2 3 4\ncpu1 1 2 3 4\ncpu0 1 2 3 4\ncpu1 1 2 3 4\n", "cpu1 twice" },
    { "cpu  1 2 3 4\ncpuX 1 2 3 4\n", "cpuX" },
    { "cpu  1 2 3 4\ncpu99999999 1 2 3 4\n", "cpu99999999" },
    { "cpu  1 2 3 4\ncpu\x01\x7f 1 2 3 4\n", "cpu??" },
    { "cpu  18446744073709551615 0 0 0\ncpu0 18446744073709551615 0 0 0\n", NULL },
    { "cpu  1 2 3 4\ncpu0 1 2 3 4\n", NULL },                       /* 2.4 kernels: 4 columns */
    { "cpu  1 2 3 4 5 6 7 8 9 10 11 12\ncpu0 1 2 3 4 5 6 7 8 x y\n", NULL },  /* guest ignored */
    { "\n\ncpu  1 2 3 4\n   \n", NULL },
  };
  g_autoptr (TmpRoot) t = tmp_root_new ();

  tmp_root_copy (t, "basic-2core");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (SeyeProcReader) reader = seye_proc_reader_new (t->root);
      g_autoptr (SeyeSample) first = NULL;
      g_autoptr (SeyeSample) second = NULL;
      g_autofree char *text = stat_text (cases[i].stat);

      g_test_message ("case %u: %s", i, cases[i].stat);
      tmp_root_write (t, "proc/stat", text, -1);
      first = seye_proc_reader_sample (reader, T0);
      second = seye_proc_reader_sample (reader, T0 + 1000);
      assert_sample_sane (first);
      assert_sample_sane (second);

      g_assert_cmpint (second->parts & ~SEYE_SAMPLE_CPU, ==, ALL_PARTS & ~SEYE_SAMPLE_CPU);
      if (cases[i].problem != NULL)
        {
          g_assert_false (second->parts & SEYE_SAMPLE_CPU);
          g_assert_cmpuint (n_problems (reader), ==, 1);
          assert_problem (reader, "/proc/stat is malformed", cases[i].problem);
        }
      else
        {
          g_assert_true (second->parts & SEYE_SAMPLE_CPU);
          g_assert_cmpuint (n_problems (reader), ==, 0);
        }
    }

  /* Process counts: missing or bad, that part alone goes. */
  tmp_root_write (t, "proc/stat", "cpu  1 2 3 4\nprocs_blocked 2\n", -1);
  {
    g_autoptr (SeyeProcReader) reader = seye_proc_reader_new (t->root);
    g_autoptr (SeyeSample) sample = seye_proc_reader_sample (reader, T0);

    assert_sample_sane (sample);
    g_assert_cmpint (sample->parts, ==, ALL_PARTS & ~SEYE_SAMPLE_PROCESSES);
    assert_problem (reader, "/proc/stat is malformed", "procs_running");
    /* No btime: the boot time comes from the uptime (65000.12 s). */
    g_assert_cmpint (sample->boot_time, ==, T0 / 1000 - 65000);
  }
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

  g_test_add_func ("/libseye/proc/root", test_root);
  g_test_add_func ("/libseye/proc/parse", test_parse);
  g_test_add_func ("/libseye/proc/cpu-delta", test_cpu_delta);
  g_test_add_func ("/libseye/proc/cpu-reset", test_cpu_reset);
  g_test_add_func ("/libseye/proc/hotplug", test_hotplug);
  g_test_add_func ("/libseye/proc/cpu128", test_cpu128);
  g_test_add_func ("/libseye/proc/memory", test_memory);
  g_test_add_func ("/libseye/proc/network", test_network);
  g_test_add_func ("/libseye/proc/disk", test_disk);
  g_test_add_func ("/libseye/proc/disk-names", test_disk_names);
  g_test_add_func ("/libseye/proc/filesystems", test_filesystems);
  g_test_add_func ("/libseye/proc/identity", test_identity);
  g_test_add_func ("/libseye/proc/identity-fallbacks", test_identity_fallbacks);
  g_test_add_func ("/libseye/proc/truncated", test_truncated);
  g_test_add_func ("/libseye/proc/malformed", test_malformed);
  g_test_add_func ("/libseye/proc/malformed-stat", test_malformed_stat);
  g_test_add_func ("/libseye/proc/missing", test_missing);
  g_test_add_func ("/libseye/proc/real-system", test_real_system);

  return g_test_run ();
}
