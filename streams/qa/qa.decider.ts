// Automatic QA on every call: prohibited phrases, mandatory disclosure before a sale is
// confirmed, greeting and closing, long silence and talk-over. Findings are emitted as soon as
// they are certain (event time); the call's score when it ends. Pure (streams/rules/reactor.ts).
//
// Score: for each category c with points P(c), deducted(c) = min(P(c), sum of the points of
// the call's findings in c); score = sum over c of (P(c) - deducted(c)); maxScore = sum of P(c);
// passed = score >= passMark and no CRITICAL finding.
import type { AnyLedgerEvent, EvidenceSpan, LedgerEvent } from '../../schemas/generated/events.ts';
import { decision, type Decision, type Reactor } from '../rules/reactor.ts';
import { versionAt, type PolicyVersion } from '../rules/rule-document.ts';
import { policyVersionOf, withVersion } from '../rules/policy-events.ts';
import { TermIndex, type TermHit } from '../text/term-index.ts';
import { parseQaRules, type QaCategory, type QaRule, type QaRules } from './qa-rules.ts';

export interface CompiledQaRules {
  readonly rules: QaRules;
  readonly index: TermIndex;
}

export function compileQaRules(rules: QaRules): CompiledQaRules {
  const groups = new Map<string, readonly string[]>();
  for (const rule of rules.rules) {
    switch (rule.type) {
      case 'prohibited-phrase': case 'greeting': case 'closing': groups.set(`${rule.id}:terms`, rule.terms); break;
      case 'mandatory-disclosure':
        groups.set(`${rule.id}:trigger`, rule.trigger);
        groups.set(`${rule.id}:required`, rule.required);
        if (rule.context) groups.set(`${rule.id}:context`, rule.context);
        break;
      case 'long-silence': if (rule.exemptAfter) groups.set(`${rule.id}:exempt`, rule.exemptAfter); break;
      case 'talk-over': break;
    }
  }
  return { rules, index: new TermIndex(groups) };
}

interface Finding { readonly category: QaCategory; readonly severity: string; readonly points: number }

interface SegmentSeen { readonly segmentId: string; readonly speaker: string; readonly startMs: number; readonly endMs: number; readonly groups: ReadonlySet<string> }

export interface QaCall {
  agentId: string | null;
  policy: PolicyVersion<CompiledQaRules> | null;
  findings: Finding[];
  count: number;
  /** Per rule id: how many of the speaker's segments were seen (greeting). */
  readonly seenBySpeaker: Map<string, number>;
  readonly satisfied: Set<string>;
  readonly contextSeen: Set<string>;
  readonly settled: Set<string>;
  /** Last segments of each speaker (talk-over, closing). */
  recent: SegmentSeen[];
  lastEndMs: number | null;
  lastGroups: ReadonlySet<string>;
  readonly talkedOver: Set<string>;
}

export interface QaState {
  rules: PolicyVersion<CompiledQaRules>[];
  readonly calls: Map<string, QaCall>;
}

export const qaComponent = 'streams/qa';

