#include <catch2/catch.hpp>

#include "pigment_export/azure/entra_errors.hpp"

using namespace pe::azure;

TEST_CASE("The AADSTS code comes from error_codes, else from the description", "[azure][entra]") {
    CHECK(aadsts_code(R"({"error":"invalid_client","error_codes":[7000215],"error_description":"AADSTS7000215: x"})") ==
          "AADSTS7000215");
    CHECK(aadsts_code(R"({"error":"invalid_client","error_description":"AADSTS700016: Application not found"})") ==
          "AADSTS700016");
    CHECK(aadsts_code("<html>").empty());
}

TEST_CASE("Entra errors: code, first line of the description, a specific hint", "[azure][entra]") {
    auto info =
        entra_failure(
            401, {},
            R"({"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided.\r\nTrace ID: 1\r\nCorrelation ID: 2","error_codes":[7000215]})",
            "client secret", "login.microsoftonline.com")
            .info();
    CHECK(info.stage == pe::Stage::secret);
    CHECK(info.http_status == 401);
    CHECK(info.service_code == "AADSTS7000215");
    CHECK(info.message ==
          "client secret: Entra ID at login.microsoftonline.com refused the token request "
          "(AADSTS7000215: Invalid client secret provided.)");
    CHECK(info.hint.find("secret's value") != std::string::npos);

    CHECK(entra_failure(400, {}, R"({"error":"invalid_client","error_codes":[70021]})", "workload identity", "h")
              .info()
              .hint.find("federated credential") != std::string::npos);
    CHECK(entra_failure(400, {}, R"({"error":"invalid_request","error_codes":[90002]})", "client secret", "h")
              .info()
              .hint.find("AZURE_TENANT_ID") != std::string::npos);
    auto unknown = entra_failure(400, {}, R"({"error":"weird"})", "client secret", "h").info();
    CHECK(unknown.service_code == "weird");
    CHECK(entra_failure(503, {}, "", "client secret", "h").info().hint.find("retry later") != std::string::npos);
}
