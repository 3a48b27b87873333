/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <ifaddrs.h>
#include <libsoup/soup.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "seye-test-util.h"

/*
 * Who may read a node, against real agent processes: the token file (made
 * private, kept across restarts, refused when others may read it), bearer
 * tokens right and wrong, access that differs between the JSON API and
 * /metrics (token, loopback, off), and HTTPS with a generated or a given
 * certificate whose SHA-256 is what --pairing-info prints.
 */

#define NODE_ID     "0123456789abcdef0123456789abcdef"
#define REALM       "Bearer realm=\"sorcerers-eye\""
#define TOKEN_CHARS "0123456789abcdef"

/* Helpers ------------------------------------------------------------------ */

static char *
make_state_dir (void)
{
  g_autoptr (GError) error = NULL;
  char *dir = g_dir_make_tmp ("seye-auth-XXXXXX", &error);

  g_assert_no_error (error);

  return dir;
}

static char *
read_file (const char *path)
{
  g_autoptr (GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);

  return contents;
}

static guint
file_mode (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);

  return st.st_mode & 07777;
}

/* Runs the agent (or @program) to its end; returns its exit status, and what it printed. */
static int
run_to_end (const char         *program,
            const char * const *args,
            char              **out,
            char              **err)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  int status;

  g_ptr_array_add (argv, (char *) (program != NULL ? program : g_getenv ("SEYE_AGENT")));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, err,
                &status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));

  return WEXITSTATUS (status);
}

/* The agent must end with 1 and one line that says @says. */
static void
assert_refused (const char * const *args,
                const char         *says)
{
  g_autofree char *err = NULL;
  int status = run_to_end (NULL, args, NULL, &err);

  g_test_message ("%s … → %d: %s", args[0], status, err);
  g_assert_cmpint (status, ==, 1);
  g_assert_true (g_str_has_prefix (err, "sorcerers-eye-agent: error: "));
  g_assert_nonnull (strstr (err, says));
  g_assert_cmpuint (strlen (err), ==, (gsize) (strchr (err, '\n') - err) + 1);
}

typedef struct
{
  guint            status;
  char            *body;
  char            *www_authenticate;
  GTlsCertificate *peer;     /* the server's certificate, over HTTPS */
} Reply;

static void
reply_clear (Reply *reply)
{
  g_clear_pointer (&reply->body, g_free);
  g_clear_pointer (&reply->www_authenticate, g_free);
  g_clear_object (&reply->peer);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Reply, reply_clear)

/* A self-signed certificate is what the agent has: accept it, and keep it to check. */
static gboolean
accept_certificate_cb (SoupMessage          *msg,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              data)
{
  return TRUE;
}

/* GET @base@path with @authorization (NULL: none) over a fresh connection. */
static void
get (const char *base,
     const char *path,
     const char *authorization,
     Reply      *reply)
{
  g_autoptr (SoupSession) session = soup_session_new_with_options ("timeout", 10, NULL);
  g_autofree char *uri = g_strconcat (base, path, NULL);
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", uri);
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GError) error = NULL;
  SoupMessageHeaders *headers;

  if (authorization != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                  authorization);
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_certificate_cb), NULL);

  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);

  headers = soup_message_get_response_headers (msg);
  reply->status = soup_message_get_status (msg);
  reply->body = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  reply->www_authenticate = g_strdup (soup_message_headers_get_one (headers, "WWW-Authenticate"));
  if (soup_message_get_tls_peer_certificate (msg) != NULL)
    reply->peer = g_object_ref (soup_message_get_tls_peer_certificate (msg));
}

static guint
get_status (const char *base,
            const char *path,
            const char *authorization)
{
  g_auto (Reply) reply = { 0 };

  get (base, path, authorization, &reply);

  return reply.status;
}

static char *
bearer (const char *token)
{
  return g_strconcat ("Bearer ", token, NULL);
}

