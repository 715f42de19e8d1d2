#pragma once
// Where the CSV goes, parsed from --dest after placeholders are expanded.
#include <filesystem>
#include <string>

namespace pe {

enum class DestinationKind { local_file, standard_output, storage };
enum class StorageEndpoint { dfs, blob, path_style };

struct StorageLocation {
    StorageEndpoint endpoint = StorageEndpoint::blob;
    std::string scheme = "https";  // "https", or "http" for loopback emulators only
    std::string host;              // host[:port] as given, e.g. acct.dfs.core.windows.net
    std::string account;
    std::string container;        // the blob container or the DFS filesystem
    std::string path;             // object path inside the container, unencoded, no leading '/'
    std::string endpoint_suffix;  // core.windows.net, core.chinacloudapi.cn, ...; empty for path-style
};

struct Destination {
    DestinationKind kind = DestinationKind::local_file;
    std::filesystem::path local_path;
    StorageLocation storage;
    std::string display;  // the destination as shown to users (never carries a secret)
};

}  // namespace pe
