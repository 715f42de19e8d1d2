// App Service 2019-08-01 (IDENTITY_ENDPOINT + IDENTITY_HEADER): the SDK and the binary, then Key Vault.
import { managedIdentityCase } from "./lib/identity_case.mjs";

managedIdentityCase({
  source: "app_service",
  env: (stack) => ({ IDENTITY_ENDPOINT: stack.url("app_service"), IDENTITY_HEADER: stack.info.app_service.identity_header }),
  userAssigned: true,
  toolOperations: ["app_service.token"],
});
