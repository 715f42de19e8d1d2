// Soak driver: runs the real pigment-export binary many times against the loopback fakes
// (Pigment, DFS) with one randomly drawn fault per run, and checks the five guarantees after
// every run:
//   G1 the destination holds the old content (or is still absent) or exactly the new export;
//      no temporary object is left (".pigment-tmp-" locally, the DFS fake's temp paths);
//   G3 exit 0 only when the destination is byte-for-byte the export (bytes and MD5);
//   G4 the API key and the storage account key appear in no stdout, stderr or summary;
//   G5 the exit code names the failing stage (the one the drawn fault belongs to), and the
//      summary JSON's status/stage/exit_code agree with it.
// A "kill9" draw SIGKILLs the run mid-transfer, which no run can clean up after itself; the
// guarantees are then checked after the next run to the same destination (started once a DFS
// lease could have lapsed), which must reclaim what the killed one left and commit.
// (G2, "nothing partial visible even for a moment", is a property of the sinks' temp+rename
// protocol; the soak observes it only indirectly, through G1 after every kind of failure.)
//
//   soak_driver [--runs N] [--seed S] [--only I] [--verbose]
// Run I draws from a generator seeded with (S, I), so `--seed S --only I` replays one run.
#include <nlohmann/json.hpp>

#include <signal.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "fakes/azurite.hpp"
#include "fakes/csv_generator.hpp"
#include "fakes/fake_dfs.hpp"
#include "fakes/fake_pigment.hpp"
#include "fakes/process_runner.hpp"
#include "fakes/run_helpers.hpp"

using namespace testing;
using namespace std::chrono_literals;

