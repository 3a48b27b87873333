/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The real `seye` ($SEYE_CLI) against real agents ($SEYE_AGENT) on loopback:
 * `seye fetch --processes`, `seye top --once` with a busy loop the test starts
 * under a name of its own, and `seye run` against an agent with actions over
 * HTTPS with a token. `seye top` on a terminal is in test-top.sh. */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <unistd.h>

#include "seye-test-util.h"

#define OLD_ID "0ddc0ffee0ddc0ffee0ddc0ffee0ddc0"
#define TRIES  10   /* asks for the busy loop to be at the top, on a machine others share */

/* Helpers ------------------------------------------------------------------ */

static JsonNode *
parse_json (const char *text)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);

  return json_node_copy (json_parser_get_root (parser));
}

/* The entry of the node named @name in `seye fetch --json`. */
static JsonObject *
node_entry (JsonNode   *root,
            const char *name)
{
  JsonArray *nodes = json_node_get_array (root);

  for (guint i = 0; i < json_array_get_length (nodes); i++)
    {
      JsonObject *node = json_array_get_object_element (nodes, i);

      if (g_strcmp0 (json_object_get_string_member (node, "name"), name) == 0)
        return node;
    }

  g_assert_not_reached ();
}

/* An agent, and a shell spinning under a name of its own (a copy of /bin/sh). */
typedef struct
{
  char          *dir;
  SeyeTestAgent *agent;
  char          *host;
  GSubprocess   *busy;
  char          *busy_name;
  char          *busy_pid;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GFile) sh = g_file_new_for_path ("/bin/sh");
  g_autoptr (GFile) copy = NULL;
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autofree char *path = NULL;

  fixture->dir = g_dir_make_tmp ("seye-cli-processes-XXXXXX", &error);
  g_assert_no_error (error);

  /* At most 15 bytes: the kernel's comm. */
  fixture->busy_name = g_strdup_printf ("seyetop-%06u", (guint) getpid () % 1000000);
  path = g_build_filename (fixture->dir, fixture->busy_name, NULL);
  copy = g_file_new_for_path (path);
  g_file_copy (sh, copy, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, 0755), ==, 0);
  /* It ends with the test, however the test ends. */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_set_child_setup (launcher, seye_test_die_with_parent, NULL, NULL);
  fixture->busy = g_subprocess_launcher_spawn (launcher, &error, path, "-c", "while :; do :; done", NULL);
  g_assert_no_error (error);
  fixture->busy_pid = g_strdup (g_subprocess_get_identifier (fixture->busy));

  fixture->agent = seye_test_agent_start ("--no-mdns", "--name", "proc-node", "--interval", "0.5",
                                          "--rate-limit", "0", NULL);
  fixture->host = g_strdup_printf ("127.0.0.1:%u", fixture->agent->port);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr (GError) error = NULL;

  g_subprocess_force_exit (fixture->busy);
  g_subprocess_wait (fixture->busy, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&fixture->busy);
  g_assert_cmpint (seye_test_agent_stop (fixture->agent), ==, 0);
  g_clear_pointer (&fixture->agent, seye_test_agent_free);
  seye_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->host);
  g_free (fixture->busy_name);
  g_free (fixture->busy_pid);
}

/* Each process of a `top_processes` list has every member, of its type. */
static void
assert_process_members (JsonObject *process)
{
  static const char * const numbers[] = {
    "pid", "cpu_percent", "rss_bytes", "threads", "start_time",
  };

  for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
    {
      g_assert_true (json_object_has_member (process, numbers[i]));
      g_assert_cmpint (json_node_get_value_type (json_object_get_member (process, numbers[i])), !=, G_TYPE_STRING);
      g_assert_cmpfloat (json_object_get_double_member (process, numbers[i]), >=, 0);
    }
  g_assert_cmpint (json_object_get_int_member (process, "pid"), >, 0);
  g_assert_nonnull (json_object_get_string_member (process, "name"));
  g_assert_nonnull (json_object_get_string_member (process, "user"));
  g_assert_cmpuint (strlen (json_object_get_string_member (process, "state")), ==, 1);
  g_assert_true (json_object_has_member (process, "read_bytes_per_sec"));
  g_assert_true (json_object_has_member (process, "write_bytes_per_sec"));
  /* Command lines are private unless the agent says otherwise. */
  g_assert_true (json_object_has_member (process, "argv"));
  g_assert_true (json_object_get_null_member (process, "argv"));
}

