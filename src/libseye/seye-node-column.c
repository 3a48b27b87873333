/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-node-column"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "seye-clock.h"
#include "seye-format.h"
#include "seye-node-column.h"
#include "seye-sanitize.h"
#include "seye-tags.h"

static const struct {
  const char *id;
  const char *title;
  const char *property;
  gboolean    numeric;
} columns[SEYE_NODE_N_COLUMNS] = {
  [SEYE_NODE_COLUMN_STATUS]    = { "status",    N_("Status"),    "state",   FALSE },
  [SEYE_NODE_COLUMN_NAME]      = { "name",      N_("Name"),      "name",    FALSE },
  [SEYE_NODE_COLUMN_ADDRESS]   = { "address",   N_("Address"),   "address", FALSE },
  [SEYE_NODE_COLUMN_CPU]       = { "cpu",       N_("CPU"),       NULL,      TRUE },
  [SEYE_NODE_COLUMN_HISTORY]   = { "history",   N_("CPU Trend")  , NULL,    FALSE },
  [SEYE_NODE_COLUMN_MEMORY]    = { "memory",    N_("Memory"),    NULL,      TRUE },
  [SEYE_NODE_COLUMN_LOAD]      = { "load",      N_("Load"),      NULL,      TRUE },
  [SEYE_NODE_COLUMN_DISK]      = { "disk",      N_("Disk"),      NULL,      TRUE },
  [SEYE_NODE_COLUMN_PROCESSES] = { "processes", N_("Processes"), NULL,      TRUE },
  [SEYE_NODE_COLUMN_UPTIME]    = { "uptime",    N_("Uptime"),    NULL,      TRUE },
  [SEYE_NODE_COLUMN_RX]        = { "rx",        N_("Received"),  NULL,      TRUE },
  [SEYE_NODE_COLUMN_TX]        = { "tx",        N_("Sent"),      NULL,      TRUE },
  [SEYE_NODE_COLUMN_TAGS]      = { "tags",      N_("Tags"),      "info",    FALSE },
};

GType
seye_node_column_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { SEYE_NODE_COLUMN_STATUS, "SEYE_NODE_COLUMN_STATUS", "status" },
        { SEYE_NODE_COLUMN_NAME, "SEYE_NODE_COLUMN_NAME", "name" },
        { SEYE_NODE_COLUMN_ADDRESS, "SEYE_NODE_COLUMN_ADDRESS", "address" },
        { SEYE_NODE_COLUMN_CPU, "SEYE_NODE_COLUMN_CPU", "cpu" },
        { SEYE_NODE_COLUMN_HISTORY, "SEYE_NODE_COLUMN_HISTORY", "history" },
        { SEYE_NODE_COLUMN_MEMORY, "SEYE_NODE_COLUMN_MEMORY", "memory" },
        { SEYE_NODE_COLUMN_LOAD, "SEYE_NODE_COLUMN_LOAD", "load" },
        { SEYE_NODE_COLUMN_DISK, "SEYE_NODE_COLUMN_DISK", "disk" },
        { SEYE_NODE_COLUMN_PROCESSES, "SEYE_NODE_COLUMN_PROCESSES", "processes" },
        { SEYE_NODE_COLUMN_UPTIME, "SEYE_NODE_COLUMN_UPTIME", "uptime" },
        { SEYE_NODE_COLUMN_RX, "SEYE_NODE_COLUMN_RX", "rx" },
        { SEYE_NODE_COLUMN_TX, "SEYE_NODE_COLUMN_TX", "tx" },
        { SEYE_NODE_COLUMN_TAGS, "SEYE_NODE_COLUMN_TAGS", "tags" },
        { 0, NULL, NULL },
      };
      GType type = g_enum_register_static ("SeyeNodeColumn", values);

      g_once_init_leave (&type_id, type);
    }

  return type_id;
}

const char *
seye_node_column_get_id (SeyeNodeColumn column)
{
  g_return_val_if_fail (column < SEYE_NODE_N_COLUMNS, NULL);

  return columns[column].id;
}

