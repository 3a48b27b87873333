/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The real `seye` ($SEYE_CLI) against real agents ($SEYE_AGENT) on loopback,
 * given with --host. Discovery over mDNS is in test-cli-mdns.c. */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "seye-json.h"
#include "seye-test-hostile.h"
#include "seye-test-mounts.h"
#include "seye-test-util.h"

#define ID_ALPHA "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"
#define ID_BETA  "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2"

typedef struct
{
  char          *dir;
  SeyeTestAgent *alpha;   /* load 3.00, 7 processes, up 2 hours */
  SeyeTestAgent *beta;    /* load 1.00, 12 processes, up 3 days */
  char          *host_alpha;
  char          *host_beta;
} Fixture;

static void
write_file (const char *dir,
            const char *name,
            const char *contents)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *parent = g_path_get_dirname (path);
  g_autoptr (GError) error = NULL;

  g_mkdir_with_parents (parent, 0755);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

static void
copy_file (const char *root,
           const char *name)
{
  g_autofree char *source = g_build_filename ("/", name, NULL);
  g_autofree char *contents = NULL;

  if (!g_file_get_contents (source, &contents, NULL, NULL))
    contents = g_strdup ("");
  write_file (root, name, contents);
}

/* A root whose /proc is this machine's, but for the load, uptime and process count. */
static char *
make_root (const char *dir,
           const char *name,
           const char *loadavg,
           const char *uptime,
           guint       processes)
{
  static const char * const copied[] = {
    "proc/stat", "proc/meminfo", "proc/diskstats", "proc/cpuinfo", "proc/net/dev",
    "proc/sys/kernel/hostname", "proc/sys/kernel/osrelease", "etc/os-release", "etc/machine-id",
  };
  char *root = g_build_filename (dir, name, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (copied); i++)
    copy_file (root, copied[i]);
  write_file (root, "proc/mounts", "");
  write_file (root, "proc/loadavg", loadavg);
  write_file (root, "proc/uptime", uptime);
  for (guint i = 1; i <= processes; i++)
    {
      g_autofree char *pid = g_strdup_printf ("proc/%u/.keep", i);

      write_file (root, pid, "");
    }

  return root;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *root_alpha = NULL;
  g_autofree char *root_beta = NULL;

  fixture->dir = g_dir_make_tmp ("seye-test-cli-XXXXXX", &error);
  g_assert_no_error (error);

  root_alpha = make_root (fixture->dir, "alpha", "3.00 2.00 1.00 1/40 99\n", "7200.00 100.00\n", 7);
  root_beta = make_root (fixture->dir, "beta", "1.00 1.00 1.00 1/40 99\n", "266400.00 100.00\n", 12);

  fixture->alpha = seye_test_agent_start ("--name", "alpha-node", "--node-id", ID_ALPHA, "--tags", "web,eu-1",
                                          "--interval", "0.5", "--no-mdns", "--root", root_alpha, NULL);
  fixture->beta = seye_test_agent_start ("--name", "beta-node", "--node-id", ID_BETA, "--tags", "db",
                                         "--interval", "0.5", "--no-mdns", "--root", root_beta, NULL);
  fixture->host_alpha = g_strdup_printf ("127.0.0.1:%u", fixture->alpha->port);
  fixture->host_beta = g_strdup_printf ("127.0.0.1:%u", fixture->beta->port);

  /* Both have a first sample. */
  seye_test_agent_wait_log (fixture->alpha, "\x01never", 700);
}

static void
remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);

        remove_tree (child);
      }

  g_remove (path);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  seye_test_agent_stop (fixture->alpha);
  seye_test_agent_stop (fixture->beta);
  g_clear_pointer (&fixture->alpha, seye_test_agent_free);
  g_clear_pointer (&fixture->beta, seye_test_agent_free);
  remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->host_alpha);
  g_free (fixture->host_beta);
}

static void
test_version (void)
{
  g_autofree char *out = NULL;

  g_assert_cmpint (seye_test_run_cli (&out, NULL, "--version", NULL), ==, 0);
  g_assert_cmpstr (out, ==, "seye " PACKAGE_VERSION "\n");
}

