#include "pigment_export/app/secret_stage.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "pigment_export/azure/key_vault.hpp"
#include "pigment_export/core/failure.hpp"
#include "pigment_export/core/log.hpp"

namespace pe {

namespace {

constexpr std::size_t kMaxKeyFile = 64u << 10;

Secret read_key_file(const std::filesystem::path& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        throw Failure(FailureInfo{Stage::secret, 0, "KeyFileUnreadable",
                                  "cannot read --api-key-file '" + path.string() + "': " + std::strerror(errno),
                                  "check the path and that this user may read it"});
    }
    struct stat st{};
    if (fstat(fd, &st) == 0 && (st.st_mode & S_IROTH) != 0) {
        spdlog::warn("--api-key-file '{}' is readable by every user on this machine; chmod 600 it", path.string());
    }
    // Read straight into the string that becomes the Secret, so no other copy lingers.
    std::string content(kMaxKeyFile + 1, '\0');
    std::size_t total = 0;
    for (;;) {
        ssize_t n = ::read(fd, content.data() + total, content.size() - total);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        total += static_cast<std::size_t>(n);
        if (total == content.size()) break;
    }
    ::close(fd);
    if (total > kMaxKeyFile) {
        throw Failure(FailureInfo{Stage::secret, 0, "KeyFileTooLarge", "--api-key-file '" + path.string() + "' is larger than 64 KiB",
                                  "the file must hold only the Pigment API key"});
    }
    content.resize(total);
    return parse_api_key_file(std::move(content), path.string());
}

}  // namespace

Secret parse_api_key_file(std::string content, const std::string& path) {
    while (!content.empty() && (content.back() == '\n' || content.back() == '\r')) content.pop_back();
    Secret key(std::move(content));
    const std::string& value = key.reveal();
    if (value.empty()) {
        throw Failure(FailureInfo{Stage::secret, 0, "KeyFileEmpty", "--api-key-file '" + path + "' is empty",
                                  "write the Pigment Export API key into it"});
    }
    if (value.find_first_of("\r\n") != std::string::npos) {
        throw Failure(FailureInfo{Stage::secret, 0, "KeyFileMalformed", "--api-key-file '" + path + "' has more than one line",
                                  "the file must hold only the Pigment API key"});
    }
    return key;
}

std::string describe_key_source(const Config& config) {
    const auto& s = config.secret;
    if (!s.key_vault_url.empty()) {
        return "Key Vault " + s.key_vault_url + "/secrets/" + s.secret_name + (s.secret_version.empty() ? "" : "/" + s.secret_version);
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
    Secret key(std::move(*value));
    if (key.reveal().find_first_of("\r\n") != std::string::npos) {
        throw Failure(FailureInfo{Stage::secret, 0, "KeyMalformed", "PIGMENT_API_KEY contains a line break",
                                  "set it to the key alone"});
    }
    return key;
}

}  // namespace pe
