// Many named groups of terms (a rule's phrases, a proximity rule's two sides, agitation cues)
// compiled into one Aho–Corasick automaton, so a segment is scanned once for all of them.
import { AhoCorasick } from './aho-corasick.ts';
import { normalise, normaliseTerm, type NormalisedText } from './normalise.ts';

export interface TermHit {
  readonly group: string;
  /** The rule term as written (before normalisation). */
  readonly term: string;
  /** Span in the normalised text. */
  readonly start: number;
  readonly end: number;
  /** Span in the original text (evidence offsets). */
  readonly originalStart: number;
  readonly originalEnd: number;
}

export interface ScannedText {
  readonly normalised: NormalisedText;
  readonly hits: readonly TermHit[];
}

export class TermIndex {
  private readonly automaton: AhoCorasick;
  /** For each distinct normalised pattern: the (group, term) pairs it stands for. */
  private readonly owners: { group: string; term: string }[][] = [];

  constructor(groups: ReadonlyMap<string, readonly string[]>) {
    const patternIds = new Map<string, number>();
    const patterns: string[] = [];
    for (const [group, terms] of groups) {
      for (const term of terms) {
        const pattern = normaliseTerm(term);
        if (pattern.length === 0) throw new Error(`term ${JSON.stringify(term)} of ${group} is empty after normalisation`);
        let id = patternIds.get(pattern);
        if (id === undefined) {
          id = patterns.length;
          patternIds.set(pattern, id);
          patterns.push(pattern);
          this.owners.push([]);
        }
        if (!this.owners[id].some((o) => o.group === group)) this.owners[id].push({ group, term });
      }
    }
    this.automaton = new AhoCorasick(patterns.length > 0 ? patterns : ['\u0000']);
    if (patterns.length === 0) this.owners.push([]);
  }

  scan(text: string): ScannedText {
    const normalised = normalise(text);
    const hits: TermHit[] = [];
    for (const match of this.automaton.search(normalised.text)) {
      const originalStart = normalised.origin[match.start];
      const originalEnd = normalised.origin[match.end - 1] + 1;
      for (const owner of this.owners[match.pattern]) {
        hits.push({ group: owner.group, term: owner.term, start: match.start, end: match.end, originalStart, originalEnd });
      }
    }
    return { normalised, hits };
  }
}
