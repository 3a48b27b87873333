/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-json"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "seye-error.h"
#include "seye-json.h"
#include "seye-node-id.h"

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

/* Decoding ---------------------------------------------------------------- */

static gboolean
is_json_space (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Before json-glib sees a document: nested no deeper than MAX_DEPTH, and one
 * value only. json-glib parses recursively (hostile nesting would exhaust the
 * stack), and json-glib 1.6 accepts a value followed by another, such as
 * "2{...}" or "{...}[...]", and leaks the nodes of the second. */
static gboolean
check_shape (const char  *data,
             gsize        length,
             GError     **error)
{
  gboolean in_string = FALSE;
  gboolean closed = FALSE;
  gboolean container;
  int depth = 0;
  gsize i = 0;

  while (i < length && is_json_space (data[i]))
    i++;
  container = i < length && (data[i] == '{' || data[i] == '[');

  for (; i < length; i++)
    {
      char c = data[i];

      if (closed)
        {
          if (!is_json_space (c))
            {
              g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_PARSE,
                                   "not valid JSON: something follows the end of the document");
              return FALSE;
            }
          continue;
        }

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }

      if (c == '"')
        in_string = TRUE;
      else if (c == '{' || c == '[')
        {
          /* A scalar is one value on its own (the decoders refuse it). */
          if (!container)
            {
              g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_PARSE,
                                   "not valid JSON: something follows the end of the document");
              return FALSE;
            }
          if (++depth > MAX_DEPTH)
            {
              g_set_error (error, SEYE_ERROR, SEYE_ERROR_INVALID,
                           "JSON is nested deeper than %d levels", MAX_DEPTH);
              return FALSE;
            }
        }
      else if (c == '}' || c == ']')
        closed = --depth == 0;
    }

  return TRUE;
}

/* Arrays of numbers ------------------------------------------------------ */

/* The compact form of a sample, an array of numbers and arrays of numbers, is
 * what a monitor decodes for every node every second. json-glib's parser spends
 * most of its time on what such a line does not have (a general scanner, a
 * signal per value); this reads that grammar only, strictly as JSON has it, and
 * builds the same tree. Anything else in a document (a string, an object, a
 * literal, a number it would have to round) makes it give up, and json-glib
 * reads the document instead. */
typedef struct
{
  const char *p;
  const char *end;
} Cursor;

static void
skip_space (Cursor *c)
{
  while (c->p < c->end && is_json_space (*c->p))
    c->p++;
}

static const char *
skip_digits (const char *q,
             const char *end)
{
  while (q < end && g_ascii_isdigit (*q))
    q++;

  return q;
}

static JsonNode *
read_number (Cursor *c)
{
  const char *q = c->p;
  gboolean integer = TRUE;
  char buffer[64];
  char *rest;
  gsize length;

  if (q < c->end && *q == '-')
    q++;
  if (q >= c->end || !g_ascii_isdigit (*q))
    return NULL;
  q = *q == '0' ? q + 1 : skip_digits (q, c->end);
  if (q < c->end && *q == '.')
    {
      integer = FALSE;
      if (++q >= c->end || !g_ascii_isdigit (*q))
        return NULL;
      q = skip_digits (q, c->end);
    }
  if (q < c->end && (*q == 'e' || *q == 'E'))
    {
      integer = FALSE;
      if (++q < c->end && (*q == '+' || *q == '-'))
        q++;
      if (q >= c->end || !g_ascii_isdigit (*q))
        return NULL;
      q = skip_digits (q, c->end);
    }

  length = q - c->p;
  if (length >= sizeof buffer)
    return NULL;
  memcpy (buffer, c->p, length);
  buffer[length] = '\0';

  if (integer)
    {
      gint64 value;

      errno = 0;
      value = g_ascii_strtoll (buffer, &rest, 10);
      if (errno != 0 || *rest != '\0')
        return NULL;
      c->p = q;
      return json_node_init_int (json_node_alloc (), value);
    }
  else
    {
      double value = g_ascii_strtod (buffer, &rest);

      if (*rest != '\0' || !isfinite (value))
        return NULL;
      c->p = q;
      return json_node_init_double (json_node_alloc (), value);
    }
}

