#include "pigment_export/cli/manifest.hpp"

#include <nlohmann/json.hpp>

#include <charconv>

#include "pigment_export/core/failure.hpp"

namespace pe::cli {

namespace {

[[noreturn]] void usage(const std::string& message) {
    throw Failure(FailureInfo{Stage::usage, 0, {}, message, "see the --manifest format in pigment-export --help"});
}

// Options that belong to the whole manifest run, not to one export.
bool is_run_level(const std::string& key) {
    return key == "manifest" || key == "jobs" || key == "summary-json" || key == "config";
}

void append_options(const nlohmann::json& object, const std::string& where, std::vector<std::string>& args) {
    if (!object.is_object()) usage("manifest: " + where + " must be an object of option names to values");
    for (const auto& [key, value] : object.items()) {
        if (is_run_level(key)) usage("manifest: '" + key + "' in " + where + " applies to the whole run; give it on the command line");
        if (key == "api-key") usage("manifest: the API key never goes into a file like this; use Key Vault or --api-key-file");
        if (value.is_boolean()) {
            args.push_back((value.get<bool>() ? "--" : "--no-") + key);
        } else if (value.is_string()) {
            args.insert(args.end(), {"--" + key, value.get<std::string>()});
        } else if (value.is_number_unsigned() || value.is_number_integer()) {
            args.insert(args.end(), {"--" + key, value.dump()});
        } else if (value.is_object() && key == "export-options") {
            args.insert(args.end(), {"--" + key, value.dump()});
        } else {
            usage("manifest: " + where + "." + key + " must be a string, a number or a boolean");
        }
    }
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
        if (ec != std::errc() || end != jobs->data() + jobs->size() || n < 1 || n > 32) usage("--jobs must be between 1 and 32");
        request.jobs = n;
    }
    return request;
}

std::vector<std::vector<std::string>> manifest_runs(const std::string& json_text, const std::vector<std::string>& shared_args) {
    auto manifest = nlohmann::json::parse(json_text, nullptr, false);
    if (manifest.is_discarded() || !manifest.is_object()) usage("manifest: not a JSON object");
    for (const auto& [key, _] : manifest.items()) {
        if (key != "defaults" && key != "exports") usage("manifest: unknown key '" + key + "' (expected defaults, exports)");
    }
    if (!manifest.contains("exports") || !manifest["exports"].is_array() || manifest["exports"].empty()) {
        usage("manifest: 'exports' must be a non-empty array");
    }
    if (manifest["exports"].size() > 1000) usage("manifest: more than 1000 exports");
    std::vector<std::string> defaults;
    if (manifest.contains("defaults")) append_options(manifest["defaults"], "defaults", defaults);
    std::vector<std::vector<std::string>> runs;
    std::size_t n = 0;
    for (const auto& entry : manifest["exports"]) {
        std::vector<std::string> args = defaults;
        args.insert(args.end(), shared_args.begin(), shared_args.end());
        append_options(entry, "exports[" + std::to_string(n++) + "]", args);
        runs.push_back(std::move(args));
    }
    return runs;
}

}  // namespace pe::cli
