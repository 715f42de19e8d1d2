// Issue 12 (export side): only an export whose end is provable is committed; deterministic
// failures are not retried; an exception inside a libcurl callback comes out as itself.
#include <catch2/catch.hpp>

#include <stdexcept>

#include "fakes/process_runner.hpp"
#include "fakes/raw_http_server.hpp"
#include "fakes/run_helpers.hpp"
#include "pigment_export/http/client.hpp"

using namespace testing;

namespace {

const std::string kKey = "pgx_export_key_4f9c2b7e1d";
const std::string kId = "7c1e2b9a-4d3f-4a8e-9b0c-5e6f7a8b9c0d";
const std::string kOld = "yesterday's good file\n";
const std::string kCsv = "a;b\n1;2\n";

std::string head(const std::string& status_line, const std::string& headers) {
    return status_line + "\r\nContent-Type: text/csv; charset=utf-8\r\n" + headers + "\r\n";
}

struct Fixture {
    explicit Fixture(std::string answer) : server(std::move(answer)) { write_file(dest, kOld); }

    RunResult run() {
        RunOptions options;
        options.env = {{"PIGMENT_API_KEY", kKey}};
        options.timeout = std::chrono::seconds(60);
        return run_program({"--pigment-url", server.base_url(), "--dest", dest, "--max-retries", "2", "--progress",
                            "off", "--block-type", "metric", "--block-id", kId},
                           options);
    }

    RawHttpServer server;
    TempDir dir;
    std::string dest = dir.file("out.csv");
};

void check_refused(Fixture& f, const RunResult& r, const std::string& needle) {
    INFO(r.err);
    CHECK(r.exit_code == 4);
    CHECK(r.err.find(needle) != std::string::npos);
    CHECK(r.err.find("(hint: ") != std::string::npos);
    CHECK(read_file(f.dest) == kOld);
    CHECK(temporary_files(f.dir.path()).empty());
    CHECK(f.server.requests() == 1);  // deterministic: never retried
}

}  // namespace

TEST_CASE("a 200 with a Content-Encoding never asked for is refused, not committed as gzip bytes", "[export]") {
    std::string gzip = "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + std::string(20, 'z');
    Fixture f(
        head("HTTP/1.1 200 OK", "Content-Encoding: gzip\r\nContent-Length: " + std::to_string(gzip.size()) + "\r\n") +
        gzip);
    check_refused(f, f.run(), "Content-Encoding");
}

TEST_CASE("a body ended only by the server closing the connection is refused", "[export]") {
    auto version = GENERATE(std::string("HTTP/1.1 200 OK"), std::string("HTTP/1.0 200 OK"));
    Fixture f(head(version, "Connection: close\r\n") + kCsv);
    check_refused(f, f.run(), "end cannot be proven");
}

TEST_CASE("conflicting duplicate Content-Length headers are refused", "[export]") {
    Fixture f(head("HTTP/1.1 200 OK", "Content-Length: 8\r\nContent-Length: 4\r\n") + kCsv);
    check_refused(f, f.run(), "Content-Length");
}

TEST_CASE("a transfer coding other than chunked is refused", "[export]") {
    Fixture f(head("HTTP/1.1 200 OK", "Transfer-Encoding: gzip, chunked\r\n") + "8\r\n" + kCsv + "\r\n0\r\n\r\n");
    check_refused(f, f.run(), "Transfer-Encoding");
}

TEST_CASE("oversized response headers are one request, reported as a malformed answer", "[export]") {
    std::string padding;
    for (int i = 0; i < 400; ++i) padding += "X-Pad-" + std::to_string(i) + ": " + std::string(500, 'p') + "\r\n";
    Fixture f(head("HTTP/1.1 200 OK", padding + "Content-Length: 8\r\n") + kCsv);
    auto r = f.run();
    check_refused(f, r, "headers");
    CHECK(r.err.find("cannot reach") == std::string::npos);
}

TEST_CASE("a chunked body without its terminating chunk is refused", "[export]") {
    Fixture f(head("HTTP/1.1 200 OK", "Transfer-Encoding: chunked\r\n") + "8\r\n" + kCsv + "\r\n");
    auto r = f.run();
    INFO(r.err);
    CHECK(r.exit_code == 4);
    CHECK(read_file(f.dest) == kOld);
    CHECK(temporary_files(f.dir.path()).empty());
}

TEST_CASE("chunked and Content-Length exports are still committed", "[export]") {
    auto answer =
        GENERATE(head("HTTP/1.1 200 OK", "Transfer-Encoding: chunked\r\n") + "4\r\na;b\n\r\n4\r\n1;2\n\r\n0\r\n\r\n",
                 head("HTTP/1.1 200 OK", "Content-Length: 8\r\n") + kCsv,
                 head("HTTP/1.1 200 OK", "Content-Length: 8\r\nContent-Length: 8\r\n") + kCsv,
                 head("HTTP/1.0 200 OK", "Content-Length: 8\r\nContent-Encoding: identity\r\n") + kCsv);
    Fixture f(answer);
    auto r = f.run();
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(read_file(f.dest) == kCsv);
    CHECK(f.server.requests() == 1);
}

TEST_CASE("an exception thrown by a body consumer comes out of the client, not through libcurl", "[export]") {
    RawHttpServer server(head("HTTP/1.1 200 OK", "Content-Length: 8\r\n") + kCsv);
    pe::http::Client client;
    pe::http::Request request;
    request.url = server.base_url() + "/x";
    auto on_headers = [](const pe::http::Response&) { return true; };
    auto on_body = [](const char*, std::size_t) -> bool { throw std::logic_error("consumer broke"); };
    CHECK_THROWS_WITH(client.stream(request, on_headers, on_body), "consumer broke");
    auto throwing_headers = [](const pe::http::Response&) -> bool { throw std::invalid_argument("headers broke"); };
    CHECK_THROWS_AS(client.stream(request, throwing_headers, on_body), std::invalid_argument);
}
