/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define SEYE_TYPE_AGENT_PUBLISHER (seye_agent_publisher_get_type ())
G_DECLARE_FINAL_TYPE (SeyeAgentPublisher, seye_agent_publisher, SEYE, AGENT_PUBLISHER, GObject)

SeyeAgentPublisher *seye_agent_publisher_new      (const char          *name,
                                                   guint16              port,
                                                   const char * const  *txt) G_GNUC_WARN_UNUSED_RESULT;
void                seye_agent_publisher_start    (SeyeAgentPublisher  *self);
void                seye_agent_publisher_withdraw (SeyeAgentPublisher  *self);
const char         *seye_agent_publisher_get_name (SeyeAgentPublisher  *self);
gboolean            seye_agent_publisher_get_established (SeyeAgentPublisher *self);

G_END_DECLS
