#include "pigment_export/azure/entra_errors.hpp"

#include <nlohmann/json.hpp>

#include <regex>
#include <string>

#include "pigment_export/core/json_limits.hpp"
#include "pigment_export/core/text.hpp"
#include "pigment_export/http/service_trace.hpp"

namespace pe::azure {

namespace {

struct KnownCode {
    std::string_view code;
    std::string_view hint;
};

constexpr KnownCode kHints[] = {
    {"AADSTS7000215", "the client secret is wrong: use the secret's value, not its id (AZURE_CLIENT_SECRET)"},
    {"AADSTS7000222", "the client secret has expired: create a new one for the app registration"},
    {"AADSTS700016", "no app with this client id in the tenant: check AZURE_CLIENT_ID and AZURE_TENANT_ID"},
    {"AADSTS90002", "the tenant does not exist: check AZURE_TENANT_ID and AZURE_AUTHORITY_HOST (sovereign cloud?)"},
    {"AADSTS900023", "the tenant id is malformed: check AZURE_TENANT_ID"},
    {"AADSTS70021",
     "no federated credential matches the token's issuer/subject: check the app's federated credentials "
     "against the service account"},
    {"AADSTS700024", "the federated token has expired: check that AZURE_FEDERATED_TOKEN_FILE is refreshed"},
    {"AADSTS700211", "no federated credential matches the token's issuer: check the cluster's OIDC issuer URL"},
    {"AADSTS500011", "the resource is unknown in this tenant or cloud: check AZURE_AUTHORITY_HOST"},
    {"AADSTS53003", "a Conditional Access policy blocked the sign-in: ask your Entra admin"},
};

}  // namespace

std::string aadsts_code(std::string_view body) {
    nlohmann::json json = parse_bounded_json(body);
    if (json.is_discarded() || !json.is_object()) {
        return {};
    }
    auto codes = json.find("error_codes");
    if (codes != json.end() && codes->is_array() && !codes->empty() && codes->front().is_number_integer()) {
        return "AADSTS" + std::to_string(codes->front().get<long long>());
    }
    auto description = json.find("error_description");
    if (description != json.end() && description->is_string()) {
        static const std::regex re(R"(AADSTS\d+)");
        std::smatch m;
        // Bounded: std::regex recurses per character matched.
        const std::string text = description->get_ref<const std::string&>().substr(0, 1024);
        if (std::regex_search(text, m, re)) return m.str();
    }
    return {};
}

Failure entra_failure(int status, const http::Headers& headers, std::string_view body, std::string_view source,
                      std::string_view host) {
    std::string code = aadsts_code(body);
    nlohmann::json json = parse_bounded_json(body);
    std::string description = first_line(string_member(json, "error_description"));
    if (code.empty()) code = string_member(json, "error");
    std::string hint = "check the app registration, AZURE_TENANT_ID and AZURE_CLIENT_ID";
    for (const auto& known : kHints) {
        if (known.code == code) hint = std::string(known.hint);
    }
    if (status == 429 || status >= 500) {
        hint = "Entra ID is throttling or unwell; retry later";
    }
    std::string message = std::string(source) + ": Entra ID at " + std::string(host) + " refused the token request";
    if (!description.empty()) message += " (" + description + ")";
    return Failure(http::with_service_trace(FailureInfo{Stage::secret, status, code, message, hint}, headers));
}

}  // namespace pe::azure