static void
test_help (void)
{
  g_autofree char *out = NULL;
  g_autofree char *fetch_help = NULL;
  g_autofree char *observe_help = NULL;

  g_assert_cmpint (seye_test_run_cli (&out, NULL, "--help", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "fetch"));
  g_assert_nonnull (strstr (out, "observe"));
  g_assert_nonnull (strstr (out, "\n  top        Follow one node's processes live"));
  g_assert_nonnull (strstr (out, "\n  run        Run a named action on a paired node"));

  g_assert_cmpint (seye_test_run_cli (&fetch_help, NULL, "fetch", "--help", NULL), ==, 0);
  g_assert_nonnull (strstr (fetch_help, "Exit status:"));
  g_assert_nonnull (strstr (fetch_help, "0  every node answered"));
  g_assert_nonnull (strstr (fetch_help, "1  some nodes did not answer"));
  g_assert_nonnull (strstr (fetch_help, "2  no node was found, or the arguments were wrong"));
  g_assert_nonnull (strstr (fetch_help, "--json"));

  g_assert_cmpint (seye_test_run_cli (&observe_help, NULL, "observe", "--help", NULL), ==, 0);
  g_assert_nonnull (strstr (observe_help, "q quits"));
}

static void
test_blocks (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *expected = NULL;
  const char *beta;

  g_assert_cmpint (seye_test_run_cli (&out, NULL, "fetch", "--no-discovery",
                             "--host", fixture->host_alpha, "--host", fixture->host_beta, NULL), ==, 0);

  /* Not a terminal: no escape sequences. */
  g_assert_null (strchr (out, '\033'));

  expected = g_strdup_printf ("Node: alpha-node (%s)\nTags: web, eu-1\nStatus: Online\nMemory Usage: ",
                              fixture->host_alpha);
  g_assert_true (g_str_has_prefix (out, expected));
  g_assert_true (g_regex_match_simple ("^Memory Usage: [0-9.]+ [KMGT]?B of [0-9.]+ [KMGT]?B \\([0-9]+ %\\)$",
                                       out, G_REGEX_MULTILINE, 0));
  g_assert_true (g_regex_match_simple ("^CPU Load: [0-9]+ % \\([0-9]+ cores?\\)   Load: 3.00 2.00 1.00$",
                                       out, G_REGEX_MULTILINE, 0));
  g_assert_nonnull (strstr (out, "Process Count: 7\nUptime: 2 hours\n"));

  beta = strstr (out, "\n\nNode: beta-node (");
  g_assert_nonnull (beta);
  g_assert_nonnull (strstr (beta, "Load: 1.00 1.00 1.00\nProcess Count: 12\nUptime: 3 days\n"));
}

static void
test_table (Fixture       *fixture,
            gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_auto (GStrv) lines = NULL;
  const char *address_col;

  g_assert_cmpint (seye_test_run_cli (&out, NULL, "fetch", "--no-discovery", "--table",
                             "--host", fixture->host_alpha, "--host", fixture->host_beta, NULL), ==, 0);
  g_assert_null (strchr (out, '\033'));

  lines = g_strsplit (out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 4);   /* header, 2 rows, "" */
  g_assert_true (g_str_has_prefix (lines[0], "NAME "));
  g_assert_true (g_str_has_prefix (lines[1], "alpha-node "));
  g_assert_true (g_str_has_prefix (lines[2], "beta-node "));

  /* Aligned: each row's address starts under the ADDRESS header. */
  address_col = strstr (lines[0], "ADDRESS");
  g_assert_nonnull (address_col);
  g_assert_cmpint (strstr (lines[1], "127.0.0.1") - lines[1], ==, address_col - lines[0]);
  g_assert_cmpint (strstr (lines[2], "127.0.0.1") - lines[2], ==, address_col - lines[0]);
  g_assert_nonnull (strstr (lines[1], "3.00 2.00 1.00"));
  g_assert_nonnull (strstr (lines[2], "3 days"));

  /* No trailing blanks. */
  for (guint i = 0; i < 3; i++)
    g_assert_false (g_str_has_suffix (lines[i], " "));
}

