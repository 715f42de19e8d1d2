#include "pigment_export/cli/manifest.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <set>

#include "pigment_export/core/failure.hpp"
#include "pigment_export/core/json_limits.hpp"

namespace pe::cli {

namespace {

constexpr int kMaxDepth = 64;

[[noreturn]] void usage(const std::string& message) {
    throw Failure(FailureInfo{Stage::usage, 0, {}, message, "see the --manifest format in pigment-export --help"});
}

// Options that belong to the whole manifest run, not to one export.
bool is_run_level(const std::string& key) {
    return key == "manifest" || key == "jobs" || key == "summary-json" || key == "config";
}

// One option and the words that set it, e.g. {"dest", {"--dest", "x.csv"}}. The key is empty
// for a word that is no option (e.g. `check`); it is kept as it is.
struct Setting {
    std::string key;
    std::vector<std::string> words;
};
using Layer = std::vector<Setting>;

// "--no-overwrite" sets the same option as "--overwrite" (and so for every negatable flag).
std::string option_key(const std::string& name) {
    if (name == "no-overwrite") return "overwrite";
    if (name == "no-if-changed") return "if-changed";
    return name;
}

Layer json_layer(const nlohmann::json& object, const std::string& where) {
    if (!object.is_object()) usage("manifest: " + where + " must be an object of option names to values");
    Layer layer;
    for (const auto& [key, value] : object.items()) {
        if (is_run_level(key))
            usage("manifest: '" + key + "' in " + where + " applies to the whole run; give it on the command line");
        if (key == "api-key")
            usage("manifest: the API key never goes into a file like this; use Key Vault or --api-key-file");
        Setting setting{option_key(key), {}};
        if (value.is_boolean()) {
            setting.words = {(value.get<bool>() ? "--" : "--no-") + key};
        } else if (value.is_string()) {
            setting.words = {"--" + key, value.get<std::string>()};
        } else if (value.is_number_unsigned() || value.is_number_integer() ||
                   (value.is_object() && key == "export-options")) {
            setting.words = {"--" + key, value.dump()};
        } else {
            usage("manifest: " + where + "." + key + " must be a string, a number or a boolean");
        }
        layer.push_back(std::move(setting));
    }
    return layer;
}

// The command line shared by every entry, split into its options. A flag takes no value; any
// other option takes the next word unless it is an option itself (as CLI11 reads it).
Layer command_line_layer(const std::vector<std::string>& args) {
    static const std::set<std::string, std::less<>> kFlags = {
        "overwrite", "no-overwrite", "if-changed", "no-if-changed", "dry-run", "help", "version"};
    Layer layer;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& word = args[i];
        if (word.size() <= 2 || word.rfind("--", 0) != 0) {
            layer.push_back({"", {word}});
            continue;
        }
        auto equals = word.find('=');
        std::string name = word.substr(2, equals == std::string::npos ? std::string::npos : equals - 2);
        Setting setting{option_key(name), {word}};
        bool takes_next = equals == std::string::npos && !kFlags.contains(name) && i + 1 < args.size() &&
                          args[i + 1].rfind("--", 0) != 0;
        if (takes_next) setting.words.push_back(args[++i]);
        // An entry overriding the option would otherwise hide the repeat.
        for (const auto& earlier : layer) {
            if (earlier.key == setting.key) usage("--" + name + " given twice");
        }
        layer.push_back(std::move(setting));
    }
    return layer;
}

// Later layers win by key, so each option reaches parse_command_line once.
void overlay(Layer& merged, const Layer& layer) {
    std::erase_if(merged, [&](const Setting& s) {
        return !s.key.empty() &&
               std::any_of(layer.begin(), layer.end(), [&](const Setting& l) { return l.key == s.key; });
    });
    merged.insert(merged.end(), layer.begin(), layer.end());
}

// Words that are no option first: `check` is only recognised in front.
std::vector<std::string> words_of(const Layer& layer) {
    std::vector<std::string> words;
    for (bool keyed : {false, true}) {
        for (const auto& setting : layer) {
            if (setting.key.empty() != keyed) words.insert(words.end(), setting.words.begin(), setting.words.end());
        }
    }
    return words;
}

}  // namespace

std::optional<ManifestRequest> find_manifest(const std::vector<std::string>& args) {
    ManifestRequest request;
    bool found = false;
    std::optional<std::string> jobs;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value_of = [&](const std::string& name) -> std::optional<std::string> {
            if (a == name) {
                if (i + 1 >= args.size()) usage(name + " needs a value");
                return args[++i];
            }
            if (a == name + "=") usage(name + " needs a value");  // `--jobs=$JOBS` with JOBS unset
            if (a.rfind(name + "=", 0) == 0) return a.substr(name.size() + 1);
            return std::nullopt;
        };
        if (auto v = value_of("--manifest")) {
            request.path = *v;
            found = true;
        } else if (auto j = value_of("--jobs")) {
            jobs = *j;
        } else if (auto s = value_of("--summary-json")) {
            request.summary_json = *s;
        } else {
            request.shared_args.push_back(a);
        }
    }
    if (!found) {
        if (jobs) usage("--jobs applies to --manifest runs only");
        return std::nullopt;
    }
    if (jobs) {
        unsigned n = 0;
        auto [end, ec] = std::from_chars(jobs->data(), jobs->data() + jobs->size(), n);
        if (ec != std::errc() || end != jobs->data() + jobs->size() || n < 1 || n > 32)
            usage("--jobs must be between 1 and 32");
        request.jobs = n;
    }
    return request;
}

std::vector<std::vector<std::string>> manifest_runs(const std::string& json_text,
                                                    const std::vector<std::string>& shared_args) {
    // nlohmann recurses once per level: a deep document must be an error, not a stack overflow.
    if (json_text.size() > kMaxManifestBytes) usage("manifest: larger than 4 MiB");
    if (json_nesting_exceeds(json_text, kMaxDepth)) usage("manifest: nests deeper than 64 levels");
    auto manifest = nlohmann::json::parse(json_text, nullptr, false);
    if (manifest.is_discarded() || !manifest.is_object()) usage("manifest: not a JSON object");
    for (const auto& [key, _] : manifest.items()) {
        if (key != "defaults" && key != "exports")
            usage("manifest: unknown key '" + key + "' (expected defaults, exports)");
    }
    if (!manifest.contains("exports") || !manifest["exports"].is_array() || manifest["exports"].empty()) {
        usage("manifest: 'exports' must be a non-empty array");
    }
    if (manifest["exports"].size() > 1000) usage("manifest: more than 1000 exports");
    Layer defaults;
    if (manifest.contains("defaults")) defaults = json_layer(manifest["defaults"], "defaults");
    overlay(defaults, command_line_layer(shared_args));
    std::vector<std::vector<std::string>> runs;
    std::size_t n = 0;
    for (const auto& entry : manifest["exports"]) {
        Layer run = defaults;
        overlay(run, json_layer(entry, "exports[" + std::to_string(n++) + "]"));
        runs.push_back(words_of(run));
    }
    return runs;
}

}  // namespace pe::cli
