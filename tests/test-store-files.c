/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SeyeStore and its file: migrations, a newer schema, damaged files set aside, and
 * intact files it cannot use (read-only, full, owned by another user) left alone. */

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include "seye-error.h"
#include "seye-monitor.h"
#include "seye-recorder.h"
#include "seye-store.h"
#include "seye-test-mounts.h"
#include "seye-test-util.h"
#include "test-store-fixture.h"

/* Migrations and damaged files --------------------------------------------- */

static void
test_migrate_empty (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *sub = g_path_get_dirname (fixture->path);
  g_autoptr (GError) error = NULL;

  g_mkdir_with_parents (sub, 0700);
  g_file_set_contents (fixture->path, "", 0, &error);
  g_assert_no_error (error);

  {
    g_autoptr (SeyeStore) store = open_store (fixture);

    g_assert_null (seye_store_get_set_aside_path (store));
    add (store, ID_A, T0, 1);
    commit (store);
  }

  g_assert_cmpint (count_rows (fixture->path, "PRAGMA user_version"), ==, SEYE_STORE_SCHEMA_VERSION);
  g_assert_cmpint (count_rows (fixture->path, RAW_COUNT), ==, 1);
  g_assert_null (find_set_aside (fixture));
}

static void
test_migrate_partial (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *sub = g_path_get_dirname (fixture->path);
  g_autoptr (GPtrArray) nodes = NULL;
  g_autoptr (GError) error = NULL;

  /* Version 0 with only the nodes table, as an older build that died half-way left it. */
  g_mkdir_with_parents (sub, 0700);
  exec_sql (fixture->path,
            "CREATE TABLE nodes (id INTEGER PRIMARY KEY, node_id TEXT NOT NULL UNIQUE, name TEXT, address TEXT);"
            "INSERT INTO nodes (node_id, name, address) VALUES ('" ID_B "', 'kept', 'old:7373');");

  {
    g_autoptr (SeyeStore) store = open_store (fixture);

    g_assert_null (seye_store_get_set_aside_path (store));
    nodes = seye_store_list_nodes (store, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (nodes->len, ==, 1);
    g_assert_cmpstr (((SeyeStoreNode *) nodes->pdata[0])->name, ==, "kept");
    g_assert_cmpint (((SeyeStoreNode *) nodes->pdata[0])->first_ms, ==, 0);
    add (store, ID_B, T0, 1);
    commit (store);
  }

  g_assert_cmpint (count_rows (fixture->path, "PRAGMA user_version"), ==, SEYE_STORE_SCHEMA_VERSION);
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM nodes"), ==, 1);
  g_assert_cmpint (count_rows (fixture->path, "PRAGMA journal_mode"), ==, 0);   /* "wal" is not a number */
}

static void
test_newer_version (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *sub = g_path_get_dirname (fixture->path);
  g_autoptr (GError) error = NULL;
  g_autoptr (SeyeStore) store = NULL;

  g_mkdir_with_parents (sub, 0700);
  exec_sql (fixture->path, "CREATE TABLE future (x); PRAGMA user_version = 99;");

  store = seye_store_open (fixture->path, &error);
  g_assert_error (error, SEYE_ERROR, SEYE_ERROR_INCOMPATIBLE);
  g_assert_null (store);
  g_assert_nonnull (strstr (error->message, "newer version"));
  /* Left alone. */
  g_assert_null (find_set_aside (fixture));
  g_assert_cmpint (count_rows (fixture->path, "PRAGMA user_version"), ==, 99);
}

static void
check_set_aside (Fixture    *fixture,
                 const char *original_contents,
                 gsize       original_length)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SeyeStore) store = NULL;
  g_autofree char *aside = NULL;
  g_autofree char *contents = NULL;
  guint warnings = set_aside_warnings;
  gsize length;

  store = seye_store_open (fixture->path, &error);
  g_assert_cmpuint (set_aside_warnings, ==, warnings + 1);
  g_assert_no_error (error);
  g_assert_nonnull (store);

  aside = find_set_aside (fixture);
  g_assert_nonnull (aside);
  g_assert_cmpstr (seye_store_get_set_aside_path (store), ==, aside);
  g_assert_nonnull (strstr (seye_store_get_set_aside_message (store), aside));
  g_test_message ("%s", seye_store_get_set_aside_message (store));

  /* The damaged file is kept byte for byte. */
  if (original_contents != NULL)
    {
      g_file_get_contents (aside, &contents, &length, &error);
      g_assert_no_error (error);
      g_assert_cmpmem (contents, length, original_contents, original_length);
    }

  /* And the new history works. */
  add (store, ID_A, T0, 1);
  commit (store);
  g_assert_cmpint (count_rows (fixture->path, RAW_COUNT), ==, 1);
}

