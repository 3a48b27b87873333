/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>
#include <unistd.h>

#include "seye-cli-common.h"
#include "seye-error.h"
#include "seye-sanitize.h"

static const char * const sort_names[SEYE_CLI_N_SORTS] = {
  [SEYE_CLI_SORT_NAME] = "name",
  [SEYE_CLI_SORT_CPU] = "cpu",
  [SEYE_CLI_SORT_MEMORY] = "memory",
  [SEYE_CLI_SORT_LOAD] = "load",
  [SEYE_CLI_SORT_PROCESSES] = "processes",
  [SEYE_CLI_SORT_UPTIME] = "uptime",
};

gboolean
seye_cli_parse_sort (const char   *text,
                     SeyeCliSort  *sort,
                     GError      **error)
{
  for (guint i = 0; i < SEYE_CLI_N_SORTS; i++)
    {
      if (g_ascii_strcasecmp (text, sort_names[i]) == 0)
        {
          *sort = i;
          return TRUE;
        }
    }

  g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
               _("Cannot sort by “%s”: use cpu, memory, load, name, uptime or processes"), text);

  return FALSE;
}

const char *
seye_cli_sort_to_string (SeyeCliSort sort)
{
  g_return_val_if_fail (sort < SEYE_CLI_N_SORTS, "name");

  return sort_names[sort];
}

/* Sort keys: larger first for the numbers, unknown values last. */
static double
sort_value (SeyeNode    *node,
            SeyeCliSort  sort)
{
  SeyeSample *sample = seye_node_get_sample (node);

  if (sample == NULL || seye_node_get_state (node) == SEYE_NODE_STATE_OFFLINE)
    return -1;

  switch (sort)
    {
    case SEYE_CLI_SORT_CPU:
      return sample->parts & SEYE_SAMPLE_CPU ? sample->cpu.busy : -1;
    case SEYE_CLI_SORT_MEMORY:
      return sample->parts & SEYE_SAMPLE_MEMORY ? seye_sample_get_memory_percent (sample) : -1;
    case SEYE_CLI_SORT_LOAD:
      return sample->parts & SEYE_SAMPLE_LOAD ? sample->load[0] : -1;
    case SEYE_CLI_SORT_PROCESSES:
      return sample->parts & SEYE_SAMPLE_PROCESSES ? (double) sample->procs_total : -1;
    case SEYE_CLI_SORT_UPTIME:
      return sample->parts & SEYE_SAMPLE_UPTIME ? sample->uptime : -1;
    case SEYE_CLI_SORT_NAME:
    case SEYE_CLI_N_SORTS:
    default:
      return 0;
    }
}

static int
compare_names (SeyeNode *a,
               SeyeNode *b)
{
  g_autofree char *ka = g_utf8_collate_key_for_filename (seye_node_get_name (a), -1);
  g_autofree char *kb = g_utf8_collate_key_for_filename (seye_node_get_name (b), -1);
  int cmp = strcmp (ka, kb);

  return cmp != 0 ? cmp : g_strcmp0 (seye_node_get_key (a), seye_node_get_key (b));
}

static int
compare_nodes (gconstpointer pa,
               gconstpointer pb,
               gpointer      data)
{
  SeyeNode *a = *(SeyeNode **) pa;
  SeyeNode *b = *(SeyeNode **) pb;
  SeyeCliSort sort = GPOINTER_TO_UINT (data);
  double va, vb;

  if (sort != SEYE_CLI_SORT_NAME)
    {
      va = sort_value (a, sort);
      vb = sort_value (b, sort);
      if (va != vb)
        return va > vb ? -1 : 1;
    }

  return compare_names (a, b);
}

void
seye_cli_sort_nodes (GPtrArray   *nodes,
                     SeyeCliSort  sort)
{
  g_ptr_array_sort_with_data (nodes, compare_nodes, GUINT_TO_POINTER (sort));
}

