import { type as textUnicode } from "ot-text-unicode";
import { isHighSurrogate, isLowSurrogate, toCodePoints, toUtf16, codePointLength } from "./codePoints.js";
import type { LiveSyncDocument } from "./LiveSyncDocument.js";
import type { JsonValue } from "./wire.js";

type TextOp = (number | string | { d: number })[];

/** The element types {@link bindTextarea} binds. */
export type TextField = HTMLTextAreaElement | HTMLInputElement;

/** A live binding made by {@link bindTextarea}. */
export interface TextBinding {
  /** Stops the binding; the element keeps its text. */
  unbind(): void;
}

/**
 * Binds a `<textarea>` or `<input>` to a `text` document: local typing becomes ops, and remote ops update the
 * element's text while the local caret and selection stay where they belong (moved by `transformPosition`).
 * While an IME composition is under way the element is left alone; the remote ops that arrive meanwhile are
 * merged with the composed text when it ends.
 *
 * @throws LiveSyncError `invalid_op` when the document is not text.
 */
export function bindTextarea(element: TextField, document: LiveSyncDocument): TextBinding {
  // `shown` is the text the element held when it last matched the document; `deferred` the document's changes
  // since then that the element has not shown yet (only while composing). Invariant: document text equals
  // shown with deferred applied, plus nothing else.
  let shown = document.text;
  let deferred: TextOp | null = null;
  let composing = false;
  let submitting = false;
  // The document reloaded during a composition: no op joins the two, so the element takes the document's text.
  let stale = false;

  element.value = shown;

  /** Brings element and document together: the element's edits go to the document, the document's to the element. */
  const reconcile = () => {
    if (document.type !== "text") {
      return;
    }

    if (stale) {
      stale = false;
      deferred = null;
      shown = document.text;
      replaceKeepingSelection(shown, (position) => Math.min(position, codePointLength(shown)));
      return;
    }

    const current = element.value;
    const local = diff(shown, current);
    let remote = deferred;
    deferred = null;
    let localForDocument = local;
    if (remote && local) {
      localForDocument = textUnicode.transform(local, remote, "left") as TextOp;
      remote = textUnicode.transform(remote, local, "right") as TextOp;
    }

    if (localForDocument) {
      submitting = true;
      try {
        void document.submit(localForDocument as JsonValue);
      } finally {
        submitting = false;
      }
    }

    if (remote) {
      showRemote(current, remote);
    }

    shown = document.text;
    if (element.value !== shown) {
      // Should not happen; if it does, the document wins, with the caret kept by offset.
      replaceKeepingSelection(shown, (position) => position);
    }
  };

  /** Applies `op` (made on `before`, the element's text) to the element, moving the selection through it. */
  const showRemote = (before: string, op: TextOp) => {
    const after = textUnicode.apply(before, op as never);
    replaceKeepingSelection(after, (position) => textUnicode.transformPosition(position, op as never), before);
  };

  const replaceKeepingSelection = (after: string, move: (position: number) => number, before = element.value) => {
    const focused = element.ownerDocument.activeElement === element;
    const { selectionStart, selectionEnd, selectionDirection, scrollTop, scrollLeft } = element;
    const start = move(toCodePoints(before, selectionStart ?? 0));
    const end = move(toCodePoints(before, selectionEnd ?? 0));
    element.value = after;
    if (focused) {
      element.setSelectionRange(toUtf16(after, start), toUtf16(after, end), selectionDirection ?? undefined);
    }

    element.scrollTop = scrollTop;
    element.scrollLeft = scrollLeft;
  };

  const onOp = (event: { op: JsonValue; local: boolean }) => {
    if (submitting) {
      return;
    }

    // Another client's op, or a local one made through the document directly: both are news to the element.
    deferred = deferred ? (textUnicode.compose(deferred, event.op as never) as TextOp) : (event.op as TextOp);
    if (!composing) {
      reconcile();
    }
  };

  const onChange = (event: { op?: JsonValue; reload: boolean; create?: unknown; deleted: boolean }) => {
    if (event.op !== undefined || submitting) {
      return;
    }

    // A reload, create or delete: there is no op to merge with, so the element shows the document as it is now.
    deferred = null;
    if (document.type === "text") {
      const text = document.text;
      shown = text;
      if (composing) {
        stale = true;
      } else {
        replaceKeepingSelection(text, (position) => Math.min(position, codePointLength(text)));
      }
    }
  };

  const onInput = (event: Event) => {
    if (composing || (event as InputEvent).isComposing) {
      return;
    }

    reconcile();
  };

  const onCompositionStart = () => {
    composing = true;
  };

  const onCompositionEnd = () => {
    composing = false;
    reconcile();
  };

  element.addEventListener("input", onInput);
  element.addEventListener("compositionstart", onCompositionStart);
  element.addEventListener("compositionend", onCompositionEnd);
  const offOp = document.on("op", onOp);
  const offChange = document.on("change", onChange);

  return {
    unbind() {
      element.removeEventListener("input", onInput);
      element.removeEventListener("compositionstart", onCompositionStart);
      element.removeEventListener("compositionend", onCompositionEnd);
      offOp();
      offChange();
    },
  };
}

/**
 * The op that turns `before` into `after` (positions in code points), or null when they are equal: the
 * common prefix and suffix stay, the middle is replaced. Neither end splits a surrogate pair.
 */
export function diff(before: string, after: string): TextOp | null {
  if (before === after) {
    return null;
  }

  let prefix = 0;
  const max = Math.min(before.length, after.length);
  while (prefix < max && before.charCodeAt(prefix) === after.charCodeAt(prefix)) {
    prefix++;
  }

  if (prefix > 0 && isHighSurrogate(before.charCodeAt(prefix - 1))) {
    prefix--;
  }

  let suffix = 0;
  while (
    suffix < max - prefix &&
    before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)
  ) {
    suffix++;
  }

  if (suffix > 0 && isLowSurrogate(before.charCodeAt(before.length - suffix))) {
    suffix--;
  }

  const removed = before.slice(prefix, before.length - suffix);
  const inserted = after.slice(prefix, after.length - suffix);
  const op: TextOp = [];
  const skip = codePointLength(before.slice(0, prefix));
  if (skip > 0) {
    op.push(skip);
  }

  if (removed.length > 0) {
    op.push({ d: codePointLength(removed) });
  }

  if (inserted.length > 0) {
    op.push(inserted);
  }

  return op;
}
