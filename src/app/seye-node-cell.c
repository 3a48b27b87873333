/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-node-cell"

#include "config.h"

#include <glib/gi18n.h>

#include "seye-alerts.h"
#include "seye-clock.h"
#include "seye-format.h"
#include "seye-node-cell.h"
#include "seye-sanitize.h"
#include "seye-ticker.h"

/* One cell of the node list: a text (and for the status, an icon) that follows one
 * property of its node. It listens only while bound, and sets the text only when it
 * changed. The text is a GtkInscription: its size does not follow its text, so a new
 * value redraws the cell and nothing else (a GtkLabel would lay the whole list out). */
struct _SeyeNodeCell
{
  GtkWidget       parent_instance;

  /* Template widgets */
  GtkWidget      *box;
  GtkImage       *icon;
  GtkWidget      *dot;
  GtkInscription *label;

  /* Owned */
  SeyeNode       *node;
  SeyeNodeColumn  column;
  char           *css_class;
  char           *text;          /* in full; a status may show shorter */
  int             fitted_width;  /* the width the status text was fitted to */
  const char     *level_class;   /* "warning", "error", "acknowledged" or NULL */
  const char     *icon_name;     /* the status icon shown, or NULL for the dot */
  gint64          updated;       /* monotonic µs of the last update */
  gulong          handlers[8];   /* on the node: disconnected by id, not by a search */
  guint           n_handlers;
  gboolean        dirty;
  gboolean        dimmed;
};

/* A status says for how long ("Offline · 4 min"): brought up to date this often. */
#define STATUS_REFRESH_USEC (5 * G_USEC_PER_SEC)

