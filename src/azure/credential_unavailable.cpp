#include "pigment_export/azure/credential_unavailable.hpp"

namespace pe::azure {

CredentialUnavailable::CredentialUnavailable(std::string message, std::string hint)
    : Failure(Stage::secret, std::move(message), std::move(hint)) {}

UnconfiguredCredential::UnconfiguredCredential(std::string name, std::string reason, std::string hint)
    : name_(std::move(name)), reason_(std::move(reason)), hint_(std::move(hint)) {}

AccessToken UnconfiguredCredential::get_token(const TokenRequest&) {
    throw CredentialUnavailable(reason_, hint_);
}

}  // namespace pe::azure
