/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Opening the history file: checks, migration, read-only fallback, and setting a damaged file aside. */
#define G_LOG_DOMAIN "seye-store"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "seye-error.h"
#include "seye-store-private.h"

/* Sorts a failed SQLite call while opening: damage (the error then holds what is wrong,
 * for the set-aside message), or a reason the file cannot be used now (a sentence for the
 * user). Only SQLite's own verdict, SQLITE_CORRUPT or SQLITE_NOTADB, is damage: a file
 * that is read-only, someone else's, locked or on a full disk is intact. */
OpenResult
_seye_store_open_failed (SeyeStore  *self,
                         int         rc,
                         Use         use,
                         const char *detail,
                         GError    **error)
{
  SeyeStoreError code = _seye_store_failure_code (self->db, rc, self->path);

  if (code == SEYE_STORE_ERROR_CORRUPT)
    {
      g_set_error_literal (error, SEYE_STORE_ERROR, code, detail);
      return OPEN_DAMAGED;
    }

  _seye_store_set_error (error, code, self->path, use, detail);
  return OPEN_FAILED;
}

/* Reads the schema version and the table list: anything that is not an SQLite file,
 * or cannot be read at all, fails here. */
static int
probe (sqlite3 *db,
       gint64  *version)
{
  int rc;

  *version = _seye_store_query_int (db, "PRAGMA user_version", 0, 0, &rc);
  if (rc == SQLITE_OK)
    _seye_store_query_int (db, "SELECT count(*) FROM sqlite_master", 0, 0, &rc);

  return rc;
}

/* No -wal file, or an empty one: the database file alone holds every committed row. */
static gboolean
wal_is_empty (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  GStatBuf st;

  return g_stat (wal, &st) != 0 || st.st_size == 0;
}

/* The writer's connection, or a reader's. SQLite opens a file it may not write read-only
 * without a word: for a writer that is a reason to record nothing, not damage. */
static OpenResult
open_db (SeyeStore  *self,
         gboolean    read_only,
         Use         use,
         GError    **error)
{
  g_autoptr (GError) local_error = NULL;
  int rc;

  self->immutable = FALSE;
  self->db = _seye_store_open_connection (self->path, read_only, FALSE, TRUE, OPEN_BUSY_MS, &rc,
                                          &local_error);
  if (self->db == NULL)
    {
      OpenResult result = g_error_matches (local_error, SEYE_STORE_ERROR, SEYE_STORE_ERROR_CORRUPT)
                          ? OPEN_DAMAGED : OPEN_FAILED;

      g_propagate_error (error, g_steal_pointer (&local_error));
      return result;
    }

  if (!read_only && sqlite3_db_readonly (self->db, "main") == 1)
    {
      SeyeStoreError code = _seye_store_access_code (self->path, 0);

      _seye_store_set_error (error, code == SEYE_STORE_ERROR_FAILED ? SEYE_STORE_ERROR_READ_ONLY : code,
                             self->path, use, g_strerror (EACCES));
      return OPEN_FAILED;
    }

  return OPEN_OK;
}

/* Probes the file; a WAL database cannot be read where SQLite cannot make its -shm (a
 * read-only file system, a full disk): a reader then reads the file alone when it holds
 * everything. */
static int
probe_or_read_alone (SeyeStore *self,
                     gboolean   read_only,
                     gint64    *version)
{
  int alone_rc;
  sqlite3 *alone;
  gint64 alone_version;
  int rc = probe (self->db, version);

  if (rc == SQLITE_OK || !read_only || _seye_store_is_busy (rc) ||
      _seye_store_failure_code (self->db, rc, self->path) == SEYE_STORE_ERROR_CORRUPT ||
      !wal_is_empty (self->path))
    return rc;

  alone = _seye_store_open_connection (self->path, TRUE, TRUE, FALSE, OPEN_BUSY_MS, &alone_rc, NULL);
  if (alone == NULL || probe (alone, &alone_version) != SQLITE_OK)
    {
      sqlite3_close (alone);
      return rc;
    }

  g_debug ("Reading %s without its write-ahead log", self->path);
  sqlite3_close (self->db);
  self->db = alone;
  self->immutable = TRUE;
  *version = alone_version;

  return SQLITE_OK;
}

