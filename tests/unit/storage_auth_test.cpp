#include <catch2/catch.hpp>

#include "pigment_export/core/failure.hpp"
#include "pigment_export/storage/storage_auth.hpp"

using namespace pe::storage;

namespace {

const char* kKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

pe::http::Request put_request() {
    pe::http::Request r;
    r.method = "PUT";
    r.url = "https://acct.blob.core.windows.net/c/f.csv?comp=block&blockid=QQ%3D%3D";
    return r;
}

}  // namespace

TEST_CASE("SAS wins over Shared Key and bearer, and rides on the query", "[storage][auth]") {
    int token_calls = 0;
    Auth auth(
        pe::map_env({{"AZURE_STORAGE_SAS_TOKEN", "?sv=2022-11-02&sp=cw&sig=abc%2Bdef"}, {"AZURE_STORAGE_KEY", kKey}}),
        "acct", [&] {
            ++token_calls;
            return pe::Secret("token-value");
        });
    CHECK(auth.kind() == AuthKind::sas);
    auto r = put_request();
    auth.authorize(r);
    CHECK(r.url ==
          "https://acct.blob.core.windows.net/c/f.csv?comp=block&blockid=QQ%3D%3D&sv=2022-11-02&sp=cw&sig=abc%2Bdef");
    CHECK_FALSE(pe::http::find_header(r.headers, "Authorization"));
    CHECK(pe::http::find_header(r.headers, "x-ms-version") == std::string_view(kApiVersion));
    CHECK(auth.rename_source_query() == "?sv=2022-11-02&sp=cw&sig=abc%2Bdef");
    CHECK(token_calls == 0);

    pe::http::Request bare;
    bare.url = "https://acct.blob.core.windows.net/c/f.csv";
    auth.authorize(bare);
    CHECK(bare.url == "https://acct.blob.core.windows.net/c/f.csv?sv=2022-11-02&sp=cw&sig=abc%2Bdef");
}

TEST_CASE("Shared Key comes next: signed Authorization header with the URL's account", "[storage][auth]") {
    Auth auth(pe::map_env({{"AZURE_STORAGE_KEY", kKey}}), "acct", [] { return pe::Secret("token-value"); });
    CHECK(auth.kind() == AuthKind::shared_key);
    auto r = put_request();
    auth.authorize(r);
    auto header = pe::http::find_header(r.headers, "Authorization");
    REQUIRE(header);
    CHECK(header->rfind("SharedKey acct:", 0) == 0);
    CHECK(header->size() == std::string("SharedKey acct:").size() + 44);  // base64 of 32 bytes
    CHECK(pe::http::find_header(r.headers, "x-ms-date"));
    CHECK(auth.rename_source_query().empty());
}

TEST_CASE("bearer last: the token source is asked lazily and its token reused", "[storage][auth]") {
    int token_calls = 0;
    Auth auth(pe::map_env({}), "acct", [&] {
        ++token_calls;
        return pe::Secret("eyJ.token.value");
    });
    CHECK(auth.kind() == AuthKind::bearer);
    CHECK(token_calls == 0);
    auto a = put_request();
    auth.authorize(a);
    auto b = put_request();
    auth.authorize(b);
    CHECK(token_calls == 1);
    CHECK(pe::http::find_header(b.headers, "Authorization") == std::string_view("Bearer eyJ.token.value"));
}

TEST_CASE("no credential at all, or a SAS without a signature, is a store failure", "[storage][auth]") {
    CHECK_THROWS_AS(Auth(pe::map_env({}), "acct", nullptr), pe::Failure);
    CHECK_THROWS_AS(Auth(pe::map_env({{"AZURE_STORAGE_SAS_TOKEN", "sv=2022-11-02&sp=cw"}}), "acct", nullptr),
                    pe::Failure);
}

TEST_CASE("storage_needs_token: an empty SAS or key counts as unset, as the sink's auth choice does", "[storage]") {
    pe::Config c;
    c.destination.kind = pe::DestinationKind::storage;
    CHECK(pe::storage_needs_token(c, pe::map_env({})));
    CHECK(pe::storage_needs_token(c, pe::map_env({{"AZURE_STORAGE_SAS_TOKEN", ""}, {"AZURE_STORAGE_KEY", ""}})));
    CHECK_FALSE(pe::storage_needs_token(c, pe::map_env({{"AZURE_STORAGE_SAS_TOKEN", "sv=x&sig=y"}})));
    CHECK_FALSE(pe::storage_needs_token(c, pe::map_env({{"AZURE_STORAGE_KEY", "a2V5"}})));
    c.destination.kind = pe::DestinationKind::local_file;
    CHECK_FALSE(pe::storage_needs_token(c, pe::map_env({})));
}