/* A 401 as every client must be able to rely on. */
static void
assert_unauthorized (const char *base,
                     const char *path,
                     const char *authorization)
{
  g_auto (Reply) reply = { 0 };

  get (base, path, authorization, &reply);
  g_test_message ("%s with “%s” → %u %s", path, authorization ? authorization : "(none)",
                  reply.status, reply.body);
  g_assert_cmpuint (reply.status, ==, 401);
  g_assert_cmpstr (reply.www_authenticate, ==, REALM);
  g_assert_true (g_str_has_prefix (reply.body, "{\"error\":{\"status\":401,\"message\":\""));
  /* Nothing of the node in it. */
  g_assert_null (strstr (reply.body, NODE_ID));
}

static char *
sha256_of_certificate (GTlsCertificate *certificate)
{
  g_autoptr (GByteArray) der = NULL;

  g_object_get (certificate, "certificate", &der, NULL);
  g_assert_nonnull (der);

  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, der->data, der->len);
}

/* "SHA256:AB:CD:…" → "abcd…" */
static char *
fingerprint_from_humans (const char *text)
{
  GString *hex = g_string_new (NULL);

  g_assert_true (g_str_has_prefix (text, "SHA256:"));
  for (const char *p = text + strlen ("SHA256:"); *p != '\0' && *p != '\n'; p++)
    {
      if (*p == ':')
        continue;
      g_assert_true (g_ascii_isdigit (*p) || (*p >= 'A' && *p <= 'F'));
      g_string_append_c (hex, g_ascii_tolower (*p));
    }

  return g_string_free (hex, FALSE);
}

/* The value of "Label:   value" in --pairing-info's output. */
static char *
pairing_value (const char *output,
               const char *label)
{
  const char *line = strstr (output, label);
  const char *end;

  g_assert_nonnull (line);
  line += strlen (label);
  while (*line == ' ')
    line++;
  end = strchr (line, '\n');

  return g_strndup (line, end != NULL ? (gsize) (end - line) : strlen (line));
}

/* A non-loopback IPv4 address of this machine, or NULL. */
static char *
other_address (void)
{
  struct ifaddrs *addresses = NULL;
  char *found = NULL;

  if (getifaddrs (&addresses) != 0)
    return NULL;

  for (struct ifaddrs *a = addresses; a != NULL && found == NULL; a = a->ifa_next)
    {
      g_autoptr (GSocketAddress) address = NULL;

      if (a->ifa_addr == NULL || a->ifa_addr->sa_family != AF_INET ||
          (a->ifa_flags & IFF_LOOPBACK) || !(a->ifa_flags & IFF_UP))
        continue;
      address = g_socket_address_new_from_native (a->ifa_addr, sizeof (struct sockaddr_in));
      found = g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address)));
    }

  freeifaddrs (addresses);

  return found;
}

/* Token --------------------------------------------------------------------- */

