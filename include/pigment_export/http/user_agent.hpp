#pragma once
// The User-Agent every request carries, so a service's logs (and Azure support) can tell this
// tool and its version from other callers: "pigment-export/0.1.0 (Linux; x86_64)".
#include <string>
#include <string_view>

namespace pe::http {

// Pure: the header value for a version, an OS name and a machine name (uname's sysname and
// machine). Anything outside [A-Za-z0-9._-] in them becomes '_', so the value is always a
// valid header value whatever the kernel reports.
std::string user_agent_for(std::string_view version, std::string_view os, std::string_view arch);

// This build's version on this machine (uname, read once).
const std::string& user_agent();

}  // namespace pe::http
