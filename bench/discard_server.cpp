// Discard storage endpoint for the benchmark: speaks enough of the Azure DFS and Blob APIs
// (path-style, http://127.0.0.1:PORT/ACCOUNT/CONTAINER/PATH) for pigment-export and rclone,
// accepts any auth, drops the bytes, and keeps per-file length + position-aware checksum
// (possum.hpp) and, with --md5, the MD5 of the committed content in position/block-list order.
//
//   discard_server [--port N] [--port-file F] [--md5] [--latency-ms N] [--request-log FILE]   serve
//   discard_server --checksum FILE|-                        print "LEN POSSUM" of a file/stdin
//
// Stats: GET /__stats -> one line per committed file:
//   file KEY LEN POSSUM MD5_COMPUTED|- MD5_CLAIMED|- FIRST_DATA_NS COMMIT_NS
// followed by "total BODY_BYTES REQUESTS". GET /__reset forgets everything.
// --latency-ms and --request-log: see RequestTiming in http_mini.hpp (the log names each request
// by its operation: append, flush, rename, putBlock...).
#include <openssl/evp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "http_mini.hpp"
#include "possum.hpp"

namespace {

bool g_md5 = false;
std::atomic<uint64_t> g_body_bytes{0}, g_requests{0};
mini::RequestTiming g_timing;

uint64_t now_ns() {
    return uint64_t(
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
            .count());
}

std::string b64(const unsigned char* d, size_t n) {
    static const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string o;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = d[i] << 16 | (i + 1 < n ? d[i + 1] << 8 : 0) | (i + 2 < n ? d[i + 2] : 0);
        o += t[v >> 18 & 63];
        o += t[v >> 12 & 63];
        o += i + 1 < n ? t[v >> 6 & 63] : '=';
        o += i + 2 < n ? t[v & 63] : '=';
    }
    return o;
}

struct Piece {
    uint64_t offset = 0;  // DFS position; unused for blocks
    possum::Sum sum;
    std::string data;  // only with --md5
};

struct File {
    // DFS: appends by position, flushed length. Blob: uncommitted blocks by id.
    std::vector<Piece> appends;
    std::map<std::string, Piece> blocks;
    bool exists = false;
    uint64_t length = 0;
    possum::Sum committed;
    std::string md5_computed, md5_claimed, content_md5_header;
    unsigned etag = 0;
    uint64_t first_data_ns = 0, commit_ns = 0;
};

std::mutex g_mutex;
std::map<std::string, File> g_files;
unsigned g_etag_counter = 1;

std::string etag_of(File& f) {
    f.etag = g_etag_counter++;
    char out[32];
    std::snprintf(out, sizeof out, "\"0x8DC%011X\"", f.etag);
    return out;
}

std::string md5_of_pieces(const std::vector<const Piece*>& pieces) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(ctx, EVP_md5(), nullptr);
    for (auto* p : pieces) EVP_DigestUpdate(ctx, p->data.data(), p->data.size());
    unsigned char d[16];
    unsigned n = 0;
    EVP_DigestFinal_ex(ctx, d, &n);
    EVP_MD_CTX_free(ctx);
    return b64(d, n);
}

// /ACCOUNT/CONTAINER/PATH -> /CONTAINER/PATH (the DFS rename source has no account segment).
std::string key_of(const std::string& path) {
    auto second = path.find('/', 1);
    return second == std::string::npos ? path : path.substr(second);
}

