/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>
#include <sys/wait.h>

#include "seye-test-util.h"

/*
 * Named actions against real agent processes: the settings refused (no
 * token, no TLS, names, paths and keys that are not right), and one agent
 * over HTTPS with the token that runs a command with output, one that times
 * out, one past the output cap and one twice at once; a client without the
 * token, an unknown action, and what stays as it was (POST elsewhere, a body).
 */

#define NODE_ID "0123456789abcdef0123456789abcdef"

/* Helpers ------------------------------------------------------------------ */

static void
write_file (const char *dir,
            const char *name,
            const char *contents,
            char      **path_out)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, name, NULL);

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  if (path_out != NULL)
    *path_out = g_steal_pointer (&path);
}

/* The agent must end with 1 and one line that says @says. */
static void
assert_refused (const char *conf,
                const char *extra,
                const char *says)
{
  const char *argv[] = { g_getenv ("SEYE_AGENT"), "--no-mdns", "--config", conf, extra, NULL };
  g_autoptr (GError) error = NULL;
  g_autofree char *err = NULL;
  int status;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err,
                &status, &error);
  g_assert_no_error (error);
  g_test_message ("%s → %s", says, err);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 1);
  g_assert_true (g_str_has_prefix (err, "sorcerers-eye-agent: error: "));
  g_assert_nonnull (strstr (err, says));
  g_assert_cmpuint (strlen (err), ==, (gsize) (strchr (err, '\n') - err) + 1);
}

typedef struct
{
  guint       status;
  char       *body;
  char       *allow;
  JsonObject *object;   /* the body, when it is a JSON object */
} Reply;

