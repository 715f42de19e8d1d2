#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

#include "pigment_export/cli/destination_parser.hpp"

using pe::Destination;
using pe::DestinationKind;
using pe::StorageEndpoint;
using pe::cli::parse_destination;

namespace {

std::string error_of(const std::string& text) {
    try {
        parse_destination(text);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    FAIL("parse_destination accepted '" << text << "'");
    return {};
}

}  // namespace

TEST_CASE("'-' is standard output", "[cli]") {
    auto d = parse_destination("-");
    CHECK(d.kind == DestinationKind::standard_output);
    CHECK(d.display == "-");
}

TEST_CASE("an empty destination is refused", "[cli]") {
    CHECK_THAT(error_of(""), Catch::Contains("--dest is empty"));
}

TEST_CASE("plain relative and absolute paths are local files", "[cli]") {
    auto rel = parse_destination("out/data.csv");
    CHECK(rel.kind == DestinationKind::local_file);
    CHECK(rel.local_path == std::filesystem::path("out/data.csv"));
    CHECK(rel.display == "out/data.csv");

    auto abs = parse_destination("/var/exports/data.csv");
    CHECK(abs.kind == DestinationKind::local_file);
    CHECK(abs.local_path == std::filesystem::path("/var/exports/data.csv"));

    // A local path may hold '?' (it is a file name, not a URL).
    CHECK(parse_destination("./weird?name.csv").kind == DestinationKind::local_file);
}

TEST_CASE("a local path ending in '/' names a folder and is refused", "[cli]") {
    CHECK_THAT(error_of("out/"), Catch::Contains("names a folder"));
}

TEST_CASE("line breaks and NUL bytes are refused anywhere", "[cli]") {
    CHECK_THAT(error_of("out\n.csv"), Catch::Contains("line break"));
    CHECK_THAT(error_of("out\r.csv"), Catch::Contains("line break"));
    CHECK_THAT(error_of(std::string("out\0.csv", 8)), Catch::Contains("NUL"));
    CHECK_THROWS_AS(parse_destination("https://acct.blob.core.windows.net/c1c/a\n.csv"), std::invalid_argument);
}

TEST_CASE("file:// URLs with an absolute path are local files", "[cli]") {
    auto d = parse_destination("file:///tmp/out.csv");
    CHECK(d.kind == DestinationKind::local_file);
    CHECK(d.local_path == std::filesystem::path("/tmp/out.csv"));
    CHECK(d.display == "/tmp/out.csv");

    auto l = parse_destination("file://localhost/tmp/out.csv");
    CHECK(l.kind == DestinationKind::local_file);
    CHECK(l.local_path == std::filesystem::path("/tmp/out.csv"));
}

TEST_CASE("file:// without an absolute path, or with another host, is refused", "[cli]") {
    CHECK_THAT(error_of("file://tmp/out.csv"), Catch::Contains("absolute path"));
    CHECK_THAT(error_of("file://"), Catch::Contains("absolute path"));
    CHECK_THAT(error_of("file://server/share/out.csv"), Catch::Contains("absolute path"));
}

TEST_CASE("file:// naming a folder is refused like a plain path", "[cli]") {
    // A plain "out/" is refused as a folder; the same folder as a file:// URL is accepted.
    CHECK_THROWS_AS(parse_destination("file:///tmp/exports/"), std::invalid_argument);
}

TEST_CASE("abfss URLs are DFS destinations on every known cloud suffix", "[cli]") {
    auto d = parse_destination("abfss://raw@acct01.dfs.core.windows.net/pigment/2026/data.csv");
    REQUIRE(d.kind == DestinationKind::storage);
    CHECK(d.storage.endpoint == StorageEndpoint::dfs);
    CHECK(d.storage.scheme == "https");
    CHECK(d.storage.host == "acct01.dfs.core.windows.net");
    CHECK(d.storage.account == "acct01");
    CHECK(d.storage.container == "raw");
    CHECK(d.storage.path == "pigment/2026/data.csv");
    CHECK(d.storage.endpoint_suffix == "core.windows.net");
    CHECK(d.display == "https://acct01.dfs.core.windows.net/raw/pigment/2026/data.csv");

    auto cn = parse_destination("abfss://raw@acct.dfs.core.chinacloudapi.cn/x.csv");
    CHECK(cn.storage.endpoint_suffix == "core.chinacloudapi.cn");
    CHECK(cn.storage.host == "acct.dfs.core.chinacloudapi.cn");
    auto gov = parse_destination("abfss://raw@acct.dfs.core.usgovcloudapi.net/x.csv");
    CHECK(gov.storage.endpoint_suffix == "core.usgovcloudapi.net");
}

TEST_CASE("abfss needs a filesystem and a dfs host", "[cli]") {
    CHECK_THAT(error_of("abfss://acct.dfs.core.windows.net/x.csv"), Catch::Contains("abfss://FILESYSTEM@ACCOUNT"));
    CHECK_THAT(error_of("abfss://raw@acct.blob.core.windows.net/x.csv"), Catch::Contains("ACCOUNT.dfs"));
    CHECK_THAT(error_of("abfss://raw@example.com/x.csv"), Catch::Contains("ACCOUNT.dfs"));
}

TEST_CASE("abfs:// (unencrypted) is refused", "[cli]") {
    CHECK_THAT(error_of("abfs://raw@acct.dfs.core.windows.net/x.csv"), Catch::Contains("abfs:// is unencrypted"));
}

TEST_CASE("https dfs and blob URLs", "[cli]") {
    auto dfs = parse_destination("https://acct.dfs.core.windows.net/fs1/dir/x.csv");
    CHECK(dfs.storage.endpoint == StorageEndpoint::dfs);
    CHECK(dfs.storage.container == "fs1");
    CHECK(dfs.storage.path == "dir/x.csv");
    CHECK(dfs.display == "https://acct.dfs.core.windows.net/fs1/dir/x.csv");

    auto blob = parse_destination("https://acct.blob.core.windows.net/exports/2026-11-29/list.csv");
    CHECK(blob.storage.endpoint == StorageEndpoint::blob);
    CHECK(blob.storage.account == "acct");
    CHECK(blob.storage.container == "exports");
    CHECK(blob.storage.path == "2026-11-29/list.csv");
    CHECK(blob.storage.host == "acct.blob.core.windows.net");
    CHECK(blob.storage.endpoint_suffix == "core.windows.net");

    auto cn = parse_destination("https://acct.blob.core.chinacloudapi.cn/exports/a.csv");
    CHECK(cn.storage.endpoint_suffix == "core.chinacloudapi.cn");
}

TEST_CASE("path-style loopback emulator URLs keep scheme and port", "[cli]") {
    auto d = parse_destination("http://127.0.0.1:10000/devstoreaccount1/exports/dir/x.csv");
    REQUIRE(d.kind == DestinationKind::storage);
    CHECK(d.storage.endpoint == StorageEndpoint::path_style);
    CHECK(d.storage.scheme == "http");
    CHECK(d.storage.host == "127.0.0.1:10000");
    CHECK(d.storage.account == "devstoreaccount1");
    CHECK(d.storage.container == "exports");
    CHECK(d.storage.path == "dir/x.csv");
    CHECK(d.storage.endpoint_suffix.empty());
    CHECK(d.display == "http://127.0.0.1:10000/devstoreaccount1/exports/dir/x.csv");

    auto local = parse_destination("https://localhost:10000/devstoreaccount1/exports/x.csv");
    CHECK(local.storage.scheme == "https");
    CHECK(local.storage.host == "localhost:10000");
    auto v6 = parse_destination("http://[::1]:10000/devstoreaccount1/exports/x.csv");
    CHECK(v6.storage.host == "[::1]:10000");
    CHECK(v6.storage.account == "devstoreaccount1");
}

TEST_CASE("a query string (SAS) is refused with the AZURE_STORAGE_SAS_TOKEN hint", "[cli]") {
    auto message = error_of("https://acct.blob.core.windows.net/c1c/x.csv?sv=2022&sig=abc");
    CHECK_THAT(message, Catch::Contains("AZURE_STORAGE_SAS_TOKEN"));
    CHECK_THAT(message, !Catch::Contains("sig=abc"));
    CHECK_THAT(error_of("abfss://raw@acct.dfs.core.windows.net/x.csv?sig=1"),
               Catch::Contains("AZURE_STORAGE_SAS_TOKEN"));
    CHECK_THAT(error_of("https://acct.blob.core.windows.net/c1c/x.csv#frag"), Catch::Contains("fragment"));
}

TEST_CASE("http:// to an Azure endpoint is refused", "[cli]") {
    CHECK_THAT(error_of("http://acct.blob.core.windows.net/c1c/x.csv"), Catch::Contains("need https://"));
    CHECK_THAT(error_of("http://acct.dfs.core.windows.net/c1c/x.csv"), Catch::Contains("need https://"));
}

TEST_CASE("path-style URLs to a non-loopback host are refused", "[cli]") {
    auto message = error_of("https://storage.example.com/acct/c1c/x.csv");
    CHECK_THAT(message, Catch::Contains("storage.example.com"));
    CHECK_THAT(message, Catch::Contains("loopback"));
    CHECK_THROWS_AS(parse_destination("http://10.0.0.5:10000/acct/c1c/x.csv"), std::invalid_argument);
    CHECK_THROWS_AS(parse_destination("http://localhost.example.com/acct/c1c/x.csv"), std::invalid_argument);
}

TEST_CASE("an unknown storage suffix is refused, listing the known ones", "[cli]") {
    auto message = error_of("https://acct.blob.core.example.net/c1c/x.csv");
    CHECK_THAT(message, Catch::Contains("unknown storage endpoint suffix 'core.example.net'"));
    CHECK_THAT(message, Catch::Contains("core.usgovcloudapi.net"));
    CHECK_THROWS_AS(parse_destination("abfss://raw@acct.dfs.core.windows.net.evil.com/x.csv"), std::invalid_argument);
}

TEST_CASE("storage account names must be 3-24 lowercase letters and digits", "[cli]") {
    CHECK_NOTHROW(parse_destination("https://abc.blob.core.windows.net/c1c/x.csv"));
    CHECK_NOTHROW(parse_destination("https://abcdefghijklmnopqrstuvwx.blob.core.windows.net/c1c/x.csv"));  // 24
    CHECK_THAT(error_of("https://ab.blob.core.windows.net/c1c/x.csv"), Catch::Contains("storage account name 'ab'"));
    CHECK_THROWS_AS(parse_destination("https://abcdefghijklmnopqrstuvwxy.blob.core.windows.net/c1c/x.csv"),
                    std::invalid_argument);  // 25
    CHECK_THROWS_AS(parse_destination("https://Acct.blob.core.windows.net/c1c/x.csv"), std::invalid_argument);
    CHECK_THROWS_AS(parse_destination("https://ac-ct.blob.core.windows.net/c1c/x.csv"), std::invalid_argument);
    CHECK_THROWS_AS(parse_destination("http://127.0.0.1:10000/Dev/c1c/x.csv"), std::invalid_argument);
}

TEST_CASE("container names must be 3-63 lowercase letters, digits and single hyphens", "[cli]") {
    CHECK_NOTHROW(parse_destination("https://acct.blob.core.windows.net/a-b-c/x.csv"));
    CHECK_NOTHROW(parse_destination("https://acct.blob.core.windows.net/" + std::string(63, 'a') + "/x.csv"));
    const char* bad[] = {"ab", "-abc", "abc-", "a--b", "ABC", "a_b"};
    for (const char* name : bad) {
        INFO(name);
        CHECK_THAT(error_of(std::string("https://acct.blob.core.windows.net/") + name + "/x.csv"),
                   Catch::Contains("container/filesystem name"));
    }
    CHECK_THROWS_AS(parse_destination("https://acct.blob.core.windows.net/" + std::string(64, 'a') + "/x.csv"),
                    std::invalid_argument);
    CHECK_THROWS_AS(parse_destination("abfss://A_B@acct.dfs.core.windows.net/x.csv"), std::invalid_argument);
}

TEST_CASE("object paths need a file name and clean segments", "[cli]") {
    const std::string base = "https://acct.blob.core.windows.net/c1c/";
    CHECK_THAT(error_of(base + "dir/"), Catch::Contains("needs a file name"));
    CHECK_THAT(error_of("https://acct.blob.core.windows.net/c1c"), Catch::Contains("needs a file name"));
    CHECK_THAT(error_of(base), Catch::Contains("needs a file name"));
    CHECK_THAT(error_of(base + "a/../x.csv"), Catch::Contains("'..'"));
    CHECK_THAT(error_of(base + "a/./x.csv"), Catch::Contains("segment"));
    CHECK_THAT(error_of(base + "a//x.csv"), Catch::Contains("empty"));
    CHECK_THAT(error_of(base + "/x.csv"), Catch::Contains("segment"));
    CHECK_THAT(error_of(base + ".."), Catch::Contains("segment"));
    CHECK_THAT(error_of(base + "a\tb.csv"), Catch::Contains("control character"));
    CHECK_THAT(error_of(base + "a\x7F"
                               "b.csv"),
               Catch::Contains("control character"));
    CHECK_THAT(error_of(base + "a\\b.csv"), Catch::Contains("backslash"));
    CHECK_THAT(error_of(base + std::string(1025, 'a')), Catch::Contains("longer than 1024"));
    CHECK_NOTHROW(parse_destination(base + std::string(1024, 'a')));
    CHECK_NOTHROW(parse_destination(base + "..x/.y/z..csv"));  // dots inside names are fine
    CHECK_THROWS_AS(parse_destination("abfss://raw@acct.dfs.core.windows.net/"), std::invalid_argument);
    CHECK_THROWS_AS(parse_destination("http://127.0.0.1:10000/devstoreaccount1/exports/"), std::invalid_argument);
}

TEST_CASE("credentials in a URL are refused", "[cli]") {
    CHECK_THAT(error_of("https://user:pw@acct.blob.core.windows.net/c1c/x.csv"), Catch::Contains("credentials"));
    CHECK_THAT(error_of("http://user:pw@127.0.0.1:10000/devstoreaccount1/c1c/x.csv"), Catch::Contains("credentials"));
    // abfss uses '@' for the filesystem, but a userinfo before it is no valid filesystem name.
    CHECK_THROWS_AS(parse_destination("abfss://user:pw@raw@acct.dfs.core.windows.net/x.csv"), std::invalid_argument);
}

TEST_CASE("unsupported schemes are refused, naming the scheme", "[cli]") {
    CHECK_THAT(error_of("ftp://host/x.csv"), Catch::Contains("unsupported destination scheme 'ftp'"));
    CHECK_THAT(error_of("s3://bucket/x.csv"), Catch::Contains("'s3'"));
    CHECK_THAT(error_of("wasbs://acct.blob.core.windows.net/c1c/x.csv"), Catch::Contains("'wasbs'"));
}

TEST_CASE("a URL without a host is refused", "[cli]") {
    CHECK_THAT(error_of("https:///c1c/x.csv"), Catch::Contains("no host"));
}

TEST_CASE("display never carries anything but scheme, host and path", "[cli]") {
    auto d = parse_destination("abfss://raw@acct.dfs.core.windows.net/a/b.csv");
    CHECK(d.display.find('@') == std::string::npos);
    CHECK(d.display.rfind("https://", 0) == 0);
}

// Fuzz finding: "%23" decoded into the object name put a raw '#' (a fragment) into the display.
TEST_CASE("a decoded '%', '?' or '#' in an object name stays escaped in the display", "[cli]") {
    auto d = parse_destination("https://acct.blob.core.windows.net/exports/q%3Fa%23b%25c%20d.csv");
    CHECK(d.storage.path == "q?a#b%c d.csv");
    CHECK(d.display == "https://acct.blob.core.windows.net/exports/q%3Fa%23b%25c d.csv");
}

TEST_CASE("http:// to a DNS name that merely starts with '127.' is refused", "[cli]") {
    // "127.evil.example" is a public DNS name, not an address in 127.0.0.0/8; treating it as
    // loopback lets http:// (and path-style URLs) reach a remote host.
    CHECK_THROWS_AS(parse_destination("http://127.evil.example/acct/c1c/x.csv"), std::invalid_argument);
}

TEST_CASE("percent escapes in a URL path are decoded once", "[cli]") {
    auto d = pe::cli::parse_destination("https://acct.blob.core.windows.net/exports/my%20dir/r%C3%A9sum%C3%A9.csv");
    CHECK(d.storage.path == "my dir/r\xC3\xA9sum\xC3\xA9.csv");
    CHECK_THROWS_AS(pe::cli::parse_destination("https://acct.blob.core.windows.net/exports/a%2Fb.csv"),
                    std::invalid_argument);
    CHECK_THROWS_AS(pe::cli::parse_destination("https://acct.blob.core.windows.net/exports/a%zz.csv"),
                    std::invalid_argument);
}

// Fuzz finding F7: a name decoded from "%0D" or "%0A" was quoted raw, so the one-line error broke.
TEST_CASE("names decoded from percent escapes are quoted without control characters", "[cli]") {
    const std::string cases[] = {
        "http://127.0.0.1:10000/devstoreun1/lake-tp}.c%0Dbee/x.csv",  // container (the fuzz input)
        "http://127.0.0.1:10000/dev%0Astore/lake/x.csv",              // account, path-style
        "https://acct.blob.core.windows.net/lake/a%0D%0A/../x.csv",   // object path
    };
    for (const std::string& url : cases) {
        INFO(url);
        std::string message = error_of(url);
        CHECK_FALSE(message.empty());
        CHECK(message.find_first_of("\r\n") == std::string::npos);
    }
    CHECK_THAT(error_of(cases[0]), Catch::Contains("'lake-tp}.c?bee'"));
}
