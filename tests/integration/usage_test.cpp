// Bad input exits 2 with one line, before any network call.
#include <catch2/catch.hpp>

#include "fakes/fake_pigment.hpp"
#include "fakes/process_runner.hpp"
#include "fakes/run_helpers.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>

using namespace testing;

namespace {
const std::string kId = "7c1e2b9a-4d3f-4a8e-9b0c-5e6f7a8b9c0d";

// manifest.json with one metric export into a.csv.
void write_one_entry_manifest(const TempDir& dir) {
    nlohmann::json manifest = {
        {"exports", {{{"block-type", "metric"}, {"block-id", kId}, {"dest", dir.file("a.csv")}}}}};
    write_file(dir.file("manifest.json"), manifest.dump());
}
}  // namespace

TEST_CASE("usage errors exit 2 with one line and make no request", "[usage]") {
    struct Case {
        std::vector<std::string> args;
        std::string needle;
    };
    FakePigment pigment("k3y-abcdef-123");
    TempDir dir;
    std::string url = pigment.base_url();
    std::string dest = dir.file("o.csv");
    std::string unknown_placeholder = dir.file("{nope}.csv");
    auto c = GENERATE_COPY(
        Case{{"--block-id", kId, "--dest", dest}, "--block-type is required"},
        Case{{"--block-type", "cube", "--block-id", kId, "--dest", dest}, "--block-type must be one of"},
        Case{{"--block-type", "metric", "--dest", dest}, "--block-id is required"},
        Case{{"--block-type", "metric", "--block-id", "../../etc", "--dest", dest}, "is not a Pigment id"},
        Case{{"--block-type", "metric", "--block-id", "a?b=c", "--dest", dest}, "is not a Pigment id"},
        Case{{"--block-type", "metric", "--block-id", kId}, "--dest is required"},
        Case{{"--block-type", "metric", "--block-id", kId, "--dest", unknown_placeholder},
             "unknown placeholder {nope}"},
        Case{{"--block-type", "metric", "--block-id", kId, "--dest", dest, "--chunk-size", "8XB"}, "--chunk-size"},
        Case{{"--block-type", "metric", "--block-id", kId, "--dest", dest, "--chunk-size", "1KiB"}, "between 64KiB"},
        Case{{"--block-type", "metric", "--block-id", kId, "--dest", dest, "--parallel", "0"}, "--parallel"},
        Case{{"--block-type", "metric", "--block-id", kId, "--dest", dest, "--field-delimiter", "|"}, "';' or ','"},
        Case{{"--block-type", "metric", "--block-id", kId, "--dest", dest, "--export-options", "[1]"}, "JSON object"},
        Case{{"--block-type", "metric", "--block-id", kId, "--dest", dest, "--export-options", "{nope"},
             "not valid JSON"},
        Case{{"--block-type", "view", "--block-id", kId, "--dest", dest, "--export-options", "{\"a\":1}"},
             "takes no body"},
        Case{{"--block-type", "metric", "--block-id", kId, "--dest", dest, "--pigment-url", "http://pigment.app"},
             "https://"},
        Case{{"--block-type", "metric", "--block-id", kId, "--dest", dest, "--pigment-url", "https://x/?a=b"}, "query"},
        Case{{"--block-type", "metric", "--block-id", kId, "--dest",
              "https://acct.blob.core.windows.net/c1x/a.csv?sig=abc"},
             "AZURE_STORAGE_SAS_TOKEN"},
        Case{{"--block-type", "metric", "--block-id", kId, "--dest", "s3://bucket/x.csv"},
             "unsupported destination scheme"},
        Case{{"--block-type", "metric", "--block-id", kId, "--dest", "https://evil.example.com/a/b/c.csv"},
             "not an Azure Storage host"},
        Case{{"--block-type", "metric", "--block-id", kId, "--dest", "abfss://raw@acct.dfs.core.windows.net/"},
             "file name"},
        Case{
            {"--block-type", "metric", "--block-id", kId, "--dest", "abfss://raw@acct.dfs.core.windows.net/a/../b.csv"},
            "'..'"},
        Case{{"--block-type", "metric", "--block-id", kId, "--dest", dest, "--key-vault-url",
              "https://kv.vault.azure.net"},
             "--secret-name"},
        Case{{"--block-type", "metric", "--block-id", kId, "--dest", dest, "--api-key", "pgx_secret_typed_here"},
             "unexpected arguments"},
        Case{{"--block-type", "metric", "--block-id", kId, "--dest", "-", "--summary-json", "-"}, "both want stdout"},
        Case{{"--block-type", "metric", "--block-id", kId, "--dest", dest, "--log-level", "loud"},
             "--log-level must be one of"});
    RunOptions options;
    options.env = {{"PIGMENT_API_KEY", "k3y-abcdef-123"}, {"PIGMENT_URL", url}};
    auto r = run_program(c.args, options);
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(c.needle) != std::string::npos);
    CHECK(line_count(r.err) == 1);
    CHECK(r.err.rfind("pigment-export: usage: ", 0) == 0);
    CHECK(pigment.export_requests() == 0);
    CHECK(r.err.find("pgx_secret_typed_here") == std::string::npos);
}