enum {
  PROP_0,
  PROP_COLUMN,
  PROP_NODE,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (SeyeNodeCell, seye_node_cell, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

static const char *
state_css_class (SeyeNode *node)
{
  if (seye_node_get_alerting (node))
    return "alerting";

  switch (seye_node_get_state (node))
    {
    case SEYE_NODE_STATE_ONLINE:       return "online";
    case SEYE_NODE_STATE_STALE:        return "stale";
    case SEYE_NODE_STATE_NOT_RESPONDING: return "stale";
    case SEYE_NODE_STATE_OFFLINE:      return "offline";
    case SEYE_NODE_STATE_LEFT:         return "left";
    case SEYE_NODE_STATE_INCOMPATIBLE: return "incompatible";
    case SEYE_NODE_STATE_NEEDS_PAIRING: return "needs-pairing";
    case SEYE_NODE_STATE_UNTRUSTED:    return "untrusted";
    case SEYE_NODE_STATE_CONNECTING:
    default:                           return "connecting";
    }
}

/* NULL: a dot, drawn by CSS. An icon is a texture recoloured through a colour
 * matrix, which the Cairo renderer of GTK 4.8 does again at every frame for every
 * row: the usual states of a list of many nodes get the cheap dot. */
static const char *
state_icon_name (SeyeNode *node)
{
  if (seye_node_get_alerting (node) || seye_node_get_conflict (node) != NULL)
    return "dialog-warning-symbolic";

  switch (seye_node_get_state (node))
    {
    case SEYE_NODE_STATE_ONLINE:       return NULL;
    case SEYE_NODE_STATE_STALE:        return NULL;
    case SEYE_NODE_STATE_NOT_RESPONDING: return NULL;
    case SEYE_NODE_STATE_OFFLINE:      return "network-offline-symbolic";
    case SEYE_NODE_STATE_LEFT:         return "network-offline-symbolic";
    case SEYE_NODE_STATE_INCOMPATIBLE: return "dialog-error-symbolic";
    case SEYE_NODE_STATE_NEEDS_PAIRING: return "dialog-password-symbolic";
    case SEYE_NODE_STATE_UNTRUSTED:    return "dialog-warning-symbolic";
    case SEYE_NODE_STATE_CONNECTING:
    default:                           return NULL;
    }
}

/* Only what changed: showing or hiding lays the row out again. */
static void
update_indicator (SeyeNodeCell *self)
{
  const char *icon_name = self->node ? state_icon_name (self->node) : NULL;

  gtk_widget_set_visible (self->dot, self->node != NULL && icon_name == NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->icon), icon_name != NULL);
  if (icon_name != NULL && g_strcmp0 (icon_name, self->icon_name) != 0)
    gtk_image_set_from_icon_name (self->icon, icon_name);
  self->icon_name = icon_name;
}

/* The alert a metric column's colour follows. */
static SeyeAlertKind
column_alert_kind (SeyeNodeColumn column)
{
  switch (column)
    {
    case SEYE_NODE_COLUMN_CPU:    return SEYE_ALERT_CPU;
    case SEYE_NODE_COLUMN_MEMORY: return SEYE_ALERT_MEMORY;
    case SEYE_NODE_COLUMN_LOAD:   return SEYE_ALERT_LOAD;
    case SEYE_NODE_COLUMN_DISK:   return SEYE_ALERT_FILESYSTEM;
    default:                      return 0;
    }
}

/* libadwaita's warning and error colours by how near the value is to its alert; an
 * acknowledged alert dimmed rather than red. */
static const char *
level_css_class (SeyeNodeCell *self)
{
  SeyeAlertKind kind = column_alert_kind (self->column);

  if (self->node == NULL || kind == 0 || !seye_node_has_current_values (self->node))
    return NULL;

  if (seye_node_get_acknowledged_alerts (self->node) & seye_node_get_active_alerts (self->node) & kind)
    return "acknowledged";

  switch (seye_node_column_get_level (self->node, self->column))
    {
    case SEYE_ALERT_LEVEL_ERROR:   return "error";
    case SEYE_ALERT_LEVEL_WARNING: return "warning";
    case SEYE_ALERT_LEVEL_NORMAL:
    default:                       return NULL;
    }
}

static void
update_style (SeyeNodeCell *self)
{
  const char *level_class = level_css_class (self);
  /* Last values of a node that sends none now: shown, but dimmed. */
  gboolean dimmed = self->node != NULL && seye_node_column_is_numeric (self->column) &&
                    !seye_node_has_current_values (self->node);

  if (g_strcmp0 (level_class, self->level_class) != 0)
    {
      if (self->level_class != NULL)
        gtk_widget_remove_css_class (GTK_WIDGET (self), self->level_class);
      self->level_class = level_class;
      if (level_class != NULL)
        gtk_widget_add_css_class (GTK_WIDGET (self), level_class);
    }

  if (dimmed != self->dimmed)
    {
      self->dimmed = dimmed;
      if (dimmed)
        gtk_widget_add_css_class (GTK_WIDGET (self), "dim-label");
      else
        gtk_widget_remove_css_class (GTK_WIDGET (self), "dim-label");
    }
}

/* A status is cut between its parts, never in a word: "Online · CPU 97 % · 2 more"
 * shows as "Online · CPU 97 % …" or "Online …" where it does not fit; the tooltip
 * has it all. */
static void
fit_status (SeyeNodeCell *self,
            int           width)
{
  g_autofree char *shown = g_strdup (self->text);
  PangoLayout *layout;
  char *cut;
  int text_width;

  if (shown == NULL || width <= 0 || width == self->fitted_width)
    {
      if (shown == NULL || width <= 0)
        gtk_inscription_set_text (self->label, shown);
      return;
    }

  self->fitted_width = width;
  layout = gtk_widget_create_pango_layout (GTK_WIDGET (self->label), shown);
  pango_layout_get_pixel_size (layout, &text_width, NULL);

  while (text_width > width && (cut = g_strrstr (shown, " · ")) != NULL)
    {
      g_autofree char *shorter = NULL;

      *cut = '\0';
      shorter = g_strconcat (shown, " …", NULL);
      pango_layout_set_text (layout, shorter, -1);
      pango_layout_get_pixel_size (layout, &text_width, NULL);
      if (text_width <= width)
        {
          g_free (shown);
          shown = g_steal_pointer (&shorter);
          break;
        }
    }

  g_object_unref (layout);
  gtk_inscription_set_text (self->label, shown);
}

static void
seye_node_cell_size_allocate (GtkWidget *widget,
                              int        width,
                              int        height,
                              int        baseline)
{
  SeyeNodeCell *self = SEYE_NODE_CELL (widget);

  GTK_WIDGET_CLASS (seye_node_cell_parent_class)->size_allocate (widget, width, height, baseline);

  if (self->column == SEYE_NODE_COLUMN_STATUS)
    fit_status (self, gtk_widget_get_width (GTK_WIDGET (self->label)));
}

static void
seye_node_cell_update (SeyeNodeCell *self)
{
  g_autofree char *text = NULL;

  if (self->node != NULL)
    text = seye_node_column_format (self->node, self->column);

  self->updated = g_get_monotonic_time ();
  if (g_strcmp0 (text, self->text) != 0)
    {
      g_free (self->text);
      self->text = g_steal_pointer (&text);
      self->fitted_width = -1;
      if (self->column == SEYE_NODE_COLUMN_STATUS)
        fit_status (self, gtk_widget_get_width (GTK_WIDGET (self->label)));
      else
        gtk_inscription_set_text (self->label, self->text);
    }

  /* Unbound, the cell keeps its look for the next node: a row scrolled into view
   * changes the indicator and classes only where the new node's differ, and hiding the
   * dot at every unbind would lay the whole list out again at every rebind. */
  if (self->node == NULL)
    return;

  update_style (self);

  if (self->column == SEYE_NODE_COLUMN_STATUS)
    {
      const char *css_class = self->node ? state_css_class (self->node) : NULL;

      if (g_strcmp0 (css_class, self->css_class) != 0)
        {
          if (self->css_class != NULL)
            gtk_widget_remove_css_class (GTK_WIDGET (self), self->css_class);
          g_free (self->css_class);
          self->css_class = g_strdup (css_class);
          if (css_class != NULL)
            gtk_widget_add_css_class (GTK_WIDGET (self), css_class);
        }
      update_indicator (self);
    }
}

static void
changed_cb (SeyeNodeCell *self)
{
  /* Applied at the next tick, with every other row that changed meanwhile. */
  self->dirty = TRUE;
  seye_ticker_request (seye_ticker_get_default ());
}

/* Rows are bound again and again while the list scrolls or sorts: a handler is
 * connected plainly (the cell disconnects it itself, here and in dispose) and
 * disconnected by its id, where a search by function would walk every handler that
 * the node's other cells, its tile and its pane have on it. */
static void
connect_node (SeyeNodeCell *self,
              const char   *detailed_signal)
{
  g_assert (self->n_handlers < G_N_ELEMENTS (self->handlers));

  self->handlers[self->n_handlers++] =
    g_signal_connect_swapped (self->node, detailed_signal, G_CALLBACK (changed_cb), self);
}

static void
tick_cb (SeyeNodeCell *self)
{
  if (self->column == SEYE_NODE_COLUMN_STATUS && self->node != NULL &&
      g_get_monotonic_time () - self->updated > STATUS_REFRESH_USEC)
    self->dirty = TRUE;

  /* Off screen (the fleet map shown instead of the list): it catches up when mapped. */
  if (self->dirty && gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->dirty = FALSE;
      seye_node_cell_update (self);
    }
}

static void
seye_node_cell_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (seye_node_cell_parent_class)->map (widget);

