/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "seye-json.h"

G_BEGIN_DECLS

/*
 * The decoders across their files: seye-json.c reads a document and holds the
 * checked getters every decoder uses, and decodes the node's identity and the
 * history; seye-json-sample.c decodes a sample in both its forms;
 * seye-json-numbers.c is the fast path for a document of numbers only.
 */

/* Deeper nesting than this is refused before json-glib's recursive parser sees it. */
#define MAX_DEPTH       32
#define MAX_PATH        1024
#define MAX_BYTES       ((double) (G_GINT64_CONSTANT (1) << 62))   /* 4 EiB */
#define MAX_RATE        1e13                                      /* 10 TB/s */
#define MAX_COUNT       1e8
#define MAX_LOAD        1e6
#define MAX_SECONDS     1e10
#define MAX_TIME_MS     G_GINT64_CONSTANT (32503680000000)        /* year 3000 */
#define PERCENT_SLACK   0.5                                       /* rounding above 100 */

static inline gboolean
_seye_json_is_space (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* seye-json-check.c: JSON, nested no deeper than MAX_DEPTH, before json-glib sees it */
gboolean    _seye_json_check              (const char  *data,
                                           gsize        length,
                                           GError     **error);

/* seye-json.c: documents */
JsonNode   *_seye_json_parse              (const char  *data,
                                           gssize       length,
                                           GError     **error) G_GNUC_WARN_UNUSED_RESULT;

/* seye-json.c: checked values; each says what is wrong in @error */
JsonObject *_seye_json_get_object         (JsonNode    *node,
                                           const char  *what,
                                           GError     **error);
gboolean    _seye_json_node_to_number     (JsonNode    *node,
                                           const char  *name,
                                           double       min,
                                           double       max,
                                           double      *out,
                                           GError     **error);
gboolean    _seye_json_get_number         (JsonObject  *object,
                                           const char  *name,
                                           double       min,
                                           double       max,
                                           double      *out,
                                           GError     **error);
gboolean    _seye_json_node_to_uint64     (JsonNode    *node,
                                           const char  *name,
                                           double       max,
                                           guint64     *out,
                                           GError     **error);
gboolean    _seye_json_get_uint64         (JsonObject  *object,
                                           const char  *name,
                                           double       max,
                                           guint64     *out,
                                           GError     **error);
gboolean    _seye_json_get_uint           (JsonObject  *object,
                                           const char  *name,
                                           guint       *out,
                                           GError     **error);
gboolean    _seye_json_node_to_int64      (JsonNode    *node,
                                           const char  *name,
                                           gint64       min,
                                           gint64       max,
                                           gint64      *out,
                                           GError     **error);
gboolean    _seye_json_get_int64          (JsonObject  *object,
                                           const char  *name,
                                           gint64       min,
                                           gint64       max,
                                           gint64      *out,
                                           GError     **error);
gboolean    _seye_json_node_to_percent    (JsonNode    *node,
                                           const char  *name,
                                           double      *out,
                                           GError     **error);
gboolean    _seye_json_get_percent        (JsonObject  *object,
                                           const char  *name,
                                           double      *out,
                                           GError     **error);
char       *_seye_json_dup_valid_utf8     (const char  *value) G_GNUC_WARN_UNUSED_RESULT;
gboolean    _seye_json_get_string         (JsonObject  *object,
                                           const char  *name,
                                           gsize        max_length,
                                           gboolean     allow_empty,
                                           char       **out,
                                           GError     **error);
JsonArray  *_seye_json_get_array          (JsonObject  *object,
                                           const char  *name,
                                           guint        max_length,
                                           GError     **error);
JsonObject *_seye_json_get_member_object  (JsonObject  *object,
                                           const char  *name,
                                           GError     **error);
gboolean    _seye_json_check_schema       (JsonObject  *object,
                                           GError     **error);

G_END_DECLS
