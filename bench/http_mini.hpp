// Minimal blocking HTTP/1.1 server plumbing shared by the bench servers (bench only, not the tool),
// and the per-request latency and request log of the round-trip rows.
// One thread per connection: the benchmark has at most a handful of connections, and a blocking
// recv() into a large buffer is the cheapest way to drain loopback at GB/s.
#pragma once
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace mini {

inline char lower(char c) {
    return (c >= 'A' && c <= 'Z') ? char(c + 32) : c;
}

inline bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i])) return false;
    return true;
}

struct Request {
    std::string method, target, path, query;
    std::vector<std::pair<std::string, std::string>> headers;
    bool keep_alive = true;
    bool chunked = false;
    bool has_length = false;
    uint64_t content_length = 0;

    std::string_view header(std::string_view name) const {
        for (auto& [k, v] : headers)
            if (iequals(k, name)) return v;
        return {};
    }
    bool has_header(std::string_view name) const {
        for (auto& [k, v] : headers)
            if (iequals(k, name)) return true;
        return false;
    }
    // Value of a query parameter (raw, not decoded); empty when absent.
    std::string param(std::string_view name) const {
        std::string_view q = query;
        while (!q.empty()) {
            auto amp = q.find('&');
            std::string_view kv = q.substr(0, amp);
            auto eq = kv.find('=');
            if (kv.substr(0, eq) == name)
                return eq == std::string_view::npos ? std::string() : std::string(kv.substr(eq + 1));
            if (amp == std::string_view::npos) break;
            q.remove_prefix(amp + 1);
        }
        return {};
    }
    bool has_param(std::string_view name) const {
        std::string_view q = query;
        while (!q.empty()) {
            auto amp = q.find('&');
            std::string_view kv = q.substr(0, amp);
            if (kv.substr(0, kv.find('=')) == name) return true;
            if (amp == std::string_view::npos) break;
            q.remove_prefix(amp + 1);
        }
        return false;
    }
};

// Buffered reader over a socket. Body bytes are handed out in place (no copy).
class Conn {
public:
    explicit Conn(int fd, size_t buffer = 1 << 20) : fd_(fd), buf_(buffer) {}
    int fd() const { return fd_; }

    // Reads the request line and headers. Returns false on EOF or a malformed request.
    bool read_head(Request& r) {
        std::string head;
        for (;;) {
            // Look for the end of headers in what is buffered.
            std::string_view avail(buf_.data() + pos_, len_ - pos_);
            auto end = avail.find("\r\n\r\n");
            if (end != std::string_view::npos) {
                head.assign(avail.substr(0, end));
                pos_ += end + 4;
                break;
            }
            if (len_ - pos_ > 256 * 1024) return false;
            if (!fill()) return false;
        }
        r = Request{};
        size_t line_end = head.find("\r\n");
        std::string_view line = std::string_view(head).substr(0, line_end);
        auto sp1 = line.find(' ');
        auto sp2 = line.rfind(' ');
        if (sp1 == std::string_view::npos || sp2 == sp1) return false;
        r.method = line.substr(0, sp1);
        r.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
        std::string_view version = line.substr(sp2 + 1);
        auto q = r.target.find('?');
        r.path = r.target.substr(0, q);
        r.query = q == std::string::npos ? "" : r.target.substr(q + 1);
        r.keep_alive = version != "HTTP/1.0";
        size_t p = line_end == std::string::npos ? head.size() : line_end + 2;
        while (p < head.size()) {
            size_t e = head.find("\r\n", p);
            if (e == std::string::npos) e = head.size();
            std::string_view h(head.data() + p, e - p);
            auto colon = h.find(':');
            if (colon != std::string_view::npos) {
                std::string_view v = h.substr(colon + 1);
                while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
                while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
                r.headers.emplace_back(std::string(h.substr(0, colon)), std::string(v));
            }
            p = e + 2;
        }
        if (auto c = r.header("Connection"); iequals(c, "close")) r.keep_alive = false;
        if (auto c = r.header("Connection"); iequals(c, "keep-alive")) r.keep_alive = true;
        if (auto te = r.header("Transfer-Encoding"); !te.empty()) {
            r.chunked = te.find("chunked") != std::string_view::npos;
        }
        if (auto cl = r.header("Content-Length"); !cl.empty() && !r.chunked) {
            r.has_length = true;
            r.content_length = std::strtoull(std::string(cl).c_str(), nullptr, 10);
        }
        return true;
    }

