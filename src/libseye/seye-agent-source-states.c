/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-agent-source"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "seye-agent-source-private.h"
#include "seye-sanitize.h"

#define SAMPLE_GRACE_MIN   5.0                /* seconds an answering node may take to send a sample */

/* States ------------------------------------------------------------------- */

void
_seye_agent_source_set_state (SeyeAgentSource *self,
                              SeyeAgentPeer   *peer,
                              SeyeNodeState    state)
{
  SeyeNode *node = peer->node;

  /* Only a node that answered and is to send its first sample is waiting. */
  if (state != SEYE_NODE_STATE_CONNECTING && state != SEYE_NODE_STATE_NOT_RESPONDING)
    peer->waiting_since = 0;

  /* Unreachable after it said goodbye: it left, it did not fail. */
  if (state == SEYE_NODE_STATE_OFFLINE && peer->said_goodbye)
    state = SEYE_NODE_STATE_LEFT;

  _seye_node_set_state (node, state);
}

double
_seye_agent_source_backoff_delay (SeyeAgentSource *self,
                                  SeyeAgentPeer   *peer)
{
  guint offline_polls = peer->failures > STALE_POLLS ? peer->failures - STALE_POLLS : 0;
  double delay = MAX (self->interval, 1.0) * (1u << MIN (offline_polls, 5u));

  return MIN (delay, MAX_BACKOFF);
}

void
_seye_agent_source_failed (SeyeAgentSource *self,
                           SeyeAgentPeer   *peer,
                           const char      *message)
{
  SeyeNode *node = peer->node;
  g_autofree char *shown = seye_sanitize_display (message);   /* it may quote the node */

  peer->failures++;
  _seye_node_set_error (node, message);

  g_debug ("node “%s” (%s): %s", seye_node_get_key (node), seye_node_get_address (node) ? seye_node_get_address (node) : "?", shown);

  switch (peer->said_goodbye ? SEYE_NODE_STATE_INCOMPATIBLE : seye_node_get_state (node))
    {
    case SEYE_NODE_STATE_CONNECTING:
    case SEYE_NODE_STATE_NOT_RESPONDING:
      /* It said who it is but sends no sample: it is there, only not responding. */
      _seye_agent_source_set_state (self, peer, peer->waiting_since != 0 ? SEYE_NODE_STATE_NOT_RESPONDING
                                                           : SEYE_NODE_STATE_OFFLINE);
      break;

    case SEYE_NODE_STATE_INCOMPATIBLE:   /* and any node that said goodbye */
      _seye_agent_source_set_state (self, peer, SEYE_NODE_STATE_OFFLINE);
      break;

    case SEYE_NODE_STATE_ONLINE:
      _seye_agent_source_set_state (self, peer, peer->failures >= STALE_POLLS ? SEYE_NODE_STATE_OFFLINE
                                                                : SEYE_NODE_STATE_STALE);
      break;

    case SEYE_NODE_STATE_STALE:
      if (peer->failures >= STALE_POLLS)
        _seye_agent_source_set_state (self, peer, SEYE_NODE_STATE_OFFLINE);
      break;

    case SEYE_NODE_STATE_OFFLINE:
    default:
      break;
    }

  if (seye_node_get_state (node) == SEYE_NODE_STATE_OFFLINE ||
      seye_node_get_state (node) == SEYE_NODE_STATE_LEFT)
    {
      /* When it comes back it may be another agent, or have restarted:
       * ask who it is, and fill the gap in the history. */
      peer->need_info = TRUE;
      peer->need_history = TRUE;
      _seye_agent_source_schedule_poll (self, peer, _seye_agent_source_backoff_delay (self, peer));
    }
  else
    {
      _seye_agent_source_schedule_poll (self, peer, self->interval);
    }
}

void
_seye_agent_source_incompatible (SeyeAgentSource *self,
                                 SeyeAgentPeer   *peer,
                                 const char      *message)
{
  SeyeNode *node = peer->node;

  peer->failures = 0;
  peer->need_info = TRUE;
  _seye_node_set_error (node, message);
  _seye_node_set_last_seen (node, g_get_real_time () / 1000);
  _seye_agent_source_set_state (self, peer, SEYE_NODE_STATE_INCOMPATIBLE);
  _seye_agent_source_schedule_poll (self, peer, MAX_BACKOFF);
}

/* It answered, with something else than a sample (who it is, its history, "no
 * sample yet"): it is reachable, but not online until a sample comes. */
