// The risk front line, per call: the voiceprint gate on sensitive operations (block, step-up,
// approve), fraud-word rules (phrase and proximity, speaker conditions, negation) that raise
// alerts with evidence and require step-up for pending or following operations, and the
// agitation detector (lexical cues + emotion events over a sliding window of call time) that
// suggests a soothing script and, past a second threshold, alerts the supervisor.
// Pure and event-time driven (see streams/rules/reactor.ts). Every output names the rule
// version that produced it.
import type {
  AnyLedgerEvent, AuthMethod, EvidenceSpan, LedgerEvent, Money, SensitiveOperationKind, Speaker,
} from '../../schemas/generated/events.ts';
import { decision, type Decision, type Reactor } from '../rules/reactor.ts';
import { versionAt, type PolicyVersion } from '../rules/rule-document.ts';
import { policyVersionOf, withVersion } from '../rules/policy-events.ts';
import { TermIndex, type TermHit } from '../text/term-index.ts';
import { parseRiskRules, type FraudWordRule, type RiskRules } from './risk-rules.ts';
import { parseScriptLibrary, pickScript, type ScriptLibrary, type ScriptPurpose } from './script-library.ts';

export const riskComponent = 'streams/risk';

/** A rule version compiled once: every term of every rule in one automaton. */
export interface CompiledRiskRules {
  readonly rules: RiskRules;
  readonly index: TermIndex;
  /** The largest proximity distance: how far back hits are kept. */
  readonly reach: number;
}

export function compileRiskRules(rules: RiskRules): CompiledRiskRules {
  const groups = new Map<string, readonly string[]>();
  let reach = 0;
  for (const rule of rules.fraudWords) {
    if ('phrase' in rule.match) groups.set(`f:${rule.id}:a`, rule.match.phrase.terms);
    else {
      groups.set(`f:${rule.id}:a`, rule.match.proximity.terms);
      groups.set(`f:${rule.id}:b`, rule.match.proximity.near);
      reach = Math.max(reach, rule.match.proximity.within);
    }
    if (rule.unlessPreceded) groups.set(`f:${rule.id}:not`, rule.unlessPreceded.terms);
  }
  for (const cue of rules.agitation.cues) groups.set(`c:${cue.id}`, cue.terms);
  return { rules, index: new TermIndex(groups), reach };
}

type OperationStatus = 'APPROVED' | 'BLOCKED' | 'STEPPED_UP';

interface Operation {
  readonly operationId: string;
  readonly kind: SensitiveOperationKind;
  readonly amount: Money | null;
  status: OperationStatus;
  challengeId: string | null;
  method: AuthMethod | null;
  blockRuleId: string;
  challenges: number;
}

interface StreamHit {
  readonly group: string;
  readonly speaker: Speaker;
  readonly segmentId: string;
  /** Position in the call's running normalised text (all segments, in order). */
  readonly start: number;
  readonly end: number;
  readonly evidence: EvidenceSpan;
}

interface AgitationEntry {
  readonly atMs: number;
  readonly weight: number;
  readonly fromEmotion: boolean;
  readonly evidence: EvidenceSpan | null;
}

export interface RiskCall {
  voiceprint: { result: string; fraudRisk: number | null } | null;
  agentId: string | null;
  language: string;
  /** Length of the running normalised text so far. */
  position: number;
  hits: StreamHit[];
  readonly firedRules: Set<string>;
  /** The first fraud alert in the call that requires step-up. */
  fraudAlert: { alertId: string; ruleId: string } | null;
  readonly operations: Map<string, Operation>;
  readonly challenges: Map<string, string>;
  agitation: AgitationEntry[];
  agitationLatestMs: number;
  assisted: boolean;
  escalated: boolean;
  suggestions: number;
}

export interface RiskState {
  rules: PolicyVersion<CompiledRiskRules>[];
  scripts: PolicyVersion<ScriptLibrary>[];
  readonly calls: Map<string, RiskCall>;
}

export interface RiskDeciderOptions {
  readonly rules: PolicyVersion<RiskRules>;
  readonly scripts: PolicyVersion<ScriptLibrary>;
}

const methodStrength: Record<AuthMethod, number> = { VOICEPRINT: 1, KNOWLEDGE_QUESTIONS: 1, OTP: 2, APP_PUSH: 2, VIDEO_IDENTITY: 3, OTHER: 0 };

