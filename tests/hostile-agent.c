/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hostile-agent BACKEND [REASON]: a node that says hostile things (seye-test-hostile.h). */
#include "config.h"

#include "seye-test-hostile.h"

int
main (int    argc,
      char **argv)
{
  if (argc < 2 || argc > 3)
    {
      g_printerr ("usage: hostile-agent BACKEND [REASON]\n");
      return 2;
    }

  return seye_test_hostile_serve (argv[1], argc == 3 ? argv[2] : NULL);
}
