/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-agent"

#include "config.h"

#include <glib-unix.h>
#include <ifaddrs.h>
#include <locale.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "seye-agent-actions.h"
#include "seye-agent-auth.h"
#include "seye-agent-config.h"
#include "seye-agent-publisher.h"
#include "seye-agent-server.h"
#include "seye-agent-tls.h"
#include "seye-file-limit.h"
#include "seye-proc.h"
#include "seye-proc-processes.h"
#include "seye-tags.h"
#include "seye-txt.h"

#define PROGRAM "sorcerers-eye-agent"

/* Structured logging: straight to the journal under systemd, one readable line
 * per message on a terminal ("sorcerers-eye-agent: ..."). Debug and info only
 * with G_MESSAGES_DEBUG, as everywhere in GLib. */
static GLogWriterOutput
log_writer (GLogLevelFlags   level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         data)
{
  const char *message = NULL;
  const char *prefix = "";

  if (g_log_writer_default_would_drop (level, G_LOG_DOMAIN))
    return G_LOG_WRITER_HANDLED;

  if (g_log_writer_is_journald (fileno (stderr)) &&
      g_log_writer_journald (level, fields, n_fields, data) == G_LOG_WRITER_HANDLED)
    return G_LOG_WRITER_HANDLED;

  for (gsize i = 0; i < n_fields; i++)
    if (g_strcmp0 (fields[i].key, "MESSAGE") == 0)
      message = fields[i].value;

  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL))
    prefix = "error: ";
  else if (level & G_LOG_LEVEL_WARNING)
    prefix = "warning: ";

  fprintf (stderr, PROGRAM ": %s%s\n", prefix, message ? message : "");
  fflush (stderr);

  return G_LOG_WRITER_HANDLED;
}

typedef struct
{
  GMainLoop          *loop;
  SeyeAgentServer    *server;
  SeyeAgentPublisher *publisher;
  guint               stopping;   /* the timeout that lets the goodbyes go out */
  int                 signal_number;
} Agent;

#define GOODBYE_MS 250

static void
stop_cb (gpointer data)
{
  Agent *agent = data;

  g_main_loop_quit (agent->loop);
}

static gboolean
quit_cb (gpointer data)
{
  Agent *agent = data;

  /* A second signal: do not wait for the goodbyes. */
  if (agent->stopping != 0)
    {
      g_main_loop_quit (agent->loop);
      return G_SOURCE_CONTINUE;
    }

  g_message ("Stopping (signal)");
  if (agent->publisher != NULL)
    seye_agent_publisher_withdraw (agent->publisher);

  /* Streams end with a goodbye: clients show "Left the network", not
   * "Offline". A quarter of a second lets the lines go out. */
  seye_agent_server_say_goodbye (agent->server);
  agent->stopping = g_timeout_add_once (GOODBYE_MS, stop_cb, agent);

  return G_SOURCE_CONTINUE;
}

/* Each connection is a descriptor: make room for the cap, as far as the hard
 * limit allows. The process scanner holds files of /proc/PID open between
 * scans, in what the soft limit leaves above 1,024: room for those too. */
static void
raise_file_limit (guint max_connections)
{
  guint64 needed = (guint64) max_connections + 64;
  guint64 limit = seye_file_limit_raise (MAX (needed, 1024) + SEYE_PROCESS_MAX_HELD_FILES);

  if (limit < needed)
    g_warning ("only %" G_GUINT64_FORMAT " open files are allowed: fewer than %u connections can be served",
               limit, max_connections);
}

static G_GNUC_PRINTF (1, 2) int
fail (const char *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  fprintf (stderr, PROGRAM ": error: %s\n", message);

  return 1;
}

/* What the agent proves itself and its clients with: the token (auth=token)
 * and the certificate (tls), made on first use. */
typedef struct
{
  char            *token;
  char            *token_path;
  GTlsCertificate *certificate;
  char            *certificate_path;
  char            *fingerprint;  /* 64 lower-case hex digits */
} Credentials;

