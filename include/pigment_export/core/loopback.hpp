#pragma once
// The one rule for where plain http:// is allowed (test servers and emulators on this machine):
// an IPv4 literal in 127.0.0.0/8, the IPv6 literal ::1, or the name "localhost" or a name under
// it ("kv1.vault.localhost", which libcurl resolves to loopback itself). Every caller
// that lets a credential or a secret travel without TLS asks this function and no other.
#include <string_view>

namespace pe {

// Accepts "host", "host:port", "[v6]", "[v6]:port" or a bare IPv6 literal. A name that merely
// starts with "127." ("127.evil.example") is a public DNS name and is not loopback.
bool is_loopback_host(std::string_view host);

}  // namespace pe
