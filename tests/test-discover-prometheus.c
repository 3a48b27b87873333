/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `seye discover --format prometheus --watch` feeding a real Prometheus (Debian
 * package prometheus) over a real avahi-daemon: agents started after Prometheus
 * are scraped without touching its configuration, with their labels; a
 * stopped agent stays in the file for the grace time, then leaves it. */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "seye-test-util.h"

#define GRACE "5"

typedef struct
{
  char          *dir;
  char          *targets;      /* the file_sd file */
  char          *discover_log;
  char          *prometheus_log;
  GSubprocess   *discover;
  GSubprocess   *prometheus;
  SoupSession   *session;
  guint16        port;         /* Prometheus' */
} Fixture;

static guint16
free_port (void)
{
  g_autoptr (GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                             G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) bound = NULL;
  g_autoptr (GError) error = NULL;

  g_socket_bind (socket, address, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* GET http://127.0.0.1:PORT/PATH from Prometheus: the body, NULL if it did not answer 200. */
static char *
prometheus_get (Fixture    *fixture,
                const char *path_and_query)
{
  g_autofree char *uri = g_strdup_printf ("http://127.0.0.1:%u%s", fixture->port, path_and_query);
  g_autoptr (SoupMessage) message = soup_message_new ("GET", uri);
  g_autoptr (GBytes) body = NULL;

  body = soup_session_send_and_read (fixture->session, message, NULL, NULL);
  if (body == NULL || soup_message_get_status (message) != SOUP_STATUS_OK)
    return NULL;

  return g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
}

static gboolean
prometheus_ready_cb (gpointer data)
{
  g_autofree char *body = prometheus_get (data, "/-/ready");

  return body != NULL;
}

/* The series of @expression Prometheus has now (JSON objects with "metric" and "value"). */
static JsonArray *
query (Fixture    *fixture,
       const char *expression,
       JsonParser *parser)
{
  g_autofree char *escaped = g_uri_escape_string (expression, NULL, FALSE);
  g_autofree char *path = g_strconcat ("/api/v1/query?query=", escaped, NULL);
  g_autofree char *body = prometheus_get (fixture, path);
  JsonObject *root;

  if (body == NULL || !json_parser_load_from_data (parser, body, -1, NULL))
    return NULL;

  root = json_node_get_object (json_parser_get_root (parser));
  if (g_strcmp0 (json_object_get_string_member_with_default (root, "status", ""), "success") != 0)
    return NULL;

  return json_object_get_array_member (json_object_get_object_member (root, "data"), "result");
}

typedef struct
{
  Fixture    *fixture;
  const char *node_id;
} Scraped;

/* up{node_id=…} is 1. */
static gboolean
scraped_cb (gpointer data)
{
  Scraped *scraped = data;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *expression = g_strdup_printf ("up{node_id=\"%s\"}", scraped->node_id);
  JsonArray *result = query (scraped->fixture, expression, parser);

  return result != NULL && json_array_get_length (result) == 1 &&
         g_strcmp0 (json_array_get_string_element (
                      json_object_get_array_member (json_array_get_object_element (result, 0), "value"), 1),
                    "1") == 0;
}

/* The labels of the one series @expression finds; fails the test otherwise. */
static JsonObject *
series_labels (Fixture    *fixture,
               const char *expression,
               JsonParser *parser)
{
  JsonArray *result = query (fixture, expression, parser);

  g_assert_nonnull (result);
  g_assert_cmpuint (json_array_get_length (result), ==, 1);

  return json_object_get_object_member (json_array_get_object_element (result, 0), "metric");
}

static char *
read_targets (Fixture *fixture)
{
  g_autofree char *contents = NULL;

  if (!g_file_get_contents (fixture->targets, &contents, NULL, NULL))
    return g_strdup ("");

  return g_steal_pointer (&contents);
}

typedef struct
{
  Fixture    *fixture;
  const char *needle;
} InFile;

static gboolean
left_file_cb (gpointer data)
{
  InFile *in_file = data;
  g_autofree char *contents = read_targets (in_file->fixture);

  return contents[0] != '\0' && strstr (contents, in_file->needle) == NULL;
}

static void
fixture_clear (Fixture *fixture)
{
  seye_test_process_stop (&fixture->discover);
  seye_test_process_stop (&fixture->prometheus);
  g_clear_object (&fixture->session);
  if (fixture->dir != NULL)
    seye_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->targets);
  g_free (fixture->discover_log);
  g_free (fixture->prometheus_log);
}

static void
dump_logs (Fixture *fixture)
{
  g_autofree char *discover = NULL;
  g_autofree char *prometheus = NULL;

  g_file_get_contents (fixture->discover_log, &discover, NULL, NULL);
  g_file_get_contents (fixture->prometheus_log, &prometheus, NULL, NULL);
  g_test_message ("seye discover said:\n%s", discover ? discover : "");
  g_test_message ("prometheus said (end):\n%s",
                  prometheus && strlen (prometheus) > 4000 ? prometheus + strlen (prometheus) - 4000
                                                           : (prometheus ? prometheus : ""));
}

/* The TLS agent's state made before it starts (its certificate and token), so
 * that Prometheus' configuration can name them before any agent runs. */
static void
make_tls_state (const char *state_dir,
                const char *name)
{
  const char *argv[] = { g_getenv ("SEYE_AGENT"), "--pairing-info", "--tls", "--auth=token",
                         "--state-dir", state_dir, "--name", name, NULL };
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("sorcerers-eye-agent --pairing-info failed:\n%s", err);
}

/* A DNS name of the certificate: what Prometheus checks it against (server_name),
 * as the target is an address. */
static char *
certificate_name (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GTlsCertificate) certificate = g_tls_certificate_new_from_file (path, &error);
  g_autoptr (GPtrArray) names = NULL;
  GBytes *first;

  g_assert_no_error (error);
  names = g_tls_certificate_get_dns_names (certificate);
  g_assert_nonnull (names);
  g_assert_cmpuint (names->len, >, 0);
  first = names->pdata[0];

  return g_strndup (g_bytes_get_data (first, NULL), g_bytes_get_size (first));
}

