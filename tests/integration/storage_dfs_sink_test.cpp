// The DFS sink at the library level against the DFS fake: the upload protocol, every auth
// kind, and for every injected fault that the destination is unchanged and no temporary file
// is left behind.
#include <catch2/catch.hpp>

#include "failure_of.hpp"
#include "fakes/fake_dfs.hpp"
#include "pigment_export/core/crc64.hpp"
#include "pigment_export/core/env.hpp"
#include "pigment_export/http/client.hpp"
#include "pigment_export/storage/dfs_sink.hpp"
#include "pigment_export/storage/storage_auth.hpp"
#include "pigment_export/storage/storage_errors.hpp"
#include "pigment_export/storage/storage_sink_factory.hpp"
#include "storage_drive.hpp"

using testing::failure_of;

using namespace storage_test;
using testing::DfsAuthMode;
using testing::DfsFault;
using testing::DfsOp;
using testing::FakeDfs;

namespace {

constexpr const char* kKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
constexpr std::size_t kChunk = 64 << 10;

struct Fixture {
    FakeDfs dfs;
    std::string fs = "exports";
    std::string path = "finance/monthly revenue.csv";
    std::string old_content = "old;content\n1;2\n";

    Fixture() {
        dfs.create_filesystem(fs);
        dfs.put_file(fs, path, old_content);
    }

    pe::Config config(bool overwrite = true) const {
        auto c = storage_config(dfs.base_url(), dfs.account(), fs, path, pe::StorageApi::dfs);
        c.transfer.overwrite = overwrite;
        return c;
    }

    std::unique_ptr<pe::Sink> sink(bool overwrite = true,
                                   pe::EnvLookup env = pe::map_env({{"AZURE_STORAGE_KEY", kKey}}),
                                   pe::StorageTokenSource tokens = nullptr) const {
        return pe::make_storage_sink(config(overwrite), env, std::move(tokens));
    }

    // The guarantee after any failure.
    void require_untouched() const {
        auto file = dfs.file(fs, path);
        REQUIRE(file);
        CHECK(file->content == old_content);
        CHECK(dfs.temp_paths(fs).empty());
    }
};

}  // namespace

TEST_CASE("DFS: a multi-chunk export replaces the file with exact bytes, MD5, type and properties", "[storage][dfs]") {
    Fixture f;
    std::string data = csv_of_size(10 * kChunk + 123);
    auto sink = f.sink();
    drive(*sink, data, kChunk);

    auto file = f.dfs.file(f.fs, f.path);
    REQUIRE(file);
    CHECK(file->content == data);
    CHECK(file->data_md5 == testing::md5_base64(data));
    CHECK(file->content_md5 == testing::md5_base64(data));
    CHECK(file->content_type == "text/csv");
    CHECK(file->properties.at("pigment_block_type") == "metric");
    CHECK(file->properties.at("pigment_block_id") == "0b6c1a52-3f55-4d3e-9d1b-4c1c5e0d2a11");
    CHECK(file->properties.at("pigment_rows") == std::to_string(commit_info(data, kChunk).rows));
    CHECK(file->properties.at("pigment_exported_at") == "2026-09-21T14:13:20Z");
    CHECK(f.dfs.temp_paths(f.fs).empty());
    CHECK(f.dfs.calls(DfsOp::append) == 11);
    auto appends = f.dfs.appends();
    CHECK(appends.size() == 11);
    for (const auto& a : appends) {
        INFO("append at " << a.position);
        CHECK(a.status == 202);
        CHECK(a.content_md5.empty());  // the service refuses both checksums on one request
        CHECK(a.content_crc64 == pe::crc64_base64(pe::crc64(data.data() + a.position, a.size)));
    }
    CHECK(f.dfs.auth_failures() == 0);
    for (const auto& v : f.dfs.versions_seen()) CHECK(v == pe::storage::kApiVersion);
    CHECK(sink->location() == f.dfs.url(f.fs, f.path));
}

TEST_CASE("DFS: the fake's length-and-hash mode (for multi-GiB runs) sees the same bytes", "[storage][dfs]") {
    Fixture f;
    f.dfs.keep_content(false);
    std::string data = csv_of_size(12 * kChunk + 7);
    SECTION("clean") {}
    SECTION("with a lost append reply") {
        f.dfs.inject({DfsOp::append, 5, 1, 0, "", true, true});
    }
    auto sink = f.sink();
    drive(*sink, data, kChunk);
    auto file = f.dfs.file(f.fs, f.path);
    CHECK(file->content.empty());
    CHECK(file->size == data.size());
    CHECK(file->data_md5 == testing::md5_base64(data));
    CHECK(file->content_md5 == testing::md5_base64(data));
}

