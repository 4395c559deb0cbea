import { Emitter } from "./Emitter.js";
import { LiveSyncError } from "./LiveSyncError.js";
import { findOtType, type OtType } from "./otTypes.js";
import type { SyncHub } from "./SyncHub.js";
import { ErrorCodes, type CreateSpec, type DocumentType, type JsonValue, type OpenResult, type SequencedOp, type Submission } from "./wire.js";

/** An op applied to a document, local or remote: the `op` event. */
export interface OpEvent {
  /** The op as applied to this document's content (a remote op transformed past the local unconfirmed changes). */
  readonly op: JsonValue;
  /** True for a change made through this document object. */
  readonly local: boolean;
  /** The client that made it. */
  readonly clientId: string;
  /** The document's version after it: a remote op's own version; for a local op, the last confirmed version. */
  readonly version: number;
}

/** Any change of a document's content: the `change` event. */
export interface ChangeEvent {
  /** The document's version after the change (see {@link OpEvent.version}). */
  readonly version: number;
  /** True for a change made through this document object. */
  readonly local: boolean;
  /** The client that made it (this client's id for a reload). */
  readonly clientId: string;
  /** The op, as applied here, when the change is an op. */
  readonly op?: JsonValue;
  /** The create, when the change created the document. */
  readonly create?: CreateSpec;
  /** True when the change deleted the document. */
  readonly deleted: boolean;
  /** True when the document replaced its content with the server's snapshot. */
  readonly reload: boolean;
}

/** Another client's presence changed, or it left (`presence` null): the `presence` event. */
export interface PresenceEvent {
  readonly clientId: string;
  readonly presence: JsonValue | null;
}

/** The events of a {@link LiveSyncDocument}. */
export interface LiveSyncDocumentEvents extends Record<string, unknown> {
  op: OpEvent;
  change: ChangeEvent;
  presence: PresenceEvent;
  /**
   * Errors no caller awaits: a change the server rejected (the document then reloads the server's snapshot,
   * dropping every unconfirmed change), or a background fetch or resync that failed.
   */
  error: unknown;
}

interface Waiter {
  resolve(version: number): void;
  reject(error: unknown): void;
}

/** A change made here and not yet confirmed: pending (may still grow by composition) or in flight (sent, seq fixed). */
interface LocalChange {
  /** The op, kept rebased so it applies after every op the document has applied. */
  op?: JsonValue;
  create?: CreateSpec;
  del?: boolean;
  /** For a create made by "open, creating if missing": losing the race to another creator is no error. */
  ignoreAlreadyExists?: boolean;
  /** What was sent; a resubmission sends exactly this again, same seq and same base version. */
  submission?: Submission;
  waiters: Waiter[];
}

const isOp = (change: LocalChange) => change.create === undefined && !change.del;

const maxRetryDelayMs = 10_000;

type LoadMode = "open" | "resync" | "reload";

/**
 * One document kept in sync with the server. Local changes apply at once (optimistically) and go to the server
 * one at a time; later ones wait in a queue, composed into one where the type allows. Remote ops are applied
 * strictly in version order, each transformed past this client's unconfirmed changes as the contract says;
 * gaps in the op stream are fetched. After a reconnect the document catches up from its version and resends its
 * change in flight with the same (client id, seq), then the changes made while offline. Get one from
 * {@link LiveSyncClient.open}.
 *
 * Text positions and counts are in Unicode code points, as on the wire.
 */
export class LiveSyncDocument {
  /** The document id. */
  readonly id: string;

  private readonly hub: SyncHub;
  private readonly confirmTimeoutMs: number;
  private readonly events = new Emitter<LiveSyncDocumentEvents>((error) => console.error("LiveSync: an event handler threw", error));
  private readonly pending: LocalChange[] = [];
  private readonly ahead = new Map<number, SequencedOp>();
  private readonly others = new Map<string, JsonValue>();
  private readonly versionWaiters: { version: number; resolve(): void }[] = [];
  private readonly settledWaiters: (() => void)[] = [];
  // The changes dropped by a rejection, failed with rollbackError once the reload is done.
  private readonly rolledBack: LocalChange[] = [];
  private rollbackError: unknown;
  private currentVersion = 0;
  private currentType: DocumentType | null = null;
  private ot: OtType | undefined;
  private snapshot: JsonValue = null;
  private inflight: LocalChange | null = null;
  private lastSeq = 0;
  private opened = false;
  private loaded = false;
  private loading = false;
  private fetching = false;
  private knownVersion = 0;
  // Counts loads and disconnects, so a late reply to a call made before one is recognized and ignored.
  private epoch = 0;
  private ownPresence: JsonValue | null = null;
  private opening: Promise<void> | null = null;