static JsonNode *
read_array (Cursor *c,
            int     depth)
{
  g_autoptr (JsonArray) array = NULL;

  if (depth > MAX_DEPTH || c->p >= c->end || *c->p != '[')
    return NULL;
  c->p++;

  array = json_array_new ();
  skip_space (c);
  if (c->p < c->end && *c->p == ']')
    c->p++;
  else
    for (;;)
      {
        JsonNode *element;

        skip_space (c);
        if (c->p < c->end && *c->p == '[')
          element = read_array (c, depth + 1);
        else
          element = read_number (c);
        if (element == NULL)
          return NULL;
        json_array_add_element (array, element);

        skip_space (c);
        if (c->p >= c->end)
          return NULL;
        if (*c->p == ']')
          {
            c->p++;
            break;
          }
        if (*c->p != ',')
          return NULL;
        c->p++;
      }

  return json_node_init_array (json_node_alloc (), array);
}

/**
 * _seye_json_parse_numbers:
 *
 * Returns: (transfer full) (nullable): the tree of a document that is an array
 * of numbers and arrays of numbers, as json-glib would build it; %NULL for any
 * other document, valid or not.
 */
JsonNode *
_seye_json_parse_numbers (const char *data,
                          gsize       length)
{
  g_autoptr (JsonNode) root = NULL;
  Cursor c = { data, data + length };

  skip_space (&c);
  if ((root = read_array (&c, 1)) == NULL)
    return NULL;
  skip_space (&c);

  return c.p == c.end ? g_steal_pointer (&root) : NULL;
}

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

static JsonNode *
parse (const char  *data,
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

  if (!check_shape (data, length, error))
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

static JsonObject *
get_object (JsonNode    *node,
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

static gboolean
node_to_number (JsonNode    *node,
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

static gboolean
get_number (JsonObject  *object,
            const char  *name,
            double       min,
            double       max,
            double      *out,
            GError     **error)
{
  JsonNode *node = require_member (object, name, error);

  return node != NULL && node_to_number (node, name, min, max, out, error);
}

static gboolean
node_to_uint64 (JsonNode    *node,
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

static gboolean
get_uint64 (JsonObject  *object,
            const char  *name,
            double       max,
            guint64     *out,
            GError     **error)
{
  JsonNode *node = require_member (object, name, error);

  return node != NULL && node_to_uint64 (node, name, max, out, error);
}

static gboolean
get_uint (JsonObject  *object,
          const char  *name,
          guint       *out,
          GError     **error)
{
  guint64 value;

  if (!get_uint64 (object, name, MAX_COUNT, &value, error))
    return FALSE;

  *out = (guint) value;

  return TRUE;
}

static gboolean
node_to_int64 (JsonNode    *node,
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

static gboolean
get_int64 (JsonObject  *object,
           const char  *name,
           gint64       min,
           gint64       max,
           gint64      *out,
           GError     **error)
{
  JsonNode *node = require_member (object, name, error);

  return node != NULL && node_to_int64 (node, name, min, max, out, error);
}

static gboolean
get_percent (JsonObject  *object,
             const char  *name,
             double      *out,
             GError     **error)
{
  if (!get_number (object, name, 0.0, 100.0 + PERCENT_SLACK, out, error))
    return FALSE;

  *out = MIN (*out, 100.0);

  return TRUE;
}

static gboolean
get_string (JsonObject  *object,
            const char  *name,
            gsize        max_length,
            gboolean     allow_empty,
            char       **out,
            GError     **error)
{
  JsonNode *node = require_member (object, name, error);
  const char *value;

  if (node == NULL)
    return FALSE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_INVALID, "“%s” is not a string", name);
      return FALSE;
    }

  value = json_node_get_string (node);
  if (strlen (value) > max_length || (!allow_empty && value[0] == '\0'))
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_INVALID,
                   "“%s” is empty or longer than %" G_GSIZE_FORMAT " bytes", name, max_length);
      return FALSE;
    }

  /* The exact string, control characters and all (json-glib gives valid UTF-8):
   * whatever shows it passes it through seye_sanitize_display() first. */
  *out = g_strdup (value);

  return TRUE;
}

static JsonArray *
get_array (JsonObject  *object,
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

static JsonObject *
get_member_object (JsonObject  *object,
                   const char  *name,
                   GError     **error)
{
  JsonNode *node = require_member (object, name, error);

  return node ? get_object (node, name, error) : NULL;
}

static gboolean
check_schema (JsonObject  *object,
              GError     **error)
{
  double schema;

  if (!get_number (object, "schema", 0, G_MAXINT, &schema, error))
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

static gboolean
decode_core_column (JsonObject  *cores,
                    const char  *name,
                    GArray      *out,
                    gsize        offset,
                    GError     **error)
{
  JsonArray *array = get_array (cores, name, SEYE_MAX_CORES, error);

  if (array == NULL)
    return FALSE;

  if (json_array_get_length (array) != out->len)
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_INVALID,
                   "“cores.%s” has %u entries for %u cores", name,
                   json_array_get_length (array), out->len);
      return FALSE;
    }

  for (guint i = 0; i < out->len; i++)
    {
      SeyeCpuStat *core = &g_array_index (out, SeyeCpuStat, i);
      double value;

      if (!node_to_number (json_array_get_element (array, i), name,
                           0.0, 100.0 + PERCENT_SLACK, &value, error))
        return FALSE;

      G_STRUCT_MEMBER (double, core, offset) = MIN (value, 100.0);
    }

  return TRUE;
}

static gboolean
decode_core_ids (JsonArray   *ids,
                 SeyeSample  *sample,
                 GError     **error)
{
  g_array_set_size (sample->cores, json_array_get_length (ids));
  for (guint i = 0; i < sample->cores->len; i++)
    {
      SeyeCpuStat *core = &g_array_index (sample->cores, SeyeCpuStat, i);
      double id;

      if (!node_to_number (json_array_get_element (ids, i), "cores.id", 0, 65535, &id, error))
        return FALSE;
      if (id != floor (id) || (i > 0 && id <= (core - 1)->id))
        {
          g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_INVALID,
                               "“cores.id” is not a rising list of whole numbers");
          return FALSE;
        }
      core->id = (int) id;
    }

  return TRUE;
}

