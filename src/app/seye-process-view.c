/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-process-view"

#include "config.h"

#include <glib/gi18n.h>

#include "seye-error.h"
#include "seye-process-view-private.h"

/* The widget: when it asks the node for its processes, and how the answer goes into
 * the rows. What it says instead of rows, and under them, is in
 * seye-process-view-states.c; the cells and sorters in seye-process-view-columns.c. */

enum {
  PROP_0,
  PROP_NODE,
  PROP_SORT,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (SeyeProcessView, seye_process_view, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

static const char * const sort_names[] = { "cpu", "memory", "io" };

static void update_running (SeyeProcessView *self);

static gboolean
is_minimized (SeyeProcessView *self)
{
  return self->surface != NULL &&
         (gdk_toplevel_get_state (GDK_TOPLEVEL (self->surface)) & GDK_TOPLEVEL_STATE_MINIMIZED) != 0;
}

/* Mapped, and some of it inside the part of the pane's scrolled window that shows. */
static gboolean
is_on_screen (SeyeProcessView *self)
{
  graphene_rect_t bounds;
  int height;

  if (!gtk_widget_get_mapped (GTK_WIDGET (self)) || is_minimized (self))
    return FALSE;

  /* Not laid out yet: it will be in a moment, where it was put to be seen. */
  height = self->outer_scrolled != NULL ? gtk_widget_get_height (self->outer_scrolled) : 0;
  if (height == 0 || gtk_widget_get_height (GTK_WIDGET (self)) == 0 ||
      !gtk_widget_compute_bounds (GTK_WIDGET (self), self->outer_scrolled, &bounds))
    return TRUE;

  return bounds.origin.y < height && bounds.origin.y + bounds.size.height > 0;
}

static gboolean
should_run (SeyeProcessView *self)
{
  return self->node != NULL && self->source != NULL && !self->gave_up && _seye_process_view_node_is_up (self->node) &&
         is_on_screen (self);
}

static guint
current_limit (SeyeProcessView *self)
{
  /* A search looks among as many as the node gives. */
  return self->search != NULL ? SEYE_PROCESS_MAX_LIMIT : SEYE_PROCESS_VIEW_LIMIT;
}

static void
stop (SeyeProcessView *self)
{
  self->running = FALSE;
  g_clear_handle_id (&self->timer_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
}

static void
clear_rows (SeyeProcessView *self)
{
  g_hash_table_remove_all (self->items);
  g_list_store_remove_all (self->store);
  self->received = 0;
  self->total = 0;
  self->not_readable = 0;
  self->last_answer_us = 0;
  g_clear_error (&self->error);
}

/* Removes the items that are not in @seen, a run of neighbours at a time. */
static void
remove_unseen (SeyeProcessView *self,
               GHashTable      *seen)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->store));
  guint run_end = n;   /* the end of a run of items to remove, after i */

  for (guint i = n; i-- > 0;)
    {
      g_autoptr (SeyeProcessItem) item = g_list_model_get_item (G_LIST_MODEL (self->store), i);
      gpointer pid = GUINT_TO_POINTER (seye_process_item_get_pid (item));

      if (!g_hash_table_contains (seen, item))
        {
          /* Unless the pid is another process's now. */
          if (g_hash_table_lookup (self->items, pid) == item)
            g_hash_table_remove (self->items, pid);
          continue;
        }

      if (run_end > i + 1)
        g_list_store_splice (self->store, i + 1, run_end - (i + 1), NULL, 0);
      run_end = i;
    }

  if (run_end > 0)
    g_list_store_splice (self->store, 0, run_end, NULL, 0);
}

/* The answer into the rows: the same process keeps its item (and its row widgets),
 * each cell hears only of a change of its own text; gone ones leave, new ones come
 * in one go, and the order is asked again. */
