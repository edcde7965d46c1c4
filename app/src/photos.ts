// Photos and signatures: records in the CRDT name one only by the SHA-256 of its bytes, and
// the bytes wait here, in IndexedDB, until the upload queue has put them on the server.
// Compression (`preparePhoto`) is kept apart from storage so tests, which have no canvas,
// store bytes directly.
import imageCompression from "browser-image-compression";
// The library's worker loads the library again with importScripts, from a CDN by default;
// the copy served with the app (and precached with it) lets the worker run offline too.
import compressionLibUrl from "browser-image-compression/dist/browser-image-compression.js?url";
import { openDB, type IDBPDatabase } from "idb";

const DATABASE = "estate-photos";
const STORE = "photos";
/** Orders the photos still to upload by when they were taken, with when each may next be tried. */
const WAITING = "waiting";
const REFUSED = "refused";

const FIRST_RETRY_MS = 1_000;
const LAST_RETRY_MS = 5 * 60_000;
/** Long enough for a 0.4 MB photo on a weak mobile signal; a hung request must not hold the queue. */
const UPLOAD_TIMEOUT_MS = 60_000;
const DOWNLOAD_TIMEOUT_MS = 30_000;
const ASK_TIMEOUT_MS = 10_000;

/** Why the server will never take a photo, so the queue stops offering it. */
export type Refusal = "too-large" | "damaged";

export const REFUSAL_TEXT: Record<Refusal, string> = {
  "too-large": "照片超过服务器大小上限",
  "damaged": "照片数据已损坏，无法上传",
};

/** One photo as stored; its shape is a compatibility promise to every phone's database. */
export interface PhotoRecord {
  /** Lowercase hex SHA-256 of `bytes`, the name records use. */
  hash: string;
  type: string;
  bytes: ArrayBuffer;
  addedAt: number;
  uploaded: boolean;
  /** Failed tries so far; sets the back-off, kept here so it survives a reload. */
  attempts: number;
  /** Not offered to the server before this time (ms since the epoch). */
  nextTryAt: number;
  /** Present only while the photo still has to be uploaded: IndexedDB cannot index a boolean. */
  waitingSince?: number;
  /** Present when the server will never take it. */
  refused?: Refusal;
}

export interface RefusedPhoto {
  hash: string;
  /** In Chinese, to show as it is. */
  reason: string;
}

/**
 * Makes a camera photo small enough to upload on a weak signal: at most 1920 px a side and
 * about 0.4 MB, as JPEG, drawn the way up the EXIF orientation says (the library turns the
 * pixels and drops the EXIF, which also drops the location the camera wrote). Runs in the
 * library's web worker so the form stays responsive.
 */
export async function preparePhoto(file: Blob): Promise<Blob> {
  const image = file instanceof File ? file : new File([file], "photo", { type: file.type });
  return imageCompression(image, {
    maxWidthOrHeight: 1920,
    maxSizeMB: 0.4,
    fileType: "image/jpeg",
    // Starting below 1 saves compression rounds: a 1920 px JPEG at full quality is well over 0.4 MB.
    initialQuality: 0.85,
    useWebWorker: true,
    // The worker is made from a blob: URL, against which a path does not resolve.
    libURL: new URL(compressionLibUrl, location.href).href,
  });
}

/** The lowercase hex SHA-256 of some bytes: the name a photo goes by everywhere. */
export async function sha256Hex(bytes: ArrayBuffer): Promise<string> {
  // Digesting a view rather than the buffer itself also takes a buffer made in another
  // realm (jsdom's Blob gives those, and Node's WebCrypto turns them down).
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new Uint8Array(bytes)));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** How long to wait after the `attempts`-th failed try: 1 s, doubling, at most 5 min. */
export function backOffDelay(attempts: number): number {
  return Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1), LAST_RETRY_MS);
}

/** The photos on this phone, keyed by hash, each marked with whether the server has it. */
export class PhotoStore {
  private listeners = new Set<() => void>();

