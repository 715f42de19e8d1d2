#include "pigment_export/app/output_paths.hpp"

#include <sys/stat.h>

#include <map>

#include "pigment_export/core/env.hpp"
#include "pigment_export/core/failure.hpp"
#include "pigment_export/core/local_output.hpp"

namespace pe {

namespace {

[[noreturn]] void usage(const std::string& message, const std::string& hint) {
    throw Failure(FailureInfo{Stage::usage, 0, {}, message, hint});
}

// Usage-stage form of core/local_output's refusal, so it is exit 2 before any request.
ExistingOutput inspect(const std::filesystem::path& path, std::string_view what) {
    try {
        return inspect_output(path, Stage::usage, what);
    } catch (const Failure& f) {
        if (f.info().service_code != "OutputNotRegular")
            return {};  // unreadable folders fail later, in the store stage
        throw;
    }
}

// An input is read through links, so it is compared by the file it reaches.
bool same_file(const std::filesystem::path& input, const ExistingOutput& output) {
    struct stat st {};
    return output.exists && ::stat(input.c_str(), &st) == 0 && st.st_dev == output.device && st.st_ino == output.inode;
}

std::string lexical_key(const std::filesystem::path& path) {
    std::error_code ec;
    auto full = std::filesystem::weakly_canonical(std::filesystem::absolute(path, ec), ec);
    return ec ? path.lexically_normal().string() : full.string();
}

// One storage object has one key, whichever endpoint (dfs, blob) names it.
std::string destination_key(const Destination& d) {
    if (d.kind == DestinationKind::local_file) return "file:" + lexical_key(d.local_path);
    if (d.kind == DestinationKind::standard_output) return "stdout";
    const auto& s = d.storage;
    std::string service_free_host = s.endpoint == StorageEndpoint::path_style ? s.host : s.endpoint_suffix;
    return "storage:" + service_free_host + "/" + s.account + "/" + s.container + "/" + s.path;
}

}  // namespace

void check_output_paths(const Config& config, const std::optional<std::string>& summary,
                        const std::vector<std::filesystem::path>& inputs) {
    std::vector<std::filesystem::path> read = inputs;
    read.insert(read.end(), config.read_files.begin(), config.read_files.end());
    if (!config.secret.api_key_file.empty()) read.push_back(config.secret.api_key_file);
    if (!config.network.ca_bundle.empty()) read.push_back(config.network.ca_bundle);

    struct Output {
        std::filesystem::path path;
        const char* what;
        ExistingOutput existing;
    };
    std::vector<Output> outputs;
    if (config.destination.kind == DestinationKind::local_file) {
        outputs.push_back({config.destination.local_path, "--dest", inspect(config.destination.local_path, "--dest")});
    }
    if (summary && *summary != "-" && !summary->empty()) {
        outputs.push_back({*summary, "--summary-json", inspect(*summary, "--summary-json")});
    }
    for (const auto& out : outputs) {
        for (const auto& in : read) {
            if (same_file(in, out.existing)) {
                usage(std::string(out.what) + " '" + out.path.string() + "' is also a file this run reads ('" +
                          in.string() + "')",
                      "write the output elsewhere: the run would overwrite its own input");
            }
        }
    }
    if (outputs.size() == 2) {
        const ExistingOutput& a = outputs[0].existing;
        const ExistingOutput& b = outputs[1].existing;
        bool same_inode = a.exists && b.exists && a.device == b.device && a.inode == b.inode;
        if (same_inode || lexical_key(outputs[0].path) == lexical_key(outputs[1].path)) {
            usage("--summary-json and --dest name the same file", "give the summary its own path");
        }
    }
}

void check_distinct_destinations(const std::vector<Config>& configs) {
    std::map<std::string, std::size_t> seen;
    for (std::size_t i = 0; i < configs.size(); ++i) {
        auto [it, fresh] = seen.emplace(destination_key(configs[i].destination), i);
        if (!fresh) {
            usage("manifest exports[" + std::to_string(it->second) + "] and exports[" + std::to_string(i) +
                      "] write the same destination " + configs[i].destination.display,
                  "give each export its own --dest (placeholders such as {block_id} help)");
        }
    }
}

std::vector<std::filesystem::path> environment_inputs(const EnvLookup& env) {
    std::vector<std::filesystem::path> out;
    if (auto token = env("AZURE_FEDERATED_TOKEN_FILE")) out.emplace_back(*token);
    return out;
}

}  // namespace pe
