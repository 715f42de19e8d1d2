#include <catch2/catch.hpp>

#include <string>

#include "pigment_export/core/json_limits.hpp"
#include "pigment_export/pigment/export_errors.hpp"

using namespace pe;
using namespace pe::pigment;

TEST_CASE("each export status has its own code, message and hint", "[pigment]") {
    struct Row {
        int status;
        const char* code;
        const char* message_part;
        const char* hint_part;
    };
    const Row rows[] = {
        {400, "BadRequest", "Pigment rejected the export request", "--export-options"},
        {401, "Unauthorized", "did not accept the API key", "Export API key"},
        {403, "Forbidden", "may not export this metric", "access to the block"},
        {404, "NotFound", "metric abc-1 was not found", "--block-id"},
        {413, "PayloadTooLarge", "view abc-1 is too big", "underlying block"},
        {422, "UnprocessableEntity", "view abc-1 cannot be exported", "export that block directly"},
        {429, "TooManyRequests", "rate limit", "--max-retries"},
        {500, "ServerError", "Pigment answered HTTP 500", "try again later"},
        {503, "ServerError", "Pigment answered HTTP 503", "server error"},
        {418, "HttpError", "Pigment answered HTTP 418", ""},
    };
    for (const auto& row : rows) {
        INFO(row.status);
        auto info = map_export_error(row.status, "", BlockType::metric, "abc-1");
        CHECK(info.stage == Stage::export_);
        CHECK(info.http_status == row.status);
        CHECK(info.service_code == row.code);
        CHECK_THAT(info.message, Catch::Contains(row.message_part));
        if (*row.hint_part != '\0') {
            CHECK_THAT(info.hint, Catch::Contains(row.hint_part));
        } else {
            CHECK(info.hint.empty());
        }
        CHECK(info.message.find(": ") == std::string::npos);  // no detail when the body is empty
    }
}

TEST_CASE("the block type and id appear where they help", "[pigment]") {
    CHECK(map_export_error(404, "", BlockType::list, "L-9").message == "list L-9 was not found");
    CHECK_THAT(map_export_error(403, "", BlockType::table, "x").message, Catch::Contains("this table"));
    CHECK_THAT(map_export_error(400, "", BlockType::list, "x").hint, Catch::Contains("for a list export"));
}

TEST_CASE("ProblemDetails detail is preferred, then message, title, error", "[pigment]") {
    CHECK(
        map_export_error(400, R"({"type":"t","title":"Bad","detail":"filters[0] is unknown"})", BlockType::metric, "m")
            .message == "Pigment rejected the export request: filters[0] is unknown");
    CHECK(body_excerpt(R"({"title":"Bad Request","status":400})") == "Bad Request");
    CHECK(body_excerpt(R"({"message":"quota","title":"T"})") == "quota");
    CHECK(body_excerpt(R"({"error":"invalid_key"})") == "invalid_key");
    CHECK(body_excerpt(R"({"detail":42,"title":"fallback"})") == "fallback");  // non-string detail skipped
}

TEST_CASE("a JSON body without known fields is excerpted raw", "[pigment]") {
    CHECK(body_excerpt(R"({"code":7})") == R"({"code":7})");
    CHECK(body_excerpt("[1,2]") == "[1,2]");
}

TEST_CASE("an HTML body is summarized, never quoted", "[pigment]") {
    CHECK(body_excerpt("<!DOCTYPE html><html><body>Sign in</body></html>") == "an HTML page");
    CHECK(body_excerpt("\n  <HTML><head>") == "an HTML page");
    CHECK(map_export_error(502, "<html><body>Bad Gateway nginx</body></html>", BlockType::view, "v").message ==
          "Pigment answered HTTP 502: an HTML page");
}

TEST_CASE("a plain body is excerpted to 200 characters on one line", "[pigment]") {
    CHECK(body_excerpt("upstream\r\nconnect error\tx\x7F") == "upstream  connect error x ");
    std::string long_body(1000, 'z');
    auto excerpt = body_excerpt(long_body);
    CHECK(excerpt == std::string(200, 'z') + "...");
    CHECK(body_excerpt("short") == "short");
    CHECK(body_excerpt("") == "");
    CHECK(body_excerpt(std::string(199, 'q')) == std::string(199, 'q'));
}

TEST_CASE("control characters inside a JSON detail are removed too", "[pigment]") {
    CHECK(body_excerpt(R"({"detail":"line1\nline2\u0007"})") == "line1 line2 ");
}

TEST_CASE("a long JSON detail is truncated like any other excerpt", "[pigment]") {
    // body_excerpt promises "a short excerpt (never the whole page)", but a ProblemDetails
    // detail is returned in full: a 5,000-character detail ends up in the one-line error.
    std::string detail(5000, 'd');
    auto excerpt = body_excerpt(R"({"detail":")" + detail + R"("})");
    CHECK(excerpt.size() <= 203);
}

TEST_CASE("a body of exactly 200 characters is not marked as cut", "[pigment]") {
    // The "..." marker is added when the excerpt text is 200 characters long, which is also
    // the case when the whole body is exactly 200 characters (nothing was cut).
    CHECK(body_excerpt(std::string(200, 'e')) == std::string(200, 'e'));
}

TEST_CASE("check_csv_response accepts CSV", "[pigment]") {
    CHECK_FALSE(check_csv_response("text/csv", "a;b\n1;2\n").has_value());
    CHECK_FALSE(check_csv_response("text/csv; charset=utf-8",
                                   "\xEF\xBB\xBF"
                                   "a;b\n")
                    .has_value());
    CHECK_FALSE(check_csv_response("application/octet-stream", "a,b\n").has_value());
    CHECK_FALSE(check_csv_response("", "").has_value());  // an empty export is fine
    CHECK_FALSE(check_csv_response("text/plain", "html;body\n<b>;x\n").has_value());
}

