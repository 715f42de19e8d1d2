#pragma once
// A fake App Service / Functions / Container Apps identity endpoint with its three protocols:
//   endpoint()             2019-08-01: GET, X-IDENTITY-HEADER, client_id | principal_id | mi_res_id
//   legacy_endpoint()      2017-09-01: GET, `secret` header, clientid; expires_on as a date string
//   cloud_shell_endpoint() Cloud Shell: POST form resource=..., Metadata: true
#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "fakes/fake_service_support.hpp"
#include "fakes/loopback_server.hpp"

namespace testing {

struct FakeAppServiceOptions {
    std::string identity_header = "fake-identity-header-0123456789";
    std::string msi_secret = "fake-msi-secret-0123456789";
    bool system_assigned = true;
    std::set<std::string> user_assigned;
    std::chrono::seconds token_lifetime{3600};
};

class FakeAppService {
public:
    explicit FakeAppService(FakeAppServiceOptions options = {});
    void start();
    std::string endpoint() const;              // IDENTITY_ENDPOINT
    std::string legacy_endpoint() const;       // MSI_ENDPOINT with MSI_SECRET
    std::string cloud_shell_endpoint() const;  // MSI_ENDPOINT alone
    const FakeAppServiceOptions& options() const { return options_; }
    std::vector<RecordedRequest> requests() const { return journal_.all(); }
    void push_fault(Fault fault) { faults_.push(std::move(fault)); }

private:
    void handle_2019(const httplib::Request& request, httplib::Response& response);
    void handle_2017(const httplib::Request& request, httplib::Response& response);
    void handle_cloud_shell(const httplib::Request& request, httplib::Response& response);
    bool issue(const RecordedRequest& r, const std::string& id, int id_count, bool date_string,
               httplib::Response& response);

    FakeAppServiceOptions options_;
    RequestJournal journal_;
    FaultQueue faults_;
    // Last, so it is destroyed first: its threads stop before the state they use goes.
    LoopbackServer server_;
};

}  // namespace testing
