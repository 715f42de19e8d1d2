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
    // A multi-tenant app: the apps are also known in `tenant`, whose tokens carry it as tid/iss.
    void add_tenant(std::string tenant) { other_tenants_.push_back(std::move(tenant)); }
    // A resource beyond the well-known ones (a vault in a private domain) that tokens are issued for.
    void add_resource(std::string resource) { extra_resources_.push_back(std::move(resource)); }
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
    std::vector<std::string> other_tenants_;
    std::vector<std::string> extra_resources_;
    std::chrono::seconds lifetime_{3599};
    RequestJournal journal_;
    FaultQueue faults_;
    // Last, so it is destroyed first: its threads stop before the state they use goes.
    LoopbackServer server_;
};

}  // namespace testing
