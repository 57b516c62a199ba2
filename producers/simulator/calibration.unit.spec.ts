// A simulated weekday of the default scenario, through the product's own routing decider, falls in
// the ranges of the published analysis of a bank call centre's 1999 records (docs/simulator.md).
// Statistical checks with generous bounds: they hold for any seed, and fail if the model drifts.
import { expect } from 'chai';
import { simulateOffline, type OfflineDay } from './offline-day.ts';
import { fileURLToPath } from 'node:url';
import { loadScenario } from './scenario.ts';
import { shippedScenarios } from './scenario-files.ts';

describe('bank-day scenario calibration', function () {
  this.timeout(60_000);
  let day: OfflineDay;
  before(() => {
    // Monday 2026-11-23, midnight to midnight in Shanghai.
    day = simulateOffline(loadScenario(fileURLToPath(shippedScenarios['bank-day'])), { seed: 1999, start: Date.UTC(2026, 10, 22, 16, 0), site: 'sh', runTag: 'cal' }, 86_400_000);
  });

  it('routing accepts every input the simulator produces', () => {
    expect(day.routingRejections).to.equal(0);
  });

  it('abandons 15–20% of queued calls (bounds 12–22%)', () => {
    expect(day.statistics.abandonRate).to.be.within(0.12, 0.22);
  });

  it('abandons far fewer high-priority than lowest-tier callers (about 14% against 46%)', () => {
    const { PRIORITY, UNKNOWN } = day.statistics.byTier;
    expect(PRIORITY?.abandonRate).to.be.within(0.04, 0.18);
    expect(UNKNOWN?.abandonRate).to.be.within(0.3, 0.6);
  });

  it('has high-priority customers about half of those queued', () => {
    expect(day.statistics.highPriorityShareOfQueued).to.be.within(0.4, 0.6);
  });

  it('serves calls in about 190 s on average, about 7% in under 10 s', () => {
    expect(day.statistics.service.meanSeconds).to.be.within(170, 215);
    expect(day.statistics.service.shareUnder10s).to.be.within(0.05, 0.09);
  });

  it('spreads mean service time by type from about 110 s to 420 s', () => {
    const { meanByQueue } = day.statistics.service;
    expect(meanByQueue.retail).to.be.within(120, 200);
    expect(meanByQueue.securities).to.be.within(300, 450);
  });

  it('shows the spike of hang-ups just after the 60 s position announcement', () => {
    const { abandonsAt60To70sShare, abandonsAt50To60sShare } = day.statistics.patience;
    expect(abandonsAt60To70sShare).to.be.greaterThan(2 * abandonsAt50To60sShare);
  });

  it('peaks mid-morning and again after lunch', () => {
    const hours = day.statistics.arrivalsByLocalHour;
    expect(hours[10]).to.be.greaterThan(hours[12]);
    expect(hours[14]).to.be.greaterThan(hours[12]);
    expect(hours[3]).to.be.lessThan(hours[10] / 10);
  });

  it('has transfers, conferences, voiceprint mismatches and transcripts', () => {
    const s = day.statistics;
    expect(s.transfers).to.be.greaterThan(0);
    expect(s.conferences).to.be.greaterThan(0);
    expect(s.voiceprintMismatches).to.be.greaterThan(0);
    expect(s.transcriptSegments).to.be.greaterThan(s.answered);
  });
});
