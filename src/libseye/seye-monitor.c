/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-monitor"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "seye-address.h"
#include "seye-browser.h"
#include "seye-credentials-private.h"
#include "seye-error.h"
#include "seye-json.h"
#include "seye-monitor.h"
#include "seye-node-private.h"
#include "seye-sanitize.h"

#define HISTORY_LIMIT      (4 * 1024 * 1024)  /* bytes of /v1/history we read at most */
#define BODY_LIMIT         (256 * 1024)       /* bytes of any other answer */
#define IO_TIMEOUT         5                  /* seconds a read or connect may stall */
#define REQUEST_DEADLINE   10                 /* seconds a whole request may take */
#define MAX_BACKOFF        30.0               /* seconds between retries of an offline node */
#define STALE_POLLS        3                  /* missed polls before a node is offline */
#define SAMPLE_GRACE_MIN   5.0                /* seconds an answering node may take to send a sample */
#define HISTORY_SECONDS    3600               /* what a node keeps locally */
#define HOUSEKEEPING_S     1
#define MAX_DISCOVERED     512                /* nodes tracked from mDNS; more are ignored */
#define LINE_LIMIT         BODY_LIMIT         /* bytes of one line of a stream */
#define MAX_STREAMS        192                /* streams open at once; more nodes are polled */
#define VETTED_SAME        1                  /* node->vetted: the same agent answered there */
#define STREAM_RETRY       60                 /* seconds of polling when a node had no room for a stream */

typedef enum
{
  REQUEST_INFO,
  REQUEST_HISTORY,
  REQUEST_METRICS,
  REQUEST_STREAM,
} RequestKind;

/* One GET in flight for one node. */
typedef struct
{
  GWeakRef      monitor;
  SeyeNode     *node;
  RequestKind   kind;
  SoupMessage  *message;
  GCancellable *cancellable;
  GInputStream *stream;
  GByteArray   *body;
  gsize         limit;
  guint         deadline_id;
  gboolean      timed_out;
  SeyeTlsCheck *tls_check;      /* https only: what the TLS handshake showed */
  guint         n_samples;      /* streams: samples received */
  gint64        started_us;     /* streams: when the answer began */
} Request;

struct _SeyeMonitor
{
  GObject         parent_instance;

  GPtrArray      *nodes;          /* SeyeNode, in list order */
  GHashTable     *by_key;         /* node key -> SeyeNode (borrowed) */
  GHashTable     *service_owner;  /* browse key -> SeyeNode (borrowed) */
  SoupSession    *session;
  SeyeBrowser    *browser;
  SeyeAlertRules  rules;
  SeyeCredentials *credentials;   /* pairings: whom a token goes to */
  GPtrArray      *streams;        /* Request: open streams, read by the pump */

  double          interval;
  double          grace_time;
  guint           housekeeping_id;
  guint           pump_id;

  guint           discovery : 1;
  guint           started : 1;
  guint           fetch_history : 1;
  guint           discovery_full : 1;
  guint           stream : 1;
};

enum {
  PROP_0,
  PROP_INTERVAL,
  PROP_GRACE_TIME,
  PROP_DISCOVERY,
  PROP_DISCOVERY_AVAILABLE,
  PROP_DISCOVERY_STATUS,
  PROP_ALERT_RULES,
  PROP_FETCH_HISTORY,
  PROP_DISCOVERY_FULL,
  PROP_STREAM,
  N_PROPS
};

enum {
  ALERT,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SeyeMonitor, seye_monitor, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static void poll_node      (SeyeMonitor *self,
                            SeyeNode    *node);
static void restart_streams (SeyeMonitor *self);
static void schedule_poll  (SeyeMonitor *self,
                            SeyeNode    *node,
                            double       delay);
static void update_conflicts (SeyeMonitor *self,
                              const char  *node_id);
static void vet_endpoints  (SeyeMonitor *self,
                            SeyeNode    *node);

/* Helpers ------------------------------------------------------------------ */

static void
request_free (Request *request)
{
  g_clear_pointer (&request->tls_check, _seye_tls_check_free);
  g_clear_handle_id (&request->deadline_id, g_source_remove);
  g_weak_ref_clear (&request->monitor);
  g_clear_object (&request->node);
  g_clear_object (&request->message);
  g_clear_object (&request->cancellable);
  g_clear_object (&request->stream);
  g_clear_pointer (&request->body, g_byte_array_unref);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Request, request_free)

static void
cancel_node (SeyeNode *node)
{
  g_clear_handle_id (&node->poll_id, g_source_remove);
  if (node->cancellable != NULL)
    {
      g_cancellable_cancel (node->cancellable);
      g_clear_object (&node->cancellable);
    }
  if (node->probe != NULL)
    {
      g_cancellable_cancel (node->probe);
      g_clear_object (&node->probe);
    }
  node->in_flight = FALSE;
  node->streaming = FALSE;
}

static guint
find_node_index (SeyeMonitor *self,
                 SeyeNode    *node)
{
  guint index;

  if (g_ptr_array_find (self->nodes, node, &index))
    return index;

  return G_MAXUINT;
}

static void
add_node (SeyeMonitor *self,
          SeyeNode    *node)
{
  g_ptr_array_add (self->nodes, node);
  g_hash_table_insert (self->by_key, node->key, node);
  g_list_model_items_changed (G_LIST_MODEL (self), self->nodes->len - 1, 0, 1);

  if (self->started)
    schedule_poll (self, node, 0);
}

static void
rekey_node (SeyeMonitor *self,
            SeyeNode    *node,
            const char  *key)
{
  if (g_hash_table_lookup (self->by_key, node->key) == node)
    g_hash_table_remove (self->by_key, node->key);
  _seye_node_set_key (node, key);
  g_hash_table_insert (self->by_key, node->key, node);
}

static void
update_alerts (SeyeMonitor *self,
               SeyeNode    *node,
               SeyeSample  *sample)
{
  guint old = node->alerts.active;
  guint active;
  guint changed;

  active = seye_alert_state_update (&node->alerts, &self->rules, sample,
                                    node->state == SEYE_NODE_STATE_OFFLINE,
                                    g_get_real_time () / 1000);
  /* The evaluator stored the new set already; publish it. */
  node->alerts.active = old;
  _seye_node_set_alerts (node, active);

  changed = old ^ active;
  for (guint bit = 1; changed != 0; bit <<= 1)
    {
      if ((changed & bit) == 0)
        continue;
      changed &= ~bit;
      g_signal_emit (self, signals[ALERT], 0, node, bit, (active & bit) != 0);
    }
}

static void
set_node_state (SeyeMonitor   *self,
                SeyeNode      *node,
                SeyeNodeState  state)
{
  gboolean was_offline = node->state == SEYE_NODE_STATE_OFFLINE;

  /* Only a node that answered and is to send its first sample is waiting. */
  if (state != SEYE_NODE_STATE_CONNECTING && state != SEYE_NODE_STATE_NOT_RESPONDING)
    node->waiting_since = 0;

  _seye_node_set_state (node, state);

  if (was_offline != (state == SEYE_NODE_STATE_OFFLINE))
    update_alerts (self, node, NULL);
}

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

static void
set_endpoint (SeyeMonitor *self,
              SeyeNode    *node,
              const char  *host,
              guint16      port,
              gboolean     tls,
              const char  *service_key)
{
  g_autofree char *address = NULL;
  g_autofree char *base_uri = NULL;

  g_free (node->service_key);
  node->service_key = g_strdup (service_key);

  base_uri = seye_address_base_uri (host, port, tls);
  if (g_strcmp0 (base_uri, node->base_uri) == 0)
    return;

  g_debug ("node “%s” now at %s", node->key, base_uri);

  g_free (node->host);
  node->host = g_strdup (host);
  node->port = port;
  g_free (node->base_uri);
  node->base_uri = g_steal_pointer (&base_uri);
  address = seye_address_format (host, port);
  _seye_node_set_address (node, address);
  _seye_node_set_tls (node, tls);

  /* A new place: ask it at once, whatever was in flight to the old one. */
  node->failures = 0;
  node->waiting_since = 0;
  /* Whoever answers there says who it is first: it may not be who was here. */
  node->need_info = TRUE;
  if (self->started)
    {
      cancel_node (node);
      schedule_poll (self, node, 0);
    }
}

static const SeyePairing *find_pairing (SeyeMonitor *self,
                                       SeyeNode    *node);

static char *
service_uri (const SeyeServiceInfo *info)
{
  return seye_address_base_uri (info->address, info->port, info->txt.tls_fingerprint != NULL);
}

/* Whether @uri did not present @node's pinned certificate lately (a round of
 * retries ago at most: then it is tried again). */
static gboolean
endpoint_refused (SeyeNode   *node,
                  const char *uri)
{
  gpointer when;

  if (!g_hash_table_lookup_extended (node->refused, uri, NULL, &when))
    return FALSE;

  return g_get_monotonic_time () / G_USEC_PER_SEC - (gint64) GPOINTER_TO_SIZE (when) < MAX_BACKOFF - 1;
}

/* How much @info is worth polling @node at; -1: not at all. A paired node's
 * endpoint is the one that presents the pin: one that did not is tried again
 * only after a while, one that did comes first. */
static int
endpoint_rank (SeyeNode              *node,
               const SeyeServiceInfo *info,
               gboolean               paired)
{
  g_autofree char *uri = service_uri (info);

  if (!paired)
    {
      gpointer vetted;

      /* Not another endpoint that was not asked who it is yet (vet_endpoints()):
       * it may be another machine, and HTTPS proves nothing without a pin. */
      if (node->base_uri != NULL && g_strcmp0 (uri, node->base_uri) != 0 &&
          !(g_hash_table_lookup_extended (node->vetted, uri, NULL, &vetted) &&
            (GPOINTER_TO_SIZE (vetted) & VETTED_SAME) != 0))
        return MAX (service_rank (info) - 20, 0);

      return service_rank (info);
    }

  if (endpoint_refused (node, uri))
    return -1;

  return service_rank (info) + (g_strcmp0 (uri, node->proven_uri) == 0 ? 100 : 0);
}

/* Picks the best service to poll a discovered node at: for a paired node the
 * one that presented the pin; then IPv4 first, then routable IPv6, then
 * link-local; the current one while it ranks as high. */
static void
choose_endpoint (SeyeMonitor *self,
                 SeyeNode    *node)
{
  SeyeServiceInfo *best = NULL;
  SeyeServiceInfo *current = NULL;
  gboolean paired;
  int best_rank = -1;
  GHashTableIter iter;
  gpointer value;

  /* What the user typed wins over what mDNS says. */
  if (node->manual && node->host != NULL)
    return;

  paired = find_pairing (self, node) != NULL;

  if (node->service_key != NULL)
    current = g_hash_table_lookup (node->services, node->service_key);

  g_hash_table_iter_init (&iter, node->services);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      SeyeServiceInfo *info = value;
      int rank = endpoint_rank (node, info, paired);

      if (rank < 0)
        continue;

      if (best == NULL || rank > best_rank || (rank == best_rank && strcmp (info->key, best->key) < 0))
        {
          best = info;
          best_rank = rank;
        }
    }

