// Where a run writes (issue 12, items 2, 3 and 13), through the binary: only a regular file or
// nothing is replaced, a replaced file keeps its mode, no input of the run is overwritten by its
// output, manifest exports never share a destination, and the summary is written atomically
// with its failure reported.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <csignal>
#include <thread>

#include "fakes/fake_pigment.hpp"
#include "fakes/process_runner.hpp"
#include "fakes/run_helpers.hpp"

using namespace testing;

namespace {

const std::string kKey = "pgx_paths_key_5c1e9a7b3d";
const std::string kId = "4d5e6f70-8192-4a8b-9c0d-1e2f3a4b5c6d";
const std::string kCsv = "Region;Value\nEMEA;1\n";

struct Tool {
    FakePigment pigment{kKey};
    TempDir dir;

    Tool() { pigment.add_block("metric", kId, kCsv); }

    RunResult run(const std::string& dest, std::vector<std::string> extra = {}, bool check = false) {
        std::vector<std::string> args;
        if (check) args.push_back("check");
        args.insert(args.end(),
                    {"--pigment-url", pigment.base_url(), "--block-type", "metric", "--block-id", kId, "--dest", dest});
        args.insert(args.end(), extra.begin(), extra.end());
        RunOptions options;
        options.env = {{"PIGMENT_API_KEY", kKey}};
        options.timeout = std::chrono::seconds(30);
        return run_program(args, options);
    }

    void require_refused(const RunResult& r, const std::string& expected) const {
        INFO(r.err);
        CHECK(r.exit_code == 2);
        CHECK(r.err.find(expected) != std::string::npos);
        CHECK(line_count(r.err) == 1);
        CHECK(pigment.requests().empty());
    }
};

mode_t mode_of(const std::string& path) {
    struct stat st {};
    REQUIRE(::lstat(path.c_str(), &st) == 0);
    return st.st_mode;
}

}  // namespace