/* A newer schema is never touched; a reader does not migrate an older one. */
static OpenResult
check_version (SeyeStore  *self,
               gint64      version,
               gboolean    read_only,
               GError    **error)
{
  if (version > SEYE_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_INCOMPATIBLE,
                   _("The history database “%s” was written by a newer version of Sorcerer's Eye "
                     "(schema %lld, this one knows %d); update Sorcerer's Eye, or move the "
                     "file away to start a new history"),
                   self->path, (long long) version, SEYE_STORE_SCHEMA_VERSION);
      return OPEN_FAILED;
    }

  if (read_only && version < SEYE_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_INCOMPATIBLE,
                   _("The history database “%s” has schema version %lld"
                     "; start the Sorcerer's Eye app once to bring it up to date"),
                   self->path, (long long) version);
      return OPEN_FAILED;
    }

  return OPEN_OK;
}

/* Runs the check and hands back its first line of verdict ("ok" for an intact file). */
static int
integrity_verdict (sqlite3             *db,
                   SeyeStoreOpenFlags   flags,
                   char               **verdict)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  /* quick_check reads every page but skips the index-to-table cross checks. */
  rc = sqlite3_prepare_v2 (db,
                           (flags & SEYE_STORE_OPEN_FULL_CHECK) ? "PRAGMA integrity_check (1)"
                                                                : "PRAGMA quick_check (1)",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      *verdict = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      rc = SQLITE_OK;
    }

  return rc;
}

static OpenResult
check_integrity (SeyeStore           *self,
                 SeyeStoreOpenFlags   flags,
                 Use                  use,
                 GError             **error)
{
  g_autofree char *check = NULL;
  int rc = integrity_verdict (self->db, flags, &check);

  if (rc != SQLITE_OK)
    return _seye_store_open_failed (self, rc, use, sqlite3_errmsg (self->db), error);
  if (g_strcmp0 (check, "ok") != 0)
    {
      /* SQLite's own verdict: damage. */
      g_set_error (error, SEYE_STORE_ERROR, SEYE_STORE_ERROR_CORRUPT,
                   _("it failed its integrity check (%s)"), check ? check : "?");
      return OPEN_DAMAGED;
    }

  return OPEN_OK;
}

/* WAL, migration to the current schema and the writer's statements. */
static OpenResult
set_up_writer (SeyeStore  *self,
               gint64      version,
               Use         use,
               GError    **error)
{
  g_autoptr (GError) local_error = NULL;
  OpenResult result;
  int rc;

  /* A new file gives pages back when a smaller disk budget is chosen (seye-store-budget.c);
   * this takes effect only before its first page is written, so older files keep theirs. */
  if (version == 0)
    _seye_store_exec (self->db, "PRAGMA auto_vacuum = INCREMENTAL", NULL, NULL);

  if (!_seye_store_exec (self->db, "PRAGMA journal_mode = WAL", &rc, &local_error) ||
      !_seye_store_exec (self->db, "PRAGMA synchronous = NORMAL", &rc, &local_error))
    return _seye_store_open_failed (self, rc, use, local_error->message, error);
  /* Checkpoints run on the maintenance thread; this is only a bound should none run. */
  _seye_store_exec (self->db, "PRAGMA wal_autocheckpoint = 16384", NULL, NULL);
  _seye_store_exec (self->db, "PRAGMA journal_size_limit = 67108864", NULL, NULL);

  if (version < SEYE_STORE_SCHEMA_VERSION)
    {
      result = _seye_store_migrate (self, version, error);
      if (result != OPEN_OK)
        return result;
    }

  result = _seye_store_prepare_statements (self, error);
  if (result != OPEN_OK)
    return result;

  sqlite3_busy_timeout (self->db, COMMIT_BUSY_MS);

  return OPEN_OK;
}

