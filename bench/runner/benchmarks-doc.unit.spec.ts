import { expect } from 'chai';
import { endMarker, renderRun, startMarker, withGeneratedSection } from './benchmarks-doc.ts';

const handWritten = '# Benchmarks\n\nIntro.\n\n## Codec\n\nAnalysis that must stay.\n';

describe('docs/BENCHMARKS.md generated section', () => {
  it('is inserted after the introduction the first time, keeping every hand-written line', () => {
    const updated = withGeneratedSection(handWritten, 'RUN 1');
    expect(updated).to.equal(`# Benchmarks\n\nIntro.\n\n${startMarker}\nRUN 1\n${endMarker}\n\n## Codec\n\nAnalysis that must stay.\n`);
  });

  it('replaces only what is between the markers on the next run', () => {
    const updated = withGeneratedSection(withGeneratedSection(handWritten, 'RUN 1'), 'RUN 2');
    expect(updated).to.not.include('RUN 1');
    expect(updated).to.include(`${startMarker}\nRUN 2\n${endMarker}`);
    expect(updated.replace(`${startMarker}\nRUN 2\n${endMarker}\n\n`, '')).to.equal(handWritten);
  });

  it('renders targets with their outcome and the raw limit, and every figure of every bench', () => {
    const text = renderRun({
      date: '2026-11-26', command: 'npm run bench', machine: '2 vCPU',
      targets: [{ target: 'ingest ≥ 20,000 events/s', measured: '2,221 events/s', limit: 'raw kafkajs: 7,785 events/s', outcome: 'fail' }],
      benches: [
        { name: 'log', command: 'node bench/log.bench.ts', date: '2026-11-26T14:00:00Z', seconds: 12, exitCode: 0, loadAverageBefore: [1, 2, 3], figures: [{ bench: 'log', adapter: 'raw-kafkajs', figure: 'append', eventsPerSecond: 50_000, events: 1000 }] },
        { name: 'broken', command: 'node bench/broken.bench.ts', date: '2026-11-26T14:01:00Z', seconds: 1, exitCode: 1, loadAverageBefore: [1, 1, 1], figures: [] },
      ],
    });
    expect(text).to.include('| ingest ≥ 20,000 events/s | 2,221 events/s | raw kafkajs: 7,785 events/s | **FAIL** |');
    expect(text).to.include('| raw-kafkajs: append | eventsPerSecond 50,000<br>{"events":1000} |');
    expect(text).to.include('exit code 1');
  });
});