/* The index of the busy loop in @processes, or -1. */
static int
busy_at (Fixture   *fixture,
         JsonArray *processes)
{
  for (guint i = 0; i < json_array_get_length (processes); i++)
    {
      JsonObject *process = json_array_get_object_element (processes, i);

      if (g_strcmp0 (json_object_get_string_member (process, "name"), fixture->busy_name) == 0)
        {
          g_assert_cmpstr (json_object_get_string_member (process, "state"), ==, "R");
          g_assert_cmpint (json_object_get_int_member (process, "pid"), ==,
                           g_ascii_strtoll (fixture->busy_pid, NULL, 10));
          return (int) i;
        }
    }

  return -1;
}

/* The list of `seye fetch --processes N --json` for the fixture's node. */
static JsonNode *
fetch_json (Fixture    *fixture,
            const char *n,
            const char *sort)
{
  g_autofree char *out = NULL;

  g_assert_cmpint (seye_test_run_cli (&out, NULL, "fetch", "--no-discovery", "--host", fixture->host,
                                      "--processes", n, "--process-sort", sort, "--json", NULL), ==, 0);

  return parse_json (out);
}

/* On a machine others share, processes busier than a spinning shell may be
 * above it: then every one above it must be at least as busy. */
static void
assert_only_busier_above (Fixture *fixture)
{
  g_autoptr (JsonNode) root = fetch_json (fixture, "200", "cpu");
  JsonObject *top = json_object_get_object_member (node_entry (root, "proc-node"), "top_processes");
  JsonArray *processes = json_object_get_array_member (top, "processes");
  int at = busy_at (fixture, processes);
  double busy;

  g_assert_cmpint (at, >=, 0);
  busy = json_object_get_double_member (json_array_get_object_element (processes, at), "cpu_percent");
  g_test_message ("%d processes are busier than %s (%.1f %%)", at, fixture->busy_name, busy);
  for (int i = 0; i < at; i++)
    g_assert_cmpfloat (json_object_get_double_member (json_array_get_object_element (processes, i),
                                                      "cpu_percent"), >=, busy);
}

/* seye fetch --processes ----------------------------------------------------- */

static void
test_fetch_json (Fixture       *fixture,
                 gconstpointer  data)
{
  gboolean found = FALSE;

  for (guint try = 0; try < TRIES && !found; try++)
    {
      g_autoptr (JsonNode) root = fetch_json (fixture, "3", "cpu");
      JsonObject *node = node_entry (root, "proc-node");
      JsonObject *top = json_object_get_object_member (node, "top_processes");
      JsonArray *processes = json_object_get_array_member (top, "processes");
      guint n = json_array_get_length (processes);

      /* The process count keeps its meaning. */
      g_assert_cmpint (json_object_get_int_member (node, "processes"), >, 0);
      g_assert_true (json_object_get_null_member (node, "top_processes_error"));
      g_assert_cmpstr (json_object_get_string_member (top, "sort"), ==, "cpu");
      g_assert_cmpfloat (json_object_get_double_member (top, "interval"), >, 0);
      g_assert_cmpint (json_object_get_int_member (top, "not_readable"), >=, 0);
      g_assert_cmpuint (n, >=, 1);
      g_assert_cmpuint (n, <=, 3);
      g_assert_cmpint (json_object_get_int_member (top, "total"), >=, n);
      for (guint i = 0; i < n; i++)
        {
          assert_process_members (json_array_get_object_element (processes, i));
          if (i > 0)
            g_assert_cmpfloat (json_object_get_double_member (json_array_get_object_element (processes, i - 1),
                                                              "cpu_percent"), >=,
                               json_object_get_double_member (json_array_get_object_element (processes, i),
                                                              "cpu_percent"));
        }
      found = busy_at (fixture, processes) >= 0;
    }

  if (!found)
    assert_only_busier_above (fixture);

  /* By memory: the largest first. */
  {
    g_autoptr (JsonNode) root = fetch_json (fixture, "10", "memory");
    JsonObject *top = json_object_get_object_member (node_entry (root, "proc-node"), "top_processes");
    JsonArray *processes = json_object_get_array_member (top, "processes");

    g_assert_cmpstr (json_object_get_string_member (top, "sort"), ==, "memory");
    g_assert_cmpuint (json_array_get_length (processes), ==, 10);
    for (guint i = 1; i < json_array_get_length (processes); i++)
      g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (processes, i - 1), "rss_bytes"),
                       >=,
                       json_object_get_int_member (json_array_get_object_element (processes, i), "rss_bytes"));
  }
}

