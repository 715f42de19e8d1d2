#include "pigment_export/app/run.hpp"

#include <cstdio>
#include <optional>

#include "pigment_export/app/dry_run_plan.hpp"
#include "pigment_export/app/export_run.hpp"
#include "pigment_export/app/lazy_credential.hpp"
#include "pigment_export/app/manifest_run.hpp"
#include "pigment_export/app/preflight.hpp"
#include "pigment_export/app/run_summary.hpp"
#include "pigment_export/app/signals.hpp"
#include "pigment_export/cli/command_line.hpp"
#include "pigment_export/cli/manifest.hpp"
#include "pigment_export/core/log.hpp"

namespace pe {

namespace {

void print_usage_error(const Failure& f) {
    std::string line = "pigment-export: " + std::string(f.what()) + "\n";
    std::fputs(line.c_str(), stderr);
}

}  // namespace

int run_main(int argc, char** argv) {
    install_signal_handlers();
    std::vector<std::string> args(argv + 1, argv + argc);
    EnvLookup env = process_env();
    std::optional<Config> config;
    try {
        if (auto manifest = cli::find_manifest(args)) {
            return run_manifest(*manifest, env);
        }
        auto outcome = cli::parse_command_line(args, env, std::chrono::system_clock::now());
        if (!outcome.config) {
            std::fputs(outcome.output.c_str(), stdout);
            return 0;
        }
        config = std::move(outcome.config);
    } catch (const Failure& f) {
        print_usage_error(f);
        return exit_code(f.stage());
    }
    log::init(config->log);
    if (config->dry_run) {
        std::fputs(describe_plan(*config).c_str(), stdout);
        return 0;
    }

    LazyCredential credential(config->secret, config->network, env);
    if (config->preflight) {
        return run_preflight(*config, env, credential);
    }
    RunSummary summary = run_export(*config, env, credential);
    report_result(summary);
    if (config->summary_json) {
        write_summary(*config->summary_json, summary_json(summary));
    }
    spdlog::shutdown();
    return summary.exit_code;
}

}  // namespace pe
