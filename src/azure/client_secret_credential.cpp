#include "pigment_export/azure/client_secret_credential.hpp"

namespace pe::azure {

ClientSecretCredential::ClientSecretCredential(EntraApp app, Secret client_secret, NetworkSettings network)
    : app_(std::move(app)), client_secret_(std::move(client_secret)), network_(std::move(network)) {
    validate_entra_app(app_, name());
}

AccessToken ClientSecretCredential::get_token(const std::string& resource) {
    return request_entra_token(app_, client_secret_form(app_, client_secret_, resource), network_, name());
}

}  // namespace pe::azure