static void
reply_clear (Reply *reply)
{
  g_clear_pointer (&reply->body, g_free);
  g_clear_pointer (&reply->allow, g_free);
  g_clear_pointer (&reply->object, json_object_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Reply, reply_clear)

static gboolean
accept_certificate_cb (SoupMessage          *msg,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              data)
{
  return TRUE;
}

/* @method @base@path with @authorization (NULL: none) and @body (NULL: none). */
/* The fixture's agent, for the log of a failed request. */
static SeyeTestAgent *current_agent;

static void
request (const char *method,
         const char *base,
         const char *path,
         const char *authorization,
         const char *body,
         Reply      *reply)
{
  g_autoptr (SoupSession) session = soup_session_new_with_options ("timeout", 30, NULL);
  g_autofree char *uri = g_strconcat (base, path, NULL);
  g_autoptr (SoupMessage) msg = soup_message_new (method, uri);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;

  if (authorization != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                  authorization);
  if (body != NULL)
    {
      g_autoptr (GBytes) sent = g_bytes_new_static (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "text/plain", sent);
    }
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_certificate_cb), NULL);

  bytes = soup_session_send_and_read (session, msg, NULL, &error);
  if (error != NULL && current_agent != NULL)
    {
      /* Why the agent let the connection go (once seen under ASan on a loaded machine). */
      seye_test_spin (500);
      g_test_message ("%s %s failed; the agent's log:\n%s", method, path, current_agent->log->str);
    }
  g_assert_no_error (error);

  reply->status = soup_message_get_status (msg);
  reply->body = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  reply->allow = g_strdup (soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                         "Allow"));
  if (json_parser_load_from_data (parser, reply->body, -1, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    reply->object = json_object_ref (json_node_get_object (json_parser_get_root (parser)));
  g_test_message ("%s %s → %u %.200s", method, path, reply->status, reply->body);
}

static guint
status_of (const char *method,
           const char *base,
           const char *path,
           const char *authorization,
           const char *body)
{
  g_auto (Reply) reply = { 0 };

  request (method, base, path, authorization, body, &reply);

  return reply.status;
}

/* An agent over HTTPS with the token, and actions. */
typedef struct
{
  char          *dir;
  char          *conf;
  char          *bearer;
  SeyeTestAgent *agent;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *state_dir = NULL;
  g_autofree char *script = NULL;
  g_autofree char *stubborn = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *token = NULL;
  g_autofree char *token_path = NULL;

  fixture->dir = g_dir_make_tmp ("seye-actions-XXXXXX", &error);
  g_assert_no_error (error);
  state_dir = g_build_filename (fixture->dir, "state", NULL);
  write_file (fixture->dir, "big.sh", "head -c 100000 /dev/zero | tr '\\0' a\n", &script);
  write_file (fixture->dir, "stubborn.sh", "trap '' TERM\necho ignoring\nsleep 10\n", &stubborn);
  contents = g_strdup_printf ("[agent]\nauth=token\ntls=true\n"
                              "[actions]\n"
                              "hello=/usr/bin/printf 'hello \"there\"\\\\n'\n"
                              "hello.description=Says hello\n"
                              "slow=/bin/sleep 10\n"
                              "slow.timeout=1\n"
                              "big=/bin/sh %s\n"
                              "nap=/bin/sleep 2\n"
                              "stubborn=/bin/sh %s\n"
                              "stubborn.timeout=1\n"
                              "bytes=/usr/bin/printf 'a\\\\000b\\\\377c\\\\033'\n",
                              script, stubborn);
  write_file (fixture->dir, "agent.conf", contents, &fixture->conf);

  /* tls=true is in the file; --tls tells the helper to wait for "https://". */
  fixture->agent = seye_test_agent_start ("--no-mdns", "--node-id", NODE_ID, "--tls", "--config",
                                          fixture->conf, "--state-dir", state_dir, NULL);
  g_assert_true (g_str_has_prefix (fixture->agent->base_uri, "https://"));
  current_agent = fixture->agent;

  token_path = g_build_filename (state_dir, "token", NULL);
  g_file_get_contents (token_path, &token, NULL, &error);
  g_assert_no_error (error);
  token[64] = '\0';
  fixture->bearer = g_strconcat ("Bearer ", token, NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  current_agent = NULL;
  g_assert_cmpint (seye_test_agent_stop (fixture->agent), ==, 0);
  g_clear_pointer (&fixture->agent, seye_test_agent_free);
  seye_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->conf);
  g_free (fixture->bearer);
}

/* Settings ------------------------------------------------------------------ */

static void
test_refused (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("seye-actions-XXXXXX", &error);
  g_autofree char *state = g_strconcat ("--state-dir=", dir, NULL);
  static const struct {
    const char *conf;
    const char *says;
  } cases[] = {
    { "[actions]\nhello=/usr/bin/printf hello\n",
      "names actions but auth is none: set auth=token" },
    { "[agent]\nauth=token\n[actions]\nhello=/usr/bin/printf hello\n",
      "names actions but TLS is off: set tls=true" },
    { "[agent]\nauth=token\ntls=true\napi-access=loopback\n[actions]\nhello=/usr/bin/printf hi\n",
      "names actions but api-access is loopback: set api-access=token" },
    { "[agent]\nauth=token\ntls=true\n[actions]\nhello=printf hello\n",
      "[actions] hello: “printf” is not an absolute path" },
    { "[agent]\nauth=token\ntls=true\n[actions]\nhello=/nonexistent/program\n",
      "is not an executable file" },
    { "[agent]\nauth=token\ntls=true\n[actions]\nhello=/usr/bin/printf 'hello\n",
      "[actions] hello: " },
    /* An escape the key file does not know: one line, no GLib warning before it. */
    { "[agent]\nauth=token\ntls=true\n[actions]\nhello=/usr/bin/printf \"a\\\"b\"\n",
      "[actions] hello: " },
    { "[agent]\nauth=token\ntls=true\n[actions]\nHello=/usr/bin/printf hello\n",
      "“Hello” is not an action name" },
    { "[agent]\nauth=token\ntls=true\n[actions]\nhello=/usr/bin/printf hi\nhello.timeout=0\n",
      "[actions] hello.timeout: 0 s is out of range: use 1 to 3600 seconds" },
    { "[agent]\nauth=token\ntls=true\n[actions]\nhello=/usr/bin/printf hello\nhello.user=root\n",
      "[actions] hello.user is not known" },
    { "[agent]\nauth=token\ntls=true\n[actions]\nbye.timeout=3\n",
      "[actions] bye.timeout is not known" },
  };

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *conf = NULL;

      write_file (dir, "agent.conf", cases[i].conf, &conf);
      assert_refused (conf, state, cases[i].says);
    }

  /* No more than 32. */
  {
    g_autoptr (GString) many = g_string_new ("[agent]\nauth=token\ntls=true\n[actions]\n");
    g_autofree char *conf = NULL;

    for (guint i = 0; i < 33; i++)
      g_string_append_printf (many, "a%u=/usr/bin/true\n", i);
    write_file (dir, "agent.conf", many->str, &conf);
    assert_refused (conf, state, "names more than 32 actions");
  }

  /* The command line counts too: --auth=none over the key file's auth=token. */
  {
    g_autofree char *conf = NULL;

    write_file (dir, "agent.conf", "[agent]\nauth=token\ntls=true\n[actions]\nhi=/usr/bin/true\n",
                &conf);
    assert_refused (conf, "--auth=none", "names actions but auth is none");
  }

  seye_test_remove_tree (dir);
}

