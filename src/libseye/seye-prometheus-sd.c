/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-prometheus"

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "seye-error.h"
#include "seye-json-private.h"
#include "seye-prometheus-sd.h"
#include "seye-sanitize.h"
#include "seye-tags.h"

/*
 * The file_sd form of the agents (see seye-prometheus-sd.h): written by
 * `seye discover --format prometheus`, and read back when it starts again over
 * the file it wrote, so that a restart does not take the targets away.
 */

#define MAX_FILE_TARGETS  100000   /* more in a file read back is not one we wrote */

/* Targets ------------------------------------------------------------------ */

SeyePrometheusTarget *
seye_prometheus_target_new (const char *address,
                            const char *name)
{
  SeyePrometheusTarget *self;

  g_return_val_if_fail (address != NULL, NULL);

  self = g_new0 (SeyePrometheusTarget, 1);
  self->address = g_strdup (address);
  self->name = g_strdup (name != NULL ? name : address);

  return self;
}

SeyePrometheusTarget *
seye_prometheus_target_copy (const SeyePrometheusTarget *self)
{
  SeyePrometheusTarget *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = seye_prometheus_target_new (self->address, self->name);
  copy->node_id = g_strdup (self->node_id);
  copy->agent_version = g_strdup (self->agent_version);
  copy->tags = g_strdupv (self->tags);
  copy->tls = self->tls;
  copy->auth_token = self->auth_token;

  return copy;
}

void
seye_prometheus_target_free (SeyePrometheusTarget *self)
{
  if (self == NULL)
    return;

  g_free (self->address);
  g_free (self->name);
  g_free (self->node_id);
  g_free (self->agent_version);
  g_strfreev (self->tags);
  g_free (self);
}

gboolean
seye_prometheus_target_equal (const SeyePrometheusTarget *a,
                              const SeyePrometheusTarget *b)
{
  return g_strcmp0 (a->address, b->address) == 0 &&
         g_strcmp0 (a->name, b->name) == 0 &&
         g_strcmp0 (a->node_id, b->node_id) == 0 &&
         g_strcmp0 (a->agent_version, b->agent_version) == 0 &&
         seye_tags_equal ((const char * const *) a->tags, (const char * const *) b->tags) &&
         !a->tls == !b->tls &&
         !a->auth_token == !b->auth_token;
}

static int
compare_targets (gconstpointer a,
                 gconstpointer b)
{
  const SeyePrometheusTarget *target_a = *(SeyePrometheusTarget * const *) a;
  const SeyePrometheusTarget *target_b = *(SeyePrometheusTarget * const *) b;
  int by_name = g_strcmp0 (target_a->name, target_b->name);

  return by_name != 0 ? by_name : g_strcmp0 (target_a->address, target_b->address);
}

/* By name, then address: the order of the file and of `seye discover`. */
void
seye_prometheus_targets_sort (GPtrArray *targets)
{
  g_ptr_array_sort (targets, compare_targets);
}

/**
 * seye_prometheus_label_name_is_valid:
 *
 * Returns: whether @name is a Prometheus label name: `[a-zA-Z_][a-zA-Z0-9_]*`.
 */
gboolean
seye_prometheus_label_name_is_valid (const char *name)
{
  if (name == NULL || !(g_ascii_isalpha (name[0]) || name[0] == '_'))
    return FALSE;

  for (const char *p = name + 1; *p; p++)
    if (!(g_ascii_isalnum (*p) || *p == '_'))
      return FALSE;

  return TRUE;
}

/* Writing ------------------------------------------------------------------ */

static void
write_label (GString    *str,
             const char *name,
             const char *value)
{
  g_autofree char *shown = NULL;

  /* Only the names of this file: a bad one would make Prometheus drop the whole file. */
  g_return_if_fail (seye_prometheus_label_name_is_valid (name));

  if (value == NULL)
    return;

  shown = seye_sanitize_display (value);
  if (str->str[str->len - 1] != '{')
    g_string_append (str, ", ");
  seye_json_write_string (str, name);
  g_string_append (str, ": ");
  seye_json_write_string (str, shown);
}

static void
write_target (GString                    *str,
              const SeyePrometheusTarget *target)
{
  const char *scheme = target->tls ? "https" : "http";
  g_autofree char *address = seye_sanitize_display (target->address);
  g_autofree char *tags = seye_tags_to_label ((const char * const *) target->tags);

  g_string_append (str, "{\"targets\": [");
  seye_json_write_string (str, address);
  g_string_append (str, "], \"labels\": {");
  /* In the order of their names, as Prometheus shows them. */
  write_label (str, "__metrics_path__", "/metrics");
  write_label (str, "__scheme__", scheme);
  write_label (str, "agent_version", target->agent_version);
  write_label (str, "auth", target->auth_token ? "token" : NULL);
  write_label (str, "node", target->name);
  write_label (str, "node_id", target->node_id);
  write_label (str, "scheme", scheme);
  write_label (str, "tags", tags);
  g_string_append (str, "}}");
}