static char *
http_get (const char *uri)
{
  g_autoptr (SoupSession) session = soup_session_new ();
  g_autoptr (SoupMessage) message = soup_message_new ("GET", uri);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = NULL;

  soup_session_set_proxy_resolver (session, NULL);
  bytes = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (message), ==, 200);

  return g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

static SeyeSample *
agent_sample_at (SeyeTestAgent *agent,
                 gint64         time_ms)
{
  g_autofree char *uri = g_strdup_printf ("%s/v1/history?since=%" G_GINT64_FORMAT,
                                          agent->base_uri, time_ms - 1);
  g_autofree char *body = http_get (uri);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) samples = seye_history_samples_from_json (body, -1, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < samples->len; i++)
    {
      SeyeSample *sample = samples->pdata[i];

      if (sample->time_ms == time_ms)
        return seye_sample_ref (sample);
    }

  return NULL;
}

static void
check_json_node (JsonObject    *object,
                 SeyeTestAgent *agent,
                 const char    *name,
                 const char    *node_id,
                 gint64         before_ms)
{
  g_autofree char *uri = g_strdup_printf ("%s/v1/metrics", agent->base_uri);
  g_autofree char *metrics = http_get (uri);
  g_autoptr (SeyeSample) latest = seye_sample_from_json (metrics, -1, NULL);
  g_autoptr (SeyeSample) same = NULL;
  g_autofree char *address = g_strdup_printf ("127.0.0.1:%u", agent->port);
  JsonObject *memory;
  JsonArray *load;
  gint64 time_ms;

  g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, name);
  g_assert_cmpstr (json_object_get_string_member (object, "node_id"), ==, node_id);
  g_assert_cmpstr (json_object_get_string_member (object, "address"), ==, address);
  g_assert_cmpstr (json_object_get_string_member (object, "state"), ==, "online");
  g_assert_true (json_object_get_boolean_member (object, "reachable"));
  g_assert_true (json_object_get_null_member (object, "error"));

  /* The sample seye printed is one the agent took during the run: within an interval. */
  time_ms = json_object_get_int_member (object, "time");
  g_assert_nonnull (latest);
  g_assert_cmpint (time_ms, >=, before_ms - 600);
  g_assert_cmpint (time_ms, <=, latest->time_ms);

  /* And its values are the agent's own for that sample. */
  same = agent_sample_at (agent, time_ms);
  g_assert_nonnull (same);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (object, "cpu_percent"), same->cpu.busy, 0.006);
  memory = json_object_get_object_member (object, "memory");
  g_assert_cmpint (json_object_get_int_member (memory, "total"), ==, (gint64) same->memory.total);
  g_assert_cmpint (json_object_get_int_member (memory, "used"), ==, (gint64) same->memory.used);
  g_assert_cmpint (json_object_get_int_member (memory, "available"), ==, (gint64) same->memory.available);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (memory, "percent"),
                                  seye_sample_get_memory_percent (same), 0.006);
  load = json_object_get_array_member (object, "load");
  g_assert_cmpuint (json_array_get_length (load), ==, 3);
  g_assert_cmpfloat_with_epsilon (json_array_get_double_element (load, 0), same->load[0], 0.006);
  g_assert_cmpint (json_object_get_int_member (object, "processes"), ==, same->procs_total);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (object, "uptime"), same->uptime, 0.006);
  g_assert_cmpint (json_object_get_int_member (object, "cores"), >=, 1);
}

static void
test_json (Fixture       *fixture,
           gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  gint64 before_ms = g_get_real_time () / 1000;
  JsonArray *array;

  g_assert_cmpint (seye_test_run_cli (&out, NULL, "fetch", "--no-discovery", "--json",
                             "--host", fixture->host_beta, "--host", fixture->host_alpha, NULL), ==, 0);

  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)));
  array = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (array), ==, 2);

  /* Sorted by name by default. */
  check_json_node (json_array_get_object_element (array, 0), fixture->alpha, "alpha-node", ID_ALPHA, before_ms);
  check_json_node (json_array_get_object_element (array, 1), fixture->beta, "beta-node", ID_BETA, before_ms);
}