  if (current != NULL && best != NULL && endpoint_rank (node, current, paired) >= best_rank)
    best = current;

  if (best != NULL)
    set_endpoint (self, node, best->address, best->port, best->txt.tls_fingerprint != NULL, best->key);
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
static gboolean
refuse_endpoint (SeyeMonitor *self,
                 SeyeNode    *node)
{
  g_autofree char *refused = g_strdup (node->base_uri);
  gint64 now = g_get_monotonic_time () / G_USEC_PER_SEC;

  if (refused == NULL)
    return FALSE;

  g_debug ("node “%s”: %s does not present its pinned certificate", node->key, refused);
  g_hash_table_foreach_remove (node->refused, refusal_expired_cb, NULL);
  g_hash_table_insert (node->refused, g_strdup (refused), GSIZE_TO_POINTER ((gsize) now));
  if (g_strcmp0 (node->proven_uri, refused) == 0)
    g_clear_pointer (&node->proven_uri, g_free);

  choose_endpoint (self, node);

  return g_strcmp0 (node->base_uri, refused) != 0;
}

static void
remove_node_internal (SeyeMonitor *self,
                      SeyeNode    *node)
{
  g_autoptr (SeyeNode) hold = g_object_ref (node);
  GHashTableIter iter;
  gpointer key;
  guint index;

  index = find_node_index (self, node);
  if (index == G_MAXUINT)
    return;

  cancel_node (node);
  node->monitor = NULL;

  g_hash_table_iter_init (&iter, node->services);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (g_hash_table_lookup (self->service_owner, key) == node)
      g_hash_table_remove (self->service_owner, key);

  if (g_hash_table_lookup (self->by_key, node->key) == node)
    g_hash_table_remove (self->by_key, node->key);

  g_ptr_array_remove_index (self->nodes, index);
  g_list_model_items_changed (G_LIST_MODEL (self), index, 1, 0);

  /* One claimant fewer. */
  if (node->conflict != NULL)
    update_conflicts (self, node->info != NULL ? node->info->node_id : node->key);
}

/* Folds @from into @into: both turned out to be the same machine (node id). */
static void
merge_nodes (SeyeMonitor *self,
             SeyeNode    *into,
             SeyeNode    *from)
{
  GHashTableIter iter;
  gpointer key;
  gpointer value;

  g_debug ("“%s” at %s is node “%s”: merging", from->key,
           from->address ? from->address : "?", into->key);

  g_hash_table_iter_init (&iter, from->services);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_hash_table_insert (into->services, g_strdup (key), seye_service_info_copy (value));
      g_hash_table_insert (self->service_owner, g_strdup (key), into);
      into->gone_since = 0;
    }
  g_hash_table_remove_all (from->services);

  if (from->pinned)
    seye_node_set_pinned (into, TRUE);

  if (from->manual || into->state != SEYE_NODE_STATE_ONLINE)
    {
      gboolean manual = from->manual || into->manual;

      /* The address that just answered is the one to keep. */
      _seye_node_set_manual (into, FALSE);
      set_endpoint (self, into, from->host, from->port, from->tls, NULL);
      _seye_node_set_manual (into, manual);
    }

  remove_node_internal (self, from);
}

/* Conflicts ---------------------------------------------------------------- */

/* Whether two answers of /v1/node come from the same agent on the same machine
 * (what one agent says on each of its addresses). */
static gboolean
same_machine (const SeyeNodeInfo *a,
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
  return node->info != NULL ? node->info->node_id : node->key;
}

/* Every node that answers under @node_id says so, with every address, when
 * there is more than one: nothing proves which is the real one. */
static void
update_conflicts (SeyeMonitor *self,
                  const char  *node_id)
{
  g_autoptr (GPtrArray) claimants = g_ptr_array_new ();
  g_autoptr (GString) addresses = g_string_new (NULL);
  g_autofree char *message = NULL;

  for (guint i = 0; i < self->nodes->len; i++)
    {
      SeyeNode *node = self->nodes->pdata[i];

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
          g_string_append (addresses, node->address ? node->address : node->key);
        }
      /* TRANSLATORS: %s is two or more addresses, e.g. "192.168.1.20:7373 and 192.168.1.66:7373" */
      message = g_strdup_printf (_("two machines claim this node: %s"), addresses->str);
    }

  for (guint i = 0; i < claimants->len; i++)
    _seye_node_set_conflict (claimants->pdata[i], message);
}

/* Requests ----------------------------------------------------------------- */

static double
backoff_delay (SeyeMonitor *self,
               SeyeNode    *node)
{
  guint offline_polls = node->failures > STALE_POLLS ? node->failures - STALE_POLLS : 0;
  double delay = MAX (self->interval, 1.0) * (1u << MIN (offline_polls, 5u));

  return MIN (delay, MAX_BACKOFF);
}

static void
node_failed (SeyeMonitor *self,
             SeyeNode    *node,
             const char  *message)
{
  g_autofree char *shown = seye_sanitize_display (message);   /* it may quote the node */

  node->failures++;
  _seye_node_set_error (node, message);

  g_debug ("node “%s” (%s): %s", node->key, node->address ? node->address : "?", shown);

  switch (node->state)
    {
    case SEYE_NODE_STATE_CONNECTING:
    case SEYE_NODE_STATE_NOT_RESPONDING:
      /* It said who it is but sends no sample: it is there, only not responding. */
      set_node_state (self, node, node->waiting_since != 0 ? SEYE_NODE_STATE_NOT_RESPONDING
                                                           : SEYE_NODE_STATE_OFFLINE);
      break;

    case SEYE_NODE_STATE_INCOMPATIBLE:
      set_node_state (self, node, SEYE_NODE_STATE_OFFLINE);
      break;

    case SEYE_NODE_STATE_ONLINE:
      set_node_state (self, node, node->failures >= STALE_POLLS ? SEYE_NODE_STATE_OFFLINE
                                                                : SEYE_NODE_STATE_STALE);
      break;

    case SEYE_NODE_STATE_STALE:
      if (node->failures >= STALE_POLLS)
        set_node_state (self, node, SEYE_NODE_STATE_OFFLINE);
      break;

    case SEYE_NODE_STATE_OFFLINE:
    default:
      break;
    }

  if (node->state == SEYE_NODE_STATE_OFFLINE)
    {
      /* When it comes back it may be another agent, or have restarted:
       * ask who it is, and fill the gap in the history. */
      node->need_info = TRUE;
      node->need_history = TRUE;
      schedule_poll (self, node, backoff_delay (self, node));
    }
  else
    {
      schedule_poll (self, node, self->interval);
    }
}

static void
node_incompatible (SeyeMonitor *self,
                   SeyeNode    *node,
                   const char  *message)
{
  node->failures = 0;
  node->need_info = TRUE;
  _seye_node_set_error (node, message);
  _seye_node_set_last_seen (node, g_get_real_time () / 1000);
  set_node_state (self, node, SEYE_NODE_STATE_INCOMPATIBLE);
  schedule_poll (self, node, MAX_BACKOFF);
}

/* It answered, with something else than a sample (who it is, its history, "no
 * sample yet"): it is reachable, but not online until a sample comes. */
static void
node_reached (SeyeMonitor *self,
              SeyeNode    *node)
{
  node->failures = 0;
  _seye_node_set_last_seen (node, g_get_real_time () / 1000);

  switch (node->state)
    {
    case SEYE_NODE_STATE_ONLINE:
    case SEYE_NODE_STATE_STALE:
      _seye_node_set_error (node, NULL);
      break;

    case SEYE_NODE_STATE_NOT_RESPONDING:
      /* Still no sample: it keeps saying why. */
      break;

    default:
      _seye_node_set_error (node, NULL);
      set_node_state (self, node, SEYE_NODE_STATE_CONNECTING);
      break;
    }

  if (node->waiting_since == 0 && node->state != SEYE_NODE_STATE_ONLINE &&
      node->state != SEYE_NODE_STATE_STALE)
    node->waiting_since = g_get_monotonic_time ();
}

/* A sample came: online. */
static void
node_sampled (SeyeMonitor *self,
              SeyeNode    *node)
{
  node->failures = 0;
  node->waiting_since = 0;
  _seye_node_set_error (node, NULL);
  _seye_node_set_last_seen (node, g_get_real_time () / 1000);
  set_node_state (self, node, SEYE_NODE_STATE_ONLINE);
}

static void
add_sample (SeyeMonitor *self,
            SeyeNode    *node,
            SeyeSample  *sample)
{
  if (_seye_node_add_sample (node, sample))
    update_alerts (self, node, sample);
}

static char *
describe_http_status (SoupMessage *message)
{
  guint status = soup_message_get_status (message);
  const char *reason = soup_message_get_reason_phrase (message);

  if (reason == NULL || reason[0] == '\0')
    reason = soup_status_get_phrase (status);

  return g_strdup_printf (_("the node answered HTTP %u %s"), status, reason ? reason : "");
}