gboolean
seye_node_column_from_id (const char     *id,
                          SeyeNodeColumn *column)
{
  g_return_val_if_fail (column != NULL, FALSE);

  for (guint i = 0; id != NULL && i < SEYE_NODE_N_COLUMNS; i++)
    {
      if (g_ascii_strcasecmp (id, columns[i].id) == 0)
        {
          *column = i;
          return TRUE;
        }
    }

  return FALSE;
}

const char *
seye_node_column_get_title (SeyeNodeColumn column)
{
  g_return_val_if_fail (column < SEYE_NODE_N_COLUMNS, NULL);

  return g_dgettext (GETTEXT_PACKAGE, columns[column].title);
}

gboolean
seye_node_column_is_numeric (SeyeNodeColumn column)
{
  g_return_val_if_fail (column < SEYE_NODE_N_COLUMNS, FALSE);

  return columns[column].numeric;
}

const char *
seye_node_column_get_property (SeyeNodeColumn column)
{
  g_return_val_if_fail (column < SEYE_NODE_N_COLUMNS, NULL);

  return columns[column].property;
}

/* The fullest filesystem the node's disk rule watches (not a pseudo or read-only
 * image, not an ignored mount point), from its latest whole sample; @percent is
 * its share used as df(1) counts it, or -1 when there is none. */
static const SeyeFilesystem *
fullest_filesystem (SeyeNode *node,
                    double   *percent)
{
  const SeyeFilesystem *fs = seye_alert_fullest_filesystem (seye_node_get_details (node),
                                                            seye_node_get_alert_rules (node));

  *percent = fs != NULL ? seye_alert_filesystem_percent (fs) : -1.0;

  return fs;
}

double
seye_node_column_get_value (SeyeNode       *node,
                            SeyeNodeColumn  column)
{
  SeyeSample *sample = seye_node_get_sample (node);

  if (column == SEYE_NODE_COLUMN_STATUS)
    return seye_node_status_rank (node);

  if (sample == NULL)
    return -1.0;

  switch (column)
    {
    case SEYE_NODE_COLUMN_CPU:
    case SEYE_NODE_COLUMN_HISTORY:
      return (sample->parts & SEYE_SAMPLE_CPU) ? sample->cpu.busy : -1.0;
    case SEYE_NODE_COLUMN_MEMORY:
      return (sample->parts & SEYE_SAMPLE_MEMORY) ? seye_sample_get_memory_percent (sample) : -1.0;
    case SEYE_NODE_COLUMN_LOAD:
      return (sample->parts & SEYE_SAMPLE_LOAD) ? sample->load[0] : -1.0;
    case SEYE_NODE_COLUMN_DISK:
      {
        double percent = -1.0;

        /* Filesystems come with the whole samples, every few lines of a stream. */
        fullest_filesystem (node, &percent);
        return percent;
      }
    case SEYE_NODE_COLUMN_PROCESSES:
      return (sample->parts & SEYE_SAMPLE_PROCESSES) ? (double) sample->procs_total : -1.0;
    case SEYE_NODE_COLUMN_UPTIME:
      return (sample->parts & SEYE_SAMPLE_UPTIME) ? sample->uptime : -1.0;
    case SEYE_NODE_COLUMN_RX:
      return (sample->parts & SEYE_SAMPLE_NETWORK) ? sample->net_rx_bytes_per_sec : -1.0;
    case SEYE_NODE_COLUMN_TX:
      return (sample->parts & SEYE_SAMPLE_NETWORK) ? sample->net_tx_bytes_per_sec : -1.0;
    case SEYE_NODE_COLUMN_STATUS:
    case SEYE_NODE_COLUMN_NAME:
    case SEYE_NODE_COLUMN_ADDRESS:
    case SEYE_NODE_COLUMN_TAGS:
    case SEYE_NODE_N_COLUMNS:
    default:
      return -1.0;
    }
}

/* Filesystems that cannot fill up the way a disk does: kernel views, memory and images. */

