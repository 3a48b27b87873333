/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-alerts"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "seye-alerts.h"
#include "seye-format.h"
#include "seye-sanitize.h"

G_DEFINE_BOXED_TYPE (SeyeAlertRules, seye_alert_rules, seye_alert_rules_copy, seye_alert_rules_free)

static const struct
{
  SeyeAlertKind kind;
  const char   *id;
  const char   *title;
} kinds[SEYE_ALERT_N_KINDS] = {
  { SEYE_ALERT_CPU, "cpu", N_("CPU") },
  { SEYE_ALERT_MEMORY, "memory", N_("Memory") },
  { SEYE_ALERT_OFFLINE, "offline", N_("Offline") },
  { SEYE_ALERT_SWAP, "swap", N_("Swap") },
  { SEYE_ALERT_FILESYSTEM, "filesystem", N_("Disk") },
  { SEYE_ALERT_LOAD, "load", N_("Load") },
};

static int
kind_index (SeyeAlertKind kind)
{
  for (int i = 0; i < SEYE_ALERT_N_KINDS; i++)
    if (kinds[i].kind == kind)
      return i;

  return -1;
}

/* Stable id of @kind, used in settings, the alert log and `seye alerts --json`. */
const char *
seye_alert_kind_get_id (SeyeAlertKind kind)
{
  int i = kind_index (kind);

  return i < 0 ? NULL : kinds[i].id;
}

gboolean
seye_alert_kind_from_id (const char    *id,
                         SeyeAlertKind *kind)
{
  for (int i = 0; id != NULL && i < SEYE_ALERT_N_KINDS; i++)
    if (g_ascii_strcasecmp (id, kinds[i].id) == 0)
      {
        if (kind != NULL)
          *kind = kinds[i].kind;
        return TRUE;
      }

  return FALSE;
}

const char *
seye_alert_kind_get_title (SeyeAlertKind kind)
{
  int i = kind_index (kind);

  return i < 0 ? NULL : g_dgettext (GETTEXT_PACKAGE, kinds[i].title);
}

/* Rules -------------------------------------------------------------------- */

void
seye_alert_rules_copy_to (const SeyeAlertRules *self,
                          SeyeAlertRules       *dest)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (dest != NULL);

  if (self == dest)
    return;

  g_strfreev (dest->filesystem_ignore);
  *dest = *self;
  dest->filesystem_ignore = g_strdupv (self->filesystem_ignore);
}

SeyeAlertRules *
seye_alert_rules_copy (const SeyeAlertRules *self)
{
  SeyeAlertRules *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (SeyeAlertRules, 1);
  seye_alert_rules_copy_to (self, copy);

  return copy;
}

void
seye_alert_rules_clear (SeyeAlertRules *self)
{
  g_clear_pointer (&self->filesystem_ignore, g_strfreev);
}

void
seye_alert_rules_free (SeyeAlertRules *self)
{
  if (self == NULL)
    return;

  seye_alert_rules_clear (self);
  g_free (self);
}

/**
 * seye_alert_rules_init_defaults:
 *
 * Fills @self with the defaults the app and the CLI share: CPU busy at least
 * 90 % for 30 s, memory used at least 90 %, swap in use at least 80 %, any
 * filesystem at least 90 % full, load at least 2 per core for 5 minutes, and
 * an alert when a node goes offline. A percent threshold above 100 turns its
 * rule off. @self must not hold rules yet (or be cleared first).
 */
void
seye_alert_rules_init_defaults (SeyeAlertRules *self)
{
  g_return_if_fail (self != NULL);

  memset (self, 0, sizeof *self);
  self->cpu_threshold = SEYE_ALERT_DEFAULT_CPU_THRESHOLD;
  self->cpu_hold = SEYE_ALERT_DEFAULT_CPU_HOLD;
  self->memory_threshold = SEYE_ALERT_DEFAULT_MEMORY_THRESHOLD;
  self->offline = TRUE;
  self->swap_threshold = SEYE_ALERT_DEFAULT_SWAP_THRESHOLD;
  self->filesystem_threshold = SEYE_ALERT_DEFAULT_FILESYSTEM_THRESHOLD;
  self->load_threshold = SEYE_ALERT_DEFAULT_LOAD_THRESHOLD;
  self->load_hold = SEYE_ALERT_DEFAULT_LOAD_HOLD;
}

