import { describe, expect, it } from 'vitest';
import { memoryLogger } from '../logging/logger.ts';
import { createQueueGate, RATE_LIMIT_STEP_MAX_MS } from './queue-gate.ts';
import { manualClock } from './test-support/manual-clock.ts';
import { createSharedTimer } from './shared-timer.ts';

/** Lets the probes' promises settle between two moves of the manual clock. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

function gateWith(time: ReturnType<typeof manualClock>) {
  const log: string[] = [];
  const answers = { network: [] as (boolean | 'hang' | 'throw')[], storage: [] as boolean[] };
  const probe = (kind: 'network' | 'storage') => () => {
    log.push(`${kind}-probe@${time.now()}`);
    const next = answers[kind].shift() ?? false;
    if (next === 'hang') return new Promise<boolean>(() => undefined);
    if (next === 'throw') return Promise.reject(new Error('probe blew up'));
    return Promise.resolve(next);
  };
  const gate = createQueueGate({
    now: time.now,
    random: () => 0.5,
    timer: createSharedTimer(time.now, time.timers),
    network: undefined,
    logger: memoryLogger(),
    onChange: () => undefined,
    onOpen: () => log.push(`open@${time.now()}`),
    probeNetwork: probe('network'),
    probeStorage: probe('storage'),
  });
  const probes = (kind: 'network' | 'storage') => log.filter((l) => l.startsWith(`${kind}-probe`)).length;
  return { gate, log, answers, probes };
}

describe('queue gate', () => {
  it('holds submits for at least Retry-After, lets polls through meanwhile, then opens by itself', () => {
    const time = manualClock();
    const { gate, log } = gateWith(time);
    gate.rateLimited(3000);
    expect(gate.status()).toMatchObject({ state: 'paused', reason: 'rate_limited' });
    expect(gate.status().resumeAt).toBeGreaterThanOrEqual(3000);
    expect(gate.mayPoll()).toBe(true);
    time.advance(2999);
    expect(gate.maySubmit()).toBe(false);
    time.advance(2000);
    expect(gate.maySubmit()).toBe(true);
    expect(log).toEqual([expect.stringMatching(/^open@/)]);
  });

  it('caps one rate-limit pause at two minutes however long Retry-After asks (4000 s, a date in 2100)', () => {
    const time = manualClock();
    const { gate } = gateWith(time);
    const in2100 = Date.parse('2100-01-01T00:00:00Z') - Date.now();
    for (const asked of [4_000_000, in2100]) {
      gate.rateLimited(asked);
      expect((gate.status().resumeAt ?? 0) - time.now()).toBeLessThanOrEqual(RATE_LIMIT_STEP_MAX_MS);
      expect(gate.mayPoll()).toBe(true);
      time.advance(RATE_LIMIT_STEP_MAX_MS);
      expect(gate.maySubmit()).toBe(true);
    }
  });

  it('backs off further on each 429 in a row without Retry-After, and forgets after a success', () => {
    const time = manualClock();
    const { gate } = gateWith(time);
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      gate.rateLimited(undefined);
      waits.push((gate.status().resumeAt ?? 0) - time.now());
      time.advance(RATE_LIMIT_STEP_MAX_MS);
    }
    expect(waits[3]).toBeGreaterThan(waits[0] ?? 0);
    gate.succeeded();
    gate.rateLimited(undefined);
    expect((gate.status().resumeAt ?? 0) - time.now()).toBe(waits[0]);
  });

  it('goes offline after three failures with no answer, and keeps probing with growing gaps whatever the probes do', async () => {
    const time = manualClock();
    const { gate, answers, probes } = gateWith(time);
    gate.networkFailed();
    gate.networkFailed();
    expect(gate.maySubmit()).toBe(true);
    gate.networkFailed();
    expect(gate.status().reason).toBe('offline');
    expect(gate.mayPoll()).toBe(false);
    // No answer, an error, a probe that never settles: none of them may end the loop.
    answers.network.push(false, 'throw', 'hang', false, false);
    const gaps: number[] = [];
    for (let i = 0; i < 5; i++) {
      const before = time.now();
      const at = gate.status().resumeAt ?? 0;
      time.advance(at - before);
      await settle();
      gaps.push(at - before);
    }
    expect(probes('network')).toBe(5);
    expect(gaps.at(-1)).toBeGreaterThan(gaps[0] ?? 0);
    expect(gate.status()).toMatchObject({ reason: 'offline', resumeAt: expect.any(Number) });
    answers.network.push(true);
    time.advance((gate.status().resumeAt ?? 0) - time.now());
    await settle();
    expect(gate.maySubmit()).toBe(true);
  });

  it('takes any HTTP answer as proof the network is up', () => {
    const time = manualClock();
    const { gate } = gateWith(time);
    for (let i = 0; i < 3; i++) gate.networkFailed();
    expect(gate.status().reason).toBe('offline');
    gate.answered();
    expect(gate.mayPoll()).toBe(true);
  });

  it('pauses everything while the disk refuses writes, and opens when a write check passes', async () => {
    const time = manualClock();
    const { gate, answers, probes } = gateWith(time);
    gate.storageFailed('The disk is full: the data folder (/data) has no room.');
    expect(gate.status()).toMatchObject({ reason: 'disk_full', message: expect.stringContaining('/data') });
    expect(gate.maySubmit() || gate.mayPoll()).toBe(false);
    answers.storage.push(false, true);
    time.advance((gate.status().resumeAt ?? 0) - time.now());
    await settle();
    expect(gate.status().reason).toBe('disk_full');
    time.advance((gate.status().resumeAt ?? 0) - time.now());
    await settle();
    expect(probes('storage')).toBe(2);
    expect(gate.mayPoll()).toBe(true);
  });

  it('names the pause the user must fix first; Resume clears what the user may clear and checks the rest at once', async () => {
    const time = manualClock();
    const { gate, answers, probes } = gateWith(time);
    gate.rateLimited(4_000_000);
    gate.pause('out_of_credits', 'no credits');
    gate.pause('forbidden', 'no access');
    gate.storageFailed('disk full');
    expect(gate.status()).toMatchObject({ reason: 'forbidden', message: 'no access' });
    answers.storage.push(true);
    gate.userResume();
    await settle();
    expect(probes('storage')).toBe(1);
    expect(gate.status().state).toBe('running');
    gate.pause('no_key', 'no key');
    gate.userResume();
    expect(gate.status().reason).toBe('no_key');
  });
});
