/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "seye-node.h"

G_BEGIN_DECLS

/*
 * The columns of a list of nodes, for the app's column view and the CLI's tables:
 * one table of ids and titles, the value each sorts by, one order, one text a cell
 * shows, and one search. GTK-free.
 */

/* The columns of the node list, in their default order. */
typedef enum
{
  SEYE_NODE_COLUMN_STATUS,
  SEYE_NODE_COLUMN_NAME,
  SEYE_NODE_COLUMN_ADDRESS,
  SEYE_NODE_COLUMN_CPU,
  SEYE_NODE_COLUMN_HISTORY,
  SEYE_NODE_COLUMN_MEMORY,
  SEYE_NODE_COLUMN_LOAD,
  SEYE_NODE_COLUMN_DISK,
  SEYE_NODE_COLUMN_PROCESSES,
  SEYE_NODE_COLUMN_UPTIME,
  SEYE_NODE_COLUMN_RX,
  SEYE_NODE_COLUMN_TX,
  SEYE_NODE_COLUMN_TAGS,
  SEYE_NODE_N_COLUMNS
} SeyeNodeColumn;

#define SEYE_TYPE_NODE_COLUMN (seye_node_column_get_type ())
GType        seye_node_column_get_type     (void) G_GNUC_CONST;

/* Stable id, used in GSettings ("hidden-columns"), action names and `seye --sort`. */
const char  *seye_node_column_get_id       (SeyeNodeColumn  column);
/* The column of @id (ASCII case ignored); FALSE when there is none. */
gboolean     seye_node_column_from_id      (const char     *id,
                                            SeyeNodeColumn *column);
const char  *seye_node_column_get_title    (SeyeNodeColumn  column);
gboolean     seye_node_column_is_numeric   (SeyeNodeColumn  column);

/* The node property whose notify:: changes what the column shows (NULL: "sample-added"). */
const char  *seye_node_column_get_property (SeyeNodeColumn  column);

/* The number a numeric column sorts by; -1 when unknown. */
double       seye_node_column_get_value    (SeyeNode       *node,
                                            SeyeNodeColumn  column);

/* Total order for sorting: numeric where the value is a number, natural order for
 * names and addresses ("node-2" before "node-10"), ties broken by name and key so the
 * order stays put while values update. */
int          seye_node_column_compare      (SeyeNode       *a,
                                            SeyeNode       *b,
                                            SeyeNodeColumn  column);

/* What a cell shows, as plain text (never markup). */
char        *seye_node_column_format       (SeyeNode       *node,
                                            SeyeNodeColumn  column) G_GNUC_WARN_UNUSED_RESULT;
/* The state in words with the reasons of its alerts: "Online · Memory 96 %". */
char        *seye_node_column_format_status (SeyeNode      *node,
                                             gint64         now_ms) G_GNUC_WARN_UNUSED_RESULT;
/* How a cell stands against the node's alert rules (CPU, memory, load, disk). */
SeyeAlertLevel seye_node_column_get_level   (SeyeNode      *node,
                                             SeyeNodeColumn column);

/* Sort rank of a node's status: alerting first, then the problems, online last. */
int          seye_node_status_rank         (SeyeNode       *node);

/* Natural order of two texts, digit runs as numbers: "node-2" before "node-10",
 * "10.0.0.9:7373" before "10.0.0.10:7373". NULL sorts first. */
int          seye_node_column_compare_natural (const char  *a,
                                               const char  *b);
/* Names in natural order, then keys: a total order of nodes. */
int          seye_node_column_compare_names   (SeyeNode    *a,
                                               SeyeNode    *b);

/* Search: @text case-folded once (NULL when it is NULL or empty), then each of
 * its words matched against each node's name, address, host name, node id and
 * tags ("tag:web": that tag exactly). */
char        *seye_node_column_fold_search     (const char  *text) G_GNUC_WARN_UNUSED_RESULT;
gboolean     seye_node_column_matches         (SeyeNode    *node,
                                               const char  *folded);

G_END_DECLS
