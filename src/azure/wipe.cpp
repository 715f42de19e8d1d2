#include "pigment_export/azure/wipe.hpp"

#include <openssl/crypto.h>

namespace pe::azure {

void wipe(std::string& text) noexcept {
    if (text.capacity() > 0) {
        text.resize(text.capacity());
        OPENSSL_cleanse(text.data(), text.size());
    }
    text.clear();
}

}  // namespace pe::azure
