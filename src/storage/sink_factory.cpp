#include "pigment_export/storage/sink_factory.hpp"

#include "pigment_export/storage/file_sink.hpp"
#include "pigment_export/storage/stdout_sink.hpp"

namespace pe {

std::unique_ptr<Sink> make_sink(const Config& config, const EnvLookup& env, StorageTokenSource token_source) {
    switch (config.destination.kind) {
        case DestinationKind::standard_output:
            return std::make_unique<StdoutSink>();
        case DestinationKind::local_file:
            return std::make_unique<FileSink>(config.destination.local_path, config.transfer.overwrite);
        case DestinationKind::storage:
            break;
    }
    return make_storage_sink(config, env, std::move(token_source));
}

}  // namespace pe
