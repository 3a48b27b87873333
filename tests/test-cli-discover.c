/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `seye discover` without Prometheus: the one-shot output over a real
 * avahi-daemon (an agent's labels, hostile names sanitised), --host targets,
 * wrong arguments, and --watch over the files it meets and while avahi-daemon
 * is away. */
#include "config.h"

#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "seye-test-hostile.h"
#include "seye-test-util.h"

/* The file_sd groups of @json whose node label starts with @prefix; every label
 * name of the whole file valid, every value text. */
/* The labels of the file_sd groups of @json whose node label starts with @prefix. */
static GPtrArray *
groups_of (JsonParser *parser,
           const char *json,
           const char *prefix)
{
  JsonArray *array = seye_test_parse_file_sd (parser, json);
  GPtrArray *groups = g_ptr_array_new ();

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *labels = json_object_get_object_member (json_array_get_object_element (array, i), "labels");

      if (g_str_has_prefix (json_object_get_string_member (labels, "node"), prefix))
        g_ptr_array_add (groups, labels);
    }

  return groups;
}

static JsonObject *
find_group (GPtrArray  *groups,
            const char *node)
{
  for (guint i = 0; i < groups->len; i++)
    if (g_strcmp0 (json_object_get_string_member (groups->pdata[i], "node"), node) == 0)
      return groups->pdata[i];

  return NULL;
}

/* A real agent and services announced with hostile names (as avahi-publish lets
 * anyone on the LAN do): one target each, names sanitised in the file and the
 * table, labels as the agent announced them. */
static void
test_once (void)
{
  g_autofree char *prefix = g_strdup_printf ("seye-sd1-%d", (int) getpid ());
  g_autofree char *name_a = g_strconcat (prefix, "-a", NULL);
  g_autofree char *id_a = seye_test_node_id (21);
  g_autofree char *json = NULL;
  g_autofree char *table = NULL;
  g_autofree char *address_a = NULL;
  g_autoptr (SeyeTestAgent) a = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GPtrArray) groups = NULL;
  g_autoptr (GError) error = NULL;
  GSubprocess *publishers[G_N_ELEMENTS (seye_test_hostile)] = { NULL };
  const guint n = G_N_ELEMENTS (seye_test_hostile);
  JsonObject *labels;

  if (!seye_test_require_avahi ())
    return;

  a = seye_test_agent_start ("--name", name_a, "--node-id", id_a, "--tags", "web,eu-1", NULL);
  address_a = g_strdup_printf ("127.0.0.1:%u", a->port);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                                                            G_SUBPROCESS_FLAGS_STDERR_SILENCE);
      g_autofree char *node_id = seye_test_node_id (30 + i);
      g_autofree char *id = g_strconcat ("id=", node_id, NULL);
      g_autofree char *name = g_strdup_printf ("%s-%s %s", prefix, seye_test_hostile[i].kind,
                                               seye_test_hostile[i].raw);

      g_subprocess_launcher_set_child_setup (launcher, seye_test_die_with_parent, NULL, NULL);
      publishers[i] = g_subprocess_launcher_spawn (launcher, &error, "avahi-publish", "-s", name,
                                                   "_sorcerers-eye._tcp", "9", "txtvers=1", "api=1", id,
                                                   "version=9.9", "tags=ok", NULL);
      g_assert_no_error (error);
    }

  /* Until every one is announced (probing takes about a second; a loaded machine more). */
  for (guint attempt = 0; attempt < 20; attempt++)
    {
      g_clear_pointer (&json, g_free);
      g_clear_pointer (&groups, g_ptr_array_unref);
      seye_test_run_cli (&json, NULL, "discover", "--format", "prometheus", "--discovery-time", "3", NULL);
      groups = groups_of (parser, json, prefix);
      if (groups->len == n + 1)
        break;
      seye_test_spin (500);
    }
  g_test_message ("%s", json);
  g_assert_cmpuint (groups->len, ==, n + 1);
  seye_test_assert_shown_safely ("discover --format prometheus", json);

  labels = find_group (groups, name_a);
  g_assert_nonnull (labels);
  g_assert_cmpstr (json_object_get_string_member (labels, "node_id"), ==, id_a);
  g_assert_cmpstr (json_object_get_string_member (labels, "agent_version"), ==, PACKAGE_VERSION);
  g_assert_cmpstr (json_object_get_string_member (labels, "tags"), ==, ",web,eu-1,");
  g_assert_cmpstr (json_object_get_string_member (labels, "scheme"), ==, "http");
  g_assert_cmpstr (json_object_get_string_member (labels, "__scheme__"), ==, "http");
  g_assert_cmpstr (json_object_get_string_member (labels, "__metrics_path__"), ==, "/metrics");
  g_assert_nonnull (strstr (json, address_a));

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *shown = g_strdup_printf ("%s-%s %s", prefix, seye_test_hostile[i].kind,
                                                seye_test_hostile[i].shown);

      labels = find_group (groups, shown);
      g_assert_nonnull (labels);
      g_assert_cmpstr (json_object_get_string_member (labels, "agent_version"), ==, "9.9");
      g_assert_cmpstr (json_object_get_string_member (labels, "tags"), ==, ",ok,");
    }

  /* The table: one row each, sanitised. */
  g_assert_cmpint (seye_test_run_cli (&table, NULL, "discover", "--discovery-time", "3", NULL), ==, 0);
  seye_test_assert_shown_safely ("discover", table);
  g_assert_nonnull (strstr (table, "NAME"));
  g_assert_nonnull (strstr (table, name_a));
  g_assert_nonnull (strstr (table, "web,eu-1"));
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *shown = g_strdup_printf ("%s-%s %s", prefix, seye_test_hostile[i].kind,
                                                seye_test_hostile[i].shown);

      g_assert_nonnull (strstr (table, shown));
      g_subprocess_force_exit (publishers[i]);
      g_subprocess_wait (publishers[i], NULL, NULL);
      g_object_unref (publishers[i]);
    }
}

