// Azure Arc (IDENTITY_ENDPOINT + IMDS_ENDPOINT): the challenge, the key file, the token; then Key Vault.
// Both clients read key files only from /var/opt/azcmagent/tokens/. The SDK's folder is pointed at
// the fake's (MSAL keeps it in an exported object; the same module instance the SDK loads), the
// binary's cannot be, so the binary is compared on the challenge request only.
import path from "node:path";
import { pathToFileURL } from "node:url";
import { managedIdentityCase } from "./lib/identity_case.mjs";
import { repoRoot } from "./lib/stack.mjs";

const arc = await import(
  pathToFileURL(path.join(repoRoot, "node_modules/@azure/msal-node/dist/client/ManagedIdentitySources/AzureArc.mjs")).href
);

managedIdentityCase({
  source: "arc",
  env: (stack) => ({ IDENTITY_ENDPOINT: stack.url("arc"), IMDS_ENDPOINT: stack.url("arc", stack.info.arc.imds_endpoint) }),
  setup: (stack) => {
    arc.SUPPORTED_AZURE_ARC_PLATFORMS.linux = `${stack.info.arc.key_dir}/`;
  },
  toolOperations: ["arc.challenge"],
  toolGetsSecret: false,
});