namespace {

const std::string kApiKey = "pgx_soak_key_8e41c07b2d95";
const std::string kWrongKey = "pgx_soak_wrong_key_5a73f1";
const std::string kId = "5b2e9c4d-1a3f-4e6b-8c7d-9e0f1a2b3c4d";
const std::string kFs = "lake";

struct Draw {
    std::string kind;        // the fault's name, for the tally
    std::set<int> expected;  // acceptable exit codes
    std::vector<PigmentFault> pigment;
    std::vector<DfsFault> dfs;
    bool wrong_key = false;
    bool missing_key_file = false;
    bool no_overwrite = false;
    bool parent_missing = false;    // local: the destination folder does not exist
    bool truncated_quotes = false;  // the CSV ends inside a quoted field
    int signal = 0;                 // SIGTERM / SIGINT / SIGKILL sent mid-transfer
    std::chrono::milliseconds signal_after{0};
    bool small = false;  // keep the CSV small (slow streaming)
};

struct Outcome {
    bool violated = false;
    std::vector<std::string> problems;
    void fail(std::string what) {
        violated = true;
        problems.push_back(std::move(what));
    }
};

int pick(std::mt19937_64& rng, int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
}
template <typename T>
const T& pick(std::mt19937_64& rng, const std::vector<T>& v) {
    return v[static_cast<std::size_t>(pick(rng, 0, static_cast<int>(v.size()) - 1))];
}

PigmentFault pstatus(int status, std::string retry_after = {}) {
    PigmentFault f;
    f.kind = PigmentFault::Kind::status;
    f.status = status;
    f.retry_after = std::move(retry_after);
    return f;
}
PigmentFault pkind(PigmentFault::Kind kind, std::uint64_t bytes = 0, std::chrono::milliseconds delay = 0ms) {
    PigmentFault f;
    f.kind = kind;
    f.bytes = bytes;
    f.delay = delay;
    return f;
}
DfsFault dfault(DfsOp op, int nth, int times, int status, std::string code, bool reset = false,
                bool apply_first = false) {
    return DfsFault{op, nth, times, status, std::move(code), reset, apply_first};
}

// One fault per run; `dfs` tells whether storage faults are possible; `csv_size` bounds cut points.
Draw draw_fault(std::mt19937_64& rng, bool dfs, bool dest_exists, std::uint64_t csv_size) {
    std::vector<std::string> kinds = {"none",
                                      "none",
                                      "pigment_status_fatal",
                                      "pigment_transient_absorbed",
                                      "pigment_transient_exhausted",
                                      "pigment_reset_before_body",
                                      "pigment_html_200",
                                      "pigment_cut_mid_stream",
                                      "pigment_stall_mid_stream",
                                      "pigment_slow",
                                      "csv_ends_in_quotes",
                                      "wrong_api_key",
                                      "api_key_file_missing",
                                      "no_overwrite",
                                      "signal",
                                      "kill9"};
    if (dfs) {
        kinds.insert(kinds.end(),
                     {"dfs_create_fatal", "dfs_append_persistent", "dfs_append_transient", "dfs_append_lost_reply",
                      "dfs_flush_fatal", "dfs_flush_transient", "dfs_flush_lost_reply", "dfs_rename_fatal",
                      "dfs_rename_transient", "dfs_cut_and_remove_transient"});
    } else {
        kinds.push_back("local_parent_missing");  // the tool creates the folder, as documented
    }
    Draw d;
    d.kind = pick(rng, kinds);
    const std::uint64_t cut =
        csv_size > 2 ? static_cast<std::uint64_t>(pick(rng, 1, static_cast<int>(csv_size - 1))) : 1;
    if (d.kind == "none") {
        d.expected = {0};
    } else if (d.kind == "pigment_status_fatal") {
        d.pigment.push_back(pstatus(pick(rng, std::vector<int>{400, 401, 403, 404, 413, 422})));
        d.expected = {4};
    } else if (d.kind == "pigment_transient_absorbed" || d.kind == "pigment_transient_exhausted") {
        int status = pick(rng, std::vector<int>{429, 500, 502, 503, 504});
        int times = d.kind == "pigment_transient_absorbed" ? pick(rng, 1, 2) : 3;  // --max-retries 2
        for (int i = 0; i < times; ++i) d.pigment.push_back(pstatus(status, "0"));
        d.expected = {times <= 2 ? 0 : 4};
    } else if (d.kind == "pigment_reset_before_body") {
        int times = pick(rng, 1, 3);
        for (int i = 0; i < times; ++i) d.pigment.push_back(pkind(PigmentFault::Kind::cut_after, 0));
        d.expected = {times <= 2 ? 0 : 4};
    } else if (d.kind == "pigment_html_200") {
        d.pigment.push_back(pkind(PigmentFault::Kind::html_ok));
        d.expected = {4};
    } else if (d.kind == "pigment_cut_mid_stream") {
        d.pigment.push_back(pkind(PigmentFault::Kind::cut_after, cut));
        d.expected = {4};
    } else if (d.kind == "pigment_stall_mid_stream") {
        d.pigment.push_back(pkind(PigmentFault::Kind::stall_after, cut, 2500ms));  // --stall-timeout 1
        d.expected = {4};
    } else if (d.kind == "pigment_slow") {
        d.small = true;
        d.pigment.push_back(pkind(PigmentFault::Kind::slow, 0, 1ms));
        d.expected = {0};
    } else if (d.kind == "csv_ends_in_quotes") {
        d.truncated_quotes = true;
        d.expected = {4};
    } else if (d.kind == "wrong_api_key") {
        d.wrong_key = true;
        d.expected = {4};
    } else if (d.kind == "api_key_file_missing") {
        d.missing_key_file = true;
        d.expected = {3};
    } else if (d.kind == "no_overwrite") {
        d.no_overwrite = true;
        d.expected = {dest_exists ? 5 : 0};
    } else if (d.kind == "signal") {
        d.small = true;
        d.signal = pick(rng, 0, 1) ? SIGTERM : SIGINT;
        d.signal_after = std::chrono::milliseconds(pick(rng, 150, 900));
        d.pigment.push_back(pkind(PigmentFault::Kind::slow, 0, 5ms));
        d.expected = {0, d.signal == SIGTERM ? 143 : 130};  // 0 when the run beat the signal
    } else if (d.kind == "kill9") {
        d.small = true;
        d.signal = SIGKILL;
        d.signal_after = std::chrono::milliseconds(pick(rng, 150, 900));
        d.pigment.push_back(pkind(PigmentFault::Kind::slow, 0, 5ms));
        d.expected = {0};  // of the run after the killed one
    } else if (d.kind == "local_parent_missing") {
        d.parent_missing = true;
        d.expected = {0};
    } else if (d.kind == "dfs_create_fatal") {
        auto [status, code] =
            pick(rng, std::vector<std::pair<int, std::string>>{{403, "AuthorizationPermissionMismatch"},
                                                               {403, "AuthenticationFailed"},
                                                               {404, "FilesystemNotFound"},
                                                               {409, "PathConflict"},
                                                               {500, "InternalError"}});
        d.dfs.push_back(dfault(DfsOp::create, 1, -1, status, code));
        d.expected = {5};
    } else if (d.kind == "dfs_append_persistent") {
        bool reset = pick(rng, 0, 1);
        d.dfs.push_back(dfault(DfsOp::append, 1, -1, reset ? 0 : 503, reset ? "" : "ServerBusy", reset));
        d.expected = {5};
    } else if (d.kind == "dfs_append_transient") {
        bool reset = pick(rng, 0, 1);
        d.dfs.push_back(dfault(DfsOp::append, pick(rng, 1, 4), 1, reset ? 0 : 503, reset ? "" : "ServerBusy", reset));
        d.expected = {0};
    } else if (d.kind == "dfs_append_lost_reply") {
        d.dfs.push_back(dfault(DfsOp::append, pick(rng, 1, 4), 1, 0, "", true, true));
        d.expected = {0};
    } else if (d.kind == "dfs_flush_fatal") {
        auto [status, code, times] =
            pick(rng, std::vector<std::tuple<int, std::string, int>>{{412, "ConditionNotMet", 1},
                                                                     {400, "InvalidFlushPosition", 1},
                                                                     {500, "InternalError", -1},
                                                                     {403, "AuthorizationFailure", 1}});
        d.dfs.push_back(dfault(DfsOp::flush, 1, times, status, code));
        d.expected = {5};
    } else if (d.kind == "dfs_flush_transient") {
        d.dfs.push_back(dfault(DfsOp::flush, 1, 1, 503, "ServerBusy"));
        d.expected = {0};
    } else if (d.kind == "dfs_flush_lost_reply") {
        d.dfs.push_back(dfault(DfsOp::flush, 1, 1, 0, "", true, true));
        d.expected = {0};
    } else if (d.kind == "dfs_rename_fatal") {
        auto [status, code, times] =
            pick(rng, std::vector<std::tuple<int, std::string, int>>{{409, "PathConflict", -1},
                                                                     {500, "InternalError", -1},
                                                                     {412, "SourceConditionNotMet", 1},
                                                                     {403, "AuthorizationPermissionMismatch", 1}});
        d.dfs.push_back(dfault(DfsOp::rename, 1, times, status, code));
        d.expected = {5};
    } else if (d.kind == "dfs_rename_transient") {
        d.dfs.push_back(dfault(DfsOp::rename, 1, 1, 503, "ServerBusy"));
        d.expected = {0};
    } else if (d.kind == "dfs_cut_and_remove_transient") {
        d.pigment.push_back(pkind(PigmentFault::Kind::cut_after, cut));
        d.dfs.push_back(dfault(DfsOp::remove, 1, 1, 503, "ServerBusy"));
        d.expected = {4};
    }
    return d;
}

const char* stage_for_exit(int code) {
    switch (code) {
        case 1:
            return "internal";
        case 2:
            return "usage";
        case 3:
            return "secret";
        case 4:
            return "export";
        case 5:
            return "store";
        case 130:
        case 143:
            return "interrupted";
        default:
            return "?";
    }
}

struct Totals {
    int runs = 0, violations = 0, local = 0, dfs = 0, dest_absent = 0;
    std::map<std::string, int> kinds;
    std::map<int, int> exits;
    std::map<std::string, int> kind_violations;
};

Outcome soak_one(std::uint64_t seed, int index, bool verbose, Totals& totals) {
    std::seed_seq seq{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32),
                      static_cast<std::uint32_t>(index)};
    std::mt19937_64 rng(seq);
    bool use_dfs = pick(rng, 0, 1) == 1;
    bool dest_exists = pick(rng, 0, 4) != 0;
    std::string log_level = pick(rng, std::vector<std::string>{"info", "debug", "trace"});
    int parallel = pick(rng, 1, 4);
    // ≤ 1 MiB, spread over "fits one 64 KiB chunk" and "many chunks".
    std::uint64_t size = pick(rng, 0, 2) == 0 ? static_cast<std::uint64_t>(pick(rng, 40, 60'000))
                                              : static_cast<std::uint64_t>(pick(rng, 60'000, 1'000'000));
    Draw d = draw_fault(rng, use_dfs, dest_exists, size);
    if (d.parent_missing) dest_exists = false;
    if (d.small) size = static_cast<std::uint64_t>(pick(rng, 2'000, 20'000));
    std::string csv = generate_csv_string(size);
    if (d.truncated_quotes) csv += "\"an unterminated;quoted field\n";
    if (d.kind == "pigment_cut_mid_stream" || d.kind == "pigment_stall_mid_stream" ||
        d.kind == "dfs_cut_and_remove_transient") {
        // The cut point was drawn from the nominal size; keep it inside the real CSV.
        for (auto& f : d.pigment) f.bytes = std::min<std::uint64_t>(f.bytes, csv.size() - 1);
        if (csv.size() <= 1) d.pigment.clear();
    }
    const std::string old_content = "old;content\n" + std::to_string(index) + ";x\n";

    totals.runs++;
    totals.kinds[d.kind]++;
    (use_dfs ? totals.dfs : totals.local)++;
    if (!dest_exists) totals.dest_absent++;

    FakePigment pigment(kApiKey);
    pigment.add_block("metric", kId, csv);
    for (const auto& f : d.pigment) pigment.push_fault(f);

    TempDir dir;
    std::string summary = dir.file("summary.json");
    std::optional<FakeDfs> dfs;
    std::string dest;
    std::string dfs_path = "finance/run " + std::to_string(index) + ".csv";
    std::string local_dir = d.parent_missing ? dir.file("missing-folder") : dir.file("out");
    if (!d.parent_missing) std::filesystem::create_directories(local_dir);
    std::string local_dest = local_dir + "/export.csv";
    if (use_dfs) {
        dfs.emplace();
        dfs->create_filesystem(kFs);
        if (dest_exists) dfs->put_file(kFs, dfs_path, old_content);
        for (const auto& f : d.dfs) dfs->inject(f);
        dest = dfs->url(kFs, dfs_path);
    } else {
        if (dest_exists && !d.parent_missing) write_file(local_dest, old_content);
        dest = local_dest;
    }

    std::vector<std::string> args = {"--pigment-url",
                                     pigment.base_url(),
                                     "--block-type",
                                     "metric",
                                     "--block-id",
                                     kId,
                                     "--dest",
                                     dest,
                                     "--summary-json",
                                     summary,
                                     "--max-retries",
                                     "2",
                                     "--progress",
                                     "off",
                                     "--chunk-size",
                                     "64KiB",
                                     "--parallel",
                                     std::to_string(parallel),
                                     "--stall-timeout",
                                     "1",
                                     "--connect-timeout",
                                     "2",
                                     "--log-level",
                                     log_level};
    if (use_dfs) args.insert(args.end(), {"--storage-api", "dfs"});
    if (d.no_overwrite) args.push_back("--no-overwrite");
    RunOptions options;
    options.timeout = 60s;
    if (use_dfs) options.env["AZURE_STORAGE_KEY"] = Azurite::kKey;
    if (d.missing_key_file) {
        args.insert(args.end(), {"--api-key-file", dir.file("no-such-key.txt")});
    } else {
        options.env["PIGMENT_API_KEY"] = d.wrong_key ? kWrongKey : kApiKey;
    }
    std::thread signaller;
    std::atomic<int> child{0};
    if (d.signal) {
        options.on_started = [&](int pid) {
            child = pid;
            signaller = std::thread([pid, &d] {
                std::this_thread::sleep_for(d.signal_after);
                ::kill(pid, d.signal);
            });
        };
    }
    RunResult r = run_program(args, options);
    if (signaller.joinable()) signaller.join();
    Outcome o;
    if (d.signal == SIGKILL) {
        if (r.exit_code != 0 && r.exit_code != 128 + SIGKILL) o.fail("kill -9: exit " + std::to_string(r.exit_code));
        totals.exits[r.exit_code]++;
        if (use_dfs) dfs->advance_clock(31s);  // the killed run's lease has lapsed by now
        options.on_started = {};
        r = run_program(args, options);
    }
    totals.exits[r.exit_code]++;

    // The destination now: old, absent, or new.
    std::optional<std::string> now;
    std::string stored_md5;
    if (use_dfs) {
        if (auto file = dfs->file(kFs, dfs_path)) {
            now = file->content;
            stored_md5 = file->content_md5;
        }
    } else if (std::filesystem::exists(local_dest)) {
        now = read_file(local_dest);
    }
    bool is_new = now && *now == csv && md5_base64(*now) == md5_base64(csv);
    bool is_old = dest_exists ? (now && *now == old_content) : !now;
    if (!is_new && !is_old) {
        o.fail("G1: destination is neither the old content nor the new export (" +
               (now ? std::to_string(now->size()) + " bytes" : std::string("absent")) + ", export " +
               std::to_string(csv.size()) + " bytes)");
    }
    if (r.exit_code == 0 && !is_new) o.fail("G3/G5: exit 0 but the destination is not the export");
    if (r.exit_code != 0 && !is_old)
        o.fail("G1/G5: exit " + std::to_string(r.exit_code) + " but the destination changed");
    if (r.exit_code == 0 && use_dfs && stored_md5 != md5_base64(csv))
        o.fail("G3: stored Content-MD5 is not the export's");
    // Nothing left behind.
    if (use_dfs) {
        if (!dfs->temp_paths(kFs).empty()) o.fail("G1: DFS temporary path left: " + dfs->temp_paths(kFs).front());
        for (const auto& p : dfs->paths(kFs)) {
            if (p != dfs_path && p != "finance") o.fail("G1: unexpected DFS path left: " + p);
        }
    } else if (std::filesystem::exists(local_dir)) {
        for (const auto& name : list_dir(local_dir)) {
            if (name != "export.csv") o.fail("G1: file left in the destination folder: " + name);
        }
    }
    // The exit code names the stage of the drawn fault.
    if (!d.expected.count(r.exit_code)) {
        std::string want;
        for (int e : d.expected) want += (want.empty() ? "" : "/") + std::to_string(e);
        o.fail("G5: exit " + std::to_string(r.exit_code) + ", expected " + want);
    }
    // No secret anywhere.
    std::vector<std::string> secrets = {kApiKey, kWrongKey, Azurite::kKey};
    if (!leaks_none(
            r, secrets,
            std::filesystem::exists(summary) ? std::vector<std::string>{summary} : std::vector<std::string>{})) {
        o.fail("G4: a secret appears in stdout, stderr or the summary");
    }
    // The summary agrees with the exit code.
    if (!std::filesystem::exists(summary)) {
        o.fail("G5: no summary JSON written");
    } else {
        auto j = nlohmann::json::parse(read_file(summary), nullptr, false);
        if (j.is_discarded()) {
            o.fail("G5: summary JSON does not parse");
        } else {
            std::string status = j.value("status", "");
            if (status != (r.exit_code == 0 ? "ok" : "failed"))
                o.fail("G5: summary status '" + status + "' for exit " + std::to_string(r.exit_code));
            if (!j.contains("exit_code") || j["exit_code"] != r.exit_code)
                o.fail("G5: summary exit_code differs from the process's");
            if (r.exit_code == 0) {
                if (!j["stage"].is_null()) o.fail("G5: summary names a stage for a successful run");
                if (j.value("md5", "") != md5_base64(csv)) o.fail("G3: summary md5 is not the export's");
                if (j.value("bytes", std::uint64_t{0}) != csv.size())
                    o.fail("G3: summary bytes is not the export's size");
            } else if (!j["stage"].is_string() || j["stage"] != stage_for_exit(r.exit_code)) {
                o.fail("G5: summary stage " + j["stage"].dump() + " for exit " + std::to_string(r.exit_code));
            }
        }
    }
    if (r.err.find('\n') != std::string::npos && r.exit_code != 0 && log_level == "info") {
        // One line of error at the default level (warnings about retries may precede it).
        auto last = r.err.substr(0, r.err.size() - 1).rfind('\n');
        std::string line = r.err.substr(last == std::string::npos ? 0 : last + 1);
        // "pigment-export: error: export: HTTP 500 ServerError: ... (hint: ...)"
        if (line.find(std::string(stage_for_exit(r.exit_code)) + ": ") == std::string::npos && r.exit_code != 130 &&
            r.exit_code != 143) {
            o.fail("G5: the last stderr line does not name the stage: " + line);
        }
    }
    if (o.violated) {
        totals.violations++;
        totals.kind_violations[d.kind]++;
    }
    if (o.violated || verbose) {
        std::cout << "run " << index << " [" << d.kind << "] " << (use_dfs ? "dfs" : "local")
                  << (dest_exists ? " existing" : " absent") << " size=" << csv.size() << " parallel=" << parallel
                  << " log=" << log_level << " exit=" << r.exit_code << " wall=" << r.wall.count() << "ms"
                  << (o.violated ? "  VIOLATION" : "") << "\n";
        for (const auto& p : o.problems) std::cout << "    " << p << "\n";
        if (o.violated)
            std::cout << "    stderr (last 600 bytes): " << r.err.substr(r.err.size() > 600 ? r.err.size() - 600 : 0)
                      << "\n";
    }
    return o;
}

}  // namespace

int main(int argc, char** argv) {
    int runs = 1000;
    std::optional<int> only;
    bool verbose = false;
    std::uint64_t seed =
        static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count()) ^ 0x9e3779b97f4a7c15ULL;
    seed %= 1'000'000'007ULL;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::cerr << "soak_driver: " << a << " needs a value\n";
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--runs")
            runs = std::stoi(next());
        else if (a == "--seed")
            seed = std::stoull(next());
        else if (a == "--only")
            only = std::stoi(next());
        else if (a == "--verbose")
            verbose = true;
        else {
            std::cerr << "usage: soak_driver [--runs N] [--seed S] [--only I] [--verbose]\n";
            return 2;
        }
    }
    std::cout << "soak: seed " << seed << " (replay one run with --seed " << seed << " --only I)\n" << std::flush;
    Totals totals;
    auto start = std::chrono::steady_clock::now();
    for (int i = only.value_or(0); i < (only ? *only + 1 : runs); ++i) {
        soak_one(seed, i, verbose || only.has_value(), totals);
        if (!only && (i + 1) % 100 == 0) {
            auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            std::cout << "soak: " << (i + 1) << "/" << runs << " runs, " << totals.violations << " violations, " << secs
                      << " s\n"
                      << std::flush;
        }
    }
    auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << "\nsoak: seed " << seed << ", " << totals.runs << " runs in " << static_cast<int>(secs) << " s ("
              << totals.local << " local file, " << totals.dfs << " DFS; " << totals.dest_absent
              << " with no prior destination)\n";
    std::cout << "faults drawn:\n";
    for (const auto& [kind, n] : totals.kinds) {
        std::cout << "  " << kind << std::string(kind.size() < 32 ? 32 - kind.size() : 1, ' ') << n;
        if (totals.kind_violations.count(kind)) std::cout << "   (" << totals.kind_violations[kind] << " violations)";
        std::cout << "\n";
    }
    std::cout << "exit codes:";
    for (const auto& [code, n] : totals.exits) std::cout << " " << code << "×" << n;
    std::cout << "\nviolations: " << totals.violations << "\n";
    return totals.violations == 0 ? 0 : 1;
}