    // Reads the whole request body, calling sink(data, n) for each piece. False on EOF/error.
    bool read_body(const Request& r, const std::function<void(const char*, size_t)>& sink) {
        if (r.chunked) {
            for (;;) {
                std::string line;
                if (!read_line(line)) return false;
                uint64_t n = std::strtoull(line.c_str(), nullptr, 16);
                if (n == 0) {
                    // Trailers until an empty line.
                    for (;;) {
                        if (!read_line(line)) return false;
                        if (line.empty()) return true;
                    }
                }
                if (!read_exact(n, sink)) return false;
                if (!read_line(line)) return false;
            }
        }
        if (r.has_length) return read_exact(r.content_length, sink);
        return true;  // no body
    }

    bool send_all(const void* data, size_t n) {
        const char* p = static_cast<const char*>(data);
        while (n > 0) {
            ssize_t w = ::send(fd_, p, n, MSG_NOSIGNAL);
            if (w < 0) {
                if (errno == EINTR) continue;
                return false;
            }
            p += w;
            n -= size_t(w);
        }
        return true;
    }

private:
    bool fill() {
        if (pos_ == len_) {
            pos_ = len_ = 0;
        } else if (pos_ > 0 && len_ == buf_.size()) {
            std::memmove(buf_.data(), buf_.data() + pos_, len_ - pos_);
            len_ -= pos_;
            pos_ = 0;
        }
        if (len_ == buf_.size()) return false;
        for (;;) {
            ssize_t n = ::recv(fd_, buf_.data() + len_, buf_.size() - len_, 0);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return false;
            len_ += size_t(n);
            return true;
        }
    }
    bool read_line(std::string& out) {
        for (;;) {
            std::string_view avail(buf_.data() + pos_, len_ - pos_);
            auto e = avail.find("\r\n");
            if (e != std::string_view::npos) {
                out.assign(avail.substr(0, e));
                pos_ += e + 2;
                return true;
            }
            if (!fill()) return false;
        }
    }
    bool read_exact(uint64_t n, const std::function<void(const char*, size_t)>& sink) {
        while (n > 0) {
            if (pos_ == len_ && !fill()) return false;
            size_t take = size_t(std::min<uint64_t>(n, len_ - pos_));
            sink(buf_.data() + pos_, take);
            pos_ += take;
            n -= take;
        }
        return true;
    }

    int fd_;
    std::vector<char> buf_;
    size_t pos_ = 0, len_ = 0;
};

inline std::string url_decode(std::string_view s) {
    std::string o;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size()) {
            o += char(std::strtol(std::string(s.substr(i + 1, 2)).c_str(), nullptr, 16));
            i += 2;
        } else {
            o += s[i];
        }
    }
    return o;
}

inline std::string http_date(time_t t = std::time(nullptr)) {
    char out[64];
    struct tm tm;
    gmtime_r(&t, &tm);
    std::strftime(out, sizeof out, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return out;
}

inline const char* reason(int status) {
    switch (status) {
        case 100:
            return "Continue";
        case 200:
            return "OK";
        case 201:
            return "Created";
        case 202:
            return "Accepted";
        case 400:
            return "Bad Request";
        case 401:
            return "Unauthorized";
        case 404:
            return "Not Found";
        case 409:
            return "Conflict";
        case 412:
            return "Precondition Failed";
        default:
            return "Status";
    }
}

// Binds 127.0.0.1:port (0 = any free port) and returns the listening fd; writes the port.
inline int listen_loopback(int& port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(uint16_t(port));
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 128) != 0) {
        std::perror("bind/listen");
        std::exit(1);
    }
    socklen_t len = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    port = ntohs(addr.sin_port);
    return fd;
}

