/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The real `seye alerts` ($SEYE_CLI) reading an alert log written with the store API. */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "seye-store.h"
#include "seye-test-hostile.h"
#include "seye-test-util.h"

#define ID_A "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"
#define ID_B "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2"
#define ID_C "c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3"
#define MINUTE G_GINT64_CONSTANT (60000)
#define HOUR (60 * MINUTE)
#define DAY (24 * HOUR)
#define HOSTILE_NAME "disk-" SEYE_TEST_HOSTILE_ALL

typedef struct
{
  char   *dir;
  char   *path;
  gint64  now;
} Fixture;

static void
add_event (SeyeStore          *store,
           gint64              time_ms,
           const char         *node_id,
           const char         *name,
           const char         *rule,
           SeyeAlertEventType  type,
           double              value,
           const char         *reason)
{
  g_autoptr (SeyeAlertEvent) event = seye_alert_event_new (time_ms, node_id, name, rule, type, value, reason);

  seye_store_add_alert_event (store, event);
}

/* alpha: memory started 2 h ago, acknowledged, cleared 1 h ago; beta: offline 3 days ago;
 * a node with a hostile name: a full disk 10 minutes ago. */
static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SeyeStore) store = NULL;

  fixture->dir = g_dir_make_tmp ("seye-cli-alerts-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "history.db", NULL);
  fixture->now = g_get_real_time () / 1000;

  store = seye_store_open (fixture->path, &error);
  g_assert_no_error (error);
  add_event (store, fixture->now - 3 * DAY, ID_B, "beta", "offline", SEYE_ALERT_EVENT_START, NAN, "Offline");
  add_event (store, fixture->now - 2 * HOUR, ID_A, "alpha", "memory", SEYE_ALERT_EVENT_START, 96.4,
             "Memory 96 %");
  add_event (store, fixture->now - 90 * MINUTE, ID_A, "alpha", "memory", SEYE_ALERT_EVENT_ACKNOWLEDGE, 96.1,
             "Memory 96 %");
  add_event (store, fixture->now - HOUR, ID_A, "alpha", "memory", SEYE_ALERT_EVENT_CLEAR, 40,
             "Memory 40 %");
  add_event (store, fixture->now - 10 * MINUTE, ID_C, HOSTILE_NAME, "filesystem", SEYE_ALERT_EVENT_START, 97,
             "Disk /var\x1b[2J 97 %");
  seye_store_commit (store, &error);
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

/* As the CLI writes a time: the clock today, the date and clock before. */
static char *
shown_time (gint64 ms)
{
  g_autoptr (GDateTime) when = g_date_time_new_from_unix_local (ms / 1000);
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();

  if (g_date_time_get_year (when) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (when) == g_date_time_get_day_of_year (now))
    return g_date_time_format (when, "%H:%M:%S");

  return g_date_time_format (when, "%Y-%m-%d %H:%M:%S");
}

static void
assert_line (const char *line,
             gint64      ms,
             const char *node,
             const char *reason,
             const char *event)
{
  g_autofree char *time = shown_time (ms);
  g_auto (GStrv) words = g_regex_split_simple ("  +", line, 0, 0);

  g_assert_cmpuint (g_strv_length (words), ==, 4);
  g_assert_cmpstr (words[0], ==, time);
  g_assert_cmpstr (words[1], ==, node);
  g_assert_cmpstr (words[2], ==, reason);
  g_assert_cmpstr (words[3], ==, event);
}

static void
test_text (Fixture       *fixture,
           gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *hostile_shown = g_strdup_printf ("disk-%s", SEYE_TEST_HOSTILE_ALL_SHOWN);
  g_auto (GStrv) lines = NULL;

  if (!require_cli ())
    return;

  /* The last 24 hours by default, newest first; every string shown safely. */
  g_assert_cmpint (seye_test_run_cli (&out, NULL, "alerts", "--db", fixture->path, NULL), ==, 0);
  seye_test_assert_shown_safely ("alerts", out);
  lines = g_strsplit (out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 5);
  g_assert_cmpstr (lines[4], ==, "");
  assert_line (lines[0], fixture->now - 10 * MINUTE, hostile_shown, "Disk /var\\x1b[2J 97 %", "started");
  assert_line (lines[1], fixture->now - HOUR, "alpha", "Memory 40 %", "cleared");
  assert_line (lines[2], fixture->now - 90 * MINUTE, "alpha", "Memory 96 %", "acknowledged");
  assert_line (lines[3], fixture->now - 2 * HOUR, "alpha", "Memory 96 %", "started");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&lines, g_strfreev);

  /* A week, one node by name (any case): three days ago has its date. */
  g_assert_cmpint (seye_test_run_cli (&out, NULL, "alerts", "--db", fixture->path, "--since", "7d",
                                      "--node", "BETA", NULL), ==, 0);
  lines = g_strsplit (out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 2);
  assert_line (lines[0], fixture->now - 3 * DAY, "beta", "Offline", "started");
  g_assert_nonnull (strchr (lines[0], '-'));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&lines, g_strfreev);

  /* By node id, and a shorter range. */
  g_assert_cmpint (seye_test_run_cli (&out, NULL, "alerts", "--db", fixture->path, "--node", ID_A,
                                      "--since", "100m", NULL), ==, 0);
  lines = g_strsplit (out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  g_assert_true (g_str_has_suffix (lines[0], "cleared"));
  g_assert_true (g_str_has_suffix (lines[1], "acknowledged"));
  g_clear_pointer (&out, g_free);

  /* Nothing: said in words, and no failure. */
  g_assert_cmpint (seye_test_run_cli (&out, NULL, "alerts", "--db", fixture->path, "--node", "gamma", NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out, "No alerts since "));
}