static gboolean
decode_cpu_stat (JsonObject   *object,
                 SeyeCpuStat  *stat,
                 GError      **error)
{
  return get_percent (object, "busy", &stat->busy, error) &&
         get_percent (object, "user", &stat->user, error) &&
         get_percent (object, "system", &stat->system, error) &&
         get_percent (object, "iowait", &stat->iowait, error) &&
         get_percent (object, "steal", &stat->steal, error);
}

static gboolean
decode_cpu (JsonObject  *root,
            SeyeSample  *sample,
            GError     **error)
{
  JsonObject *cpu;
  JsonObject *cores;
  JsonArray *ids;

  if (!(cpu = get_member_object (root, "cpu", error)) ||
      !decode_cpu_stat (cpu, &sample->cpu, error) ||
      !(cores = get_member_object (cpu, "cores", error)) ||
      !(ids = get_array (cores, "id", SEYE_MAX_CORES, error)))
    return FALSE;

  if (!decode_core_ids (ids, sample, error))
    return FALSE;

  return decode_core_column (cores, "busy", sample->cores, G_STRUCT_OFFSET (SeyeCpuStat, busy), error) &&
         decode_core_column (cores, "user", sample->cores, G_STRUCT_OFFSET (SeyeCpuStat, user), error) &&
         decode_core_column (cores, "system", sample->cores, G_STRUCT_OFFSET (SeyeCpuStat, system), error) &&
         decode_core_column (cores, "iowait", sample->cores, G_STRUCT_OFFSET (SeyeCpuStat, iowait), error) &&
         decode_core_column (cores, "steal", sample->cores, G_STRUCT_OFFSET (SeyeCpuStat, steal), error);
}

