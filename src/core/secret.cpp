#include "pigment_export/core/secret.hpp"

#include <openssl/crypto.h>

#include "pigment_export/core/redactor.hpp"

namespace pe {

Secret::Secret(std::string value) : value_(std::move(value)) {
    redactor::add(value_);
}

Secret::Secret(const Secret& other) : value_(other.value_) {}

Secret& Secret::operator=(const Secret& other) {
    if (this != &other) {
        wipe();
        value_ = other.value_;
    }
    return *this;
}

Secret::Secret(Secret&& other) noexcept : value_(std::move(other.value_)) {
    other.wipe();
}

Secret& Secret::operator=(Secret&& other) noexcept {
    if (this != &other) {
        wipe();
        value_ = std::move(other.value_);
        other.wipe();
    }
    return *this;
}

Secret::~Secret() {
    wipe();
}

void Secret::wipe() noexcept {
    // Overwrite the whole capacity so the bytes do not linger in freed memory or a core file.
    if (value_.capacity() > 0) {
        value_.resize(value_.capacity());
        OPENSSL_cleanse(value_.data(), value_.size());
    }
    value_.clear();
}

}  // namespace pe
