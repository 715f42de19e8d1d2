#include "pigment_export/storage/storage_sink_factory.hpp"

#include "pigment_export/storage/blob_sink.hpp"
#include "pigment_export/storage/dfs_sink.hpp"

namespace pe {

std::unique_ptr<Sink> make_storage_sink(const Config& config, const EnvLookup& env, StorageTokenSource token_source) {
    storage::Target target = storage::resolve_target(config.destination.storage, config.transfer.storage_api);
    auto auth = std::make_shared<const storage::Auth>(env, target.account, std::move(token_source));
    if (target.api == storage::Api::dfs) {
        return std::make_unique<storage::DfsSink>(config, std::move(target), std::move(auth));
    }
    return std::make_unique<storage::BlobSink>(config, std::move(target), std::move(auth));
}

}  // namespace pe
