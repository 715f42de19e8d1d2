#pragma once
// Azure Arc-enabled servers: the local agent answers the first request with 401 and
// `WWW-Authenticate: Basic realm=<key file>`; whoever can read that file proves to be a local
// administrator and repeats the request with its content.
#include <filesystem>
#include <string>
#include <string_view>

#include "pigment_export/azure/token_credential.hpp"
#include "pigment_export/core/config.hpp"
#include "pigment_export/core/secret.hpp"
#include "pigment_export/http/client.hpp"

namespace pe::azure {

// The key file named by the challenge, read only if it lies directly in `key_dir` (after
// resolving links), ends in .key and holds at most 4096 bytes. Throws Failure otherwise: a
// challenge must not make us read, and send, an arbitrary file.
Secret read_arc_key_file(std::string_view www_authenticate, const std::filesystem::path& key_dir);

class ArcSource : public TokenCredential {
public:
    // key_dir: platform_arc_key_dir() in production, a temporary folder in tests.
    ArcSource(std::string endpoint, std::filesystem::path key_dir, NetworkSettings network, bool in_chain);
    AccessToken get_token(const TokenRequest& request) override;
    std::string name() const override { return "managed identity (Azure Arc)"; }

    http::Request build_request(const std::string& resource) const;

private:
    std::string endpoint_;
    std::filesystem::path key_dir_;
    NetworkSettings network_;
    bool in_chain_;
};

}  // namespace pe::azure