/**
 * seye_prometheus_sd_write:
 * @targets: (element-type SeyePrometheusTarget)
 *
 * Returns: (transfer full): the file_sd JSON of @targets, one target group a
 *   line, by name then address; the same targets always give the same text.
 */
char *
seye_prometheus_sd_write (GPtrArray *targets)
{
  g_autoptr (GPtrArray) sorted = g_ptr_array_sized_new (targets->len);
  GString *str = g_string_new ("[");

  /* Borrowed: a copy of @targets would take its free function along. */
  g_ptr_array_extend (sorted, targets, NULL, NULL);
  seye_prometheus_targets_sort (sorted);

  for (guint i = 0; i < sorted->len; i++)
    {
      g_string_append (str, i == 0 ? "\n  " : ",\n  ");
      write_target (str, sorted->pdata[i]);
    }

  g_string_append (str, sorted->len > 0 ? "\n]\n" : "]\n");

  return g_string_free (str, FALSE);
}

/* Reading ------------------------------------------------------------------ */

static const char *
get_label (JsonObject *labels,
           const char *name)
{
  JsonNode *node = json_object_get_member (labels, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static SeyePrometheusTarget *
read_target (JsonNode  *node,
             GError   **error)
{
  g_autoptr (SeyePrometheusTarget) target = NULL;
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  JsonNode *addresses = object != NULL ? json_object_get_member (object, "targets") : NULL;
  JsonNode *labels_node = object != NULL ? json_object_get_member (object, "labels") : NULL;
  JsonObject *labels;
  JsonNode *address;
  GList *names;

  if (addresses == NULL || !JSON_NODE_HOLDS_ARRAY (addresses) ||
      json_array_get_length (json_node_get_array (addresses)) != 1 ||
      labels_node == NULL || !JSON_NODE_HOLDS_OBJECT (labels_node))
    {
      g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_INVALID,
                           "a target group is not {\"targets\": [one address], \"labels\": {…}}");
      return NULL;
    }

  address = json_array_get_element (json_node_get_array (addresses), 0);
  labels = json_node_get_object (labels_node);
  if (!JSON_NODE_HOLDS_VALUE (address) || json_node_get_value_type (address) != G_TYPE_STRING ||
      get_label (labels, "node") == NULL)
    {
      g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_INVALID, "a target has no address or no node label");
      return NULL;
    }

  names = json_object_get_members (labels);
  for (GList *l = names; l != NULL; l = l->next)
    {
      if (!seye_prometheus_label_name_is_valid (l->data) || get_label (labels, l->data) == NULL)
        {
          g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_INVALID,
                               "a label is not a Prometheus label name with a text value");
          g_list_free (names);
          return NULL;
        }
    }
  g_list_free (names);

  target = seye_prometheus_target_new (json_node_get_string (address), get_label (labels, "node"));
  target->node_id = g_strdup (get_label (labels, "node_id"));
  target->agent_version = g_strdup (get_label (labels, "agent_version"));
  target->tls = g_strcmp0 (get_label (labels, "__scheme__"), "https") == 0;
  target->auth_token = g_strcmp0 (get_label (labels, "auth"), "token") == 0;
  target->tags = seye_tags_from_label (get_label (labels, "tags"));

  return g_steal_pointer (&target);
}

/**
 * seye_prometheus_sd_read:
 *
 * Reads a file_sd file back: an array of target groups of one address each,
 * whose labels are valid names with text values and include `node`.
 *
 * Returns: (transfer full) (element-type SeyePrometheusTarget): the targets;
 *   %NULL with @error (SEYE_ERROR_PARSE or SEYE_ERROR_INVALID) otherwise
 */
GPtrArray *
seye_prometheus_sd_read (const char  *contents,
                         GError     **error)
{
  g_autoptr (GPtrArray) targets = g_ptr_array_new_with_free_func ((GDestroyNotify) seye_prometheus_target_free);
  g_autoptr (JsonNode) root = _seye_json_parse (contents, -1, error);
  JsonArray *array;

  if (root == NULL)
    return NULL;

  if (!JSON_NODE_HOLDS_ARRAY (root) ||
      json_array_get_length (json_node_get_array (root)) > MAX_FILE_TARGETS)
    {
      g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_INVALID, "not an array of target groups");
      return NULL;
    }

  array = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      SeyePrometheusTarget *target = read_target (json_array_get_element (array, i), error);

      if (target == NULL)
        return NULL;
      g_ptr_array_add (targets, target);
    }

  return g_steal_pointer (&targets);
}
