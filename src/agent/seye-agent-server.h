/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "seye-proc.h"
#include "seye-sample.h"

G_BEGIN_DECLS

#define SEYE_TYPE_AGENT_SERVER (seye_agent_server_get_type ())
G_DECLARE_FINAL_TYPE (SeyeAgentServer, seye_agent_server, SEYE, AGENT_SERVER, GObject)

SeyeAgentServer *seye_agent_server_new          (SeyeProcReader       *reader,
                                                 const SeyeNodeInfo   *info,
                                                 double                interval) G_GNUC_WARN_UNUSED_RESULT;
gboolean         seye_agent_server_listen       (SeyeAgentServer      *self,
                                                 guint                 port,
                                                 const char * const   *bind,
                                                 GError              **error);
guint16          seye_agent_server_get_port     (SeyeAgentServer      *self);
void             seye_agent_server_start        (SeyeAgentServer      *self);
void             seye_agent_server_say_goodbye (SeyeAgentServer *self);
void             seye_agent_server_stop         (SeyeAgentServer      *self);
void             seye_agent_server_set_actions  (SeyeAgentServer      *self,
                                                 GPtrArray            *actions);

G_END_DECLS
