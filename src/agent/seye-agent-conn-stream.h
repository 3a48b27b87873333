/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* What a request's framing headers are called once they have passed. */
#define SEYE_AGENT_CONN_STREAM_CONTENT_LENGTH     "Content-Lengt*"
#define SEYE_AGENT_CONN_STREAM_TRANSFER_ENCODING  "Transfer-Encodin*"

#define SEYE_TYPE_AGENT_CONN_STREAM (seye_agent_conn_stream_get_type ())
G_DECLARE_FINAL_TYPE (SeyeAgentConnStream, seye_agent_conn_stream, SEYE, AGENT_CONN_STREAM, GIOStream)

SeyeAgentConnStream *seye_agent_conn_stream_new        (GIOStream           *base_stream);
GIOStream           *seye_agent_conn_stream_get_base   (SeyeAgentConnStream *self);
void                 seye_agent_conn_stream_mark_idle  (SeyeAgentConnStream *self);

G_END_DECLS