static JsonArray *
parse_array (JsonParser *parser,
             const char *json)
{
  g_autoptr (GError) error = NULL;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)));

  return json_node_get_array (json_parser_get_root (parser));
}

static void
test_json (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GDateTime) parsed = NULL;
  g_autofree char *out = NULL;
  JsonArray *array;
  JsonObject *o;

  if (!require_cli ())
    return;

  g_assert_cmpint (seye_test_run_cli (&out, NULL, "alerts", "--db", fixture->path, "--since", "7d", "--json",
                                      NULL), ==, 0);
  seye_test_assert_shown_safely ("alerts --json", out);
  array = parse_array (parser, out);
  g_assert_cmpuint (json_array_get_length (array), ==, 5);

  /* The exact strings, escaped. */
  o = json_array_get_object_element (array, 0);
  g_assert_cmpstr (json_object_get_string_member (o, "node"), ==, HOSTILE_NAME);
  g_assert_cmpstr (json_object_get_string_member (o, "reason"), ==, "Disk /var\x1b[2J 97 %");
  g_assert_cmpstr (json_object_get_string_member (o, "rule"), ==, "filesystem");

  o = json_array_get_object_element (array, 3);
  g_assert_cmpstr (json_object_get_string_member (o, "node"), ==, "alpha");
  g_assert_cmpstr (json_object_get_string_member (o, "node_id"), ==, ID_A);
  g_assert_cmpstr (json_object_get_string_member (o, "rule"), ==, "memory");
  g_assert_cmpstr (json_object_get_string_member (o, "event"), ==, "start");
  g_assert_cmpfloat (json_object_get_double_member (o, "value"), ==, 96.4);
  g_assert_cmpstr (json_object_get_string_member (o, "reason"), ==, "Memory 96 %");
  g_assert_cmpint (json_object_get_int_member (o, "time_ms"), ==, fixture->now - 2 * HOUR);
  parsed = g_date_time_new_from_iso8601 (json_object_get_string_member (o, "time"), NULL);
  g_assert_nonnull (parsed);
  g_assert_cmpint (g_date_time_to_unix (parsed), ==, (fixture->now - 2 * HOUR) / 1000);

  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 1), "event"), ==,
                   "clear");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 2), "event"), ==,
                   "acknowledge");

  /* Offline has no value. */
  o = json_array_get_object_element (array, 4);
  g_assert_cmpstr (json_object_get_string_member (o, "rule"), ==, "offline");
  g_assert_true (json_object_get_null_member (o, "value"));
  g_clear_pointer (&out, g_free);

  /* None: an empty array. */
  g_assert_cmpint (seye_test_run_cli (&out, NULL, "alerts", "--db", fixture->path, "--since", "5m", "--json",
                                      NULL), ==, 0);
  array = parse_array (parser, out);
  g_assert_cmpuint (json_array_get_length (array), ==, 0);
}

static void
test_errors (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *missing = g_build_filename (fixture->dir, "none.db", NULL);
  g_autofree char *err = NULL;
  g_autofree char *help = NULL;

  if (!require_cli ())
    return;

  /* No database yet: said in words, nothing is created. */
  g_assert_cmpint (seye_test_run_cli (NULL, &err, "alerts", "--db", missing, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "no history database"));
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (seye_test_run_cli (NULL, &err, "alerts", "--db", fixture->path, "--since", "soon", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "Cannot read the time"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (seye_test_run_cli (NULL, &err, "alerts", "alpha", "--db", fixture->path, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "--node"));
  g_clear_pointer (&err, g_free);

  /* Listed in the commands. */
  g_assert_cmpint (seye_test_run_cli (&help, NULL, "help", NULL), ==, 0);
  g_assert_nonnull (strstr (help, "alerts"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add ("/seye/cli/alerts/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("text", test_text);
  ADD ("json", test_json);
  ADD ("errors", test_errors);
#undef ADD

  return g_test_run ();
}
