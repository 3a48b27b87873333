/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "seye-node.h"

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
};

void seye_source_start        (SeyeSource *self);
void seye_source_stop         (SeyeSource *self);
void seye_source_poll_now     (SeyeSource *self);
void seye_source_set_interval (SeyeSource *self,
                               double      seconds);
void seye_source_remove_node  (SeyeSource *self,
                               SeyeNode   *node);

/* For implementations. */
void seye_source_node_added   (SeyeSource *self,
                               SeyeNode   *node);
void seye_source_node_removed (SeyeSource *self,
                               SeyeNode   *node);

G_END_DECLS