TEST_CASE("check_csv_response refuses HTML by type or by sniffing", "[pigment]") {
    for (auto [type, body] : {std::pair<const char*, const char*>{"text/html", "a;b\n"},
                              {"Text/HTML; charset=utf-8", ""},
                              {"text/csv", "<!DOCTYPE html><html>"},
                              {"", "  \r\n\t<!doctype HTML>"},
                              {"application/octet-stream", "\n<html lang=en>"},
                              {"text/csv", "<HTML>"}}) {
        INFO(type << " / " << body);
        auto f = check_csv_response(type, body);
        REQUIRE(f.has_value());
        CHECK(f->stage == Stage::export_);
        CHECK(f->http_status == 200);
        CHECK(f->service_code == "UnexpectedHtml");
        CHECK_THAT(f->message, Catch::Contains("an HTML page instead of CSV"));
        CHECK_THAT(f->hint, Catch::Contains("--pigment-url"));
    }
}

TEST_CASE("check_csv_response refuses JSON by content type", "[pigment]") {
    auto f = check_csv_response("application/json", R"({"detail":"x"})");
    REQUIRE(f.has_value());
    CHECK(f->service_code == "UnexpectedJson");
    CHECK_THAT(f->message, Catch::Contains("JSON instead of CSV"));
    auto p = check_csv_response("application/problem+json; charset=utf-8", "");
    REQUIRE(p.has_value());
    CHECK(p->service_code == "UnexpectedJson");
}

TEST_CASE("check_csv_response only sniffs HTML at the start of the body", "[pigment]") {
    CHECK_FALSE(check_csv_response("text/csv", "col\n<html>\n").has_value());
    CHECK_FALSE(check_csv_response("text/csv", "x<html>").has_value());
}

#include "pigment_export/pigment/export_client.hpp"

namespace {

http::Response head_of(http::Headers headers, int version = 11) {
    http::Response r;
    r.status = 200;
    r.http_version = version;
    r.headers = std::move(headers);
    return r;
}

}  // namespace

TEST_CASE("the export refuses heads whose body could only look like an export", "[pigment]") {
    CHECK_FALSE(check_export_head(head_of({{"Content-Length", "8"}})).has_value());
    CHECK_FALSE(check_export_head(head_of({{"Transfer-Encoding", "chunked"}})).has_value());
    CHECK_FALSE(check_export_head(head_of({}, 20)).has_value());
    struct Row {
        http::Headers headers;
        const char* code;
    };
    for (const auto& row :
         {Row{{{"Content-Length", "8"}, {"Content-Encoding", "gzip"}}, "UnexpectedEncoding"}, Row{{}, "UnprovableEnd"},
          Row{{{"Content-Length", "8"}, {"Content-Length", "4"}}, "ConflictingLength"},
          Row{{{"Content-Length", "eight"}}, "InvalidLength"},
          Row{{{"Transfer-Encoding", "gzip, chunked"}}, "UnsupportedTransferCoding"}}) {
        INFO(row.code);
        auto f = check_export_head(head_of(row.headers));
        REQUIRE(f.has_value());
        CHECK(f->stage == Stage::export_);
        CHECK(f->service_code == row.code);
        CHECK_FALSE(f->hint.empty());
    }
}

TEST_CASE("the export retries a transport failure only before its first body byte", "[pigment][retry]") {
    http::TransportError reset("connection reset", "h", 56, true);
    http::TransportError garbled("garbled", "h", 8, false);
    CHECK(export_may_retry(reset, 0));
    CHECK_FALSE(export_may_retry(reset, 1));
    CHECK_FALSE(export_may_retry(garbled, 0));
}

TEST_CASE("transport failures say whether they were network or deterministic", "[pigment]") {
    CHECK(map_export_transport_error(http::TransportError("x", "h", 7, true)).service_code == "NetworkError");
    auto malformed = map_export_transport_error(http::TransportError("headers too big", "h", 8, false));
    CHECK(malformed.service_code == "MalformedResponse");
    CHECK_THAT(malformed.hint, Catch::Contains("not retried"));
    CHECK(map_export_transport_error(http::TransportError("x", "h", 60, false)).service_code == "TlsError");
}

TEST_CASE("error bodies are parsed as JSON only within depth and size bounds", "[pigment]") {
    CHECK_FALSE(json_nesting_exceeds(R"({"a":[{"b":1}]})", 3));
    CHECK(json_nesting_exceeds(R"({"a":[{"b":1}]})", 2));
    CHECK_FALSE(json_nesting_exceeds(R"({"a":"[[[[[[\"[["})", 1));  // brackets in strings do not count
    std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
    CHECK(body_excerpt(deep) == std::string(200, '[') + "...");
    std::string big = R"({"detail":")" + std::string(70'000, 'd') + R"("})";
    CHECK(body_excerpt(big).rfind(R"({"detail":")", 0) == 0);  // too big to parse: excerpted raw
}

TEST_CASE("string_member reads a service's string field, and anything else as absent", "[core]") {
    auto j = nlohmann::json::parse(R"({"s":"text","n":403,"z":null,"a":["x"],"o":{"s":"in"}})");
    CHECK(string_member(j, "s") == "text");
    for (const char* key : {"n", "z", "a", "o", "missing"}) CHECK(string_member(j, key).empty());
    CHECK(string_member(j["a"], "s").empty());  // not an object
    CHECK(string_member(nlohmann::json(nlohmann::json::value_t::discarded), "s").empty());
}
