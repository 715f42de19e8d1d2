#include <catch2/catch.hpp>

#include "pigment_export/storage/dfs_expiry.hpp"
#include "pigment_export/storage/storage_url.hpp"

using namespace pe;
using namespace pe::storage;

namespace {

std::string header(const http::Request& r, std::string_view name) {
    auto value = http::find_header(r.headers, name);
    return value ? std::string(*value) : std::string("<absent>");
}

}  // namespace

TEST_CASE("expiry request: a week from now in milliseconds with the lease", "[storage][dfs]") {
    auto r = expiry_request("https://a.blob.core.windows.net/fs/.x.pigment-tmp-0",
                            ExpiryMode::expire_after_temporary_lifetime, "lease-1");
    CHECK(r.method == "PUT");
    CHECK(r.url == "https://a.blob.core.windows.net/fs/.x.pigment-tmp-0?comp=expiry");
    CHECK(header(r, "x-ms-expiry-option") == "RelativeToNow");
    CHECK(header(r, "x-ms-expiry-time") == "604800000");
    CHECK(header(r, "x-ms-lease-id") == "lease-1");
}

TEST_CASE("expiry request: clearing sends NeverExpire and no time", "[storage][dfs]") {
    auto r = expiry_request("https://a.blob.core.windows.net/fs/x", ExpiryMode::never, "");
    CHECK(header(r, "x-ms-expiry-option") == "NeverExpire");
    CHECK(header(r, "x-ms-expiry-time") == "<absent>");
    CHECK(header(r, "x-ms-lease-id") == "<absent>");
}

TEST_CASE("expiry reply: only the namespace refusal means a flat account", "[storage][dfs]") {
    CHECK(classify_expiry_reply(200, "") == ExpiryReply::applied);
    CHECK(classify_expiry_reply(400, "HierarchicalNamespaceNotEnabled") == ExpiryReply::no_hierarchical_namespace);
    CHECK(classify_expiry_reply(400, "InvalidHeaderValue") == ExpiryReply::failed);
    CHECK(classify_expiry_reply(403, "HierarchicalNamespaceNotEnabled") == ExpiryReply::failed);
    CHECK(classify_expiry_reply(503, "ServerBusy") == ExpiryReply::failed);
}

TEST_CASE("expiry announced: a non-empty x-ms-expiry-time only", "[storage][dfs]") {
    CHECK(announces_expiry({{"x-ms-expiry-time", "Fri, 11 Dec 2026 00:00:00 GMT"}}));
    CHECK_FALSE(announces_expiry({{"x-ms-expiry-time", ""}}));
    CHECK_FALSE(announces_expiry({{"ETag", "\"0x1\""}}));
}

TEST_CASE("blob endpoint of a DFS path: the API label after the account switches and nothing else", "[storage][dfs]") {
    Target t;
    t.api = Api::dfs;
    t.scheme = "https";
    t.account = "acct";
    t.container = "fs";
    t.host = "acct.dfs.core.windows.net";
    CHECK(blob_endpoint_url(t, "a b/c.csv") == "https://acct.blob.core.windows.net/fs/a%20b/c.csv");
    t.host = "acct.dfs.core.chinacloudapi.cn";
    CHECK(blob_endpoint_url(t, "c.csv") == "https://acct.blob.core.chinacloudapi.cn/fs/c.csv");
    t.host = "lake-pe.internal.example";  // a private endpoint's own name: kept
    CHECK(blob_endpoint_url(t, "c.csv") == "https://lake-pe.internal.example/fs/c.csv");
    t.host = "127.0.0.1:10000";
    t.scheme = "http";
    t.path_style = true;
    CHECK(blob_endpoint_url(t, "c.csv") == "http://127.0.0.1:10000/acct/fs/c.csv");
}
