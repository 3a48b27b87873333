/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "seye-error.h"

G_DEFINE_QUARK (seye-error-quark, seye_error)
