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
        wipe(value_);
        value_ = other.value_;
    }
    return *this;
}

Secret::Secret(Secret&& other) noexcept : value_(std::move(other.value_)) {
    wipe(other.value_);
}

Secret& Secret::operator=(Secret&& other) noexcept {
    if (this != &other) {
        wipe(value_);
        value_ = std::move(other.value_);
        wipe(other.value_);
    }
    return *this;
}

Secret::~Secret() {
    wipe(value_);
}

void wipe(std::string& text) noexcept {
    if (text.capacity() > 0) {
        text.resize(text.capacity());
        OPENSSL_cleanse(text.data(), text.size());
    }
    text.clear();
}

}  // namespace pe
