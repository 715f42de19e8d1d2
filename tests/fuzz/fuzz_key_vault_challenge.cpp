// Key Vault's WWW-Authenticate challenge: parse_bearer_challenge and challenge_problem.
// Input: SELECTOR(1 byte, picks the vault host) HEADER. Neither documents an exception; a
// challenge accepted for a vault names an https resource whose host is a parent domain of the
// vault's host, and a tenant of GUID/domain characters only.
#include <array>
#include <string>

#include "fuzz/fuzz_support.hpp"
#include "pigment_export/azure/key_vault_challenge.hpp"

namespace {

bool ends_with(std::string_view text, std::string_view suffix) {
    return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

std::string lower(std::string text) {
    for (char& c : text) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return text;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    static const std::array<std::string, 4> kVaults = {"myvault.vault.azure.net", "kv1.vault.localhost",
                                                       "contoso.vault.usgovcloudapi.net", "127.0.0.1"};
    const std::string& vault = kVaults[data[0] % kVaults.size()];
    std::string_view header(reinterpret_cast<const char*>(data) + 1, size - 1);
    try {
        auto challenge = pe::azure::parse_bearer_challenge(header);
        if (!challenge) return 0;
        fuzz::check(header.size() <= pe::azure::kMaxChallengeBytes, "a header beyond the limit was parsed");
        fuzz::check(challenge->authorization.size() <= header.size() && challenge->resource.size() <= header.size(),
                    "challenge part longer than the header");
        fuzz::check(challenge->authorization.find(challenge->tenant) != std::string::npos,
                    "tenant not from authorization");
        if (pe::azure::challenge_problem(*challenge, vault)) return 0;
        std::string resource = lower(challenge->resource);
        fuzz::check(resource.rfind("https://", 0) == 0, "a followed resource is not https", resource);
        std::string host = resource.substr(8, resource.find_first_of(":/", 8) - 8);
        fuzz::check(host.find('.') != std::string::npos && ends_with(vault, "." + host),
                    "a followed resource is outside the vault's domain", resource);
        for (char c : challenge->tenant) {
            fuzz::check(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.', "tenant character",
                        challenge->tenant);
        }
    } catch (const std::exception& e) {
        fuzz::fail("Key Vault challenge parsing threw", e.what());
    }
    return 0;
}
