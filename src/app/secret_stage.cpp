#include "pigment_export/app/secret_stage.hpp"

#include <sys/stat.h>

#include "pigment_export/azure/key_vault.hpp"
#include "pigment_export/core/failure.hpp"
#include "pigment_export/core/input_file.hpp"
#include "pigment_export/core/log.hpp"
#include "pigment_export/pigment/api_key.hpp"

namespace pe {

namespace {

// Larger than any key, so that a key with trailing junk gets the precise complaint of
// checked_api_key rather than "too large".
constexpr std::size_t kMaxKeyFile = 64u << 10;

Secret read_key_file(const std::filesystem::path& path) {
    std::string where = "--api-key-file '" + path.string() + "'";
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && (st.st_mode & S_IROTH) != 0) {
        spdlog::warn("{} is readable by every user on this machine; chmod 600 it", where);
    }
    return pigment::checked_api_key(read_input_file(path, InputFile{"--api-key-file", Stage::secret, kMaxKeyFile}),
                                    pigment::ApiKeyOrigin::file, where);
}

}  // namespace

std::string describe_key_source(const Config& config) {
    const auto& s = config.secret;
    if (!s.key_vault_url.empty()) {
        return "Key Vault " + s.key_vault_url + "/secrets/" + s.secret_name +
               (s.secret_version.empty() ? "" : "/" + s.secret_version);
    }
    if (!s.api_key_file.empty()) return "file " + s.api_key_file.string();
    return "environment variable PIGMENT_API_KEY";
}

Secret obtain_api_key(const Config& config, const EnvLookup& env, const CredentialProvider& credential) {
    const auto& s = config.secret;
    spdlog::debug("reading the Pigment API key from {}", describe_key_source(config));
    if (!s.key_vault_url.empty()) {
        return azure::read_key_vault_secret(credential(), s, config.network, config.transfer.max_retries);
    }
    if (!s.api_key_file.empty()) {
        return read_key_file(s.api_key_file);
    }
    auto value = env("PIGMENT_API_KEY");
    if (!value) {
        throw Failure(FailureInfo{Stage::secret, 0, "NoApiKey", "PIGMENT_API_KEY is not set",
                                  "use --key-vault-url with --secret-name, --api-key-file, or set PIGMENT_API_KEY"});
    }
    return pigment::checked_api_key(std::move(*value), pigment::ApiKeyOrigin::environment, "PIGMENT_API_KEY");
}

}  // namespace pe
