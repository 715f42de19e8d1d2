#include <catch2/catch.hpp>

#include <string>

#include "pigment_export/cli/config_file.hpp"
#include "pigment_export/core/failure.hpp"

using namespace pe;
using namespace pe::cli;

namespace {

const OptionKinds kOptions = {{"block-type", OptionKind::value}, {"dest", OptionKind::value},
                              {"parallel", OptionKind::value},   {"api-key-file", OptionKind::value},
                              {"overwrite", OptionKind::flag},   {"dry-run", OptionKind::flag}};

std::vector<ConfigSetting> parse(const std::string& text) {
    return parse_config_file(text, "c.toml", kOptions);
}

std::string error_of(const std::string& text) {
    try {
        parse(text);
    } catch (const Failure& f) {
        CHECK(f.stage() == Stage::usage);
        std::string line = f.what();
        CHECK(line.find_first_of("\r\n") == std::string::npos);
        return f.info().message;
    }
    FAIL("the config file was accepted");
    return {};
}

}  // namespace

TEST_CASE("config file: strings, integers and booleans in line order", "[config]") {
    auto settings =
        parse("parallel = 8\ndest = \"out/a#b.csv\"  # a comment\noverwrite = false\nblock-type = 'metric'\n");
    REQUIRE(settings.size() == 4);
    CHECK(settings[0].key == "parallel");
    CHECK(settings[0].value == "8");
    CHECK(settings[0].line == 1);
    CHECK(settings[1].key == "dest");
    CHECK(settings[1].value == "out/a#b.csv");
    CHECK(settings[2].value == "false");
    CHECK(settings[3].value == "metric");
    CHECK(settings[3].line == 4);
}

TEST_CASE("config file: escapes are decoded", "[config]") {
    auto settings = parse("dest = \"caf\\u00e9/\\\"q\\\".csv\"\n");
    REQUIRE(settings.size() == 1);
    CHECK(settings[0].value == "caf\xC3\xA9/\"q\".csv");
    CHECK(parse("dest = '''C:\\no\\escape'''\n")[0].value == "C:\\no\\escape");
}

TEST_CASE("config file: an integer for a string option is its decimal text", "[config]") {
    CHECK(parse("block-type = 42\n")[0].value == "42");
}

TEST_CASE("config file: every refusal names the file, the line and the key", "[config]") {
    struct Row {
        std::string text;
        std::string expected;
    };
    const Row rows[] = {
        {"dest = \"a\"\ndest = \"b\"\n", "--config c.toml line 2: "},
        {"dest = \"a\nparallel = 1\n", "--config c.toml line 1: "},
        {"\n\nnope = 1\n", "--config c.toml line 3: unknown key 'nope'"},
        {"dets = \"x\"\n", "unknown key 'dets' (did you mean 'dest'?)"},
        {"parallel = [1, 2]\n", "line 1: parallel takes one value, not a table or an array"},
        {"dest = []\n", "dest takes one value, not a table or an array"},
        {"dest = {a = 1}\n", "dest takes one value"},
        {"[dest]\nx = 1\n", "line 1: a [table] header; every key sits at the top level"},
        {"dest = \"a\"\n  [[t]]\n", "line 2: a [table] header"},
        {"# [t]\ndest = '''\n[t]'''\n\n[\n]\n", "line 5: a [table] header"},
        {"\xEF\xBB\xBF[\n]\n", "line 1: a [table] header"},
        {"dest.x = 1\n", "dest takes one value"},
        {"dest = 1979-05-27\n", "dest takes one value: a string or an integer"},
        {"parallel = 1.5\n", "parallel takes one value: a string or an integer"},
        {"dest = true\n", "dest takes one value: a string or an integer"},
        {"overwrite = \"yes\"\n", "overwrite is a flag: true or false"},
        {"dry-run = 1\n", "dry-run is a flag: true or false"},
        {"dest = \"\"\n", "dest needs a value"},
        {"dest = \"a\\u0000b\"\n", "dest holds a NUL character"},
        {"config = \"other.toml\"\n", "config cannot be set in a config file"},
        {"manifest = \"m.json\"\n", "manifest cannot be set in a config file"},
        {"jobs = 2\n", "jobs cannot be set in a config file"},
    };
    for (const auto& row : rows) {
        INFO(row.text);
        CHECK_THAT(error_of(row.text), Catch::Contains(row.expected));
    }
}

TEST_CASE("config file: no spelling of the API key is accepted, and its value is never echoed", "[config]") {
    for (std::string key : {"api-key", "pigment-api-key", "\"api-key \""}) {
        INFO(key);
        std::string message = error_of(key + " = \"pgx_never_echoed_123\"\n");
        CHECK_THAT(message, Catch::Contains("the API key never goes into a file like this"));
        CHECK(message.find("pgx_never_echoed_123") == std::string::npos);
    }
    CHECK(parse("api-key-file = \"/run/key\"\n")[0].value == "/run/key");
}