/* Without an [actions] group nothing changes. */
static void
test_none (void)
{
  g_autoptr (SeyeTestAgent) agent = seye_test_agent_start ("--no-mdns", "--node-id", NODE_ID, NULL);
  g_auto (Reply) index = { 0 };

  g_assert_cmpuint (status_of ("POST", agent->base_uri, "/v1/node", NULL, NULL), ==, 405);
  g_assert_cmpuint (status_of ("GET", agent->base_uri, "/v1/actions", NULL, NULL), ==, 404);
  g_assert_cmpuint (status_of ("POST", agent->base_uri, "/v1/actions/hello", NULL, NULL), ==, 404);
  request ("GET", agent->base_uri, "/", NULL, NULL, &index);
  g_assert_null (strstr (index.body, "actions"));

  g_assert_cmpint (seye_test_agent_stop (agent), ==, 0);
}

/* Runs ---------------------------------------------------------------------- */

static void
test_list (Fixture       *fixture,
           gconstpointer  data)
{
  g_auto (Reply) reply = { 0 };
  g_auto (Reply) index = { 0 };
  JsonArray *actions;
  JsonObject *hello, *slow;

  request ("GET", fixture->agent->base_uri, "/v1/actions", fixture->bearer, NULL, &reply);
  g_assert_cmpuint (reply.status, ==, 200);
  g_assert_nonnull (reply.object);
  actions = json_object_get_array_member (reply.object, "actions");
  g_assert_cmpuint (json_array_get_length (actions), ==, 6);
  hello = json_array_get_object_element (actions, 0);
  g_assert_cmpstr (json_object_get_string_member (hello, "name"), ==, "hello");
  g_assert_cmpstr (json_object_get_string_member (hello, "description"), ==, "Says hello");
  g_assert_cmpint (json_object_get_int_member (hello, "timeout"), ==, 30);
  slow = json_array_get_object_element (actions, 1);
  g_assert_cmpstr (json_object_get_string_member (slow, "name"), ==, "slow");
  g_assert_true (json_object_get_null_member (slow, "description"));
  g_assert_cmpint (json_object_get_int_member (slow, "timeout"), ==, 1);
  /* Never the command. */
  g_assert_null (strstr (reply.body, "/bin/"));

  request ("GET", fixture->agent->base_uri, "/", NULL, NULL, &index);
  g_assert_nonnull (strstr (index.body, "\"/v1/actions\""));
}

static void
test_output (Fixture       *fixture,
             gconstpointer  data)
{
  g_auto (Reply) reply = { 0 };

  request ("POST", fixture->agent->base_uri, "/v1/actions/hello", fixture->bearer, NULL, &reply);
  g_assert_cmpuint (reply.status, ==, 200);
  g_assert_nonnull (reply.object);
  g_assert_cmpstr (json_object_get_string_member (reply.object, "action"), ==, "hello");
  g_assert_cmpint (json_object_get_int_member (reply.object, "exit_status"), ==, 0);
  g_assert_true (json_object_get_null_member (reply.object, "signal"));
  g_assert_false (json_object_get_boolean_member (reply.object, "timed_out"));
  g_assert_false (json_object_get_boolean_member (reply.object, "truncated"));
  g_assert_cmpstr (json_object_get_string_member (reply.object, "output"), ==, "hello \"there\"\n");
  g_assert_cmpint (json_object_get_int_member (reply.object, "duration_ms"), >=, 0);
  g_assert_cmpint (json_object_get_int_member (reply.object, "duration_ms"), <, 5000);
  g_assert_true (seye_test_agent_wait_log (fixture->agent,
                                           "action hello for 127.0.0.1: exit status 0", 2000));

  /* NUL and ESC escaped as they are; a byte that is not UTF-8 is U+FFFD (JSON carries text). */
  reply_clear (&reply);
  request ("POST", fixture->agent->base_uri, "/v1/actions/bytes", fixture->bearer, NULL, &reply);
  g_assert_cmpuint (reply.status, ==, 200);
  g_assert_nonnull (strstr (reply.body, "\"output\":\"a\\u0000b\\ufffdc\\u001b\""));
}

