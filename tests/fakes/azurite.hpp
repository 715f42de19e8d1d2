#pragma once
// Azurite's Blob service (the pinned npm package under node_modules/) on a free loopback port,
// in-memory, for the lifetime of the object. Optionally HTTPS with a self-signed certificate
// made here (openssl CLI) and --oauth basic, so bearer tokens are accepted.
#include <string>

#include "fakes/process_runner.hpp"
#include "pigment_export/http/client.hpp"

namespace testing {

struct AzuriteOptions {
    bool https_oauth = false;
};

class Azurite {
public:
    static constexpr const char* kAccount = "devstoreaccount1";
    static constexpr const char* kKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    explicit Azurite(AzuriteOptions options = {});
    ~Azurite();
    Azurite(const Azurite&) = delete;
    Azurite& operator=(const Azurite&) = delete;

    // True when node_modules/.bin/azurite-blob exists (run `npm ci` at the repo root).
    static bool installed();

    int port() const { return port_; }
    std::string base_url() const;  // http(s)://127.0.0.1:PORT/devstoreaccount1
    std::string blob_url(const std::string& container, const std::string& blob) const;
    std::string ca_certificate() const { return cert_path_; }  // empty without HTTPS

    // Helpers signed with the dev account's Shared Key.
    void create_container(const std::string& container);
    pe::http::Response get_blob(const std::string& container, const std::string& blob);
    void put_blob(const std::string& container, const std::string& blob, const std::string& content);

    // An account SAS for the blob service (all permissions unless given, valid for a day).
    std::string account_sas(const std::string& permissions = "racwdl") const;

private:
    pe::http::Response send(pe::http::Request request);

    TempDir dir_;
    std::string cert_path_;
    int port_ = 0;
    int pid_ = -1;
    bool https_ = false;
};

}  // namespace testing
