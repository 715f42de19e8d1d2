#include "pigment_export/storage/storage_auth.hpp"

#include "pigment_export/core/failure.hpp"
#include "pigment_export/core/url.hpp"
#include "pigment_export/core/utc_time.hpp"
#include "pigment_export/http/service_trace.hpp"
#include "pigment_export/storage/shared_key_signer.hpp"

namespace pe::storage {

namespace {

// The credential keeps its own cache and renews early; asking it again every few minutes is
// cheap and picks up a renewed token long before the old one expires.
constexpr std::chrono::minutes kTokenReuse{5};

}  // namespace

Auth::Auth(const EnvLookup& env, std::string account, StorageTokenSource tokens)
    : account_(std::move(account)), tokens_(std::move(tokens)) {
    if (auto sas = env("AZURE_STORAGE_SAS_TOKEN"); sas && !sas->empty()) {
        std::string_view value = *sas;
        if (value.front() == '?') value.remove_prefix(1);
        if (value.find("sig=") == std::string_view::npos) {
            throw Failure(Stage::store, "AZURE_STORAGE_SAS_TOKEN has no sig= parameter",
                          "set it to the SAS query string, e.g. sv=...&sp=...&sig=...");
        }
        kind_ = AuthKind::sas;
        sas_ = Secret(std::string(value));
    } else if (auto key = env("AZURE_STORAGE_KEY"); key && !key->empty()) {
        kind_ = AuthKind::shared_key;
        key_ = Secret(*key);
    } else {
        if (!tokens_) {
            throw Failure(Stage::store, "no storage credential is available",
                          "set AZURE_STORAGE_SAS_TOKEN or AZURE_STORAGE_KEY, or run with an Azure identity");
        }
        kind_ = AuthKind::bearer;
    }
}

void Auth::authorize(http::Request& request) const {
    // Before the signature: Shared Key signs every x-ms- header.
    request.headers.push_back(http::client_request_id_header());
    request.headers.push_back({"x-ms-version", std::string(kApiVersion)});
    request.headers.push_back({"x-ms-date", http_date(std::chrono::system_clock::now())});
    switch (kind_) {
        case AuthKind::sas:
            request.url = with_query(std::move(request.url), sas_.reveal());
            break;
        case AuthKind::shared_key: {
            std::string signature = shared_key_signature(shared_key_string_to_sign(request, account_), key_);
            request.headers.push_back({"Authorization", "SharedKey " + account_ + ":" + signature});
            break;
        }
        case AuthKind::bearer:
            request.headers.push_back({"Authorization", "Bearer " + bearer_token()});
            break;
    }
}

std::string Auth::bearer_token() const {
    std::lock_guard lock(token_mutex_);
    auto now = std::chrono::steady_clock::now();
    if (token_.empty() || now - token_fetched_ > kTokenReuse) {
        token_ = tokens_();
        token_fetched_ = now;
        if (token_.empty()) {
            throw Failure(Stage::store, "the credential returned an empty storage token");
        }
    }
    return token_.reveal();
}

std::string Auth::rename_source_query() const {
    return kind_ == AuthKind::sas ? "?" + sas_.reveal() : std::string();
}

std::string Auth::describe() const {
    switch (kind_) {
        case AuthKind::sas:
            return "the SAS token in AZURE_STORAGE_SAS_TOKEN";
        case AuthKind::shared_key:
            return "the account key in AZURE_STORAGE_KEY";
        case AuthKind::bearer:
            break;
    }
    return "the Azure identity";
}

}  // namespace pe::storage