TEST_CASE("no key source is a usage error", "[usage]") {
    auto r = run_program({"--block-type", "metric", "--block-id", kId, "--dest", "/tmp/x.csv"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("no Pigment API key source") != std::string::npos);
}

TEST_CASE("environment variables supply the required options - the command line wins", "[usage]") {
    FakePigment pigment("k3y-abcdef-123");
    pigment.add_block("list", kId, "h\n1\n");
    TempDir dir;
    RunOptions options;
    options.env = {{"PIGMENT_API_KEY", "k3y-abcdef-123"},
                   {"PIGMENT_URL", pigment.base_url()},
                   {"PIGMENT_BLOCK_TYPE", "metric"},
                   {"PIGMENT_BLOCK_ID", kId},
                   {"PIGMENT_DEST", dir.file("env.csv")}};
    auto r = run_program({"--block-type", "list"}, options);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(read_file(dir.file("env.csv")) == "h\n1\n");
}

TEST_CASE("option --config reads the same keys from a TOML file", "[usage]") {
    FakePigment pigment("k3y-abcdef-123");
    pigment.add_block("table", kId, "h\n1\n");
    TempDir dir;
    std::string config = dir.file("export.toml");
    write_file(config, "block-type = \"table\"\nblock-id = \"" + kId + "\"\npigment-url = \"" + pigment.base_url() +
                           "\"\ndest = \"" + dir.file("toml.csv") + "\"\nparallel = 2\n");
    RunOptions options;
    options.env = {{"PIGMENT_API_KEY", "k3y-abcdef-123"}};
    auto r = run_program({"--config", config}, options);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(read_file(dir.file("toml.csv")) == "h\n1\n");
}

TEST_CASE("option --dry-run prints the plan without any request or secret", "[usage]") {
    FakePigment pigment("k3y-abcdef-123");
    RunOptions options;
    options.env = {{"PIGMENT_API_KEY", "k3y-abcdef-123"}};
    auto r = run_program({"--block-type", "list", "--block-id", kId, "--pigment-url", pigment.base_url(), "--dest",
                          "abfss://raw@acct.dfs.core.windows.net/p/{block_id}.csv", "--dry-run"},
                         options);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("POST " + pigment.base_url() + "/api/v1/export/list/" + kId) != std::string::npos);
    CHECK(r.out.find("DFS API") != std::string::npos);
    CHECK(r.out.find("/p/" + kId + ".csv") != std::string::npos);
    CHECK(r.out.find("k3y-abcdef-123") == std::string::npos);
    CHECK(pigment.export_requests() == 0);
}

TEST_CASE("option --help and --version exit 0 on stdout", "[usage]") {
    auto help = run_program({"--help"});
    CHECK(help.exit_code == 0);
    CHECK(help.out.find("Exit codes") != std::string::npos);
    CHECK(help.out.find("--block-type") != std::string::npos);
    auto version = run_program({"--version"});
    CHECK(version.exit_code == 0);
    CHECK(version.out.rfind("pigment-export ", 0) == 0);
}

