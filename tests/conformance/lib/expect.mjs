// Assertions the conformance tests share.
import assert from "node:assert/strict";
import { byOperation, cellCovers, compare, loadTable } from "./compare.mjs";

const table = loadTable();

// The request of each operation in `operations`, the tool's against the SDK's: any difference the
// table does not list fails. An operation only one side performs needs a `(request)` row.
export function assertSameRequests(operations, toolRequests, sdkRequests) {
  const tool = byOperation(toolRequests);
  const sdk = byOperation(sdkRequests);
  const problems = [];
  for (const op of operations) {
    const t = tool.get(op);
    const s = sdk.get(op);
    if (!t || !s) {
      const side = !t ? "tool" : "sdk";
      const row = table.find((r) => cellCovers(r.operation, op) && r.item === "(request)" && r.rule === "differs" && r[side] === "(absent)");
      if (!row) problems.push(`${op}: no request from the ${side} (and no '(request)' row saying why)`);
      continue;
    }
    problems.push(...compare(op, t, s, table).unexplained);
  }
  if (problems.length) assert.fail(`requests differ beyond docs/wire-conformance.md:\n  ${problems.join("\n  ")}`);
}

// The SDK call rejects with a RestError of this status and service error code.
export async function assertRestError(promise, status, code) {
  await assert.rejects(promise, (error) => {
    assert.equal(error.statusCode, status, `status of ${error.message}`);
    // A HEAD reply has no body: the SDK keeps the x-ms-error-code header in details only.
    assert.equal(error.code ?? error.details?.errorCode, code, `code of ${error.message}`);
    return true;
  });
}

export function audience(token) {
  return JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString()).aud;
}

export function operationsOf(requests) {
  return [...byOperation(requests).keys()];
}