static void
credentials_clear (Credentials *credentials)
{
  if (credentials->token != NULL)
    explicit_bzero (credentials->token, strlen (credentials->token));
  g_clear_pointer (&credentials->token, g_free);
  g_clear_pointer (&credentials->token_path, g_free);
  g_clear_object (&credentials->certificate);
  g_clear_pointer (&credentials->certificate_path, g_free);
  g_clear_pointer (&credentials->fingerprint, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Credentials, credentials_clear)

static gboolean
load_credentials (SeyeAgentConfig  *config,
                  Credentials      *credentials,
                  GError          **error)
{
  if (config->auth == SEYE_AGENT_AUTH_TOKEN)
    {
      gboolean created = FALSE;

      credentials->token = seye_agent_token_load_or_create (config->state_dir, &created, error);
      if (credentials->token == NULL)
        return FALSE;
      credentials->token_path = g_build_filename (config->state_dir, "token", NULL);
      if (created)
        g_message ("Made a new token in %s", credentials->token_path);
    }

  if (config->tls)
    {
      gboolean generated = FALSE;

      credentials->certificate = seye_agent_tls_get_certificate (config->tls_certificate,
                                                                 config->tls_key,
                                                                 config->state_dir,
                                                                 &credentials->certificate_path,
                                                                 &generated, error);
      if (credentials->certificate == NULL)
        return FALSE;
      credentials->fingerprint = seye_agent_tls_fingerprint (credentials->certificate);
      if (generated)
        g_message ("Made a self-signed TLS certificate in %s", credentials->certificate_path);
    }

  return TRUE;
}

static void
print_address (const char *host,
               gboolean    is_ipv6,
               const char *scheme,
               guint       port,
               gboolean    first)
{
  printf ("%-13s%s://%s%s%s:%u\n", first ? "Address:" : "", scheme,
          is_ipv6 ? "[" : "", host, is_ipv6 ? "]" : "", port);
}

/* The addresses the app could be given: those bound, or this machine's own
 * (but loopback and IPv6 link-local ones, which need more than an address). */
static void
print_addresses (SeyeAgentConfig *config,
                 const char      *scheme)
{
  g_autofree char *short_name = g_strndup (g_get_host_name (), strcspn (g_get_host_name (), "."));
  g_autofree char *local_name = g_strconcat (short_name, ".local", NULL);
  struct ifaddrs *addresses = NULL;
  gboolean first = TRUE;

  if (config->bind != NULL)
    {
      for (guint i = 0; config->bind[i] != NULL; i++)
        {
          print_address (config->bind[i], strchr (config->bind[i], ':') != NULL, scheme,
                         config->port, first);
          first = FALSE;
        }
      return;
    }

  if (config->mdns)
    {
      print_address (local_name, FALSE, scheme, config->port, first);
      first = FALSE;
    }

  if (getifaddrs (&addresses) != 0)
    return;

  for (struct ifaddrs *a = addresses; a != NULL; a = a->ifa_next)
    {
      g_autoptr (GSocketAddress) socket_address = NULL;
      g_autofree char *text = NULL;
      GInetAddress *address;

      if (a->ifa_addr == NULL || (a->ifa_flags & IFF_LOOPBACK) ||
          (a->ifa_addr->sa_family != AF_INET && a->ifa_addr->sa_family != AF_INET6))
        continue;

      socket_address = g_socket_address_new_from_native (a->ifa_addr,
                                                         a->ifa_addr->sa_family == AF_INET
                                                         ? sizeof (struct sockaddr_in)
                                                         : sizeof (struct sockaddr_in6));
      if (!G_IS_INET_SOCKET_ADDRESS (socket_address))
        continue;
      address = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (socket_address));
      if (g_inet_address_get_is_loopback (address) || g_inet_address_get_is_link_local (address))
        continue;

      text = g_inet_address_to_string (address);
      print_address (text, g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6, scheme,
                     config->port, first);
      first = FALSE;
    }

  freeifaddrs (addresses);
}

