/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "seye-test-files.h"
#include "seye-test-hot.h"
#include "seye-test-mounts.h"

#define DATA_KB 1024

static void
copy_into (const char *root,
           const char *relative)
{
  g_autofree char *from = g_build_filename (g_getenv ("SEYE_TESTS_DIR"), "data", "proc", "basic-2core",
                                            relative, NULL);
  g_autofree char *to = g_build_filename (root, relative, NULL);
  g_autofree char *parent = g_path_get_dirname (to);
  g_autofree char *text = NULL;
  gsize length;
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_get_contents (from, &text, &length, &error));
  g_assert_cmpint (g_mkdir_with_parents (parent, 0755), ==, 0);
  g_assert_true (g_file_set_contents (to, text, length, &error));
}

static void
write_into (const char *root,
            const char *relative,
            const char *text)
{
  g_autofree char *to = g_build_filename (root, relative, NULL);
  g_autofree char *parent = g_path_get_dirname (to);
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (parent, 0755), ==, 0);
  g_assert_true (g_file_set_contents (to, text, -1, &error));
}

/* Fills @dir to 97 % of its blocks, as df counts them. */
static void
fill (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "filler", NULL);
  g_autofree char *bytes = g_malloc0 (DATA_KB * 1024);
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_set_contents (path, bytes, DATA_KB * 1024 * 97 / 100, &error));
}

SeyeTestHotRoot *
seye_test_hot_root_new (void)
{
  static const char * const copied[] = {
    "proc/stat", "proc/diskstats", "proc/cpuinfo", "proc/net/dev", "proc/loadavg", "proc/uptime",
    "proc/sys/kernel/hostname", "proc/sys/kernel/osrelease", "etc/os-release", "etc/machine-id",
  };
  g_autoptr (SeyeTestHotRoot) hot = g_new0 (SeyeTestHotRoot, 1);
  g_autoptr (GError) error = NULL;
  g_autofree char *at = NULL;

  hot->root = g_dir_make_tmp ("seye-test-hot-XXXXXX", &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (copied); i++)
    copy_into (hot->root, copied[i]);

  /* 96 % of memory used: available is 4 % of the total. */
  write_into (hot->root, "proc/meminfo",
              "MemTotal:        4000000 kB\n"
              "MemFree:           60000 kB\n"
              "MemAvailable:     160000 kB\n"
              "Buffers:           10000 kB\n"
              "Cached:            80000 kB\n"
              "SwapTotal:             0 kB\n"
              "SwapFree:              0 kB\n"
              "SReclaimable:      10000 kB\n");
  write_into (hot->root, "proc/mounts", "/dev/sdz1 /data ext4 rw,relatime 0 0\n");

  at = g_build_filename (hot->root, "data", NULL);
  hot->data = seye_test_tmpfs_new (at, DATA_KB);
  if (hot->data == NULL)
    return NULL;
  fill (hot->data);

  return g_steal_pointer (&hot);
}

void
seye_test_hot_root_free (SeyeTestHotRoot *hot)
{
  if (hot == NULL)
    return;

  if (hot->data != NULL)
    seye_test_tmpfs_free (g_steal_pointer (&hot->data));
  if (hot->root != NULL)
    seye_test_remove_tree (hot->root);
  g_free (hot->root);
  g_free (hot);
}