/* A node whose agent has no /v1/processes and one that does not answer: null,
 * and why in words. Without --processes the members are not there. */
static void
test_fetch_not_available (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr (SeyeTestAgent) old = seye_test_fake_agent_start ("--node-id", OLD_ID, "--name", "old-node", NULL);
  g_autofree char *old_host = g_strdup_printf ("127.0.0.1:%u", old->port);
  g_autofree char *out = NULL;
  g_autoptr (JsonNode) root = NULL;
  JsonObject *node;

  g_assert_cmpint (seye_test_run_cli (&out, NULL, "fetch", "--no-discovery", "--host", fixture->host,
                                      "--host", old_host, "--host", "127.0.0.1:1", "--processes", "3",
                                      "--json", NULL), ==, 1);
  root = parse_json (out);

  node = node_entry (root, "old-node");
  g_assert_true (json_object_get_boolean_member (node, "reachable"));
  g_assert_true (json_object_get_null_member (node, "top_processes"));
  g_assert_nonnull (strstr (json_object_get_string_member (node, "top_processes_error"), "too old"));

  node = node_entry (root, "127.0.0.1");
  g_assert_false (json_object_get_boolean_member (node, "reachable"));
  g_assert_true (json_object_get_null_member (node, "top_processes"));
  g_assert_cmpstr (json_object_get_string_member (node, "top_processes_error"), ==,
                   json_object_get_string_member (node, "error"));

  node = node_entry (root, "proc-node");
  g_assert_nonnull (json_object_get_object_member (node, "top_processes"));

  /* The text says so too. */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (seye_test_run_cli (&out, NULL, "fetch", "--no-discovery", "--host", old_host,
                                      "--processes", "3", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Top Processes (by CPU): not available — "));
  g_assert_nonnull (strstr (out, "too old"));

  g_clear_pointer (&out, g_free);
  g_assert_cmpint (seye_test_run_cli (&out, NULL, "fetch", "--no-discovery", "--host", fixture->host,
                                      "--json", NULL), ==, 0);
  g_assert_null (strstr (out, "top_processes"));

  seye_test_agent_stop (old);
}

/* The blocks and the table: a title with the totals, the columns, a line a process. */
static void
test_fetch_layouts (Fixture       *fixture,
                    gconstpointer  data)
{
  const char *row = "^ +[0-9]+ +\\S+ +[A-Z] +[0-9]+\\.[0-9] +[0-9.]+ [KMGT]?B +[0-9]+ +"
                    "([0-9.]+ [KMGT]?B/s|–) +([0-9.]+ [KMGT]?B/s|–) +\\S.*$";
  g_autofree char *out = NULL;
  g_autofree char *table = NULL;
  g_auto (GStrv) lines = NULL;
  guint title = 0;

  g_assert_cmpint (seye_test_run_cli (&out, NULL, "fetch", "--no-discovery", "--host", fixture->host,
                                      "--processes", "5", NULL), ==, 0);
  g_assert_null (strchr (out, '\033'));
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "Top Processes (by CPU): "))
      title = i;
  g_assert_cmpuint (title, >, 0);
  g_assert_true (g_regex_match_simple ("^Top Processes \\(by CPU\\): [0-9]+ processes(, [0-9]+ not readable)?$",
                                       lines[title], 0, 0));
  g_assert_true (g_regex_match_simple ("^ +PID +USER +S +CPU%\\* +MEM +THR +READ/s +WRITE/s +NAME$",
                                       lines[title + 1], 0, 0));
  for (guint i = 0; i < 5; i++)
    g_assert_true (g_regex_match_simple (row, lines[title + 2 + i], 0, 0));
  g_assert_cmpstr (lines[title + 7], ==, "");

  /* Under the node's row, indented. */
  g_assert_cmpint (seye_test_run_cli (&table, NULL, "fetch", "--no-discovery", "--host", fixture->host,
                                      "--processes", "4", "--process-sort", "memory", "--table", NULL), ==, 0);
  g_clear_pointer (&lines, g_strfreev);
  lines = g_strsplit (table, "\n", -1);
  g_assert_true (g_str_has_prefix (lines[0], "NAME "));
  g_assert_true (g_str_has_prefix (lines[1], "proc-node "));
  g_assert_true (g_regex_match_simple ("^    Top processes \\(by memory\\): [0-9]+ processes", lines[2], 0, 0));
  g_assert_true (g_regex_match_simple ("^     +PID +USER +S +CPU% +MEM\\* +THR ", lines[3], 0, 0));
  for (guint i = 0; i < 4; i++)
    g_assert_true (g_regex_match_simple (row, lines[4 + i], 0, 0) && g_str_has_prefix (lines[4 + i], "    "));
  g_assert_cmpstr (lines[8], ==, "");

  /* Wrong use. */
  {
    static const char * const bad[][2] = { { "0", "cpu" }, { "201", "cpu" }, { "3", "disk" } };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autofree char *err = NULL;

        g_assert_cmpint (seye_test_run_cli (NULL, &err, "fetch", "-n", "--host", fixture->host, "--processes",
                                            bad[i][0], "--process-sort", bad[i][1], NULL), ==, 2);
        g_assert_true (g_str_has_prefix (err, "seye fetch: --process"));
      }
  }
}