TEST_CASE("options the run would drop, empty values and repeats exit 2 with one line and no request", "[usage]") {
    // Regression (issue 12, item 7): each of these was accepted and silently ignored or overridden.
    struct Case {
        std::vector<std::string> args;
        std::string needle;
    };
    FakePigment pigment("k3y-abcdef-123");
    TempDir dir;
    std::string dest = dir.file("o.csv");
    std::string second = dir.file("second.csv");
    std::vector<std::string> metric = {"--block-type", "metric", "--block-id", kId, "--dest", dest};
    auto with = [&](std::vector<std::string> more) {
        more.insert(more.begin(), metric.begin(), metric.end());
        return more;
    };
    auto c = GENERATE_COPY(
        Case{{"--block-type", "view", "--block-id", kId, "--dest", dest, "--date-format", "iso8601"},
             "use --pigment-api legacy for a view with --date-format"},
        Case{with({"--client-id", "7d1e2f3a-0000-4000-8000-00000000abcd"}), "--client-id is not used"},
        Case{with({"--credential", "managed-identity"}), "--credential is not used"},
        Case{{"--block-type", "metric", "--block-id", kId, "--dest", "-", "--no-overwrite"},
             "--overwrite/--no-overwrite do not apply to --dest -"},
        Case{{"--block-type", "metric", "--block-id", kId, "--dest", "-", "--if-changed"},
             "--if-changed does not apply to --dest - (stdout)"},
        Case{with({"--if-changed", "--no-overwrite"}), "--if-changed cannot apply with --no-overwrite"},
        Case{{"--block-type", "metric", "--block-id", kId, "--dest", "abfss://raw@acct.dfs.core.windows.net/a.csv",
              "--credential", "azure-cli", "--client-id", "7d1e2f3a-0000-4000-8000-00000000abcd"},
             "--client-id does not apply to --credential azure-cli"},
        Case{with({"--date-format", ""}), "--date-format needs a value"},
        Case{with({"--expect-header", ""}), "--expect-header needs a value"},
        Case{with({"--min-rows", ""}), "--min-rows needs a value"},
        Case{with({"--max-retries", ""}), "--max-retries needs a value"},
        Case{with({"--config", ""}), "--config needs a value"},
        Case{{"--block-type", "metric", "--block-id", kId, "--dest", ""}, "--dest needs a value"},
        // `--name=$VAR` with VAR unset: before, "unexpected arguments: <value>" or CLI11's own wording.
        Case{with({"--compress="}), "--compress needs a value"},
        Case{with({"--min-rows="}), "--min-rows needs a value"},
        Case{{"--block-type", "metric", "--block-id=", "--dest", dest}, "--block-id needs a value"},
        Case{{"--block-type", "metric", "--block-id", kId, "--dest="}, "--dest needs a value"},
        // A flag given a value: before, CLI11 read `--no-overwrite=false` by rules of its own.
        Case{with({"--no-overwrite=false"}), "--overwrite/--no-overwrite takes no value"},
        Case{with({"--if-changed="}), "--if-changed/--no-if-changed takes no value"},
        Case{with({"--dry-run=no"}), "--dry-run takes no value"}, Case{with({"--dest", second}), "--dest given twice"},
        Case{with({"--parallel", "2", "--parallel", "6"}), "--parallel given twice"},
        Case{with({"--overwrite", "--no-overwrite"}), "--overwrite/--no-overwrite given twice"});
    RunOptions options;
    options.env = {{"PIGMENT_API_KEY", "k3y-abcdef-123"}, {"PIGMENT_URL", pigment.base_url()}};
    auto r = run_program(c.args, options);
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(c.needle) != std::string::npos);
    CHECK(line_count(r.err) == 1);
    CHECK(r.err.rfind("pigment-export: usage: ", 0) == 0);
    CHECK(pigment.export_requests() == 0);
    CHECK_FALSE(std::filesystem::exists(dest));
}

TEST_CASE("options that do apply are still accepted", "[usage]") {
    FakePigment pigment("k3y-abcdef-123");
    pigment.add_block("view", kId, "v\n1\n");
    TempDir dir;
    RunOptions options;
    options.env = {
        {"PIGMENT_API_KEY", "k3y-abcdef-123"}, {"PIGMENT_URL", pigment.base_url()}, {"AZURE_CLIENT_ID", "env-client"}};
    // --date-format on the legacy view path; AZURE_CLIENT_ID from the environment is not an option given.
    auto r = run_program({"--block-type", "view", "--block-id", kId, "--pigment-api", "legacy", "--date-format",
                          "iso8601", "--dest", dir.file("v.csv")},
                         options);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(read_file(dir.file("v.csv")) == "v\n1\n");
}

TEST_CASE("manifest: an entry overrides a default and the shared command line, each option once", "[usage][manifest]") {
    // Entries used to rely on a repeated option taking its last value; repeats are now refused.
    FakePigment pigment("k3y-abcdef-123");
    pigment.add_block("metric", kId, "m\n1\n");
    pigment.add_block("list", kId, "l\n1\n");
    TempDir dir;
    nlohmann::json manifest = {
        {"defaults", {{"pigment-url", pigment.base_url()}, {"block-type", "table"}, {"max-retries", 0}}},
        {"exports",
         {{{"block-type", "metric"}, {"block-id", kId}, {"dest", dir.file("entry.csv")}, {"overwrite", true}},
          {{"block-type", "list"}, {"block-id", kId}}}}};
    write_file(dir.file("manifest.json"), manifest.dump());
    write_file(dir.file("entry.csv"), "old\n");
    RunOptions options;
    options.env = {{"PIGMENT_API_KEY", "k3y-abcdef-123"}};
    auto r = run_program(
        {"--manifest", dir.file("manifest.json"), "--dest", dir.file("{block_type}.csv"), "--no-overwrite"}, options);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(read_file(dir.file("entry.csv")) == "m\n1\n");
    CHECK(read_file(dir.file("list.csv")) == "l\n1\n");
    CHECK(pigment.export_requests() == 2);
}