static void
apply_list (SeyeProcessView *self,
            SeyeProcessList *list)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (NULL, NULL);
  g_autoptr (GPtrArray) added = g_ptr_array_new_with_free_func (g_object_unref);
  gboolean names_changed = FALSE;

  for (guint i = 0; i < list->processes->len; i++)
    {
      const SeyeProcess *process = g_ptr_array_index (list->processes, i);
      gpointer pid = GUINT_TO_POINTER (process->pid);
      SeyeProcessItem *item = g_hash_table_lookup (self->items, pid);

      if (item != NULL && seye_process_item_is_same (item, process) && !g_hash_table_contains (seen, item))
        {
          guint changed = seye_process_item_update (item, process, i);

          names_changed |= (changed & (SEYE_PROCESS_COLUMN_BIT (SEYE_PROCESS_COLUMN_NAME) |
                                       SEYE_PROCESS_COLUMN_BIT (SEYE_PROCESS_COLUMN_USER))) != 0;
        }
      else
        {
          item = seye_process_item_new (process, i);
          g_ptr_array_add (added, item);
          g_hash_table_replace (self->items, pid, item);
        }

      g_hash_table_add (seen, item);
    }

  /* The rows kept are sorted again by their new values before the new ones are put in
   * their places: the sort model inserts into an order it takes as current. */
  remove_unseen (self, seen);
  gtk_sorter_changed (self->rank_sorter, GTK_SORTER_CHANGE_DIFFERENT);
  if (added->len > 0)
    g_list_store_splice (self->store, g_list_model_get_n_items (G_LIST_MODEL (self->store)), 0,
                         added->pdata, added->len);

  if (names_changed && self->search != NULL)
    gtk_filter_changed (self->filter, GTK_FILTER_CHANGE_DIFFERENT);

  self->interval = list->interval;
  self->total = list->total;
  self->not_readable = list->not_readable;
  self->received = list->processes->len;
}

static gboolean
refresh_cb (gpointer data);

static void
fetched_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      data)
{
  g_autoptr (SeyeProcessView) self = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (SeyeProcessList) list = NULL;

  list = seye_source_fetch_processes_finish (SEYE_SOURCE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->cancellable);
  self->last_answer_us = g_get_monotonic_time ();
  g_clear_error (&self->error);
  if (list != NULL)
    apply_list (self, list);
  else
    {
      self->error = g_steal_pointer (&error);
      /* It cannot give them, or will not without a token: asking again changes nothing
       * until the node or its pairing does. */
      self->gave_up = self->error->domain == SEYE_ERROR &&
                      (self->error->code == SEYE_ERROR_NOT_SUPPORTED || self->error->code == SEYE_ERROR_AUTH);
    }

  _seye_process_view_update_page (self);
  _seye_process_view_update_footer (self);

  if (self->running && !self->gave_up)
    {
      self->timer_id = g_timeout_add (SEYE_PROCESS_VIEW_REFRESH_MS, refresh_cb, self);
      g_source_set_name_by_id (self->timer_id, "[seye] refresh the processes");
    }
  else
    self->running = FALSE;
}

static void
fetch (SeyeProcessView *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->n_requests++;
  self->asked_limit = current_limit (self);

  seye_source_fetch_processes (self->source, self->node, self->sort, self->asked_limit, self->cancellable,
                               fetched_cb, g_object_ref (self));
}

static gboolean
refresh_cb (gpointer data)
{
  SeyeProcessView *self = data;

  self->timer_id = 0;
  /* Scrolled away or covered since: nothing is asked. */
  if (!should_run (self))
    stop (self);
  else
    fetch (self);

  return G_SOURCE_REMOVE;
}

/* Asks every 2 s while the rows can be seen, and nothing otherwise. */
static void
update_running (SeyeProcessView *self)
{
  gint64 elapsed_ms;

  if (!should_run (self))
    {
      stop (self);
      return;
    }

  if (self->running)
    return;

  self->running = TRUE;
  elapsed_ms = (g_get_monotonic_time () - self->last_answer_us) / 1000;
  if (self->last_answer_us == 0 || elapsed_ms >= SEYE_PROCESS_VIEW_REFRESH_MS)
    fetch (self);
  else
    {
      self->timer_id = g_timeout_add (SEYE_PROCESS_VIEW_REFRESH_MS - elapsed_ms, refresh_cb, self);
      g_source_set_name_by_id (self->timer_id, "[seye] refresh the processes");
    }
}

/* Asked again at once, for another sort key or a wider search. */
static void
restart (SeyeProcessView *self)
{
  stop (self);
  self->last_answer_us = 0;
  update_running (self);
}

