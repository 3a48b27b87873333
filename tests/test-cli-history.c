/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The real `seye history` ($SEYE_CLI) reading a database filled with the store API. */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "seye-store.h"
#include "seye-test-mounts.h"
#include "seye-test-hostile.h"
#include "seye-test-util.h"

#define ID_A "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"
#define ID_B "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2"
#define MINUTE 60000
#define HOUR (60 * MINUTE)

typedef struct
{
  char   *dir;
  char   *path;
  gint64  now;
} Fixture;

static SeyeSample *
make_sample (gint64 time_ms,
             double cpu)
{
  SeyeSample *sample = seye_sample_new ();
  SeyeCpuStat core = { 0 };

  sample->time_ms = time_ms;
  sample->interval = 10;
  sample->parts = SEYE_SAMPLE_CPU | SEYE_SAMPLE_MEMORY | SEYE_SAMPLE_LOAD | SEYE_SAMPLE_PROCESSES |
                  SEYE_SAMPLE_NETWORK;
  sample->cpu.busy = cpu;
  sample->cpu.user = cpu;
  core.busy = cpu;
  g_array_append_val (sample->cores, core);
  g_array_append_val (sample->cores, core);
  sample->memory.total = 4ull << 30;
  sample->memory.used = 1ull << 30;
  sample->memory.available = 3ull << 30;
  sample->load[0] = 0.5;
  sample->procs_total = 42;
  sample->net_rx_bytes_per_sec = 2000;
  sample->net_tx_bytes_per_sec = 1000;

  return sample;
}

/* alpha: every 10 s for two hours, raw for the last hour, rollups before; alpine: 3 samples. */
static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SeyeStore) store = NULL;

  fixture->dir = g_dir_make_tmp ("seye-cli-history-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "history.db", NULL);
  fixture->now = g_get_real_time () / 1000 / MINUTE * MINUTE;

  store = seye_store_open (fixture->path, &error);
  g_assert_no_error (error);
  seye_store_set_raw_retention (store, 3600);

  for (gint64 t = fixture->now - 2 * HOUR; t < fixture->now; t += 10000)
    {
      g_autoptr (SeyeSample) sample = make_sample (t, 25);

      seye_store_add (store, ID_A, "alpha", "10.0.0.1:7373", sample);
    }
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr (SeyeSample) sample = make_sample (fixture->now - 5 * MINUTE + i * 10000, 75);

      seye_store_add (store, ID_B, "alpine", "10.0.0.2:7373", sample);
    }
  seye_store_commit (store, &error);
  g_assert_no_error (error);
  seye_store_maintain (store, fixture->now, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr (GDir) dir = g_dir_open (fixture->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
}

static gboolean
require_cli (void)
{
  if (g_getenv ("SEYE_CLI") == NULL)
    {
      g_test_skip ("SEYE_CLI is not set");
      return FALSE;
    }
  return TRUE;
}

static void
test_csv (Fixture       *fixture,
          gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_auto (GStrv) lines = NULL;
  g_auto (GStrv) header = NULL;
  g_auto (GStrv) row = NULL;

  if (!require_cli ())
    return;

  /* The last 30 minutes: raw samples every 10 s. */
  g_assert_cmpint (seye_test_run_cli (&out, NULL, "history", "alpha", "--db", fixture->path, "--since", "30m", "--csv", NULL), ==, 0);
  lines = g_strsplit (out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), >=, 1 + 170 + 1);   /* "now" is a little later */
  g_assert_cmpuint (g_strv_length (lines), <=, 1 + 180 + 1);
  header = g_strsplit (lines[0], ",", -1);
  g_assert_cmpstr (header[0], ==, "time");
  g_assert_cmpstr (header[5], ==, "cpu_busy_percent");
  row = g_strsplit (lines[1], ",", -1);
  g_assert_cmpuint (g_strv_length (row), ==, g_strv_length (header));
  g_assert_cmpstr (row[2], ==, "raw");
  g_assert_cmpstr (row[5], ==, "25");
  g_assert_true (g_str_has_suffix (lines[1], ",25 25"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&lines, g_strfreev);
  g_clear_pointer (&row, g_strfreev);

  /* Two hours: the first from rollups. By node id prefix. */
  g_assert_cmpint (seye_test_run_cli (&out, NULL, "history", "a1a1a1", "--db", fixture->path, "--since", "2h", "--csv", NULL), ==, 0);
  lines = g_strsplit (out, "\n", -1);
  row = g_strsplit (lines[1], ",", -1);
  g_assert_cmpstr (row[2], ==, "minute");
  g_assert_cmpstr (row[3], ==, "6");
  g_assert_cmpuint (g_strv_length (lines), >=, 1 + 59 + 360 + 1);
}

static void
test_json (Fixture       *fixture,
           gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  JsonObject *root;
  JsonArray *points;
  JsonObject *values;

  if (!require_cli ())
    return;

  g_assert_cmpint (seye_test_run_cli (&out, NULL, "history", "ALPINE", "--db", fixture->path, "--since", "1h", "--json", NULL), ==, 0);
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "node_id"), ==, ID_B);
  g_assert_cmpstr (json_object_get_string_member (root, "name"), ==, "alpine");
  g_assert_cmpstr (json_object_get_string_member (root, "address"), ==, "10.0.0.2:7373");
  points = json_object_get_array_member (root, "points");
  g_assert_cmpuint (json_array_get_length (points), ==, 3);
  values = json_object_get_object_member (json_array_get_object_element (points, 2), "values");
  g_assert_cmpfloat (json_object_get_double_member (values, "cpu_busy_percent"), ==, 75);
  g_assert_cmpint (json_object_get_int_member (values, "memory_used_bytes"), ==, 1ll << 30);
  g_assert_cmpint (json_object_get_int_member (values, "processes"), ==, 42);
}

