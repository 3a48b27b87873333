/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "seye-actions.h"

#include "seye-agent-config.h"

G_BEGIN_DECLS

/* Named actions: commands the node's owner named in the [actions] group of the
 * key file, run on request by clients holding the token, over HTTPS. */

#define SEYE_AGENT_ACTIONS_GROUP        "actions"
#define SEYE_AGENT_MAX_ACTIONS          32
#define SEYE_AGENT_MAX_ACTION_NAME      SEYE_ACTION_MAX_NAME
#define SEYE_AGENT_MAX_DESCRIPTION      256         /* bytes */
#define SEYE_AGENT_DEFAULT_ACTION_TIMEOUT 30        /* seconds */
#define SEYE_AGENT_MAX_ACTION_TIMEOUT   3600
#define SEYE_AGENT_ACTION_KILL_DELAY    2           /* seconds between SIGTERM and SIGKILL */
#define SEYE_AGENT_MAX_ACTION_OUTPUT    (64 * 1024) /* bytes of output kept */

typedef struct
{
  char  *name;          /* [a-z0-9_-], 1 to 32 bytes */
  GStrv  argv;          /* argv[0] is an absolute path */
  guint  timeout;       /* seconds */
  char  *description;   /* NULL: none */
} SeyeAgentAction;

/* What one run gave. */
typedef struct
{
  char       *action;
  int         exit_status;    /* -1: ended by a signal */
  int         signal;         /* 0: exited */
  gboolean    timed_out;
  gboolean    truncated;
  GByteArray *output;         /* stdout and stderr, merged; at most SEYE_AGENT_MAX_ACTION_OUTPUT */
  gint64      duration_ms;
} SeyeAgentActionResult;

void                   seye_agent_action_free          (SeyeAgentAction        *action);
gboolean               seye_agent_actions_load         (GKeyFile               *key_file,
                                                        const char             *path,
                                                        GPtrArray             **actions,
                                                        GError                **error);
gboolean               seye_agent_actions_check_config (const SeyeAgentConfig  *config,
                                                        GError                **error);
const SeyeAgentAction *seye_agent_actions_lookup       (GPtrArray              *actions,
                                                        const char             *name);

void                   seye_agent_action_run_async     (const SeyeAgentAction  *action,
                                                        GAsyncReadyCallback     callback,
                                                        gpointer                data);
SeyeAgentActionResult *seye_agent_action_run_finish    (GAsyncResult           *result,
                                                        GError                **error)
                                                       G_GNUC_WARN_UNUSED_RESULT;
void                   seye_agent_action_result_free   (SeyeAgentActionResult  *result);
void                   seye_agent_action_result_write  (GString                     *str,
                                                        const SeyeAgentActionResult *result);
char                  *seye_agent_action_result_describe
                                                       (const SeyeAgentActionResult *result)
                                                       G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SeyeAgentAction, seye_agent_action_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SeyeAgentActionResult, seye_agent_action_result_free)

G_END_DECLS
