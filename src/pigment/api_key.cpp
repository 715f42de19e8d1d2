#include "pigment_export/pigment/api_key.hpp"

#include "pigment_export/core/credential_text.hpp"
#include "pigment_export/core/failure.hpp"

namespace pe::pigment {

namespace {

// Pigment's keys are short tokens; 4 KiB leaves room for any format change and refuses a
// wrong file or secret long before libcurl would fail on the header.
constexpr std::size_t kMaxApiKey = 4u << 10;

const char* fix_hint(ApiKeyOrigin origin) {
    switch (origin) {
        case ApiKeyOrigin::environment:
            return "set PIGMENT_API_KEY to the key alone: no quotes, spaces or line breaks";
        case ApiKeyOrigin::file:
            return "the file must hold only the Pigment API key, optionally followed by one line break";
        case ApiKeyOrigin::key_vault:
            break;
    }
    return "store the key alone as the secret's value (az keyvault secret set --value), without spaces or extra lines";
}

}  // namespace

Secret checked_api_key(std::string value, ApiKeyOrigin origin, const std::string& source) {
    strip_one_line_break(value);  // in place: no second copy of the key
    Secret key(std::move(value));
    if (auto problem = credential_text_problem(key.reveal(), kMaxApiKey)) {
        throw Failure(FailureInfo{Stage::secret, 0, "ApiKeyMalformed",
                                  "the Pigment API key from " + source + " " + *problem, fix_hint(origin)});
    }
    return key;
}

}  // namespace pe::pigment