static char *
describe_transport_error (const GError *error,
                          gboolean      timed_out)
{
  if (timed_out || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return g_strdup_printf (_("no answer within %d seconds"), timed_out ? REQUEST_DEADLINE : IO_TIMEOUT);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    return g_strdup (_("connection refused (is sorcerers-eye-agent running there?)"));

  if (error->domain == G_TLS_ERROR)
    return g_strdup_printf (_("no HTTPS there (%s): is the agent started with --tls?"), error->message);

  if (error->domain == G_IO_ERROR || error->domain == G_RESOLVER_ERROR)
    return g_strdup_printf (_("cannot reach the node: %s"), error->message);

  return g_strdup_printf (_("the node did not answer in HTTP: %s"), error->message);
}

/* Credentials -------------------------------------------------------------- */

/* The pairing a token for @node would come from: by its id, or by the address
 * it was added at before its id was known. */
static const SeyePairing *
find_pairing (SeyeMonitor *self,
              SeyeNode    *node)
{
  const SeyePairing *pairing;

  pairing = seye_credentials_lookup (self->credentials, node->key);
  if (pairing == NULL && node->info != NULL)
    pairing = seye_credentials_lookup (self->credentials, node->info->node_id);
  if (pairing == NULL && node->address != NULL)
    pairing = seye_credentials_lookup (self->credentials, node->address);

  return pairing;
}

/* A paired node showed another certificate, or came back without TLS: it gets
 * nothing, and says why until the right certificate is back or it is paired again. */
static void
node_untrusted (SeyeMonitor *self,
                SeyeNode    *node,
                const char  *fingerprint)
{
  g_autofree char *message = NULL;

  node->failures = 0;
  node->need_info = TRUE;

  if (!node->tls)
    message = g_strdup (_("it is announced without HTTPS now, but it was paired over HTTPS; "
                          "nothing was sent to it"));
  else
    {
      g_autofree char *seen = fingerprint ? seye_fingerprint_format (fingerprint) : NULL;

      message = g_strdup_printf (_("its certificate changed (now %s); nothing was sent to it"),
                                 seen ? seen : "?");
    }

  g_debug ("node “%s” (%s): %s", node->key, node->address ? node->address : "?", message);
  _seye_node_set_error (node, message);
  set_node_state (self, node, SEYE_NODE_STATE_UNTRUSTED);
  schedule_poll (self, node, MAX_BACKOFF);
}

/* 401: it is there, and wants a token. Asked again now and then, quietly. */
static void
node_needs_pairing (SeyeMonitor *self,
                    SeyeNode    *node,
                    gboolean     token_sent)
{
  const char *message;

  node->failures = 0;
  node->need_info = TRUE;

  if (token_sent)
    message = _("it refused the token: pair again");
  else if (!node->tls)
    message = _("it wants a token, but a token is only ever sent over HTTPS: start its agent with --tls");
  else
    message = _("it wants a token: pair with it");

  _seye_node_set_error (node, message);
  _seye_node_set_last_seen (node, g_get_real_time () / 1000);
  set_node_state (self, node, SEYE_NODE_STATE_NEEDS_PAIRING);
  schedule_poll (self, node, MAX_BACKOFF);
}

/* What the TLS handshake of @request showed. Returns FALSE when it settled the
 * node's state (another certificate than the pinned one). */
static gboolean
tls_outcome (SeyeMonitor *self,
             Request     *request)
{
  const char *fingerprint = _seye_tls_check_get_fingerprint (request->tls_check);
  SeyeNode *node = request->node;

  if (_seye_tls_check_get_mismatch (request->tls_check))
    {
      /* Not the paired node: another endpoint of its id may be. */
      if (!refuse_endpoint (self, node))
        {
          if (fingerprint != NULL)
            _seye_node_set_tls_fingerprint (node, fingerprint);
          node_untrusted (self, node, fingerprint);
        }
      return FALSE;
    }

  if (fingerprint != NULL)
    {
      _seye_node_set_tls_fingerprint (node, fingerprint);

      /* It presented the pin: this is where the paired node is. */
      if (node->paired && g_strcmp0 (node->proven_uri, node->base_uri) != 0)
        {
          g_free (node->proven_uri);
          node->proven_uri = g_strdup (node->base_uri);
        }
    }

  return TRUE;
}

/* Returns FALSE when the answer's status and handshake settled the node's state. */
static gboolean
auth_outcome (SeyeMonitor *self,
              Request     *request,
              guint        status)
{
  if (request->tls_check != NULL && !tls_outcome (self, request))
    return FALSE;

  if (status == SOUP_STATUS_UNAUTHORIZED)
    {
      node_needs_pairing (self, request->node,
                          request->tls_check != NULL && _seye_tls_check_get_token_sent (request->tls_check));
      return FALSE;
    }

  /* It answers, but not to other machines: no token would change that. */
  if (status == SOUP_STATUS_FORBIDDEN)
    {
      node_incompatible (self, request->node,
                         _("it serves its data to its own machine only (HTTP 403): see its --api-access"));
      return FALSE;
    }

  return TRUE;
}

static void
handle_body (SeyeMonitor *self,
             Request     *request)
{
  SeyeNode *node = request->node;
  const char *data = (const char *) request->body->data;
  gssize length = request->body->len;
  g_autoptr (GError) error = NULL;

  switch (request->kind)
    {
    case REQUEST_INFO:
      {
        g_autoptr (SeyeNodeInfo) info = seye_node_info_from_json (data, length, &error);
        SeyeNode *other;

        if (info == NULL)
          break;

        node->need_info = FALSE;
        /* Maybe another agent, or a newer one: see again whether it streams. */
        node->stream_unsupported = FALSE;
        node_reached (self, node);

        /* Another agent now answers at this address: start its history afresh. */
        if (node->info != NULL && !same_machine (node->info, info))
          g_hash_table_remove_all (node->vetted);

        if (node->info != NULL && g_strcmp0 (node->info->node_id, info->node_id) != 0)
          {
            seye_history_clear (node->history);
            g_clear_pointer (&node->sample, seye_sample_unref);
            node->need_history = TRUE;
          }

        _seye_node_set_info (node, info);

        if (g_strcmp0 (node->key, info->node_id) != 0)
          {
            other = g_hash_table_lookup (self->by_key, info->node_id);
            if (other != NULL && other != node && other->info != NULL &&
                !same_machine (other->info, info))
              {
                /* Another machine answers under that id: both stay, and say so. */
                update_conflicts (self, info->node_id);
                poll_node (self, node);
                return;
              }
            if (other != NULL && other != node)
              {
                merge_nodes (self, other, node);
                return;
              }
            rekey_node (self, node, info->node_id);
          }

        poll_node (self, node);
        vet_endpoints (self, node);
        return;
      }

    case REQUEST_HISTORY:
      {
        g_autoptr (GPtrArray) samples = seye_history_samples_from_json (data, length, &error);

        if (samples == NULL)
          break;

        node->need_history = FALSE;
        node_reached (self, node);
        for (guint i = 0; i < samples->len; i++)
          add_sample (self, node, samples->pdata[i]);

        if (node->sample == NULL)
          poll_node (self, node);
        else
          schedule_poll (self, node, self->interval);
        return;
      }

    case REQUEST_METRICS:
    default:
      {
        g_autoptr (SeyeSample) sample = seye_sample_from_json (data, length, &error);

        if (sample == NULL)
          break;

        node_sampled (self, node);
        add_sample (self, node, sample);
        schedule_poll (self, node, self->interval);
        return;
      }
    }

  if (g_error_matches (error, SEYE_ERROR, SEYE_ERROR_INCOMPATIBLE))
    {
      node_incompatible (self, node, error->message);
    }
  else
    {
      g_autofree char *message = g_strdup_printf (_("the node sent bad data: %s"), error->message);

      node_failed (self, node, message);
    }
}

static void read_more (Request *request);

static void
finish_request (Request      *request,
                const GError *error)
{
  g_autoptr (Request) owned = request;
  g_autoptr (SeyeMonitor) self = g_weak_ref_get (&request->monitor);
  SeyeNode *node = request->node;

  /* Cancelled by us (node removed, monitor gone, endpoint changed): say nothing. */
  if (self == NULL ||
      (!request->timed_out && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) ||
      node->cancellable != request->cancellable)
    return;

  node->in_flight = FALSE;
  g_clear_object (&node->cancellable);

  if (request->tls_check != NULL && !tls_outcome (self, request))
    return;

  if (error != NULL)
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, SEYE_ERROR, SEYE_ERROR_INVALID) && request->kind == REQUEST_HISTORY)
        {
          /* Too much history to fetch: go on without it. */
          g_debug ("node “%s”: skipping its history: %s", node->key, error->message);
          node->need_history = FALSE;
          poll_node (self, node);
          return;
        }

      if (g_error_matches (error, SEYE_ERROR, SEYE_ERROR_INCOMPATIBLE))
        {
          node_incompatible (self, node, error->message);
          return;
        }

      if (error->domain == SEYE_ERROR)
        message = g_strdup (error->message);
      else
        message = describe_transport_error (error, request->timed_out);

      /* A paired node at an endpoint that never presented its pin (no TLS there,
       * nothing there): another endpoint of its id is tried before it is called down. */
      if (node->paired && g_strcmp0 (node->proven_uri, node->base_uri) != 0 && refuse_endpoint (self, node))
        return;

      /* Refused or unreachable: whatever answered before is not there now. */
      if (error->domain != SEYE_ERROR && !request->timed_out &&
          !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        node->waiting_since = 0;

      /* A request that hung until it timed out missed every poll of that time: a cut
       * link answers nothing, not even a refusal, and must not take three timeouts. */
      if (request->timed_out || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        {
          double waited = request->timed_out ? REQUEST_DEADLINE : IO_TIMEOUT;
          guint missed = (guint) MIN (waited / self->interval, STALE_POLLS);

          node->failures = MAX (node->failures, MAX (missed, 1u) - 1);
        }

      node_failed (self, node, message);
      return;
    }

  handle_body (self, request);
}

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  Request *request = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = NULL;
  gsize size;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (bytes == NULL)
    {
      finish_request (request, error);
      return;
    }

  size = g_bytes_get_size (bytes);
  if (size == 0)
    {
      finish_request (request, NULL);
      return;
    }

  if (request->body->len + size > request->limit)
    {
      g_set_error (&error, SEYE_ERROR, SEYE_ERROR_INVALID,
                   _("the node sent an answer larger than %u KiB"),
                   (guint) (request->limit / 1024));
      finish_request (request, error);
      return;
    }

  g_byte_array_append (request->body, g_bytes_get_data (bytes, NULL), size);
  read_more (request);
}

static void
read_more (Request *request)
{
  g_input_stream_read_bytes_async (request->stream,
                                   64 * 1024,
                                   G_PRIORITY_DEFAULT,
                                   request->cancellable,
                                   read_cb,
                                   request);
}

/* Streams ------------------------------------------------------------------ */

/*
 * Where the agent offers GET /v1/stream, a node's samples come on one long
 * answer, a line of JSON each (docs/api.md), instead of a request every
 * interval: that saves the client a whole HTTP exchange per sample. The stream
 * is asked for like any other request (poll_node(): the same message, TLS
 * check and credentials) once the node's identity and history are in, and it
 * keeps every rule of polling:
 *
 * - no sample for a while counts as a missed poll (check_streams()): stale,
 *   then offline, then retried with backoff, the stream closed;
 * - streams are read all at once, every interval (the pump): the process
 *   wakes up once a round, not once per node and sample;
 * - a line is size-limited and decoded by the same checked decoder; one bad
 *   line ends the stream as a bad answer would end a poll;
 * - an agent without /v1/stream (404) is polled; one without room for another
 *   stream (503) is polled for a while and then asked again;
 * - when a stream ends, the history since its last sample is fetched on the
 *   way back, so no gap is left.
 */

/* Seconds between the samples of @node's stream. */
static double
stream_period (SeyeMonitor *self,
               SeyeNode    *node)
{
  return MAX (self->interval, node->info != NULL ? node->info->interval : 0.0);
}

/* Seconds between two rounds of the pump. */
static double
pump_period (SeyeMonitor *self)
{
  /* As start_pump() sets it. */
  return self->interval >= 1.0 ? floor (self->interval) : self->interval;
}

static void
stream_arm (SeyeNode *node)
{
  node->stream_quiet = 0;
  node->stream_misses = 0;
}

static gboolean
stream_wanted (SeyeMonitor *self,
               SeyeNode    *node)
{
  guint n_streams = 0;

  if (!self->stream || node->stream_unsupported || g_get_monotonic_time () < node->stream_retry_us)
    return FALSE;

  for (guint i = 0; i < self->nodes->len; i++)
    n_streams += ((SeyeNode *) self->nodes->pdata[i])->streaming;

  return n_streams < MAX_STREAMS;
}

/* After each round of the pump: a stream that stays silent misses polls. A
 * sample is expected every ceil(period / round) rounds; one more is allowed,
 * for a sample that reached us just after a round. */
