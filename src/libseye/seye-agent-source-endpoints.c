/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-agent-source"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "seye-address.h"
#include "seye-agent-source-private.h"
#include "seye-json.h"

#define VETTED_SAME        1                  /* peer->vetted: the same agent answered there */

/* Endpoints ---------------------------------------------------------------- */

static int
service_rank (const SeyeServiceInfo *info)
{
  /* HTTPS before plain HTTP, whatever the address. */
  int tls = info->txt.tls_fingerprint != NULL ? 10 : 0;

  if (info->address == NULL)
    return 0;
  if (strchr (info->address, ':') == NULL)
    return tls + 3;                     /* IPv4 */
  if (strchr (info->address, '%') == NULL)
    return tls + 2;                     /* routable IPv6 */
  return tls + 1;                       /* IPv6 link-local */
}

void
_seye_agent_source_set_endpoint (SeyeAgentSource *self,
                                 SeyeAgentPeer   *peer,
                                 const char      *host,
                                 guint16          port,
                                 gboolean         tls,
                                 const char      *service_key)
{
  SeyeNode *node = peer->node;
  g_autofree char *address = NULL;
  g_autofree char *base_uri = NULL;

  g_free (peer->service_key);
  peer->service_key = g_strdup (service_key);

  base_uri = seye_address_base_uri (host, port, tls);
  if (g_strcmp0 (base_uri, peer->base_uri) == 0)
    return;

  g_debug ("node “%s” now at %s", seye_node_get_key (node), base_uri);

  g_free (peer->host);
  peer->host = g_strdup (host);
  _seye_node_set_host (node, host);
  peer->port = port;
  g_free (peer->base_uri);
  peer->base_uri = g_steal_pointer (&base_uri);
  address = seye_address_format (host, port);
  _seye_node_set_address (node, address);
  _seye_node_set_tls (node, tls);

  /* A new place: ask it at once, whatever was in flight to the old one. */
  peer->failures = 0;
  peer->waiting_since = 0;
  /* Whoever answers there says who it is first: it may not be who was here. */
  peer->need_info = TRUE;
  if (self->started)
    {
      seye_agent_peer_cancel (peer);
      _seye_agent_source_schedule_poll (self, peer, 0);
    }
}


char *
_seye_agent_source_service_uri (const SeyeServiceInfo *info)
{
  return seye_address_base_uri (info->address, info->port, info->txt.tls_fingerprint != NULL);
}

/* Whether @uri did not present @node's pinned certificate lately (a round of
 * retries ago at most: then it is tried again). */
static gboolean
endpoint_refused (SeyeAgentPeer *peer,
                  const char    *uri)
{
  gpointer when;

  if (!g_hash_table_lookup_extended (peer->refused, uri, NULL, &when))
    return FALSE;

  return g_get_monotonic_time () / G_USEC_PER_SEC - (gint64) GPOINTER_TO_SIZE (when) < MAX_BACKOFF - 1;
}

/* How much @info is worth polling @node at; -1: not at all. A paired node's
 * endpoint is the one that presents the pin: one that did not is tried again
 * only after a while, one that did comes first. */
static int
endpoint_rank (SeyeAgentPeer         *peer,
               const SeyeServiceInfo *info,
               gboolean               paired)
{
  g_autofree char *uri = _seye_agent_source_service_uri (info);

  if (!paired)
    {
      gpointer vetted;

      /* Not another endpoint that was not asked who it is yet (_seye_agent_source_vet_endpoints()):
       * it may be another machine, and HTTPS proves nothing without a pin. */
      if (peer->base_uri != NULL && g_strcmp0 (uri, peer->base_uri) != 0 &&
          !(g_hash_table_lookup_extended (peer->vetted, uri, NULL, &vetted) &&
            (GPOINTER_TO_SIZE (vetted) & VETTED_SAME) != 0))
        return MAX (service_rank (info) - 20, 0);

      return service_rank (info);
    }

  if (endpoint_refused (peer, uri))
    return -1;

  return service_rank (info) + (g_strcmp0 (uri, peer->proven_uri) == 0 ? 100 : 0);
}

/* Picks the best service to poll a discovered node at: for a paired node the
 * one that presented the pin; then IPv4 first, then routable IPv6, then
 * link-local; the current one while it ranks as high. */
