#pragma once
// The local file sink's temporary ".NAME.pigment-tmp-XXXXXX" beside the destination, held under
// an exclusive flock(2) for the writer's whole life. A lock is liveness that needs no clock: the
// kernel drops it when the writer dies, however it dies (kill -9, OOM), so a temporary nobody
// holds is abandoned and can be removed, and one that is held belongs to a live run.
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace pe {

// True for "." + destination_name + ".pigment-tmp-" + 6 letters/digits (pure).
bool is_local_temporary_of(std::string_view entry_name, std::string_view destination_name);

// Creates the temporary for `destination`, 0600, already locked when its name first appears
// (O_TMPFILE + linkat where the file system allows; else mkstemp then flock). Returns the open
// descriptor and sets `path`. Throws std::system_error.
int create_locked_temporary(const std::filesystem::path& destination, std::filesystem::path& path);

// Removes the temporaries of earlier runs for `destination` that no process holds; never one
// that is locked. Returns how many were removed. Best effort: an unreadable folder removes none.
std::size_t reclaim_abandoned_temporaries(const std::filesystem::path& destination);

}  // namespace pe
