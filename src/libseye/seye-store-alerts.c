/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The alert log: every start, clear and acknowledgement, queued and written with the samples. */
#define G_LOG_DOMAIN "seye-store"

#include "config.h"

#include <math.h>

#include "seye-store-private.h"

#define MAX_PENDING_ALERTS 100000   /* alert events kept while the database is busy */

static const char * const event_names[] = {
  [SEYE_ALERT_EVENT_START]       = "start",
  [SEYE_ALERT_EVENT_CLEAR]       = "clear",
  [SEYE_ALERT_EVENT_ACKNOWLEDGE] = "acknowledge",
};

/**
 * seye_alert_event_type_to_string:
 *
 * Returns: "start", "clear" or "acknowledge" (as stored, and in `seye alerts --json`)
 */
const char *
seye_alert_event_type_to_string (SeyeAlertEventType type)
{
  g_return_val_if_fail (type <= SEYE_ALERT_EVENT_ACKNOWLEDGE, NULL);

  return event_names[type];
}

gboolean
seye_alert_event_type_from_string (const char         *string,
                                   SeyeAlertEventType *type)
{
  for (guint i = 0; i < G_N_ELEMENTS (event_names); i++)
    if (g_strcmp0 (string, event_names[i]) == 0)
      {
        *type = i;
        return TRUE;
      }

  return FALSE;
}

G_DEFINE_BOXED_TYPE (SeyeAlertEvent, seye_alert_event, seye_alert_event_copy, seye_alert_event_free)

/**
 * seye_alert_event_new:
 * @node_id: the node's id
 * @name: (nullable): its name, as announced
 * @rule: the rule's id (seye_alert_kind_get_id())
 * @value: the rule's value, NAN when it has none
 * @reason: (nullable): the reason in words
 */
SeyeAlertEvent *
seye_alert_event_new (gint64              time_ms,
                      const char         *node_id,
                      const char         *name,
                      const char         *rule,
                      SeyeAlertEventType  event,
                      double              value,
                      const char         *reason)
{
  SeyeAlertEvent *self;

  g_return_val_if_fail (node_id != NULL, NULL);
  g_return_val_if_fail (rule != NULL, NULL);

  self = g_new0 (SeyeAlertEvent, 1);
  self->time_ms = time_ms;
  self->node_id = g_strdup (node_id);
  self->name = g_strdup (name);
  self->rule = g_strdup (rule);
  self->event = event;
  self->value = value;
  self->reason = g_strdup (reason);

  return self;
}

SeyeAlertEvent *
seye_alert_event_copy (const SeyeAlertEvent *self)
{
  return seye_alert_event_new (self->time_ms, self->node_id, self->name, self->rule, self->event,
                               self->value, self->reason);
}

void
seye_alert_event_free (SeyeAlertEvent *self)
{
  if (self == NULL)
    return;

  g_free (self->node_id);
  g_free (self->name);
  g_free (self->rule);
  g_free (self->reason);
  g_free (self);
}

/**
 * seye_store_add_alert_event:
 * @event: what happened (copied)
 *
 * Queues @event in the alert log; the next seye_store_commit() (or the recorder's)
 * writes it with the samples. While the database is busy it stays queued.
 */
void
seye_store_add_alert_event (SeyeStore            *self,
                            const SeyeAlertEvent *event)
{
  g_return_if_fail (SEYE_IS_STORE (self));
  g_return_if_fail (event != NULL);
  g_return_if_fail (!self->read_only);

  if (self->pending_alerts->len >= MAX_PENDING_ALERTS)
    {
      g_warning ("The history database has been busy for too long; dropping the oldest alert events");
      g_ptr_array_remove_range (self->pending_alerts, 0, MAX_PENDING_ALERTS / 10);
    }

  g_ptr_array_add (self->pending_alerts, seye_alert_event_copy (event));
}

/* Inside the commit's transaction: every queued event; they are dropped from the queue
 * only once the transaction is committed. */
int
_seye_store_write_alert_events (SeyeStore *self)
{
  sqlite3_stmt *stmt = self->insert_alert;
  int rc = SQLITE_OK;

  for (guint i = 0; i < self->pending_alerts->len && rc == SQLITE_OK; i++)
    {
      const SeyeAlertEvent *event = g_ptr_array_index (self->pending_alerts, i);

      sqlite3_bind_int64 (stmt, 1, event->time_ms);
      sqlite3_bind_text (stmt, 2, event->node_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, event->name, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, event->rule, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 5, seye_alert_event_type_to_string (event->event), -1, SQLITE_STATIC);
      if (isfinite (event->value))
        sqlite3_bind_double (stmt, 6, event->value);
      else
        sqlite3_bind_null (stmt, 6);
      sqlite3_bind_text (stmt, 7, event->reason, -1, SQLITE_STATIC);
      rc = _seye_store_step_reset (stmt);
    }

  return rc;
}

static SeyeAlertEvent *
event_from_row (sqlite3_stmt *stmt)
{
  SeyeAlertEventType type = SEYE_ALERT_EVENT_START;
  double value = NAN;

  seye_alert_event_type_from_string ((const char *) sqlite3_column_text (stmt, 4), &type);
  if (sqlite3_column_type (stmt, 5) != SQLITE_NULL)
    value = sqlite3_column_double (stmt, 5);

  return seye_alert_event_new (sqlite3_column_int64 (stmt, 0),
                               (const char *) sqlite3_column_text (stmt, 1),
                               (const char *) sqlite3_column_text (stmt, 2),
                               (const char *) sqlite3_column_text (stmt, 3),
                               type, value,
                               (const char *) sqlite3_column_text (stmt, 6));
}

/**
 * seye_store_list_alert_events:
 * @since_ms: the oldest time to list, Unix ms
 * @node_filter: (nullable): only the events of this node: its id, or its name (any case)
 * @limit: at most this many (the newest); 0 for all
 *
 * Reads the alert log as written (queued events are not listed until committed).
 *
 * Returns: (transfer full) (element-type SeyeAlertEvent): the events, newest first
 */
GPtrArray *
seye_store_list_alert_events (SeyeStore   *self,
                              gint64       since_ms,
                              const char  *node_filter,
                              guint        limit,
                              GError     **error)
{
  g_autoptr (GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) seye_alert_event_free);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (SEYE_IS_STORE (self), NULL);

  /* rowid breaks ties: events of one moment come back in the reverse order they happened. */
  rc = sqlite3_prepare_v2 (self->db,
                           "SELECT time, node_id, name, rule, event, value, reason FROM alerts "
                           "WHERE time >= ?1 AND (?2 IS NULL OR node_id = ?2 OR name = ?2 COLLATE NOCASE) "
                           "ORDER BY time DESC, rowid DESC LIMIT ?3",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, since_ms);
      sqlite3_bind_text (stmt, 2, node_filter, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, limit == 0 ? -1 : (gint64) limit);
    }

  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_ptr_array_add (events, event_from_row (stmt));
      rc = SQLITE_OK;
    }

  if (rc != SQLITE_DONE && rc != SQLITE_OK)
    {
      _seye_store_set_sqlite_error (error, self->db, rc, self->path, USE_READ);
      return NULL;
    }

  return g_steal_pointer (&events);
}