  /** @internal Documents come from {@link LiveSyncClient.open}. */
  constructor(id: string, hub: SyncHub, confirmTimeoutMs: number) {
    this.id = id;
    this.hub = hub;
    this.confirmTimeoutMs = confirmTimeoutMs;
  }

  /** The last version confirmed by the server that this document has applied (0: never created). */
  get version(): number {
    return this.currentVersion;
  }

  /** The document's type as seen here (local changes included), or null when it does not exist. */
  get type(): DocumentType | null {
    return this.currentType;
  }

  /** True when the document exists (as seen here, local changes included). */
  get exists(): boolean {
    return this.currentType !== null;
  }

  /** The content as seen here, local changes included: a string for `text`, a copy of the JSON for `json`, null for `opaque`. */
  get data(): JsonValue {
    return typeof this.snapshot === "object" && this.snapshot !== null ? structuredClone(this.snapshot) : this.snapshot;
  }

  /** The content of a `text` document. @throws LiveSyncError `invalid_op` when it is not text. */
  get text(): string {
    if (this.currentType !== "text") {
      throw new LiveSyncError(ErrorCodes.invalidOp, `document '${this.id}' is not text`);
    }

    return this.snapshot as string;
  }

  /** The other clients' presence on this document, by client id: a copy. */
  get presence(): ReadonlyMap<string, JsonValue> {
    return new Map(this.others);
  }

  /** True while a local change is in flight or queued. */
  get hasUnconfirmedChanges(): boolean {
    return !this.isSettled;
  }

  /** True while the document is open (subscribed, and re-opened after every reconnect). */
  get isOpen(): boolean {
    return this.opened;
  }

  /** Calls `handler` for each `name` event; returns a function that removes it. */
  on<K extends keyof LiveSyncDocumentEvents>(name: K, handler: (event: LiveSyncDocumentEvents[K]) => void): () => void {
    return this.events.on(name, handler);
  }

  /** Removes a handler added with {@link on}. */
  off<K extends keyof LiveSyncDocumentEvents>(name: K, handler: (event: LiveSyncDocumentEvents[K]) => void): void {
    this.events.off(name, handler);
  }

  /**
   * Applies `op` (in the type's wire format) locally at once and sends it. The promise resolves with the version
   * the server gave it (or the op it was composed into) once confirmed, and rejects with a `LiveSyncError` when
   * the server rejects it (the document has then reloaded the server's snapshot).
   * @throws LiveSyncError `not_found` when the document does not exist; `invalid_op` when the op does not apply (nothing changes).
   */
  submit(op: JsonValue): Promise<number> {
    if (this.currentType === null) {
      throw new LiveSyncError(ErrorCodes.notFound, `document '${this.id}' does not exist; create it first`);
    }

    // Apply before any state changes: an invalid op leaves everything as it was.
    const ot = this.ot;
    if (ot) {
      this.snapshot = ot.apply(this.snapshot, op);
    }

    const { promise, waiter } = newWaiter();
    const last = this.pending[this.pending.length - 1];
    if (ot && last && isOp(last)) {
      // Not yet sent, so it can still grow: one submission instead of two.
      last.op = ot.compose(last.op!, op);
      last.waiters.push(waiter);
    } else {
      this.pending.push({ op, waiters: [waiter] });
    }

    this.emitOp(op, true, this.hub.clientId);
    this.trySend();
    return promise;
  }

  /**
   * Inserts `text` at code point `position` of a `text` document; see {@link submit}.
   * @throws LiveSyncError `invalid_op` when the position is past the end or the document is not text.
   */
  insert(position: number, text: string): Promise<number> {
    this.requireText();
    return this.submit(position > 0 ? [position, text] : [text]);
  }

  /**
   * Removes `count` code points at code point `position` of a `text` document; see {@link submit}.
   * @throws LiveSyncError `invalid_op` when the range passes the end or the document is not text.
   */
  delete(position: number, count: number): Promise<number> {
    this.requireText();
    return this.submit(position > 0 ? [position, { d: count }] : [{ d: count }]);
  }