// Accepts forever, one detached thread per connection.
inline void serve(int listen_fd, const std::function<void(Conn&)>& handler) {
    ::signal(SIGPIPE, SIG_IGN);  // a client that hangs up must not kill the server (sendfile has no MSG_NOSIGNAL)
    for (;;) {
        int c = ::accept(listen_fd, nullptr, nullptr);
        if (c < 0) {
            if (errno == EINTR) continue;
            std::perror("accept");
            continue;
        }
        int one = 1;
        setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        std::thread([c, &handler] {
            Conn conn(c);
            handler(conn);
            ::close(c);
        }).detach();
    }
}

inline uint64_t now_us() {
    return uint64_t(
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
            .count());
}

// --latency-ms N and --request-log FILE, for the round-trip rows. A real service is a network
// round trip away: sleeping before the response head adds that trip to every request without
// slowing a body, which crosses loopback at full speed either way. The log holds one JSON line
// per request with its arrival (head read) and completion in microseconds of the steady clock,
// which every process on the machine shares, so bench/round_trips.py can merge the logs of
// several servers. Completion is taken just before the last send of the response, not after it:
// on this busy machine a server thread can lose its core for milliseconds once its send returns,
// while the client already sends its next request, which must not look concurrent. The bench's
// own /__ requests are neither delayed nor logged.
class RequestTiming {
public:
    static constexpr const char* usage = "[--latency-ms N] [--request-log FILE]";

    // Takes argv[i] (and its value) when it is one of the two options.
    bool take_option(int argc, char** argv, int& i) {
        std::string_view a = argv[i];
        if (a == "--latency-ms" && i + 1 < argc) {
            latency_ = std::chrono::milliseconds(std::atoi(argv[++i]));
            return true;
        }
        if (a == "--request-log" && i + 1 < argc) {
            // Append mode: run.sh truncates the file between runs while the server keeps it open.
            log_ = std::fopen(argv[++i], "a");
            if (log_ == nullptr) {
                std::perror(argv[i]);
                std::exit(1);
            }
            return true;
        }
        return false;
    }

    int latency_ms() const { return int(latency_.count()); }

    // Sleeps the latency; returns the time the response leaves (the completion of a bodiless one).
    uint64_t before_response(const Request& r) const {
        if (latency_.count() > 0 && counted(r)) std::this_thread::sleep_for(latency_);
        return now_us();
    }

    // SERVICE and OP name the request; its query (a SAS, positions) stays out of the log.
    void record(const Request& r, std::string_view service, std::string_view op, uint64_t arrival_us,
                uint64_t done_us) {
        if (log_ == nullptr || !counted(r)) return;
        std::string line = "{\"service\":\"" + json_text(service) + "\",\"op\":\"" + json_text(op) +
                           "\",\"method\":\"" + json_text(r.method) + "\",\"path\":\"" + json_text(r.path) +
                           "\",\"start_us\":" + std::to_string(arrival_us) + ",\"end_us\":" + std::to_string(done_us) +
                           "}\n";
        std::lock_guard lock(mutex_);
        std::fputs(line.c_str(), log_);
        std::fflush(log_);
    }

private:
    static bool counted(const Request& r) { return r.path.rfind("/__", 0) != 0; }

    static std::string json_text(std::string_view s) {
        std::string out;
        for (char c : s) {
            if (static_cast<unsigned char>(c) < 0x20) continue;
            if (c == '"' || c == '\\') out += '\\';
            out += c;
        }
        return out;
    }

    std::chrono::milliseconds latency_{0};
    FILE* log_ = nullptr;
    std::mutex mutex_;
};

// Writes the port to a file once listening, so a script can wait for it.
inline void announce_port(const char* path, int port) {
    if (path == nullptr) return;
    std::string tmp = std::string(path) + ".tmp";
    FILE* f = std::fopen(tmp.c_str(), "w");
    std::fprintf(f, "%d\n", port);
    std::fclose(f);
    std::rename(tmp.c_str(), path);
}

}  // namespace mini