static void
test_token (void)
{
  g_autofree char *dir = make_state_dir ();
  g_autofree char *state_dir = g_build_filename (dir, "state", NULL);
  g_autofree char *token_path = g_build_filename (state_dir, "token", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *again = NULL;
  g_autofree char *token = NULL;
  g_autofree char *right = NULL;
  g_autofree char *wrong = NULL;
  g_autofree char *shorter = NULL;
  g_autofree char *longer = NULL;
  g_autoptr (SeyeTestAgent) agent = NULL;
  const char *paths[] = { "/v1/node", "/v1/metrics", "/v1/history", "/metrics" };

  agent = seye_test_agent_start ("--no-mdns", "--node-id", NODE_ID, "--auth=token",
                                 "--state-dir", state_dir, "--rate-limit", "0", NULL);
  g_assert_true (seye_test_agent_wait_log (agent, "Made a new token in", 5000));

  /* 64 lower-case hex digits and a newline, readable by the agent's user alone. */
  contents = read_file (token_path);
  g_assert_cmpuint (strlen (contents), ==, 65);
  g_assert_cmpint (contents[64], ==, '\n');
  token = g_strndup (contents, 64);
  g_assert_cmpuint (strspn (token, TOKEN_CHARS), ==, 64);
  g_assert_cmphex (file_mode (token_path), ==, 0600);
  g_assert_cmphex (file_mode (state_dir), ==, 0700);
  /* The token is not logged. */
  g_assert_null (strstr (agent->log->str, token));

  right = bearer (token);
  wrong = bearer (token);
  wrong[strlen (wrong) - 1] = wrong[strlen (wrong) - 1] == '0' ? '1' : '0';
  shorter = g_strndup (right, strlen (right) - 1);
  longer = g_strconcat (right, "0", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autofree char *basic = g_strconcat ("Basic ", token, NULL);

      assert_unauthorized (agent->base_uri, paths[i], NULL);
      assert_unauthorized (agent->base_uri, paths[i], wrong);
      assert_unauthorized (agent->base_uri, paths[i], shorter);
      assert_unauthorized (agent->base_uri, paths[i], longer);
      assert_unauthorized (agent->base_uri, paths[i], "Bearer ");
      assert_unauthorized (agent->base_uri, paths[i], basic);
      g_assert_cmpuint (get_status (agent->base_uri, paths[i], right), ==, 200);
    }

  /* The scheme's case does not matter (RFC 7235). */
  {
    g_autofree char *lower = g_strconcat ("bearer ", token, NULL);

    g_assert_cmpuint (get_status (agent->base_uri, "/v1/node", lower), ==, 200);
  }

  /* Unknown paths say nothing without the token either. */
  assert_unauthorized (agent->base_uri, "/v1/secrets", NULL);
  g_assert_cmpuint (get_status (agent->base_uri, "/v1/secrets", right), ==, 404);

  /* The index stays open and tells no more than the mDNS record. */
  {
    g_auto (Reply) reply = { 0 };

    get (agent->base_uri, "/", NULL, &reply);
    g_assert_cmpuint (reply.status, ==, 200);
    g_assert_null (strstr (reply.body, NODE_ID));
    g_assert_null (strstr (reply.body, "hostname"));
  }

  g_assert_cmpint (seye_test_agent_stop (agent), ==, 0);
  g_clear_pointer (&agent, seye_test_agent_free);

  /* A restart reads the same token. */
  agent = seye_test_agent_start ("--no-mdns", "--node-id", NODE_ID, "--auth=token",
                                 "--state-dir", state_dir, NULL);
  again = read_file (token_path);
  g_assert_cmpstr (again, ==, contents);
  g_assert_null (strstr (agent->log->str, "Made a new token"));
  g_assert_cmpuint (get_status (agent->base_uri, "/v1/metrics", right), ==, 200);
  assert_unauthorized (agent->base_uri, "/v1/metrics", wrong);
  g_assert_cmpint (seye_test_agent_stop (agent), ==, 0);

  seye_test_remove_tree (dir);
}

/* Failed tries count against the rate limit like any request. */
static void
test_wrong_tokens_are_rate_limited (void)
{
  g_autofree char *dir = make_state_dir ();
  g_autoptr (SeyeTestAgent) agent = NULL;
  g_autofree char *wrong = bearer ("0000000000000000000000000000000000000000000000000000000000000000");
  guint limited = 0;

  agent = seye_test_agent_start ("--no-mdns", "--node-id", NODE_ID, "--auth=token",
                                 "--state-dir", dir, "--rate-limit", "1", "--rate-burst", "3", NULL);

  for (guint i = 0; i < 10; i++)
    {
      guint status = get_status (agent->base_uri, "/v1/node", wrong);

      g_assert_true (status == 401 || status == 429);
      if (status == 429)
        limited++;
    }
  g_assert_cmpuint (limited, >=, 1);

  g_assert_cmpint (seye_test_agent_stop (agent), ==, 0);
  seye_test_remove_tree (dir);
}

static void
test_token_file_refused (void)
{
  g_autofree char *dir = make_state_dir ();
  g_autofree char *token_path = g_build_filename (dir, "token", NULL);
  const char *args[] = { "--no-mdns", "--bind", "127.0.0.1", "--port", "0", "--auth=token",
                         "--state-dir", dir, NULL };
  const char *pairing[] = { "--pairing-info", "--auth=token", "--state-dir", dir, NULL };
  g_autoptr (GError) error = NULL;

  /* Readable by the group: refused, not trusted. */
  g_file_set_contents_full (token_path,
                            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n", -1,
                            G_FILE_SET_CONTENTS_NONE, 0640, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (token_path, 0640), ==, 0);
  assert_refused (args, "may be read by other users (mode 0640)");
  assert_refused (args, "chmod 600");
  assert_refused (pairing, "may be read by other users");

  /* Private but not a token. */
  g_assert_cmpint (g_chmod (token_path, 0600), ==, 0);
  g_file_set_contents_full (token_path, "hello\n", -1, G_FILE_SET_CONTENTS_NONE, 0600, &error);
  g_assert_no_error (error);
  assert_refused (args, "does not hold a token");

  /* Upper case is not the agent's own form either. */
  g_file_set_contents_full (token_path,
                            "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef\n", -1,
                            G_FILE_SET_CONTENTS_NONE, 0600, &error);
  g_assert_no_error (error);
  assert_refused (args, "does not hold a token");

  seye_test_remove_tree (dir);
}

/* Access -------------------------------------------------------------------- */

static void
test_metrics_loopback_api_token (void)
{
  g_autofree char *dir = make_state_dir ();
  g_autofree char *token_path = g_build_filename (dir, "token", NULL);
  g_autofree char *other = other_address ();
  g_autofree char *contents = NULL;
  g_autofree char *right = NULL;
  g_autoptr (SeyeTestAgent) agent = NULL;

  if (other == NULL)
    {
      if (g_strcmp0 (g_getenv ("CI"), "true") == 0)
        g_error ("this machine has no non-loopback IPv4 address to test loopback-only access from");
      g_test_skip ("no non-loopback IPv4 address here to come from");
      return;
    }

  agent = seye_test_agent_start ("--no-mdns", "--node-id", NODE_ID, "--auth=token",
                                 "--state-dir", dir, "--api-access=token",
                                 "--metrics-access=loopback", "--bind", other, NULL);
  contents = read_file (token_path);
  contents[64] = '\0';
  right = bearer (contents);

  /* Prometheus on the same machine: no token needed on loopback. */
  g_assert_cmpuint (get_status (agent->base_uri, "/metrics", NULL), ==, 200);
  /* The JSON API wants the token. */
  assert_unauthorized (agent->base_uri, "/v1/metrics", NULL);
  g_assert_cmpuint (get_status (agent->base_uri, "/v1/metrics", right), ==, 200);

  /* From an address that is not loopback, /metrics is refused whatever the token. */
  {
    g_autofree char *base = g_strdup_printf ("http://%s:%u", other, agent->port);
    g_auto (Reply) reply = { 0 };

    get (base, "/metrics", right, &reply);
    g_test_message ("/metrics from %s → %u %s", other, reply.status, reply.body);
    g_assert_cmpuint (reply.status, ==, 403);
    g_assert_true (g_str_has_prefix (reply.body, "{\"error\":{\"status\":403,"));
    g_assert_nonnull (strstr (reply.body, "loopback"));
    g_assert_null (reply.www_authenticate);

    /* The JSON API from there: the token decides. */
    assert_unauthorized (base, "/v1/node", NULL);
    g_assert_cmpuint (get_status (base, "/v1/node", right), ==, 200);
  }

  g_assert_true (seye_test_agent_wait_log (agent, "Access: JSON API token, /metrics loopback", 1000));
  g_assert_cmpint (seye_test_agent_stop (agent), ==, 0);
  seye_test_remove_tree (dir);
}

static void
test_api_loopback (void)
{
  g_autofree char *other = other_address ();
  g_autoptr (SeyeTestAgent) agent = NULL;

  if (other == NULL)
    {
      if (g_strcmp0 (g_getenv ("CI"), "true") == 0)
        g_error ("this machine has no non-loopback IPv4 address to test loopback-only access from");
      g_test_skip ("no non-loopback IPv4 address here to come from");
      return;
    }

  /* No auth at all: no state directory is needed or made. */
  agent = seye_test_agent_start ("--no-mdns", "--node-id", NODE_ID, "--api-access=loopback",
                                 "--state-dir", "/nonexistent/state", "--bind", other, NULL);
  g_assert_cmpuint (get_status (agent->base_uri, "/v1/node", NULL), ==, 200);
  g_assert_cmpuint (get_status (agent->base_uri, "/metrics", NULL), ==, 200);
  {
    g_autofree char *base = g_strdup_printf ("http://%s:%u", other, agent->port);
    g_auto (Reply) reply = { 0 };

    get (base, "/v1/history", NULL, &reply);
    g_assert_cmpuint (reply.status, ==, 403);
    g_assert_nonnull (strstr (reply.body, "api-access=loopback"));
    /* /metrics keeps its own access: open. */
    g_assert_cmpuint (get_status (base, "/metrics", NULL), ==, 200);
    g_assert_cmpuint (get_status (base, "/", NULL), ==, 200);
  }
  g_assert_false (g_file_test ("/nonexistent/state", G_FILE_TEST_EXISTS));

  g_assert_cmpint (seye_test_agent_stop (agent), ==, 0);
}

static void
test_metrics_off (void)
{
  g_autoptr (SeyeTestAgent) agent = NULL;
  g_auto (Reply) reply = { 0 };
  g_auto (Reply) index = { 0 };

  agent = seye_test_agent_start ("--no-mdns", "--node-id", NODE_ID, "--metrics-access=off", NULL);

  get (agent->base_uri, "/metrics", NULL, &reply);
  g_assert_cmpuint (reply.status, ==, 404);
  g_assert_nonnull (strstr (reply.body, "metrics-access=off"));
  g_assert_cmpuint (get_status (agent->base_uri, "/v1/metrics", NULL), ==, 200);

  get (agent->base_uri, "/", NULL, &index);
  g_assert_nonnull (strstr (index.body, "\"/v1/metrics\""));
  g_assert_null (strstr (index.body, "\"/metrics\""));

  g_assert_cmpint (seye_test_agent_stop (agent), ==, 0);
}

static void
test_bad_settings (void)
{
  g_autofree char *dir = make_state_dir ();
  g_autofree char *conf = g_build_filename (dir, "agent.conf", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.pem", NULL);
  g_autoptr (GError) error = NULL;
  static const struct {
    const char *args[4];
    const char *says;
  } cases[] = {
    { { "--auth=maybe", NULL }, "auth “maybe” is not known: use none or token" },
    { { "--api-access=off", NULL }, "api-access “off” is not known: use open, token or loopback" },
    { { "--metrics-access=sometimes", NULL }, "metrics-access “sometimes” is not known" },
    { { "--api-access=token", NULL }, "api-access=token needs a token: turn it on with --auth=token" },
    { { "--metrics-access=token", NULL }, "metrics-access=token needs a token" },
    { { "--tls", "--tls-certificate", "/etc/hostname", NULL }, "tls-certificate and tls-key go together" },
    { { "--tls-certificate", "/a", "--tls-key=/b", }, "TLS is off: add --tls" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GPtrArray) args = g_ptr_array_new ();

      g_ptr_array_add (args, (char *) "--no-mdns");
      g_ptr_array_add (args, (char *) "--state-dir");
      g_ptr_array_add (args, dir);
      for (guint j = 0; j < G_N_ELEMENTS (cases[i].args) && cases[i].args[j] != NULL; j++)
        g_ptr_array_add (args, (char *) cases[i].args[j]);
      g_ptr_array_add (args, NULL);
      assert_refused ((const char * const *) args->pdata, cases[i].says);
    }

  /* The same from the key file, named with its key. */
  g_file_set_contents (conf, "[agent]\nauth=yes\n", -1, &error);
  g_assert_no_error (error);
  {
    const char *args[] = { "--no-mdns", "--config", conf, NULL };

    assert_refused (args, "[agent] auth: auth “yes” is not known");
  }
  g_file_set_contents (conf, "[agent]\nmetrics-access=loopback\napi-access=everyone\n", -1, &error);
  g_assert_no_error (error);
  {
    const char *args[] = { "--no-mdns", "--config", conf, NULL };

    assert_refused (args, "[agent] api-access: api-access “everyone” is not known");
  }

  /* A certificate that is not there: one line, exit 1, before anything listens. */
  {
    const char *args[] = { "--no-mdns", "--bind", "127.0.0.1", "--port", "0", "--tls",
                           "--tls-certificate", missing, "--tls-key", missing, NULL };

    assert_refused (args, "cannot load the TLS certificate");
    assert_refused (args, missing);
  }

  seye_test_remove_tree (dir);
}

/* HTTPS --------------------------------------------------------------------- */

/* Sends @request in plain text to the TLS port: no HTTP answer may come back. */
static void
send_plain (guint16     port,
            const char *request)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  g_autoptr (GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                             G_SOCKET_PROTOCOL_TCP, &error);
  g_autoptr (GString) received = g_string_new (NULL);
  char buffer[1024];
  gssize n;

  g_assert_no_error (error);
  g_socket_set_timeout (socket, 10);
  g_socket_connect (socket, address, NULL, &error);
  g_assert_no_error (error);
  g_socket_send (socket, request, strlen (request), NULL, &error);
  g_assert_no_error (error);

  /* Until the agent closes (it must, not hold the socket until our timeout). */
  while ((n = g_socket_receive (socket, buffer, sizeof buffer, NULL, &error)) > 0)
    g_string_append_len (received, buffer, n);
  g_assert_false (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT));

  g_test_message ("plain text to the TLS port: %" G_GSIZE_FORMAT " bytes back", received->len);
  g_assert_null (strstr (received->str, "HTTP/1."));
  g_assert_null (strstr (received->str, NODE_ID));
}

