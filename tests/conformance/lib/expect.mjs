// Assertions the conformance tests share.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { byOperation, cellCovers, compare, loadTable } from "./compare.mjs";

const table = loadTable();
// The rows this test file needed, written where run.sh collects them: a row no file needs is
// stale, and run.sh fails on it so the table keeps describing the tool as it is.
const usedRows = new Set();
process.on("exit", () => {
  const dir = process.env.PE_CONFORMANCE_USED;
  if (dir && usedRows.size) fs.writeFileSync(path.join(dir, `${process.pid}.json`), JSON.stringify([...usedRows]));
});
const rowKey = (row) => `${row.operation} | ${row.item} | ${row.rule} | ${row.tool} | ${row.sdk}`;

// The request of each operation either side performed, the tool's against the SDK's: any difference
// the table does not list fails. An operation only one side performs needs a `(request)` row.
export function assertSameRequests(toolRequests, sdkRequests) {
  const tool = byOperation(toolRequests);
  const sdk = byOperation(sdkRequests);
  const problems = [];
  for (const op of new Set([...tool.keys(), ...sdk.keys()])) {
    const t = tool.get(op);
    const s = sdk.get(op);
    if (!t || !s) {
      const side = !t ? "tool" : "sdk";
      const row = table.find((r) => cellCovers(r.operation, op) && r.item === "(request)" && r.rule === "differs" && r[side] === "(absent)");
      if (!row) problems.push(`${op}: no request from the ${side} (and no '(request)' row saying why)`);
      else usedRows.add(rowKey(row));
      continue;
    }
    const { unexplained, used } = compare(op, t, s, table);
    problems.push(...unexplained);
    for (const row of used) usedRows.add(rowKey(row));
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
