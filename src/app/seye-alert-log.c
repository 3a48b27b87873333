/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-alert-log"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "seye-alert-log.h"
#include "seye-sanitize.h"

#define MAX_ROWS          1000   /* the newest; `seye alerts` lists them all */
#define READ_ONLY_RELOAD  5      /* seconds: another program records, no signal tells */

struct _SeyeAlertLog
{
  AdwWindow       parent_instance;

  /* Template widgets */
  GtkSearchEntry *search_entry;
  GtkStack       *stack;
  GtkListBox     *list_box;
  AdwStatusPage  *no_match_page;
  AdwStatusPage  *unavailable_page;

  /* Owned */
  SeyeStore      *store;           /* NULL: no history database */
  GPtrArray      *events;          /* SeyeAlertEvent, newest first, as the rows */
  char           *search;          /* casefolded; "" shows every row */
  guint           reload_id;
};

G_DEFINE_FINAL_TYPE (SeyeAlertLog, seye_alert_log, ADW_TYPE_WINDOW)

static const char *
event_words (SeyeAlertEventType type)
{
  switch (type)
    {
    case SEYE_ALERT_EVENT_START:
      return C_("alert", "Started");
    case SEYE_ALERT_EVENT_CLEAR:
      return C_("alert", "Cleared");
    case SEYE_ALERT_EVENT_ACKNOWLEDGE:
      return C_("alert", "Acknowledged");
    default:
      g_return_val_if_reached ("?");
    }
}

static const char *
event_style (SeyeAlertEventType type)
{
  switch (type)
    {
    case SEYE_ALERT_EVENT_START:
      return "error";
    case SEYE_ALERT_EVENT_CLEAR:
      return "success";
    case SEYE_ALERT_EVENT_ACKNOWLEDGE:
    default:
      return "dim-label";
    }
}

/* "14:03:12" today, "2026-12-04 23:10" before. */
static char *
format_when (gint64     ms,
             GDateTime *today)
{
  g_autoptr (GDateTime) when = g_date_time_new_from_unix_local (ms / 1000);

  if (when == NULL)
    return g_strdup ("?");

  if (g_date_time_get_year (when) == g_date_time_get_year (today) &&
      g_date_time_get_day_of_year (when) == g_date_time_get_day_of_year (today))
    return g_date_time_format (when, "%H:%M:%S");

  return g_date_time_format (when, "%Y-%m-%d %H:%M");
}

/* The node as it announced itself (else its id), safe to show. */
static char *
display_node (const SeyeAlertEvent *event)
{
  return seye_sanitize_display (event->name != NULL && event->name[0] != '\0' ? event->name
                                                                            : event->node_id);
}

static gboolean
event_matches (SeyeAlertLog         *self,
               const SeyeAlertEvent *event)
{
  g_autofree char *name = NULL;
  g_autofree char *folded = NULL;

  if (self->search == NULL || self->search[0] == '\0')
    return TRUE;

  name = display_node (event);
  folded = g_utf8_casefold (name, -1);
  if (strstr (folded, self->search) != NULL)
    return TRUE;

  return g_ascii_strncasecmp (event->node_id, self->search, strlen (self->search)) == 0;
}

static GtkWidget *
suffix_label (const char *text,
              const char *style)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_add_css_class (label, style);
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);

  return label;
}

/* A row: the node and the reason; what happened and when, at the end. */
static GtkWidget *
new_row (const SeyeAlertEvent *event,
         GDateTime            *today)
{
  g_autofree char *node = display_node (event);
  g_autofree char *reason = seye_sanitize_display (event->reason != NULL ? event->reason : event->rule);
  g_autofree char *when = format_when (event->time_ms, today);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *what = suffix_label (event_words (event->event), event_style (event->event));
  GtkWidget *time = suffix_label (when, "numeric");

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), node);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), reason);
  /* Columns that line up from row to row, whichever the words and times. */
  gtk_widget_set_size_request (what, 110, -1);
  gtk_label_set_xalign (GTK_LABEL (what), 0);
  gtk_label_set_width_chars (GTK_LABEL (time), 16);
  gtk_label_set_xalign (GTK_LABEL (time), 1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), what);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), time);
  g_object_set_data (G_OBJECT (row), "seye-event-label", what);
  g_object_set_data (G_OBJECT (row), "seye-time-label", time);

  return row;
}

