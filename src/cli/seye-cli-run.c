/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `seye run NODE [ACTION]`: a named action of a paired node, or the list of them. */
#define G_LOG_DOMAIN "seye-cli"

#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "seye-cli-common.h"
#include "seye-cli-run.h"
#include "seye-error.h"
#include "seye-sanitize.h"

#define EXIT_FAILED   1   /* it ran, and failed or ran out of time */
#define EXIT_NOT_RUN  2   /* it could not run */

static gboolean opt_yes;

static const GOptionEntry entries[] = {
  { "yes", 'y', 0, G_OPTION_ARG_NONE, &opt_yes,
    N_("Run it without asking (needed when standard input is not a terminal)"), NULL },
  { NULL }
};

static SeyeCliGatherOptions node_options;

/* Waiting for one answer --------------------------------------------------- */

typedef struct
{
  GAsyncResult *result;
  GCancellable *cancellable;
  gboolean      interrupted;
} Wait;

static void
wait_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      data)
{
  Wait *wait = data;

  wait->result = g_object_ref (result);
}

static gboolean
interrupt_cb (gpointer data)
{
  Wait *wait = data;

  wait->interrupted = TRUE;
  g_cancellable_cancel (wait->cancellable);

  return G_SOURCE_CONTINUE;
}

/* Runs the main context until the answer is in; Ctrl+C gives up waiting. */
static void
wait_for_answer (Wait *wait)
{
  guint sigint = g_unix_signal_add (SIGINT, interrupt_cb, wait);
  guint sigterm = g_unix_signal_add (SIGTERM, interrupt_cb, wait);

  while (wait->result == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (sigint);
  g_source_remove (sigterm);
}

static void
wait_clear (Wait *wait)
{
  g_clear_object (&wait->result);
  g_clear_object (&wait->cancellable);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Wait, wait_clear)

/* Words -------------------------------------------------------------------- */

/* "  hello   Says hello (at most 30 s)" for each action. */
static void
print_actions (GPtrArray *actions,
               FILE      *out)
{
  int width = 0;

  for (guint i = 0; i < actions->len; i++)
    width = MAX (width, (int) strlen (((SeyeAction *) actions->pdata[i])->name));

  for (guint i = 0; i < actions->len; i++)
    {
      const SeyeAction *action = actions->pdata[i];
      g_autofree char *description = seye_sanitize_display (action->description);
      /* TRANSLATORS: how long an action may run, "(at most 30 s)" */
      g_autofree char *timeout = g_strdup_printf (_("(at most %u s)"), action->timeout);

      /* Names are checked: a-z, 0-9, _ and - only. */
      fprintf (out, "  %-*s  %s%s%s\n", width, action->name, description ? description : "",
               description ? " " : "", timeout);
    }
}

/* What the action wrote, line by line: tabs as spaces, anything else that is not
 * text made visible, never obeyed. */
static void
print_output (const char *output)
{
  g_auto (GStrv) lines = g_strsplit (output, "\n", -1);
  guint n = g_strv_length (lines);

  /* A last newline ends the last line; it does not start another. */
  if (n > 0 && lines[n - 1][0] == '\0')
    n--;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GString) line = g_string_new (NULL);
      g_autofree char *clean = NULL;
      gsize length = strlen (lines[i]);

      if (length > 0 && lines[i][length - 1] == '\r')
        lines[i][length - 1] = '\0';

      for (const char *p = lines[i]; *p != '\0'; p++)
        {
          if (*p == '\t')
            do
              g_string_append_c (line, ' ');
            while (line->len % 8 != 0);
          else
            g_string_append_c (line, *p);
        }

      clean = seye_sanitize_display (line->str);
      g_print ("%s\n", clean);
    }
}

/* Steps -------------------------------------------------------------------- */