void
_seye_agent_source_choose_endpoint (SeyeAgentSource *self,
                                    SeyeAgentPeer   *peer)
{
  SeyeNode *node = peer->node;
  SeyeServiceInfo *best = NULL;
  SeyeServiceInfo *current = NULL;
  gboolean paired;
  int best_rank = -1;
  GHashTableIter iter;
  gpointer value;

  /* What the user typed wins over what mDNS says. */
  if (seye_node_get_manual (node) && peer->host != NULL)
    return;

  paired = _seye_agent_source_find_pairing (self, node) != NULL;

  if (peer->service_key != NULL)
    current = g_hash_table_lookup (peer->services, peer->service_key);

  g_hash_table_iter_init (&iter, peer->services);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      SeyeServiceInfo *info = value;
      int rank = endpoint_rank (peer, info, paired);

      if (rank < 0)
        continue;

      if (best == NULL || rank > best_rank || (rank == best_rank && strcmp (info->key, best->key) < 0))
        {
          best = info;
          best_rank = rank;
        }
    }

  if (current != NULL && best != NULL && endpoint_rank (peer, current, paired) >= best_rank)
    best = current;

  if (best != NULL)
    _seye_agent_source_set_endpoint (self, peer, best->address, best->port, best->txt.tls_fingerprint != NULL, best->key);
}

static gboolean
refusal_expired_cb (gpointer key,
                    gpointer value,
                    gpointer data)
{
  return g_get_monotonic_time () / G_USEC_PER_SEC - (gint64) GPOINTER_TO_SIZE (value) >= MAX_BACKOFF;
}

/* @node's endpoint did not present the pinned certificate, or no TLS at all:
 * another service announced with its node id is tried, never this one instead.
 * Returns TRUE when there is one (it is being asked now). */
gboolean
_seye_agent_source_refuse_endpoint (SeyeAgentSource *self,
                                    SeyeAgentPeer   *peer)
{
  SeyeNode *node = peer->node;
  g_autofree char *refused = g_strdup (peer->base_uri);
  gint64 now = g_get_monotonic_time () / G_USEC_PER_SEC;

  if (refused == NULL)
    return FALSE;

  g_debug ("node “%s”: %s does not present its pinned certificate", seye_node_get_key (node), refused);
  g_hash_table_foreach_remove (peer->refused, refusal_expired_cb, NULL);
  g_hash_table_insert (peer->refused, g_strdup (refused), GSIZE_TO_POINTER ((gsize) now));
  if (g_strcmp0 (peer->proven_uri, refused) == 0)
    g_clear_pointer (&peer->proven_uri, g_free);

  _seye_agent_source_choose_endpoint (self, peer);

  return g_strcmp0 (peer->base_uri, refused) != 0;
}

/* Conflicts ---------------------------------------------------------------- */

/* Whether two answers of /v1/node come from the same agent on the same machine
 * (what one agent says on each of its addresses). */
gboolean
_seye_agent_source_same_machine (const SeyeNodeInfo *a,
                                 const SeyeNodeInfo *b)
{
  return g_strcmp0 (a->node_id, b->node_id) == 0 &&
         g_strcmp0 (a->name, b->name) == 0 &&
         g_strcmp0 (a->hostname, b->hostname) == 0 &&
         g_strcmp0 (a->os_name, b->os_name) == 0 &&
         g_strcmp0 (a->kernel, b->kernel) == 0 &&
         g_strcmp0 (a->arch, b->arch) == 0 &&
         g_strcmp0 (a->cpu_model, b->cpu_model) == 0 &&
         a->boot_time == b->boot_time;
}

static const char *
claimed_id (SeyeNode *node)
{
  return seye_node_get_info (node) != NULL ? seye_node_get_info (node)->node_id : seye_node_get_key (node);
}

/* Every node that answers under @node_id says so, with every address, when
 * there is more than one: nothing proves which is the real one. */
void
_seye_agent_source_update_conflicts (SeyeAgentSource *self,
                                     const char      *node_id)
{
  g_autoptr (GPtrArray) claimants = g_ptr_array_new ();
  g_autoptr (GString) addresses = g_string_new (NULL);
  g_autofree char *message = NULL;

  for (guint i = 0; i < self->peers->len; i++)
    {
      SeyeAgentPeer *peer = self->peers->pdata[i];
      SeyeNode *node = peer->node;

      if (g_strcmp0 (claimed_id (node), node_id) == 0)
        g_ptr_array_add (claimants, node);
    }

  if (claimants->len >= 2)
    {
      for (guint i = 0; i < claimants->len; i++)
        {
          SeyeNode *node = claimants->pdata[i];

          if (i > 0)
            g_string_append (addresses, i + 1 < claimants->len ? ", " : _(" and "));
          g_string_append (addresses, seye_node_get_address (node) ? seye_node_get_address (node) : seye_node_get_key (node));
        }
      /* TRANSLATORS: %s is two or more addresses, e.g. "192.168.1.20:7373 and 192.168.1.66:7373" */
      message = g_strdup_printf (_("two machines claim this node: %s"), addresses->str);
    }

  for (guint i = 0; i < claimants->len; i++)
    _seye_node_set_conflict (claimants->pdata[i], message);
}

