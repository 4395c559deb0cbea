import { HttpTransportType, HubConnection, HubConnectionBuilder, HubConnectionState, LogLevel, type IHubProtocol, type ILogger } from "@microsoft/signalr";
import { MessagePackHubProtocol } from "@microsoft/signalr-protocol-msgpack";
import { Emitter } from "./Emitter.js";
import { LiveSyncDocument } from "./LiveSyncDocument.js";
import { LiveSyncError } from "./LiveSyncError.js";
import { LiveSyncRetryPolicy } from "./LiveSyncRetryPolicy.js";
import type { SyncHub } from "./SyncHub.js";
import {
  ClientIdQuery,
  ClientMethods,
  ErrorCodes,
  HubMethods,
  HubPath,
  type DocumentType,
  type JsonValue,
  type OpenResult,
  type SequencedOp,
  type Submission,
} from "./wire.js";

/** The hub protocol: `messagepack`, `json`, or `auto` (MessagePack when the server speaks it, else JSON). */
export type LiveSyncProtocol = "auto" | "messagepack" | "json";

/** A SignalR transport. */
export type LiveSyncTransport = "webSockets" | "serverSentEvents" | "longPolling";

/** The state of a {@link LiveSyncClient}'s connection. */
export type LiveSyncConnectionState =
  /** Not connected and not trying: before {@link LiveSyncClient.connect}, or after {@link LiveSyncClient.disconnect}. */
  | "disconnected"
  /** The first connect is under way. */
  | "connecting"
  /** Connected; documents are in sync or catching up. */
  | "connected"
  /** The connection was lost; the client is reconnecting and will re-open every open document. */
  | "reconnecting";

/** Options of a {@link LiveSyncClient}. */
export interface LiveSyncClientOptions {
  /** The server's base URL, e.g. `https://sync.example.com`; in a browser it may be relative to the page (`""`: the page's server). */
  serverUrl: string;
  /** This client's id: 8 to 64 of `A-Z a-z 0-9 _ -`, kept across reconnects. Default: a fresh random id. */
  clientId?: string;
  /** Supplies an access token for each connection attempt. Default: none. */
  accessTokenFactory?: () => string | Promise<string>;
  /** The hub protocol. Default: `auto`, MessagePack when the server speaks it, JSON otherwise. */
  protocol?: LiveSyncProtocol;
  /** The transports to use, best first. Default: all three, WebSockets first. */
  transports?: LiveSyncTransport[];
  /** The reconnect policy. Default: jittered backoff from 0.5 s up to 30 s, forever. */
  reconnectPolicy?: LiveSyncRetryPolicy;
  /**
   * How long after the server numbered a submitted change the document waits for that op on the op stream
   * before it fetches it. Default: 500 ms.
   */
  confirmTimeoutMs?: number;
  /**
   * In a browser, treat the `offline` event as a lost connection and the `online` event as the moment to
   * reconnect, without waiting for the backoff. Default: true.
   */
  watchNetwork?: boolean;
  /** Where SignalR logs: a level for the console, or a logger. Default: `LogLevel.None`. */
  logger?: LogLevel | ILogger;
}

/** What {@link LiveSyncClient.open} does. */
export interface LiveSyncOpenOptions {
  /**
   * When set and the document does not exist, create it with this type and {@link createData}. When another
   * client creates it first, theirs is kept. Default: open without creating.
   */
  createType?: DocumentType;
  /** The initial data of a document created by {@link createType}. Default: the type's empty value. */
  createData?: JsonValue;
}

/** The connection state changed: the `state` event. */
export interface StateChangeEvent {
  readonly previous: LiveSyncConnectionState;
  readonly state: LiveSyncConnectionState;
  /** What broke the connection, when something did. */
  readonly error?: Error;
}

/** The events of a {@link LiveSyncClient}. */
export interface LiveSyncClientEvents extends Record<string, unknown> {
  state: StateChangeEvent;
}