/* The node's actions, or NULL (and why, said). */
static GPtrArray *
list_actions (SeyeCliGather *gather,
              SeyeNode      *node)
{
  g_auto (Wait) wait = { NULL, g_cancellable_new (), FALSE };
  g_autoptr (GError) error = NULL;
  SeyeSource *source = seye_monitor_get_node_source (gather->monitor, node);
  GPtrArray *actions;

  seye_source_list_actions (source, node, wait.cancellable, wait_cb, &wait);
  wait_for_answer (&wait);
  actions = seye_source_list_actions_finish (source, wait.result, &error);
  if (actions == NULL && !wait.interrupted)
    {
      g_autofree char *message = seye_cli_describe_ask_error (node, error);

      g_printerr ("seye run: %s\n", message);
    }

  return actions;
}

static const SeyeAction *
find_action (GPtrArray  *actions,
             const char *name)
{
  for (guint i = 0; i < actions->len; i++)
    if (g_str_equal (((SeyeAction *) actions->pdata[i])->name, name))
      return actions->pdata[i];

  return NULL;
}

/* Whether the user wants it run: --yes, or "y" on the terminal. */
static gboolean
confirm (const char *action,
         const char *name)
{
  char answer[16] = "";

  if (opt_yes)
    return TRUE;

  if (!isatty (STDIN_FILENO))
    {
      g_printerr (_("seye run: standard input is not a terminal to ask on: give --yes to run “%s” on %s\n"),
                  action, name);
      return FALSE;
    }

  g_printerr (_("Run “%s” on %s? [y/N] "), action, name);
  if (fgets (answer, sizeof answer, stdin) == NULL ||
      (g_ascii_strcasecmp (g_strstrip (answer), "y") != 0 && g_ascii_strcasecmp (answer, "yes") != 0))
    {
      g_printerr ("%s\n", _("Not run."));
      return FALSE;
    }

  return TRUE;
}

/* Runs @action on @node and prints what it wrote and how it ended. */
static int
run_action (SeyeCliGather *gather,
            SeyeNode      *node,
            const char    *action)
{
  g_auto (Wait) wait = { NULL, g_cancellable_new (), FALSE };
  g_autoptr (GError) error = NULL;
  g_autoptr (SeyeActionResult) result = NULL;
  g_autofree char *how = NULL;
  SeyeSource *source = seye_monitor_get_node_source (gather->monitor, node);

  seye_source_run_action (source, node, action, wait.cancellable, wait_cb, &wait);
  wait_for_answer (&wait);
  result = seye_source_run_action_finish (source, wait.result, &error);

  if (result == NULL && wait.interrupted)
    {
      g_autofree char *name = seye_sanitize_display (seye_node_get_name (node));

      g_printerr (_("seye run: stopped waiting; “%s” may still run on %s until it ends\n"), action, name);
      return 130;
    }

  if (result == NULL)
    {
      g_autofree char *message = seye_cli_describe_ask_error (node, error);

      g_printerr ("seye run: %s\n", message);
      return EXIT_NOT_RUN;
    }

  if (result->output != NULL)
    print_output (result->output);

  how = seye_action_result_describe (result);
  g_print ("%s\n", how);

  return seye_action_result_succeeded (result) ? SEYE_EXIT_OK : EXIT_FAILED;
}

/* Command ------------------------------------------------------------------ */