  /**
   * Creates the document with `type` and optional initial `data`, locally at once; resolves with the version of
   * the create once confirmed.
   * @throws LiveSyncError `already_exists` when the document exists; `invalid_op` for bad data.
   */
  create(type: DocumentType, data?: JsonValue): Promise<number> {
    return this.createCore(type, data, false);
  }

  /**
   * Deletes the document, locally at once; resolves with the version of the delete once confirmed.
   * @throws LiveSyncError `not_found` when the document does not exist.
   */
  del(): Promise<number> {
    if (this.currentType === null) {
      throw new LiveSyncError(ErrorCodes.notFound, `document '${this.id}' does not exist`);
    }

    this.setContent(null, null);
    const { promise, waiter } = newWaiter();
    this.pending.push({ del: true, waiters: [waiter] });
    this.emitChange({ version: this.currentVersion, local: true, clientId: this.hub.clientId, deleted: true, reload: false });
    this.trySend();
    return promise;
  }

  /**
   * Sets this client's presence on the document (any JSON value, e.g. a caret), or clears it with null. It is
   * sent again after every reconnect; while disconnected it is only kept.
   * @throws LiveSyncError when the server refused it (`too_large`, for instance).
   */
  async setPresence(presence: JsonValue | null): Promise<void> {
    this.ownPresence = presence;
    if (this.opened && this.hub.isConnected) {
      await this.hub.setPresence(this.id, presence);
    }
  }

  /** Resolves when {@link version} reaches `version`; rejects after `timeoutMs`. */
  waitForVersion(version: number, timeoutMs = 10_000): Promise<void> {
    if (this.currentVersion >= version) {
      return Promise.resolve();
    }

    return withTimeout(new Promise<void>((resolve) => this.versionWaiters.push({ version, resolve })), timeoutMs, `version ${version} of '${this.id}'`);
  }

  /** Resolves when no local change is in flight or queued (each confirmed or rejected); rejects after `timeoutMs`. */
  whenSettled(timeoutMs = 10_000): Promise<void> {
    if (this.isSettled) {
      return Promise.resolve();
    }

    return withTimeout(new Promise<void>((resolve) => this.settledWaiters.push(resolve)), timeoutMs, `'${this.id}' to settle`);
  }

  /**
   * Stops syncing the document: unsubscribes and stops sending. Unconfirmed changes stay queued and are sent if
   * the document is opened again.
   */
  async close(): Promise<void> {
    if (!this.opened) {
      return;
    }

    this.opened = false;
    this.opening = null;
    this.epoch++;
    this.loading = false;
    this.fetching = false;
    this.ahead.clear();
    if (this.hub.isConnected) {
      await this.hub.close(this.id);
    }
  }

  /** @internal Opens (subscribes) and loads the document; a second call while open waits for the first. */
  openCore(): Promise<void> {
    if (this.opened) {
      return this.opening!;
    }

    this.opened = true;
    const { epoch, since } = this.beginLoad("open", null);
    this.opening = this.openFirst(epoch, since);
    return this.opening;
  }

  /** @internal */
  createCore(type: DocumentType, data: JsonValue | undefined, ignoreAlreadyExists: boolean): Promise<number> {
    if (this.currentType !== null) {
      throw new LiveSyncError(ErrorCodes.alreadyExists, `document '${this.id}' already exists`);
    }

    const ot = findOtType(type);
    const snapshot = ot ? ot.create(data) : null;
    const create: CreateSpec = data === undefined ? { type } : { type, data };
    this.setContent(type, snapshot);
    const { promise, waiter } = newWaiter();
    this.pending.push({ create, ignoreAlreadyExists, waiters: [waiter] });
    this.emitChange({ version: this.currentVersion, local: true, clientId: this.hub.clientId, create, deleted: false, reload: false });
    this.trySend();
    return promise;
  }

  /** @internal A sequenced op from the hub's `op` message. */
  receive(op: SequencedOp): void {
    if (!this.opened) {
      return;
    }

    if (this.loading) {
      // A load is in flight and the version is not known yet: keep it for after.
      if (!this.ahead.has(op.v)) {
        this.ahead.set(op.v, op);
      }

      return;
    }

    this.receiveOrdered(op);
  }

  /** @internal Another client's presence from the hub's `presence` message. */
  receivePresence(clientId: string, presence: JsonValue | null): void {
    if (this.opened && clientId !== this.hub.clientId) {
      this.updatePresence(clientId, presence);
    }
  }

