/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-source"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "seye-error.h"
#include "seye-source.h"

enum {
  NODE_ADDED,
  NODE_REMOVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_INTERFACE (SeyeSource, seye_source, G_TYPE_OBJECT)

static void
seye_source_default_init (SeyeSourceInterface *iface)
{
  /**
   * SeyeSource::node-added:
   *
   * A node came: it is followed from now on.
   */
  signals[NODE_ADDED] =
    g_signal_new ("node-added",
                  G_TYPE_FROM_INTERFACE (iface),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1,
                  SEYE_TYPE_NODE);

  /**
   * SeyeSource::node-removed:
   *
   * A node went (removed, or gone for good): it is no longer updated.
   */
  signals[NODE_REMOVED] =
    g_signal_new ("node-removed",
                  G_TYPE_FROM_INTERFACE (iface),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1,
                  SEYE_TYPE_NODE);
}

void
seye_source_start (SeyeSource *self)
{
  g_return_if_fail (SEYE_IS_SOURCE (self));

  if (SEYE_SOURCE_GET_IFACE (self)->start != NULL)
    SEYE_SOURCE_GET_IFACE (self)->start (self);
}

void
seye_source_stop (SeyeSource *self)
{
  g_return_if_fail (SEYE_IS_SOURCE (self));

  if (SEYE_SOURCE_GET_IFACE (self)->stop != NULL)
    SEYE_SOURCE_GET_IFACE (self)->stop (self);
}

void
seye_source_poll_now (SeyeSource *self)
{
  g_return_if_fail (SEYE_IS_SOURCE (self));

  if (SEYE_SOURCE_GET_IFACE (self)->poll_now != NULL)
    SEYE_SOURCE_GET_IFACE (self)->poll_now (self);
}

void
seye_source_set_interval (SeyeSource *self,
                          double      seconds)
{
  g_return_if_fail (SEYE_IS_SOURCE (self));

  if (SEYE_SOURCE_GET_IFACE (self)->set_interval != NULL)
    SEYE_SOURCE_GET_IFACE (self)->set_interval (self, seconds);
}

void
seye_source_set_fetch_history (SeyeSource *self,
                               gboolean    fetch_history)
{
  g_return_if_fail (SEYE_IS_SOURCE (self));

  if (SEYE_SOURCE_GET_IFACE (self)->set_fetch_history != NULL)
    SEYE_SOURCE_GET_IFACE (self)->set_fetch_history (self, fetch_history);
}

void
seye_source_remove_node (SeyeSource *self,
                         SeyeNode   *node)
{
  g_return_if_fail (SEYE_IS_SOURCE (self));
  g_return_if_fail (SEYE_IS_NODE (node));

  if (SEYE_SOURCE_GET_IFACE (self)->remove_node != NULL)
    SEYE_SOURCE_GET_IFACE (self)->remove_node (self, node);
}

void
seye_source_node_added (SeyeSource *self,
                        SeyeNode   *node)
{
  g_return_if_fail (SEYE_IS_SOURCE (self));

  g_signal_emit (self, signals[NODE_ADDED], 0, node);
}

void
seye_source_node_removed (SeyeSource *self,
                          SeyeNode   *node)
{
  g_return_if_fail (SEYE_IS_SOURCE (self));

  g_signal_emit (self, signals[NODE_REMOVED], 0, node);
}

/* On demand ---------------------------------------------------------------- */

/* What a source without that method answers: not available, said so. */
static void
not_supported (SeyeSource          *self,
               gpointer             tag,
               const char          *what,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  g_autoptr (GTask) task = g_task_new (self, NULL, callback, user_data);
  SeyeSourceInterface *iface = SEYE_SOURCE_GET_IFACE (self);
  const char *name = iface->get_display_name != NULL ? iface->get_display_name (self) : NULL;

  g_task_set_source_tag (task, tag);
  if (name != NULL)
    /* Translators: “Not available from Prometheus: its processes” */
    g_task_return_new_error (task, SEYE_ERROR, SEYE_ERROR_NOT_SUPPORTED,
                             _("Not available from %s: %s"), name, what);
  else
    /* Translators: %s is what was asked of a node, such as “its processes” */
    g_task_return_new_error (task, SEYE_ERROR, SEYE_ERROR_NOT_SUPPORTED,
                             _("Not available from this node’s source: %s"), what);
}

/**
 * seye_source_fetch_processes:
 * @sort: which processes come first
 * @limit: at most this many (1 to %SEYE_PROCESS_MAX_LIMIT)
 *
 * Asks @node now for its busiest processes.
 */
void
seye_source_fetch_processes (SeyeSource          *self,
                             SeyeNode            *node,
                             SeyeProcessSort      sort,
                             guint                limit,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  SeyeSourceInterface *iface;

  g_return_if_fail (SEYE_IS_SOURCE (self));
  g_return_if_fail (SEYE_IS_NODE (node));

  iface = SEYE_SOURCE_GET_IFACE (self);
  if (iface->fetch_processes == NULL)
    not_supported (self, seye_source_fetch_processes, _("its processes"), callback, user_data);
  else
    iface->fetch_processes (self, node, sort, CLAMP (limit, 1, SEYE_PROCESS_MAX_LIMIT),
                            cancellable, callback, user_data);
}

/**
 * seye_source_fetch_processes_finish:
 *
 * Returns: (transfer full) (nullable): the list; %NULL with @error, which
 *   says in words what is wrong (SEYE_ERROR_NOT_SUPPORTED: the source has none).
 */
SeyeProcessList *
seye_source_fetch_processes_finish (SeyeSource    *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (SEYE_IS_SOURCE (self), NULL);

  if (g_async_result_is_tagged (result, seye_source_fetch_processes))
    return g_task_propagate_pointer (G_TASK (result), error);

  return SEYE_SOURCE_GET_IFACE (self)->fetch_processes_finish (self, result, error);
}

/**
 * seye_source_list_actions:
 *
 * Asks @node which actions its owner named.
 */
void
seye_source_list_actions (SeyeSource          *self,
                          SeyeNode            *node,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  SeyeSourceInterface *iface;

  g_return_if_fail (SEYE_IS_SOURCE (self));
  g_return_if_fail (SEYE_IS_NODE (node));

  iface = SEYE_SOURCE_GET_IFACE (self);
  if (iface->list_actions == NULL)
    not_supported (self, seye_source_list_actions, _("named actions"), callback, user_data);
  else
    iface->list_actions (self, node, cancellable, callback, user_data);
}

/**
 * seye_source_list_actions_finish:
 *
 * Returns: (transfer full) (element-type SeyeAction) (nullable): the actions,
 *   empty when the node names none; %NULL with @error.
 */
GPtrArray *
seye_source_list_actions_finish (SeyeSource    *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (SEYE_IS_SOURCE (self), NULL);

  if (g_async_result_is_tagged (result, seye_source_list_actions))
    return g_task_propagate_pointer (G_TASK (result), error);

  return SEYE_SOURCE_GET_IFACE (self)->list_actions_finish (self, result, error);
}

/**
 * seye_source_run_action:
 * @name: one of the names seye_source_list_actions() gave
 *
 * Runs the action @name on @node and waits for its end (at most its timeout
 * and a few seconds).
 */
void
seye_source_run_action (SeyeSource          *self,
                        SeyeNode            *node,
                        const char          *name,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  SeyeSourceInterface *iface;

  g_return_if_fail (SEYE_IS_SOURCE (self));
  g_return_if_fail (SEYE_IS_NODE (node));
  g_return_if_fail (name != NULL);

  iface = SEYE_SOURCE_GET_IFACE (self);
  if (iface->run_action == NULL)
    not_supported (self, seye_source_run_action, _("named actions"), callback, user_data);
  else
    iface->run_action (self, node, name, cancellable, callback, user_data);
}

/**
 * seye_source_run_action_finish:
 *
 * Returns: (transfer full) (nullable): how the run ended, whatever its exit
 *   status; %NULL with @error when it did not run: SEYE_ERROR_AUTH (no or a
 *   wrong token), SEYE_ERROR_BUSY (it runs already), SEYE_ERROR_NOT_SUPPORTED
 *   (no such action), SEYE_ERROR_UNAVAILABLE (not reachable).
 */
SeyeActionResult *
seye_source_run_action_finish (SeyeSource    *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (SEYE_IS_SOURCE (self), NULL);

  if (g_async_result_is_tagged (result, seye_source_run_action))
    return g_task_propagate_pointer (G_TASK (result), error);

  return SEYE_SOURCE_GET_IFACE (self)->run_action_finish (self, result, error);
}

/**
 * seye_source_has_range:
 *
 * Returns: whether the source gives a node's history over a range itself
 *   (seye_source_fetch_range()); otherwise ranges come from the local store.
 */
gboolean
seye_source_has_range (SeyeSource *self)
{
  g_return_val_if_fail (SEYE_IS_SOURCE (self), FALSE);

  return SEYE_SOURCE_GET_IFACE (self)->fetch_range != NULL;
}

/**
 * seye_source_fetch_range:
 * @from_ms: start of the range, Unix ms
 * @to_ms: its end, Unix ms
 * @max_points: at most about this many points (the graph's width); the source
 *   picks a step that fits
 *
 * Asks the source for @node's history between @from_ms and @to_ms.
 */
void
seye_source_fetch_range (SeyeSource          *self,
                         SeyeNode            *node,
                         gint64               from_ms,
                         gint64               to_ms,
                         guint                max_points,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  SeyeSourceInterface *iface;

  g_return_if_fail (SEYE_IS_SOURCE (self));
  g_return_if_fail (SEYE_IS_NODE (node));

  iface = SEYE_SOURCE_GET_IFACE (self);
  if (iface->fetch_range == NULL)
    not_supported (self, seye_source_fetch_range, _("its history"), callback, user_data);
  else
    iface->fetch_range (self, node, from_ms, MAX (to_ms, from_ms), MAX (max_points, 1),
                        cancellable, callback, user_data);
}

/**
 * seye_source_fetch_range_finish:
 *
 * Returns: (transfer full) (element-type SeyeStorePoint) (nullable): the
 *   points, oldest first, as seye_store_query() gives them; %NULL with @error.
 */
GPtrArray *
seye_source_fetch_range_finish (SeyeSource    *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (SEYE_IS_SOURCE (self), NULL);

  if (g_async_result_is_tagged (result, seye_source_fetch_range))
    return g_task_propagate_pointer (G_TASK (result), error);

  return SEYE_SOURCE_GET_IFACE (self)->fetch_range_finish (self, result, error);
}
