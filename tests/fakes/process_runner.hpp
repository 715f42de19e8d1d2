#pragma once
// Runs the real pigment-export binary the way a user would: argv, a controlled environment,
// stdout and stderr captured, exit code and peak RSS reported.
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace testing {

struct RunResult {
    int exit_code = -1;      // the process's exit status, or 128+signal when killed by one
    std::string out;         // stdout
    std::string err;         // stderr
    long peak_rss_kib = 0;   // from wait4's rusage
    double cpu_seconds = 0;  // user + system
    std::chrono::milliseconds wall{0};
};

struct RunOptions {
    std::map<std::string, std::string> env;  // the whole environment (PATH and HOME are added)
    std::chrono::seconds timeout{120};
    std::string stdin_data;
    // Standard descriptors (0, 1, 2) the child starts with closed, as some launchers do.
    std::vector<int> closed_fds;
    // Called with the child's pid once it runs (e.g. to send a signal later).
    std::function<void(int pid)> on_started;
};

// The binary the tests run: this build's pigment-export, or the one PIGMENT_EXPORT_UNDER_TEST
// names (./scripts/test.sh points it at the sanitizer builds' binaries, so the fakes and the
// test drivers are compiled once while the binary under test is instrumented).
std::string binary_under_test();
// True when that binary is built with AddressSanitizer or ThreadSanitizer (it links their
// runtime): memory and time bounds do not apply to it.
bool binary_under_test_is_sanitized();

// Runs `program` with `args`; the binary under test when program is empty.
RunResult run_program(const std::vector<std::string>& args, const RunOptions& options = {},
                      const std::string& program = {});

// Runs the binary under test with `args` on a pseudo-terminal (util-linux script(1)), which
// relays the terminal's output, stdout and stderr alike, into RunResult::out. The args are
// joined with spaces into script's shell command, so none may need quoting.
RunResult run_on_terminal(const std::vector<std::string>& args, const RunOptions& options);

// A fresh temporary directory, removed when the object dies.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return path_; }
    std::string file(const std::string& name) const { return path_ + "/" + name; }

private:
    std::string path_;
};

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& content);
// Names of the entries in a directory (not recursive), sorted.
std::vector<std::string> list_dir(const std::string& path);
std::string md5_base64(const std::string& data);

}  // namespace testing