gboolean
seye_alert_rules_equal (const SeyeAlertRules *a,
                        const SeyeAlertRules *b)
{
  const char * const empty[] = { NULL };

  return a->cpu_threshold == b->cpu_threshold && a->cpu_hold == b->cpu_hold &&
         a->memory_threshold == b->memory_threshold && !a->offline == !b->offline &&
         a->swap_threshold == b->swap_threshold &&
         a->filesystem_threshold == b->filesystem_threshold &&
         a->load_threshold == b->load_threshold && a->load_hold == b->load_hold &&
         g_strv_equal (a->filesystem_ignore ? (const char * const *) a->filesystem_ignore : empty,
                       b->filesystem_ignore ? (const char * const *) b->filesystem_ignore : empty);
}

/* The threshold of @kind: a percent, or load per core; 1 or 0 for the offline rule. */
double
seye_alert_rules_get_threshold (const SeyeAlertRules *self,
                                SeyeAlertKind         kind)
{
  switch (kind)
    {
    case SEYE_ALERT_CPU:        return self->cpu_threshold;
    case SEYE_ALERT_MEMORY:     return self->memory_threshold;
    case SEYE_ALERT_SWAP:       return self->swap_threshold;
    case SEYE_ALERT_FILESYSTEM: return self->filesystem_threshold;
    case SEYE_ALERT_LOAD:       return self->load_threshold;
    case SEYE_ALERT_OFFLINE:    return self->offline ? 1 : 0;
    default:                    return SEYE_ALERT_RULE_OFF;
    }
}

/* A negative @threshold turns the rule off. */
void
seye_alert_rules_set_threshold (SeyeAlertRules *self,
                                SeyeAlertKind   kind,
                                double          threshold)
{
  if (!(threshold >= 0) || isinf (threshold))
    threshold = SEYE_ALERT_RULE_OFF;

  switch (kind)
    {
    case SEYE_ALERT_CPU:        self->cpu_threshold = threshold; break;
    case SEYE_ALERT_MEMORY:     self->memory_threshold = threshold; break;
    case SEYE_ALERT_SWAP:       self->swap_threshold = threshold; break;
    case SEYE_ALERT_FILESYSTEM: self->filesystem_threshold = threshold; break;
    case SEYE_ALERT_LOAD:       self->load_threshold = threshold; break;
    case SEYE_ALERT_OFFLINE:    self->offline = threshold != SEYE_ALERT_RULE_OFF && threshold > 0; break;
    default: break;
    }
}

gboolean
seye_alert_rules_is_on (const SeyeAlertRules *self,
                        SeyeAlertKind         kind)
{
  double threshold = seye_alert_rules_get_threshold (self, kind);

  if (kind == SEYE_ALERT_OFFLINE)
    return self->offline;
  if (kind == SEYE_ALERT_LOAD)
    return threshold > 0 && threshold < 1000;

  return threshold <= 100;
}

/**
 * seye_alert_rules_apply_overrides:
 * @overrides: (nullable): a{sd}, rule id to threshold; a negative threshold turns
 *   the rule off. Unknown ids and values of other types are ignored.
 *
 * Applies one node's overrides (GSettings "node-alert-overrides") to @self.
 */
