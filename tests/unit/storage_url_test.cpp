#include <catch2/catch.hpp>

#include "pigment_export/core/base64.hpp"
#include "pigment_export/core/failure.hpp"
#include "pigment_export/storage/storage_url.hpp"

using pe::StorageApi;
using pe::StorageEndpoint;
using pe::StorageLocation;
using namespace pe::storage;

namespace {

StorageLocation location(StorageEndpoint endpoint, std::string host, std::string account, std::string container,
                         std::string path, std::string scheme = "https") {
    StorageLocation l;
    l.endpoint = endpoint;
    l.scheme = std::move(scheme);
    l.host = std::move(host);
    l.account = std::move(account);
    l.container = std::move(container);
    l.path = std::move(path);
    return l;
}

}  // namespace

TEST_CASE("an abfss/dfs destination uses the DFS API on its own host", "[storage][url]") {
    auto t = resolve_target(location(StorageEndpoint::dfs, "acct.dfs.core.windows.net", "acct", "fs", "dir/out.csv"),
                            StorageApi::automatic);
    CHECK(t.api == Api::dfs);
    CHECK(object_url(t, t.path) == "https://acct.dfs.core.windows.net/fs/dir/out.csv");
}

TEST_CASE("the API can be forced either way, which swaps the host label", "[storage][url]") {
    auto blob = resolve_target(location(StorageEndpoint::dfs, "acct.dfs.core.windows.net", "acct", "fs", "f.csv"),
                               StorageApi::blob);
    CHECK(blob.api == Api::blob);
    CHECK(blob.host == "acct.blob.core.windows.net");

    auto dfs = resolve_target(location(StorageEndpoint::blob, "acct.blob.core.windows.net", "acct", "c", "f.csv"),
                              StorageApi::dfs);
    CHECK(dfs.api == Api::dfs);
    CHECK(dfs.host == "acct.dfs.core.windows.net");

    auto automatic = resolve_target(location(StorageEndpoint::blob, "acct.blob.core.windows.net", "acct", "c", "f.csv"),
                                    StorageApi::automatic);
    CHECK(automatic.api == Api::blob);
    CHECK(automatic.host == "acct.blob.core.windows.net");
}

TEST_CASE("sovereign cloud suffixes survive the host swap", "[storage][url]") {
    auto china = resolve_target(location(StorageEndpoint::dfs, "acct.dfs.core.chinacloudapi.cn", "acct", "fs", "a.csv"),
                                StorageApi::blob);
    CHECK(object_url(china, china.path) == "https://acct.blob.core.chinacloudapi.cn/fs/a.csv");
    auto gov = resolve_target(location(StorageEndpoint::blob, "acct.blob.core.usgovcloudapi.net", "acct", "c", "a.csv"),
                              StorageApi::dfs);
    CHECK(object_url(gov, gov.path) == "https://acct.dfs.core.usgovcloudapi.net/c/a.csv");
}

TEST_CASE("path-style emulator URLs carry the account as the first segment", "[storage][url]") {
    auto l = location(StorageEndpoint::path_style, "127.0.0.1:10000", "devstoreaccount1", "exports", "d/x.csv", "http");
    auto blob = resolve_target(l, StorageApi::automatic);
    CHECK(blob.api == Api::blob);
    CHECK(object_url(blob, blob.path) == "http://127.0.0.1:10000/devstoreaccount1/exports/d/x.csv");
    auto dfs = resolve_target(l, StorageApi::dfs);
    CHECK(dfs.api == Api::dfs);
    CHECK(request_path(dfs, dfs.path) == "/devstoreaccount1/exports/d/x.csv");
}

TEST_CASE("each path segment is percent-encoded and the separators stay", "[storage][url]") {
    CHECK(encode_path("dir with space/na\xC3\xAFve #1?.csv") == "dir%20with%20space/na%C3%AFve%20%231%3F.csv");
    CHECK(encode_path("a+b/c&d=e/100%.csv") == "a%2Bb/c%26d%3De/100%25.csv");
    CHECK(encode_path("plain-name_1.2~x") == "plain-name_1.2~x");
}

TEST_CASE("plain http is refused for anything but loopback", "[storage][url]") {
    auto remote = location(StorageEndpoint::path_style, "storage.example.com", "a", "c", "f.csv", "http");
    CHECK_THROWS_AS(resolve_target(remote, StorageApi::automatic), pe::Failure);
    auto emulator = location(StorageEndpoint::path_style, "127.0.0.1:10000", "a", "c", "f.csv", "http");
    CHECK_NOTHROW(resolve_target(emulator, StorageApi::automatic));
}

TEST_CASE("a destination must name a file inside a container", "[storage][url]") {
    CHECK_THROWS_AS(
        resolve_target(location(StorageEndpoint::blob, "a.blob.core.windows.net", "a", "c", ""), StorageApi::automatic),
        pe::Failure);
    CHECK_THROWS_AS(resolve_target(location(StorageEndpoint::blob, "a.blob.core.windows.net", "a", "c", "dir/"),
                                   StorageApi::automatic),
                    pe::Failure);
    CHECK_THROWS_AS(resolve_target(location(StorageEndpoint::blob, "a.blob.core.windows.net", "a", "", "f.csv"),
                                   StorageApi::automatic),
                    pe::Failure);
}

TEST_CASE("the temporary file is a hidden sibling in the same folder", "[storage][url]") {
    CHECK(temporary_sibling("a/b/out.csv", "0123") == "a/b/.out.csv.pigment-tmp-0123");
    CHECK(temporary_sibling("out.csv", "0123") == ".out.csv.pigment-tmp-0123");
}

TEST_CASE("block ids have one encoded length and carry the run tag and index", "[storage][url]") {
    auto first = block_id("abcd1234", 0);
    auto last = block_id("abcd1234", kMaxBlocks - 1);
    auto huge = block_id("abcd1234", 9'999'999'999'999'999ull);
    CHECK(first.size() == last.size());
    CHECK(first.size() == huge.size());
    CHECK(first.find('=') == std::string::npos);  // 24 raw bytes: no padding to URL-encode
    CHECK(pe::base64_decode(last) == "abcd12340000000000049999");
    CHECK(block_id("abcd1234", 7) != block_id("ffff0000", 7));
}
