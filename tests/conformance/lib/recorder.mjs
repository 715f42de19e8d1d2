// A recording reverse proxy in front of one fake: every request is kept as it arrived on the
// wire (method, raw target, headers, body; and the reply's status and headers) before the fake's
// parser sees it, then forwarded
// unchanged (Host included, so a fake that names its own URL names the proxy's). Over TLS with
// the test certificate when asked, because the SDKs send bearer tokens and client credentials
// to https endpoints only.
import http from "node:http";
import https from "node:https";
import fs from "node:fs";

export class Recorder {
  constructor(name, upstream, { tls = false } = {}) {
    this.name = name;
    this.upstream = new URL(upstream);
    this.tls = tls;
    this.requests = [];
    // Its own keep-alive pool, closed by stop(): idle upstream connections would keep node running.
    this.agent = new http.Agent({ keepAlive: true });
  }

  async start() {
    const handler = (req, res) => this.#forward(req, res);
    this.server = this.tls
      ? https.createServer({ cert: fs.readFileSync(process.env.PE_TLS_CERT), key: fs.readFileSync(process.env.PE_TLS_KEY) }, handler)
      : http.createServer(handler);
    await new Promise((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.origin = `${this.tls ? "https" : "http"}://127.0.0.1:${this.server.address().port}`;
    return this;
  }

  // The proxy's URL for a URL of the upstream (same path and query).
  url(upstreamUrl = this.upstream.href) {
    const u = new URL(upstreamUrl);
    const path = u.pathname === "/" && !upstreamUrl.endsWith("/") ? "" : u.pathname;
    return this.origin + path + u.search;
  }

  mark() {
    return this.requests.length;
  }

  since(mark) {
    return this.requests.slice(mark);
  }

  #forward(req, res) {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const headers = {};
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const name = req.rawHeaders[i].toLowerCase();
        headers[name] = headers[name] === undefined ? req.rawHeaders[i + 1] : `${headers[name]}, ${req.rawHeaders[i + 1]}`;
      }
      const entry = { service: this.name, method: req.method, target: req.url, headers, body, response: null };
      this.requests.push(entry);
      const out = http.request(
        { host: this.upstream.hostname, port: this.upstream.port, method: req.method, path: req.url, headers: req.headers,
          agent: this.agent },
        (answer) => {
          entry.response = { status: answer.statusCode, headers: answer.headers };
          res.writeHead(answer.statusCode, answer.rawHeaders);
          answer.pipe(res);
        },
      );
      out.on("error", () => res.destroy());
      out.end(body);
    });
  }

  async stop() {
    this.server.closeAllConnections?.();
    await new Promise((resolve) => this.server.close(resolve));
    this.agent.destroy();
  }
}
