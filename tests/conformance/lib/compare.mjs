// Request comparison: a recorded request becomes a map of items (method, path, query:NAME,
// form:NAME, header:NAME, body) and the tool's and the SDK's maps for one operation are compared
// item by item. Every difference must be covered by a row of the table in
// docs/wire-conformance.md (between the conformance-table markers); any other one fails.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { repoRoot } from "./stack.mjs";

export const kTablePath = path.join(repoRoot, "docs/wire-conformance.md");

// The operation a recorded request performs, named as in the table.
export function operationOf(req) {
  const url = new URL(req.target, "http://x");
  const q = url.searchParams;
  const h = req.headers;
  switch (req.service) {
    case "imds":
    case "app_service":
      return `${req.service}.token`;
    case "arc":
      return h.authorization ? "arc.token" : "arc.challenge";
    case "entra":
      if (url.pathname.endsWith("/.well-known/openid-configuration")) return "entra.discovery";
      return new URLSearchParams(req.body.toString()).has("client_assertion") ? "entra.token.assertion" : "entra.token.secret";
    case "key_vault":
      return h.authorization ? "kv.get" : "kv.challenge";
    case "dfs":
      if (req.method === "HEAD") return "dfs.properties";
      if (req.method === "GET") return q.get("resource") === "filesystem" ? "dfs.list" : "dfs.read";
      if (req.method === "PUT" && q.get("comp") === "lease") return `dfs.lease.${h["x-ms-lease-action"]}`;
      if (req.method === "PUT") return h["x-ms-rename-source"] ? "dfs.rename" : "dfs.create";
      if (req.method === "PATCH") return `dfs.${q.get("action")}`;
      if (req.method === "DELETE") return "dfs.delete";
      if (req.method === "POST") return `dfs.lease.${h["x-ms-lease-action"]}`;
      break;
    case "azurite":
      if (req.method === "HEAD") return "blob.properties";
      if (req.method === "PUT" && q.get("comp") === "block") return "blob.stage";
      if (req.method === "PUT" && q.get("comp") === "blocklist") return "blob.commit";
      if (req.method === "PUT" && h["x-ms-blob-type"]) return "blob.put";
      if (req.method === "PUT" && q.get("restype") === "container") return "blob.container";
      if (req.method === "GET") return "blob.get";
      if (req.method === "DELETE") return "blob.delete";
      break;
  }
  return `${req.service}.${req.method}`;
}

function jwtAudience(token) {
  try {
    return JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString()).aud ?? "?";
  } catch {
    return "not a JWT";
  }
}

// What an Authorization header means, without its per-request signature or token.
function authorizationMeaning(value) {
  const [scheme, rest = ""] = value.split(/ (.*)/s);
  if (scheme === "SharedKey") return `SharedKey ${rest.split(":")[0]}`;
  if (scheme === "Bearer") return `Bearer aud=${jwtAudience(rest)}`;
  return scheme;
}

export function items(req) {
  const out = new Map();
  const url = new URL(req.target, "http://x");
  out.set("method", req.method);
  out.set("path", req.target.split("?")[0]);
  for (const [name, value] of url.searchParams) out.set(`query:${name}`, value);
  const form = (req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded");
  if (form) {
    for (const [name, value] of new URLSearchParams(req.body.toString())) out.set(`form:${name}`, value);
  } else if (url.searchParams.get("comp") === "blocklist") {
    // The block list's meaning is its entries in order; XML declaration and spacing carry none.
    const entries = [...req.body.toString().matchAll(/<(Latest|Committed|Uncommitted)>([^<]*)<\//g)];
    out.set("body", `block list ${entries.map((m) => `${m[1]}:${m[2]}`).join(",")}`);
  } else if (req.body.length > 0) {
    out.set("body", `${req.body.length} bytes, md5 ${crypto.createHash("md5").update(req.body).digest("base64")}`);
  }
  for (const [name, value] of Object.entries(req.headers)) {
    out.set(`header:${name}`, name === "authorization" ? authorizationMeaning(value) : value);
  }
  return out;
}

// The rows of the table: {operation, item, rule, tool, sdk, reason}.
export function loadTable(file = kTablePath) {
  const text = fs.readFileSync(file, "utf8");
  const start = text.indexOf("<!-- conformance-table:start -->");
  const end = text.indexOf("<!-- conformance-table:end -->");
  if (start < 0 || end < start) throw new Error(`${file}: no conformance-table markers`);
  const rows = [];
  for (const line of text.slice(start, end).split("\n")) {
    if (!line.startsWith("| ") || line.startsWith("| operation") || line.startsWith("|--")) continue;
    const cells = line.slice(1, -1).split(" | ").map((c) => c.trim().replace(/^`(.*)`$/, "$1"));
    if (cells.length !== 6) throw new Error(`${file}: a table row needs 6 cells: ${line}`);
    const [operation, item, rule, tool, sdk, reason] = cells;
    if (!["ignore", "presence", "differs"].includes(rule)) throw new Error(`${file}: unknown rule '${rule}' in: ${line}`);
    if (!reason) throw new Error(`${file}: a row without a reason: ${line}`);
    rows.push({ operation, item, rule, tool, sdk, reason });
  }
  return rows;
}

// A table cell's operation or item: one glob (`*` any text) or several, comma-separated.
export function cellCovers(cell, text) {
  return cell.split(/,\s*/).some((pattern) => globMatch(pattern, text));
}

function globMatch(pattern, text) {
  const re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);
  return re.test(text);
}

// A table cell against a value: `(absent)`, `*` (present, any value), /regex/ or the exact text.
function cellMatches(cell, value) {
  if (cell === "(absent)") return value === undefined;
  if (value === undefined) return false;
  if (cell === "*") return true;
  if (cell.length > 1 && cell.startsWith("/") && cell.endsWith("/")) return new RegExp(cell.slice(1, -1)).test(value);
  return cell === value;
}

// The differences between the two requests of `operation` that no row covers (empty: conformant),
// and the rows that were used (so the tier can report which deliberate differences it saw).
export function compare(operation, toolReq, sdkReq, table) {
  const tool = items(toolReq);
  const sdk = items(sdkReq);
  const unexplained = [];
  const used = new Set();
  for (const item of new Set([...tool.keys(), ...sdk.keys()])) {
    const t = tool.get(item);
    const s = sdk.get(item);
    const rows = table.filter((r) => cellCovers(r.operation, operation) && cellCovers(r.item, item));
    const ignore = rows.find((r) => r.rule === "ignore");
    if (ignore) {
      used.add(ignore);
      continue;
    }
    const presence = rows.find((r) => r.rule === "presence");
    if (presence && (t === undefined) === (s === undefined)) {
      used.add(presence);
      continue;
    }
    if (t === s) continue;
    const row = rows.find((r) => r.rule === "differs" && cellMatches(r.tool, t) && cellMatches(r.sdk, s));
    if (row) {
      used.add(row);
      continue;
    }
    unexplained.push(`${operation} ${item}: tool ${JSON.stringify(t ?? "(absent)")} vs SDK ${JSON.stringify(s ?? "(absent)")}`);
  }
  return { unexplained, used };
}

// The first request of each operation in `requests` (or the one `pick` selects).
export function byOperation(requests) {
  const out = new Map();
  for (const r of requests) {
    const op = operationOf(r);
    if (!out.has(op)) out.set(op, r);
  }
  return out;
}