TEST_CASE("config file: deep nesting is refused before toml++ recurses", "[config]") {
    CHECK_THAT(error_of("\n\ndest = " + std::string(100'000, '[') + "\n"),
               Catch::Contains("line 3: arrays or tables nest deeper"));
    CHECK_THAT(error_of("dest = " + std::string(100'000, '{') + "\n"), Catch::Contains("nest deeper than 64 levels"));
}

TEST_CASE("toml_nesting_exceeds counts brackets outside strings and comments only", "[config]") {
    const std::string deep(65, '[');
    CHECK(toml_nesting_exceeds(deep, 64));
    CHECK_FALSE(toml_nesting_exceeds(std::string(64, '['), 64));
    CHECK_FALSE(toml_nesting_exceeds("a = \"" + deep + "\"", 64));
    CHECK_FALSE(toml_nesting_exceeds("a = '" + deep + "'", 64));
    CHECK_FALSE(toml_nesting_exceeds("a = \"\"\"\n" + deep + "\"\"\"", 64));
    CHECK_FALSE(toml_nesting_exceeds("a = '''\n" + deep + "'''", 64));
    CHECK_FALSE(toml_nesting_exceeds("# " + deep + "\n", 64));
    // A quote in a comment or an escaped quote opens nothing: what follows still counts.
    CHECK(toml_nesting_exceeds("# \"\na = " + deep, 64));
    CHECK(toml_nesting_exceeds("a = \"\\\"\" " + deep, 64));
    // A multi-line string may end with up to two quotes of its own before the closing three.
    CHECK(toml_nesting_exceeds("a = [\"\"\"x\"\"\"\"\", " + deep, 64));
    CHECK(toml_nesting_exceeds("a = ['''x''''', " + deep, 64));
    // A single-line string ends at the line end (toml++ stops there too).
    CHECK(toml_nesting_exceeds("a = \"x\n" + deep, 64));
    // Closers without openers earn no credit.
    CHECK(toml_nesting_exceeds(std::string(100, ']') + deep, 64));
    // An array may span lines: a '[' that starts a line inside it still counts.
    CHECK(toml_nesting_exceeds("a = [\n" + deep, 64));
}

TEST_CASE("config file: non-ASCII text only inside strings and comments", "[config]") {
    // toml++ 3.3's whitespace test is undefined behaviour for most non-ASCII characters.
    CHECK(parse("dest = \"caf\xC3\xA9.csv\"  # caf\xC3\xA9\n")[0].value == "caf\xC3\xA9.csv");
    CHECK(parse("dest = '''\ncaf\xC3\xA9'''\n")[0].value == "caf\xC3\xA9");
    CHECK(parse("\xEF\xBB\xBF"
                "dest = \"x\"\n")[0]
              .value == "x");
    const char* refused[] = {"\xC3\xA9 = 1\n", "dest = \xEF\xBB\x89\n", "dest = \"x\" \xC2\xA0\n",
                             "\ndest = \"\"\"a\\\n  \xC3\xA9\"\"\"\n", "dest = \"\"\"a\\\xC3\xA9\"\"\"\n"};
    for (const char* text : refused) {
        INFO(text);
        CHECK_THAT(error_of(text), Catch::Contains("a non-ASCII character outside a string or comment"));
    }
    CHECK_THAT(error_of("\ndest = \"\"\"a\\\n  \xC3\xA9\"\"\"\n"), Catch::Contains("line 3:"));
    // After an escaped backslash the line break is text, and so is what follows.
    CHECK(parse("dest = \"\"\"a\\\\\n\xC3\xA9\"\"\"\n")[0].value == "a\\\n\xC3\xA9");
    // A quoted part of a dotted key is a string to toml++; a bracket in it opens nothing.
    CHECK_THAT(error_of("a.\"[x=\" = \"\"\"\n[t\n\"\"\"\n"), !Catch::Contains("[table] header"));
    // Fuzz findings: non-ASCII behind quotes toml++ reads as code (a dotted key, a bad hex float).
    for (const char* text : {" \"\".\"{ \"\xEF\xBB\x8B", "x = 0x0X=\"caf\xC3\xA9\"\n", "d.\".d\xEF\xB6\xBF.P=1\n"}) {
        INFO(text);
        CHECK_THAT(error_of(text), Catch::Contains("line 1: "));
    }
}

TEST_CASE("toml_nesting_exceeds: a quote inside a bare word opens no string", "[config]") {
    // toml++ reads `1'` as one (bad) bare value, then goes on reading code.
    CHECK(toml_nesting_exceeds("a = [1' " + std::string(65, '['), 64));
    CHECK_THAT(error_of("d = [1'\xEF\xBA\xBF'\n"), Catch::Contains("line 1: "));
    CHECK(parse("dest = \"x\" # it's fine\nparallel = 2\n").size() == 2);
}
