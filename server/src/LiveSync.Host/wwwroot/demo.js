// The LiveSync demo: a shared text document (?doc=<id>, default "demo") in a textarea, with the people present,
// their carets, the connection state and the document's version. Uses the SDK bundle the server serves.
import { bindTextarea, LiveSyncClient, textType, toCodePoints, toUtf16 } from "./livesync.js";

const docId = new URLSearchParams(location.search).get("doc") || "demo";
const welcome = `Welcome to LiveSync!

This text is shared: open this page in a second window (or on your phone)
and type in both. Changes merge as you go, and each caret shows who is where.

Try going offline, typing, and coming back: nothing is lost.
`;

const adjectives = ["Brisk", "Calm", "Clever", "Eager", "Gentle", "Jolly", "Lucky", "Nimble", "Quiet", "Sunny", "Swift", "Witty"];
const animals = ["Otter", "Falcon", "Fox", "Heron", "Lynx", "Panda", "Puffin", "Robin", "Seal", "Tiger", "Wombat", "Yak"];

const $ = (id) => document.getElementById(id);
const area = $("text");
const carets = $("carets");
const people = $("people");
$("doc-id").textContent = docId;

function hash(text) {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

const client = new LiveSyncClient({ serverUrl: "" });
const seed = hash(client.clientId);
const me = {
  name: `${adjectives[seed % adjectives.length]} ${animals[(seed >>> 8) % animals.length]}`,
  // A hue from the client id: distinct colours for many people, each readable under white text.
  color: `hsl(${(seed >>> 7) % 360} 70% 42%)`,
};

let doc = null;

client.on("state", ({ state }) => showState(state));

function showState(state) {
  $("state").dataset.state = state;
  $("state-text").textContent = state === "reconnecting" ? "offline, reconnecting" : state;
}

async function start() {
  // The first connect is retried here; after it, the client reconnects by itself.
  for (let attempt = 0; ; attempt++) {
    try {
      await client.connect();
      break;
    } catch {
      showState("disconnected");
      await new Promise((resolve) => setTimeout(resolve, Math.min(10_000, 500 * 2 ** attempt)));
    }
  }

  doc = await client.open(docId, { createType: "text", createData: welcome });
  if (doc.type !== "text") {
    area.placeholder = `"${docId}" is a ${doc.type ?? "deleted"} document, not text: pick another with ?doc=`;
    return;
  }

  bindTextarea(area, doc);
  area.disabled = false;
  area.placeholder = "Type here…";
  doc.on("change", () => {
    $("version").textContent = String(doc.version);
    render();
  });
  doc.on("op", ({ op, local }) => {
    // Others' carets move with the text until their next presence update arrives.
    for (const [clientId, presence] of others) {
      if (Array.isArray(presence?.caret)) {
        others.set(clientId, { ...presence, caret: presence.caret.map((p) => textType.transformPosition(p, op)) });
      }
    }
    if (!local) sendPresenceSoon();
  });
  doc.on("presence", ({ clientId, presence }) => {
    if (presence === null) others.delete(clientId);
    else others.set(clientId, presence);
    render();
  });
  for (const [clientId, presence] of doc.presence) others.set(clientId, presence);
  $("version").textContent = String(doc.version);
  sendPresence();
  render();
}

const others = new Map();

// Presence: name, colour and selection (code points), sent when the selection moves, at most every 100 ms.
let presenceTimer = null;
let lastPresence = "";
function sendPresenceSoon() {
  presenceTimer ??= setTimeout(() => {
    presenceTimer = null;
    sendPresence();
  }, 100);
}

function sendPresence() {
  if (!doc) return;
  const text = area.value;
  const caret = [toCodePoints(text, area.selectionStart), toCodePoints(text, area.selectionEnd)];
  const presence = { ...me, caret };
  const json = JSON.stringify(presence);
  if (json !== lastPresence) {
    lastPresence = json;
    doc.setPresence(presence).catch(() => (lastPresence = ""));
  }
  render();
}

for (const name of ["select", "keyup", "mouseup", "input", "focus"]) area.addEventListener(name, sendPresenceSoon);
document.addEventListener("selectionchange", () => document.activeElement === area && sendPresenceSoon());
area.addEventListener("scroll", () => renderCarets());
new ResizeObserver(() => renderCarets()).observe(area);

function lineAndColumn(text, position) {
  const before = text.slice(0, toUtf16(text, position));
  const line = before.split("\n").length;
  const column = [...before.slice(before.lastIndexOf("\n") + 1)].length + 1;
  return `Ln ${line}, Col ${column}`;
}

function render() {
  renderPeople();
  renderCarets();
}

function renderPeople() {
  const text = area.value;
  const rows = [[client.clientId, { ...me, caret: [toCodePoints(text, area.selectionStart)] }, true]];
  for (const [clientId, presence] of others) rows.push([clientId, presence, false]);
  people.replaceChildren(
    ...rows.map(([clientId, presence, isMe]) => {
      const li = document.createElement("li");
      li.dataset.clientId = clientId;
      li.style.setProperty("--c", presence.color || "#868e96");
      const name = String(presence.name || "Someone");
      const where = Array.isArray(presence.caret) ? lineAndColumn(text, presence.caret[0]) : "";
      li.innerHTML = `<span class="avatar"></span><span class="who"><span class="name"></span><span class="where"></span></span>`;
      li.querySelector(".avatar").textContent = name.split(" ").map((w) => w[0]).join("").slice(0, 2);
      li.querySelector(".name").textContent = name;
      if (isMe) li.querySelector(".name").insertAdjacentHTML("beforeend", ' <span class="you">(you)</span>');
      li.querySelector(".where").textContent = where;
      return li;
    }),
  );
}

// Others' carets: a copy of the text, laid out exactly like the textarea, with a marker at each caret.
function renderCarets() {
  carets.style.width = `${area.clientWidth}px`;
  carets.style.height = `${area.clientHeight}px`;
  const text = area.value;
  const marks = [];
  for (const [clientId, presence] of others) {
    if (!Array.isArray(presence.caret)) continue;
    const [a, b = a] = presence.caret.map((p) => Math.min(toUtf16(text, p), text.length));
    marks.push({ clientId, presence, start: Math.min(a, b), end: Math.max(a, b), head: a });
  }

  const inner = document.createElement("div");
  inner.className = "inner";
  inner.style.top = `${-area.scrollTop}px`;
  const cuts = [...new Set([0, text.length, ...marks.flatMap((m) => [m.start, m.end, m.head])])].sort((x, y) => x - y);
  for (let i = 0; i < cuts.length; i++) {
    const at = cuts[i];
    for (const mark of marks.filter((m) => m.head === at)) {
      const caret = document.createElement("span");
      caret.className = "caret";
      caret.style.setProperty("--c", mark.presence.color || "#868e96");
      const tag = document.createElement("span");
      tag.className = "tag";
      tag.textContent = String(mark.presence.name || "Someone");
      caret.append(tag);
      inner.append(caret);
    }
    if (i + 1 < cuts.length) {
      const piece = text.slice(at, cuts[i + 1]);
      const selecting = marks.find((m) => m.start <= at && cuts[i + 1] <= m.end && m.start < m.end);
      if (selecting) {
        const span = document.createElement("span");
        span.className = "selection";
        span.style.setProperty("--c", selecting.presence.color || "#868e96");
        span.textContent = piece;
        inner.append(span);
      } else {
        inner.append(piece);
      }
    }
  }
  // A trailing newline needs something after it to take up its line, as in the textarea.
  inner.append("\u200b");
  carets.replaceChildren(inner);
}

start().catch((error) => {
  console.error(error);
  area.placeholder = `Could not open "${docId}": ${error.message}`;
});
