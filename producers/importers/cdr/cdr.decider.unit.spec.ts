import { expect } from 'chai';
import { deciderSpec } from '../../../test/support/decider-spec.ts';
import { legacyCallerSubject, legacyInteractionId } from '../legacy-events.ts';
import { CdrMappingError, compileFormat, validateCdrMapping, zonedEpochMs, type CdrMapping } from './cdr-mapping.ts';
import { cdrDecider, compileCdrMapping } from './cdr.decider.ts';

const header = ['CALL_ID', 'CALL_DATE', 'ANI', 'CUST_NO', 'SEGMENT', 'SERVICE_TYPE', 'IVR_IN', 'IVR_OUT', 'Q_IN', 'Q_OUT', 'SVC_START', 'SVC_END', 'RESULT', 'AGENT_ID', 'CALL_TYPE'];
const mapping: CdrMapping = validateCdrMapping({
  version: 1,
  timeZone: 'Asia/Shanghai',
  absent: ['', 'NULL'],
  timeAbsent: ['0:00:00'],
  dateFormat: 'YYYY/MM/DD',
  timeFormat: 'H:mm:ss',
  fields: {
    callId: { column: 'CALL_ID' },
    callerNumber: { column: 'ANI' },
    customerId: { column: 'CUST_NO', absent: ['0'] },
    tier: { column: 'SEGMENT', map: { V: 'VIP', N: 'STANDARD' }, unmapped: 'default', default: 'UNKNOWN' },
    queue: { column: 'SERVICE_TYPE', map: { '01': 'cards', '02': 'loans' }, unmapped: 'reject' },
    agent: { column: 'AGENT_ID' },
    outcome: { column: 'RESULT', map: { '1': 'ANSWERED', '2': 'ABANDONED', '3': 'SELF_SERVICE' }, unmapped: 'reject' },
  },
  times: {
    ivrEntry: { date: 'CALL_DATE', time: 'IVR_IN' }, ivrExit: { date: 'CALL_DATE', time: 'IVR_OUT' },
    queueEntry: { date: 'CALL_DATE', time: 'Q_IN' }, queueExit: { date: 'CALL_DATE', time: 'Q_OUT' },
    serviceStart: { date: 'CALL_DATE', time: 'SVC_START' }, serviceEnd: { date: 'CALL_DATE', time: 'SVC_END' },
  },
  exclude: [{ column: 'CALL_TYPE', in: ['TEST'], reason: 'test calls' }],
});
const decider = cdrDecider({ source: 'cdr', site: 'legacy', subjectSalt: '' }, compileCdrMapping(mapping, header));
const spec = deciderSpec(decider);
const local = (hms: string, day = 15) => Date.parse(`2026-01-${day}T${hms}+08:00`);
let line = 1;
const row = (values: Record<string, string>) => {
  const base: Record<string, string> = {
    CALL_ID: 'C1', CALL_DATE: '2026/01/15', ANI: '13800000001', CUST_NO: '0', SEGMENT: 'N', SERVICE_TYPE: '01', IVR_IN: '9:00:00', IVR_OUT: '9:00:30',
    Q_IN: '9:00:30', Q_OUT: '9:00:42', SVC_START: '9:00:42', SVC_END: '9:05:42', RESULT: '1', AGENT_ID: 'A01', CALL_TYPE: 'IN',
  };
  return { lineNo: ++line, values: header.map((h) => values[h] ?? base[h]) };
};
const ix = legacyInteractionId('cdr', 'C1');