/* --pairing-info: what a user gives the app to pair with this node. */
static int
print_pairing_info (SeyeAgentConfig *config)
{
  g_auto (Credentials) credentials = { 0 };
  g_autoptr (GError) error = NULL;
  const char *scheme = config->tls ? "https" : "http";

  if (!load_credentials (config, &credentials, &error))
    return fail ("%s", error->message);

  printf ("Pairing with “%s” (" PROGRAM " %s)\n",
          config->name != NULL ? config->name : g_get_host_name (), PACKAGE_VERSION);
  print_addresses (config, scheme);
  if (config->port == 0)
    printf ("%-13s(port 0: a free port is chosen at each start; set one with --port)\n", "");

  if (credentials.token != NULL)
    printf ("%-13s%s\n", "Token:", credentials.token);
  else
    printf ("%-13s%s\n", "Token:", "none (auth=none: every client that can connect may read this node)");

  if (credentials.fingerprint != NULL)
    {
      g_autofree char *fingerprint = seye_agent_tls_fingerprint_for_humans (credentials.fingerprint);

      printf ("%-13s%s\n", "Fingerprint:", fingerprint);
    }
  else
    {
      printf ("%-13s%s\n", "Fingerprint:", "none (plain HTTP: tls is off)");
    }

  printf ("%-13s%s, /metrics: %s\n", "Access:", seye_agent_access_to_string (config->api_access),
          seye_agent_access_to_string (config->metrics_access));

  return 0;
}

/* The node as it is announced: the id and name configured, else this machine's. */
static SeyeNodeInfo *
read_identity (SeyeAgentConfig  *config,
               SeyeProcReader   *reader,
               GError          **error)
{
  g_autoptr (SeyeNodeInfo) info = seye_proc_reader_read_identity (reader);

  if (config->node_id != NULL)
    {
      g_free (info->node_id);
      info->node_id = g_strdup (config->node_id);
    }
  else if (info->node_id == NULL)
    {
      /* Read again for the reason it has none. */
      g_free (seye_proc_reader_read_node_id (reader, error));
      return NULL;
    }

  g_free (info->name);
  info->name = g_strdup (config->name ? config->name : info->hostname);
  if (info->name == NULL || info->name[0] == '\0')
    {
      g_free (info->name);
      info->name = g_strdup ("sorcerers-eye-node");
    }
  g_free (info->agent_version);
  info->agent_version = g_strdup (PACKAGE_VERSION);
  g_strfreev (info->tags);
  info->tags = g_strdupv (config->tags);

  return g_steal_pointer (&info);
}

/* What the agent serves, and to whom, once it listens. */
static void
log_settings (SeyeAgentConfig    *config,
              const SeyeNodeInfo *info,
              const Credentials  *credentials)
{
  g_message ("Node “%s” (id %s), sampling %s every %g s%s%s",
             info->name, info->node_id, config->root, config->interval,
             config->config_path ? ", settings from " : "",
             config->config_path ? config->config_path : "");
  if (info->tags != NULL)
    {
      g_autofree char *tags = seye_tags_join ((const char * const *) info->tags);

      g_message ("Tags: %s", tags);
    }

  if (credentials->token != NULL)
    {
      g_message ("Clients need the token in %s for %s (" PROGRAM " --pairing-info prints it)",
                 credentials->token_path,
                 config->api_access == SEYE_AGENT_ACCESS_TOKEN
                 ? (config->metrics_access == SEYE_AGENT_ACCESS_TOKEN ? "the JSON API and /metrics"
                                                                      : "the JSON API")
                 : (config->metrics_access == SEYE_AGENT_ACCESS_TOKEN ? "/metrics" : "nothing"));
      if (credentials->certificate == NULL)
        g_warning ("the token crosses the network in clear text: add --tls (tls=true) to send it "
                   "over HTTPS");
    }
  if (credentials->certificate != NULL)
    {
      g_autofree char *fingerprint = NULL;

      fingerprint = seye_agent_tls_fingerprint_for_humans (credentials->fingerprint);

      g_message ("HTTPS only, certificate %s, fingerprint %s", credentials->certificate_path,
                 fingerprint);
    }
  if (config->api_access == SEYE_AGENT_ACCESS_LOOPBACK || config->metrics_access != config->api_access)
    g_message ("Access: JSON API %s, /metrics %s", seye_agent_access_to_string (config->api_access),
               seye_agent_access_to_string (config->metrics_access));
  for (guint i = 0; config->actions != NULL && i < config->actions->len; i++)
    {
      const SeyeAgentAction *action = g_ptr_array_index (config->actions, i);
      g_autofree char *command = g_strjoinv (" ", action->argv);

      g_message ("Action %s (POST /v1/actions/%s, timeout %u s): %s", action->name, action->name,
                 action->timeout, command);
    }
}