/* Failed handshakes are no news: no warning or error about them. */
static void
assert_quiet_about_connections (SeyeTestAgent *agent)
{
  g_auto (GStrv) lines = g_strsplit (agent->log->str, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *lower = g_ascii_strdown (lines[i], -1);

      if (strstr (lower, ": warning: ") == NULL && strstr (lower, ": error: ") == NULL &&
          strstr (lower, "critical") == NULL)
        continue;
      if (strstr (lower, "tls") != NULL || strstr (lower, "handshake") != NULL ||
          strstr (lower, "connection") != NULL || strstr (lower, "soup") != NULL)
        g_error ("the agent complained about a connection: %s", lines[i]);
    }
}

static void
test_tls_generated (void)
{
  g_autofree char *dir = make_state_dir ();
  g_autofree char *certificate_path = g_build_filename (dir, "tls.crt", NULL);
  g_autofree char *key_path = g_build_filename (dir, "tls.key", NULL);
  g_autofree char *token_path = g_build_filename (dir, "token", NULL);
  g_autofree char *pairing = NULL;
  g_autofree char *pairing_err = NULL;
  g_autofree char *printed = NULL;
  g_autofree char *printed_token = NULL;
  g_autofree char *seen = NULL;
  g_autofree char *certificate_pem = NULL;
  g_autofree char *right = NULL;
  g_autofree char *token = NULL;
  g_autoptr (SeyeTestAgent) agent = NULL;
  const char *pairing_args[] = { "--pairing-info", "--tls", "--auth=token", "--state-dir", dir,
                                 "--port", "7999", "--bind", "127.0.0.1", NULL };
  g_auto (Reply) reply = { 0 };

  agent = seye_test_agent_start ("--no-mdns", "--node-id", NODE_ID, "--tls", "--auth=token",
                                 "--state-dir", dir, "--idle-timeout", "2", NULL);
  g_assert_true (g_str_has_prefix (agent->base_uri, "https://"));
  g_assert_true (seye_test_agent_wait_log (agent, "Made a self-signed TLS certificate in", 1000));
  g_assert_cmphex (file_mode (key_path), ==, 0600);
  token = read_file (token_path);
  token[64] = '\0';
  right = bearer (token);

  /* The client sees the certificate whose SHA-256 --pairing-info prints. */
  get (agent->base_uri, "/v1/node", right, &reply);
  g_assert_cmpuint (reply.status, ==, 200);
  g_assert_nonnull (strstr (reply.body, NODE_ID));
  g_assert_nonnull (reply.peer);
  seen = sha256_of_certificate (reply.peer);

  g_assert_cmpint (run_to_end (NULL, pairing_args, &pairing, &pairing_err), ==, 0);
  g_test_message ("--pairing-info:\n%s%s", pairing, pairing_err);
  {
    g_autofree char *human = pairing_value (pairing, "Fingerprint:");
    g_autofree char *address = pairing_value (pairing, "Address:");

    printed = fingerprint_from_humans (human);
    g_assert_cmpstr (address, ==, "https://127.0.0.1:7999");
  }
  g_assert_cmpstr (printed, ==, seen);
  printed_token = pairing_value (pairing, "Token:");
  g_assert_cmpstr (printed_token, ==, token);
  /* The log says the fingerprint too, never the token. */
  {
    g_autofree char *human = pairing_value (pairing, "Fingerprint:");

    g_assert_true (seye_test_agent_wait_log (agent, human, 5000));
    g_assert_null (strstr (agent->log->str, token));
  }

  /* Plain HTTP and garbage at the TLS port get nothing, and harm nothing. */
  send_plain (agent->port, "GET /v1/node HTTP/1.1\r\nHost: agent\r\nAuthorization: Bearer x\r\n\r\n");
  send_plain (agent->port, "garbage that is not a TLS handshake\r\n\r\n");
  /* The start of a handshake message that never ends: the idle timeout closes it. */
  send_plain (agent->port, "\x16\x03\x01\x00\x05garbage");
  g_assert_cmpuint (get_status (agent->base_uri, "/v1/metrics", right), ==, 200);
  assert_unauthorized (agent->base_uri, "/v1/metrics", NULL);
  assert_quiet_about_connections (agent);

  g_assert_cmpint (seye_test_agent_stop (agent), ==, 0);
  g_clear_pointer (&agent, seye_test_agent_free);

  /* A restart serves the same certificate. */
  certificate_pem = read_file (certificate_path);
  agent = seye_test_agent_start ("--no-mdns", "--node-id", NODE_ID, "--tls", "--auth=token",
                                 "--state-dir", dir, NULL);
  g_assert_null (strstr (agent->log->str, "Made a"));
  {
    g_auto (Reply) again = { 0 };
    g_autofree char *pem = read_file (certificate_path);
    g_autofree char *fingerprint = NULL;

    get (agent->base_uri, "/v1/node", right, &again);
    g_assert_cmpuint (again.status, ==, 200);
    fingerprint = sha256_of_certificate (again.peer);
    g_assert_cmpstr (fingerprint, ==, seen);
    g_assert_cmpstr (pem, ==, certificate_pem);
  }
  g_assert_cmpint (seye_test_agent_stop (agent), ==, 0);

  seye_test_remove_tree (dir);
}