  tick_cb (SEYE_NODE_CELL (widget));
}

/* "Last seen 14:02 (4 minutes ago)". */
static void
append_last_seen (GString  *text,
                  SeyeNode *node)
{
  gint64 last_seen = seye_node_get_last_seen (node);
  g_autoptr (GDateTime) when = NULL;
  g_autofree char *clock = NULL;
  g_autofree char *duration = NULL;
  double ago;

  if (last_seen <= 0 || seye_node_has_current_values (node))
    return;

  when = g_date_time_new_from_unix_local (last_seen / 1000);
  clock = g_date_time_format (when, "%H:%M");
  ago = (seye_clock_get_real_ms () - last_seen) / 1000.0;
  duration = seye_format_duration (MAX (ago, 0.0));

  if (text->len > 0)
    g_string_append_c (text, '\n');
  /* Translators: a clock time, then a duration, e.g. "Last seen 14:02 (4 minutes ago)" */
  g_string_append_printf (text, _("Last seen %s (%s ago)"), clock, duration);
}

static void
append_alerts (GString  *text,
               SeyeNode *node)
{
  guint active = seye_node_get_active_alerts (node);
  guint acknowledged = seye_node_get_acknowledged_alerts (node);

  for (guint kind = 1; kind <= SEYE_ALERT_ALL; kind <<= 1)
    {
      g_autofree char *reason = (active & kind) ? seye_node_describe_alert (node, kind) : NULL;

      if (reason == NULL)
        continue;
      g_string_append_printf (text, "\n%s", reason);
      if (acknowledged & kind)
        g_string_append_printf (text, " (%s)", _("acknowledged"));
    }
}