static gboolean
contains_casefold (const char *haystack,
                   const char *needle)
{
  g_autofree char *h = NULL;
  g_autofree char *n = NULL;

  if (haystack == NULL)
    return FALSE;

  h = g_utf8_casefold (haystack, -1);
  n = g_utf8_casefold (needle, -1);

  return strstr (h, n) != NULL;
}

/**
 * seye_cli_node_matches:
 *
 * Returns: whether @filter (case-insensitive) is part of the node's name,
 *   address, host name or node id; every node matches an empty filter.
 */
gboolean
seye_cli_node_matches (SeyeNode   *node,
                       const char *filter)
{
  const SeyeNodeInfo *info = seye_node_get_info (node);

  if (filter == NULL || filter[0] == '\0')
    return TRUE;

  return contains_casefold (seye_node_get_name (node), filter) ||
         contains_casefold (seye_node_get_address (node), filter) ||
         contains_casefold (seye_node_get_key (node), filter) ||
         (info != NULL && contains_casefold (info->hostname, filter));
}

/**
 * seye_cli_collect_nodes:
 *
 * Returns: (transfer full) (element-type SeyeNode): the monitor's nodes that
 *   match @filter, sorted.
 */
GPtrArray *
seye_cli_collect_nodes (SeyeMonitor *monitor,
                        const char  *filter,
                        SeyeCliSort  sort)
{
  GPtrArray *nodes = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (monitor));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (SeyeNode) node = g_list_model_get_item (G_LIST_MODEL (monitor), i);

      if (seye_cli_node_matches (node, filter))
        g_ptr_array_add (nodes, g_steal_pointer (&node));
    }

  seye_cli_sort_nodes (nodes, sort);

  return nodes;
}

/**
 * seye_cli_display_address:
 *
 * Returns: (transfer full): where the node is polled, without the port when it
 *   is the default one: "192.168.1.20", "127.0.0.1:41234", "[fe80::1%eth0]:7373";
 *   sanitised for display (seye_sanitize_display()).
 */
char *
seye_cli_display_address (SeyeNode *node)
{
  const char *address = seye_node_get_address (node);
  g_autofree char *suffix = g_strdup_printf (":%d", SEYE_DEFAULT_PORT);

  g_autofree char *shown = NULL;

  if (address == NULL)
    return seye_sanitize_display (seye_node_get_key (node));

  if (address[0] != '[' && g_str_has_suffix (address, suffix))
    shown = g_strndup (address, strlen (address) - strlen (suffix));

  return seye_sanitize_display (shown != NULL ? shown : address);
}

/**
 * seye_cli_state_nick:
 *
 * Returns: the untranslated state for machine-readable output: "online", …
 */
const char *
seye_cli_state_nick (SeyeNodeState state)
{
  GEnumClass *klass = g_type_class_ref (SEYE_TYPE_NODE_STATE);
  GEnumValue *value = g_enum_get_value (klass, state);
  const char *nick = value ? value->value_nick : "unknown";

  g_type_class_unref (klass);

  return nick;
}

/**
 * seye_cli_use_color:
 *
 * Returns: whether to colour output on @fd: only a terminal, never with
 *   NO_COLOR set (https://no-color.org) or TERM=dumb.
 */
gboolean
seye_cli_use_color (int fd)
{
  const char *no_color = g_getenv ("NO_COLOR");
  const char *term = g_getenv ("TERM");

  if (no_color != NULL && no_color[0] != '\0')
    return FALSE;

  if (term != NULL && g_str_equal (term, "dumb"))
    return FALSE;

  return isatty (fd);
}

gboolean
seye_cli_add_hosts (SeyeMonitor  *monitor,
                    char        **hosts,
                    GError      **error)
{
  for (guint i = 0; hosts != NULL && hosts[i] != NULL; i++)
    {
      /* "--host a,b" works as well as "--host a --host b". */
      g_auto (GStrv) parts = g_strsplit (hosts[i], ",", -1);

      for (guint j = 0; parts[j] != NULL; j++)
        {
          if (g_strstrip (parts[j])[0] == '\0')
            continue;
          if (seye_monitor_add_manual (monitor, parts[j], error) == NULL)
            return FALSE;
        }
    }

  return TRUE;
}
