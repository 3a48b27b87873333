/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The nodes of a command that runs once (seye fetch, top, run): the --host nodes
 * and those found over mDNS, with the pin and token of --pin and --token-file,
 * waited for until they answered; or the one node a command is about. */
#define G_LOG_DOMAIN "seye-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "seye-cli-common.h"
#include "seye-error.h"
#include "seye-sanitize.h"

/* Gathering ---------------------------------------------------------------- */

#define QUIET_MS 300        /* discovery ends this long after the last answer, once Avahi says "all for now" */
#define ONCE_INTERVAL 1.5   /* seconds between two polls of a node, when one sample is all a command wants
                               (at most 5 s / STALE_POLLS: a node with no sample is "not responding" as soon) */

/* --pin and --token-file, read and checked. */
static gboolean
read_pairing (SeyeCliGather               *self,
              const SeyeCliGatherOptions  *options,
              GError                     **error)
{
  g_autofree char *contents = NULL;
  g_autoptr (GError) local_error = NULL;
  gsize length;

  if (options->pin == NULL && options->token_file == NULL)
    return TRUE;

  if (options->pin == NULL || options->token_file == NULL)
    {
      g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                           _("--pin and --token-file go together: a token is only sent to the pinned certificate"));
      return FALSE;
    }

  self->fingerprint = seye_fingerprint_parse (options->pin, error);
  if (self->fingerprint == NULL)
    return FALSE;

  if (!g_file_get_contents (options->token_file, &contents, &length, &local_error))
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG, _("Cannot read the token: %s"), local_error->message);
      return FALSE;
    }

  self->token = seye_token_parse (contents, &local_error);
  memset (contents, 0, length);
  if (self->token == NULL)
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG, "%s: %s", options->token_file, local_error->message);
      return FALSE;
    }

  return TRUE;
}

/* The pin and the token for @key (a node id, or the address of a --host node). */
static void
pair (SeyeCliGather *self,
      const char    *key)
{
  SeyeCredentials *credentials = seye_monitor_get_credentials (self->monitor);
  g_autoptr (SeyePairing) pairing = NULL;

  if (self->token == NULL || seye_credentials_lookup (credentials, key) != NULL)
    return;

  pairing = seye_pairing_new (key, NULL, self->fingerprint, self->token);
  seye_credentials_add (credentials, pairing);
}

/* A pairing for each --host https:// node, by its address. */
static gboolean
pair_hosts (SeyeCliGather               *self,
            const SeyeCliGatherOptions  *options,
            GError                     **error)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->monitor));
  guint n_https = 0;

  if (self->token == NULL)
    return TRUE;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (SeyeNode) node = g_list_model_get_item (G_LIST_MODEL (self->monitor), i);

      if (!seye_node_get_tls (node))
        continue;

      pair (self, seye_node_get_address (node));
      n_https++;
    }

  if (n_https == 0 && options->pin_needs_host)
    {
      g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                           _("--pin and --token-file apply to --host https://HOST:PORT; no such --host was given"));
      return FALSE;
    }

  return TRUE;
}

static void
service_resolved_cb (SeyeCliGather   *self,
                     SeyeServiceInfo *info)
{
  self->last_answer = g_get_monotonic_time ();

  if (self->browse_only)
    return;

  if (self->only_id != NULL && g_strcmp0 (info->txt.node_id, self->only_id) != 0)
    return;

  /* A node that announces the pinned certificate gets the token (it goes to
   * that certificate only, whoever announces it). */
  if (self->fingerprint != NULL && info->txt.node_id != NULL &&
      seye_fingerprint_equal (info->txt.tls_fingerprint, self->fingerprint))
    pair (self, info->txt.node_id);

  seye_monitor_add_service (self->monitor, info);
}

/* avahi-daemon's limit reached (it is said once): which setting to raise. */
static void
limit_message_cb (SeyeCliGather *self)
{
  g_printerr ("seye %s: %s\n", self->command, seye_browser_get_limit_message (self->browser));
}