export function createQaDecider(options: { readonly rules: PolicyVersion<QaRules> }): Reactor<QaState> {
  const initial: PolicyVersion<CompiledQaRules> = { ...options.rules, document: compileQaRules(options.rules.document) };

  function callOf(state: QaState, interactionId: string, at: number): QaCall {
    let call = state.calls.get(interactionId);
    if (!call) {
      call = {
        agentId: null, policy: null, findings: [], count: 0, seenBySpeaker: new Map(), satisfied: new Set(), contextSeen: new Set(), settled: new Set(),
        recent: [], lastEndMs: null, lastGroups: new Set(), talkedOver: new Set(),
      };
      state.calls.set(interactionId, call);
    }
    // A call is judged by one rule version: the one in force when it was first seen.
    call.policy ??= versionAt(state.rules, at) ?? initial;
    return call;
  }

  function finding(call: QaCall, interactionId: string, rule: QaRule, evidence: EvidenceSpan[], note: string): Decision {
    call.count += 1;
    call.findings.push({ category: rule.category, severity: rule.severity, points: rule.points });
    return decision('QaFindingRecorded', {
      findingId: `${interactionId}:qa:${call.count}`, ruleId: rule.id, ruleVersion: call.policy?.version ?? initial.version, category: rule.category, severity: rule.severity,
      agentId: call.agentId, pointsDeducted: rule.points, evidence, note,
    });
  }

  function onSegment(state: QaState, event: LedgerEvent<'TranscriptSegmentRecognized'>, interactionId: string): Decision[] {
    const call = callOf(state, interactionId, event.metadata.occurredAt);
    const compiled = (call.policy ?? initial).document;
    const segment = event.data;
    const scanned = compiled.index.scan(segment.text);
    const groups = new Set(scanned.hits.map((h) => h.group));
    const hitsOf = (group: string): TermHit[] => scanned.hits.filter((h) => h.group === group);
    const span = (hit: TermHit): EvidenceSpan => ({ segmentId: segment.segmentId, startOffset: hit.originalStart, endOffset: hit.originalEnd, term: hit.term, matchedText: segment.text.slice(hit.originalStart, hit.originalEnd) });
    const whole: EvidenceSpan = { segmentId: segment.segmentId, startOffset: 0, endOffset: 0, term: null, matchedText: null };
    const outputs: Decision[] = [];
    const seen: SegmentSeen = { segmentId: segment.segmentId, speaker: segment.speaker, startMs: segment.startMs, endMs: segment.endMs, groups };

    for (const rule of compiled.rules.rules) {
      switch (rule.type) {
        case 'prohibited-phrase': {
          const hits = hitsOf(`${rule.id}:terms`);
          if (segment.speaker === rule.speaker && hits.length > 0) outputs.push(finding(call, interactionId, rule, hits.map(span), `said "${hits[0].term}"`));
          break;
        }
        case 'greeting': {
          if (segment.speaker !== rule.speaker || call.settled.has(rule.id)) break;
          const n = (call.seenBySpeaker.get(rule.id) ?? 0) + 1;
          call.seenBySpeaker.set(rule.id, n);
          if (groups.has(`${rule.id}:terms`)) call.settled.add(rule.id);
          else if (n >= rule.withinSegments) {
            call.settled.add(rule.id);
            outputs.push(finding(call, interactionId, rule, [whole], `no greeting in the first ${rule.withinSegments} ${rule.speaker.toLowerCase()} segment(s)`));
          }
          break;
        }
        case 'mandatory-disclosure': {
          if (call.settled.has(rule.id)) break;
          if (groups.has(`${rule.id}:context`)) call.contextSeen.add(rule.id);
          if (segment.speaker === rule.speaker && groups.has(`${rule.id}:required`)) {
            const trigger = hitsOf(`${rule.id}:trigger`)[0];
            const required = hitsOf(`${rule.id}:required`)[0];
            // Said in the same segment as the confirmation counts only if it comes first.
            if (!trigger || required.start < trigger.start) call.satisfied.add(rule.id);
          }
          const trigger = hitsOf(`${rule.id}:trigger`)[0];
          if (trigger && (!rule.context || call.contextSeen.has(rule.id))) {
            call.settled.add(rule.id);
            if (!call.satisfied.has(rule.id)) outputs.push(finding(call, interactionId, rule, [span(trigger)], `sale confirmed ("${trigger.term}") before the required disclosure`));
          }
          break;
        }
        case 'long-silence': {
          if (call.lastEndMs === null) break;
          const gap = segment.startMs - call.lastEndMs;
          const exempt = call.lastGroups.has(`${rule.id}:exempt`);
          if (gap > rule.maxGapMs && !exempt) outputs.push(finding(call, interactionId, rule, [whole], `silence of ${(gap / 1000).toFixed(1)} s before this segment`));
          break;
        }
        case 'talk-over': {
          const other = (s: SegmentSeen): boolean => s.speaker !== seen.speaker && (s.speaker === rule.speaker || seen.speaker === rule.speaker);
          for (const earlier of call.recent) {
            if (!other(earlier)) continue;
            const talker = seen.speaker === rule.speaker ? seen : earlier;
            const interrupted = talker === seen ? earlier : seen;
            const overlap = Math.min(talker.endMs, interrupted.endMs) - Math.max(talker.startMs, interrupted.startMs);
            if (talker.startMs > interrupted.startMs && overlap >= rule.minOverlapMs && !call.talkedOver.has(talker.segmentId)) {
              call.talkedOver.add(talker.segmentId);
              outputs.push(finding(call, interactionId, rule, [{ ...whole, segmentId: talker.segmentId }], `talked over the customer for ${(overlap / 1000).toFixed(1)} s (segment ${interrupted.segmentId})`));
            }
          }
          break;
        }
        case 'closing': break;
      }
    }
    call.lastEndMs = Math.max(call.lastEndMs ?? 0, segment.endMs);
    call.lastGroups = groups;
    call.recent = [...call.recent, seen].slice(-8);
    return outputs;
  }

  function onEnded(state: QaState, event: LedgerEvent<'InteractionEnded'>, interactionId: string): Decision[] {
    const call = state.calls.get(interactionId);
    state.calls.delete(interactionId);
    if (!call) return [];
    if (event.data.agentId) call.agentId = event.data.agentId;
    const policy = call.policy ?? initial;
    const rules = policy.document.rules;
    const outputs: Decision[] = [];
    for (const rule of rules.rules) {
      if (rule.type === 'closing') {
        const last = call.recent.filter((s) => s.speaker === rule.speaker).slice(-rule.withinLastSegments);
        if (last.length > 0 && !last.some((s) => s.groups.has(`${rule.id}:terms`))) {
          outputs.push(finding(call, interactionId, rule, [{ segmentId: last[last.length - 1].segmentId, startOffset: 0, endOffset: 0, term: null, matchedText: null }], `no closing in the last ${rule.withinLastSegments} ${rule.speaker.toLowerCase()} segment(s)`));
        }
      }
      if (rule.type === 'greeting' && !call.settled.has(rule.id) && (call.seenBySpeaker.get(rule.id) ?? 0) > 0) {
        outputs.push(finding(call, interactionId, rule, [], 'no greeting before the call ended'));
      }
    }
    const categoryScores = Object.entries(rules.categories).map(([category, max]) => {
      const deducted = call.findings.filter((f) => f.category === category).reduce((sum, f) => sum + f.points, 0);
      return { category, score: Math.max(0, (max ?? 0) - deducted), maxScore: max ?? 0 };
    });
    const score = categoryScores.reduce((sum, c) => sum + c.score, 0);
    const maxScore = categoryScores.reduce((sum, c) => sum + c.maxScore, 0);
    const critical = call.findings.some((f) => f.severity === 'CRITICAL');
    outputs.push(decision('QaScoreComputed', {
      agentId: call.agentId, rulesId: rules.rulesId, rulesVersion: policy.version, score, maxScore, passed: score >= rules.passMark && !critical,
      findingsCount: call.findings.length, categoryScores, method: 'AUTOMATIC',
    }));
    return outputs;
  }

  return {
    initialState: () => ({ rules: [initial], calls: new Map() }),
    decide(event: AnyLedgerEvent, state): readonly Decision[] {
      if (event.type === 'QaRulesPublished') {
        const published = policyVersionOf('QA rules', event.data, parseQaRules);
        state.rules = withVersion(state.rules, { ...published, document: compileQaRules(published.document) });
        return [];
      }
      const interactionId = event.metadata.interactionId;
      if (!interactionId) return [];
      switch (event.type) {
        case 'TranscriptSegmentRecognized': return onSegment(state, event, interactionId);
        case 'InteractionAnswered':
          callOf(state, interactionId, event.metadata.occurredAt).agentId = event.data.agentId;
          return [];
        case 'InteractionEnded': return onEnded(state, event, interactionId);
        default: return [];
      }
    },
  };
}

