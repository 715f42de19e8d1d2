#include <vector>

#include "pigment_export/azure/azure_cli_credential.hpp"
#include "pigment_export/azure/caching_credential.hpp"
#include "pigment_export/azure/chained_credential.hpp"
#include "pigment_export/azure/client_secret_credential.hpp"
#include "pigment_export/azure/cloud.hpp"
#include "pigment_export/azure/credential_unavailable.hpp"
#include "pigment_export/azure/managed_identity_source.hpp"
#include "pigment_export/azure/token_credential.hpp"
#include "pigment_export/azure/workload_identity_credential.hpp"
#include "pigment_export/core/failure.hpp"

namespace pe::azure {

namespace {

struct Context {
    const SecretSettings& settings;
    const NetworkSettings& network;
    const EnvLookup& env;
    std::string client_id;
    std::string authority;
};

std::string missing(const Context& ctx, const std::vector<std::string>& names) {
    std::string out;
    for (const auto& name : names) {
        bool set = name == "AZURE_CLIENT_ID" ? !ctx.client_id.empty() : ctx.env(name).has_value();
        if (!set) out += (out.empty() ? "" : ", ") + name;
    }
    return out;
}

EntraApp entra_app(const Context& ctx) {
    return {ctx.authority, ctx.env("AZURE_TENANT_ID").value_or(""), ctx.client_id};
}

// Each returns the source, or an UnconfiguredCredential saying which variables are missing.
std::unique_ptr<TokenCredential> client_secret_source(const Context& ctx) {
    std::string absent = missing(ctx, {"AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET"});
    if (!absent.empty()) {
        return std::make_unique<UnconfiguredCredential>("client secret", absent + " not set",
                                                        "set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET");
    }
    return std::make_unique<ClientSecretCredential>(entra_app(ctx), Secret(*ctx.env("AZURE_CLIENT_SECRET")),
                                                    ctx.network);
}

std::unique_ptr<TokenCredential> workload_identity_source(const Context& ctx) {
    std::string absent = missing(ctx, {"AZURE_FEDERATED_TOKEN_FILE", "AZURE_TENANT_ID", "AZURE_CLIENT_ID"});
    if (!absent.empty()) {
        return std::make_unique<UnconfiguredCredential>(
            "workload identity", absent + " not set",
            "label the pod azure.workload.identity/use=true and annotate its service account with the client id");
    }
    return std::make_unique<WorkloadIdentityCredential>(entra_app(ctx), *ctx.env("AZURE_FEDERATED_TOKEN_FILE"),
                                                        ctx.network);
}

std::unique_ptr<TokenCredential> managed_identity_source(const Context& ctx, bool in_chain) {
    ManagedIdentityOptions options;
    options.id = ManagedIdentityId::from_setting(ctx.client_id);
    options.network = ctx.network;
    options.in_chain = in_chain;
    return make_managed_identity_credential(ctx.env, options);
}

// An explicitly chosen source must be usable: asking for it and getting "unavailable" is an error.
std::unique_ptr<TokenCredential> required(std::unique_ptr<TokenCredential> source) {
    if (const auto* unavailable = dynamic_cast<const UnconfiguredCredential*>(source.get())) {
        throw Failure(Stage::secret, unavailable->name() + ": " + unavailable->reason(), unavailable->hint());
    }
    return source;
}

std::unique_ptr<TokenCredential> make_source(const Context& ctx) {
    switch (ctx.settings.credential) {
        case CredentialKind::client_secret:
            return required(client_secret_source(ctx));
        case CredentialKind::workload_identity:
            return required(workload_identity_source(ctx));
        case CredentialKind::managed_identity:
            return required(managed_identity_source(ctx, false));
        case CredentialKind::azure_cli:
            return std::make_unique<AzureCliCredential>();
        case CredentialKind::automatic:
            break;
    }
    std::vector<std::unique_ptr<TokenCredential>> chain;
    chain.push_back(client_secret_source(ctx));
    chain.push_back(workload_identity_source(ctx));
    chain.push_back(managed_identity_source(ctx, true));
    chain.push_back(std::make_unique<AzureCliCredential>());
    return std::make_unique<ChainedCredential>(std::move(chain));
}

}  // namespace

std::shared_ptr<TokenCredential> make_credential(const SecretSettings& settings, const NetworkSettings& network,
                                                 const EnvLookup& env) {
    Context ctx{settings, network, env, settings.client_id,
                cloud_endpoints(settings.key_vault_url, env).authority_host};
    if (ctx.client_id.empty()) {
        ctx.client_id = env("AZURE_CLIENT_ID").value_or("");
    }
    return std::make_shared<CachingCredential>(make_source(ctx));
}

}  // namespace pe::azure
