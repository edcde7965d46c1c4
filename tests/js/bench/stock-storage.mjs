// node bench/stock-storage.mjs <storageDir> <stagedDir>
//
// Fills the stock server's file storage before the server starts (bench/node-server.mjs
// serves from a `NodeFSStorageAdapter` over <storageDir>). Every file of <stagedDir> is a
// storage key's parts joined by dots (`<documentId>.snapshot.<headsHash>`, the key
// automerge-repo gives a whole document) holding that chunk's bytes; each is handed to
// the adapter under that key, so the adapter lays out the files as the server expects.
// Prints {"count":N, "storeMs":...}.
//
// On any failure it prints {"error": "..."} and exits 2. Bad arguments: a message on
// stderr, exit 64.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { NodeFSStorageAdapter } from "@automerge/automerge-repo-storage-nodefs";
import { finish, runCli } from "../lib/cli.mjs";

const USAGE = "node bench/stock-storage.mjs <storageDir> <stagedDir>";
/** Chunks written at a time: the files go out through libuv's few threads. */
const AT_ONCE = 64;

runCli(USAGE, [], 240_000, async ({ positional, stage }) => {
  if (positional.length !== 2) {
    process.stderr.write(`stock-storage: expected 2 arguments, got ${positional.length}\nusage: ${USAGE}\n`);
    process.exit(64);
  }
  const start = performance.now();
  const [storageDir, stagedDir] = positional;
  const storage = new NodeFSStorageAdapter(storageDir);
  const names = await readdir(stagedDir);
  for (let i = 0; i < names.length; i += AT_ONCE) {
    stage.now = `storing chunks ${i}–${Math.min(names.length, i + AT_ONCE)} of ${names.length}`;
    await Promise.all(
      names.slice(i, i + AT_ONCE).map(async (name) => {
        const key = name.split(".");
        if (key.length !== 3) throw new Error(`${name} is not a storage key's three parts joined by dots`);
        await storage.save(key, await readFile(path.join(stagedDir, name)));
      }),
    );
  }
  finish({ count: names.length, storeMs: Math.round(performance.now() - start) });
}, { onFailure: (message) => finish({ error: message }, 2) });
