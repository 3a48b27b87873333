/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "seye-cli-alerts.h"
#include "seye-cli-common.h"
#include "seye-cli-discover.h"
#include "seye-cli-fetch.h"
#include "seye-cli-history.h"
#include "seye-cli-observe.h"
#include "seye-cli-run.h"
#include "seye-cli-top.h"

typedef struct
{
  const char *name;
  int       (*run) (int argc, char **argv);
  const char *summary;
} Command;

static const Command commands[] = {
  { "fetch", seye_cli_fetch, N_("Print the metrics of every node once, then exit") },
  { "observe", seye_cli_observe, N_("Watch every node live in the terminal") },
  { "top", seye_cli_top, N_("Follow one node's processes live, busiest first") },
  { "run", seye_cli_run, N_("Run a named action on a paired node, or list its actions") },
  { "history", seye_cli_history, N_("Print a node's history as the app recorded it") },
  { "alerts", seye_cli_alerts, N_("Print the alerts the app recorded: started, cleared, acknowledged") },
  { "discover", seye_cli_discover, N_("List the agents found over mDNS, or keep a Prometheus file_sd file of them") },
};

static gboolean opt_version;

static const GOptionEntry entries[] = {
  { "version", 'V', 0, G_OPTION_ARG_NONE, &opt_version, N_("Print the version and exit"), NULL },
  { NULL }
};

static char *
commands_description (void)
{
  GString *str = g_string_new (_("Commands:\n"));

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (str, "  %-10s %s\n", commands[i].name, _(commands[i].summary));

  g_string_append (str, _("\nRun “seye COMMAND --help” for the options of a command.\n"
                          "\n"
                          "Exit status of fetch: 0 every node answered, 1 some did not,\n"
                          "2 no node found or wrong arguments.\n"));

  return g_string_free (str, FALSE);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *description = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("seye");

  /* The SoupSession's proxy lookup would read GSettings; seye never uses a proxy. */
  if (g_getenv ("GSETTINGS_BACKEND") == NULL)
    g_setenv ("GSETTINGS_BACKEND", "memory", FALSE);

  /* "seye COMMAND [OPTION…]": the command parses its own options. */
  if (argc > 1 && argv[1][0] != '-')
    {
      for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
        {
          if (g_str_equal (argv[1], commands[i].name))
            {
              g_autofree char *prgname = g_strdup_printf ("seye %s", commands[i].name);

              g_set_prgname (prgname);
              argv[1] = prgname;
              return commands[i].run (argc - 1, argv + 1);
            }
        }

      if (g_str_equal (argv[1], "help"))
        {
          for (guint i = 0; argc > 2 && i < G_N_ELEMENTS (commands); i++)
            {
              if (g_str_equal (argv[2], commands[i].name))
                {
                  char *help_argv[] = { (char *) commands[i].name, (char *) "--help", NULL };

                  return commands[i].run (2, help_argv);
                }
            }
        }
      else
        {
          g_printerr (_("seye: unknown command “%s”\nTry “seye --help”.\n"), argv[1]);
          return SEYE_EXIT_USAGE;
        }
    }

  context = g_option_context_new (_("COMMAND [OPTION…] - watch the nodes of Sorcerer's Eye"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
                                _("Finds sorcerers-eye-agent nodes on the local network over mDNS and\n"
                                  "shows their CPU, memory, load, processes and uptime."));
  description = commands_description ();
  g_option_context_set_description (context, description);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("seye: %s\n%s\n", error->message, _("Try “seye --help”."));
      return SEYE_EXIT_USAGE;
    }

  if (opt_version)
    {
      g_print ("seye %s\n", PACKAGE_VERSION);
      return SEYE_EXIT_OK;
    }

  {
    g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

    if (argc > 1 && g_str_equal (argv[1], "help"))
      {
        g_print ("%s", help);
        return SEYE_EXIT_OK;
      }

    g_printerr ("%s", help);
  }

  return SEYE_EXIT_USAGE;
}
