/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "seye-test-agent.h"

G_BEGIN_DECLS

/**
 * SeyeTestNetns:
 *
 * Separate hosts on this machine (tests/netns-stack.sh): network namespaces
 * "lan" and "n1".."nN" joined by veth pairs to one bridge whose root-namespace
 * side is this process, each host with its own system bus and avahi-daemon.
 * One set per process, torn down by seye_test_netns_release() or, whatever
 * happens, when the process ends.
 */
typedef struct _SeyeTestNetns SeyeTestNetns;

SeyeTestNetns *seye_test_require_netns       (guint          n_nodes);  /* NULL after a skip */
void           seye_test_netns_release       (void);
char          *seye_test_netns_dup_address   (SeyeTestNetns *self,
                                              const char    *host);
char          *seye_test_netns_dup_bus       (SeyeTestNetns *self,
                                              const char    *host);
void           seye_test_netns_set_link      (SeyeTestNetns *self,
                                              const char    *host,
                                              gboolean       up);
void           seye_test_netns_restart_avahi (SeyeTestNetns *self,
                                              const char    *host);
SeyeTestAgent *seye_test_netns_agent_start   (SeyeTestNetns *self,
                                              const char    *host,
                                              const char    *first_arg,
                                              ...) G_GNUC_NULL_TERMINATED;
GSubprocess   *seye_test_netns_spawnv        (SeyeTestNetns      *self,
                                              const char         *host,
                                              const char * const *argv);
GSocket       *seye_test_netns_listen        (SeyeTestNetns *self,
                                              const char    *host);
GSubprocess   *seye_test_netns_publish       (SeyeTestNetns *self,
                                              const char    *host,
                                              const char    *name,
                                              guint16        port,
                                              const char    *node_id);

G_END_DECLS