static gboolean
seye_node_cell_query_tooltip (GtkWidget  *widget,
                              int         x,
                              int         y,
                              gboolean    keyboard,
                              GtkTooltip *tooltip)
{
  SeyeNodeCell *self = SEYE_NODE_CELL (widget);
  g_autoptr (GString) text = NULL;
  g_autofree char *error = NULL;

  if (self->node == NULL)
    return FALSE;

  /* Whatever a narrow column cuts shows in full, in every column. */
  text = g_string_new (seye_node_cell_get_text (self));

  if (self->column == SEYE_NODE_COLUMN_STATUS)
    {
      append_alerts (text, self->node);
      error = seye_sanitize_display (seye_node_get_error (self->node));
      if (error != NULL)
        g_string_append_printf (text, "\n%s", error);
    }

  if (self->column == SEYE_NODE_COLUMN_STATUS || seye_node_column_is_numeric (self->column))
    append_last_seen (text, self->node);

  if (text->len == 0)
    return FALSE;

  gtk_tooltip_set_text (tooltip, text->str);

  return TRUE;
}

static void
seye_node_cell_dispose (GObject *object)
{
  SeyeNodeCell *self = SEYE_NODE_CELL (object);

  seye_node_cell_set_node (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), SEYE_TYPE_NODE_CELL);

  G_OBJECT_CLASS (seye_node_cell_parent_class)->dispose (object);
}

static void
seye_node_cell_finalize (GObject *object)
{
  SeyeNodeCell *self = SEYE_NODE_CELL (object);

  g_clear_pointer (&self->css_class, g_free);
  g_clear_pointer (&self->text, g_free);

  G_OBJECT_CLASS (seye_node_cell_parent_class)->finalize (object);
}

static void
seye_node_cell_constructed (GObject *object)
{
  SeyeNodeCell *self = SEYE_NODE_CELL (object);

  G_OBJECT_CLASS (seye_node_cell_parent_class)->constructed (object);

  gtk_widget_add_css_class (GTK_WIDGET (self), seye_node_column_get_id (self->column));

  if (seye_node_column_is_numeric (self->column))
    {
      gtk_inscription_set_xalign (self->label, 1.0);
      gtk_widget_add_css_class (GTK_WIDGET (self->label), "numeric");
      gtk_widget_set_hexpand (GTK_WIDGET (self->label), TRUE);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->icon), FALSE);
  gtk_widget_set_visible (self->dot, FALSE);
}