const transportFlags: Record<LiveSyncTransport, HttpTransportType> = {
  webSockets: HttpTransportType.WebSockets,
  serverSentEvents: HttpTransportType.ServerSentEvents,
  longPolling: HttpTransportType.LongPolling,
};

const clientIdPattern = /^[A-Za-z0-9_-]{8,64}$/;

/**
 * A connection to a LiveSync server, with the documents opened through it. Connects to
 * `{server}/hubs/livesync?clientId={id}`, reconnects forever after a lost connection (keeping its client id), and
 * then re-opens every open document from its version and resends its change in flight.
 *
 * @example
 * const client = new LiveSyncClient({ serverUrl: "http://localhost:5000" });
 * await client.connect();
 * const doc = await client.open("notes", { createType: "text" });
 * doc.on("change", () => console.log(doc.text));
 * await doc.insert(0, "hello");
 */
export class LiveSyncClient {
  /** This client's id, the same for the client's whole life. */
  readonly clientId: string;

  private readonly options: LiveSyncClientOptions;
  private readonly policy: LiveSyncRetryPolicy;
  private readonly events = new Emitter<LiveSyncClientEvents>((error) => console.error("LiveSync: an event handler threw", error));
  private readonly documents = new Map<string, LiveSyncDocument>();
  private readonly hub: SyncHub;
  private connection: HubConnection | null = null;
  private chosenProtocol: "messagepack" | "json" | null = null;
  private currentState: LiveSyncConnectionState = "disconnected";
  private connecting: Promise<void> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private retryCount = 0;
  private stopped = false;
  private readonly unwatchNetwork: () => void;

  /**
   * Creates a client; nothing connects until {@link connect}.
   * @throws RangeError when the client id breaks the contract's rule.
   */
  constructor(options: LiveSyncClientOptions) {
    const clientId = options.clientId ?? newClientId();
    if (!clientIdPattern.test(clientId)) {
      throw new RangeError("a client id is 8 to 64 characters of A-Z a-z 0-9 _ -");
    }

    this.options = options;
    this.clientId = clientId;
    this.policy = options.reconnectPolicy ?? new LiveSyncRetryPolicy();
    this.hub = this.createHub();
    this.unwatchNetwork = options.watchNetwork === false ? () => {} : this.watchNetwork();
  }

  /** The connection state. */
  get state(): LiveSyncConnectionState {
    return this.currentState;
  }

  /** The hub protocol in use, once connected: `messagepack` or `json`. */
  get protocol(): "messagepack" | "json" | null {
    return this.chosenProtocol;
  }

  /** The hub URL: `{server}/hubs/livesync?clientId={id}`. */
  get hubUrl(): string {
    const base = this.options.serverUrl.replace(/\/+$/, "");
    return `${base}${HubPath}?${ClientIdQuery}=${encodeURIComponent(this.clientId)}`;
  }

  /** Calls `handler` for each `name` event; returns a function that removes it. */
  on<K extends keyof LiveSyncClientEvents>(name: K, handler: (event: LiveSyncClientEvents[K]) => void): () => void {
    return this.events.on(name, handler);
  }

  /** Removes a handler added with {@link on}. */
  off<K extends keyof LiveSyncClientEvents>(name: K, handler: (event: LiveSyncClientEvents[K]) => void): void {
    this.events.off(name, handler);
  }

  /**
   * Connects to the server. A failure of this first connect rejects (nothing retries it); once connected, a lost
   * connection is retried forever by the reconnect policy. Calling it when connected or connecting waits for that.
   */
  connect(): Promise<void> {
    if (this.currentState === "connected" || this.currentState === "reconnecting") {
      return Promise.resolve();
    }

    this.connecting ??= this.connectFirst().finally(() => (this.connecting = null));
    return this.connecting;
  }

