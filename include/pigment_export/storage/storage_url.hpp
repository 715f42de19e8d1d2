#pragma once
// Where requests for a storage destination go: the API in use, the host after any
// .dfs. ↔ .blob. swap, and the percent-encoded request paths. Pure functions.
#include <cstdint>
#include <string>
#include <string_view>

#include "pigment_export/core/config.hpp"
#include "pigment_export/core/destination.hpp"

namespace pe::storage {

enum class Api { dfs, blob };

struct Target {
    Api api = Api::blob;
    std::string scheme;       // "https", or "http" for loopback emulators
    std::string host;         // host[:port] the requests go to
    bool path_style = false;  // the account is the first path segment (emulators)
    std::string account;
    std::string container;  // blob container or DFS filesystem
    std::string path;       // object path inside the container, unencoded
};

// Picks the API (automatic: DFS for a .dfs. host, Blob otherwise) and swaps the host to the
// chosen API's endpoint. Throws Failure (store) for an unusable location.
Target resolve_target(const StorageLocation& location, StorageApi requested);

// Percent-encodes each '/'-separated segment; the separators stay.
std::string encode_path(std::string_view path);

// "/[account/]container/encoded/path", as sent on the request line and signed by Shared Key.
std::string request_path(const Target& target, std::string_view object_path);
// scheme://host + request_path(...)
std::string object_url(const Target& target, std::string_view object_path);
// object_url() on the account's blob endpoint, for the few Blob operations a DFS path needs
// (Set Blob Expiry): ACCOUNT.dfs.SUFFIX becomes ACCOUNT.blob.SUFFIX; any other host (an
// emulator, a private endpoint's own name) is kept, as the official SDKs keep it.
std::string blob_endpoint_url(const Target& target, std::string_view object_path);

// A hidden sibling of `object_path` in the same folder: "dir/.name.pigment-tmp-<suffix>".
std::string temporary_sibling(std::string_view object_path, std::string_view suffix);

// Block ids share one encoded length (the service requires it): base64 of the run tag and the
// zero-padded chunk index. `run_tag` keeps concurrent runs on one blob from mixing blocks.
std::string block_id(std::string_view run_tag, std::uint64_t index);

// The service's cap on committed blocks per blob.
inline constexpr std::uint64_t kMaxBlocks = 50'000;

}  // namespace pe::storage
