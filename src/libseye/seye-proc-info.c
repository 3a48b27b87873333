/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-proc"

#include "config.h"

#include <string.h>
#include <sys/utsname.h>

#include "seye-error.h"
#include "seye-node-id.h"
#include "seye-proc-private.h"

/*
 * What the node says about itself: its id, names, kernel, CPU model, number
 * of cores and boot time. Read once, when an agent starts.
 */

/* Identity -------------------------------------------------------------------- */

/* The contents of a file, tidied, or NULL when it cannot be read or is blank. */
static char *
read_text (SeyeProcReader *self,
           ProcFile        file)
{
  char *text;

  if (_seye_proc_read_path (self, self->paths[file]) != 0)
    return NULL;

  text = _seye_proc_tidy_text (self->buf, self->len, SEYE_MAX_STRING);
  if (text[0] == '\0')
    g_clear_pointer (&text, g_free);

  return text;
}

static char *
os_release_value (const char *text,
                  gsize       len,
                  const char *key)
{
  SeyeProcCursor cursor = { text, text + len };
  SeyeProcCursor line;
  gsize key_len = strlen (key);

  while (_seye_proc_next_line (&cursor, &line))
    {
      g_autofree char *raw = NULL;
      g_autofree char *value = NULL;

      while (line.pos < line.end && g_ascii_isspace (*line.pos))
        line.pos++;

      if ((gsize) (line.end - line.pos) <= key_len ||
          memcmp (line.pos, key, key_len) != 0 || line.pos[key_len] != '=')
        continue;

      raw = g_strstrip (g_strndup (line.pos + key_len + 1, line.end - line.pos - key_len - 1));
      value = g_shell_unquote (raw, NULL);
      if (value == NULL)
        {
          /* An unbalanced quote: take the text inside it. */
          value = g_strdup (raw + strspn (raw, "\"'"));
          value[strcspn (value, "\"'")] = '\0';
        }

      return _seye_proc_tidy_text (value, strlen (value), SEYE_MAX_STRING);
    }

  return NULL;
}

static char *
read_os_name (SeyeProcReader *self)
{
  char *name = NULL;

  if (_seye_proc_read_path (self, self->paths[ETC_OS_RELEASE]) != 0 &&
      _seye_proc_read_path (self, self->paths[USR_LIB_OS_RELEASE]) != 0)
    return g_strdup ("Linux");

  name = os_release_value (self->buf, self->len, "PRETTY_NAME");
  if (name == NULL || name[0] == '\0')
    {
      g_free (name);
      name = os_release_value (self->buf, self->len, "NAME");
    }
  if (name == NULL || name[0] == '\0')
    {
      g_free (name);
      name = g_strdup ("Linux");
    }

  return name;
}

static char *
read_cpu_model (SeyeProcReader *self)
{
  /* In order of preference: x86 and most others, then ARM, MIPS, older ARM. */
  static const char * const keys[] = {
    "model name", "Hardware", "Model", "cpu model", "Processor",
  };
  char *found[G_N_ELEMENTS (keys)] = { NULL };
  char *model = NULL;
  SeyeProcCursor text;
  SeyeProcCursor line;

  if (_seye_proc_read_path (self, self->paths[PROC_CPUINFO]) != 0)
    return g_strdup ("unknown");

  text.pos = self->buf;
  text.end = self->buf + self->len;

  while (found[0] == NULL && _seye_proc_next_line (&text, &line))
    {
      const char *colon = memchr (line.pos, ':', line.end - line.pos);
      const char *key_end;

      if (colon == NULL)
        continue;

      key_end = colon;
      while (key_end > line.pos && (key_end[-1] == ' ' || key_end[-1] == '\t'))
        key_end--;

      for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
        if (found[i] == NULL && (gsize) (key_end - line.pos) == strlen (keys[i]) &&
            memcmp (line.pos, keys[i], key_end - line.pos) == 0)
          {
            char *value = _seye_proc_tidy_text (colon + 1, line.end - colon - 1, SEYE_MAX_STRING);

            if (value[0] != '\0')
              found[i] = value;
            else
              g_free (value);
          }
    }

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      if (model == NULL)
        model = g_steal_pointer (&found[i]);
      g_free (found[i]);
    }

  return model != NULL ? model : g_strdup ("unknown");
}

