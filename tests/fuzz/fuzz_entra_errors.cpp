// Entra token-endpoint errors: aadsts_code and entra_failure on arbitrary bodies.
// Input: STATUS(2 bytes) BODY. No exception is documented; the Failure is stage "secret",
// one line, and its service code is an AADSTS code, the body's "error" string, or empty.
#include <string>

#include "fuzz/fuzz_support.hpp"
#include "pigment_export/azure/entra_errors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    int status = 100 + (data[0] | (data[1] << 8)) % 500;
    std::string_view body(reinterpret_cast<const char*>(data) + 2, size - 2);
    try {
        std::string code = pe::azure::aadsts_code(body);
        fuzz::check(code.empty() || code.rfind("AADSTS", 0) == 0, "aadsts_code returned a non-AADSTS code", code);
        auto f = pe::azure::entra_failure(status, {}, body, "client secret", "login.microsoftonline.com");
        fuzz::check(f.stage() == pe::Stage::secret, "Entra failure is not stage secret", f.what());
        fuzz::check(f.info().http_status == status, "Entra failure lost the status");
        fuzz::check(!fuzz::has_line_break(f.what()), "Entra failure is not one line", f.what());
    } catch (const std::exception& e) {
        fuzz::fail("Entra error mapping threw", e.what());
    }
    return 0;
}