static void
all_for_now_cb (SeyeCliGather *self)
{
  self->all_for_now = TRUE;
  self->last_answer = MAX (self->last_answer, g_get_monotonic_time ());
}

/**
 * seye_cli_gather_start:
 * @command: "fetch", "top", …: for the messages
 *
 * Starts following the --host nodes and, unless told not to, looking for
 * others over mDNS, with the pin and token of --pin and --token-file.
 *
 * Returns: whether the options were right (@error says why not)
 */
gboolean
seye_cli_gather_start (SeyeCliGather               *self,
                       const char                  *command,
                       const SeyeCliGatherOptions  *options,
                       GError                     **error)
{
  gint64 now = g_get_monotonic_time ();
  gboolean discovery = !options->no_discovery && options->discovery_time > 0;

  self->command = command;
  self->browse_only = options->browse_only;
  self->monitor = seye_monitor_new ();
  seye_monitor_set_fetch_history (self->monitor, FALSE);
  /* One sample a node: it is not asked again every half second while a
   * thousand others are still being found. */
  seye_monitor_set_interval (self->monitor, options->once ? ONCE_INTERVAL : 0.5);
  self->discovery_end = now + (discovery ? (gint64) (options->discovery_time * G_USEC_PER_SEC) : 0);
  self->deadline = self->discovery_end + (gint64) (options->timeout * G_USEC_PER_SEC);

  if (!read_pairing (self, options, error) ||
      !seye_cli_add_hosts (self->monitor, options->hosts, error) ||
      !pair_hosts (self, options, error))
    return FALSE;

  if (options->prometheus != NULL)
    {
      g_autoptr (GError) local = NULL;

      self->prometheus = seye_cli_prometheus_add (self->monitor, options->prometheus, options->timeout, &local);
      if (local != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
    }

  seye_monitor_start (self->monitor);

  if (discovery)
    {
      self->browser = seye_browser_new ();
      g_signal_connect_swapped (self->browser, "service-resolved", G_CALLBACK (service_resolved_cb), self);
      g_signal_connect_swapped (self->browser, "all-for-now", G_CALLBACK (all_for_now_cb), self);
      g_signal_connect_swapped (self->browser, "notify::limit-message", G_CALLBACK (limit_message_cb), self);
      seye_browser_start (self->browser);

      if (!seye_browser_get_available (self->browser) &&
          seye_browser_get_status_message (self->browser) != NULL)
        g_printerr ("seye %s: %s\n", command, seye_browser_get_status_message (self->browser));
    }

  return TRUE;
}

void
seye_cli_gather_clear (SeyeCliGather *self)
{
  if (self->browser != NULL)
    g_signal_handlers_disconnect_by_data (self->browser, self);
  g_clear_object (&self->browser);
  g_clear_object (&self->prometheus);
  if (self->monitor != NULL)
    seye_monitor_stop (self->monitor);
  g_clear_object (&self->monitor);
  if (self->token != NULL)
    memset (self->token, 0, strlen (self->token));
  g_clear_pointer (&self->token, g_free);
  g_clear_pointer (&self->fingerprint, g_free);
  g_clear_pointer (&self->only_id, g_free);
}

/* Whether answers may still come over mDNS: while services found are being
 * resolved (a thousand take seconds; the deadline bounds it), and otherwise
 * until the discovery time is up or Avahi said "all for now" and nothing came
 * for QUIET_MS ("all for now" may come long before the last service). */
gboolean
seye_cli_gather_discovering (SeyeCliGather *self)
{
  gint64 now = g_get_monotonic_time ();

  if (self->browser == NULL || !seye_browser_get_available (self->browser))
    return FALSE;

  if (seye_browser_get_n_pending (self->browser) > 0)
    return TRUE;

  return now < self->discovery_end && !(self->all_for_now && now - self->last_answer >= QUIET_MS * 1000);
}

/* Done once discovery is over and every node said what it had to say. */
gboolean
seye_cli_gather_settled (SeyeCliGather *self,
                         gpointer       unused)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->monitor));

  /* An id announced at two addresses may be two machines: wait for the answer. */
  if (seye_cli_gather_discovering (self) || seye_monitor_get_vetting (self->monitor))
    return FALSE;

  /* Its nodes are known once it answered (or failed to). */
  if (self->prometheus != NULL && seye_prometheus_source_get_refreshes (self->prometheus) == 0)
    return FALSE;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (SeyeNode) node = g_list_model_get_item (G_LIST_MODEL (self->monitor), i);

      if (!seye_cli_node_settled (node))
        return FALSE;
    }

  return TRUE;
}

