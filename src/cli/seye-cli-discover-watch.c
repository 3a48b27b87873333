/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `seye discover --watch --output FILE`: the file kept current as agents come
 * and go, written whole and atomically and only when it changes; what a
 * previous run left in it kept for the grace time; never emptied while Avahi is
 * away; stopped cleanly by SIGTERM or SIGINT. */
#define G_LOG_DOMAIN "seye-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <signal.h>
#include <string.h>

#include "seye-cli-discover-private.h"
#include "seye-sanitize.h"

#define TICK_SECONDS 1   /* how often gone targets are aged and the file checked */

typedef struct
{
  SeyeCliGather                     *gather;
  const SeyeCliDiscoverWatchOptions *options;
  SeyeCliDiscoverTargets             targets;
  GMainLoop                         *loop;
  char                              *shown_path;   /* FILE, sanitised for messages */
  char                              *written;      /* what FILE holds, as far as we know */
  char                              *write_error;  /* the last failure, said once */
  guint                              update_id;
  gboolean                           settled;      /* the first discovery is over: FILE may be written */
  gboolean                           wrote;        /* FILE was written by this run */
  gboolean                           available;    /* discovery was on at the last look */
} Watch;

static void
say (const char *format,
     ...) G_GNUC_PRINTF (1, 2);

static void
say (const char *format,
     ...)
{
  g_autofree char *text = NULL;
  va_list ap;

  va_start (ap, format);
  text = g_strdup_vprintf (format, ap);
  va_end (ap);

  g_printerr ("seye discover: %s\n", text);
}

/**
 * _seye_cli_discover_write_file:
 *
 * Writes @contents to @path as a whole: a temporary file in the same
 * directory, flushed to disk, renamed over @path (Prometheus never reads half a
 * file). Readable by all (Prometheus runs as its own user).
 */
gboolean
_seye_cli_discover_write_file (const char  *path,
                               const char  *contents,
                               GError     **error)
{
  return g_file_set_contents_full (path, contents, -1,
                                   G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                   0644, error);
}

/* The file --------------------------------------------------------------------- */

static gboolean
is_blank (const char *text)
{
  for (const char *p = text; *p; p++)
    if (!g_ascii_isspace (*p))
      return FALSE;

  return TRUE;
}

/* What a previous run left in FILE, kept for the grace time. FALSE (and why,
 * said) when FILE holds something else: it is not ours to replace. */
static gboolean
load_previous (Watch *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) previous = NULL;
  g_autofree char *contents = NULL;

  if (!g_file_get_contents (self->options->output, &contents, NULL, &error))
    {
      if (g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      say (_("cannot read %s: %s"), self->shown_path, error->message);
      return FALSE;
    }

  /* An empty file (made for Prometheus to find): nothing to keep. */
  if (is_blank (contents))
    return TRUE;

  previous = seye_prometheus_sd_read (contents, &error);
  if (previous == NULL)
    {
      g_autofree char *why = seye_sanitize_display (error->message);

      say (_("%s holds something else than Prometheus file_sd targets (%s): give another --output, "
             "or remove that file"), self->shown_path, why);
      return FALSE;
    }

  _seye_cli_discover_targets_load (&self->targets, previous, g_get_monotonic_time ());
  self->written = g_steal_pointer (&contents);
  if (previous->len > 0)
    say (g_dngettext (NULL, "%u target of %s kept from before; it leaves after %.0f s unless found again",
                      "%u targets of %s kept from before; each leaves after %.0f s unless found again",
                      previous->len),
         previous->len, self->shown_path, self->options->grace);

  return TRUE;
}

static void
write_if_changed (Watch *self)
{
  g_autoptr (GPtrArray) list = _seye_cli_discover_targets_list (&self->targets);
  g_autofree char *contents = seye_prometheus_sd_write (list);
  g_autoptr (GError) error = NULL;

  if (g_strcmp0 (contents, self->written) == 0)
    return;

  if (!_seye_cli_discover_write_file (self->options->output, contents, &error))
    {
      /* Said once; tried again every tick, and at every change. */
      if (g_strcmp0 (self->write_error, error->message) != 0)
        say (_("cannot write %s: %s; the targets are kept here and it is tried again every second "
               "(check the directory exists and this user may write in it)"),
             self->shown_path, error->message);
      g_free (self->write_error);
      self->write_error = g_strdup (error->message);
      return;
    }

  if (self->write_error != NULL || !self->wrote)
    say (g_dngettext (NULL, "wrote %s: %u target", "wrote %s: %u targets", list->len),
         self->shown_path, list->len);
  g_clear_pointer (&self->write_error, g_free);
  self->wrote = TRUE;
  g_free (self->written);
  self->written = g_steal_pointer (&contents);
}

/* Keeping it current ----------------------------------------------------------- */

/* Whether a gone target may leave: not while discovery is off. */
static gboolean
may_expire (Watch *self)
{
  return self->gather->browser == NULL || seye_browser_get_available (self->gather->browser);
}