static void
check_streams (SeyeMonitor *self)
{
  double pump = pump_period (self);

  for (guint i = 0; i < self->nodes->len; i++)
    {
      SeyeNode *node = self->nodes->pdata[i];
      double period = stream_period (self, node);
      guint rounds = (guint) MAX (1.0, ceil (period / pump - 0.01));
      g_autofree char *message = NULL;
      guint seconds;

      if (!node->streaming || node->stream_quiet < rounds + 1 + node->stream_misses * rounds)
        continue;

      node->stream_misses++;
      seconds = (guint) MAX (1.0, round (node->stream_quiet * pump));
      message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "no sample for %u second",
                                              "no sample for %u seconds", seconds), seconds);
      node_failed (self, node, message);

      if (node->state == SEYE_NODE_STATE_OFFLINE)
        {
          /* Gone quiet for good: close it, and knock again as for any offline node. */
          cancel_node (node);
          schedule_poll (self, node, backoff_delay (self, node));
        }
      else
        {
          /* Still open: the next sample may yet come. */
          g_clear_handle_id (&node->poll_id, g_source_remove);
        }
    }
}

/* A status other than 200 for /v1/stream. Returns TRUE when it was dealt with
 * (and @request freed): the node is polled instead. */
static gboolean
stream_refused (Request *request,
                guint    status)
{
  g_autoptr (SeyeMonitor) self = g_weak_ref_get (&request->monitor);
  SeyeNode *node = request->node;

  if (self == NULL || node->cancellable != request->cancellable)
    return FALSE;

  switch (status)
    {
    case SOUP_STATUS_NOT_FOUND:
    case SOUP_STATUS_METHOD_NOT_ALLOWED:
    case SOUP_STATUS_NOT_IMPLEMENTED:
      g_debug ("node “%s” has no stream (HTTP %u): polling it", node->key, status);
      node->stream_unsupported = TRUE;
      break;

    case SOUP_STATUS_SERVICE_UNAVAILABLE:
      g_debug ("node “%s” has no room for another stream: polling it for %d s", node->key, STREAM_RETRY);
      node->stream_retry_us = g_get_monotonic_time () + STREAM_RETRY * G_USEC_PER_SEC;
      break;

    default:
      return FALSE;
    }

  node->in_flight = FALSE;
  g_clear_object (&node->cancellable);
  request_free (request);
  poll_node (self, node);

  return TRUE;
}

/* The end of a stream: @error is NULL when the node closed it. */
static void
stream_finish (Request *request,
               GError  *error)
{
  g_autoptr (SeyeMonitor) self = g_weak_ref_get (&request->monitor);
  g_autoptr (GError) ended = NULL;
  SeyeNode *node = request->node;

  if (self != NULL)
    g_ptr_array_remove_fast (self->streams, request);

  if (self != NULL && node->cancellable == request->cancellable)
    {
      node->streaming = FALSE;

      /* Samples may be missed until the next one: fill the gap on the way back. */
      if (request->n_samples > 0 && self->fetch_history)
        node->need_history = TRUE;

      /* It stopped after a while (a restart, or it found us too slow): again, soon. */
      if (error == NULL && request->n_samples > 0)
        {
          gint64 lasted_us = g_get_monotonic_time () - request->started_us;

          g_debug ("node “%s” ended its stream", node->key);
          node->in_flight = FALSE;
          g_clear_object (&node->cancellable);
          schedule_poll (self, node, lasted_us > self->interval * G_USEC_PER_SEC ? 0 : self->interval);
          request_free (request);
          return;
        }
    }

  if (error == NULL)
    error = ended = g_error_new_literal (SEYE_ERROR, SEYE_ERROR_UNAVAILABLE,
                                         _("the node ended its stream before any sample"));

  finish_request (request, error);
}

/* One line of a stream: a sample, or an empty line that says the stream is alive. */
static gboolean
stream_line (SeyeMonitor  *self,
             Request      *request,
             const char   *line,
             gsize         length,
             GError      **error)
{
  g_autoptr (SeyeSample) sample = NULL;
  g_autoptr (GError) local_error = NULL;
  SeyeNode *node = request->node;

  if (length > 0 && line[length - 1] == '\r')
    length--;
  if (length == 0)
    return TRUE;

  sample = seye_sample_from_json (line, length, &local_error);
  if (sample == NULL)
    {
      if (g_error_matches (local_error, SEYE_ERROR, SEYE_ERROR_INCOMPATIBLE))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, SEYE_ERROR, SEYE_ERROR_INVALID,
                     _("the node sent bad data: %s"), local_error->message);
      return FALSE;
    }

  request->n_samples++;
  stream_arm (node);
  node_sampled (self, node);
  add_sample (self, node, sample);

  return TRUE;
}

/* What was read from a stream: its complete lines are taken. Returns FALSE
 * when the stream is over (and @request freed). */
static gboolean
stream_take (Request      *request,
             const guint8 *data,
             gsize         size)
{
  g_autoptr (SeyeMonitor) self = g_weak_ref_get (&request->monitor);
  g_autoptr (GError) error = NULL;
  GByteArray *buffer = request->body;
  const guint8 *newline;
  gsize start = 0;

  if (self == NULL || request->node->cancellable != request->cancellable)
    {
      stream_finish (request, NULL);
      return FALSE;
    }

  g_byte_array_append (buffer, data, size);

  while ((newline = memchr (buffer->data + start, '\n', buffer->len - start)) != NULL)
    {
      gsize length = newline - (buffer->data + start);

      if (length > request->limit)
        break;

      if (!stream_line (self, request, (const char *) buffer->data + start, length, &error))
        {
          stream_finish (request, error);
          return FALSE;
        }
      start += length + 1;

      /* Adding a sample may have closed the stream (the node was removed). */
      if (request->node->cancellable != request->cancellable)
        {
          stream_finish (request, NULL);
          return FALSE;
        }
    }
  g_byte_array_remove_range (buffer, 0, start);

  if (buffer->len > request->limit)
    {
      g_set_error (&error, SEYE_ERROR, SEYE_ERROR_INVALID,
                   _("the node sent a line longer than %u KiB"),
                   (guint) (request->limit / 1024));
      stream_finish (request, error);
      return FALSE;
    }

  return TRUE;
}

/* Reads what a stream has now, without waiting. Returns FALSE when it is over. */
static gboolean
stream_pump (Request *request)
{
  GPollableInputStream *pollable = G_POLLABLE_INPUT_STREAM (request->stream);
  guint8 buf[16 * 1024];

  if (g_cancellable_is_cancelled (request->cancellable))
    {
      stream_finish (request, NULL);
      return FALSE;
    }

  /* A bounded amount a round: a node that floods us cannot hold the loop. */
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr (GError) error = NULL;
      gssize n = g_pollable_input_stream_read_nonblocking (pollable, buf, sizeof buf, NULL, &error);

      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        return TRUE;

      if (n <= 0)
        {
          stream_finish (request, error);
          return FALSE;
        }

      if (!stream_take (request, buf, n))
        return FALSE;
    }

  return TRUE;
}

/* Reads every open stream once an interval, all in one go: the process wakes
 * up once a round, not once a node (and a GUI draws what came in one frame). */
static gboolean
pump_cb (gpointer data)
{
  SeyeMonitor *self = data;
  gboolean streaming = FALSE;

  for (guint i = 0; i < self->nodes->len; i++)
    ((SeyeNode *) self->nodes->pdata[i])->stream_quiet++;

  /* From the end: a stream that ends leaves the array by swapping in the last one. */
  for (guint i = self->streams->len; i > 0; i--)
    if (i <= self->streams->len)
      stream_pump (self->streams->pdata[i - 1]);

  check_streams (self);

  for (guint i = 0; i < self->nodes->len && !streaming; i++)
    streaming = ((SeyeNode *) self->nodes->pdata[i])->streaming;

  if (self->streams->len == 0 && !streaming)
    {
      self->pump_id = 0;
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

static void
stop_pump (SeyeMonitor *self)
{
  g_clear_handle_id (&self->pump_id, g_source_remove);
}

static void
start_pump (SeyeMonitor *self)
{
  if (self->pump_id != 0)
    return;

  /* Whole seconds go through the seconds timer, which GLib fires together
   * with every other one in the process (the GUI's ticker, housekeeping). */
  if (self->interval >= 1.0)
    self->pump_id = g_timeout_add_seconds ((guint) self->interval, pump_cb, self);
  else
    self->pump_id = g_timeout_add ((guint) (self->interval * 1000), pump_cb, self);
  g_source_set_name_by_id (self->pump_id, "[seye] stream pump");
}

static void stream_read_more (Request *request);

/* Streams that cannot be read without waiting: one read at a time. */
static void
stream_read_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  Request *request = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = NULL;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (bytes == NULL || g_bytes_get_size (bytes) == 0)
    {
      stream_finish (request, error);
      return;
    }

  if (stream_take (request, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes)))
    stream_read_more (request);
}

static void
stream_read_more (Request *request)
{
  g_input_stream_read_bytes_async (request->stream,
                                   16 * 1024,
                                   G_PRIORITY_DEFAULT,
                                   request->cancellable,
                                   stream_read_cb,
                                   request);
}

/* The node said 200 to /v1/stream: from now on it sends, we read. */
static void
stream_start (Request *request)
{
  g_autoptr (SeyeMonitor) self = g_weak_ref_get (&request->monitor);
  SeyeNode *node = request->node;

  /* The deadline is for the answer to begin; a stream has no end to wait for. */
  g_clear_handle_id (&request->deadline_id, g_source_remove);
  request->started_us = g_get_monotonic_time ();

  if (self != NULL && node->cancellable == request->cancellable)
    {
      g_debug ("node “%s”: streaming", node->key);
      node->streaming = TRUE;
      stream_arm (node);
    }

  if (self != NULL)
    start_pump (self);

  if (self != NULL && G_IS_POLLABLE_INPUT_STREAM (request->stream) &&
      g_pollable_input_stream_can_poll (G_POLLABLE_INPUT_STREAM (request->stream)))
    {
      g_ptr_array_add (self->streams, request);
      /* The latest sample is there already, most likely. */
      stream_pump (request);
    }
  else
    {
      stream_read_more (request);
    }
}

