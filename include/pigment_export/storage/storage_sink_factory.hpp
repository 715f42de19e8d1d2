#pragma once
// Azure Storage sinks (DFS and Blob APIs) for a storage destination.
#include <functional>
#include <memory>

#include "pigment_export/core/config.hpp"
#include "pigment_export/core/env.hpp"
#include "pigment_export/core/secret.hpp"
#include "pigment_export/storage/sink.hpp"

namespace pe {

// Returns a bearer token for https://storage.azure.com/ (called lazily, only when neither
// AZURE_STORAGE_SAS_TOKEN nor AZURE_STORAGE_KEY is set; may be called again to refresh).
using StorageTokenSource = std::function<Secret()>;

std::unique_ptr<Sink> make_storage_sink(const Config& config, const EnvLookup& env, StorageTokenSource token_source);

}  // namespace pe
