#include "pigment_export/azure/chained_credential.hpp"

#include "pigment_export/azure/credential_unavailable.hpp"
#include "pigment_export/core/log.hpp"

namespace pe::azure {

ChainedCredential::ChainedCredential(std::vector<std::unique_ptr<TokenCredential>> sources)
    : sources_(std::move(sources)) {}

std::string ChainedCredential::name() const {
    int chosen = chosen_.load();
    return chosen < 0 ? std::string("auto") : "auto (" + sources_[static_cast<std::size_t>(chosen)]->name() + ")";
}

AccessToken ChainedCredential::get_token(const TokenRequest& request) {
    if (int chosen = chosen_.load(); chosen >= 0) {
        return sources_[static_cast<std::size_t>(chosen)]->get_token(request);
    }
    std::vector<std::string> reasons;
    for (std::size_t i = 0; i < sources_.size(); ++i) {
        try {
            AccessToken token = sources_[i]->get_token(request);
            chosen_ = static_cast<int>(i);
            spdlog::debug("credential: using {}", sources_[i]->name());
            return token;
        } catch (const CredentialUnavailable& e) {
            const std::string& message = e.info().message;
            bool named = message.rfind(sources_[i]->name() + ":", 0) == 0;
            reasons.push_back(named ? message : sources_[i]->name() + ": " + message);
            spdlog::debug("credential: {} unavailable", sources_[i]->name());
        }
    }
    // The Failure line is flattened to one line, so each source's reason also gets its own log line.
    std::string joined;
    for (const auto& reason : reasons) {
        spdlog::warn("credential auto: {}", reason);
        joined += (joined.empty() ? "" : "; ") + reason;
    }
    throw Failure(Stage::secret, "no Azure credential is available: " + joined,
                  "set AZURE_TENANT_ID + AZURE_CLIENT_ID + AZURE_CLIENT_SECRET, run where a managed identity is "
                  "assigned, or run `az login`; --credential picks one source");
}

}  // namespace pe::azure
