#include <curl/curl.h>
#include <catch2/catch.hpp>

#include "pigment_export/http/response_framing.hpp"

using namespace pe::http;

namespace {

Response head(int version, Headers headers) {
    Response r;
    r.status = 200;
    r.http_version = version;
    r.headers = std::move(headers);
    return r;
}

}  // namespace

TEST_CASE("provable endings: one Content-Length, chunked, an HTTP/2 stream", "[http][framing]") {
    auto f = classify_framing(head(11, {{"Content-Length", "8"}}));
    CHECK(f.end == BodyEnd::content_length);
    CHECK(f.length == 8u);
    CHECK(classify_framing(head(11, {{"Content-Length", "8"}, {"content-length", " 8 "}})).end ==
          BodyEnd::content_length);
    CHECK(classify_framing(head(11, {{"Content-Length", "8, 8"}})).end == BodyEnd::content_length);
    CHECK(classify_framing(head(10, {{"Content-Length", "0"}})).end == BodyEnd::content_length);
    CHECK(classify_framing(head(11, {{"Transfer-Encoding", "Chunked"}})).end == BodyEnd::chunked);
    CHECK(classify_framing(head(20, {})).end == BodyEnd::stream_end);
    CHECK(classify_framing(head(30, {{"Content-Length", "8"}})).end == BodyEnd::stream_end);
    for (auto end : {BodyEnd::content_length, BodyEnd::chunked, BodyEnd::stream_end}) CHECK(end_is_provable(end));
}

TEST_CASE("unprovable or contradictory endings", "[http][framing]") {
    CHECK(classify_framing(head(11, {})).end == BodyEnd::connection_close);
    CHECK(classify_framing(head(10, {{"Connection", "close"}})).end == BodyEnd::connection_close);
    CHECK(classify_framing(head(11, {{"Content-Length", "8"}, {"Content-Length", "4"}})).end ==
          BodyEnd::conflicting_length);
    CHECK(classify_framing(head(11, {{"Content-Length", "8, 9"}})).end == BodyEnd::conflicting_length);
    CHECK(classify_framing(head(11, {{"Content-Length", "8"}, {"Transfer-Encoding", "chunked"}})).end ==
          BodyEnd::conflicting_length);
    CHECK(classify_framing(head(20, {{"Content-Length", "1"}, {"Content-Length", "2"}})).end ==
          BodyEnd::conflicting_length);
    for (const char* bad : {"", "-1", "8x", "0x10", "99999999999999999999999"}) {
        INFO(bad);
        CHECK(classify_framing(head(11, {{"Content-Length", bad}})).end == BodyEnd::invalid_length);
    }
    CHECK(classify_framing(head(11, {{"Transfer-Encoding", "gzip, chunked"}})).end ==
          BodyEnd::unsupported_transfer_coding);
    CHECK(classify_framing(head(11, {{"Transfer-Encoding", "chunked"}, {"Transfer-Encoding", "chunked"}})).end ==
          BodyEnd::unsupported_transfer_coding);
    for (auto end : {BodyEnd::connection_close, BodyEnd::conflicting_length, BodyEnd::invalid_length,
                     BodyEnd::unsupported_transfer_coding}) {
        CHECK_FALSE(end_is_provable(end));
    }
}

TEST_CASE("only identity (or no) Content-Encoding is the payload itself", "[http][framing]") {
    CHECK(is_identity_encoded({}));
    CHECK(is_identity_encoded({{"Content-Encoding", "identity"}}));
    CHECK(is_identity_encoded({{"content-encoding", "Identity"}}));
    CHECK_FALSE(is_identity_encoded({{"Content-Encoding", "gzip"}}));
    CHECK_FALSE(is_identity_encoded({{"Content-Encoding", "identity, br"}}));
    CHECK_FALSE(is_identity_encoded({{"Content-Encoding", "identity"}, {"Content-Encoding", "deflate"}}));
}

TEST_CASE("deterministic curl failures are not transient", "[http][retry]") {
    for (int code : {CURLE_COULDNT_CONNECT, CURLE_OPERATION_TIMEDOUT, CURLE_SEND_ERROR, CURLE_RECV_ERROR,
                     CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_HTTP2, CURLE_HTTP2_STREAM, CURLE_SSL_CONNECT_ERROR}) {
        INFO(code);
        CHECK(is_transient_curl_code(code));
        CHECK(transport_kind(code) == TransportKind::network);
    }
    for (int code :
         {CURLE_WEIRD_SERVER_REPLY, CURLE_BAD_CONTENT_ENCODING, CURLE_OUT_OF_MEMORY, CURLE_TOO_MANY_REDIRECTS}) {
        INFO(code);
        CHECK_FALSE(is_transient_curl_code(code));
        CHECK(transport_kind(code) == TransportKind::malformed_response);
    }
    for (int code : {CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM}) {
        INFO(code);
        CHECK_FALSE(is_transient_curl_code(code));
        CHECK(transport_kind(code) == TransportKind::tls);
    }
    CHECK_FALSE(is_transient_curl_code(CURLE_COULDNT_RESOLVE_HOST));
    CHECK(transport_kind(CURLE_ABORTED_BY_CALLBACK) == TransportKind::cancelled);
    CHECK(transport_kind(CURLE_WRITE_ERROR) == TransportKind::cancelled);
    CHECK(TransportError("x", "h", CURLE_WEIRD_SERVER_REPLY, false).kind() != TransportKind::cancelled);
}
