#pragma once
// Every file the user names as input (config, manifest, export options, API key file, token
// files) is read here: only a regular file, because a FIFO blocks forever and a device such as
// /dev/zero never ends, and never more than `limit` bytes (limit + 1 are read to tell).
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "pigment_export/core/failure.hpp"

namespace pe {

struct InputFile {
    std::string_view what;  // how the user named it, e.g. "--config" or "the federated token file"
    Stage stage;            // the stage a failure to read it belongs to
    std::size_t limit;      // the largest content accepted, in bytes
};

// Throws a Failure in `spec.stage` naming the path and the reason (missing, unreadable, not a
// regular file, too large). The content is read straight into the returned string, so a secret
// read here has no other copy to wipe.
std::string read_input_file(const std::filesystem::path& path, const InputFile& spec);

}  // namespace pe
