#include "pigment_export/app/dry_run_plan.hpp"

#include "pigment_export/app/secret_stage.hpp"
#include "pigment_export/core/size_text.hpp"
#include "pigment_export/pigment/export_request.hpp"

namespace pe {

namespace {

const char* credential_name(CredentialKind kind) {
    switch (kind) {
        case CredentialKind::managed_identity:
            return "managed-identity";
        case CredentialKind::workload_identity:
            return "workload-identity";
        case CredentialKind::client_secret:
            return "client-secret";
        case CredentialKind::azure_cli:
            return "azure-cli";
        case CredentialKind::automatic:
            break;
    }
    return "auto";
}

std::string storage_description(const Config& c) {
    const auto& d = c.destination;
    switch (d.kind) {
        case DestinationKind::standard_output:
            return "stdout (in order; a failed run is signalled by the exit code only)";
        case DestinationKind::local_file:
            return "local file " + d.local_path.string() + " (temporary file beside it, fsync, rename)";
        case DestinationKind::storage:
            break;
    }
    bool dfs = c.transfer.storage_api == StorageApi::dfs ||
               (c.transfer.storage_api == StorageApi::automatic && d.storage.endpoint == StorageEndpoint::dfs);
    return d.display + (dfs ? " via the DFS API (temporary path, parallel append, flush with MD5, rename)"
                            : " via the Blob API (parallel Put Block, Put Block List with MD5)");
}

}  // namespace

std::string describe_plan(const Config& c) {
    auto request = pigment::build_export_request(c.export_);
    std::string plan = "dry run: no network call was made\n";
    plan += "  1 secret  " + describe_key_source(c);
    if (!c.secret.key_vault_url.empty()) {
        plan += std::string(" (credential ") + credential_name(c.secret.credential) +
                (c.secret.client_id.empty() ? "" : ", client id " + c.secret.client_id) + ")";
    }
    plan += "\n  2 export  " + request.method + " " + request.url;
    if (!request.body.empty()) plan += "  body " + request.body;
    plan += "\n  3 store   " + storage_description(c);
    plan += "\n            chunk " + format_size(c.transfer.chunk_size) + " x " + std::to_string(c.transfer.parallel) +
            " in flight, " + (c.transfer.overwrite ? "overwrite" : "no overwrite") +
            (c.transfer.if_changed ? " if changed (same length and MD5: nothing written)" : "") + ", up to " +
            std::to_string(c.transfer.max_retries) + " retries per request\n";
    plan += "            compression " + describe_compression(c.transfer.compression) + "\n";
    return plan;
}

}  // namespace pe
