#include "pigment_export/cli/config_file.hpp"

// Header-only: the binary gains no runtime library (Debian also ships toml++ as a .so).
#define TOML_HEADER_ONLY 1
// toml++ 3.3 asserts on some malformed input (e.g. `[ }`) that its error path then reports as a
// parse error: a build without NDEBUG must report it too, as the release build does, not abort.
#define TOML_ASSERT(expr) static_assert(true)
#include <toml++/toml.h>

#include <algorithm>

#include "pigment_export/core/failure.hpp"
#include "pigment_export/core/input_file.hpp"

namespace pe::cli {

namespace {

constexpr std::size_t kMaxFileSize = 1u << 20;
constexpr int kMaxNesting = 64;
constexpr std::string_view kBom = "\xEF\xBB\xBF";

[[noreturn]] void fail(const std::string& path, long line, const std::string& what,
                       const std::string& hint = "see --config in pigment-export --help") {
    throw Failure(
        FailureInfo{Stage::usage, 0, {}, "--config " + path + " line " + std::to_string(line) + ": " + what, hint});
}

// A key is echoed in messages; a very long one is cut so the line stays readable.
std::string shown_key(std::string_view key) {
    constexpr std::size_t kShown = 40;
    return key.size() <= kShown ? std::string(key) : std::string(key.substr(0, kShown)) + "...";
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

// " (did you mean 'dest'?)" for a near miss (two edits at most), else empty.
std::string suggestion(std::string_view key, const OptionKinds& options) {
    constexpr std::size_t kMaxEdits = 2;
    if (key.size() > 40) return {};
    std::string best;
    std::size_t best_distance = kMaxEdits + 1;
    for (const auto& [name, _] : options) {
        std::size_t d = edit_distance(key, name);
        if (d < best_distance) {
            best = name;
            best_distance = d;
        }
    }
    return best.empty() ? std::string() : " (did you mean '" + best + "'?)";
}

// Keys refused whatever their value, before the unknown-key check so the reason is precise.
void refuse_forbidden_key(std::string_view key, const std::string& path, long line) {
    // The API key must not sit in a file next to everything else; any spelling of it is refused.
    if (key.find("api-key") != std::string_view::npos && key != "api-key-file") {
        fail(path, line,
             shown_key(key) + ": the API key never goes into a file like this; use Key Vault or --api-key-file",
             "set key-vault-url and secret-name, or api-key-file, or PIGMENT_API_KEY");
    }
    // A config file naming another config file or a manifest would nest runs in each other.
    if (key == "config" || key == "manifest" || key == "jobs") {
        fail(path, line,
             std::string(key) + " cannot be set in a config file; give --" + std::string(key) + " on the command line");
    }
}

std::string value_text(std::string_view key, const toml::node& node, OptionKind kind, const std::string& path,
                       long line) {
    std::string name = shown_key(key);
    if (node.is_table() || node.is_array()) fail(path, line, name + " takes one value, not a table or an array");
    if (kind == OptionKind::flag) {
        if (!node.is_boolean()) fail(path, line, name + " is a flag: true or false");
        return *node.value<bool>() ? "true" : "false";
    }
    if (node.is_integer()) return std::to_string(*node.value<std::int64_t>());
    if (!node.is_string()) fail(path, line, name + " takes one value: a string or an integer");
    std::string text = *node.value<std::string>();
    if (text.empty()) fail(path, line, name + " needs a value");
    // A NUL cannot come from a command line, and would cut a path short where the OS reads it.
    if (text.find('\0') != std::string::npos) fail(path, line, name + " holds a NUL character");
    return text;
}

ConfigSetting setting(const toml::key& key, const toml::node& node, const std::string& path,
                      const OptionKinds& options) {
    long line = static_cast<long>(key.source().begin.line);
    refuse_forbidden_key(key.str(), path, line);
    auto known = options.find(key.str());
    if (known == options.end())
        fail(path, line, "unknown key '" + shown_key(key.str()) + "'" + suggestion(key.str(), options));
    return {std::string(key.str()), value_text(key.str(), node, known->second, path, line), line};
}

// What must be refused before toml++ parses. toml++ recurses once per nested array or inline
// table, so depth is bounded first. And toml++ 3.3 asserts (an assumption under NDEBUG with
// clang) on a table header whose key is missing (`[` then a line end): headers are refused
// anyway, so none reaches it.
struct TomlShape {
    long too_deep_line = 0;  // where nesting first passes the limit, 0 when it never does
    long header_line = 0;    // the first [table] header's line, 0 when there is none
};

// A bracket is skipped only where toml++ reads string or comment text too: the scan follows
// TOML's lexical states, including a multi-line string's closing run of up to five quotes.
TomlShape scan_toml(std::string_view text, int limit) {
    enum class In { code, comment, basic, literal, multi_basic, multi_literal } in = In::code;
    auto run_of = [&](std::size_t i, char quote) {
        std::size_t n = 0;
        while (i + n < text.size() && text[i + n] == quote) ++n;
        return n;
    };
    TomlShape shape;
    int depth = 0;
    long line = 1;
    bool line_start = true;
    auto is_space = [](char byte) { return byte == ' ' || byte == '\t' || byte == '\r' || byte == '\n'; };
    // A quote starts a string only where TOML has a key, a key's dotted part or a value; elsewhere,
    // e.g. inside a bare word, toml++ reads it as code and so does the scan (counting more, never
    // less).
    char last = '\n';  // the last code character that is no space; '"' after a string
    auto opens_string = [](char before) { return std::string_view("\n=[{,.").find(before) != std::string_view::npos; };
    auto skip_escaped = [&](std::size_t& i) {
        if (++i < text.size() && text[i] == '\n') ++line;
    };
    for (std::size_t i = text.starts_with(kBom) ? kBom.size() : 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '\n') ++line;
        switch (in) {
            case In::code:
                if (c == '#')
                    in = In::comment;
                else if ((c == '"' || c == '\'') && opens_string(last)) {
                    bool multi = run_of(i, c) >= 3;
                    in = c == '"' ? (multi ? In::multi_basic : In::basic) : (multi ? In::multi_literal : In::literal);
                    if (multi) i += 2;
                } else if (c == '[' || c == '{') {
                    if (c == '[' && depth == 0 && line_start && shape.header_line == 0) shape.header_line = line;
                    if (++depth > limit) {
                        shape.too_deep_line = line;
                        return shape;
                    }
                } else if (c == ']' || c == '}') {
                    depth = std::max(0, depth - 1);  // a stray closer must not earn extra depth later
                }
                line_start = c == '\n' || (line_start && (c == ' ' || c == '\t'));
                if (c == '\n' || !is_space(c)) last = in == In::code ? c : '"';
                break;
            case In::comment:
            case In::basic:
            case In::literal:
                if (c == '\n') {
                    in = In::code;
                    line_start = true;
                    last = '\n';
                } else if (in == In::basic && c == '\\') {
                    skip_escaped(i);
                } else if ((in == In::basic && c == '"') || (in == In::literal && c == '\'')) {
                    in = In::code;
                }
                break;
            case In::multi_basic:
            case In::multi_literal: {
                char quote = in == In::multi_basic ? '"' : '\'';
                if (c == '\\' && in == In::multi_basic) {
                    skip_escaped(i);
                } else if (std::size_t n = run_of(i, quote); n >= 3) {
                    in = In::code;
                    i += n - 1;
                }
                break;
            }
        }
    }
    return shape;
}

// toml++ 3.3's non-ASCII whitespace test reaches __builtin_unreachable() (undefined behaviour)
// for most non-ASCII characters (U+00A1-U+0499 among them), and it runs wherever toml++ may find
// whitespace: in code, in a key, in the look-ahead of its error paths, and after a multi-line
// string's line-ending backslash. Rather than mirror each of those, toml++ first reads a copy
// with every non-ASCII byte as '~', which no TOML code position accepts: when that copy parses,
// every such byte of the file stands inside a string or a comment, where only the case of the
// line-ending backslash remains to check.
constexpr char kNonAsciiStandIn = '~';

std::string ascii_stand_in(std::string_view text) {
    std::string copy(text);
    for (char& c : copy) {
        if (static_cast<unsigned char>(c) >= 0x80) c = kNonAsciiStandIn;
    }
    return copy;
}

// The line of the first stand-in that a line-ending backslash's trimming would reach, or 0.
long stand_in_after_line_ending_backslash(std::string_view copy) {
    for (std::size_t i = copy.find('\\'); i != std::string_view::npos; i = copy.find('\\', i + 1)) {
        std::size_t run = 0;
        while (i + run < copy.size() && copy[i + run] == '\\') ++run;
        std::size_t j = i + run;
        i = j - 1;
        if (run % 2 == 0) continue;  // escaped backslashes
        bool line_break = false;
        while (j < copy.size() && (copy[j] == ' ' || copy[j] == '\t' || copy[j] == '\r' || copy[j] == '\n')) {
            line_break = line_break || copy[j] == '\n';
            ++j;
        }
        if (line_break && j < copy.size() && copy[j] == kNonAsciiStandIn) {
            return 1 + static_cast<long>(std::count(copy.begin(), copy.begin() + static_cast<std::ptrdiff_t>(j), '\n'));
        }
    }
    return 0;
}

// Whether toml++'s error at (line, column) of the stand-in copy points at a non-ASCII byte.
bool error_at_stand_in(std::string_view copy, const toml::source_region& where) {
    std::size_t at = 0;
    for (long line = 1; line < static_cast<long>(where.begin.line) && at != std::string_view::npos; ++line) {
        at = copy.find('\n', at);
        if (at != std::string_view::npos) ++at;
    }
    if (at == std::string_view::npos || where.begin.column == 0) return false;
    at += where.begin.column - 1;
    return at < copy.size() && copy[at] == kNonAsciiStandIn;
}

constexpr const char* kNonAsciiRefusal =
    "a non-ASCII character outside a string or comment (or after a line-ending "
    "backslash)";

toml::table parse_toml(std::string_view text, const std::string& path) {
    if (text.size() > kMaxFileSize) fail(path, 1, "the file is larger than 1 MiB");
    TomlShape shape = scan_toml(text, kMaxNesting);
    if (shape.too_deep_line > 0) fail(path, shape.too_deep_line, "arrays or tables nest deeper than 64 levels");
    if (shape.header_line > 0)
        fail(path, shape.header_line, "a [table] header; every key sits at the top level, before any table");
    std::string_view body = text.starts_with(kBom) ? text.substr(kBom.size()) : text;
    if (std::any_of(body.begin(), body.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; })) {
        std::string copy = ascii_stand_in(body);
        try {
            (void)toml::parse(copy, std::string_view(path));
        } catch (const toml::parse_error& e) {
            fail(path, static_cast<long>(e.source().begin.line),
                 error_at_stand_in(copy, e.source()) ? kNonAsciiRefusal : std::string(e.description()));
        }
        if (long line = stand_in_after_line_ending_backslash(copy); line > 0) fail(path, line, kNonAsciiRefusal);
    }
    try {
        return toml::parse(text, std::string_view(path));
    } catch (const toml::parse_error& e) {
        fail(path, static_cast<long>(e.source().begin.line), std::string(e.description()));
    }
}

}  // namespace

bool toml_nesting_exceeds(std::string_view text, int limit) {
    return scan_toml(text, limit).too_deep_line > 0;
}

std::vector<ConfigSetting> parse_config_file(std::string_view text, const std::string& path,
                                             const OptionKinds& options) {
    toml::table table = parse_toml(text, path);
    std::vector<std::pair<const toml::key*, const toml::node*>> entries;
    for (const auto& [key, node] : table) entries.emplace_back(&key, &node);
    // toml++ orders keys by name; line order makes the first error reported the first in the file.
    std::sort(entries.begin(), entries.end(),
              [](const auto& a, const auto& b) { return a.first->source().begin.line < b.first->source().begin.line; });
    std::vector<ConfigSetting> settings;
    for (const auto& [key, node] : entries) settings.push_back(setting(*key, *node, path, options));
    return settings;
}

std::vector<ConfigSetting> read_config_file(const std::string& path, const OptionKinds& options) {
    return parse_config_file(read_input_file(path, InputFile{"--config", Stage::usage, kMaxFileSize}), path, options);
}

}  // namespace pe::cli