static gboolean
filter_row_cb (GtkListBoxRow *row,
               gpointer       user_data)
{
  SeyeAlertLog *self = user_data;
  int index = gtk_list_box_row_get_index (row);

  if (index < 0 || (guint) index >= self->events->len)
    return FALSE;

  return event_matches (self, self->events->pdata[index]);
}

/* Which page: the rows, nothing recorded, nothing for this search, or no database. */
static void
update_page (SeyeAlertLog *self)
{
  const char *page = "list";

  if (self->store == NULL)
    page = "unavailable";
  else if (self->events->len == 0)
    page = "empty";
  else if (_seye_alert_log_get_n_shown (self) == 0)
    page = "no-match";

  gtk_stack_set_visible_child_name (self->stack, page);
}

static void
show_unavailable (SeyeAlertLog *self,
                  const char   *why)
{
  adw_status_page_set_description (self->unavailable_page, why);
  gtk_stack_set_visible_child_name (self->stack, "unavailable");
}

/**
 * seye_alert_log_reload:
 *
 * Reads the log again (the newest 1000 events the history keeps) and shows it.
 */
void
seye_alert_log_reload (SeyeAlertLog *self)
{
  g_autoptr (GDateTime) today = g_date_time_new_now_local ();
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (GError) error = NULL;
  GtkWidget *child;
  gint64 since_ms;

  g_return_if_fail (SEYE_IS_ALERT_LOG (self));

  if (self->store == NULL)
    {
      show_unavailable (self, _("The history database is not open, so no alert was recorded."));
      return;
    }

  since_ms = g_get_real_time () / 1000 - seye_store_get_history_retention (self->store) * 1000;
  events = seye_store_list_alert_events (self->store, since_ms, NULL, MAX_ROWS, &error);
  if (events == NULL)
    {
      show_unavailable (self, error->message);
      return;
    }

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box))) != NULL)
    gtk_list_box_remove (self->list_box, child);

  g_clear_pointer (&self->events, g_ptr_array_unref);
  self->events = g_steal_pointer (&events);
  for (guint i = 0; i < self->events->len; i++)
    gtk_list_box_append (self->list_box, new_row (self->events->pdata[i], today));

  update_page (self);
}

static void
search_changed_cb (SeyeAlertLog   *self,
                   GtkSearchEntry *entry)
{
  g_autofree char *description = NULL;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));

  g_free (self->search);
  self->search = g_utf8_casefold (text, -1);
  gtk_list_box_invalidate_filter (self->list_box);

  if (self->store != NULL)
    {
      int days = (int) (seye_store_get_history_retention (self->store) / (24 * 3600));

      /* TRANSLATORS: %s is the search entry's text, typed by the user; %d how many days the history keeps */
      description = g_strdup_printf (ngettext ("No node whose name holds “%s” had an alert in the last %d day.",
                                               "No node whose name holds “%s” had an alert in the last %d days.",
                                               days),
                                     text, days);
    }
  else
    {
      /* TRANSLATORS: the search entry's text, typed by the user */
      description = g_strdup_printf (_("No node whose name holds “%s” had an alert."), text);
    }
  adw_status_page_set_description (self->no_match_page, description);

  if (self->store != NULL)
    update_page (self);
}

static void
events_written_cb (SeyeAlertLog *self,
                   SeyeStore    *store)
{
  seye_alert_log_reload (self);
}

static gboolean
reload_cb (gpointer data)
{
  seye_alert_log_reload (data);

  return G_SOURCE_CONTINUE;
}

static void
seye_alert_log_dispose (GObject *object)
{
  SeyeAlertLog *self = SEYE_ALERT_LOG (object);

  g_clear_handle_id (&self->reload_id, g_source_remove);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (seye_alert_log_parent_class)->dispose (object);
}