TEST_CASE("DFS: small and empty exports go through commit_single", "[storage][dfs]") {
    Fixture f;
    auto small = f.sink();
    drive(*small, "a;b\n1;2\n", kChunk);
    CHECK(f.dfs.file(f.fs, f.path)->content == "a;b\n1;2\n");

    auto empty = f.sink();
    drive(*empty, "", kChunk);
    auto file = f.dfs.file(f.fs, f.path);
    CHECK(file->content.empty());
    CHECK(file->content_md5 == testing::md5_base64(""));
    CHECK(f.dfs.temp_paths(f.fs).empty());
}

TEST_CASE("DFS: SAS rides on every request and inside the rename source", "[storage][dfs][auth]") {
    Fixture f;
    f.dfs.require_auth(DfsAuthMode::sas, "s1g+/=");
    auto sink = f.sink(true, pe::map_env({{"AZURE_STORAGE_SAS_TOKEN", "?sv=2021-08-06&sp=racwd&sig=s1g%2B%2F%3D"},
                                          {"AZURE_STORAGE_KEY", "ignored-because-sas-wins"}}));
    std::string data = csv_of_size(3 * kChunk);
    drive(*sink, data, kChunk);
    CHECK(f.dfs.file(f.fs, f.path)->content == data);
    CHECK(f.dfs.auth_failures() == 0);
}

TEST_CASE("DFS: bearer tokens for the storage audience are accepted, others refused", "[storage][dfs][auth]") {
    Fixture f;
    f.dfs.require_auth(DfsAuthMode::bearer);
    int calls = 0;
    auto sink = f.sink(true, pe::map_env({}), [&] {
        ++calls;
        return pe::Secret(storage_jwt());
    });
    std::string data = csv_of_size(2 * kChunk + 5);
    drive(*sink, data, kChunk);
    CHECK(f.dfs.file(f.fs, f.path)->content == data);
    CHECK(calls == 1);

    auto vault = f.sink(true, pe::map_env({}), [] { return pe::Secret(storage_jwt("https://vault.azure.net")); });
    auto info = failure_of([&] { drive(*vault, data, kChunk); });
    CHECK(info.http_status == 401);
    CHECK(info.service_code == "InvalidAuthenticationInfo");
}

TEST_CASE("DFS: a wrong account key fails with AuthenticationFailed and exit 5", "[storage][dfs][auth]") {
    Fixture f;
    auto sink = f.sink(true, pe::map_env({{"AZURE_STORAGE_KEY", pe::base64_encode("not the key")}}));
    auto info = failure_of([&] { drive(*sink, csv_of_size(100), kChunk); });
    CHECK(info.http_status == 403);
    CHECK(info.service_code == "AuthenticationFailed");
    CHECK(pe::exit_code(info.stage) == 5);
    f.require_untouched();
}

TEST_CASE("DFS: transient faults are retried and the result is still exact", "[storage][dfs][faults]") {
    Fixture f;
    std::string data = csv_of_size(6 * kChunk + 1);
    SECTION("append 503 once") {
        f.dfs.inject({DfsOp::append, 3, 1, 503, "ServerBusy"});
    }
    SECTION("flush 500 once") {
        f.dfs.inject({DfsOp::flush, 1, 1, 500, "InternalError"});
    }
    SECTION("connection reset on an append") {
        f.dfs.inject({DfsOp::append, 2, 1, 0, "", true});
    }
    SECTION("create's reply lost") {
        f.dfs.inject({DfsOp::create, 1, 1, 0, "", true, true});
    }
    SECTION("append's reply lost") {
        f.dfs.inject({DfsOp::append, 4, 1, 0, "", true, true});
    }
    SECTION("flush's reply lost") {
        f.dfs.inject({DfsOp::flush, 1, 1, 0, "", true, true});
    }
    SECTION("rename's reply lost") {
        f.dfs.inject({DfsOp::rename, 1, 1, 0, "", true, true});
    }
    auto sink = f.sink();
    drive(*sink, data, kChunk);
    auto file = f.dfs.file(f.fs, f.path);
    CHECK(file->content == data);
    CHECK(file->content_md5 == testing::md5_base64(data));
    CHECK(f.dfs.temp_paths(f.fs).empty());
}

