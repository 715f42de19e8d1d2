#pragma once
// A loopback fake of Pigment's export API that enforces what the real one does:
// Bearer API key, the method per block type, v1 and legacy paths, the body schema of
// list/metric/table requests (known keys, enum values) and the view query parameters.
// Faults are queued and consumed by the next export requests, one per request.
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "fakes/loopback_server.hpp"

namespace testing {

struct PigmentFault {
    enum class Kind {
        status,       // answer `status` (with Retry-After when set) and an error body
        html_ok,      // 200 with an HTML login page
        cut_after,    // stream `bytes` bytes of the CSV, then drop the connection
        stall_after,  // stream `bytes` bytes, then go silent for `delay`
        slow          // stream the whole CSV in small pieces, `delay` between them
    };
    Kind kind = Kind::status;
    int status = 500;
    std::string retry_after;
    std::uint64_t bytes = 0;
    std::chrono::milliseconds delay{0};
};

struct PigmentRequest {
    std::string method;
    std::string path;
    std::map<std::string, std::string> query;
    std::string authorization;
    std::string content_type;
    std::string body;
};

class FakePigment {
public:
    explicit FakePigment(std::string api_key);

    // A block served with this exact CSV content.
    void add_block(const std::string& type, const std::string& id, std::string csv);
    // A block served from csv_generator, streamed without holding it in memory.
    void add_generated_block(const std::string& type, const std::string& id, std::uint64_t min_bytes);
    void push_fault(PigmentFault fault);

    std::vector<PigmentRequest> requests() const;
    std::size_t export_requests() const;
    std::string base_url() const { return server_.base_url(); }

private:
    struct Block {
        std::string csv;
        std::uint64_t generated_bytes = 0;  // > 0: generated instead of csv
    };
    void handle(const httplib::Request& req, httplib::Response& res, const std::string& type, bool v1);
    std::string validate(const httplib::Request& req, const std::string& type, bool v1) const;

    std::string api_key_;
    mutable std::mutex mutex_;
    std::map<std::string, Block> blocks_;  // key: type/id
    std::deque<PigmentFault> faults_;
    std::vector<PigmentRequest> requests_;
    LoopbackServer server_;
};

}  // namespace testing