static void
seye_alert_log_finalize (GObject *object)
{
  SeyeAlertLog *self = SEYE_ALERT_LOG (object);

  g_clear_pointer (&self->events, g_ptr_array_unref);
  g_free (self->search);

  G_OBJECT_CLASS (seye_alert_log_parent_class)->finalize (object);
}

static void
seye_alert_log_class_init (SeyeAlertLogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = seye_alert_log_dispose;
  object_class->finalize = seye_alert_log_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/sorcerers_eye/SorcerersEye/ui/seye-alert-log.ui");
  gtk_widget_class_bind_template_child (widget_class, SeyeAlertLog, search_entry);
  gtk_widget_class_bind_template_child (widget_class, SeyeAlertLog, stack);
  gtk_widget_class_bind_template_child (widget_class, SeyeAlertLog, list_box);
  gtk_widget_class_bind_template_child (widget_class, SeyeAlertLog, no_match_page);
  gtk_widget_class_bind_template_child (widget_class, SeyeAlertLog, unavailable_page);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
seye_alert_log_init (SeyeAlertLog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->events = g_ptr_array_new_with_free_func ((GDestroyNotify) seye_alert_event_free);
  self->search = g_strdup ("");
  gtk_list_box_set_filter_func (self->list_box, filter_row_cb, self, NULL);
  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self));
}

/**
 * seye_alert_log_new:
 * @parent: (nullable): the window it belongs to
 * @store: (nullable): the application's store; %NULL when there is none
 */
SeyeAlertLog *
seye_alert_log_new (GtkWindow *parent,
                    SeyeStore *store)
{
  SeyeAlertLog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (store == NULL || SEYE_IS_STORE (store), NULL);

  self = g_object_new (SEYE_TYPE_ALERT_LOG, "transient-for", parent, NULL);
  if (parent != NULL)
    gtk_window_set_application (GTK_WINDOW (self), gtk_window_get_application (parent));

  if (store != NULL)
    {
      self->store = g_object_ref (store);
      g_signal_connect_object (store, "alert-events-written", G_CALLBACK (events_written_cb), self,
                               G_CONNECT_SWAPPED);
      if (seye_store_get_read_only (store))
        self->reload_id = g_timeout_add_seconds (READ_ONLY_RELOAD, reload_cb, self);
    }

  seye_alert_log_reload (self);

  return self;
}

/* For tests ---------------------------------------------------------------- */

guint
_seye_alert_log_get_n_shown (SeyeAlertLog *self)
{
  guint n = 0;

  for (guint i = 0; i < self->events->len; i++)
    if (event_matches (self, self->events->pdata[i]))
      n++;

  return n;
}

/* The @index-th row the filter keeps, as shown: "node\treason\tevent\ttime". */
char *
_seye_alert_log_get_row_text (SeyeAlertLog *self,
                              guint         index)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkLabel *what = g_object_get_data (G_OBJECT (child), "seye-event-label");
      GtkLabel *time = g_object_get_data (G_OBJECT (child), "seye-time-label");

      if (!GTK_IS_LIST_BOX_ROW (child) || !filter_row_cb (GTK_LIST_BOX_ROW (child), self))
        continue;
      if (index-- > 0)
        continue;

      return g_strdup_printf ("%s\t%s\t%s\t%s", adw_preferences_row_get_title (ADW_PREFERENCES_ROW (child)),
                              adw_action_row_get_subtitle (ADW_ACTION_ROW (child)),
                              gtk_label_get_text (what), gtk_label_get_text (time));
    }

  return NULL;
}

void
_seye_alert_log_set_search (SeyeAlertLog *self,
                            const char   *text)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text);
  /* The entry says "search-changed" after a delay; a test does not wait for it. */
  search_changed_cb (self, self->search_entry);
}

const char *
_seye_alert_log_get_page (SeyeAlertLog *self)
{
  return gtk_stack_get_visible_child_name (self->stack);
}
