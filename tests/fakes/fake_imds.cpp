#include "fakes/fake_imds.hpp"

#include <nlohmann/json.hpp>
#include "pigment_export/core/url.hpp"

namespace testing {

bool is_known_resource(const std::string& resource) {
    static const std::set<std::string> kKnown = {"https://vault.azure.net", "https://vault.azure.cn",
                                                 "https://vault.usgovcloudapi.net", "https://storage.azure.com",
                                                 "https://management.azure.com"};
    return kKnown.count(pe::without_trailing_slashes(resource)) > 0;
}

FakeImds::FakeImds(FakeImdsOptions options) : options_(std::move(options)) {
    // MSAL sends the token path with a trailing slash, and IMDS answers it (tests/conformance).
    server_.server().Get(R"(/metadata/identity/oauth2/token/?)",
                         [this](const httplib::Request& req, httplib::Response& res) { handle(req, res); });
}

void FakeImds::start() {
    server_.start();
}

std::string FakeImds::base_url() const {
    return server_.base_url();
}

void FakeImds::handle(const httplib::Request& request, httplib::Response& response) {
    RecordedRequest r = journal_.record(request);
    if (faults_.apply(response)) return;
    if (r.header("Metadata") != "true") {
        return set_oauth_error(response, 400, "invalid_request", "Required metadata header not specified");
    }
    if (r.param("api-version") != "2018-02-01") {
        return set_oauth_error(response, 400, "invalid_request", "Invalid api-version");
    }
    std::string resource = r.param("resource");
    if (resource.empty() || !is_known_resource(resource)) {
        return set_oauth_error(response, 400, "invalid_resource", "AADSTS500011: The resource principal was not found");
    }
    int ids = int(r.has_param("client_id")) + int(r.has_param("object_id")) + int(r.has_param("msi_res_id"));
    if (ids > 1 || r.has_param("mi_res_id") || r.has_param("principal_id")) {
        return set_oauth_error(response, 400, "invalid_request", "Multiple or unknown identity parameters");
    }
    std::string id = r.param("client_id") + r.param("object_id") + r.param("msi_res_id");
    bool assigned = ids == 0 ? options_.system_assigned : options_.user_assigned.count(id) > 0;
    if (!assigned) {
        return set_oauth_error(response, 400, "invalid_request", "Identity not found");
    }
    auto now = std::chrono::system_clock::now();
    long long epoch = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    std::string subject = ids == 0 ? "system-assigned" : id;
    nlohmann::json body = {{"access_token", mint_jwt(resource, subject, options_.token_lifetime, options_.tenant)},
                           {"refresh_token", ""},
                           {"expires_in", std::to_string(options_.token_lifetime.count())},
                           {"expires_on", std::to_string(epoch + options_.token_lifetime.count())},
                           {"not_before", std::to_string(epoch)},
                           {"resource", resource},
                           {"token_type", "Bearer"}};
    response.set_content(body.dump(), "application/json");
}

}  // namespace testing
