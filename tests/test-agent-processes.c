/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <math.h>
#include <signal.h>
#include <unistd.h>

#include "seye-test-util.h"

/*
 * GET /v1/processes against real agent processes: a busy loop started here is
 * found at its CPU % and leaves the list when it ends; the queries are
 * checked; the token and argv rules; and no /proc/[pid] scan while nobody
 * asks (the agent's debug log names every scan).
 */

typedef struct
{
  guint       status;
  char       *body;
  JsonParser *parser;
} Reply;

static void
reply_clear (Reply *reply)
{
  g_clear_pointer (&reply->body, g_free);
  g_clear_object (&reply->parser);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Reply, reply_clear)

/* The agent's generated certificate is self-signed: accept it (test-agent-auth checks it). */
static gboolean
accept_certificate_cb (SoupMessage          *msg,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              data)
{
  return TRUE;
}

static void
get (const char *base,
     const char *path,
     const char *token,
     Reply      *reply)
{
  g_autoptr (SoupSession) session = soup_session_new_with_options ("timeout", 10, NULL);
  g_autofree char *uri = g_strconcat (base, path, NULL);
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", uri);
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GError) error = NULL;

  if (token != NULL)
    {
      g_autofree char *authorization = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                    authorization);
    }

  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_certificate_cb), NULL);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  reply->status = soup_message_get_status (msg);
  reply->body = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  if (reply->status == 200)
    {
      reply->parser = json_parser_new ();
      json_parser_load_from_data (reply->parser, reply->body, -1, &error);
      g_assert_no_error (error);
    }
}

static JsonArray *
processes_of (Reply *reply)
{
  JsonObject *root = json_node_get_object (json_parser_get_root (reply->parser));

  return json_object_get_array_member (root, "processes");
}

static double
interval_of (Reply *reply)
{
  JsonObject *root = json_node_get_object (json_parser_get_root (reply->parser));

  return json_object_get_double_member (root, "interval");
}

/* The index of @pid in the answer's list, or -1. */
static int
find_pid (Reply *reply,
          GPid   pid)
{
  JsonArray *processes = processes_of (reply);

  for (guint i = 0; i < json_array_get_length (processes); i++)
    if (json_object_get_int_member (json_array_get_object_element (processes, i), "pid") == pid)
      return i;

  return -1;
}

/* utime + stime of /proc/PID/stat, in ticks. */
static guint64
own_ticks (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *text = NULL;
  g_auto (GStrv) fields = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  fields = g_strsplit (strrchr (text, ')') + 2, " ", -1);

  return g_ascii_strtoull (fields[11], NULL, 10) + g_ascii_strtoull (fields[12], NULL, 10);
}

static char *
read_token (const char *state_dir)
{
  g_autofree char *path = g_build_filename (state_dir, "token", NULL);
  g_autofree char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));

  return g_strndup (contents, 64);
}

/* A shell spinning under a name of its own: a copy of /bin/sh named seye-busy-NNNNN. */
static GSubprocess *
start_busy_loop (const char *dir,
                 char      **name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GFile) sh = g_file_new_for_path ("/bin/sh");
  g_autoptr (GFile) copy = NULL;
  g_autofree char *path = NULL;
  GSubprocess *process;

  *name = g_strdup_printf ("seye-busy-%05u", (guint) getpid () % 100000);
  path = g_build_filename (dir, *name, NULL);
  copy = g_file_new_for_path (path);
  g_file_copy (sh, copy, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, 0755), ==, 0);

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, path, "-c", "while :; do :; done", NULL);
  g_assert_no_error (error);

  return process;
}

