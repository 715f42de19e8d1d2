// ADLS Gen2 (the DFS fake, Shared Key): the binary uploads an export, then DataLakeFileClient
// replays every one of its requests (same paths, positions, bytes, lease and conditions) and the
// two sets are compared; then the deliberate failures must surface as the SDK's error codes.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { DataLakeServiceClient, StorageSharedKeyCredential, newPipeline } from "@azure/storage-file-datalake";
import { Stack, repoRoot } from "./lib/stack.mjs";
import { operationOf } from "./lib/compare.mjs";
import { crc64 } from "./lib/crc64.mjs";
import { assertRestError, assertSameRequests, operationsOf } from "./lib/expect.mjs";

// The SDK's own x-ms-properties encoder (not exported; the same module the client uses).
const { toProperties } = await import(
  pathToFileURL(path.join(repoRoot, "node_modules/@azure/storage-file-datalake/dist/esm/transforms.js")).href
);

let stack;
let fsClient;
let toolRequests;
let replayed = [];
let refusedRequests;
// The SDK's move() builds the destination URL's path as /{filesystem}/{path}: on a path-style
// endpoint the "filesystem" it is given must carry the account in front.
let moveTarget;
const kDest = "exports/monthly.csv";

// The SDK has no public wrapper for Path Update's setProperties: its generated operation, whose
// `mode` argument (meant for setAccessControlRecursive) and body cannot be left out.
function setProperties(file, options) {
  return file.pathContext.update("setProperties", "set", Buffer.alloc(0), options);
}

function decodedPath(req) {
  const parts = req.target.split("?")[0].split("/").slice(3);  // "", account, filesystem, ...path
  return parts.map(decodeURIComponent).join("/");
}

function fromProperties(header) {
  return Object.fromEntries(header.split(",").map((p) => {
    const eq = p.indexOf("=");
    return [p.slice(0, eq), Buffer.from(p.slice(eq + 1), "base64").toString()];
  }));
}

before(async () => {
  stack = await Stack.start();
  const { dfs } = stack.info;
  const pipeline = newPipeline(new StorageSharedKeyCredential(dfs.account, dfs.key));
  fsClient = new DataLakeServiceClient(stack.url("dfs", `${dfs.url}/${dfs.account}`), pipeline).getFileSystemClient(dfs.filesystem);
  // The SDK takes the rename source from its URL's path, which on a path-style (loopback) endpoint
  // starts with the account; the service's form is /{filesystem}/{path}, what it sends to a real
  // account's host. Undone before signing, for the fake's path-style URLs only.
  pipeline._corePipeline.addPolicy({
    name: "pathStyleRenameSource",
    sendRequest(request, next) {
      const source = request.headers.get("x-ms-rename-source");
      if (source?.startsWith(`/${dfs.account}/`)) request.headers.set("x-ms-rename-source", source.slice(dfs.account.length + 1));
      return next(request);
    },
  }, { phase: "Serialize" });
  moveTarget = `${dfs.account}/${dfs.filesystem}`;
  const mark = stack.recorders.dfs.mark();
  const run = await stack.runTool(
    [...stack.toolArgs(stack.info.pigment.large_block), "--storage-api", "dfs", "--chunk-size", "64KiB", "--parallel", "1",
     "--dest", `${stack.url("dfs")}/${dfs.account}/${dfs.filesystem}/${kDest}`],
    { PIGMENT_API_KEY: stack.info.pigment.api_key, AZURE_STORAGE_KEY: dfs.key },
  );
  assert.equal(run.code, 0, run.stderr);
  toolRequests = stack.recorders.dfs.since(mark);
  // An export the binary refuses after uploading it (--min-rows): its temporary file is deleted.
  const refusedMark = stack.recorders.dfs.mark();
  const refused = await stack.runTool(
    [...stack.toolArgs(stack.info.pigment.large_block), "--storage-api", "dfs", "--chunk-size", "64KiB", "--parallel", "1",
     "--min-rows", "1000000", "--dest", `${stack.url("dfs")}/${dfs.account}/${dfs.filesystem}/exports/refused.csv`],
    { PIGMENT_API_KEY: stack.info.pigment.api_key, AZURE_STORAGE_KEY: dfs.key },
  );
  assert.equal(refused.code, 4, `the binary must refuse an export below --min-rows: ${refused.stderr}`);
  refusedRequests = stack.recorders.dfs.since(refusedMark);
});
after(() => stack.stop());

