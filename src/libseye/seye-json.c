/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-json"

#include "config.h"

#include <math.h>
#include <string.h>

#include "seye-error.h"
#include "seye-json-private.h"
#include "seye-node-id.h"
#include "seye-tags.h"

/*
 * Reading what another machine sent: a document checked to be JSON (by
 * seye-json-check.c), then parsed (by the fast path of seye-json-numbers.c when
 * it can), and the checked getters every decoder reads its values with. The
 * node's identity and the history are decoded here; a sample in
 * seye-json-sample.c.
 */

/* Documents --------------------------------------------------------------- */

/* One parser per thread, used again for every small document: a monitor
 * decodes a sample per node and second. Mutable: sealing every node is work
 * nobody needs, the decoders only read. The tree outlives the next parse
 * through the reference parse() hands back; the parser keeps the last one
 * until then, so a large document gets a parser of its own. */
#define REUSE_LIMIT (64 * 1024)

static GPrivate thread_parser = G_PRIVATE_INIT (g_object_unref);

static JsonParser *
get_parser (void)
{
  JsonParser *parser = g_private_get (&thread_parser);

  if (parser == NULL)
    {
      parser = json_parser_new ();
      g_private_set (&thread_parser, parser);
    }

  return parser;
}

JsonNode *
_seye_json_parse (const char  *data,
                  gssize       length,
                  GError     **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (JsonParser) own_parser = NULL;
  JsonParser *parser;
  JsonNode *root;

  if (data == NULL)
    {
      g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_PARSE, "empty response");
      return NULL;
    }

  if (length < 0)
    length = strlen (data);

  if (length == 0)
    {
      g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_PARSE, "empty response");
      return NULL;
    }

  if (!_seye_json_check (data, length, error))
    return NULL;

  if ((root = _seye_json_parse_numbers (data, length)) != NULL)
    return root;

  if (length <= REUSE_LIMIT)
    parser = get_parser ();
  else
    parser = own_parser = json_parser_new ();

  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_PARSE, "not valid JSON: %s", local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_PARSE, "empty JSON document");
      return NULL;
    }

  return json_node_ref (root);
}

/* Checked values ---------------------------------------------------------- */

JsonObject *
_seye_json_get_object (JsonNode    *node,
                       const char  *what,
                       GError     **error)
{
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_INVALID, "“%s” is not a JSON object", what);
      return NULL;
    }

  return json_node_get_object (node);
}

static JsonNode *
require_member (JsonObject  *object,
                const char  *name,
                GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL)
    g_set_error (error, SEYE_ERROR, SEYE_ERROR_INVALID, "“%s” is missing", name);

  return node;
}

gboolean
_seye_json_node_to_number (JsonNode    *node,
                           const char  *name,
                           double       min,
                           double       max,
                           double      *out,
                           GError     **error)
{
  double value;

  if (!JSON_NODE_HOLDS_VALUE (node))
    goto wrong_type;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      value = (double) json_node_get_int (node);
      break;

    case G_TYPE_DOUBLE:
      value = json_node_get_double (node);
      break;

    default:
      goto wrong_type;
    }

  if (!isfinite (value) || value < min || value > max)
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_INVALID,
                   "“%s” is out of range (%g, expected %g to %g)", name, value, min, max);
      return FALSE;
    }

  *out = value;

  return TRUE;

wrong_type:
  g_set_error (error, SEYE_ERROR, SEYE_ERROR_INVALID, "“%s” is not a number", name);
  return FALSE;
}

gboolean
_seye_json_get_number (JsonObject  *object,
                       const char  *name,
                       double       min,
                       double       max,
                       double      *out,
                       GError     **error)
{
  JsonNode *node = require_member (object, name, error);

  return node != NULL && _seye_json_node_to_number (node, name, min, max, out, error);
}

gboolean
_seye_json_node_to_uint64 (JsonNode    *node,
                           const char  *name,
                           double       max,
                           guint64     *out,
                           GError     **error)
{
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_INVALID, "“%s” is not a whole number", name);
      return FALSE;
    }

  if (json_node_get_int (node) < 0 || (double) json_node_get_int (node) > max)
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_INVALID, "“%s” is out of range", name);
      return FALSE;
    }

  *out = (guint64) json_node_get_int (node);

  return TRUE;
}

gboolean
_seye_json_get_uint64 (JsonObject  *object,
                       const char  *name,
                       double       max,
                       guint64     *out,
                       GError     **error)
{
  JsonNode *node = require_member (object, name, error);

  return node != NULL && _seye_json_node_to_uint64 (node, name, max, out, error);
}

gboolean
_seye_json_get_uint (JsonObject  *object,
                     const char  *name,
                     guint       *out,
                     GError     **error)
{
  guint64 value;

  if (!_seye_json_get_uint64 (object, name, MAX_COUNT, &value, error))
    return FALSE;

  *out = (guint) value;

  return TRUE;
}