static void
test_text (Fixture       *fixture,
           gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto (GStrv) lines = NULL;

  if (!require_cli ())
    return;

  g_assert_cmpint (seye_test_run_cli (&out, NULL, "history", "alpha", "--db", fixture->path, "--since", "2h", "--points", "12",
                             NULL), ==, 0);
  lines = g_strsplit (out, "\n", -1);
  g_assert_true (g_str_has_prefix (lines[0], "alpha (" ID_A ")"));
  g_assert_nonnull (strstr (lines[1], "CPU"));
  g_assert_cmpuint (g_strv_length (lines), >=, 2 + 12 + 1);
  g_assert_cmpuint (g_strv_length (lines), <=, 2 + 13 + 1);
  g_assert_nonnull (strstr (lines[2], "25"));

  /* A range with nothing in it. */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (seye_test_run_cli (&out, &err, "history", "alpine", "--db", fixture->path, "--since", "4h", "--until", "3h",
                             NULL), ==, 1);
  g_assert_nonnull (strstr (err, "no samples"));
}

static void
test_errors (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *missing = g_build_filename (fixture->dir, "none.db", NULL);
  g_autofree char *err = NULL;

  if (!require_cli ())
    return;

  /* Unknown node: the known ones are listed. */
  g_assert_cmpint (seye_test_run_cli (NULL, &err, "history", "gamma", "--db", fixture->path, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "No history for a node “gamma”"));
  g_assert_nonnull (strstr (err, ID_A));
  g_assert_nonnull (strstr (err, "alpine"));
  g_clear_pointer (&err, g_free);

  /* Ambiguous. */
  g_assert_cmpint (seye_test_run_cli (NULL, &err, "history", "alp", "--db", fixture->path, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "more than one node"));
  g_clear_pointer (&err, g_free);

  /* No database yet: nothing is created. */
  g_assert_cmpint (seye_test_run_cli (NULL, &err, "history", "alpha", "--db", missing, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "no history database"));
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  g_clear_pointer (&err, g_free);

  /* Bad arguments. */
  g_assert_cmpint (seye_test_run_cli (NULL, &err, "history", "alpha", "--db", fixture->path, "--since", "yesterday-ish", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "Cannot read the time"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (seye_test_run_cli (NULL, &err, "history", "alpha", "--db", fixture->path, "--csv", "--json", NULL), ==, 2);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (seye_test_run_cli (NULL, &err, "history", "--db", fixture->path, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "which node"));
  g_clear_pointer (&err, g_free);

  /* A date: everything since local midnight two days ago. */
  {
    g_autoptr (GDateTime) now = g_date_time_new_now_local ();
    g_autoptr (GDateTime) then = g_date_time_add_days (now, -2);
    g_autofree char *date = g_date_time_format (then, "%Y-%m-%d");

    g_assert_cmpint (seye_test_run_cli (NULL, NULL, "history", "alpine", "--db", fixture->path, "--since", date, "--csv", NULL), ==, 0);
  }
}

/* An intact file that cannot be written, or not read by this user: never "damaged". */

static void
assert_not_called_damaged (const char *message)
{
  g_test_message ("stderr: %s", message);
  g_assert_null (strstr (message, "damaged"));
  g_assert_null (strstr (message, "delete"));
  g_assert_null (strstr (message, "I/O error"));
}

static void
test_read_only_fs (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (GError) error = NULL;
  gsize length;

  if (!require_cli () || (dir = seye_test_tmpfs_new (NULL, 4096)) == NULL)
    return;

  /* The fixture's history, on a file system that is then made read-only. */
  path = g_build_filename (dir, "history.db", NULL);
  g_file_get_contents (fixture->path, &contents, &length, &error);
  g_assert_no_error (error);
  g_file_set_contents (path, contents, length, &error);
  g_assert_no_error (error);
  seye_test_tmpfs_set_read_only (dir, TRUE);

  g_assert_cmpint (seye_test_run_cli (&out, &err, "history", "alpha", "--since", "30m", "--db", path, NULL),
                   ==, 0);
  assert_not_called_damaged (err);
  g_assert_nonnull (strstr (out, "alpha"));
  g_assert_cmpuint (strlen (out), >, 100);

  seye_test_tmpfs_free (g_steal_pointer (&dir));
}

static void
become_other_user_cb (gpointer data)
{
  uid_t *ids = data;

  seye_test_become_user (ids[0], (gid_t) ids[1]);
}

static void
test_foreign_owned (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *top = NULL;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *after = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *err = NULL;
  uid_t ids[2];
  gid_t gid;
  gsize length, after_length;

  if (!require_cli () || !seye_test_require_other_user (&ids[0], &gid))
    return;
  ids[1] = (uid_t) gid;

  /* Root's history, mode 0600, in a folder anyone may enter. */
  top = g_dir_make_tmp ("seye-cli-foreign-XXXXXX", &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (top, 0755), ==, 0);
  path = g_build_filename (top, "history.db", NULL);
  g_file_get_contents (fixture->path, &contents, &length, &error);
  g_assert_no_error (error);
  g_file_set_contents (path, contents, length, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, 0600), ==, 0);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, become_other_user_cb, ids, NULL);
  process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("SEYE_CLI"), "history", "alpha",
                                         "--db", path, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, &err, &error);
  g_assert_no_error (error);

  /* It says whose file it is and what to do; it is not damaged and stays as it was. */
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 2);
  expected = g_strdup_printf ("seye history: %s belongs to another user and cannot be read", path);
  g_assert_true (g_str_has_prefix (err, expected));
  assert_not_called_damaged (err);
  g_file_get_contents (path, &after, &after_length, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (after, after_length, contents, length);

  g_unlink (path);
  g_rmdir (top);
}