struct Reply {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

void send_reply(mini::Conn& c, const mini::Request& r, const Reply& rep) {
    std::string out = "HTTP/1.1 " + std::to_string(rep.status) + " " + mini::reason(rep.status) + "\r\n";
    out += "Date: " + mini::http_date() + "\r\n";
    out +=
        "x-ms-version: 2021-08-06\r\nx-ms-request-id: 00000000-0000-0000-0000-000000000000\r\nServer: "
        "bench-discard\r\n";
    bool has_length = false;
    for (auto& [k, v] : rep.headers) {
        out += k + ": " + v + "\r\n";
        has_length = has_length || mini::iequals(k, "Content-Length");
    }
    if (!has_length) out += "Content-Length: " + std::to_string(rep.body.size()) + "\r\n";
    if (!r.keep_alive) out += "Connection: close\r\n";
    out += "\r\n";
    if (r.method != "HEAD") out += rep.body;
    c.send_all(out.data(), out.size());
}

Reply not_found(const char* code) {
    Reply rep;
    rep.status = 404;
    rep.headers.push_back({"x-ms-error-code", code});
    return rep;
}

// Parses <Latest|Committed|Uncommitted>ID</...> from a Put Block List body, in order.
std::vector<std::string> block_list(const std::string& xml) {
    std::vector<std::string> ids;
    size_t p = 0;
    for (;;) {
        size_t open = xml.find('<', p);
        if (open == std::string::npos) break;
        size_t close = xml.find('>', open);
        if (close == std::string::npos) break;
        std::string tag = xml.substr(open + 1, close - open - 1);
        if (tag == "Latest" || tag == "Committed" || tag == "Uncommitted") {
            size_t end = xml.find("</", close);
            ids.push_back(xml.substr(close + 1, end - close - 1));
            p = end;
        } else {
            p = close + 1;
        }
    }
    return ids;
}

void file_headers(Reply& rep, File& f) {
    rep.headers.push_back({"Content-Length", std::to_string(f.length)});
    // With --md5, report what actually arrived so the tool's post-commit check catches damage.
    std::string md5 = !f.md5_computed.empty() ? f.md5_computed : f.md5_claimed;
    if (!md5.empty()) rep.headers.push_back({"Content-MD5", md5});
    rep.headers.push_back({"Content-Type", "text/csv"});
    rep.headers.push_back({"ETag", "\"0x8DC" + std::to_string(f.etag) + "\""});
    rep.headers.push_back({"Last-Modified", mini::http_date()});
    rep.headers.push_back({"x-ms-blob-type", "BlockBlob"});
    rep.headers.push_back({"x-ms-resource-type", "file"});
    rep.headers.push_back({"x-ms-server-encrypted", "false"});
    rep.headers.push_back({"Accept-Ranges", "bytes"});
}

void handle(mini::Conn& c) {
    mini::Request r;
    while (c.read_head(r)) {
        uint64_t arrival = mini::now_us();
        g_requests.fetch_add(1, std::memory_order_relaxed);
        if (mini::iequals(r.header("Expect"), "100-continue")) {
            static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
            c.send_all(cont, sizeof cont - 1);
        }
        // Body: checksummed as it arrives (and kept only with --md5). Only a block list is kept
        // as text: copying every data body too cost this sink ~0.2 CPU-s/GiB, taken from the
        // same two cores as the transfer it measures.
        Piece piece;
        std::string block_list_xml;
        const bool is_block_list = r.param("comp") == "blocklist";
        uint64_t first_ns = 0;
        bool ok = c.read_body(r, [&](const char* d, size_t n) {
            if (first_ns == 0) first_ns = now_ns();
            piece.sum.update(d, n);
            if (g_md5) piece.data.append(d, n);
            if (is_block_list) block_list_xml.append(d, n);
        });
        if (!ok) return;
        g_body_bytes.fetch_add(piece.sum.len, std::memory_order_relaxed);
        Reply rep;
        const std::string& m = r.method;
        if (r.path == "/__stats") {
            std::lock_guard lock(g_mutex);
            for (auto& [k, f] : g_files) {
                if (!f.exists) continue;
                rep.body += "file " + k + " " + std::to_string(f.length) + " " + f.committed.hex() + " " +
                            (f.md5_computed.empty() ? "-" : f.md5_computed) + " " +
                            (f.md5_claimed.empty() ? "-" : f.md5_claimed) + " " + std::to_string(f.first_data_ns) +
                            " " + std::to_string(f.commit_ns) + "\n";
            }
            rep.body += "total " + std::to_string(g_body_bytes.load()) + " " + std::to_string(g_requests.load()) + "\n";
            send_reply(c, r, rep);
            if (!r.keep_alive) return;
            continue;
        }
        if (r.path == "/__reset") {
            std::lock_guard lock(g_mutex);
            g_files.clear();
            g_body_bytes = 0;
            g_requests = 0;
            send_reply(c, r, rep);
            if (!r.keep_alive) return;
            continue;
        }
        std::string key = key_of(r.path);
        std::string op = m;  // what the request log calls it
        {
            std::lock_guard lock(g_mutex);
            if (r.param("restype") == "container") {
                // Create / properties / list of a container: always there, always empty.
                op = "container";
                if (r.param("comp") == "list") {
                    op = "list";
                    rep.headers.push_back({"Content-Type", "application/xml"});
                    rep.body =
                        "<?xml version=\"1.0\" "
                        "encoding=\"utf-8\"?><EnumerationResults><Blobs/><NextMarker/></EnumerationResults>";
                } else {
                    rep.status = m == "PUT" ? 201 : 200;
                    rep.headers.push_back({"ETag", "\"0x8DC0\""});
                    rep.headers.push_back({"Last-Modified", mini::http_date()});
                }
            } else if (m == "PUT" && r.param("resource") == "file") {  // DFS create
                op = "create";
                File& f = g_files[key];
                if (r.header("If-None-Match") == "*" && f.exists) {
                    rep.status = 409;
                    rep.headers.push_back({"x-ms-error-code", "PathAlreadyExists"});
                } else {
                    f = File{};
                    f.exists = true;
                    rep.status = 201;
                    rep.headers.push_back({"ETag", etag_of(f)});
                    rep.headers.push_back({"Last-Modified", mini::http_date()});
                }
            } else if (m == "PATCH" && r.param("action") == "append") {
                op = "append";
                auto it = g_files.find(key);
                if (it == g_files.end() || !it->second.exists) {
                    rep = not_found("PathNotFound");
                } else {
                    File& f = it->second;
                    if (f.first_data_ns == 0 || first_ns < f.first_data_ns) f.first_data_ns = first_ns;
                    piece.offset = std::strtoull(r.param("position").c_str(), nullptr, 10);
                    f.appends.push_back(std::move(piece));
                    rep.status = 202;
                }
            } else if (m == "PATCH" && r.param("action") == "flush") {
                op = "flush";
                auto it = g_files.find(key);
                if (it == g_files.end() || !it->second.exists) {
                    rep = not_found("PathNotFound");
                } else {
                    File& f = it->second;
                    uint64_t position = std::strtoull(r.param("position").c_str(), nullptr, 10);
                    std::sort(f.appends.begin(), f.appends.end(), [](auto& x, auto& y) { return x.offset < y.offset; });
                    uint64_t at = 0;
                    possum::Sum total;
                    std::vector<const Piece*> order;
                    bool contiguous = true;
                    for (auto& p : f.appends) {
                        if (p.offset != at) contiguous = false;
                        total.add_at(p.sum, p.offset);
                        at = p.offset + p.sum.len;
                        order.push_back(&p);
                    }
                    if (!contiguous || at != position) {
                        rep.status = 400;
                        rep.headers.push_back({"x-ms-error-code", "InvalidFlushPosition"});
                    } else {
                        f.length = position;
                        f.committed = total;
                        if (g_md5) f.md5_computed = md5_of_pieces(order);
                        f.md5_claimed = std::string(r.header("x-ms-content-md5"));
                        f.appends.clear();
                        f.commit_ns = now_ns();
                        rep.status = 200;
                        rep.headers.push_back({"ETag", etag_of(f)});
                        rep.headers.push_back({"Last-Modified", mini::http_date()});
                    }
                }
            } else if (m == "PATCH") {  // setProperties and the like
                op = r.param("action");
                auto it = g_files.find(key);
                if (it == g_files.end() || !it->second.exists) {
                    rep = not_found("PathNotFound");
                } else {
                    rep.headers.push_back({"ETag", etag_of(it->second)});
                    rep.headers.push_back({"Last-Modified", mini::http_date()});
                }
            } else if (m == "PUT" && r.has_header("x-ms-rename-source")) {  // DFS rename
                op = "rename";
                std::string source(r.header("x-ms-rename-source"));
                source = source.substr(0, source.find('?'));
                auto it = g_files.find(source);
                if (it == g_files.end() || !it->second.exists) {
                    rep = not_found("SourcePathNotFound");
                } else {
                    File moved = std::move(it->second);
                    g_files.erase(it);
                    g_files[key] = std::move(moved);
                    rep.status = 201;
                    rep.headers.push_back({"ETag", etag_of(g_files[key])});
                    rep.headers.push_back({"Last-Modified", mini::http_date()});
                }
            } else if (m == "POST" || (m == "PUT" && r.param("comp") == "expiry")) {
                // Path Lease (the DFS temporary's liveness) and Set Blob Expiry: the discard
                // server plays an account with a hierarchical namespace that grants both.
                op = m == "POST" ? "lease " + std::string(r.header("x-ms-lease-action")) : "expiry";
                auto it = g_files.find(key);
                if (it == g_files.end() || !it->second.exists) {
                    rep = not_found("PathNotFound");
                } else {
                    bool acquire = m == "POST" && r.header("x-ms-lease-action") == "acquire";
                    rep.status = acquire ? 201 : 200;
                    if (m == "POST")
                        rep.headers.push_back({"x-ms-lease-id", std::string(acquire ? r.header("x-ms-proposed-lease-id")
                                                                                    : r.header("x-ms-lease-id"))});
                    rep.headers.push_back({"ETag", etag_of(it->second)});
                }
            } else if (m == "PUT" && r.param("comp") == "block") {
                op = "putBlock";
                File& f = g_files[key];
                if (f.first_data_ns == 0 || first_ns < f.first_data_ns) f.first_data_ns = first_ns;
                f.blocks[mini::url_decode(r.param("blockid"))] = std::move(piece);
                rep.status = 201;
            } else if (m == "PUT" && r.param("comp") == "blocklist") {
                op = "putBlockList";
                File& f = g_files[key];
                possum::Sum total;
                std::vector<const Piece*> order;
                bool missing = false;
                for (auto& id : block_list(block_list_xml)) {
                    auto b = f.blocks.find(id);
                    if (b == f.blocks.end()) {
                        missing = true;
                        break;
                    }
                    total.add_at(b->second.sum, total.len);
                    order.push_back(&b->second);
                }
                if (missing) {
                    rep.status = 400;
                    rep.headers.push_back({"x-ms-error-code", "InvalidBlockList"});
                } else {
                    f.exists = true;
                    f.length = total.len;
                    f.committed = total;
                    f.md5_computed = g_md5 ? md5_of_pieces(order) : std::string();
                    f.md5_claimed = std::string(r.header("x-ms-blob-content-md5"));
                    f.blocks.clear();
                    f.commit_ns = now_ns();
                    rep.status = 201;
                    rep.headers.push_back({"ETag", etag_of(f)});
                    rep.headers.push_back({"Last-Modified", mini::http_date()});
                }
            } else if (m == "PUT") {  // Put Blob
                op = "putBlob";
                File& f = g_files[key];
                f = File{};
                f.exists = true;
                f.first_data_ns = first_ns;
                f.length = piece.sum.len;
                f.committed = piece.sum;
                if (g_md5) f.md5_computed = md5_of_pieces({&piece});
                f.md5_claimed = std::string(r.header("x-ms-blob-content-md5"));
                if (f.md5_claimed.empty()) f.md5_claimed = std::string(r.header("Content-MD5"));
                f.commit_ns = now_ns();
                rep.status = 201;
                rep.headers.push_back({"ETag", etag_of(f)});
                rep.headers.push_back({"Last-Modified", mini::http_date()});
            } else if (m == "HEAD" || m == "GET") {
                if (r.param("resource") == "filesystem") op = "list";  // DFS List Paths
                auto it = g_files.find(key);
                if (it == g_files.end() || !it->second.exists) {
                    rep = not_found("BlobNotFound");
                } else if (m == "HEAD") {
                    file_headers(rep, it->second);
                } else {
                    rep = not_found("BlobNotFound");  // the content was dropped
                }
            } else if (m == "DELETE") {
                auto it = g_files.find(key);
                if (it == g_files.end()) {
                    rep = not_found("PathNotFound");
                } else {
                    g_files.erase(it);
                }
            } else {
                rep.status = 400;
            }
        }
        uint64_t done = g_timing.before_response(r);
        send_reply(c, r, rep);
        g_timing.record(r, "storage", op, arrival, done);
        if (!r.keep_alive) return;
    }
}

int checksum_main(const char* path) {
    FILE* in = std::string(path) == "-" ? stdin : std::fopen(path, "rb");
    if (in == nullptr) {
        std::perror(path);
        return 1;
    }
    std::vector<char> buf(4 << 20);
    possum::Sum s;
    size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), in)) > 0) s.update(buf.data(), n);
    std::printf("%llu %s\n", (unsigned long long)s.len, s.hex().c_str());
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    int port = 0;
    const char* port_file = nullptr;
    for (int i = 1; i < argc; ++i) {
        if (g_timing.take_option(argc, argv, i)) continue;
        std::string a = argv[i];
        if (a == "--checksum" && i + 1 < argc) return checksum_main(argv[++i]);
        if (a == "--port" && i + 1 < argc)
            port = std::atoi(argv[++i]);
        else if (a == "--port-file" && i + 1 < argc)
            port_file = argv[++i];
        else if (a == "--md5")
            g_md5 = true;
        else {
            std::fprintf(stderr, "usage: discard_server [--port N] [--port-file F] [--md5] %s | --checksum FILE|-\n",
                         mini::RequestTiming::usage);
            return 2;
        }
    }
    int fd = mini::listen_loopback(port);
    mini::announce_port(port_file, port);
    std::fprintf(stderr, "discard_server listening on 127.0.0.1:%d%s (latency %d ms)\n", port, g_md5 ? " (md5)" : "",
                 g_timing.latency_ms());
    mini::serve(fd, handle);
}