static void
send_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  Request *request = data;
  g_autoptr (GError) error = NULL;
  SoupMessageHeaders *headers;
  goffset content_length;
  guint status;

  request->stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (request->stream == NULL)
    {
      finish_request (request, error);
      return;
    }

  status = soup_message_get_status (request->message);
  if (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_FORBIDDEN || request->tls_check != NULL)
    {
      g_autoptr (SeyeMonitor) self = g_weak_ref_get (&request->monitor);

      if (self != NULL && request->node->cancellable == request->cancellable &&
          !auth_outcome (self, request, status))
        {
          request->node->in_flight = FALSE;
          g_clear_object (&request->node->cancellable);
          request_free (request);
          return;
        }
    }

  if (request->kind == REQUEST_STREAM && status != SOUP_STATUS_OK && stream_refused (request, status))
    return;

  if (status != SOUP_STATUS_OK)
    {
      g_autofree char *message = describe_http_status (request->message);

      if (status == SOUP_STATUS_SERVICE_UNAVAILABLE && request->kind == REQUEST_METRICS)
        {
          g_autoptr (SeyeMonitor) self = g_weak_ref_get (&request->monitor);

          /* A fresh agent with no sample yet: it is there, ask again soon. */
          if (self != NULL && request->node->cancellable == request->cancellable)
            {
              SeyeNode *node = request->node;

              node->in_flight = FALSE;
              g_clear_object (&node->cancellable);
              node_reached (self, node);
              schedule_poll (self, node, MIN (self->interval, 0.5));
            }
          request_free (request);
          return;
        }

      g_set_error_literal (&error, SEYE_ERROR, SEYE_ERROR_UNAVAILABLE, message);
      finish_request (request, error);
      return;
    }

  headers = soup_message_get_response_headers (request->message);
  content_length = soup_message_headers_get_content_length (headers);
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      content_length > (goffset) request->limit)
    {
      g_set_error (&error, SEYE_ERROR, SEYE_ERROR_INVALID,
                   _("the node sent an answer larger than %u KiB"),
                   (guint) (request->limit / 1024));
      finish_request (request, error);
      return;
    }

  if (request->kind == REQUEST_STREAM)
    stream_start (request);
  else
    read_more (request);
}

static gboolean
deadline_cb (gpointer data)
{
  Request *request = data;

  request->deadline_id = 0;
  request->timed_out = TRUE;
  g_cancellable_cancel (request->cancellable);

  return G_SOURCE_REMOVE;
}

static void
poll_node (SeyeMonitor *self,
           SeyeNode    *node)
{
  g_autofree char *uri = NULL;
  Request *request;

  g_clear_handle_id (&node->poll_id, g_source_remove);

  if (node->in_flight || node->base_uri == NULL)
    return;

  _seye_node_set_paired (node, find_pairing (self, node) != NULL);

  request = g_new0 (Request, 1);
  g_weak_ref_init (&request->monitor, self);
  request->node = g_object_ref (node);
  request->body = g_byte_array_new ();
  request->limit = BODY_LIMIT;

  if (node->need_info)
    {
      request->kind = REQUEST_INFO;
      uri = g_strconcat (node->base_uri, "/v1/node", NULL);
    }
  else if (node->need_history && self->fetch_history)
    {
      gint64 since = node->sample ? node->sample->time_ms : 0;

      request->kind = REQUEST_HISTORY;
      request->limit = HISTORY_LIMIT;
      uri = g_strdup_printf ("%s/v1/history?since=%" G_GINT64_FORMAT, node->base_uri, since);
    }
  else if (stream_wanted (self, node))
    {
      char interval[G_ASCII_DTOSTR_BUF_SIZE];

      request->kind = REQUEST_STREAM;
      request->limit = LINE_LIMIT;
      g_ascii_dtostr (interval, sizeof interval, self->interval);
      /* The compact form: the totals, which is all any client of the monitor
       * shows, as an array that decodes in a quarter of the time of a whole sample. */
      uri = g_strconcat (node->base_uri, "/v1/stream?view=compact&interval=", interval, NULL);
    }
  else
    {
      request->kind = REQUEST_METRICS;
      uri = g_strconcat (node->base_uri, "/v1/metrics", NULL);
    }

  request->message = soup_message_new (SOUP_METHOD_GET, uri);
  if (request->message == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is not an address one can connect to"),
                                                  node->address ? node->address : node->base_uri);

      request_free (request);
      node_failed (self, node, message);
      return;
    }

  soup_message_headers_replace (soup_message_get_request_headers (request->message), "Accept",
                                request->kind == REQUEST_STREAM ? "application/x-ndjson"
                                                                : "application/json");

  if (node->tls)
    request->tls_check = _seye_tls_check_new (request->message, find_pairing (self, node),
                                              self->credentials);
  else if (node->paired)
    {
      /* Announced without TLS now: the paired node would never do that. */
      request_free (request);
      if (!refuse_endpoint (self, node))
        node_untrusted (self, node, NULL);
      return;
    }

  request->cancellable = g_cancellable_new ();
  g_set_object (&node->cancellable, request->cancellable);
  node->in_flight = TRUE;
  request->deadline_id = g_timeout_add_seconds (REQUEST_DEADLINE, deadline_cb, request);

  soup_session_send_async (self->session,
                           request->message,
                           G_PRIORITY_DEFAULT,
                           request->cancellable,
                           send_cb,
                           request);
}

static gboolean
poll_timeout_cb (gpointer data)
{
  SeyeNode *node = data;

  node->poll_id = 0;
  if (node->monitor != NULL)
    poll_node (SEYE_MONITOR (node->monitor), node);

  return G_SOURCE_REMOVE;
}

static void
schedule_poll (SeyeMonitor *self,
               SeyeNode    *node,
               double       delay)
{
  g_clear_handle_id (&node->poll_id, g_source_remove);

  if (!self->started)
    return;

  node->poll_id = g_timeout_add_full (G_PRIORITY_DEFAULT,
                                      (guint) MAX (0, delay * 1000),
                                      poll_timeout_cb,
                                      node,
                                      NULL);
}

/* Vetting ------------------------------------------------------------------ */

/*
 * mDNS proves nothing: a look-alike can announce any node id. A paired node is
 * told apart by its pinned certificate (choose_endpoint()); for the others, every
 * other endpoint announced under the node's id is asked who it is (GET /v1/node,
 * once). The same agent on another address says the same; another machine
 * (another identity, boot time or host) becomes a node of its own, and both say
 * "two machines claim this node", each at its address: neither is merged into the
 * other, and neither hides the other.
 */

typedef struct
{
  GWeakRef      monitor;
  SeyeNode     *node;
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
  g_weak_ref_clear (&probe->monitor);
  g_clear_object (&probe->node);
  g_free (probe->uri);
  g_clear_object (&probe->message);
  g_clear_object (&probe->cancellable);
  g_clear_object (&probe->stream);
  g_clear_pointer (&probe->body, g_byte_array_unref);
  g_free (probe);
}

/* The services of @node at @uri go to a node of their own, which says who it is. */
static void
split_endpoint (SeyeMonitor        *self,
                SeyeNode           *node,
                const char         *uri,
                const SeyeNodeInfo *info)
{
  g_autoptr (GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  SeyeServiceInfo *first = NULL;
  g_autofree char *key = NULL;
  GHashTableIter iter;
  gpointer service_key;
  gpointer value;
  SeyeNode *claimant;

  g_hash_table_iter_init (&iter, node->services);
  while (g_hash_table_iter_next (&iter, &service_key, &value))
    {
      g_autofree char *service_uri_text = service_uri (value);

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
           info->node_id, key, node->address ? node->address : "?");

  claimant = _seye_node_new (key, info->name, FALSE, node->history ? seye_history_get_capacity (node->history) : 1);
  claimant->monitor = G_OBJECT (self);
  _seye_node_set_info (claimant, info);

  for (guint i = 0; i < keys->len; i++)
    {
      SeyeServiceInfo *service = seye_service_info_copy (g_hash_table_lookup (node->services, keys->pdata[i]));

      g_hash_table_insert (claimant->services, g_strdup (keys->pdata[i]), service);
      g_hash_table_insert (self->service_owner, g_strdup (keys->pdata[i]), claimant);
      g_hash_table_remove (node->services, keys->pdata[i]);
    }

  claimant->need_info = TRUE;
  claimant->need_history = TRUE;
  choose_endpoint (self, claimant);
  add_node (self, claimant);
  update_conflicts (self, info->node_id);
}

static void
probe_done (Probe              *probe,
            const SeyeNodeInfo *info)
{
  g_autoptr (SeyeMonitor) self = g_weak_ref_get (&probe->monitor);
  SeyeNode *node = probe->node;
  gint64 now = g_get_monotonic_time () / G_USEC_PER_SEC;
  gboolean same;

  if (self == NULL || node->probe != probe->cancellable)
    {
      probe_free (probe);
      return;
    }

  g_clear_object (&node->probe);

  same = info != NULL && node->info != NULL && same_machine (node->info, info);
  g_hash_table_insert (node->vetted, g_strdup (probe->uri), GSIZE_TO_POINTER ((gsize) (now << 1 | same)));

  if (info != NULL && !same && node->info != NULL && g_strcmp0 (info->node_id, node->info->node_id) == 0)
    split_endpoint (self, node, probe->uri, info);
  else
    g_debug ("node “%s”: %s is %s", node->key, probe->uri,
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
static void
vet_endpoints (SeyeMonitor *self,
               SeyeNode    *node)
{
  gint64 now = g_get_monotonic_time () / G_USEC_PER_SEC;
  g_autofree char *uri = NULL;
  GHashTableIter iter;
  gpointer value;
  Probe *probe;

  if (node->probe != NULL || node->paired || node->info == NULL || node->base_uri == NULL ||
      g_hash_table_size (node->services) < 2 || find_pairing (self, node) != NULL)
    return;

  g_hash_table_iter_init (&iter, node->services);
  while (uri == NULL && g_hash_table_iter_next (&iter, NULL, &value))
    {
      g_autofree char *candidate = service_uri (value);
      gpointer vetted;

      if (g_strcmp0 (candidate, node->base_uri) == 0)
        continue;
      if (g_hash_table_lookup_extended (node->vetted, candidate, NULL, &vetted) &&
          ((GPOINTER_TO_SIZE (vetted) & VETTED_SAME) != 0 ||
           now - (gint64) (GPOINTER_TO_SIZE (vetted) >> 1) < MAX_BACKOFF))
        continue;
      uri = g_steal_pointer (&candidate);
    }

  if (uri == NULL)
    return;

  probe = g_new0 (Probe, 1);
  g_weak_ref_init (&probe->monitor, self);
  probe->node = g_object_ref (node);
  probe->body = g_byte_array_new ();
  probe->uri = g_steal_pointer (&uri);
  probe->cancellable = g_cancellable_new ();
  node->probe = g_object_ref (probe->cancellable);

  {
    g_autofree char *request_uri = g_strconcat (probe->uri, "/v1/node", NULL);

    probe->message = soup_message_new (SOUP_METHOD_GET, request_uri);
  }
  if (probe->message == NULL)
    {
      probe_done (probe, NULL);
      return;
    }

  g_debug ("node “%s”: asking %s who it is", node->key, probe->uri);
  soup_message_headers_replace (soup_message_get_request_headers (probe->message), "Accept", "application/json");
  /* No pairing: any certificate is accepted, no token is sent. */
  if (g_str_has_prefix (probe->uri, "https:"))
    probe->tls_check = _seye_tls_check_new (probe->message, NULL, self->credentials);
  probe->deadline_id = g_timeout_add_seconds (REQUEST_DEADLINE, probe_deadline_cb, probe);

  soup_session_send_async (self->session, probe->message, G_PRIORITY_DEFAULT, probe->cancellable,
                           probe_sent_cb, probe);
}

/* Discovery ---------------------------------------------------------------- */

static void
service_resolved_cb (SeyeMonitor     *self,
                     SeyeServiceInfo *info)
{
  seye_monitor_add_service (self, info);
}

static void
service_removed_cb (SeyeMonitor *self,
                    const char  *key)
{
  seye_monitor_remove_service (self, key);
}

static void
browser_notify_cb (SeyeMonitor *self,
                   GParamSpec  *pspec)
{
  if (g_str_equal (pspec->name, "available"))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISCOVERY_AVAILABLE]);
  else
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISCOVERY_STATUS]);
}