static void
node_state_cb (SeyeProcessView *self)
{
  /* What changed may be what it gave up on (a pairing, an upgraded agent). */
  self->gave_up = FALSE;
  if (!_seye_process_view_node_is_up (self->node))
    clear_rows (self);

  _seye_process_view_update_page (self);
  _seye_process_view_update_footer (self);
  update_running (self);
}

static void
search_changed_cb (SeyeProcessView *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  guint limit = current_limit (self);

  g_clear_pointer (&self->search, g_free);
  if (text != NULL && *text != '\0')
    self->search = g_utf8_casefold (text, -1);

  gtk_filter_changed (self->filter, GTK_FILTER_CHANGE_DIFFERENT);
  _seye_process_view_update_page (self);
  _seye_process_view_update_footer (self);

  if (current_limit (self) != limit && self->running)
    restart (self);
}

static gboolean
filter_func (gpointer item,
             gpointer user_data)
{
  SeyeProcessView *self = user_data;

  return seye_process_item_matches (item, self->search);
}

/* Until the user moves in the rows, they show their top. GtkListView keeps the row it
 * has at the top where it is when rows move, so rows left alone would scroll to
 * wherever the busiest process of a moment ago went. */
static gboolean
keep_top_cb (gpointer data)
{
  SeyeProcessView *self = data;
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->scrolled_window);

  self->keep_top_id = 0;
  if (!self->user_moved)
    gtk_adjustment_set_value (adjustment, gtk_adjustment_get_lower (adjustment));

  return G_SOURCE_REMOVE;
}

static void
rows_scrolled_cb (SeyeProcessView *self,
                  GtkAdjustment   *adjustment)
{
  if (gtk_adjustment_get_value (adjustment) <= gtk_adjustment_get_lower (adjustment))
    self->user_moved = FALSE;
  else if (!self->user_moved && self->keep_top_id == 0)
    {
      self->keep_top_id = g_idle_add (keep_top_cb, self);
      g_source_set_name_by_id (self->keep_top_id, "[seye] keep the processes' top");
    }
}

static gboolean
user_moved_cb (SeyeProcessView *self)
{
  self->user_moved = TRUE;

  return GDK_EVENT_PROPAGATE;
}

/* Once the frame that follows a scroll or a change of the pane's height is laid out:
 * where the view is then tells whether it can be seen. */
static void
after_paint_cb (GdkFrameClock   *clock,
                SeyeProcessView *self)
{
  g_clear_signal_handler (&self->after_paint_id, clock);
  self->paint_clock = NULL;
  update_running (self);
}

static void
queue_check (SeyeProcessView *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  if (clock == NULL)
    {
      update_running (self);
      return;
    }

  if (self->after_paint_id == 0)
    {
      self->paint_clock = clock;
      self->after_paint_id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), self);
    }
  gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_AFTER_PAINT);
}

static void
seye_process_view_map (GtkWidget *widget)
{
  SeyeProcessView *self = SEYE_PROCESS_VIEW (widget);
  GtkNative *native;

  GTK_WIDGET_CLASS (seye_process_view_parent_class)->map (widget);

  /* Whether it is scrolled into view, and whether its window is minimized. */
  self->outer_scrolled = gtk_widget_get_ancestor (gtk_widget_get_parent (widget), GTK_TYPE_SCROLLED_WINDOW);
  if (self->outer_scrolled != NULL)
    {
      g_set_object (&self->outer_adjustment,
                    gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->outer_scrolled)));
      g_signal_connect_object (self->outer_adjustment, "value-changed", G_CALLBACK (queue_check), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (self->outer_adjustment, "changed", G_CALLBACK (queue_check), self,
                               G_CONNECT_SWAPPED);
    }

  native = gtk_widget_get_native (widget);
  self->surface = native != NULL ? gtk_native_get_surface (native) : NULL;
  if (self->surface != NULL && GDK_IS_TOPLEVEL (self->surface))
    g_signal_connect_object (self->surface, "notify::state", G_CALLBACK (update_running), self,
                             G_CONNECT_SWAPPED);
  else
    self->surface = NULL;

  update_running (self);
  queue_check (self);
}

