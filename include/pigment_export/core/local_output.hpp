#pragma once
// A local path the tool writes an output to (the export, the summary). The tool replaces only
// what it could have created itself: a regular file, or nothing. A directory, FIFO, device,
// socket or symbolic link at the path is refused, never replaced: a device node replaced by
// root is lost to the system, and replacing a link would leave the file it points to stale
// while the link silently becomes a copy. Outputs are written to a hidden 0600 temporary
// beside the path and renamed over it, keeping an existing file's mode.
#include <sys/types.h>

#include <filesystem>
#include <string_view>

#include "pigment_export/core/failure.hpp"

namespace pe {

struct ExistingOutput {
    bool exists = false;
    mode_t mode = 0;  // permission bits of the existing file
    dev_t device = 0;
    ino_t inode = 0;
};

// What is at `path` (lstat: a link is not followed). Throws Failure in `stage`, code
// OutputNotRegular, naming `what` ("--dest", "--summary-json") and the kind found.
ExistingOutput inspect_output(const std::filesystem::path& path, Stage stage, std::string_view what);

// The mode a published output gets: the replaced file's, else what open(…, 0666) would give
// under the process umask.
mode_t published_mode(const ExistingOutput& existing);

// The hidden temporary for `path`: same folder, ".NAME.pigment-tmp-XXXXXX" for mkstemp.
std::filesystem::path temporary_pattern_for(const std::filesystem::path& path);

// Makes a rename in `path`'s folder durable (fsync of the folder; best effort).
void sync_parent_folder(const std::filesystem::path& path) noexcept;

// Writes `content` to `path` all at once or not at all: temporary, fsync, mode, rename, fsync
// of the folder. Throws Failure in `stage` (code LocalIoError or OutputNotRegular); the
// temporary is removed on every failure.
void write_output_atomically(const std::filesystem::path& path, std::string_view content, Stage stage,
                             std::string_view what);

}  // namespace pe
