#pragma once
// What every Azure fake shares: a journal of the requests it received, a queue of injected
// faults (a status with body and headers, a delay, or both), and JWT-shaped tokens.
#include <httplib.h>

#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace testing {

struct RecordedRequest {
    std::string method;
    std::string path;
    std::multimap<std::string, std::string> params;  // query, or the form for form POSTs
    httplib::Headers headers;
    std::string body;
    // The x-ms-request-id this fake answers with (a fresh UUID per request), as Azure support
    // would look it up; set on the answer by answer_as_azure().
    std::string request_id = {};

    std::string param(const std::string& name) const;
    bool has_param(const std::string& name) const;
    std::string header(const std::string& name) const;  // case-insensitive; "" when absent
};

// One injected answer. With status 0 the fake only waits `delay` and then answers normally
// (a slow response); otherwise it waits and answers `status` with `body` and `headers`.
struct Fault {
    using Headers = std::vector<std::pair<std::string, std::string>>;
    static constexpr const char* kDefaultBody = R"({"error":"unknown","error_description":"injected fault"})";

    int status = 500;
    std::string body = kDefaultBody;
    Headers headers;
    std::chrono::milliseconds delay{0};

    static Fault answer(int status, std::string body = kDefaultBody, Headers headers = {});
    static Fault slow(std::chrono::milliseconds delay);
};

class RequestJournal {
public:
    RecordedRequest record(const httplib::Request& request);
    std::vector<RecordedRequest> all() const;
    std::size_t size() const;

private:
    mutable std::mutex mutex_;
    std::vector<RecordedRequest> requests_;
};

class FaultQueue {
public:
    void push(Fault fault);
    // Applies the next fault, if any; true when it answered the request.
    bool apply(httplib::Response& response);

private:
    std::mutex mutex_;
    std::deque<Fault> faults_;
};

// A tenant GUID for fake issuers (Azurite requires iss = https://sts.windows.net/<guid>/).
inline constexpr const char* kFakeTenantId = "5f0e8e4e-1b7a-4c9e-9d5e-3c2b1a0f9e8d";

struct JwtClaims {
    std::string aud;
    std::string iss;
    std::string sub;
    long long iat = 0;
    long long nbf = 0;
    long long exp = 0;
};

// A JWT-shaped token (base64url header.payload.signature; the signature is random bytes)
// with aud = audience without its trailing '/', iss = https://sts.windows.net/<tenant>/.
std::string mint_jwt(const std::string& audience, const std::string& subject, std::chrono::seconds lifetime,
                     const std::string& tenant = kFakeTenantId);
std::optional<JwtClaims> decode_jwt(const std::string& token);
// Shared Key: base64 of HMAC-SHA256 over `message`, computed here with OpenSSL, not by the tool's
// signer, so that the fakes check the tool's signature independently.
std::string hmac_sha256_base64(const std::string& key, const std::string& message);

// The headers every Azure service puts on every answer: x-ms-request-id (the request's id)
// and Date.
void answer_as_azure(const RecordedRequest& request, httplib::Response& response);
std::string fresh_request_id();

// {"error": code, "error_description": description} as the identity endpoints send it.
void set_oauth_error(httplib::Response& response, int status, const std::string& code, const std::string& description);

}  // namespace testing