/* seye top -------------------------------------------------------------------- */

/* --once: the node in a line, the columns, the busy loop first. */
static void
test_top_once (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *summary = g_strdup_printf ("^[0-9]{2}:[0-9]{2}:[0-9]{2} proc-node — CPU [0-9]+ %% of [0-9]+ cores? "
                                              "· memory .* — [0-9]+ processes");
  g_autofree char *first = g_strdup_printf ("^ *%s +\\S+ +R +[0-9.]+ .* %s$", fixture->busy_pid, fixture->busy_name);
  gboolean found = FALSE;

  for (guint try = 0; try < TRIES && !found; try++)
    {
      g_autofree char *out = NULL;
      g_auto (GStrv) lines = NULL;

      g_assert_cmpint (seye_test_run_cli (&out, NULL, "top", fixture->host, "--once", "--limit", "5", NULL), ==, 0);
      g_assert_null (strchr (out, '\033'));
      lines = g_strsplit (out, "\n", -1);
      g_assert_cmpuint (g_strv_length (lines), ==, 1 + 1 + 5 + 2);
      g_assert_true (g_regex_match_simple (summary, lines[0], 0, 0));
      g_assert_true (g_regex_match_simple ("^ +PID +USER +S +CPU%\\* +MEM +THR +READ/s +WRITE/s +NAME$",
                                           lines[1], 0, 0));
      found = g_regex_match_simple (first, lines[2], 0, 0);
    }

  if (!found)
    assert_only_busier_above (fixture);

  /* By memory. */
  {
    g_autofree char *out = NULL;

    g_assert_cmpint (seye_test_run_cli (&out, NULL, "top", fixture->host, "--once", "--sort", "memory",
                                        "--limit", "2", NULL), ==, 0);
    g_assert_nonnull (strstr (out, " MEM* "));
  }
}

