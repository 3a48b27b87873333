/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>

#include "seye-proc.h"

/*
 * The /proc reader on file contents from fuzz bytes: the input is cut at each
 * 0xff byte into the files below, in this order, written into a private root
 * tree (a file the input does not reach is left missing); then the reader
 * samples twice (rates and their guards against counters going backwards)
 * and reads the identity.
 */

static const char * const files[] = {
  "proc/stat",
  "proc/meminfo",
  "proc/loadavg",
  "proc/uptime",
  "proc/net/dev",
  "proc/diskstats",
  "proc/mounts",
  "proc/cpuinfo",
  "proc/sys/kernel/hostname",
  "proc/sys/kernel/osrelease",
  "etc/os-release",
  "etc/machine-id",
  "proc/stat",            /* again, for the second sample: counters that move */
  "proc/net/dev",
  "proc/diskstats",
};

static char *root;

int LLVMFuzzerInitialize (int    *argc,
                          char ***argv);
int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

static void
remove_root (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (root, files[i], NULL);

      g_unlink (path);
    }
  for (const char *const *dir = (const char * const[]) { "proc/sys/kernel", "proc/sys", "proc/net",
                                                          "proc/1", "sys/block/vda", "sys/block",
                                                          "sys", "proc", "etc", NULL };
       *dir != NULL; dir++)
    {
      g_autofree char *path = g_build_filename (root, *dir, NULL);

      g_rmdir (path);
    }
  g_rmdir (root);
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_autoptr (GError) error = NULL;
  const char *dirs[] = { "proc/sys/kernel", "proc/net", "proc/1", "sys/block/vda", "etc" };

  root = g_dir_make_tmp ("seye-fuzz-proc-XXXXXX", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *path = g_build_filename (root, dirs[i], NULL);

      g_assert_cmpint (g_mkdir_with_parents (path, 0700), ==, 0);
    }
  atexit (remove_root);

  return 0;
}

/* Writes files[first..last) from their parts of the input; a file whose part
 * the input does not reach is removed. */
static void
write_files (const guint8 *data,
             size_t        size,
             guint         first,
             guint         last)
{
  const guint8 *end = data + size;
  const guint8 *part = data;

  for (guint i = 0; i < last; i++)
    {
      g_autofree char *path = i >= first ? g_build_filename (root, files[i], NULL) : NULL;
      const guint8 *cut;
      gsize length;

      if (part == NULL)
        {
          if (path != NULL)
            g_unlink (path);
          continue;
        }

      cut = memchr (part, 0xff, end - part);
      length = (cut != NULL ? cut : end) - part;
      if (path != NULL)
        g_assert_true (g_file_set_contents (path, (const char *) part, length, NULL));
      part = cut != NULL ? cut + 1 : NULL;
    }
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  SeyeProcReader *reader = seye_proc_reader_new (root);
  g_autoptr (SeyeSample) first = NULL;
  g_autoptr (SeyeSample) second = NULL;
  g_autoptr (SeyeNodeInfo) info = NULL;
  g_autofree char *node_id = NULL;

  write_files (data, size, 0, 12);
  first = seye_proc_reader_sample (reader, 1700000000000);
  seye_sample_get_json (first);
  info = seye_proc_reader_read_identity (reader);
  node_id = seye_proc_reader_read_node_id (reader, NULL);

  /* The second sample sees the later stat, net/dev and diskstats if the input has them. */
  write_files (data, size, 12, G_N_ELEMENTS (files));
  second = seye_proc_reader_sample (reader, 1700000001000);
  seye_sample_get_json (second);

  seye_proc_reader_free (reader);

  return 0;
}
