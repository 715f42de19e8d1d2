#include "pigment_export/azure/azure_cli_credential.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <ctime>
#include <regex>
#include <system_error>

#include "pigment_export/azure/credential_unavailable.hpp"
#include "pigment_export/azure/token_response.hpp"
#include "pigment_export/core/failure.hpp"
#include "pigment_export/core/json_limits.hpp"
#include "pigment_export/core/secret.hpp"
#include "pigment_export/core/text.hpp"

namespace pe::azure {

namespace {

constexpr const char* kLoginHint = "run `az login` (or `az login --identity`), or choose another --credential";

// expiresOn is local time without a zone: let mktime apply the local offset and DST.
std::optional<std::chrono::system_clock::time_point> parse_local_time(const std::string& text) {
    if (text.size() > 40) return std::nullopt;  // std::regex recurses per character
    static const std::regex re(R"(^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d+)?$)");
    std::smatch m;
    if (!std::regex_match(text, m, re)) return std::nullopt;
    std::tm tm{};
    tm.tm_year = std::stoi(m[1]) - 1900;
    tm.tm_mon = std::stoi(m[2]) - 1;
    tm.tm_mday = std::stoi(m[3]);
    tm.tm_hour = std::stoi(m[4]);
    tm.tm_min = std::stoi(m[5]);
    tm.tm_sec = std::stoi(m[6]);
    tm.tm_isdst = -1;
    std::time_t t = std::mktime(&tm);
    if (t == static_cast<std::time_t>(-1)) return std::nullopt;
    return std::chrono::system_clock::from_time_t(t);
}

}  // namespace

std::vector<std::string> azure_cli_arguments(const std::string& program, const TokenRequest& request) {
    std::vector<std::string> args = {program, "account",    "get-access-token", "--output",
                                     "json",  "--resource", request.resource};
    if (!request.tenant.empty()) {
        args.insert(args.end(), {"--tenant", request.tenant});
    }
    return args;
}

AccessToken parse_azure_cli_output(std::string_view json_text) {
    auto unusable = [](const std::string& why) {
        return Failure(Stage::secret, "Azure CLI: " + why,
                       "update the Azure CLI (2.54 or later) and run `az login` again");
    };
    nlohmann::json json = parse_bounded_json(json_text);
    if (json.is_discarded() || !json.is_object()) {
        throw unusable("`az account get-access-token` printed no JSON object");
    }
    auto token = json.find("accessToken");
    if (token == json.end() || !token->is_string() || token->get_ref<const std::string&>().empty()) {
        throw unusable("`az account get-access-token` printed no accessToken");
    }
    AccessToken result{Secret(std::move(token->get_ref<std::string&>())), {}};
    if (auto problem = access_token_problem(result.token.reveal())) {
        throw unusable("`az account get-access-token` printed an accessToken that " + *problem);
    }
    auto epoch = json.find("expires_on");
    if (epoch != json.end() && epoch->is_number_integer()) {
        if (auto when = epoch_expiry(epoch->get<long long>())) {
            result.expires_on = *when;
            return result;
        }
    }
    auto local = json.find("expiresOn");
    if (local != json.end() && local->is_string()) {
        if (auto when = parse_local_time(local->get<std::string>())) {
            result.expires_on = *when;
            return result;
        }
    }
    throw unusable("`az account get-access-token` printed no usable expiry");
}

void throw_azure_cli_failure(const ChildResult& result) {
    if (result.timed_out) {
        throw Failure(Stage::secret, "Azure CLI: `az account get-access-token` did not finish in time",
                      "run it by hand to see what it waits for (a prompt, a slow network)");
    }
    std::string err = first_line(result.err);
    if (result.exit_code == 127) {
        throw CredentialUnavailable("Azure CLI: `az` is not installed or not on PATH", kLoginHint);
    }
    if (result.err.find("az login") != std::string::npos || result.err.find("az account set") != std::string::npos) {
        throw CredentialUnavailable("Azure CLI: not logged in (" + err + ")", kLoginHint);
    }
    throw Failure(Stage::secret,
                  "Azure CLI: `az account get-access-token` failed with exit code " + std::to_string(result.exit_code) +
                      (err.empty() ? "" : ": " + err),
                  kLoginHint);
}

AzureCliCredential::AzureCliCredential(std::string program, std::chrono::milliseconds timeout)
    : program_(std::move(program)), timeout_(timeout) {}

AccessToken AzureCliCredential::get_token(const TokenRequest& request) {
    // Each goes into argv after its option: a leading '-' would make it an option of its own.
    auto plain = [](const std::string& text) {
        return (text.empty() || text.front() != '-') && std::all_of(text.begin(), text.end(), [](char c) {
                   return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' || c == '/' ||
                          c == '_';
               });
    };
    if (request.resource.empty() || !plain(request.resource) || !plain(request.tenant)) {
        throw Failure(Stage::internal, "Azure CLI: refusing an unusual resource or tenant name", {});
    }
    ChildResult result;
    try {
        result = run_child(azure_cli_arguments(program_, request), {"AZURE_CORE_NO_COLOR=true"}, timeout_);
    } catch (const std::system_error& e) {
        if (e.code().value() == ENOENT || e.code().value() == EACCES) {
            throw CredentialUnavailable("Azure CLI: `" + program_ + "` is not installed or not on PATH", kLoginHint);
        }
        throw Failure(Stage::secret, std::string("Azure CLI: cannot start `az`: ") + e.what(), kLoginHint);
    }
    if (result.exit_code != 0 || result.timed_out) {
        wipe(result.out);
        throw_azure_cli_failure(result);
    }
    try {
        AccessToken token = parse_azure_cli_output(result.out);
        wipe(result.out);
        return token;
    } catch (...) {
        wipe(result.out);
        throw;
    }
}

}  // namespace pe::azure