static void
start_discovery (SeyeMonitor *self)
{
  if (self->browser != NULL)
    return;

  self->browser = seye_browser_new ();
  g_signal_connect_object (self->browser, "service-resolved",
                           G_CALLBACK (service_resolved_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->browser, "service-removed",
                           G_CALLBACK (service_removed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->browser, "notify::available",
                           G_CALLBACK (browser_notify_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->browser, "notify::status-message",
                           G_CALLBACK (browser_notify_cb), self, G_CONNECT_SWAPPED);
  seye_browser_start (self->browser);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISCOVERY_AVAILABLE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISCOVERY_STATUS]);
}

static void
stop_discovery (SeyeMonitor *self)
{
  g_autoptr (GPtrArray) keys = NULL;
  GHashTableIter iter;
  gpointer key;

  if (self->browser == NULL)
    return;

  g_signal_handlers_disconnect_by_data (self->browser, self);
  g_clear_object (&self->browser);

  /* What mDNS told us no longer holds. */
  keys = g_ptr_array_new_with_free_func (g_free);
  g_hash_table_iter_init (&iter, self->service_owner);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (keys, g_strdup (key));
  for (guint i = 0; i < keys->len; i++)
    seye_monitor_remove_service (self, keys->pdata[i]);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISCOVERY_AVAILABLE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISCOVERY_STATUS]);
}

/* Seconds an answering node has to send its first sample before it is "not responding". */
static double
sample_grace (SeyeMonitor *self,
              SeyeNode    *node)
{
  return MAX (SAMPLE_GRACE_MIN, STALE_POLLS * stream_period (self, node));
}

/* Online means a sample came: a node that answers but sends none is "connecting"
 * for the grace time, then "not responding". */
static void
check_waiting (SeyeMonitor *self,
               SeyeNode    *node,
               gint64       now)
{
  g_autofree char *message = NULL;
  guint seconds;

  if (node->state != SEYE_NODE_STATE_CONNECTING || node->waiting_since == 0 ||
      (now - node->waiting_since) / (double) G_USEC_PER_SEC < sample_grace (self, node))
    return;

  seconds = (guint) ((now - node->waiting_since) / G_USEC_PER_SEC);
  message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "no sample for %u second",
                                          "no sample for %u seconds", seconds), seconds);
  g_debug ("node “%s” (%s): %s", node->key, node->address ? node->address : "?", message);
  _seye_node_set_error (node, message);
  set_node_state (self, node, SEYE_NODE_STATE_NOT_RESPONDING);
}

static gboolean
housekeeping_cb (gpointer data)
{
  SeyeMonitor *self = data;
  gint64 now = g_get_monotonic_time ();
  gint64 now_ms = g_get_real_time () / 1000;

  for (guint i = 0; i < self->nodes->len; i++)
    check_waiting (self, self->nodes->pdata[i], now);

  for (guint i = 0; i < self->nodes->len; i++)
    vet_endpoints (self, self->nodes->pdata[i]);

  for (guint i = self->nodes->len; i > 0; i--)
    {
      SeyeNode *node = self->nodes->pdata[i - 1];

      if (node->manual || node->pinned || node->gone_since == 0 ||
          g_hash_table_size (node->services) > 0 ||
          (node->state != SEYE_NODE_STATE_OFFLINE && node->state != SEYE_NODE_STATE_INCOMPATIBLE))
        continue;

      /* Gone from mDNS for the grace time, and unheard of as long. */
      if ((now - node->gone_since) / (double) G_USEC_PER_SEC >= self->grace_time &&
          (now_ms - node->last_seen) / 1000.0 >= self->grace_time)
        {
          g_debug ("node “%s” gone from mDNS and offline: removing it", node->key);
          remove_node_internal (self, node);
        }
    }

  return G_SOURCE_CONTINUE;
}

/* A pairing came or went: the nodes it concerns are asked again at once, with
 * or without the token. */
static void
credentials_changed_cb (SeyeMonitor *self,
                        const char  *node_id)
{
  for (guint i = 0; i < self->nodes->len; i++)
    {
      SeyeNode *node = self->nodes->pdata[i];
      gboolean concerned;

      concerned = g_strcmp0 (node->key, node_id) == 0 ||
                  g_strcmp0 (node->address, node_id) == 0 ||
                  (node->info != NULL && g_strcmp0 (node->info->node_id, node_id) == 0) ||
                  (node->tls && (node->state == SEYE_NODE_STATE_NEEDS_PAIRING ||
                                 node->state == SEYE_NODE_STATE_UNTRUSTED));

      _seye_node_set_paired (node, find_pairing (self, node) != NULL);

      if (!concerned)
        continue;

      /* Another pin, or none: what was proven by the old one no longer is. */
      g_hash_table_remove_all (node->refused);
      g_clear_pointer (&node->proven_uri, g_free);

      if (!self->started)
        continue;

      cancel_node (node);
      node->need_info = TRUE;
      schedule_poll (self, node, 0);
    }
}

/* GListModel --------------------------------------------------------------- */

static GType
seye_monitor_get_item_type (GListModel *model)
{
  return SEYE_TYPE_NODE;
}

static guint
seye_monitor_get_n_items (GListModel *model)
{
  return SEYE_MONITOR (model)->nodes->len;
}

static gpointer
seye_monitor_get_item (GListModel *model,
                       guint       position)
{
  SeyeMonitor *self = SEYE_MONITOR (model);

  if (position >= self->nodes->len)
    return NULL;

  return g_object_ref (self->nodes->pdata[position]);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = seye_monitor_get_item_type;
  iface->get_n_items = seye_monitor_get_n_items;
  iface->get_item = seye_monitor_get_item;
}

/* GObject ------------------------------------------------------------------ */

static void
seye_monitor_dispose (GObject *object)
{
  SeyeMonitor *self = SEYE_MONITOR (object);

  g_clear_handle_id (&self->housekeeping_id, g_source_remove);

  if (self->browser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->browser, self);
      g_clear_object (&self->browser);
    }

  for (guint i = 0; self->nodes != NULL && i < self->nodes->len; i++)
    {
      SeyeNode *node = self->nodes->pdata[i];

      cancel_node (node);
      node->monitor = NULL;
    }

  stop_pump (self);
  while (self->streams != NULL && self->streams->len > 0)
    request_free (g_ptr_array_steal_index_fast (self->streams, self->streams->len - 1));

  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);

  if (self->credentials != NULL)
    g_signal_handlers_disconnect_by_data (self->credentials, self);
  g_clear_object (&self->credentials);

  G_OBJECT_CLASS (seye_monitor_parent_class)->dispose (object);
}

static void
seye_monitor_finalize (GObject *object)
{
  SeyeMonitor *self = SEYE_MONITOR (object);

  g_clear_pointer (&self->by_key, g_hash_table_unref);
  g_clear_pointer (&self->service_owner, g_hash_table_unref);
  g_clear_pointer (&self->nodes, g_ptr_array_unref);
  g_clear_pointer (&self->streams, g_ptr_array_unref);

  G_OBJECT_CLASS (seye_monitor_parent_class)->finalize (object);
}

static void
seye_monitor_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  SeyeMonitor *self = SEYE_MONITOR (object);

  switch (prop_id)
    {
    case PROP_INTERVAL:
      g_value_set_double (value, self->interval);
      break;

    case PROP_GRACE_TIME:
      g_value_set_double (value, self->grace_time);
      break;

    case PROP_DISCOVERY:
      g_value_set_boolean (value, self->discovery);
      break;

    case PROP_DISCOVERY_AVAILABLE:
      g_value_set_boolean (value, seye_monitor_get_discovery_available (self));
      break;

    case PROP_DISCOVERY_STATUS:
      g_value_set_string (value, seye_monitor_get_discovery_status (self));
      break;

    case PROP_ALERT_RULES:
      g_value_set_boxed (value, &self->rules);
      break;

    case PROP_FETCH_HISTORY:
      g_value_set_boolean (value, self->fetch_history);
      break;

    case PROP_DISCOVERY_FULL:
      g_value_set_boolean (value, self->discovery_full);
      break;

    case PROP_STREAM:
      g_value_set_boolean (value, self->stream);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
seye_monitor_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  SeyeMonitor *self = SEYE_MONITOR (object);

  switch (prop_id)
    {
    case PROP_INTERVAL:
      seye_monitor_set_interval (self, g_value_get_double (value));
      break;

    case PROP_GRACE_TIME:
      seye_monitor_set_grace_time (self, g_value_get_double (value));
      break;

    case PROP_DISCOVERY:
      seye_monitor_set_discovery (self, g_value_get_boolean (value));
      break;

    case PROP_ALERT_RULES:
      if (g_value_get_boxed (value) != NULL)
        seye_monitor_set_alert_rules (self, g_value_get_boxed (value));
      break;

    case PROP_FETCH_HISTORY:
      seye_monitor_set_fetch_history (self, g_value_get_boolean (value));
      break;

    case PROP_STREAM:
      seye_monitor_set_stream (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
seye_monitor_class_init (SeyeMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = seye_monitor_dispose;
  object_class->finalize = seye_monitor_finalize;
  object_class->get_property = seye_monitor_get_property;
  object_class->set_property = seye_monitor_set_property;

  properties[PROP_INTERVAL] =
    g_param_spec_double ("interval", NULL, NULL, 0.1, 3600, 1.0, rw);
  properties[PROP_GRACE_TIME] =
    g_param_spec_double ("grace-time", NULL, NULL, 0, G_MAXDOUBLE, 300, rw);
  properties[PROP_DISCOVERY] =
    g_param_spec_boolean ("discovery", NULL, NULL, FALSE, rw);
  properties[PROP_DISCOVERY_AVAILABLE] =
    g_param_spec_boolean ("discovery-available", NULL, NULL, FALSE, ro);
  properties[PROP_DISCOVERY_STATUS] =
    g_param_spec_string ("discovery-status", NULL, NULL, NULL, ro);
  properties[PROP_ALERT_RULES] =
    g_param_spec_boxed ("alert-rules", NULL, NULL, SEYE_TYPE_ALERT_RULES, rw);
  /**
   * SeyeMonitor:fetch-history:
   *
   * Whether a node's /v1/history is fetched on first contact (default %TRUE).
   * One-shot clients that want the latest sample only turn it off.
   */
  properties[PROP_FETCH_HISTORY] =
    g_param_spec_boolean ("fetch-history", NULL, NULL, TRUE, rw);
  /**
   * SeyeMonitor:discovery-full:
   *
   * %TRUE once MAX_DISCOVERED nodes came from mDNS and more announcements
   * were ignored (a crowded or hostile network); it stays %TRUE.
   */
  properties[PROP_DISCOVERY_FULL] =
    g_param_spec_boolean ("discovery-full", NULL, NULL, FALSE, ro);
  /**
   * SeyeMonitor:stream:
   *
   * Whether nodes that offer GET /v1/stream send their samples on it
   * (default %TRUE); otherwise, and with agents that do not, /v1/metrics is
   * polled every interval.
   */
  properties[PROP_STREAM] =
    g_param_spec_boolean ("stream", NULL, NULL, TRUE, rw);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[ALERT] =
    g_signal_new ("alert",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3,
                  SEYE_TYPE_NODE, G_TYPE_UINT, G_TYPE_BOOLEAN);
}

static void
seye_monitor_init (SeyeMonitor *self)
{
  self->nodes = g_ptr_array_new_with_free_func (g_object_unref);
  self->streams = g_ptr_array_new ();
  self->by_key = g_hash_table_new (g_str_hash, g_str_equal);
  self->service_owner = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->interval = 1.0;
  self->grace_time = 300;
  self->fetch_history = TRUE;
  self->stream = TRUE;
  seye_alert_rules_init_defaults (&self->rules);

  self->session = soup_session_new_with_options ("timeout", IO_TIMEOUT,
                                                 "idle-timeout", 60,
                                                 "max-conns", 256,
                                                 "max-conns-per-host", 2,
                                                 "user-agent", "seye/" PACKAGE_VERSION " ",
                                                 NULL);
  /* A LAN monitor talks to its neighbours directly, never through a proxy. */
  soup_session_set_proxy_resolver (self->session, NULL);

  /* No TLS database: GIO then validates no certificate, so libsoup hands every
   * one to "accept-certificate", where seye-credentials.c compares it with the
   * pin. With the system's CAs a certificate they vouch for would skip that. */
  soup_session_set_tls_database (self->session, NULL);

  self->credentials = seye_credentials_new ();
  g_signal_connect_object (self->credentials, "changed", G_CALLBACK (credentials_changed_cb), self,
                           G_CONNECT_SWAPPED);
}

/* Public API --------------------------------------------------------------- */

SeyeMonitor *
seye_monitor_new (void)
{
  return g_object_new (SEYE_TYPE_MONITOR, NULL);
}

void
seye_monitor_set_interval (SeyeMonitor *self,
                           double       seconds)
{
  g_return_if_fail (SEYE_IS_MONITOR (self));

  seconds = CLAMP (seconds, 0.1, 3600);
  if (self->interval == seconds)
    return;

  self->interval = seconds;
  stop_pump (self);
  restart_streams (self);
  if (self->streams->len > 0)
    start_pump (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INTERVAL]);
}

double
seye_monitor_get_interval (SeyeMonitor *self)
{
  g_return_val_if_fail (SEYE_IS_MONITOR (self), 1.0);

  return self->interval;
}

void
seye_monitor_set_grace_time (SeyeMonitor *self,
                             double       seconds)
{
  g_return_if_fail (SEYE_IS_MONITOR (self));

  seconds = MAX (seconds, 0);
  if (self->grace_time == seconds)
    return;

  self->grace_time = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GRACE_TIME]);
}

