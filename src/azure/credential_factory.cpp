#include "pigment_export/azure/token_credential.hpp"
#include "pigment_export/core/failure.hpp"

namespace pe::azure {

std::shared_ptr<TokenCredential> make_credential(const SecretSettings&, const NetworkSettings&, const EnvLookup&) {
    throw Failure(Stage::secret, "Azure credentials are not available in this build", "use PIGMENT_API_KEY or --api-key-file");
}

}  // namespace pe::azure
