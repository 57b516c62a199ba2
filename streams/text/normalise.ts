// Text normalisation for rule matching. Chinese has no spaces, so matching works on characters,
// not words: full-width forms become half-width (NFKC-style for the ASCII block), letters are
// case-folded, punctuation and symbols are removed, and whitespace survives only as one space
// between two ASCII letters or digits (so English words keep their boundaries and "验证 码"
// still reads "验证码"). Every normalised character remembers where it came from, so a match
// can be reported as a span of the original segment text (evidence).

export interface NormalisedText {
  readonly text: string;
  /** origin[i] = index in the original text of normalised character i. */
  readonly origin: Int32Array;
}

const punctuationOrSymbol = /[\p{P}\p{S}\p{Cc}\p{Cf}]/u;
const whitespace = /\s/u;

/** True for ASCII letters and digits (after case folding). */
export function isAsciiWordChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 97 && code <= 122) || (code >= 65 && code <= 90);
}

function halfWidth(code: number): number {
  if (code >= 0xff01 && code <= 0xff5e) return code - 0xfee0;
  if (code === 0x3000) return 0x20;
  return code;
}

type CharClass = 0 | 1 | 2; // 0 keep, 1 separator (space/punctuation), 2 drop silently

function classify(code: number): CharClass {
  if (code < 128) {
    if (isAsciiWordChar(code)) return 0;
    if (code === 0x27) return 2; // apostrophe: "don't" reads "dont"
    return 1;
  }
  if (code >= 0x4e00 && code <= 0x9fff) return 0; // CJK unified ideographs: the common case
  const char = String.fromCharCode(code);
  if (whitespace.test(char) || punctuationOrSymbol.test(char)) return code === 0x2019 ? 2 : 1;
  return 0;
}

export function normalise(input: string): NormalisedText {
  const out: number[] = [];
  const origin = new Int32Array(input.length);
  let pendingSpace = false;
  for (let i = 0; i < input.length; i++) {
    let code = halfWidth(input.charCodeAt(i));
    if (code >= 65 && code <= 90) code += 32;
    else if ((code >= 128 && code < 0x4e00) || code > 0x9fff) {
      const lower = String.fromCharCode(code).toLowerCase();
      if (lower.length === 1) code = lower.charCodeAt(0);
    }
    const kind = classify(code);
    if (kind === 1) { pendingSpace = true; continue; }
    if (kind === 2) continue;
    if (pendingSpace && out.length > 0 && isAsciiWordChar(out[out.length - 1]) && isAsciiWordChar(code)) {
      origin[out.length] = i - 1;
      out.push(32);
    }
    pendingSpace = false;
    origin[out.length] = i;
    out.push(code);
  }
  return { text: String.fromCharCode(...out), origin: origin.subarray(0, out.length) };
}

/** Normalises a rule term the way segment text is normalised. */
export function normaliseTerm(term: string): string {
  return normalise(term).text;
}

/** The span of the original text that normalised characters [start, end) came from. */
export function originalSpan(normalised: NormalisedText, start: number, end: number): { start: number; end: number } {
  return { start: normalised.origin[start], end: normalised.origin[end - 1] + 1 };
}