gboolean
_seye_json_node_to_int64 (JsonNode    *node,
                          const char  *name,
                          gint64       min,
                          gint64       max,
                          gint64      *out,
                          GError     **error)
{
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_INVALID, "“%s” is not a whole number", name);
      return FALSE;
    }

  if (json_node_get_int (node) < min || json_node_get_int (node) > max)
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_INVALID, "“%s” is out of range", name);
      return FALSE;
    }

  *out = json_node_get_int (node);

  return TRUE;
}

gboolean
_seye_json_get_int64 (JsonObject  *object,
                      const char  *name,
                      gint64       min,
                      gint64       max,
                      gint64      *out,
                      GError     **error)
{
  JsonNode *node = require_member (object, name, error);

  return node != NULL && _seye_json_node_to_int64 (node, name, min, max, out, error);
}

/* A percentage: a little above 100 is rounding, and read as 100. */
gboolean
_seye_json_node_to_percent (JsonNode    *node,
                            const char  *name,
                            double      *out,
                            GError     **error)
{
  if (!_seye_json_node_to_number (node, name, 0.0, 100.0 + PERCENT_SLACK, out, error))
    return FALSE;

  *out = MIN (*out, 100.0);

  return TRUE;
}

gboolean
_seye_json_get_percent (JsonObject  *object,
                        const char  *name,
                        double      *out,
                        GError     **error)
{
  JsonNode *node = require_member (object, name, error);

  return node != NULL && _seye_json_node_to_percent (node, name, out, error);
}

gboolean
_seye_json_get_string (JsonObject  *object,
                       const char  *name,
                       gsize        max_length,
                       gboolean     allow_empty,
                       char       **out,
                       GError     **error)
{
  JsonNode *node = require_member (object, name, error);
  g_autofree char *valid = NULL;

  if (node == NULL)
    return FALSE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_INVALID, "“%s” is not a string", name);
      return FALSE;
    }

  valid = _seye_json_dup_valid_utf8 (json_node_get_string (node));
  if (strlen (valid) > max_length || (!allow_empty && valid[0] == '\0'))
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_INVALID,
                   "“%s” is empty or longer than %" G_GSIZE_FORMAT " bytes", name, max_length);
      return FALSE;
    }

  /* The exact string, control characters and all: whatever shows it passes it
   * through seye_sanitize_display() first. */
  *out = g_steal_pointer (&valid);

  return TRUE;
}

/* json-glib decodes a lone surrogate ("\ud800") into bytes that are not UTF-8;
 * the writer writes such a byte as "\ufffd", three bytes once read again, so a
 * string within its length could come back longer than allowed. What is kept
 * is made valid here, each bad sequence a U+FFFD, and its length checked then:
 * what was accepted once is accepted again after a round trip. */
char *
_seye_json_dup_valid_utf8 (const char *value)
{
  if (g_utf8_validate (value, -1, NULL))
    return g_strdup (value);

  return g_utf8_make_valid (value, -1);
}

JsonArray *
_seye_json_get_array (JsonObject  *object,
                      const char  *name,
                      guint        max_length,
                      GError     **error)
{
  JsonNode *node = require_member (object, name, error);
  JsonArray *array;

  if (node == NULL)
    return NULL;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_INVALID, "“%s” is not an array", name);
      return NULL;
    }

  array = json_node_get_array (node);
  if (json_array_get_length (array) > max_length)
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_INVALID,
                   "“%s” has %u entries, more than the %u allowed",
                   name, json_array_get_length (array), max_length);
      return NULL;
    }

  return array;
}

JsonObject *
_seye_json_get_member_object (JsonObject  *object,
                              const char  *name,
                              GError     **error)
{
  JsonNode *node = require_member (object, name, error);

  return node ? _seye_json_get_object (node, name, error) : NULL;
}

gboolean
_seye_json_check_schema (JsonObject  *object,
                         GError     **error)
{
  double schema;

  if (!_seye_json_get_number (object, "schema", 0, G_MAXINT, &schema, error))
    return FALSE;

  if (schema != SEYE_SCHEMA_VERSION)
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_INCOMPATIBLE,
                   "the node speaks schema version %g; this program understands version %d",
                   schema, SEYE_SCHEMA_VERSION);
      return FALSE;
    }

  return TRUE;
}

/* The node and the history ------------------------------------------------ */

/* "tags", which older agents do not send: strings that are not tags are left
 * out (seye_tags_from_peer()), not the node. */
static gboolean
get_tags (JsonObject  *root,
          GStrv       *tags,
          GError     **error)
{
  g_autoptr (GStrvBuilder) builder = NULL;
  g_auto (GStrv) candidates = NULL;
  JsonNode *member = json_object_get_member (root, "tags");
  JsonArray *array;

  if (member == NULL || JSON_NODE_HOLDS_NULL (member))
    return TRUE;

  if (!(array = _seye_json_get_array (root, "tags", 4 * SEYE_TAGS_MAX, error)))
    return FALSE;

  builder = g_strv_builder_new ();
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING)
        g_strv_builder_add (builder, json_node_get_string (element));
    }
  candidates = g_strv_builder_end (builder);
  *tags = seye_tags_from_peer ((const char * const *) candidates, NULL);

  return TRUE;
}