static void
test_timeout (Fixture       *fixture,
              gconstpointer  data)
{
  g_auto (Reply) reply = { 0 };
  gint64 duration;

  request ("POST", fixture->agent->base_uri, "/v1/actions/slow", fixture->bearer, NULL, &reply);
  g_assert_cmpuint (reply.status, ==, 200);
  g_assert_true (json_object_get_boolean_member (reply.object, "timed_out"));
  g_assert_true (json_object_get_null_member (reply.object, "exit_status"));
  g_assert_cmpint (json_object_get_int_member (reply.object, "signal"), ==, 15);
  duration = json_object_get_int_member (reply.object, "duration_ms");
  g_assert_cmpint (duration, >=, 950);
  g_assert_cmpint (duration, <, 4000);
  g_assert_true (seye_test_agent_wait_log (fixture->agent, "action slow for 127.0.0.1: ended by "
                                           "signal 15", 2000));

  /* What ignores SIGTERM gets SIGKILL two seconds later, its process group with it. */
  reply_clear (&reply);
  request ("POST", fixture->agent->base_uri, "/v1/actions/stubborn", fixture->bearer, NULL, &reply);
  g_assert_cmpuint (reply.status, ==, 200);
  g_assert_true (json_object_get_boolean_member (reply.object, "timed_out"));
  g_assert_cmpint (json_object_get_int_member (reply.object, "signal"), ==, 9);
  g_assert_cmpstr (json_object_get_string_member (reply.object, "output"), ==, "ignoring\n");
  duration = json_object_get_int_member (reply.object, "duration_ms");
  g_assert_cmpint (duration, >=, 2950);
  g_assert_cmpint (duration, <, 6000);
}

static void
test_cap (Fixture       *fixture,
          gconstpointer  data)
{
  g_auto (Reply) reply = { 0 };
  const char *output;

  request ("POST", fixture->agent->base_uri, "/v1/actions/big", fixture->bearer, NULL, &reply);
  g_assert_cmpuint (reply.status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (reply.object, "exit_status"), ==, 0);
  g_assert_true (json_object_get_boolean_member (reply.object, "truncated"));
  output = json_object_get_string_member (reply.object, "output");
  g_assert_cmpuint (strlen (output), ==, 64 * 1024);
  g_assert_cmpuint (strspn (output, "a"), ==, 64 * 1024);
}

typedef struct
{
  const char *base;
  const char *bearer;
  Reply       reply;
} Background;

static gpointer
post_in_thread (gpointer data)
{
  Background *background = data;
  g_autoptr (GMainContext) context = g_main_context_new ();

  g_main_context_push_thread_default (context);
  request ("POST", background->base, "/v1/actions/nap", background->bearer, NULL,
           &background->reply);
  g_main_context_pop_thread_default (context);

  return NULL;
}

static void
test_concurrent (Fixture       *fixture,
                 gconstpointer  data)
{
  Background background = { fixture->agent->base_uri, fixture->bearer };
  g_auto (Reply) second = { 0 };
  GThread *thread;

  thread = g_thread_new ("first-run", post_in_thread, &background);
  g_assert_true (seye_test_agent_wait_log (fixture->agent, "action nap for 127.0.0.1: started",
                                           5000));

  request ("POST", fixture->agent->base_uri, "/v1/actions/nap", fixture->bearer, NULL, &second);
  g_assert_cmpuint (second.status, ==, 409);
  g_assert_nonnull (strstr (second.body, "already running"));

  /* Another action is not held up by it. */
  g_assert_cmpuint (status_of ("POST", fixture->agent->base_uri, "/v1/actions/hello",
                               fixture->bearer, NULL), ==, 200);

  g_thread_join (thread);
  g_assert_cmpuint (background.reply.status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (background.reply.object, "exit_status"), ==, 0);
  reply_clear (&background.reply);

  /* Once it has ended it runs again. */
  g_assert_cmpuint (status_of ("POST", fixture->agent->base_uri, "/v1/actions/nap",
                               fixture->bearer, NULL), ==, 200);
}

