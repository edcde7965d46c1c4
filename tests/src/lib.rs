//! System-level benchmarks: the real server binary logic in process, the native client over
//! loopback WebSockets, and the stock Node automerge-repo server run beside it for ratios.
//! The benchmark binary is `src/bin/bench.rs`; numbers go to `BENCHMARKS.md`, never into
//! assertions.
