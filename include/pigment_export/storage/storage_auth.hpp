#pragma once
// How storage requests are authorized. Precedence: a SAS token from AZURE_STORAGE_SAS_TOKEN,
// then a Shared Key from AZURE_STORAGE_KEY (the account comes from the URL), then a bearer
// token for https://storage.azure.com/ from the credential.
#include <chrono>
#include <mutex>
#include <string>
#include <string_view>

#include "pigment_export/core/env.hpp"
#include "pigment_export/core/secret.hpp"
#include "pigment_export/http/client.hpp"
#include "pigment_export/storage/storage_sink_factory.hpp"

namespace pe::storage {

// Every request carries it. Azurite 3.37 accepts up to 2026-06-06; this one covers every
// operation used here (5000 MiB Put Blob needs >= 2019-12-12).
inline constexpr std::string_view kApiVersion = "2021-08-06";

enum class AuthKind { sas, shared_key, bearer };

class Auth {
public:
    Auth(const EnvLookup& env, std::string account, StorageTokenSource tokens);
    Auth(const Auth&) = delete;
    Auth& operator=(const Auth&) = delete;

    AuthKind kind() const noexcept { return kind_; }

    // Stamps a fresh x-ms-client-request-id, x-ms-version and x-ms-date and authorizes the
    // request. Called on every attempt, after every other header and query parameter is in
    // place (Shared Key signs them all).
    // Safe to call from several threads.
    void authorize(http::Request& request) const;

    // What a DFS rename must append to x-ms-rename-source: "?<sas>" with SAS, else empty.
    std::string rename_source_query() const;

    // Names the credential in hints, e.g. "the SAS token in AZURE_STORAGE_SAS_TOKEN".
    std::string describe() const;

private:
    std::string bearer_token() const;

    AuthKind kind_ = AuthKind::bearer;
    std::string account_;
    Secret sas_;
    Secret key_;
    StorageTokenSource tokens_;
    mutable std::mutex token_mutex_;
    mutable Secret token_;
    mutable std::chrono::steady_clock::time_point token_fetched_{};
};

}  // namespace pe::storage