static void
test_refusals (Fixture       *fixture,
               gconstpointer  data)
{
  const char *base = fixture->agent->base_uri;
  g_autofree char *zeros = g_strnfill (64, '0');
  g_autofree char *wrong = g_strconcat ("Bearer ", zeros, NULL);
  g_auto (Reply) reply = { 0 };
  g_auto (Reply) get = { 0 };

  /* No token, a wrong one: nothing runs. */
  g_assert_cmpuint (status_of ("POST", base, "/v1/actions/hello", NULL, NULL), ==, 401);
  g_assert_cmpuint (status_of ("GET", base, "/v1/actions", NULL, NULL), ==, 401);
  g_assert_cmpuint (status_of ("POST", base, "/v1/actions/hello", wrong, NULL), ==, 401);
  g_assert_false (seye_test_agent_wait_log (fixture->agent, "action hello for", 200));

  request ("POST", base, "/v1/actions/nope", fixture->bearer, NULL, &reply);
  g_assert_cmpuint (reply.status, ==, 404);
  g_assert_nonnull (strstr (reply.body, "GET /v1/actions lists them"));

  /* What was refused stays refused. */
  g_assert_cmpuint (status_of ("POST", base, "/v1/node", fixture->bearer, NULL), ==, 405);
  g_assert_cmpuint (status_of ("POST", base, "/v1/actions", fixture->bearer, NULL), ==, 405);
  request ("GET", base, "/v1/actions/hello", fixture->bearer, NULL, &get);
  g_assert_cmpuint (get.status, ==, 405);
  g_assert_cmpstr (get.allow, ==, "POST");
  g_assert_cmpuint (status_of ("POST", base, "/v1/actions/hello", fixture->bearer, "run=now"),
                    ==, 413);
  g_assert_false (seye_test_agent_wait_log (fixture->agent, "action hello for", 200));
}

/* Plain HTTP to the agent's HTTPS port: no HTTP answer, nothing runs. */
static void
test_plain_http (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *plain = g_strdup_printf ("http://127.0.0.1:%u", fixture->agent->port);
  g_autoptr (SoupSession) session = soup_session_new_with_options ("timeout", 10, NULL);
  g_autofree char *uri = g_strconcat (plain, "/v1/actions/hello", NULL);
  g_autoptr (SoupMessage) msg = soup_message_new ("POST", uri);
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                fixture->bearer);
  bytes = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_nonnull (error);
  g_test_message ("plain HTTP: %s", error->message);
  g_assert_false (seye_test_agent_wait_log (fixture->agent, "action hello for", 300));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/seye/agent/actions/refused", test_refused);
  g_test_add_func ("/seye/agent/actions/none", test_none);
  g_test_add ("/seye/agent/actions/list", Fixture, NULL, fixture_set_up, test_list,
              fixture_tear_down);
  g_test_add ("/seye/agent/actions/output", Fixture, NULL, fixture_set_up, test_output,
              fixture_tear_down);
  g_test_add ("/seye/agent/actions/timeout", Fixture, NULL, fixture_set_up, test_timeout,
              fixture_tear_down);
  g_test_add ("/seye/agent/actions/cap", Fixture, NULL, fixture_set_up, test_cap,
              fixture_tear_down);
  g_test_add ("/seye/agent/actions/concurrent", Fixture, NULL, fixture_set_up, test_concurrent,
              fixture_tear_down);
  g_test_add ("/seye/agent/actions/refusals", Fixture, NULL, fixture_set_up, test_refusals,
              fixture_tear_down);
  g_test_add ("/seye/agent/actions/plain-http", Fixture, NULL, fixture_set_up, test_plain_http,
              fixture_tear_down);

  return g_test_run ();
}
