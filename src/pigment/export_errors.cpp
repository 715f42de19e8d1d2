#include "pigment_export/pigment/export_errors.hpp"

#include "pigment_export/core/json_limits.hpp"
#include "pigment_export/core/text.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>

#include "pigment_export/http/response_framing.hpp"
#include "pigment_export/http/transport_failure.hpp"

namespace pe::pigment {

namespace {

// Error bodies are parsed as JSON only within these bounds; beyond them they are excerpted raw.
constexpr std::size_t kMaxJsonBody = 64u << 10;
constexpr int kMaxJsonDepth = 32;

// ProblemDetails ({"title","detail","type"}) or {"message"} when the body is JSON; else empty.
std::string json_error_text(std::string_view body) {
    auto j = parse_bounded_json(body, JsonBounds{kMaxJsonBody, kMaxJsonDepth});
    for (const char* key : {"detail", "message", "title", "error"}) {
        if (auto text = string_member(j, key); !text.empty()) return text;
    }
    return {};
}

constexpr const char* kProxyHint =
    "not retried: a proxy or load balancer between here and Pigment may be rewriting responses; "
    "let the tool reach Pigment directly (NO_PROXY) or fix the proxy";

}  // namespace

std::optional<FailureInfo> check_export_head(const http::Response& head) {
    auto refuse = [&](const char* code, std::string message, std::string hint) {
        return FailureInfo{Stage::export_, head.status, code, std::move(message), std::move(hint)};
    };
    if (!http::is_identity_encoded(head.headers)) {
        std::string encoding(http::find_header(head.headers, "Content-Encoding").value_or("").substr(0, 40));
        return refuse(
            "UnexpectedEncoding",
            "Pigment answered with Content-Encoding: " + body_excerpt(encoding) + ", which was never asked for",
            "a proxy in between is compressing the export: exempt the Pigment host (NO_PROXY) or turn its compression "
            "off");
    }
    switch (http::classify_framing(head).end) {
        case http::BodyEnd::content_length:
        case http::BodyEnd::chunked:
        case http::BodyEnd::stream_end:
            return std::nullopt;
        case http::BodyEnd::connection_close:
            return refuse(
                "UnprovableEnd",
                "Pigment's answer has neither a Content-Length nor chunked framing: its end cannot be proven, "
                "so a cut export would pass as complete",
                "a proxy may be downgrading the response (e.g. to HTTP/1.0): let the tool reach Pigment directly or "
                "keep "
                "HTTP/1.1 chunking on the proxy");
        case http::BodyEnd::conflicting_length:
            return refuse(
                "ConflictingLength",
                "Pigment's answer has conflicting Content-Length headers (or Content-Length with Transfer-Encoding)",
                kProxyHint);
        case http::BodyEnd::invalid_length:
            return refuse("InvalidLength", "Pigment's answer has an invalid Content-Length header", kProxyHint);
        case http::BodyEnd::unsupported_transfer_coding: {
            std::string coding(http::find_header(head.headers, "Transfer-Encoding").value_or("").substr(0, 40));
            return refuse(
                "UnsupportedTransferCoding",
                "Pigment's answer uses Transfer-Encoding: " + body_excerpt(coding) + " (only chunked is accepted)",
                kProxyHint);
        }
    }
    return std::nullopt;
}

FailureInfo map_export_transport_error(const http::TransportError& error) {
    return http::describe_transport_failure(
        error, {Stage::export_, "Pigment",
                "check --pigment-url, DNS, proxy settings (HTTPS_PROXY/NO_PROXY) and the firewall"});
}

std::string body_excerpt(std::string_view body) {
    constexpr std::size_t kMax = 200;
    std::string text = json_error_text(body);
    if (text.empty()) {
        if (ascii_lower(body.substr(0, 512)).find("<html") != std::string::npos) return "an HTML page";
        text = std::string(body);
    }
    std::string out;
    for (char c : std::string_view(text).substr(0, kMax)) {
        unsigned char u = static_cast<unsigned char>(c);
        out.push_back(u < 0x20 || u == 0x7F ? ' ' : c);
    }
    if (text.size() > kMax) out += "...";
    return out;
}

FailureInfo map_export_error(int status, std::string_view body, BlockType block_type, std::string_view block_id) {
    std::string kind = block_type_name(block_type);
    std::string id(block_id);
    std::string detail = body_excerpt(body);
    auto with_detail = [&](const std::string& message) { return detail.empty() ? message : message + ": " + detail; };
    FailureInfo info{Stage::export_, status, {}, {}, {}};
    switch (status) {
        case 400:
            info.service_code = "BadRequest";
            info.message = with_detail("Pigment rejected the export request");
            info.hint = "check --export-options against Pigment's schema for a " + kind + " export";
            break;
        case 401:
            info.service_code = "Unauthorized";
            info.message = with_detail("Pigment did not accept the API key");
            info.hint =
                "the key is invalid, expired, or not an Export key: create an Export API key in Workspace Settings → "
                "API keys";
            break;
        case 403:
            info.service_code = "Forbidden";
            info.message = with_detail("the API key may not export this " + kind);
            info.hint =
                "the key acts as the user who created it: give that user (ideally a service account) access to the "
                "block, and check the key's IP allow list";
            break;
        case 404:
            info.service_code = "NotFound";
            info.message = with_detail(kind + " " + id + " was not found");
            info.hint =
                "check --block-type and --block-id (for a view, the viewId= value of its Pigment URL); the key's owner "
                "must be able to see the block";
            break;
        case 413:
            info.service_code = "PayloadTooLarge";
            info.message = with_detail("view " + id + " is too big to export");
            info.hint = "export the underlying block instead (--block-type metric, list or table with its id)";
            break;
        case 422:
            info.service_code = "UnprocessableEntity";
            info.message = with_detail("view " + id + " cannot be exported");
            info.hint = "the view's underlying block is not a list, metric or table: export that block directly";
            break;
        case 429:
            info.service_code = "TooManyRequests";
            info.message = with_detail("Pigment's rate limit was hit and retries ran out");
            info.hint = "Pigment allows 500 requests per 5 minutes per IP: spread runs out or raise --max-retries";
            break;
        default:
            info.service_code = status >= 500 ? "ServerError" : "HttpError";
            info.message = with_detail("Pigment answered HTTP " + std::to_string(status));
            info.hint = status >= 500 ? "Pigment had a server error; retries ran out: try again later" : "";
            break;
    }
    return info;
}

std::optional<FailureInfo> check_csv_response(std::string_view content_type, std::string_view first_bytes) {
    std::string type = ascii_lower(content_type);
    std::string start = ascii_lower(first_bytes.substr(0, 256));
    auto trimmed = start.find_first_not_of(" \t\r\n");
    std::string_view head = trimmed == std::string::npos ? std::string_view{} : std::string_view(start).substr(trimmed);
    bool html = type.find("text/html") != std::string::npos || head.rfind("<!doctype html", 0) == 0 ||
                head.rfind("<html", 0) == 0;
    bool json = type.find("json") != std::string::npos;
    if (!html && !json) {
        return std::nullopt;
    }
    return FailureInfo{
        Stage::export_, 200, html ? "UnexpectedHtml" : "UnexpectedJson",
        std::string("Pigment answered 200 with ") + (html ? "an HTML page" : "JSON") + " instead of CSV",
        "check --pigment-url (it must be the API host, e.g. https://pigment.app) and any proxy in between"};
}

}  // namespace pe::pigment
