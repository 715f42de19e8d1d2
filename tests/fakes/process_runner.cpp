#include "fakes/process_runner.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <thread>
#include <vector>

#include "pigment_export/core/base64.hpp"

extern char** environ;

namespace testing {

std::string binary_under_test() {
    if (const char* other = std::getenv("PIGMENT_EXPORT_UNDER_TEST"); other != nullptr && *other != '\0') {
        return other;
    }
#ifdef PIGMENT_EXPORT_BIN
    return PIGMENT_EXPORT_BIN;
#else
    return "pigment-export";
#endif
}

namespace {

// Streamed in small pieces, never read whole: posix_spawn's child shares this process's address
// space until its exec, so the kernel starts the child's ru_maxrss at this process's peak RSS,
// which the RSS bounds of the binary's tests would then measure (a 60 MB image read whole put
// 128 MiB on a 1 GiB export's figure).
bool file_contains_any(const std::string& path, std::initializer_list<std::string_view> needles) {
    std::ifstream in(path, std::ios::binary);
    std::size_t longest = 0;
    for (auto needle : needles) longest = std::max(longest, needle.size());
    std::string window;
    std::vector<char> piece(64 * 1024);
    while (in.read(piece.data(), static_cast<std::streamsize>(piece.size())) || in.gcount() > 0) {
        // Keep the tail of the previous piece so a name across the boundary is still found.
        window.erase(0, window.size() > longest ? window.size() - longest : 0);
        window.append(piece.data(), static_cast<std::size_t>(in.gcount()));
        for (auto needle : needles) {
            if (window.find(needle) != std::string::npos) return true;
        }
    }
    return false;
}

}  // namespace

bool binary_under_test_is_sanitized() {
    // The runtimes are shared libraries the binary names in its dynamic section.
    static const bool sanitized = file_contains_any(binary_under_test(), {"libasan.so", "libtsan.so"});
    return sanitized;
}

namespace {

// A sanitizer build of the binary reads its options from these; the rest of the child's
// environment is exactly what the test gives it.
constexpr const char* kSanitizerOptions[] = {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", "TSAN_OPTIONS"};

}  // namespace

RunResult run_program(const std::vector<std::string>& args, const RunOptions& options, const std::string& program) {
    TempDir io;
    std::string out_path = io.file("stdout"), err_path = io.file("stderr"), in_path = io.file("stdin");
    write_file(in_path, options.stdin_data);

    std::string binary = program.empty() ? binary_under_test() : program;
    std::vector<std::string> argv_store{binary};
    argv_store.insert(argv_store.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_store) argv.push_back(a.data());
    argv.push_back(nullptr);

    auto env_map = options.env;
    if (!env_map.count("PATH")) env_map["PATH"] = std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin";
    if (!env_map.count("HOME")) env_map["HOME"] = io.path();
    for (const char* name : kSanitizerOptions) {
        if (const char* value = std::getenv(name); value != nullptr && !env_map.count(name)) env_map[name] = value;
    }
    std::vector<std::string> env_store;
    for (auto& [k, v] : env_map) env_store.push_back(k + "=" + v);
    std::vector<char*> envp;
    for (auto& e : env_store) envp.push_back(e.data());
    envp.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, in_path.c_str(), O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    for (int fd : options.closed_fds) posix_spawn_file_actions_addclose(&actions, fd);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    // The child gets default signal dispositions even if the test runner ignores some.
    sigset_t all;
    sigfillset(&all);
    posix_spawnattr_setsigdefault(&attr, &all);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

    auto started = std::chrono::steady_clock::now();
    pid_t pid = 0;
    int rc = posix_spawn(&pid, binary.c_str(), &actions, &attr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) {
        throw std::runtime_error("cannot start " + binary);
    }
    if (options.on_started) options.on_started(pid);

    int status = 0;
    rusage usage{};
    auto deadline = started + options.timeout;
    for (;;) {
        pid_t done = wait4(pid, &status, WNOHANG, &usage);
        if (done == pid) break;
        if (std::chrono::steady_clock::now() > deadline) {
            kill(pid, SIGKILL);
            wait4(pid, &status, 0, &usage);
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    RunResult result;
    result.wall = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    result.out = read_file(out_path);
    result.err = read_file(err_path);
    result.peak_rss_kib = usage.ru_maxrss;
    result.cpu_seconds = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    return result;
}

RunResult run_on_terminal(const std::vector<std::string>& args, const RunOptions& options) {
    const std::string script = "/usr/bin/script";
    if (!std::filesystem::exists(script)) {
        throw std::runtime_error("util-linux `script` is needed to give the tool a pseudo-terminal");
    }
    std::string command = binary_under_test();
    for (const auto& arg : args) command += " " + arg;
    return run_program({"-qec", command, "/dev/null"}, options, script);
}

TempDir::TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "pigment-test-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
        throw std::runtime_error("mkdtemp failed");
    }
    path_ = pattern;
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void write_file(const std::string& path, const std::string& content) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
}

std::vector<std::string> list_dir(const std::string& path) {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(path, ec)) {
        names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
}

std::string md5_base64(const std::string& data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(data.data(), data.size(), digest, &len, EVP_md5(), nullptr);
    return pe::base64_encode(std::string_view(reinterpret_cast<char*>(digest), len));
}

}  // namespace testing
