// node interop/read.mjs <wsUrl> <automergeUrl> [key]
// A fresh JS client finds the document (and waits for `key` at its root if given) and
// prints {"doc": ...}.
import { connect, findWithRetry, plain } from "../lib/repo.mjs";
import { waitFor } from "../lib/server.mjs";

const [wsUrl, url, key] = process.argv.slice(2);
const repo = connect(wsUrl);
const handle = await findWithRetry(repo, url);
if (key) await waitFor(`key ${key}`, () => handle.doc()?.[key] !== undefined);
console.log(JSON.stringify({ doc: plain(handle.doc()) }));
await repo.shutdown();
process.exit(0);