/* Vetting ------------------------------------------------------------------ */

/*
 * mDNS proves nothing: a look-alike can announce any node id. A paired node is
 * told apart by its pinned certificate (_seye_agent_source_choose_endpoint()); for the others, every
 * other endpoint announced under the node's id is asked who it is (GET /v1/node,
 * once). The same agent on another address says the same; another machine
 * (another identity, boot time or host) becomes a node of its own, and both say
 * "two machines claim this node", each at its address: neither is merged into the
 * other, and neither hides the other.
 */

typedef struct
{
  GWeakRef      source;
  SeyeAgentPeer *peer;
  char         *uri;
  SoupMessage  *message;
  GCancellable *cancellable;
  GInputStream *stream;
  GByteArray   *body;
  SeyeTlsCheck *tls_check;
  guint         deadline_id;
} Probe;

static void
probe_free (Probe *probe)
{
  g_clear_handle_id (&probe->deadline_id, g_source_remove);
  g_clear_pointer (&probe->tls_check, _seye_tls_check_free);
  g_weak_ref_clear (&probe->source);
  g_clear_object (&probe->peer);
  g_free (probe->uri);
  g_clear_object (&probe->message);
  g_clear_object (&probe->cancellable);
  g_clear_object (&probe->stream);
  g_clear_pointer (&probe->body, g_byte_array_unref);
  g_free (probe);
}

/* The services of @node at @uri go to a node of their own, which says who it is. */
static void
split_endpoint (SeyeAgentSource    *self,
                SeyeAgentPeer      *peer,
                const char         *uri,
                const SeyeNodeInfo *info)
{
  SeyeNode *node = peer->node;
  g_autoptr (GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  SeyeServiceInfo *first = NULL;
  g_autofree char *key = NULL;
  GHashTableIter iter;
  gpointer service_key;
  gpointer value;
  SeyeAgentPeer *claimant;

  g_hash_table_iter_init (&iter, peer->services);
  while (g_hash_table_iter_next (&iter, &service_key, &value))
    {
      g_autofree char *service_uri_text = _seye_agent_source_service_uri (value);

      if (g_strcmp0 (service_uri_text, uri) != 0)
        continue;
      g_ptr_array_add (keys, g_strdup (service_key));
      if (first == NULL)
        first = value;
    }

  if (first == NULL)
    return;

  key = seye_address_format (first->address, first->port);
  if (g_hash_table_contains (self->by_key, key))
    return;

  g_debug ("node “%s”: %s answers as another machine than %s: listed apart",
           info->node_id, key, seye_node_get_address (node) ? seye_node_get_address (node) : "?");

  claimant = _seye_agent_source_new_peer (self, key, info->name, FALSE);
  _seye_node_set_info (claimant->node, info);

  for (guint i = 0; i < keys->len; i++)
    {
      SeyeServiceInfo *service = seye_service_info_copy (g_hash_table_lookup (peer->services, keys->pdata[i]));

      g_hash_table_insert (claimant->services, g_strdup (keys->pdata[i]), service);
      g_hash_table_insert (self->service_owner, g_strdup (keys->pdata[i]), claimant);
      g_hash_table_remove (peer->services, keys->pdata[i]);
    }

  claimant->need_info = TRUE;
  claimant->need_history = TRUE;
  _seye_agent_source_choose_endpoint (self, claimant);
  _seye_agent_source_add_peer (self, claimant);
  _seye_agent_source_update_conflicts (self, info->node_id);
}

static void
probe_done (Probe              *probe,
            const SeyeNodeInfo *info)
{
  g_autoptr (SeyeAgentSource) self = g_weak_ref_get (&probe->source);
  SeyeAgentPeer *peer = probe->peer;
  SeyeNode *node = peer->node;
  gint64 now = g_get_monotonic_time () / G_USEC_PER_SEC;
  gboolean same;

  if (self == NULL || peer->probe != probe->cancellable)
    {
      probe_free (probe);
      return;
    }

  g_clear_object (&peer->probe);

  same = info != NULL && seye_node_get_info (node) != NULL && _seye_agent_source_same_machine (seye_node_get_info (node), info);
  g_hash_table_insert (peer->vetted, g_strdup (probe->uri), GSIZE_TO_POINTER ((gsize) (now << 1 | same)));

  if (info != NULL && !same && seye_node_get_info (node) != NULL && g_strcmp0 (info->node_id, seye_node_get_info (node)->node_id) == 0)
    split_endpoint (self, peer, probe->uri, info);
  else
    g_debug ("node “%s”: %s is %s", seye_node_get_key (node), probe->uri,
             same ? "the same agent" : "not an agent of this id (now)");

  probe_free (probe);
}

static void
probe_read_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  Probe *probe = data;
  g_autoptr (GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, NULL);
  gsize size = bytes ? g_bytes_get_size (bytes) : 0;

  if (bytes == NULL || probe->body->len + size > BODY_LIMIT)
    {
      probe_done (probe, NULL);
      return;
    }

  if (size == 0)
    {
      g_autoptr (SeyeNodeInfo) info = seye_node_info_from_json ((const char *) probe->body->data,
                                                                probe->body->len, NULL);

      probe_done (probe, info);
      return;
    }

  g_byte_array_append (probe->body, g_bytes_get_data (bytes, NULL), size);
  g_input_stream_read_bytes_async (probe->stream, 64 * 1024, G_PRIORITY_DEFAULT, probe->cancellable,
                                   probe_read_cb, probe);
}

