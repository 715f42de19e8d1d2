// Pigment export API stand-in for the benchmark: answers any method (the tool POSTs) on a
// configured path with a CSV file, sent with sendfile(2) so the source costs almost no CPU.
//
//   source_server [--port N] [--port-file F] [--latency-ms N] [--request-log FILE] --route PATH=FILE[*REPEAT] ...
//
// FILE*REPEAT serves the file's first line (the CSV header) once, then the rest of the file
// REPEAT times: an 8 GiB export from a 1 GiB file, with nothing stored. (The generated file
// ends with a complete record, so the concatenation is a valid CSV with REPEAT x the rows.)
// GET /__stats prints "first_byte_ns N" (monotonic clock, last response's first body byte).
// --latency-ms and --request-log: see RequestTiming in http_mini.hpp.
#include <fcntl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <map>
#include <string>

#include "http_mini.hpp"

namespace {

struct Route {
    int fd = -1;
    uint64_t size = 0;
    uint64_t header_len = 0;
    unsigned repeat = 1;
    uint64_t total() const { return repeat == 1 ? size : header_len + uint64_t(repeat) * (size - header_len); }
};

std::map<std::string, Route> g_routes;
std::atomic<uint64_t> g_first_byte_ns{0};
mini::RequestTiming g_timing;

uint64_t now_ns() {
    return uint64_t(
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
            .count());
}

bool send_range(int sock, int fd, uint64_t offset, uint64_t n) {
    off_t off = off_t(offset);
    while (n > 0) {
        ssize_t w = ::sendfile(sock, fd, &off, size_t(std::min<uint64_t>(n, 1u << 30)));
        if (w < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            return false;
        }
        if (w == 0) return false;
        n -= uint64_t(w);
    }
    return true;
}

void handle(mini::Conn& c) {
    mini::Request r;
    while (c.read_head(r)) {
        uint64_t arrival = mini::now_us();
        if (!c.read_body(r, [](const char*, size_t) {})) return;
        std::string head;
        auto it = g_routes.find(r.path);
        if (r.path == "/__stats") {
            std::string body = "first_byte_ns " + std::to_string(g_first_byte_ns.load()) + "\n";
            head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + std::to_string(body.size()) +
                   "\r\n\r\n" + body;
            c.send_all(head.data(), head.size());
            continue;
        }
        if (it == g_routes.end()) {
            std::string body = "{\"message\":\"not found\"}";
            head = "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: " +
                   std::to_string(body.size()) + "\r\n\r\n" + body;
            uint64_t done = g_timing.before_response(r);
            c.send_all(head.data(), head.size());
            g_timing.record(r, "pigment", "not-found", arrival, done);
            continue;
        }
        const Route& route = it->second;
        head = "HTTP/1.1 200 OK\r\nContent-Type: text/csv; charset=utf-8\r\nContent-Length: " +
               std::to_string(route.total()) + "\r\nDate: " + mini::http_date() + "\r\n" +
               (r.keep_alive ? "" : "Connection: close\r\n") + "\r\n";
        uint64_t head_sent = g_timing.before_response(r);
        if (!c.send_all(head.data(), head.size())) return;
        if (r.method == "HEAD") {
            g_timing.record(r, "pigment", "export-head", arrival, head_sent);
            continue;
        }
        g_first_byte_ns = now_ns();
        bool ok;
        if (route.repeat == 1) {
            ok = send_range(c.fd(), route.fd, 0, route.size);
        } else {
            ok = send_range(c.fd(), route.fd, 0, route.header_len);
            for (unsigned i = 0; ok && i < route.repeat; ++i)
                ok = send_range(c.fd(), route.fd, route.header_len, route.size - route.header_len);
        }
        // The body's last byte: taken after the send, the one place a descheduled thread can
        // make the next request look concurrent (the client then still has the body to handle).
        if (ok) g_timing.record(r, "pigment", "export", arrival, mini::now_us());
        if (!ok || !r.keep_alive) return;
    }
}

}  // namespace

int main(int argc, char** argv) {
    int port = 0;
    const char* port_file = nullptr;
    for (int i = 1; i < argc; ++i) {
        if (g_timing.take_option(argc, argv, i)) continue;
        std::string a = argv[i];
        if (a == "--port" && i + 1 < argc) {
            port = std::atoi(argv[++i]);
        } else if (a == "--port-file" && i + 1 < argc) {
            port_file = argv[++i];
        } else if (a == "--route" && i + 1 < argc) {
            std::string spec = argv[++i];
            auto eq = spec.find('=');
            std::string path = spec.substr(0, eq), file = spec.substr(eq + 1);
            Route route;
            if (auto star = file.rfind('*'); star != std::string::npos) {
                route.repeat = unsigned(std::atoi(file.c_str() + star + 1));
                file.resize(star);
            }
            route.fd = ::open(file.c_str(), O_RDONLY);
            struct stat st {};
            if (route.fd < 0 || fstat(route.fd, &st) != 0) {
                std::perror(file.c_str());
                return 1;
            }
            route.size = uint64_t(st.st_size);
            // Header length: up to and including the first newline.
            char buf[65536];
            ssize_t n = ::pread(route.fd, buf, sizeof buf, 0);
            for (ssize_t k = 0; k < n; ++k)
                if (buf[k] == '\n') {
                    route.header_len = uint64_t(k + 1);
                    break;
                }
            g_routes[path] = route;
        } else {
            std::fprintf(stderr, "usage: source_server [--port N] [--port-file F] %s --route PATH=FILE[*REPEAT] ...\n",
                         mini::RequestTiming::usage);
            return 2;
        }
    }
    int fd = mini::listen_loopback(port);
    mini::announce_port(port_file, port);
    std::fprintf(stderr, "source_server listening on 127.0.0.1:%d (latency %d ms)\n", port, g_timing.latency_ms());
    mini::serve(fd, handle);
}
