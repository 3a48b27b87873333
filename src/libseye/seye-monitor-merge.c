/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-monitor"

#include "config.h"

#include "seye-monitor-private.h"

/*
 * The list's rows: one per machine. The nodes of every source are entries;
 * an entry is listed unless a node of a source added before shows the same
 * machine (the same node id, or the same address), in which case it waits.
 */

void
_seye_monitor_entry_free (Entry *entry)
{
  g_free (entry->key);
  g_free (entry->address);
  g_clear_object (&entry->node);
  g_free (entry);
}

void
_seye_monitor_list_entry (SeyeMonitor *self,
                          Entry       *entry)
{
  entry->listed = TRUE;
  g_ptr_array_add (self->nodes, g_object_ref (entry->node));
  g_list_model_items_changed (G_LIST_MODEL (self), self->nodes->len - 1, 0, 1);
}

void
_seye_monitor_unlist_entry (SeyeMonitor *self,
                            Entry       *entry)
{
  guint index;

  if (!entry->listed || !g_ptr_array_find (self->nodes, entry->node, &index))
    return;

  entry->listed = FALSE;
  g_ptr_array_remove_index (self->nodes, index);
  g_list_model_items_changed (G_LIST_MODEL (self), index, 1, 0);
}

/* One machine, one row: a node of another source under the same node id, or
 * at the same address (host:port: a Prometheus target that is an agent), is
 * the same machine. The source added first shows it (the agents' source is
 * always first: live samples, processes, actions); the other's node waits,
 * unlisted, and is listed again when that one goes. */
static guint
source_rank (SeyeMonitor *self,
             SeyeSource  *source)
{
  guint index = G_MAXUINT;

  g_ptr_array_find (self->sources, source, &index);

  return index;
}

/* Whether @entry shows the machine rather than @other. */
static gboolean
shows_before (SeyeMonitor *self,
              Entry       *entry,
              Entry       *other)
{
  return other == NULL || other == entry || other->source == entry->source ||
         source_rank (self, entry->source) < source_rank (self, other->source);
}

/* @entry gives way to a node of a source added before: unlisted, unindexed. */
static void
displace_entry (SeyeMonitor *self,
                Entry       *entry)
{
  if (entry->key != NULL && g_hash_table_lookup (self->by_key, entry->key) == entry)
    g_hash_table_remove (self->by_key, entry->key);
  if (entry->address != NULL && g_hash_table_lookup (self->by_address, entry->address) == entry)
    g_hash_table_remove (self->by_address, entry->address);
  g_clear_pointer (&entry->key, g_free);
  g_clear_pointer (&entry->address, g_free);
  _seye_monitor_unlist_entry (self, entry);
}

/* Indexes @entry under its node's key and address; FALSE when a node of a
 * source added before holds either (it waits, unlisted). */
gboolean
_seye_monitor_index_entry (SeyeMonitor *self,
                           Entry       *entry)
{
  const char *key = seye_node_get_key (entry->node);
  const char *address = seye_node_get_address (entry->node);
  Entry *holder = g_hash_table_lookup (self->by_key, key);
  Entry *at = address != NULL ? g_hash_table_lookup (self->by_address, address) : NULL;

  if (!shows_before (self, entry, holder) || !shows_before (self, entry, at))
    return FALSE;

  if (holder != NULL && holder != entry && holder->source != entry->source)
    displace_entry (self, holder);
  if (at != NULL && at != entry && at->source != entry->source && at != holder)
    displace_entry (self, at);

  g_free (entry->key);
  entry->key = g_strdup (key);
  g_hash_table_insert (self->by_key, entry->key, entry);

  at = address != NULL ? g_hash_table_lookup (self->by_address, address) : NULL;
  if (address != NULL && (at == NULL || at == entry))
    {
      g_free (entry->address);
      entry->address = g_strdup (address);
      g_hash_table_insert (self->by_address, entry->address, entry);
    }

  return TRUE;
}

/* @entry's key and address go: a node of another source waiting for them is listed. */
void
_seye_monitor_unindex_entry (SeyeMonitor *self,
                             Entry       *entry)
{
  g_autofree char *key = NULL;
  g_autofree char *address = NULL;
  GHashTableIter iter;
  gpointer value;

  if (entry->key != NULL && g_hash_table_lookup (self->by_key, entry->key) == entry)
    {
      g_hash_table_remove (self->by_key, entry->key);
      key = g_steal_pointer (&entry->key);
    }
  if (entry->address != NULL && g_hash_table_lookup (self->by_address, entry->address) == entry)
    {
      g_hash_table_remove (self->by_address, entry->address);
      address = g_steal_pointer (&entry->address);
    }
  g_clear_pointer (&entry->key, g_free);
  g_clear_pointer (&entry->address, g_free);

  if (key == NULL && address == NULL)
    return;

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Entry *waiting = value;

      if (!waiting->listed && waiting != entry &&
          ((key != NULL && g_strcmp0 (seye_node_get_key (waiting->node), key) == 0) ||
           (address != NULL && g_strcmp0 (seye_node_get_address (waiting->node), address) == 0)) &&
          _seye_monitor_index_entry (self, waiting))
        {
          _seye_monitor_list_entry (self, waiting);
          break;
        }
    }
}

/* Its key or address changed: it may be another machine's row now, or its own. */
void
_seye_monitor_node_key_cb (SeyeMonitor *self,
                           GParamSpec  *pspec,
                           SeyeNode    *node)
{
  Entry *entry = g_hash_table_lookup (self->entries, node);

  if (entry == NULL ||
      (entry->listed && g_strcmp0 (entry->key, seye_node_get_key (node)) == 0 &&
       g_strcmp0 (entry->address, seye_node_get_address (node)) == 0))
    return;

  _seye_monitor_unindex_entry (self, entry);
  if (_seye_monitor_index_entry (self, entry))
    {
      if (!entry->listed)
        _seye_monitor_list_entry (self, entry);
    }
  else
    {
      _seye_monitor_unlist_entry (self, entry);
    }
}
