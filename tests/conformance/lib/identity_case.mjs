// One managed-identity source end to end: the SDK's ManagedIdentityCredential and the binary
// against the same fake, then Key Vault's get secret through the challenge with that credential.
// MSAL picks its managed-identity source once per process, so each source has its own test file.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ManagedIdentityCredential } from "@azure/identity";
import { SecretClient } from "@azure/keyvault-secrets";
import { Stack } from "./stack.mjs";
import { assertRestError, assertSameRequests, audience, operationsOf } from "./expect.mjs";

// source: the recorder's name; env(stack): the variables that select it, for the SDK and the binary;
// toolOperations: the requests the binary must send to the source; toolGetsSecret: false when
// the binary cannot get a token from this fake (and so sends Key Vault nothing: it must then exit 3,
// the secret stage, rather than crash); userAssigned: the
// source takes a user-assigned identity (by client id and by resource id).
export function managedIdentityCase({ source, env, setup = () => {}, toolOperations, toolGetsSecret = true, userAssigned = false }) {
  let stack;
  let tool;
  let toolEnv;
  let dir;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pe-conf-"));
    stack = await Stack.start();
    toolEnv = env(stack);
    Object.assign(process.env, toolEnv);
    await setup(stack);
    const out = path.join(dir, "export.csv");
    const marks = { mi: stack.recorders[source].mark(), kv: stack.recorders.key_vault.mark() };
    const run = await stack.runTool(
      [...stack.toolArgs(), "--credential", "managed-identity", "--key-vault-url", stack.url("key_vault"),
       "--secret-name", stack.info.key_vault.secret, "--dest", out],
      toolEnv,
    );
    tool = { run, mi: stack.recorders[source].since(marks.mi), kv: stack.recorders.key_vault.since(marks.kv), out };
  });
  after(async () => {
    await stack.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test(`${source}: ManagedIdentityCredential gets a token; the binary's token request matches`, async () => {
    const mark = stack.recorders[source].mark();
    const token = await new ManagedIdentityCredential().getToken("https://vault.azure.net/.default");
    assert.equal(audience(token.token), "https://vault.azure.net");
    const sdk = stack.recorders[source].since(mark);
    for (const op of toolOperations) assert.ok(operationsOf(tool.mi).includes(op), `the binary sent no ${op}: ${tool.run.stderr}`);
    assertSameRequests(tool.mi, sdk);
  });

  if (userAssigned) {
    for (const kind of ["clientId", "resourceId"]) {
      test(`${source}: a user-assigned identity by ${kind}; the binary's request with --client-id matches`, async () => {
        const id = kind === "clientId" ? stack.info.user_assigned.client_id : stack.info.user_assigned.resource_id;
        let mark = stack.recorders[source].mark();
        const token = await new ManagedIdentityCredential({ [kind]: id }).getToken("https://vault.azure.net/.default");
        assert.equal(audience(token.token), "https://vault.azure.net");
        const sdk = stack.recorders[source].since(mark);
        mark = stack.recorders[source].mark();
        const run = await stack.runTool(
          [...stack.toolArgs(), "--credential", "managed-identity", "--client-id", id, "--key-vault-url", stack.url("key_vault"),
           "--secret-name", stack.info.key_vault.secret, "--dest", path.join(dir, `${kind}.csv`)],
          toolEnv,
        );
        assert.equal(run.code, 0, run.stderr);
        const tool = stack.recorders[source].since(mark);
        assertSameRequests(tool, sdk);
      });
    }
  }

  test(`${source}: SecretClient reads the secret through the challenge; the binary's get matches`, async (t) => {
    const mark = stack.recorders.key_vault.mark();
    // The fake's challenge names https://vault.azure.net while its host is 127.0.0.1: the SDK's
    // domain check (kept by the real vault's hosts) is turned off for the loopback vault only.
    const client = new SecretClient(stack.url("key_vault"), new ManagedIdentityCredential(), {
      disableChallengeResourceVerification: true,
    });
    const secret = await client.getSecret(stack.info.key_vault.secret);
    assert.equal(secret.value, stack.info.key_vault.value);
    const sdk = stack.recorders.key_vault.since(mark);
    if (toolGetsSecret) {
      assert.equal(tool.run.code, 0, tool.run.stderr);
      assert.ok(fs.readFileSync(tool.out).length > 0, "the binary wrote the export");
      assertSameRequests(tool.kv, sdk);
    } else {
      assert.equal(tool.run.code, 3, tool.run.stderr);
    }
    await t.test("a disabled secret is Forbidden", () =>
      assertRestError(client.getSecret(stack.info.key_vault.disabled_secret), 403, "Forbidden"));
    await t.test("a missing secret is SecretNotFound", () => assertRestError(client.getSecret("no-such-secret"), 404, "SecretNotFound"));
  });
}
