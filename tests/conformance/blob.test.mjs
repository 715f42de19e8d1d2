// Blob (Azurite, Shared Key): the binary uploads a small export (one Put Blob) and a large one
// (Put Block + Put Block List); BlockBlobClient replays each request (same names, block ids, bytes,
// headers) and the two sets are compared; then the SDK's documented error codes.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { BlobServiceClient, StorageSharedKeyCredential } from "@azure/storage-blob";
import { Stack } from "./lib/stack.mjs";
import { operationOf } from "./lib/compare.mjs";
import { crc64 } from "./lib/crc64.mjs";
import { assertRestError, assertSameRequests, operationsOf } from "./lib/expect.mjs";

let stack;
let container;
let toolRequests = [];
const kContainer = "conformance";

function blobName(req) {
  return req.target.split("?")[0].split("/").slice(3).map(decodeURIComponent).join("/");
}

function metadataOf(headers) {
  const out = {};
  for (const [name, value] of Object.entries(headers)) if (name.startsWith("x-ms-meta-")) out[name.slice(10)] = value;
  return Object.keys(out).length ? out : undefined;
}

function blockIds(xml) {
  return [...xml.toString().matchAll(/<(Latest|Committed|Uncommitted)>([^<]*)<\//g)].map((m) => m[2]);
}

before(async () => {
  stack = await Stack.start({ azurite: true });
  const { azurite } = stack.info;
  const service = new BlobServiceClient(stack.url("azurite", `${azurite.url}/${azurite.account}`),
    new StorageSharedKeyCredential(azurite.account, azurite.key));
  container = service.getContainerClient(kContainer);
  await container.create();
  for (const [block, dest] of [[stack.info.pigment.small_block, "exports/small.csv"], [stack.info.pigment.large_block, "exports/large.csv"]]) {
    const mark = stack.recorders.azurite.mark();
    const run = await stack.runTool(
      [...stack.toolArgs(block), "--storage-api", "blob", "--chunk-size", "64KiB", "--parallel", "1",
       "--dest", `${stack.url("azurite")}/${azurite.account}/${kContainer}/${dest}`],
      { PIGMENT_API_KEY: stack.info.pigment.api_key, AZURE_STORAGE_KEY: azurite.key },
    );
    assert.equal(run.code, 0, run.stderr);
    toolRequests.push(...stack.recorders.azurite.since(mark));
  }
});
after(() => stack.stop());

async function replay(req) {
  const h = req.headers;
  const blob = container.getBlockBlobClient(blobName(req));
  const q = new URL(req.target, "http://x").searchParams;
  const conditions = { ifNoneMatch: h["if-none-match"], ifMatch: h["if-match"] };
  const httpHeaders = {
    blobContentType: h["x-ms-blob-content-type"],
    blobContentMD5: h["x-ms-blob-content-md5"] && Buffer.from(h["x-ms-blob-content-md5"], "base64"),
  };
  // The SDK sends a transactional Content-MD5 when asked (the binary sends one with Put Blob).
  const transactionalContentMD5 = h["content-md5"] && Buffer.from(h["content-md5"], "base64");
  switch (operationOf(req)) {
    case "blob.properties":
      return blob.getProperties().catch((e) => assert.equal(e.statusCode, 404));
    case "blob.stage":
      return blob.stageBlock(q.get("blockid"), req.body, req.body.length, { transactionalContentCrc64: await crc64(req.body) });
    case "blob.commit":
      return blob.commitBlockList(blockIds(req.body), {
        blobHTTPHeaders: httpHeaders, metadata: metadataOf(h), conditions,
      });
    case "blob.put":
      return blob.upload(req.body, req.body.length, {
        blobHTTPHeaders: httpHeaders, metadata: metadataOf(h), conditions, transactionalContentMD5,
        transactionalContentCrc64: h["x-ms-content-crc64"] && (await crc64(req.body)),
      });
    case "blob.delete":
      return blob.delete({ conditions });
    default:
      assert.fail(`no SDK replay for ${operationOf(req)}`);
  }
}

test("Blob: BlockBlobClient replays the binary's uploads and every request matches", async () => {
  const ops = operationsOf(toolRequests);
  for (const op of ["blob.properties", "blob.put", "blob.stage", "blob.commit"]) {
    assert.ok(ops.includes(op), `the binary sent no ${op} (sent: ${ops.join(", ")})`);
  }
  const mark = stack.recorders.azurite.mark();
  for (const req of toolRequests) await replay(req);
  assertSameRequests(toolRequests, stack.recorders.azurite.since(mark));
});

test("Blob: the SDK's error codes for a missing blob and failed conditions", async (t) => {
  const blob = container.getBlockBlobClient("checks/conditions.csv");
  await t.test("properties of a missing blob: BlobNotFound", () => assertRestError(blob.getProperties(), 404, "BlobNotFound"));
  const data = crypto.randomBytes(1000);
  const put = await blob.upload(data, data.length);
  await t.test("put with If-None-Match * on an existing blob: BlobAlreadyExists", () =>
    assertRestError(blob.upload(data, data.length, { conditions: { ifNoneMatch: "*" } }), 409, "BlobAlreadyExists"));
  const id = Buffer.from("block-0").toString("base64");
  await blob.stageBlock(id, data, data.length, { transactionalContentCrc64: await crc64(data) });
  await t.test("commit with a stale If-Match: ConditionNotMet", () =>
    assertRestError(blob.commitBlockList([id], { conditions: { ifMatch: '"0x0000000000000000"' } }), 412, "ConditionNotMet"));
  const committed = await blob.commitBlockList([id], { conditions: { ifMatch: put.etag } });
  assert.notEqual(committed.etag, put.etag);
  assert.equal((await blob.getProperties()).contentLength, data.length);
});
