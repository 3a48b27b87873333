/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SEYE_ERROR (seye_error_quark ())

/**
 * SeyeError:
 * @SEYE_ERROR_PARSE: the input is not well-formed (JSON syntax, a /proc line).
 * @SEYE_ERROR_INVALID: well-formed, but a value is missing, of the wrong type or absurd.
 * @SEYE_ERROR_INCOMPATIBLE: the peer speaks a schema or API version we do not know.
 * @SEYE_ERROR_IO: a file or socket could not be read.
 * @SEYE_ERROR_UNAVAILABLE: a service (Avahi, a node) is not there right now.
 * @SEYE_ERROR_CONFIG: a setting or command-line value is out of range.
 * @SEYE_ERROR_AUTH: a node wants a token, or refused the one it was given.
 * @SEYE_ERROR_CERTIFICATE: a node presented another certificate than the pinned one.
 * @SEYE_ERROR_NOT_SUPPORTED: the node or its source cannot give that (processes
 *   from a Prometheus server, actions from an agent that names none).
 * @SEYE_ERROR_BUSY: the node is doing that already (an action that runs).
 */
typedef enum
{
  SEYE_ERROR_PARSE,
  SEYE_ERROR_INVALID,
  SEYE_ERROR_INCOMPATIBLE,
  SEYE_ERROR_IO,
  SEYE_ERROR_UNAVAILABLE,
  SEYE_ERROR_CONFIG,
  SEYE_ERROR_AUTH,
  SEYE_ERROR_CERTIFICATE,
  SEYE_ERROR_NOT_SUPPORTED,
  SEYE_ERROR_BUSY,
} SeyeError;

GQuark seye_error_quark (void);

G_END_DECLS
