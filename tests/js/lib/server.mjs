// Starts the sync server for a test: its own process group, a fresh data directory,
// port 0. Shared by the protocol tests and the browser tests.
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** The command that runs the server; `SYNC_SERVER_CMD` overrides the debug build. */
export const serverCommand = process.env.SYNC_SERVER_CMD ?? `${root}/target/debug/sync-server serve`;

/** Starts a server (`command` defaults to ours) and resolves once it listens. */
export async function startServer({ command = serverCommand, demo = true, data } = {}) {
  data ??= mkdtempSync(join(tmpdir(), "estate-test-"));
  const line = `${command} --listen 127.0.0.1:0 --data ${data}${demo ? " --demo" : ""}`;
  const child = spawn(line, { shell: true, detached: true, stdio: ["ignore", "pipe", "inherit"] });
  const http = await new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => reject(new Error(`server did not start: ${line}\n${seen}`)), 60_000);
    child.stdout.on("data", (chunk) => {
      seen += chunk;
      const match = /listening on (http:\/\/[\d.:]+)/.exec(seen);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code ?? signal}: ${line}\n${seen}`));
    });
  });
  // Warnings and errors the server logs are shown with the test's output; the rest is dropped.
  child.stdout.on("data", (chunk) => {
    for (const line of String(chunk).split("\n"))
      if (/\b(WARN|ERROR)\b/.test(line)) process.stderr.write(`server: ${line}\n`);
  });
  return {
    http,
    ws: `${http.replace("http", "ws")}/sync`,
    data,
    /** False once the server process has exited (crashed or stopped). */
    alive() {
      return child.exitCode === null && child.signalCode === null;
    },
    stop() {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    },
  };
}

/** The password of the demo accounts a server started with `demo` has. */
export const DEMO_PASSWORD = "demo1234";

/**
 * Signs a demo user in on `server` as a new device: `{token, device, ws}`, where `ws` is
 * the sync URL carrying the token as a browser would.
 */
export async function signIn(server, username = "hk-zhang") {
  const response = await fetch(`${server.http}/api/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password: DEMO_PASSWORD, device_name: "测试客户端" }),
  });
  const session = await response.json();
  if (!response.ok) throw new Error(`signing in as ${username} answered ${response.status}: ${JSON.stringify(session)}`);
  return { token: session.token, device: session.device, ws: `${server.ws}?token=${session.token}` };
}
