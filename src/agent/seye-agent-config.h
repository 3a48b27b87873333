/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SEYE_AGENT_MIN_INTERVAL 0.25
#define SEYE_AGENT_MAX_INTERVAL 60.0

typedef struct
{
  guint     port;          /* 0: any free port (tests) */
  GStrv     bind;          /* addresses to listen on; NULL: all */
  double    interval;      /* seconds between samples */
  char     *name;          /* announced name; NULL: the hostname */
  char     *node_id;       /* NULL: derived from /etc/machine-id */
  gboolean  mdns;
  char     *root;          /* where /proc, /sys and /etc are read; "/" normally */
  char     *config_path;   /* the key file that was read, if any */
} SeyeAgentConfig;

SeyeAgentConfig *seye_agent_config_new        (void) G_GNUC_WARN_UNUSED_RESULT;
void             seye_agent_config_free       (SeyeAgentConfig  *self);
gboolean         seye_agent_config_parse_args (SeyeAgentConfig  *self,
                                               int              *argc,
                                               char           ***argv,
                                               gboolean         *show_version,
                                               GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SeyeAgentConfig, seye_agent_config_free)

G_END_DECLS
