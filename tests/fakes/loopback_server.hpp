#pragma once
// A cpp-httplib server on 127.0.0.1 and an ephemeral port, run on its own thread for the
// lifetime of the object. Fakes own one and register their routes on server().
#include <httplib.h>

#include <memory>
#include <string>
#include <thread>

namespace testing {

class LoopbackServer {
public:
    LoopbackServer();
    // HTTPS with the given certificate and key files (PEM).
    LoopbackServer(const std::string& cert_path, const std::string& key_path);
    ~LoopbackServer();
    LoopbackServer(const LoopbackServer&) = delete;
    LoopbackServer& operator=(const LoopbackServer&) = delete;

    httplib::Server& server() { return *server_; }
    // Starts listening (call after registering routes).
    void start();
    int port() const { return port_; }
    std::string base_url() const;

private:
    std::unique_ptr<httplib::Server> server_;
    std::thread thread_;
    int port_ = 0;
    bool tls_ = false;
};

}  // namespace testing
