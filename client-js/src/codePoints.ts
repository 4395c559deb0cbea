// Text positions on the wire count Unicode code points (an emoji is 1); DOM strings and selections count UTF-16
// code units (an emoji is 2). These convert between the two for one string.

/** The number of code points in `text`. */
export function codePointLength(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
      }
    }

    count++;
  }

  return count;
}

/** The code point position of UTF-16 index `index` in `text` (an index inside a surrogate pair counts the pair as passed). */
export function toCodePoints(text: string, index: number): number {
  return codePointLength(text.slice(0, Math.max(0, Math.min(index, text.length))));
}

/** The UTF-16 index of code point position `position` in `text`, clamped to its end. */
export function toUtf16(text: string, position: number): number {
  let index = 0;
  for (let seen = 0; seen < position && index < text.length; seen++) {
    const unit = text.charCodeAt(index);
    index += unit >= 0xd800 && unit <= 0xdbff && index + 1 < text.length && isLowSurrogate(text.charCodeAt(index + 1)) ? 2 : 1;
  }

  return index;
}

/** True for the second half of a surrogate pair. */
export function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

/** True for the first half of a surrogate pair. */
export function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}