describe('CDR mapping', () => {
  it('names the field of a mapping error', () => {
    const attempt = (value: unknown) => () => validateCdrMapping(value);
    expect(attempt({ version: 1, fields: {}, times: {} })).to.throw(CdrMappingError, "mapping: fields: must have required property 'callId'");
    expect(attempt({ version: 1, fields: { callId: { colum: 'X' } }, times: {} })).to.throw(CdrMappingError, "mapping: fields.callId: must have required property 'column'");
    expect(attempt({ ...mapping, fields: { ...mapping.fields, tier: { column: 'S', map: { V: 'GOLD' } } } })).to.throw(CdrMappingError, 'mapping: fields.tier.map.V: must be one of VIP, PRIORITY, STANDARD, UNKNOWN');
    expect(attempt({ ...mapping, times: { queueEntry: { column: 'Q' } }, format: undefined })).to.throw(CdrMappingError, 'mapping: times.queueEntry.format: is required');
    expect(attempt({ ...mapping, timeFormat: 'hh-nn' })).to.throw(CdrMappingError, /mapping: times\.ivrEntry: format 'hh-nn' has no date or time tokens/);
    expect(attempt({ ...mapping, timeZone: 'Mars/Olympus' })).to.throw(CdrMappingError, "mapping: timeZone: 'Mars/Olympus' is not an IANA time zone");
    expect(attempt({ ...mapping, fields: { ...mapping.fields, unmapped: 'x' } })).to.throw(CdrMappingError, /fields: must NOT have additional properties 'unmapped'/);
  });

  it('names the missing column when the header does not have it', () => {
    expect(() => compileCdrMapping(mapping, header.filter((h) => h !== 'Q_IN'))).to.throw(CdrMappingError, "mapping: times.queueEntry.time: column 'Q_IN' is not in the file");
  });

  it('parses formats and local times (IANA zones and fixed offsets)', () => {
    expect(compileFormat('YYYY-MM-DD HH:mm:ss.SSS')('2026-01-15 09:00:42.250')).to.deep.equal({ year: 2026, month: 1, day: 15, hour: 9, minute: 0, second: 42, millisecond: 250 });
    expect(compileFormat('DD.MM.YY')('15.01.26')).to.deep.equal({ day: 15, month: 1, year: 2026 });
    expect(compileFormat('epoch')('1768438842')).to.deep.equal({ epochMs: 1_768_438_842_000 });
    expect(compileFormat('H:mm:ss')('9:0:42')).to.equal(null);
    const parts = { year: 2026, month: 7, day: 1, hour: 9, minute: 0, second: 0, millisecond: 0 };
    expect(zonedEpochMs(parts, 'Asia/Shanghai')).to.equal(Date.parse('2026-07-01T09:00:00+08:00'));
    expect(zonedEpochMs(parts, 'Europe/London')).to.equal(Date.parse('2026-07-01T09:00:00+01:00'));
    expect(zonedEpochMs({ ...parts, month: 1 }, 'Europe/London')).to.equal(Date.parse('2026-01-01T09:00:00Z'));
    expect(zonedEpochMs(parts, '-05:30')).to.equal(Date.parse('2026-07-01T09:00:00-05:30'));
  });
});