int
seye_node_status_rank (SeyeNode *node)
{
  if (seye_node_get_alerting (node))
    return 0;

  switch (seye_node_get_state (node))
    {
    case SEYE_NODE_STATE_UNTRUSTED:    return 1;
    case SEYE_NODE_STATE_OFFLINE:      return 2;
    case SEYE_NODE_STATE_LEFT:         return 3;
    case SEYE_NODE_STATE_INCOMPATIBLE: return 4;
    case SEYE_NODE_STATE_NEEDS_PAIRING: return 5;
    case SEYE_NODE_STATE_STALE:        return 6;
    case SEYE_NODE_STATE_NOT_RESPONDING: return 6;
    case SEYE_NODE_STATE_CONNECTING:   return 7;
    case SEYE_NODE_STATE_ONLINE:       return seye_node_get_active_alerts (node) != 0 ? 8 : 9;
    default:                           return 10;
    }
}

int
seye_node_column_compare_natural (const char *a,
                                  const char *b)
{
  g_autofree char *key_a = NULL;
  g_autofree char *key_b = NULL;

  if (a == NULL || b == NULL)
    return (a != NULL) - (b != NULL);

  /* Collation keys for file names compare digit runs as numbers. */
  key_a = g_utf8_collate_key_for_filename (a, -1);
  key_b = g_utf8_collate_key_for_filename (b, -1);

  return strcmp (key_a, key_b);
}

int
seye_node_column_compare_names (SeyeNode *a,
                                SeyeNode *b)
{
  int result = seye_node_column_compare_natural (seye_node_get_name (a), seye_node_get_name (b));

  if (result == 0)
    result = g_strcmp0 (seye_node_get_key (a), seye_node_get_key (b));

  return result;
}

int
seye_node_column_compare (SeyeNode       *a,
                          SeyeNode       *b,
                          SeyeNodeColumn  column)
{
  int result = 0;

  if (a == b)
    return 0;

  switch (column)
    {
    case SEYE_NODE_COLUMN_NAME:
      break;

    case SEYE_NODE_COLUMN_ADDRESS:
      result = seye_node_column_compare_natural (seye_node_get_address (a),
                                                 seye_node_get_address (b));
      break;

    /* Nodes of the same tags together; untagged ones first. */
    case SEYE_NODE_COLUMN_TAGS:
      {
        g_autofree char *tags_a = seye_node_column_format (a, column);
        g_autofree char *tags_b = seye_node_column_format (b, column);

        result = seye_node_column_compare_natural (tags_a, tags_b);
      }
      break;

    case SEYE_NODE_COLUMN_STATUS:
    case SEYE_NODE_COLUMN_CPU:
    case SEYE_NODE_COLUMN_HISTORY:
    case SEYE_NODE_COLUMN_MEMORY:
    case SEYE_NODE_COLUMN_LOAD:
    case SEYE_NODE_COLUMN_DISK:
    case SEYE_NODE_COLUMN_PROCESSES:
    case SEYE_NODE_COLUMN_UPTIME:
    case SEYE_NODE_COLUMN_RX:
    case SEYE_NODE_COLUMN_TX:
      {
        double va = seye_node_column_get_value (a, column);
        double vb = seye_node_column_get_value (b, column);

        result = (va > vb) - (va < vb);
      }
      break;

    case SEYE_NODE_N_COLUMNS:
    default:
      g_return_val_if_reached (0);
    }

  return result != 0 ? result : seye_node_column_compare_names (a, b);
}

/* Narrow: the column fits a 1280-pixel window with every other one. */
static char *
format_memory (const SeyeSample *sample)
{
  g_autofree char *used = seye_format_bytes_of (sample->memory.used, sample->memory.total);
  g_autofree char *percent = seye_format_percent (seye_sample_get_memory_percent (sample));

  /* Translators: memory used/total, then the percent used, e.g. "3.2/16 GB · 20 %" */
  return g_strdup_printf (_("%s · %s"), used, percent);
}

/* "6.4 · 1.6/core"; "6.4" while the node's cores are unknown. */
static char *
format_load (SeyeNode         *node,
             const SeyeSample *sample)
{
  const SeyeNodeInfo *info = seye_node_get_info (node);

  if (info == NULL || info->n_cores == 0)
    return g_strdup_printf ("%.1f", sample->load[0]);

  /* Translators: the load average, then the same per CPU core, e.g. "6.4 · 1.6/core" */
  return g_strdup_printf (_("%.1f · %.1f/core"), sample->load[0], sample->load[0] / info->n_cores);
}

