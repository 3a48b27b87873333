/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What the tests include: each helper, one job a header. */

#include "seye-test-agent.h"   /* real and look-alike agents in processes of their own */
#include "seye-test-cli.h"     /* `seye` run to its end */
#include "seye-test-file-sd.h" /* a Prometheus file_sd file, checked */
#include "seye-test-files.h"   /* temporary directories removed */
#include "seye-test-hot.h"     /* a recorded machine in trouble */
#include "seye-test-http.h"    /* fake servers in the test process */
#include "seye-test-mdns.h"    /* the shared avahi-daemon (tests/mdns-stack.sh) */
#include "seye-test-netns.h"   /* separate hosts (tests/netns-stack.sh) */
#include "seye-test-process.h" /* programs in the background, their stderr in a file */
#include "seye-test-sim.h"     /* the fleet simulator (bench/seye-fleet-sim) */
#include "seye-test-socket.h"  /* raw HTTP on a socket */
#include "seye-test-wait.h"    /* the main loop run until something holds; node waiters */
