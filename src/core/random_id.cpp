#include "pigment_export/core/random_id.hpp"

#include <openssl/rand.h>

#include <array>
#include <stdexcept>

namespace pe {

namespace {

constexpr char kHex[] = "0123456789abcdef";

void fill_random(unsigned char* bytes, std::size_t size) {
    if (RAND_bytes(bytes, static_cast<int>(size)) != 1) {
        throw std::runtime_error("OpenSSL could not produce random bytes");
    }
}

}  // namespace

std::string random_uuid_v4() {
    std::array<unsigned char, 16> bytes{};
    fill_random(bytes.data(), bytes.size());
    bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0f) | 0x40);  // version 4
    bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3f) | 0x80);  // RFC 4122 variant
    std::string out;
    out.reserve(36);
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
        out.push_back(kHex[bytes[i] >> 4]);
        out.push_back(kHex[bytes[i] & 15u]);
    }
    return out;
}

std::string random_hex(std::size_t length) {
    std::string bytes((length + 1) / 2, '\0');
    fill_random(reinterpret_cast<unsigned char*>(bytes.data()), bytes.size());
    std::string out;
    out.reserve(length);
    for (unsigned char b : bytes) {
        out.push_back(kHex[b >> 4]);
        out.push_back(kHex[b & 15u]);
    }
    out.resize(length);
    return out;
}

}  // namespace pe
