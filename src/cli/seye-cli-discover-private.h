/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "seye-browser.h"
#include "seye-cli-common.h"
#include "seye-prometheus-sd.h"

G_BEGIN_DECLS

/*
 * `seye discover` across files, by job:
 *   seye-cli-discover.c          the command: options, the one-shot run, the table
 *   seye-cli-discover-targets.c  the targets: services and --host nodes grouped into
 *                                one target per agent, each kept for the grace time
 *                                once gone, the changes in words
 *   seye-cli-discover-watch.c    --watch: the file kept current, signals, Avahi's comings
 *                                and goings
 */

#define SEYE_CLI_DISCOVER_DEFAULT_GRACE 300.0   /* seconds a gone agent stays in the file */
#define SEYE_CLI_DISCOVER_RESETTLE      10      /* seconds nothing leaves once avahi-daemon is back:
                                                   the agents announce themselves again */

typedef struct
{
  char                 *key;          /* "mdns NODE_ID HOST PORT", "host ADDRESS" or "file ADDRESS" */
  SeyePrometheusTarget *target;
  gint64                gone_since;   /* monotonic µs it was last seen; 0 while it is there */
} SeyeCliDiscoverEntry;

typedef struct
{
  GHashTable *services;     /* browser key → SeyeServiceInfo: what mDNS says now */
  GHashTable *entries;      /* key → SeyeCliDiscoverEntry: what the file holds */
  gint64      grace_us;
  gint64      hold_until;   /* monotonic µs: nothing leaves before (avahi-daemon just came back) */
  const char *place;        /* where the targets go, for the messages: the file, or NULL */
} SeyeCliDiscoverTargets;

void       _seye_cli_discover_targets_init     (SeyeCliDiscoverTargets *self,
                                                double                  grace,
                                                const char             *place);
void       _seye_cli_discover_targets_clear    (SeyeCliDiscoverTargets *self);
void       _seye_cli_discover_targets_resolved (SeyeCliDiscoverTargets *self,
                                                const SeyeServiceInfo  *info);
void       _seye_cli_discover_targets_removed  (SeyeCliDiscoverTargets *self,
                                                const char             *key);
void       _seye_cli_discover_targets_load     (SeyeCliDiscoverTargets *self,
                                                GPtrArray              *targets,
                                                gint64                  now);
void       _seye_cli_discover_targets_restart_grace (SeyeCliDiscoverTargets *self,
                                                     gint64                  now);
/* Brings the entries up to date with mDNS and the --host nodes of @monitor:
 * new ones in, gone ones kept for the grace time (forever while @expire is
 * FALSE: discovery is off), then out. Says each change on standard error
 * when @say. */
void       _seye_cli_discover_targets_update   (SeyeCliDiscoverTargets *self,
                                                SeyeMonitor            *monitor,
                                                gint64                  now,
                                                gboolean                expire,
                                                gboolean                say);
/* Whether a target is gone, waiting for the grace time to end. */
gboolean   _seye_cli_discover_targets_any_gone (SeyeCliDiscoverTargets *self);
/* (element-type SeyePrometheusTarget) (transfer container): borrowed targets. */
GPtrArray *_seye_cli_discover_targets_list     (SeyeCliDiscoverTargets *self) G_GNUC_WARN_UNUSED_RESULT;

typedef struct
{
  char     *output;
  double    grace;
} SeyeCliDiscoverWatchOptions;

int        _seye_cli_discover_watch            (SeyeCliGather                     *gather,
                                                const SeyeCliDiscoverWatchOptions *options);
gboolean   _seye_cli_discover_write_file       (const char                        *path,
                                                const char                        *contents,
                                                GError                           **error);

G_END_DECLS