static gboolean
check_memory (const SeyeMemory  *m,
              GError           **error)
{
  if (m->used > m->total || m->available > m->total || m->free > m->total ||
      m->swap_used > m->swap_total)
    {
      g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_INVALID,
                           "“memory” holds more in use or free than in total");
      return FALSE;
    }

  return TRUE;
}

static gboolean
decode_memory (JsonObject  *root,
               SeyeSample  *sample,
               GError     **error)
{
  JsonObject *mem = get_member_object (root, "memory", error);
  SeyeMemory *m = &sample->memory;

  if (mem == NULL ||
      !get_uint64 (mem, "total", MAX_BYTES, &m->total, error) ||
      !get_uint64 (mem, "available", MAX_BYTES, &m->available, error) ||
      !get_uint64 (mem, "used", MAX_BYTES, &m->used, error) ||
      !get_uint64 (mem, "free", MAX_BYTES, &m->free, error) ||
      !get_uint64 (mem, "buffers", MAX_BYTES, &m->buffers, error) ||
      !get_uint64 (mem, "cached", MAX_BYTES, &m->cached, error) ||
      !get_uint64 (mem, "swap_total", MAX_BYTES, &m->swap_total, error) ||
      !get_uint64 (mem, "swap_used", MAX_BYTES, &m->swap_used, error))
    return FALSE;

  return check_memory (m, error);
}

static gboolean
decode_load (JsonObject  *root,
             SeyeSample  *sample,
             GError     **error)
{
  JsonArray *load = get_array (root, "load", 3, error);

  if (load == NULL)
    return FALSE;

  if (json_array_get_length (load) != 3)
    {
      g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_INVALID, "“load” does not hold three numbers");
      return FALSE;
    }

  for (guint i = 0; i < 3; i++)
    if (!node_to_number (json_array_get_element (load, i), "load", 0, MAX_LOAD, &sample->load[i], error))
      return FALSE;

  return TRUE;
}

static gboolean
decode_processes (JsonObject  *root,
                  SeyeSample  *sample,
                  GError     **error)
{
  JsonObject *procs = get_member_object (root, "processes", error);

  return procs != NULL &&
         get_uint (procs, "total", &sample->procs_total, error) &&
         get_uint (procs, "running", &sample->procs_running, error) &&
         get_uint (procs, "blocked", &sample->procs_blocked, error) &&
         get_uint (procs, "threads", &sample->threads, error);
}

static gboolean
decode_uptime (JsonObject  *root,
               SeyeSample  *sample,
               GError     **error)
{
  JsonObject *uptime = get_member_object (root, "uptime", error);

  return uptime != NULL &&
         get_number (uptime, "seconds", 0, MAX_SECONDS, &sample->uptime, error) &&
         get_int64 (uptime, "boot_time", 0, MAX_TIME_MS / 1000, &sample->boot_time, error);
}

