#pragma once
// A fake Entra ID v2.0 token endpoint: POST /{tenant}/oauth2/v2.0/token with a form body,
// grant_type=client_credentials, a registered client_id, scope = resource + "/.default", and
// either the app's client_secret or a client_assertion (jwt-bearer) equal to the app's
// federated token. Errors carry AADSTS codes in error_codes and error_description.
// GET /{tenant}/v2.0/.well-known/openid-configuration answers the discovery document MSAL reads.
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "fakes/fake_service_support.hpp"
#include "fakes/loopback_server.hpp"

namespace testing {

struct FakeEntraApp {
    std::string client_id;
    std::string client_secret;    // empty: secrets are refused
    std::string federated_token;  // empty: assertions are refused
};

class FakeEntra {
public:
    explicit FakeEntra(std::string tenant = kFakeTenantId);
    void add_app(FakeEntraApp app);
    void set_token_lifetime(std::chrono::seconds lifetime) { lifetime_ = lifetime; }
    void start();
    std::string authority() const;  // AZURE_AUTHORITY_HOST
    const std::string& tenant() const { return tenant_; }
    std::vector<RecordedRequest> requests() const { return journal_.all(); }
    void push_fault(Fault fault) { faults_.push(std::move(fault)); }

private:
    void handle(const httplib::Request& request, httplib::Response& response);
    void discovery(const httplib::Request& request, httplib::Response& response);

    std::string tenant_;
    std::map<std::string, FakeEntraApp> apps_;
    std::chrono::seconds lifetime_{3599};
    LoopbackServer server_;
    RequestJournal journal_;
    FaultQueue faults_;
};

}  // namespace testing
