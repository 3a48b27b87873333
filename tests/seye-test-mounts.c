/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE 1   /* unshare () */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "seye-test-mounts.h"

static char *no_mounts_reason;   /* NULL once the namespace is ours */
static gboolean initialized;

static void
skip_loudly (const char *what,
             const char *reason)
{
  if (g_strcmp0 (g_getenv ("CI"), "true") == 0)
    g_error ("%s cannot be tested here: %s. Under CI=true this is a failure, not a skip.",
             what, reason);

  g_printerr ("\n#####################################################################\n"
              "# SKIPPING: %s cannot be tested here.\n"
              "# %s\n"
              "#####################################################################\n",
              what, reason);
  g_test_skip (reason);
}

void
seye_test_mounts_init (void)
{
  initialized = TRUE;

  if (geteuid () != 0)
    {
      no_mounts_reason = g_strdup ("mounting a tmpfs needs root, and this test runs as a user");
      return;
    }
  if (unshare (CLONE_NEWNS) != 0)
    {
      no_mounts_reason = g_strdup_printf ("unshare (CLONE_NEWNS) failed: %s", g_strerror (errno));
      return;
    }
  /* Nothing mounted from here on may travel back to the machine's namespace. */
  if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
    {
      no_mounts_reason = g_strdup_printf ("making / private failed: %s", g_strerror (errno));
      return;
    }
}

char *
seye_test_tmpfs_new (const char *at,
                     guint       size_kb)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *options = g_strdup_printf ("size=%uk,mode=0755", size_kb);

  g_assert_true (initialized);   /* seye_test_mounts_init() in main() */

  if (no_mounts_reason != NULL)
    {
      skip_loudly ("a read-only or full file system", no_mounts_reason);
      return NULL;
    }

  if (at != NULL)
    {
      dir = g_strdup (at);
      g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
    }
  else
    {
      dir = g_dir_make_tmp ("seye-tmpfs-XXXXXX", &error);
      g_assert_no_error (error);
    }
  if (mount ("seye-test", dir, "tmpfs", MS_NOSUID | MS_NODEV, options) != 0)
    {
      g_autofree char *reason = g_strdup_printf ("mount -t tmpfs failed: %s", g_strerror (errno));

      g_rmdir (dir);
      skip_loudly ("a read-only or full file system", reason);
      return NULL;
    }

  return g_steal_pointer (&dir);
}

void
seye_test_tmpfs_set_read_only (const char *dir,
                               gboolean    read_only)
{
  unsigned long flags = MS_REMOUNT | MS_NOSUID | MS_NODEV | (read_only ? MS_RDONLY : 0);

  if (mount ("seye-test", dir, "tmpfs", flags, NULL) != 0)
    g_error ("Cannot remount %s %s: %s", dir, read_only ? "read-only" : "read-write", g_strerror (errno));
}

char *
seye_test_tmpfs_fill (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "filler", NULL);
  char block[4096] = { 1 };
  int fd = g_open (path, O_WRONLY | O_CREAT | O_APPEND, 0600);
  gsize written = 0;
  gssize n;

  g_assert_cmpint (fd, >=, 0);
  /* Whole blocks first, then single bytes to the last one. */
  while ((n = write (fd, block, sizeof block)) > 0)
    written += n;
  g_assert_cmpint (errno, ==, ENOSPC);
  while ((n = write (fd, block, 1)) > 0)
    written += n;
  g_assert_cmpint (errno, ==, ENOSPC);
  g_close (fd, NULL);
  g_test_message ("filled %s with %" G_GSIZE_FORMAT " bytes", dir, written);

  return g_steal_pointer (&path);
}

void
seye_test_tmpfs_free (char *dir)
{
  if (dir == NULL)
    return;

  if (umount2 (dir, MNT_DETACH) != 0)
    g_warning ("Cannot unmount %s: %s", dir, g_strerror (errno));
  if (g_rmdir (dir) != 0 && errno != ENOTEMPTY && errno != EEXIST)
    g_warning ("Cannot remove %s: %s", dir, g_strerror (errno));
  g_free (dir);
}

gboolean
seye_test_require_other_user (uid_t *uid,
                              gid_t *gid)
{
  struct passwd *pw;

  if (geteuid () != 0)
    {
      skip_loudly ("a file of another user",
                   "only root can make a file another user owns, and this test runs as a user");
      return FALSE;
    }

  pw = getpwnam ("nobody");
  if (pw == NULL || pw->pw_uid == 0)
    {
      skip_loudly ("a file of another user", "there is no user “nobody” to be");
      return FALSE;
    }

  *uid = pw->pw_uid;
  *gid = pw->pw_gid;

  return TRUE;
}

void
seye_test_become_user (uid_t uid,
                       gid_t gid)
{
  /* Async-signal-safe calls only: this also runs between fork() and exec(). */
  if (setgroups (0, NULL) != 0 || setgid (gid) != 0 || setuid (uid) != 0 || geteuid () != uid)
    _exit (125);
}