  /**
   * Opens the document `docId` and waits until it is loaded; the same document object for the same id every
   * time. With `createType`, creates it when missing.
   * @throws LiveSyncError `invalid_doc_id`, `forbidden` or another server error.
   * @throws Error when the client is not connected.
   */
  async open(docId: string, options: LiveSyncOpenOptions = {}): Promise<LiveSyncDocument> {
    if (this.currentState !== "connected") {
      throw new Error("call connect() before opening documents");
    }

    let document = this.documents.get(docId);
    if (!document) {
      document = new LiveSyncDocument(docId, this.hub, this.options.confirmTimeoutMs ?? 500);
      this.documents.set(docId, document);
    }

    await document.openCore();
    if (options.createType !== undefined && !document.exists) {
      try {
        await document.createCore(options.createType, options.createData, true);
      } catch (error) {
        // Another client created it first; the document has reloaded theirs.
        if (!(error instanceof LiveSyncError && error.code === ErrorCodes.alreadyExists)) {
          throw error;
        }
      }
    }

    return document;
  }

  /** Stops the connection and stops reconnecting; open documents stop syncing. */
  async disconnect(): Promise<void> {
    this.stopped = true;
    this.unwatchNetwork();
    this.clearRetry();
    const connection = this.connection;
    if (connection) {
      await connection.stop();
    }

    for (const document of this.documents.values()) {
      document.onDisconnected();
    }

    this.setState("disconnected");
  }

  private async connectFirst(): Promise<void> {
    if (this.stopped) {
      throw new Error("the client was disconnected; create a new one");
    }

    this.setState("connecting");
    try {
      await this.start();
    } catch (error) {
      this.setState("disconnected", asError(error));
      throw error;
    }

    this.setState("connected");
    this.resyncDocuments();
  }

  /** Starts the hub connection; with protocol `auto`, falls back to JSON when the server lacks MessagePack. */
  private async start(): Promise<void> {
    const wanted = this.options.protocol ?? "auto";
    const onlySse = this.options.transports?.length === 1 && this.options.transports[0] === "serverSentEvents";
    let protocol = this.chosenProtocol ?? (wanted === "auto" ? (onlySse ? "json" : "messagepack") : wanted);
    for (;;) {
      if (!this.connection || this.chosenProtocol !== protocol) {
        this.connection = this.build(protocol);
      }

      try {
        await this.connection.start();
        this.chosenProtocol = protocol;
        this.retryCount = 0;
        return;
      } catch (error) {
        if (wanted === "auto" && protocol === "messagepack" && this.chosenProtocol === null && isProtocolRefused(error)) {
          protocol = "json";
          continue;
        }

        throw error;
      }
    }
  }

  private build(protocol: "messagepack" | "json"): HubConnection {
    const transports = this.options.transports ?? ["webSockets", "serverSentEvents", "longPolling"];
    const accessTokenFactory = this.options.accessTokenFactory;
    let builder = new HubConnectionBuilder()
      .withUrl(this.hubUrl, {
        transport: transports.reduce((flags, name) => flags | transportFlags[name], HttpTransportType.None),
        ...(accessTokenFactory ? { accessTokenFactory } : {}),
      })
      .configureLogging(this.options.logger ?? LogLevel.None)
      // The server drops a connection silent for 15 s; the protocol asks for a ping at least every 7 s.
      .withKeepAliveInterval(5_000)
      .withServerTimeout(30_000);
    if (protocol === "messagepack") {
      builder = builder.withHubProtocol(new MessagePackHubProtocol() as IHubProtocol);
    }

    const connection = builder.build();
    connection.on(ClientMethods.op, (docId: string, op: SequencedOp) => this.documents.get(docId)?.receive(op));
    connection.on(ClientMethods.presence, (docId: string, clientId: string, presence: JsonValue | null) =>
      this.documents.get(docId)?.receivePresence(clientId, presence ?? null),
    );
    connection.onclose((error) => this.onClosed(connection, error));
    return connection;
  }

