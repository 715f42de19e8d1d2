// The fault matrix: stages × faults, one table, every row through the real binary with the
// whole chain live (IMDS → Key Vault → Pigment → DFS). Each row asserts the exit code, the one
// error line (stage, status, service code, hint), that the destination still holds its old
// content, that no temporary path is left, and that no secret reached any output. The table
// is printed to the test log.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <functional>
#include <iomanip>
#include <iostream>

#include "fakes/csv_generator.hpp"
#include "fakes/fake_dfs.hpp"
#include "fakes/fake_imds.hpp"
#include "fakes/fake_key_vault.hpp"
#include "fakes/fake_pigment.hpp"
#include "fakes/process_runner.hpp"
#include "fakes/run_helpers.hpp"
#include "pigment_export/core/url.hpp"

using namespace testing;

namespace {

const std::string kKey = "pgx_matrix_key_5b7d9f1a3c";
const std::string kId = "6e7f8a9b-0c1d-4e2f-8a3b-4c5d6e7f8a9b";
const std::string kSig = "matrixSig+/=secret";
const std::string kOld = "Region;Value\nyesterday;1\n";

struct Stack {
    FakeImds imds;
    FakeKeyVault vault;
    FakePigment pigment{kKey};
    FakeDfs dfs;
    Stack() {
        imds.start();
        vault.put_secret("pigment-key", kKey);
        vault.start();
        pigment.add_block("metric", kId, generate_csv_string(300'000));
        dfs.create_filesystem("lake");
        dfs.put_file("lake", "pigment/metric.csv", kOld);
        dfs.require_auth(DfsAuthMode::sas, kSig);
    }
};

struct Row {
    const char* stage;
    const char* fault;
    std::function<void(Stack&)> inject;
    int exit_code;
    std::vector<std::string> expect;  // substrings of the error line
};

PigmentFault pigment_status(int status, std::string retry_after = {}) {
    PigmentFault f;
    f.status = status;
    f.retry_after = std::move(retry_after);
    return f;
}

PigmentFault pigment_stream(PigmentFault::Kind kind, std::uint64_t bytes = 0, int delay_ms = 0) {
    PigmentFault f;
    f.kind = kind;
    f.bytes = bytes;
    f.delay = std::chrono::milliseconds(delay_ms);
    return f;
}

DfsFault dfs_fault(DfsOp op, int status, std::string code, int times = -1, bool reset = false) {
    DfsFault f;
    f.op = op;
    f.status = status;
    f.code = std::move(code);
    f.times = times;
    f.reset_connection = reset;
    return f;
}

std::vector<Row> rows() {
    auto kv = [](int status, const char* code) {
        return [status, code](Stack& s) {
            for (int i = 0; i < 4; ++i) {
                s.vault.push_fault(
                    Fault::answer(status, std::string(R"({"error":{"code":")") + code + R"(","message":"injected"}})"));
            }
        };
    };
    auto pig = [](PigmentFault f, int n = 4) {
        return [f, n](Stack& s) {
            for (int i = 0; i < n; ++i) s.pigment.push_fault(f);
        };
    };
    auto dfs = [](DfsFault f) { return [f](Stack& s) { s.dfs.inject(f); }; };
    return {
        {"secret",
         "IMDS 400 identity not found",
         [](Stack& s) {
             s.imds.push_fault(
                 Fault::answer(400, R"({"error":"invalid_request","error_description":"Identity not found"})"));
         },
         3,
         {"secret: HTTP 400", "hint:"}},
        {"secret", "IMDS 410 warm-up, then ok", [](Stack& s) { s.imds.push_fault(Fault::answer(410, "{}")); }, 0, {}},
        {"secret",
         "Key Vault 403 ForbiddenByRbac",
         [](Stack& s) { s.vault.deny("ForbiddenByRbac"); },
         3,
         {"HTTP 403", "ForbiddenByRbac", "Key Vault Secrets User"}},
        {"secret",
         "Key Vault 404 SecretNotFound",
         kv(404, "SecretNotFound"),
         3,
         {"HTTP 404", "SecretNotFound", "hint:"}},
        {"secret",
         "Key Vault 429 then ok",
         [](Stack& s) {
             s.vault.push_fault(
                 Fault::answer(429, R"({"error":{"code":"Throttled","message":"x"}})", {{"Retry-After", "0"}}));
         },
         0,
         {}},
        {"secret", "Key Vault 500 (lasting)", kv(500, "InternalError"), 3, {"HTTP 500", "hint:"}},
        {"secret",
         "Key Vault secret with CR/LF (header injection)",
         [](Stack& s) { s.vault.put_secret("pigment-key", kKey + "\r\nX-Injected: 1"); },
         3,
         {"ApiKeyMalformed", "has a line break", "hint:"}},
        {"secret",
         "Key Vault secret of 1 MiB",
         [](Stack& s) { s.vault.put_secret("pigment-key", std::string(1u << 20, 'k')); },
         3,
         {"ApiKeyMalformed", "larger than 4 KiB"}},
        {"secret",
         "Key Vault secret with one line end, ok",
         [](Stack& s) { s.vault.put_secret("pigment-key", kKey + "\n"); },
         0,
         {}},
        {"secret",
         "IMDS token with CR/LF",
         [](Stack& s) {
             s.imds.push_fault(Fault::answer(200, R"({"access_token":"a.b.c\r\nX: 1","expires_in":"3600"})"));
         },
         3,
         {"secret:", "access_token has a line break"}},
        {"export", "401 key refused", pig(pigment_status(401)), 4, {"export: HTTP 401", "Export key"}},
        {"export", "403", pig(pigment_status(403)), 4, {"export: HTTP 403", "hint:"}},
        {"export", "404 block not found", pig(pigment_status(404)), 4, {"export: HTTP 404", "--block-id"}},
        {"export", "422", pig(pigment_status(422)), 4, {"export: HTTP 422"}},
        {"export",
         "429 (lasting)",
         pig(pigment_status(429, "0")),
         4,
         {"export: HTTP 429", "500 requests per 5 minutes"}},
        {"export", "500 (lasting)", pig(pigment_status(500, "0")), 4, {"export: HTTP 500"}},
        {"export", "503 once, then ok", pig(pigment_status(503, "0"), 1), 0, {}},
        {"export", "reset before first byte, then ok", pig(pigment_stream(PigmentFault::Kind::cut_after, 0), 1), 0, {}},
        {"export",
         "cut mid-stream",
         pig(pigment_stream(PigmentFault::Kind::cut_after, 150'000), 1),
         4,
         {"StreamInterrupted", "cut short"}},
        {"export",
         "stall mid-stream",
         pig(pigment_stream(PigmentFault::Kind::stall_after, 100'000, 3000), 1),
         4,
         {"StreamInterrupted", "--stall-timeout"}},
        {"export",
         "HTML with 200",
         pig(pigment_stream(PigmentFault::Kind::html_ok), 1),
         4,
         {"UnexpectedHtml", "--pigment-url"}},
        {"store",
         "create 403 AuthorizationPermissionMismatch",
         dfs(dfs_fault(DfsOp::create, 403, "AuthorizationPermissionMismatch")),
         5,
         {"store: HTTP 403", "AuthorizationPermissionMismatch", "Storage Blob Data Contributor"}},
        {"store", "append 503 once, then ok", dfs(dfs_fault(DfsOp::append, 503, "ServerBusy", 1)), 0, {}},
        {"store", "append 500 (lasting)", dfs(dfs_fault(DfsOp::append, 500, "InternalError")), 5, {"store: HTTP 500"}},
        {"store", "append reset (lasting)", dfs(dfs_fault(DfsOp::append, 0, "", -1, true)), 5, {"store:"}},
        {"store",
         "flush 412 ConditionNotMet",
         dfs(dfs_fault(DfsOp::flush, 412, "ConditionNotMet")),
         5,
         {"store: HTTP 412", "ConditionNotMet"}},
        {"store", "flush 500 (lasting)", dfs(dfs_fault(DfsOp::flush, 500, "InternalError")), 5, {"store: HTTP 500"}},
        {"store", "rename 409 (lasting)", dfs(dfs_fault(DfsOp::rename, 409, "PathConflict")), 5, {"store: HTTP 409"}},
        {"store", "rename 500 (lasting)", dfs(dfs_fault(DfsOp::rename, 500, "InternalError")), 5, {"store: HTTP 500"}},
        {"store", "503 ServerBusy once on flush, then ok", dfs(dfs_fault(DfsOp::flush, 503, "ServerBusy", 1)), 0, {}},
    };
}

}  // namespace

TEST_CASE("fault matrix: every stage and fault leaves the destination as it was", "[matrix][faults]") {
    std::ostringstream table;
    table << "\n| stage  | fault                                      | exit | error line\n";
    int violations = 0;
    for (const auto& row : rows()) {
        Stack stack;
        row.inject(stack);
        TempDir dir;
        RunOptions options;
        options.env = {{"AZURE_POD_IDENTITY_AUTHORITY_HOST", stack.imds.base_url()},
                       {"AZURE_STORAGE_SAS_TOKEN", "sv=2021-08-06&sp=racwd&sig=" + pe::percent_encode(kSig)}};
        options.timeout = std::chrono::seconds(120);
        std::string summary = dir.file("summary.json");
        auto r = run_program({"--block-type",    "metric",
                              "--block-id",      kId,
                              "--pigment-url",   stack.pigment.base_url(),
                              "--key-vault-url", stack.vault.base_url(),
                              "--secret-name",   "pigment-key",
                              "--credential",    "managed-identity",
                              "--dest",          stack.dfs.url("lake", "pigment/metric.csv"),
                              "--storage-api",   "dfs",
                              "--chunk-size",    "64KiB",
                              "--max-retries",   "2",
                              "--stall-timeout", "1",
                              "--log-level",     "error",
                              "--summary-json",  summary},
                             options);
        std::string line = r.err.substr(0, r.err.find('\n'));
        auto file = stack.dfs.file("lake", "pigment/metric.csv");
        bool committed = r.exit_code == 0;
        bool destination_ok = file && (committed ? file->size > kOld.size() : file->content == kOld);
        bool nothing_left = stack.dfs.temp_paths("lake").empty();
        bool no_secret = leaks_none(r, {kKey, kSig}, {summary});
        bool one_line = committed ? r.err.empty() : line_count(r.err) == 1;
        bool text_ok = true;
        for (const auto& needle : row.expect) text_ok = text_ok && line.find(needle) != std::string::npos;
        bool ok = r.exit_code == row.exit_code && destination_ok && nothing_left && no_secret && one_line && text_ok;
        violations += ok ? 0 : 1;
        table << "| " << std::left << std::setw(6) << row.stage << " | " << std::setw(42) << row.fault << " | "
              << std::setw(4) << r.exit_code << " | " << (committed ? "(committed)" : line.substr(0, 150))
              << (ok ? "" : "   <-- VIOLATION") << "\n";
        INFO(row.stage << " / " << row.fault << ": exit " << r.exit_code << "\n" << r.err);
        CHECK(r.exit_code == row.exit_code);
        CHECK(destination_ok);
        CHECK(nothing_left);
        CHECK(no_secret);
        CHECK(one_line);
        CHECK(text_ok);
    }
    std::cout << table.str() << "rows: " << rows().size() << ", violations: " << violations << std::endl;
}
