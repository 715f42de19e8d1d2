// Managed identity and Key Vault stand-in for the benchmark's cold-start rows: one loopback
// server answers both, behind the same --latency-ms as the source and the discard sink.
//
//   identity_vault_server [--port N] [--port-file F] [--latency-ms N] [--request-log FILE] --secret-name NAME
//
// GET /metadata/identity/oauth2/token?resource=R   IMDS, which the tool finds through
//     AZURE_POD_IDENTITY_AUTHORITY_HOST=http://127.0.0.1:PORT: a bearer token for R (the
//     vault's, and storage's when the destination has no SAS or account key)
// GET /secrets/NAME?api-version=V                  Key Vault (--key-vault-url http://127.0.0.1:PORT):
//     the value of this server's PIGMENT_API_KEY, for any bearer token
// Without a bearer token Key Vault answers 401 with its challenge, as the real one does. The
// tokens are bench values: the source and the sink accept any auth.
#include <string>

#include "http_mini.hpp"

namespace {

std::string g_secret_name;
std::string g_secret_value;
mini::RequestTiming g_timing;

std::string json_string(std::string_view s) {
    std::string o = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') o += '\\';
        o += c;
    }
    return o + "\"";
}

struct Answer {
    int status = 200;
    std::string extra_headers, body, service, op;
};

Answer token(const mini::Request& r) {
    Answer a{200, "", "", "identity", "token " + mini::url_decode(r.param("resource"))};
    if (r.param("resource").empty()) {
        a.status = 400;
        a.body = R"({"error":"invalid_resource","error_description":"no resource"})";
        return a;
    }
    a.body = R"({"access_token":"bench-token","expires_in":"3600","token_type":"Bearer","resource":)" +
             json_string(mini::url_decode(r.param("resource"))) + "}";
    return a;
}

Answer secret(const mini::Request& r) {
    Answer a{200, "", "", "keyvault", "secret"};
    if (r.header("Authorization").rfind("Bearer ", 0) != 0) {
        a.status = 401;
        a.extra_headers =
            "WWW-Authenticate: Bearer authorization=\"https://login.windows.net/bench-tenant\", "
            "resource=\"https://vault.azure.net\"\r\n";
        a.body = R"({"error":{"code":"Unauthorized","message":"Request is missing a Bearer or PoP token."}})";
        return a;
    }
    std::string name = r.path.substr(std::string_view("/secrets/").size());
    name = name.substr(0, name.find('/'));
    if (name != g_secret_name) {
        a.status = 404;
        a.body = R"({"error":{"code":"SecretNotFound","message":"A secret with (name/id) )" + name +
                 R"( was not found in this key vault."}})";
        return a;
    }
    a.body = "{\"value\":" + json_string(g_secret_value) +
             ",\"id\":" + json_string("http://bench-vault/secrets/" + name + "/00000000000000000000000000000001") +
             ",\"attributes\":{\"enabled\":true}}";
    return a;
}

void handle(mini::Conn& c) {
    mini::Request r;
    while (c.read_head(r)) {
        uint64_t arrival = mini::now_us();
        if (!c.read_body(r, [](const char*, size_t) {})) return;
        Answer a{404, "", R"({"error":"not found"})", "identity-vault", "unknown"};
        if (r.path == "/metadata/identity/oauth2/token" || r.path == "/metadata/identity/oauth2/token/")
            a = token(r);
        else if (r.path.rfind("/secrets/", 0) == 0)
            a = secret(r);
        std::string out = "HTTP/1.1 " + std::to_string(a.status) + " " + mini::reason(a.status) +
                          "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(a.body.size()) +
                          "\r\nDate: " + mini::http_date() + "\r\n" + a.extra_headers +
                          (r.keep_alive ? "" : "Connection: close\r\n") + "\r\n" + a.body;
        uint64_t done = g_timing.before_response(r);
        if (!c.send_all(out.data(), out.size())) return;
        g_timing.record(r, a.service, a.op, arrival, done);
        if (!r.keep_alive) return;
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
        } else if (a == "--secret-name" && i + 1 < argc) {
            g_secret_name = argv[++i];
        } else {
            std::fprintf(stderr, "usage: identity_vault_server [--port N] [--port-file F] %s --secret-name NAME\n",
                         mini::RequestTiming::usage);
            return 2;
        }
    }
    const char* value = std::getenv("PIGMENT_API_KEY");
    if (g_secret_name.empty() || value == nullptr || *value == '\0') {
        std::fprintf(stderr, "identity_vault_server: needs --secret-name and PIGMENT_API_KEY (the value it serves)\n");
        return 2;
    }
    g_secret_value = value;
    int fd = mini::listen_loopback(port);
    mini::announce_port(port_file, port);
    std::fprintf(stderr, "identity_vault_server listening on 127.0.0.1:%d (latency %d ms)\n", port,
                 g_timing.latency_ms());
    mini::serve(fd, handle);
}
