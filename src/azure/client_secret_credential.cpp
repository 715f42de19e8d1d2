#include "pigment_export/azure/client_secret_credential.hpp"

namespace pe::azure {

ClientSecretCredential::ClientSecretCredential(EntraApp app, Secret client_secret, NetworkSettings network)
    : app_(std::move(app)), client_secret_(std::move(client_secret)), network_(std::move(network)) {
    validate_entra_app(app_, name());
}

AccessToken ClientSecretCredential::get_token(const TokenRequest& request) {
    EntraApp app = app_in_tenant(app_, request.tenant, name());
    return request_entra_token(app, client_secret_form(app, client_secret_, request.resource), network_, name());
}

}  // namespace pe::azure