static void
test_unreachable (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *table = NULL;
  g_autofree char *json = NULL;
  g_autofree char *lines = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  JsonArray *array;
  JsonObject *dead = NULL;

  g_assert_cmpint (seye_test_run_cli (&out, NULL, "fetch", "--no-discovery",
                             "--host", fixture->host_alpha, "--host", "127.0.0.1:1", NULL), ==, 1);
  g_assert_nonnull (strstr (out, "Node: alpha-node"));
  g_assert_nonnull (strstr (out, "Node: 127.0.0.1 (127.0.0.1:1)\nStatus: Offline — connection refused"));

  g_assert_cmpint (seye_test_run_cli (&table, NULL, "fetch", "--no-discovery", "--table",
                             "--host", fixture->host_alpha, "--host", "127.0.0.1:1", NULL), ==, 1);
  g_assert_nonnull (strstr (table, "ERROR"));
  g_assert_true (g_regex_match_simple ("^127\\.0\\.0\\.1 +127\\.0\\.0\\.1:1 +Offline .*connection refused",
                                       table, G_REGEX_MULTILINE, 0));

  g_assert_cmpint (seye_test_run_cli (&json, NULL, "fetch", "--no-discovery", "--json",
                             "--host", fixture->host_alpha, "--host", "127.0.0.1:1", NULL), ==, 1);
  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  array = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  for (guint i = 0; i < 2; i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (array, i), "address"),
                     "127.0.0.1:1"))
      dead = json_array_get_object_element (array, i);
  g_assert_nonnull (dead);
  g_assert_false (json_object_get_boolean_member (dead, "reachable"));
  g_assert_cmpstr (json_object_get_string_member (dead, "state"), ==, "offline");
  g_assert_nonnull (strstr (json_object_get_string_member (dead, "error"), "refused"));
  g_assert_true (json_object_get_null_member (dead, "cpu_percent"));
}

static void
test_exit_usage (Fixture       *fixture,
                 gconstpointer  data)
{
  static const char * const bad[][4] = {
    { "fetch", "--sort", "bogus", NULL },
    { "fetch", "--host", "not a host", NULL },
    { "fetch", "--host", "x:99999", NULL },
    { "fetch", "--bogus", NULL, NULL },
    { "fetch", "extra", NULL, NULL },
    { "fetch", "--table", "--json", NULL },
    { "fetch", "--discovery-time", "-1", NULL },
    { "frobnicate", NULL, NULL, NULL },
    { "observe", "--interval", "0", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *err = NULL;
      g_autofree char *out = NULL;

      g_assert_cmpint (seye_test_run_cli (&out, &err, bad[i][0], bad[i][1], bad[i][2], bad[i][3], NULL), ==, 2);
      g_assert_cmpstr (out, ==, "");
      g_assert_cmpstr (err, !=, "");
    }

  /* Nothing to fetch, or nothing matches. */
  {
    g_autofree char *err = NULL;
    g_autofree char *out = NULL;

    g_assert_cmpint (seye_test_run_cli (&out, &err, "fetch", "--no-discovery", NULL), ==, 2);
    g_assert_nonnull (strstr (err, "--host"));
    g_clear_pointer (&err, g_free);
    g_clear_pointer (&out, g_free);
    g_assert_cmpint (seye_test_run_cli (&out, &err, "fetch", "--no-discovery", "--host", fixture->host_alpha,
                               "--filter", "no-such-node", "--json", NULL), ==, 2);
    g_assert_cmpstr (out, ==, "[]\n");
    g_assert_nonnull (strstr (err, "no-such-node"));
  }
}

static void
test_filter (Fixture       *fixture,
             gconstpointer  data)
{
  static const char *modes[] = { "--no-discovery", "--table", "--json" };

  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_autofree char *out = NULL;

      g_assert_cmpint (seye_test_run_cli (&out, NULL, "fetch", "--no-discovery", modes[i], "--filter", "BETA",
                                 "--host", fixture->host_alpha, "--host", fixture->host_beta, NULL), ==, 0);
      g_assert_nonnull (strstr (out, "beta-node"));
      g_assert_null (strstr (out, "alpha-node"));
    }

  /* By tag, as each agent's --tags says: exactly that tag, in every mode. */
  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_autofree char *out = NULL;

      g_assert_cmpint (seye_test_run_cli (&out, NULL, "fetch", "--no-discovery", modes[i], "--filter", "tag:web",
                                          "--host", fixture->host_alpha, "--host", fixture->host_beta, NULL),
                       ==, 0);
      g_assert_nonnull (strstr (out, "alpha-node"));
      g_assert_null (strstr (out, "beta-node"));
      if (g_str_equal (modes[i], "--json"))
        g_assert_nonnull (strstr (out, "\"tags\": [\"web\",\"eu-1\"]"));
      else if (g_str_equal (modes[i], "--no-discovery"))
        g_assert_nonnull (strstr (out, "Tags: web, eu-1\n"));
    }

  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (seye_test_run_cli (&out, &err, "fetch", "--no-discovery", "--filter", "tag:eu",
                                        "--host", fixture->host_alpha, "--host", fixture->host_beta, NULL),
                     ==, 2);
    g_assert_nonnull (strstr (err, "tag:eu"));
    g_clear_pointer (&out, g_free);
    g_assert_cmpint (seye_test_run_cli (&out, NULL, "fetch", "--no-discovery", "--json", "--filter", "db beta",
                                        "--host", fixture->host_alpha, "--host", fixture->host_beta, NULL),
                     ==, 0);
    g_assert_nonnull (strstr (out, "\"tags\": [\"db\"]"));
    g_assert_null (strstr (out, "alpha-node"));
  }
}

