#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "pigment_export/core/bytes.hpp"
#include "pigment_export/transfer/crc64.hpp"

using pe::crc64;
using pe::detail::crc64_portable;

namespace {

constexpr std::uint64_t kCheck = 0xae8b14860a799888;  // CRC-64/NVME of "123456789"

std::uint64_t reflect64(std::uint64_t v) {
    std::uint64_t r = 0;
    for (int i = 0; i < 64; ++i) {
        if (v & (std::uint64_t{1} << i)) r |= std::uint64_t{1} << (63 - i);
    }
    return r;
}

// The textbook definition, one bit at a time and deliberately unlike the library: an MSB-first
// register with the normal-form polynomial, each byte fed least significant bit first (refin)
// and the register reflected at the end (refout). `crc` chains like the library's.
std::uint64_t reference_crc64(const char* data, std::size_t size, std::uint64_t crc = 0) {
    constexpr std::uint64_t kNormalPoly = 0xAD93D23594C93659;
    std::uint64_t reg = reflect64(~crc);
    for (std::size_t i = 0; i < size; ++i) {
        auto byte = static_cast<unsigned char>(data[i]);
        for (int bit = 0; bit < 8; ++bit) {
            bool feedback = ((reg >> 63) ^ ((byte >> bit) & 1u)) != 0;
            reg <<= 1;
            if (feedback) reg ^= kNormalPoly;
        }
    }
    return ~reflect64(reg);
}

std::string random_bytes(std::size_t size, std::uint64_t seed) {
    std::mt19937_64 engine(seed);
    std::string out(size, '\0');
    for (auto& c : out) c = static_cast<char>(engine() & 0xff);
    return out;
}

}  // namespace

TEST_CASE("CRC64 of 123456789 is the CRC-64/NVME check value on both paths", "[transfer][crc64]") {
    const std::string check = "123456789";
    CHECK(reference_crc64(check.data(), check.size()) == kCheck);
    CHECK(crc64(check.data(), check.size()) == kCheck);
    CHECK(crc64_portable(check.data(), check.size()) == kCheck);
}

TEST_CASE("CRC64 of no bytes is 0 and continuing over no bytes keeps the value", "[transfer][crc64]") {
    CHECK(crc64(nullptr, 0) == 0);
    CHECK(crc64_portable(nullptr, 0) == 0);
    CHECK(reference_crc64(nullptr, 0) == 0);
    CHECK(crc64("", 0, kCheck) == kCheck);
    CHECK(crc64_portable("", 0, kCheck) == kCheck);
}

TEST_CASE("CRC64 matches the bit-by-bit reference at every length to 1100 and every misalignment", "[transfer][crc64]") {
    constexpr std::size_t kMaxLength = 1100;
    const std::string buffer = random_bytes(kMaxLength + 16, 42);
    int mismatches = 0;
    for (std::size_t offset = 0; offset < 16 && mismatches < 5; ++offset) {
        for (std::size_t length = 0; length <= kMaxLength && mismatches < 5; ++length) {
            const char* p = buffer.data() + offset;
            std::uint64_t expected = reference_crc64(p, length);
            std::uint64_t fast = crc64(p, length);
            std::uint64_t portable = crc64_portable(p, length);
            if (fast != expected || portable != expected) {
                ++mismatches;
                INFO("offset " << offset << ", length " << length << ", accelerated path in use: "
                               << pe::detail::crc64_accelerated());
                CHECK(fast == expected);
                CHECK(portable == expected);
            }
        }
    }
    CHECK(mismatches == 0);
}

TEST_CASE("CRC64 built in pieces equals one call, across both paths", "[transfer][crc64]") {
    const std::string data = random_bytes(200'000, 7);
    const std::uint64_t whole = reference_crc64(data.data(), data.size());
    REQUIRE(crc64(data.data(), data.size()) == whole);
    std::mt19937_64 engine(99);
    for (int round = 0; round < 50; ++round) {
        std::uint64_t fast = 0;
        std::uint64_t portable = 0;
        std::uint64_t reference = 0;
        for (std::size_t at = 0; at < data.size();) {
            // Mostly small pieces (the table path and the 64-byte switch-over), some large ones.
            std::size_t piece = engine() % 4 == 0 ? engine() % 40'000 : engine() % 200;
            piece = std::min(piece, data.size() - at);
            fast = crc64(data.data() + at, piece, fast);
            portable = crc64_portable(data.data() + at, piece, portable);
            if (round == 0) reference = reference_crc64(data.data() + at, piece, reference);
            at += piece;
        }
        INFO("round " << round);
        CHECK(fast == whole);
        CHECK(portable == whole);
        if (round == 0) CHECK(reference == whole);
    }
}

TEST_CASE("CRC64 of 8 MiB of random bytes matches the reference on both paths", "[transfer][crc64]") {
    const std::string data = random_bytes(8u << 20, 2026);
    const std::uint64_t expected = reference_crc64(data.data(), data.size());
    CHECK(crc64(data.data(), data.size()) == expected);
    CHECK(crc64_portable(data.data(), data.size()) == expected);
    // An odd start and length keep the fast path's unaligned loads and its tail honest.
    CHECK(crc64(data.data() + 3, data.size() - 10) == reference_crc64(data.data() + 3, data.size() - 10));
}

TEST_CASE("the x-ms-content-crc64 value is base64 of the CRC's little-endian bytes", "[transfer][crc64]") {
    std::string little_endian;
    for (int i = 0; i < 8; ++i) little_endian.push_back(static_cast<char>((kCheck >> (8 * i)) & 0xff));
    CHECK(pe::crc64_base64(kCheck) == pe::base64_encode(little_endian));
    CHECK(pe::crc64_base64(kCheck) == "iJh5CoYUi64=");
    CHECK(pe::crc64_base64(0) == "AAAAAAAAAAA=");
}