TEST_CASE("manifest: --manifest= --jobs= and --summary-json= with nothing after them name the option",
          "[usage][manifest]") {
    FakePigment pigment("k3y-abcdef-123");
    TempDir dir;
    write_one_entry_manifest(dir);
    RunOptions options;
    options.env = {{"PIGMENT_API_KEY", "k3y-abcdef-123"}, {"PIGMENT_URL", pigment.base_url()}};
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{"--manifest="}, "--manifest needs a value"},
        {{"--manifest", dir.file("manifest.json"), "--jobs="}, "--jobs needs a value"},
        // Before, an empty --summary-json= was taken for no summary at all.
        {{"--manifest", dir.file("manifest.json"), "--summary-json="}, "--summary-json needs a value"},
        {{"--manifest", dir.file("manifest.json"), "--expect-header="}, "--expect-header needs a value"},
    };
    for (const auto& [args, needle] : cases) {
        auto r = run_program(args, options);
        INFO(r.err);
        CHECK(r.exit_code == 2);
        CHECK(r.err.find(needle) != std::string::npos);
        CHECK(line_count(r.err) == 1);
    }
    CHECK(pigment.export_requests() == 0);
    CHECK_FALSE(std::filesystem::exists(dir.file("a.csv")));
}

TEST_CASE("manifest: a repeat on the shared command line and a deeply nested manifest are usage errors",
          "[usage][manifest]") {
    FakePigment pigment("k3y-abcdef-123");
    TempDir dir;
    write_one_entry_manifest(dir);
    write_file(dir.file("deep.json"), "{\"exports\":" + std::string(100'000, '[') + std::string(100'000, ']') + "}");
    RunOptions options;
    options.env = {{"PIGMENT_API_KEY", "k3y-abcdef-123"}, {"PIGMENT_URL", pigment.base_url()}};
    options.timeout = std::chrono::seconds(20);
    auto repeat = run_program(
        {"--manifest", dir.file("manifest.json"), "--dest", dir.file("b.csv"), "--dest", dir.file("c.csv")}, options);
    INFO(repeat.err);
    CHECK(repeat.exit_code == 2);
    CHECK(repeat.err.find("--dest given twice") != std::string::npos);
    auto deep = run_program({"--manifest", dir.file("deep.json")}, options);
    INFO(deep.err);
    CHECK(deep.exit_code == 2);
    CHECK(deep.err.find("nests deeper than 64 levels") != std::string::npos);
    CHECK(line_count(deep.err) == 1);
    CHECK(pigment.export_requests() == 0);
}

TEST_CASE("manifest and config file: if-changed is a flag like on the command line", "[usage][manifest][if-changed]") {
    FakePigment pigment("k3y-abcdef-123");
    pigment.add_block("metric", kId, "m\n1\n");
    pigment.add_block("list", kId, "l\n1\n");
    TempDir dir;
    write_file(dir.file("metric.csv"), "m\n1\n");  // already the export
    write_file(dir.file("list.csv"), "l\n1\n");
    nlohmann::json manifest = {
        {"defaults", {{"pigment-url", pigment.base_url()}, {"if-changed", true}}},
        {"exports",
         {{{"block-type", "metric"}, {"block-id", kId}, {"dest", dir.file("metric.csv")}},
          {{"block-type", "list"}, {"block-id", kId}, {"dest", dir.file("list.csv")}, {"if-changed", false}}}}};
    write_file(dir.file("manifest.json"), manifest.dump());
    RunOptions options;
    options.env = {{"PIGMENT_API_KEY", "k3y-abcdef-123"}};
    auto r = run_program({"--manifest", dir.file("manifest.json")}, options);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    auto unchanged_lines = [](const std::string& err) {
        std::size_t n = 0;
        for (auto at = err.find("(unchanged:"); at != std::string::npos; at = err.find("(unchanged:", at + 1)) ++n;
        return n;
    };
    CHECK(unchanged_lines(r.err) == 1);  // the metric only: the list entry turned it off

    write_file(dir.file("export.toml"), "if-changed = true\nblock-type = \"metric\"\nblock-id = \"" + kId +
                                            "\"\npigment-url = \"" + pigment.base_url() + "\"\ndest = \"" +
                                            dir.file("metric.csv") + "\"\n");
    auto c = run_program({"--config", dir.file("export.toml")}, options);
    INFO(c.err);
    CHECK(c.exit_code == 0);
    CHECK(unchanged_lines(c.err) == 1);
}