/* Targets by hand: labels from what the node says of itself (/v1/node), even a
 * hostile one, sanitised; --output writes what standard output would get. */
static void
test_hosts (void)
{
  g_autofree char *id = seye_test_node_id (40);
  g_autoptr (SeyeTestAgent) agent = seye_test_agent_start ("--no-mdns", "--name", "by-hand", "--node-id", id,
                                                           "--tags", "db", NULL);
  g_autoptr (SeyeTestHostileAgent) hostile = seye_test_hostile_agent_start (agent->base_uri, NULL);
  g_autofree char *host = g_strdup_printf ("127.0.0.1:%u", agent->port);
  g_autofree char *hostile_host = g_strdup_printf ("127.0.0.1:%u", seye_test_hostile_agent_get_port (hostile));
  g_autofree char *dir = g_dir_make_tmp ("seye-discover-XXXXXX", NULL);
  g_autofree char *file = g_build_filename (dir, "targets.json", NULL);
  g_autofree char *json = NULL;
  g_autofree char *written = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GPtrArray) groups = NULL;
  JsonObject *labels;

  g_assert_cmpint (seye_test_run_cli (&json, NULL, "discover", "--format", "prometheus", "--no-discovery",
                                      "--host", host, "--host", hostile_host, NULL), ==, 0);
  g_test_message ("%s", json);
  seye_test_assert_shown_safely ("discover --host", json);
  groups = groups_of (parser, json, "");
  g_assert_cmpuint (groups->len, ==, 2);

  labels = find_group (groups, "by-hand");
  g_assert_nonnull (labels);
  g_assert_cmpstr (json_object_get_string_member (labels, "node_id"), ==, id);
  g_assert_cmpstr (json_object_get_string_member (labels, "tags"), ==, ",db,");
  g_assert_nonnull (strstr (json, host));
  g_assert_nonnull (find_group (groups, SEYE_TEST_HOSTILE_NAME_SHOWN));

  g_assert_cmpint (seye_test_run_cli (NULL, NULL, "discover", "--format", "prometheus", "--no-discovery",
                                      "--host", host, "--host", hostile_host, "--output", file, NULL), ==, 0);
  g_assert_true (g_file_get_contents (file, &written, NULL, NULL));
  g_assert_cmpstr (written, ==, json);

  seye_test_remove_tree (dir);
}

