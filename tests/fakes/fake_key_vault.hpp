#pragma once
// A fake Key Vault data plane for Get Secret: GET /secrets/{name}[/{version}]?api-version=7.x
// with `Authorization: Bearer <jwt>` whose aud is the vault resource (a storage token gets
// 401 with the challenge, as the real vault answers). Error bodies are the real shape:
// {"error":{"code","message","innererror":{"code"}}}.
#include <map>
#include <string>
#include <vector>

#include "fakes/fake_service_support.hpp"
#include "fakes/loopback_server.hpp"

namespace testing {

class FakeKeyVault {
public:
    explicit FakeKeyVault(std::string audience = "https://vault.azure.net", std::string tenant = kFakeTenantId);
    // Adds a version (32 hex digits) and makes it the latest.
    void put_secret(const std::string& name, const std::string& value, const std::string& version = {},
                    bool enabled = true);
    // Every read is refused with 403 and this inner code (ForbiddenByRbac, AccessDenied, ForbiddenByFirewall).
    void deny(std::string inner_code);
    void start();
    std::string base_url() const;  // --key-vault-url
    std::vector<RecordedRequest> requests() const { return journal_.all(); }
    void push_fault(Fault fault) { faults_.push(std::move(fault)); }

private:
    struct Version {
        std::string value;
        bool enabled = true;
    };
    struct Entry {
        std::map<std::string, Version> versions;
        std::string latest;
    };
    void handle(const httplib::Request& request, httplib::Response& response);

    std::string audience_;
    std::string tenant_;
    std::string deny_;
    std::mutex mutex_;
    std::map<std::string, Entry> secrets_;
    RequestJournal journal_;
    FaultQueue faults_;
    // Last, so it is destroyed first: its threads stop before the state they use goes.
    LoopbackServer server_;
};

}  // namespace testing