TEST_CASE("DFS: lasting faults leave the destination unchanged and no temporary file", "[storage][dfs][faults]") {
    Fixture f;
    std::string data = csv_of_size(6 * kChunk + 1);
    int status = 0;
    std::string code;
    SECTION("create 403") {
        f.dfs.inject({DfsOp::create, 1, -1, 403, "AuthorizationPermissionMismatch"});
        status = 403;
        code = "AuthorizationPermissionMismatch";
    }
    SECTION("append 503 every time") {
        f.dfs.inject({DfsOp::append, 2, -1, 503, "ServerBusy"});
        status = 503;
        code = "ServerBusy";
    }
    SECTION("flush 500 every time") {
        f.dfs.inject({DfsOp::flush, 1, -1, 500, "InternalError"});
        status = 500;
        code = "InternalError";
    }
    SECTION("rename 409") {
        f.dfs.inject({DfsOp::rename, 1, -1, 409, "PathConflict"});
        status = 409;
        code = "PathConflict";
    }
    SECTION("connection reset on every append") {
        f.dfs.inject({DfsOp::append, 1, -1, 0, "", true});
        status = 0;
        code = "NetworkError";
    }
    auto sink = f.sink();
    auto info = failure_of([&] { drive(*sink, data, kChunk); });
    CHECK(info.stage == pe::Stage::store);
    CHECK(pe::exit_code(info.stage) == 5);
    CHECK(info.http_status == status);
    CHECK(info.service_code == code);
    f.require_untouched();
}

TEST_CASE("DFS: an append refused by its CRC64 fails the export with a run-again hint and cleans up",
          "[storage][dfs][faults]") {
    Fixture f;
    f.dfs.inject({DfsOp::append, 2, -1, 400, "Crc64Mismatch"});
    auto sink = f.sink();
    auto info = failure_of([&] { drive(*sink, csv_of_size(4 * kChunk), kChunk); });
    CHECK(info.http_status == 400);
    CHECK(info.service_code == "Crc64Mismatch");
    CHECK_THAT(info.hint, Catch::Contains("did not match what was sent"));
    CHECK(pe::exit_code(info.stage) == 5);
    f.require_untouched();
}

TEST_CASE("DFS fake: an append's x-ms-content-crc64 is checked as the service does", "[storage][dfs]") {
    FakeDfs dfs;
    dfs.create_filesystem("exports");
    dfs.require_auth(DfsAuthMode::sas, "s1g");
    pe::http::Client client;
    const std::string url = dfs.url("exports", "a.csv");
    auto send = [&](const std::string& method, const std::string& query, pe::http::Headers headers,
                    std::string_view body = {}) {
        pe::http::Request r;
        r.method = method;
        r.url = url + query + "&sig=s1g";
        r.headers = std::move(headers);
        r.headers.push_back({"x-ms-version", std::string(pe::storage::kApiVersion)});
        r.body = body;
        return client.send(r);
    };
    REQUIRE(send("PUT", "?resource=file", {}).status == 201);

    const std::string body = "a;b\n1;2\n";
    const std::string good = pe::crc64_base64(pe::crc64(body.data(), body.size()));
    auto append = [&](pe::http::Headers headers) { return send("PATCH", "?action=append&position=0", headers, body); };
    auto refusal = [](const pe::http::Response& r) {
        return pe::storage::parse_service_error(r.status, r.headers, r.body);
    };

    SECTION("the right CRC64 is accepted and echoed") {
        auto r = append({{"x-ms-content-crc64", good}});
        CHECK(r.status == 202);
        CHECK(pe::http::find_header(r.headers, "x-ms-content-crc64").value_or("") == good);
    }
    SECTION("a corrupted CRC64 is refused with Crc64Mismatch") {
        std::string bytes = pe::base64_decode(good);
        bytes[3] = static_cast<char>(bytes[3] ^ 0x10);
        // The service checks the length only for too short a value: a longer one is a mismatch.
        for (const auto& wrong : {pe::base64_encode(bytes), pe::crc64_base64(pe::crc64("a;b\n1;3\n", 8)),
                                  pe::base64_encode(pe::base64_decode(good) + std::string(3, '\0'))}) {
            auto r = append({{"x-ms-content-crc64", wrong}});
            CHECK(r.status == 400);
            CHECK(refusal(r).code == "Crc64Mismatch");
            CHECK(refusal(r).message == "The CRC64 value specified in the request did not match the computed value.");
        }
        CHECK(dfs.file("exports", "a.csv")->pending_appends == 0);  // nothing of a refused body landed
    }
    SECTION("a value that is not base64 or shorter than 8 bytes is an InvalidHeaderValue") {
        for (const char* bad : {"not base64!", "iJh5Cg==", "iJh5CoYUi6"}) {
            INFO(bad);
            auto r = append({{"x-ms-content-crc64", bad}});
            CHECK(r.status == 400);
            CHECK(refusal(r).code == "InvalidHeaderValue");
        }
    }
    SECTION("Content-MD5 and x-ms-content-crc64 together are refused") {
        auto r = append({{"x-ms-content-crc64", good}, {"Content-MD5", testing::md5_base64(body)}});
        CHECK(r.status == 400);
        CHECK(refusal(r).code == "InvalidHeaderValue");
    }
    SECTION("Content-MD5 alone is still checked") {
        CHECK(append({{"Content-MD5", testing::md5_base64(body)}}).status == 202);
        auto r = append({{"Content-MD5", testing::md5_base64("other")}});
        CHECK(r.status == 400);
        CHECK(refusal(r).code == "Md5Mismatch");
    }
    CHECK(dfs.auth_failures() == 0);
}