static void
check_order (Fixture    *fixture,
             const char *mode,
             const char *sort,
             const char *first,
             const char *second)
{
  g_autofree char *out = NULL;
  const char *a, *b;

  g_assert_cmpint (seye_test_run_cli (&out, NULL, "fetch", "--no-discovery", mode, "--sort", sort,
                             "--host", fixture->host_alpha, "--host", fixture->host_beta, NULL), ==, 0);
  a = strstr (out, first);
  b = strstr (out, second);
  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_true (a < b);
}

static void
test_sort (Fixture       *fixture,
           gconstpointer  data)
{
  static const char *modes[] = { "--no-discovery", "--table", "--json" };

  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      check_order (fixture, modes[i], "name", "alpha-node", "beta-node");
      check_order (fixture, modes[i], "processes", "beta-node", "alpha-node");
      check_order (fixture, modes[i], "uptime", "beta-node", "alpha-node");
      check_order (fixture, modes[i], "load", "alpha-node", "beta-node");
    }

  /* Memory and CPU are this machine's for both: the command accepts them. */
  check_order (fixture, "--table", "memory", "NAME", "-node");
  check_order (fixture, "--table", "cpu", "NAME", "-node");
}

/* An agent that wants a token over HTTPS: "needs pairing" with the certificate to
 * compare, data with --pin and --token-file, nothing with another pin. */