static void
seye_process_view_unmap (GtkWidget *widget)
{
  SeyeProcessView *self = SEYE_PROCESS_VIEW (widget);

  if (self->outer_adjustment != NULL)
    g_signal_handlers_disconnect_by_data (self->outer_adjustment, self);
  g_clear_object (&self->outer_adjustment);
  self->outer_scrolled = NULL;
  if (self->surface != NULL)
    g_signal_handlers_disconnect_by_data (self->surface, self);
  self->surface = NULL;
  if (self->paint_clock != NULL)
    g_clear_signal_handler (&self->after_paint_id, self->paint_clock);
  self->paint_clock = NULL;

  GTK_WIDGET_CLASS (seye_process_view_parent_class)->unmap (widget);

  stop (self);
}

static void
seye_process_view_dispose (GObject *object)
{
  SeyeProcessView *self = SEYE_PROCESS_VIEW (object);

  seye_process_view_set_node (self, NULL, NULL);
  stop (self);
  g_clear_handle_id (&self->keep_top_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), SEYE_TYPE_PROCESS_VIEW);
  _seye_process_view_columns_dispose (self);
  g_clear_pointer (&self->items, g_hash_table_unref);
  g_clear_object (&self->store);
  g_clear_object (&self->filter);
  g_clear_pointer (&self->search, g_free);

  G_OBJECT_CLASS (seye_process_view_parent_class)->dispose (object);
}

