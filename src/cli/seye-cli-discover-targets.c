/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The targets of `seye discover`: one per agent, from what mDNS says now and the
 * --host nodes; a target that is gone stays for the grace time (and for as long
 * as discovery is off), so that a moment without mDNS never empties the file. */
#define G_LOG_DOMAIN "seye-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "seye-address.h"
#include "seye-cli-discover-private.h"
#include "seye-sanitize.h"

static void
entry_free (SeyeCliDiscoverEntry *entry)
{
  g_free (entry->key);
  seye_prometheus_target_free (entry->target);
  g_free (entry);
}

void
_seye_cli_discover_targets_init (SeyeCliDiscoverTargets *self,
                                 double                  grace,
                                 const char             *place)
{
  memset (self, 0, sizeof *self);
  self->services = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) seye_service_info_free);
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) entry_free);
  self->grace_us = (gint64) (grace * G_USEC_PER_SEC);
  self->place = place;
}

void
_seye_cli_discover_targets_clear (SeyeCliDiscoverTargets *self)
{
  g_clear_pointer (&self->services, g_hash_table_unref);
  g_clear_pointer (&self->entries, g_hash_table_unref);
}

void
_seye_cli_discover_targets_resolved (SeyeCliDiscoverTargets *self,
                                     const SeyeServiceInfo  *info)
{
  g_hash_table_replace (self->services, g_strdup (info->key), seye_service_info_copy (info));
}

void
_seye_cli_discover_targets_removed (SeyeCliDiscoverTargets *self,
                                    const char             *key)
{
  g_hash_table_remove (self->services, key);
}

/**
 * _seye_cli_discover_targets_load:
 * @targets: (element-type SeyePrometheusTarget): what the file held
 *
 * Takes the targets a previous run left in the file as gone since @now: each
 * stays for the grace time unless it is found again.
 */
void
_seye_cli_discover_targets_load (SeyeCliDiscoverTargets *self,
                                 GPtrArray              *targets,
                                 gint64                  now)
{
  for (guint i = 0; i < targets->len; i++)
    {
      SeyePrometheusTarget *target = targets->pdata[i];
      SeyeCliDiscoverEntry *entry = g_new0 (SeyeCliDiscoverEntry, 1);

      entry->key = g_strconcat ("file ", target->address, NULL);
      entry->target = seye_prometheus_target_copy (target);
      entry->gone_since = now;
      g_hash_table_replace (self->entries, entry->key, entry);
    }
}

/* Discovery is back after being off: what is still gone has the whole grace
 * time from now to come back, and at least SEYE_CLI_DISCOVER_RESETTLE seconds
 * (a restarted avahi-daemon knows nothing; the agents announce themselves
 * again within seconds). */
void
_seye_cli_discover_targets_restart_grace (SeyeCliDiscoverTargets *self,
                                          gint64                  now)
{
  GHashTableIter iter;
  SeyeCliDiscoverEntry *entry;

  self->hold_until = now + SEYE_CLI_DISCOVER_RESETTLE * G_USEC_PER_SEC;

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entry))
    if (entry->gone_since != 0)
      entry->gone_since = now;
}

/* What is there now ----------------------------------------------------------- */

/* IPv4 first, then a routable IPv6 address, a link-local one last. */
static guint
address_rank (const char *address)
{
  if (strchr (address, ':') == NULL)
    return 0;

  return strchr (address, '%') == NULL ? 1 : 2;
}

static SeyePrometheusTarget *
service_target (const SeyeServiceInfo *info)
{
  g_autofree char *address = seye_address_format (info->address, info->port);
  SeyePrometheusTarget *target = seye_prometheus_target_new (address, info->name);

  target->node_id = g_strdup (info->txt.node_id);
  target->agent_version = g_strdup (info->txt.agent_version);
  target->tags = g_strdupv (info->txt.tags);
  target->tls = info->txt.tls_fingerprint != NULL;
  target->auth_token = info->txt.auth_token;

  return target;
}

