#include "pigment_export/cli/command_line.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <charconv>
#include <map>
#include <set>
#include <sstream>

#include "pigment_export/cli/compression_option.hpp"
#include "pigment_export/cli/config_file.hpp"
#include "pigment_export/cli/destination_parser.hpp"
#include "pigment_export/cli/placeholders.hpp"
#include "pigment_export/cli/validation.hpp"
#include "pigment_export/core/failure.hpp"
#include "pigment_export/core/input_file.hpp"
#include "pigment_export/core/json_limits.hpp"
#include "pigment_export/core/size_text.hpp"
#include "pigment_export/pigment/export_request.hpp"

namespace pe::cli {

namespace {

// Option values as typed, before validation. Strings so that "unset" and every
// error message stay under our control.
struct Raw {
    std::string block_type, block_id, pigment_url, pigment_api = "v1", field_delimiter, date_format, export_options;
    std::string key_vault_url, secret_name, secret_version, api_key_file, credential = "auto", client_id;
    std::string dest, storage_api = "auto", chunk_size = "4MiB", log_level = "info", log_format = "text";
    std::string progress = "auto", summary_json, ca_bundle, min_rows, expect_header, manifest, jobs, config;
    std::string compress, compress_level;
    bool overwrite = true, if_changed = false, dry_run = false;
    std::set<std::string> given;  // long names (no dashes) set by the command line or --config
    unsigned parallel = 4, max_retries = 5;
    unsigned connect_timeout = 10, stall_timeout = 60, timeout = 0;
};

[[noreturn]] void usage(const std::string& message, const std::string& hint = "see pigment-export --help") {
    throw Failure(FailureInfo{Stage::usage, 0, {}, message, hint});
}

template <typename Enum>
Enum pick(const std::string& option, const std::string& value, const std::map<std::string, Enum>& choices) {
    auto it = choices.find(value);
    if (it != choices.end()) return it->second;
    std::string allowed;
    for (const auto& [name, _] : choices) allowed += (allowed.empty() ? "" : ", ") + name;
    usage(option + " must be one of " + allowed);
}

// Only option-like words are echoed back: an unexpected value might be a secret typed
// where it does not belong (e.g. "--api-key <key>").
std::string describe_extras(const std::vector<std::string>& extras) {
    std::string out;
    for (const auto& word : extras) {
        bool option_like = word.size() <= 40 && word.rfind('-', 0) == 0;
        for (char c : word)
            option_like = option_like && (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_');
        out += (out.empty() ? "" : " ") + (option_like ? word : std::string("<value>"));
    }
    return out;
}

std::string read_options_json(const std::string& text) {
    if (text.empty()) return "{}";
    constexpr std::size_t kMaxOptions = 1u << 20;
    constexpr int kMaxDepth = 64;
    std::string json = text;
    if (text.front() == '@') {
        json = read_input_file(text.substr(1), InputFile{"--export-options", Stage::usage, kMaxOptions});
    }
    if (json.size() > kMaxOptions) usage("--export-options is larger than 1 MiB");
    if (json_nesting_exceeds(json, kMaxDepth)) usage("--export-options nests deeper than 64 levels");
    auto parsed = nlohmann::json::parse(json, nullptr, false);
    if (parsed.is_discarded()) usage("--export-options is not valid JSON");
    if (!parsed.is_object()) usage("--export-options must be a JSON object, e.g. '{\"friendlyHeaders\":true}'");
    return parsed.dump();
}

void define_options(CLI::App& app, Raw& raw) {
    app.add_option("--config", raw.config, "TOML file with the same keys as the long options (e.g. block-id = \"...\")")
        ->group("General");
    app.set_version_flag("--version", std::string("pigment-export ") + PIGMENT_EXPORT_VERSION);

    const char* exp = "Export (stage 2)";
    app.add_option("--block-type", raw.block_type, "view | list | metric | table   [env PIGMENT_BLOCK_TYPE]")
        ->group(exp);
    app.add_option("--block-id", raw.block_id, "the block's id (a UUID)   [env PIGMENT_BLOCK_ID]")->group(exp);
    app.add_option("--pigment-url", raw.pigment_url, "API base (default https://pigment.app)   [env PIGMENT_URL]")
        ->group(exp);
    app.add_option("--pigment-api", raw.pigment_api, "v1 (/api/v1/export/...) | legacy (/api/export/...)")->group(exp);
    app.add_option("--field-delimiter", raw.field_delimiter, "';' or ','")->group(exp);
    app.add_option("--date-format", raw.date_format, "legacy | iso8601")->group(exp);
    app.add_option("--export-options", raw.export_options, "JSON object or @FILE: body for list/metric/table exports")
        ->group(exp);

    const char* sec = "API key (stage 1)";
    app.add_option("--key-vault-url", raw.key_vault_url, "https://NAME.vault.azure.net   [env PIGMENT_KEY_VAULT_URL]")
        ->group(sec);
    app.add_option("--secret-name", raw.secret_name,
                   "Key Vault secret holding the Pigment key   [env PIGMENT_SECRET_NAME]")
        ->group(sec);
    app.add_option("--secret-version", raw.secret_version, "a specific secret version (default: latest)")->group(sec);
    app.add_option("--api-key-file", raw.api_key_file, "read the key from a file (or set PIGMENT_API_KEY)")->group(sec);
    app.add_option("--credential", raw.credential,
                   "auto | managed-identity | workload-identity | client-secret | azure-cli")
        ->group(sec);
    app.add_option("--client-id", raw.client_id, "user-assigned identity / app client id   [env AZURE_CLIENT_ID]")
        ->group(sec);

    const char* dst = "Destination (stage 3)";
    app.add_option("--dest", raw.dest,
                   "abfss://FS@ACCT.dfs.core.windows.net/PATH, https://..., a path, or -   [env PIGMENT_DEST]")
        ->group(dst);
    app.add_option("--storage-api", raw.storage_api, "auto | dfs | blob")->group(dst);
    app.add_flag("--overwrite,!--no-overwrite", raw.overwrite, "replace an existing destination (default) / refuse to")
        ->group(dst);
    app.add_flag("--if-changed,!--no-if-changed", raw.if_changed,
                 "leave the destination alone when it already holds exactly these bytes (length and MD5)")
        ->group(dst);
    app.add_option("--chunk-size", raw.chunk_size, "upload chunk size, e.g. 4MiB (bounds memory)")->group(dst);
    app.add_option("--parallel", raw.parallel, "concurrent upload requests (default 4)")->group(dst);
    app.add_option("--compress", raw.compress,
                   "gzip | zstd | none (default: from a --dest ending in .gz or .zst, else none)")
        ->group(dst);
    app.add_option("--compress-level", raw.compress_level, "gzip 0-3 (default 1), zstd 1-19 (default 1)")->group(dst);

    const char* guard = "Data guards";
    app.add_option("--min-rows", raw.min_rows, "refuse to replace the destination when the export has fewer data rows")
        ->group(guard);
    app.add_option("--expect-header", raw.expect_header,
                   "refuse an export whose header row differs, e.g. \"Region;Month;Value\"")
        ->group(guard);

    const char* net = "Network";
    app.add_option("--max-retries", raw.max_retries, "retries per request for transient failures (default 5)")
        ->group(net);
    app.add_option("--ca-bundle", raw.ca_bundle,
                   "PEM file of trusted CAs (default: SSL_CERT_FILE, CURL_CA_BUNDLE, system)")
        ->group(net);
    app.add_option("--connect-timeout", raw.connect_timeout, "seconds to establish a connection (default 10)")
        ->group(net);
    app.add_option("--stall-timeout", raw.stall_timeout, "abort a transfer idle for this many seconds (default 60)")
        ->group(net);
    app.add_option("--timeout", raw.timeout, "seconds for the whole run (default: none)")->group(net);

    const char* out = "Output";
    app.add_option("--log-level", raw.log_level, "trace | debug | info | warn | error | off (stderr)")->group(out);
    app.add_option("--log-format", raw.log_format, "text | json")->group(out);
    app.add_option("--progress", raw.progress, "auto | on | off (stderr)")->group(out);
    app.add_option("--summary-json", raw.summary_json, "write the run summary as JSON to PATH or - (stdout)")
        ->group(out);
    app.add_flag("--dry-run", raw.dry_run, "print the plan and exit without any network call")->group(out);

    // Parsed by cli/manifest before this table runs; listed here for --help.
    const char* many = "Several exports";
    app.add_option("--manifest", raw.manifest,
                   "JSON file: {\"defaults\":{...}, \"exports\":[{\"block-type\":...,\"block-id\":...,\"dest\":...}]}")
        ->group(many);
    app.add_option("--jobs", raw.jobs, "exports run at once with --manifest (default 1)")->group(many);
}

// CLI11's messages may echo a value ("Could not convert: --parallel = VALUE"), and a value
// typed in the wrong place may be a secret: keep the option name, drop the value.
std::string describe_parse_error(const CLI::ParseError& e) {
    std::string what = e.what();
    auto equals = what.find(" = ");
    if (equals != std::string::npos) return what.substr(0, equals) + ": invalid value";
    return what;
}

// "--overwrite/--no-overwrite": every name an option answers to.
std::string names_of(const CLI::Option& option) {
    std::string names;
    for (const auto& name : option.get_lnames()) names += (names.empty() ? "--" : "/--") + name;
    return names;
}

// "--name=" is what a script's unset variable makes (`--min-rows=$MIN`), and CLI11 would take the
// empty value for a stray argument; "--flag=value" it would read by rules of its own
// (`--no-overwrite=false`). Both are refused naming the option; only a known one is echoed back.
void check_assignments(const CLI::App& app, const std::vector<std::string>& args) {
    for (const auto& word : args) {
        std::size_t equals = word.find('=');
        if (word.rfind("--", 0) != 0 || equals == std::string::npos || equals < 3) continue;
        const CLI::Option* option = app.get_option_no_throw(word.substr(0, equals));
        if (option == nullptr) continue;
        if (option->get_items_expected_max() == 0) usage(names_of(*option) + " takes no value");
        if (equals + 1 == word.size()) usage(names_of(*option) + " needs a value");
    }
}

// Every option takes one value: a repeat would silently drop all values but one, and an empty
// value would read as "not given" further on.
void check_single_values(const CLI::App& app) {
    for (const CLI::Option* option : app.get_options()) {
        if (option->count() > 1) usage(names_of(*option) + " given twice");
        bool takes_value = option->get_items_expected_max() > 0;
        for (const auto& result : option->results()) {
            if (takes_value && result.empty()) usage(names_of(*option) + " needs a value");
        }
    }
}

// What a config file may set: every option but --help and --version, by its first long name.
OptionKinds config_keys(const CLI::App& app) {
    OptionKinds kinds;
    for (const CLI::Option* option : app.get_options()) {
        const auto& names = option->get_lnames();
        if (names.empty() || names.front() == "help" || names.front() == "version") continue;
        kinds.emplace(names.front(), option->get_items_expected_max() > 0 ? OptionKind::value : OptionKind::flag);
    }
    return kinds;
}

// The command line wins: a setting fills only an option the command line left out, through
// CLI11 so that it is converted exactly as the same value typed after --key.
void apply_config_file(CLI::App& app, const std::string& path) {
    for (const auto& setting : read_config_file(path, config_keys(app))) {
        CLI::Option* option = app.get_option("--" + setting.key);
        if (option->count() > 0) continue;
        try {
            option->add_result(setting.value)->run_callback();
        } catch (const CLI::ParseError&) {
            usage("--config " + path + " line " + std::to_string(setting.line) + ": " + setting.key +
                  ": invalid value");
        }
    }
}

std::set<std::string> given_options(const CLI::App& app) {
    std::set<std::string> given;
    for (const CLI::Option* option : app.get_options()) {
        if (option->count() > 0 && !option->get_lnames().empty()) given.insert(option->get_lnames().front());
    }
    return given;
}

void apply_env(CLI::App& app, Raw& raw, const EnvLookup& env) {
    const std::pair<const char*, std::string*> table[] = {{"PIGMENT_BLOCK_TYPE", &raw.block_type},
                                                          {"PIGMENT_BLOCK_ID", &raw.block_id},
                                                          {"PIGMENT_URL", &raw.pigment_url},
                                                          {"PIGMENT_KEY_VAULT_URL", &raw.key_vault_url},
                                                          {"PIGMENT_SECRET_NAME", &raw.secret_name},
                                                          {"AZURE_CLIENT_ID", &raw.client_id},
                                                          {"PIGMENT_DEST", &raw.dest}};
    const char* options[] = {"--block-type",  "--block-id",  "--pigment-url", "--key-vault-url",
                             "--secret-name", "--client-id", "--dest"};
    for (std::size_t i = 0; i < std::size(table); ++i) {
        if (app.count(options[i]) == 0 && table[i].second->empty()) {
            if (auto value = env(table[i].first)) *table[i].second = *value;
        }
    }
}

// Key Vault always needs the credential, a storage destination only without SAS or Shared Key.
bool uses_azure_credential(const Config& c, const EnvLookup& env) {
    return !c.secret.key_vault_url.empty() || storage_needs_token(c, env);
}

// An option the run would not use is refused, not dropped: whoever gave it believes it applies.
void refuse_unused_options(const Raw& raw, const Config& c, const EnvLookup& env) {
    if (c.export_.date_format && c.export_.block_type == BlockType::view && c.export_.api == PigmentApi::v1) {
        usage("--date-format does not apply to a view on the v1 API (its view endpoint has no dateFormat)",
              "use --pigment-api legacy for a view with --date-format");
    }
    if (!uses_azure_credential(c, env)) {
        for (const std::string option : {"credential", "client-id"}) {
            if (raw.given.contains(option)) {
                usage("--" + option + " is not used: no Key Vault, and no Azure Storage destination that needs a token",
                      "drop --" + option + ", or read the key from Key Vault");
            }
        }
    }
    if (raw.given.contains("client-id") && c.secret.credential == CredentialKind::azure_cli) {
        usage("--client-id does not apply to --credential azure-cli",
              "the Azure CLI uses its signed-in account; drop --client-id");
    }
    if (raw.given.contains("overwrite") && c.destination.kind == DestinationKind::standard_output) {
        usage("--overwrite/--no-overwrite do not apply to --dest - (stdout)", "drop it, or write to a file");
    }
    if (c.transfer.if_changed && c.destination.kind == DestinationKind::standard_output) {
        usage("--if-changed does not apply to --dest - (stdout): a pipe holds nothing to compare with",
              "drop it, or write to a file");
    }
    if (c.transfer.if_changed && !c.transfer.overwrite) {
        usage("--if-changed cannot apply with --no-overwrite: an existing destination is refused before the export",
              "keep one of them");
    }
}

ExportSettings export_settings(const Raw& raw) {
    ExportSettings e;
    if (raw.block_type.empty()) usage("--block-type is required (view, list, metric or table)");
    e.block_type = pick<BlockType>("--block-type", raw.block_type,
                                   {{"view", BlockType::view},
                                    {"list", BlockType::list},
                                    {"metric", BlockType::metric},
                                    {"table", BlockType::table}});
    if (raw.block_id.empty()) usage("--block-id is required");
    check_block_id(raw.block_id);
    e.block_id = raw.block_id;
    if (!raw.pigment_url.empty()) e.pigment_url = check_service_url("--pigment-url", raw.pigment_url);
    e.api =
        pick<PigmentApi>("--pigment-api", raw.pigment_api, {{"v1", PigmentApi::v1}, {"legacy", PigmentApi::legacy}});
    if (!raw.field_delimiter.empty()) {
        e.field_delimiter = pigment::delimiter_enum(raw.field_delimiter);
        if (!e.field_delimiter) usage("--field-delimiter must be ';' or ','");
    }
    if (!raw.date_format.empty()) {
        e.date_format = pigment::date_format_enum(raw.date_format);
        if (!e.date_format) usage("--date-format must be legacy or iso8601");
    }
    e.options_json = read_options_json(raw.export_options);
    if (e.block_type == BlockType::view && e.options_json != "{}") {
        usage("--export-options applies to list, metric and table exports; a view export takes no body",
              "export the view's underlying block to filter it, or drop --export-options");
    }
    return e;
}

SecretSettings secret_settings(const Raw& raw, const EnvLookup& env) {
    SecretSettings s;
    if (!raw.key_vault_url.empty()) {
        s.key_vault_url = check_service_url("--key-vault-url", raw.key_vault_url);
        if (raw.secret_name.empty()) usage("--key-vault-url needs --secret-name (or PIGMENT_SECRET_NAME)");
    }
    if (!raw.secret_name.empty()) {
        if (raw.key_vault_url.empty()) usage("--secret-name needs --key-vault-url (or PIGMENT_KEY_VAULT_URL)");
        check_secret_name(raw.secret_name);
        s.secret_name = raw.secret_name;
    }
    if (!raw.secret_version.empty()) {
        if (raw.key_vault_url.empty()) usage("--secret-version needs --key-vault-url");
        check_secret_version(raw.secret_version);
        s.secret_version = raw.secret_version;
    }
    if (!raw.api_key_file.empty()) {
        if (!s.key_vault_url.empty()) usage("give either --key-vault-url or --api-key-file, not both");
        s.api_key_file = raw.api_key_file;
    }
    s.api_key_from_env = env("PIGMENT_API_KEY").has_value();
    if (s.key_vault_url.empty() && s.api_key_file.empty() && !s.api_key_from_env) {
        usage("no Pigment API key source",
              "use --key-vault-url with --secret-name, --api-key-file PATH, or set PIGMENT_API_KEY");
    }
    s.credential = pick<CredentialKind>("--credential", raw.credential,
                                        {{"auto", CredentialKind::automatic},
                                         {"managed-identity", CredentialKind::managed_identity},
                                         {"workload-identity", CredentialKind::workload_identity},
                                         {"client-secret", CredentialKind::client_secret},
                                         {"azure-cli", CredentialKind::azure_cli}});
    s.client_id = raw.client_id;
    return s;
}

// Everything but the compression, which depends on the destination.
TransferSettings transfer_settings(const Raw& raw) {
    TransferSettings t;
    t.storage_api =
        pick<StorageApi>("--storage-api", raw.storage_api,
                         {{"auto", StorageApi::automatic}, {"dfs", StorageApi::dfs}, {"blob", StorageApi::blob}});
    t.overwrite = raw.overwrite;
    t.if_changed = raw.if_changed;
    try {
        auto size = parse_size(raw.chunk_size);
        if (size < (64u << 10) || size > (512u << 20)) usage("--chunk-size must be between 64KiB and 512MiB");
        t.chunk_size = static_cast<std::size_t>(size);
    } catch (const std::invalid_argument& e) {
        usage(std::string("--chunk-size: ") + e.what());
    }
    if (raw.parallel < 1 || raw.parallel > 64) usage("--parallel must be between 1 and 64");
    t.parallel = raw.parallel;
    if (raw.max_retries > 20) usage("--max-retries must be between 0 and 20");
    t.max_retries = raw.max_retries;
    return t;
}

NetworkSettings network_settings(const Raw& raw) {
    NetworkSettings n;
    n.ca_bundle = raw.ca_bundle;
    if (!raw.ca_bundle.empty() && !std::filesystem::is_regular_file(raw.ca_bundle)) {
        usage("--ca-bundle '" + raw.ca_bundle + "' is not a readable file");
    }
    if (raw.connect_timeout < 1 || raw.stall_timeout < 1)
        usage("--connect-timeout and --stall-timeout must be at least 1 second");
    n.connect_timeout = std::chrono::seconds(raw.connect_timeout);
    n.stall_timeout = std::chrono::seconds(raw.stall_timeout);
    if (raw.timeout > 0) n.total_timeout = std::chrono::seconds(raw.timeout);
    return n;
}

DataGuards data_guards(const Raw& raw) {
    DataGuards g;
    if (!raw.min_rows.empty()) {
        std::uint64_t rows = 0;
        auto [end, ec] = std::from_chars(raw.min_rows.data(), raw.min_rows.data() + raw.min_rows.size(), rows);
        if (ec != std::errc() || end != raw.min_rows.data() + raw.min_rows.size())
            usage("--min-rows must be a number of rows");
        g.min_rows = rows;
    }
    if (!raw.expect_header.empty()) {
        if (raw.expect_header.find_first_of("\r\n") != std::string::npos)
            usage("--expect-header is one line, without its line end");
        g.expect_header = raw.expect_header;
    }
    return g;
}

// Each part in the order its errors are reported: the first problem on the command line wins.
Config build_config(Raw& raw, const EnvLookup& env, std::chrono::system_clock::time_point now) {
    Config c;
    c.export_ = export_settings(raw);
    c.secret = secret_settings(raw, env);
    c.transfer = transfer_settings(raw);
    c.network = network_settings(raw);
    c.log.level = pick<LogLevel>("--log-level", raw.log_level,
                                 {{"trace", LogLevel::trace},
                                  {"debug", LogLevel::debug},
                                  {"info", LogLevel::info},
                                  {"warn", LogLevel::warn},
                                  {"error", LogLevel::error},
                                  {"off", LogLevel::off}});
    c.log.format =
        pick<LogFormat>("--log-format", raw.log_format, {{"text", LogFormat::text}, {"json", LogFormat::json}});
    c.progress =
        pick<ProgressMode>("--progress", raw.progress,
                           {{"auto", ProgressMode::automatic}, {"on", ProgressMode::on}, {"off", ProgressMode::off}});
    if (!raw.summary_json.empty()) c.summary_json = raw.summary_json;
    c.dry_run = raw.dry_run;

    c.guards = data_guards(raw);
    if (raw.dest.empty()) usage("--dest is required (a path, abfss://..., https://... or - for stdout)");
    try {
        std::string expanded = expand_placeholders(raw.dest, {raw.block_type, raw.block_id, now});
        c.destination = parse_destination(expanded);
    } catch (const std::invalid_argument& e) {
        usage(e.what());
    }
    if (c.destination.kind == DestinationKind::standard_output && c.summary_json == "-") {
        usage("--dest - and --summary-json - both want stdout", "write the summary to a file");
    }
    c.transfer.compression = choose_compression(raw.compress, raw.compress_level, c.destination);
    if (c.destination.kind != DestinationKind::storage && c.transfer.storage_api != StorageApi::automatic) {
        usage("--storage-api applies to Azure Storage destinations only");
    }
    refuse_unused_options(raw, c, env);
    return c;
}

}  // namespace

ParseOutcome parse_command_line(const std::vector<std::string>& args, const EnvLookup& env,
                                std::chrono::system_clock::time_point now) {
    CLI::App app{"Export one Pigment block as CSV into ADLS Gen2, Blob Storage, a file or stdout.", "pigment-export"};
    app.get_formatter()->column_width(34);
    app.footer(
        "Examples:\n"
        "  PIGMENT_API_KEY=... pigment-export --block-type metric --block-id 3f2a... --dest "
        "./out/{block_id}-{date}.csv\n"
        "  pigment-export --block-type table --block-id 3f2a... --key-vault-url https://kv.vault.azure.net \\\n"
        "      --secret-name pigment-export-key --dest abfss://raw@acct.dfs.core.windows.net/pigment/{block_id}.csv\n"
        "  pigment-export --block-type list --block-id 3f2a... --api-key-file key.txt \\\n"
        "      --dest https://acct.blob.core.windows.net/exports/{date}/list.csv\n"
        "  pigment-export check --block-type metric --block-id 3f2a... --key-vault-url ... --dest ...\n"
        "      (preflight: tests the credential, the secret, the Pigment key and the destination; moves no data)\n"
        "Placeholders in --dest: {block_type} {block_id} {date} {time} {timestamp} (UTC).\n"
        "Exit codes: 0 ok, 1 internal error, 2 usage, 3 secret stage, 4 export stage, 5 store stage,\n"
        "            6 after the commit (the destination holds the new export), 128+signal interrupted.\n"
        "The API key is read from Key Vault, --api-key-file or PIGMENT_API_KEY, never from the command line.");
    // A repeat is refused by check_single_values, with its own message: CLI11 must not throw first.
    app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    Raw raw;
    define_options(app, raw);
    // `pigment-export check ...` takes the same options and runs the preflight instead.
    bool preflight = !args.empty() && args.front() == "check";
    std::vector<std::string> reversed(args.rbegin(),
                                      args.rend() - (preflight ? 1 : 0));  // CLI11 consumes from the back
    check_assignments(app, reversed);
    try {
        app.parse(reversed);
    } catch (const CLI::CallForHelp&) {
        return {std::nullopt, app.help()};
    } catch (const CLI::CallForVersion& e) {
        return {std::nullopt, std::string(e.what()) + "\n"};
    } catch (const CLI::ExtrasError&) {
        usage("unexpected arguments: " + describe_extras(app.remaining()));
    } catch (const CLI::ParseError& e) {
        usage(describe_parse_error(e));
    }
    check_single_values(app);
    if (!raw.config.empty()) apply_config_file(app, raw.config);
    apply_env(app, raw, env);
    raw.given = given_options(app);
    try {
        Config config = build_config(raw, env, now);
        config.preflight = preflight;
        if (!raw.config.empty()) config.read_files.emplace_back(raw.config);
        if (raw.export_options.rfind('@', 0) == 0) config.read_files.emplace_back(raw.export_options.substr(1));
        return {std::move(config), {}};
    } catch (const std::invalid_argument& e) {
        usage(e.what());
    }
}

}  // namespace pe::cli
