// The comparison itself: it must see a difference the table does not list, and only then pass.
import { test } from "node:test";
import assert from "node:assert/strict";
import { compare, items, loadTable, operationOf } from "./lib/compare.mjs";

const request = (headers, target = "/devstoreaccount1/fs/a%20b.csv?action=flush&position=10&close=true") => ({
  service: "dfs", method: "PATCH", target, headers, body: Buffer.alloc(0),
});
const table = loadTable();

test("compare: the table parses, and every row has a known rule and a reason", () => {
  assert.ok(table.length > 20);
  for (const row of table) assert.ok(row.reason.length > 10, JSON.stringify(row));
});

test("compare: an unlisted header, value or query difference is reported", () => {
  const base = { "x-ms-version": "2021-08-06", "if-match": '"0x1"', "x-ms-content-md5": "AAAA" };
  const tool = request(base);
  assert.equal(operationOf(tool), "dfs.flush");
  assert.deepEqual(compare("dfs.flush", tool, request({ ...base, "if-match": '"0x2"' }), table).unexplained, []);
  assert.match(compare("dfs.flush", tool, request({ ...base, "x-ms-content-md5": "BBBB" }), table).unexplained.join(), /x-ms-content-md5/);
  assert.match(compare("dfs.flush", tool, request({ ...base, "x-ms-new": "1" }), table).unexplained.join(), /x-ms-new/);
  const other = request(base, "/devstoreaccount1/fs/a%20b.csv?action=flush&position=11&close=true");
  assert.match(compare("dfs.flush", tool, other, table).unexplained.join(), /query:position/);
  const encoded = request(base, "/devstoreaccount1/fs/a+b.csv?action=flush&position=10&close=true");
  assert.match(compare("dfs.flush", tool, encoded, table).unexplained.join(), /path/);
});

test("compare: a listed difference passes only with the listed values", () => {
  const tool = request({ "x-ms-version": "2021-08-06" });
  assert.deepEqual(compare("dfs.flush", tool, request({ "x-ms-version": "2026-02-06" }), table).unexplained, []);
  assert.match(compare("dfs.flush", request({ "x-ms-version": "2020-02-10" }), request({ "x-ms-version": "2026-02-06" }), table)
    .unexplained.join(), /x-ms-version/);
});

test("compare: Authorization is compared by meaning: scheme, Shared Key account, bearer audience", () => {
  const jwt = (aud) => `e30.${Buffer.from(JSON.stringify({ aud })).toString("base64url")}.c2ln`;
  assert.equal(items(request({ authorization: "SharedKey devstoreaccount1:abc=" })).get("header:authorization"), "SharedKey devstoreaccount1");
  assert.equal(items(request({ authorization: `Bearer ${jwt("https://storage.azure.com")}` })).get("header:authorization"),
    "Bearer aud=https://storage.azure.com");
  const storage = request({ authorization: `Bearer ${jwt("https://storage.azure.com")}` });
  const vault = request({ authorization: `Bearer ${jwt("https://vault.azure.net")}` });
  assert.match(compare("dfs.flush", storage, vault, table).unexplained.join(), /authorization/);
});
