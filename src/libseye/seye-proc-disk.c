/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-proc"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "seye-proc-private.h"

/*
 * The disks: their I/O (/proc/diskstats, whole disks as /sys/block has them)
 * and their filesystems (/proc/mounts, measured with statvfs).
 */

#define SECTOR_SIZE         512
#define DISKSTATS_COLUMNS   14

/* Disk I/O: /proc/diskstats and /sys/block ---------------------------------- */

static int
compare_disk_name (gconstpointer a,
                   gconstpointer b)
{
  return strcmp (((const SeyeDiskDevice *) a)->name, ((const SeyeDiskDevice *) b)->name);
}

/* Whether NAME is a whole physical disk: it has a device behind it in
 * /sys/block (which leaves out loop, ram, zram, dm, md and partitions). */
static gboolean
is_physical_disk (SeyeProcReader *self,
                  const char     *name,
                  gboolean        have_sys_block)
{
  if (!have_sys_block)
    return _seye_proc_is_whole_disk_name (name);

  g_string_assign (self->scratch, self->sys_block_dir);
  g_string_append_c (self->scratch, '/');
  /* "cciss/c0d0" of /proc/diskstats is "cciss!c0d0" in /sys/block. */
  for (const char *p = name; *p; p++)
    g_string_append_c (self->scratch, *p == '/' ? '!' : *p);
  g_string_append (self->scratch, "/device");

  return access (self->scratch->str, F_OK) == 0;
}

static char *
parse_diskstats (SeyeProcReader *self,
                 SeyeProcCursor *text,
                 GArray         *disks)
{
  gboolean have_sys_block = access (self->sys_block_dir, F_OK) == 0;
  SeyeProcCursor line;

  while (_seye_proc_next_line (text, &line))
    {
      SeyeDiskDevice disk = { NULL };
      SeyeProcToken token, name;
      guint64 sectors_read = 0, sectors_written = 0;
      char name_buf[65];
      guint n = _seye_proc_count_tokens (&line);

      if (n == 0)
        continue;

      if (n < 3 ||
          !_seye_proc_next_token (&line, &token) || !_seye_proc_next_token (&line, &token) ||
          !_seye_proc_next_token (&line, &name) ||
          !_seye_proc_is_device_name (name.str, name.len))
        return g_strdup ("a line names no valid device");

      memcpy (name_buf, name.str, name.len);
      name_buf[name.len] = '\0';
      if (!is_physical_disk (self, name_buf, have_sys_block))
        continue;

      if (n < DISKSTATS_COLUMNS)
        return g_strdup_printf ("the line of %s has %u columns, expected at least %u",
                                name_buf, n, DISKSTATS_COLUMNS);

      /* Fields 6 and 10 of the line: sectors read and sectors written. */
      for (guint i = 3; i <= 9; i++)
        {
          _seye_proc_next_token (&line, &token);
          if ((i == 5 && !_seye_proc_token_u64 (&token, &sectors_read)) ||
              (i == 9 && !_seye_proc_token_u64 (&token, &sectors_written)))
            return g_strdup_printf ("the sector counts of %s are not numbers", name_buf);
        }

      disk.name = g_strdup (name_buf);
      disk.read_bytes = _seye_proc_mul_sat (sectors_read, SECTOR_SIZE);
      disk.written_bytes = _seye_proc_mul_sat (sectors_written, SECTOR_SIZE);
      g_array_append_val (disks, disk);
    }

  g_array_sort (disks, compare_disk_name);
  for (guint i = 1; i < disks->len; i++)
    if (strcmp (g_array_index (disks, SeyeDiskDevice, i - 1).name,
                g_array_index (disks, SeyeDiskDevice, i).name) == 0)
      return g_strdup_printf ("it lists %s twice", g_array_index (disks, SeyeDiskDevice, i).name);

  return NULL;
}

void
_seye_proc_sample_diskstats (SeyeProcReader *self,
                             SeyeSample     *sample)
{
  g_autofree char *error = NULL;
  SeyeProcCursor text;

  if (!_seye_proc_load_file (self, PROC_DISKSTATS, &text))
    return;

  if ((error = parse_diskstats (self, &text, sample->disks)) != NULL)
    {
      g_array_set_size (sample->disks, 0);
      _seye_proc_add_malformed (self, PROC_DISKSTATS, error);
      return;
    }

  for (guint i = 0; i < sample->disks->len; i++)
    {
      SeyeDiskDevice *disk = &g_array_index (sample->disks, SeyeDiskDevice, i);

      _seye_proc_update_counter (self, self->disk_states, disk->name,
                                 disk->read_bytes, disk->written_bytes, sample->interval,
                                 &disk->read_bytes_per_sec, &disk->write_bytes_per_sec);

      sample->disk_read_bytes_per_sec += disk->read_bytes_per_sec;
      sample->disk_write_bytes_per_sec += disk->write_bytes_per_sec;
    }

  _seye_proc_forget_counters (self, self->disk_states);

  if (sample->disks->len > SEYE_MAX_DISKS)
    g_array_set_size (sample->disks, SEYE_MAX_DISKS);

  sample->disk_read_bytes_per_sec = MIN (sample->disk_read_bytes_per_sec, MAX_RATE);
  sample->disk_write_bytes_per_sec = MIN (sample->disk_write_bytes_per_sec, MAX_RATE);
  sample->parts |= SEYE_SAMPLE_DISK;
}

/* Filesystems: /proc/mounts and statvfs ------------------------------------- */

