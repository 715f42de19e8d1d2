#include "pigment_export/azure/entra_token_request.hpp"

#include <algorithm>

#include "pigment_export/azure/endpoint_url.hpp"
#include "pigment_export/azure/entra_errors.hpp"
#include "pigment_export/azure/token_response.hpp"
#include "pigment_export/core/cancellation.hpp"
#include "pigment_export/core/failure.hpp"
#include "pigment_export/core/url.hpp"
#include "pigment_export/http/retrying_send.hpp"
#include "pigment_export/http/service_trace.hpp"
#include "pigment_export/http/transport_failure.hpp"

namespace pe::azure {

namespace {

std::string common_fields(const EntraApp& app, std::string_view resource) {
    return "grant_type=client_credentials&client_id=" + percent_encode(app.client_id) +
           "&scope=" + percent_encode(entra_scope(resource));
}

}  // namespace

void validate_entra_app(const EntraApp& app, std::string_view source) {
    bool tenant_ok = !app.tenant_id.empty() && std::all_of(app.tenant_id.begin(), app.tenant_id.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-';
    });
    if (!tenant_ok) {
        throw Failure(Stage::secret, std::string(source) + ": AZURE_TENANT_ID is not a tenant id or domain",
                      "set AZURE_TENANT_ID to the directory (tenant) id, a GUID");
    }
    auto url = parse_endpoint_url(app.authority);
    if (!url || !is_tls_or_loopback(*url)) {
        throw Failure(Stage::secret, std::string(source) + ": the authority host " + app.authority + " is not https",
                      "set AZURE_AUTHORITY_HOST to an https URL such as https://login.microsoftonline.com");
    }
}

EntraApp app_in_tenant(const EntraApp& app, std::string_view tenant, std::string_view source) {
    if (tenant.empty() || tenant == app.tenant_id) return app;
    EntraApp other = app;
    other.tenant_id = std::string(tenant);
    validate_entra_app(other, source);
    return other;
}

std::string entra_scope(std::string_view resource) {
    return without_trailing_slashes(resource) + "/.default";
}

std::string entra_token_url(const EntraApp& app) {
    return without_trailing_slashes(app.authority) + "/" + app.tenant_id + "/oauth2/v2.0/token";
}

Secret client_secret_form(const EntraApp& app, const Secret& client_secret, std::string_view resource) {
    return Secret(common_fields(app, resource) + "&client_secret=" + percent_encode(client_secret.reveal()));
}

Secret client_assertion_form(const EntraApp& app, const Secret& assertion, std::string_view resource) {
    return Secret(common_fields(app, resource) +
                  "&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"
                  "&client_assertion=" +
                  percent_encode(assertion.reveal()));
}

AccessToken request_entra_token(const EntraApp& app, const Secret& form, const NetworkSettings& network,
                                std::string_view source) {
    http::ClientOptions options = http::client_options_for(network);
    http::Client client(options);
    http::RetryPolicy policy;
    policy.max_retries = 3;
    std::string url = entra_token_url(app);
    std::string host = parse_endpoint_url(url) ? parse_endpoint_url(url)->host : app.authority;
    http::Response response;
    try {
        response = http::send_with_retry(client, policy, [&] {
            http::Request request;
            request.method = "POST";
            request.url = url;
            request.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                               {"Accept", "application/json"},
                               http::client_request_id_header()};
            request.body = form.reveal();
            request.body_is_secret = true;
            return request;
        });
    } catch (const http::TransportError& e) {
        cancellation::throw_if_requested();
        FailureInfo info = http::describe_transport_failure(
            e, {Stage::secret, "Entra ID at " + host, "check DNS, HTTPS_PROXY/NO_PROXY and AZURE_AUTHORITY_HOST"});
        info.message = std::string(source) + ": " + info.message;
        throw Failure(std::move(info));
    }
    if (response.status != 200) {
        throw entra_failure(response.status, response.headers, response.body, source, host);
    }
    return token_from_answer(response.body, response.status, std::string(source) + ": Entra ID at " + host,
                             "check AZURE_AUTHORITY_HOST points at an Entra ID endpoint");
}

}  // namespace pe::azure