static void
test_usage (void)
{
  const char *wrong[][8] = {
    { "discover", "--format", "yaml", NULL },
    { "discover", "--watch", "--format", "prometheus", NULL },
    { "discover", "--output", "x.json", NULL },
    { "discover", "--grace", "5", NULL },
    { "discover", "--format", "prometheus", "--watch", "--output", "x.json", "--grace", "-1" },
    { "discover", "--no-discovery", NULL },
    { "discover", "extra", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (wrong); i++)
    {
      g_autofree char *err = NULL;

      g_assert_cmpint (seye_test_run_cliv (NULL, &err, wrong[i]), ==, 2);
      g_test_message ("%s", err);
      g_assert_true (g_str_has_prefix (err, "seye discover: "));
    }
}

typedef struct
{
  const char *path;
  const char *needle;
} Said;

static gboolean
said_cb (gpointer data)
{
  Said *said = data;

  return seye_test_file_contains (said->path, said->needle);
}

/* --watch over the file of a previous run keeps its targets (a restart does not
 * empty it); a file that holds something else is refused and left alone; a file
 * that cannot be written is said so, and the command keeps running. */
static void
test_watch_file (void)
{
  g_autofree char *id = seye_test_node_id (41);
  g_autoptr (SeyeTestAgent) agent = seye_test_agent_start ("--no-mdns", "--name", "watched", "--node-id", id, NULL);
  g_autofree char *host = g_strdup_printf ("127.0.0.1:%u", agent->port);
  g_autofree char *dir = g_dir_make_tmp ("seye-discover-XXXXXX", NULL);
  g_autofree char *file = g_build_filename (dir, "targets.json", NULL);
  g_autofree char *log = g_build_filename (dir, "discover.log", NULL);
  g_autofree char *missing = g_build_filename (dir, "no-such-dir", "targets.json", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *err = NULL;
  const char *previous = "[\n  {\"targets\": [\"127.0.0.1:9\"], \"labels\": {\"node\": \"old-node\"}}\n]\n";
  const char *yaml = "scrape_configs:\n  - job_name: seye\n";
  const char *argv[] = { g_getenv ("SEYE_CLI"), "discover", "--format", "prometheus", "--watch", "--no-discovery",
                         "--host", host, "--output", file, NULL };
  Said wrote = { log, "wrote " };
  GSubprocess *watch;

  /* Another file: refused, untouched. */
  g_assert_true (g_file_set_contents (file, yaml, -1, NULL));
  g_assert_cmpint (seye_test_run_cli (NULL, &err, "discover", "--format", "prometheus", "--watch",
                                      "--no-discovery", "--host", host, "--output", file, NULL), ==, 2);
  g_test_message ("%s", err);
  g_assert_nonnull (strstr (err, "holds something else than Prometheus file_sd targets"));
  g_assert_true (g_file_get_contents (file, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, yaml);

  /* A previous run's file: its target stays beside the new one. */
  g_assert_true (g_file_set_contents (file, previous, -1, NULL));
  watch = seye_test_process_spawn (log, argv);
  g_assert_true (seye_test_poll_until (said_cb, &wrote, 30000));
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (file, &contents, NULL, NULL));
  g_test_message ("%s", contents);
  g_assert_nonnull (strstr (contents, "\"old-node\""));
  g_assert_nonnull (strstr (contents, "\"watched\""));
  seye_test_process_stop (&watch);

  /* Not writable: said, in words, and still running until stopped. */
  argv[9] = missing;
  wrote.needle = "cannot write";
  watch = seye_test_process_spawn (log, argv);
  g_assert_true (seye_test_poll_until (said_cb, &wrote, 30000));
  g_subprocess_send_signal (watch, SIGTERM);
  g_subprocess_wait (watch, NULL, NULL);
  g_assert_cmpint (g_subprocess_get_exit_status (watch), ==, 0);
  g_object_unref (watch);

  seye_test_remove_tree (dir);
}

/* avahi-daemon goes away and comes back: the file keeps its targets meanwhile,
 * even past the grace time, says so, and discovery starts again by itself. */
static void
test_avahi_away (void)
{
  g_autofree char *name = g_strdup_printf ("seye-sd2-%d", (int) getpid ());
  g_autofree char *id = seye_test_node_id (50);
  g_autofree char *dir = NULL;
  g_autofree char *file = NULL;
  g_autofree char *log = NULL;
  g_autofree char *found = NULL;
  g_autofree char *back = NULL;
  g_autofree char *left = NULL;
  g_autoptr (SeyeTestAgent) agent = NULL;
  g_autoptr (GError) error = NULL;
  GSubprocess *watch = NULL;
  Said said = { NULL, NULL };

  if (!seye_test_require_avahi ())
    return;

  if (!seye_test_require_own_avahi ())
    return;

  dir = g_dir_make_tmp ("seye-discover-XXXXXX", &error);
  g_assert_no_error (error);
  file = g_build_filename (dir, "targets.json", NULL);
  log = g_build_filename (dir, "discover.log", NULL);
  agent = seye_test_agent_start ("--name", name, "--node-id", id, NULL);
  found = g_strdup_printf ("found %s at 127.0.0.1:%u", name, agent->port);
  back = g_strdup_printf ("%s at 127.0.0.1:%u is back", name, agent->port);
  left = g_strdup_printf ("%s at 127.0.0.1:%u left", name, agent->port);

  {
    const char *argv[] = { g_getenv ("SEYE_CLI"), "discover", "--format", "prometheus", "--watch",
                           "--grace", "1", "--output", file, NULL };

    watch = seye_test_process_spawn (log, argv);
  }
  said.path = log;
  said.needle = found;
  g_assert_true (seye_test_poll_until (said_cb, &said, 30000));

  /* Away, for longer than the grace time: said, and the target stays. */
  g_assert_true (seye_test_avahi_stop ());
  said.needle = "keeps its targets until discovery is back";
  g_assert_true (seye_test_poll_until (said_cb, &said, 30000));
  seye_test_spin (3000);
  g_assert_true (seye_test_file_contains (file, name));
  g_assert_false (seye_test_file_contains (log, left));

  /* Back: found again by itself (the agent announces itself again). */
  g_assert_true (seye_test_require_avahi ());
  said.needle = "discovery is back";
  g_assert_true (seye_test_poll_until (said_cb, &said, 30000));
  said.needle = back;
  if (!seye_test_poll_until (said_cb, &said, 60000))
    {
      g_autofree char *text = NULL;

      g_file_get_contents (log, &text, NULL, NULL);
      g_error ("“%s” was not said within 60 s; seye discover said:\n%s\nThe agent said:\n%s",
               back, text, agent->log->str);
    }
  g_assert_true (seye_test_file_contains (file, name));

  seye_test_process_stop (&watch);
  {
    g_autofree char *text = NULL;

    g_file_get_contents (log, &text, NULL, NULL);
    g_test_message ("seye discover said:\n%s", text);
    g_assert_false (strstr (text, left) != NULL);
  }
  seye_test_agent_stop (agent);
  seye_test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/seye/discover/once", test_once);
  g_test_add_func ("/seye/discover/hosts", test_hosts);
  g_test_add_func ("/seye/discover/usage", test_usage);
  g_test_add_func ("/seye/discover/watch-file", test_watch_file);
  g_test_add_func ("/seye/discover/avahi-away", test_avahi_away);

  return g_test_run ();
}