/**
 * seye_node_info_from_json_node:
 *
 * Returns: (transfer full) (nullable): the node's identity, or %NULL with @error set.
 */
SeyeNodeInfo *
seye_node_info_from_json_node (JsonNode  *node,
                               GError   **error)
{
  g_autoptr (SeyeNodeInfo) info = seye_node_info_new ();
  JsonObject *root;
  double interval;

  if (!(root = _seye_json_get_object (node, "node", error)) ||
      !_seye_json_check_schema (root, error) ||
      !_seye_json_get_string (root, "node_id", SEYE_NODE_ID_LENGTH, FALSE, &info->node_id, error) ||
      !_seye_json_get_string (root, "name", SEYE_MAX_STRING, FALSE, &info->name, error) ||
      !_seye_json_get_string (root, "hostname", SEYE_MAX_STRING, TRUE, &info->hostname, error) ||
      !_seye_json_get_string (root, "os", SEYE_MAX_STRING, TRUE, &info->os_name, error) ||
      !_seye_json_get_string (root, "kernel", SEYE_MAX_STRING, TRUE, &info->kernel, error) ||
      !_seye_json_get_string (root, "arch", SEYE_MAX_STRING, TRUE, &info->arch, error) ||
      !_seye_json_get_string (root, "cpu_model", SEYE_MAX_STRING, TRUE, &info->cpu_model, error) ||
      !_seye_json_get_uint (root, "cores", &info->n_cores, error) ||
      !_seye_json_get_string (root, "agent_version", SEYE_MAX_STRING, TRUE, &info->agent_version,
                              error) ||
      !_seye_json_get_uint (root, "api_version", &info->api_version, error) ||
      !_seye_json_get_number (root, "interval", 0, 3600, &interval, error) ||
      !_seye_json_get_int64 (root, "boot_time", 0, MAX_TIME_MS / 1000, &info->boot_time, error) ||
      !get_tags (root, &info->tags, error))
    return NULL;

  info->interval = interval;

  if (!seye_node_id_is_valid (info->node_id))
    {
      g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_INVALID, "“node_id” is not 32 hex digits");
      return NULL;
    }

  if (info->n_cores > SEYE_MAX_CORES)
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_INVALID,
                   "“cores” is %u, more than %d", info->n_cores, SEYE_MAX_CORES);
      return NULL;
    }

  if (info->api_version != SEYE_API_VERSION)
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_INCOMPATIBLE,
                   "the node speaks API version %u; this program understands version %d",
                   info->api_version, SEYE_API_VERSION);
      return NULL;
    }

  return g_steal_pointer (&info);
}

SeyeNodeInfo *
seye_node_info_from_json (const char  *data,
                          gssize       length,
                          GError     **error)
{
  g_autoptr (JsonNode) root = _seye_json_parse (data, length, error);

  return root ? seye_node_info_from_json_node (root, error) : NULL;
}

/**
 * seye_history_samples_from_json:
 *
 * Decodes a /v1/history document. Samples come back in time order; a sample
 * that is not newer than the one before it is an error.
 *
 * Returns: (transfer full) (element-type SeyeSample) (nullable): the samples.
 */
GPtrArray *
seye_history_samples_from_json (const char  *data,
                                gssize       length,
                                GError     **error)
{
  g_autoptr (JsonNode) root = _seye_json_parse (data, length, error);
  g_autoptr (GPtrArray) samples = NULL;
  JsonObject *object;
  JsonArray *array;

  if (root == NULL ||
      !(object = _seye_json_get_object (root, "history", error)) ||
      !_seye_json_check_schema (object, error) ||
      !(array = _seye_json_get_array (object, "samples", SEYE_MAX_HISTORY, error)))
    return NULL;

  samples = g_ptr_array_new_full (json_array_get_length (array), (GDestroyNotify) seye_sample_unref);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autoptr (GError) local_error = NULL;
      SeyeSample *sample = seye_sample_from_json_node (json_array_get_element (array, i), &local_error);

      if (sample == NULL)
        {
          g_set_error (error, SEYE_ERROR, local_error->code,
                       "history sample %u: %s", i, local_error->message);
          return NULL;
        }

      g_ptr_array_add (samples, sample);

      if (i > 0 && sample->time_ms <= ((SeyeSample *) samples->pdata[i - 1])->time_ms)
        {
          g_set_error (error, SEYE_ERROR, SEYE_ERROR_INVALID,
                       "history sample %u is not newer than the one before it", i);
          return NULL;
        }
    }

  return g_steal_pointer (&samples);
}