/* The --host nodes: always targets (the user named them), with what they said
 * about themselves once they answered. */
static void
collect_hosts (SeyeMonitor *monitor,
               GHashTable  *current,
               GHashTable  *host_ids)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (monitor));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (SeyeNode) node = g_list_model_get_item (G_LIST_MODEL (monitor), i);
      const SeyeNodeInfo *info = seye_node_get_info (node);
      const char *address = seye_node_get_address (node);
      SeyePrometheusTarget *target;

      if (address == NULL)
        continue;

      target = seye_prometheus_target_new (address, info != NULL ? info->name : seye_node_get_name (node));
      target->tls = seye_node_get_tls (node);
      target->auth_token = seye_node_get_paired (node) ||
                           seye_node_get_state (node) == SEYE_NODE_STATE_NEEDS_PAIRING;
      if (info != NULL)
        {
          target->node_id = g_strdup (info->node_id);
          target->agent_version = g_strdup (info->agent_version);
          target->tags = g_strdupv (info->tags);
          if (info->node_id != NULL)
            g_hash_table_add (host_ids, g_strdup (info->node_id));
        }

      g_hash_table_replace (current, g_strconcat ("host ", address, NULL), target);
    }
}

/* One target per agent: its services on every interface and protocol (same node
 * id, host and port) are one, at its best address. Another machine claiming the
 * id has another host name or port: a target of its own. */
static void
collect_services (SeyeCliDiscoverTargets *self,
                  GHashTable             *current,
                  GHashTable             *host_ids)
{
  GHashTableIter iter;
  SeyeServiceInfo *info;

  g_hash_table_iter_init (&iter, self->services);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &info))
    {
      g_autofree char *key = NULL;
      g_autofree char *address = NULL;
      SeyePrometheusTarget *other;

      if (info->address == NULL || info->port == 0 ||
          (info->txt.node_id != NULL && g_hash_table_contains (host_ids, info->txt.node_id)))
        continue;

      key = g_strdup_printf ("mdns %s %s %u", info->txt.node_id ? info->txt.node_id : "-",
                             info->host_name ? info->host_name : "-", info->port);
      address = seye_address_format (info->address, info->port);
      other = g_hash_table_lookup (current, key);
      if (other != NULL &&
          (address_rank (other->address) < address_rank (address) ||
           (address_rank (other->address) == address_rank (address) && strcmp (other->address, address) <= 0)))
        continue;

      g_hash_table_replace (current, g_steal_pointer (&key), service_target (info));
    }
}

/* Changes ------------------------------------------------------------------ */

static void
say (gboolean    enabled,
     const char *text)
{
  if (enabled)
    g_printerr ("seye discover: %s\n", text);
}

/* "web-1 at 192.168.1.20:7373", sanitised. */
static char *
describe (const SeyePrometheusTarget *target)
{
  g_autofree char *name = seye_sanitize_display (target->name);
  g_autofree char *address = seye_sanitize_display (target->address);

  /* TRANSLATORS: a node and its address: "web-1 at 192.168.1.20:7373" */
  return g_strdup_printf (_("%s at %s"), name, address);
}

