// Aho–Corasick multi-pattern matcher over UTF-16 code units: one pass over the text finds every
// occurrence of every pattern, whatever the number of patterns. Patterns with ASCII letters or
// digits at an edge only match on a word boundary there ("otp" does not match inside "hotpot");
// CJK patterns match anywhere (Chinese has no word boundaries).
import { isAsciiWordChar } from './normalise.ts';

export interface Match {
  /** Index of the pattern in the array given to the constructor. */
  readonly pattern: number;
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
}

export class AhoCorasick {
  readonly patterns: readonly string[];
  private readonly next: Map<number, number>[] = [new Map()];
  private readonly fail: number[] = [0];
  /** Patterns ending at a node, including those reached through failure links. */
  private readonly output: number[][] = [[]];

  private readonly wordBoundaries: boolean;

  constructor(patterns: readonly string[], options: { wordBoundaries?: boolean } = {}) {
    this.patterns = patterns;
    this.wordBoundaries = options.wordBoundaries ?? true;
    patterns.forEach((pattern, index) => {
      if (pattern.length === 0) throw new Error(`pattern ${index} is empty`);
      let node = 0;
      for (let i = 0; i < pattern.length; i++) {
        const code = pattern.charCodeAt(i);
        let child = this.next[node].get(code);
        if (child === undefined) {
          child = this.next.length;
          this.next.push(new Map());
          this.fail.push(0);
          this.output.push([]);
          this.next[node].set(code, child);
        }
        node = child;
      }
      this.output[node].push(index);
    });
    const queue: number[] = [];
    for (const child of this.next[0].values()) queue.push(child);
    for (let head = 0; head < queue.length; head++) {
      const node = queue[head];
      for (const [code, child] of this.next[node]) {
        let fallback = this.fail[node];
        while (fallback !== 0 && !this.next[fallback].has(code)) fallback = this.fail[fallback];
        const target = this.next[fallback].get(code);
        this.fail[child] = target !== undefined && target !== child ? target : 0;
        this.output[child] = this.output[child].concat(this.output[this.fail[child]]);
        queue.push(child);
      }
    }
  }

  /** Every match, ordered by end position (then by pattern length, longest first). */
  search(text: string): Match[] {
    const matches: Match[] = [];
    let node = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      let child = this.next[node].get(code);
      while (child === undefined && node !== 0) {
        node = this.fail[node];
        child = this.next[node].get(code);
      }
      node = child ?? 0;
      const found = this.output[node];
      for (let k = 0; k < found.length; k++) {
        const pattern = found[k];
        const length = this.patterns[pattern].length;
        const start = i + 1 - length;
        if (!this.wordBoundaries || this.onBoundary(text, pattern, start, i + 1)) matches.push({ pattern, start, end: i + 1 });
      }
    }
    return matches;
  }

  private onBoundary(text: string, pattern: number, start: number, end: number): boolean {
    const word = this.patterns[pattern];
    if (isAsciiWordChar(word.charCodeAt(0)) && start > 0 && isAsciiWordChar(text.charCodeAt(start - 1))) return false;
    if (isAsciiWordChar(word.charCodeAt(word.length - 1)) && end < text.length && isAsciiWordChar(text.charCodeAt(end))) return false;
    return true;
  }
}