  /** @internal The connection is gone: stop sending and fetching until {@link resync}. */
  onDisconnected(): void {
    if (!this.opened) {
      return;
    }

    this.epoch++;
    this.loading = true;
    this.fetching = false;
  }

  /** @internal The connection is back: catch up from the current version and resend the change in flight. */
  resync(): void {
    if (!this.opened) {
      return;
    }

    const { epoch, since } = this.beginLoad("resync", null);
    this.observe(this.load(epoch, since));
  }

  private get isSettled(): boolean {
    return this.inflight === null && this.pending.length === 0;
  }

  private requireText(): void {
    if (this.currentType !== "text") {
      throw new LiveSyncError(this.currentType === null ? ErrorCodes.notFound : ErrorCodes.invalidOp, `document '${this.id}' is not text`);
    }
  }

  private setContent(type: DocumentType | null, snapshot: JsonValue): void {
    this.currentType = type;
    this.ot = findOtType(type);
    this.snapshot = snapshot;
  }

  private async openFirst(epoch: number, since: number | null): Promise<void> {
    try {
      await this.load(epoch, since);
    } catch (error) {
      if (!this.loaded) {
        // Never opened: not open, so a reconnect does not try again behind the caller's back.
        this.opened = false;
        this.opening = null;
        this.loading = false;
        this.epoch++;
      }

      throw error;
    }
  }

  /**
   * Starts a load: bumps the epoch so replies to older calls are ignored, and buffers the op stream until the
   * load is done. A rejected change in flight is dropped here with every change queued behind it, since they were
   * made on top of it; their callers are failed once the reload is done.
   */
  private beginLoad(mode: LoadMode, rejected: LocalChange | null): { epoch: number; since: number | null } {
    this.epoch++;
    this.loading = true;
    this.fetching = false;
    if (rejected && this.inflight === rejected) {
      // The server stored nothing for a rejected seq, so the next submission takes it: skipping it would be a
      // sequence_gap. Safe because only this one was in flight.
      this.lastSeq = rejected.submission!.seq - 1;
      this.inflight = null;
      this.rolledBack.push(rejected, ...this.pending.splice(0));
    }

    return { epoch: this.epoch, since: mode === "reload" || !this.loaded ? null : this.currentVersion };
  }

  private async load(epoch: number, since: number | null): Promise<void> {
    let result: OpenResult;
    try {
      result = await this.hub.open(this.id, since);
    } catch (error) {
      if (since !== null && error instanceof LiveSyncError && error.code === ErrorCodes.versionAhead && epoch === this.epoch) {
        // The server holds fewer versions than we do (it lost some): start again from its snapshot.
        const next = this.beginLoad("reload", null);
        return this.load(next.epoch, next.since);
      }

      throw error;
    }

    if (epoch !== this.epoch) {
      return;
    }

    if (since !== null && result.ops) {
      this.loading = false;
      for (const op of result.ops) {
        this.receiveOrdered(op);
      }

      this.replacePresence(result.presence);
      this.finishLoad();
      return;
    }

    if (since !== null && !this.isSettled && result.v > this.currentVersion) {
      // A snapshot where ops were asked for (too many of them): fetch the ops instead, page by page, so the
      // local changes (made offline, perhaps) can be rebased rather than dropped.
      this.loading = false;
      this.knownVersion = Math.max(this.knownVersion, result.v);
      this.replacePresence(result.presence);
      this.finishLoad();
      return;
    }

    // A snapshot: a first open, a reload, or the history after our version is gone.
    const inflight = this.inflight;
    let inflightVersion: number | null = null;
    let inflightError: unknown = null;
    if (inflight) {
      // Whether the change in flight made it is unknown: send it again (the server recognizes its seq), then make
      // sure the snapshot includes it, so it is neither lost nor applied twice.
      try {
        inflightVersion = (await this.hub.submit(this.id, inflight.submission!)).v;
      } catch (error) {
        if (!(error instanceof LiveSyncError)) {
          throw error;
        }

        inflightError = error;
      }

      if (inflightVersion !== null && inflightVersion > result.v) {
        result = await this.hub.open(this.id, null);
      }

      if (epoch !== this.epoch) {
        return;
      }
    }

    const reload = this.loaded;
    this.currentVersion = result.v;
    const ot = findOtType(result.type);
    this.setContent(result.type, result.type === null ? null : ot ? ot.create(result.data ?? undefined) : (result.data ?? null));
    this.loaded = true;
    this.loading = false;

    if (inflight && this.inflight === inflight) {
      this.inflight = null;
      if (inflightError !== null) {
        failChange(inflight, inflightError);
        this.events.emit("error", inflightError);
      } else {
        completeChange(inflight, inflightVersion!);
      }
    }

    if (this.pending.length > 0) {
      // Made on top of a state the new snapshot does not contain: they cannot be rebased onto it.
      const error = new LiveSyncError(ErrorCodes.historyUnavailable, "the document reloaded its snapshot; unsent changes were dropped");
      for (const change of this.pending.splice(0)) {
        failChange(change, error);
      }

      this.events.emit("error", error);
    }

    if (reload) {
      this.emitChange({ version: this.currentVersion, local: false, clientId: this.hub.clientId, deleted: false, reload: true });
    }

    this.replacePresence(result.presence);
    this.finishLoad();
  }