static void
test_busy_loop (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("seye-busy-XXXXXX", &error);
  g_autoptr (SeyeTestAgent) agent = seye_test_agent_start ("--no-mdns", "--rate-limit", "0", NULL);
  g_autoptr (GSubprocess) busy = NULL;
  g_autofree char *name = NULL;
  g_autofree char *bin = NULL;
  long clk_tck = sysconf (_SC_CLK_TCK);
  gint64 started, deadline, before_us;
  guint64 before_ticks;
  GPid pid;
  gboolean found = FALSE;

  g_assert_no_error (error);
  busy = start_busy_loop (dir, &name);
  pid = (GPid) g_ascii_strtoll (g_subprocess_get_identifier (busy), NULL, 10);
  started = g_get_monotonic_time ();
  deadline = started + 3 * G_USEC_PER_SEC;
  before_us = started;
  before_ticks = own_ticks (pid);

  /* At the top by CPU within 3 s, at the CPU % its own counters give over the
   * same stretch of time (the agent's window is its last second or less). */
  while (!found && g_get_monotonic_time () < deadline)
    {
      g_auto (Reply) reply = { 0 };
      guint64 after_ticks;
      gint64 after_us;
      double own, listed;
      JsonObject *process;
      int at;

      g_usleep (G_USEC_PER_SEC / 2);
      get (agent->base_uri, "/v1/processes?sort=cpu&limit=10", NULL, &reply);
      after_us = g_get_monotonic_time ();
      after_ticks = own_ticks (pid);
      g_assert_cmpuint (reply.status, ==, 200);
      at = find_pid (&reply, pid);
      own = (after_ticks - before_ticks) * 100.0 / clk_tck / ((after_us - before_us) / 1e6);
      before_us = after_us;
      before_ticks = after_ticks;
      if (at < 0 || interval_of (&reply) <= 0)
        continue;

      process = json_array_get_object_element (processes_of (&reply), at);
      listed = json_object_get_double_member (process, "cpu_percent");
      g_test_message ("%s at %d: %.1f %% listed, %.1f %% by its own counters, window %.2f s",
                      name, at, listed, own, interval_of (&reply));
      g_assert_cmpstr (json_object_get_string_member (process, "name"), ==, name);
      g_assert_cmpstr (json_object_get_string_member (process, "state"), ==, "R");
      g_assert_cmpfloat (fabs (listed - own), <=, 15.0);
      /* Only processes at least as busy as a spinning shell are above it (on a
       * shared machine other tests may spin too: its rank alone proves little). */
      for (int i = 0; i < at; i++)
        g_assert_cmpfloat (json_object_get_double_member (json_array_get_object_element (processes_of (&reply), i),
                                                          "cpu_percent"), >=, listed);
      found = TRUE;
    }
  g_assert_true (found);

  /* Gone within 3 s of its end. */
  g_subprocess_force_exit (busy);
  g_subprocess_wait (busy, NULL, &error);
  g_assert_no_error (error);
  deadline = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;
  found = TRUE;
  while (found && g_get_monotonic_time () < deadline)
    {
      g_auto (Reply) reply = { 0 };

      get (agent->base_uri, "/v1/processes?limit=200", NULL, &reply);
      g_assert_cmpuint (reply.status, ==, 200);
      found = find_pid (&reply, pid) >= 0;
      if (found)
        g_usleep (G_USEC_PER_SEC / 4);
    }
  g_assert_false (found);

  bin = g_build_filename (dir, name, NULL);
  g_unlink (bin);
  g_rmdir (dir);
}

static void
test_queries (void)
{
  g_autoptr (SeyeTestAgent) agent = seye_test_agent_start ("--no-mdns", "--rate-limit", "0", NULL);
  const char *bad[] = {
    "?sort=CPU", "?sort=", "?sort=pid", "?limit=0", "?limit=201", "?limit=-1", "?limit=+5",
    "?limit=1e2", "?limit=", "?limit=%205", "?limit=5&limit=6", "?limit=99999999999999999999",
  };
  const char *good[] = { "", "?sort=cpu", "?sort=memory&limit=1", "?sort=io&limit=200", "?limit=007" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *path = g_strconcat ("/v1/processes", bad[i], NULL);
      g_auto (Reply) reply = { 0 };

      get (agent->base_uri, path, NULL, &reply);
      g_test_message ("%s → %u %s", path, reply.status, reply.body);
      g_assert_cmpuint (reply.status, ==, 400);
      g_assert_true (g_str_has_prefix (reply.body, "{\"error\":{\"status\":400,\"message\":\""));
    }

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autofree char *path = g_strconcat ("/v1/processes", good[i], NULL);
      g_auto (Reply) reply = { 0 };
      JsonObject *root;

      get (agent->base_uri, path, NULL, &reply);
      g_assert_cmpuint (reply.status, ==, 200);
      root = json_node_get_object (json_parser_get_root (reply.parser));
      g_assert_cmpfloat (json_object_get_double_member (root, "interval"), >, 0);
      g_assert_cmpint (json_object_get_int_member (root, "total"), >=, 1);
      g_assert_true (json_object_has_member (root, "not_readable"));
      g_assert_cmpuint (json_array_get_length (processes_of (&reply)), <=,
                        i == 2 ? 1 : i == 3 ? 200 : 20);
      g_assert_false (strstr (reply.body, "\"argv\"") != NULL);
    }

  /* The index names it. */
  {
    g_auto (Reply) reply = { 0 };

    get (agent->base_uri, "/", NULL, &reply);
    g_assert_nonnull (strstr (reply.body, "\"/v1/processes\""));
  }
}

