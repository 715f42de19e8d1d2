#include "pigment_export/storage/storage_url.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

#include "pigment_export/core/base64.hpp"
#include "pigment_export/core/failure.hpp"
#include "pigment_export/core/loopback.hpp"
#include "pigment_export/core/url.hpp"

namespace pe::storage {

namespace {

// acct.dfs.core.windows.net → acct.blob.core.windows.net (and back); only the label right
// after the account name is an API label, so a suffix that happens to contain ".dfs." is safe.
std::string swap_api_label(const std::string& host, const std::string& account, std::string_view from,
                           std::string_view to) {
    std::string prefix = account + "." + std::string(from) + ".";
    if (host.rfind(prefix, 0) != 0) {
        throw Failure(Stage::store, "cannot switch " + host + " to the " + std::string(to) + " endpoint",
                      "use an account URL of the form ACCOUNT." + std::string(from) + ".SUFFIX");
    }
    return account + "." + std::string(to) + "." + host.substr(prefix.size());
}

}  // namespace

Target resolve_target(const StorageLocation& location, StorageApi requested) {
    Target target;
    target.scheme = location.scheme;
    target.host = location.host;
    target.account = location.account;
    target.container = location.container;
    target.path = location.path;

    if (target.scheme != "https" && target.scheme != "http") {
        throw Failure(Stage::store, "unsupported storage URL scheme '" + target.scheme + "'", "use https://");
    }
    // Shared Key signatures and SAS tokens would cross the network in clear text.
    if (target.scheme == "http" && !is_loopback_host(target.host)) {
        throw Failure(Stage::store, "http:// is accepted only for loopback emulators, not " + target.host,
                      "use https://");
    }
    if (target.host.empty() || target.account.empty() || target.container.empty()) {
        throw Failure(Stage::store, "the storage destination needs an account, a container and a path",
                      "e.g. https://ACCOUNT.blob.core.windows.net/CONTAINER/dir/file.csv");
    }
    if (target.path.empty() || target.path.back() == '/') {
        throw Failure(Stage::store, "the storage destination names a folder, not a file",
                      "end --dest with a file name, e.g. .../dir/export.csv");
    }

    switch (location.endpoint) {
        case StorageEndpoint::dfs:
            target.api = requested == StorageApi::blob ? Api::blob : Api::dfs;
            if (target.api == Api::blob) target.host = swap_api_label(target.host, target.account, "dfs", "blob");
            break;
        case StorageEndpoint::blob:
            target.api = requested == StorageApi::dfs ? Api::dfs : Api::blob;
            if (target.api == Api::dfs) target.host = swap_api_label(target.host, target.account, "blob", "dfs");
            break;
        case StorageEndpoint::path_style:
            target.path_style = true;
            target.api = requested == StorageApi::dfs ? Api::dfs : Api::blob;
            break;
    }
    return target;
}

std::string encode_path(std::string_view path) {
    std::string out;
    out.reserve(path.size() + 16);
    while (true) {
        auto slash = path.find('/');
        out += percent_encode(path.substr(0, slash));
        if (slash == std::string_view::npos) break;
        out.push_back('/');
        path.remove_prefix(slash + 1);
    }
    return out;
}

std::string request_path(const Target& target, std::string_view object_path) {
    std::string out;
    if (target.path_style) {
        out += "/" + percent_encode(target.account);
    }
    out += "/" + percent_encode(target.container);
    out += "/" + encode_path(object_path);
    return out;
}

std::string object_url(const Target& target, std::string_view object_path) {
    return target.scheme + "://" + target.host + request_path(target, object_path);
}

std::string blob_endpoint_url(const Target& target, std::string_view object_path) {
    std::string dfs_prefix = target.account + ".dfs.";
    std::string host = target.host;
    if (!target.path_style && host.rfind(dfs_prefix, 0) == 0) {
        host = swap_api_label(host, target.account, "dfs", "blob");
    }
    return target.scheme + "://" + host + request_path(target, object_path);
}

std::string temporary_sibling(std::string_view object_path, std::string_view suffix) {
    auto slash = object_path.rfind('/');
    std::string_view folder = slash == std::string_view::npos ? std::string_view{} : object_path.substr(0, slash + 1);
    std::string_view name = slash == std::string_view::npos ? object_path : object_path.substr(slash + 1);
    return std::string(folder) + "." + std::string(name) + ".pigment-tmp-" + std::string(suffix);
}

std::string block_id(std::string_view run_tag, std::uint64_t index) {
    std::array<char, 24> digits{};
    std::snprintf(digits.data(), digits.size(), "%016llu", static_cast<unsigned long long>(index));
    return base64_encode(std::string(run_tag) + digits.data());
}

}  // namespace pe::storage