// The SDK call that performs the same operation as the binary's request `req`.
async function replay(req, state) {
  const q = new URL(req.target, "http://x").searchParams;
  const h = req.headers;
  const file = fsClient.getFileClient(decodedPath(req));
  const leaseId = h["x-ms-lease-id"];
  const md5 = h["x-ms-content-md5"] && Buffer.from(h["x-ms-content-md5"], "base64");
  switch (operationOf(req)) {
    case "dfs.properties":
      return file.getProperties().catch((e) => assert.equal(e.statusCode, 404));
    case "dfs.list":
      return fsClient.listPaths({ path: q.get("directory") ?? undefined, recursive: q.get("recursive") === "true" })
        .byPage({ maxPageSize: Number(q.get("maxResults")) }).next();
    case "dfs.create":
      state.etag = (await file.create({
        conditions: { ifNoneMatch: h["if-none-match"] }, pathHttpHeaders: { contentType: h["x-ms-content-type"] },
        proposedLeaseId: h["x-ms-proposed-lease-id"],
        leaseDuration: h["x-ms-lease-duration"] && Number(h["x-ms-lease-duration"]),
      })).etag;
      if (h["x-ms-proposed-lease-id"]) state.lease = file.getDataLakeLeaseClient(h["x-ms-proposed-lease-id"]);
      return;
    case "dfs.lease.acquire":
      state.lease = file.getDataLakeLeaseClient(h["x-ms-proposed-lease-id"]);
      return state.lease.acquireLease(Number(h["x-ms-lease-duration"]));
    case "dfs.lease.renew":
      return state.lease.renewLease();
    case "dfs.lease.release":
      return file.getDataLakeLeaseClient(leaseId).releaseLease();
    case "dfs.append":
      return file.append(req.body, Number(q.get("position")), req.body.length, {
        conditions: { leaseId }, transactionalContentCrc64: await crc64(req.body),
      });
    case "dfs.flush":
      state.etag = (await file.flush(Number(q.get("position")), {
        close: q.get("close") === "true",
        conditions: { ifMatch: h["if-match"] && state.etag, leaseId },
        pathHttpHeaders: { contentMD5: md5, contentType: h["x-ms-content-type"] },
      })).etag;
      return;
    case "dfs.setProperties":
      state.etag = (await setProperties(file, {
        properties: toProperties(fromProperties(h["x-ms-properties"])),
        leaseAccessConditions: { leaseId },
        pathHttpHeaders: { contentMD5: md5, contentType: h["x-ms-content-type"] },
      })).etag;
      return;
    case "dfs.rename": {
      const source = fsClient.getFileClient(decodeURIComponent(h["x-ms-rename-source"].split("/").slice(2).join("/")));
      // move() has no properties option, but it hands its options to the generated Path Create,
      // whose `properties` is x-ms-properties: the same request the spec describes.
      return source.move(moveTarget, decodedPath(req), {
        conditions: { ifMatch: h["x-ms-source-if-match"] && state.etag, leaseId: h["x-ms-source-lease-id"] },
        destinationConditions: { ifNoneMatch: h["if-none-match"] },
        properties: h["x-ms-properties"] && toProperties(fromProperties(h["x-ms-properties"])),
      });
    }
    case "dfs.delete":
      return file.delete(false, { conditions: { leaseId, ifMatch: h["if-match"] } });
    case "dfs.expiry.RelativeToNow":
    case "dfs.expiry.NeverExpire": {
      // setExpiry has no lease option; Set Blob Expiry needs the lease id on a leased file.
      const expiry = await file.setExpiry(h["x-ms-expiry-option"], {
        timeToExpireInMs: h["x-ms-expiry-time"] ? Number(h["x-ms-expiry-time"]) : undefined,
        requestOptions: { customHeaders: leaseId ? { "x-ms-lease-id": leaseId } : {} },
      });
      state.etag = expiry.etag ?? state.etag;
      return;
    }
    default:
      assert.fail(`no SDK replay for ${operationOf(req)}`);
  }
}

test("DFS: DataLakeFileClient replays the binary's upload and every request matches", async () => {
  const ops = operationsOf(toolRequests);
  for (const op of ["dfs.create", "dfs.append", "dfs.flush", "dfs.rename", "dfs.properties"]) {
    assert.ok(ops.includes(op), `the binary sent no ${op} (sent: ${ops.join(", ")})`);
  }
  // The lease comes with the create and the metadata with the rename: no request of their own.
  assert.ok(!ops.includes("dfs.lease.acquire") && !ops.includes("dfs.setProperties"), `sent: ${ops.join(", ")}`);
  const create = toolRequests.find((r) => operationOf(r) === "dfs.create");
  assert.ok(create.headers["x-ms-proposed-lease-id"] && create.headers["x-ms-lease-duration"], "the create takes the lease");
  const rename = toolRequests.find((r) => operationOf(r) === "dfs.rename");
  assert.ok(rename.headers["x-ms-properties"], "the rename carries the export's metadata");
  const mark = stack.recorders.dfs.mark();
  const state = {};
  for (const req of toolRequests) await replay(req, state);
  replayed = stack.recorders.dfs.since(mark);
  assertSameRequests(toolRequests, replayed);
});

test("DFS: the SDK replays the binary's abandoned upload, delete included, and every request matches", async () => {
  assert.ok(operationsOf(refusedRequests).includes("dfs.delete"), `sent: ${operationsOf(refusedRequests).join(", ")}`);
  const mark = stack.recorders.dfs.mark();
  const state = {};
  for (const req of refusedRequests) await replay(req, state);
  assertSameRequests(refusedRequests, stack.recorders.dfs.since(mark));
});

