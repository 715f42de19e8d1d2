#include <catch2/catch.hpp>

#include <unistd.h>
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "pigment_export/cli/command_line.hpp"
#include "pigment_export/core/failure.hpp"

using namespace pe;
using pe::cli::parse_command_line;
using Args = std::vector<std::string>;
using Env = std::map<std::string, std::string>;

namespace {

std::chrono::system_clock::time_point fixed_now() {
    using namespace std::chrono;
    return sys_days{year{2026} / 11 / 29} + hours{3} + minutes{15} + seconds{7};
}

const Env kKeyEnv = {{"PIGMENT_API_KEY", "pk_env_key_123"}};

Args base_args() {
    return {"--block-type", "metric", "--block-id", "m1", "--dest", "out.csv"};
}

// `args` with `more` added; an option of `more` replaces the same option in `args`, which holds
// option-value pairs only (a repeat is refused).
Args with(const Args& args, const Args& more) {
    Args out;
    for (std::size_t i = 0; i + 1 < args.size(); i += 2) {
        if (std::find(more.begin(), more.end(), args[i]) == more.end()) out.insert(out.end(), {args[i], args[i + 1]});
    }
    out.insert(out.end(), more.begin(), more.end());
    return out;
}

Config parse(const Args& args, const Env& env = kKeyEnv) {
    auto outcome = parse_command_line(args, map_env(env), fixed_now());
    REQUIRE(outcome.config.has_value());
    CHECK(outcome.output.empty());
    return *outcome.config;
}

FailureInfo usage_error(const Args& args, const Env& env = kKeyEnv) {
    try {
        parse_command_line(args, map_env(env), fixed_now());
    } catch (const Failure& f) {
        CHECK(f.stage() == Stage::usage);
        CHECK(exit_code(f.stage()) == 2);
        return f.info();
    }
    FAIL("the command line was accepted");
    return {};
}

// A temporary file removed at the end of the test.
struct TempFile {
    std::filesystem::path path;
    explicit TempFile(const std::string& content) {
        path = std::filesystem::temp_directory_path() /
               ("pigment-cli-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++) + ".json");
        std::ofstream(path, std::ios::binary) << content;
    }
    ~TempFile() {
        std::error_code ec;
        std::filesystem::remove(path, ec);
    }
    static int& counter() {
        static int n = 0;
        return n;
    }
};

}  // namespace

TEST_CASE("defaults", "[cli]") {
    Config c = parse(base_args());
    CHECK(c.export_.block_type == BlockType::metric);
    CHECK(c.export_.block_id == "m1");
    CHECK(c.export_.pigment_url == "https://pigment.app");
    CHECK(c.export_.api == PigmentApi::v1);
    CHECK_FALSE(c.export_.field_delimiter.has_value());
    CHECK_FALSE(c.export_.date_format.has_value());
    CHECK(c.export_.options_json == "{}");
    CHECK(c.transfer.chunk_size == 4u * 1024 * 1024);
    CHECK(c.transfer.parallel == 4);
    CHECK(c.transfer.max_retries == 5);
    CHECK(c.transfer.overwrite);
    CHECK(c.transfer.storage_api == StorageApi::automatic);
    CHECK(c.secret.credential == CredentialKind::automatic);
    CHECK(c.secret.api_key_from_env);
    CHECK(c.secret.key_vault_url.empty());
    CHECK(c.secret.api_key_file.empty());
    CHECK(c.network.connect_timeout == std::chrono::seconds(10));
    CHECK(c.network.stall_timeout == std::chrono::seconds(60));
    CHECK_FALSE(c.network.total_timeout.has_value());
    CHECK(c.log.level == LogLevel::info);
    CHECK(c.log.format == LogFormat::text);
    CHECK(c.progress == ProgressMode::automatic);
    CHECK_FALSE(c.summary_json.has_value());
    CHECK_FALSE(c.dry_run);
    CHECK(c.destination.kind == DestinationKind::local_file);
    CHECK(c.destination.local_path == std::filesystem::path("out.csv"));
}

TEST_CASE("every option is applied", "[cli]") {
    Config c = parse({"--block-type",
                      "view",
                      "--block-id",
                      "v-1",
                      "--dest",
                      "https://acct.blob.core.windows.net/c1c/{block_id}.csv",
                      "--pigment-url",
                      "https://eu.pigment.app/",
                      "--pigment-api",
                      "legacy",
                      "--field-delimiter",
                      ";",
                      "--date-format",
                      "iso8601",
                      "--credential",
                      "managed-identity",
                      "--client-id",
                      "cid",
                      "--storage-api",
                      "blob",
                      "--no-overwrite",
                      "--chunk-size",
                      "16MiB",
                      "--parallel",
                      "8",
                      "--max-retries",
                      "0",
                      "--connect-timeout",
                      "3",
                      "--stall-timeout",
                      "30",
                      "--timeout",
                      "600",
                      "--log-level",
                      "debug",
                      "--log-format",
                      "json",
                      "--progress",
                      "off",
                      "--summary-json",
                      "s.json",
                      "--dry-run"});
    CHECK(c.export_.block_type == BlockType::view);
    CHECK(c.export_.pigment_url == "https://eu.pigment.app");
    CHECK(c.export_.api == PigmentApi::legacy);
    CHECK(c.export_.field_delimiter == std::optional<std::string>("Semicolon"));
    CHECK(c.export_.date_format == std::optional<std::string>("Iso8601"));
    CHECK(c.secret.credential == CredentialKind::managed_identity);
    CHECK(c.secret.client_id == "cid");
    CHECK(c.transfer.storage_api == StorageApi::blob);
    CHECK_FALSE(c.transfer.overwrite);
    CHECK(c.transfer.chunk_size == 16u << 20);
    CHECK(c.transfer.parallel == 8);
    CHECK(c.transfer.max_retries == 0);
    CHECK(c.network.connect_timeout == std::chrono::seconds(3));
    CHECK(c.network.stall_timeout == std::chrono::seconds(30));
    CHECK(c.network.total_timeout == std::optional<std::chrono::seconds>(std::chrono::seconds(600)));
    CHECK(c.log.level == LogLevel::debug);
    CHECK(c.log.format == LogFormat::json);
    CHECK(c.progress == ProgressMode::off);
    CHECK(c.summary_json == std::optional<std::string>("s.json"));
    CHECK(c.dry_run);
    CHECK(c.destination.kind == DestinationKind::storage);
    CHECK(c.destination.storage.path == "v-1.csv");
}

TEST_CASE("option --dest placeholders expand with the fixed time", "[cli]") {
    Config c =
        parse({"--block-type", "table", "--block-id", "t9", "--dest", "out/{block_type}-{block_id}-{date}-{time}.csv"});
    CHECK(c.destination.local_path == std::filesystem::path("out/table-t9-2026-11-29-031507.csv"));
    auto e = usage_error({"--block-type", "table", "--block-id", "t9", "--dest", "out/{nope}.csv"});
    CHECK_THAT(e.message, Catch::Contains("{nope}"));
}

TEST_CASE("environment variables fill options that are not given", "[cli]") {
    Env env = {{"PIGMENT_API_KEY", "pk_env_key_123"},
               {"PIGMENT_BLOCK_TYPE", "list"},
               {"PIGMENT_BLOCK_ID", "env-id"},
               {"PIGMENT_DEST", "env.csv"},
               {"PIGMENT_URL", "http://127.0.0.1:9000/"},
               {"AZURE_CLIENT_ID", "env-client"}};
    Config c = parse({}, env);
    CHECK(c.export_.block_type == BlockType::list);
    CHECK(c.export_.block_id == "env-id");
    CHECK(c.destination.local_path == std::filesystem::path("env.csv"));
    CHECK(c.export_.pigment_url == "http://127.0.0.1:9000");
    CHECK(c.secret.client_id == "env-client");
}

TEST_CASE("the command line wins over the environment", "[cli]") {
    Env env = {{"PIGMENT_API_KEY", "pk_env_key_123"},
               {"PIGMENT_BLOCK_TYPE", "list"},
               {"PIGMENT_BLOCK_ID", "env-id"},
               {"PIGMENT_DEST", "env.csv"},
               {"AZURE_CLIENT_ID", "env-client"}};
    Config c = parse({"--block-type", "table", "--block-id", "cli-id", "--dest", "cli.csv", "--client-id", "cli-client",
                      "--key-vault-url", "https://kv.vault.azure.net", "--secret-name", "k1"},
                     env);
    CHECK(c.export_.block_type == BlockType::table);
    CHECK(c.export_.block_id == "cli-id");
    CHECK(c.destination.local_path == std::filesystem::path("cli.csv"));
    CHECK(c.secret.client_id == "cli-client");
}

TEST_CASE("Key Vault settings come from the environment too", "[cli]") {
    Env env = {{"PIGMENT_KEY_VAULT_URL", "https://kv.vault.azure.net/"}, {"PIGMENT_SECRET_NAME", "pigment-key"}};
    Config c = parse(base_args(), env);
    CHECK(c.secret.key_vault_url == "https://kv.vault.azure.net");
    CHECK(c.secret.secret_name == "pigment-key");
    CHECK_FALSE(c.secret.api_key_from_env);
}

TEST_CASE("a repeated option is refused, not silently overridden", "[cli]") {
    CHECK_THAT(usage_error(with(base_args(), {"--parallel", "2", "--parallel", "6"})).message,
               Catch::Contains("--parallel given twice"));
    CHECK_THAT(usage_error(with(base_args(), {"--dest", "a.csv", "--dest", "b.csv"})).message,
               Catch::Contains("--dest given twice"));
    CHECK_THAT(usage_error(with(base_args(), {"--dry-run", "--dry-run"})).message,
               Catch::Contains("--dry-run given twice"));
    CHECK_THAT(usage_error(with(base_args(), {"--no-overwrite", "--overwrite"})).message,
               Catch::Contains("--overwrite/--no-overwrite given twice"));
}

TEST_CASE("an empty value is refused, not read as unset", "[cli]") {
    for (std::string option :
         {"--date-format", "--expect-header", "--min-rows", "--field-delimiter", "--pigment-url", "--client-id",
          "--summary-json", "--parallel", "--max-retries", "--timeout", "--config"}) {
        INFO(option);
        CHECK_THAT(usage_error(with(base_args(), {option, ""})).message, Catch::Contains(option + " needs a value"));
        // "--x=" is CLI11's own "1 required ... missing".
        CHECK_THAT(usage_error(with(base_args(), {option + "="})).message, Catch::StartsWith(option));
    }
    CHECK_THAT(usage_error({"--block-type", "metric", "--block-id", "m1", "--dest", ""}).message,
               Catch::Contains("--dest needs a value"));
}

TEST_CASE("an option the run would not use is refused", "[cli]") {
    const Args view = {"--block-type", "view", "--block-id", "v1", "--dest", "out.csv"};
    const std::string storage = "abfss://raw@acct.dfs.core.windows.net/a.csv";
    const Args kv = {"--key-vault-url", "https://kv.vault.azure.net", "--secret-name", "k1"};
    SECTION("--date-format on a v1 view") {
        auto e = usage_error(with(view, {"--date-format", "legacy"}));
        CHECK_THAT(e.message, Catch::Contains("--date-format does not apply to a view on the v1 API"));
        CHECK_THAT(e.hint, Catch::Contains("use --pigment-api legacy for a view with --date-format"));
        CHECK(parse(with(view, {"--date-format", "legacy", "--pigment-api", "legacy"})).export_.date_format ==
              "Legacy");
        CHECK(parse(with(base_args(), {"--date-format", "legacy"})).export_.date_format == "Legacy");
        CHECK(parse(with(view, {"--field-delimiter", ","})).export_.field_delimiter == "Comma");
    }
    SECTION("--credential and --client-id without any Azure credential in use") {
        CHECK_THAT(usage_error(with(base_args(), {"--client-id", "cid"})).message,
                   Catch::Contains("--client-id is not used"));
        CHECK_THAT(usage_error(with(base_args(), {"--credential", "auto"})).message,
                   Catch::Contains("--credential is not used"));
        Env sas = {{"PIGMENT_API_KEY", "k"}, {"AZURE_STORAGE_SAS_TOKEN", "sv=1&sig=x"}};
        Args to_storage = {"--block-type", "metric", "--block-id", "m1", "--dest", storage, "--client-id", "cid"};
        CHECK_THAT(usage_error(to_storage, sas).message, Catch::Contains("--client-id is not used"));
        CHECK_THAT(usage_error(to_storage, {{"PIGMENT_API_KEY", "k"}, {"AZURE_STORAGE_KEY", "a2V5"}}).message,
                   Catch::Contains("--client-id is not used"));
        CHECK(parse(to_storage).secret.client_id == "cid");
        CHECK(parse(with(with(base_args(), kv), {"--client-id", "cid"}), {}).secret.client_id == "cid");
        // AZURE_CLIENT_ID is ambient on many hosts: it is not an option the user gave.
        CHECK(parse(base_args(), {{"PIGMENT_API_KEY", "k"}, {"AZURE_CLIENT_ID", "env"}}).secret.client_id == "env");
    }
    SECTION("--client-id with the Azure CLI") {
        auto e = usage_error(with(with(base_args(), kv), {"--credential", "azure-cli", "--client-id", "cid"}), {});
        CHECK_THAT(e.message, Catch::Contains("--client-id does not apply to --credential azure-cli"));
    }
    SECTION("--overwrite and --no-overwrite on stdout") {
        Args to_stdout = {"--block-type", "metric", "--block-id", "m1", "--dest", "-"};
        CHECK_THAT(usage_error(with(to_stdout, {"--no-overwrite"})).message,
                   Catch::Contains("do not apply to --dest -"));
        CHECK_THAT(usage_error(with(to_stdout, {"--overwrite"})).message, Catch::Contains("do not apply to --dest -"));
        CHECK_NOTHROW(parse(to_stdout));
    }
}

TEST_CASE("option --no-overwrite and --overwrite", "[cli]") {
    CHECK_FALSE(parse(with(base_args(), {"--no-overwrite"})).transfer.overwrite);
    CHECK(parse(with(base_args(), {"--overwrite"})).transfer.overwrite);
}

TEST_CASE("option --help and --version end the run with output and no config", "[cli]") {
    auto help = parse_command_line({"--help"}, map_env({}), fixed_now());
    CHECK_FALSE(help.config.has_value());
    CHECK_THAT(help.output, Catch::Contains("--block-type"));
    CHECK_THAT(help.output, Catch::Contains("Exit codes"));
    auto h = parse_command_line({"-h"}, map_env({}), fixed_now());
    CHECK_FALSE(h.config.has_value());
    CHECK_FALSE(h.output.empty());
    auto version = parse_command_line({"--version"}, map_env({}), fixed_now());
    CHECK_FALSE(version.config.has_value());
    CHECK(version.output == std::string("pigment-export ") + PIGMENT_EXPORT_VERSION + "\n");
}

TEST_CASE("option --export-options: inline JSON or @FILE, normalized", "[cli]") {
    Config inline_json = parse(with(base_args(), {"--export-options", R"( { "friendlyHeaders" : true } )"}));
    CHECK(inline_json.export_.options_json == R"({"friendlyHeaders":true})");

    TempFile file(R"({"filters": [ {"dimension": "Country"} ]})");
    Config from_file = parse(with(base_args(), {"--export-options", "@" + file.path.string()}));
    CHECK(from_file.export_.options_json == R"({"filters":[{"dimension":"Country"}]})");

    auto missing = usage_error(with(base_args(), {"--export-options", "@/nonexistent/dir/opts.json"}));
    CHECK_THAT(missing.message, Catch::Contains("--export-options '/nonexistent/dir/opts.json' cannot be read"));

    TempFile bad("{not json");
    CHECK_THAT(usage_error(with(base_args(), {"--export-options", "@" + bad.path.string()})).message,
               Catch::Contains("--export-options is not valid JSON"));
    CHECK_THAT(usage_error(with(base_args(), {"--export-options", "[1]"})).message,
               Catch::Contains("must be a JSON object"));

    TempFile huge("{\"a\":\"" + std::string(1u << 20, 'x') + "\"}");
    CHECK_THAT(usage_error(with(base_args(), {"--export-options", "@" + huge.path.string()})).message,
               Catch::Contains("larger than 1 MiB"));
}

TEST_CASE("option --export-options is refused for views", "[cli]") {
    auto e =
        usage_error({"--block-type", "view", "--block-id", "v", "--dest", "o.csv", "--export-options", "{\"a\":1}"});
    CHECK_THAT(e.message, Catch::Contains("--export-options applies to list, metric and table"));
    // An empty object is harmless.
    CHECK_NOTHROW(parse({"--block-type", "view", "--block-id", "v", "--dest", "o.csv", "--export-options", "{}"}));
}

TEST_CASE("key source rules", "[cli]") {
    SECTION("PIGMENT_API_KEY alone is enough") {
        Config c = parse(base_args(), kKeyEnv);
        CHECK(c.secret.api_key_from_env);
    }
    SECTION("--api-key-file alone is enough") {
        Config c = parse(with(base_args(), {"--api-key-file", "/run/secrets/key"}), {});
        CHECK(c.secret.api_key_file == std::filesystem::path("/run/secrets/key"));
        CHECK_FALSE(c.secret.api_key_from_env);
    }
    SECTION("Key Vault needs a secret name and vice versa") {
        Config c = parse(with(base_args(), {"--key-vault-url", "https://kv.vault.azure.net", "--secret-name", "k1",
                                            "--secret-version", "0123456789abcdef0123456789abcdef"}),
                         {});
        CHECK(c.secret.key_vault_url == "https://kv.vault.azure.net");
        CHECK(c.secret.secret_name == "k1");
        CHECK(c.secret.secret_version == "0123456789abcdef0123456789abcdef");
        CHECK_THAT(usage_error(with(base_args(), {"--key-vault-url", "https://kv.vault.azure.net"}), {}).message,
                   Catch::Contains("--key-vault-url needs --secret-name"));
        CHECK_THAT(usage_error(with(base_args(), {"--secret-name", "k1"}), {}).message,
                   Catch::Contains("--secret-name needs --key-vault-url"));
        CHECK_THAT(usage_error(with(base_args(), {"--secret-version", "0123456789abcdef0123456789abcdef"})).message,
                   Catch::Contains("--secret-version needs --key-vault-url"));
    }
    SECTION("Key Vault and --api-key-file exclude each other") {
        auto e = usage_error(with(base_args(), {"--key-vault-url", "https://kv.vault.azure.net", "--secret-name", "k1",
                                                "--api-key-file", "key.txt"}));
        CHECK_THAT(e.message, Catch::Contains("either --key-vault-url or --api-key-file"));
    }
    SECTION("no source at all") {
        auto e = usage_error(base_args(), {});
        CHECK_THAT(e.message, Catch::Contains("no Pigment API key source"));
        CHECK_THAT(e.hint, Catch::Contains("PIGMENT_API_KEY"));
        // An empty PIGMENT_API_KEY counts as unset.
        CHECK_THAT(usage_error(base_args(), {{"PIGMENT_API_KEY", ""}}).message,
                   Catch::Contains("no Pigment API key source"));
    }
}

TEST_CASE("each usage error names its option", "[cli]") {
    struct Row {
        Args extra;
        const char* expected;
    };
    const Row rows[] = {
        {{"--block-type", "cube"}, "--block-type must be one of"},
        {{"--block-id", "a/b"}, "--block-id"},
        {{"--pigment-url", "http://pigment.app"}, "--pigment-url must use https://"},
        {{"--pigment-api", "v2"}, "--pigment-api must be one of"},
        {{"--field-delimiter", "|"}, "--field-delimiter must be ';' or ','"},
        {{"--date-format", "us"}, "--date-format must be legacy or iso8601"},
        {{"--key-vault-url", "ftp://kv", "--secret-name", "k"}, "--key-vault-url"},
        {{"--key-vault-url", "https://kv.vault.azure.net", "--secret-name", "bad_name"}, "--secret-name"},
        {{"--key-vault-url", "https://kv.vault.azure.net", "--secret-name", "k", "--secret-version", "xyz"},
         "--secret-version"},
        {{"--credential", "password"}, "--credential must be one of"},
        {{"--storage-api", "s3"}, "--storage-api must be one of"},
        {{"--storage-api", "dfs"}, "--storage-api applies to Azure Storage destinations only"},
        {{"--chunk-size", "32KiB"}, "--chunk-size must be between 64KiB and 512MiB"},
        {{"--chunk-size", "1GiB"}, "--chunk-size must be between"},
        {{"--chunk-size", "lots"}, "--chunk-size: not a size"},
        {{"--chunk-size", "8MB"}, "--chunk-size: unknown size unit"},
        {{"--parallel", "0"}, "--parallel must be between 1 and 64"},
        {{"--parallel", "65"}, "--parallel must be between 1 and 64"},
        {{"--max-retries", "21"}, "--max-retries must be between 0 and 20"},
        {{"--ca-bundle", "/nonexistent/ca.pem"}, "--ca-bundle '/nonexistent/ca.pem' is not a readable file"},
        {{"--connect-timeout", "0"}, "--connect-timeout and --stall-timeout must be at least 1 second"},
        {{"--stall-timeout", "0"}, "--stall-timeout"},
        {{"--log-level", "verbose"}, "--log-level must be one of"},
        {{"--log-format", "xml"}, "--log-format must be one of"},
        {{"--progress", "maybe"}, "--progress must be one of"},
        {{"--dest", "out/"}, "names a folder"},
        {{"--dest", "https://acct.blob.core.windows.net/c1c/x.csv?sig=abc"}, "AZURE_STORAGE_SAS_TOKEN"},
        {{"--parallel", "many"}, "--parallel"},
        {{"--frobnicate"}, "--frobnicate"},
    };
    for (const auto& row : rows) {
        INFO(row.expected);
        auto e = usage_error(with(base_args(), row.extra));
        CHECK_THAT(e.message, Catch::Contains(row.expected));
    }
}

TEST_CASE("chunk size bounds are inclusive", "[cli]") {
    CHECK(parse(with(base_args(), {"--chunk-size", "64KiB"})).transfer.chunk_size == 64u << 10);
    CHECK(parse(with(base_args(), {"--chunk-size", "512MiB"})).transfer.chunk_size == 512u << 20);
    CHECK(parse(with(base_args(), {"--parallel", "1"})).transfer.parallel == 1);
    CHECK(parse(with(base_args(), {"--parallel", "64"})).transfer.parallel == 64);
    CHECK(parse(with(base_args(), {"--max-retries", "20"})).transfer.max_retries == 20);
}

TEST_CASE("required options", "[cli]") {
    CHECK_THAT(usage_error({"--block-id", "m1", "--dest", "o.csv"}).message,
               Catch::Contains("--block-type is required"));
    CHECK_THAT(usage_error({"--block-type", "metric", "--dest", "o.csv"}).message,
               Catch::Contains("--block-id is required"));
    CHECK_THAT(usage_error({"--block-type", "metric", "--block-id", "m1"}).message,
               Catch::Contains("--dest is required"));
}

TEST_CASE("an unexpected value that may be a secret is not echoed", "[cli]") {
    auto e = usage_error(with(base_args(), {"sk_live_0123456789abcdef"}));
    CHECK_THAT(e.message, Catch::Contains("unexpected arguments"));
    CHECK_THAT(e.message, Catch::Contains("<value>"));
    CHECK(e.message.find("sk_live") == std::string::npos);

    // "--api-key VALUE": the option name is shown, the value is not.
    auto f = usage_error(with(base_args(), {"--api-key", "pk.AbC/123+xyz="}));
    CHECK(std::string(Failure(f).what()).find("pk.AbC") == std::string::npos);
    CHECK(f.message.find("pk.AbC") == std::string::npos);
}

TEST_CASE("a value that fails numeric conversion is not echoed", "[cli]") {
    // describe_parse_error() drops values from messages containing "could not be converted"
    // or "not in", but CLI11 2.1 reports a failed conversion as "Could not convert: --parallel
    // = VALUE", which matches neither, so the value (possibly a mistyped secret) is echoed.
    auto e = usage_error(with(base_args(), {"--parallel", "pk_live_SECRET_987"}));
    INFO("message: " << e.message);
    CHECK_THAT(e.message, Catch::Contains("--parallel"));
    CHECK(e.message.find("pk_live_SECRET_987") == std::string::npos);
}

TEST_CASE("option --summary-json - and --dest - cannot share stdout", "[cli]") {
    auto e = usage_error({"--block-type", "metric", "--block-id", "m1", "--dest", "-", "--summary-json", "-"});
    CHECK_THAT(e.message, Catch::Contains("--dest - and --summary-json - both want stdout"));
    Config ok = parse({"--block-type", "metric", "--block-id", "m1", "--dest", "-", "--summary-json", "summary.json"});
    CHECK(ok.destination.kind == DestinationKind::standard_output);
    Config also_ok = parse({"--block-type", "metric", "--block-id", "m1", "--dest", "out.csv", "--summary-json", "-"});
    CHECK(also_ok.summary_json == std::optional<std::string>("-"));
}

TEST_CASE("option --storage-api is accepted for storage destinations", "[cli]") {
    Config c = parse({"--block-type", "metric", "--block-id", "m1", "--dest",
                      "abfss://raw@acct.dfs.core.windows.net/x.csv", "--storage-api", "blob"});
    CHECK(c.transfer.storage_api == StorageApi::blob);
    CHECK(c.destination.storage.endpoint == StorageEndpoint::dfs);
}

TEST_CASE("option --config fills only what the command line leaves out, before the environment", "[cli][config]") {
    TempFile file(
        "block-type = \"list\"\nblock-id = \"cfg-id\"\ndest = \"cfg.csv\"\nparallel = 8\noverwrite = false\n"
        "dry-run = true\nmin-rows = 3\n");
    Env env = {{"PIGMENT_API_KEY", "k"}, {"PIGMENT_BLOCK_ID", "env-id"}, {"PIGMENT_DEST", "env.csv"}};
    Config c = parse({"--config", file.path.string(), "--block-type", "table", "--overwrite"}, env);
    CHECK(c.export_.block_type == BlockType::table);
    CHECK(c.export_.block_id == "cfg-id");
    CHECK(c.destination.local_path == std::filesystem::path("cfg.csv"));
    CHECK(c.transfer.parallel == 8);
    CHECK(c.transfer.overwrite);
    CHECK(c.dry_run);
    CHECK(c.guards.min_rows == std::optional<std::uint64_t>(3));
    CHECK_FALSE(parse({"--config", file.path.string()}, env).transfer.overwrite);
}

TEST_CASE("option --config: a value CLI11 cannot convert names the file, the line and the key", "[cli][config]") {
    TempFile file("block-type = \"list\"\nparallel = -3\n");
    auto e = usage_error(with(base_args(), {"--config", file.path.string()}));
    CHECK_THAT(e.message, Catch::Contains("--config " + file.path.string() + " line 2: parallel: invalid value"));
    CHECK_THAT(usage_error(with(base_args(), {"--config", "/nonexistent/c.toml"})).message,
               Catch::Contains("--config '/nonexistent/c.toml'"));
}
