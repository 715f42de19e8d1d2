#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "pigment_export/core/base64.hpp"
#include "pigment_export/core/crc64.hpp"

using pe::crc64;
using pe::detail::crc64_by;
using pe::detail::Crc64Path;

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

// Every path this CPU can run; a path it lacks would fault, so it is left out (and said so).
std::vector<Crc64Path> paths() {
    std::vector<Crc64Path> all = {Crc64Path::table};
    const Crc64Path best = pe::detail::crc64_best_path();
    if (best != Crc64Path::table) all.push_back(Crc64Path::clmul);
    if (best == Crc64Path::wide_clmul) all.push_back(Crc64Path::wide_clmul);
    if (best != Crc64Path::wide_clmul)
        WARN("this CPU lacks a carry-less-multiply path: not all CRC-64 paths are exercised");
    return all;
}

const char* name(Crc64Path path) {
    switch (path) {
        case Crc64Path::table:
            return "table";
        case Crc64Path::clmul:
            return "clmul";
        case Crc64Path::wide_clmul:
            return "wide_clmul";
    }
    return "?";
}

}  // namespace

TEST_CASE("CRC64 of 123456789 is the CRC-64/NVME check value on every path", "[transfer][crc64]") {
    const std::string check = "123456789";
    CHECK(reference_crc64(check.data(), check.size()) == kCheck);
    CHECK(crc64(check.data(), check.size()) == kCheck);
    for (Crc64Path path : paths()) {
        INFO(name(path));
        CHECK(crc64_by(path, check.data(), check.size()) == kCheck);
    }
}

TEST_CASE("CRC64 of no bytes is 0 and continuing over no bytes keeps the value", "[transfer][crc64]") {
    CHECK(reference_crc64(nullptr, 0) == 0);
    CHECK(crc64(nullptr, 0) == 0);
    CHECK(crc64("", 0, kCheck) == kCheck);
    for (Crc64Path path : paths()) {
        INFO(name(path));
        CHECK(crc64_by(path, nullptr, 0) == 0);
        CHECK(crc64_by(path, "", 0, kCheck) == kCheck);
    }
}

// Lengths to 1100 cross every switch-over: tables below 64 bytes, 128-bit folding from 64,
// 512-bit folding from 256, and every tail length after each.
TEST_CASE("CRC64 matches the bit-by-bit reference at every length to 1100 and every misalignment",
          "[transfer][crc64]") {
    constexpr std::size_t kMaxLength = 1100;
    const std::string buffer = random_bytes(kMaxLength + 64, 42);
    for (Crc64Path path : paths()) {
        int mismatches = 0;
        for (std::size_t offset = 0; offset < 64 && mismatches < 5; offset += offset < 16 ? 1 : 7) {
            for (std::size_t length = 0; length <= kMaxLength && mismatches < 5; ++length) {
                const char* p = buffer.data() + offset;
                std::uint64_t expected = reference_crc64(p, length);
                std::uint64_t got = crc64_by(path, p, length);
                if (got != expected) {
                    ++mismatches;
                    INFO(name(path) << ", offset " << offset << ", length " << length);
                    CHECK(got == expected);
                }
            }
        }
        INFO(name(path));
        CHECK(mismatches == 0);
    }
}

TEST_CASE("CRC64 built in pieces equals one call, on every path", "[transfer][crc64]") {
    const std::string data = random_bytes(200'000, 7);
    const std::uint64_t whole = reference_crc64(data.data(), data.size());
    REQUIRE(crc64(data.data(), data.size()) == whole);
    std::mt19937_64 engine(99);
    for (int round = 0; round < 50; ++round) {
        std::vector<std::uint64_t> crcs(3, 0);
        std::uint64_t reference = 0;
        const std::vector<Crc64Path> all = paths();
        for (std::size_t at = 0; at < data.size();) {
            // Mostly small pieces (around the switch-overs), some large ones.
            std::size_t piece = engine() % 4 == 0 ? engine() % 40'000 : engine() % 400;
            piece = std::min(piece, data.size() - at);
            for (std::size_t i = 0; i < all.size(); ++i) crcs[i] = crc64_by(all[i], data.data() + at, piece, crcs[i]);
            if (round == 0) reference = reference_crc64(data.data() + at, piece, reference);
            at += piece;
        }
        for (std::size_t i = 0; i < all.size(); ++i) {
            INFO("round " << round << ", " << name(all[i]));
            CHECK(crcs[i] == whole);
        }
        if (round == 0) CHECK(reference == whole);
    }
}

TEST_CASE("CRC64 of 8 MiB of random bytes matches the reference on every path", "[transfer][crc64]") {
    const std::string data = random_bytes(8u << 20, 2026);
    const std::uint64_t expected = reference_crc64(data.data(), data.size());
    const std::uint64_t odd = reference_crc64(data.data() + 3, data.size() - 10);
    CHECK(crc64(data.data(), data.size()) == expected);
    for (Crc64Path path : paths()) {
        INFO(name(path));
        CHECK(crc64_by(path, data.data(), data.size()) == expected);
        // An odd start and length keep the fast paths' unaligned loads and their tails honest.
        CHECK(crc64_by(path, data.data() + 3, data.size() - 10) == odd);
    }
}

TEST_CASE("the x-ms-content-crc64 value is base64 of the CRC's little-endian bytes", "[transfer][crc64]") {
    std::string little_endian;
    for (int i = 0; i < 8; ++i) little_endian.push_back(static_cast<char>((kCheck >> (8 * i)) & 0xff));
    CHECK(pe::crc64_base64(kCheck) == pe::base64_encode(little_endian));
    CHECK(pe::crc64_base64(kCheck) == "iJh5CoYUi64=");
    CHECK(pe::crc64_base64(0) == "AAAAAAAAAAA=");
}
