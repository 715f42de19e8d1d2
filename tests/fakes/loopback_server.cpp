#include "fakes/loopback_server.hpp"

#include <stdexcept>

#include "fakes/round_trips.hpp"

namespace testing {

namespace {
thread_local std::chrono::steady_clock::time_point t_arrived;
}

LoopbackServer::LoopbackServer() : server_(std::make_unique<httplib::Server>()) {}

LoopbackServer::LoopbackServer(const std::string& cert_path, const std::string& key_path)
    : server_(std::make_unique<httplib::SSLServer>(cert_path.c_str(), key_path.c_str())), tls_(true) {}

void LoopbackServer::start() {
    server_->new_task_queue = [] { return new httplib::ThreadPool(8); };
    if (RoundTripRecorder* recorder = RoundTripRecorder::active()) {
        // httplib runs the pre-routing handler, the route and the logger (once the answer is
        // written) of one request on one thread.
        server_->set_pre_routing_handler([recorder](const httplib::Request&, httplib::Response&) {
            t_arrived = std::chrono::steady_clock::now();
            std::this_thread::sleep_for(recorder->latency());
            return httplib::Server::HandlerResponse::Unhandled;
        });
        server_->set_logger([recorder, this](const httplib::Request& request, const httplib::Response&) {
            std::string what = request.path;
            // The parameters that name a storage operation; never the rest (a SAS is secret).
            for (const char* name : {"resource", "action", "comp"}) {
                if (request.has_param(name)) what += std::string("?") + name + "=" + request.get_param_value(name);
            }
            recorder->record({port_, request.method, what, t_arrived, std::chrono::steady_clock::now()});
        });
    }
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