static gboolean
wakeup_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/**
 * seye_cli_gather_wait:
 *
 * Runs the main context until @done says so, or the deadline.
 *
 * Returns: whether @done said so in time
 */
gboolean
seye_cli_gather_wait (SeyeCliGather     *self,
                      SeyeCliGatherDone  done,
                      gpointer           data)
{
  guint tick = g_timeout_add (50, wakeup_cb, NULL);
  gboolean finished;

  while (!(finished = done (self, data)) && g_get_monotonic_time () < self->deadline)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (tick);

  return finished;
}

/* Finding one node --------------------------------------------------------- */

/**
 * seye_cli_looks_like_address:
 *
 * Returns: whether @text is an address ("host:port", an IP address, "[v6]:port",
 *   "https://…") rather than a node's name or id.
 */
gboolean
seye_cli_looks_like_address (const char *text)
{
  return g_str_has_prefix (text, "http://") || g_str_has_prefix (text, "https://") ||
         strchr (text, ':') != NULL || text[0] == '[' || g_hostname_is_ip_address (text);
}

/* Node id; else exact name (any case); else the beginning of a node id. */
static GPtrArray *
matching_nodes (SeyeMonitor *monitor,
                const char  *text)
{
  GPtrArray *matches = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (monitor));
  g_autofree char *folded = g_utf8_casefold (text, -1);

  for (guint tier = 0; tier < 3 && matches->len == 0; tier++)
    {
      for (guint i = 0; i < n; i++)
        {
          g_autoptr (SeyeNode) node = g_list_model_get_item (G_LIST_MODEL (monitor), i);
          const SeyeNodeInfo *info = seye_node_get_info (node);
          const char *id = info != NULL ? info->node_id : seye_node_get_key (node);
          g_autofree char *name = g_utf8_casefold (seye_node_get_name (node), -1);
          gboolean match;

          if (tier == 0)
            match = g_ascii_strcasecmp (id, text) == 0;
          else if (tier == 1)
            match = g_str_equal (name, folded);
          else
            match = strlen (text) >= 4 && g_ascii_strncasecmp (id, text, strlen (text)) == 0;

          if (match)
            g_ptr_array_add (matches, g_steal_pointer (&node));
        }
    }

  return matches;
}

/* Done once discovery is over and the nodes that may be @text have answered:
 * those that match, and those added by address (their names come with them). */
static gboolean
candidates_settled (SeyeCliGather *self,
                    gpointer       text)
{
  g_autoptr (GPtrArray) matches = NULL;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->monitor));

  if (seye_cli_gather_discovering (self) || seye_monitor_get_vetting (self->monitor))
    return FALSE;

  /* Its nodes are known once it answered (or failed to). */
  if (self->prometheus != NULL && seye_prometheus_source_get_refreshes (self->prometheus) == 0)
    return FALSE;

  matches = matching_nodes (self->monitor, text);
  for (guint i = 0; i < matches->len; i++)
    if (!seye_cli_node_settled (matches->pdata[i]))
      return FALSE;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (SeyeNode) node = g_list_model_get_item (G_LIST_MODEL (self->monitor), i);

      if (seye_node_get_manual (node) && !seye_cli_node_settled (node))
        return FALSE;
    }

  return TRUE;
}

static gboolean
node_settled (SeyeCliGather *self,
              gpointer       node)
{
  return !seye_monitor_get_vetting (self->monitor) && seye_cli_node_settled (node);
}

