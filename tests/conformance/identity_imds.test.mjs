// IMDS (AZURE_POD_IDENTITY_AUTHORITY_HOST names the fake): the SDK and the binary, then Key Vault.
import { managedIdentityCase } from "./lib/identity_case.mjs";

managedIdentityCase({
  source: "imds",
  env: (stack) => ({ AZURE_POD_IDENTITY_AUTHORITY_HOST: stack.url("imds") }),
  userAssigned: true,
  toolOperations: ["imds.token"],
});