TEST_CASE("DFS: an export cut mid-stream deletes the temporary file", "[storage][dfs][faults]") {
    Fixture f;
    auto sink = f.sink();
    auto info = failure_of([&] { drive(*sink, csv_of_size(8 * kChunk), kChunk, 5); });
    CHECK(info.stage == pe::Stage::export_);
    CHECK(f.dfs.calls(DfsOp::remove) == 1);
    f.require_untouched();
}

TEST_CASE("DFS: --no-overwrite keeps an existing file, before and during the upload", "[storage][dfs][overwrite]") {
    Fixture f;
    SECTION("the destination exists at the start: no temporary file is even created") {
        auto sink = f.sink(false);
        auto info = failure_of([&] { drive(*sink, csv_of_size(3 * kChunk), kChunk); });
        CHECK(info.http_status == 409);
        CHECK(info.service_code == "PathAlreadyExists");
        CHECK_THAT(info.hint, Catch::Contains("--no-overwrite"));
        CHECK(f.dfs.calls(DfsOp::create) == 0);
        f.require_untouched();
    }
    SECTION("another writer creates it during the upload: the rename refuses") {
        std::string other = "someone else's file\n";
        const std::string fresh = "finance/new.csv";
        auto c = storage_config(f.dfs.base_url(), f.dfs.account(), f.fs, fresh, pe::StorageApi::dfs);
        c.transfer.overwrite = false;
        auto sink = pe::make_storage_sink(c, pe::map_env({{"AZURE_STORAGE_KEY", kKey}}), nullptr);
        sink->open();
        std::string data = csv_of_size(2 * kChunk);
        data.resize(2 * kChunk);
        auto info_commit = commit_info(data, kChunk);
        sink->upload(0, chunk_view(0, 0, data.data(), kChunk));
        sink->upload(1, chunk_view(1, kChunk, data.data() + kChunk, data.size() - kChunk));
        f.dfs.put_file(f.fs, fresh, other);
        auto info = failure_of([&] {
            try {
                sink->commit(info_commit);
            } catch (...) {
                sink->abort();
                throw;
            }
        });
        CHECK(info.http_status == 409);
        CHECK(info.service_code == "PathAlreadyExists");
        CHECK(f.dfs.file(f.fs, fresh)->content == other);
        CHECK(f.dfs.temp_paths(f.fs).empty());
    }
}

TEST_CASE("DFS: a missing filesystem is a 404 with a create-it hint", "[storage][dfs]") {
    FakeDfs dfs;
    auto c = storage_config(dfs.base_url(), dfs.account(), "nosuchfs", "a.csv", pe::StorageApi::dfs);
    auto sink = pe::make_storage_sink(c, pe::map_env({{"AZURE_STORAGE_KEY", kKey}}), nullptr);
    auto info = failure_of([&] { drive(*sink, "x\n", kChunk); });
    CHECK(info.http_status == 404);
    CHECK(info.service_code == "FilesystemNotFound");
    CHECK_THAT(info.hint, Catch::Contains("create the filesystem 'nosuchfs'"));
}

namespace {

std::string temporary_of(const std::string& destination, const std::string& hex) {
    return pe::storage::temporary_sibling(destination, hex);
}

// The rest of drive() after open(), on one worker, for tests that act between the steps.
void upload_all(pe::Sink& sink, const std::string& data) {
    auto info = commit_info(data, kChunk);
    for (std::uint64_t i = 0; i < info.chunk_count; ++i) {
        std::size_t offset = i * kChunk;
        sink.upload(0, chunk_view(i, offset, data.data() + offset, std::min(kChunk, data.size() - offset)));
    }
    sink.commit(info);
}

}  // namespace