void
seye_alert_rules_apply_overrides (SeyeAlertRules *self,
                                  GVariant       *overrides)
{
  GVariantIter iter;
  const char *id;
  double threshold;

  if (overrides == NULL || !g_variant_is_of_type (overrides, G_VARIANT_TYPE ("a{sd}")))
    return;

  g_variant_iter_init (&iter, overrides);
  while (g_variant_iter_next (&iter, "{&sd}", &id, &threshold))
    {
      SeyeAlertKind kind;

      if (seye_alert_kind_from_id (id, &kind))
        seye_alert_rules_set_threshold (self, kind, threshold);
    }
}

/* Whether the filesystem rule looks at @fs: not a pseudo or read-only image
 * filesystem, not empty, not one the user told to ignore. */
gboolean
seye_alert_rules_watches_filesystem (const SeyeAlertRules *self,
                                     const SeyeFilesystem *fs)
{
  static const char * const never[] = {
    "tmpfs", "devtmpfs", "ramfs", "squashfs", "iso9660", "udf", "erofs", "cramfs", "overlay",
    "proc", "sysfs", "devpts", "cgroup", "cgroup2", "debugfs", "tracefs", "securityfs", "pstore",
    "bpf", "configfs", "fusectl", "mqueue", "hugetlbfs", "autofs", "binfmt_misc", "rpc_pipefs",
    "nsfs", "efivarfs",
  };

  if (fs->size_bytes == 0 || fs->mount_point == NULL)
    return FALSE;

  for (guint i = 0; fs->fs_type != NULL && i < G_N_ELEMENTS (never); i++)
    if (strcmp (fs->fs_type, never[i]) == 0)
      return FALSE;

  for (guint i = 0; self != NULL && self->filesystem_ignore != NULL && self->filesystem_ignore[i]; i++)
    if (g_pattern_match_simple (self->filesystem_ignore[i], fs->mount_point))
      return FALSE;

  return TRUE;
}

double
seye_alert_filesystem_percent (const SeyeFilesystem *fs)
{
  guint64 usable = fs->used_bytes + fs->avail_bytes;

  /* As df does: of what users can fill, the root reserve left out. */
  if (usable == 0)
    return fs->size_bytes > 0 ? 100.0 * fs->used_bytes / fs->size_bytes : -1;

  return MIN (100.0, 100.0 * fs->used_bytes / usable);
}

const SeyeFilesystem *
seye_alert_fullest_filesystem (const SeyeSample     *sample,
                               const SeyeAlertRules *rules)
{
  const SeyeFilesystem *fullest = NULL;
  double best = -1;

  if (sample == NULL || sample->filesystems == NULL)
    return NULL;

  for (guint i = 0; i < sample->filesystems->len; i++)
    {
      const SeyeFilesystem *fs = &g_array_index (sample->filesystems, SeyeFilesystem, i);
      double percent;

      if (!seye_alert_rules_watches_filesystem (rules, fs))
        continue;

      percent = seye_alert_filesystem_percent (fs);
      if (percent > best)
        {
          best = percent;
          fullest = fs;
        }
    }

  return fullest;
}

/**
 * seye_alert_rules_get_level:
 *
 * How @value stands against the rule of @kind: an error at or over the
 * threshold, a warning within %SEYE_ALERT_WARNING_MARGIN points of it (a
 * quarter of it for load), normal otherwise or when the rule is off.
 */
SeyeAlertLevel
seye_alert_rules_get_level (const SeyeAlertRules *self,
                            SeyeAlertKind         kind,
                            double                value)
{
  double threshold, margin;

  if (self == NULL || !(value >= 0) || !seye_alert_rules_is_on (self, kind) || kind == SEYE_ALERT_OFFLINE)
    return SEYE_ALERT_LEVEL_NORMAL;

  threshold = seye_alert_rules_get_threshold (self, kind);
  margin = kind == SEYE_ALERT_LOAD ? threshold / 4 : SEYE_ALERT_WARNING_MARGIN;

  if (value >= threshold)
    return SEYE_ALERT_LEVEL_ERROR;
  if (value >= threshold - margin)
    return SEYE_ALERT_LEVEL_WARNING;

  return SEYE_ALERT_LEVEL_NORMAL;
}
