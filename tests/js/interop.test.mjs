// The independent JS automerge-repo client against our server.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { isDeepStrictEqual } from "node:util";
import WebSocket from "ws";
import { encode } from "cbor-x";
import { connect, findWithRetry, plain } from "./lib/repo.mjs";
import { startServer, waitFor } from "./lib/server.mjs";

const server = await startServer({ demo: false });
const repos = [];
function client() {
  const repo = connect(server.ws);
  repos.push(repo);
  return repo;
}
after(async () => {
  await Promise.all(repos.map((r) => r.shutdown()));
  server.stop();
});

test("a document created by one JS client is read by an independent one", async () => {
  const content = { kind: "vacant-inspection", unitCode: "3-2-1201", notes: "门窗完好", ventilated: true, n: 7 };
  const handle = client().create(content);
  const found = await findWithRetry(client(), handle.url);
  await waitFor("the same content", () => isDeepStrictEqual(plain(found.doc()), content));
});

test("an edit on the second client reaches the first", async () => {
  const a = client();
  const handle = a.create({ notes: "" });
  const b = await findWithRetry(client(), handle.url);
  b.change((d) => {
    d.cleaningArranged = true;
  });
  await waitFor("the edit on A", () => handle.doc().cleaningArranged === true);
});

test("garbage and unknown message types do not break the server", async () => {
  const raw = new WebSocket(server.ws);
  await new Promise((resolve) => raw.on("open", resolve));
  raw.send(encode({ type: "join", senderId: "raw", peerMetadata: {}, supportedProtocolVersions: ["1"] }));
  raw.send(encode({ type: "from-the-future", senderId: "raw", targetId: "server" }));
  raw.send(Buffer.from([0xff, 0x00, 0x13, 0x37]));
  await new Promise((resolve) => raw.on("close", resolve));
  const handle = client().create({ still: "works" });
  const found = await findWithRetry(client(), handle.url);
  assert.equal(plain(found.doc()).still, "works");
});
