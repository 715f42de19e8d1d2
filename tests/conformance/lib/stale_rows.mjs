// After the tier: every row of the table must have covered some difference in some test file
// (each wrote the rows it used into the folder given); a row nothing needs is stale.
import fs from "node:fs";
import path from "node:path";
import { kTablePath, loadTable } from "./compare.mjs";

const dir = process.argv[2];
const used = new Set(fs.readdirSync(dir).flatMap((f) => JSON.parse(fs.readFileSync(path.join(dir, f), "utf8"))));
const stale = loadTable()
  .map((row) => `${row.operation} | ${row.item} | ${row.rule} | ${row.tool} | ${row.sdk}`)
  .filter((key) => !used.has(key));
if (stale.length) {
  console.error(`conformance: rows of ${kTablePath} that no request needed any more; delete them:\n  ${stale.join("\n  ")}`);
  process.exit(1);
}
console.log("conformance: every row of the table is still needed");
