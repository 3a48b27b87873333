/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-source"

#include "config.h"

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
