// Pigment error mapping: map_export_error, check_csv_response, body_excerpt.
// Input: STATUS(2 bytes) TYPE(1) CONTENT-TYPE \0 BODY. No exception is documented; the
// excerpt is short and free of control characters; failures are stage "export".
#include <string>

#include "fuzz/fuzz_support.hpp"
#include "pigment_export/core/config.hpp"
#include "pigment_export/pigment/export_errors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 3) return 0;
    int status = 100 + (data[0] | (data[1] << 8)) % 500;
    auto type = static_cast<pe::BlockType>(data[2] % 4);
    std::string_view rest(reinterpret_cast<const char*>(data) + 3, size - 3);
    auto nul = rest.find('\0');
    std::string_view content_type = rest.substr(0, nul);
    std::string_view body = nul == std::string_view::npos ? rest : rest.substr(nul + 1);
    try {
        std::string excerpt = pe::pigment::body_excerpt(body);
        for (char c : excerpt) {
            auto u = static_cast<unsigned char>(c);
            fuzz::check(u >= 0x20 && u != 0x7F, "body excerpt has a control character", excerpt);
        }
        // A JSON "detail"/"message" is taken whole; a raw body is cut at 200 bytes.
        if (excerpt != "an HTML page" && body.size() > 0)
            fuzz::check(excerpt.size() <= body.size() + 3, "excerpt grew");
        auto info = pe::pigment::map_export_error(status, body, type, "3d0f7a1e-8b2c-4e5d-9f6a-7b8c9d0e1f2a");
        fuzz::check(info.stage == pe::Stage::export_ && info.http_status == status,
                    "export error lost stage or status");
        pe::Failure f(info);
        fuzz::check(!fuzz::has_line_break(f.what()), "export failure is not one line", f.what());
        auto csv = pe::pigment::check_csv_response(content_type, body);
        if (csv) fuzz::check(csv->stage == pe::Stage::export_, "check_csv_response failure is not stage export");
    } catch (const std::exception& e) {
        fuzz::fail("export error mapping threw", e.what());
    }
    return 0;
}