  private constructor(
    private db: IDBPDatabase,
    private now: () => number,
  ) {}

  /** `now` stamps when a photo was added, which sets the upload order. */
  static async open(now: () => number = Date.now): Promise<PhotoStore> {
    const db = await openDB(DATABASE, 1, {
      upgrade(db) {
        const store = db.createObjectStore(STORE, { keyPath: "hash" });
        store.createIndex(WAITING, ["waitingSince", "nextTryAt"]);
        store.createIndex(REFUSED, "refused");
      },
      // Signing out deletes every database; an open connection would hold that up.
      blocking() {
        db.close();
      },
    });
    return new PhotoStore(db, now);
  }

  close(): void {
    this.db.close();
  }

  /** Calls `listener` after anything that may change what waits or was refused; returns an unsubscribe. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Keeps a photo to upload and resolves to its hash once it is on disk, so a record may
   * name it. The same bytes twice are one photo.
   */
  async put(blob: Blob, type: string): Promise<string> {
    const bytes = await blob.arrayBuffer();
    const hash = await sha256Hex(bytes);
    const addedAt = this.now();
    const added = await this.addUnlessHeld({
      hash, type, bytes, addedAt, uploaded: false, attempts: 0, nextTryAt: 0, waitingSince: addedAt,
    });
    if (added) this.changed();
    return hash;
  }

  /** Keeps a photo fetched from the server, so it shows offline next time. */
  async keep(hash: string, blob: Blob, type: string): Promise<void> {
    const bytes = await blob.arrayBuffer();
    await this.addUnlessHeld({ hash, type, bytes, addedAt: this.now(), uploaded: true, attempts: 0, nextTryAt: 0 });
  }

  async get(hash: string): Promise<PhotoRecord | undefined> {
    return (await this.db.get(STORE, hash)) as PhotoRecord | undefined;
  }

  /** How many photos still have to reach the server (refused ones never will, see `refused`). */
  async waiting(): Promise<number> {
    return this.db.countFromIndex(STORE, WAITING);
  }

  /** The photo taken first among those still to upload whose back-off has passed at `now`. */
  async oldestWaiting(now = Infinity): Promise<PhotoRecord | undefined> {
    // A key cursor reads the index alone, so photos still backing off are passed over
    // without loading their bytes.
    let cursor = await this.db.transaction(STORE).store.index(WAITING).openKeyCursor();
    while (cursor) {
      const [, nextTryAt] = cursor.key as [number, number];
      if (nextTryAt <= now) return this.get(cursor.primaryKey as string);
      cursor = await cursor.continue();
    }
    return undefined;
  }

  /** The earliest time a photo still to upload may be tried; null when none waits. */
  async nextTryAt(): Promise<number | null> {
    let earliest: number | null = null;
    let cursor = await this.db.transaction(STORE).store.index(WAITING).openKeyCursor();
    while (cursor) {
      const [, nextTryAt] = cursor.key as [number, number];
      earliest = earliest === null ? nextTryAt : Math.min(earliest, nextTryAt);
      cursor = await cursor.continue();
    }
    return earliest;
  }

  async markUploaded(hash: string): Promise<void> {
    await this.update(hash, (photo) => {
      photo.uploaded = true;
      delete photo.waitingSince;
    });
  }

  /** A try failed for a reason that may pass: the photo waits longer each time. */
  async retryLater(hash: string, now: number): Promise<void> {
    await this.update(hash, (photo) => {
      photo.attempts += 1;
      photo.nextTryAt = now + backOffDelay(photo.attempts);
    });
  }

  /** The server will never take the photo: it stays here, shown as refused, and is not offered again. */
  async refuse(hash: string, reason: Refusal): Promise<void> {
    await this.update(hash, (photo) => {
      photo.refused = reason;
      delete photo.waitingSince;
    });
  }

