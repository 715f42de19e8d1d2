#include "pigment_export/cli/destination_parser.hpp"

#include <array>
#include <stdexcept>
#include <vector>

#include "pigment_export/cli/shown_value.hpp"
#include "pigment_export/core/loopback.hpp"
#include "pigment_export/core/text.hpp"
#include "pigment_export/core/url.hpp"

namespace pe::cli {

namespace {

constexpr std::array<std::string_view, 3> kSuffixes = {"core.windows.net", "core.chinacloudapi.cn",
                                                       "core.usgovcloudapi.net"};

[[noreturn]] void fail(const std::string& message) {
    throw std::invalid_argument(message);
}

bool is_lower_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

void check_account(std::string_view account) {
    bool ok = account.size() >= 3 && account.size() <= 24;
    for (char c : account) ok = ok && is_lower_alnum(c);
    if (!ok) fail("storage account name '" + shown_value(account) + "' must be 3-24 lowercase letters and digits");
}

void check_container(std::string_view name) {
    bool ok = name.size() >= 3 && name.size() <= 63 && is_lower_alnum(name.front()) && is_lower_alnum(name.back());
    for (std::size_t i = 0; i < name.size(); ++i) {
        char c = name[i];
        ok = ok && (is_lower_alnum(c) || (c == '-' && i > 0 && name[i - 1] != '-'));
    }
    if (!ok) {
        fail("container/filesystem name '" + shown_value(name) +
             "' must be 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit");
    }
}

// The object path: non-empty segments, no '.' or '..', no control characters, not a folder.
void check_object_path(std::string_view path) {
    if (path.empty() || path.back() == '/')
        fail("the destination needs a file name after the container, e.g. .../exports/data.csv");
    if (path.size() > 1024) fail("the destination path is longer than 1024 characters");
    std::size_t start = 0;
    while (start <= path.size()) {
        auto end = path.find('/', start);
        std::string_view segment =
            path.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
        if (segment.empty() || segment == "." || segment == "..") {
            fail("the destination path '" + shown_value(path) + "' has an empty, '.' or '..' segment");
        }
        if (end == std::string_view::npos) break;
        start = end + 1;
    }
    for (char c : path) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F || c == '\\') {
            fail("the destination path contains a control character or a backslash");
        }
    }
}

struct Url {
    std::string scheme;
    std::string authority;  // userinfo@host:port
    std::string path;       // without the leading '/'
};

// URL paths arrive percent-encoded (a pasted "%20"); the location keeps them decoded and the
// storage layer encodes each segment again, so nothing is encoded twice.
std::string decoded_path(std::string_view text) {
    auto decoded = percent_decode(text);
    if (!decoded) fail("the destination URL has a malformed percent escape");
    // Every '%' starts a valid escape now: "%2F" is a '/' that would come back as a separator.
    if (ascii_lower(text).find("%2f") != std::string::npos)
        fail("the destination URL encodes a '/' (%2F) inside a name");
    return *decoded;
}

[[noreturn]] void fail_scheme(std::string_view scheme) {
    fail("unsupported destination scheme '" + std::string(scheme) +
         "' (use a path, file://, abfss://, https:// or - for stdout)");
}

Url split_destination_url(std::string_view text) {
    auto parts = split_url(text);
    if (!parts) fail_scheme("");
    Url url;
    url.scheme = std::string(parts->scheme);
    if (parts->has_query || parts->has_fragment) {
        fail(
            "the destination URL must not carry a query or fragment; pass a SAS token in AZURE_STORAGE_SAS_TOKEN "
            "so it stays out of the command line and the logs");
    }
    url.authority = std::string(parts->authority);
    url.path = parts->path.empty() ? "" : decoded_path(parts->path.substr(1));
    if (url.authority.empty()) fail("the destination URL has no host");
    return url;
}

// "ACCOUNT.dfs.SUFFIX" → {account, "dfs", suffix}; empty account when the host is not Azure's.
struct AzureHost {
    std::string account, service, suffix;
};

AzureHost split_azure_host(std::string_view host) {
    auto dot = host.find('.');
    if (dot == std::string_view::npos) return {};
    std::string_view account = host.substr(0, dot);
    std::string_view rest = host.substr(dot + 1);
    for (std::string_view service : {"dfs", "blob"}) {
        if (rest.size() > service.size() + 1 && rest.substr(0, service.size()) == service &&
            rest[service.size()] == '.') {
            std::string_view suffix = rest.substr(service.size() + 1);
            for (auto known : kSuffixes) {
                if (suffix == known) return {std::string(account), std::string(service), std::string(suffix)};
            }
            fail("unknown storage endpoint suffix '" + std::string(suffix) +
                 "' (known: core.windows.net, core.chinacloudapi.cn, core.usgovcloudapi.net)");
        }
    }
    return {};
}