  /** After a load: apply what the stream buffered, resume sending, fail the rolled-back changes, resend presence. */
  private finishLoad(): void {
    this.drainAhead();
    if (this.loading) {
      return;
    }

    if (this.rolledBack.length > 0) {
      const error = this.rollbackError;
      for (const change of this.rolledBack.splice(0)) {
        failChange(change, error);
      }

      this.rollbackError = undefined;
    }

    if (this.inflight) {
      this.startSubmit(this.inflight);
    } else {
      this.trySend();
    }

    this.ensureFetch();
    this.notifyWaiters();
    if (this.ownPresence !== null) {
      // The server forgot it with the old connection.
      this.observe(this.hub.setPresence(this.id, this.ownPresence));
    }
  }

  /** Applies `op` if it is next, drops it if old, buffers it and fetches the gap if ahead. */
  private receiveOrdered(op: SequencedOp): void {
    if (op.v <= this.currentVersion) {
      return;
    }

    if (op.v > this.currentVersion + 1) {
      if (!this.ahead.has(op.v)) {
        this.ahead.set(op.v, op);
      }

      this.ensureFetch();
      return;
    }

    this.applySequenced(op);
    this.drainAhead();
  }

  private drainAhead(): void {
    while (!this.loading && this.ahead.size > 0) {
      const v = Math.min(...this.ahead.keys());
      if (v > this.currentVersion + 1) {
        this.ensureFetch();
        return;
      }

      const op = this.ahead.get(v)!;
      this.ahead.delete(v);
      if (v === this.currentVersion + 1) {
        this.applySequenced(op);
      }
    }
  }

  private applySequenced(op: SequencedOp): void {
    const mine = this.inflight;
    if (mine && op.clientId === this.hub.clientId && op.seq === mine.submission!.seq) {
      // Our own change, already applied locally: it only moves the version.
      this.currentVersion = op.v;
      this.inflight = null;
      completeChange(mine, op.v);
      this.trySend();
      this.notifyWaiters();
      return;
    }

    try {
      this.applyRemote(op);
    } catch (error) {
      // The local state cannot take an op the server accepted: it is wrong, so start again from the server's.
      this.events.emit("error", error);
      const { epoch, since } = this.beginLoad("reload", null);
      this.observe(this.load(epoch, since));
      return;
    }

    this.notifyWaiters();
  }

  /**
   * Applies another client's op R: each unconfirmed change P (in flight first, then the queue) becomes
   * transform(P, R, left) and R becomes transform(R, P, right) before it meets the next one, so R ends up applying
   * on top of every local change.
   */
  private applyRemote(op: SequencedOp): void {
    let localOp: JsonValue | undefined;
    if (op.create) {
      const ot = findOtType(op.create.type);
      this.setContent(op.create.type, ot ? ot.create(op.create.data) : null);
    } else if (op.del) {
      this.setContent(null, null);
    } else if (op.op !== undefined && op.op !== null) {
      const ot = this.ot;
      if (!ot || this.currentType === null) {
        // A type the SDK does not apply (opaque), or a document deleted locally: only the version moves.
        localOp = op.op;
      } else {
        let remote: JsonValue = op.op;
        const changes = this.inflight ? [this.inflight, ...this.pending] : this.pending;
        const rebased: [LocalChange, JsonValue][] = [];
        for (const change of changes) {
          if (!isOp(change)) {
            continue;
          }

          rebased.push([change, ot.transform(change.op!, remote, "left")]);
          remote = ot.transform(remote, change.op!, "right");
        }

        const snapshot = ot.apply(this.snapshot, remote);

        // Commit only when everything succeeded, so a failure leaves the state as it was.
        for (const [change, rebasedOp] of rebased) {
          change.op = rebasedOp;
        }

        this.snapshot = snapshot;
        localOp = remote;
      }
    }

    this.currentVersion = op.v;
    if (localOp !== undefined) {
      this.events.emit("op", { op: localOp, local: false, clientId: op.clientId, version: op.v });
    }

    this.emitChange({
      version: op.v,
      local: false,
      clientId: op.clientId,
      ...(localOp !== undefined ? { op: localOp } : {}),
      ...(op.create ? { create: op.create } : {}),
      deleted: op.del === true,
      reload: false,
    });
  }

