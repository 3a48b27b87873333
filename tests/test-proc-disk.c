/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <sys/statvfs.h>

#include "test-proc-tree.h"

/* Disks and filesystems: /proc/diskstats, /sys/block, /proc/mounts and statvfs. */

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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/seye/proc/disk", test_disk);
  g_test_add_func ("/seye/proc/disk-names", test_disk_names);
  g_test_add_func ("/seye/proc/filesystems", test_filesystems);

  return g_test_run ();
}
