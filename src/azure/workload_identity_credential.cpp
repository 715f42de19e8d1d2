#include "pigment_export/azure/workload_identity_credential.hpp"

#include <fstream>
#include <iterator>

#include "pigment_export/azure/wipe.hpp"
#include "pigment_export/core/failure.hpp"

namespace pe::azure {

namespace {

Secret read_federated_token(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw Failure(Stage::secret, "workload identity: cannot read the federated token file " + path.string(),
                      "check AZURE_FEDERATED_TOKEN_FILE and that the pod has the azure.workload.identity/use label");
    }
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    while (!content.empty() && (content.back() == '\n' || content.back() == '\r' || content.back() == ' ')) {
        content.pop_back();
    }
    if (content.empty()) {
        throw Failure(Stage::secret, "workload identity: the federated token file " + path.string() + " is empty",
                      "check that the service account token is projected into the pod");
    }
    Secret token(content);
    wipe(content);
    return token;
}

}  // namespace

WorkloadIdentityCredential::WorkloadIdentityCredential(EntraApp app, std::filesystem::path token_file,
                                                       NetworkSettings network)
    : app_(std::move(app)), token_file_(std::move(token_file)), network_(std::move(network)) {
    validate_entra_app(app_, name());
}

AccessToken WorkloadIdentityCredential::get_token(const std::string& resource) {
    Secret assertion = read_federated_token(token_file_);
    return request_entra_token(app_, client_assertion_form(app_, assertion, resource), network_, name());
}

}  // namespace pe::azure
