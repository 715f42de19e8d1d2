#pragma once
// One export, start to finish: secret → open the sink → stream the export through the
// pipeline → commit. Never throws: every outcome is in the returned summary.
#include "pigment_export/app/lazy_credential.hpp"
#include "pigment_export/app/run_summary.hpp"
#include "pigment_export/core/config.hpp"
#include "pigment_export/core/env.hpp"

namespace pe {

RunSummary run_export(const Config& config, const EnvLookup& env, LazyCredential& credential);

}  // namespace pe
