#include "fakes/fake_arc.hpp"

#include <openssl/rand.h>
#include <nlohmann/json.hpp>

#include <fstream>

#include "fakes/fake_imds.hpp"

namespace testing {

namespace {

std::string random_hex(std::size_t bytes) {
    std::string raw(bytes, '\0');
    RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(raw.size()));
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : raw) {
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 15]);
    }
    return out;
}

}  // namespace

FakeArc::FakeArc(std::string key_dir) : key_dir_(std::move(key_dir)) {
    // MSAL sends the token path with a trailing slash, and the agent answers it (tests/conformance).
    server_.server().Get(R"(/metadata/identity/oauth2/token/?)",
                         [this](const httplib::Request& req, httplib::Response& res) { handle(req, res); });
}

void FakeArc::start() {
    server_.start();
}
std::string FakeArc::endpoint() const {
    return server_.base_url() + "/metadata/identity/oauth2/token";
}
std::string FakeArc::imds_endpoint() const {
    return server_.base_url();
}

void FakeArc::handle(const httplib::Request& request, httplib::Response& response) {
    RecordedRequest r = journal_.record(request);
    if (faults_.apply(response)) return;
    if (r.header("Metadata") != "true") {
        return set_oauth_error(response, 400, "invalid_request", "Metadata header required");
    }
    // 2019-11-01 is the documented version; MSAL sends 2020-06-01, which the agent answers too.
    if (r.param("api-version") != "2019-11-01" && r.param("api-version") != "2020-06-01") {
        return set_oauth_error(response, 400, "invalid_request", "api-version must be 2019-11-01 or 2020-06-01");
    }
    if (r.has_param("client_id") || r.has_param("msi_res_id") || r.has_param("object_id")) {
        return set_oauth_error(response, 400, "invalid_request", "Arc supports only the system-assigned identity");
    }
    std::string resource = r.param("resource");
    if (!is_known_resource(resource)) {
        return set_oauth_error(response, 400, "invalid_resource", "unknown resource");
    }
    std::lock_guard lock(mutex_);
    std::string authorization = r.header("Authorization");
    if (authorization.empty()) {
        current_key_ = "arc-key-" + random_hex(24);
        std::string path = key_dir_ + "/" + random_hex(8) + ".key";
        std::ofstream(path, std::ios::binary) << current_key_;
        response.status = 401;
        response.set_header("WWW-Authenticate", "Basic realm=" + (realm_override_.empty() ? path : realm_override_));
        return;
    }
    if (current_key_.empty() || authorization != "Basic " + current_key_) {
        return set_oauth_error(response, 401, "unauthorized", "wrong key");
    }
    auto expires = std::chrono::system_clock::now() + std::chrono::hours(1);
    nlohmann::json body = {{"access_token", mint_jwt(resource, "arc-machine", std::chrono::hours(1))},
                           {"expires_in", "3600"},
                           {"expires_on", std::to_string(std::chrono::system_clock::to_time_t(expires))},
                           {"resource", resource},
                           {"token_type", "Bearer"}};
    response.set_content(body.dump(), "application/json");
}

}  // namespace testing
