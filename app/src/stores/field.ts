// The one store: who is signed in, the area's replica, and how sync stands. Screens read
// records through it and bump on `revision`, which changes after every sync batch and every
// save, so a computed view re-asks the core exactly when something may have changed.
import { defineStore } from "pinia";
import { showDialog } from "vant";
import { computed, nextTick, ref, shallowRef } from "vue";
import { openReplica, type AreaInfo, type Chunk, type Replica } from "../core";
import { cachedDirectory, fetchDirectory, type Directory, type Housekeeper } from "../directory";
import type { Actor, AnyAction, Input, RecordKind, Headers } from "../records";
import { PhotoStore, UploadQueue, photoUrl } from "../photos";
import { authHeaders, checkSession, currentSession, unsentWarning, expireSession, signOut as clearSession, syncUrl, wipeDevice, type Session } from "../session";
import { remember } from "../settings";
import { remark } from "../hooks";
import { ChunkStore, type HomeView } from "../storage";
import type { DueWork } from "../rules";
import { Sync, type SyncStatus } from "../sync";

const PEER = "estate.peer";

/** This device's peer ID: random, kept for good. */
function peerId(): string {
  let id = localStorage.getItem(PEER);
  if (!id) {
    id = `phone-${crypto.randomUUID()}`;
    void remember(PEER, id);
  }
  return id;
}

/** Stored documents loaded into the core between two looks at the screen (some 50 ms here). */
const SLICE = 300;

