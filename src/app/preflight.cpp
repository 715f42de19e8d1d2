#include "pigment_export/app/preflight.hpp"

#include <cstdio>
#include <functional>
#include <optional>

#include "pigment_export/app/run_timeout.hpp"
#include "pigment_export/app/secret_stage.hpp"
#include "pigment_export/core/crc64.hpp"
#include "pigment_export/core/failure.hpp"
#include "pigment_export/core/log.hpp"
#include "pigment_export/pigment/export_client.hpp"
#include "pigment_export/storage/sink_factory.hpp"

namespace pe {

namespace {

class Checklist {
public:
    // Runs one check (whose failures belong to `stage`) and prints its line; returns whether it
    // passed, so the caller can skip the checks that depend on it.
    bool check(const std::string& name, Stage stage, const std::function<std::string()>& body) {
        std::string line;
        try {
            log::set_stage(stage);
            std::string detail = body();
            line = "ok      " + name + (detail.empty() ? "" : ": " + detail);
        } catch (const Failure& f) {
            Failure charged(charge_timeout_to(stage, f.info()));
            if (!first_failure_) first_failure_ = charged.stage();
            line = "failed  " + name + ": " + charged.what();
            print(line);
            return false;
        }
        print(line);
        return true;
    }

    void skip(const std::string& name, const std::string& why) { print("skipped " + name + ": " + why); }

    int exit_code_value() const { return first_failure_ ? exit_code(*first_failure_) : 0; }

private:
    static void print(const std::string& line) {
        std::string out = line + "\n";
        std::fputs(out.c_str(), stdout);
        std::fflush(stdout);
    }
    std::optional<Stage> first_failure_;
};

// A one-byte probe that is never committed: it proves create/write (and for DFS delete)
// permission and that the container exists, and leaves nothing behind.
std::string probe_destination(const Config& config, const EnvLookup& env, LazyCredential& credential) {
    auto sink = make_sink(config, env, [&] { return credential.storage_token(); });
    try {
        sink->open();
        static const char kProbe = '\n';
        sink->upload(0, ChunkView{0, 0, &kProbe, 1, crc64(&kProbe, 1)});
    } catch (...) {
        sink->abort();
        throw;
    }
    sink->abort();
    return config.destination.display + " is writable (compression " +
           describe_compression(config.transfer.compression) + ")";
}

}  // namespace

int run_preflight(const Config& config, const EnvLookup& env, LazyCredential& credential) {
    // --timeout bounds the whole check, as it bounds a whole export.
    RunTimeout timeout(config.network.total_timeout);
    Checklist list;
    bool key_vault = !config.secret.key_vault_url.empty();
    bool storage_bearer = storage_needs_token(config, env);

    bool credential_ok = true;
    if (key_vault || storage_bearer) {
        credential_ok = list.check("credential", Stage::secret, [&] {
            std::string got = credential.get().name();
            if (storage_bearer) {
                credential.storage_token();
                got += ", storage token";
            }
            return got;
        });
    } else {
        list.skip("credential", "no Azure credential is needed (key from " + describe_key_source(config) + ")");
    }

    std::optional<Secret> key;
    if (!key_vault || credential_ok) {
        list.check("secret", Stage::secret, [&] {
            key = obtain_api_key(config, env, [&]() -> azure::TokenCredential& { return credential.get(); });
            return describe_key_source(config);
        });
    } else {
        list.skip("secret", "the credential failed");
    }

    if (key) {
        list.check("pigment", Stage::export_, [&] {
            pigment::ExportClient(config.export_, config.network, config.transfer.max_retries).probe(*key);
            return std::string("the key may export ") + block_type_name(config.export_.block_type) + " " +
                   config.export_.block_id;
        });
    } else {
        list.skip("pigment", "no API key");
    }

    if (config.destination.kind == DestinationKind::standard_output) {
        list.skip("destination", "stdout needs no check");
    } else if (storage_bearer && !credential_ok) {
        list.skip("destination", "the credential failed");
    } else {
        list.check("destination", Stage::store, [&] { return probe_destination(config, env, credential); });
    }
    log::clear_stage();
    return list.exit_code_value();
}

}  // namespace pe