/* Scrape every second; the open agents in one job, the token agent (by its node
 * id) in a job with its token and its certificate pinned, as the README says. */
static void
write_config (Fixture    *fixture,
              const char *tls_state,
              const char *tls_node_id)
{
  g_autofree char *config = g_build_filename (fixture->dir, "prometheus.yml", NULL);
  g_autofree char *ca = g_build_filename (tls_state, "tls.crt", NULL);
  g_autofree char *token = g_build_filename (tls_state, "token", NULL);
  g_autofree char *server_name = certificate_name (ca);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;

  text = g_strdup_printf ("global:\n"
                          "  scrape_interval: 1s\n"
                          "  scrape_timeout: 1s\n"
                          "scrape_configs:\n"
                          "  - job_name: seye\n"
                          "    file_sd_configs:\n"
                          "      - files: ['%s']\n"
                          "        refresh_interval: 1s\n"
                          "    relabel_configs:\n"
                          "      - source_labels: [auth]\n"
                          "        regex: token\n"
                          "        action: drop\n"
                          "  - job_name: seye-token\n"
                          "    file_sd_configs:\n"
                          "      - files: ['%s']\n"
                          "        refresh_interval: 1s\n"
                          "    relabel_configs:\n"
                          "      - source_labels: [node_id]\n"
                          "        regex: '%s'\n"
                          "        action: keep\n"
                          "    authorization:\n"
                          "      credentials_file: '%s'\n"
                          "    tls_config:\n"
                          "      ca_file: '%s'\n"
                          "      server_name: '%s'\n",
                          fixture->targets, fixture->targets, tls_node_id, token, ca, server_name);
  g_file_set_contents (config, text, -1, &error);
  g_assert_no_error (error);
}

static void
start_prometheus (Fixture *fixture)
{
  g_autofree char *config = g_build_filename (fixture->dir, "prometheus.yml", NULL);
  g_autofree char *config_arg = g_strconcat ("--config.file=", config, NULL);
  g_autofree char *db = g_build_filename (fixture->dir, "tsdb", NULL);
  g_autofree char *db_arg = g_strconcat ("--storage.tsdb.path=", db, NULL);
  g_autofree char *listen_arg = NULL;
  g_autofree char *prometheus = g_find_program_in_path ("prometheus");

  fixture->port = free_port ();
  listen_arg = g_strdup_printf ("--web.listen-address=127.0.0.1:%u", fixture->port);

  {
    const char *argv[] = { prometheus, config_arg, db_arg, listen_arg, NULL };

    fixture->prometheus = seye_test_process_spawn (fixture->prometheus_log, argv);
  }

  if (!seye_test_poll_until (prometheus_ready_cb, fixture, 60000))
    {
      dump_logs (fixture);
      g_error ("prometheus did not become ready within 60 s (its log is above)");
    }
}

