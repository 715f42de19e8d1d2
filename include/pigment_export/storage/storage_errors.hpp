#pragma once
// Storage responses and transport errors → Failure{Stage::store} with a hint the user can act
// on. Pure: the status, the x-ms-error-code header and the body (DFS JSON or Blob XML) decide.
#include <string>
#include <string_view>

#include "pigment_export/core/failure.hpp"
#include "pigment_export/http/client.hpp"
#include "pigment_export/storage/storage_url.hpp"

namespace pe::storage {

struct ServiceError {
    std::string code;     // e.g. "PathAlreadyExists"; empty when the service gave none
    std::string message;  // first line of the service's message, may be empty
};

// Reads x-ms-error-code first (HEAD responses have no body), then the JSON
// {"error":{"code","message"}} or XML <Error><Code/><Message/></Error> body.
ServiceError parse_service_error(int status, const http::Headers& headers, std::string_view body);

struct ErrorContext {
    std::string operation;  // "append to the temporary file", "commit the block list", ...
    std::string location;   // the object as shown to the user, never with a query
    Api api = Api::blob;
    std::string container;
    std::string credential;  // Auth::describe()
    unsigned max_retries = 0;
};

FailureInfo map_storage_error(const ErrorContext& context, int status, const ServiceError& error);

Failure storage_failure(const ErrorContext& context, const http::Response& response);
Failure transport_failure(const ErrorContext& context, const http::TransportError& error);

}  // namespace pe::storage