static gboolean
decode_network (JsonObject  *root,
                SeyeSample  *sample,
                GError     **error)
{
  JsonObject *net;
  JsonArray *ifaces;

  if (!(net = get_member_object (root, "network", error)) ||
      !get_number (net, "rx", 0, MAX_RATE, &sample->net_rx_bytes_per_sec, error) ||
      !get_number (net, "tx", 0, MAX_RATE, &sample->net_tx_bytes_per_sec, error) ||
      !(ifaces = get_array (net, "interfaces", SEYE_MAX_INTERFACES, error)))
    return FALSE;

  for (guint i = 0; i < json_array_get_length (ifaces); i++)
    {
      JsonObject *object = get_object (json_array_get_element (ifaces, i), "interfaces[]", error);
      SeyeNetIface iface = { 0 };

      if (object == NULL)
        return FALSE;

      /* Appended first so the array's clear func frees the name on any error. */
      g_array_append_val (sample->interfaces, iface);
      if (!get_string (object, "name", SEYE_MAX_STRING, FALSE,
                       &g_array_index (sample->interfaces, SeyeNetIface, i).name, error) ||
          !get_number (object, "rx", 0, MAX_RATE,
                       &g_array_index (sample->interfaces, SeyeNetIface, i).rx_bytes_per_sec, error) ||
          !get_number (object, "tx", 0, MAX_RATE,
                       &g_array_index (sample->interfaces, SeyeNetIface, i).tx_bytes_per_sec, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
decode_disk (JsonObject  *root,
             SeyeSample  *sample,
             GError     **error)
{
  JsonObject *disk;
  JsonArray *devices;

  if (!(disk = get_member_object (root, "disk", error)) ||
      !get_number (disk, "read", 0, MAX_RATE, &sample->disk_read_bytes_per_sec, error) ||
      !get_number (disk, "write", 0, MAX_RATE, &sample->disk_write_bytes_per_sec, error) ||
      !(devices = get_array (disk, "devices", SEYE_MAX_DISKS, error)))
    return FALSE;

  for (guint i = 0; i < json_array_get_length (devices); i++)
    {
      JsonObject *object = get_object (json_array_get_element (devices, i), "devices[]", error);
      SeyeDiskDevice device = { 0 };
      SeyeDiskDevice *d;

      if (object == NULL)
        return FALSE;

      g_array_append_val (sample->disks, device);
      d = &g_array_index (sample->disks, SeyeDiskDevice, i);
      if (!get_string (object, "name", SEYE_MAX_STRING, FALSE, &d->name, error) ||
          !get_number (object, "read", 0, MAX_RATE, &d->read_bytes_per_sec, error) ||
          !get_number (object, "write", 0, MAX_RATE, &d->write_bytes_per_sec, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
decode_filesystems (JsonObject  *root,
                    SeyeSample  *sample,
                    GError     **error)
{
  JsonArray *array = get_array (root, "filesystems", SEYE_MAX_FILESYSTEMS, error);

  if (array == NULL)
    return FALSE;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = get_object (json_array_get_element (array, i), "filesystems[]", error);
      SeyeFilesystem filesystem = { 0 };
      SeyeFilesystem *fs;

      if (object == NULL)
        return FALSE;

      g_array_append_val (sample->filesystems, filesystem);
      fs = &g_array_index (sample->filesystems, SeyeFilesystem, i);
      if (!get_string (object, "mount", MAX_PATH, FALSE, &fs->mount_point, error) ||
          !get_string (object, "device", MAX_PATH, TRUE, &fs->device, error) ||
          !get_string (object, "type", SEYE_MAX_STRING, TRUE, &fs->fs_type, error) ||
          !get_uint64 (object, "size", MAX_BYTES, &fs->size_bytes, error) ||
          !get_uint64 (object, "used", MAX_BYTES, &fs->used_bytes, error) ||
          !get_uint64 (object, "available", MAX_BYTES, &fs->avail_bytes, error) ||
          !get_uint64 (object, "free", MAX_BYTES, &fs->free_bytes, error))
        return FALSE;

      if (fs->used_bytes > fs->size_bytes || fs->free_bytes > fs->size_bytes ||
          fs->avail_bytes > fs->size_bytes)
        {
          g_set_error (error, SEYE_ERROR, SEYE_ERROR_INVALID,
                       "filesystem “%s” holds more in use or free than its size", fs->mount_point);
          return FALSE;
        }
    }

  return TRUE;
}

typedef gboolean (*DecodePart) (JsonObject *, SeyeSample *, GError **);

static const struct {
  const char      *name;
  SeyeSampleParts  part;
  DecodePart       decode;
} sample_parts[] = {
  { "cpu",         SEYE_SAMPLE_CPU,         decode_cpu },
  { "memory",      SEYE_SAMPLE_MEMORY,      decode_memory },
  { "load",        SEYE_SAMPLE_LOAD,        decode_load },
  { "processes",   SEYE_SAMPLE_PROCESSES,   decode_processes },
  { "uptime",      SEYE_SAMPLE_UPTIME,      decode_uptime },
  { "network",     SEYE_SAMPLE_NETWORK,     decode_network },
  { "disk",        SEYE_SAMPLE_DISK,        decode_disk },
  { "filesystems", SEYE_SAMPLE_FILESYSTEMS, decode_filesystems },
};

/* The compact form ---------------------------------------------------------- */

/* [schema, time, interval, cpu, memory, load, processes, uptime, network, disk]:
 * each part an array of fixed length, or null when the sample leaves it out
 * (docs/api.md). The values go through the checks of the object form. */
enum {
  COMPACT_SCHEMA,
  COMPACT_TIME,
  COMPACT_INTERVAL,
  COMPACT_CPU,
  COMPACT_MEMORY,
  COMPACT_LOAD,
  COMPACT_PROCESSES,
  COMPACT_UPTIME,
  COMPACT_NETWORK,
  COMPACT_DISK,
  COMPACT_LENGTH
};

static gboolean
node_to_percent (JsonNode    *node,
                 const char  *name,
                 double      *out,
                 GError     **error)
{
  if (!node_to_number (node, name, 0.0, 100.0 + PERCENT_SLACK, out, error))
    return FALSE;

  *out = MIN (*out, 100.0);

  return TRUE;
}

/* Part @index of @root, an array of @length values; NULL with *@present FALSE for null. */
static JsonArray *
compact_part (JsonArray   *root,
              guint        index,
              const char  *name,
              guint        length,
              gboolean    *present,
              GError     **error)
{
  JsonNode *node = json_array_get_element (root, index);

  *present = !JSON_NODE_HOLDS_NULL (node);
  if (!*present)
    return NULL;

  if (!JSON_NODE_HOLDS_ARRAY (node) || json_array_get_length (json_node_get_array (node)) != length)
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_INVALID,
                   "bad “%s” in sample: not an array of %u values", name, length);
      return NULL;
    }

  return json_node_get_array (node);
}

#define ITEM(array, i) json_array_get_element ((array), (i))

static gboolean
decode_compact_cpu (JsonArray   *cpu,
                    SeyeSample  *sample,
                    GError     **error)
{
  double *stat[] = { &sample->cpu.busy, &sample->cpu.user, &sample->cpu.system,
                     &sample->cpu.iowait, &sample->cpu.steal };
  JsonNode *ids = ITEM (cpu, 5);
  JsonNode *busy = ITEM (cpu, 6);

  for (guint i = 0; i < G_N_ELEMENTS (stat); i++)
    if (!node_to_percent (ITEM (cpu, i), "cpu", stat[i], error))
      return FALSE;

  if (!JSON_NODE_HOLDS_ARRAY (ids) || !JSON_NODE_HOLDS_ARRAY (busy) ||
      json_array_get_length (json_node_get_array (ids)) > SEYE_MAX_CORES ||
      json_array_get_length (json_node_get_array (ids)) != json_array_get_length (json_node_get_array (busy)))
    {
      g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_INVALID,
                           "the cores are not two lists of the same length");
      return FALSE;
    }

  if (!decode_core_ids (json_node_get_array (ids), sample, error))
    return FALSE;

  for (guint i = 0; i < sample->cores->len; i++)
    if (!node_to_percent (ITEM (json_node_get_array (busy), i), "cores.busy",
                          &g_array_index (sample->cores, SeyeCpuStat, i).busy, error))
      return FALSE;

  return TRUE;
}

static SeyeSample *
sample_from_compact (JsonArray  *root,
                     GError    **error)
{
  g_autoptr (SeyeSample) sample = seye_sample_new ();
  g_autoptr (GError) local_error = NULL;
  const char *name = NULL;
  JsonArray *part;
  gboolean present;
  double schema;

  /* The schema first: another one may be laid out otherwise. */
  if (json_array_get_length (root) == 0 ||
      !node_to_number (ITEM (root, COMPACT_SCHEMA), "schema", 0, G_MAXINT, &schema, error))
    {
      if (json_array_get_length (root) == 0)
        g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_INVALID, "“schema” is missing");
      return NULL;
    }
  if (schema != SEYE_SCHEMA_VERSION)
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_INCOMPATIBLE,
                   "the node speaks schema version %g; this program understands version %d",
                   schema, SEYE_SCHEMA_VERSION);
      return NULL;
    }

  if (json_array_get_length (root) != COMPACT_LENGTH)
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_INVALID,
                   "a compact sample has %u values, not %u", COMPACT_LENGTH, json_array_get_length (root));
      return NULL;
    }

  if (!node_to_int64 (ITEM (root, COMPACT_TIME), "time", 1, MAX_TIME_MS, &sample->time_ms, error) ||
      !node_to_number (ITEM (root, COMPACT_INTERVAL), "interval", 0, 3600, &sample->interval, error))
    return NULL;

  name = "cpu";
  if ((part = compact_part (root, COMPACT_CPU, "cpu", 7, &present, error)) != NULL)
    {
      if (!decode_compact_cpu (part, sample, &local_error))
        goto bad_part;
      sample->parts |= SEYE_SAMPLE_CPU;
    }
  else if (present)
    return NULL;

  name = "memory";
  if ((part = compact_part (root, COMPACT_MEMORY, "memory", 8, &present, error)) != NULL)
    {
      guint64 *memory[] = { &sample->memory.total, &sample->memory.available, &sample->memory.used,
                            &sample->memory.free, &sample->memory.buffers, &sample->memory.cached,
                            &sample->memory.swap_total, &sample->memory.swap_used };

      for (guint i = 0; i < G_N_ELEMENTS (memory); i++)
        if (!node_to_uint64 (ITEM (part, i), "memory", MAX_BYTES, memory[i], &local_error))
          goto bad_part;
      if (!check_memory (&sample->memory, &local_error))
        goto bad_part;
      sample->parts |= SEYE_SAMPLE_MEMORY;
    }
  else if (present)
    return NULL;

  name = "load";
  if ((part = compact_part (root, COMPACT_LOAD, "load", 3, &present, error)) != NULL)
    {
      for (guint i = 0; i < 3; i++)
        if (!node_to_number (ITEM (part, i), "load", 0, MAX_LOAD, &sample->load[i], &local_error))
          goto bad_part;
      sample->parts |= SEYE_SAMPLE_LOAD;
    }
  else if (present)
    return NULL;

  name = "processes";
  if ((part = compact_part (root, COMPACT_PROCESSES, "processes", 4, &present, error)) != NULL)
    {
      guint *processes[] = { &sample->procs_total, &sample->procs_running, &sample->procs_blocked,
                             &sample->threads };

      for (guint i = 0; i < G_N_ELEMENTS (processes); i++)
        {
          guint64 value;

          if (!node_to_uint64 (ITEM (part, i), "processes", MAX_COUNT, &value, &local_error))
            goto bad_part;
          *processes[i] = (guint) value;
        }
      sample->parts |= SEYE_SAMPLE_PROCESSES;
    }
  else if (present)
    return NULL;

  name = "uptime";
  if ((part = compact_part (root, COMPACT_UPTIME, "uptime", 2, &present, error)) != NULL)
    {
      if (!node_to_number (ITEM (part, 0), "uptime", 0, MAX_SECONDS, &sample->uptime, &local_error) ||
          !node_to_int64 (ITEM (part, 1), "boot_time", 0, MAX_TIME_MS / 1000, &sample->boot_time,
                          &local_error))
        goto bad_part;
      sample->parts |= SEYE_SAMPLE_UPTIME;
    }
  else if (present)
    return NULL;

  name = "network";
  if ((part = compact_part (root, COMPACT_NETWORK, "network", 2, &present, error)) != NULL)
    {
      if (!node_to_number (ITEM (part, 0), "network", 0, MAX_RATE, &sample->net_rx_bytes_per_sec, &local_error) ||
          !node_to_number (ITEM (part, 1), "network", 0, MAX_RATE, &sample->net_tx_bytes_per_sec, &local_error))
        goto bad_part;
      sample->parts |= SEYE_SAMPLE_NETWORK;
    }
  else if (present)
    return NULL;

  name = "disk";
  if ((part = compact_part (root, COMPACT_DISK, "disk", 2, &present, error)) != NULL)
    {
      if (!node_to_number (ITEM (part, 0), "disk", 0, MAX_RATE, &sample->disk_read_bytes_per_sec, &local_error) ||
          !node_to_number (ITEM (part, 1), "disk", 0, MAX_RATE, &sample->disk_write_bytes_per_sec, &local_error))
        goto bad_part;
      sample->parts |= SEYE_SAMPLE_DISK;
    }
  else if (present)
    return NULL;

  return g_steal_pointer (&sample);