/* "\n  name  address  node id" for each node, sanitised. */
static char *
describe_nodes (GPtrArray *nodes)
{
  GString *str = g_string_new (NULL);

  for (guint i = 0; i < nodes->len; i++)
    {
      const SeyeNodeInfo *info = seye_node_get_info (nodes->pdata[i]);
      g_autofree char *name = seye_sanitize_display (seye_node_get_name (nodes->pdata[i]));
      g_autofree char *address = seye_cli_display_address (nodes->pdata[i]);
      g_autofree char *id = seye_sanitize_display (info != NULL ? info->node_id
                                                                : seye_node_get_key (nodes->pdata[i]));

      g_string_append_printf (str, "\n  %s  %s  %s", name, address, id);
    }

  return g_string_free (str, FALSE);
}

static void
set_not_found (SeyeCliGather  *self,
               const char     *text,
               GError        **error)
{
  g_autoptr (GPtrArray) nodes = seye_cli_collect_nodes (self->monitor, NULL, SEYE_NODE_COLUMN_NAME);
  g_autofree char *clean = seye_sanitize_display (text);
  g_autofree char *list = NULL;

  if (nodes->len > 0)
    {
      list = describe_nodes (nodes);
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                   _("no node is named “%s”; give a name, node id or HOST:PORT of one of these:%s"),
                   clean, list);
    }
  else if (self->browser == NULL)
    g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                 _("no node “%s”: without discovery, give its address, HOST[:PORT]"), clean);
  else if (!seye_browser_get_available (self->browser))
    g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                 _("no node “%s”: nodes cannot be found over mDNS here; give its address, HOST[:PORT]"), clean);
  else
    g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                 _("no node “%s” was found over mDNS; start sorcerers-eye-agent on it, or give its address, HOST[:PORT]"),
                 clean);
}

/**
 * seye_cli_gather_find:
 * @text: a node's name (any case), node id, the beginning of one, or its address
 *
 * Waits for the node @text names: at its address, or once discovery is over and
 * the nodes that may be it answered.
 *
 * Returns: (transfer full) (nullable): the node, settled or at the deadline;
 *   %NULL when none or several are @text (SEYE_ERROR_CONFIG, with the nodes to
 *   choose from)
 */
SeyeNode *
seye_cli_gather_find (SeyeCliGather  *self,
                      const char     *text,
                      GError        **error)
{
  g_autoptr (GPtrArray) matches = NULL;

  if (seye_cli_looks_like_address (text))
    {
      SeyeNode *node = seye_monitor_add_manual (self->monitor, text, error);

      if (node == NULL)
        return NULL;

      g_object_ref (node);
      seye_cli_gather_wait (self, node_settled, node);

      return node;
    }

  seye_cli_gather_wait (self, candidates_settled, (gpointer) text);
  matches = matching_nodes (self->monitor, text);

  if (matches->len == 1)
    return g_object_ref (matches->pdata[0]);

  if (matches->len > 1)
    {
      g_autofree char *clean = seye_sanitize_display (text);
      g_autofree char *list = describe_nodes (matches);

      g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                   _("“%s” is more than one node; give its node id or HOST:PORT:%s"), clean, list);
      return NULL;
    }

  set_not_found (self, text, error);

  return NULL;
}

/* Follows @node only: the others are forgotten, and mDNS answers for them ignored. */
void
seye_cli_gather_keep_only (SeyeCliGather *self,
                           SeyeNode      *node)
{
  g_autoptr (GPtrArray) nodes = seye_cli_collect_nodes (self->monitor, NULL, SEYE_NODE_COLUMN_NAME);
  const SeyeNodeInfo *info = seye_node_get_info (node);

  g_free (self->only_id);
  self->only_id = g_strdup (info != NULL ? info->node_id : seye_node_get_key (node));

  for (guint i = 0; i < nodes->len; i++)
    if (nodes->pdata[i] != node)
      seye_monitor_remove (self->monitor, nodes->pdata[i]);
}

/* `seye top NODE`, `seye run NODE` ------------------------------------------ */