describe('CDR decider', () => {
  describe('when a call was answered', () => {
    it('gives start, IVR, queue entry, answer (wait from the times) and end, at local times', () => {
      spec.given([]).when(row({})).then([
        { type: 'InteractionStarted', metadata: { occurredAt: local('09:00:00'), sourceSystem: 'legacy:cdr', interactionId: ix, dataSubject: legacyCallerSubject('13800000001') }, data: { callerNumber: '13800000001', externalCallId: 'C1' } },
        { type: 'IvrNodeEntered', metadata: { occurredAt: local('09:00:00') }, data: { flowId: 'legacy:cdr', nodeId: 'legacy-ivr', depth: 0 } },
        { type: 'IvrExited', metadata: { occurredAt: local('09:00:30') }, data: { reason: 'TO_AGENT', durationMs: 30_000 } },
        { type: 'QueueEntered', metadata: { occurredAt: local('09:00:30') }, data: { visitId: `${ix}/visit-1`, queueId: 'cards', tier: 'STANDARD' } },
        { type: 'InteractionAnswered', metadata: { occurredAt: local('09:00:42') }, data: { agentId: 'A01', queueId: 'cards', queueWaitMs: 12_000 } },
        { type: 'InteractionEnded', metadata: { occurredAt: local('09:05:42') }, data: { durationMs: 342_000, agentId: 'A01' } },
      ]);
    });

    it('identifies the customer (their data subject) when the export names one', () => {
      spec.given([]).when(row({ CUST_NO: '100001', SEGMENT: 'V' })).then([
        { type: 'InteractionStarted', metadata: { dataSubject: 'customer:100001' } },
        { type: 'CustomerIdentified', data: { customerId: '100001', tier: 'VIP' } },
        { type: 'IvrNodeEntered' }, { type: 'IvrExited' }, { type: 'QueueEntered', data: { tier: 'VIP' } }, { type: 'InteractionAnswered' }, { type: 'InteractionEnded' },
      ]);
    });

    it('rolls times past midnight onto the next day', () => {
      spec.given([]).when(row({ IVR_IN: '23:59:50', IVR_OUT: '23:59:58', Q_IN: '23:59:58', Q_OUT: '0:00:03', SVC_START: '0:00:03', SVC_END: '0:02:03' })).thenCheck((events) => {
        const answered = events.find((e) => e.type === 'InteractionAnswered')!;
        expect(answered.metadata.occurredAt).to.equal(local('00:00:03', 16));
        expect(answered.data).to.include({ queueWaitMs: 5000 });
      });
    });
  });

  describe('sentinels, outcomes and exclusions', () => {
    it('treats 0:00:00 and NULL as absent: abandoned in the queue at the queue exit', () => {
      spec.given([]).when(row({ SVC_START: '0:00:00', SVC_END: '0:00:00', RESULT: '2', AGENT_ID: 'NULL', Q_OUT: '9:00:50' })).then([
        { type: 'InteractionStarted' }, { type: 'IvrNodeEntered' }, { type: 'IvrExited', data: { reason: 'TO_AGENT' } }, { type: 'QueueEntered' },
        { type: 'InteractionAbandoned', metadata: { occurredAt: local('09:00:50') }, data: { stage: 'QUEUE', waitedMs: 20_000, queueId: 'cards' } },
        { type: 'InteractionEnded', data: { endedBy: 'CUSTOMER', agentId: null } },
      ]);
    });

    it('a self-service call ends in the IVR', () => {
      spec.given([]).when(row({ SERVICE_TYPE: '', Q_IN: '0:00:00', Q_OUT: '0:00:00', SVC_START: '0:00:00', SVC_END: '0:00:00', RESULT: '3', AGENT_ID: '' })).then([
        { type: 'InteractionStarted' }, { type: 'IvrNodeEntered' }, { type: 'IvrExited', data: { reason: 'SELF_SERVICE_DONE' } },
        { type: 'InteractionEnded', metadata: { occurredAt: local('09:00:30') } },
      ]);
    });

    it('a caller who hangs up in the IVR is an IVR abandon', () => {
      spec.given([]).when(row({ SERVICE_TYPE: '', Q_IN: '0:00:00', Q_OUT: '0:00:00', SVC_START: '0:00:00', SVC_END: '0:00:00', RESULT: '2', AGENT_ID: '' })).then([
        { type: 'InteractionStarted' }, { type: 'IvrNodeEntered' }, { type: 'IvrExited', data: { reason: 'HANG_UP' } },
        { type: 'InteractionAbandoned', data: { stage: 'IVR', waitedMs: 30_000 } }, { type: 'InteractionEnded' },
      ]);
    });

    it('leaves out rows the mapping excludes, counting them by reason', () => {
      spec.given([]).when(row({ CALL_TYPE: 'TEST' })).thenCheck((events, state) => {
        expect(events).to.deep.equal([]);
        expect([...state.excludedBy]).to.deep.equal([['test calls', 1]]);
      });
    });
  });

  describe('rows it rejects (with the field)', () => {
    it('an unmapped service type when the map says reject', () => spec.given([]).when(row({ SERVICE_TYPE: '99' })).thenRejects(/^queue: '99' is not in the mapping's value map$/));
    it('an answered call with no agent', () => spec.given([]).when(row({ AGENT_ID: 'NULL' })).thenRejects(/^agent: absent on an answered call$/));
    it('a time that does not match its format', () => spec.given([]).when(row({ Q_IN: '9h00' })).thenRejects(/^queueEntry: '9h00' does not match the time format 'H:mm:ss'$/));
    it('times out of order', () => spec.given([]).when(row({ SVC_END: '9:00:41' })).thenRejects(/^times: serviceEnd is before serviceStart$/));
    it('no call id', () => spec.given([]).when(row({ CALL_ID: '' })).thenRejects(/^callId: absent$/));
  });

  it('gives the same ids for the same row, different ids for another line', () => {
    const a = row({});
    const ids = (r: typeof a) => decider.decide(r, decider.initialState()).map((e) => e.metadata.eventId);
    expect(ids(a)).to.deep.equal(ids(a));
    expect(ids({ ...a, lineNo: a.lineNo + 1 })[0]).to.not.equal(ids(a)[0]);
  });
});
