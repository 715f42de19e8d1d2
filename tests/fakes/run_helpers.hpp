#pragma once
// Small assertions shared by the integration tests.
#include <string>
#include <string_view>
#include <vector>

#include "fakes/process_runner.hpp"
#include "pigment_export/http/client.hpp"

namespace testing {

// True when none of `secrets` occurs in stdout, stderr or any of `files`.
bool leaks_none(const RunResult& result, const std::vector<std::string>& secrets,
                const std::vector<std::string>& files = {});

// Entries of `dir` whose name marks a temporary file of ours (".NAME.pigment-tmp-XXXXXX").
std::vector<std::string> temporary_files(const std::string& dir);

// Number of lines in `text` (a trailing line without '\n' counts).
std::size_t line_count(const std::string& text);

// A response header's value, or "" when it is absent.
std::string header(const pe::http::Response& response, std::string_view name);

}  // namespace testing