static void
test_pairing (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("seye-test-cli-pair-XXXXXX", &error);
  g_autofree char *token_path = g_build_filename (dir, "token", NULL);
  g_autofree char *host = NULL;
  g_autofree char *info = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *other_pin = g_strconcat ("SHA256", NULL);
  g_autoptr (SeyeTestAgent) agent = NULL;
  g_autoptr (GSubprocess) pairing_info = NULL;
  g_auto (GStrv) lines = NULL;

  g_assert_no_error (error);
  agent = seye_test_agent_start ("--tls", "--auth=token", "--state-dir", dir, "--name", "paired-node",
                                 "--no-mdns", "--interval", "0.5", NULL);
  host = g_strdup_printf ("https://127.0.0.1:%u", agent->port);

  /* What the user reads on the node. */
  pairing_info = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, g_getenv ("SEYE_AGENT"),
                                   "--pairing-info", "--tls", "--auth=token", "--state-dir", dir, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (pairing_info, NULL, NULL, &info, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (info, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "Fingerprint:"))
      fingerprint = g_strdup (g_strstrip (lines[i] + strlen ("Fingerprint:")));
  g_assert_nonnull (fingerprint);
  for (guint i = 0; i < 32; i++)
    {
      g_autofree char *pin = other_pin;

      other_pin = g_strconcat (pin, ":00", NULL);
    }

  /* Without a pin: it says what to do, and which certificate it saw. */
  {
    g_autofree char *out = NULL;

    g_assert_cmpint (seye_test_run_cli (&out, NULL, "fetch", "--no-discovery", "--host", host, NULL), ==, 1);
    g_test_message ("%s", out);
    g_assert_nonnull (strstr (out, "Needs pairing"));
    g_assert_nonnull (strstr (out, "--pin"));
    g_assert_nonnull (strstr (out, fingerprint));
    g_assert_null (strstr (out, "Memory Usage"));
  }

  /* The pin and the token: its data. */
  {
    g_autofree char *out = NULL;

    g_assert_cmpint (seye_test_run_cli (&out, NULL, "fetch", "--no-discovery", "--host", host,
                                        "--pin", fingerprint, "--token-file", token_path, NULL), ==, 0);
    g_assert_nonnull (strstr (out, "paired-node"));
    g_assert_nonnull (strstr (out, "Memory Usage"));
  }

  /* Another pin: the token is not sent, and it says why. */
  {
    g_autofree char *out = NULL;

    g_assert_cmpint (seye_test_run_cli (&out, NULL, "fetch", "--no-discovery", "--host", host,
                                        "--pin", other_pin, "--token-file", token_path, "--json", NULL), ==, 1);
    g_assert_nonnull (strstr (out, "\"untrusted\""));
    g_assert_nonnull (strstr (out, "--pin"));
  }

  /* Wrong use: a pin without a token, a token without a pin, a pin for plain HTTP. */
  {
    g_autofree char *http = g_strdup_printf ("127.0.0.1:%u", agent->port);
    g_autofree char *err = NULL;

    g_assert_cmpint (seye_test_run_cli (NULL, &err, "fetch", "-n", "--host", host, "--pin", fingerprint, NULL), ==, 2);
    g_assert_nonnull (strstr (err, "--token-file"));
    g_clear_pointer (&err, g_free);
    g_assert_cmpint (seye_test_run_cli (NULL, &err, "fetch", "-n", "--host", host, "--pin", "SHA256:12",
                                        "--token-file", token_path, NULL), ==, 2);
    g_assert_nonnull (strstr (err, "fingerprint"));
    g_clear_pointer (&err, g_free);
    g_assert_cmpint (seye_test_run_cli (NULL, &err, "fetch", "-n", "--host", http, "--pin", fingerprint,
                                        "--token-file", token_path, NULL), ==, 2);
    g_assert_nonnull (strstr (err, "https://"));
  }

  seye_test_agent_stop (agent);
  {
    const char *rm[] = { "rm", "-rf", dir, NULL };

    g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  }
}


/* Every class of character in /v1/node: shown (fetch blocks and table, observe
 * lines) through the sanitiser, and exact in --json. */
