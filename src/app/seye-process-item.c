/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-process-item"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "seye-format.h"
#include "seye-process-item.h"
#include "seye-sanitize.h"

struct _SeyeProcessItem
{
  GObject          parent_instance;

  guint32          pid;
  gint64           start_time;
  guint            rank;           /* its place in the node's answer */
  char             state;

  /* As the node sent them: compared, so that only what changed is sanitised again. */
  char            *raw_name;
  char            *raw_user;
  char            *raw_argv;       /* the arguments joined by spaces; NULL when none */

  char            *texts[SEYE_PROCESS_N_COLUMNS];
  char            *argv_text;      /* sanitised */
  char            *search_text;    /* name and user, casefolded */
  char            *name_key;       /* collation keys */
  char            *user_key;

  double           cpu_percent;
  guint64          rss_bytes;
  gboolean         have_io;
  double           read_bytes_per_sec;
  double           write_bytes_per_sec;
  guint            threads;
  SeyeProcessLoad  load;
};

enum {
  CHANGED,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (SeyeProcessItem, seye_process_item, G_TYPE_OBJECT)

static guint signals[N_SIGNALS];

static void
seye_process_item_finalize (GObject *object)
{
  SeyeProcessItem *self = SEYE_PROCESS_ITEM (object);

  g_free (self->raw_name);
  g_free (self->raw_user);
  g_free (self->raw_argv);
  for (guint i = 0; i < SEYE_PROCESS_N_COLUMNS; i++)
    g_free (self->texts[i]);
  g_free (self->argv_text);
  g_free (self->search_text);
  g_free (self->name_key);
  g_free (self->user_key);

  G_OBJECT_CLASS (seye_process_item_parent_class)->finalize (object);
}

static void
seye_process_item_class_init (SeyeProcessItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = seye_process_item_finalize;

  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
seye_process_item_init (SeyeProcessItem *self)
{
}

/* Takes @text; the column's bit when its text is not what it was. */
static guint
set_text (SeyeProcessItem   *self,
          SeyeProcessColumn  column,
          char              *text)
{
  if (g_strcmp0 (self->texts[column], text) == 0)
    {
      g_free (text);
      return 0;
    }

  g_free (self->texts[column]);
  self->texts[column] = text;

  return SEYE_PROCESS_COLUMN_BIT (column);
}

/* "99 %" from 10 % up, "4.5 %" below: a process at a few percent still reads apart from an idle one. */
static char *
format_cpu (double percent)
{
  if (percent < 9.95)
    return g_strdup_printf ("%.1f %%", percent);

  return g_strdup_printf ("%.0f %%", percent);
}

static char *
format_io (gboolean have_io,
           double   bytes_per_sec)
{
  /* Not readable there (another user's process, for an agent that is not root). */
  if (!have_io)
    return g_strdup ("–");

  return seye_format_rate (bytes_per_sec);
}

static SeyeProcessLoad
load_for (double percent)
{
  if (percent >= SEYE_PROCESS_PEGGED_PERCENT)
    return SEYE_PROCESS_LOAD_PEGGED;
  if (percent >= SEYE_PROCESS_BUSY_PERCENT)
    return SEYE_PROCESS_LOAD_BUSY;

  return SEYE_PROCESS_LOAD_NORMAL;
}

static void
update_search_text (SeyeProcessItem *self)
{
  g_autofree char *both = g_strconcat (self->texts[SEYE_PROCESS_COLUMN_NAME], "\n",
                                       self->texts[SEYE_PROCESS_COLUMN_USER], NULL);

  g_free (self->search_text);
  self->search_text = g_utf8_casefold (both, -1);
}

static char *
dup_collate_key (const char *text)
{
  g_autofree char *folded = g_utf8_casefold (text, -1);

  return g_utf8_collate_key (folded, -1);
}

/* Name, user and arguments: sanitised again only when the node sent other ones. */
static guint
update_strings (SeyeProcessItem   *self,
                const SeyeProcess *process)
{
  g_autofree char *argv = process->argv != NULL && process->argv[0] != NULL
                          ? g_strjoinv (" ", process->argv) : NULL;
  guint changed = 0;

  if (g_strcmp0 (self->raw_name, process->name) != 0)
    {
      g_free (self->raw_name);
      self->raw_name = g_strdup (process->name);
      changed |= set_text (self, SEYE_PROCESS_COLUMN_NAME, seye_sanitize_display (process->name));
      g_free (self->name_key);
      self->name_key = dup_collate_key (self->texts[SEYE_PROCESS_COLUMN_NAME]);
    }

  if (g_strcmp0 (self->raw_user, process->user) != 0)
    {
      g_free (self->raw_user);
      self->raw_user = g_strdup (process->user);
      changed |= set_text (self, SEYE_PROCESS_COLUMN_USER, seye_sanitize_display (process->user));
      g_free (self->user_key);
      self->user_key = dup_collate_key (self->texts[SEYE_PROCESS_COLUMN_USER]);
    }

  if (changed != 0)
    update_search_text (self);

  if (g_strcmp0 (self->raw_argv, argv) != 0)
    {
      g_free (self->raw_argv);
      g_free (self->argv_text);
      self->raw_argv = g_steal_pointer (&argv);
      self->argv_text = self->raw_argv != NULL ? seye_sanitize_display (self->raw_argv) : NULL;
    }

  return changed;
}

SeyeProcessItem *
seye_process_item_new (const SeyeProcess *process,
                       guint              rank)
{
  SeyeProcessItem *self;

  g_return_val_if_fail (process != NULL, NULL);

  self = g_object_new (SEYE_TYPE_PROCESS_ITEM, NULL);
  self->pid = process->pid;
  self->start_time = process->start_time;
  self->texts[SEYE_PROCESS_COLUMN_PID] = g_strdup_printf ("%u", process->pid);
  seye_process_item_update (self, process, rank);

  return self;
}

/**
 * seye_process_item_update:
 * @process: the same process (seye_process_item_is_same()), as the node sends it now
 * @rank: its place in the node's answer
 *
 * Returns: the columns whose text changed, as emitted with "changed"
 */
guint
seye_process_item_update (SeyeProcessItem   *self,
                          const SeyeProcess *process,
                          guint              rank)
{
  guint changed;
  SeyeProcessLoad load;

  g_return_val_if_fail (SEYE_IS_PROCESS_ITEM (self), 0);
  g_return_val_if_fail (process != NULL, 0);

  self->rank = rank;
  self->state = process->state;
  self->cpu_percent = process->cpu_percent;
  self->rss_bytes = process->rss_bytes;
  self->have_io = process->have_io;
  self->read_bytes_per_sec = process->read_bytes_per_sec;
  self->write_bytes_per_sec = process->write_bytes_per_sec;
  self->threads = process->threads;

  changed = update_strings (self, process);
  changed |= set_text (self, SEYE_PROCESS_COLUMN_CPU, format_cpu (process->cpu_percent));
  changed |= set_text (self, SEYE_PROCESS_COLUMN_MEMORY, seye_format_bytes (process->rss_bytes));
  changed |= set_text (self, SEYE_PROCESS_COLUMN_READ,
                       format_io (process->have_io, process->read_bytes_per_sec));
  changed |= set_text (self, SEYE_PROCESS_COLUMN_WRITE,
                       format_io (process->have_io, process->write_bytes_per_sec));
  changed |= set_text (self, SEYE_PROCESS_COLUMN_THREADS, g_strdup_printf ("%u", process->threads));

  load = load_for (process->cpu_percent);
  if (load != self->load)
    {
      self->load = load;
      changed |= SEYE_PROCESS_COLUMN_BIT (SEYE_PROCESS_COLUMN_CPU);
    }

  if (changed != 0)
    g_signal_emit (self, signals[CHANGED], 0, changed);

  return changed;
}

/* The same process: a pid reused by a later one is another item. */
gboolean
seye_process_item_is_same (SeyeProcessItem   *self,
                           const SeyeProcess *process)
{
  g_return_val_if_fail (SEYE_IS_PROCESS_ITEM (self), FALSE);

  return self->pid == process->pid && self->start_time == process->start_time;
}

const char *
seye_process_item_get_text (SeyeProcessItem   *self,
                            SeyeProcessColumn  column)
{
  g_return_val_if_fail (SEYE_IS_PROCESS_ITEM (self), NULL);
  g_return_val_if_fail (column < SEYE_PROCESS_N_COLUMNS, NULL);

  return self->texts[column];
}

guint32
seye_process_item_get_pid (SeyeProcessItem *self)
{
  g_return_val_if_fail (SEYE_IS_PROCESS_ITEM (self), 0);

  return self->pid;
}

guint
seye_process_item_get_rank (SeyeProcessItem *self)
{
  g_return_val_if_fail (SEYE_IS_PROCESS_ITEM (self), 0);

  return self->rank;
}

double
seye_process_item_get_cpu_percent (SeyeProcessItem *self)
{
  g_return_val_if_fail (SEYE_IS_PROCESS_ITEM (self), 0);

  return self->cpu_percent;
}

SeyeProcessLoad
seye_process_item_get_load (SeyeProcessItem *self)
{
  g_return_val_if_fail (SEYE_IS_PROCESS_ITEM (self), SEYE_PROCESS_LOAD_NORMAL);

  return self->load;
}

static int
compare_numbers (double a,
                 double b)
{
  return (a > b) - (a < b);
}

/* Ascending by @column; 0 for the same value (the node's order decides then). */
int
seye_process_item_compare (SeyeProcessItem   *a,
                           SeyeProcessItem   *b,
                           SeyeProcessColumn  column)
{
  int result = 0;

  switch (column)
    {
    case SEYE_PROCESS_COLUMN_NAME:
      result = g_strcmp0 (a->name_key, b->name_key);
      break;
    case SEYE_PROCESS_COLUMN_USER:
      result = g_strcmp0 (a->user_key, b->user_key);
      break;
    case SEYE_PROCESS_COLUMN_CPU:
      result = compare_numbers (a->cpu_percent, b->cpu_percent);
      break;
    case SEYE_PROCESS_COLUMN_MEMORY:
      result = compare_numbers (a->rss_bytes, b->rss_bytes);
      break;
    case SEYE_PROCESS_COLUMN_READ:
      /* Not readable sorts under 0. */
      result = compare_numbers (a->have_io ? a->read_bytes_per_sec : -1, b->have_io ? b->read_bytes_per_sec : -1);
      break;
    case SEYE_PROCESS_COLUMN_WRITE:
      result = compare_numbers (a->have_io ? a->write_bytes_per_sec : -1, b->have_io ? b->write_bytes_per_sec : -1);
      break;
    case SEYE_PROCESS_COLUMN_THREADS:
      result = compare_numbers (a->threads, b->threads);
      break;
    case SEYE_PROCESS_COLUMN_PID:
      result = compare_numbers (a->pid, b->pid);
      break;
    case SEYE_PROCESS_N_COLUMNS:
    default:
      break;
    }

  return result;
}

/* @casefolded (g_utf8_casefold()) in the name or the user; everything matches "". */
gboolean
seye_process_item_matches (SeyeProcessItem *self,
                           const char      *casefolded)
{
  g_return_val_if_fail (SEYE_IS_PROCESS_ITEM (self), FALSE);

  return casefolded == NULL || *casefolded == '\0' || strstr (self->search_text, casefolded) != NULL;
}

static const char *
describe_state (char state)
{
  switch (state)
    {
    case 'R': return _("Running");
    case 'S': return _("Sleeping");
    case 'D': return _("Waiting for the disk");
    case 'Z': return _("Zombie: ended, not yet reaped by its parent");
    case 'T': return _("Stopped");
    case 't': return _("Stopped by a debugger");
    case 'I': return _("Idle kernel thread");
    case 'X': return _("Dead");
    default:  return NULL;
    }
}

static void
append_start_time (GString *text,
                   gint64   start_time)
{
  g_autoptr (GDateTime) started = g_date_time_new_from_unix_local (start_time);
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *when = NULL;
  g_autofree char *ago = NULL;

  if (started == NULL)
    return;

  when = g_date_time_get_year (started) == g_date_time_get_year (now) &&
         g_date_time_get_day_of_year (started) == g_date_time_get_day_of_year (now)
         ? g_date_time_format (started, "%X") : g_date_time_format (started, "%x %X");
  ago = seye_format_duration (MAX (g_date_time_to_unix (now) - start_time, 0));
  g_string_append_c (text, '\n');
  /* Translators: when a process started: a time (or date and time), then "5 minutes" */
  g_string_append_printf (text, _("Started %s, %s ago"), when, ago);
}

/* The hover text: the name, the whole command line when the node gives it, the user,
 * what the process does and since when. */
char *
seye_process_item_dup_tooltip (SeyeProcessItem *self)
{
  g_autoptr (GString) text = NULL;
  const char *state;

  g_return_val_if_fail (SEYE_IS_PROCESS_ITEM (self), NULL);

  text = g_string_new (NULL);
  /* Translators: a process's name and its id */
  g_string_append_printf (text, _("%s (PID %u)"), self->texts[SEYE_PROCESS_COLUMN_NAME], self->pid);
  if (self->argv_text != NULL)
    g_string_append_printf (text, "\n%s", self->argv_text);

  state = describe_state (self->state);
  g_string_append_c (text, '\n');
  /* Translators: the user a process runs as */
  g_string_append_printf (text, _("User %s"), self->texts[SEYE_PROCESS_COLUMN_USER]);
  if (state != NULL)
    g_string_append_printf (text, " · %s", state);

  if (self->start_time > 0)
    append_start_time (text, self->start_time);

  return g_string_free (g_steal_pointer (&text), FALSE);
}
