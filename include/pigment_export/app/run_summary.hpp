#pragma once
// The run summary: what happened, as one JSON object (written on failure too).
#include <cstdint>
#include <optional>
#include <string>

#include "pigment_export/core/compression.hpp"
#include "pigment_export/core/failure.hpp"

namespace pe {

struct RunSummary {
    bool ok = false;
    std::optional<Stage> failed_stage;
    int exit_code = 1;
    std::string block_type;
    std::string block_id;
    std::string destination;  // the final location, never with a SAS
    Codec compression = Codec::none;
    std::uint64_t csv_bytes = 0;     // as Pigment sent them: what the rows were counted in
    std::uint64_t stored_bytes = 0;  // at the destination: what the MD5 is of
    std::uint64_t rows = 0;
    std::string md5_base64;
    std::uint64_t reclaimed = 0;  // abandoned temporaries of earlier runs removed by this one
    bool unchanged = false;       // --if-changed: the destination already held the export; nothing written
    double duration_s = 0;
    std::optional<FailureInfo> error;
};

// This run replaced the destination: it succeeded (and the destination did not already hold the
// export, see --if-changed), or it failed only after the commit.
bool committed(const RunSummary& summary);

std::string summary_json(const RunSummary& summary);

// The one line printed at the end of a successful run.
std::string summary_line(const RunSummary& summary);

// Logs the run's one result line: the summary line, or the failure line.
void report_result(const RunSummary& summary);

// Writes `json` plus a newline to `path` atomically (core/local_output: never through a link
// or onto a FIFO), or to stdout for "-". Returns the run's exit code: `run_exit_code`, or 6
// (after-commit) when the summary cannot be written after an otherwise successful run (the
// failure is logged).
int publish_summary(const std::string& path, const std::string& json, int run_exit_code);

}  // namespace pe
