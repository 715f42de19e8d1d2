#include "pigment_export/core/crc64.hpp"

#include <array>
#include <bit>
#include <cstring>

#include "pigment_export/core/base64.hpp"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace pe {

namespace {

// Everything below is derived from the polynomial, so no table or constant can drift from it.
constexpr std::uint64_t kPoly = 0xAD93D23594C93659;  // normal form; the reflected form drives the bit order

constexpr std::uint64_t reverse_bits(std::uint64_t v) {
    std::uint64_t r = 0;
    for (int i = 0; i < 64; ++i, v >>= 1) r = (r << 1) | (v & 1);
    return r;
}

constexpr std::uint64_t kPolyReflected = reverse_bits(kPoly);
static_assert(kPolyReflected == 0x9A6C9329AC4BC9B5, "the reflected CRC-64/NVME polynomial");

using Tables = std::array<std::array<std::uint64_t, 256>, 8>;

// tables[k][b]: the state change of byte b followed by k zero bytes (slicing-by-8).
constexpr Tables make_tables() {
    Tables t{};
    for (unsigned b = 0; b < 256; ++b) {
        std::uint64_t c = b;
        for (int bit = 0; bit < 8; ++bit) c = (c & 1) ? (c >> 1) ^ kPolyReflected : c >> 1;
        t[0][b] = c;
    }
    for (std::size_t k = 1; k < 8; ++k) {
        for (unsigned b = 0; b < 256; ++b) t[k][b] = (t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 0xff];
    }
    return t;
}

constexpr Tables kTables = make_tables();

std::uint64_t load_le64(const unsigned char* p) {
    std::uint64_t v = 0;
    std::memcpy(&v, p, sizeof v);
    if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
    return v;
}

// `state` is the register (the CRC before the final inversion), so calls chain without it.
std::uint64_t update_tables(std::uint64_t state, const unsigned char* p, std::size_t n) {
    const auto& t = kTables;
    for (; n >= 8; p += 8, n -= 8) {
        state ^= load_le64(p);
        state = t[7][state & 0xff] ^ t[6][(state >> 8) & 0xff] ^ t[5][(state >> 16) & 0xff] ^
                t[4][(state >> 24) & 0xff] ^ t[3][(state >> 32) & 0xff] ^ t[2][(state >> 40) & 0xff] ^
                t[1][(state >> 48) & 0xff] ^ t[0][state >> 56];
    }
    for (; n > 0; ++p, --n) state = t[0][(state ^ *p) & 0xff] ^ (state >> 8);
    return state;
}

#if defined(__x86_64__)

// x^n mod P in normal form (bit i is the coefficient of x^i).
constexpr std::uint64_t x_pow_mod(unsigned n) {
    std::uint64_t r = 1;
    for (unsigned i = 0; i < n; ++i) {
        bool carry = (r >> 63) != 0;
        r <<= 1;
        if (carry) r ^= kPoly;
    }
    return r;
}

// A 128-bit accumulator holds X = A*x^64 + B with A in its low qword (the earlier bytes).
// In the reflected domain clmul(a, b) yields x*a*b, hence the exponents one short of d+64 and d.
struct FoldKeys {
    std::uint64_t for_low;   // multiplies A: x^(d+63) mod P
    std::uint64_t for_high;  // multiplies B: x^(d-1) mod P
};

constexpr FoldKeys fold_keys(unsigned distance_bits) {
    return {reverse_bits(x_pow_mod(distance_bits + 63)), reverse_bits(x_pow_mod(distance_bits - 1))};
}

constexpr FoldKeys kFold1024 = fold_keys(1024);
constexpr FoldKeys kFold512 = fold_keys(512);
constexpr FoldKeys kFold384 = fold_keys(384);
constexpr FoldKeys kFold256 = fold_keys(256);
constexpr FoldKeys kFold128 = fold_keys(128);

__attribute__((target("pclmul,sse4.1"))) inline __m128i keys_of(FoldKeys k) {
    return _mm_set_epi64x(static_cast<long long>(k.for_high), static_cast<long long>(k.for_low));
}

// X*x^d mod P, still 128 bits wide: congruent is all the next fold needs.
__attribute__((target("pclmul,sse4.1"))) inline __m128i fold(__m128i x, __m128i keys) {
    return _mm_xor_si128(_mm_clmulepi64_si128(x, keys, 0x00), _mm_clmulepi64_si128(x, keys, 0x11));
}

__attribute__((target("pclmul,sse4.1"))) inline __m128i load128(const unsigned char* p) {
    return _mm_loadu_si128(static_cast<const __m128i*>(static_cast<const void*>(p)));
}

// The 128 bits left after folding, then the last n < 16 bytes.
__attribute__((target("pclmul,sse4.1"))) std::uint64_t finish_folded(__m128i x, const unsigned char* p, std::size_t n) {
    const __m128i k128 = keys_of(kFold128);
    for (; n >= 16; p += 16, n -= 16) x = _mm_xor_si128(fold(x, k128), load128(p));
    // No Barrett reduction: X is congruent to the message so far, so running its 16 bytes
    // through the tables from a zero register gives the same register, for two table steps.
    alignas(16) unsigned char folded[16];
    _mm_store_si128(static_cast<__m128i*>(static_cast<void*>(folded)), x);
    return update_tables(update_tables(0, folded, sizeof folded), p, n);
}

// Four accumulators for 64 consecutive bytes, earliest first, folded into one: the first
// moves 48 bytes forward, the next 32, then 16.
__attribute__((target("pclmul,sse4.1"))) inline __m128i fold_four(__m128i x0, __m128i x1, __m128i x2, __m128i x3) {
    return _mm_xor_si128(_mm_xor_si128(fold(x0, keys_of(kFold384)), fold(x1, keys_of(kFold256))),
                         _mm_xor_si128(fold(x2, keys_of(kFold128)), x3));
}

// Needs n >= 64. Four independent accumulators hide the multiplier's latency.
__attribute__((target("pclmul,sse4.1"))) std::uint64_t update_clmul(std::uint64_t state, const unsigned char* p,
                                                                    std::size_t n) {
    const __m128i k512 = keys_of(kFold512);
    // The register lines up with the first 8 message bytes, so it is simply xored into them.
    __m128i x0 = _mm_xor_si128(load128(p), _mm_cvtsi64_si128(static_cast<long long>(state)));
    __m128i x1 = load128(p + 16);
    __m128i x2 = load128(p + 32);
    __m128i x3 = load128(p + 48);
    p += 64;
    n -= 64;
    for (; n >= 64; p += 64, n -= 64) {
        x0 = _mm_xor_si128(fold(x0, k512), load128(p));
        x1 = _mm_xor_si128(fold(x1, k512), load128(p + 16));
        x2 = _mm_xor_si128(fold(x2, k512), load128(p + 32));
        x3 = _mm_xor_si128(fold(x3, k512), load128(p + 48));
    }
    return finish_folded(fold_four(x0, x1, x2, x3), p, n);
}

// The same folding on 512-bit registers, four 128-bit lanes per multiply: two registers
// cover 128 bytes per step, each lane folded 1024 bits forward.
__attribute__((target("avx512f,vpclmulqdq,pclmul,sse4.1"))) inline __m512i fold_wide(__m512i z, __m512i keys) {
    return _mm512_xor_si512(_mm512_clmulepi64_epi128(z, keys, 0x00), _mm512_clmulepi64_epi128(z, keys, 0x11));
}

__attribute__((target("avx512f,vpclmulqdq,pclmul,sse4.1"))) inline __m512i load512(const unsigned char* p) {
    return _mm512_loadu_si512(static_cast<const void*>(p));
}

__attribute__((target("avx512f,vpclmulqdq,pclmul,sse4.1"))) inline __m512i wide_keys_of(FoldKeys k) {
    const auto low = static_cast<long long>(k.for_low);
    const auto high = static_cast<long long>(k.for_high);
    return _mm512_set_epi64(high, low, high, low, high, low, high, low);
}

// Needs n >= 128.
__attribute__((target("avx512f,vpclmulqdq,pclmul,sse4.1"))) std::uint64_t update_vpclmul(std::uint64_t state,
                                                                                         const unsigned char* p,
                                                                                         std::size_t n) {
    const __m512i k1024 = wide_keys_of(kFold1024);
    __m512i z0 = _mm512_xor_si512(load512(p), _mm512_set_epi64(0, 0, 0, 0, 0, 0, 0, static_cast<long long>(state)));
    __m512i z1 = load512(p + 64);
    p += 128;
    n -= 128;
    for (; n >= 128; p += 128, n -= 128) {
        z0 = _mm512_xor_si512(fold_wide(z0, k1024), load512(p));
        z1 = _mm512_xor_si512(fold_wide(z1, k1024), load512(p + 64));
    }
    alignas(64) unsigned char lanes[64];
    _mm512_store_si512(static_cast<void*>(lanes), _mm512_xor_si512(fold_wide(z0, wide_keys_of(kFold512)), z1));
    return finish_folded(fold_four(load128(lanes), load128(lanes + 16), load128(lanes + 32), load128(lanes + 48)), p,
                         n);
}

// Below these the folding set-up costs about what the tables take for the whole input.
constexpr std::size_t kClmulMinimum = 64;
constexpr std::size_t kWideClmulMinimum = 256;

detail::Crc64Path cpu_best_path() {
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("pclmul") || !__builtin_cpu_supports("sse4.1")) return detail::Crc64Path::table;
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("vpclmulqdq")) return detail::Crc64Path::wide_clmul;
    return detail::Crc64Path::clmul;
}

#else

detail::Crc64Path cpu_best_path() {
    return detail::Crc64Path::table;
}

#endif

}  // namespace

namespace detail {

Crc64Path crc64_best_path() noexcept {
    static const Crc64Path best = cpu_best_path();
    return best;
}

std::uint64_t crc64_by(Crc64Path path, const char* data, std::size_t size, std::uint64_t crc) {
    const auto* p = reinterpret_cast<const unsigned char*>(data);
#if defined(__x86_64__)
    if (path == Crc64Path::wide_clmul && size >= kWideClmulMinimum) return ~update_vpclmul(~crc, p, size);
    if (path != Crc64Path::table && size >= kClmulMinimum) return ~update_clmul(~crc, p, size);
#else
    (void)path;
#endif
    return ~update_tables(~crc, p, size);
}

}  // namespace detail

std::uint64_t crc64(const char* data, std::size_t size, std::uint64_t crc) {
    return detail::crc64_by(detail::crc64_best_path(), data, size, crc);
}

std::string crc64_base64(std::uint64_t crc) {
    char bytes[8];
    for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>((crc >> (8 * i)) & 0xff);
    return base64_encode(std::string_view(bytes, sizeof bytes));
}

}  // namespace pe