  /** Sends the next queued change when nothing is in flight. */
  private trySend(): void {
    if (this.inflight || this.pending.length === 0 || !this.opened || this.loading || !this.hub.isConnected) {
      this.notifyWaiters();
      return;
    }

    const next = this.pending.shift()!;
    const submission: Submission = { clientId: this.hub.clientId, seq: ++this.lastSeq, v: this.currentVersion };
    // Only the member that is there: "exactly one of op / create / del".
    if (next.create) {
      submission.create = next.create;
    } else if (next.del) {
      submission.del = true;
    } else {
      submission.op = next.op!;
    }

    next.submission = submission;
    this.inflight = next;
    this.startSubmit(next);
  }

  private startSubmit(change: LocalChange): void {
    void this.submitLoop(change, this.epoch);
  }

  private async submitLoop(change: LocalChange, epoch: number): Promise<void> {
    let delay = 250;
    for (;;) {
      if (this.inflight !== change || epoch !== this.epoch) {
        return;
      }

      try {
        const result = await this.hub.submit(this.id, change.submission!);
        this.onSubmitted(change, result.v, epoch);
        return;
      } catch (error) {
        if (error instanceof LiveSyncError && (error.code === ErrorCodes.unavailable || error.code === ErrorCodes.rateLimited)) {
          // Nothing was stored: the same submission goes again after a pause.
        } else if (error instanceof LiveSyncError || isServerError(error)) {
          this.onRejected(change, error, epoch);
          return;
        } else if (!this.hub.isConnected) {
          // The connection broke; the resync after the reconnect resubmits it.
          return;
        }
        // Otherwise its fate is unknown, but resubmitting is safe: the server recognizes (client id, seq).
      }

      await sleep(delay);
      delay = Math.min(delay * 2, maxRetryDelayMs);
    }
  }

  /**
   * The server numbered our change `version`. The op stream confirms it, in order; if the stream has not got
   * there after the confirm timeout (a dropped broadcast), fetch up to it.
   */
  private onSubmitted(change: LocalChange, version: number, epoch: number): void {
    if (this.inflight !== change || epoch !== this.epoch) {
      return;
    }

    this.knownVersion = Math.max(this.knownVersion, version);
    const timer = setTimeout(() => {
      if (this.inflight === change && epoch === this.epoch && this.currentVersion < version) {
        this.ensureFetch();
      }
    }, this.confirmTimeoutMs);
    (timer as { unref?: () => void }).unref?.();
  }

  private onRejected(change: LocalChange, error: unknown, epoch: number): void {
    if (this.inflight !== change || epoch !== this.epoch) {
      return;
    }

    const code = error instanceof LiveSyncError ? error.code : "server_error";
    if (!(change.ignoreAlreadyExists && code === ErrorCodes.alreadyExists)) {
      this.events.emit("error", error);
    }

    this.rollbackError = error;
    const next = this.beginLoad("reload", change);
    this.observe(this.load(next.epoch, next.since));
  }

  /** The version the gap fetch should reach: just below the first buffered op, or the highest version the server has told of. */
  private fetchTarget(): number {
    return this.ahead.size > 0 ? Math.min(...this.ahead.keys()) - 1 : this.knownVersion;
  }

  private ensureFetch(): void {
    if (this.fetching || this.loading || !this.opened || this.fetchTarget() <= this.currentVersion) {
      return;
    }

    this.fetching = true;
    void this.fetchLoop(this.epoch);
  }

