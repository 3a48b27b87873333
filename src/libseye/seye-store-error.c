/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What a failure to open, read or write the history file means for the user, in words. */
#define G_LOG_DOMAIN "seye-store"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "seye-error.h"
#include "seye-store-private.h"

G_DEFINE_QUARK (seye-store-error-quark, seye_store_error)

gboolean
_seye_store_is_busy (int rc)
{
  rc &= 0xff;

  return rc == SQLITE_BUSY || rc == SQLITE_LOCKED;
}

/* The path as a user writes it: ~/.local/share/… */
static char *
display_path (const char *path)
{
  const char *home = g_get_home_dir ();
  gsize len = home != NULL ? strlen (home) : 0;

  if (len > 1 && g_str_has_prefix (path, home) && path[len] == G_DIR_SEPARATOR)
    return g_strconcat ("~", path + len, NULL);

  return g_strdup (path);
}

/* Why the file (or, before it exists, its folder) cannot be written: read-only or
 * someone else's; FAILED when neither explains it. */
SeyeStoreError
_seye_store_access_code (const char *path,
                         int         sys_errno)
{
  g_autofree char *dir = g_path_get_dirname (path);
  gboolean exists = g_file_test (path, G_FILE_TEST_EXISTS);
  const char *target = exists ? path : dir;
  struct statvfs vfs;
  GStatBuf st;
  int saved_errno;

  if (sys_errno == EISDIR || g_file_test (path, G_FILE_TEST_IS_DIR))
    return SEYE_STORE_ERROR_FAILED;
  if (sys_errno == EROFS || (statvfs (target, &vfs) == 0 && (vfs.f_flag & ST_RDONLY)))
    return SEYE_STORE_ERROR_READ_ONLY;
  if (sys_errno == ENOSPC || sys_errno == EDQUOT || (statvfs (target, &vfs) == 0 && vfs.f_bavail == 0))
    return SEYE_STORE_ERROR_DISK_FULL;

  if (g_access (target, exists ? R_OK | W_OK : W_OK | X_OK) == 0)
    return sys_errno == EACCES || sys_errno == EPERM ? SEYE_STORE_ERROR_PERMISSION : SEYE_STORE_ERROR_FAILED;
  saved_errno = errno;

  if (saved_errno == EROFS)
    return SEYE_STORE_ERROR_READ_ONLY;
  if (g_stat (target, &st) == 0 && st.st_uid != geteuid ())
    return SEYE_STORE_ERROR_PERMISSION;
  /* Our own file: readable but not writable is read-only; not even readable is permissions. */
  return g_access (target, R_OK) == 0 ? SEYE_STORE_ERROR_READ_ONLY : SEYE_STORE_ERROR_PERMISSION;
}

/* What a failed SQLite call on @path means for the user. */
SeyeStoreError
_seye_store_failure_code (sqlite3    *db,
                          int         rc,
                          const char *path)
{
  int sys_errno = db != NULL ? sqlite3_system_errno (db) : 0;

  switch (rc & 0xff)
    {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return SEYE_STORE_ERROR_CORRUPT;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return SEYE_STORE_ERROR_LOCKED;
    case SQLITE_FULL:
      return SEYE_STORE_ERROR_DISK_FULL;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
      return _seye_store_access_code (path, sys_errno);
    default:
      return SEYE_STORE_ERROR_FAILED;
    }
}

/* Sets @error to @code in words that say what to do; @detail is SQLite's or the system's own. */
void
_seye_store_set_error (GError         **error,
                       SeyeStoreError   code,
                       const char      *path,
                       Use              use,
                       const char      *detail)
{
  g_autofree char *shown = display_path (path);
  g_autofree char *message = NULL;
  GStatBuf st;

  switch (code)
    {
    case SEYE_STORE_ERROR_READ_ONLY:
      if (use == USE_READ)
        message = g_strdup_printf (_("%s is read-only and cannot be read in place (%s); copy it to a "
                                     "writable folder and read the copy"), shown, detail);
      else if (use == USE_WRITE)
        message = g_strdup_printf (_("%s has become read-only: new samples wait in memory until it "
                                     "is writable again"), shown);
      else
        message = g_strdup_printf (_("%s is read-only: history is not recorded. Make it writable (or "
                                     "mount its file system read-write) and start Sorcerer's Eye "
                                     "again to record"), shown);
      break;

    case SEYE_STORE_ERROR_PERMISSION:
      if (g_stat (path, &st) == 0 && st.st_uid != geteuid ())
        {
          if (use == USE_READ)
            message = g_strdup_printf (_("%s belongs to another user and cannot be read; read it as "
                                         "that user, or give it back to yours (for example “sudo "
                                         "chown %s %s”)"), shown, g_get_user_name (), shown);
          else
            message = g_strdup_printf (_("%s belongs to another user: history is not recorded. Give "
                                         "it back to your user (for example “sudo chown %s %s”) to "
                                         "record again"), shown, g_get_user_name (), shown);
        }
      else if (use == USE_READ)
        message = g_strdup_printf (_("%s cannot be read (%s); allow yourself to read it "
                                     "(“chmod u+r %s”)"), shown, detail, shown);
      else
        message = g_strdup_printf (_("%s cannot be opened (%s): history is not recorded. Allow "
                                     "yourself to read and write it (“chmod u+rw %s”) to record "
                                     "again"), shown, detail, shown);
      break;

    case SEYE_STORE_ERROR_LOCKED:
      if (use == USE_READ)
        message = g_strdup_printf (_("%s is in use by another program; try again in a moment"), shown);
      else
        message = g_strdup_printf (_("%s is in use by another program: history is not recorded. "
                                     "Close that program and start Sorcerer's Eye again to record"),
                                   shown);
      break;

    case SEYE_STORE_ERROR_DISK_FULL:
      if (use == USE_READ)
        message = g_strdup_printf (_("The disk is full: %s cannot be read until some space is free"),
                                   shown);
      else if (use == USE_WRITE)
        message = g_strdup_printf (_("The disk is full: new samples wait in memory until %s can grow "
                                     "again"), shown);
      else
        message = g_strdup_printf (_("The disk is full: history is not recorded in %s. Free some space "
                                     "and start Sorcerer's Eye again to record"), shown);
      break;

    case SEYE_STORE_ERROR_CORRUPT:
      message = g_strdup_printf (_("The history database %s is damaged (%s). The app will set it aside "
                                   "and start a new one the next time it starts"), shown, detail);
      break;

    case SEYE_STORE_ERROR_FAILED:
    default:
      if (use == USE_WRITE)
        message = g_strdup_printf (_("Cannot write to the history database %s: %s"), shown, detail);
      else
        message = g_strdup_printf (_("Cannot open the history database %s: %s"), shown, detail);
      break;
    }

  g_set_error_literal (error, SEYE_STORE_ERROR, code, message);
}

/* A failed SQLite call on a working store: busy is SEYE_ERROR_UNAVAILABLE (try again in a
 * moment, nothing is wrong with the file); anything else a SEYE_STORE_ERROR. */
void
_seye_store_set_sqlite_error (GError     **error,
                              sqlite3     *db,
                              int          rc,
                              const char  *path,
                              Use          use)
{
  const char *message = db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc);

  if (_seye_store_is_busy (rc))
    g_set_error (error, SEYE_ERROR, SEYE_ERROR_UNAVAILABLE,
                 _("The history database “%s” is busy (%s); try again in a moment"), path, message);
  else
    _seye_store_set_error (error, _seye_store_failure_code (db, rc, path), path, use, message);
}
