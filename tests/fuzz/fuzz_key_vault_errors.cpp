// Key Vault error mapping: parse_key_vault_error and key_vault_failure (which reads the challenge;
// the challenge parser has its own target, fuzz_key_vault_challenge).
// Input: STATUS(2 bytes) WWW-AUTHENTICATE \0 BODY. None of them documents an exception; the
// Failure is stage "secret", carries the status and is one line.
#include <string>

#include "fuzz/fuzz_support.hpp"
#include "pigment_export/azure/key_vault_errors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    int status = 100 + (data[0] | (data[1] << 8)) % 500;
    std::string_view rest(reinterpret_cast<const char*>(data) + 2, size - 2);
    auto nul = rest.find('\0');
    std::string_view challenge = rest.substr(0, nul);
    std::string_view body = nul == std::string_view::npos ? std::string_view{} : rest.substr(nul + 1);
    try {
        auto e = pe::azure::parse_key_vault_error(body);
        fuzz::check(e.message.size() <= 300, "Key Vault message not shortened", e.message);
        pe::http::Headers headers{{"WWW-Authenticate", std::string(challenge)}, {"Content-Type", "application/json"}};
        pe::azure::KeyVaultTarget target{"kv.vault.azure.net", "pigment-key", "https://vault.azure.net"};
        auto f = pe::azure::key_vault_failure(status, headers, body, target);
        fuzz::check(f.stage() == pe::Stage::secret, "Key Vault failure is not stage secret", f.what());
        fuzz::check(f.info().http_status == status, "Key Vault failure lost the status");
        fuzz::check(!fuzz::has_line_break(f.what()), "Key Vault failure is not one line", f.what());
    } catch (const std::exception& e) {
        fuzz::fail("Key Vault error mapping threw", e.what());
    }
    return 0;
}