static OpenResult
try_open (SeyeStore           *self,
          SeyeStoreOpenFlags   flags,
          GError             **error)
{
  gboolean read_only = (flags & SEYE_STORE_OPEN_READ_ONLY) != 0;
  Use use = read_only ? USE_READ : USE_RECORD;
  OpenResult result;
  gint64 version;
  int rc;

  result = open_db (self, read_only, use, error);
  if (result != OPEN_OK)
    return result;

  rc = probe_or_read_alone (self, read_only, &version);
  if (rc != SQLITE_OK)
    return _seye_store_open_failed (self, rc, use, sqlite3_errmsg (self->db), error);

  result = check_version (self, version, read_only, error);
  if (result != OPEN_OK || read_only)
    return result;

  result = check_integrity (self, flags, use, error);
  if (result != OPEN_OK)
    return result;

  return set_up_writer (self, version, use, error);
}

void
_seye_store_close_db (SeyeStore *self)
{
  g_clear_pointer (&self->insert_sample, sqlite3_finalize);
  g_clear_pointer (&self->upsert_node, sqlite3_finalize);
  g_clear_pointer (&self->mark_dirty, sqlite3_finalize);
  g_clear_pointer (&self->insert_alert, sqlite3_finalize);
  g_clear_pointer (&self->db, sqlite3_close);
}

/* Renames PATH (and its -wal and -shm) to PATH.damaged-YYYYMMDD-HHMMSS. */
static char *
set_aside (const char  *path,
           GError     **error)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *target = g_strdup_printf ("%s.damaged-%s", path, stamp);
  static const char * const companions[] = { "-wal", "-shm", "-journal" };

  for (guint i = 2; g_file_test (target, G_FILE_TEST_EXISTS); i++)
    {
      g_free (target);
      target = g_strdup_printf ("%s.damaged-%s-%u", path, stamp, i);
    }

  if (g_rename (path, target) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, SEYE_STORE_ERROR, SEYE_STORE_ERROR_CORRUPT,
                   _("The history database “%s” is damaged and cannot be moved aside (%s): history "
                     "is not recorded. Move it to another name by hand to start a new one"),
                   path, g_strerror (saved_errno));
      return NULL;
    }

  for (guint i = 0; i < G_N_ELEMENTS (companions); i++)
    {
      g_autofree char *from = g_strconcat (path, companions[i], NULL);
      g_autofree char *to = g_strconcat (target, companions[i], NULL);

      if (g_file_test (from, G_FILE_TEST_EXISTS))
        g_rename (from, to);
    }

  return g_steal_pointer (&target);
}

/**
 * seye_store_get_default_path:
 *
 * Returns: (transfer full): $XDG_DATA_HOME/sorcerers-eye/history.db
 */
char *
seye_store_get_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "sorcerers-eye", "history.db", NULL);
}

SeyeStore *
seye_store_open (const char  *path,
                 GError     **error)
{
  return seye_store_open_full (path, SEYE_STORE_OPEN_DEFAULT, error);
}

/**
 * seye_store_open_full:
 * @path: (nullable): the database file; %NULL for seye_store_get_default_path()
 *
 * Opens (creating the file and its folder unless read-only), checks and migrates
 * the history database. Only a file SQLite reports damaged (or another program's
 * database) is renamed to PATH.damaged-YYYYMMDD-HHMMSS and a new database started;
 * seye_store_get_set_aside_message() then says so in words for the user.
 *
 * A file that is intact but cannot be written (read-only, another user's, locked, a
 * full disk) is never renamed. To record, it is then opened read-only when it can be
 * read, so its history still shows: seye_store_get_read_only() is %TRUE and
 * seye_store_get_write_error() says why nothing is recorded. When it cannot even be
 * read, the error says why (a %SEYE_STORE_ERROR). A file written by a newer version
 * is left alone too: error.
 *
 * Safe to call on any thread; the store is then written on that thread.
 */
