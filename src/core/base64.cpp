#include "pigment_export/core/base64.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace pe {

namespace {

int b64_value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
}

std::string decode_base64_common(std::string_view text, bool require_padding) {
    std::string out;
    out.reserve(text.size() * 3 / 4);
    unsigned buffer = 0;
    int bits = 0;
    std::size_t padding = 0;
    for (char c : text) {
        if (c == '=') {
            ++padding;
            continue;
        }
        int v = b64_value(c);
        if (v < 0 || padding > 0) {
            throw std::invalid_argument("invalid base64");
        }
        buffer = (buffer << 6) | static_cast<unsigned>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
        }
    }
    // One character past a group of four carries only 6 bits: no whole byte, so no valid encoding ends so.
    if (padding > 2 || (require_padding && (text.size() % 4) != 0) || (text.size() - padding) % 4 == 1) {
        throw std::invalid_argument("invalid base64 padding");
    }
    return out;
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3), '\0');
    // EVP_EncodeBlock writes padded base64 with no line breaks, and a NUL the string's own covers.
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::string base64_decode(std::string_view text) {
    return decode_base64_common(text, true);
}

std::string base64url_decode(std::string_view text) {
    return decode_base64_common(text, false);
}

}  // namespace pe
