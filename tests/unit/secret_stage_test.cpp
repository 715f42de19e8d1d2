#include <catch2/catch.hpp>

#include "pigment_export/app/secret_stage.hpp"

using namespace pe;

TEST_CASE("describe_key_source names the source without the key", "[app]") {
    Config c;
    c.secret.api_key_from_env = true;
    CHECK(describe_key_source(c) == "environment variable PIGMENT_API_KEY");
    c.secret.api_key_file = "/run/secrets/pigment";
    CHECK(describe_key_source(c) == "file /run/secrets/pigment");
    c.secret.key_vault_url = "https://kv.vault.azure.net";
    c.secret.secret_name = "pigment-key";
    CHECK(describe_key_source(c) == "Key Vault https://kv.vault.azure.net/secrets/pigment-key");
    c.secret.secret_version = "0123456789abcdef0123456789abcdef";
    CHECK(describe_key_source(c) ==
          "Key Vault https://kv.vault.azure.net/secrets/pigment-key/0123456789abcdef0123456789abcdef");
}
