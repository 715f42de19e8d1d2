#include "fakes/fake_service_support.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <thread>

#include "pigment_export/core/base64.hpp"
#include "pigment_export/core/url.hpp"
#include "pigment_export/core/utc_time.hpp"

namespace testing {

namespace {

std::string base64url(std::string_view bytes) {
    std::string text = pe::base64_encode(bytes);
    std::replace(text.begin(), text.end(), '+', '-');
    std::replace(text.begin(), text.end(), '/', '_');
    text.erase(std::find(text.begin(), text.end(), '='), text.end());
    return text;
}

bool iequals(const std::string& a, const std::string& b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

}  // namespace

std::string RecordedRequest::param(const std::string& name) const {
    auto it = params.find(name);
    return it == params.end() ? std::string() : it->second;
}

bool RecordedRequest::has_param(const std::string& name) const {
    return params.count(name) > 0;
}

std::string RecordedRequest::header(const std::string& name) const {
    for (const auto& [key, value] : headers) {
        if (iequals(key, name)) return value;
    }
    return {};
}

Fault Fault::answer(int status, std::string body, Headers headers) {
    Fault fault;
    fault.status = status;
    fault.body = std::move(body);
    fault.headers = std::move(headers);
    return fault;
}

Fault Fault::slow(std::chrono::milliseconds delay) {
    Fault fault;
    fault.status = 0;
    fault.delay = delay;
    return fault;
}

RecordedRequest RequestJournal::record(const httplib::Request& request) {
    RecordedRequest entry{request.method, request.path, {}, request.headers, request.body, fresh_request_id()};
    for (const auto& [key, value] : request.params) entry.params.emplace(key, value);
    if (request.get_header_value("Content-Type").rfind("application/x-www-form-urlencoded", 0) == 0) {
        httplib::Params form;
        httplib::detail::parse_query_text(request.body, form);
        for (const auto& [key, value] : form) {
            if (entry.params.count(key) == 0) entry.params.emplace(key, value);
        }
    }
    std::lock_guard lock(mutex_);
    requests_.push_back(entry);
    return entry;
}

std::vector<RecordedRequest> RequestJournal::all() const {
    std::lock_guard lock(mutex_);
    return requests_;
}

std::size_t RequestJournal::size() const {
    std::lock_guard lock(mutex_);
    return requests_.size();
}

void FaultQueue::push(Fault fault) {
    std::lock_guard lock(mutex_);
    faults_.push_back(std::move(fault));
}

bool FaultQueue::apply(httplib::Response& response) {
    std::optional<Fault> fault;
    {
        std::lock_guard lock(mutex_);
        if (faults_.empty()) return false;
        fault = std::move(faults_.front());
        faults_.pop_front();
    }
    std::this_thread::sleep_for(fault->delay);
    if (fault->status == 0) return false;
    response.status = fault->status;
    for (const auto& [name, value] : fault->headers) response.set_header(name, value);
    response.set_content(fault->body, "application/json");
    return true;
}

std::string hmac_sha256_base64(const std::string& key, const std::string& message) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int n = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
         message.size(), digest.data(), &n);
    return pe::base64_encode(std::string_view(reinterpret_cast<const char*>(digest.data()), n));
}

std::string mint_jwt(const std::string& audience, const std::string& subject, std::chrono::seconds lifetime,
                     const std::string& tenant) {
    long long now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    nlohmann::json header = {{"typ", "JWT"}, {"alg", "RS256"}, {"kid", "fake"}};
    nlohmann::json payload = {{"aud", pe::without_trailing_slashes(audience)},
                              {"iss", "https://sts.windows.net/" + tenant + "/"},
                              {"iat", now - 60},
                              {"nbf", now - 60},
                              {"exp", now + lifetime.count()},
                              {"sub", subject},
                              {"oid", subject},
                              {"tid", tenant}};
    unsigned char signature[32];
    RAND_bytes(signature, sizeof signature);
    return base64url(header.dump()) + "." + base64url(payload.dump()) + "." +
           base64url(std::string_view(reinterpret_cast<const char*>(signature), sizeof signature));
}

std::optional<JwtClaims> decode_jwt(const std::string& token) {
    auto first = token.find('.');
    auto second = token.find('.', first == std::string::npos ? first : first + 1);
    if (first == std::string::npos || second == std::string::npos) return std::nullopt;
    try {
        auto payload = nlohmann::json::parse(pe::base64url_decode(token.substr(first + 1, second - first - 1)));
        JwtClaims claims;
        claims.aud = payload.value("aud", "");
        claims.iss = payload.value("iss", "");
        claims.sub = payload.value("sub", "");
        claims.iat = payload.value("iat", 0LL);
        claims.nbf = payload.value("nbf", 0LL);
        claims.exp = payload.value("exp", 0LL);
        return claims;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

std::string fresh_request_id() {
    unsigned char bytes[16];
    RAND_bytes(bytes, sizeof bytes);
    char text[37];
    std::snprintf(text, sizeof text, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", bytes[0],
                  bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8], bytes[9], bytes[10],
                  bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]);
    return text;
}

void answer_as_azure(const RecordedRequest& request, httplib::Response& response) {
    response.set_header("x-ms-request-id", request.request_id);
    response.set_header("Date", pe::http_date(std::chrono::system_clock::now()));
}

void set_oauth_error(httplib::Response& response, int status, const std::string& code, const std::string& description) {
    response.status = status;
    response.set_content(nlohmann::json{{"error", code}, {"error_description", description}}.dump(),
                         "application/json");
}

}  // namespace testing
