#include "fakes/loopback_server.hpp"

#include <stdexcept>

namespace testing {

LoopbackServer::LoopbackServer() : server_(std::make_unique<httplib::Server>()) {}

LoopbackServer::LoopbackServer(const std::string& cert_path, const std::string& key_path)
    : server_(std::make_unique<httplib::SSLServer>(cert_path.c_str(), key_path.c_str())), tls_(true) {}

void LoopbackServer::start() {
    server_->new_task_queue = [] { return new httplib::ThreadPool(8); };
    port_ = server_->bind_to_any_port("127.0.0.1");
    if (port_ <= 0) {
        throw std::runtime_error("cannot bind a loopback port");
    }
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    while (!server_->is_running()) {
        std::this_thread::yield();
    }
}

LoopbackServer::~LoopbackServer() {
    server_->stop();
    if (thread_.joinable()) thread_.join();
}

std::string LoopbackServer::base_url() const {
    return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
}

}  // namespace testing
