import { expect } from 'chai';
import { CallScript } from '../testing/builders.ts';
import { interleave, projectionSpec, type MemoryTables } from '../testing/projection-spec.ts';
import { ivrFunnelLogic, MAX_PATH_NODES } from './ivr-funnel.projection.ts';
import { ivrFunnelReadModel } from './ivr-funnel.read-model.ts';
import { medianOf, OPEN_TIME_BUCKET, timeBucketOf } from './time-in-node.ts';

const model = { logic: ivrFunnelLogic({ timeZone: 'Asia/Shanghai' }), tables: ivrFunnelReadModel().tables };
const spec = projectionSpec(model);
const t0 = Date.UTC(2026, 10, 26, 2, 0, 0); // 2026-11-26 10:00 Asia/Shanghai
const s = (seconds: number) => t0 + seconds * 1000;
const day26 = { local_day: '2026-11-26', day_start: Date.UTC(2026, 10, 25, 16), day_end: Date.UTC(2026, 10, 26, 16) };

function node(tables: MemoryTables, nodeId: string, day = day26): Record<string, unknown> {
  const row = tables.row('nodes', { ...day, flow_id: 'main', node_id: nodeId });
  if (!row) throw new Error(`no row for node ${nodeId} on ${day.local_day}`);
  const { local_day: _d, day_start: _s, day_end: _e, flow_id: _f, node_id: _n, ...counters } = row;
  return counters;
}

function times(tables: MemoryTables, nodeId: string): [number, number][] {
  return tables.rows('node_time').filter((r) => r.node_id === nodeId).map((r) => [r.upper_ms as number, r.visits as number]);
}

function paths(tables: MemoryTables): [string, string, string, string, number][] {
  return tables.rows('abandon_paths').map((r) => [r.local_day as string, r.path as string, r.ivr_exit as string, r.abandoned_in as string, r.calls as number]);
}

