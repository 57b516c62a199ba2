// Call summary and ticket auto-fill. The intent comes from the IVR when it recognised one, else
// from the transcript; ticket fields are extracted from the customer's segments as they arrive
// (TicketFieldsExtracted each time the set grows, so the workstation pre-fills during the call)
// and a summary is written when the call ends, with the categories of the customer's questions
// (streams/summary/questions.ts: codes, never the words). Deterministic rules, no model; pure.
import type { AnyLedgerEvent, LedgerEvent } from '../../schemas/generated/events.ts';
import { decision, type Decision, type Reactor } from '../rules/reactor.ts';
import { classifyIntent, extractFields, extractorVersion, intentLabels, normaliseIntent, type Fields, type Intent } from './extractors.ts';
import { classifyQuestions, questionTaxonomyVersion } from './questions.ts';

export const summaryComponent = 'streams/summary';

export interface SummaryCall {
  ivrIntent: Intent | null;
  textIntent: Intent | null;
  language: string;
  fields: Fields;
  /** Customer text kept until an intent is known, to extract from once it is. */
  pending: string[];
  customerSegments: number;
  agentSegments: number;
  /** Customer questions per category code (codes only: the words stay in the transcript). */
  questions: Map<string, number>;
  /** The data subject of the call's events (the customer whose words the summary holds), once one names it. */
  dataSubject?: string;
  operations: string[];
  alerts: string[];
}

export interface SummaryState {
  readonly calls: Map<string, SummaryCall>;
}

const fieldLabels: Record<string, { zh: string; en: string }> = {
  cardLast4: { zh: '卡号尾号', en: 'card ending' },
  lostWhen: { zh: '丢失时间', en: 'lost' },
  lostWhere: { zh: '丢失地点', en: 'where' },
  newAddress: { zh: '新地址', en: 'new address' },
  amount: { zh: '金额', en: 'amount' },
  merchant: { zh: '商户', en: 'merchant' },
  transactionDate: { zh: '交易时间', en: 'transaction date' },
};

function withSubject(d: Decision, dataSubject: string | undefined): Decision {
  return dataSubject ? { ...d, dataSubject } : d;
}