std::pair<std::string, std::string> split_first(std::string_view path) {
    auto slash = path.find('/');
    if (slash == std::string_view::npos) return {std::string(path), ""};
    return {std::string(path.substr(0, slash)), std::string(path.substr(slash + 1))};
}

// The display is read back as a URL (logs, the summary, `check`): a decoded '%', '?' or '#' in
// the object name would change its meaning there, so those three stay escaped. The rest is
// shown decoded, as the user wrote it.
std::string displayed_path(std::string_view path) {
    std::string out;
    for (char c : path) {
        if (c == '%')
            out += "%25";
        else if (c == '?')
            out += "%3F";
        else if (c == '#')
            out += "%23";
        else
            out += c;
    }
    return out;
}

Destination storage_destination(StorageLocation location) {
    check_account(location.account);
    check_container(location.container);
    check_object_path(location.path);
    Destination d;
    d.kind = DestinationKind::storage;
    d.storage = std::move(location);
    const auto& s = d.storage;
    d.display = s.endpoint == StorageEndpoint::path_style
                    ? s.scheme + "://" + s.host + "/" + s.account + "/" + s.container + "/" + displayed_path(s.path)
                    : s.scheme + "://" + s.host + "/" + s.container + "/" + displayed_path(s.path);
    return d;
}

}  // namespace

Destination parse_destination(std::string_view text) {
    if (text.empty()) fail("--dest is empty");
    if (text == "-") {
        Destination d;
        d.kind = DestinationKind::standard_output;
        d.display = "-";
        return d;
    }
    for (char c : text) {
        if (c == '\r' || c == '\n' || c == '\0') fail("--dest contains a line break or NUL byte");
    }
    auto sep = text.find("://");
    if (sep == std::string_view::npos) {
        Destination d;
        d.kind = DestinationKind::local_file;
        d.local_path = std::filesystem::path(std::string(text));
        if (text.back() == '/') fail("--dest '" + std::string(text) + "' names a folder; add a file name");
        d.display = std::string(text);
        return d;
    }
    std::string scheme(text.substr(0, sep));
    if (scheme == "file") {
        std::string_view rest = text.substr(sep + 3);
        if (rest.rfind("localhost/", 0) == 0) rest.remove_prefix(9);
        if (rest.empty() || rest.front() != '/') fail("a file:// URL needs an absolute path: file:///path/to/file.csv");
        if (rest.back() == '/') fail("--dest '" + std::string(text) + "' names a folder; add a file name");
        Destination d;
        d.kind = DestinationKind::local_file;
        d.local_path = std::filesystem::path(std::string(rest));
        d.display = std::string(rest);
        return d;
    }
    Url url = split_destination_url(text);
    if (url.authority.find('@') != std::string::npos && scheme != "abfss" && scheme != "abfs") {
        fail("the destination URL must not contain credentials");
    }
    if (scheme == "abfss" || scheme == "abfs") {
        if (scheme == "abfs") fail("abfs:// is unencrypted; use abfss://");
        auto at = url.authority.find('@');
        if (at == std::string::npos) fail("an abfss URL reads abfss://FILESYSTEM@ACCOUNT.dfs.core.windows.net/PATH");
        AzureHost host = split_azure_host(url.authority.substr(at + 1));
        if (host.account.empty() || host.service != "dfs") fail("an abfss URL needs an ACCOUNT.dfs.<suffix> host");
        return storage_destination({StorageEndpoint::dfs, "https", url.authority.substr(at + 1), host.account,
                                    url.authority.substr(0, at), url.path, host.suffix});
    }
    if (scheme != "https" && scheme != "http") fail_scheme(scheme);
    AzureHost host = split_azure_host(url.authority);
    if (!host.account.empty()) {
        if (scheme != "https") fail("Azure Storage endpoints need https://");
        auto [container, path] = split_first(url.path);
        return storage_destination({host.service == "dfs" ? StorageEndpoint::dfs : StorageEndpoint::blob, scheme,
                                    url.authority, host.account, container, path, host.suffix});
    }
    if (!is_loopback_host(url.authority)) {
        fail("'" + url.authority +
             "' is not an Azure Storage host (ACCOUNT.dfs|blob.core.windows.net); path-style URLs "
             "(http(s)://HOST:PORT/ACCOUNT/CONTAINER/PATH) are accepted for loopback emulators only");
    }
    auto [account, rest] = split_first(url.path);
    auto [container, path] = split_first(rest);
    return storage_destination({StorageEndpoint::path_style, scheme, url.authority, account, container, path, ""});
}

}  // namespace pe::cli
