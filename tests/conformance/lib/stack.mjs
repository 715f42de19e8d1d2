// The fakes for one test file: tests/tools/fake_services (the C++ fakes), optionally Azurite,
// each behind a Recorder; and the real binary, run against the same recorders.
import { spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import { Recorder } from "./recorder.mjs";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

// Recorders over TLS: the SDKs send credentials and bearer tokens to https URLs only.
const kTls = new Set(["entra", "key_vault"]);

export class Stack {
  static async start({ azurite = false } = {}) {
    const stack = new Stack();
    await stack.#startFakes();
    if (azurite) await stack.#startAzurite();
    return stack;
  }

  async #startFakes() {
    this.fakes = spawn(process.env.PE_FAKE_SERVICES, [], { stdio: ["pipe", "pipe", "inherit"] });
    const line = await new Promise((resolve, reject) => {
      this.fakes.on("exit", (code) => reject(new Error(`fake_services exited with ${code}`)));
      readline.createInterface({ input: this.fakes.stdout }).once("line", resolve);
    });
    this.info = JSON.parse(line);
    this.recorders = {};
    for (const name of ["imds", "app_service", "arc", "entra", "key_vault", "dfs"]) {
      this.recorders[name] = await new Recorder(name, this.info[name].url, { tls: kTls.has(name) }).start();
    }
  }

  async #startAzurite() {
    const port = await freePort();
    this.azurite = spawn(
      path.join(repoRoot, "node_modules/.bin/azurite-blob"),
      ["--blobHost", "127.0.0.1", "--blobPort", String(port), "--inMemoryPersistence", "--skipApiVersionCheck", "--loose", "--silent"],
      { stdio: "ignore" },
    );
    for (let i = 0; i < 200 && !(await accepts(port)); ++i) await new Promise((r) => setTimeout(r, 50));
    this.info.azurite = {
      url: `http://127.0.0.1:${port}`,
      account: "devstoreaccount1",
      key: "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
    };
    this.recorders.azurite = await new Recorder("azurite", this.info.azurite.url).start();
  }

  // The proxy URL standing for `name`'s upstream URL (its own endpoint by default).
  url(name, upstreamUrl) {
    return this.recorders[name].url(upstreamUrl ?? this.info[name].url);
  }

  // Runs the binary with exactly `env` (plus PATH and HOME); resolves with its exit code and output.
  runTool(args, env = {}) {
    return new Promise((resolve) => {
      const child = spawn(process.env.PE_BINARY, args, {
        env: { PATH: process.env.PATH, HOME: process.env.HOME ?? "/tmp", ...env },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      child.on("exit", (code) => resolve({ code, stdout, stderr }));
    });
  }

  // The arguments every tool run shares: the Pigment fake as the source, the test CA trusted.
  toolArgs(block = this.info.pigment.small_block) {
    return ["--pigment-url", this.info.pigment.url, "--block-type", "metric", "--block-id", block,
            "--ca-bundle", process.env.PE_TLS_CERT, "--progress", "off", "--max-retries", "1"];
  }

  async stop() {
    for (const r of Object.values(this.recorders ?? {})) await r.stop();
    if (this.azurite && this.azurite.exitCode === null) {
      // In memory, nothing to flush; after SIGTERM it lingers for about two minutes.
      const exited = new Promise((r) => this.azurite.once("exit", r));
      this.azurite.kill("SIGKILL");
      await exited;
    }
    this.fakes?.stdin.end();
    if (this.fakes && this.fakes.exitCode === null) await new Promise((r) => this.fakes.once("exit", r));
    // Not 0: the fakes crashed, or a sanitizer build found an error in them.
    if (this.fakes && this.fakes.exitCode !== 0) throw new Error(`fake_services exited with ${this.fakes.exitCode}`);
  }
}

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function accepts(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}
