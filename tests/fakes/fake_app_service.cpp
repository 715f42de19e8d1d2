#include "fakes/fake_app_service.hpp"

#include <nlohmann/json.hpp>

#include <ctime>

#include "fakes/fake_imds.hpp"

namespace testing {

FakeAppService::FakeAppService(FakeAppServiceOptions options) : options_(std::move(options)) {
    auto& s = server_.server();
    s.Get("/msi/token", [this](const httplib::Request& req, httplib::Response& res) { handle_2019(req, res); });
    s.Get("/msi2017/token", [this](const httplib::Request& req, httplib::Response& res) { handle_2017(req, res); });
    s.Post("/cloudshell/token",
           [this](const httplib::Request& req, httplib::Response& res) { handle_cloud_shell(req, res); });
}

void FakeAppService::start() {
    server_.start();
}
std::string FakeAppService::endpoint() const {
    return server_.base_url() + "/msi/token";
}
std::string FakeAppService::legacy_endpoint() const {
    return server_.base_url() + "/msi2017/token";
}
std::string FakeAppService::cloud_shell_endpoint() const {
    return server_.base_url() + "/cloudshell/token";
}

bool FakeAppService::issue(const RecordedRequest& r, const std::string& id, int id_count, bool date_string,
                           httplib::Response& response) {
    std::string resource = r.param("resource");
    if (!is_known_resource(resource)) {
        set_oauth_error(response, 400, "invalid_resource", "unknown resource");
        return false;
    }
    if (id_count > 1) {
        set_oauth_error(response, 400, "invalid_request", "only one identity parameter may be given");
        return false;
    }
    bool assigned = id_count == 0 ? options_.system_assigned : options_.user_assigned.count(id) > 0;
    if (!assigned) {
        set_oauth_error(response, 400, "invalid_request", "Unable to load the proper Managed Identity.");
        return false;
    }
    auto expires = std::chrono::system_clock::now() + options_.token_lifetime;
    std::time_t t = std::chrono::system_clock::to_time_t(expires);
    std::string expires_on = std::to_string(t);
    if (date_string) {
        std::tm tm{};
        gmtime_r(&t, &tm);
        char buffer[64];
        std::strftime(buffer, sizeof buffer, "%m/%d/%Y %I:%M:%S %p +00:00", &tm);
        expires_on = buffer;
    }
    nlohmann::json body = {
        {"access_token", mint_jwt(resource, id.empty() ? "system-assigned" : id, options_.token_lifetime)},
        {"expires_on", expires_on},
        {"resource", resource},
        {"token_type", "Bearer"},
        {"client_id", id.empty() ? "00000000-0000-0000-0000-000000000001" : id}};
    response.set_content(body.dump(), "application/json");
    return true;
}

void FakeAppService::handle_2019(const httplib::Request& request, httplib::Response& response) {
    RecordedRequest r = journal_.record(request);
    if (faults_.apply(response)) return;
    if (r.header("X-IDENTITY-HEADER") != options_.identity_header) {
        return set_oauth_error(response, 401, "unauthorized", "X-IDENTITY-HEADER missing or wrong");
    }
    if (r.param("api-version") != "2019-08-01") {
        return set_oauth_error(response, 400, "invalid_request", "api-version must be 2019-08-01");
    }
    if (r.has_param("msi_res_id") || r.has_param("clientid")) {
        return set_oauth_error(response, 400, "invalid_request", "unknown identity parameter");
    }
    int ids = int(r.has_param("client_id")) + int(r.has_param("principal_id")) + int(r.has_param("object_id")) +
              int(r.has_param("mi_res_id"));
    issue(r, r.param("client_id") + r.param("principal_id") + r.param("object_id") + r.param("mi_res_id"), ids, false,
          response);
}

void FakeAppService::handle_2017(const httplib::Request& request, httplib::Response& response) {
    RecordedRequest r = journal_.record(request);
    if (faults_.apply(response)) return;
    if (r.header("secret") != options_.msi_secret) {
        return set_oauth_error(response, 401, "unauthorized", "secret header missing or wrong");
    }
    if (r.param("api-version") != "2017-09-01") {
        return set_oauth_error(response, 400, "invalid_request", "api-version must be 2017-09-01");
    }
    if (r.has_param("client_id")) {
        return set_oauth_error(response, 400, "invalid_request", "the 2017 protocol spells it clientid");
    }
    issue(r, r.param("clientid"), int(r.has_param("clientid")), true, response);
}

void FakeAppService::handle_cloud_shell(const httplib::Request& request, httplib::Response& response) {
    RecordedRequest r = journal_.record(request);
    if (faults_.apply(response)) return;
    if (r.header("Metadata") != "true" || r.header("Content-Type").rfind("application/x-www-form-urlencoded", 0) != 0) {
        return set_oauth_error(response, 400, "invalid_request", "Metadata: true and a form body are required");
    }
    issue(r, "", 0, false, response);
}

}  // namespace testing