static void
seye_node_cell_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  SeyeNodeCell *self = SEYE_NODE_CELL (object);

  switch (prop_id)
    {
    case PROP_COLUMN:
      g_value_set_enum (value, self->column);
      break;

    case PROP_NODE:
      g_value_set_object (value, self->node);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
seye_node_cell_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  SeyeNodeCell *self = SEYE_NODE_CELL (object);

  switch (prop_id)
    {
    case PROP_COLUMN:
      self->column = g_value_get_enum (value);
      break;

    case PROP_NODE:
      seye_node_cell_set_node (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
seye_node_cell_class_init (SeyeNodeCellClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = seye_node_cell_constructed;
  object_class->dispose = seye_node_cell_dispose;
  object_class->finalize = seye_node_cell_finalize;
  object_class->get_property = seye_node_cell_get_property;
  object_class->set_property = seye_node_cell_set_property;

  widget_class->map = seye_node_cell_map;
  widget_class->query_tooltip = seye_node_cell_query_tooltip;
  widget_class->size_allocate = seye_node_cell_size_allocate;

  properties[PROP_COLUMN] =
    g_param_spec_enum ("column", NULL, NULL,
                       SEYE_TYPE_NODE_COLUMN,
                       SEYE_NODE_COLUMN_NAME,
                       (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_NODE] =
    g_param_spec_object ("node", NULL, NULL,
                         SEYE_TYPE_NODE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/seye-node-cell.ui");
  gtk_widget_class_bind_template_child (widget_class, SeyeNodeCell, box);
  gtk_widget_class_bind_template_child (widget_class, SeyeNodeCell, icon);
  gtk_widget_class_bind_template_child (widget_class, SeyeNodeCell, dot);
  gtk_widget_class_bind_template_child (widget_class, SeyeNodeCell, label);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "nodecell");
}

static void
seye_node_cell_init (SeyeNodeCell *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);

  g_signal_connect_object (seye_ticker_get_default (), "tick", G_CALLBACK (tick_cb), self,
                           G_CONNECT_SWAPPED);
}

GtkWidget *
seye_node_cell_new (SeyeNodeColumn column)
{
  return g_object_new (SEYE_TYPE_NODE_CELL,
                       "column", column,
                       NULL);
}

SeyeNodeColumn
seye_node_cell_get_column (SeyeNodeCell *self)
{
  g_return_val_if_fail (SEYE_IS_NODE_CELL (self), 0);

  return self->column;
}

SeyeNode *
seye_node_cell_get_node (SeyeNodeCell *self)
{
  g_return_val_if_fail (SEYE_IS_NODE_CELL (self), NULL);

  return self->node;
}

const char *
seye_node_cell_get_text (SeyeNodeCell *self)
{
  g_return_val_if_fail (SEYE_IS_NODE_CELL (self), NULL);

  return self->text != NULL ? self->text : "";
}

void
seye_node_cell_set_node (SeyeNodeCell *self,
                         SeyeNode     *node)
{
  g_return_if_fail (SEYE_IS_NODE_CELL (self));
  g_return_if_fail (node == NULL || SEYE_IS_NODE (node));

  if (self->node == node)
    return;

  for (guint i = 0; i < self->n_handlers; i++)
    g_signal_handler_disconnect (self->node, self->handlers[i]);
  self->n_handlers = 0;

  g_set_object (&self->node, node);

  if (node != NULL)
    {
      const char *property = seye_node_column_get_property (self->column);

      if (property != NULL)
        {
          g_autofree char *detailed = g_strconcat ("notify::", property, NULL);

          connect_node (self, detailed);
        }
      else
        {
          connect_node (self, "sample-added");
        }

      if (self->column == SEYE_NODE_COLUMN_STATUS)
        {
          connect_node (self, "notify::alerting");
          connect_node (self, "notify::conflict");
          /* "Online · every 3 s": polled in turns. */
          connect_node (self, "notify::polled-every");
        }

      /* Metrics dim when the node goes, and change colour with its alerts. */
      if (seye_node_column_is_numeric (self->column))
        connect_node (self, "notify::state");
      if (self->column == SEYE_NODE_COLUMN_STATUS || column_alert_kind (self->column) != 0)
        {
          connect_node (self, "notify::active-alerts");
          connect_node (self, "notify::acknowledged-alerts");
        }
    }

  self->dirty = FALSE;
  seye_node_cell_update (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NODE]);
}