static gboolean
have_prometheus (void)
{
  g_autofree char *prometheus = g_find_program_in_path ("prometheus");

  if (prometheus != NULL)
    return TRUE;

  if (g_strcmp0 (g_getenv ("CI"), "true") == 0)
    g_error ("prometheus is not installed (apt-get install prometheus; build-aux/dev installs it). "
             "Under CI=true this is a failure, not a skip.");

  g_printerr ("\n#####################################################################\n"
              "# SKIPPING: prometheus is not installed (apt-get install prometheus)\n"
              "#####################################################################\n");
  g_test_skip ("prometheus is not installed");

  return FALSE;
}

static void
assert_label (JsonObject *labels,
              const char *name,
              const char *value)
{
  g_assert_true (json_object_has_member (labels, name));
  g_assert_cmpstr (json_object_get_string_member (labels, name), ==, value);
}

static gint64 test_start;

/* Where the time went, in the log (not asserted). */
static void
step (const char *what)
{
  g_test_message ("%.1f s: %s", (g_get_monotonic_time () - test_start) / (double) G_USEC_PER_SEC, what);
}

/* A temporary directory, and `seye discover --watch` writing its file there. */
static void
fixture_init (Fixture *fixture)
{
  g_autoptr (GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("seye-discover-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->targets = g_build_filename (fixture->dir, "targets.json", NULL);
  fixture->discover_log = g_build_filename (fixture->dir, "discover.log", NULL);
  fixture->prometheus_log = g_build_filename (fixture->dir, "prometheus.log", NULL);
  fixture->session = soup_session_new_with_options ("timeout", 10, NULL);

  {
    const char *argv[] = { g_getenv ("SEYE_CLI"), "discover", "--format", "prometheus", "--watch",
                           "--output", fixture->targets, "--grace", GRACE, NULL };

    fixture->discover = seye_test_process_spawn (fixture->discover_log, argv);
  }
}

/* The labels are on what Prometheus scraped: the open agent's in the first job,
 * the token agent's in its own. */
static void
check_labels (Fixture    *fixture,
              const char *id_a,
              const char *name_a,
              const char *id_b,
              const char *name_b)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *expression_a = g_strdup_printf ("node_load1{node_id=\"%s\"}", id_a);
  g_autofree char *expression_b = g_strdup_printf ("node_load1{node_id=\"%s\"}", id_b);
  JsonObject *labels;

  labels = series_labels (fixture, expression_a, parser);
  assert_label (labels, "node", name_a);
  assert_label (labels, "agent_version", PACKAGE_VERSION);
  assert_label (labels, "tags", ",web,eu-1,");
  assert_label (labels, "scheme", "http");
  assert_label (labels, "job", "seye");
  g_assert_false (json_object_has_member (labels, "auth"));

  labels = series_labels (fixture, expression_b, parser);
  assert_label (labels, "node", name_b);
  assert_label (labels, "scheme", "https");
  assert_label (labels, "auth", "token");
  assert_label (labels, "job", "seye-token");
  g_assert_false (json_object_has_member (labels, "tags"));
}

/* While nothing changes, the file is not written again (each write is a new
 * file, renamed into place). Another test run's agents on the same
 * avahi-daemon may change it meanwhile: then look again. */
static void
check_not_rewritten (Fixture *fixture)
{
  gboolean unchanged_seen = FALSE;

  for (guint attempt = 0; attempt < 10 && !unchanged_seen; attempt++)
    {
      g_autofree char *first = read_targets (fixture);
      g_autofree char *second = NULL;
      GStatBuf before, after;

      g_assert_cmpint (g_stat (fixture->targets, &before), ==, 0);
      seye_test_spin (3000);
      second = read_targets (fixture);
      g_assert_cmpint (g_stat (fixture->targets, &after), ==, 0);
      if (g_str_equal (first, second) && before.st_ino == after.st_ino)
        unchanged_seen = TRUE;
      else if (g_str_equal (first, second))
        g_error ("the file was written again with the same contents");
    }
  g_assert_true (unchanged_seen);
}

/* SIGTERM: a clean exit, the file as it was, and what changed said on the way. */
static void
check_stop (Fixture    *fixture,
            const char *still_there)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *log = NULL;

  g_subprocess_send_signal (fixture->discover, SIGTERM);
  g_subprocess_wait (fixture->discover, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (fixture->discover), ==, 0);
  g_clear_object (&fixture->discover);
  contents = read_targets (fixture);
  g_assert_nonnull (strstr (contents, still_there));

  g_file_get_contents (fixture->discover_log, &log, NULL, NULL);
  g_test_message ("seye discover said:\n%s", log);
  g_assert_nonnull (strstr (log, "is gone from mDNS; it stays in"));
  g_assert_nonnull (strstr (log, "left: gone for"));
  g_assert_nonnull (strstr (log, "stopping;"));
}

