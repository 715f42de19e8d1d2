#pragma once
// Incremental MD5 (OpenSSL EVP): the whole-file Content-MD5 the destination stores, the
// transactional Content-MD5 of a single Put Blob, and --if-changed's look at a local file.
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace pe {

class Md5 {
public:
    Md5();
    ~Md5();
    Md5(const Md5&) = delete;
    Md5& operator=(const Md5&) = delete;

    void update(const char* data, std::size_t size);
    // Raw 16-byte digest; the object cannot be updated afterwards.
    std::string finish();

    // One-shot helper: base64 of the MD5 of `data` (the form Content-MD5 headers carry).
    static std::string base64_of(std::string_view data);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace pe