static void
apply_current (SeyeCliDiscoverTargets *self,
               GHashTable             *current,
               gboolean                enabled)
{
  GHashTableIter iter;
  const char *key;
  SeyePrometheusTarget *target;

  g_hash_table_iter_init (&iter, current);
  while (g_hash_table_iter_next (&iter, (gpointer *) &key, (gpointer *) &target))
    {
      SeyeCliDiscoverEntry *entry = g_hash_table_lookup (self->entries, key);
      g_autofree char *now_text = describe (target);
      g_autofree char *message = NULL;

      if (entry == NULL)
        {
          entry = g_new0 (SeyeCliDiscoverEntry, 1);
          entry->key = g_strdup (key);
          g_hash_table_replace (self->entries, entry->key, entry);
          message = g_strdup_printf (_("found %s"), now_text);
        }
      else if (!seye_prometheus_target_equal (entry->target, target))
        {
          g_autofree char *was = describe (entry->target);

          /* TRANSLATORS: "web-1 at 10.0.0.5:7373 is now web-1 at 10.0.0.9:7373 (or has new labels)" */
          message = g_strdup_printf (_("%s is now %s (or has new labels)"), was, now_text);
        }
      else if (entry->gone_since != 0)
        {
          message = g_strdup_printf (_("%s is back"), now_text);
        }

      if (message != NULL)
        say (enabled, message);
      entry->gone_since = 0;
      seye_prometheus_target_free (entry->target);
      entry->target = seye_prometheus_target_copy (target);
    }
}

static void
age_gone (SeyeCliDiscoverTargets *self,
          GHashTable             *current,
          gint64                  now,
          gboolean                expire,
          gboolean                enabled)
{
  double grace = self->grace_us / (double) G_USEC_PER_SEC;
  GHashTableIter iter;
  SeyeCliDiscoverEntry *entry;

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entry))
    {
      g_autofree char *text = NULL;
      g_autofree char *message = NULL;

      if (g_hash_table_contains (current, entry->key))
        continue;

      text = describe (entry->target);
      if (entry->gone_since == 0)
        {
          entry->gone_since = now;
          if (self->place != NULL)
            /* TRANSLATORS: "web-1 at 10.0.0.5:7373 is gone from mDNS; it stays in targets.json for 300 s" */
            message = g_strdup_printf (_("%s is gone from mDNS; it stays in %s for %.0f s"), text,
                                       self->place, grace);
          else
            message = g_strdup_printf (_("%s is gone from mDNS"), text);
        }
      else if (expire && now >= self->hold_until && now - entry->gone_since >= self->grace_us)
        {
          message = g_strdup_printf (_("%s left: gone for %.0f s"), text,
                                     (now - entry->gone_since) / (double) G_USEC_PER_SEC);
          g_hash_table_iter_remove (&iter);
        }

      if (message != NULL)
        say (enabled, message);
    }
}

void
_seye_cli_discover_targets_update (SeyeCliDiscoverTargets *self,
                                   SeyeMonitor            *monitor,
                                   gint64                  now,
                                   gboolean                expire,
                                   gboolean                enabled)
{
  g_autoptr (GHashTable) current = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                          (GDestroyNotify) seye_prometheus_target_free);
  g_autoptr (GHashTable) host_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GHashTable) addresses = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  SeyePrometheusTarget *target;
  SeyeCliDiscoverEntry *entry;

  collect_hosts (monitor, current, host_ids);
  collect_services (self, current, host_ids);

  /* A target from the file before is replaced by the one found at its address. */
  g_hash_table_iter_init (&iter, current);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &target))
    g_hash_table_add (addresses, target->address);
  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entry))
    if (g_str_has_prefix (entry->key, "file ") && g_hash_table_contains (addresses, entry->target->address))
      g_hash_table_iter_remove (&iter);

  apply_current (self, current, enabled);
  age_gone (self, current, now, expire, enabled);
}

gboolean
_seye_cli_discover_targets_any_gone (SeyeCliDiscoverTargets *self)
{
  GHashTableIter iter;
  SeyeCliDiscoverEntry *entry;

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entry))
    if (entry->gone_since != 0)
      return TRUE;

  return FALSE;
}

/* By name, then address. */
GPtrArray *
_seye_cli_discover_targets_list (SeyeCliDiscoverTargets *self)
{
  GPtrArray *targets = g_ptr_array_new ();
  GHashTableIter iter;
  SeyeCliDiscoverEntry *entry;

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entry))
    g_ptr_array_add (targets, entry->target);

  seye_prometheus_targets_sort (targets);

  return targets;
}
