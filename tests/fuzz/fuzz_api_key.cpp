// The key and credential files (--api-key-file, the Arc key, the federated token) and Key Vault's
// value all end in pigment::checked_api_key / core/credential_text. Invariants: what is accepted
// is visible ASCII only, at most 4 KiB, and equals the input minus at most one trailing line end;
// a refusal is a one-line secret-stage Failure. (That it never quotes the value is a unit test: a
// fuzzed "key" such as "the" occurs in any English message.)
#include <cstdint>
#include <string>

#include "fuzz/fuzz_support.hpp"
#include "pigment_export/core/credential_text.hpp"
#include "pigment_export/core/failure.hpp"
#include "pigment_export/core/redactor.hpp"
#include "pigment_export/pigment/api_key.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string input(reinterpret_cast<const char*>(data), size);
    std::string expected = input;
    pe::strip_one_line_break(expected);
    bool acceptable = !pe::credential_text_problem(expected, 4096);
    try {
        pe::Secret key = pe::pigment::checked_api_key(input, pe::pigment::ApiKeyOrigin::file, "the fuzz input");
        fuzz::check(acceptable, "a key the credential rule refuses was accepted", input);
        fuzz::check(key.reveal() == expected, "the accepted key is not the input minus one line end", input);
        for (char c : key.reveal()) {
            auto u = static_cast<unsigned char>(c);
            fuzz::check(u > 0x20 && u < 0x7F, "an accepted key holds a byte unfit for a header", input);
        }
    } catch (const pe::Failure& f) {
        fuzz::check(!acceptable, "a key the credential rule accepts was refused", input);
        fuzz::check(f.stage() == pe::Stage::secret, "a refusal outside the secret stage", f.what());
        std::string_view what = f.what();
        fuzz::check(!fuzz::has_line_break(what), "the refusal is not one line", what);
    }
    pe::redactor::clear_for_tests();
    return 0;
}
