// node interop/create.mjs <wsUrl> <json>
// A JS client creates a document with the given root, waits until a second independent
// connection can read it back, and prints {"url": ...}.
import { isDeepStrictEqual } from "node:util";
import { connect, findWithRetry, plain } from "../lib/repo.mjs";
import { waitFor } from "../lib/server.mjs";

const [wsUrl, json] = process.argv.slice(2);
const content = JSON.parse(json);
const writer = connect(wsUrl);
const handle = writer.create(content);
const reader = connect(wsUrl);
const found = await findWithRetry(reader, handle.url);
await waitFor("the content on the server", () => isDeepStrictEqual(plain(found.doc()), content));
console.log(JSON.stringify({ url: handle.url }));
await Promise.all([writer.shutdown(), reader.shutdown()]);
process.exit(0);