void
_seye_agent_source_reached (SeyeAgentSource *self,
                            SeyeAgentPeer   *peer)
{
  SeyeNode *node = peer->node;

  peer->failures = 0;
  _seye_node_set_last_seen (node, g_get_real_time () / 1000);

  switch (seye_node_get_state (node))
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
      _seye_agent_source_set_state (self, peer, SEYE_NODE_STATE_CONNECTING);
      break;
    }

  if (peer->waiting_since == 0 && seye_node_get_state (node) != SEYE_NODE_STATE_ONLINE &&
      seye_node_get_state (node) != SEYE_NODE_STATE_STALE)
    peer->waiting_since = g_get_monotonic_time ();
}

/* A sample came: online. */
void
_seye_agent_source_sampled (SeyeAgentSource *self,
                            SeyeAgentPeer   *peer)
{
  SeyeNode *node = peer->node;

  peer->failures = 0;
  peer->waiting_since = 0;
  peer->said_goodbye = FALSE;
  _seye_node_set_error (node, NULL);
  _seye_node_set_last_seen (node, g_get_real_time () / 1000);
  _seye_agent_source_set_state (self, peer, SEYE_NODE_STATE_ONLINE);
}

/* A paired node showed another certificate, or came back without TLS: it gets
 * nothing, and says why until the right certificate is back or it is paired again. */
void
_seye_agent_source_untrusted (SeyeAgentSource *self,
                              SeyeAgentPeer   *peer,
                              const char      *fingerprint)
{
  SeyeNode *node = peer->node;
  g_autofree char *message = NULL;

  peer->failures = 0;
  peer->need_info = TRUE;

  if (!seye_node_get_tls (node))
    message = g_strdup (_("it is announced without HTTPS now, but it was paired over HTTPS; "
                          "nothing was sent to it"));
  else
    {
      g_autofree char *seen = fingerprint ? seye_fingerprint_format (fingerprint) : NULL;

      message = g_strdup_printf (_("its certificate changed (now %s); nothing was sent to it"),
                                 seen ? seen : "?");
    }

  g_debug ("node “%s” (%s): %s", seye_node_get_key (node), seye_node_get_address (node) ? seye_node_get_address (node) : "?", message);
  _seye_node_set_error (node, message);
  _seye_agent_source_set_state (self, peer, SEYE_NODE_STATE_UNTRUSTED);
  _seye_agent_source_schedule_poll (self, peer, MAX_BACKOFF);
}

/* 401: it is there, and wants a token. Asked again now and then, quietly. */
void
_seye_agent_source_needs_pairing (SeyeAgentSource *self,
                                  SeyeAgentPeer   *peer,
                                  gboolean         token_sent)
{
  SeyeNode *node = peer->node;
  const char *message;

  peer->failures = 0;
  peer->need_info = TRUE;

  if (token_sent)
    message = _("it refused the token: pair again");
  else if (!seye_node_get_tls (node))
    message = _("it wants a token, but a token is only ever sent over HTTPS: start its agent with --tls");
  else
    message = _("it wants a token: pair with it");

  _seye_node_set_error (node, message);
  _seye_node_set_last_seen (node, g_get_real_time () / 1000);
  _seye_agent_source_set_state (self, peer, SEYE_NODE_STATE_NEEDS_PAIRING);
  _seye_agent_source_schedule_poll (self, peer, MAX_BACKOFF);
}

/* Seconds an answering node has to send its first sample before it is "not responding". */
static double
sample_grace (SeyeAgentSource *self,
              SeyeAgentPeer   *peer)
{
  return MAX (SAMPLE_GRACE_MIN, STALE_POLLS * _seye_agent_source_stream_period (self, peer));
}

/* Online means a sample came: a node that answers but sends none is "connecting"
 * for the grace time, then "not responding". */
void
_seye_agent_source_check_waiting (SeyeAgentSource *self,
                                  SeyeAgentPeer   *peer,
                                  gint64           now)
{
  SeyeNode *node = peer->node;
  g_autofree char *message = NULL;
  guint seconds;

  if (seye_node_get_state (node) != SEYE_NODE_STATE_CONNECTING || peer->waiting_since == 0 ||
      (now - peer->waiting_since) / (double) G_USEC_PER_SEC < sample_grace (self, peer))
    return;

  seconds = (guint) ((now - peer->waiting_since) / G_USEC_PER_SEC);
  message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "no sample for %u second",
                                          "no sample for %u seconds", seconds), seconds);
  g_debug ("node “%s” (%s): %s", seye_node_get_key (node), seye_node_get_address (node) ? seye_node_get_address (node) : "?", message);
  _seye_node_set_error (node, message);
  _seye_agent_source_set_state (self, peer, SEYE_NODE_STATE_NOT_RESPONDING);
}
