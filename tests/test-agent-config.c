/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <sys/wait.h>
#include <string.h>

#include "seye-json.h"
#include "seye-test-util.h"

#define NODE_ID "0123456789abcdef0123456789abcdef"

/* The agent's settings: its options and its key file. Each test
 * runs agents of its own. */

static char *
run_agent_expect_failure (const char * const *args,
                          int                *exit_status)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  char *err = NULL;
  int status;

  g_ptr_array_add (argv, (char *) g_getenv ("SEYE_AGENT"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, &err,
                &status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  *exit_status = WEXITSTATUS (status);

  return err;
}

static void
test_port_in_use (void)
{
  g_autoptr (SeyeTestAgent) first = seye_test_agent_start ("--no-mdns", "--node-id", NODE_ID, NULL);
  g_autofree char *port = g_strdup_printf ("%u", first->port);
  const char *args[] = { "--no-mdns", "--bind", "127.0.0.1", "--port", port, "--node-id", NODE_ID, NULL };
  g_autofree char *err = NULL;
  int status;

  err = run_agent_expect_failure (args, &status);
  g_assert_cmpint (status, ==, 1);
  g_assert_true (g_str_has_prefix (err, "sorcerers-eye-agent: error: cannot listen on 127.0.0.1 port"));
  g_assert_nonnull (strstr (err, "--port"));
  /* One line. */
  g_assert_cmpuint (strlen (err), ==, (gsize) (strchr (err, '\n') - err) + 1);

  g_assert_cmpint (seye_test_agent_stop (first), ==, 0);
}

static void
test_bad_arguments (void)
{
  static const struct {
    const char *args[4];
    const char *says;
  } cases[] = {
    { { "--interval", "0.1", NULL }, "interval 0.1 s is out of range" },
    { { "--interval", "soon", NULL }, "is not a number of seconds" },
    { { "--interval", "61", NULL }, "out of range" },
    { { "--port", "70000", NULL }, "port 70000 is out of range" },
    { { "--port", "http", NULL }, "is not a number" },
    { { "--node-id", "xyz", NULL }, "is not 32 hex digits" },
    { { "--bind", "not-an-address", NULL }, "is not an IP address" },
    { { "--name", "", NULL }, "is not usable" },
    { { "--tags", "web,Web", NULL }, "tag “Web” is not usable: use 1 to 32 of a-z" },
    { { "--tags", "web,web", NULL }, "tag “web” is given twice" },
    { { "--frobnicate", NULL }, "Unknown option" },
    { { "--config", "/nonexistent/agent.conf", NULL }, "cannot read the configuration file" },
    { { "stray", NULL }, "unexpected argument" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *err = NULL;
      int status;

      err = run_agent_expect_failure (cases[i].args, &status);
      g_test_message ("%s -> %s", cases[i].args[0], err);
      g_assert_cmpint (status, ==, 1);
      g_assert_true (g_str_has_prefix (err, "sorcerers-eye-agent: error: "));
      g_assert_nonnull (strstr (err, cases[i].says));
      g_assert_cmpuint (strlen (err), ==, (gsize) (strchr (err, '\n') - err) + 1);
    }
}

static void
test_config_file (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("seye-agent-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "agent.conf", NULL);
  g_autoptr (SeyeTestAgent) agent = NULL;
  g_autoptr (SoupSession) session = soup_session_new ();
  g_autoptr (SeyeNodeInfo) info = NULL;
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autofree char *uri = NULL;

  g_assert_no_error (error);
  g_file_set_contents (path,
                       "[agent]\nname=from-config\ninterval=2\nmdns=false\n"
                       "node-id=ABCDEF0123456789ABCDEF0123456789\ntags=web, eu-1\n", -1, &error);
  g_assert_no_error (error);

  /* The command line overrides the file. */
  agent = seye_test_agent_start ("--config", path, "--interval", "0.5", NULL);
  uri = g_strconcat (agent->base_uri, "/v1/node", NULL);
  msg = soup_message_new ("GET", uri);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  info = seye_node_info_from_json (g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info->name, ==, "from-config");
  g_assert_cmpstr (info->node_id, ==, "abcdef0123456789abcdef0123456789");
  g_assert_cmpfloat (info->interval, ==, 0.5);
  /* Tags from the file, in /v1/node and in the log. */
  g_assert_cmpuint (g_strv_length (info->tags), ==, 2);
  g_assert_cmpstr (info->tags[0], ==, "web");
  g_assert_cmpstr (info->tags[1], ==, "eu-1");
  g_assert_true (seye_test_agent_wait_log (agent, "Tags: web,eu-1", 1000));
  g_assert_true (seye_test_agent_wait_log (agent, "mDNS is off", 1000));

  g_assert_cmpint (seye_test_agent_stop (agent), ==, 0);
  g_unlink (path);
  g_rmdir (dir);
}

/* A machine whose /proc has only "stat": the agent says what is missing, once,
 * and serves what it has. */
int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/seye/agent/port-in-use", test_port_in_use);
  g_test_add_func ("/seye/agent/bad-arguments", test_bad_arguments);
  g_test_add_func ("/seye/agent/config-file", test_config_file);

  return g_test_run ();
}
