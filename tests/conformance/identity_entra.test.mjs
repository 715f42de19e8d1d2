// Entra ID: ClientSecretCredential and WorkloadIdentityCredential against the fake token endpoint
// (over https: MSAL refuses an http authority), and the binary's token requests compared.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ClientSecretCredential, WorkloadIdentityCredential } from "@azure/identity";
import { Stack } from "./lib/stack.mjs";
import { assertSameRequests, audience } from "./lib/expect.mjs";

let stack;
let dir;
let entra;
before(async () => {
  stack = await Stack.start();
  entra = stack.info.entra;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "pe-conf-"));
  fs.writeFileSync(path.join(dir, "federated-token"), entra.federated_token);
});
after(async () => {
  await stack.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

// The SDK asks the authority's discovery document before the token; instance discovery (a call to
// login.microsoftonline.com) is off, as it must be for any authority outside Microsoft's list.
const sdkOptions = () => ({ authorityHost: stack.url("entra"), disableInstanceDiscovery: true });

async function toolRun(credential, env) {
  const mark = stack.recorders.entra.mark();
  const run = await stack.runTool(
    [...stack.toolArgs(), "--credential", credential, "--key-vault-url", stack.url("key_vault"),
     "--secret-name", stack.info.key_vault.secret, "--dest", path.join(dir, `${credential}.csv`)],
    { AZURE_AUTHORITY_HOST: stack.url("entra"), AZURE_TENANT_ID: entra.tenant, AZURE_CLIENT_ID: entra.client_id, ...env },
  );
  assert.equal(run.code, 0, run.stderr);
  return stack.recorders.entra.since(mark);
}

test("client secret: ClientSecretCredential gets a token; the binary's token request matches", async () => {
  const mark = stack.recorders.entra.mark();
  const credential = new ClientSecretCredential(entra.tenant, entra.client_id, entra.client_secret, sdkOptions());
  assert.equal(audience((await credential.getToken("https://vault.azure.net/.default")).token), "https://vault.azure.net");
  const sdk = stack.recorders.entra.since(mark);
  const tool = await toolRun("client-secret", { AZURE_CLIENT_SECRET: entra.client_secret });
  assertSameRequests(tool, sdk);
});

test("client secret: a wrong secret surfaces as AADSTS7000215 invalid_client", async () => {
  const credential = new ClientSecretCredential(entra.tenant, entra.client_id, "wrong-secret-value", sdkOptions());
  await assert.rejects(credential.getToken("https://vault.azure.net/.default"), (e) => {
    assert.match(e.message, /invalid_client/);
    assert.match(e.message, /AADSTS7000215/);
    return true;
  });
});

test("workload identity: WorkloadIdentityCredential gets a token; the binary's token request matches", async () => {
  const mark = stack.recorders.entra.mark();
  const tokenFilePath = path.join(dir, "federated-token");
  const credential = new WorkloadIdentityCredential({ tenantId: entra.tenant, clientId: entra.client_id, tokenFilePath, ...sdkOptions() });
  assert.equal(audience((await credential.getToken("https://vault.azure.net/.default")).token), "https://vault.azure.net");
  const sdk = stack.recorders.entra.since(mark);
  const tool = await toolRun("workload-identity", { AZURE_FEDERATED_TOKEN_FILE: tokenFilePath });
  assertSameRequests(tool, sdk);
});
