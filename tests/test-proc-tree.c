/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "seye-json.h"
#include "test-proc-tree.h"

/* Trees -------------------------------------------------------------------- */

char *
tree_path (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "proc", name, NULL);

  return g_canonicalize_filename (path, NULL);
}

void
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

TmpRoot *
tmp_root_new (void)
{
  g_autoptr (GError) error = NULL;
  TmpRoot *t = g_new0 (TmpRoot, 1);

  t->dir = g_dir_make_tmp ("seye-proc-XXXXXX", &error);
  g_assert_no_error (error);
  t->root = g_build_filename (t->dir, "root", NULL);

  return t;
}

void
tmp_root_free (TmpRoot *t)
{
  rm_rf (t->dir);
  g_assert_false (g_file_test (t->dir, G_FILE_TEST_EXISTS));
  g_free (t->dir);
  g_free (t->root);
  g_free (t);
}

void
tmp_root_link (TmpRoot    *t,
               const char *tree)
{
  g_autofree char *target = tree_path (tree);

  rm_rf (t->root);
  g_assert_cmpint (symlink (target, t->root), ==, 0);
}

void
tmp_root_copy (TmpRoot    *t,
               const char *tree)
{
  g_autofree char *source = tree_path (tree);

  rm_rf (t->root);
  copy_tree (source, t->root);
}

void
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

void
tmp_root_mkdir (TmpRoot    *t,
                const char *rel)
{
  g_autofree char *path = g_build_filename (t->root, rel, NULL);

  g_assert_cmpint (g_mkdir_with_parents (path, 0755), ==, 0);
}

void
tmp_root_remove (TmpRoot    *t,
                 const char *rel)
{
  g_autofree char *path = g_build_filename (t->root, rel, NULL);

  rm_rf (path);
}

/* Checks ------------------------------------------------------------------- */

gboolean
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

guint
n_problems (SeyeProcReader *reader)
{
  return g_strv_length ((GStrv) seye_proc_reader_get_problems (reader));
}

void
print_problems (SeyeProcReader *reader)
{
  const char * const *problems = seye_proc_reader_get_problems (reader);

  for (guint i = 0; problems[i] != NULL; i++)
    g_test_message ("problem: %s", problems[i]);
}

void
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
void
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

const SeyeCpuStat *
core_at (SeyeSample *sample,
         guint       i)
{
  g_assert_cmpuint (i, <, sample->cores->len);

  return &g_array_index (sample->cores, SeyeCpuStat, i);
}

void
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

SeyeSample *
sample_tree (const char *tree)
{
  g_autofree char *root = tree_path (tree);
  g_autoptr (SeyeProcReader) reader = seye_proc_reader_new (root);
  SeyeSample *sample = seye_proc_reader_sample (reader, T0);

  assert_sample_sane (sample);

  return sample;
}