static const GOptionEntry node_entries[] = {
  { "no-discovery", 'n', 0, G_OPTION_ARG_NONE, NULL,
    N_("Do not look for NODE over mDNS (NODE is an address then)"), NULL },
  { "discovery-time", 't', 0, G_OPTION_ARG_DOUBLE, NULL,
    N_("Look for NODE over mDNS for at most this long (default 1.5; ends early when answers stop)"),
    N_("SECONDS") },
  { "timeout", 'T', 0, G_OPTION_ARG_DOUBLE, NULL,
    N_("Give NODE this long to answer (default 5)"), N_("SECONDS") },
  { "pin", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("NODE’s certificate fingerprint, as “sorcerers-eye-agent --pairing-info” prints it"),
    N_("SHA256:AB:CD:…") },
  { "token-file", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Send the token in FILE to NODE, only when it presents the --pin certificate"), N_("FILE") },
};

/**
 * seye_cli_node_option_entries:
 *
 * Returns: (transfer full): the options that say how NODE is found, storing
 *   into @options, followed by the end of an entry list; free with g_free().
 */
GOptionEntry *
seye_cli_node_option_entries (SeyeCliGatherOptions *options)
{
  gpointer data[] = {
    &options->no_discovery, &options->discovery_time, &options->timeout, &options->pin, &options->token_file,
  };
  GOptionEntry *entries = g_new0 (GOptionEntry, G_N_ELEMENTS (node_entries) + 1);

  G_STATIC_ASSERT (G_N_ELEMENTS (data) == G_N_ELEMENTS (node_entries));
  for (guint i = 0; i < G_N_ELEMENTS (node_entries); i++)
    {
      entries[i] = node_entries[i];
      entries[i].arg_data = data[i];
    }

  return entries;
}

void
seye_cli_node_options_init (SeyeCliGatherOptions *options)
{
  memset (options, 0, sizeof *options);
  options->discovery_time = 1.5;
  options->timeout = 5.0;
}

void
seye_cli_node_options_clear (SeyeCliGatherOptions *options)
{
  g_clear_pointer (&options->hosts, g_strfreev);
  g_clear_pointer (&options->pin, g_free);
  g_clear_pointer (&options->token_file, g_free);
}

/* Whether the options are right; if not, says why. */
gboolean
seye_cli_node_options_check (SeyeCliGatherOptions *options,
                             const char           *command,
                             const char           *node)
{
  if (!(options->discovery_time >= 0 && options->discovery_time <= 600) ||
      !(options->timeout > 0 && options->timeout <= 600))
    {
      g_printerr ("seye %s: %s\n", command, _("--discovery-time and --timeout take seconds from 0 to 600"));
      return FALSE;
    }

  /* An address is asked directly: nothing to look for. */
  if (seye_cli_looks_like_address (node))
    {
      const char *hosts[] = { node, NULL };

      options->no_discovery = TRUE;
      options->hosts = g_strdupv ((char **) hosts);
    }

  return TRUE;
}

/**
 * seye_cli_find_one_node:
 * @exit_status: (out): SEYE_EXIT_USAGE when there is no node to return
 *
 * Starts @gather and finds the node @text names (seye_cli_gather_find()); the
 * others are then forgotten. Says why there is none.
 *
 * Returns: (transfer full) (nullable): the node, settled or at the deadline
 */
SeyeNode *
seye_cli_find_one_node (SeyeCliGather        *gather,
                        const char           *command,
                        SeyeCliGatherOptions *options,
                        const char           *text,
                        int                  *exit_status)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SeyeNode) node = NULL;

  *exit_status = SEYE_EXIT_USAGE;

  if (!seye_cli_gather_start (gather, command, options, &error) ||
      (node = seye_cli_gather_find (gather, text, &error)) == NULL)
    {
      g_printerr ("seye %s: %s\n", command, error->message);
      return NULL;
    }

  seye_cli_gather_keep_only (gather, node);
  *exit_status = SEYE_EXIT_OK;

  return g_steal_pointer (&node);
}