static gboolean
is_real_filesystem (const char *device,
                    const char *mount_point,
                    const char *fs_type)
{
  static const char * const block_types[] = {
    "ext2", "ext3", "ext4", "xfs", "btrfs", "zfs", "f2fs", "vfat", "exfat",
    "ntfs", "ntfs3", "fuseblk", "jfs", "reiserfs",
  };
  static const char * const network_types[] = {
    "nfs", "nfs4", "cifs",
  };

  if (strcmp (mount_point, "/") == 0)
    return TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (network_types); i++)
    if (strcmp (fs_type, network_types[i]) == 0)
      return TRUE;

  if (!g_str_has_prefix (device, "/dev/"))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (block_types); i++)
    if (strcmp (fs_type, block_types[i]) == 0)
      return TRUE;

  return FALSE;
}

/* Adds a mount to @filesystems: a later mount on the same point hides the
 * earlier one, and a device mounted twice (bind mounts) is listed once, at its
 * shortest mount point. */
static void
add_mount (GArray *filesystems,
           char   *device,
           char   *mount_point,
           char   *fs_type)
{
  SeyeFilesystem fs = { NULL };

  for (guint i = 0; i < filesystems->len; i++)
    if (strcmp (g_array_index (filesystems, SeyeFilesystem, i).mount_point, mount_point) == 0)
      {
        g_array_remove_index (filesystems, i);
        break;
      }

  for (guint i = 0; i < filesystems->len; i++)
    {
      SeyeFilesystem *other = &g_array_index (filesystems, SeyeFilesystem, i);

      if (strcmp (other->device, device) == 0)
        {
          if (strlen (mount_point) < strlen (other->mount_point))
            {
              g_free (other->mount_point);
              other->mount_point = g_steal_pointer (&mount_point);
            }
          g_free (device);
          g_free (mount_point);
          g_free (fs_type);
          return;
        }
    }

  fs.device = device;
  fs.mount_point = mount_point;
  fs.fs_type = fs_type;
  g_array_append_val (filesystems, fs);
}

static char *
parse_mounts (SeyeProcCursor *text,
              GArray         *filesystems)
{
  SeyeProcCursor line;

  while (_seye_proc_next_line (text, &line))
    {
      SeyeProcToken device, mount_point, fs_type;
      g_autofree char *device_str = NULL;
      g_autofree char *mount_str = NULL;
      g_autofree char *type_str = NULL;
      guint n = _seye_proc_count_tokens (&line);

      if (n == 0)
        continue;

      if (n < 3)
        return g_strdup ("a line has fewer than 3 columns");

      _seye_proc_next_token (&line, &device);
      _seye_proc_next_token (&line, &mount_point);
      _seye_proc_next_token (&line, &fs_type);

      mount_str = _seye_proc_unescape (&mount_point);
      if (mount_str[0] != '/')
        {
          g_autofree char *where = _seye_proc_describe (mount_point.str, mount_point.len);

          return g_strdup_printf ("mount point “%s” is not an absolute path", where);
        }

      device_str = _seye_proc_unescape (&device);
      type_str = _seye_proc_unescape (&fs_type);

      /* Longer than a client accepts: never a filesystem worth showing. */
      if (strlen (mount_str) > MAX_PATH || strlen (device_str) > MAX_PATH ||
          strlen (type_str) > SEYE_MAX_STRING)
        continue;

      if (is_real_filesystem (device_str, mount_str, type_str))
        add_mount (filesystems,
                   g_steal_pointer (&device_str),
                   g_steal_pointer (&mount_str),
                   g_steal_pointer (&type_str));
    }

  return NULL;
}

void
_seye_proc_sample_filesystems (SeyeProcReader *self,
                               SeyeSample     *sample)
{
  g_autofree char *error = NULL;
  SeyeProcCursor text;
  guint i = 0;

  if (!_seye_proc_load_file (self, PROC_MOUNTS, &text))
    return;

  if ((error = parse_mounts (&text, sample->filesystems)) != NULL)
    {
      g_array_set_size (sample->filesystems, 0);
      _seye_proc_add_malformed (self, PROC_MOUNTS, error);
      return;
    }

  while (i < sample->filesystems->len)
    {
      SeyeFilesystem *fs = &g_array_index (sample->filesystems, SeyeFilesystem, i);
      const char *path = fs->mount_point;
      struct statvfs st;
      guint64 frsize;

      if (!self->real_root)
        {
          g_string_assign (self->scratch, self->root);
          g_string_append (self->scratch, fs->mount_point);
          path = self->scratch->str;
        }

      if (statvfs (path, &st) != 0)
        {
          _seye_proc_add_problem (self, "cannot measure the filesystem at %s: %s",
                                  path, g_strerror (errno));
          g_array_remove_index (sample->filesystems, i);
          continue;
        }

      frsize = st.f_frsize != 0 ? st.f_frsize : st.f_bsize;
      fs->size_bytes = MIN (_seye_proc_mul_sat (st.f_blocks, frsize), MAX_BYTES);
      fs->free_bytes = MIN (_seye_proc_mul_sat (st.f_bfree, frsize), fs->size_bytes);
      fs->avail_bytes = MIN (_seye_proc_mul_sat (st.f_bavail, frsize), fs->free_bytes);
      fs->used_bytes = fs->size_bytes - fs->free_bytes;
      i++;
    }

  if (sample->filesystems->len > SEYE_MAX_FILESYSTEMS)
    g_array_set_size (sample->filesystems, SEYE_MAX_FILESYSTEMS);

  sample->parts |= SEYE_SAMPLE_FILESYSTEMS;
}
