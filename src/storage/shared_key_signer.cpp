#include "pigment_export/storage/shared_key_signer.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <map>
#include <stdexcept>
#include <vector>

#include "pigment_export/core/base64.hpp"
#include "pigment_export/core/failure.hpp"
#include "pigment_export/core/text.hpp"
#include "pigment_export/core/url.hpp"

namespace pe::storage {

namespace {

// The service compares header values after folding whitespace runs to one space.
std::string canonical_value(std::string_view value) {
    std::string out;
    bool pending_space = false;
    for (char c : value) {
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            pending_space = !out.empty();
            continue;
        }
        if (pending_space) out.push_back(' ');
        pending_space = false;
        out.push_back(c);
    }
    return out;
}

std::string standard_header(const http::Request& request, std::string_view name) {
    auto value = http::find_header(request.headers, name);
    return value ? std::string(*value) : std::string();
}

}  // namespace

std::string shared_key_string_to_sign(const http::Request& request, std::string_view account) {
    auto parts = split_url(request.url);
    std::string_view path = parts && !parts->path.empty() ? parts->path : std::string_view("/");
    std::string_view query = parts ? parts->query : std::string_view{};

    std::string out;
    out.reserve(512);
    out += request.method + "\n";
    out += standard_header(request, "Content-Encoding") + "\n";
    out += standard_header(request, "Content-Language") + "\n";
    out += (request.body.empty() ? std::string() : std::to_string(request.body.size())) + "\n";
    out += standard_header(request, "Content-MD5") + "\n";
    out += standard_header(request, "Content-Type") + "\n";
    out += standard_header(request, "Date") + "\n";
    out += standard_header(request, "If-Modified-Since") + "\n";
    out += standard_header(request, "If-Match") + "\n";
    out += standard_header(request, "If-None-Match") + "\n";
    out += standard_header(request, "If-Unmodified-Since") + "\n";
    out += standard_header(request, "Range") + "\n";

    std::vector<std::pair<std::string, std::string>> ms_headers;
    for (const auto& h : request.headers) {
        std::string name = ascii_lower(h.name);
        if (name.rfind("x-ms-", 0) == 0) {
            ms_headers.emplace_back(std::move(name), canonical_value(h.value));
        }
    }
    std::sort(ms_headers.begin(), ms_headers.end());
    for (const auto& [name, value] : ms_headers) {
        out += name + ":" + value + "\n";
    }

    out += "/" + std::string(account) + std::string(path);
    std::map<std::string, std::vector<std::string>> params;
    while (!query.empty()) {
        auto amp = query.find('&');
        std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (pair.empty()) continue;
        auto eq = pair.find('=');
        std::string name = ascii_lower(percent_decode_lenient(pair.substr(0, eq)));
        std::string value = eq == std::string_view::npos ? std::string() : percent_decode_lenient(pair.substr(eq + 1));
        params[name].push_back(std::move(value));
    }
    for (auto& [name, values] : params) {
        std::sort(values.begin(), values.end());
        out += "\n" + name + ":";
        for (std::size_t i = 0; i < values.size(); ++i) {
            if (i > 0) out.push_back(',');
            out += values[i];
        }
    }
    return out;
}

std::string shared_key_signature(std::string_view string_to_sign, const Secret& account_key) {
    std::string key;
    try {
        key = base64_decode(account_key.reveal());
    } catch (const std::invalid_argument&) {
        throw Failure(Stage::store, "AZURE_STORAGE_KEY is not a valid base64 account key",
                      "copy key1 or key2 from the storage account's Access keys page");
    }
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    const unsigned char* ok = HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
                                   reinterpret_cast<const unsigned char*>(string_to_sign.data()), string_to_sign.size(),
                                   digest.data(), &length);
    std::fill(key.begin(), key.end(), '\0');
    if (ok == nullptr) {
        throw Failure(Stage::internal, "HMAC-SHA256 failed in OpenSSL");
    }
    return base64_encode(std::string_view(reinterpret_cast<const char*>(digest.data()), length));
}

}  // namespace pe::storage