static void
test_hostile_node (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr (SeyeTestHostileAgent) hostile = seye_test_hostile_agent_start (fixture->alpha->base_uri, NULL);
  g_autofree char *host = g_strdup_printf ("127.0.0.1:%u", seye_test_hostile_agent_get_port (hostile));
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *blocks = NULL;
  g_autofree char *table = NULL;
  g_autofree char *json = NULL;
  g_autofree char *lines = NULL;
  JsonObject *object;

  g_assert_cmpint (seye_test_run_cli (&blocks, NULL, "fetch", "--no-discovery", "--host", host, NULL), ==, 0);
  g_assert_cmpint (seye_test_run_cli (&table, NULL, "fetch", "--table", "--no-discovery", "--host", host, NULL), ==, 0);
  g_assert_cmpint (seye_test_run_cli (&json, NULL, "fetch", "--json", "--no-discovery", "--host", host, NULL), ==, 0);
  g_assert_cmpint (seye_test_run_cli (&lines, NULL, "observe", "--no-discovery", "--interval", "0.5",
                                      "--count", "2", "--host", host, NULL), ==, 0);

  seye_test_assert_shown_safely ("fetch", blocks);
  seye_test_assert_shown_safely ("fetch --table", table);
  seye_test_assert_shown_safely ("fetch --json", json);
  seye_test_assert_shown_safely ("observe (lines)", lines);

  g_assert_nonnull (strstr (blocks, "Node: hostile " SEYE_TEST_HOSTILE_ALL_SHOWN " ("));
  g_assert_nonnull (strstr (table, SEYE_TEST_HOSTILE_NAME_SHOWN "  "));
  g_assert_nonnull (strstr (lines, " hostile " SEYE_TEST_HOSTILE_ALL_SHOWN " ("));

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  object = json_array_get_object_element (json_node_get_array (json_parser_get_root (parser)), 0);
  g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, SEYE_TEST_HOSTILE_NAME);
  g_assert_cmpstr (json_object_get_string_member (object, "hostname"), ==, SEYE_TEST_HOSTILE_ALL);
  g_assert_cmpstr (json_object_get_string_member (object, "os"), ==, SEYE_TEST_HOSTILE_ALL);
  g_assert_cmpstr (json_object_get_string_member (object, "kernel"), ==, SEYE_TEST_HOSTILE_ALL);
  g_assert_cmpstr (json_object_get_string_member (object, "arch"), ==, SEYE_TEST_HOSTILE_ALL);
  g_assert_cmpstr (json_object_get_string_member (object, "agent_version"), ==, SEYE_TEST_HOSTILE_ALL);
}

/* An error that quotes the node (its HTTP reason phrase) is shown sanitised too. */
static void
test_hostile_error (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr (SeyeTestHostileAgent) hostile = seye_test_hostile_agent_start (fixture->alpha->base_uri, SEYE_TEST_HOSTILE_ALL);
  g_autofree char *host = g_strdup_printf ("127.0.0.1:%u", seye_test_hostile_agent_get_port (hostile));
  g_autofree char *blocks = NULL;
  g_autofree char *table = NULL;
  g_autofree char *lines = NULL;

  seye_test_run_cli (&blocks, NULL, "fetch", "--no-discovery", "--timeout", "2", "--host", host, NULL);
  seye_test_run_cli (&table, NULL, "fetch", "--table", "--no-discovery", "--timeout", "2", "--host", host, NULL);
  seye_test_run_cli (&lines, NULL, "observe", "--no-discovery", "--interval", "0.5", "--count", "1",
                     "--host", host, NULL);

  seye_test_assert_shown_safely ("fetch", blocks);
  seye_test_assert_shown_safely ("fetch --table", table);
  seye_test_assert_shown_safely ("observe (lines)", lines);
  g_assert_nonnull (strstr (blocks, "HTTP 503"));
  g_assert_nonnull (strstr (blocks, "PWNED"));
  g_assert_nonnull (strstr (table, "PWNED"));
  g_assert_nonnull (strstr (lines, "PWNED"));
}

/* An agent that says who it is but never sends a sample is not "Online". */
static void
test_dripping (void)
{
  g_autoptr (SeyeTestAgent) fake = seye_test_fake_agent_start ("--node-id", "d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4",
                                                               "--name", "drip-fetch", "--drip", NULL);
  g_autofree char *host = g_strdup_printf ("127.0.0.1:%u", fake->port);
  g_autofree char *out = NULL;
  g_autofree char *json = NULL;

  g_assert_cmpint (seye_test_run_cli (&out, NULL, "fetch", "--no-discovery", "--host", host, NULL), ==, 1);
  g_assert_true (seye_test_agent_wait_log (fake, "request /v1/node", 5000));
  g_assert_nonnull (strstr (out, "drip-fetch"));
  g_assert_null (strstr (out, "Online"));
  g_assert_nonnull (strstr (out, "Not responding"));

  g_assert_cmpint (seye_test_run_cli (&json, NULL, "fetch", "--no-discovery", "--json", "--host", host, NULL), ==, 1);
  g_assert_nonnull (strstr (json, "\"not-responding\""));
  g_assert_null (strstr (json, "\"online\""));
}