/**
 * seye_monitor_set_discovery:
 *
 * Turns mDNS browsing on or off. Nodes found through it stay until the grace
 * time after they go offline.
 */
void
seye_monitor_set_discovery (SeyeMonitor *self,
                            gboolean     discovery)
{
  g_return_if_fail (SEYE_IS_MONITOR (self));

  if (self->discovery == !!discovery)
    return;

  self->discovery = !!discovery;

  if (self->started)
    {
      if (self->discovery)
        start_discovery (self);
      else
        stop_discovery (self);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISCOVERY]);
}

gboolean
seye_monitor_get_discovery_available (SeyeMonitor *self)
{
  g_return_val_if_fail (SEYE_IS_MONITOR (self), FALSE);

  return self->browser != NULL && seye_browser_get_available (self->browser);
}

/**
 * seye_monitor_get_discovery_status:
 *
 * Returns: (nullable): why discovery is off when it was asked for but does not
 *   work, in words a user can act on; %NULL otherwise.
 */
const char *
seye_monitor_get_discovery_status (SeyeMonitor *self)
{
  g_return_val_if_fail (SEYE_IS_MONITOR (self), NULL);

  return self->browser != NULL ? seye_browser_get_status_message (self->browser) : NULL;
}

void
seye_monitor_set_alert_rules (SeyeMonitor          *self,
                              const SeyeAlertRules *rules)
{
  g_return_if_fail (SEYE_IS_MONITOR (self));
  g_return_if_fail (rules != NULL);

  if (memcmp (&self->rules, rules, sizeof *rules) == 0)
    return;

  self->rules = *rules;

  for (guint i = 0; i < self->nodes->len; i++)
    {
      SeyeNode *node = self->nodes->pdata[i];

      update_alerts (self, node, node->sample);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ALERT_RULES]);
}

/* Streams are asked for with the interval, and only when wanted: ask again. */
static void
restart_streams (SeyeMonitor *self)
{
  for (guint i = 0; i < self->nodes->len; i++)
    {
      SeyeNode *node = self->nodes->pdata[i];

      if (node->streaming)
        {
          cancel_node (node);
          schedule_poll (self, node, 0);
        }
    }
}

/**
 * seye_monitor_set_stream:
 *
 * Whether to take samples from the nodes' streams where they offer one
 * (default %TRUE), or to poll every node.
 */
void
seye_monitor_set_stream (SeyeMonitor *self,
                         gboolean     stream)
{
  g_return_if_fail (SEYE_IS_MONITOR (self));

  if (self->stream == !!stream)
    return;

  self->stream = !!stream;
  restart_streams (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STREAM]);
}

/**
 * seye_monitor_set_fetch_history:
 *
 * Whether to fetch a node's recent history on first contact (default %TRUE).
 */
void
seye_monitor_set_fetch_history (SeyeMonitor *self,
                                gboolean     fetch_history)
{
  g_return_if_fail (SEYE_IS_MONITOR (self));

  if (self->fetch_history == !!fetch_history)
    return;

  self->fetch_history = !!fetch_history;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FETCH_HISTORY]);
}

static guint
history_capacity (SeyeMonitor *self)
{
  return (guint) MIN (SEYE_MAX_HISTORY, ceil (HISTORY_SECONDS / self->interval));
}

static SeyeNode *
new_node (SeyeMonitor *self,
          const char  *key,
          const char  *name,
          gboolean     manual)
{
  SeyeNode *node = _seye_node_new (key, name, manual, history_capacity (self));

  node->monitor = G_OBJECT (self);

  return node;
}

/**
 * seye_monitor_add_manual:
 * @host_port: "host", "host:port" or "[v6]:port" (HTTP); "https://" before any of them for HTTPS
 *
 * Adds a node by address. It is polled like any other and never removed for
 * being offline. Adding an address twice returns the node already there.
 *
 * Returns: (transfer none) (nullable): the node, or %NULL with @error set when
 *   @host_port cannot be parsed.
 */
SeyeNode *
seye_monitor_add_manual (SeyeMonitor  *self,
                         const char   *host_port,
                         GError      **error)
{
  g_autofree char *host = NULL;
  g_autofree char *key = NULL;
  SeyeNode *node;
  guint16 port;
  gboolean tls;

  g_return_val_if_fail (SEYE_IS_MONITOR (self), NULL);
  g_return_val_if_fail (host_port != NULL, NULL);

  if (!seye_parse_node_address (host_port, &host, &port, &tls, error))
    return NULL;

  key = seye_address_format (host, port);

  for (guint i = 0; i < self->nodes->len; i++)
    {
      node = self->nodes->pdata[i];
      if (g_strcmp0 (node->address, key) == 0)
        {
          _seye_node_set_manual (node, TRUE);
          return node;
        }
    }

  node = new_node (self, key, NULL, TRUE);
  node->host = g_strdup (host);
  node->port = port;
  node->base_uri = seye_address_base_uri (host, port, tls);
  node->address = g_strdup (key);
  node->tls = tls;
  add_node (self, node);

  return node;
}

static guint
count_discovered (SeyeMonitor *self)
{
  guint n = 0;

  for (guint i = 0; i < self->nodes->len; i++)
    if (!((SeyeNode *) self->nodes->pdata[i])->manual)
      n++;

  return n;
}

/* A flood of announcements (or a very large network) must not grow the list,
 * the requests and the memory without end: past the cap they are ignored, and
 * that is said once. */
static void
discovery_full (SeyeMonitor           *self,
                const SeyeServiceInfo *info)
{
  g_autofree char *shown = NULL;

  if (self->discovery_full)
    return;

  shown = seye_sanitize_display (info->name ? info->name : info->key);
  g_message ("%u nodes found over mDNS: ignoring “%s” and any other new one this session",
             MAX_DISCOVERED, shown);
  self->discovery_full = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISCOVERY_FULL]);
}

/**
 * seye_monitor_add_service:
 *
 * Adds or updates a node from one resolved mDNS service, as the monitor's own
 * browser does. Services carrying the same TXT node id make one node. For
 * callers that browse themselves (a one-shot `seye fetch`) and for tests.
 */
void
seye_monitor_add_service (SeyeMonitor           *self,
                          const SeyeServiceInfo *info)
{
  g_autofree char *fallback_key = NULL;
  SeyeTxtRecord txt = info->txt;
  const char *key;
  SeyeNode *node;

  g_return_if_fail (SEYE_IS_MONITOR (self));
  g_return_if_fail (info != NULL && info->key != NULL && info->address != NULL);

  if (seye_txt_record_validate (&txt, NULL))
    {
      key = info->txt.node_id;
    }
  else
    {
      fallback_key = seye_address_format (info->address, info->port);
      key = fallback_key;
    }

  node = g_hash_table_lookup (self->service_owner, info->key);
  if (node != NULL && g_strcmp0 (node->key, key) != 0 &&
      !(node->info != NULL && g_strcmp0 (node->info->node_id, key) == 0))
    {
      /* This service now belongs to another node id. */
      seye_monitor_remove_service (self, info->key);
      node = NULL;
    }

  if (node == NULL)
    node = g_hash_table_lookup (self->by_key, key);

  if (node == NULL && count_discovered (self) >= MAX_DISCOVERED)
    {
      discovery_full (self, info);
      return;
    }

  if (node == NULL)
    {
      node = new_node (self, key, info->name, FALSE);
      g_hash_table_insert (node->services, g_strdup (info->key), seye_service_info_copy (info));
      g_hash_table_insert (self->service_owner, g_strdup (info->key), node);
      choose_endpoint (self, node);
      add_node (self, node);
      return;
    }

  g_hash_table_insert (node->services, g_strdup (info->key), seye_service_info_copy (info));
  g_hash_table_insert (self->service_owner, g_strdup (info->key), node);
  node->gone_since = 0;
  if (node->info == NULL)
    _seye_node_set_name (node, info->name);

  if (g_strcmp0 (node->service_key, info->key) == 0)
    {
      /* Same service, maybe a new port: re-point if needed. */
      g_clear_pointer (&node->service_key, g_free);
    }
  choose_endpoint (self, node);

  /* Another address for a node that said who it is: is it the same agent? */
  vet_endpoints (self, node);

  /* Announced again while unreachable (or while no endpoint presented its pin): worth a try now. */
  if (self->started && !node->in_flight &&
      (node->state == SEYE_NODE_STATE_OFFLINE || node->state == SEYE_NODE_STATE_UNTRUSTED))
    schedule_poll (self, node, 0);
}

