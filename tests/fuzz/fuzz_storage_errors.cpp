// Storage error mapping: parse_service_error (x-ms-error-code, DFS JSON, Blob XML) and
// storage_failure. Input: STATUS(2 bytes) FLAGS(1) X-MS-ERROR-CODE \0 BODY. No exception is
// documented; the Failure is stage "store", one line, and its message is bounded.
#include <string>

#include "fuzz/fuzz_support.hpp"
#include "pigment_export/storage/storage_errors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 3) return 0;
    int status = 100 + (data[0] | (data[1] << 8)) % 500;
    bool with_header = data[2] & 1u;
    auto api = (data[2] & 2u) ? pe::storage::Api::dfs : pe::storage::Api::blob;
    std::string_view rest(reinterpret_cast<const char*>(data) + 3, size - 3);
    auto nul = rest.find('\0');
    std::string_view code_header = rest.substr(0, nul);
    std::string_view body = nul == std::string_view::npos ? rest : rest.substr(nul + 1);
    try {
        pe::http::Response response;
        response.status = status;
        if (with_header) response.headers.push_back({"x-ms-error-code", std::string(code_header)});
        response.body = std::string(body);
        auto error = pe::storage::parse_service_error(status, response.headers, response.body);
        fuzz::check(error.message.size() <= 303, "service message not bounded", error.message);
        fuzz::check(!fuzz::has_line_break(error.message), "service message is not one line", error.message);
        pe::storage::ErrorContext context{"append to the temporary file",
                                          "https://acct.dfs.core.windows.net/fs/a.csv",
                                          api,
                                          "fs",
                                          "the account key",
                                          5};
        auto f = pe::storage::storage_failure(context, response);
        fuzz::check(f.stage() == pe::Stage::store, "storage failure is not stage store", f.what());
        fuzz::check(f.info().http_status == status, "storage failure lost the status");
        fuzz::check(!fuzz::has_line_break(f.what()), "storage failure is not one line", f.what());
    } catch (const std::exception& e) {
        fuzz::fail("storage error mapping threw", e.what());
    }
    return 0;
}
