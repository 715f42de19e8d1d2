#pragma once
// --dest after placeholder expansion → Destination (pure). Throws std::invalid_argument.
//   -                                              stdout
//   PATH, file:///PATH                             local file
//   abfss://FS@ACCOUNT.dfs.SUFFIX/PATH             ADLS Gen2 (DFS)
//   https://ACCOUNT.dfs.SUFFIX/FS/PATH             ADLS Gen2 (DFS)
//   https://ACCOUNT.blob.SUFFIX/CONTAINER/PATH     Blob
//   http(s)://HOST:PORT/ACCOUNT/CONTAINER/PATH     emulator (path-style), loopback hosts
#include <string_view>

#include "pigment_export/core/destination.hpp"

namespace pe::cli {

Destination parse_destination(std::string_view text);

// True for localhost, 127.0.0.0/8 and [::1], with or without a port.
bool is_loopback_host(std::string_view host_and_port);

}  // namespace pe::cli
