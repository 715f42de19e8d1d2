#include "pigment_export/app/lazy_credential.hpp"

#include "pigment_export/core/failure.hpp"

namespace pe {

Secret LazyCredential::storage_token() {
    try {
        return get().get_token({kStorageResource}).token;
    } catch (const Failure& f) {
        FailureInfo info = f.info();
        info.stage = Stage::store;
        info.message = "no storage token: " + info.message;
        throw Failure(info);
    }
}

}  // namespace pe