// The ETags a client's conditions carry are the ones the fake just gave that client: the flush's
// If-Match is the create's (or the expiry's set after it), the rename's x-ms-source-if-match the
// flush's (or the expiry clear's after it) — which the presence-only rows cannot see.
function assertEtagChain(requests, who) {
  const at = (op) => requests.findIndex((r) => operationOf(r) === op);
  const lastEtagBefore = (op, from) => {
    const changers = [from, "dfs.expiry.RelativeToNow", "dfs.expiry.NeverExpire"];
    const before = requests.slice(at(from), at(op)).filter((r) => changers.includes(operationOf(r)));
    return before.at(-1)?.response?.headers.etag;
  };
  const sent = (op, header) => requests[at(op)]?.headers[header];
  assert.equal(sent("dfs.flush", "if-match"), lastEtagBefore("dfs.flush", "dfs.create"),
    `${who}: flush If-Match is the ETag of the create (or of the expiry set after it)`);
  assert.equal(sent("dfs.rename", "x-ms-source-if-match"), lastEtagBefore("dfs.rename", "dfs.flush"),
    `${who}: rename x-ms-source-if-match is the ETag of the flush (or of the expiry clear after it)`);
}

test("DFS: each client's conditions carry the ETag of its previous step", () => {
  assertEtagChain(toolRequests, "binary");
  assertEtagChain(replayed, "SDK");
});

test("DFS: the SDK's conditions and checksums are enforced with the service's error codes", async (t) => {
  const file = fsClient.getFileClient("checks/conditions.csv");
  const data = crypto.randomBytes(1000);
  const created = await file.create();
  await t.test("create If-None-Match * on an existing path: PathAlreadyExists", () =>
    assertRestError(file.create({ conditions: { ifNoneMatch: "*" } }), 409, "PathAlreadyExists"));
  await t.test("append with a wrong x-ms-content-crc64: Crc64Mismatch", () =>
    assertRestError(file.append(data, 0, data.length, { transactionalContentCrc64: new Uint8Array(8) }), 400, "Crc64Mismatch"));
  await file.append(data, 0, data.length, { transactionalContentCrc64: await crc64(data) });
  await t.test("flush with a stale If-Match: ConditionNotMet", () =>
    assertRestError(file.flush(data.length, { conditions: { ifMatch: '"0xstale"' } }), 412, "ConditionNotMet"));
  const flushed = await file.flush(data.length, { conditions: { ifMatch: created.etag } });
  assert.notEqual(flushed.etag, created.etag, "a flush changes the ETag");
  const updated = await setProperties(file, { properties: toProperties({ origin: "conformance" }) });
  assert.notEqual(updated.etag, flushed.etag, "setProperties changes the ETag");
  await t.test("rename with the pre-setProperties ETag as x-ms-source-if-match: SourceConditionNotMet", () =>
    assertRestError(file.move(moveTarget, "checks/renamed.csv", { conditions: { ifMatch: flushed.etag } }), 412, "SourceConditionNotMet"));
  await file.move(moveTarget, "checks/renamed.csv", { conditions: { ifMatch: updated.etag } });
  const renamed = fsClient.getFileClient("checks/renamed.csv");
  const properties = (await renamed.getProperties())._response.headers.get("x-ms-properties");
  assert.equal(fromProperties(properties ?? "=").origin, "conformance", "x-ms-properties moves with the file");
  await t.test("a rename that carries x-ms-properties replaces the source's", async () => {
    const other = fsClient.getFileClient("checks/carried.csv");
    await renamed.move(moveTarget, "checks/carried.csv", { properties: toProperties({ origin: "rename" }) });
    const carried = (await other.getProperties())._response.headers.get("x-ms-properties");
    assert.deepEqual(fromProperties(carried ?? "="), { origin: "rename" });
    await other.move(moveTarget, "checks/renamed.csv");
  });
  await t.test("a create that takes a lease: the file is leased at once, and a write without the id is refused", async () => {
    const leased = fsClient.getFileClient("checks/leased.csv");
    const leaseId = crypto.randomUUID();
    await leased.create({ proposedLeaseId: leaseId, leaseDuration: 30 });
    assert.equal((await leased.getProperties()).leaseState, "leased");
    await assertRestError(leased.append(data, 0, data.length), 412, "LeaseIdMissing");
    await assertRestError(fsClient.getFileClient("checks/bad-lease.csv").create({ proposedLeaseId: leaseId, leaseDuration: 5 }),
      400, "InvalidHeaderValue");
    await leased.getDataLakeLeaseClient(leaseId).releaseLease();
    await leased.delete();
  });
  const read = await renamed.read();
  assert.equal(read.contentLength, data.length);
  await t.test("delete with a stale If-Match: ConditionNotMet", () =>
    assertRestError(renamed.delete(false, { conditions: { ifMatch: flushed.etag } }), 412, "ConditionNotMet"));
  await renamed.delete();
  await t.test("properties of a deleted path: 404", async () => {
    await assert.rejects(renamed.getProperties(), (e) => e.statusCode === 404);
  });
});
