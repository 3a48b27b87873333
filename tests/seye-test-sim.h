/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * SeyeTestSim:
 *
 * A running $SEYE_FLEET_SIM (bench/seye-fleet-sim.c) and its nodes, as its list
 * file names them: names[i] listens on 127.0.0.1:ports[i].
 */
typedef struct
{
  GSubprocess *process;
  char        *dir;
  GPtrArray   *names;
  GArray      *ports;      /* guint16 */
  gboolean     exited;
} SeyeTestSim;

/* $SEYE_FLEET_SIM --bind 127.0.0.1 --list DIR/list and the given arguments, NULL-ended
 * (--port 0 unless they say --base-port); it dies with the test. Its exited field is
 * TRUE when it exited at once. */
SeyeTestSim *seye_test_sim_start (const char  *first_arg,
                                  ...) G_GNUC_NULL_TERMINATED;
/* SIGTERM; its exit status. */
int          seye_test_sim_stop  (SeyeTestSim *sim);
void         seye_test_sim_free  (SeyeTestSim *sim);
guint16      seye_test_sim_port  (SeyeTestSim *sim,
                                  guint        i);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SeyeTestSim, seye_test_sim_free)

G_END_DECLS