/* A node that cannot give its processes: one line and 1; no such node: 2. */
static void
test_top_errors (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr (SeyeTestAgent) old = seye_test_fake_agent_start ("--node-id", OLD_ID, "--name", "old-node", NULL);
  g_autofree char *old_host = g_strdup_printf ("127.0.0.1:%u", old->port);
  static const struct { const char *node; int status; const char *says; } cases[] = {
    { NULL, 1, "old-node runs an agent too old to list its processes" },
    { "127.0.0.1:1", 1, "connection refused" },
    { "no-such-node", 2, "no node “no-such-node”: without discovery, give its address" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;

      g_assert_cmpint (seye_test_run_cli (&out, &err, "top", cases[i].node ? cases[i].node : old_host,
                                          "--once", "--no-discovery", NULL), ==, cases[i].status);
      g_assert_cmpstr (out, ==, "");
      g_assert_true (g_str_has_prefix (err, "seye top: "));
      g_assert_nonnull (strstr (err, cases[i].says));
      g_assert_cmpuint (strlen (err), ==, (gsize) (strchr (err, '\n') - err) + 1);
    }

  seye_test_agent_stop (old);
}

/* seye run -------------------------------------------------------------------- */

/* An agent over HTTPS with the token, and actions; the pin and the token a user
 * reads on the node. */
typedef struct
{
  char          *dir;
  char          *token_path;
  char          *pin;
  char          *host;
  SeyeTestAgent *agent;
} RunFixture;

static void
run_fixture_set_up (RunFixture    *fixture,
                    gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *state_dir = NULL;
  g_autofree char *conf = NULL;
  g_autofree char *info = NULL;
  g_autoptr (GSubprocess) pairing_info = NULL;
  g_auto (GStrv) lines = NULL;

  fixture->dir = g_dir_make_tmp ("seye-cli-run-XXXXXX", &error);
  g_assert_no_error (error);
  state_dir = g_build_filename (fixture->dir, "state", NULL);
  conf = g_build_filename (fixture->dir, "agent.conf", NULL);
  g_file_set_contents (conf, "[agent]\nauth=token\ntls=true\n"
                             "[actions]\n"
                             "hello=/usr/bin/printf 'hello there\\\\n\\\\tand \\\\033]0;PWNED\\\\007 done\\\\n'\n"
                             "hello.description=Says hello\n"
                             "fail=/bin/sh -c 'echo failing; exit 3'\n"
                             "fail.description=Always fails\n"
                             "slow=/bin/sleep 10\n"
                             "slow.timeout=1\n",
                       -1, &error);
  g_assert_no_error (error);

  fixture->agent = seye_test_agent_start ("--no-mdns", "--name", "act-node", "--tls", "--config", conf,
                                          "--state-dir", state_dir, NULL);
  fixture->host = g_strdup (fixture->agent->base_uri);
  fixture->token_path = g_build_filename (state_dir, "token", NULL);

  pairing_info = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, g_getenv ("SEYE_AGENT"),
                                   "--pairing-info", "--tls", "--auth=token", "--state-dir", state_dir, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (pairing_info, NULL, NULL, &info, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (info, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "Fingerprint:"))
      fixture->pin = g_strdup (g_strstrip (lines[i] + strlen ("Fingerprint:")));
  g_assert_nonnull (fixture->pin);
}

static void
run_fixture_tear_down (RunFixture    *fixture,
                       gconstpointer  data)
{
  g_assert_cmpint (seye_test_agent_stop (fixture->agent), ==, 0);
  g_clear_pointer (&fixture->agent, seye_test_agent_free);
  seye_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->token_path);
  g_free (fixture->pin);
  g_free (fixture->host);
}

/* `seye run HOST [ACTION] --pin … --token-file … [MORE]`. */
static int
run_cli (RunFixture  *fixture,
         const char  *action,
         const char  *more,
         char       **out,
         char       **err)
{
  if (action == NULL)
    return seye_test_run_cli (out, err, "run", fixture->host, "--pin", fixture->pin, "--token-file",
                              fixture->token_path, NULL);

  return seye_test_run_cli (out, err, "run", fixture->host, action, "--pin", fixture->pin, "--token-file",
                            fixture->token_path, more, NULL);
}

