#include "pigment_export/app/run_summary.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>

#include "pigment_export/core/local_output.hpp"
#include "pigment_export/core/log.hpp"
#include "pigment_export/core/redactor.hpp"
#include "pigment_export/core/size_text.hpp"
#include "pigment_export/http/redact.hpp"

namespace pe {

bool committed(const RunSummary& s) {
    return (s.ok && !s.unchanged) || s.failed_stage == Stage::after_commit;
}

std::string summary_json(const RunSummary& s) {
    nlohmann::ordered_json j;
    j["status"] = s.ok ? "ok" : "failed";
    j["committed"] = committed(s);
    j["unchanged"] = s.unchanged;
    j["stage"] = s.failed_stage ? nlohmann::ordered_json(stage_name(*s.failed_stage)) : nlohmann::ordered_json(nullptr);
    j["exit_code"] = s.exit_code;
    j["block_type"] = s.block_type;
    j["block_id"] = s.block_id;
    j["destination"] = http::strip_query(s.destination);
    // "bytes" is what it always was, the stored object's size; the other two tell compression apart.
    j["bytes"] = s.stored_bytes;
    j["csv_bytes"] = s.csv_bytes;
    j["stored_bytes"] = s.stored_bytes;
    j["compression"] = codec_name(s.compression);
    j["rows"] = s.rows;
    j["md5"] = s.md5_base64.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(s.md5_base64);
    j["reclaimed"] = s.reclaimed;
    j["duration_s"] = static_cast<double>(static_cast<long long>(s.duration_s * 1000.0)) / 1000.0;
    if (s.error) {
        j["error"] = {
            {"http_status", s.error->http_status == 0 ? nlohmann::ordered_json(nullptr)
                                                      : nlohmann::ordered_json(s.error->http_status)},
            {"code", s.error->service_code},
            {"message", s.error->message},
            {"hint", s.error->hint},
            {"request_id", s.error->request_id.empty() ? nlohmann::ordered_json(nullptr)
                                                       : nlohmann::ordered_json(s.error->request_id)},
            {"time", s.error->time.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(s.error->time)}};
    } else {
        j["error"] = nullptr;
    }
    return redactor::scrub(j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
}

std::string summary_line(const RunSummary& s) {
    double mb_per_s = s.duration_s > 0 ? static_cast<double>(s.csv_bytes) / 1e6 / s.duration_s : 0.0;
    char rate[64];
    std::snprintf(rate, sizeof rate, "%.2f s, %.1f MB/s", s.duration_s, mb_per_s);
    std::string size = format_size(s.csv_bytes);
    if (s.compression != Codec::none) {
        size += " of CSV stored as " + format_size(s.stored_bytes) + " " + codec_name(s.compression);
    }
    return "exported " + s.block_type + " " + s.block_id + ": " + std::to_string(s.rows) + " rows, " + size + " (" +
           rate + ") -> " + http::strip_query(s.destination) +
           (s.unchanged ? " (unchanged: it already held these bytes, nothing was written)" : "");
}

void report_result(const RunSummary& summary) {
    if (summary.ok) {
        spdlog::info("{}", summary_line(summary));
    } else {
        spdlog::error("{}", format_failure_line(*summary.error));
    }
}

int publish_summary(const std::string& path, const std::string& json, int run_exit_code) {
    std::string text = json + "\n";
    try {
        if (path == "-") {
            if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fflush(stdout) != 0) {
                throw Failure(FailureInfo{Stage::store, 0, "LocalIoError", "cannot write the summary to stdout",
                                          "check what reads stdout"});
            }
        } else {
            write_output_atomically(path, text, Stage::store, "--summary-json");
        }
    } catch (const Failure& f) {
        // Whoever reads the summary would miss it: a run that was otherwise fine fails after the
        // commit (exit 6), and says that the export itself is in place.
        FailureInfo info = f.info();
        if (run_exit_code == 0) {
            info.stage = Stage::after_commit;
            info.message += "; the export itself was committed";
        }
        spdlog::error("{}", format_failure_line(info));
        return run_exit_code == 0 ? exit_code(info.stage) : run_exit_code;
    }
    return run_exit_code;
}

}  // namespace pe
