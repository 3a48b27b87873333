/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "seye-proc-processes.h"
#include "seye-sample.h"

G_BEGIN_DECLS

/* The last line of a /v1/stream when the agent stops on purpose (SIGTERM):
 * a client that then cannot reach it knows the node left, and did not fail. */
#define SEYE_STREAM_GOODBYE "{\"event\":\"goodbye\"}"

/* Encoding: compact JSON appended to @str (numbers with the precision that matters, not 17 digits). */
void          seye_json_write_sample          (GString            *str,
                                               const SeyeSample   *sample);
void          seye_json_write_sample_totals   (GString            *str,
                                               const SeyeSample   *sample);
void          seye_json_write_sample_compact  (GString            *str,
                                               const SeyeSample   *sample);
void          seye_json_write_node_info       (GString            *str,
                                               const SeyeNodeInfo *info);
void          seye_json_write_string          (GString            *str,
                                               const char         *value);
void          seye_json_write_double          (GString            *str,
                                               double              value);
char         *seye_json_error_body            (guint               status,
                                               const char         *message) G_GNUC_WARN_UNUSED_RESULT;

/* Decoding: anything a node sends is checked; absurd values are an error, never a crash. */
SeyeSample   *seye_sample_from_json_node      (JsonNode           *node,
                                               GError            **error) G_GNUC_WARN_UNUSED_RESULT;
SeyeSample   *seye_sample_from_json           (const char         *data,
                                               gssize              length,
                                               GError            **error) G_GNUC_WARN_UNUSED_RESULT;
SeyeNodeInfo *seye_node_info_from_json_node   (JsonNode           *node,
                                               GError            **error) G_GNUC_WARN_UNUSED_RESULT;
SeyeNodeInfo *seye_node_info_from_json        (const char         *data,
                                               gssize              length,
                                               GError            **error) G_GNUC_WARN_UNUSED_RESULT;
SeyeProcessList *seye_process_list_from_json_node (JsonNode        *node,
                                                  GError         **error) G_GNUC_WARN_UNUSED_RESULT;
SeyeProcessList *seye_process_list_from_json   (const char         *data,
                                               gssize              length,
                                               GError            **error) G_GNUC_WARN_UNUSED_RESULT;
GPtrArray    *seye_history_samples_from_json  (const char         *data,
                                               gssize              length,
                                               GError            **error) G_GNUC_WARN_UNUSED_RESULT;

/* For tests: the fast path of the decoders for the compact form. */
JsonNode     *_seye_json_parse_numbers        (const char         *data,
                                               gsize               length);

G_END_DECLS