TEST_CASE(
    "binary: a FIFO, a socket, a directory or a symlink as --dest is exit 2 before any request, and left as it is",
    "[paths][binary]") {
    Tool tool;
    std::string fifo = tool.dir.file("out.fifo");
    REQUIRE(mkfifo(fifo.c_str(), 0644) == 0);
    tool.require_refused(tool.run(fifo), "--dest '" + fifo + "' is a FIFO");
    CHECK(S_ISFIFO(mode_of(fifo)));

    std::string socket_path = tool.dir.file("out.sock");
    int s = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::snprintf(address.sun_path, sizeof address.sun_path, "%s", socket_path.c_str());
    REQUIRE(::bind(s, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    tool.require_refused(tool.run(socket_path), "is a socket");
    CHECK(S_ISSOCK(mode_of(socket_path)));
    ::close(s);

    std::string folder = tool.dir.file("folder.csv");
    std::filesystem::create_directory(folder);
    tool.require_refused(tool.run(folder), "is a directory");

    std::string target = tool.dir.file("target.csv");
    std::string link = tool.dir.file("link.csv");
    write_file(target, "old\n");
    std::filesystem::create_symlink(target, link);
    auto r = tool.run(link);
    tool.require_refused(r, "is a symbolic link");
    CHECK(r.err.find("readlink -f") != std::string::npos);
    CHECK(S_ISLNK(mode_of(link)));
    CHECK(read_file(target) == "old\n");

    // `check` says why, too, instead of "writable".
    auto checked = tool.run(fifo, {}, true);
    INFO(checked.out);
    CHECK(checked.exit_code == 2);
    CHECK(checked.err.find("is a FIFO") != std::string::npos);
    CHECK(checked.out.find("writable") == std::string::npos);
    CHECK(temporary_files(tool.dir.path()).empty());
}

TEST_CASE("binary: replacing a file keeps its mode, a new file gets the umask's", "[paths][binary]") {
    Tool tool;
    std::string dest = tool.dir.file("private.csv");
    write_file(dest, "old\n");
    REQUIRE(::chmod(dest.c_str(), 0600) == 0);
    auto r = tool.run(dest);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(read_file(dest) == kCsv);
    CHECK((mode_of(dest) & 07777) == 0600);
    REQUIRE(::chmod(dest.c_str(), 0640) == 0);
    REQUIRE(tool.run(dest).exit_code == 0);
    CHECK((mode_of(dest) & 07777) == 0640);

    mode_t mask = ::umask(0);
    ::umask(mask);
    std::string fresh = tool.dir.file("fresh.csv");
    REQUIRE(tool.run(fresh).exit_code == 0);
    CHECK((mode_of(fresh) & 07777) == (0666 & ~mask));
}

TEST_CASE("binary: an input of the run named as its output is exit 2, and the input is intact", "[paths][binary]") {
    Tool tool;
    std::string key_file = tool.dir.file("key.txt");
    write_file(key_file, kKey + "\n");
    REQUIRE(::chmod(key_file.c_str(), 0600) == 0);
    RunOptions options;  // the key from the file only
    options.timeout = std::chrono::seconds(30);
    auto r = run_program({"--pigment-url", tool.pigment.base_url(), "--block-type", "metric", "--block-id", kId,
                          "--dest", key_file, "--api-key-file", key_file},
                         options);
    tool.require_refused(r, "--dest '" + key_file + "' is also a file this run reads");
    CHECK(read_file(key_file) == kKey + "\n");

    // Through a hard link and a second spelling of the path, too.
    std::string hard = tool.dir.file("hard.txt");
    REQUIRE(::link(key_file.c_str(), hard.c_str()) == 0);
    r = run_program({"--pigment-url", tool.pigment.base_url(), "--block-type", "metric", "--block-id", kId, "--dest",
                     hard, "--api-key-file", tool.dir.path() + "/./key.txt"},
                    options);
    tool.require_refused(r, "is also a file this run reads");

    std::string ca = tool.dir.file("ca.pem");
    write_file(ca, "-----BEGIN CERTIFICATE-----\n");
    tool.require_refused(tool.run(ca, {"--ca-bundle", ca}), "is also a file this run reads");
    CHECK(read_file(ca) == "-----BEGIN CERTIFICATE-----\n");

    std::string options_file = tool.dir.file("options.json");
    write_file(options_file, "{}");
    tool.require_refused(tool.run(options_file, {"--export-options", "@" + options_file}),
                         "is also a file this run reads");
    CHECK(read_file(options_file) == "{}");
    std::string config = tool.dir.file("export.toml");
    write_file(config, "parallel = 2\n");
    tool.require_refused(tool.run(config, {"--config", config}), "is also a file this run reads");
    CHECK(read_file(config) == "parallel = 2\n");

    std::string dest = tool.dir.file("out.csv");
    tool.require_refused(
        tool.run(dest, {"--summary-json", tool.dir.path() + "/../" +
                                              std::filesystem::path(tool.dir.path()).filename().string() + "/out.csv"}),
        "--summary-json and --dest name the same file");
}

TEST_CASE("binary: manifest exports that resolve to one destination are exit 2 before any request",
          "[paths][binary][manifest]") {
    Tool tool;
    const std::string other = "5e6f7081-92a3-4a8b-9c0d-1e2f3a4b5c6d";
    tool.pigment.add_block("metric", other, kCsv);
    nlohmann::json manifest = {{"defaults", {{"pigment-url", tool.pigment.base_url()}, {"block-type", "metric"}}},
                               {"exports",
                                {{{"block-id", kId}, {"dest", tool.dir.file("same.csv")}},
                                 {{"block-id", other}, {"dest", tool.dir.path() + "/sub/../same.csv"}}}}};
    write_file(tool.dir.file("manifest.json"), manifest.dump());
    RunOptions options;
    options.env = {{"PIGMENT_API_KEY", kKey}};
    auto r = run_program({"--manifest", tool.dir.file("manifest.json")}, options);
    tool.require_refused(r, "manifest exports[0] and exports[1] write the same destination");

    // The same storage object through its dfs and its blob endpoint.
    manifest["exports"] = {{{"block-id", kId}, {"dest", "abfss://raw@acct.dfs.core.windows.net/a/x.csv"}},
                           {{"block-id", other}, {"dest", "https://acct.blob.core.windows.net/raw/a/x.csv"}}};
    write_file(tool.dir.file("manifest.json"), manifest.dump());
    r = run_program({"--manifest", tool.dir.file("manifest.json")}, options);
    tool.require_refused(r, "write the same destination");

    // The manifest itself as an export's destination, or as the summary.
    manifest["exports"] = {{{"block-id", kId}, {"dest", tool.dir.file("manifest.json")}}};
    write_file(tool.dir.file("manifest.json"), manifest.dump());
    r = run_program({"--manifest", tool.dir.file("manifest.json")}, options);
    tool.require_refused(r, "is also a file this run reads");
    manifest["exports"] = {{{"block-id", kId}, {"dest", tool.dir.file("fine.csv")}}};
    write_file(tool.dir.file("manifest.json"), manifest.dump());
    r = run_program({"--manifest", tool.dir.file("manifest.json"), "--summary-json", tool.dir.file("manifest.json")},
                    options);
    tool.require_refused(r, "--summary-json '" + tool.dir.file("manifest.json") + "' is also a file this run reads");
    CHECK(nlohmann::json::parse(read_file(tool.dir.file("manifest.json")))["exports"].size() == 1);
}

TEST_CASE("binary: the summary is written atomically, never through a link, and a failed write is exit 6",
          "[paths][binary]") {
    Tool tool;
    std::string dest = tool.dir.file("out.csv");

    // A missing folder: the export is committed, the summary is not, and the run says both.
    std::string missing = tool.dir.file("no-such-folder/summary.json");
    auto r = tool.run(dest, {"--summary-json", missing});
    INFO(r.err);
    CHECK(r.exit_code == 6);
    CHECK(r.err.find("after-commit: LocalIoError: cannot write --summary-json") != std::string::npos);
    CHECK(r.err.find("the export itself was committed") != std::string::npos);
    CHECK(read_file(dest) == kCsv);
    CHECK_FALSE(std::filesystem::exists(missing));

    // A link or a device is refused before any request.
    std::string target = tool.dir.file("elsewhere.json");
    write_file(target, "{}\n");
    std::string link = tool.dir.file("summary.json");
    std::filesystem::create_symlink(target, link);
    Tool fresh;
    fresh.require_refused(fresh.run(fresh.dir.file("out.csv"), {"--summary-json", link}),
                          "--summary-json '" + link + "' is a symbolic link");
    CHECK(read_file(target) == "{}\n");
    fresh.require_refused(fresh.run(fresh.dir.file("out.csv"), {"--summary-json", "/dev/full"}), "is a device");

    // A good one replaces the old summary whole and keeps its mode.
    std::string summary = tool.dir.file("s.json");
    write_file(summary, "old summary\n");
    REQUIRE(::chmod(summary.c_str(), 0600) == 0);
    r = tool.run(dest, {"--summary-json", summary});
    REQUIRE(r.exit_code == 0);
    CHECK(nlohmann::json::parse(read_file(summary))["status"] == "ok");
    CHECK((mode_of(summary) & 07777) == 0600);
    CHECK(temporary_files(tool.dir.path()).empty());
}

// Issue 13, item 1 (local files): a temporary left by kill -9 is reclaimed by the next run, a
// live run's temporary never is, and both concurrent runs end correct.
TEST_CASE("binary: a temporary left by kill -9 is reclaimed by the next run, a live run's is not",
          "[paths][binary][reclaim]") {
    Tool tool;
    const std::string slow_id = "6f708192-a3b4-4a8b-9c0d-1e2f3a4b5c6d";
    std::string csv = "Region;Value\n";
    for (int i = 0; i < 300; ++i) csv += "EMEA;" + std::to_string(i) + "\n";  // ~50 pieces of 64 bytes when slow
    tool.pigment.add_block("metric", slow_id, csv);
    std::string dest = tool.dir.file("out.csv");
    write_file(dest, "old\n");
    auto args = [&](std::vector<std::string> extra) {
        std::vector<std::string> a = {
            "--pigment-url", tool.pigment.base_url(), "--block-type", "metric", "--block-id", slow_id, "--dest", dest};
        a.insert(a.end(), extra.begin(), extra.end());
        return a;
    };
    auto wait_for_temporary = [&](std::size_t count) {
        for (int i = 0; i < 500 && temporary_files(tool.dir.path()).size() < count; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return temporary_files(tool.dir.path()).size() >= count;
    };
    PigmentFault slow;
    slow.kind = PigmentFault::Kind::slow;
    slow.delay = std::chrono::milliseconds(50);

    // kill -9 mid-export leaves its temporary behind.
    tool.pigment.push_fault(slow);
    RunOptions options;
    options.env = {{"PIGMENT_API_KEY", kKey}};
    options.on_started = [&](int pid) {
        REQUIRE(wait_for_temporary(1));
        ::kill(pid, SIGKILL);
    };
    run_program(args({}), options);
    REQUIRE(temporary_files(tool.dir.path()).size() == 1);
    CHECK(read_file(dest) == "old\n");

    // The next run removes it (and says so), and commits.
    RunOptions quick;
    quick.env = {{"PIGMENT_API_KEY", kKey}};
    auto next = run_program(args({"--summary-json", tool.dir.file("next.json")}), quick);
    INFO(next.err);
    CHECK(next.exit_code == 0);
    CHECK(next.err.find("reclaimed 1 abandoned temporary file(s)") != std::string::npos);
    CHECK(nlohmann::json::parse(read_file(tool.dir.file("next.json")))["reclaimed"] == 1);
    CHECK(temporary_files(tool.dir.path()).empty());
    CHECK(read_file(dest) == csv);

    // A live run (slow) and a second run to the same destination meanwhile: the second leaves
    // the live run's temporary alone, and both commit.
    tool.pigment.push_fault(slow);
    RunResult live;
    std::thread first([&] {
        RunOptions o;
        o.env = {{"PIGMENT_API_KEY", kKey}};
        live = run_program(args({"--summary-json", tool.dir.file("live.json")}), o);
    });
    bool started = wait_for_temporary(1);
    auto second = run_program(args({"--summary-json", tool.dir.file("second.json")}), quick);
    bool live_temporary_kept = temporary_files(tool.dir.path()).size() == 1;
    first.join();
    INFO(second.err << live.err);
    REQUIRE(started);
    CHECK(live_temporary_kept);
    CHECK(second.exit_code == 0);
    CHECK(live.exit_code == 0);
    CHECK(nlohmann::json::parse(read_file(tool.dir.file("second.json")))["reclaimed"] == 0);
    CHECK(read_file(dest) == csv);
    CHECK(temporary_files(tool.dir.path()).empty());
}