/* The node announced over mDNS: its TXT record says who it is and what it wants. */
static SeyeAgentPublisher *
announce (SeyeAgentConfig    *config,
          const SeyeNodeInfo *info,
          const Credentials  *credentials,
          guint16             port)
{
  SeyeTxtRecord txt = {
    .txtvers = SEYE_TXT_VERSION,
    .node_id = info->node_id,
    .api_version = SEYE_API_VERSION,
    .agent_version = info->agent_version,
    .tls_fingerprint = credentials->fingerprint,
    .auth_token = config->api_access == SEYE_AGENT_ACCESS_TOKEN,
    .tags = info->tags,
  };
  g_auto (GStrv) entries = seye_txt_record_to_strv (&txt);
  SeyeAgentPublisher *publisher = seye_agent_publisher_new (info->name, port,
                                                            (const char * const *) entries);

  seye_agent_publisher_start (publisher);

  return publisher;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (SeyeAgentConfig) config = seye_agent_config_new ();
  g_autoptr (SeyeAgentServer) server = NULL;
  g_autoptr (SeyeAgentPublisher) publisher = NULL;
  g_autoptr (SeyeNodeInfo) info = NULL;
  g_autoptr (GMainLoop) loop = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (Credentials) credentials = { 0 };
  SeyeProcReader *reader;
  gboolean show_version = FALSE;
  Agent agent = { 0 };
  guint sigterm, sigint;

  setlocale (LC_ALL, "");
  g_log_set_writer_func (log_writer, NULL, NULL);

  if (!seye_agent_config_parse_args (config, &argc, &argv, &show_version, &error))
    return fail ("%s", error->message);

  if (show_version)
    {
      printf (PROGRAM " %s\n", PACKAGE_VERSION);
      return 0;
    }

  if (config->pairing_info)
    return print_pairing_info (config);

  /* Before anything listens: a bad token file or certificate ends the agent. */
  if (!load_credentials (config, &credentials, &error))
    return fail ("%s", error->message);

  reader = seye_proc_reader_new (config->root);
  info = read_identity (config, reader, &error);
  if (info == NULL)
    {
      seye_proc_reader_free (reader);
      return fail ("%s", error->message);
    }

  raise_file_limit (config->max_connections);
  server = seye_agent_server_new (reader, info, config->interval);
  g_object_set (server,
                "max-connections", config->max_connections,
                "idle-timeout", config->idle_timeout,
                "max-header-size", config->max_header_size,
                "rate-limit", config->rate_limit,
                "rate-burst", config->rate_burst,
                "token", credentials.token,
                "api-access", config->api_access,
                "metrics-access", config->metrics_access,
                "tls-certificate", credentials.certificate,
                "process-args", config->process_args,
                NULL);
  if (config->process_args && config->api_access == SEYE_AGENT_ACCESS_OPEN)
    g_warning ("process-args=true shows command lines only with api-access=token or loopback; "
               "with api-access=open nobody sees them");

  seye_agent_server_set_actions (server, config->actions);
  if (!seye_agent_server_listen (server, config->port, (const char * const *) config->bind, &error))
    return fail ("%s", error->message);

  log_settings (config, info, &credentials);

  seye_agent_server_start (server);

  if (config->mdns)
    publisher = announce (config, info, &credentials, seye_agent_server_get_port (server));
  else
    g_message ("mDNS is off (--no-mdns): clients must be given this node's address");

  loop = g_main_loop_new (NULL, FALSE);
  agent.loop = loop;
  agent.server = server;
  agent.publisher = publisher;
  sigterm = g_unix_signal_add (SIGTERM, quit_cb, &agent);
  sigint = g_unix_signal_add (SIGINT, quit_cb, &agent);

  g_main_loop_run (loop);

  g_source_remove (sigterm);
  g_source_remove (sigint);
  seye_agent_server_stop (server);

  return 0;
}