static void
test_corrupt_not_a_database (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autofree char *sub = g_path_get_dirname (fixture->path);
  static const char garbage[] = "This is not an SQLite database, but it is 64 bytes or longer, surely.";
  g_autoptr (GError) error = NULL;

  g_mkdir_with_parents (sub, 0700);
  g_file_set_contents (fixture->path, garbage, sizeof garbage, &error);
  g_assert_no_error (error);

  check_set_aside (fixture, garbage, sizeof garbage);
}

static void
test_corrupt_pages (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;
  gsize length;

  {
    g_autoptr (SeyeStore) store = open_store (fixture);

    for (gint64 t = T0; t < T0 + HOUR; t += 1000)
      add (store, ID_A, t, 50);
    commit (store);
  }

  /* Scribble over the middle of the file, b-tree pages included. */
  g_file_get_contents (fixture->path, &contents, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (length, >, 64 * 1024);
  for (gsize i = 3 * 4096; i < 12 * 4096; i++)
    contents[i] = (char) (i * 7);
  g_file_set_contents (fixture->path, contents, length, &error);
  g_assert_no_error (error);

  check_set_aside (fixture, contents, length);
}

static void
test_foreign_database (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *sub = g_path_get_dirname (fixture->path);

  /* Some other program's database at version 0, with a "samples" table of its own. */
  g_mkdir_with_parents (sub, 0700);
  exec_sql (fixture->path, "CREATE TABLE samples (a TEXT); INSERT INTO samples VALUES ('mine');");

  check_set_aside (fixture, NULL, 0);
}

/* Files that are intact but cannot be used: never renamed, never called damaged. */

static GBytes *
read_bytes (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GMappedFile) file = g_mapped_file_new (path, FALSE, &error);

  g_assert_no_error (error);

  return g_mapped_file_get_bytes (file);
}

/* Ten minutes of ID_A, a sample a second, in a store that is then closed; returns its bytes. */
static GBytes *
make_history (const char *path)
{
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (SeyeStore) store = seye_store_open (path, &error);

    g_assert_no_error (error);
    for (gint64 t = T0; t < T0 + 10 * MINUTE; t += 1000)
      add (store, ID_A, t, 5);
    commit (store);
  }

  return read_bytes (path);
}

/* @path still holds @bytes, and nothing beside it was set aside. */
static void
assert_left_alone (const char *path,
                   GBytes     *bytes)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr (GDir) listing = g_dir_open (dir, 0, NULL);
  g_autoptr (GBytes) now = NULL;
  const char *name;

  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  now = read_bytes (path);
  g_assert_true (g_bytes_equal (now, bytes));

  g_assert_nonnull (listing);
  while ((name = g_dir_read_name (listing)) != NULL)
    g_assert_null (strstr (name, ".damaged-"));
}