describe('IVR funnel projection', () => {
  describe('when a caller walks root → cards → card loss and is put through to an agent', () => {
    it('counts an entry and an exit per node, the time in each, and no abandonment path', () => {
      const call = new CallScript('ix-1').started(s(0)).ivrNode(s(1), 'root', { label: '主菜单' }).ivrInput(s(9), 'root', 'MATCHED', { selectedOption: '2' })
        .ivrNode(s(10), 'cards', { depth: 1, previousNodeId: 'root' }).ivrNode(s(25), 'card-loss', { depth: 2 }).ivrExited(s(28), 'TO_AGENT')
        .queued(s(28), 'cards').answered(s(40), 'ag-1').ended(s(200));
      spec.given(call.events).when().then((tables) => {
        expect(node(tables, 'root')).to.deep.equal({ entries: 1, exits_next: 1, time_ms: 9_000, timed_visits: 1 });
        expect(node(tables, 'cards')).to.deep.equal({ entries: 1, exits_next: 1, time_ms: 15_000, timed_visits: 1 });
        expect(node(tables, 'card-loss')).to.deep.equal({ entries: 1, exits_to_agent: 1, time_ms: 3_000, timed_visits: 1 });
        expect(times(tables, 'root')).to.deep.equal([[9_000, 1]]);
        expect(tables.rows('node_labels').map((r) => [r.node_id, r.node_label, r.depth])).to.deep.equal([['card-loss', null, 2], ['cards', null, 1], ['root', '主菜单', 0]]);
        expect(paths(tables)).to.deep.equal([]);
      });
    });
  });

  describe('when a caller zeros out (asks for a human)', () => {
    it('counts a zero-out at the node, and the path when the caller then abandons in the queue', () => {
      const zeroThenAbandon = new CallScript('ix-z').ivrNode(s(0), 'root').ivrNode(s(5), 'accounts').ivrExited(s(12), 'ZERO_OUT')
        .queued(s(12), 'general').abandoned(s(70), 'QUEUE', 58_000).ended(s(70));
      const zeroThenServed = new CallScript('ix-y').ivrNode(s(0), 'root').ivrExited(s(4), 'ZERO_OUT').queued(s(4), 'general').answered(s(20), 'ag-1').ended(s(80));
      spec.given(zeroThenAbandon.events, zeroThenServed.events).when().then((tables) => {
        expect(node(tables, 'root')).to.deep.equal({ entries: 2, exits_next: 1, exits_zero_out: 1, time_ms: 9_000, timed_visits: 2 });
        expect(node(tables, 'accounts')).to.deep.equal({ entries: 1, exits_zero_out: 1, time_ms: 7_000, timed_visits: 1 });
        expect(paths(tables)).to.deep.equal([['2026-11-26', 'root > accounts', 'ZERO_OUT', 'QUEUE', 1]]);
      });
    });
  });

  describe('when a caller hangs up in the IVR', () => {
    it('counts the hang-up at the node and the path once, whether IvrExited, InteractionAbandoned or only InteractionEnded says so', () => {
      const exited = new CallScript('ix-h1').ivrNode(s(0), 'root').ivrNode(s(6), 'loans').ivrExited(s(30), 'HANG_UP').abandoned(s(30), 'IVR', 30_000).ended(s(30));
      const abandoned = new CallScript('ix-h2').ivrNode(s(0), 'root').ivrNode(s(8), 'loans').abandoned(s(20), 'IVR', 20_000).ended(s(20));
      const ended = new CallScript('ix-h3').ivrNode(s(0), 'root').ivrNode(s(7), 'loans').ended(s(9));
      spec.given(exited.events, abandoned.events, ended.events).when().then((tables) => {
        expect(node(tables, 'loans')).to.deep.equal({ entries: 3, exits_hang_up: 3, time_ms: 24_000 + 12_000 + 2_000, timed_visits: 3 });
        expect(paths(tables)).to.deep.equal([['2026-11-26', 'root > loans', 'HANG_UP', 'IVR', 3]]);
        expect(medianOf(new Map(times(tables, 'loans')))).to.equal(11_500); // 2 s, 12 s, 24 s: inside the (11 s, 12 s] bucket
      });
    });
  });

  describe('when input fails at a node', () => {
    it('counts each failed input, and an error exit after a failed input as input failed', () => {
      const call = new CallScript('ix-f').ivrNode(s(0), 'root').ivrInput(s(5), 'root', 'NO_INPUT').ivrInput(s(10), 'root', 'NO_MATCH', { attempt: 2 })
        .ivrExited(s(12), 'ERROR').queued(s(12), 'general').answered(s(30), 'ag-1');
      const other = new CallScript('ix-o').ivrNode(s(0), 'root').ivrInput(s(3), 'root', 'NO_MATCH').ivrInput(s(6), 'root', 'MATCHED', { attempt: 2 }).ivrExited(s(7), 'OTHER');
      spec.given(call.events, other.events).when().then((tables) => {
        expect(node(tables, 'root')).to.deep.equal({ entries: 2, input_failures: 3, exits_input_failed: 1, exits_other: 1, time_ms: 19_000, timed_visits: 2 });
        expect(paths(tables)).to.deep.equal([]);
      });
    });
  });

  describe('self-service', () => {
    it('counts a completed self-service at the node, and no path when the call then ends', () => {
      const call = new CallScript('ix-s').ivrNode(s(0), 'root').ivrNode(s(4), 'balance').ivrExited(s(40), 'SELF_SERVICE_DONE').ended(s(41));
      spec.given(call.events).when().then((tables) => {
        expect(node(tables, 'balance')).to.deep.equal({ entries: 1, exits_self_service: 1, time_ms: 36_000, timed_visits: 1 });
        expect(paths(tables)).to.deep.equal([]);
      });
    });
  });

  describe('when a call crosses local midnight', () => {
    it('counts each node visit on the day it was entered and the path on the day the call entered the IVR', () => {
      const midnight = Date.UTC(2026, 10, 26, 16, 0, 0); // 2026-11-27 00:00 in Shanghai
      const call = new CallScript('ix-m').ivrNode(midnight - 10_000, 'root').ivrNode(midnight + 5_000, 'cards').ivrExited(midnight + 9_000, 'TO_AGENT')
        .queued(midnight + 9_000, 'cards').abandoned(midnight + 60_000, 'QUEUE', 51_000);
      const day27 = { local_day: '2026-11-27', day_start: midnight, day_end: midnight + 86_400_000 };
      spec.given(call.events).when().then((tables) => {
        expect(node(tables, 'root')).to.deep.equal({ entries: 1, exits_next: 1, time_ms: 15_000, timed_visits: 1 });
        expect(node(tables, 'cards', day27)).to.deep.equal({ entries: 1, exits_to_agent: 1, time_ms: 4_000, timed_visits: 1 });
        expect(tables.rows('nodes').map((r) => [r.local_day, r.node_id])).to.deep.equal([['2026-11-26', 'root'], ['2026-11-27', 'cards']]);
        expect(paths(tables)).to.deep.equal([['2026-11-26', 'root > cards', 'TO_AGENT', 'QUEUE', 1]]);
      });
    });
  });

  describe('when events of different interactions arrive in another order, with duplicates', () => {
    it('ends with the same rows', () => {
      const calls = Array.from({ length: 8 }, (_, i) => {
        const c = new CallScript(`ix-${i}`).started(s(i * 30)).ivrNode(s(i * 30 + 1), 'root').ivrInput(s(i * 30 + 4 + i), 'root', i % 3 ? 'MATCHED' : 'NO_MATCH');
        if (i % 4 === 0) return c.abandoned(s(i * 30 + 9), 'IVR', 9_000).events;
        c.ivrNode(s(i * 30 + 5 + i), i % 2 ? 'cards' : 'loans').ivrExited(s(i * 30 + 20), i % 3 ? 'TO_AGENT' : 'ZERO_OUT').queued(s(i * 30 + 20), 'cards');
        return (i % 2 ? c.abandoned(s(i * 30 + 50), 'RINGING', 30_000) : c.answered(s(i * 30 + 40), `ag-${i}`)).events;
      });
      let expected: unknown;
      spec.given(calls.flat()).when().then((tables) => (expected = [tables.rows('nodes'), tables.rows('node_time'), tables.rows('abandon_paths')]));
      expect((expected as unknown[][])[2]).to.have.length.greaterThan(0);
      const shuffled = interleave(calls, (i) => (i * 13) % 5);
      spec.given(shuffled).when(shuffled.filter((_, i) => i % 4 === 1)).then((tables) => expect([tables.rows('nodes'), tables.rows('node_time'), tables.rows('abandon_paths')]).to.deep.equal(expected));
    });
  });

  describe('a call that loops through the menu', () => {
    it('keeps repeated nodes in its path and cuts a path longer than the limit', () => {
      const loop = new CallScript('ix-l');
      for (let i = 0; i < MAX_PATH_NODES + 3; i += 1) loop.ivrNode(s(i * 2), i % 2 ? 'help' : 'root');
      loop.abandoned(s(100), 'IVR', 100_000);
      spec.given(loop.events).when().then((tables) => {
        const [path] = paths(tables);
        expect(path[1].split(' > ')).to.have.length(MAX_PATH_NODES + 1);
        expect(path[1]).to.match(/^root > help > root > .* > …$/);
        expect(node(tables, 'root').entries).to.equal(Math.ceil((MAX_PATH_NODES + 3) / 2));
      });
    });
  });

  describe('time buckets and the median', () => {
    it('are inclusive upper bounds with an open last bucket; the median is interpolated within its bucket', () => {
      expect([timeBucketOf(0), timeBucketOf(1_000), timeBucketOf(1_001), timeBucketOf(31_000), timeBucketOf(1_800_000), timeBucketOf(1_800_001)]).to.deep.equal([1_000, 1_000, 2_000, 35_000, 1_800_000, OPEN_TIME_BUCKET]);
      expect(medianOf(new Map())).to.equal(null);
      expect(medianOf(new Map([[10_000, 4]]))).to.equal(9_500);
      expect(medianOf(new Map([[2_000, 1], [60_000, 3]]))).to.equal(56_667);
      expect(medianOf(new Map([[OPEN_TIME_BUCKET, 2]]))).to.equal(1_800_000);
    });
  });
});