export function createSummaryDecider(): Reactor<SummaryState> {
  const intentOf = (call: SummaryCall): Intent | null => call.ivrIntent ?? call.textIntent;

  function callOf(state: SummaryState, interactionId: string): SummaryCall {
    let call = state.calls.get(interactionId);
    if (!call) {
      call = { ivrIntent: null, textIntent: null, language: 'zh-CN', fields: {}, pending: [], customerSegments: 0, agentSegments: 0, questions: new Map(), operations: [], alerts: [] };
      state.calls.set(interactionId, call);
    }
    return call;
  }

  function remember(call: SummaryCall, event: AnyLedgerEvent): SummaryCall {
    call.dataSubject ??= event.metadata.dataSubject ?? undefined;
    return call;
  }

  function absorb(call: SummaryCall, texts: readonly string[]): boolean {
    const intent = intentOf(call);
    if (!intent) return false;
    let grew = false;
    for (const text of texts) {
      for (const [name, value] of Object.entries(extractFields(intent, text))) {
        if (call.fields[name] === undefined) {
          call.fields[name] = value;
          grew = true;
        }
      }
    }
    return grew;
  }

  function ticket(call: SummaryCall, subject: string | undefined): Decision {
    const intent = intentOf(call) ?? 'other';
    return withSubject(decision('TicketFieldsExtracted', {
      intent, templateId: intentLabels[intent].template, fields: Object.entries(call.fields).map(([name, value]) => ({ name, value })), modelVersion: extractorVersion,
    }), subject);
  }

  function onSegment(state: SummaryState, event: LedgerEvent<'TranscriptSegmentRecognized'>, interactionId: string): Decision[] {
    const call = remember(callOf(state, interactionId), event);
    const { speaker, text, language } = event.data;
    call.language = language || call.language;
    if (speaker === 'AGENT') call.agentSegments += 1;
    if (speaker !== 'CUSTOMER') return [];
    call.customerSegments += 1;
    for (const category of classifyQuestions(text)) call.questions.set(category, (call.questions.get(category) ?? 0) + 1);
    const hadIntent = intentOf(call) !== null;
    call.textIntent ??= classifyIntent(text);
    if (!intentOf(call)) {
      call.pending = [...call.pending, text].slice(-20);
      return [];
    }
    const texts = hadIntent ? [text] : [...call.pending, text];
    call.pending = [];
    return absorb(call, texts) ? [ticket(call, call.dataSubject)] : [];
  }

  function summaryText(call: SummaryCall): string {
    const intent = intentOf(call) ?? 'other';
    const zh = call.language.toLowerCase().startsWith('zh');
    const label = intentLabels[intent][zh ? 'zh' : 'en'];
    const source = call.ivrIntent ? (zh ? '（IVR 识别）' : ' (from IVR)') : '';
    const fields = Object.entries(call.fields).map(([name, value]) => `${fieldLabels[name]?.[zh ? 'zh' : 'en'] ?? name}${zh ? '：' : ': '}${value}`);
    const parts = zh
      ? [`来电意图：${label}${source}。`, fields.length > 0 ? `${fields.join('；')}。` : '', call.operations.length > 0 ? `敏感业务：${call.operations.join('、')}。` : '', call.alerts.length > 0 ? `风险提示：${call.alerts.join('、')}。` : '', `客户发言${call.customerSegments}段，坐席发言${call.agentSegments}段。`]
      : [`Intent: ${label}${source}.`, fields.length > 0 ? `${fields.join('; ')}.` : '', call.operations.length > 0 ? `Sensitive operations: ${call.operations.join(', ')}.` : '', call.alerts.length > 0 ? `Risk alerts: ${call.alerts.join(', ')}.` : '', `${call.customerSegments} customer and ${call.agentSegments} agent segments.`];
    return parts.filter(Boolean).join(zh ? '' : ' ');
  }

  return {
    initialState: () => ({ calls: new Map() }),
    decide(event: AnyLedgerEvent, state): readonly Decision[] {
      const interactionId = event.metadata.interactionId;
      if (!interactionId) return [];
      switch (event.type) {
        case 'IvrInputReceived': {
          const intent = normaliseIntent(event.data.intent);
          const call = remember(callOf(state, interactionId), event);
          if (intent && !call.ivrIntent) call.ivrIntent = intent;
          return [];
        }
        case 'TranscriptSegmentRecognized': return onSegment(state, event, interactionId);
        case 'SensitiveOperationRequested':
          remember(callOf(state, interactionId), event).operations.push(event.data.kind);
          return [];
        case 'RiskAlertRaised': {
          const call = remember(callOf(state, interactionId), event);
          if (!call.alerts.includes(event.data.ruleId)) call.alerts.push(event.data.ruleId);
          return [];
        }
        case 'InteractionEnded': {
          const call = state.calls.get(interactionId);
          state.calls.delete(interactionId);
          if (!call) return [];
          // The summary is personal data: it belongs to whoever the call's events named, else (a
          // caller never identified, whose events name no one) to the interaction itself.
          const subject = call.dataSubject ?? event.metadata.dataSubject ?? `interaction:${interactionId}`;
          const outputs: Decision[] = [];
          if (call.pending.length > 0 && absorb(call, call.pending)) outputs.push(ticket(call, subject));
          const intent = intentOf(call);
          outputs.push(withSubject(decision('SummaryGenerated', {
            summary: summaryText(call), intent, language: call.language, modelVersion: extractorVersion, segmentsUsed: call.customerSegments + call.agentSegments,
            questions: [...call.questions].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([category, count]) => ({ category, count })), questionTaxonomy: questionTaxonomyVersion,
          }), subject));
          return outputs;
        }
        default:
          return [];
      }
    },
  };
}
