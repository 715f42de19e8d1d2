#include "fakes/azurite.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <thread>
#include <vector>

#include "fakes/fake_service_support.hpp"
#include "pigment_export/core/base64.hpp"
#include "pigment_export/core/env.hpp"
#include "pigment_export/core/url.hpp"
#include "pigment_export/core/utc_time.hpp"
#include "pigment_export/storage/storage_auth.hpp"

extern char** environ;

namespace testing {

namespace {

// The repo root, from this file's own (absolute, as CMake compiles it) path.
// Absolute, from CMake: __FILE__ is relative when ccache (base_dir) or the generator shortens paths.
std::string repo_root() {
    return PIGMENT_SOURCE_DIR;
}

std::string azurite_binary() {
    return repo_root() + "/node_modules/.bin/azurite-blob";
}

int free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        if (fd >= 0) ::close(fd);
        throw std::runtime_error("no free loopback port");
    }
    int port = ntohs(addr.sin_port);
    ::close(fd);
    return port;
}

bool accepts_connections(int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    bool ok = fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    if (fd >= 0) ::close(fd);
    return ok;
}

}  // namespace

bool Azurite::installed() {
    return std::filesystem::exists(azurite_binary());
}

Azurite::Azurite(AzuriteOptions options) : https_(options.https_oauth) {
    if (!installed()) {
        throw std::runtime_error("Azurite is not installed: run `npm ci` in " + repo_root());
    }
    port_ = free_port();
    std::vector<std::string> args{azurite_binary(),
                                  "--blobHost",
                                  "127.0.0.1",
                                  "--blobPort",
                                  std::to_string(port_),
                                  "--inMemoryPersistence",
                                  "--skipApiVersionCheck",
                                  "--loose",
                                  "--silent"};
    if (https_) {
        cert_path_ = dir_.file("cert.pem");
        std::string key_path = dir_.file("key.pem");
        auto made =
            run_program({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key_path, "-out", cert_path_},
                        {}, "/usr/bin/openssl");
        if (made.exit_code != 0) {
            throw std::runtime_error("openssl could not make a certificate: " + made.err);
        }
        args.insert(args.end(), {"--cert", cert_path_, "--key", key_path, "--oauth", "basic"});
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);

    std::string log = dir_.file("azurite.log");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    pid_t pid = 0;
    int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        throw std::runtime_error("cannot start " + azurite_binary());
    }
    pid_ = pid;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!accepts_connections(port_)) {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            throw std::runtime_error("Azurite exited at start: " + read_file(log));
        }
        if (std::chrono::steady_clock::now() > deadline) {
            throw std::runtime_error("Azurite did not listen within 30 s: " + read_file(log));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

Azurite::~Azurite() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 100; ++i) {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
}

std::string Azurite::base_url() const {
    return std::string(https_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_) + "/" + kAccount;
}

std::string Azurite::blob_url(const std::string& container, const std::string& blob) const {
    std::string out = base_url() + "/" + container;
    std::size_t start = 0;
    while (true) {
        auto slash = blob.find('/', start);
        out += "/" +
               pe::percent_encode(blob.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
        if (slash == std::string::npos) break;
        start = slash + 1;
    }
    return out;
}

pe::http::Response Azurite::send(pe::http::Request request) {
    pe::storage::Auth auth(pe::map_env({{"AZURE_STORAGE_KEY", kKey}}), kAccount, nullptr);
    auth.authorize(request);
    pe::http::ClientOptions options;
    options.ca_bundle = cert_path_;
    options.max_buffered_body = 1u << 30;
    pe::http::Client client(options);
    return client.send(request);
}

void Azurite::create_container(const std::string& container) {
    pe::http::Request r;
    r.method = "PUT";
    r.url = base_url() + "/" + container + "?restype=container";
    auto response = send(r);
    if (response.status != 201) {
        throw std::runtime_error("create container " + container + ": HTTP " + std::to_string(response.status) + " " +
                                 response.body);
    }
}

pe::http::Response Azurite::get_blob(const std::string& container, const std::string& blob) {
    pe::http::Request r;
    r.url = blob_url(container, blob);
    return send(r);
}

void Azurite::put_blob(const std::string& container, const std::string& blob, const std::string& content) {
    pe::http::Request r;
    r.method = "PUT";
    r.url = blob_url(container, blob);
    r.headers.push_back({"x-ms-blob-type", "BlockBlob"});
    r.body = content;
    auto response = send(r);
    if (response.status != 201) {
        throw std::runtime_error("put blob: HTTP " + std::to_string(response.status) + " " + response.body);
    }
}

std::string Azurite::account_sas(const std::string& permissions) const {
    // Account SAS, version 2019-12-12 layout: account, permissions, services, resource types,
    // start, expiry, IP, protocol, version, and a trailing newline.
    const std::string version = "2019-12-12";
    const std::string expiry = pe::utc_iso8601(std::chrono::system_clock::now() + std::chrono::hours(24));
    const std::string string_to_sign =
        std::string(kAccount) + "\n" + permissions + "\nb\nsco\n\n" + expiry + "\n\nhttps,http\n" + version + "\n";
    std::string sig = hmac_sha256_base64(pe::base64_decode(kKey), string_to_sign);
    return "sv=" + version + "&ss=b&srt=sco&sp=" + permissions + "&se=" + pe::percent_encode(expiry) +
           "&spr=https,http&sig=" + pe::percent_encode(sig);
}

}  // namespace testing
