/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Reads @stream to its end, refusing more than @limit bytes (an answer from the
 * network: never held whole beyond the cap). */
void    seye_read_capped_async  (GInputStream         *stream,
                                 gsize                 limit,
                                 GCancellable         *cancellable,
                                 GAsyncReadyCallback   callback,
                                 gpointer              user_data);
/* Returns: (transfer full) (nullable): the bytes; %NULL with @error,
 * G_IO_ERROR_MESSAGE_TOO_LARGE when there were more than the limit. */
GBytes *seye_read_capped_finish (GInputStream         *stream,
                                 GAsyncResult         *result,
                                 GError              **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