/* "97 % /var": the fullest filesystem's mount point, as the user may see it. */
static char *
format_disk (SeyeNode *node)
{
  double percent = -1.0;
  const SeyeFilesystem *fs = fullest_filesystem (node, &percent);
  g_autofree char *mount = seye_sanitize_display (fs->mount_point);
  g_autofree char *text = seye_format_percent (percent);

  /* Translators: a filesystem's percent used, then where it is mounted, e.g. "97 % /var" */
  return g_strdup_printf (_("%s %s"), text, mount != NULL ? mount : "");
}

/**
 * seye_node_column_format_status:
 * @now_ms: the current Unix time in milliseconds (seye_clock_get_real_ms())
 *
 * The state in words, and beside it, never instead, why the node alerts:
 * "Online", "Online · Memory 96 %", "Online · CPU 97 % · 2 more",
 * "Offline · 4 min", "Left the network · 2 h".
 */
char *
seye_node_column_format_status (SeyeNode *node,
                                gint64    now_ms)
{
  g_autofree char *state = seye_node_describe_state (node, now_ms);
  g_autofree char *reasons = seye_node_describe_alerts (node);

  if (reasons == NULL)
    return g_steal_pointer (&state);

  return g_strdup_printf ("%s · %s", state, reasons);
}

/* The alert rule a column's value is judged by, and that value. */
static SeyeAlertKind
column_rule (SeyeNode       *node,
             SeyeNodeColumn  column,
             double         *value)
{
  SeyeSample *sample = seye_node_get_sample (node);

  switch (column)
    {
    case SEYE_NODE_COLUMN_CPU:
    case SEYE_NODE_COLUMN_HISTORY:
      *value = seye_node_column_get_value (node, SEYE_NODE_COLUMN_CPU);
      return SEYE_ALERT_CPU;
    case SEYE_NODE_COLUMN_MEMORY:
      *value = seye_node_column_get_value (node, column);
      return SEYE_ALERT_MEMORY;
    case SEYE_NODE_COLUMN_DISK:
      *value = seye_node_column_get_value (node, column);
      return SEYE_ALERT_FILESYSTEM;
    case SEYE_NODE_COLUMN_LOAD:
      *value = sample->cores != NULL && sample->cores->len > 0 && (sample->parts & SEYE_SAMPLE_LOAD)
                 ? sample->load[0] / sample->cores->len : -1;
      return SEYE_ALERT_LOAD;
    default:
      *value = -1;
      return 0;
    }
}

/**
 * seye_node_column_get_level:
 *
 * How a cell's value stands against the node's alert rules: an error while its
 * alert is active (a warning once acknowledged) or at the threshold, a warning
 * near it. Normal for columns without a rule, and for a node without current values.
 */
SeyeAlertLevel
seye_node_column_get_level (SeyeNode       *node,
                            SeyeNodeColumn  column)
{
  SeyeAlertKind kind;
  double value;

  if (!seye_node_has_current_values (node))
    return SEYE_ALERT_LEVEL_NORMAL;

  kind = column_rule (node, column, &value);
  if (kind == 0)
    return SEYE_ALERT_LEVEL_NORMAL;

  if (seye_node_get_active_alerts (node) & kind)
    return (seye_node_get_acknowledged_alerts (node) & kind) ? SEYE_ALERT_LEVEL_WARNING
                                                              : SEYE_ALERT_LEVEL_ERROR;

  /* Not (yet) an alert, as CPU that has not lasted: near, at most. */
  return MIN (seye_alert_rules_get_level (seye_node_get_alert_rules (node), kind, value),
              SEYE_ALERT_LEVEL_WARNING);
}

