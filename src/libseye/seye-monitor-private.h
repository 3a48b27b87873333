/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "seye-agent-source.h"
#include "seye-monitor.h"
#include "seye-node-private.h"

G_BEGIN_DECLS

/* What the monitor knows of one node. */
typedef struct
{
  SeyeNode   *node;
  SeyeSource *source;     /* borrowed: it holds the node */
  char       *key;        /* the key it is indexed under in by_key, or NULL */
  guint       listed : 1; /* in the list; not while another source lists its node id */
  guint       offline : 1;
} Entry;

struct _SeyeMonitor
{
  GObject          parent_instance;

  GPtrArray       *nodes;          /* SeyeNode, in list order */
  GHashTable      *entries;        /* SeyeNode -> Entry */
  GHashTable      *by_key;         /* node key -> Entry (borrowed) */
  GPtrArray       *sources;        /* SeyeSource */
  SeyeAgentSource *agents;         /* the first source: agents, over mDNS or by address */
  SeyeAlertRules   rules;          /* the defaults */
  GVariant        *overrides;      /* a{sa{sd}}: node id -> rule id -> threshold; NULL: none */

  double           interval;
  guint            started : 1;
};

void _seye_monitor_update_alerts (SeyeMonitor *self,
                                  SeyeNode    *node,
                                  SeyeSample  *sample);

G_END_DECLS