static void
assert_history_readable (SeyeStore *store)
{
  g_autoptr (GPtrArray) points = NULL;
  g_autoptr (GPtrArray) nodes = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  points = query (store, ID_A, T0, T0 + HOUR, 0);
  g_assert_cmpuint (points->len, ==, 600);
  g_clear_pointer (&points, g_ptr_array_unref);

  nodes = seye_store_list_nodes (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (nodes->len, >=, 1);

  /* The detail pane reads on a worker thread, with a connection of its own. */
  seye_store_query_async (store, ID_A, T0, T0 + HOUR, 0, NULL, async_cb, &result);
  g_assert_true (seye_test_wait_until (result_set_cb, &result, 10000));
  points = seye_store_query_finish (store, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (points->len, ==, 600);
}

static void
test_read_only_fs (void)
{
  g_autofree char *dir = seye_test_tmpfs_new (NULL, 1024);
  g_autofree char *path = NULL;
  g_autofree char *expected = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (SeyeStore) store = NULL;
  const GError *write_error;

  if (dir == NULL)
    return;

  path = g_build_filename (dir, "history.db", NULL);
  bytes = make_history (path);
  seye_test_tmpfs_set_read_only (dir, TRUE);

  /* The app: history still shows, nothing is recorded, and the user is told why. */
  store = seye_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  g_assert_true (seye_store_get_read_only (store));
  g_assert_null (seye_store_get_set_aside_path (store));
  write_error = seye_store_get_write_error (store);
  g_assert_error ((GError *) write_error, SEYE_STORE_ERROR, SEYE_STORE_ERROR_READ_ONLY);
  expected = g_strdup_printf ("%s is read-only: history is not recorded", path);
  g_assert_true (g_str_has_prefix (write_error->message, expected));
  assert_not_called_damaged (write_error->message);
  assert_history_readable (store);
  g_clear_object (&store);

  /* `seye history`. */
  store = seye_store_open_full (path, SEYE_STORE_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  assert_history_readable (store);
  g_clear_object (&store);

  assert_left_alone (path, bytes);
  seye_test_tmpfs_free (g_steal_pointer (&dir));
}

static void
test_disk_full (void)
{
  g_autofree char *dir = seye_test_tmpfs_new (NULL, 512);
  g_autofree char *path = NULL;
  g_autofree char *filler = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (SeyeStore) store = NULL;
  const GError *write_error;

  if (dir == NULL)
    return;

  path = g_build_filename (dir, "history.db", NULL);
  g_clear_pointer (&bytes, g_bytes_unref);
  bytes = make_history (path);

  /* The disk fills up while recording: the samples wait, and the error says so. */
  store = seye_store_open (path, &error);
  g_assert_no_error (error);
  filler = seye_test_tmpfs_fill (dir);
  for (gint64 t = T0 + HOUR; t < T0 + HOUR + 2000 * 1000; t += 1000)
    add (store, ID_B, t, 7);
  g_assert_false (seye_store_commit (store, &error));
  g_assert_error (error, SEYE_STORE_ERROR, SEYE_STORE_ERROR_DISK_FULL);
  g_assert_true (g_str_has_prefix (error->message, "The disk is full: "));
  assert_not_called_damaged (error->message);
  g_assert_cmpuint (seye_store_get_n_pending (store), ==, 2000);
  g_clear_error (&error);

  /* Room again: they are written. */
  g_assert_cmpint (g_unlink (filler), ==, 0);
  commit (store);
  g_clear_object (&store);
  g_clear_pointer (&bytes, g_bytes_unref);
  bytes = read_bytes (path);
  g_clear_pointer (&filler, g_free);

  /* Opening on a full disk: what is there shows, nothing is recorded. */
  filler = seye_test_tmpfs_fill (dir);
  store = seye_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  g_assert_true (seye_store_get_read_only (store));
  write_error = seye_store_get_write_error (store);
  g_assert_error ((GError *) write_error, SEYE_STORE_ERROR, SEYE_STORE_ERROR_DISK_FULL);
  g_assert_true (g_str_has_prefix (write_error->message, "The disk is full: history is not recorded"));
  assert_not_called_damaged (write_error->message);
  assert_history_readable (store);
  g_clear_object (&store);

  store = seye_store_open_full (path, SEYE_STORE_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);
  assert_history_readable (store);
  g_clear_object (&store);

  assert_left_alone (path, bytes);
  seye_test_tmpfs_free (g_steal_pointer (&dir));
}

/* Where the parent keeps the root-owned file; a child finds it by its parent's pid. */
static char *
foreign_owned_folder (pid_t parent)
{
  g_autofree char *name = g_strdup_printf ("seye-store-foreign-%d", (int) parent);

  return g_build_filename (g_get_tmp_dir (), name, NULL);
}

/* In a child that became another user: opens the root-owned file of its parent. */
static void
foreign_owned_child (void)
{
  g_autofree char *top = foreign_owned_folder (getppid ());
  g_autofree char *path = g_build_filename (top, "data", "history.db", NULL);
  g_autofree char *expected = g_strdup_printf ("%s belongs to another user: history is not recorded", path);
  g_autoptr (GError) error = NULL;
  g_autoptr (SeyeStore) store = NULL;
  GStatBuf st;
  uid_t uid;
  gid_t gid;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_true (seye_test_require_other_user (&uid, &gid));
  seye_test_become_user (uid, gid);
  g_assert_cmpuint (geteuid (), ==, uid);

  store = seye_store_open (path, &error);
  if ((st.st_mode & 0044) != 0)
    {
      const GError *write_error;

      /* Readable by all: its history shows, nothing is recorded. */
      g_assert_no_error (error);
      g_assert_true (seye_store_get_read_only (store));
      write_error = seye_store_get_write_error (store);
      g_assert_error ((GError *) write_error, SEYE_STORE_ERROR, SEYE_STORE_ERROR_PERMISSION);
      g_assert_true (g_str_has_prefix (write_error->message, expected));
      assert_not_called_damaged (write_error->message);
      assert_history_readable (store);
      return;
    }

  g_assert_null (store);
  g_assert_error (error, SEYE_STORE_ERROR, SEYE_STORE_ERROR_PERMISSION);
  g_assert_true (g_str_has_prefix (error->message, expected));
  assert_not_called_damaged (error->message);
  g_clear_error (&error);

  store = seye_store_open_full (path, SEYE_STORE_OPEN_READ_ONLY, &error);
  g_assert_null (store);
  g_assert_error (error, SEYE_STORE_ERROR, SEYE_STORE_ERROR_PERMISSION);
  g_assert_nonnull (strstr (error->message, "belongs to another user and cannot be read"));
  assert_not_called_damaged (error->message);
}

static void
test_foreign_owned (void)
{
  static const guint modes[] = { 0600, 0644 };
  g_autofree char *top = NULL;
  g_autofree char *data = NULL;
  g_autofree char *path = NULL;
  g_autoptr (GBytes) bytes = NULL;
  uid_t uid;
  gid_t gid;

  if (g_test_subprocess ())
    {
      foreign_owned_child ();
      return;
    }

  if (!seye_test_require_other_user (&uid, &gid))
    return;

  /* The folder is the other user's (they could rename in it); the file is root's. */
  top = foreign_owned_folder (getpid ());
  g_assert_cmpint (g_mkdir (top, 0755), ==, 0);
  data = g_build_filename (top, "data", NULL);
  g_assert_cmpint (g_mkdir (data, 0700), ==, 0);
  path = g_build_filename (data, "history.db", NULL);
  bytes = make_history (path);
  g_assert_cmpint (chown (data, uid, gid), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_test_message ("root's history.db with mode %04o, opened by uid %u", modes[i], (guint) uid);
      g_assert_cmpint (g_chmod (path, modes[i]), ==, 0);
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      assert_left_alone (path, bytes);
    }

  /* What SQLite may have made beside it belongs to the other user: root removes it all. */
  {
    g_autoptr (GDir) listing = g_dir_open (data, 0, NULL);
    const char *name;

    while ((name = g_dir_read_name (listing)) != NULL)
      {
        g_autofree char *file = g_build_filename (data, name, NULL);

        g_unlink (file);
      }
  }
  g_rmdir (data);
  g_rmdir (top);
}

static void
test_unreadable (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (SeyeStore) store = NULL;

  if (geteuid () == 0)
    {
      g_test_skip ("root reads any file (foreign-owned covers this as another user)");
      return;
    }

  g_mkdir_with_parents (g_path_get_dirname (fixture->path), 0700);
  bytes = make_history (fixture->path);
  g_chmod (fixture->path, 0);

  store = seye_store_open (fixture->path, &error);
  g_assert_null (store);
  g_assert_error (error, SEYE_STORE_ERROR, SEYE_STORE_ERROR_PERMISSION);
  assert_not_called_damaged (error->message);
  g_chmod (fixture->path, 0600);
  assert_left_alone (fixture->path, bytes);
}

static void
test_directory (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SeyeStore) store = NULL;

  /* Something that cannot be opened as a file at all, even by root: not SQLite's
   * "damaged", so it is left where it is. */
  g_assert_cmpint (g_mkdir_with_parents (fixture->path, 0700), ==, 0);

  store = seye_store_open (fixture->path, &error);
  g_assert_null (store);
  g_assert_error (error, SEYE_STORE_ERROR, SEYE_STORE_ERROR_FAILED);
  assert_not_called_damaged (error->message);
  g_assert_true (g_file_test (fixture->path, G_FILE_TEST_IS_DIR));
  g_assert_null (find_set_aside (fixture));
}

int
main (int   argc,
      char *argv[])
{
  store_test_init (&argc, &argv);

#define ADD(path, func) g_test_add ("/seye/store/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("migrate-empty", test_migrate_empty);
  ADD ("migrate-partial", test_migrate_partial);
  ADD ("newer-version", test_newer_version);
  ADD ("corrupt/not-a-database", test_corrupt_not_a_database);
  ADD ("corrupt/pages", test_corrupt_pages);
  ADD ("corrupt/foreign", test_foreign_database);
  ADD ("cannot-open/unreadable", test_unreadable);
  ADD ("cannot-open/directory", test_directory);
  g_test_add_func ("/seye/store/cannot-open/read-only-fs", test_read_only_fs);
  g_test_add_func ("/seye/store/cannot-open/foreign-owned", test_foreign_owned);
  g_test_add_func ("/seye/store/cannot-open/disk-full", test_disk_full);
#undef ADD

  return g_test_run ();
}
