/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "seye-actions.h"
#include "seye-node.h"
#include "seye-proc-processes.h"

G_BEGIN_DECLS

/**
 * SeyeSource:
 *
 * Where nodes come from and how their samples arrive: agents found over mDNS
 * or given by hand (SeyeAgentSource), and whatever comes next (a Prometheus
 * server, a simulated fleet). A source creates its SeyeNodes, keeps them up to
 * date through their setters (seye-node-private.h), and says when one comes
 * and goes with "node-added" and "node-removed"; the connections behind them
 * are its own business. SeyeMonitor merges its sources into one list.
 *
 * What is asked of a node only when someone looks (its processes, its named
 * actions) goes through the source too. A source that cannot give it leaves
 * the method NULL: the caller gets SEYE_ERROR_NOT_SUPPORTED, which it shows as
 * "not available" rather than as nothing.
 *
 * A node's history over a range (seye_source_fetch_range(): SeyeStorePoint, as
 * seye_store_query() gives) comes from the source where it keeps one
 * (seye_source_has_range()); otherwise from the local store.
 *
 * Signals: "node-added" (SeyeNode *node), "node-removed" (SeyeNode *node).
 */
#define SEYE_TYPE_SOURCE (seye_source_get_type ())
G_DECLARE_INTERFACE (SeyeSource, seye_source, SEYE, SOURCE, GObject)

struct _SeyeSourceInterface
{
  GTypeInterface parent_iface;

  /* Follow the nodes, or stop following them (they stay as they are). */
  void (*start)        (SeyeSource *self);
  void (*stop)         (SeyeSource *self);
  /* Ask every node now rather than at the next interval. */
  void (*poll_now)     (SeyeSource *self);
  /* Seconds between samples (also how much history a node keeps). */
  void (*set_interval) (SeyeSource *self,
                        double      seconds);
  /* The user removed @node: forget it (and emit "node-removed"). */
  void (*remove_node)  (SeyeSource *self,
                        SeyeNode   *node);

  /* On demand; optional. */
  void              (*fetch_processes)        (SeyeSource          *self,
                                               SeyeNode            *node,
                                               SeyeProcessSort      sort,
                                               guint                limit,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
  SeyeProcessList  *(*fetch_processes_finish) (SeyeSource          *self,
                                               GAsyncResult        *result,
                                               GError             **error);
  void              (*list_actions)           (SeyeSource          *self,
                                               SeyeNode            *node,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
  GPtrArray        *(*list_actions_finish)    (SeyeSource          *self,
                                               GAsyncResult        *result,
                                               GError             **error);
  void              (*run_action)             (SeyeSource          *self,
                                               SeyeNode            *node,
                                               const char          *name,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
  SeyeActionResult *(*run_action_finish)      (SeyeSource          *self,
                                               GAsyncResult        *result,
                                               GError             **error);
  /* A node's history over a range, from the source (a Prometheus server's
   * query_range) rather than the local store; optional. */
  void              (*fetch_range)            (SeyeSource          *self,
                                               SeyeNode            *node,
                                               gint64               from_ms,
                                               gint64               to_ms,
                                               guint                max_points,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
  GPtrArray        *(*fetch_range_finish)     (SeyeSource          *self,
                                               GAsyncResult        *result,
                                               GError             **error);
  /* What the source is called in "Not available from …"; optional. */
  const char       *(*get_display_name)       (SeyeSource          *self);
  /* Whether to read a node's recent history when it first appears (default
   * TRUE: a list that stays on screen; a one-shot listing does without); optional. */
  void              (*set_fetch_history)      (SeyeSource          *self,
                                               gboolean             fetch_history);
};

void seye_source_start        (SeyeSource *self);
void seye_source_stop         (SeyeSource *self);
void seye_source_poll_now     (SeyeSource *self);
void seye_source_set_interval (SeyeSource *self,
                               double      seconds);
void seye_source_remove_node  (SeyeSource *self,
                               SeyeNode   *node);
void seye_source_set_fetch_history (SeyeSource *self,
                                    gboolean    fetch_history);

void              seye_source_fetch_processes        (SeyeSource          *self,
                                                      SeyeNode            *node,
                                                      SeyeProcessSort      sort,
                                                      guint                limit,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
SeyeProcessList  *seye_source_fetch_processes_finish (SeyeSource          *self,
                                                      GAsyncResult        *result,
                                                      GError             **error) G_GNUC_WARN_UNUSED_RESULT;
void              seye_source_list_actions           (SeyeSource          *self,
                                                      SeyeNode            *node,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
GPtrArray        *seye_source_list_actions_finish    (SeyeSource          *self,
                                                      GAsyncResult        *result,
                                                      GError             **error) G_GNUC_WARN_UNUSED_RESULT;
void              seye_source_run_action             (SeyeSource          *self,
                                                      SeyeNode            *node,
                                                      const char          *name,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
SeyeActionResult *seye_source_run_action_finish      (SeyeSource          *self,
                                                      GAsyncResult        *result,
                                                      GError             **error) G_GNUC_WARN_UNUSED_RESULT;

gboolean          seye_source_has_range              (SeyeSource          *self);
void              seye_source_fetch_range            (SeyeSource          *self,
                                                      SeyeNode            *node,
                                                      gint64               from_ms,
                                                      gint64               to_ms,
                                                      guint                max_points,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
GPtrArray        *seye_source_fetch_range_finish     (SeyeSource          *self,
                                                      GAsyncResult        *result,
                                                      GError             **error) G_GNUC_WARN_UNUSED_RESULT;

/* For implementations. */
void seye_source_node_added   (SeyeSource *self,
                               SeyeNode   *node);
void seye_source_node_removed (SeyeSource *self,
                               SeyeNode   *node);

G_END_DECLS
