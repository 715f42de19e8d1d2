#pragma once
// A fake Azure Instance Metadata Service token endpoint, enforcing the real rules:
// GET /metadata/identity/oauth2/token, `Metadata: true`, api-version=2018-02-01, a known
// resource, at most one of client_id / object_id / msi_res_id, and only identities assigned
// to this "VM". Every value in the answer is a string, as IMDS sends it.
//
//   testing::FakeImds imds;                  // system-assigned identity enabled
//   imds.start();
//   env["AZURE_POD_IDENTITY_AUTHORITY_HOST"] = imds.base_url();
//   imds.push_fault({410});                  // then 200
//   imds.requests();                         // what the client sent
//
// Tokens are JWT-shaped with aud = the requested resource and an sts.windows.net issuer, so a
// storage token is accepted by Azurite started with --oauth basic.
#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "fakes/fake_service_support.hpp"
#include "fakes/loopback_server.hpp"

namespace testing {

struct FakeImdsOptions {
    bool system_assigned = true;
    std::set<std::string> user_assigned;  // client ids, object ids or resource ids accepted
    std::chrono::seconds token_lifetime{3600};
    std::string tenant = kFakeTenantId;
};

class FakeImds {
public:
    explicit FakeImds(FakeImdsOptions options = {});
    void start();
    std::string base_url() const;  // http://127.0.0.1:PORT, the value for AZURE_POD_IDENTITY_AUTHORITY_HOST
    std::vector<RecordedRequest> requests() const { return journal_.all(); }
    std::size_t request_count() const { return journal_.size(); }
    void push_fault(Fault fault) { faults_.push(std::move(fault)); }

private:
    void handle(const httplib::Request& request, httplib::Response& response);

    FakeImdsOptions options_;
    RequestJournal journal_;
    FaultQueue faults_;
    // Last, so it is destroyed first: its threads stop before the state they use goes.
    LoopbackServer server_;
};

// Resources the fake identity endpoints mint tokens for (with or without a trailing '/').
bool is_known_resource(const std::string& resource);

}  // namespace testing
