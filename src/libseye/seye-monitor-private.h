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
  char       *address;    /* the address it is indexed under in by_address, or NULL */
  guint       listed : 1; /* in the list; not while another source lists its node id */
  guint       offline : 1;
} Entry;

struct _SeyeMonitor
{
  GObject          parent_instance;

  GPtrArray       *nodes;          /* SeyeNode, in list order */
  GHashTable      *entries;        /* SeyeNode -> Entry */
  GHashTable      *by_key;         /* node key -> Entry (borrowed) */
  GHashTable      *by_address;     /* "host:port" -> Entry (borrowed) */
  GPtrArray       *sources;        /* SeyeSource */
  SeyeAgentSource *agents;         /* the first source: agents, over mDNS or by address */
  SeyeAlertRules   rules;          /* the defaults */
  GVariant        *overrides;      /* a{sa{sd}}: node id -> rule id -> threshold; NULL: none */

  double           interval;
  guint            started : 1;
};

/* seye-monitor-merge.c */
void     _seye_monitor_entry_free    (Entry       *entry);
void     _seye_monitor_list_entry    (SeyeMonitor *self,
                                      Entry       *entry);
void     _seye_monitor_unlist_entry  (SeyeMonitor *self,
                                      Entry       *entry);
gboolean _seye_monitor_index_entry   (SeyeMonitor *self,
                                      Entry       *entry);
void     _seye_monitor_unindex_entry (SeyeMonitor *self,
                                      Entry       *entry);
void     _seye_monitor_node_key_cb   (SeyeMonitor *self,
                                      GParamSpec  *pspec,
                                      SeyeNode    *node);

void _seye_monitor_update_alerts (SeyeMonitor *self,
                                  SeyeNode    *node,
                                  SeyeSample  *sample);

G_END_DECLS