/* The JSON API's access rules; argv only with process-args, and only for the token's holders. */
static void
test_access (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("seye-processes-XXXXXX", &error);
  g_autofree char *state_dir = g_build_filename (dir, "state", NULL);
  g_autofree char *token = NULL;

  g_assert_no_error (error);
  {
    g_autoptr (SeyeTestAgent) agent = seye_test_agent_start ("--no-mdns", "--auth=token",
                                                             "--state-dir", state_dir,
                                                             "--rate-limit", "0", NULL);
    g_auto (Reply) none = { 0 };
    g_auto (Reply) wrong = { 0 };
    g_auto (Reply) right = { 0 };

    g_assert_true (seye_test_agent_wait_log (agent, "Made a new token in", 5000));
    token = read_token (state_dir);
    get (agent->base_uri, "/v1/processes", NULL, &none);
    g_assert_cmpuint (none.status, ==, 401);
    get (agent->base_uri, "/v1/processes", "0000000000000000000000000000000000000000000000000000000000000000",
         &wrong);
    g_assert_cmpuint (wrong.status, ==, 401);
    /* A 401 takes no scan. */
    g_assert_false (seye_test_agent_wait_log (agent, "processes: scan", 200));
    get (agent->base_uri, "/v1/processes", token, &right);
    g_assert_cmpuint (right.status, ==, 200);
    g_assert_null (strstr (right.body, "\"argv\""));
  }

  /* process-args: argv for the token's holder. */
  {
    g_autoptr (SeyeTestAgent) agent = seye_test_agent_start ("--no-mdns", "--auth=token", "--process-args",
                                                             "--state-dir", state_dir,
                                                             "--rate-limit", "0", NULL);
    g_auto (Reply) none = { 0 };
    g_auto (Reply) right = { 0 };

    get (agent->base_uri, "/v1/processes?limit=200", NULL, &none);
    g_assert_cmpuint (none.status, ==, 401);
    get (agent->base_uri, "/v1/processes?limit=200", token, &right);
    g_assert_cmpuint (right.status, ==, 200);
    g_assert_nonnull (strstr (right.body, "\"argv\":["));
  }

  /* process-args with loopback access: argv for clients on the node. */
  {
    g_autoptr (SeyeTestAgent) agent = seye_test_agent_start ("--no-mdns", "--api-access=loopback",
                                                             "--process-args", "--rate-limit", "0", NULL);
    g_auto (Reply) reply = { 0 };

    get (agent->base_uri, "/v1/processes?limit=200", NULL, &reply);
    g_assert_cmpuint (reply.status, ==, 200);
    g_assert_nonnull (strstr (reply.body, "\"argv\":["));
  }

  /* Over HTTPS, as every /v1 path. */
  {
    g_autoptr (SeyeTestAgent) agent = seye_test_agent_start ("--no-mdns", "--auth=token", "--tls",
                                                             "--state-dir", state_dir,
                                                             "--rate-limit", "0", NULL);
    g_auto (Reply) none = { 0 };
    g_auto (Reply) right = { 0 };

    g_assert_true (g_str_has_prefix (agent->base_uri, "https://"));
    get (agent->base_uri, "/v1/processes", NULL, &none);
    g_assert_cmpuint (none.status, ==, 401);
    get (agent->base_uri, "/v1/processes", token, &right);
    g_assert_cmpuint (right.status, ==, 200);
    g_assert_cmpuint (json_array_get_length (processes_of (&right)), >=, 1);
  }

  /* process-args with open access: nobody sees argv, and the agent says so. */
  {
    g_autoptr (SeyeTestAgent) agent = seye_test_agent_start ("--no-mdns", "--process-args",
                                                             "--rate-limit", "0", NULL);
    g_auto (Reply) reply = { 0 };

    g_assert_true (seye_test_agent_wait_log (agent, "process-args=true shows command lines only", 2000));
    get (agent->base_uri, "/v1/processes?limit=200", NULL, &reply);
    g_assert_cmpuint (reply.status, ==, 200);
    g_assert_null (strstr (reply.body, "\"argv\""));
  }

  for (const char * const *name = (const char * const[]) { "token", "tls.crt", "tls.key", NULL };
       *name != NULL; name++)
    {
      g_autofree char *path = g_build_filename (state_dir, *name, NULL);

      g_unlink (path);
    }
  g_rmdir (state_dir);
  g_rmdir (dir);
}

