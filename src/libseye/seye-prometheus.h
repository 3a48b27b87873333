/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "seye-sample.h"

G_BEGIN_DECLS

#define SEYE_PROMETHEUS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

void seye_prometheus_write (GString            *str,
                            const SeyeNodeInfo *info,
                            const SeyeSample   *sample);

G_END_DECLS
