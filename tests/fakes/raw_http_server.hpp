#pragma once
// A loopback server that answers every request with exactly the bytes it is given and then
// closes the connection: for responses cpp-httplib will not produce (no framing, conflicting
// Content-Length, a Content-Encoding never asked for, oversized headers).
#include <atomic>
#include <string>
#include <thread>

namespace testing {

class RawHttpServer {
public:
    explicit RawHttpServer(std::string answer);
    ~RawHttpServer();
    RawHttpServer(const RawHttpServer&) = delete;
    RawHttpServer& operator=(const RawHttpServer&) = delete;

    std::string base_url() const;
    // Requests whose head was read completely.
    int requests() const { return requests_.load(); }

private:
    void serve();

    std::string answer_;
    int listener_ = -1;
    int port_ = 0;
    std::atomic<bool> stopping_{false};
    std::atomic<int> requests_{0};
    std::thread thread_;
};

}  // namespace testing