char *
seye_node_column_format (SeyeNode       *node,
                         SeyeNodeColumn  column)
{
  SeyeSample *sample = seye_node_get_sample (node);

  switch (column)
    {
    case SEYE_NODE_COLUMN_STATUS:
      return seye_node_column_format_status (node, seye_clock_get_real_ms ());

    /* What the node announced, as the user may see it. */
    case SEYE_NODE_COLUMN_NAME:
      return seye_sanitize_display (seye_node_get_name (node));

    case SEYE_NODE_COLUMN_ADDRESS:
      return seye_sanitize_display (seye_node_get_address (node));

    /* Checked as they came (seye_tags_from_peer()): a-z, 0-9, "-", "_", ".". */
    case SEYE_NODE_COLUMN_TAGS:
      {
        const char * const *tags = seye_node_get_tags (node);

        return tags != NULL ? g_strjoinv (", ", (GStrv) tags) : g_strdup ("");
      }

    case SEYE_NODE_COLUMN_HISTORY:
      return NULL;

    case SEYE_NODE_COLUMN_CPU:
    case SEYE_NODE_COLUMN_MEMORY:
    case SEYE_NODE_COLUMN_LOAD:
    case SEYE_NODE_COLUMN_DISK:
    case SEYE_NODE_COLUMN_PROCESSES:
    case SEYE_NODE_COLUMN_UPTIME:
    case SEYE_NODE_COLUMN_RX:
    case SEYE_NODE_COLUMN_TX:
      break;

    case SEYE_NODE_N_COLUMNS:
    default:
      g_return_val_if_reached (NULL);
    }

  if (seye_node_column_get_value (node, column) < 0.0)
    return g_strdup ("–");

  switch (column)
    {
    case SEYE_NODE_COLUMN_CPU:
      return seye_format_percent (sample->cpu.busy);
    case SEYE_NODE_COLUMN_MEMORY:
      return format_memory (sample);
    case SEYE_NODE_COLUMN_LOAD:
      return format_load (node, sample);
    case SEYE_NODE_COLUMN_DISK:
      return format_disk (node);
    case SEYE_NODE_COLUMN_PROCESSES:
      return g_strdup_printf ("%u", sample->procs_total);
    case SEYE_NODE_COLUMN_UPTIME:
      return seye_format_duration_short (sample->uptime);
    case SEYE_NODE_COLUMN_RX:
      return seye_format_rate (sample->net_rx_bytes_per_sec);
    case SEYE_NODE_COLUMN_TX:
      return seye_format_rate (sample->net_tx_bytes_per_sec);
    default:
      return NULL;
    }
}

char *
seye_node_column_fold_search (const char *text)
{
  if (text == NULL || text[0] == '\0')
    return NULL;

  return g_utf8_casefold (text, -1);
}

static gboolean
contains_folded (const char *haystack,
                 const char *folded)
{
  g_autofree char *haystack_folded = NULL;

  if (haystack == NULL)
    return FALSE;

  haystack_folded = g_utf8_casefold (haystack, -1);

  return strstr (haystack_folded, folded) != NULL;
}

/* One word of a search: "tag:web" is that tag exactly ("tag:" alone: any
 * tag); another word is part of the name, address, host name, node id or a tag. */
static gboolean
term_matches (SeyeNode           *node,
              const SeyeNodeInfo *info,
              const char         *term)
{
  const char * const *tags = seye_node_get_tags (node);

  if (g_str_has_prefix (term, "tag:"))
    return term[4] != '\0' ? seye_tags_contain (tags, term + 4) : tags != NULL && tags[0] != NULL;

  for (guint i = 0; tags != NULL && tags[i] != NULL; i++)
    if (strstr (tags[i], term) != NULL)
      return TRUE;

  return contains_folded (seye_node_get_name (node), term) ||
         contains_folded (seye_node_get_address (node), term) ||
         contains_folded (seye_node_get_key (node), term) ||
         (info != NULL && contains_folded (info->hostname, term));
}

/**
 * seye_node_column_matches:
 * @folded: (nullable): the search, from seye_node_column_fold_search()
 *
 * Returns: whether every word of @folded matches the node: "tag:web" its tag
 *   "web", any other word a part of its name, address, host name, node id
 *   (its key) or a tag, case ignored; every node matches a NULL or empty search.
 */
gboolean
seye_node_column_matches (SeyeNode   *node,
                          const char *folded)
{
  const SeyeNodeInfo *info = seye_node_get_info (node);
  g_auto (GStrv) terms = NULL;

  if (folded == NULL || folded[0] == '\0')
    return TRUE;

  terms = g_strsplit_set (folded, " \t", -1);
  for (guint i = 0; terms[i] != NULL; i++)
    if (terms[i][0] != '\0' && !term_matches (node, info, terms[i]))
      return FALSE;

  return TRUE;
}