bad_part:
  g_set_error (error, SEYE_ERROR, SEYE_ERROR_INVALID, "bad “%s” in sample: %s", name, local_error->message);
  return NULL;
}

#undef ITEM

/**
 * seye_sample_from_json_node:
 *
 * Decodes and checks one sample: an object (as /v1/metrics serves it), or an
 * array in the compact form of /v1/stream. Parts the sample leaves out are
 * left out; a part that is present must be complete and sane.
 *
 * Returns: (transfer full) (nullable): the sample, or %NULL with @error set.
 */
SeyeSample *
seye_sample_from_json_node (JsonNode  *node,
                            GError   **error)
{
  g_autoptr (SeyeSample) sample = NULL;
  g_autoptr (GError) local_error = NULL;
  JsonObject *root;

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    return sample_from_compact (json_node_get_array (node), error);

  if (!(root = get_object (node, "sample", error)) || !check_schema (root, error))
    return NULL;

  sample = seye_sample_new ();

  if (!get_int64 (root, "time", 1, MAX_TIME_MS, &sample->time_ms, error) ||
      !get_number (root, "interval", 0, 3600, &sample->interval, error))
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (sample_parts); i++)
    {
      if (!json_object_has_member (root, sample_parts[i].name))
        continue;

      if (!sample_parts[i].decode (root, sample, &local_error))
        {
          g_set_error (error, SEYE_ERROR, SEYE_ERROR_INVALID,
                       "bad “%s” in sample: %s", sample_parts[i].name, local_error->message);
          return NULL;
        }

      sample->parts |= sample_parts[i].part;
    }

  return g_steal_pointer (&sample);
}