static void
make_pair (const char *dir,
           const char *name,
           char      **certificate_path,
           char      **key_path)
{
  g_autofree char *certificate_name = g_strconcat (name, ".crt", NULL);
  g_autofree char *key_name = g_strconcat (name, ".key", NULL);
  g_autofree char *err = NULL;
  const char *certgen = g_getenv ("SEYE_AGENT_CERTGEN");
  const char *args[] = { "--certificate", NULL, "--key", NULL, "--hostname", "given.example", NULL };

  g_assert_nonnull (certgen);
  *certificate_path = g_build_filename (dir, certificate_name, NULL);
  *key_path = g_build_filename (dir, key_name, NULL);
  args[1] = *certificate_path;
  args[3] = *key_path;
  g_assert_cmpint (run_to_end (certgen, args, NULL, &err), ==, 0);
  g_assert_cmpstr (err, ==, "");
}

static void
test_tls_given (void)
{
  g_autofree char *dir = make_state_dir ();
  g_autofree char *state_dir = g_build_filename (dir, "state", NULL);
  g_autofree char *certificate_path = NULL;
  g_autofree char *key_path = NULL;
  g_autofree char *other_certificate = NULL;
  g_autofree char *other_key = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *seen = NULL;
  g_autoptr (GTlsCertificate) given = NULL;
  g_autoptr (SeyeTestAgent) agent = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (Reply) reply = { 0 };

  make_pair (dir, "given", &certificate_path, &key_path);
  make_pair (dir, "other", &other_certificate, &other_key);
  given = g_tls_certificate_new_from_file (certificate_path, &error);
  g_assert_no_error (error);
  expected = sha256_of_certificate (given);

  /* No auth: open over HTTPS; nothing is made in the state directory. */
  agent = seye_test_agent_start ("--no-mdns", "--node-id", NODE_ID, "--tls",
                                 "--tls-certificate", certificate_path, "--tls-key", key_path,
                                 "--state-dir", state_dir, NULL);
  get (agent->base_uri, "/v1/node", NULL, &reply);
  g_assert_cmpuint (reply.status, ==, 200);
  seen = sha256_of_certificate (reply.peer);
  g_assert_cmpstr (seen, ==, expected);
  g_assert_true (g_tls_certificate_is_same (reply.peer, given));
  g_assert_true (seye_test_agent_wait_log (agent, certificate_path, 5000));
  g_assert_false (g_file_test (state_dir, G_FILE_TEST_EXISTS));
  g_assert_cmpint (seye_test_agent_stop (agent), ==, 0);

  /* A key that is not the certificate's: refused at start. */
  {
    const char *args[] = { "--no-mdns", "--bind", "127.0.0.1", "--port", "0", "--tls",
                           "--tls-certificate", certificate_path, "--tls-key", other_key, NULL };

    assert_refused (args, "is not the key of the certificate");
  }
  /* Not a certificate at all. */
  {
    const char *args[] = { "--no-mdns", "--bind", "127.0.0.1", "--port", "0", "--tls",
                           "--tls-certificate", key_path, "--tls-key", key_path, NULL };

    assert_refused (args, "cannot load the TLS certificate");
  }

  seye_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/seye/agent/auth/token", test_token);
  g_test_add_func ("/seye/agent/auth/wrong-tokens-rate-limited",
                   test_wrong_tokens_are_rate_limited);
  g_test_add_func ("/seye/agent/auth/token-file-refused", test_token_file_refused);
  g_test_add_func ("/seye/agent/auth/metrics-loopback-api-token", test_metrics_loopback_api_token);
  g_test_add_func ("/seye/agent/auth/api-loopback", test_api_loopback);
  g_test_add_func ("/seye/agent/auth/metrics-off", test_metrics_off);
  g_test_add_func ("/seye/agent/auth/bad-settings", test_bad_settings);
  g_test_add_func ("/seye/agent/auth/tls-generated", test_tls_generated);
  g_test_add_func ("/seye/agent/auth/tls-given", test_tls_given);

  return g_test_run ();
}
