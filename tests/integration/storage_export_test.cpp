// The real binary from the fake Pigment into storage: Azurite for the Blob API (Shared Key,
// SAS), the DFS fake for the DFS API with every injected fault, an export cut mid-stream, no
// secret in any output, and a 1 GiB run with its peak RSS and throughput.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <sstream>

#include "fakes/azurite.hpp"
#include "fakes/csv_generator.hpp"
#include "fakes/fake_dfs.hpp"
#include "fakes/fake_imds.hpp"
#include "fakes/fake_pigment.hpp"
#include "fakes/process_runner.hpp"
#include "fakes/run_helpers.hpp"
#include "pigment_export/core/url.hpp"

using namespace testing;

namespace {

const std::string kApiKey = "pgx_export_key_storage_51c3";
const std::string kId = "3d0f7a1e-8b2c-4e5d-9f6a-7b8c9d0e1f2a";

Azurite& shared_azurite() {
    static Azurite instance;
    return instance;
}

std::string fresh_container() {
    static int counter = 0;
    return "runs-" + std::to_string(++counter);
}

struct Run {
    FakePigment pigment{kApiKey};
    TempDir dir;
    std::string summary = dir.file("summary.json");

    RunResult run(const std::string& dest, std::vector<std::string> extra, std::map<std::string, std::string> env,
                  std::chrono::seconds timeout = std::chrono::seconds(120)) {
        std::vector<std::string> args = {"--pigment-url",  pigment.base_url(),
                                         "--block-type",   "metric",
                                         "--block-id",     kId,
                                         "--dest",         dest,
                                         "--summary-json", summary,
                                         "--max-retries",  "2",
                                         "--progress",     "off"};
        args.insert(args.end(), extra.begin(), extra.end());
        env["PIGMENT_API_KEY"] = kApiKey;
        RunOptions options;
        options.env = std::move(env);
        options.timeout = timeout;
        return run_program(args, options);
    }

    nlohmann::json summary_json() const { return nlohmann::json::parse(read_file(summary)); }
};

}  // namespace

