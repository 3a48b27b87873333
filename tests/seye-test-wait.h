/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "seye-node.h"

G_BEGIN_DECLS

/* Runs the main loop until @condition returns TRUE or @timeout_ms passes. */
gboolean       seye_test_wait_until          (gboolean     (*condition) (gpointer data),
                                              gpointer       data,
                                              guint          timeout_ms);
/* The same for a condition no event of this process announces (a file,
 * another process's answer): looked at every 200 ms as well. */
gboolean       seye_test_poll_until          (gboolean     (*condition) (gpointer data),
                                              gpointer       data,
                                              guint          timeout_ms);
/* Runs the main loop for @ms. */
void           seye_test_spin                (guint          ms);

/* Nodes of a GListModel of SeyeNode (a SeyeMonitor), by name. */
SeyeNode      *seye_test_find_node           (GListModel    *nodes,
                                              const char    *name);
guint          seye_test_count_nodes         (GListModel    *nodes,
                                              const char    *name);
SeyeNode      *seye_test_wait_for_node       (GListModel    *nodes,
                                              const char    *name,
                                              guint          timeout_ms);  /* fails the test */
/* Waits until @node is in @state (at a port ending its address, unless 0); fails the
 * test with the node's state and error otherwise. Returns the seconds it took. */
double         seye_test_wait_node_state     (SeyeNode      *node,
                                              SeyeNodeState  state,
                                              guint16        port,
                                              guint          timeout_ms);
/* The same without failing: TRUE when @node reached @state within @timeout_ms. */
gboolean       seye_test_wait_state          (SeyeNode      *node,
                                              SeyeNodeState  state,
                                              guint          timeout_ms);
/* A condition for seye_test_wait_until(): the SeyeNode @data has a sample. */
gboolean       seye_test_node_has_sample     (gpointer       data);
/* The same: the SeyeNode @data answered who it is (/v1/node). */
gboolean       seye_test_node_has_info       (gpointer       data);

/**
 * SeyeTestWatch:
 *
 * Counts a node's samples and the times it left the online state (each one
 * logged with the node's error) while it is watched.
 */
typedef struct
{
  SeyeNode *node;
  guint     samples;
  guint     left_online;
  gulong    sample_id;
  gulong    state_id;
} SeyeTestWatch;

void           seye_test_watch_start         (SeyeTestWatch *watch,
                                              SeyeNode      *node);
void           seye_test_watch_stop          (SeyeTestWatch *watch);

/**
 * SeyeTestHeartbeat:
 *
 * A timeout every 50 ms that records how late it fires: how long the main loop
 * was kept from running.
 */
typedef struct
{
  gint64 expected;
  gint64 worst_lag;   /* µs */
  guint  ticks;
  guint  source;
} SeyeTestHeartbeat;

void           seye_test_heartbeat_start     (SeyeTestHeartbeat *beat);
void           seye_test_heartbeat_stop      (SeyeTestHeartbeat *beat);

G_END_DECLS
