#pragma once
// A fake Azure Arc agent (himds): GET with `Metadata: true` and api-version=2019-11-01 (or MSAL's
// 2020-06-01) gets 401 + `WWW-Authenticate: Basic realm=<key file>`; the agent writes a fresh key
// file into key_dir for each challenge, and a repeat with `Authorization: Basic <content>` gets a token.
#include <chrono>
#include <string>
#include <vector>

#include "fakes/fake_service_support.hpp"
#include "fakes/loopback_server.hpp"

namespace testing {

class FakeArc {
public:
    explicit FakeArc(std::string key_dir);
    void start();
    std::string endpoint() const;       // IDENTITY_ENDPOINT
    std::string imds_endpoint() const;  // IMDS_ENDPOINT (only its presence matters)
    // Challenges name this path instead of a file in key_dir (to test the client's checks).
    void set_realm_override(std::string path) { realm_override_ = std::move(path); }
    std::vector<RecordedRequest> requests() const { return journal_.all(); }
    void push_fault(Fault fault) { faults_.push(std::move(fault)); }

private:
    void handle(const httplib::Request& request, httplib::Response& response);

    std::string key_dir_;
    std::string realm_override_;
    std::mutex mutex_;
    std::string current_key_;
    LoopbackServer server_;
    RequestJournal journal_;
    FaultQueue faults_;
};

}  // namespace testing
