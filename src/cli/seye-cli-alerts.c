/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `seye alerts`: the alert log the app records, as lines or JSON. */
#define G_LOG_DOMAIN "seye-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>

#include "seye-alerts.h"
#include "seye-cli-alerts.h"
#include "seye-cli-common.h"
#include "seye-json.h"
#include "seye-sanitize.h"
#include "seye-store.h"

static char *opt_since;
static char *opt_node;
static char *opt_db;
static gboolean opt_json;

static const GOptionEntry entries[] = {
  { "since", 's', 0, G_OPTION_ARG_STRING, &opt_since,
    N_("Since when: 30m, 24h, 7d ago, or a date such as 2026-11-20 or 2026-11-20T14:30 (default 24h)"),
    N_("TIME") },
  { "node", 'n', 0, G_OPTION_ARG_STRING, &opt_node,
    N_("Only the alerts of this node: its name (any case) or its node id"), N_("NODE") },
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("A JSON array, for scripts (see docs/api.md)"), NULL },
  { "db", 0, 0, G_OPTION_ARG_FILENAME, &opt_db,
    N_("Read this history database (default: the app's, in the user data folder)"), N_("PATH") },
  { NULL }
};

static const char *
event_words (SeyeAlertEventType type)
{
  switch (type)
    {
    case SEYE_ALERT_EVENT_START:
      return _("started");
    case SEYE_ALERT_EVENT_CLEAR:
      return _("cleared");
    case SEYE_ALERT_EVENT_ACKNOWLEDGE:
      return _("acknowledged");
    default:
      g_return_val_if_reached ("?");
    }
}

static GDateTime *
local_date_time (gint64 ms)
{
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (ms / 1000);

  return utc != NULL ? g_date_time_to_local (utc) : NULL;
}

/* "14:03:12" today, "2026-12-04 23:10:00" before. */
static char *
format_when (gint64     ms,
             GDateTime *today)
{
  g_autoptr (GDateTime) when = local_date_time (ms);

  if (when == NULL)
    return g_strdup ("?");

  if (g_date_time_get_year (when) == g_date_time_get_year (today) &&
      g_date_time_get_day_of_year (when) == g_date_time_get_day_of_year (today))
    return g_date_time_format (when, "%H:%M:%S");

  return g_date_time_format (when, "%Y-%m-%d %H:%M:%S");
}

/* What a line says of the node: its name as announced, else its id, sanitised. */
static char *
display_node (const SeyeAlertEvent *event)
{
  return seye_sanitize_display (event->name != NULL && event->name[0] != '\0' ? event->name
                                                                            : event->node_id);
}

/* The reason in words; an old line without one says the rule's title. */
static char *
display_reason (const SeyeAlertEvent *event)
{
  SeyeAlertKind kind;

  if (event->reason != NULL && event->reason[0] != '\0')
    return seye_sanitize_display (event->reason);
  if (seye_alert_kind_from_id (event->rule, &kind))
    return g_strdup (seye_alert_kind_get_title (kind));

  return seye_sanitize_display (event->rule);
}

/* A line an event, oldest last, in columns: time, node, reason, what happened. */
static void
print_text (GPtrArray *events)
{
  g_autoptr (GDateTime) today = g_date_time_new_now_local ();
  g_autoptr (GPtrArray) columns = g_ptr_array_new_with_free_func (g_free);
  glong widths[3] = { 0, 0, 0 };

  for (guint i = 0; i < events->len; i++)
    {
      const SeyeAlertEvent *event = events->pdata[i];
      char *texts[] = { format_when (event->time_ms, today), display_node (event), display_reason (event) };

      for (guint c = 0; c < G_N_ELEMENTS (texts); c++)
        {
          widths[c] = MAX (widths[c], g_utf8_strlen (texts[c], -1));
          g_ptr_array_add (columns, texts[c]);
        }
    }

  for (guint i = 0; i < events->len; i++)
    {
      const SeyeAlertEvent *event = events->pdata[i];
      g_autoptr (GString) line = g_string_new (NULL);

      for (guint c = 0; c < 3; c++)
        {
          seye_cli_append_padded (line, columns->pdata[i * 3 + c], (guint) widths[c], FALSE);
          g_string_append (line, "  ");
        }
      g_string_append (line, event_words (event->event));
      g_print ("%s\n", line->str);
    }
}

static void
json_member (GString    *str,
             const char *name,
             gboolean    first)
{
  g_string_append (str, first ? "\n    " : ",\n    ");
  seye_json_write_string (str, name);
  g_string_append (str, ": ");
}

static void
json_string (GString    *str,
             const char *name,
             const char *value)
{
  json_member (str, name, FALSE);
  if (value != NULL)
    seye_json_write_string (str, value);
  else
    g_string_append (str, "null");
}

