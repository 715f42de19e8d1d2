#pragma once
// The server-side expiry of a DFS temporary path: the last safety net when a run is killed and
// no later run comes to reclaim its temporary. Set Blob Expiry (PUT ?comp=expiry, served by the
// blob endpoint of the same account) exists only on accounts with a hierarchical namespace; on
// others the service refuses it with HierarchicalNamespaceNotEnabled and the lease alone marks
// an abandoned temporary. Whether an expiry moves with a renamed path is undocumented, so the
// sink clears it before the rename and checks the final path afterwards. Pure functions.
#include <chrono>
#include <string>
#include <string_view>

#include "pigment_export/http/client.hpp"

namespace pe::storage {

// Longer than any export runs (its tokens and the API key would lapse first), short enough that
// quota held by a killed run's temporary comes back within the week, like uncommitted blocks.
inline constexpr std::chrono::hours kTemporaryExpiry{7 * 24};

enum class ExpiryMode { expire_after_temporary_lifetime, never };

// The Set Blob Expiry request for `url` (a blob-endpoint URL of the path), holding `lease_id`
// when the path is leased.
http::Request expiry_request(std::string url, ExpiryMode mode, std::string_view lease_id);

enum class ExpiryReply { applied, no_hierarchical_namespace, failed };

// What a reply to expiry_request() means for the run.
ExpiryReply classify_expiry_reply(int status, std::string_view error_code);

// True when a path's properties (a HEAD reply) still announce an expiry.
bool announces_expiry(const http::Headers& headers);

}  // namespace pe::storage