TEST_CASE("binary → Azurite with Shared Key: exact bytes, MD5, metadata - overwrite replaces",
          "[storage][binary][azurite]") {
    Run r;
    auto& azurite = shared_azurite();
    std::string container = fresh_container();
    azurite.create_container(container);
    std::uint64_t rows = 0;
    std::string csv = generate_csv_string(700'000, &rows);
    r.pigment.add_block("metric", kId, csv);
    std::string blob = "finance/monthly revenue.csv";
    azurite.put_blob(container, blob, "old\n");

    auto result = r.run(azurite.base_url() + "/" + container + "/" + blob,
                        {"--chunk-size", "128KiB", "--parallel", "3"}, {{"AZURE_STORAGE_KEY", Azurite::kKey}});
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    auto got = azurite.get_blob(container, blob);
    REQUIRE(got.status == 200);
    CHECK(got.body == csv);
    CHECK(header(got, "Content-MD5") == md5_base64(csv));
    CHECK(header(got, "Content-Type") == "text/csv");
    CHECK(header(got, "x-ms-meta-pigment_rows") == std::to_string(rows));
    CHECK(header(got, "x-ms-meta-pigment_block_type") == "metric");
    CHECK(header(got, "x-ms-meta-pigment_block_id") == kId);
    auto s = r.summary_json();
    CHECK(s["md5"] == md5_base64(csv));
    CHECK(leaks_none(result, {Azurite::kKey}, {r.summary}));
}

TEST_CASE("binary → Azurite with SAS: works, and the SAS appears nowhere, even at trace level",
          "[storage][binary][azurite]") {
    Run r;
    auto& azurite = shared_azurite();
    std::string container = fresh_container();
    azurite.create_container(container);
    std::string csv = generate_csv_string(300'000);
    r.pigment.add_block("metric", kId, csv);
    std::string sas = azurite.account_sas();
    std::string sig = sas.substr(sas.find("sig=") + 4);

    auto result = r.run(azurite.base_url() + "/" + container + "/out.csv",
                        {"--chunk-size", "64KiB", "--log-level", "trace"}, {{"AZURE_STORAGE_SAS_TOKEN", "?" + sas}});
    INFO(result.err.substr(0, 4000));
    REQUIRE(result.exit_code == 0);
    CHECK(azurite.get_blob(container, "out.csv").body == csv);
    CHECK(leaks_none(result, {sig}, {r.summary}));
    CHECK(r.summary_json()["destination"].get<std::string>().find('?') == std::string::npos);
}

TEST_CASE("binary → Azurite --no-overwrite keeps the existing blob and exits 5", "[storage][binary][azurite]") {
    Run r;
    auto& azurite = shared_azurite();
    std::string container = fresh_container();
    azurite.create_container(container);
    azurite.put_blob(container, "out.csv", "old\n");
    r.pigment.add_block("metric", kId, generate_csv_string(200'000));
    auto result = r.run(azurite.base_url() + "/" + container + "/out.csv", {"--no-overwrite", "--chunk-size", "64KiB"},
                        {{"AZURE_STORAGE_KEY", Azurite::kKey}});
    CHECK(result.exit_code == 5);
    CHECK(result.err.find("BlobAlreadyExists") != std::string::npos);
    CHECK(azurite.get_blob(container, "out.csv").body == "old\n");
    auto s = r.summary_json();
    CHECK(s["error"]["http_status"] == 409);
}

TEST_CASE("binary → Azurite over HTTPS with a managed-identity bearer token (--oauth basic)",
          "[storage][binary][azurite][bearer]") {
    Run r;
    Azurite azurite(AzuriteOptions{true});
    azurite.create_container("secure");
    FakeImds imds;
    imds.start();
    std::string csv = generate_csv_string(400'000);
    r.pigment.add_block("metric", kId, csv);

    auto result =
        r.run(azurite.base_url() + "/secure/out.csv",
              {"--chunk-size", "64KiB", "--credential", "managed-identity", "--ca-bundle", azurite.ca_certificate()},
              {{"AZURE_POD_IDENTITY_AUTHORITY_HOST", imds.base_url()}});
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    auto got = azurite.get_blob("secure", "out.csv");
    CHECK(got.body == csv);
    CHECK(header(got, "Content-MD5") == md5_base64(csv));
    bool asked_for_storage = false;
    for (const auto& request : imds.requests()) {
        asked_for_storage =
            asked_for_storage || request.param("resource").find("storage.azure.com") != std::string::npos;
    }
    CHECK(asked_for_storage);
}

// Issue 12, item 11 / error model: a certificate the tool cannot verify is a TLS failure, named
// and not retried (it is deterministic), not "unreachable after N retries".
TEST_CASE("binary → Azurite over HTTPS without its CA: exit 5 TlsError, not retried, old blob kept",
          "[storage][binary][azurite][tls]") {
    Run r;
    Azurite azurite(AzuriteOptions{true});
    azurite.create_container("secure");
    azurite.put_blob("secure", "out.csv", "old\n");
    r.pigment.add_block("metric", kId, "h\n1\n");
    auto result = r.run(azurite.base_url() + "/secure/out.csv", {}, {{"AZURE_STORAGE_KEY", Azurite::kKey}});
    INFO(result.err);
    CHECK(result.exit_code == 5);
    CHECK(result.err.find("TlsError") != std::string::npos);
    CHECK(result.err.find("--ca-bundle") != std::string::npos);
    CHECK(result.err.find("retry") == std::string::npos);
    CHECK(result.err.find("cannot reach") == std::string::npos);
    CHECK(azurite.get_blob("secure", "out.csv").body == "old\n");
}

namespace {

DfsFault dfs_head_refused() {
    DfsFault f;
    f.op = DfsOp::head;
    f.status = 403;
    f.code = "AuthorizationPermissionMismatch";
    f.times = -1;
    return f;
}

struct DfsRun : Run {
    FakeDfs dfs;
    std::string fs = "lake";
    std::string path = "finance/monthly.csv";
    std::string old_content = "old;content\n";
    std::string csv = generate_csv_string(600'000);

    DfsRun() {
        dfs.create_filesystem(fs);
        dfs.put_file(fs, path, old_content);
        pigment.add_block("metric", kId, csv);
    }

    RunResult run_dfs(std::vector<std::string> extra = {}) {
        extra.insert(extra.end(), {"--storage-api", "dfs", "--chunk-size", "64KiB", "--parallel", "4"});
        return run(dfs.url(fs, path), extra, {{"AZURE_STORAGE_KEY", Azurite::kKey}});
    }
};

}  // namespace

TEST_CASE("binary → DFS: the file is replaced atomically with exact bytes and properties", "[storage][binary][dfs]") {
    DfsRun r;
    auto result = r.run_dfs();
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    auto file = r.dfs.file(r.fs, r.path);
    CHECK(file->content == r.csv);
    CHECK(file->content_md5 == md5_base64(r.csv));
    CHECK(file->content_type == "text/csv");
    CHECK(file->properties.at("pigment_block_id") == kId);
    CHECK(r.dfs.temp_paths(r.fs).empty());
}

TEST_CASE("binary → DFS with SAS at trace level: the SAS (also inside x-ms-rename-source) never shows",
          "[storage][binary][dfs]") {
    DfsRun r;
    const std::string sig = "c2VjcmV0LXNhcy1zaWduYXR1cmU=";
    r.dfs.require_auth(DfsAuthMode::sas, sig);
    auto result =
        r.run(r.dfs.url(r.fs, r.path), {"--storage-api", "dfs", "--chunk-size", "64KiB", "--log-level", "trace"},
              {{"AZURE_STORAGE_SAS_TOKEN", "sv=2021-08-06&sp=racwd&sig=" + pe::percent_encode(sig)}});
    INFO(result.err.substr(0, 3000));
    REQUIRE(result.exit_code == 0);
    CHECK(r.dfs.file(r.fs, r.path)->content == r.csv);
    CHECK(leaks_none(result, {sig, pe::percent_encode(sig)}, {r.summary}));
}

TEST_CASE("binary → DFS faults: destination unchanged, no temporary file, exit 5", "[storage][binary][dfs]") {
    DfsRun r;
    SECTION("create 403") {
        r.dfs.inject({DfsOp::create, 1, -1, 403, "AuthorizationPermissionMismatch"});
    }
    SECTION("append 503 every time") {
        r.dfs.inject({DfsOp::append, 3, -1, 503, "ServerBusy"});
    }
    SECTION("flush 500 every time") {
        r.dfs.inject({DfsOp::flush, 1, -1, 500, "InternalError"});
    }
    SECTION("rename 409") {
        r.dfs.inject({DfsOp::rename, 1, -1, 409, "PathConflict"});
    }
    SECTION("connection resets on appends") {
        r.dfs.inject({DfsOp::append, 2, -1, 0, "", true});
    }
    auto result = r.run_dfs();
    INFO(result.err);
    CHECK(result.exit_code == 5);
    CHECK(r.dfs.file(r.fs, r.path)->content == r.old_content);
    CHECK(r.dfs.temp_paths(r.fs).empty());
    CHECK(r.summary_json()["stage"] == "store");
}

TEST_CASE("binary → DFS transient faults are absorbed by retries", "[storage][binary][dfs]") {
    DfsRun r;
    r.dfs.inject({DfsOp::append, 2, 1, 503, "ServerBusy"});
    r.dfs.inject({DfsOp::flush, 1, 1, 500, "InternalError"});
    r.dfs.inject({DfsOp::append, 5, 1, 0, "", true});
    auto result = r.run_dfs();
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    CHECK(r.dfs.file(r.fs, r.path)->content == r.csv);
}

TEST_CASE("binary → DFS: an export cut mid-stream leaves the destination and deletes the temporary file",
          "[storage][binary][dfs]") {
    DfsRun r;
    r.pigment.push_fault({PigmentFault::Kind::cut_after, 0, "", 300'000, std::chrono::milliseconds(0)});
    auto result = r.run_dfs();
    INFO(result.err);
    CHECK(result.exit_code == 4);
    CHECK(r.dfs.file(r.fs, r.path)->content == r.old_content);
    CHECK(r.dfs.temp_paths(r.fs).empty());
    CHECK(r.dfs.calls(DfsOp::remove) == 1);
}

TEST_CASE("binary → DFS --no-overwrite: 409 PathAlreadyExists, exit 5, file intact", "[storage][binary][dfs]") {
    DfsRun r;
    auto result = r.run_dfs({"--no-overwrite"});
    CHECK(result.exit_code == 5);
    CHECK(result.err.find("PathAlreadyExists") != std::string::npos);
    CHECK(r.dfs.file(r.fs, r.path)->content == r.old_content);
    CHECK(r.dfs.temp_paths(r.fs).empty());
}

namespace {

// Sanitizers multiply memory and time: a sanitizer build of the binary still proves exactness, at a
// smaller size, and is not measured.
bool measured() {
    return !binary_under_test_is_sanitized();
}

std::uint64_t large_bytes() {
    return measured() ? 1ull << 30 : 64ull << 20;
}

}  // namespace

TEST_CASE("binary → DFS, 1 GiB generated on the fly: exact MD5, bounded peak RSS", "[storage][binary][dfs][large]") {
    Run r;
    FakeDfs dfs;
    dfs.keep_content(false);
    dfs.create_filesystem("lake");
    r.pigment.add_generated_block("metric", kId, large_bytes());
    constexpr std::uint64_t kChunkMiB = 8, kParallel = 4;
    auto result = r.run(dfs.url("lake", "big.csv"),
                        {"--storage-api", "dfs", "--chunk-size", std::to_string(kChunkMiB) + "MiB", "--parallel",
                         std::to_string(kParallel)},
                        {{"AZURE_STORAGE_KEY", Azurite::kKey}}, std::chrono::seconds(280));
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    auto s = r.summary_json();
    auto file = dfs.file("lake", "big.csv");
    REQUIRE(file);
    CHECK(file->size >= large_bytes());
    CHECK(file->size == s["bytes"].get<std::uint64_t>());
    CHECK(file->data_md5 == s["md5"].get<std::string>());
    CHECK(file->content_md5 == file->data_md5);
    if (measured()) {
        const long bound_kib = static_cast<long>((kChunkMiB * (kParallel + 2) + 24) * 1024);
        double mb_per_s = static_cast<double>(file->size) / 1e6 / (static_cast<double>(result.wall.count()) / 1000.0);
        WARN("1 GiB via DFS fake: peak RSS " << result.peak_rss_kib / 1024 << " MiB (bound " << bound_kib / 1024
                                             << " MiB), " << mb_per_s << " MB/s, wall " << result.wall.count()
                                             << " ms, cpu " << result.cpu_seconds << " s");
        CHECK(result.peak_rss_kib <= bound_kib);
    }
}

// Issue 12, item 11: an empty export was exit 1 "internal" on DFS and exit 0 elsewhere.
TEST_CASE("binary: an empty export is committed as an empty object on every sink, with a warning",
          "[storage][binary][dfs][azurite]") {
    {
        DfsRun r;
        r.pigment.add_block("metric", kId, "");
        auto result = r.run_dfs();
        INFO(result.err);
        CHECK(result.exit_code == 0);
        CHECK(result.err.find("the export is empty") != std::string::npos);
        auto file = r.dfs.file(r.fs, r.path);
        REQUIRE(file);
        CHECK(file->content.empty());
        CHECK(file->content_md5 == md5_base64(""));
        CHECK(r.dfs.temp_paths(r.fs).empty());
    }
    {
        Run r;
        r.pigment.add_block("metric", kId, "");
        auto& azurite = shared_azurite();
        std::string container = fresh_container();
        azurite.create_container(container);
        azurite.put_blob(container, "empty.csv", "old\n");
        auto result =
            r.run(azurite.base_url() + "/" + container + "/empty.csv", {}, {{"AZURE_STORAGE_KEY", Azurite::kKey}});
        INFO(result.err);
        CHECK(result.exit_code == 0);
        CHECK(result.err.find("the export is empty") != std::string::npos);
        CHECK(azurite.get_blob(container, "empty.csv").body.empty());
    }
    {
        Run r;
        r.pigment.add_block("metric", kId, "");
        std::string dest = r.dir.file("empty.csv");
        write_file(dest, "old\n");
        auto result = r.run(dest, {}, {});
        CHECK(result.exit_code == 0);
        CHECK(result.err.find("the export is empty") != std::string::npos);
        CHECK(read_file(dest).empty());
        auto to_stdout = r.run("-", {}, {});
        CHECK(to_stdout.exit_code == 0);
        CHECK(to_stdout.out.empty());
        CHECK(to_stdout.err.find("the export is empty") != std::string::npos);
    }
}

// Issue 13, item 3: once the commit happened, a failed read-back must not claim the destination
// is unchanged: exit 6 (after-commit), "committed": true in the summary, the line says what failed.
TEST_CASE("binary: a check after the commit that fails is exit 6 with committed:true, on DFS and Blob",
          "[storage][binary][dfs][azurite][after-commit]") {
    {
        DfsRun r;
        r.dfs.inject(dfs_head_refused());
        auto result = r.run_dfs();
        INFO(result.err);
        CHECK(result.exit_code == 6);
        CHECK(result.err.find("after-commit: HTTP 403") != std::string::npos);
        CHECK(result.err.find("the export was committed to") != std::string::npos);
        CHECK(r.dfs.file(r.fs, r.path)->content == r.csv);
        auto s = r.summary_json();
        CHECK(s["committed"] == true);
        CHECK(s["status"] == "failed");
        CHECK(s["stage"] == "after-commit");
        CHECK(s["exit_code"] == 6);
    }
    {
        Run r;
        std::string csv = generate_csv_string(200'000);
        r.pigment.add_block("metric", kId, csv);
        auto& azurite = shared_azurite();
        std::string container = fresh_container();
        azurite.create_container(container);
        azurite.put_blob(container, "out.csv", "old\n");
        // A SAS that may create and write but not read: the commit works, the read-back is refused.
        auto result = r.run(azurite.base_url() + "/" + container + "/out.csv", {"--chunk-size", "64KiB"},
                            {{"AZURE_STORAGE_SAS_TOKEN", azurite.account_sas("cw")}});
        INFO(result.err);
        CHECK(result.exit_code == 6);
        CHECK(result.err.find("after-commit: HTTP 403") != std::string::npos);
        CHECK(result.err.find("grant read") != std::string::npos);
        CHECK(azurite.get_blob(container, "out.csv").body == csv);
        CHECK(r.summary_json()["committed"] == true);
    }
}

// Issue 13, item 4: which requests each storage API sends, on which names, and so which Event
// Grid events a run fires. Read from the binary's own trace of every request line ("> METHOD URL").
//   --storage-api blob (Put Block × n, Put Block List): the only write on any name is the commit of the
//     final name, so BlobCreated fires once, on the final name, after the commit.
//   --storage-api dfs (hidden temporary, rename): the writes go to the temporary name (BlobCreated there on
//     create and flush) and the final name arrives only through the rename (BlobRenamed).
namespace {

// "PUT c/out.csv?comp=block" for every request line to `container`, the query reduced to the
// parameters that name the operation.
std::vector<std::string> store_requests(const std::string& err, const std::string& container) {
    std::vector<std::string> out;
    std::istringstream lines(err);
    std::string line;
    while (std::getline(lines, line)) {
        // "trace: > PUT URL", or "trace: store: > PUT URL" on the stage's own thread.
        auto at = line.find(": > ");
        if (line.find("trace:") == std::string::npos || at == std::string::npos) continue;
        std::istringstream words(line.substr(at + 4));
        std::string method, url;
        words >> method >> url;
        auto path = url.find("/" + container + "/");
        if (path == std::string::npos) path = url.find("/" + container + "?");
        if (path == std::string::npos) continue;
        std::string rest = url.substr(path + 1);
        auto q = rest.find('?');
        std::string keys;
        if (q != std::string::npos) {
            std::istringstream query(rest.substr(q + 1));
            std::string pair;
            while (std::getline(query, pair, '&')) {
                std::string key = pair.substr(0, pair.find('='));
                if (key == "comp" || key == "resource" || key == "action" || key == "restype")
                    keys += (keys.empty() ? "?" : "&") + pair;
            }
            rest = rest.substr(0, q);
        }
        out.push_back(method + " " + rest + keys);
    }
    return out;
}

bool is_write(const std::string& request) {
    return request.rfind("PUT ", 0) == 0 || request.rfind("PATCH ", 0) == 0;
}

}  // namespace

TEST_CASE("binary: --storage-api blob writes only the final name, once (one BlobCreated after the commit)",
          "[storage][binary][azurite][events]") {
    FakePigment pigment(kApiKey);
    pigment.add_block("metric", kId, generate_csv_string(300'000));
    auto& azurite = shared_azurite();
    std::string container = fresh_container();
    azurite.create_container(container);
    RunOptions options;
    options.env = {{"PIGMENT_API_KEY", kApiKey}, {"AZURE_STORAGE_KEY", Azurite::kKey}};
    auto r = run_program({"--pigment-url", pigment.base_url(), "--block-type", "metric", "--block-id", kId, "--dest",
                          azurite.base_url() + "/" + container + "/out.csv", "--storage-api", "blob", "--chunk-size",
                          "64KiB", "--log-level", "trace", "--progress", "off"},
                         options);
    INFO(r.err.substr(0, 3000));
    REQUIRE(r.exit_code == 0);
    auto requests = store_requests(r.err, container);
    REQUIRE_FALSE(requests.empty());
    std::size_t blocks = 0, commits = 0;
    for (const auto& q : requests) {
        INFO(q);
        if (is_write(q)) CHECK(q.find(container + "/out.csv") != std::string::npos);  // no other name is ever written
        blocks += q == "PUT " + container + "/out.csv?comp=block" ? 1 : 0;
        commits += q == "PUT " + container + "/out.csv?comp=blocklist" ? 1 : 0;
    }
    CHECK(blocks > 1);
    CHECK(commits == 1);
    CHECK(requests.back() == "HEAD " + container + "/out.csv");  // the read-back, after the one commit
}

TEST_CASE(
    "binary: --storage-api dfs writes a hidden temporary and renames it (BlobCreated on the temporary, "
    "BlobRenamed to the final name)",
    "[storage][binary][dfs][events]") {
    FakePigment pigment(kApiKey);
    pigment.add_block("metric", kId, generate_csv_string(300'000));
    FakeDfs dfs;
    dfs.create_filesystem("lake");
    RunOptions options;
    options.env = {{"PIGMENT_API_KEY", kApiKey}, {"AZURE_STORAGE_KEY", Azurite::kKey}};
    auto r = run_program({"--pigment-url", pigment.base_url(), "--block-type", "metric", "--block-id", kId, "--dest",
                          dfs.url("lake", "dir/out.csv"), "--storage-api", "dfs", "--chunk-size", "64KiB",
                          "--log-level", "trace", "--progress", "off"},
                         options);
    INFO(r.err.substr(0, 3000));
    REQUIRE(r.exit_code == 0);
    auto requests = store_requests(r.err, "lake");
    REQUIRE_FALSE(requests.empty());
    std::vector<std::string> final_writes;
    bool temporary_created = false, flushed = false;
    for (const auto& q : requests) {
        temporary_created = temporary_created || (q.find("lake/dir/.out.csv.pigment-tmp-") != std::string::npos &&
                                                  q.find("?resource=file") != std::string::npos);
        flushed = flushed || q.find("?action=flush") != std::string::npos;
        if (is_write(q) && q.find("lake/dir/out.csv") != std::string::npos) final_writes.push_back(q);
    }
    CHECK(temporary_created);
    CHECK(flushed);
    // The final name is written exactly once, by the rename (a PUT carrying x-ms-rename-source).
    REQUIRE(final_writes.size() == 1);
    CHECK(final_writes.front() == "PUT lake/dir/out.csv");
    CHECK(r.err.find("x-ms-rename-source") != std::string::npos);
}

// Issue 13, item 5: --if-changed leaves a destination that already holds the export's bytes
// alone (no commit, so no storage event and no new Last-Modified), on every sink; a changed
// export is committed as usual.
TEST_CASE("binary: --if-changed leaves a destination holding the same bytes alone on every sink",
          "[storage][binary][dfs][azurite][if-changed]") {
    auto check_unchanged = [](const RunResult& result, const nlohmann::json& summary) {
        INFO(result.err);
        CHECK(result.exit_code == 0);
        CHECK(result.err.find("(unchanged: it already held these bytes, nothing was written)") != std::string::npos);
        CHECK(summary["status"] == "ok");
        CHECK(summary["unchanged"] == true);
        CHECK(summary["committed"] == false);
    };
    SECTION("DFS") {
        DfsRun r;
        REQUIRE(r.run_dfs().exit_code == 0);
        auto before = r.dfs.file(r.fs, r.path);
        int renames = r.dfs.calls(DfsOp::rename);
        auto again = r.run_dfs({"--if-changed"});
        check_unchanged(again, r.summary_json());
        CHECK(r.dfs.calls(DfsOp::rename) == renames);
        CHECK(r.dfs.file(r.fs, r.path)->etag == before->etag);
        CHECK(r.dfs.temp_paths(r.fs).empty());

        std::string changed = r.csv + "Q4;2026;1\n";
        r.pigment.add_block("metric", kId, changed);
        auto result = r.run_dfs({"--if-changed"});
        INFO(result.err);
        CHECK(result.exit_code == 0);
        CHECK(r.dfs.file(r.fs, r.path)->content == changed);
        CHECK(r.summary_json()["unchanged"] == false);
        CHECK(r.summary_json()["committed"] == true);
    }
    SECTION("Blob, one chunk and several") {
        std::string chunk_size = GENERATE(std::string("4MiB"), std::string("64KiB"));
        Run r;
        std::string csv = generate_csv_string(300'000);
        r.pigment.add_block("metric", kId, csv);
        auto& azurite = shared_azurite();
        std::string container = fresh_container();
        azurite.create_container(container);
        std::string dest = azurite.base_url() + "/" + container + "/out.csv";
        std::map<std::string, std::string> env = {{"AZURE_STORAGE_KEY", Azurite::kKey}};
        REQUIRE(r.run(dest, {"--chunk-size", chunk_size}, env).exit_code == 0);
        std::string etag = header(azurite.get_blob(container, "out.csv"), "ETag");
        auto again = r.run(dest, {"--chunk-size", chunk_size, "--if-changed"}, env);
        check_unchanged(again, r.summary_json());
        CHECK(header(azurite.get_blob(container, "out.csv"), "ETag") == etag);

        std::string changed = csv + "Q4;2026;1\n";
        r.pigment.add_block("metric", kId, changed);
        auto result = r.run(dest, {"--chunk-size", chunk_size, "--if-changed"}, env);
        CHECK(result.exit_code == 0);
        CHECK(azurite.get_blob(container, "out.csv").body == changed);
    }
    SECTION("local file, one chunk and several") {
        std::string chunk_size = GENERATE(std::string("4MiB"), std::string("64KiB"));
        Run r;
        std::string csv = generate_csv_string(300'000);
        r.pigment.add_block("metric", kId, csv);
        std::string dest = r.dir.file("out.csv");
        REQUIRE(r.run(dest, {"--chunk-size", chunk_size}, {}).exit_code == 0);
        struct stat before {};
        REQUIRE(::stat(dest.c_str(), &before) == 0);
        auto again = r.run(dest, {"--chunk-size", chunk_size, "--if-changed"}, {});
        check_unchanged(again, r.summary_json());
        struct stat after {};
        REQUIRE(::stat(dest.c_str(), &after) == 0);
        CHECK(after.st_ino == before.st_ino);         // not replaced by a rename
        CHECK(list_dir(r.dir.file("")).size() == 2);  // out.csv and summary.json: no temporary left

        // Same length, other bytes: compared by MD5, so committed.
        std::string changed = csv;
        changed[changed.size() - 2] = changed[changed.size() - 2] == '1' ? '2' : '1';
        r.pigment.add_block("metric", kId, changed);
        auto result = r.run(dest, {"--chunk-size", chunk_size, "--if-changed"}, {});
        CHECK(result.exit_code == 0);
        CHECK(read_file(dest) == changed);
        CHECK(r.summary_json()["unchanged"] == false);
    }
}