/* A machine in trouble: every layout says its state, and why it alerts beside it. */
static void
test_alert_reasons (void)
{
  g_autoptr (SeyeTestHotRoot) hot = seye_test_hot_root_new ();
  g_autoptr (SeyeTestAgent) agent = NULL;
  g_autofree char *host = NULL;
  g_autofree char *blocks = NULL;
  g_autofree char *table = NULL;
  g_autofree char *lines = NULL;
  g_autofree char *json = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  JsonObject *node;
  JsonArray *alerts;

  if (hot == NULL)
    return;   /* skipped loudly: nothing can be mounted here */

  agent = seye_test_agent_start ("--name", "hot-node", "--interval", "0.5", "--no-mdns",
                                 "--root", hot->root, NULL);
  host = g_strdup_printf ("127.0.0.1:%u", agent->port);
  seye_test_agent_wait_log (agent, "\x01never", 700);

  g_assert_cmpint (seye_test_run_cli (&blocks, NULL, "fetch", "--no-discovery", "--host", host, NULL), ==, 0);
  g_assert_nonnull (strstr (blocks, "\nStatus: Online · Disk /data 97 % · 1 more\n"));

  g_assert_cmpint (seye_test_run_cli (&table, NULL, "fetch", "--no-discovery", "--table", "--host", host, NULL), ==, 0);
  g_assert_nonnull (strstr (table, "Online · Disk /data 97 % · 1 more"));

  g_assert_cmpint (seye_test_run_cli (&json, NULL, "fetch", "--no-discovery", "--json", "--host", host, NULL), ==, 0);
  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
  node = json_array_get_object_element (json_node_get_array (json_parser_get_root (parser)), 0);
  g_assert_cmpstr (json_object_get_string_member (node, "state"), ==, "online");
  g_assert_cmpstr (json_object_get_string_member (node, "status"), ==, "Online · Disk /data 97 % · 1 more");
  alerts = json_object_get_array_member (node, "alerts");
  g_assert_cmpuint (json_array_get_length (alerts), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (alerts, 0), "rule"), ==, "memory");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (alerts, 0), "reason"), ==, "Memory 96 %");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (alerts, 1), "rule"), ==, "filesystem");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (alerts, 1), "reason"), ==, "Disk /data 97 %");
  g_assert_false (json_object_get_boolean_member (json_array_get_object_element (alerts, 1), "acknowledged"));

  g_assert_cmpint (seye_test_run_cli (&lines, NULL, "observe", "--no-discovery", "--interval", "0.5",
                                      "--count", "3", "--host", host, NULL), ==, 0);
  g_assert_nonnull (strstr (lines, "Online · Disk /data 97 % · 1 more"));
}

int
main (int    argc,
      char **argv)
{
  seye_test_mounts_init ();
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/seye/cli/version", test_version);
  g_test_add_func ("/seye/cli/help", test_help);
  g_test_add_func ("/seye/cli/fetch/alert-reasons", test_alert_reasons);
  g_test_add ("/seye/cli/fetch/blocks", Fixture, NULL, fixture_setup, test_blocks, fixture_teardown);
  g_test_add ("/seye/cli/fetch/table", Fixture, NULL, fixture_setup, test_table, fixture_teardown);
  g_test_add ("/seye/cli/fetch/json", Fixture, NULL, fixture_setup, test_json, fixture_teardown);
  g_test_add ("/seye/cli/fetch/unreachable", Fixture, NULL, fixture_setup, test_unreachable, fixture_teardown);
  g_test_add ("/seye/cli/fetch/exit-usage", Fixture, NULL, fixture_setup, test_exit_usage, fixture_teardown);
  g_test_add ("/seye/cli/fetch/filter", Fixture, NULL, fixture_setup, test_filter, fixture_teardown);
  g_test_add ("/seye/cli/fetch/sort", Fixture, NULL, fixture_setup, test_sort, fixture_teardown);
  g_test_add_func ("/seye/cli/fetch/pairing", test_pairing);
  g_test_add ("/seye/cli/fetch/hostile-node", Fixture, NULL, fixture_setup, test_hostile_node, fixture_teardown);
  g_test_add ("/seye/cli/fetch/hostile-error", Fixture, NULL, fixture_setup, test_hostile_error, fixture_teardown);
  g_test_add_func ("/seye/cli/fetch/dripping", test_dripping);

  return g_test_run ();
}
