// The Blob sink at the library level against the pinned Azurite: Shared Key, SAS and (over
// HTTPS with --oauth basic) bearer tokens; exact bytes back, MD5 and metadata properties,
// nothing visible before the commit, --no-overwrite and overwrite.
#include <catch2/catch.hpp>

#include "failure_of.hpp"
#include "fakes/azurite.hpp"
#include "fakes/run_helpers.hpp"
#include "pigment_export/core/crc64.hpp"
#include "pigment_export/core/env.hpp"
#include "pigment_export/core/url.hpp"
#include "pigment_export/http/client.hpp"
#include "pigment_export/storage/storage_auth.hpp"
#include "pigment_export/storage/storage_errors.hpp"
#include "pigment_export/storage/storage_sink_factory.hpp"
#include "storage_drive.hpp"

using testing::failure_of;

using namespace storage_test;
using testing::Azurite;
using testing::header;

namespace {

constexpr std::size_t kChunk = 64 << 10;

// Azurite takes seconds to start on this machine: one plain-HTTP instance serves every test,
// each with a container of its own.
Azurite& shared_azurite() {
    static Azurite instance;
    return instance;
}

std::string fresh_container() {
    static int counter = 0;
    return "exports-" + std::to_string(++counter);
}

struct Fixture {
    std::unique_ptr<Azurite> own;
    Azurite& azurite;
    std::string container = fresh_container();
    std::string blob = "finance/2026/monthly revenue #1.csv";

    Fixture() : azurite(shared_azurite()) { azurite.create_container(container); }
    explicit Fixture(testing::AzuriteOptions options) : own(std::make_unique<Azurite>(options)), azurite(*own) {
        azurite.create_container(container);
    }

    std::unique_ptr<pe::Sink> sink(bool overwrite = true,
                                   pe::EnvLookup env = pe::map_env({{"AZURE_STORAGE_KEY", Azurite::kKey}}),
                                   pe::StorageTokenSource tokens = nullptr, const std::string& name = {}) const {
        auto c = storage_config(azurite.base_url(), Azurite::kAccount, container, name.empty() ? blob : name,
                                pe::StorageApi::automatic);
        c.transfer.overwrite = overwrite;
        c.network.ca_bundle = azurite.ca_certificate();
        return pe::make_storage_sink(c, env, std::move(tokens));
    }
};

void check_blob(Fixture& f, const std::string& data) {
    auto got = f.azurite.get_blob(f.container, f.blob);
    REQUIRE(got.status == 200);
    CHECK(got.body.size() == data.size());
    CHECK(got.body == data);
    CHECK(header(got, "Content-MD5") == testing::md5_base64(data));
    CHECK(header(got, "Content-Type") == "text/csv");
    CHECK(header(got, "x-ms-meta-pigment_block_type") == "metric");
    CHECK(header(got, "x-ms-meta-pigment_block_id") == "0b6c1a52-3f55-4d3e-9d1b-4c1c5e0d2a11");
    CHECK(header(got, "x-ms-meta-pigment_rows") == std::to_string(commit_info(data, kChunk).rows));
    CHECK(header(got, "x-ms-meta-pigment_exported_at") == "2026-09-21T14:13:20Z");
}

}  // namespace

TEST_CASE("Blob/Azurite: Shared Key block upload gives exact bytes, MD5, type and metadata",
          "[storage][blob][azurite]") {
    Fixture f;
    std::string data = csv_of_size(9 * kChunk + 77);
    auto sink = f.sink();
    drive(*sink, data, kChunk);
    check_blob(f, data);
    CHECK(sink->location() == f.azurite.blob_url(f.container, f.blob));
}

