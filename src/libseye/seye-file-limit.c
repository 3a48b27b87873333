/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-file-limit"

#include "config.h"

#include <sys/resource.h>

#include "seye-file-limit.h"

/**
 * seye_file_limit_raise:
 * @wanted: the descriptors this process would like to hold; %G_MAXUINT64 for
 *   as many as the hard limit allows
 *
 * Raises the soft limit on open files to @wanted, or to the hard limit when
 * that is lower. A soft limit already above @wanted is left alone.
 *
 * Returns: the soft limit now; %G_MAXUINT64 when there is none (or it cannot
 *   be read).
 */
guint64
seye_file_limit_raise (guint64 wanted)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY)
    return G_MAXUINT64;

  if ((guint64) limit.rlim_cur < wanted)
    {
      struct rlimit raised = limit;

      raised.rlim_cur = limit.rlim_max == RLIM_INFINITY || (guint64) limit.rlim_max > wanted
                          ? (rlim_t) wanted : limit.rlim_max;
      if (setrlimit (RLIMIT_NOFILE, &raised) == 0)
        limit = raised;
      else if (getrlimit (RLIMIT_NOFILE, &limit) != 0)
        return G_MAXUINT64;
    }

  return limit.rlim_cur == RLIM_INFINITY ? G_MAXUINT64 : (guint64) limit.rlim_cur;
}
