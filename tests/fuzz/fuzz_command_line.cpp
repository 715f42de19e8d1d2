// parse_command_line: argv split from the input on NUL bytes, a fixed environment, and an
// optional TOML --config file. Only pe::Failure with Stage::usage may escape, its text is one
// line, and it never echoes a secret typed where it does not belong: the fuzzer plants
// "--api-key <SECRET>" (and "--api-key=<SECRET>") at an input-chosen position, and also checks
// secret-looking values the input itself puts after --api-key.
//
// Input byte 0 (flags): bit0 plant "--api-key SECRET", bit1 plant "--api-key=SECRET",
// bit2 PIGMENT_API_KEY set in the environment, bit3 the first NUL-separated part is written to
// a file passed as --config; byte 1 picks the planting position. The rest are the arguments.
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>

#include "fuzz/fuzz_support.hpp"
#include "pigment_export/cli/command_line.hpp"
#include "pigment_export/core/failure.hpp"

namespace {

constexpr std::string_view kPlanted = "PlantedS3cretValue9f8e7d";

// A value that could be a credential: long, letters and digits mixed, nothing else.
bool secret_like(std::string_view v) {
    if (v.size() < 12) return false;
    bool digit = false, alpha = false;
    for (char c : v) {
        auto u = static_cast<unsigned char>(c);
        if (!std::isalnum(u)) return false;
        digit = digit || std::isdigit(u);
        alpha = alpha || std::isalpha(u);
    }
    return digit && alpha;
}

// Paths the fuzzer must not make the parser read (endless or huge): reading a file named in
// --config / --export-options @FILE is real behaviour, but not what this target explores.
bool touches_system_files(std::string_view arg) {
    for (std::string_view bad : {"/dev", "/proc", "/sys", "--config", "/.", "~"}) {
        if (arg.find(bad) != std::string_view::npos) return true;
    }
    return arg.find('@') != std::string_view::npos && arg.find('/') != std::string_view::npos;
}

std::string config_path() {
    static const std::string path = "/tmp/pe-fuzz-config-" + std::to_string(getpid()) + ".toml";
    return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    unsigned flags = data[0];
    unsigned where = data[1];
    std::string_view rest(reinterpret_cast<const char*>(data) + 2, size - 2);
    auto args = fuzz::split_nul(rest);
    if (args.size() > 64) return 0;

    std::string config_text;
    if (flags & 8u) {
        config_text = args.front();
        args.erase(args.begin());
    }
    for (const auto& a : args) {
        if (touches_system_files(a)) return 0;
    }
    for (const auto& a : args) {
        if (a.find(kPlanted) != std::string::npos) return 0;  // the input already holds the planted value
    }
    if (config_text.find(kPlanted) != std::string::npos || config_text.find("/dev") != std::string::npos ||
        config_text.find("/proc") != std::string::npos || config_text.find('@') != std::string::npos) {
        return 0;
    }

    // Secrets the input itself typed after --api-key: checked when they appear nowhere else.
    std::vector<std::string> typed_secrets;
    for (std::size_t i = 0; i + 1 < args.size(); ++i) {
        if (args[i] == "--api-key" && secret_like(args[i + 1])) typed_secrets.push_back(args[i + 1]);
    }
    for (const auto& a : args) {
        if (a.rfind("--api-key=", 0) == 0 && secret_like(a.substr(10))) typed_secrets.push_back(a.substr(10));
    }
    std::erase_if(typed_secrets, [&](const std::string& s) {
        int seen = 0;
        for (const auto& a : args) seen += a.find(s) != std::string::npos ? 1 : 0;
        return seen > 1 || config_text.find(s) != std::string::npos;
    });

    std::vector<std::string> secrets = typed_secrets;
    std::size_t pos = args.empty() ? 0 : where % (args.size() + 1);
    if (flags & 1u) {
        args.insert(args.begin() + static_cast<long>(pos), {"--api-key", std::string(kPlanted)});
        secrets.emplace_back(kPlanted);
    } else if (flags & 2u) {
        args.insert(args.begin() + static_cast<long>(pos), "--api-key=" + std::string(kPlanted));
        secrets.emplace_back(kPlanted);
    }
    if (flags & 8u) {
        std::ofstream(config_path(), std::ios::binary | std::ios::trunc) << config_text;
        args.insert(args.begin(), {"--config", config_path()});
    }

    std::map<std::string, std::string> env_values;
    if (flags & 4u) env_values["PIGMENT_API_KEY"] = "env-key-value-123456";
    pe::EnvLookup env = pe::map_env(env_values);
    auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1'790'000'000));

    try {
        auto outcome = pe::cli::parse_command_line(args, env, now);
        for (const auto& s : secrets) {
            fuzz::check(outcome.output.find(s) == std::string::npos, "--help/--version output echoes a secret", s);
        }
        if (outcome.config) {
            const auto& c = *outcome.config;
            fuzz::check(c.transfer.parallel >= 1 && c.transfer.parallel <= 64, "--parallel out of range");
            fuzz::check(c.transfer.chunk_size >= (64u << 10) && c.transfer.chunk_size <= (512u << 20),
                        "--chunk-size out of range");
            fuzz::check(c.transfer.max_retries <= 20, "--max-retries out of range");
            fuzz::check(!fuzz::has_line_break(c.destination.display), "destination display has a line break");
        }
    } catch (const pe::Failure& f) {
        std::string_view what = f.what();
        fuzz::check(f.stage() == pe::Stage::usage, "a non-usage Failure escaped", what);
        fuzz::check(!fuzz::has_line_break(what), "usage error is not one line", what);
        for (const auto& s : secrets)
            fuzz::check(what.find(s) == std::string_view::npos, "usage error echoes a secret", what);
    } catch (const std::exception& e) {
        fuzz::fail("parse_command_line threw something other than pe::Failure", e.what());
    } catch (...) {
        fuzz::fail("parse_command_line threw a non-std exception");
    }
    return 0;
}