  /** Fetches the missing ops a page at a time until the gap is closed. */
  private async fetchLoop(epoch: number): Promise<void> {
    let delay = 250;
    for (;;) {
      if (epoch !== this.epoch) {
        return;
      }

      const to = this.fetchTarget();
      if (to <= this.currentVersion || !this.opened) {
        this.fetching = false;
        return;
      }

      let ops: SequencedOp[];
      try {
        ops = await this.hub.fetch(this.id, this.currentVersion + 1, to);
      } catch (error) {
        if (epoch !== this.epoch) {
          return;
        }

        if (error instanceof LiveSyncError && error.code === ErrorCodes.historyUnavailable) {
          const next = this.beginLoad("reload", null);
          this.observe(this.load(next.epoch, next.since));
          return;
        }

        if (!this.hub.isConnected) {
          // The resync after the reconnect catches up instead.
          this.fetching = false;
          return;
        }

        this.events.emit("error", error);
        await sleep(delay);
        delay = Math.min(delay * 2, maxRetryDelayMs);
        continue;
      }

      if (epoch !== this.epoch) {
        return;
      }

      if (ops.length === 0) {
        // Nothing there yet; the stream or the next confirm timeout starts another fetch.
        this.fetching = false;
        return;
      }

      for (const op of ops) {
        this.receiveOrdered(op);
      }
    }
  }

  private replacePresence(presence: Record<string, JsonValue> | null | undefined): void {
    const fresh = new Map<string, JsonValue>();
    for (const [clientId, value] of Object.entries(presence ?? {})) {
      if (clientId !== this.hub.clientId && value !== null && value !== undefined) {
        fresh.set(clientId, value);
      }
    }

    for (const clientId of [...this.others.keys()]) {
      if (!fresh.has(clientId)) {
        this.updatePresence(clientId, null);
      }
    }

    for (const [clientId, value] of fresh) {
      this.updatePresence(clientId, value);
    }
  }

  private updatePresence(clientId: string, presence: JsonValue | null | undefined): void {
    if (presence !== null && presence !== undefined) {
      const old = this.others.get(clientId);
      if (old !== undefined && JSON.stringify(old) === JSON.stringify(presence)) {
        return;
      }

      this.others.set(clientId, presence);
    } else if (!this.others.delete(clientId)) {
      return;
    }

    this.events.emit("presence", { clientId, presence: presence ?? null });
  }

  private emitOp(op: JsonValue, local: boolean, clientId: string): void {
    this.events.emit("op", { op, local, clientId, version: this.currentVersion });
    this.emitChange({ version: this.currentVersion, local, clientId, op, deleted: false, reload: false });
  }

  private emitChange(event: ChangeEvent): void {
    this.events.emit("change", event);
  }

  private notifyWaiters(): void {
    for (let i = this.versionWaiters.length - 1; i >= 0; i--) {
      if (this.versionWaiters[i]!.version <= this.currentVersion) {
        this.versionWaiters[i]!.resolve();
        this.versionWaiters.splice(i, 1);
      }
    }

    if (this.isSettled) {
      for (const resolve of this.settledWaiters.splice(0)) {
        resolve();
      }
    }
  }

  /** Runs background work, turning its failure into an `error` event. */
  private observe(work: Promise<unknown>): void {
    work.catch((error: unknown) => {
      if (!this.hub.isConnected && !(error instanceof LiveSyncError)) {
        // A broken connection: the resync after the reconnect takes over.
        return;
      }

      this.events.emit("error", error);
    });
  }
}

function newWaiter(): { promise: Promise<number>; waiter: Waiter } {
  let waiter!: Waiter;
  const promise = new Promise<number>((resolve, reject) => (waiter = { resolve, reject }));
  // A caller may ignore the promise (typing in a bound textarea does); the `error` event reports the failure
  // too, so an ignored rejection must not count as unhandled.
  promise.catch(() => {});
  return { promise, waiter };
}

function completeChange(change: LocalChange, version: number): void {
  for (const waiter of change.waiters) {
    waiter.resolve(version);
  }
}

function failChange(change: LocalChange, error: unknown): void {
  for (const waiter of change.waiters) {
    waiter.reject(error);
  }
}

/** A failure the server reported without a LiveSync code (an unexpected server error): not worth retrying. */
function isServerError(error: unknown): boolean {
  return error instanceof Error && /error occurred (while )?invoking/i.test(error.message);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function withTimeout(promise: Promise<void>, timeoutMs: number, what: string): Promise<void> {
  let timer: ReturnType<typeof setTimeout>;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
