#pragma once
// How a response says where its body ends (pure). A body is complete only when its end is
// provable: a Content-Length that libcurl then holds the transfer to, the terminating chunk of
// a chunked body, or the end of an HTTP/2+ stream. A body ended by the server closing the
// connection cannot be told from one cut at a record boundary.
#include <cstdint>
#include <optional>

#include "pigment_export/http/client.hpp"

namespace pe::http {

enum class BodyEnd {
    content_length,              // one length (repeats agree)
    chunked,                     // Transfer-Encoding: chunked
    stream_end,                  // HTTP/2 or later: END_STREAM
    connection_close,            // HTTP/1.x with neither: unprovable
    conflicting_length,          // Content-Length values disagree, or with Transfer-Encoding
    invalid_length,              // a Content-Length that is not a number
    unsupported_transfer_coding  // any transfer coding other than a lone "chunked"
};

struct Framing {
    BodyEnd end = BodyEnd::connection_close;
    std::optional<std::uint64_t> length;  // set for content_length
};

Framing classify_framing(const Response& head);

// True for the endings whose completeness libcurl verifies.
bool end_is_provable(BodyEnd end);

// True when every Content-Encoding header is absent or "identity": the bytes are the payload.
bool is_identity_encoded(const Headers& headers);

}  // namespace pe::http
