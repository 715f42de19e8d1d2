#include "pigment_export/azure/workload_identity_credential.hpp"

#include "pigment_export/core/credential_text.hpp"
#include "pigment_export/core/failure.hpp"
#include "pigment_export/core/input_file.hpp"

namespace pe::azure {

namespace {

// A projected service-account token is a JWT of 1-2 KiB; 64 KiB refuses a wrong path early.
constexpr std::size_t kMaxFederatedToken = 64u << 10;

Secret read_federated_token(const std::filesystem::path& path) {
    Secret token(read_input_file(
        path, InputFile{"workload identity: the federated token file", Stage::secret, kMaxFederatedToken}));
    // Kubernetes writes the JWT alone; a hand-made file may end with a line break.
    std::string_view value = token.reveal();
    while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.remove_suffix(1);
    if (auto problem = credential_text_problem(value, kMaxFederatedToken)) {
        throw Failure(Stage::secret, "workload identity: the federated token file " + path.string() + " " + *problem,
                      "check AZURE_FEDERATED_TOKEN_FILE and that the service account token is projected into the pod");
    }
    return value.size() == token.reveal().size() ? token : Secret(std::string(value));
}

}  // namespace

WorkloadIdentityCredential::WorkloadIdentityCredential(EntraApp app, std::filesystem::path token_file,
                                                       NetworkSettings network)
    : app_(std::move(app)), token_file_(std::move(token_file)), network_(std::move(network)) {
    validate_entra_app(app_, name());
}

AccessToken WorkloadIdentityCredential::get_token(const TokenRequest& request) {
    EntraApp app = app_in_tenant(app_, request.tenant, name());
    Secret assertion = read_federated_token(token_file_);
    return request_entra_token(app, client_assertion_form(app, assertion, request.resource), network_, name());
}

}  // namespace pe::azure