SeyeSample *
seye_sample_from_json (const char  *data,
                       gssize       length,
                       GError     **error)
{
  g_autoptr (JsonNode) root = parse (data, length, error);

  return root ? seye_sample_from_json_node (root, error) : NULL;
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

  if (!(root = get_object (node, "node", error)) ||
      !check_schema (root, error) ||
      !get_string (root, "node_id", SEYE_NODE_ID_LENGTH, FALSE, &info->node_id, error) ||
      !get_string (root, "name", SEYE_MAX_STRING, FALSE, &info->name, error) ||
      !get_string (root, "hostname", SEYE_MAX_STRING, TRUE, &info->hostname, error) ||
      !get_string (root, "os", SEYE_MAX_STRING, TRUE, &info->os_name, error) ||
      !get_string (root, "kernel", SEYE_MAX_STRING, TRUE, &info->kernel, error) ||
      !get_string (root, "arch", SEYE_MAX_STRING, TRUE, &info->arch, error) ||
      !get_string (root, "cpu_model", SEYE_MAX_STRING, TRUE, &info->cpu_model, error) ||
      !get_uint (root, "cores", &info->n_cores, error) ||
      !get_string (root, "agent_version", SEYE_MAX_STRING, TRUE, &info->agent_version, error) ||
      !get_uint (root, "api_version", &info->api_version, error) ||
      !get_number (root, "interval", 0, 3600, &interval, error) ||
      !get_int64 (root, "boot_time", 0, MAX_TIME_MS / 1000, &info->boot_time, error))
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
  g_autoptr (JsonNode) root = parse (data, length, error);

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
  g_autoptr (JsonNode) root = parse (data, length, error);
  g_autoptr (GPtrArray) samples = NULL;
  JsonObject *object;
  JsonArray *array;

  if (root == NULL ||
      !(object = get_object (root, "history", error)) ||
      !check_schema (object, error) ||
      !(array = get_array (object, "samples", SEYE_MAX_HISTORY, error)))
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