/* The exact strings (JSON escapes what a terminal would hide); value null when the
 * rule has none. Layout as `seye fetch --json`: a member a line, two spaces a level. */
static void
print_json (GPtrArray *events)
{
  g_autoptr (GString) str = g_string_new ("[");

  for (guint i = 0; i < events->len; i++)
    {
      const SeyeAlertEvent *event = events->pdata[i];
      g_autoptr (GDateTime) when = g_date_time_new_from_unix_utc (event->time_ms / 1000);
      g_autofree char *seconds = when != NULL ? g_date_time_format (when, "%Y-%m-%dT%H:%M:%S") : NULL;
      g_autofree char *iso = NULL;

      /* As the history export writes it: UTC, with milliseconds. */
      if (seconds != NULL)
        iso = g_strdup_printf ("%s.%03dZ", seconds, (int) (((event->time_ms % 1000) + 1000) % 1000));

      g_string_append (str, i == 0 ? "\n  {" : ",\n  {");
      json_member (str, "time", TRUE);
      seye_json_write_string (str, iso);
      json_member (str, "time_ms", FALSE);
      g_string_append_printf (str, "%" G_GINT64_FORMAT, event->time_ms);
      json_string (str, "node", event->name);
      json_string (str, "node_id", event->node_id);
      json_string (str, "rule", event->rule);
      json_string (str, "event", seye_alert_event_type_to_string (event->event));
      json_member (str, "value", FALSE);
      if (isfinite (event->value))
        seye_json_write_double (str, event->value);
      else
        g_string_append (str, "null");
      json_string (str, "reason", event->reason);
      g_string_append (str, "\n  }");
    }
  g_string_append (str, events->len > 0 ? "\n]\n" : "]\n");

  fwrite (str->str, 1, str->len, stdout);
}

static GOptionContext *
new_option_context (const char *default_path)
{
  const char *summary = _("Prints the alert log the Sorcerer's Eye app records: every alert that started,\n"
                          "cleared or was acknowledged, newest first.");
  GOptionContext *context = seye_cli_option_context_new (_("- print the alert log"), entries, summary);
  g_autofree char *description = NULL;

  description = g_strdup_printf (_("Exit status:\n"
                                   "  0  the log was printed (it may be empty)\n"
                                   "  2  no database, or wrong arguments\n"
                                   "\n"
                                   "Default database: %s\n"
                                   "\n"
                                   "Examples:\n"
                                   "  seye alerts\n"
                                   "  seye alerts --since 7d --node build-server\n"
                                   "  seye alerts --since 30m --json\n"),
                                 default_path);
  g_option_context_set_description (context, description);

  return context;
}

static gboolean
parse_options (int          *argc,
               char       ***argv,
               const char   *default_path,
               gint64       *since_ms)
{
  g_autoptr (GOptionContext) context = new_option_context (default_path);
  g_autoptr (GError) error = NULL;

  if (!seye_cli_parse_options (context, "alerts", _("Try “seye alerts --help”."), argc, argv))
    return FALSE;

  if (*argc != 1)
    {
      g_printerr ("seye alerts: %s\n%s\n", _("no arguments beside the options; give a node with --node"),
                  _("Try “seye alerts --help”."));
      return FALSE;
    }

  if (!seye_cli_parse_time (opt_since ? opt_since : "24h", g_get_real_time () / 1000, since_ms, &error))
    {
      g_printerr ("seye alerts: %s\n", error->message);
      return FALSE;
    }

  return TRUE;
}

int
seye_cli_alerts (int    argc,
                 char **argv)
{
  g_autoptr (SeyeStore) store = NULL;
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *default_path = seye_store_get_default_path ();
  gint64 since_ms;

  if (!parse_options (&argc, &argv, default_path, &since_ms))
    return SEYE_EXIT_USAGE;

  store = seye_store_open_full (opt_db ? opt_db : default_path, SEYE_STORE_OPEN_READ_ONLY, &error);
  if (store != NULL)
    events = seye_store_list_alert_events (store, since_ms, opt_node, 0, &error);
  if (events == NULL)
    {
      g_printerr ("seye alerts: %s\n", error->message);
      return SEYE_EXIT_USAGE;
    }

  if (opt_json)
    print_json (events);
  else if (events->len == 0)
    {
      g_autoptr (GDateTime) today = g_date_time_new_now_local ();
      g_autofree char *since = format_when (since_ms, today);

      g_print (_("No alerts since %s\n"), since);
    }
  else
    print_text (events);
  fflush (stdout);

  return SEYE_EXIT_OK;
}
