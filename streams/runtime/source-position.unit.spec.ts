import { expect } from 'chai';
import { RepeatFilter, SourceMarks, sourceHeader, sourceHeaderValue, sourcePositionOf } from './source-position.ts';

const at = (group: string, partition: number, offset: number, index = 0) => ({ [sourceHeader]: sourceHeaderValue(group, 'ledger.interactions', partition, offset, index) });

describe('source positions of processor outputs', function () {
  it('round-trip through the header', function () {
    expect(sourcePositionOf(at('streams.routing', 3, 41, 2))).to.deep.equal({ stream: 'streams.routing|ledger.interactions|3', offset: 41, index: 2 });
  });

  it('are absent from records no processor wrote, and from malformed headers', function () {
    expect(sourcePositionOf({})).to.equal(undefined);
    expect(sourcePositionOf({ [sourceHeader]: 'g|t|1|x|0' })).to.equal(undefined);
    expect(sourcePositionOf({ [sourceHeader]: 'g|t|1' })).to.equal(undefined);
  });

  describe('given outputs of a writer that crashed after appending and before its checkpoint', function () {
    // The writer appended the outputs of offsets 10, 11 (two outputs) and 12, crashed, and decided 11.. again.
    const appended = [at('w', 0, 10), at('w', 0, 11, 0), at('w', 0, 11, 1), at('w', 0, 12), at('w', 0, 11, 0), at('w', 0, 11, 1), at('w', 0, 12), at('w', 0, 13)];

    it('when a consumer reads them, then only the repeats are seen before', function () {
      const marks = new SourceMarks();
      expect(appended.map((headers) => marks.seenBefore(headers))).to.deep.equal([false, false, false, false, true, true, true, false]);
    });

    it('when the consumer restarts from its snapshot in the middle, then it drops the same ones', function () {
      const first = new SourceMarks();
      const before = appended.slice(0, 5).map((headers) => first.seenBefore(headers));
      const restored = new SourceMarks(JSON.parse(JSON.stringify(first.toJSON())) as [string, number, number][]);
      const after = appended.slice(5).map((headers) => restored.seenBefore(headers));
      expect([...before, ...after]).to.deep.equal([false, false, false, false, true, true, true, false]);
    });
  });

  it('keeps writers and their input partitions apart', function () {
    const marks = new SourceMarks();
    expect(marks.seenBefore(at('w', 0, 50))).to.equal(false);
    expect(marks.seenBefore(at('w', 1, 3))).to.equal(false);
    expect(marks.seenBefore(at('other', 0, 3))).to.equal(false);
    expect(marks.seenBefore(at('w', 0, 49))).to.equal(true);
  });

  it('never drops records without a position (producers outside the stream processors)', function () {
    const marks = new SourceMarks();
    expect([marks.seenBefore({}), marks.seenBefore({})]).to.deep.equal([false, false]);
  });
});

describe('a repeat filter over whole topics', function () {
  it('keeps the partitions of a topic apart', function () {
    const filter = new RepeatFilter();
    const record = (partition: number, offset: number) => ({ topic: 'ledger.interactions', partition, headers: at('w', 0, offset) });
    expect([record(0, 5), record(1, 3), record(0, 5), record(1, 3), record(1, 4)].map((r) => filter.isRepeat(r))).to.deep.equal([false, false, true, true, false]);
  });
});