TEST_CASE("Blob/Azurite: Put Block checks x-ms-content-crc64, accepts ours and refuses a corrupted one",
          "[storage][blob][azurite]") {
    Fixture f;
    const std::string body = csv_of_size(100'000);  // long enough for the carry-less-multiply path
    const std::string ours = pe::crc64_base64(pe::crc64(body.data(), body.size()));
    pe::storage::Auth auth(pe::map_env({{"AZURE_STORAGE_KEY", Azurite::kKey}}), Azurite::kAccount, nullptr);
    pe::http::Client client;
    auto put_block = [&](const std::string& id, const std::string& crc64) {
        pe::http::Request r;
        r.method = "PUT";
        r.url = f.azurite.blob_url(f.container, f.blob) +
                "?comp=block&blockid=" + pe::percent_encode(pe::base64_encode(id));
        r.headers.push_back({"x-ms-content-crc64", crc64});
        r.body = body;
        auth.authorize(r);
        return client.send(r);
    };
    auto accepted = put_block("block-0", ours);
    CHECK(accepted.status == 201);
    CHECK(header(accepted, "x-ms-content-crc64") == ours);  // Azurite's own CRC64 of what arrived

    std::string bytes = pe::base64_decode(ours);
    bytes[7] = static_cast<char>(bytes[7] ^ 0x01);
    auto refused = put_block("block-1", pe::base64_encode(bytes));
    CHECK(refused.status == 400);
    CHECK(pe::storage::parse_service_error(refused.status, refused.headers, refused.body).code == "Crc64Mismatch");
}

TEST_CASE("Blob/Azurite: SAS from the environment authorizes every request", "[storage][blob][azurite][auth]") {
    Fixture f;
    std::string data = csv_of_size(4 * kChunk + 1);
    auto sink = f.sink(true, pe::map_env({{"AZURE_STORAGE_SAS_TOKEN", "?" + f.azurite.account_sas()}}));
    drive(*sink, data, kChunk);
    check_blob(f, data);
}

TEST_CASE("Blob/Azurite: small and empty exports are one Put Blob", "[storage][blob][azurite]") {
    Fixture f;
    auto small = f.sink();
    drive(*small, "a;b\n1;2\n", kChunk);
    check_blob(f, "a;b\n1;2\n");
    auto empty = f.sink();
    drive(*empty, "", kChunk);
    check_blob(f, "");
}

TEST_CASE("Blob/Azurite: nothing is visible before the block list commits", "[storage][blob][azurite]") {
    Fixture f;
    f.azurite.put_blob(f.container, f.blob, "old\n");
    std::string data = csv_of_size(3 * kChunk);
    data.resize(3 * kChunk);
    auto sink = f.sink();
    sink->open();
    for (std::uint64_t i = 0; i < 3; ++i) {
        sink->upload(static_cast<unsigned>(i), chunk_view(i, i * kChunk, data.data() + i * kChunk, kChunk));
    }
    CHECK(f.azurite.get_blob(f.container, f.blob).body == "old\n");
    sink->commit(commit_info(data, kChunk));
    check_blob(f, data);
}

TEST_CASE("Blob/Azurite: overwrite replaces, --no-overwrite keeps the old blob",
          "[storage][blob][azurite][overwrite]") {
    Fixture f;
    f.azurite.put_blob(f.container, f.blob, "old\n");
    std::string data = csv_of_size(2 * kChunk + 9);

    SECTION("--no-overwrite with the blob already there fails before any upload") {
        auto sink = f.sink(false);
        auto info = failure_of([&] { drive(*sink, data, kChunk); });
        CHECK(info.http_status == 409);
        CHECK(info.service_code == "BlobAlreadyExists");
        CHECK(pe::exit_code(info.stage) == 5);
        CHECK(f.azurite.get_blob(f.container, f.blob).body == "old\n");
    }
    SECTION("--no-overwrite when another writer wins during the upload: the commit refuses") {
        const std::string fresh = "finance/fresh.csv";
        auto sink = f.sink(false, pe::map_env({{"AZURE_STORAGE_KEY", Azurite::kKey}}), nullptr, fresh);
        sink->open();
        std::string exact = data.substr(0, 2 * kChunk);
        sink->upload(0, chunk_view(0, 0, exact.data(), kChunk));
        sink->upload(1, chunk_view(1, kChunk, exact.data() + kChunk, kChunk));
        f.azurite.put_blob(f.container, fresh, "theirs\n");
        auto info = failure_of([&] { sink->commit(commit_info(exact, kChunk)); });
        CHECK((info.http_status == 409 || info.http_status == 412));
        CHECK(f.azurite.get_blob(f.container, fresh).body == "theirs\n");
    }
    SECTION("overwrite (the default) replaces it") {
        auto sink = f.sink(true);
        drive(*sink, data, kChunk);
        check_blob(f, data);
    }
}

TEST_CASE("Blob/Azurite: an export cut mid-stream leaves the old blob", "[storage][blob][azurite]") {
    Fixture f;
    f.azurite.put_blob(f.container, f.blob, "old\n");
    auto sink = f.sink();
    auto info = failure_of([&] { drive(*sink, csv_of_size(6 * kChunk), kChunk, 4); });
    CHECK(info.stage == pe::Stage::export_);
    CHECK(f.azurite.get_blob(f.container, f.blob).body == "old\n");
}

TEST_CASE("Blob/Azurite: a missing container is a 404 with a create-it hint", "[storage][blob][azurite]") {
    Fixture f;
    auto c =
        storage_config(f.azurite.base_url(), Azurite::kAccount, "no-such-container", "a.csv", pe::StorageApi::blob);
    auto sink = pe::make_storage_sink(c, pe::map_env({{"AZURE_STORAGE_KEY", Azurite::kKey}}), nullptr);
    auto info = failure_of([&] { drive(*sink, csv_of_size(3 * kChunk), kChunk); });
    CHECK(info.http_status == 404);
    CHECK(info.service_code == "ContainerNotFound");
    CHECK_THAT(info.hint, Catch::Contains("create the container 'no-such-container'"));
}

TEST_CASE("Blob/Azurite HTTPS --oauth basic: bearer tokens for storage pass, others are refused",
          "[storage][blob][azurite][auth][bearer]") {
    Fixture f(testing::AzuriteOptions{true});
    std::string data = csv_of_size(3 * kChunk + 3);
    auto sink = f.sink(true, pe::map_env({}), [] { return pe::Secret(storage_jwt()); });
    drive(*sink, data, kChunk);
    check_blob(f, data);

    auto vault = f.sink(true, pe::map_env({}), [] { return pe::Secret(storage_jwt("https://vault.azure.net")); });
    auto info = failure_of([&] { drive(*vault, data, kChunk); });
    CHECK(info.http_status == 403);
    CHECK(info.service_code == "AuthenticationFailed");
}
