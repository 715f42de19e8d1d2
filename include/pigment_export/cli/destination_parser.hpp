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

}  // namespace pe::cli