static void
probe_sent_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  Probe *probe = data;

  probe->stream = soup_session_send_finish (SOUP_SESSION (source), result, NULL);
  if (probe->stream == NULL || soup_message_get_status (probe->message) != SOUP_STATUS_OK)
    {
      probe_done (probe, NULL);
      return;
    }

  g_input_stream_read_bytes_async (probe->stream, 64 * 1024, G_PRIORITY_DEFAULT, probe->cancellable,
                                   probe_read_cb, probe);
}

static gboolean
probe_deadline_cb (gpointer data)
{
  Probe *probe = data;

  probe->deadline_id = 0;
  g_cancellable_cancel (probe->cancellable);

  return G_SOURCE_REMOVE;
}

/* Asks one endpoint of @node that was not asked yet (or failed a while ago) who
 * it is. Not for a paired node (its pin tells), nor before the node itself said. */
void
_seye_agent_source_vet_endpoints (SeyeAgentSource *self,
                                  SeyeAgentPeer   *peer)
{
  SeyeNode *node = peer->node;
  gint64 now = g_get_monotonic_time () / G_USEC_PER_SEC;
  g_autofree char *uri = NULL;
  GHashTableIter iter;
  gpointer value;
  Probe *probe;

  if (peer->probe != NULL || seye_node_get_paired (node) || seye_node_get_info (node) == NULL || peer->base_uri == NULL ||
      g_hash_table_size (peer->services) < 2 || _seye_agent_source_find_pairing (self, node) != NULL)
    return;

  g_hash_table_iter_init (&iter, peer->services);
  while (uri == NULL && g_hash_table_iter_next (&iter, NULL, &value))
    {
      g_autofree char *candidate = _seye_agent_source_service_uri (value);
      gpointer vetted;

      if (g_strcmp0 (candidate, peer->base_uri) == 0)
        continue;
      if (g_hash_table_lookup_extended (peer->vetted, candidate, NULL, &vetted) &&
          ((GPOINTER_TO_SIZE (vetted) & VETTED_SAME) != 0 ||
           now - (gint64) (GPOINTER_TO_SIZE (vetted) >> 1) < MAX_BACKOFF))
        continue;
      uri = g_steal_pointer (&candidate);
    }

  if (uri == NULL)
    return;

  probe = g_new0 (Probe, 1);
  g_weak_ref_init (&probe->source, self);
  probe->peer = g_object_ref (peer);
  probe->body = g_byte_array_new ();
  probe->uri = g_steal_pointer (&uri);
  probe->cancellable = g_cancellable_new ();
  peer->probe = g_object_ref (probe->cancellable);

  {
    g_autofree char *request_uri = g_strconcat (probe->uri, "/v1/node", NULL);

    probe->message = soup_message_new (SOUP_METHOD_GET, request_uri);
  }
  if (probe->message == NULL)
    {
      probe_done (probe, NULL);
      return;
    }

  g_debug ("node “%s”: asking %s who it is", seye_node_get_key (node), probe->uri);
  soup_message_headers_replace (soup_message_get_request_headers (probe->message), "Accept", "application/json");
  /* No pairing: any certificate is accepted, no token is sent. */
  if (g_str_has_prefix (probe->uri, "https:"))
    probe->tls_check = _seye_tls_check_new (probe->message, NULL, self->credentials);
  probe->deadline_id = g_timeout_add_seconds (REQUEST_DEADLINE, probe_deadline_cb, probe);

  soup_session_send_async (self->session, probe->message, G_PRIORITY_DEFAULT, probe->cancellable,
                           probe_sent_cb, probe);
}