/** Lets the page draw and take taps between two slices of work. */
function yieldToPage(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** How often at most a burst of sync batches redraws the screen (ms). */
const REDRAW_EVERY = 100;

/** How often at most the home screen's view is written down for the next start (ms). */
const KEEP_HOME_EVERY = 2000;

/** Where the app stands before it can show an area. */
export type Phase = "starting" | "signed-out" | "unreachable" | "no-area" | "opening" | "ready";

export const useField = defineStore("field", () => {
  const phase = ref<Phase>("starting");
  const session = shallowRef<Session | null>(currentSession());
  const directory = shallowRef<Directory | null>(null);
  const me = shallowRef<Housekeeper | null>(null);
  const replica = shallowRef<Replica | null>(null);
  const sync = shallowRef<Sync | null>(null);
  const area = shallowRef<AreaInfo | null>(null);
  const status = shallowRef<SyncStatus>({ online: false, pending: 0, refused: [], missing: 0, failure: null });
  /** Bumped whenever records may have changed. */
  const revision = ref(0);
  /** Whether the browser promised to keep this phone's storage (null until asked). */
  const storagePersisted = ref<boolean | null>(null);
  /** Photos the server will not take (too large, damaged): kept, never counted as waiting. */
  const photosRefused = ref(0);
  /** The last thing saved, said once the write is durable ("… 已保存"). */
  const notice = ref("");
  /** Photos and signatures taken here that have not reached the server. */
  const photosPending = ref(0);
  /** Why the app could not start, if it could not. */
  const failure = ref<string | null>(null);
  /** While opening: the home screen as it was last drawn, shown until every record is loaded. */
  const home = shallowRef<HomeView | null>(null);
  /** While opening: stored documents loaded into the core so far, of how many. */
  const loading = ref<{ done: number; total: number } | null>(null);
  /** When the home screen's view was last written down for the next start (ms), if it was. */
  let homeKeptAt: number | null = null;
  let chunks: ChunkStore | null = null;
  let homeTimer: ReturnType<typeof setTimeout> | null = null;
  let homeWrite: (() => void) | null = null;
  let homeWriting = 0;
  let opened: () => void = () => {};
  const ready = new Promise<void>((resolve) => (opened = resolve));
  let photos: PhotoStore | null = null;
  let queue: UploadQueue | null = null;
  let indexId = "";
  let timer: ReturnType<typeof setTimeout> | null = null;
  let indexStale = true;
  /** How long the last redraw took (ms): the core's answers and the screen drawn from them. */
  let redrawMs = 0;
  /** Redraws since the area opened, and their time in all (ms): what the benchmark reports. */
  const redraws = { count: 0, ms: 0 };

  const actor = computed<Actor | null>(() => (session.value ? { user: session.value.user, role: session.value.role } : null));

  /** After a sync batch (its answers sent): reads the records it brought, then coalesces
   * the redraws a burst of frames asks for (many per second). A redraw waits at least four
   * times as long as the last one took, so on a large area redrawing takes at most a fifth
   * of the page's time while a burst lasts; once it is over (nothing queued behind this
   * batch, nothing missing), the screen catches up at once. */
  function changed(ids: Set<string>): void {
    if (ids.size > 0) replica.value?.readLoaded();
    indexStale ||= ids.has(indexId) || area.value === null;
    const over = sync.value?.quiet === true && replica.value?.missingCount() === 0;
    // For the benchmark: when everything asked for had last come in (one mark, the latest).
    if (over && ids.size > 0) remark("estate:all-received");
    if (timer !== null) {
      if (!over) return;
      clearTimeout(timer);
    }
    timer = setTimeout(
      () => {
        timer = null;
        void refresh();
      },
      over ? REDRAW_EVERY : Math.max(REDRAW_EVERY, 4 * redrawMs),
    );
  }

  /** Asks every screen to read the core again; resolves once the screen is redrawn. */
  async function refresh(): Promise<void> {
    const r = replica.value;
    if (!r || !sync.value) return;
    const started = performance.now();
    if (indexStale) area.value = r.areaInfo();
    indexStale = false;
    status.value = sync.value.status();
    revision.value += 1;
    await nextTick();
    redrawMs = performance.now() - started;
    redraws.count += 1;
    redraws.ms += redrawMs;
  }

  /** The server refused the sync connection: a revoked device wipes itself, an expired
   * sign-in asks to sign in again (keeping the records, which may hold unsent work). */
  let refusing = false;
  async function refused(): Promise<void> {
    // The socket and the photo upload may both be refused at once: ask once.
    if (refusing) return;
    refusing = true;
    try {
      await settleRefusal();
    } finally {
      refusing = false;
    }
  }

  async function settleRefusal(): Promise<void> {
    const state = await checkSession();
    if (state === "revoked") {
      // The wipe is the point (a lost or stolen phone), but the person is told first.
      const unsent = unsentWarning(replica.value?.pendingCount() ?? 0, photosPending.value);
      await showDialog({
        title: "此设备已被管理员停用",
        message: `本机的片区资料将被清除。${unsent ? "其中有尚未上传的记录或照片，请联系管理员。" : ""}`,
        confirmButtonText: "知道了",
      }).catch(() => {});
      await wipeDevice();
      location.reload();
    } else if (state === "signed-out") {
      expireSession();
      location.reload();
    }
  }

  async function open(dir: Directory): Promise<void> {
    const signed = currentSession();
    if (!signed) {
      phase.value = "signed-out";
      return;
    }
    const place = dir.areas.find((a) => signed.areas.includes(a.id)) ?? dir.areas[0];
    if (!place) {
      phase.value = "no-area";
      return;
    }
    phase.value = "opening";
    directory.value = dir;
    me.value = { id: signed.user, name: signed.name, areaId: place.id };
    const [r, store] = await Promise.all([openReplica(peerId(), place.indexUrl, signed.device), ChunkStore.open(place.indexUrl)]);
    chunks = store;
    // Marks for the benchmark: where an offline start spends its time.
    performance.mark("estate:core-ready");
    const kept = await store.home();
    if (kept && kept.area.areaId === place.id) {
      area.value = kept.area;
      home.value = kept;
    }
    const held = await store.all();
    performance.mark("estate:storage-read");
    await loadSliced(r, held);
    r.allStoredLoaded();
    performance.mark("estate:loaded");
    const s = new Sync(r, store, syncUrl, changed, () => void refused());
    indexId = place.indexUrl.replace(/^automerge:/, "").split("#")[0];
    replica.value = r;
    sync.value = s;
    await openPhotos();
    void keepStorage();
    await s.run();
    void refresh();
    phase.value = "ready";
    home.value = null;
    loading.value = null;
    opened();
    performance.mark("estate:ready");
    s.connect();
  }

  /** Loads the stored documents into the core a slice at a time, reading each slice's
   * records, so the page stays drawn and answers taps while a large area opens. */
  async function loadSliced(r: Replica, held: Map<string, Chunk[]>): Promise<void> {
    const docs = [...held];
    loading.value = { done: 0, total: docs.length };
    for (let at = 0; at < docs.length; at += SLICE) {
      for (const [docId, list] of docs.slice(at, at + SLICE)) r.loadChunks(docId, list);
      r.readLoaded();
      loading.value = { done: Math.min(at + SLICE, docs.length), total: docs.length };
      await yieldToPage();
    }
  }

  /** Writes down what the home screen shows now, at most every few seconds, for the next
   * start to show before its records are loaded. */
  function keepHome(due: DueWork): void {
    const at = Date.now();
    homeWrite = () => {
      homeWrite = null;
      if (!area.value || !chunks) return;
      homeWriting += 1;
      chunks
        .keepHome({ area: area.value, due, at })
        .then(() => (homeKeptAt = at))
        .catch((e: unknown) => console.warn("home view not kept", e))
        .finally(() => (homeWriting -= 1));
    };
    if (homeTimer !== null) return;
    const wait = Math.max(0, (homeKeptAt ?? 0) + KEEP_HOME_EVERY - at);
    homeTimer = setTimeout(() => {
      homeTimer = null;
      homeWrite?.();
    }, wait);
  }
  /** Whether the screen shows everything received: no redraw is waiting. */
  function redrawn(): boolean {
    return timer === null;
  }

  /** Whether the view last written down is what the home screen shows now. */
  function homeSettled(): boolean {
    return homeKeptAt !== null && homeWrite === null && homeWriting === 0;
  }
  // A phone put away (or the app switched) writes the latest view at once.
  document.addEventListener("visibilitychange", () => document.visibilityState === "hidden" && homeWrite?.());

  /** The photo store and its upload queue: photos leave the phone in the background. */
  async function openPhotos(): Promise<void> {
    photos = await PhotoStore.open();
    queue = new UploadQueue(photos, { headers: authHeaders, onRefused: () => void refused() });
    queue.onChange((status) => {
      photosPending.value = status.waiting;
      photosRefused.value = status.refused;
    });
    queue.start();
  }

  /** Keeps a photo or signature on the phone (durably) and queues it; resolves to its hash. */
  async function keepPhoto(blob: Blob): Promise<string> {
    if (!photos) throw new Error("本机资料尚未打开");
    return photos.put(blob, blob.type || "image/jpeg");
  }

  /** Something to show a photo with: this phone's copy, else the server's (kept for offline). */
  async function showPhoto(hash: string): Promise<string | null> {
    if (!photos) return null;
    return photoUrl(photos, hash, fetch.bind(globalThis), authHeaders);
  }

  async function photosWaiting(): Promise<number> {
    return (await photos?.waiting()) ?? 0;
  }

  /** Photos the server refused, with the reason in Chinese. */
  async function refusedPhotos(): Promise<{ hash: string; reason: string }[]> {
    return (await queue?.refused()) ?? [];
  }

  /** Asks the browser to keep the records even when the phone runs short of space. */
  async function keepStorage(): Promise<void> {
    storagePersisted.value = (await navigator.storage?.persist?.().catch(() => false)) ?? false;
  }

  /**
   * Offline first: a phone that has been here before starts from what it remembers and
   * refreshes the directory in the background; a new one needs the server once.
   */
  async function boot(): Promise<void> {
    session.value = currentSession();
    if (!session.value) {
      phase.value = "signed-out";
      return;
    }
    const cached = cachedDirectory();
    if (cached) {
      await open(cached);
      void fetchDirectory().then((d) => d && (directory.value = d));
      return;
    }
    phase.value = "starting";
    const fetched = await fetchDirectory();
    if (fetched) await open(fetched);
    else phase.value = "unreachable";
  }

  /** Carries out what the last edit produced: durable in IndexedDB, then offered to the server. */
  async function persist(): Promise<boolean> {
    const ok = (await sync.value?.run()) ?? false;
    void refresh();
    return ok;
  }

  function need(): Replica {
    if (!replica.value) throw new Error("本机资料尚未打开");
    return replica.value;
  }

  /**
   * Writes what an edit produced to IndexedDB, then offers it to the server; says "已保存"
   * only once the write is durable.
   */
  function saved(what: string): void {
    notice.value = `${what} 正在保存…`;
    void persist().then((ok) => {
      notice.value = ok
        ? `${what} 已保存${sync.value?.online ? "" : "，联网后自动上传"}`
        : `${what} 未能写入本机存储，请勿关闭页面并联系管理员`;
    });
  }

  /** Files a new record; throws the core's refusal. */
  function create<K extends RecordKind>(kind: K, header: Headers[K]): string {
    const id = need().createRecord(kind, header);
    revision.value += 1;
    return id;
  }

  /** Acts on a record as the signed-in user; throws the core's refusal. */
  function act(docId: string, input: Input<AnyAction>): string {
    if (!actor.value) throw new Error("请先登录");
    const id = need().act(docId, input, actor.value, Date.now());
    revision.value += 1;
    return id;
  }

  /** A colleague's name by user ID (the ID itself for someone outside the directory). */
  function nameOf(user: string): string {
    return directory.value?.housekeepers.find((h) => h.id === user)?.name ?? user;
  }

  /** Signs out; the caller has asked first when work would be lost. */
  async function signOut(): Promise<void> {
    queue?.stop();
    photos?.close();
    await clearSession();
    location.reload();
  }

  return {
    phase, failure, notice, home, loading, ready, keepHome, homeSettled, redrawn, redraws, photosPending, photosRefused, session, directory, me, replica, sync, area, status, revision, storagePersisted, actor,
    boot, persist, saved, keepPhoto, showPhoto, photosWaiting, refusedPhotos, create, act, nameOf, signOut, refresh, need,
  };
});
