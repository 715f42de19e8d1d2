#include "fakes/fake_key_vault.hpp"

#include <nlohmann/json.hpp>

#include <set>
#include "pigment_export/core/url.hpp"

namespace testing {

namespace {

void kv_error(httplib::Response& response, int status, const std::string& code, const std::string& message,
              const std::string& inner = {}) {
    nlohmann::json error = {{"code", code}, {"message", message}};
    if (!inner.empty()) error["innererror"] = {{"code", inner}};
    response.status = status;
    response.set_content(nlohmann::json{{"error", error}}.dump(), "application/json");
}

std::string next_version(std::size_t n) {
    char buffer[33];
    std::snprintf(buffer, sizeof buffer, "%032zx", n + 0xabc0);
    return buffer;
}

}  // namespace

FakeKeyVault::FakeKeyVault(std::string audience, std::string tenant)
    : audience_(std::move(audience)), tenant_(std::move(tenant)) {
    auto handler = [this](const httplib::Request& req, httplib::Response& res) { handle(req, res); };
    server_.server().Get(R"(/secrets/([^/]+)/?)", handler);
    server_.server().Get(R"(/secrets/([^/]+)/([^/]+))", handler);
}

void FakeKeyVault::put_secret(const std::string& name, const std::string& value, const std::string& version,
                              bool enabled) {
    std::lock_guard lock(mutex_);
    Entry& entry = secrets_[name];
    std::string id = version.empty() ? next_version(entry.versions.size()) : version;
    entry.versions[id] = {value, enabled};
    entry.latest = id;
}

void FakeKeyVault::deny(std::string inner_code) {
    std::lock_guard lock(mutex_);
    deny_ = std::move(inner_code);
}

void FakeKeyVault::start() {
    server_.start();
}
std::string FakeKeyVault::base_url() const {
    return server_.base_url();
}

void FakeKeyVault::handle(const httplib::Request& request, httplib::Response& response) {
    RecordedRequest r = journal_.record(request);
    answer_as_azure(r, response);
    if (faults_.apply(response)) return;
    static const std::set<std::string> kVersions = {"7.0", "7.1", "7.2", "7.3", "7.4", "7.5", "7.6", "2025-07-01"};
    if (kVersions.count(r.param("api-version")) == 0) {
        return kv_error(response, 400, "BadParameter",
                        "The specified version (" + r.param("api-version") + ") is not recognized.");
    }
    std::string challenge =
        "Bearer authorization=\"https://login.windows.net/" + tenant_ + "\", resource=\"" + audience_ + "\"";
    std::string authorization = r.header("Authorization");
    if (authorization.rfind("Bearer ", 0) != 0) {
        response.set_header("WWW-Authenticate", challenge);
        return kv_error(response, 401, "Unauthorized", "Request is missing a Bearer or PoP token.");
    }
    auto claims = decode_jwt(authorization.substr(7));
    long long now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    if (!claims || pe::without_trailing_slashes(claims->aud) != pe::without_trailing_slashes(audience_)) {
        response.set_header("WWW-Authenticate", challenge);
        return kv_error(response, 401, "Unauthorized",
                        "AKV10022: Invalid audience. Expected " + audience_ +
                            ", found: " + (claims ? claims->aud : std::string("?")) + ".");
    }
    if (claims->iss != "https://sts.windows.net/" + tenant_ + "/") {
        // A vault accepts tokens of its own tenant only; the challenge names it.
        response.set_header("WWW-Authenticate", challenge);
        return kv_error(response, 401, "Unauthorized",
                        "AKV10032: Invalid issuer. Expected one of https://sts.windows.net/" + tenant_ +
                            "/, found: " + claims->iss + ".");
    }
    if (claims->exp <= now || claims->nbf > now + 300) {
        response.set_header("WWW-Authenticate", challenge);
        return kv_error(response, 401, "Unauthorized", "AKV10032: Token expired or not yet valid.");
    }
    std::lock_guard lock(mutex_);
    if (!deny_.empty()) {
        return kv_error(response, 403, "Forbidden",
                        "Caller is not authorized to perform action on resource. (" + deny_ + ")", deny_);
    }
    std::string name = request.matches[1];
    auto entry = secrets_.find(name);
    std::string version = request.matches.size() > 2 ? std::string(request.matches[2]) : std::string();
    if (entry == secrets_.end() || (!version.empty() && entry->second.versions.count(version) == 0)) {
        return kv_error(response, 404, "SecretNotFound",
                        "A secret with (name/id) " + name + " was not found in this key vault.");
    }
    if (version.empty()) version = entry->second.latest;
    const Version& v = entry->second.versions[version];
    if (!v.enabled) {
        return kv_error(response, 403, "Forbidden", "Operation get is not allowed on a disabled secret.",
                        "SecretDisabled");
    }
    nlohmann::json body = {
        {"value", v.value},
        {"id", base_url() + "/secrets/" + name + "/" + version},
        {"attributes", {{"enabled", true}, {"created", now}, {"updated", now}, {"recoveryLevel", "Recoverable"}}},
        {"tags", nlohmann::json::object()}};
    response.set_content(body.dump(), "application/json");
}

}  // namespace testing
