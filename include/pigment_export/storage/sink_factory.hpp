#pragma once
#include <memory>

#include "pigment_export/core/config.hpp"
#include "pigment_export/core/env.hpp"
#include "pigment_export/storage/sink.hpp"
#include "pigment_export/storage/storage_sink_factory.hpp"

namespace pe {

// The sink for config.destination: local file, stdout, or an Azure Storage sink.
std::unique_ptr<Sink> make_sink(const Config& config, const EnvLookup& env, StorageTokenSource token_source);

}  // namespace pe