TEST_CASE("DFS: the temporary file is leased while written and the destination is left without a lease",
          "[storage][dfs]") {
    Fixture f;
    std::string data = csv_of_size(3 * kChunk + 7);
    auto sink = f.sink();
    sink->open();
    auto temps = f.dfs.temp_paths(f.fs);
    REQUIRE(temps.size() == 1);
    auto temp = f.dfs.file(f.fs, temps[0]);
    CHECK(temp->lease_state == "leased");
    upload_all(*sink, data);
    CHECK(f.dfs.file(f.fs, f.path)->content == data);
    CHECK(f.dfs.file(f.fs, f.path)->lease_state == "available");
    CHECK(f.dfs.lease_actions() == std::vector<std::string>{"acquire on create", "release"});
    CHECK(f.dfs.temp_paths(f.fs).empty());
}

TEST_CASE("DFS: an aborted run deletes its leased temporary file, also after the lease lapsed", "[storage][dfs]") {
    Fixture f;
    bool lapsed = GENERATE(false, true);
    auto sink = f.sink();
    sink->open();
    if (lapsed) f.dfs.advance_clock(std::chrono::seconds(40));
    sink->abort();
    f.require_untouched();
}

TEST_CASE("DFS: a slow export keeps its lease by renewing it on a timer", "[storage][dfs][slow]") {
    Fixture f;
    std::string data = csv_of_size(2 * kChunk);
    auto sink = f.sink();
    sink->open();
    auto temp = f.dfs.temp_paths(f.fs).at(0);
    // No append for longer than a third of the lease: only the timer can renew it.
    std::this_thread::sleep_for(std::chrono::milliseconds(11'500));
    f.dfs.advance_clock(std::chrono::seconds(25));  // 36 s after the acquire, < 30 s after the renewal
    CHECK(f.dfs.file(f.fs, temp)->lease_state == "leased");
    auto actions = f.dfs.lease_actions();
    CHECK(std::count(actions.begin(), actions.end(), "renew") >= 1);

    auto other = f.sink();
    other->open();  // a concurrent run to the same destination
    CHECK(dynamic_cast<pe::storage::DfsSink&>(*other).reclaimed() == 0);
    other->abort();
    CHECK(f.dfs.file(f.fs, temp));

    upload_all(*sink, data);
    CHECK(f.dfs.file(f.fs, f.path)->content == data);
}

TEST_CASE("DFS: open reclaims only the abandoned temporaries of the same destination and counts them",
          "[storage][dfs]") {
    Fixture f;
    auto available = temporary_of(f.path, "00000000000000aa");
    auto expired = temporary_of(f.path, "00000000000000bb");
    auto held = temporary_of(f.path, "00000000000000cc");
    auto broken = temporary_of(f.path, "00000000000000dd");
    auto other = temporary_of("finance/other.csv", "00000000000000ee");
    for (const auto& p : {available, expired, held, broken, other}) f.dfs.put_file(f.fs, p, "partial");
    f.dfs.lease_file(f.fs, expired, "11111111-1111-4111-8111-111111111111", std::chrono::seconds(15));
    // Older than a lease's duration: a younger one may be another run's between create and lease.
    f.dfs.advance_clock(std::chrono::seconds(31));
    f.dfs.lease_file(f.fs, held, "22222222-2222-4222-8222-222222222222", std::chrono::seconds(60));
    f.dfs.lease_file(f.fs, broken, "33333333-3333-4333-8333-333333333333", std::chrono::seconds(-1));
    f.dfs.break_lease(f.fs, broken);

    std::string data = csv_of_size(kChunk / 2);
    auto sink = f.sink();
    drive(*sink, data, kChunk);
    CHECK(dynamic_cast<pe::storage::DfsSink&>(*sink).reclaimed() == 3);
    CHECK_FALSE(f.dfs.file(f.fs, available));
    CHECK_FALSE(f.dfs.file(f.fs, expired));
    CHECK_FALSE(f.dfs.file(f.fs, broken));
    CHECK(f.dfs.file(f.fs, held));
    CHECK(f.dfs.file(f.fs, other));
    CHECK(f.dfs.file(f.fs, f.path)->content == data);
}

TEST_CASE("DFS: a destination folder that does not exist yet has nothing to reclaim", "[storage][dfs]") {
    Fixture f;
    f.path = "new/folder/out.csv";
    std::string data = csv_of_size(kChunk / 3);
    auto sink = f.sink();
    drive(*sink, data, kChunk);
    CHECK(dynamic_cast<pe::storage::DfsSink&>(*sink).reclaimed() == 0);
    CHECK(f.dfs.file(f.fs, f.path)->content == data);
}
