#include "pigment_export/app/run.hpp"

#include <cstdio>
#include <optional>

#include "pigment_export/app/core_dumps.hpp"
#include "pigment_export/app/dry_run_plan.hpp"
#include "pigment_export/app/export_run.hpp"
#include "pigment_export/app/lazy_credential.hpp"
#include "pigment_export/app/manifest_run.hpp"
#include "pigment_export/app/output_paths.hpp"
#include "pigment_export/app/preflight.hpp"
#include "pigment_export/app/run_summary.hpp"
#include "pigment_export/app/signals.hpp"
#include "pigment_export/app/standard_streams.hpp"
#include "pigment_export/cli/command_line.hpp"
#include "pigment_export/cli/manifest.hpp"
#include "pigment_export/core/log.hpp"

namespace pe {

namespace {

void print_failure(const Failure& f) {
    std::string line = "pigment-export: " + std::string(f.what()) + "\n";
    std::fputs(line.c_str(), stderr);
}

int run(const std::vector<std::string>& args, const EnvLookup& env) {
    if (auto manifest = cli::find_manifest(args)) {
        return run_manifest(*manifest, env);
    }
    auto outcome = cli::parse_command_line(args, env, std::chrono::system_clock::now());
    if (!outcome.config) {
        std::fputs(outcome.output.c_str(), stdout);
        return 0;
    }
    const Config& config = *outcome.config;
    refuse_unusable_stdout(config);
    check_output_paths(config, config.summary_json, environment_inputs(env));
    log::init(config.log);
    if (config.dry_run) {
        std::fputs(describe_plan(config).c_str(), stdout);
        return 0;
    }

    LazyCredential credential(config.secret, config.network, env);
    if (config.preflight) {
        return run_preflight(config, env, credential);
    }
    RunSummary summary = run_export(config, env, credential);
    report_result(summary);
    if (config.summary_json) {
        return publish_summary(*config.summary_json, summary_json(summary), summary.exit_code);
    }
    return summary.exit_code;
}

}  // namespace

int run_main(int argc, char** argv) {
    // Before anything opens a file or socket (see standard_streams.hpp).
    reopen_closed_standard_streams();
    forbid_core_dumps();
    install_signal_handlers();
    int code = 0;
    // The one top: whatever a run throws ends here as one error line and the exit code of its stage.
    try {
        code = run(std::vector<std::string>(argv + 1, argv + argc), process_env());
    } catch (const Failure& f) {
        print_failure(f);
        code = exit_code(f.stage());
    } catch (const std::exception& e) {
        Failure internal(FailureInfo{Stage::internal, 0, "InternalError", e.what(), "please report this as a bug"});
        print_failure(internal);
        code = exit_code(internal.stage());
    } catch (...) {
        Failure internal(
            FailureInfo{Stage::internal, 0, "InternalError", "an unknown exception", "please report this as a bug"});
        print_failure(internal);
        code = exit_code(internal.stage());
    }
    spdlog::shutdown();
    return code;
}

}  // namespace pe
