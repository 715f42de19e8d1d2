#include "pigment_export/storage/storage_sink.hpp"
#include "pigment_export/core/failure.hpp"

namespace pe {

std::unique_ptr<Sink> make_storage_sink(const Config&, const EnvLookup&, StorageTokenSource) {
    throw Failure(Stage::store, "Azure Storage destinations are not available in this build", "use a local path");
}

}  // namespace pe