SeyeStore *
seye_store_open_full (const char          *path,
                      SeyeStoreOpenFlags   flags,
                      GError             **error)
{
  g_autoptr (SeyeStore) self = g_object_new (SEYE_TYPE_STORE, NULL);
  g_autoptr (GError) damage = NULL;
  gboolean read_only = (flags & SEYE_STORE_OPEN_READ_ONLY) != 0;
  OpenResult result;

  self->path = path != NULL ? g_strdup (path) : seye_store_get_default_path ();
  self->read_only = read_only;

  if (read_only)
    {
      if (!g_file_test (self->path, G_FILE_TEST_EXISTS))
        {
          g_set_error (error, SEYE_ERROR, SEYE_ERROR_UNAVAILABLE,
                       _("There is no history database at “%s” yet: the Sorcerer's Eye app records one "
                         "while it runs"),
                       self->path);
          return NULL;
        }
    }
  else
    {
      g_autofree char *dir = g_path_get_dirname (self->path);

      if (g_mkdir_with_parents (dir, 0700) != 0)
        {
          int saved_errno = errno;

          g_set_error (error, SEYE_ERROR, SEYE_ERROR_IO,
                       _("Cannot create the folder “%s” for the history database: %s"),
                       dir, g_strerror (saved_errno));
          return NULL;
        }
    }

  result = try_open (self, flags, &damage);

  if (result == OPEN_FAILED && !read_only && damage->domain == SEYE_STORE_ERROR &&
      damage->code != SEYE_STORE_ERROR_FAILED && g_file_test (self->path, G_FILE_TEST_IS_REGULAR))
    {
      g_autoptr (GError) reading = NULL;

      /* Intact but not writable: show what it holds, record nothing. */
      _seye_store_close_db (self);
      if (try_open (self, flags | SEYE_STORE_OPEN_READ_ONLY, &reading) == OPEN_OK)
        {
          g_debug ("Opened %s read-only: %s", self->path, damage->message);
          self->read_only = TRUE;
          self->write_error = g_steal_pointer (&damage);
          return g_steal_pointer (&self);
        }
      g_debug ("Cannot read %s either: %s", self->path, reading->message);
    }

  if (result == OPEN_FAILED)
    {
      g_propagate_error (error, g_steal_pointer (&damage));
      return NULL;
    }

  if (result == OPEN_DAMAGED && read_only)
    {
      _seye_store_set_error (error, SEYE_STORE_ERROR_CORRUPT, self->path, USE_READ, damage->message);
      return NULL;
    }

  if (result == OPEN_DAMAGED)
    {
      g_autoptr (GError) second = NULL;

      _seye_store_close_db (self);
      self->set_aside_path = set_aside (self->path, error);
      if (self->set_aside_path == NULL)
        return NULL;

      self->set_aside_message =
        g_strdup_printf (_("The history database “%s” could not be used: %s. It was moved to “%s” and a "
                           "new, empty history was started; delete the old file once you no longer need it."),
                         self->path, damage->message, self->set_aside_path);
      g_warning ("%s", self->set_aside_message);

      result = try_open (self, flags, &second);
      if (result != OPEN_OK)
        {
          g_set_error (error, SEYE_STORE_ERROR, SEYE_STORE_ERROR_FAILED,
                       _("Cannot start a new history database at “%s”: %s"),
                       self->path, second->message);
          return NULL;
        }
    }

  return g_steal_pointer (&self);
}

static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  const char *path = task_data;
  SeyeStoreOpenFlags flags = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (task), "flags"));
  GError *error = NULL;
  SeyeStore *store = seye_store_open_full (path, flags, &error);

  if (store == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, store, g_object_unref);
}

/**
 * seye_store_open_async:
 *
 * seye_store_open_full() on a worker thread: the integrity check reads the whole
 * file. Writing then happens on whatever thread calls seye_store_commit(), one
 * thread at a time (the main thread in the app).
 */
void
seye_store_open_async (const char          *path,
                       SeyeStoreOpenFlags   flags,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, seye_store_open_async);
  g_task_set_task_data (task, path != NULL ? g_strdup (path) : seye_store_get_default_path (), g_free);
  g_object_set_data (G_OBJECT (task), "flags", GUINT_TO_POINTER (flags));
  g_task_run_in_thread (task, open_thread);
}

SeyeStore *
seye_store_open_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