/**
 * seye_monitor_remove_service:
 * @key: the browse key of a #SeyeServiceInfo
 *
 * The service went from mDNS. Its node stays while it answers; once it is
 * offline and no service is left, it goes after the grace time.
 */
void
seye_monitor_remove_service (SeyeMonitor *self,
                             const char  *key)
{
  g_autofree char *owned_key = g_strdup (key);
  SeyeNode *node;

  g_return_if_fail (SEYE_IS_MONITOR (self));

  node = g_hash_table_lookup (self->service_owner, key);
  if (node == NULL)
    return;

  g_hash_table_remove (self->service_owner, owned_key);
  g_hash_table_remove (node->services, owned_key);

  if (g_hash_table_size (node->services) == 0)
    {
      node->gone_since = g_get_monotonic_time ();
      return;
    }

  if (g_strcmp0 (node->service_key, owned_key) == 0)
    {
      g_clear_pointer (&node->service_key, g_free);
      choose_endpoint (self, node);
    }
}

/**
 * seye_monitor_get_vetting:
 *
 * Returns: %TRUE while another endpoint announced under a node's id is being
 *   asked who it is (a one-shot client waits for that before it shows a node:
 *   it may turn out to be two machines).
 */
gboolean
seye_monitor_get_vetting (SeyeMonitor *self)
{
  g_return_val_if_fail (SEYE_IS_MONITOR (self), FALSE);

  for (guint i = 0; i < self->nodes->len; i++)
    if (((SeyeNode *) self->nodes->pdata[i])->probe != NULL)
      return TRUE;

  return FALSE;
}

/**
 * seye_monitor_get_credentials:
 *
 * Returns: (transfer none): the pairings this monitor sends tokens by. Adding
 *   or removing one polls the nodes it concerns at once.
 */
SeyeCredentials *
seye_monitor_get_credentials (SeyeMonitor *self)
{
  g_return_val_if_fail (SEYE_IS_MONITOR (self), NULL);

  return self->credentials;
}

/**
 * seye_monitor_get_pairing:
 *
 * Returns: (nullable): the pairing a token for @node comes from.
 */
const SeyePairing *
seye_monitor_get_pairing (SeyeMonitor *self,
                          SeyeNode    *node)
{
  g_return_val_if_fail (SEYE_IS_MONITOR (self), NULL);
  g_return_val_if_fail (SEYE_IS_NODE (node), NULL);

  return find_pairing (self, node);
}

typedef struct
{
  SeyeNode     *node;
  SeyePairing  *pairing;
  SoupMessage  *message;
  SeyeTlsCheck *check;
} PairData;

static void
pair_data_free (PairData *data)
{
  g_clear_pointer (&data->check, _seye_tls_check_free);
  g_clear_object (&data->message);
  g_clear_object (&data->node);
  g_clear_pointer (&data->pairing, seye_pairing_free);
  g_free (data);
}

static void
pair_sent_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  SeyeMonitor *self = g_task_get_source_object (task);
  PairData *data = g_task_get_task_data (task);
  g_autoptr (GInputStream) stream = NULL;
  g_autoptr (GError) error = NULL;
  const char *seen;
  guint status;

  stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);

  seen = _seye_tls_check_get_fingerprint (data->check);
  if (seen != NULL && self->credentials != NULL)
    _seye_node_set_tls_fingerprint (data->node, seen);

  if (_seye_tls_check_get_mismatch (data->check))
    {
      g_autofree char *shown = seye_fingerprint_format (data->pairing->fingerprint);
      g_autofree char *now = seen ? seye_fingerprint_format (seen) : g_strdup ("?");

      g_task_return_new_error (task, SEYE_ERROR, SEYE_ERROR_CERTIFICATE,
                               _("The node presented another certificate (%s) than the one shown "
                                 "(%s). The token was not sent."), now, shown);
      return;
    }

  if (stream == NULL)
    {
      g_autofree char *message = describe_transport_error (error, FALSE);

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, SEYE_ERROR, SEYE_ERROR_UNAVAILABLE,
                                 _("Cannot reach the node: %s"), message);
      return;
    }

  status = soup_message_get_status (data->message);
  if (status == SOUP_STATUS_UNAUTHORIZED)
    {
      g_task_return_new_error (task, SEYE_ERROR, SEYE_ERROR_AUTH,
                               _("The node refused this token. Copy it again from "
                                 "“sorcerers-eye-agent --pairing-info” on the node."));
      return;
    }

  if (status != SOUP_STATUS_OK || !_seye_tls_check_get_token_sent (data->check))
    {
      g_autofree char *message = describe_http_status (data->message);

      g_task_return_new_error (task, SEYE_ERROR, SEYE_ERROR_UNAVAILABLE,
                               _("Pairing failed: %s"), message);
      return;
    }

  /* It took the token over the pinned certificate: from now on it gets it at every poll. */
  g_debug ("paired with node “%s” (%s)", data->pairing->node_id, data->pairing->fingerprint);
  if (self->credentials != NULL)
    seye_credentials_add (self->credentials, data->pairing);

  g_task_return_pointer (task, seye_pairing_copy (data->pairing), (GDestroyNotify) seye_pairing_free);
}

/**
 * seye_monitor_pair_async:
 * @node: a node polled over HTTPS
 * @fingerprint: the certificate fingerprint the user agreed to (64 hex digits),
 *   normally seye_node_get_tls_fingerprint() as shown to them
 * @token: the node's token (64 hex digits), see seye_token_parse()
 *
 * Tries the token on @node over a new connection, sending it only if the node
 * presents the certificate with @fingerprint. When the node accepts it the
 * pairing is added to the credentials (the node is polled with it at once) and
 * returned, for the caller to keep (the app: in the keyring).
 */
void
seye_monitor_pair_async (SeyeMonitor         *self,
                         SeyeNode            *node,
                         const char          *fingerprint,
                         const char          *token,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autofree char *uri = NULL;
  PairData *data;
  const char *node_id;

  g_return_if_fail (SEYE_IS_MONITOR (self));
  g_return_if_fail (SEYE_IS_NODE (node));
  g_return_if_fail (fingerprint != NULL && token != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, seye_monitor_pair_async);

  if (!node->tls || node->base_uri == NULL)
    {
      g_task_return_new_error (task, SEYE_ERROR, SEYE_ERROR_CONFIG,
                               _("Only a node that uses HTTPS can be paired: start its agent with --tls"));
      return;
    }

  if (strlen (fingerprint) != SEYE_FINGERPRINT_LENGTH || strlen (token) != SEYE_TOKEN_LENGTH)
    {
      g_task_return_new_error (task, SEYE_ERROR, SEYE_ERROR_CONFIG,
                               _("The fingerprint or the token is not 64 hex digits"));
      return;
    }

  /* Its id when known (announced or answered), else the address it was added at. */
  node_id = node->info != NULL ? node->info->node_id : node->key;

  data = g_new0 (PairData, 1);
  data->node = g_object_ref (node);
  data->pairing = seye_pairing_new (node_id, seye_node_get_name (node), fingerprint, token);
  uri = g_strconcat (node->base_uri, "/v1/node", NULL);
  data->message = soup_message_new (SOUP_METHOD_GET, uri);
  g_task_set_task_data (task, data, (GDestroyNotify) pair_data_free);

  if (data->message == NULL)
    {
      g_task_return_new_error (task, SEYE_ERROR, SEYE_ERROR_CONFIG,
                               _("“%s” is not an address one can connect to"), node->base_uri);
      return;
    }

  /* A handshake of its own, checked against the fingerprint the user saw. */
  soup_message_add_flags (data->message, SOUP_MESSAGE_NEW_CONNECTION);
  soup_message_headers_replace (soup_message_get_request_headers (data->message),
                                "Accept", "application/json");
  data->check = _seye_tls_check_new (data->message, data->pairing, NULL);

  soup_session_send_async (self->session,
                           data->message,
                           G_PRIORITY_DEFAULT,
                           cancellable,
                           pair_sent_cb,
                           g_steal_pointer (&task));
}

/**
 * seye_monitor_pair_finish:
 *
 * Returns: (transfer full) (nullable): the new pairing; %NULL with @error:
 *   SEYE_ERROR_AUTH (wrong token), SEYE_ERROR_CERTIFICATE (another certificate),
 *   SEYE_ERROR_UNAVAILABLE (not reachable), SEYE_ERROR_CONFIG (not HTTPS).
 */
SeyePairing *
seye_monitor_pair_finish (SeyeMonitor   *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (SEYE_IS_MONITOR (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
seye_monitor_remove (SeyeMonitor *self,
                     SeyeNode    *node)
{
  g_return_if_fail (SEYE_IS_MONITOR (self));
  g_return_if_fail (SEYE_IS_NODE (node));

  remove_node_internal (self, node);
}

/**
 * seye_monitor_lookup:
 *
 * Returns: (transfer none) (nullable): the node with that key.
 */
SeyeNode *
seye_monitor_lookup (SeyeMonitor *self,
                     const char  *key)
{
  g_return_val_if_fail (SEYE_IS_MONITOR (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  return g_hash_table_lookup (self->by_key, key);
}

void
seye_monitor_start (SeyeMonitor *self)
{
  g_return_if_fail (SEYE_IS_MONITOR (self));

  if (self->started)
    return;

  self->started = TRUE;

  if (self->discovery)
    start_discovery (self);

  for (guint i = 0; i < self->nodes->len; i++)
    schedule_poll (self, self->nodes->pdata[i], 0);

  /* A seconds timer: it fires with the stream pump and the GUI's ticker. */
  self->housekeeping_id = g_timeout_add_seconds (HOUSEKEEPING_S, housekeeping_cb, self);
}

/**
 * seye_monitor_stop:
 *
 * Stops polling and browsing; the nodes stay as they are.
 */
void
seye_monitor_stop (SeyeMonitor *self)
{
  g_return_if_fail (SEYE_IS_MONITOR (self));

  if (!self->started)
    return;

  self->started = FALSE;
  g_clear_handle_id (&self->housekeeping_id, g_source_remove);
  stop_discovery (self);

  for (guint i = 0; i < self->nodes->len; i++)
    cancel_node (self->nodes->pdata[i]);

  /* Every stream is cancelled now: let them go. */
  stop_pump (self);
  for (guint i = self->streams->len; i > 0; i--)
    if (i <= self->streams->len)
      stream_pump (self->streams->pdata[i - 1]);
}

void
seye_monitor_poll_now (SeyeMonitor *self)
{
  g_return_if_fail (SEYE_IS_MONITOR (self));

  if (!self->started)
    return;

  for (guint i = 0; i < self->nodes->len; i++)
    {
      SeyeNode *node = self->nodes->pdata[i];

      if (!node->in_flight)
        poll_node (self, node);
    }
}