function newCall(): RiskCall {
  return {
    voiceprint: null, agentId: null, language: 'zh-CN', position: 0, hits: [], firedRules: new Set(), fraudAlert: null,
    operations: new Map(), challenges: new Map(), agitation: [], agitationLatestMs: 0, assisted: false, escalated: false, suggestions: 0,
  };
}

export function createRiskDecider(options: RiskDeciderOptions): Reactor<RiskState> {
  const initialRules: PolicyVersion<CompiledRiskRules> = { ...options.rules, document: compileRiskRules(options.rules.document) };

  function callOf(state: RiskState, interactionId: string): RiskCall {
    let call = state.calls.get(interactionId);
    if (!call) {
      call = newCall();
      state.calls.set(interactionId, call);
    }
    return call;
  }

  function suggest(state: RiskState, call: RiskCall, interactionId: string, at: number, purpose: ScriptPurpose, trigger: 'RISK_ALERT' | 'EMOTION' | 'KEYWORD', ref: string | null): Decision[] {
    const library = versionAt(state.scripts, at);
    const script = library && pickScript(library.document, purpose, call.language);
    if (!library || !script) return [];
    call.suggestions += 1;
    return [decision('AgentAssistSuggested', {
      suggestionId: `${interactionId}:assist:${call.suggestions}`, agentId: call.agentId ?? 'unassigned', scriptId: script.id, scriptVersion: library.version,
      text: script.text, trigger, triggerRef: ref,
    })];
  }

  function stepUpMethod(rules: RiskRules, operation: Operation): AuthMethod {
    const { stepUp } = rules.voiceprintGate;
    if (operation.kind === 'FUNDS_TRANSFER' && operation.amount && operation.amount.amountMinor >= stepUp.largeTransferMinAmountMinor) return stepUp.largeTransferMethod;
    return stepUp.defaultMethod;
  }

  function block(interactionId: string, call: RiskCall, policy: PolicyVersion<CompiledRiskRules>, operation: Operation, ruleId: string, reason: string, alertId: string | null): Decision[] {
    operation.status = 'BLOCKED';
    operation.challenges += 1;
    const method = stepUpMethod(policy.document.rules, operation);
    const challengeId = `${operation.operationId}:step-up:${operation.challenges}`;
    if (operation.challengeId) call.challenges.delete(operation.challengeId);
    operation.challengeId = challengeId;
    operation.method = method;
    operation.blockRuleId = ruleId;
    call.challenges.set(challengeId, operation.operationId);
    return [
      decision('SensitiveOperationBlocked', {
        operationId: operation.operationId, kind: operation.kind, amount: operation.amount, reason, ruleId, ruleVersion: policy.version, alertId, requiredAuth: method,
      }),
      decision('StepUpAuthenticationRequested', { challengeId, method, reason, alertId, ruleId, ruleVersion: policy.version }),
    ];
  }

  /** Why the voiceprint gate does not let an operation through, or null when it does. */
  function gateRefusal(rules: RiskRules, call: RiskCall, operation: Operation): string | null {
    const gate = rules.voiceprintGate;
    const protectedOp = gate.protectedOperations.some((p) => p.kind === operation.kind && (p.minAmountMinor === undefined || (operation.amount?.amountMinor ?? Number.MAX_SAFE_INTEGER) >= p.minAmountMinor));
    if (!protectedOp) return null;
    const vp = call.voiceprint;
    if (!vp) return 'no voiceprint verification in this call';
    if (vp.fraudRisk !== null && vp.fraudRisk >= gate.fraudRiskThreshold) return `voiceprint fraud-risk score ${vp.fraudRisk} at or above ${gate.fraudRiskThreshold}`;
    if (vp.result === 'MATCH') return null;
    if (vp.result === 'INCONCLUSIVE') {
      if (vp.fraudRisk !== null && vp.fraudRisk < gate.inconclusiveMaxFraudRisk) return null;
      return `voiceprint INCONCLUSIVE with fraud-risk score ${vp.fraudRisk ?? 'absent'} (passes below ${gate.inconclusiveMaxFraudRisk})`;
    }
    return `voiceprint ${vp.result}`;
  }

  function onOperation(state: RiskState, event: LedgerEvent<'SensitiveOperationRequested'>, interactionId: string): Decision[] {
    const call = callOf(state, interactionId);
    const policy = versionAt(state.rules, event.metadata.occurredAt) ?? initialRules;
    const data = event.data;
    if (call.operations.has(data.operationId)) return [];
    if (data.agentId) call.agentId = data.agentId;
    const operation: Operation = { operationId: data.operationId, kind: data.kind, amount: data.amount, status: 'APPROVED', challengeId: null, method: null, blockRuleId: '', challenges: 0 };
    call.operations.set(data.operationId, operation);
    if (call.fraudAlert) {
      return block(interactionId, call, policy, operation, call.fraudAlert.ruleId, `fraud words earlier in the call (${call.fraudAlert.ruleId})`, call.fraudAlert.alertId);
    }
    const refusal = gateRefusal(policy.document.rules, call, operation);
    const gateId = policy.document.rules.voiceprintGate.ruleId;
    if (refusal) return block(interactionId, call, policy, operation, gateId, refusal, null);
    return [decision('SensitiveOperationApproved', {
      operationId: operation.operationId, kind: operation.kind, amount: operation.amount, approvedBy: riskComponent,
      reason: call.voiceprint ? `voiceprint ${call.voiceprint.result}` : 'operation not protected by the voiceprint gate', ruleId: gateId, ruleVersion: policy.version, challengeId: null,
    })];
  }

  function onVoiceprint(state: RiskState, event: LedgerEvent<'VoiceprintVerified'>, interactionId: string): Decision[] {
    const call = callOf(state, interactionId);
    const policy = versionAt(state.rules, event.metadata.occurredAt) ?? initialRules;
    const gate = policy.document.rules.voiceprintGate;
    const { result, fraudRiskScore } = event.data;
    call.voiceprint = { result, fraudRisk: fraudRiskScore };
    const watchlist = fraudRiskScore !== null && fraudRiskScore >= gate.fraudRiskThreshold;
    const kind = watchlist ? 'WATCHLIST' : result === 'MISMATCH' ? 'VOICEPRINT' : null;
    if (!kind || call.firedRules.has(`${gate.ruleId}:${kind}`)) return [];
    call.firedRules.add(`${gate.ruleId}:${kind}`);
    return [decision('RiskAlertRaised', {
      alertId: `${interactionId}:${gate.ruleId}:${kind.toLowerCase()}`, ruleId: gate.ruleId, ruleVersion: policy.version, kind, severity: 'HIGH',
      score: watchlist ? fraudRiskScore : event.data.score, recommendedAction: 'BLOCK_SENSITIVE_OPERATIONS', evidence: [],
      description: watchlist ? `voiceprint fraud-risk score ${fraudRiskScore} at or above ${gate.fraudRiskThreshold}` : `voiceprint MISMATCH (score ${event.data.score} below ${event.data.threshold})`,
    })];
  }

  function onStepUp(state: RiskState, event: LedgerEvent<'StepUpAuthenticationCompleted'>, interactionId: string): Decision[] {
    const call = callOf(state, interactionId);
    const operationId = call.challenges.get(event.data.challengeId);
    const operation = operationId ? call.operations.get(operationId) : undefined;
    if (!operation || operation.status !== 'BLOCKED' || operation.challengeId !== event.data.challengeId) return [];
    const policy = versionAt(state.rules, event.metadata.occurredAt) ?? initialRules;
    const required = operation.method ?? 'OTP';
    if (event.data.result === 'PASSED' && methodStrength[event.data.method] >= methodStrength[required]) {
      operation.status = 'STEPPED_UP';
      return [decision('SensitiveOperationApproved', {
        operationId: operation.operationId, kind: operation.kind, amount: operation.amount, approvedBy: `step-up:${event.data.method}`,
        reason: `step-up ${event.data.method} passed`, ruleId: operation.blockRuleId, ruleVersion: policy.version, challengeId: event.data.challengeId,
      })];
    }
    if (event.data.result !== 'FAILED') return [];
    const ruleId = policy.document.rules.voiceprintGate.ruleId;
    const key = `${ruleId}:step-up-failed`;
    if (call.firedRules.has(key)) return [];
    call.firedRules.add(key);
    return [decision('RiskAlertRaised', {
      alertId: `${interactionId}:${ruleId}:step-up-failed`, ruleId, ruleVersion: policy.version, kind: 'ACCOUNT_TAKEOVER', severity: 'HIGH', score: null,
      recommendedAction: 'NOTIFY_SUPERVISOR', evidence: [], description: `step-up ${event.data.method} failed after ${event.data.attempts} attempt(s) for operation ${operation.operationId}`,
    })];
  }

  function negated(rule: FraudWordRule, hit: TermHit, segmentHits: readonly TermHit[]): boolean {
    if (!rule.unlessPreceded) return false;
    const within = rule.unlessPreceded.within;
    const group = `f:${rule.id}:not`;
    return segmentHits.some((n) => n.group === group && n.end <= hit.start && hit.start - n.end <= within);
  }

  function speakerAllowed(rule: FraudWordRule, speaker: Speaker): boolean {
    return !rule.speakers || rule.speakers.includes(speaker);
  }

  function onSegment(state: RiskState, event: LedgerEvent<'TranscriptSegmentRecognized'>, interactionId: string): Decision[] {
    const call = callOf(state, interactionId);
    const policy = versionAt(state.rules, event.metadata.occurredAt) ?? initialRules;
    const compiled = policy.document;
    const segment = event.data;
    if (segment.language) call.language = segment.language;
    const scanned = compiled.index.scan(segment.text);
    const base = call.position;
    call.position += scanned.normalised.text.length + 1;
    const outputs: Decision[] = [];
    const evidenceOf = (hit: TermHit): EvidenceSpan => ({
      segmentId: segment.segmentId, startOffset: hit.originalStart, endOffset: hit.originalEnd, term: hit.term, matchedText: segment.text.slice(hit.originalStart, hit.originalEnd),
    });
    // Hits that a later segment may pair with (proximity across segments): not negated, of a live rule.
    const fresh: StreamHit[] = [];
    const streamHit = (hit: TermHit): StreamHit => ({ group: hit.group, speaker: segment.speaker, segmentId: segment.segmentId, start: base + hit.start, end: base + hit.end, evidence: evidenceOf(hit) });

    for (const rule of compiled.rules.fraudWords) {
      if (call.firedRules.has(rule.id) || !speakerAllowed(rule, segment.speaker)) continue;
      const a = `f:${rule.id}:a`;
      const here = scanned.hits.filter((h) => h.group.startsWith(`f:${rule.id}:`) && !h.group.endsWith(':not') && !negated(rule, h, scanned.hits));
      if (here.length === 0) continue;
      let evidence: EvidenceSpan[] | null = null;
      if ('phrase' in rule.match) {
        const first = here.find((h) => h.group === a);
        if (first) evidence = [evidenceOf(first)];
      } else {
        const within = rule.match.proximity.within;
        const b = `f:${rule.id}:b`;
        const mineAll = here.map(streamHit);
        fresh.push(...mineAll);
        const pool = [...call.hits.filter((h) => h.group.startsWith(`f:${rule.id}:`) && speakerAllowed(rule, h.speaker)), ...mineAll];
        for (const mine of mineAll) {
          const other = mine.group === a ? b : a;
          const gap = (p: StreamHit): number => (p.start >= mine.end ? p.start - mine.end : p.end <= mine.start ? mine.start - p.end : Number.POSITIVE_INFINITY);
          let partner: StreamHit | undefined;
          for (const p of pool) if (p.group === other && gap(p) <= within && (!partner || gap(p) < gap(partner))) partner = p;
          if (partner) {
            evidence = [partner, mine].sort((x, y) => x.start - y.start).map((h) => h.evidence);
            break;
          }
        }
      }
      if (!evidence) continue;
      call.firedRules.add(rule.id);
      const alertId = `${interactionId}:${rule.id}`;
      outputs.push(decision('RiskAlertRaised', {
        alertId, ruleId: rule.id, ruleVersion: policy.version, kind: rule.kind, severity: rule.severity, score: null,
        recommendedAction: rule.stepUp ? 'STEP_UP_AUTHENTICATION' : 'NOTIFY_SUPERVISOR', evidence, description: rule.description,
      }));
      if (rule.stepUp && !call.fraudAlert) {
        call.fraudAlert = { alertId, ruleId: rule.id };
        outputs.push(...suggest(state, call, interactionId, event.metadata.occurredAt, 'FRAUD_WARNING', 'RISK_ALERT', alertId));
        for (const operation of call.operations.values()) {
          if (operation.status === 'APPROVED') outputs.push(...block(interactionId, call, policy, operation, rule.id, `fraud words after the request (${rule.id}): held until step-up`, alertId));
        }
      }
    }
    // Keep only the hits a later proximity match can still reach.
    call.hits = [...call.hits, ...fresh].filter((h) => call.position - h.end <= compiled.reach + 1);

    const agitation = compiled.rules.agitation;
    if (agitation.speakers.includes(segment.speaker)) {
      const weights = new Map(agitation.cues.map((c) => [`c:${c.id}`, c.weight]));
      const counted = new Set<string>();
      for (const hit of scanned.hits) {
        const weight = weights.get(hit.group);
        // Each cue counts once per segment ("什么破银行" is one insult, not two).
        if (weight === undefined || counted.has(hit.group)) continue;
        counted.add(hit.group);
        call.agitation.push({ atMs: segment.endMs, weight, fromEmotion: false, evidence: evidenceOf(hit) });
      }
      outputs.push(...agitationCheck(state, call, interactionId, event.metadata.occurredAt, policy, segment.endMs, segment.segmentId));
    }
    return outputs;
  }

  function onEmotion(state: RiskState, event: LedgerEvent<'EmotionDetected'>, interactionId: string): Decision[] {
    const call = callOf(state, interactionId);
    const policy = versionAt(state.rules, event.metadata.occurredAt) ?? initialRules;
    const agitation = policy.document.rules.agitation;
    const { speaker, emotion, intensity, windowEndMs, segmentId } = event.data;
    const weight = agitation.emotions[emotion];
    if (!agitation.speakers.includes(speaker) || weight === undefined || intensity < agitation.minIntensity) return [];
    call.agitation.push({ atMs: windowEndMs, weight: weight * intensity, fromEmotion: true, evidence: null });
    return agitationCheck(state, call, interactionId, event.metadata.occurredAt, policy, windowEndMs, segmentId);
  }

  function agitationCheck(state: RiskState, call: RiskCall, interactionId: string, at: number, policy: PolicyVersion<CompiledRiskRules>, nowMs: number, ref: string | null): Decision[] {
    const rules = policy.document.rules.agitation;
    call.agitationLatestMs = Math.max(call.agitationLatestMs, nowMs);
    call.agitation = call.agitation.filter((e) => e.atMs > call.agitationLatestMs - rules.windowMs);
    const score = Math.round(call.agitation.reduce((sum, e) => sum + e.weight, 0) * 1000) / 1000;
    const outputs: Decision[] = [];
    if (!call.assisted && score >= rules.assistThreshold) {
      call.assisted = true;
      const byEmotion = call.agitation.some((e) => e.fromEmotion);
      outputs.push(...suggest(state, call, interactionId, at, 'AGITATION', byEmotion ? 'EMOTION' : 'KEYWORD', ref));
    }
    if (!call.escalated && score >= rules.supervisorThreshold) {
      call.escalated = true;
      const alertId = `${interactionId}:${rules.ruleId}`;
      outputs.push(decision('RiskAlertRaised', {
        alertId, ruleId: rules.ruleId, ruleVersion: policy.version, kind: 'AGITATION', severity: 'MEDIUM', score, recommendedAction: 'NOTIFY_SUPERVISOR',
        evidence: call.agitation.flatMap((e) => (e.evidence ? [e.evidence] : [])).slice(0, 10),
        description: `agitation score ${score} over ${rules.windowMs / 1000} s reached the supervisor threshold ${rules.supervisorThreshold}`,
      }));
      outputs.push(...suggest(state, call, interactionId, at, 'SUPERVISOR', 'RISK_ALERT', alertId));
    }
    return outputs;
  }

  return {
    initialState: () => ({ rules: [initialRules], scripts: [options.scripts], calls: new Map() }),
    decide(event: AnyLedgerEvent, state): readonly Decision[] {
      switch (event.type) {
        case 'RiskRulesPublished': {
          const published = policyVersionOf('risk rules', event.data, parseRiskRules);
          state.rules = withVersion(state.rules, { ...published, document: compileRiskRules(published.document) });
          return [];
        }
        case 'ScriptLibraryPublished':
          state.scripts = withVersion(state.scripts, policyVersionOf('script library', event.data, parseScriptLibrary));
          return [];
        default:
          break;
      }
      const interactionId = event.metadata.interactionId;
      if (!interactionId) return [];
      switch (event.type) {
        case 'TranscriptSegmentRecognized': return onSegment(state, event, interactionId);
        case 'VoiceprintVerified': return onVoiceprint(state, event, interactionId);
        case 'SensitiveOperationRequested': return onOperation(state, event, interactionId);
        case 'StepUpAuthenticationCompleted': return onStepUp(state, event, interactionId);
        case 'EmotionDetected': return onEmotion(state, event, interactionId);
        case 'InteractionAnswered':
          callOf(state, interactionId).agentId = event.data.agentId;
          return [];
        case 'InteractionEnded':
          state.calls.delete(interactionId);
          return [];
        default:
          return [];
      }
    },
  };
}