/* What it wrote, sanitised, and how it ended; 0, 1 or 2 as it went. */
static void
test_run (RunFixture    *fixture,
          gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run_cli (fixture, "hello", "--yes", &out, &err), ==, 0);
  g_assert_true (g_regex_match_simple ("^hello there\n        and \\\\x1b]0;PWNED\\\\x07 done\n"
                                       "Finished in [0-9]+\\.[0-9] s\n$", out, 0, 0));
  g_assert_null (strchr (out, '\033'));
  g_assert_cmpstr (err, ==, "");
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (run_cli (fixture, "fail", "--yes", &out, NULL), ==, 1);
  g_assert_true (g_regex_match_simple ("^failing\nFailed with exit status 3 after [0-9.]+ s\n$", out, 0, 0));
  g_clear_pointer (&out, g_free);

  {
    /* What it said, should it not be what is expected (once seen under ASan on a loaded machine). */
    g_autofree char *slow_err = NULL;
    int status = run_cli (fixture, "slow", "--yes", &out, &slow_err);

    g_test_message ("seye run slow: %d, out: %s, err: %s", status, out, slow_err);
    g_assert_cmpint (status, ==, 1);
  }
  g_assert_true (g_regex_match_simple ("^Stopped after [0-9.]+ s: it ran past its timeout\n$", out, 0, 0));
}

/* Without an action: the list, with the descriptions. */
static void
test_run_list (RunFixture    *fixture,
               gconstpointer  data)
{
  g_autofree char *out = NULL;

  g_assert_cmpint (run_cli (fixture, NULL, NULL, &out, NULL), ==, 0);
  g_assert_true (g_regex_match_simple ("^Actions of act-node:\n"
                                       "  hello  Says hello \\(at most 30 s\\)\n"
                                       "  fail   Always fails \\(at most 30 s\\)\n"
                                       "  slow   \\(at most 1 s\\)\n$", out, 0, 0));
}

/* What could not run: 2, and why, with what to do. */
static void
test_run_refused (RunFixture    *fixture,
                  gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  /* No such action: the ones there are. */
  g_assert_cmpint (run_cli (fixture, "nope", "--yes", &out, &err), ==, 2);
  g_assert_cmpstr (out, ==, "");
  g_assert_true (g_str_has_prefix (err, "seye run: act-node has no action “nope”; it has:\n  hello  Says hello"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* No terminal to ask on, and no --yes: not run. */
  g_assert_cmpint (run_cli (fixture, "hello", NULL, &out, &err), ==, 2);
  g_assert_cmpstr (out, ==, "");
  g_assert_cmpstr (err, ==, "seye run: standard input is not a terminal to ask on: give --yes to run “hello” on act-node\n");
  g_clear_pointer (&err, g_free);

  /* Not paired: no pin, no token. */
  g_assert_cmpint (seye_test_run_cli (NULL, &err, "run", fixture->host, "hello", "--yes", NULL), ==, 2);
  g_assert_true (g_str_has_prefix (err, "seye run: "));
  g_assert_nonnull (strstr (err, "it wants a token: give --pin SHA256:… --token-file FILE"));
  g_clear_pointer (&err, g_free);

  /* Not a name an action can have. */
  g_assert_cmpint (seye_test_run_cli (NULL, &err, "run", fixture->host, "../x", "--yes", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "is not an action’s name"));
  g_clear_pointer (&err, g_free);

  /* No node. */
  g_assert_cmpint (seye_test_run_cli (NULL, &err, "run", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "which node?"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/seye/cli/processes/fetch-json", Fixture, NULL, fixture_set_up, test_fetch_json,
              fixture_tear_down);
  g_test_add ("/seye/cli/processes/fetch-not-available", Fixture, NULL, fixture_set_up, test_fetch_not_available,
              fixture_tear_down);
  g_test_add ("/seye/cli/processes/fetch-layouts", Fixture, NULL, fixture_set_up, test_fetch_layouts,
              fixture_tear_down);
  g_test_add ("/seye/cli/processes/top-once", Fixture, NULL, fixture_set_up, test_top_once, fixture_tear_down);
  g_test_add ("/seye/cli/processes/top-errors", Fixture, NULL, fixture_set_up, test_top_errors,
              fixture_tear_down);
  g_test_add ("/seye/cli/run/output", RunFixture, NULL, run_fixture_set_up, test_run, run_fixture_tear_down);
  g_test_add ("/seye/cli/run/list", RunFixture, NULL, run_fixture_set_up, test_run_list, run_fixture_tear_down);
  g_test_add ("/seye/cli/run/refused", RunFixture, NULL, run_fixture_set_up, test_run_refused,
              run_fixture_tear_down);

  return g_test_run ();
}