static void
test_scrape (void)
{
  Fixture fixture = { 0 };
  g_autofree char *prefix = g_strdup_printf ("seye-sd-%d", (int) getpid ());
  g_autofree char *name_a = g_strconcat (prefix, "-a", NULL);
  g_autofree char *name_b = g_strconcat (prefix, "-b", NULL);
  g_autofree char *id_a = seye_test_node_id (1);
  g_autofree char *id_b = seye_test_node_id (2);
  g_autofree char *tls_state = NULL;
  g_autofree char *target_a = NULL;
  g_autofree char *contents = NULL;
  g_autoptr (SeyeTestAgent) a = NULL;
  g_autoptr (SeyeTestAgent) b = NULL;
  Scraped scraped_a = { &fixture, id_a };
  Scraped scraped_b = { &fixture, id_b };
  InFile gone_a = { &fixture, NULL };

  test_start = g_get_monotonic_time ();
  if (!seye_test_require_avahi () || !have_prometheus ())
    return;
  step ("avahi-daemon runs");

  fixture_init (&fixture);
  tls_state = g_build_filename (fixture.dir, "agent-b", NULL);
  make_tls_state (tls_state, name_b);
  write_config (&fixture, tls_state, id_b);
  start_prometheus (&fixture);
  step ("prometheus ready");

  /* Agents that start after Prometheus, one open and tagged, one with TLS and a token. */
  a = seye_test_agent_start ("--name", name_a, "--node-id", id_a, "--tags", "web,eu-1", NULL);
  b = seye_test_agent_start ("--name", name_b, "--node-id", id_b, "--tls", "--auth=token",
                             "--state-dir", tls_state, NULL);
  target_a = g_strdup_printf ("\"127.0.0.1:%u\"", a->port);
  step ("agents started");

  if (!seye_test_poll_until (scraped_cb, &scraped_a, 90000) || !seye_test_poll_until (scraped_cb, &scraped_b, 90000))
    {
      g_autofree char *targets = prometheus_get (&fixture, "/api/v1/targets");
      g_autofree char *file = read_targets (&fixture);

      dump_logs (&fixture);
      g_test_message ("targets file:\n%s\nPrometheus' targets:\n%s", file, targets);
      g_error ("the agents were not scraped (up == 1) within 90 s");
    }
  step ("both scraped");

  check_labels (&fixture, id_a, name_a, id_b, name_b);
  check_not_rewritten (&fixture);
  step ("file not written again while unchanged");

  /* Stopped: still a target right after (the grace time), then out. */
  seye_test_agent_stop (a);
  contents = read_targets (&fixture);
  g_assert_nonnull (strstr (contents, target_a));
  gone_a.needle = target_a;
  if (!seye_test_poll_until (left_file_cb, &gone_a, 60000))
    {
      dump_logs (&fixture);
      g_error ("the stopped agent did not leave the file within 60 s");
    }
  step ("stopped agent left the file");

  check_stop (&fixture, name_b);
  seye_test_agent_stop (b);
  fixture_clear (&fixture);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/seye/discover/prometheus/scrape", test_scrape);

  return g_test_run ();
}
