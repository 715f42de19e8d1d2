#pragma once
// Key Vault's 401 challenge, `WWW-Authenticate: Bearer authorization="https://login.windows.net/<tenant>",
// resource="https://vault.azure.net"` (variants say authorization_uri and scope), read and
// checked the way the Azure SDKs do before they fetch a token for it: the resource must be
// in the vault's own domain, so a vault (or whatever answers in its place) cannot make us
// mint a token for another service and hand it over.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace pe::azure {

// Real challenges are a few hundred bytes.
inline constexpr std::size_t kMaxChallengeBytes = 4096;

struct BearerChallenge {
    std::string authorization;  // authorization=, else authorization_uri=
    std::string resource;       // resource=, else scope= without its "/.default"
    std::string tenant;         // the first path segment of authorization (may be empty)
};

// Pure. nullopt for a header that is not a Bearer challenge, is longer than
// kMaxChallengeBytes, holds a control character, or ends inside a quoted value. Parameter
// names are case-insensitive, values quoted (with \-escapes) or bare, in any spacing; unknown
// parameters are skipped and the first of a repeated one wins.
std::optional<BearerChallenge> parse_bearer_challenge(std::string_view header);

// Pure. Why a token must not be fetched for this challenge on behalf of the vault at
// `vault_hostname` (lower-case, without port), or nullopt when it may: the resource is an
// https origin whose host has at least two labels and is a parent domain of the vault's host
// (the SDKs' rule: "<vault>.vault.azure.net" ends with ".vault.azure.net"); the tenant, when
// named, is a GUID or a domain name from an https authorization URL.
std::optional<std::string> challenge_problem(const BearerChallenge& challenge, std::string_view vault_hostname);

}  // namespace pe::azure
