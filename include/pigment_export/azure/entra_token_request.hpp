#pragma once
// The Entra ID v2.0 client-credentials grant shared by the client-secret and workload-identity
// credentials: POST {authority}/{tenant}/oauth2/v2.0/token with a form body.
#include <string>
#include <string_view>

#include "pigment_export/azure/token_credential.hpp"
#include "pigment_export/core/config.hpp"
#include "pigment_export/core/secret.hpp"

namespace pe::azure {

struct EntraApp {
    std::string authority;  // https://login.microsoftonline.com, or http://127.0.0.1:PORT for a fake
    std::string tenant_id;
    std::string client_id;
};

// Throws Failure (stage secret) for a tenant id outside [A-Za-z0-9.-] or an authority that is
// neither https nor loopback: the form carries a secret.
void validate_entra_app(const EntraApp& app, std::string_view source);

// The app as seen from `tenant` (a Key Vault challenge's; empty: the app's own), checked again.
EntraApp app_in_tenant(const EntraApp& app, std::string_view tenant, std::string_view source);

// Entra v2 takes a scope: the resource, without trailing '/', plus "/.default".
std::string entra_scope(std::string_view resource);
std::string entra_token_url(const EntraApp& app);

Secret client_secret_form(const EntraApp& app, const Secret& client_secret, std::string_view resource);
Secret client_assertion_form(const EntraApp& app, const Secret& assertion, std::string_view resource);

AccessToken request_entra_token(const EntraApp& app, const Secret& form, const NetworkSettings& network,
                                std::string_view source);

}  // namespace pe::azure