/* The options, checked: FALSE (and the reason printed) when they are wrong. */
static gboolean
parse_options (int    *argc,
               char ***argv)
{
  const char *summary = _("Runs an action the owner of NODE named in its agent’s [actions] group,\n"
                          "prints what it wrote and how it ended. Without ACTION, lists them. NODE\n"
                          "is a node's name, its node id (or its beginning), or https://HOST:PORT.\n"
                          "Actions run only over HTTPS with the node's token: give --pin and\n"
                          "--token-file (“sorcerers-eye-agent --pairing-info” on the node prints them).");
  g_autoptr (GOptionContext) context = NULL;
  g_autofree GOptionEntry *node_entries = seye_cli_node_option_entries (&node_options);

  context = seye_cli_option_context_new (_("NODE [ACTION] - run a named action on a node"), entries, summary);
  g_option_context_add_main_entries (context, node_entries, GETTEXT_PACKAGE);
  g_option_context_set_description (context, _("Exit status:\n"
                                               "  0  the action succeeded (or the actions were listed)\n"
                                               "  1  it ran and failed, or ran past its timeout\n"
                                               "  2  it could not run: no such node or action, not paired,\n"
                                               "     already running, not confirmed, or wrong arguments\n"
                                               "\n"
                                               "Examples:\n"
                                               "  seye run build-server --pin SHA256:AB:… --token-file token\n"
                                               "  seye run build-server restart-ci --pin SHA256:AB:… --token-file token\n"
                                               "  seye run https://192.168.1.20:7373 df --yes --pin SHA256:AB:… --token-file token\n"));

  if (!seye_cli_parse_options (context, "run", _("Try “seye run --help”."), argc, argv))
    return FALSE;

  if (*argc < 2 || *argc > 3)
    {
      g_printerr ("seye run: %s\n%s\n",
                  *argc < 2 ? _("which node? Give its name, node id or address") : _("give one action only"),
                  _("Try “seye run --help”."));
      return FALSE;
    }

  if (*argc == 3 && !seye_action_name_is_valid ((*argv)[2]))
    {
      g_autofree char *clean = seye_sanitize_display ((*argv)[2]);

      g_printerr (_("seye run: “%s” is not an action’s name: 1 to 32 of a-z, 0-9, _ and -\n"), clean);
      return FALSE;
    }

  return seye_cli_node_options_check (&node_options, "run", (*argv)[1]);
}

/* With the node found: its actions, or the one asked for. */
static int
run_on (SeyeCliGather *gather,
        SeyeNode      *node,
        const char    *action)
{
  g_autofree char *name = seye_sanitize_display (seye_node_get_name (node));
  g_autoptr (GPtrArray) actions = NULL;

  if (seye_node_get_sample (node) == NULL)
    {
      g_autofree char *problem = seye_sanitize_display (seye_cli_node_problem (node, FALSE));

      g_printerr ("seye run: %s: %s\n", name, problem);
      return EXIT_NOT_RUN;
    }

  /* Forgotten while it was waited for (it left the network). */
  if (seye_monitor_get_node_source (gather->monitor, node) == NULL)
    {
      g_printerr (_("seye run: %s is gone\n"), name);
      return EXIT_NOT_RUN;
    }

  actions = list_actions (gather, node);
  if (actions == NULL)
    return EXIT_NOT_RUN;

  if (actions->len == 0)
    {
      g_printerr (_("seye run: %s names no actions: its owner names them in an [actions] group of its "
                    "agent’s configuration\n"), name);
      return action != NULL ? EXIT_NOT_RUN : SEYE_EXIT_OK;
    }

  if (action == NULL)
    {
      g_print (_("Actions of %s:\n"), name);
      print_actions (actions, stdout);
      return SEYE_EXIT_OK;
    }

  if (find_action (actions, action) == NULL)
    {
      g_printerr (_("seye run: %s has no action “%s”; it has:\n"), name, action);
      print_actions (actions, stderr);
      return EXIT_NOT_RUN;
    }

  if (!confirm (action, name))
    return EXIT_NOT_RUN;

  return run_action (gather, node, action);
}

int
seye_cli_run (int    argc,
              char **argv)
{
  g_auto (SeyeCliGather) gather = { 0 };
  g_autoptr (SeyeNode) node = NULL;
  int status = EXIT_NOT_RUN;

  seye_cli_node_options_init (&node_options);

  if (parse_options (&argc, &argv))
    node = seye_cli_find_one_node (&gather, "run", &node_options, argv[1], &status);

  if (node != NULL)
    status = run_on (&gather, node, argc == 3 ? argv[2] : NULL);

  seye_cli_node_options_clear (&node_options);

  return status;
}