/* Names recorded from hostile nodes, one per class of character: the text output
 * and the errors that list nodes show them sanitised; the CSV (which names no node)
 * stays clean; --json keeps the exact name. */
static void
test_hostile_names (Fixture       *fixture,
                    gconstpointer  data)
{
  const guint n = G_N_ELEMENTS (seye_test_hostile);
  g_autoptr (SeyeStore) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *ambiguous = NULL;

  if (!require_cli ())
    return;

  store = seye_store_open (fixture->path, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *node_id = g_strdup_printf ("c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3%02u", i);
      g_autofree char *name = g_strdup_printf ("hist-%s %s", seye_test_hostile[i].kind, seye_test_hostile[i].raw);

      for (guint j = 0; j < 3; j++)
        {
          g_autoptr (SeyeSample) sample = make_sample (fixture->now - 5 * MINUTE + j * 10000, 50);

          seye_store_add (store, node_id, name, "10.0.0.9:7373", sample);
        }
    }
  seye_store_commit (store, &error);
  g_assert_no_error (error);
  g_clear_object (&store);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *node_id = g_strdup_printf ("c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3%02u", i);
      g_autofree char *name = g_strdup_printf ("hist-%s %s", seye_test_hostile[i].kind, seye_test_hostile[i].raw);
      g_autofree char *shown = g_strdup_printf ("hist-%s %s (%s)\n", seye_test_hostile[i].kind,
                                                seye_test_hostile[i].shown, node_id);
      g_autofree char *text = NULL;
      g_autofree char *csv = NULL;
      g_autofree char *json = NULL;
      g_autoptr (JsonParser) parser = json_parser_new ();

      g_assert_cmpint (seye_test_run_cli (&text, NULL, "history", node_id, "--db", fixture->path, NULL), ==, 0);
      g_assert_cmpint (seye_test_run_cli (&csv, NULL, "history", node_id, "--db", fixture->path, "--csv", NULL), ==, 0);
      g_assert_cmpint (seye_test_run_cli (&json, NULL, "history", node_id, "--db", fixture->path, "--json", NULL), ==, 0);

      seye_test_assert_shown_safely ("history", text);
      g_assert_true (g_str_has_prefix (text, shown));
      seye_test_assert_shown_safely ("history --csv", csv);
      g_assert_true (g_str_has_prefix (csv, "time,"));

      json_parser_load_from_data (parser, json, -1, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)), "name"),
                       ==, name);
    }

  /* "hist" matches them all: the error lists each, sanitised. */
  g_assert_cmpint (seye_test_run_cli (NULL, &ambiguous, "history", "hist", "--db", fixture->path, NULL), ==, 2);
  seye_test_assert_shown_safely ("history (error)", ambiguous);
  for (guint i = 0; i < n; i++)
    g_assert_nonnull (strstr (ambiguous, seye_test_hostile[i].shown));
}

int
main (int   argc,
      char *argv[])
{
  seye_test_mounts_init ();
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add ("/seye/cli/history/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("csv", test_csv);
  ADD ("json", test_json);
  ADD ("text", test_text);
  ADD ("errors", test_errors);
  ADD ("read-only-fs", test_read_only_fs);
  ADD ("foreign-owned", test_foreign_owned);
  ADD ("hostile-names", test_hostile_names);
#undef ADD

  return g_test_run ();
}