  async refused(): Promise<{ hash: string; reason: Refusal }[]> {
    const list: { hash: string; reason: Refusal }[] = [];
    let cursor = await this.db.transaction(STORE).store.index(REFUSED).openKeyCursor();
    while (cursor) {
      list.push({ hash: cursor.primaryKey as string, reason: cursor.key as Refusal });
      cursor = await cursor.continue();
    }
    return list;
  }

  /** Adds in one transaction with the check, so two puts of the same bytes cannot both add. */
  private async addUnlessHeld(photo: PhotoRecord): Promise<boolean> {
    const tx = this.db.transaction(STORE, "readwrite", { durability: "strict" });
    const held = (await tx.store.getKey(photo.hash)) !== undefined;
    if (!held) void tx.store.add(photo);
    await tx.done;
    return !held;
  }

  private async update(hash: string, change: (photo: PhotoRecord) => void): Promise<void> {
    const tx = this.db.transaction(STORE, "readwrite");
    const photo = (await tx.store.get(hash)) as PhotoRecord | undefined;
    if (photo) {
      change(photo);
      void tx.store.put(photo);
    }
    await tx.done;
    if (photo) this.changed();
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}

export interface UploadQueueOptions {
  /** Headers that sign a request in (`authHeaders`). */
  headers: () => Record<string, string>;
  fetch?: typeof fetch;
  now?: () => number;
  /** The server no longer takes this device's token: the queue has stopped. */
  onRefused?: () => void;
}

/** What the badge shows. */
export interface UploadStatus {
  waiting: number;
  refused: number;
}

/** What one step of the queue did. */
export type Step = "uploaded" | "retry-later" | "refused" | "signed-out" | "idle";

/** What the server said to one photo. */
type Answer = "uploaded" | "retry-later" | "signed-out" | Refusal;

/**
 * Sends waiting photos to the server in the background, oldest first, one at a time, while
 * the phone is online. Uploads are idempotent on the server, so a photo sent twice (a reply
 * lost, two tabs open) does no harm.
 */
export class UploadQueue {
  private fetch: typeof fetch;
  private now: () => number;
  private running = false;
  /** Set by every wake; the loop runs again when it was set during a pass. */
  private woken = false;
  private started = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly wake = () => this.kick();

  constructor(
    private store: PhotoStore,
    private options: UploadQueueOptions,
  ) {
    // Called as a method here, the browser's own fetch would throw "Illegal invocation".
    this.fetch = options.fetch ?? fetch.bind(globalThis);
    this.now = options.now ?? Date.now;
  }

  /** Uploads now and whenever the phone comes online, a photo is added, or a back-off ends. */
  start(): void {
    if (this.started) return;
    this.started = true;
    addEventListener("online", this.wake);
    this.unsubscribe = this.store.onChange(this.wake);
    this.kick();
  }

  /** Stops after the request in flight, if any. */
  stop(): void {
    this.started = false;
    removeEventListener("online", this.wake);
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    clearTimeout(this.timer);
  }

  /** Calls `listener` now and after every change to what waits; returns an unsubscribe. */
  onChange(listener: (status: UploadStatus) => void): () => void {
    // After a sign-out wiped the database there is nothing left to report.
    const report = () => void this.status().then(listener, () => {});
    report();
    return this.store.onChange(report);
  }

  async status(): Promise<UploadStatus> {
    const [waiting, refused] = await Promise.all([this.store.waiting(), this.store.refused()]);
    return { waiting, refused: refused.length };
  }

  /** Photos the server will never take, each with why in Chinese. */
  async refused(): Promise<RefusedPhoto[]> {
    return (await this.store.refused()).map(({ hash, reason }) => ({ hash, reason: REFUSAL_TEXT[reason] }));
  }

