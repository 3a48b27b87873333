/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * SeyeAction:
 *
 * A command the owner of a node named in its agent's `[actions]` group, as
 * `GET /v1/actions` lists it: its name, the text to show for it, and how long
 * a run may take. The command itself never leaves the node.
 */
typedef struct
{
  char  *name;             /* 1 to 32 of a-z, 0-9, _ and - */
  char  *description;      /* as sent (sanitise before showing); NULL when none */
  guint  timeout;          /* seconds */
} SeyeAction;

/**
 * SeyeActionResult:
 *
 * What `POST /v1/actions/NAME` answered: how the run ended and what it wrote.
 */
typedef struct
{
  char     *action;
  gboolean  exited;        /* it exited: exit_status holds its status */
  int       exit_status;
  int       signal;        /* the signal that ended it, when it did not exit */
  gboolean  timed_out;
  gboolean  truncated;     /* it wrote more than the agent keeps (64 KiB) */
  char     *output;        /* exactly as sent: sanitise before showing */
  gint64    duration_ms;
} SeyeActionResult;

#define SEYE_ACTION_MAX_NAME     32
#define SEYE_ACTION_MAX_ACTIONS  32
#define SEYE_ACTION_MAX_OUTPUT   (64 * 1024)

void              seye_action_free                  (SeyeAction        *action);
void              seye_action_result_free           (SeyeActionResult  *result);
gboolean          seye_action_name_is_valid         (const char        *name);
gboolean          seye_action_result_succeeded      (const SeyeActionResult *result);
char             *seye_action_result_describe       (const SeyeActionResult *result) G_GNUC_WARN_UNUSED_RESULT;

/* Decoding (checked like everything a node sends). */
GPtrArray        *seye_action_list_from_json        (const char        *data,
                                                     gssize             length,
                                                     GError           **error) G_GNUC_WARN_UNUSED_RESULT;
SeyeActionResult *seye_action_result_from_json      (const char        *data,
                                                     gssize             length,
                                                     GError           **error) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SeyeAction, seye_action_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SeyeActionResult, seye_action_result_free)

G_END_DECLS
