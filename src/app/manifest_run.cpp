#include "pigment_export/app/manifest_run.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdio>
#include <thread>

#include "pigment_export/app/dry_run_plan.hpp"
#include "pigment_export/app/export_run.hpp"
#include "pigment_export/app/lazy_credential.hpp"
#include "pigment_export/app/output_paths.hpp"
#include "pigment_export/app/standard_streams.hpp"
#include "pigment_export/cli/command_line.hpp"
#include "pigment_export/core/failure.hpp"
#include "pigment_export/core/input_file.hpp"
#include "pigment_export/core/log.hpp"

namespace pe {

namespace {

[[noreturn]] void usage(const std::string& message, const std::string& hint = "see pigment-export --help") {
    throw Failure(FailureInfo{Stage::usage, 0, {}, message, hint});
}

std::vector<Config> load_configs(const cli::ManifestRequest& request, const EnvLookup& env) {
    auto runs =
        cli::manifest_runs(read_input_file(request.path, InputFile{"--manifest", Stage::usage, cli::kMaxManifestBytes}),
                           request.shared_args);
    auto now = std::chrono::system_clock::now();
    std::vector<Config> configs;
    for (std::size_t i = 0; i < runs.size(); ++i) {
        try {
            auto outcome = cli::parse_command_line(runs[i], env, now);
            if (!outcome.config)
                usage("manifest exports[" + std::to_string(i) + "]: --help/--version have no place in a manifest");
            configs.push_back(std::move(*outcome.config));
        } catch (const Failure& f) {
            FailureInfo info = f.info();
            info.message = "manifest exports[" + std::to_string(i) + "]: " + info.message;
            throw Failure(info);
        }
        const Config& c = configs.back();
        const Config& first = configs.front();
        if (c.secret.credential != first.secret.credential || c.secret.client_id != first.secret.client_id) {
            usage("manifest exports[" + std::to_string(i) + "]: every export shares one Azure credential",
                  "set --credential and --client-id in defaults or on the command line");
        }
        if (c.preflight) usage("`check` does not combine with --manifest");
        if (c.summary_json)
            usage("manifest exports[" + std::to_string(i) +
                  "]: give --summary-json on the command line, for the whole run");
        if (c.destination.kind == DestinationKind::standard_output && runs.size() > 1) {
            usage("manifest exports[" + std::to_string(i) + "]: several exports cannot share stdout");
        }
    }
    auto inputs = environment_inputs(env);
    inputs.emplace_back(request.path);
    for (const auto& c : configs) check_output_paths(c, request.summary_json, inputs);
    check_distinct_destinations(configs);
    return configs;
}

std::string aggregate_json(const std::vector<RunSummary>& summaries, int exit_code_value, double seconds) {
    nlohmann::ordered_json exports = nlohmann::ordered_json::array();
    std::uint64_t csv_bytes = 0, stored_bytes = 0, rows = 0;
    std::size_t failed = 0;
    for (const auto& s : summaries) {
        exports.push_back(nlohmann::ordered_json::parse(summary_json(s)));
        csv_bytes += s.csv_bytes;
        stored_bytes += s.stored_bytes;
        rows += s.rows;
        failed += s.ok ? 0 : 1;
    }
    nlohmann::ordered_json total = {
        {"status", failed == 0 ? "ok" : "failed"},
        {"exit_code", exit_code_value},
        {"exports", summaries.size()},
        {"failed", failed},
        {"bytes", stored_bytes},
        {"csv_bytes", csv_bytes},
        {"stored_bytes", stored_bytes},
        {"rows", rows},
        {"duration_s", static_cast<double>(static_cast<long long>(seconds * 1000.0)) / 1000.0}};
    return nlohmann::ordered_json{{"exports", exports}, {"total", total}}.dump();
}

}  // namespace

int run_manifest(const cli::ManifestRequest& request, const EnvLookup& env) {
    std::vector<Config> configs = load_configs(request, env);
    for (const auto& c : configs) refuse_unusable_stdout(c);
    log::init(configs.front().log);
    if (configs.front().dry_run) {
        for (const auto& c : configs) std::fputs(describe_plan(c).c_str(), stdout);
        return 0;
    }
    if (request.jobs > 1) {
        // Several progress lines cannot share one terminal line.
        for (auto& c : configs) c.progress = ProgressMode::off;
    }

    auto started = std::chrono::steady_clock::now();
    LazyCredential credential(configs.front().secret, configs.front().network, env);
    std::vector<RunSummary> summaries(configs.size());
    std::atomic<std::size_t> next{0};
    auto worker = [&] {
        for (std::size_t i = next++; i < configs.size(); i = next++) {
            summaries[i] = run_export(configs[i], env, credential);
            report_result(summaries[i]);
        }
    };
    std::vector<std::thread> threads;
    for (unsigned t = 1; t < std::min<std::size_t>(request.jobs, configs.size()); ++t) threads.emplace_back(worker);
    worker();
    for (auto& t : threads) t.join();

    int code = 0;
    std::size_t failed = 0;
    for (const auto& s : summaries) {
        if (!s.ok) {
            ++failed;
            if (code == 0) code = s.exit_code;
        }
    }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (failed == 0) {
        spdlog::info("manifest: all {} exports succeeded", summaries.size());
    } else {
        spdlog::error("manifest: {} of {} exports failed; exit code {} is the first failure's", failed,
                      summaries.size(), code);
    }
    if (request.summary_json)
        return publish_summary(*request.summary_json, aggregate_json(summaries, code, seconds), code);
    return code;
}

}  // namespace pe
