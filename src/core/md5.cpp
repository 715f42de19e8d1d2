#include "pigment_export/core/md5.hpp"

#include <openssl/evp.h>

#include <stdexcept>

#include "pigment_export/core/base64.hpp"

namespace pe {

struct Md5::Impl {
    EVP_MD_CTX* ctx = nullptr;
};

Md5::Md5() : impl_(std::make_unique<Impl>()) {
    impl_->ctx = EVP_MD_CTX_new();
    if (impl_->ctx == nullptr || EVP_DigestInit_ex(impl_->ctx, EVP_md5(), nullptr) != 1) {
        throw std::runtime_error("OpenSSL MD5 is unavailable");
    }
}

Md5::~Md5() {
    EVP_MD_CTX_free(impl_->ctx);
}

void Md5::update(const char* data, std::size_t size) {
    EVP_DigestUpdate(impl_->ctx, data, size);
}

std::string Md5::finish() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(impl_->ctx, digest, &len);
    return std::string(reinterpret_cast<const char*>(digest), len);
}

std::string Md5::base64_of(std::string_view data) {
    Md5 md5;
    md5.update(data.data(), data.size());
    return base64_encode(md5.finish());
}

}  // namespace pe
