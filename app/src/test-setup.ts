// Every test gets a fresh in-memory IndexedDB, and the real core compiled to WASM (the
// vocabulary, the rules) loaded synchronously from the build.
import "fake-indexeddb/auto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { initSync } from "./wasm/estate_wasm.js";

// Vitest runs from app/.
initSync({ module: readFileSync(resolve("src/wasm/estate_wasm_bg.wasm")) });
