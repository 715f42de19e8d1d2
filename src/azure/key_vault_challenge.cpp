#include "pigment_export/azure/key_vault_challenge.hpp"

#include <algorithm>

#include "pigment_export/core/text.hpp"
#include "pigment_export/core/url.hpp"

namespace pe::azure {

namespace {

bool is_space(char c) {
    return c == ' ' || c == '\t';
}

// RFC 9110 tchar: what a scheme or parameter name is made of.
bool is_tchar(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_hex(char c) {
    return std::isxdigit(static_cast<unsigned char>(c)) != 0;
}

bool is_guid(std::string_view text) {
    if (text.size() != 36) return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? text[i] != '-' : !is_hex(text[i])) return false;
    }
    return true;
}

// Letters, digits and inner hyphens in each label, at least two labels: "vault.azure.net".
bool is_domain_name(std::string_view text) {
    if (text.empty() || text.size() > 253 || text.find('.') == std::string_view::npos) return false;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t dot = std::min(text.find('.', start), text.size());
        std::string_view label = text.substr(start, dot - start);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-' ||
            !std::all_of(label.begin(), label.end(),
                         [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-'; })) {
            return false;
        }
        start = dot + 1;
    }
    return true;
}

struct HttpsUrl {
    std::string hostname;  // lower-case, without port
    std::string_view path;
};

// "https://host[:port][/path]" without user info, query, fragment or backslash, and a port of digits.
std::optional<HttpsUrl> parse_https(std::string_view url) {
    auto parts = split_url(url);
    if (!parts || !ascii_iequals(parts->scheme, "https") || parts->has_query || parts->has_fragment ||
        url.size() <= std::string_view("https://").size()) {
        return std::nullopt;
    }
    std::string_view authority = parts->authority;
    if (url.find_first_of("@\\") != std::string_view::npos) return std::nullopt;
    if (auto colon = authority.find(':'); colon != std::string_view::npos) {
        std::string_view port = authority.substr(colon + 1);
        if (port.empty() || port.size() > 5 ||
            !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
            return std::nullopt;
        }
        authority = authority.substr(0, colon);
    }
    return HttpsUrl{ascii_lower(authority), parts->path};
}

// The first path segment of the authorization URI: https://login.microsoftonline.com/TENANT.
std::string tenant_of(std::string_view authorization) {
    auto parts = split_url(authorization);
    if (!parts || parts->path.empty()) return {};
    std::string_view path = parts->path.substr(1);
    return std::string(path.substr(0, path.find('/')));
}

// The auth-params after the scheme: name=value pairs separated by commas and spaces.
class ParamReader {
public:
    explicit ParamReader(std::string_view text) : text_(text) {}

    // false at the end of this challenge (the end of the header, or the next scheme).
    bool next(std::string_view& name, std::string& value, bool& malformed) {
        while (pos_ < text_.size() && (is_space(text_[pos_]) || text_[pos_] == ',')) ++pos_;
        std::size_t start = pos_;
        while (pos_ < text_.size() && is_tchar(text_[pos_])) ++pos_;
        name = text_.substr(start, pos_ - start);
        if (name.empty()) {
            malformed = pos_ < text_.size();
            return false;
        }
        while (pos_ < text_.size() && is_space(text_[pos_])) ++pos_;
        if (pos_ >= text_.size() || text_[pos_] != '=') return false;  // a token alone: the next challenge's scheme
        ++pos_;
        while (pos_ < text_.size() && is_space(text_[pos_])) ++pos_;
        value.clear();
        if (pos_ < text_.size() && text_[pos_] == '"') {
            return read_quoted(value, malformed);
        }
        while (pos_ < text_.size() && !is_space(text_[pos_]) && text_[pos_] != ',') value.push_back(text_[pos_++]);
        return true;
    }

private:
    bool read_quoted(std::string& value, bool& malformed) {
        for (++pos_; pos_ < text_.size(); ++pos_) {
            char c = text_[pos_];
            if (c == '"') {
                ++pos_;
                return true;
            }
            if (c == '\\' && ++pos_ >= text_.size()) break;
            value.push_back(text_[pos_]);
        }
        malformed = true;
        return false;
    }

    std::string_view text_;
    std::size_t pos_ = 0;
};

}  // namespace

std::optional<BearerChallenge> parse_bearer_challenge(std::string_view header) {
    if (header.size() > kMaxChallengeBytes || std::any_of(header.begin(), header.end(), [](char c) {
            return (static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f;
        })) {
        return std::nullopt;
    }
    while (!header.empty() && is_space(header.front())) header.remove_prefix(1);
    constexpr std::string_view kScheme = "Bearer";
    if (header.size() < kScheme.size() || !ascii_iequals(header.substr(0, kScheme.size()), kScheme) ||
        (header.size() > kScheme.size() && !is_space(header[kScheme.size()]))) {
        return std::nullopt;
    }
    std::string authorization, authorization_uri, resource, scope;
    auto keep_first = [](std::string& slot, std::string& value) {
        if (slot.empty()) slot = std::move(value);
    };
    ParamReader reader(header.substr(kScheme.size()));
    std::string_view name;
    std::string value;
    bool malformed = false;
    while (reader.next(name, value, malformed)) {
        if (ascii_iequals(name, "authorization"))
            keep_first(authorization, value);
        else if (ascii_iequals(name, "authorization_uri"))
            keep_first(authorization_uri, value);
        else if (ascii_iequals(name, "resource"))
            keep_first(resource, value);
        else if (ascii_iequals(name, "scope"))
            keep_first(scope, value);
    }
    if (malformed) return std::nullopt;
    BearerChallenge out;
    out.authorization = authorization.empty() ? std::move(authorization_uri) : std::move(authorization);
    out.resource = std::move(resource);
    constexpr std::string_view kDefault = "/.default";
    if (out.resource.empty() && scope.size() > kDefault.size() && scope.ends_with(kDefault)) {
        out.resource = scope.substr(0, scope.size() - kDefault.size());
    } else if (out.resource.empty()) {
        out.resource = std::move(scope);  // a scope that is not "<resource>/.default": refused by challenge_problem
    }
    out.tenant = tenant_of(out.authorization);
    return out;
}

std::optional<std::string> challenge_problem(const BearerChallenge& challenge, std::string_view vault_hostname) {
    if (challenge.resource.empty()) {
        return std::string("it names no resource");
    }
    auto resource = parse_https(challenge.resource);
    if (!resource || (!resource->path.empty() && resource->path != "/")) {
        return "its resource " + challenge.resource + " is not an https origin";
    }
    if (!is_domain_name(resource->hostname) || !vault_hostname.ends_with("." + resource->hostname)) {
        return "its resource " + challenge.resource + " is not in the domain of the vault's host " +
               std::string(vault_hostname);
    }
    if (!challenge.authorization.empty() && !parse_https(challenge.authorization)) {
        return "its authorization " + challenge.authorization + " is not an https URL";
    }
    if (!challenge.tenant.empty() && !is_guid(challenge.tenant) && !is_domain_name(challenge.tenant)) {
        return "its tenant " + challenge.tenant + " is neither a GUID nor a domain name";
    }
    return std::nullopt;
}

}  // namespace pe::azure