  /** Offers the oldest photo whose back-off has passed to the server; the background loop is this, repeated. */
  async runOnce(): Promise<Step> {
    const photo = await this.store.oldestWaiting(this.now());
    if (!photo) return "idle";
    const answer = await this.send(photo);
    switch (answer) {
      case "uploaded":
        await this.store.markUploaded(photo.hash);
        return answer;
      case "retry-later":
        await this.store.retryLater(photo.hash, this.now());
        return answer;
      case "signed-out":
        // The photo stays as it was: nothing is wrong with it.
        return answer;
      default:
        await this.store.refuse(photo.hash, answer);
        return "refused";
    }
  }

  /** Asks whether the server holds the photo, and sends it when not. */
  private async send(photo: PhotoRecord): Promise<Answer> {
    const url = `/api/attachments/${photo.hash}`;
    try {
      const held = await this.fetch(url, {
        method: "HEAD",
        headers: this.options.headers(),
        cache: "no-store",
        signal: AbortSignal.timeout(ASK_TIMEOUT_MS),
      });
      if (held.status === 401) return "signed-out";
      if (held.ok) return "uploaded";
      if (held.status !== 404) return "retry-later";
      const sent = await this.fetch(url, {
        method: "PUT",
        headers: { ...this.options.headers(), "content-type": photo.type },
        body: photo.bytes,
        signal: AbortSignal.timeout(UPLOAD_TIMEOUT_MS),
      });
      return answerToPut(sent.status);
    } catch {
      // No connection, or it dropped mid-upload: the photo waits for a later try.
      return "retry-later";
    }
  }

  private kick(): void {
    this.woken = true;
    if (!this.running) void this.drain();
  }

  private async drain(): Promise<void> {
    this.running = true;
    clearTimeout(this.timer);
    try {
      while (this.woken && this.started && navigator.onLine) {
        this.woken = false;
        let step: Step;
        do step = await this.runOnce();
        while (step !== "idle" && step !== "signed-out" && this.started && navigator.onLine);
        if (step === "signed-out") {
          this.stop();
          this.options.onRefused?.();
        }
      }
      // Offline, the `online` event wakes the queue; a timer would only spin.
      if (this.started && navigator.onLine) await this.wakeAtNextTry();
    } catch (e) {
      // The database went (a sign-out wiped it) or failed; the next wake tries afresh.
      console.error("photo upload stopped", e);
    } finally {
      this.running = false;
    }
  }

  private async wakeAtNextTry(): Promise<void> {
    const at = await this.store.nextTryAt();
    if (at === null || !this.started) return;
    this.timer = setTimeout(this.wake, Math.max(0, at - this.now()));
  }
}

function answerToPut(status: number): Answer {
  if (status >= 200 && status < 300) return "uploaded";
  if (status === 401) return "signed-out";
  if (status === 413) return "too-large";
  // The bytes here no longer hash to their name: sending them again cannot help.
  if (status === 400) return "damaged";
  return "retry-later";
}

/**
 * An object URL showing the photo: from this phone's copy, else fetched from the server
 * and kept so it shows offline next time; null when neither has it to give. The caller
 * revokes the URL when the image goes.
 */
export async function photoUrl(
  store: PhotoStore,
  hash: string,
  fetchFn: typeof fetch,
  headers: () => Record<string, string>,
): Promise<string | null> {
  const held = await store.get(hash);
  if (held) return URL.createObjectURL(new Blob([held.bytes], { type: held.type }));
  const blob = await download(hash, fetchFn, headers);
  if (!blob) return null;
  await store.keep(hash, blob, blob.type);
  return URL.createObjectURL(blob);
}

/** The photo from the server, checked against its name; null when it cannot be had. */
async function download(hash: string, fetchFn: typeof fetch, headers: () => Record<string, string>): Promise<Blob | null> {
  try {
    const response = await fetchFn(`/api/attachments/${hash}`, {
      headers: headers(),
      signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS),
    });
    if (!response.ok) return null;
    const bytes = await response.arrayBuffer();
    if ((await sha256Hex(bytes)) !== hash) return null;
    return new Blob([bytes], { type: response.headers.get("content-type") ?? "application/octet-stream" });
  } catch {
    return null;
  }
}
