#pragma once
// A launcher may start us with fd 0, 1 or 2 closed (`2>&-`, some daemons). The next open()
// would then take that number, and our own log lines (written to fd 2) would land inside the
// export file. So, before anything opens a file or socket, every closed one of them is opened
// on /dev/null; a closed stdout is remembered so that `--dest -` is refused rather than
// silently exported into /dev/null.
#include "pigment_export/core/config.hpp"

namespace pe {

// Call first thing in main. Exits 1 (with nothing printed: stderr may be closed) if
// /dev/null cannot be opened.
void reopen_closed_standard_streams() noexcept;

// Usage error (exit 2) when the destination is stdout and stdout was closed at start-up, or is
// a terminal that compressed bytes would be written to (as gzip and zstd themselves refuse).
void refuse_unusable_stdout(const Config& config);

}  // namespace pe
