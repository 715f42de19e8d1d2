#pragma once
// --manifest: several exports in one process, up to --jobs at a time, sharing one Azure
// credential. Every entry is validated before anything is sent; each export reports its own
// result line; the exit code is that of the first failing export in manifest order.
#include "pigment_export/cli/manifest.hpp"
#include "pigment_export/core/env.hpp"

namespace pe {

int run_manifest(const cli::ManifestRequest& request, const EnvLookup& env);

}  // namespace pe