/* No /proc/[pid] scan while nobody asks; scans stop a few seconds after the last request. */
static void
test_idle (void)
{
  g_autoptr (SeyeTestAgent) agent = seye_test_agent_start ("--no-mdns", "--interval", "0.25",
                                                           "--rate-limit", "0", NULL);
  g_autofree char *next = NULL;
  const char *last;
  guint64 scans;

  /* Other requests take samples, never a process scan. */
  for (guint i = 0; i < 3; i++)
    {
      g_auto (Reply) reply = { 0 };

      get (agent->base_uri, i == 0 ? "/v1/node" : "/v1/metrics", NULL, &reply);
    }
  g_assert_false (seye_test_agent_wait_log (agent, "processes: scan", 3000));

  {
    g_auto (Reply) reply = { 0 };

    get (agent->base_uri, "/v1/processes", NULL, &reply);
    g_assert_cmpuint (reply.status, ==, 200);
    /* The first answer spans its own short window, not the time since boot. */
    g_assert_cmpfloat (interval_of (&reply), >=, 0.2);
    g_assert_cmpfloat (interval_of (&reply), <, 1.0);
  }
  g_assert_true (seye_test_agent_wait_log (agent, "processes: scan 2\n", 2000));
  g_assert_true (seye_test_agent_wait_log (agent, "scans stop", 10000));

  last = g_strrstr (agent->log->str, "processes: scan ");
  g_assert_nonnull (last);
  scans = g_ascii_strtoull (last + strlen ("processes: scan "), NULL, 10);
  g_test_message ("%" G_GUINT64_FORMAT " scans while asked", scans);
  g_assert_cmpuint (scans, >=, 2);
  g_assert_cmpuint (scans, <=, 9);
  next = g_strdup_printf ("processes: scan %" G_GUINT64_FORMAT "\n", scans + 1);
  g_assert_false (seye_test_agent_wait_log (agent, next, 3000));
}

static void
write_file (const char *root,
            const char *rel,
            const char *contents)
{
  g_autofree char *path = g_build_filename (root, rel, NULL);
  g_autofree char *parent = g_path_get_dirname (path);
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (parent, 0755), ==, 0);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

/* --root: the processes and the user names of a recorded tree. */
static void
test_root (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *root = g_dir_make_tmp ("seye-processes-root-XXXXXX", &error);
  g_autoptr (SeyeTestAgent) agent = NULL;
  g_auto (Reply) reply = { 0 };
  g_autofree char *rm = NULL;
  g_autofree char *stat = NULL;
  JsonObject *process;

  g_assert_no_error (error);
  write_file (root, "proc/stat", "cpu 1 2 3 4 0 0 0 0\ncpu0 1 2 3 4 0 0 0 0\nbtime 1700000000\n");
  write_file (root, "etc/passwd", "root:x:0:0::/root:/bin/sh\nwizard:x:4242:4242::/:/bin/sh\n");
  stat = g_strdup_printf ("77 (x) (y) R 1 1 1 0 -1 4194304 0 0 0 0 10 10 0 0 20 0 2 0 500 1000 %ld\n",
                          102400 / sysconf (_SC_PAGESIZE));
  write_file (root, "proc/77/stat", stat);
  write_file (root, "proc/77/status", "Name:\tx\nUid:\t4242\t4242\t4242\t4242\nVmRSS:\t100 kB\n"
                                      "Threads:\t2\n");
  write_file (root, "proc/78/status", "Uid:\t0\t0\t0\t0\n");   /* no stat: it ended */

  agent = seye_test_agent_start ("--no-mdns", "--root", root, "--node-id",
                                 "0123456789abcdef0123456789abcdef", "--rate-limit", "0", NULL);
  get (agent->base_uri, "/v1/processes", NULL, &reply);
  g_assert_cmpuint (reply.status, ==, 200);
  g_test_message ("%s", reply.body);
  g_assert_cmpuint (json_array_get_length (processes_of (&reply)), ==, 1);
  process = json_array_get_object_element (processes_of (&reply), 0);
  g_assert_cmpint (json_object_get_int_member (process, "pid"), ==, 77);
  g_assert_cmpstr (json_object_get_string_member (process, "name"), ==, "x) (y");
  g_assert_cmpstr (json_object_get_string_member (process, "user"), ==, "wizard");
  g_assert_cmpint (json_object_get_int_member (process, "rss_bytes"), ==, 102400);
  g_assert_cmpint (json_object_get_int_member (process, "threads"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (process, "start_time"), ==,
                   1700000000 + 500 / sysconf (_SC_CLK_TCK));
  /* The tree has no /proc/77/io. */
  g_assert_true (json_object_get_null_member (process, "read_bytes_per_sec"));
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (json_parser_get_root (reply.parser)),
                                               "total"), ==, 1);

  seye_test_agent_stop (agent);
  rm = g_strdup_printf ("rm -rf '%s'", root);
  g_assert_true (g_spawn_command_line_sync (rm, NULL, NULL, NULL, NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* The agent logs each scan at debug level. */
  g_setenv ("G_MESSAGES_DEBUG", "seye-agent", TRUE);

  g_test_add_func ("/seye/agent/processes/busy-loop", test_busy_loop);
  g_test_add_func ("/seye/agent/processes/queries", test_queries);
  g_test_add_func ("/seye/agent/processes/access", test_access);
  g_test_add_func ("/seye/agent/processes/idle", test_idle);
  g_test_add_func ("/seye/agent/processes/root", test_root);

  return g_test_run ();
}
