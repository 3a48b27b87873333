/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-agent"

#include "config.h"

#include <glib-unix.h>
#include <locale.h>
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>

#include "seye-agent-config.h"
#include "seye-agent-publisher.h"
#include "seye-agent-server.h"
#include "seye-proc.h"
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
  SeyeAgentPublisher *publisher;
  int                 signal_number;
} Agent;

static gboolean
quit_cb (gpointer data)
{
  Agent *agent = data;

  g_message ("Stopping (signal)");
  if (agent->publisher != NULL)
    seye_agent_publisher_withdraw (agent->publisher);
  g_main_loop_quit (agent->loop);

  return G_SOURCE_CONTINUE;
}

/* Each connection is a descriptor: make room for the cap, as far as the hard limit allows. */
static void
raise_file_limit (guint max_connections)
{
  struct rlimit limit;
  rlim_t wanted = (rlim_t) max_connections + 64;

  if (getrlimit (RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= wanted)
    return;

  limit.rlim_cur = limit.rlim_max == RLIM_INFINITY ? wanted : MIN (wanted, limit.rlim_max);
  if (setrlimit (RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur < wanted)
    g_warning ("only %lu open files are allowed: fewer than %u connections can be served",
               (unsigned long) limit.rlim_cur, max_connections);
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

  reader = seye_proc_reader_new (config->root);
  info = seye_proc_reader_read_identity (reader);
  if (config->node_id != NULL)
    {
      g_free (info->node_id);
      info->node_id = g_strdup (config->node_id);
    }
  else if (info->node_id == NULL)
    {
      g_autofree char *node_id = seye_proc_reader_read_node_id (reader, &error);

      seye_proc_reader_free (reader);
      return fail ("%s", error->message);
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

  raise_file_limit (config->max_connections);
  server = seye_agent_server_new (reader, info, config->interval);
  g_object_set (server,
                "max-connections", config->max_connections,
                "idle-timeout", config->idle_timeout,
                "max-header-size", config->max_header_size,
                "rate-limit", config->rate_limit,
                "rate-burst", config->rate_burst,
                NULL);
  if (!seye_agent_server_listen (server, config->port, (const char * const *) config->bind, &error))
    return fail ("%s", error->message);

  g_message ("Node “%s” (id %s), sampling %s every %g s%s%s",
             info->name, info->node_id, config->root, config->interval,
             config->config_path ? ", settings from " : "",
             config->config_path ? config->config_path : "");

  seye_agent_server_start (server);

  if (config->mdns)
    {
      SeyeTxtRecord txt = {
        .txtvers = SEYE_TXT_VERSION,
        .node_id = info->node_id,
        .api_version = SEYE_API_VERSION,
        .agent_version = info->agent_version,
      };
      g_auto (GStrv) entries = seye_txt_record_to_strv (&txt);

      publisher = seye_agent_publisher_new (info->name, seye_agent_server_get_port (server),
                                            (const char * const *) entries);
      seye_agent_publisher_start (publisher);
    }
  else
    {
      g_message ("mDNS is off (--no-mdns): clients must be given this node's address");
    }

  loop = g_main_loop_new (NULL, FALSE);
  agent.loop = loop;
  agent.publisher = publisher;
  sigterm = g_unix_signal_add (SIGTERM, quit_cb, &agent);
  sigint = g_unix_signal_add (SIGINT, quit_cb, &agent);

  g_main_loop_run (loop);

  g_source_remove (sigterm);
  g_source_remove (sigint);
  seye_agent_server_stop (server);

  return 0;
}
