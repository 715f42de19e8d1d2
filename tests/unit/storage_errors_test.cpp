#include <catch2/catch.hpp>

#include "pigment_export/storage/storage_errors.hpp"

using namespace pe::storage;

namespace {

ErrorContext context(Api api) {
    ErrorContext c;
    c.operation = "append to the temporary file";
    c.location = "https://acct.dfs.core.windows.net/fs/out.csv";
    c.api = api;
    c.container = "fs";
    c.credential = "the Azure identity";
    c.max_retries = 5;
    return c;
}

pe::FailureInfo map(Api api, int status, pe::http::Headers headers, std::string body) {
    return map_storage_error(context(api), status, parse_service_error(status, headers, body));
}

}  // namespace

TEST_CASE("DFS JSON, Blob XML and header-only (HEAD) errors all yield the code", "[storage][errors]") {
    auto dfs = parse_service_error(
        404, {},
        R"({"error":{"code":"FilesystemNotFound","message":"The specified filesystem does not exist.\nRequestId:1"}})");
    CHECK(dfs.code == "FilesystemNotFound");
    CHECK(dfs.message == "The specified filesystem does not exist.");

    auto blob = parse_service_error(
        409, {},
        "<?xml version=\"1.0\"?><Error><Code>BlobAlreadyExists</Code><Message>The specified blob already exists.\n"
        "RequestId:2</Message></Error>");
    CHECK(blob.code == "BlobAlreadyExists");
    CHECK(blob.message == "The specified blob already exists.");

    auto head = parse_service_error(404, {{"X-Ms-Error-Code", "ContainerNotFound"}}, "");
    CHECK(head.code == "ContainerNotFound");
    CHECK(head.message.empty());

    auto swagger_case = parse_service_error(400, {}, R"({"error":{"Code":"InvalidFlushPosition","Message":"m"}})");
    CHECK(swagger_case.code == "InvalidFlushPosition");
}

TEST_CASE("error mapping table: status and code decide the hint", "[storage][errors]") {
    struct Row {
        Api api;
        int status;
        const char* code;
        const char* hint_fragment;
    };
    const Row rows[] = {
        {Api::dfs, 403, "AuthorizationPermissionMismatch", "Storage Blob Data Contributor"},
        {Api::blob, 403, "AuthorizationFailure", "Storage Blob Data Contributor"},
        {Api::blob, 403, "AuthenticationFailed", "the Azure identity"},
        {Api::dfs, 404, "FilesystemNotFound", "create the filesystem 'fs'"},
        {Api::blob, 404, "ContainerNotFound", "create the container 'fs'"},
        {Api::dfs, 409, "PathAlreadyExists", "--no-overwrite"},
        {Api::blob, 409, "BlobAlreadyExists", "--no-overwrite"},
        {Api::dfs, 409, "InvalidFlushOperation", "--storage-api blob"},
        {Api::dfs, 412, "ConditionNotMet", "another writer"},
        {Api::dfs, 400, "Md5Mismatch", "did not match what was sent"},
        {Api::dfs, 400, "Crc64Mismatch", "did not match what was sent"},
        {Api::blob, 400, "Crc64Mismatch", "did not match what was sent"},
        {Api::dfs, 503, "ServerBusy", "--parallel"},
        {Api::blob, 500, "InternalError", "after 5 retries"},
    };
    for (const auto& row : rows) {
        INFO(row.status << " " << row.code);
        auto info = map(row.api, row.status, {{"x-ms-error-code", row.code}}, "");
        CHECK(info.stage == pe::Stage::store);
        CHECK(info.http_status == row.status);
        CHECK(info.service_code == row.code);
        CHECK_THAT(info.hint, Catch::Contains(row.hint_fragment));
        CHECK(pe::exit_code(info.stage) == 5);
    }
}

TEST_CASE("the message names the operation and the object", "[storage][errors]") {
    auto info = map(Api::dfs, 404, {},
                    R"({"error":{"code":"FilesystemNotFound","message":"The specified filesystem does not exist."}})");
    CHECK(info.message ==
          "cannot append to the temporary file https://acct.dfs.core.windows.net/fs/out.csv: The specified filesystem "
          "does not exist.");
}

TEST_CASE("transport failures are store failures with a network hint", "[storage][errors]") {
    pe::http::TransportError e("Connection reset by peer (127.0.0.1:1)", "127.0.0.1:1", 56, true);
    auto f = transport_failure(context(Api::dfs), e);
    CHECK(f.stage() == pe::Stage::store);
    CHECK(f.info().http_status == 0);
    CHECK_THAT(f.info().hint, Catch::Contains("after 5 retries"));
}