  private onClosed(connection: HubConnection, error: Error | undefined): void {
    if (connection !== this.connection || this.stopped || this.currentState === "connecting") {
      return;
    }

    for (const document of this.documents.values()) {
      document.onDisconnected();
    }

    this.setState("reconnecting", error);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    this.clearRetry();
    const delay = this.policy.nextDelayMs(this.retryCount++);
    this.retryTimer = setTimeout(() => void this.reconnect(), delay);
  }

  private async reconnect(): Promise<void> {
    this.retryTimer = null;
    if (this.stopped || this.currentState !== "reconnecting" || this.connection?.state !== HubConnectionState.Disconnected) {
      return;
    }

    try {
      await this.start();
    } catch {
      if (!this.stopped) {
        this.scheduleReconnect();
      }

      return;
    }

    if (this.stopped) {
      return;
    }

    this.setState("connected");
    this.resyncDocuments();
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) {
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
    }
  }

  /** In a browser: `offline` drops the connection at once, `online` reconnects without waiting for the backoff. */
  private watchNetwork(): () => void {
    const target = (globalThis as { window?: EventTarget }).window;
    if (!target?.addEventListener) {
      return () => {};
    }

    const offline = () => {
      if (this.currentState === "connected") {
        // Stopping here makes onclose report a lost connection; reconnect attempts fail fast until online.
        void this.connection?.stop();
      }
    };
    const online = () => {
      if (this.currentState === "reconnecting" && this.retryTimer !== null) {
        this.clearRetry();
        this.retryCount = 0;
        void this.reconnect();
      }
    };
    target.addEventListener("offline", offline);
    target.addEventListener("online", online);
    return () => {
      target.removeEventListener("offline", offline);
      target.removeEventListener("online", online);
    };
  }

  /** After a (re)connect: every open document catches up and resends its change in flight. */
  private resyncDocuments(): void {
    for (const document of this.documents.values()) {
      document.resync();
    }
  }

  private setState(state: LiveSyncConnectionState, error?: Error): void {
    const previous = this.currentState;
    if (previous === state) {
      return;
    }

    this.currentState = state;
    this.events.emit("state", error ? { previous, state, error } : { previous, state });
  }

  private createHub(): SyncHub {
    const client = this;
    const invoke = async <T>(method: string, ...args: unknown[]): Promise<T> => {
      const connection = client.connection;
      if (!connection || connection.state !== HubConnectionState.Connected) {
        throw new Error("not connected");
      }

      try {
        return await connection.invoke<T>(method, ...args);
      } catch (error) {
        throw LiveSyncError.fromHubError(error);
      }
    };
    return {
      clientId: client.clientId,
      get isConnected() {
        return client.currentState === "connected" && client.connection?.state === HubConnectionState.Connected;
      },
      open: (docId, since) => invoke<OpenResult>(HubMethods.open, docId, since),
      close: (docId) => invoke<void>(HubMethods.close, docId),
      submit: (docId, submission: Submission) => invoke<{ v: number }>(HubMethods.submit, docId, submission),
      fetch: async (docId, from, to) => (await invoke<SequencedOp[] | null>(HubMethods.fetch, docId, from, to)) ?? [],
      setPresence: (docId, presence) => invoke<void>(HubMethods.setPresence, docId, presence),
    };
  }
}

/** A fresh client id: 22 characters of A-Z a-z 0-9 _ - (128 random bits). */
export function newClientId(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  let id = "";
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      id += alphabet[(value >> bits) & 63];
    }
  }

  return bits > 0 ? id + alphabet[(value << (6 - bits)) & 63] : id;
}

/** True when a failed start means the server does not speak the hub protocol asked for. */
function isProtocolRefused(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /handshake error|protocol .*not supported|not supported.*protocol|transfer ?format|Unable to connect to the server with any of the available transports/i.test(message);
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
