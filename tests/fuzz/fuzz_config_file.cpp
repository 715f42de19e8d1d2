// parse_config_file on arbitrary text, with the option kinds of the real command line: only
// pe::Failure with Stage::usage may escape and its text is one line; toml++ recursion on deep
// nesting must be refused before it parses (no stack overflow). Every setting accepted is a known
// key with a non-empty value, true/false for a flag, on a line of the file.
#include <algorithm>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_support.hpp"
#include "pigment_export/cli/config_file.hpp"
#include "pigment_export/core/failure.hpp"

namespace {

using pe::cli::OptionKind;

const pe::cli::OptionKinds kOptions = {{"block-type", OptionKind::value},   {"block-id", OptionKind::value},
                                       {"dest", OptionKind::value},         {"parallel", OptionKind::value},
                                       {"api-key-file", OptionKind::value}, {"export-options", OptionKind::value},
                                       {"overwrite", OptionKind::flag},     {"dry-run", OptionKind::flag}};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    long lines = 1 + static_cast<long>(std::count(text.begin(), text.end(), '\n'));
    try {
        for (const auto& s : pe::cli::parse_config_file(text, "fuzz.toml", kOptions)) {
            auto known = kOptions.find(s.key);
            fuzz::check(known != kOptions.end(), "an unknown key was accepted", s.key);
            fuzz::check(!s.value.empty(), "an empty value was accepted", s.key);
            fuzz::check(s.value.find('\0') == std::string::npos, "a NUL in a value was accepted", s.key);
            if (known->second == OptionKind::flag) {
                fuzz::check(s.value == "true" || s.value == "false", "a flag took something else than true/false",
                            s.value);
            }
            fuzz::check(s.line >= 1 && s.line <= lines, "a setting's line is outside the file", s.key);
        }
    } catch (const pe::Failure& f) {
        std::string_view what = f.what();
        fuzz::check(f.stage() == pe::Stage::usage, "a non-usage Failure escaped", what);
        fuzz::check(!fuzz::has_line_break(what), "usage error is not one line", what);
        fuzz::check(f.info().message.rfind("--config fuzz.toml line ", 0) == 0,
                    "usage error does not name file and line", what);
    } catch (const std::exception& e) {
        fuzz::fail("parse_config_file threw something other than pe::Failure", e.what());
    } catch (...) {
        fuzz::fail("parse_config_file threw a non-std exception");
    }
    return 0;
}
