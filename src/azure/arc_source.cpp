#include "pigment_export/azure/arc_source.hpp"

#include <system_error>

#include "pigment_export/azure/managed_identity_id.hpp"
#include "pigment_export/azure/managed_identity_source.hpp"
#include "pigment_export/core/credential_text.hpp"
#include "pigment_export/core/failure.hpp"
#include "pigment_export/core/input_file.hpp"
#include "pigment_export/core/secret.hpp"
#include "pigment_export/core/url.hpp"
#include "pigment_export/http/retrying_send.hpp"
#include "pigment_export/http/service_trace.hpp"

namespace pe::azure {

namespace {

constexpr std::size_t kMaxKeyFileBytes = 4096;
constexpr std::string_view kRefusedHint =
    "the Arc agent rejected the key file's content: run as a member of the himds group (or root) and retry";

[[noreturn]] void refuse(const std::string& why) {
    throw Failure(FailureInfo{Stage::secret,
                              401,
                              {},
                              "the Azure Arc challenge names " + why,
                              "only key files the Arc agent writes to " + platform_arc_key_dir().string() +
                                  " are read; check that the agent (himds) is healthy"});
}

std::string realm_of(std::string_view challenge) {
    auto at = challenge.find("realm=");
    if (challenge.substr(0, 6) != "Basic " || at == std::string_view::npos) {
        return {};
    }
    std::string_view realm = challenge.substr(at + 6);
    if (!realm.empty() && realm.front() == '"') {
        realm.remove_prefix(1);
        realm = realm.substr(0, realm.find('"'));
    }
    return std::string(realm);
}

}  // namespace

Secret read_arc_key_file(std::string_view www_authenticate, const std::filesystem::path& key_dir) {
    std::string realm = realm_of(www_authenticate);
    if (realm.empty()) {
        refuse("no key file (expected `Basic realm=<path>`)");
    }
    std::filesystem::path path(realm);
    // Resolve links on both sides so a link inside the folder cannot point elsewhere.
    std::error_code path_error;
    std::error_code dir_error;
    auto real_path = std::filesystem::canonical(path, path_error);
    auto real_dir = std::filesystem::canonical(key_dir, dir_error);
    if (path_error || dir_error || real_path.parent_path() != real_dir) {
        refuse("a file outside the agent's token folder: " + realm);
    }
    if (real_path.extension() != ".key") {
        refuse("a file that is not a .key file: " + realm);
    }
    Secret key(read_input_file(real_path, InputFile{"the Azure Arc key file", Stage::secret, kMaxKeyFileBytes}));
    // It becomes a Basic credential header: nothing but visible ASCII may go there.
    if (auto problem = credential_text_problem(key.reveal(), kMaxKeyFileBytes)) {
        refuse("a key file whose content " + *problem + ": " + realm);
    }
    return key;
}

ArcSource::ArcSource(std::string endpoint, std::filesystem::path key_dir, NetworkSettings network, bool in_chain)
    : endpoint_(std::move(endpoint)), key_dir_(std::move(key_dir)), network_(std::move(network)), in_chain_(in_chain) {}

http::Request ArcSource::build_request(const std::string& resource) const {
    http::Request request;
    request.url = with_query(endpoint_, "api-version=2019-11-01&resource=" + percent_encode(resource));
    request.headers = {{"Metadata", "true"}, {"Accept", "application/json"}, http::client_request_id_header()};
    return request;
}

AccessToken ArcSource::get_token(const TokenRequest& token_request) {
    const std::string& resource = token_request.resource;  // one tenant: token_request.tenant does not apply
    constexpr std::string_view kSource = "the Azure Arc agent";
    return ask_platform_endpoint(endpoint_, network_, kSource, [&](PlatformEndpoint& to) {
        http::Response challenge = http::send_with_retry(to.client, to.policy, [&] { return build_request(resource); });
        if (challenge.status != 401) {
            return managed_identity_token(challenge, kSource, to.host, ManagedIdentityId{}, in_chain_, kRefusedHint);
        }
        auto header = http::find_header(challenge.headers, "WWW-Authenticate");
        Secret key = read_arc_key_file(header.value_or(std::string_view{}), key_dir_);
        Secret authorization("Basic " + key.reveal());
        http::Response response = http::send_with_retry(to.client, to.policy, [&] {
            http::Request request = build_request(resource);
            request.headers.push_back({"Authorization", authorization.reveal()});
            return request;
        });
        return managed_identity_token(response, kSource, to.host, ManagedIdentityId{}, in_chain_, kRefusedHint);
    });
}

}  // namespace pe::azure