static gboolean
hosts_settled (Watch *self)
{
  return seye_cli_gather_settled (self->gather, NULL) || g_get_monotonic_time () >= self->gather->deadline;
}

static void
update (Watch *self)
{
  if (!self->settled)
    {
      if (!hosts_settled (self))
        return;
      self->settled = TRUE;
    }

  _seye_cli_discover_targets_update (&self->targets, self->gather->monitor, g_get_monotonic_time (),
                                     may_expire (self), TRUE);
  write_if_changed (self);
}

/* Once a second: what may have changed without a signal saying so (a gone
 * target's grace time, a --host node's answer, a write to try again). With a
 * thousand agents found and none gone, there is nothing to do. */
static gboolean
tick_cb (gpointer data)
{
  Watch *self = data;

  if (!self->settled || self->write_error != NULL ||
      g_list_model_get_n_items (G_LIST_MODEL (self->gather->monitor)) > 0 ||
      _seye_cli_discover_targets_any_gone (&self->targets))
    update (self);

  return G_SOURCE_CONTINUE;
}

static gboolean
update_cb (gpointer data)
{
  Watch *self = data;

  self->update_id = 0;
  update (self);

  return G_SOURCE_REMOVE;
}

/* A burst of answers is one update. */
static void
queue_update (Watch *self)
{
  if (self->update_id == 0)
    self->update_id = g_idle_add (update_cb, self);
}

static void
service_resolved_cb (Watch           *self,
                     SeyeServiceInfo *info)
{
  _seye_cli_discover_targets_resolved (&self->targets, info);
  queue_update (self);
}

static void
service_removed_cb (Watch      *self,
                    const char *key)
{
  _seye_cli_discover_targets_removed (&self->targets, key);
  queue_update (self);
}

static void
say_unavailable (Watch *self)
{
  const char *status = seye_browser_get_status_message (self->gather->browser);

  say (_("%s; %s keeps its targets until discovery is back (tried again every few seconds)"),
       status != NULL ? status : _("Automatic discovery is off"), self->shown_path);
}

static void
available_cb (Watch *self)
{
  gboolean available = seye_browser_get_available (self->gather->browser);

  if (available == self->available)
    return;

  self->available = available;
  if (available)
    {
      /* What is still gone has the whole grace time from now to be found again. */
      _seye_cli_discover_targets_restart_grace (&self->targets, g_get_monotonic_time ());
      say (_("discovery is back: looking for agents again"));
    }
  else
    {
      say_unavailable (self);
    }
}

static gboolean
quit_cb (gpointer data)
{
  Watch *self = data;

  say (_("stopping; %s stays as it is"), self->shown_path);
  g_main_loop_quit (self->loop);

  return G_SOURCE_CONTINUE;
}

/**
 * _seye_cli_discover_watch:
 *
 * Runs until SIGTERM or SIGINT, keeping options->output current.
 *
 * Returns: the exit status: 0 when stopped by a signal, 2 when the file is not
 *   one to replace
 */
int
_seye_cli_discover_watch (SeyeCliGather                     *gather,
                          const SeyeCliDiscoverWatchOptions *options)
{
  Watch self = { .gather = gather, .options = options };
  guint signal_ids[2];
  guint tick_id;

  self.shown_path = seye_sanitize_display (options->output);
  _seye_cli_discover_targets_init (&self.targets, options->grace, self.shown_path);

  if (!load_previous (&self))
    {
      _seye_cli_discover_targets_clear (&self.targets);
      g_free (self.shown_path);
      return SEYE_EXIT_USAGE;
    }

  if (gather->browser != NULL)
    {
      g_signal_connect_swapped (gather->browser, "service-resolved", G_CALLBACK (service_resolved_cb), &self);
      g_signal_connect_swapped (gather->browser, "service-removed", G_CALLBACK (service_removed_cb), &self);
      g_signal_connect_swapped (gather->browser, "notify::available", G_CALLBACK (available_cb), &self);
      self.available = seye_browser_get_available (gather->browser);
      if (!self.available)
        say_unavailable (&self);
    }

  self.loop = g_main_loop_new (NULL, FALSE);
  signal_ids[0] = g_unix_signal_add (SIGTERM, quit_cb, &self);
  signal_ids[1] = g_unix_signal_add (SIGINT, quit_cb, &self);
  tick_id = g_timeout_add_seconds (TICK_SECONDS, tick_cb, &self);

  g_main_loop_run (self.loop);

  g_source_remove (tick_id);
  g_source_remove (signal_ids[0]);
  g_source_remove (signal_ids[1]);
  g_clear_handle_id (&self.update_id, g_source_remove);
  if (gather->browser != NULL)
    g_signal_handlers_disconnect_by_data (gather->browser, &self);
  g_main_loop_unref (self.loop);
  _seye_cli_discover_targets_clear (&self.targets);
  g_free (self.written);
  g_free (self.write_error);
  g_free (self.shown_path);

  return SEYE_EXIT_OK;
}
