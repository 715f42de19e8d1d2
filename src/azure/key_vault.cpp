#include "pigment_export/azure/key_vault.hpp"
#include "pigment_export/core/failure.hpp"

namespace pe::azure {

Secret read_key_vault_secret(TokenCredential&, const SecretSettings&, const NetworkSettings&, unsigned) {
    throw Failure(Stage::secret, "Key Vault is not available in this build", "use PIGMENT_API_KEY or --api-key-file");
}

}  // namespace pe::azure