static void
seye_process_view_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  SeyeProcessView *self = SEYE_PROCESS_VIEW (object);

  switch (prop_id)
    {
    case PROP_NODE:
      g_value_set_object (value, self->node);
      break;

    case PROP_SORT:
      g_value_set_string (value, seye_process_view_get_sort (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
seye_process_view_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  SeyeProcessView *self = SEYE_PROCESS_VIEW (object);

  switch (prop_id)
    {
    case PROP_SORT:
      seye_process_view_set_sort (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
seye_process_view_class_init (SeyeProcessViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = seye_process_view_dispose;
  object_class->get_property = seye_process_view_get_property;
  object_class->set_property = seye_process_view_set_property;

  widget_class->map = seye_process_view_map;
  widget_class->unmap = seye_process_view_unmap;

  properties[PROP_NODE] =
    g_param_spec_object ("node", NULL, NULL,
                         SEYE_TYPE_NODE,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_SORT] =
    g_param_spec_string ("sort", NULL, NULL,
                         "cpu",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/seye-process-view.ui");
  gtk_widget_class_bind_template_child (widget_class, SeyeProcessView, box);
  gtk_widget_class_bind_template_child (widget_class, SeyeProcessView, controls);
  gtk_widget_class_bind_template_child (widget_class, SeyeProcessView, stack);
  gtk_widget_class_bind_template_child (widget_class, SeyeProcessView, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, SeyeProcessView, column_view);
  gtk_widget_class_bind_template_child (widget_class, SeyeProcessView, selection);
  gtk_widget_class_bind_template_child (widget_class, SeyeProcessView, sort_model);
  gtk_widget_class_bind_template_child (widget_class, SeyeProcessView, filter_model);
  gtk_widget_class_bind_template_child (widget_class, SeyeProcessView, search_entry);
  gtk_widget_class_bind_template_child (widget_class, SeyeProcessView, footer_label);
  gtk_widget_class_bind_template_child (widget_class, SeyeProcessView, spinner);
  gtk_widget_class_bind_template_child (widget_class, SeyeProcessView, message_icon);
  gtk_widget_class_bind_template_child (widget_class, SeyeProcessView, message_title);
  gtk_widget_class_bind_template_child (widget_class, SeyeProcessView, message_body);
  gtk_widget_class_bind_template_child (widget_class, SeyeProcessView, pair_button);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);

  gtk_widget_class_install_property_action (widget_class, "processes.sort", "sort");

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "processview");
}

static void
seye_process_view_init (SeyeProcessView *self)
{
  GtkEventController *controller;
  GtkGesture *click;

  self->sort = SEYE_PROCESS_SORT_CPU;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->store = g_list_store_new (SEYE_TYPE_PROCESS_ITEM);
  self->items = g_hash_table_new (NULL, NULL);
  self->filter = GTK_FILTER (gtk_custom_filter_new (filter_func, self, NULL));
  gtk_filter_list_model_set_filter (self->filter_model, self->filter);
  gtk_filter_list_model_set_model (self->filter_model, G_LIST_MODEL (self->store));
  _seye_process_view_columns_init (self);

  /* The user scrolling, clicking or typing in the rows takes over their position. */
  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (controller, "scroll", G_CALLBACK (user_moved_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->scrolled_window), controller);
  click = gtk_gesture_click_new ();
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (click, "pressed", G_CALLBACK (user_moved_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->scrolled_window), GTK_EVENT_CONTROLLER (click));
  controller = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (controller, "key-pressed", G_CALLBACK (user_moved_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->scrolled_window), controller);
  g_signal_connect_object (gtk_scrolled_window_get_vadjustment (self->scrolled_window), "value-changed",
                           G_CALLBACK (rows_scrolled_cb), self, G_CONNECT_SWAPPED);

  _seye_process_view_update_page (self);
  _seye_process_view_update_footer (self);
}

GtkWidget *
seye_process_view_new (void)
{
  return g_object_new (SEYE_TYPE_PROCESS_VIEW, NULL);
}

/**
 * seye_process_view_set_node:
 * @source: (nullable): where @node comes from (seye_monitor_get_node_source())
 * @node: (nullable): the node whose processes to show
 */
void
seye_process_view_set_node (SeyeProcessView *self,
                            SeyeSource      *source,
                            SeyeNode        *node)
{
  g_return_if_fail (SEYE_IS_PROCESS_VIEW (self));
  g_return_if_fail (source == NULL || SEYE_IS_SOURCE (source));
  g_return_if_fail (node == NULL || SEYE_IS_NODE (node));

  if (self->node == node && self->source == source)
    return;

  stop (self);
  if (self->node != NULL)
    g_signal_handlers_disconnect_by_data (self->node, self);

  g_set_object (&self->source, source);
  g_set_object (&self->node, node);
  clear_rows (self);
  self->gave_up = FALSE;
  self->user_moved = FALSE;

  if (node != NULL)
    {
      g_signal_connect_object (node, "notify::state", G_CALLBACK (node_state_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (node, "notify::paired", G_CALLBACK (node_state_cb), self, G_CONNECT_SWAPPED);
    }

  _seye_process_view_update_page (self);
  _seye_process_view_update_footer (self);
  update_running (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NODE]);
}

SeyeNode *
seye_process_view_get_node (SeyeProcessView *self)
{
  g_return_val_if_fail (SEYE_IS_PROCESS_VIEW (self), NULL);

  return self->node;
}

const char *
seye_process_view_get_sort (SeyeProcessView *self)
{
  g_return_val_if_fail (SEYE_IS_PROCESS_VIEW (self), NULL);

  return sort_names[self->sort];
}

/**
 * seye_process_view_set_sort:
 * @sort: "cpu", "memory" or "io": which processes the node sends, the busiest by that
 *
 * The rows go back to the node's order, and the node is asked again at once.
 */
void
seye_process_view_set_sort (SeyeProcessView *self,
                            const char      *sort)
{
  SeyeProcessSort value;

  g_return_if_fail (SEYE_IS_PROCESS_VIEW (self));

  if (sort == NULL || !seye_process_sort_from_string (sort, &value))
    {
      g_warning ("“%s” is not a process sort: cpu, memory or io", sort);
      return;
    }

  if (self->sort == value)
    return;

  self->sort = value;
  _seye_process_view_unsort (self);
  if (self->running)
    restart (self);
  else
    self->last_answer_us = 0;

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SORT]);
}

guint
_seye_process_view_get_n_requests (SeyeProcessView *self)
{
  return self->n_requests;
}

GListModel *
_seye_process_view_get_rows (SeyeProcessView *self)
{
  return G_LIST_MODEL (self->sort_model);
}

GtkEditable *
_seye_process_view_get_search (SeyeProcessView *self)
{
  return GTK_EDITABLE (self->search_entry);
}

const char *
_seye_process_view_get_footer (SeyeProcessView *self)
{
  return gtk_inscription_get_text (self->footer_label);
}

char *
_seye_process_view_dup_message (SeyeProcessView *self)
{
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "message") != 0)
    return NULL;

  return g_strconcat (gtk_label_get_text (self->message_title), "\n",
                      gtk_label_get_text (self->message_body), NULL);
}
