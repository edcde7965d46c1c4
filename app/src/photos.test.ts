// The photo store and upload queue against a fake attachment server that records every
// request. Time is a number the test moves; the queue is stepped with `runOnce`, except
// where the background loop itself is under test.
import { IDBFactory } from "fake-indexeddb";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { backOffDelay, PhotoStore, photoUrl, sha256Hex, UploadQueue, type Step } from "./photos";

/** What the fake server does with one request instead of its usual answer. */
type Override = number | "drop";

/** Holds attachments by hash as the real server does; `overrides` answer the next requests first. */
class FakeServer {
  held = new Map<string, Uint8Array>();
  /** "METHOD name" per request, names as the test gave them. */
  calls: string[] = [];
  overrides: Override[] = [];
  headers: Record<string, string>[] = [];

  constructor(private nameOf: (hash: string) => string) {}

  fetch: typeof fetch = async (input, init = {}) => {
    const method = init.method ?? "GET";
    const hash = String(input).replace("/api/attachments/", "");
    this.calls.push(`${method} ${this.nameOf(hash)}`);
    this.headers.push(init.headers as Record<string, string>);
    const override = this.overrides.shift();
    if (override === "drop") throw new TypeError("Failed to fetch");
    if (override !== undefined) return new Response(null, { status: override });
    if (method === "PUT") {
      this.held.set(hash, new Uint8Array(init.body as ArrayBuffer));
      return new Response(null, { status: 201 });
    }
    const bytes = this.held.get(hash);
    if (!bytes) return new Response(null, { status: 404 });
    return new Response(method === "HEAD" ? null : bytes.slice(), { headers: { "content-type": "image/jpeg" } });
  };
}

/** A phone with a photo store, an upload queue and a clock, talking to a fake server. */
class Phone {
  clock = 1_000_000;
  names = new Map<string, string>();
  server = new FakeServer((hash) => this.names.get(hash) ?? hash);
  refusedSession = vi.fn();
  queue: UploadQueue;

  private constructor(public store: PhotoStore) {
    this.queue = this.queueOver(store);
  }

  static async open(): Promise<Phone> {
    const phone: Phone = new Phone(await PhotoStore.open(() => phone.clock));
    return phone;
  }

  /** Takes a photo named `name` a moment after the last one; resolves to its hash. */
  async take(name: string): Promise<string> {
    this.clock += 1;
    const hash = await this.store.put(photoBlob(name), "image/jpeg");
    this.names.set(hash, name);
    return hash;
  }

  /** Steps the queue until it has nothing to send now. */
  async runUntilIdle(): Promise<Step[]> {
    const steps: Step[] = [];
    for (let step = await this.queue.runOnce(); step !== "idle"; step = await this.queue.runOnce()) steps.push(step);
    return steps;
  }

  /** The app closed and opened again: the same database, a new store and queue. */
  async reload(): Promise<void> {
    this.queue.stop();
    this.store.close();
    this.store = await PhotoStore.open(() => this.clock);
    this.queue = this.queueOver(this.store);
  }

  private queueOver(store: PhotoStore): UploadQueue {
    return new UploadQueue(store, {
      fetch: this.server.fetch,
      headers: () => ({ authorization: "Bearer token" }),
      now: () => this.clock,
      onRefused: this.refusedSession,
    });
  }
}

function photoBlob(name: string): Blob {
  return new Blob([`photo ${name}`], { type: "image/jpeg" });
}

const text = (bytes: ArrayBuffer | Uint8Array | undefined) => (bytes ? new TextDecoder().decode(bytes) : undefined);

let online = true;

