/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "seye-sample.h"

G_BEGIN_DECLS

/* What a hot node is hot with: each hot node has one or two of these. */
typedef enum
{
  SEYE_FLEET_HOT_CPU    = 1 << 0,   /* every core pegged */
  SEYE_FLEET_HOT_MEMORY = 1 << 1,   /* memory 95 % or more in use */
  SEYE_FLEET_HOT_DISK   = 1 << 2,   /* a filesystem 90 % or more full */
  SEYE_FLEET_HOT_SWAP   = 1 << 3,   /* swap mostly in use */
} SeyeFleetHot;

/**
 * SeyeFleetShares:
 *
 * What share of the fleet follows each pattern (0..1). Of N nodes,
 * share × N rounded are picked (at least one when the share is above 0) by
 * the seed; the rest are idle. Busy and hot are drawn from one shuffle (a node
 * is one of idle, busy or hot), offline from another (any node may go away).
 */
typedef struct
{
  double busy;
  double hot;
  double offline;
  double offline_every;     /* seconds between two outages of an offline node, on average */
  double offline_for;       /* seconds an outage lasts, on average */
  gboolean tags;            /* each node tagged with a role and a rack (seye_fleet_node_get_info) */
} SeyeFleetShares;

/**
 * SeyeFleetNode:
 *
 * One simulated machine: its identity and the shape of its load. Every value
 * of its sample at tick K is a function of the seed, the node and K alone, so
 * a sample can be made again for /v1/history and a seed gives the same fleet
 * twice. Only the cumulative counters (CPU ticks, bytes), which only the
 * Prometheus text shows, are carried from one sample to the next.
 */
typedef struct _SeyeFleetNode SeyeFleetNode;

G_GNUC_WARN_UNUSED_RESULT
GPtrArray          *seye_fleet_model_new          (guint                  n_nodes,
                                                   guint64                seed,
                                                   const SeyeFleetShares *shares,
                                                   const char            *prefix,
                                                   double                 interval,
                                                   gint64                 start_ms);
void                seye_fleet_node_free          (SeyeFleetNode         *node);

const SeyeNodeInfo *seye_fleet_node_get_info      (SeyeFleetNode         *node);
guint               seye_fleet_node_get_index     (SeyeFleetNode         *node);
gboolean            seye_fleet_node_is_busy       (SeyeFleetNode         *node);
SeyeFleetHot        seye_fleet_node_get_hot       (SeyeFleetNode         *node);
gboolean            seye_fleet_node_is_flaky      (SeyeFleetNode         *node);
gboolean            seye_fleet_node_is_offline    (SeyeFleetNode         *node,
                                                   gint64                 tick);
gint64              seye_fleet_node_tick_time     (SeyeFleetNode         *node,
                                                   gint64                 tick);
G_GNUC_WARN_UNUSED_RESULT
SeyeSample         *seye_fleet_node_sample        (SeyeFleetNode         *node,
                                                   gint64                 tick,
                                                   const SeyeSample      *previous);

G_END_DECLS
