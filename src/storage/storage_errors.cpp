#include "pigment_export/storage/storage_errors.hpp"

#include <nlohmann/json.hpp>

#include "pigment_export/core/json_limits.hpp"
#include "pigment_export/core/text.hpp"
#include "pigment_export/http/service_trace.hpp"
#include "pigment_export/http/transport_failure.hpp"

namespace pe::storage {

namespace {

std::string xml_element(std::string_view body, std::string_view name) {
    std::string open = "<" + std::string(name) + ">";
    std::string close = "</" + std::string(name) + ">";
    auto start = body.find(open);
    if (start == std::string_view::npos) return {};
    start += open.size();
    auto end = body.find(close, start);
    if (end == std::string_view::npos) return {};
    return std::string(body.substr(start, end - start));
}

bool is_one_of(std::string_view code, std::initializer_list<std::string_view> codes) {
    for (auto c : codes) {
        if (code == c) return true;
    }
    return false;
}

std::string hint_for(const ErrorContext& context, int status, const std::string& code) {
    const char* container_word = context.api == Api::dfs ? "filesystem" : "container";
    if (status == 403) {
        if (is_one_of(code,
                      {"AuthorizationPermissionMismatch", "AuthorizationFailure", "InsufficientAccountPermissions"})) {
            return "grant the identity the \"Storage Blob Data Contributor\" role on the storage account or on the " +
                   std::string(container_word) + " '" + context.container +
                   "' (a SAS needs the read, create, write and delete permissions; check network rules too)";
        }
        if (code == "AuthenticationFailed") {
            return "the service rejected " + context.credential +
                   ": check that it belongs to this account and has not expired, and that the clock is right";
        }
        return "check the permissions of " + context.credential + " on the " + std::string(container_word) + " '" +
               context.container + "'";
    }
    if (status == 401) {
        return "the service rejected " + context.credential + ": check that it is valid for this storage account";
    }
    if (status == 404 && is_one_of(code, {"FilesystemNotFound", "ContainerNotFound"})) {
        return "create the " + std::string(container_word) + " '" + context.container + "' or fix the account/" +
               container_word + " in --dest";
    }
    if (status == 404 && code == "RenameDestinationParentPathNotFound") {
        return "create the destination folder first";
    }
    if (status == 409 && is_one_of(code, {"PathAlreadyExists", "BlobAlreadyExists"})) {
        return "the destination already exists and --no-overwrite is set: remove it, pick another path or drop "
               "--no-overwrite";
    }
    if (status == 409 && code == "InvalidFlushOperation") {
        return "the path was written through the Blob API; use --storage-api blob for it";
    }
    if (status == 412) {
        return "another writer changed the object during the upload; run the export again";
    }
    // Md5Mismatch/Crc64Mismatch: a transactional checksum refused the body, i.e. it changed in transit.
    if (status == 400 &&
        is_one_of(code, {"Md5Mismatch", "Crc64Mismatch", "InvalidFlushPosition", "InvalidBlockList"})) {
        return "the uploaded data did not match what was sent; run the export again";
    }
    if (status == 413 || code == "RequestBodyTooLarge") {
        return "lower --chunk-size";
    }
    if (status >= 500 || status == 429 || status == 408) {
        return "the storage service kept failing after " + std::to_string(context.max_retries) +
               " retries; try again later" + (code == "ServerBusy" ? " or lower --parallel" : "");
    }
    return {};
}

}  // namespace

ServiceError parse_service_error(int, const http::Headers& headers, std::string_view body) {
    ServiceError out;
    if (auto code = http::find_header(headers, "x-ms-error-code")) {
        out.code = std::string(*code);
    }
    auto json = parse_bounded_json(body);
    if (!json.is_discarded() && json.is_object() && json.contains("error") && json["error"].is_object()) {
        const auto& error = json["error"];
        // Real responses use lower-case keys; the swagger spells them Code/Message.
        for (const char* key : {"code", "Code"}) {
            if (out.code.empty()) out.code = string_member(error, key);
        }
        for (const char* key : {"message", "Message"}) {
            if (out.message.empty()) out.message = first_line(string_member(error, key));
        }
        return out;
    }
    if (body.find("<Error>") != std::string_view::npos) {
        if (out.code.empty()) out.code = xml_element(body, "Code");
        out.message = first_line(xml_element(body, "Message"));
    }
    return out;
}

FailureInfo map_storage_error(const ErrorContext& context, int status, const ServiceError& error) {
    FailureInfo info;
    info.stage = Stage::store;
    info.http_status = status;
    info.service_code = error.code;
    info.message = "cannot " + context.operation + " " + context.location;
    if (!error.message.empty()) {
        info.message += ": " + error.message;
    }
    info.hint = hint_for(context, status, error.code);
    return info;
}

Failure storage_failure(const ErrorContext& context, const http::Response& response) {
    return Failure(http::with_service_trace(
        map_storage_error(context, response.status,
                          parse_service_error(response.status, response.headers, response.body)),
        response.headers));
}

Failure transport_failure(const ErrorContext& context, const http::TransportError& error) {
    return Failure(http::describe_transport_failure(
        error,
        {Stage::store, "the storage endpoint (" + context.operation + " " + context.location + ")",
         error.retryable() ? "the storage endpoint stayed unreachable after " + std::to_string(context.max_retries) +
                                 " retries; check the network and try again"
                           : "check the storage URL, the network and --ca-bundle"}));
}

}  // namespace pe::storage