beforeEach(() => {
  // A fresh, empty IndexedDB for every test.
  globalThis.indexedDB = new IDBFactory();
  online = true;
  vi.spyOn(navigator, "onLine", "get").mockImplementation(() => online);
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe("PhotoStore", () => {
  test("names a photo by the SHA-256 of its bytes", async () => {
    const store = await PhotoStore.open();
    const hash = await store.put(new Blob(["abc"]), "image/jpeg");
    expect(hash).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(await sha256Hex(new TextEncoder().encode("abc").buffer)).toBe(hash);
  });

  test("the same bytes stored twice are one photo", async () => {
    const phone = await Phone.open();
    const first = await phone.take("a");
    const second = await phone.take("a");
    expect(second).toBe(first);
    expect(await phone.store.waiting()).toBe(1);
    const photo = await phone.store.get(first);
    expect(photo).toMatchObject({ hash: first, type: "image/jpeg", uploaded: false, attempts: 0, nextTryAt: 0 });
    expect(text(photo?.bytes)).toBe("photo a");
  });

  test("a photo fetched from the server is kept as already uploaded", async () => {
    const store = await PhotoStore.open();
    const hash = await sha256Hex(await photoBlob("b").arrayBuffer());
    await store.keep(hash, photoBlob("b"), "image/jpeg");
    expect(await store.get(hash)).toMatchObject({ uploaded: true });
    expect(await store.waiting()).toBe(0);
    expect(await store.oldestWaiting()).toBeUndefined();
  });
});

describe("backOffDelay", () => {
  test.each([
    [1, 1_000],
    [2, 2_000],
    [3, 4_000],
    [9, 256_000],
    [10, 300_000],
    [40, 300_000],
  ])("after %i failed tries waits %i ms", (attempts, delay) => {
    expect(backOffDelay(attempts)).toBe(delay);
  });
});

describe("UploadQueue", () => {
  test("uploads the oldest photo first, one at a time", async () => {
    const phone = await Phone.open();
    const taken = [await phone.take("c"), await phone.take("a"), await phone.take("b")];
    // The order taken is not the order of the hashes, so the store's key order cannot pass for it.
    expect([...taken].sort()).not.toEqual(taken);

    expect(await phone.runUntilIdle()).toEqual(["uploaded", "uploaded", "uploaded"]);
    expect(phone.server.calls).toEqual(["HEAD c", "PUT c", "HEAD a", "PUT a", "HEAD b", "PUT b"]);
    expect(text(phone.server.held.get(taken[0]))).toBe("photo c");
    expect(await phone.store.waiting()).toBe(0);
  });

  test("signs every request in and sends the photo's content type", async () => {
    const phone = await Phone.open();
    await phone.take("a");
    await phone.queue.runOnce();
    expect(phone.server.headers).toEqual([
      { authorization: "Bearer token" },
      { authorization: "Bearer token", "content-type": "image/jpeg" },
    ]);
  });

  test("a photo the server already holds is not sent again", async () => {
    const phone = await Phone.open();
    const hash = await phone.take("a");
    phone.server.held.set(hash, new Uint8Array(await photoBlob("a").arrayBuffer()));

    expect(await phone.queue.runOnce()).toBe("uploaded");
    expect(phone.server.calls).toEqual(["HEAD a"]);
    expect(await phone.store.get(hash)).toMatchObject({ uploaded: true });
  });

  test("a server error puts the photo back for later, waiting longer each time", async () => {
    const phone = await Phone.open();
    const hash = await phone.take("a");
    phone.server.overrides = [500, 404, 503];

    expect(await phone.queue.runOnce()).toBe("retry-later");
    expect(await phone.store.get(hash)).toMatchObject({ attempts: 1, nextTryAt: phone.clock + 1_000 });
    phone.clock += 999;
    expect(await phone.queue.runOnce()).toBe("idle");
    phone.clock += 1;
    expect(await phone.queue.runOnce()).toBe("retry-later"); // HEAD 404, PUT 503
    expect(await phone.store.get(hash)).toMatchObject({ attempts: 2, nextTryAt: phone.clock + 2_000 });
    expect(await phone.store.nextTryAt()).toBe(phone.clock + 2_000);

    phone.clock += 2_000;
    expect(await phone.queue.runOnce()).toBe("uploaded");
    expect(phone.server.calls).toEqual(["HEAD a", "HEAD a", "PUT a", "HEAD a", "PUT a"]);
    expect(await phone.store.waiting()).toBe(0);
  });

  test("a photo backing off lets the next one go first", async () => {
    const phone = await Phone.open();
    await phone.take("a");
    await phone.take("b");
    phone.server.overrides = [500];

    expect(await phone.runUntilIdle()).toEqual(["retry-later", "uploaded"]);
    expect(phone.server.calls).toEqual(["HEAD a", "HEAD b", "PUT b"]);
    expect(await phone.store.waiting()).toBe(1);
  });

  test("an upload cut off mid-way leaves the photo waiting, through a reload, until a later try sends it", async () => {
    const phone = await Phone.open();
    const hash = await phone.take("a");
    phone.server.overrides = [404, "drop"];

    expect(await phone.queue.runOnce()).toBe("retry-later");
    expect(phone.server.held.has(hash)).toBe(false);
    expect(await phone.store.waiting()).toBe(1);

    await phone.reload();
    expect(await phone.store.get(hash)).toMatchObject({ uploaded: false, attempts: 1 });
    expect(await phone.queue.runOnce()).toBe("idle"); // still backing off
    phone.clock += 1_000;
    expect(await phone.queue.runOnce()).toBe("uploaded");
    expect(text(phone.server.held.get(hash))).toBe("photo a");
    expect(await phone.store.waiting()).toBe(0);
  });

  test("a photo over the server's size limit is refused, kept, and not offered again", async () => {
    const phone = await Phone.open();
    const hash = await phone.take("big");
    phone.server.overrides = [404, 413];

    expect(await phone.queue.runOnce()).toBe("refused");
    expect(await phone.queue.refused()).toEqual([{ hash, reason: "照片超过服务器大小上限" }]);
    expect(await phone.store.waiting()).toBe(0);
    expect(text((await phone.store.get(hash))?.bytes)).toBe("photo big");

    phone.clock += 60 * 60_000;
    await phone.reload();
    expect(await phone.queue.runOnce()).toBe("idle");
    expect(phone.server.calls).toEqual(["HEAD big", "PUT big"]);
    expect(await phone.queue.refused()).toEqual([{ hash, reason: "照片超过服务器大小上限" }]);
  });

  test("a refused sign-in stops the queue and says so, leaving the photos waiting", async () => {
    const phone = await Phone.open();
    await phone.take("a");
    phone.server.overrides = [401];

    phone.queue.start();
    await vi.waitFor(() => expect(phone.refusedSession).toHaveBeenCalledOnce());
    expect(phone.server.calls).toEqual(["HEAD a"]);
    expect(await phone.store.waiting()).toBe(1);

    // Stopped: a new photo wakes nothing.
    await phone.take("b");
    expect(phone.server.calls).toEqual(["HEAD a"]);
    expect(await phone.store.waiting()).toBe(2);
  });

  test("the counts follow every photo taken, sent and refused", async () => {
    const phone = await Phone.open();
    const reported: { waiting: number; refused: number }[] = [];
    phone.queue.onChange((status) => reported.push(status));
    const last = () => reported[reported.length - 1];
    await vi.waitFor(() => expect(last()).toEqual({ waiting: 0, refused: 0 }));

    await phone.take("a");
    await phone.take("b");
    await phone.take("c");
    await vi.waitFor(() => expect(last()).toEqual({ waiting: 3, refused: 0 }));

    phone.server.overrides = [404, 413, 500];
    expect(await phone.runUntilIdle()).toEqual(["refused", "retry-later", "uploaded"]);
    expect(await phone.queue.status()).toEqual({ waiting: 1, refused: 1 });
    await vi.waitFor(() => expect(last()).toEqual({ waiting: 1, refused: 1 }));

    phone.clock += 1_000;
    await phone.runUntilIdle();
    expect(await phone.queue.status()).toEqual({ waiting: 0, refused: 1 });
    await vi.waitFor(() => expect(last()).toEqual({ waiting: 0, refused: 1 }));
  });

  test("in the background, tries a photo again when its back-off ends", async () => {
    // Only the queue's own timer is faked; IndexedDB keeps its real scheduling.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      const phone = await Phone.open();
      const hash = await phone.take("a");
      phone.server.overrides = [503];
      phone.queue.start();
      await vi.waitFor(() => expect(vi.getTimerCount()).toBe(1));
      expect(phone.server.calls).toEqual(["HEAD a"]);

      phone.clock += 1_000;
      await vi.advanceTimersByTimeAsync(1_000);
      await vi.waitFor(() => expect(phone.server.held.has(hash)).toBe(true));
      expect(phone.server.calls).toEqual(["HEAD a", "HEAD a", "PUT a"]);
      phone.queue.stop();
    } finally {
      vi.useRealTimers();
    }
  });

  test("in the background, uploads a new photo at once and waits offline until the phone is back online", async () => {
    const phone = await Phone.open();
    phone.queue.start();
    const a = await phone.take("a");
    await vi.waitFor(() => expect(phone.server.held.has(a)).toBe(true));

    online = false;
    const b = await phone.take("b");
    expect(phone.server.calls).toEqual(["HEAD a", "PUT a"]);
    expect(await phone.store.waiting()).toBe(1);

    online = true;
    dispatchEvent(new Event("online"));
    await vi.waitFor(() => expect(phone.server.held.has(b)).toBe(true));
    await vi.waitFor(async () => expect(await phone.store.waiting()).toBe(0));
    phone.queue.stop();
  });
});

describe("photoUrl", () => {
  let shown: Blob[];

  beforeEach(() => {
    shown = [];
    vi.spyOn(URL, "createObjectURL").mockImplementation((blob) => {
      shown.push(blob as Blob);
      return `blob:photo-${shown.length}`;
    });
  });

  test("shows this phone's copy without asking the server", async () => {
    const phone = await Phone.open();
    const hash = await phone.take("a");
    expect(await photoUrl(phone.store, hash, phone.server.fetch, () => ({}))).toBe("blob:photo-1");
    expect(phone.server.calls).toEqual([]);
    expect(text(await shown[0].arrayBuffer())).toBe("photo a");
  });

  test("fetches a photo from the server once, then shows it offline", async () => {
    const phone = await Phone.open();
    const hash = await sha256Hex(await photoBlob("theirs").arrayBuffer());
    phone.names.set(hash, "theirs");
    phone.server.held.set(hash, new Uint8Array(await photoBlob("theirs").arrayBuffer()));

    expect(await photoUrl(phone.store, hash, phone.server.fetch, () => ({ authorization: "Bearer token" }))).toBe("blob:photo-1");
    expect(phone.server.calls).toEqual(["GET theirs"]);
    expect(phone.server.headers).toEqual([{ authorization: "Bearer token" }]);
    expect(shown[0].type).toBe("image/jpeg");

    phone.server.overrides = ["drop"];
    expect(await photoUrl(phone.store, hash, phone.server.fetch, () => ({}))).toBe("blob:photo-2");
    expect(phone.server.calls).toEqual(["GET theirs"]);
    expect(text(await shown[1].arrayBuffer())).toBe("photo theirs");
    expect(await phone.store.waiting()).toBe(0);
  });

  test("null when the photo is neither here nor reachable", async () => {
    const phone = await Phone.open();
    const hash = await sha256Hex(await photoBlob("elsewhere").arrayBuffer());
    phone.server.overrides = ["drop"];
    expect(await photoUrl(phone.store, hash, phone.server.fetch, () => ({}))).toBeNull();
    expect(await photoUrl(phone.store, hash, phone.server.fetch, () => ({}))).toBeNull(); // 404
    expect(shown).toEqual([]);
  });

  test("bytes from the server that do not match the name are neither shown nor kept", async () => {
    const phone = await Phone.open();
    const hash = await sha256Hex(await photoBlob("real").arrayBuffer());
    phone.server.held.set(hash, new Uint8Array(await photoBlob("forged").arrayBuffer()));
    expect(await photoUrl(phone.store, hash, phone.server.fetch, () => ({}))).toBeNull();
    expect(await phone.store.get(hash)).toBeUndefined();
  });
});