/* Counts the cpuN lines of /proc/stat and finds btime; FALSE when unreadable. */
static gboolean
scan_stat (SeyeProcReader *self,
           guint          *n_cores,
           guint64        *btime)
{
  SeyeProcCursor text;
  SeyeProcCursor line;

  if (_seye_proc_read_path (self, self->paths[PROC_STAT]) != 0)
    return FALSE;

  text.pos = self->buf;
  text.end = self->buf + self->len;
  *n_cores = 0;
  *btime = 0;

  while (_seye_proc_next_line (&text, &line))
    {
      SeyeProcToken name;
      guint64 value;

      if (!_seye_proc_next_token (&line, &name))
        continue;

      if (name.len > 3 && memcmp (name.str, "cpu", 3) == 0 && g_ascii_isdigit (name.str[3]))
        (*n_cores)++;
      else if (_seye_proc_token_equal (&name, "btime") &&
               _seye_proc_parse_stat_count (&line, &name, MAX_BOOT_TIME, &value, NULL))
        *btime = value;
    }

  return TRUE;
}

/**
 * seye_proc_reader_read_node_id:
 *
 * Derives the node id from etc/machine-id (see seye_node_id_derive()).
 *
 * Returns: (transfer full): 32 hex digits, or %NULL with @error set
 *   (%SEYE_ERROR_IO) when etc/machine-id is missing or empty, saying what to do.
 */
char *
seye_proc_reader_read_node_id (SeyeProcReader  *self,
                               GError         **error)
{
  g_autofree char *machine_id = NULL;
  char *node_id;
  int err;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  err = _seye_proc_read_path (self, self->paths[ETC_MACHINE_ID]);
  if (err != 0)
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_IO,
                   "cannot read %s: %s; give this node an id with --node-id",
                   self->paths[ETC_MACHINE_ID], g_strerror (err));
      return NULL;
    }

  machine_id = g_strndup (self->buf, self->len);
  node_id = seye_node_id_derive (machine_id);
  if (node_id == NULL)
    g_set_error (error, SEYE_ERROR, SEYE_ERROR_IO,
                 "%s is empty; give this node an id with --node-id",
                 self->paths[ETC_MACHINE_ID]);

  return node_id;
}

/**
 * seye_proc_reader_read_identity:
 *
 * Reads what the node says about itself. Never fails: the node id is %NULL
 * when etc/machine-id is missing or empty (seye_proc_reader_read_node_id()
 * says why); every other field falls back to a placeholder ("Linux",
 * "unknown", an empty hostname for a root other than "/").
 *
 * Returns: (transfer full): the identity with @name, @agent_version unset and
 *   @interval 0.
 */
SeyeNodeInfo *
seye_proc_reader_read_identity (SeyeProcReader *self)
{
  g_autoptr (SeyeNodeInfo) info = NULL;
  struct utsname uts;
  gboolean have_uts;
  guint64 btime = 0;
  guint n_cores = 0;

  g_return_val_if_fail (self != NULL, NULL);

  info = seye_node_info_new ();
  info->node_id = seye_proc_reader_read_node_id (self, NULL);

  have_uts = uname (&uts) == 0;

  info->hostname = read_text (self, PROC_HOSTNAME);
  if (info->hostname == NULL)
    {
      const char *host = self->real_root ? g_get_host_name () : "";

      info->hostname = _seye_proc_tidy_text (host, strlen (host), SEYE_MAX_STRING);
    }

  info->kernel = read_text (self, PROC_OSRELEASE);
  if (info->kernel == NULL)
    info->kernel = g_strdup (self->real_root && have_uts ? uts.release : "unknown");

  info->arch = g_strdup (have_uts ? uts.machine : "unknown");
  info->os_name = read_os_name (self);
  info->cpu_model = read_cpu_model (self);

  if (scan_stat (self, &n_cores, &btime))
    info->n_cores = n_cores;
  else if (self->real_root)
    info->n_cores = g_get_num_processors ();

  if (btime == 0 && _seye_proc_read_path (self, self->paths[PROC_UPTIME]) == 0)
    {
      SeyeProcCursor text = { self->buf, self->buf + self->len };
      double uptime;

      if (_seye_proc_parse_uptime (&text, &uptime))
        btime = MAX (g_get_real_time () / G_USEC_PER_SEC - (gint64) uptime, 0);
    }
  info->boot_time = (gint64) btime;

  return g_steal_pointer (&info);
}
