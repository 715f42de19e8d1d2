// manifest_runs on arbitrary JSON with a fixed shared command line, then every run through
// parse_command_line as the manifest runner does: only pe::Failure with Stage::usage may escape,
// its text is one line, deep nesting is refused before nlohmann recurses, and merging the
// defaults, the command line and an entry never yields an option twice ("given twice" can only
// come from a repeat within one layer, and neither layer here has one).
#include <chrono>
#include <cstdint>
#include <map>
#include <string>

#include "fuzz/fuzz_support.hpp"
#include "pigment_export/cli/command_line.hpp"
#include "pigment_export/cli/manifest.hpp"
#include "pigment_export/core/failure.hpp"

namespace {

void check_usage(const pe::Failure& f) {
    std::string_view what = f.what();
    fuzz::check(f.stage() == pe::Stage::usage, "a non-usage Failure escaped", what);
    fuzz::check(!fuzz::has_line_break(what), "usage error is not one line", what);
}

// Values that would make parse_command_line read a file (real behaviour, not explored here).
bool reads_files(std::string_view text) {
    for (std::string_view bad : {"config", "@", "ca-bundle", "\\u"}) {
        if (text.find(bad) != std::string_view::npos) return true;
    }
    return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    const std::vector<std::string> shared = {"--dest", "shared.csv", "--no-overwrite", "--parallel=2"};
    std::vector<std::vector<std::string>> runs;
    try {
        runs = pe::cli::manifest_runs(text, shared);
    } catch (const pe::Failure& f) {
        check_usage(f);
        return 0;
    } catch (const std::exception& e) {
        fuzz::fail("manifest_runs threw something other than pe::Failure", e.what());
    }
    if (reads_files(text)) return 0;
    pe::EnvLookup env = pe::map_env({{"PIGMENT_API_KEY", "env-key-value-123456"}});
    auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1'790'000'000));
    for (std::size_t i = 0; i < runs.size() && i < 8; ++i) {
        try {
            pe::cli::parse_command_line(runs[i], env, now);
        } catch (const pe::Failure& f) {
            check_usage(f);
            // The message ends so; a value quoted in another message may hold the words (a fuzz find).
            fuzz::check(!f.info().message.ends_with(" given twice"), "a merged run repeats an option", f.what());
        } catch (const std::exception& e) {
            fuzz::fail("parse_command_line threw something other than pe::Failure", e.what());
        }
    }
    return 0;
}
