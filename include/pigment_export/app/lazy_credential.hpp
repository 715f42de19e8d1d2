#pragma once
// The Azure credential, created on first use and then shared: by Key Vault and storage in one
// run, and by every export of a manifest (so tokens are fetched once, not per export).
#include <memory>
#include <mutex>

#include "pigment_export/azure/token_credential.hpp"
#include "pigment_export/core/config.hpp"
#include "pigment_export/core/env.hpp"

namespace pe {

class LazyCredential {
public:
    LazyCredential(SecretSettings settings, NetworkSettings network, EnvLookup env)
        : settings_(std::move(settings)), network_(std::move(network)), env_(std::move(env)) {}

    azure::TokenCredential& get() {
        std::call_once(once_, [&] { credential_ = azure::make_credential(settings_, network_, env_); });
        return *credential_;
    }

    // A bearer token for Azure Storage; a failure is reported as the store stage's.
    Secret storage_token();

private:
    SecretSettings settings_;
    NetworkSettings network_;
    EnvLookup env_;
    std::once_flag once_;
    std::shared_ptr<azure::TokenCredential> credential_;
};

inline constexpr const char* kStorageResource = "https://storage.azure.com/";

}  // namespace pe
