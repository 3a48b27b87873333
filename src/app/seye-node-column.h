/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "seye-node.h"

G_BEGIN_DECLS

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
  SEYE_NODE_COLUMN_PROCESSES,
  SEYE_NODE_COLUMN_UPTIME,
  SEYE_NODE_COLUMN_RX,
  SEYE_NODE_COLUMN_TX,
  SEYE_NODE_N_COLUMNS
} SeyeNodeColumn;

#define SEYE_TYPE_NODE_COLUMN (seye_node_column_get_type ())
GType        seye_node_column_get_type     (void) G_GNUC_CONST;

/* Stable id, used in GSettings ("hidden-columns") and action names. */
const char  *seye_node_column_get_id       (SeyeNodeColumn  column);
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

/* Sort rank of a node's status: alerting first, then the problems, online last. */
int          seye_node_status_rank         (SeyeNode       *node);

G_END_DECLS
