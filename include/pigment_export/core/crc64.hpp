#pragma once
// Azure Storage's CRC-64 (the CRC-64/NVME parameters) for the transactional x-ms-content-crc64
// header that Put Block and the DFS append accept in place of Content-MD5. The service checks
// each chunk against it just as it checks Content-MD5, but a carry-less-multiply CRC costs a
// small fraction of a second MD5 pass over every byte; the whole-file MD5 stays what the
// destination stores.
#include <cstddef>
#include <cstdint>
#include <string>

namespace pe {

// The finished CRC of `data`. Pass a previous result as `crc` to continue it over more bytes
// (0 starts afresh), the Azure SDKs' convention, so a value can be built in pieces.
std::uint64_t crc64(const char* data, std::size_t size, std::uint64_t crc = 0);

// base64 of a CRC's 8 bytes, least significant first: the x-ms-content-crc64 value.
std::string crc64_base64(std::uint64_t crc);

namespace detail {

// The ways to compute it: tables (any CPU), carry-less multiply on 128-bit registers
// (PCLMULQDQ), and on 512-bit registers (AVX-512 + VPCLMULQDQ). crc64() takes the best this
// CPU has; tests hold every path the CPU has against a reference.
enum class Crc64Path { table, clmul, wide_clmul };
Crc64Path crc64_best_path() noexcept;
std::uint64_t crc64_by(Crc64Path path, const char* data, std::size_t size, std::uint64_t crc = 0);

}  // namespace detail

}  // namespace pe
