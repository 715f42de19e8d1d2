#include "fakes/fake_entra.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "fakes/fake_imds.hpp"

namespace testing {

namespace {

void aadsts(httplib::Response& response, int status, const std::string& error, int code, const std::string& text) {
    response.status = status;
    nlohmann::json body = {
        {"error", error},
        {"error_description", "AADSTS" + std::to_string(code) + ": " + text +
                                  "\r\nTrace ID: 0000\r\nCorrelation ID: 0000\r\nTimestamp: 2026-01-01"},
        {"error_codes", {code}},
        {"trace_id", "0000"},
        {"correlation_id", "0000"}};
    response.set_content(body.dump(), "application/json");
}

}  // namespace

FakeEntra::FakeEntra(std::string tenant) : tenant_(std::move(tenant)) {
    server_.server().Post(R"(/([^/]+)/oauth2/v2.0/token)",
                          [this](const httplib::Request& req, httplib::Response& res) { handle(req, res); });
    server_.server().Get(R"(/([^/]+)/v2.0/.well-known/openid-configuration)",
                         [this](const httplib::Request& req, httplib::Response& res) { discovery(req, res); });
}

void FakeEntra::add_app(FakeEntraApp app) {
    apps_[app.client_id] = std::move(app);
}
void FakeEntra::start() {
    server_.start();
}
std::string FakeEntra::authority() const {
    return server_.base_url();
}

// MSAL reads the authority's endpoints here before its first token request (the tool does
// not). The endpoints name the host the client asked, over https as the service's always are.
void FakeEntra::discovery(const httplib::Request& request, httplib::Response& response) {
    journal_.record(request);
    if (request.matches[1] != tenant_) {
        return aadsts(response, 400, "invalid_tenant", 90002,
                      "Tenant '" + std::string(request.matches[1]) + "' not found.");
    }
    std::string base = "https://" + request.get_header_value("Host") + "/" + tenant_;
    nlohmann::json body = {
        {"issuer", base + "/v2.0"},
        {"token_endpoint", base + "/oauth2/v2.0/token"},
        {"authorization_endpoint", base + "/oauth2/v2.0/authorize"},
        {"end_session_endpoint", base + "/oauth2/v2.0/logout"},
        {"jwks_uri", base + "/discovery/v2.0/keys"},
        {"token_endpoint_auth_methods_supported", {"client_secret_post", "private_key_jwt", "client_secret_basic"}},
        {"response_types_supported", {"code", "id_token", "code id_token", "id_token token"}},
        {"tenant_region_scope", nullptr}};
    response.set_content(body.dump(), "application/json");
}

void FakeEntra::handle(const httplib::Request& request, httplib::Response& response) {
    RecordedRequest r = journal_.record(request);
    answer_as_azure(r, response);
    if (faults_.apply(response)) return;
    const std::string tenant = request.matches[1];
    if (tenant != tenant_ && std::find(other_tenants_.begin(), other_tenants_.end(), tenant) == other_tenants_.end()) {
        return aadsts(response, 400, "invalid_request", 90002,
                      "Tenant '" + std::string(request.matches[1]) + "' not found.");
    }
    if (r.header("Content-Type").rfind("application/x-www-form-urlencoded", 0) != 0) {
        return aadsts(response, 400, "invalid_request", 900144, "The request body must contain a form.");
    }
    if (r.param("grant_type") != "client_credentials") {
        return aadsts(response, 400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type.");
    }
    auto app = apps_.find(r.param("client_id"));
    if (app == apps_.end()) {
        return aadsts(response, 400, "unauthorized_client", 700016, "Application not found in the directory.");
    }
    std::string scope = r.param("scope");
    const std::string suffix = "/.default";
    if (scope.size() <= suffix.size() || scope.substr(scope.size() - suffix.size()) != suffix ||
        !(is_known_resource(scope.substr(0, scope.size() - suffix.size())) ||
          std::find(extra_resources_.begin(), extra_resources_.end(), scope.substr(0, scope.size() - suffix.size())) !=
              extra_resources_.end())) {
        return aadsts(response, 400, "invalid_scope", 1002012, "The provided value for scope is not valid.");
    }
    if (r.has_param("client_secret")) {
        if (app->second.client_secret.empty() || r.param("client_secret") != app->second.client_secret) {
            return aadsts(response, 401, "invalid_client", 7000215, "Invalid client secret provided.");
        }
    } else if (r.has_param("client_assertion")) {
        if (r.param("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer") {
            return aadsts(response, 400, "invalid_request", 50027, "Invalid client_assertion_type.");
        }
        if (app->second.federated_token.empty() || r.param("client_assertion") != app->second.federated_token) {
            return aadsts(response, 400, "invalid_client", 70021, "No matching federated identity record found.");
        }
    } else {
        return aadsts(response, 401, "invalid_client", 7000218,
                      "The request body must contain client_assertion or client_secret.");
    }
    nlohmann::json body = {{"token_type", "Bearer"},
                           {"expires_in", lifetime_.count()},
                           {"ext_expires_in", lifetime_.count()},
                           {"access_token", mint_jwt(scope.substr(0, scope.size() - suffix.size()),
                                                     r.param("client_id"), lifetime_, tenant)}};
    response.set_content(body.dump(), "application/json");
}

}  // namespace testing
