import { describe, expect, it } from 'vitest';
import { createQueueGate } from './queue-gate.ts';
import { manualClock } from './manual-clock.ts';
import { createSharedTimer } from './shared-timer.ts';

function gateWith(time: ReturnType<typeof manualClock>) {
  const log: string[] = [];
  const gate = createQueueGate({
    now: time.now,
    random: () => 0.5,
    timer: createSharedTimer(time.now, time.timers),
    network: undefined,
    onChange: () => undefined,
    onOpen: () => log.push(`open@${time.now()}`),
    onProbe: () => log.push(`probe@${time.now()}`),
  });
  return { gate, log };
}

describe('queue gate', () => {
  it('holds everything for at least Retry-After, then opens by itself', () => {
    const time = manualClock();
    const { gate, log } = gateWith(time);
    gate.rateLimited(3000);
    expect(gate.status()).toMatchObject({ state: 'paused', reason: 'rate_limited' });
    expect(gate.status().resumeAt).toBeGreaterThanOrEqual(3000);
    time.advance(2999);
    expect(gate.isOpen()).toBe(false);
    time.advance(2000);
    expect(gate.isOpen()).toBe(true);
    expect(log).toHaveLength(1);
  });

  it('backs off further on each 429 in a row without Retry-After, and forgets after a success', () => {
    const time = manualClock();
    const { gate } = gateWith(time);
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      gate.rateLimited(undefined);
      waits.push((gate.status().resumeAt ?? 0) - time.now());
      time.advance(120_000);
    }
    expect(waits[3]).toBeGreaterThan(waits[0] ?? 0);
    gate.succeeded();
    gate.rateLimited(undefined);
    expect((gate.status().resumeAt ?? 0) - time.now()).toBe(waits[0]);
  });

  it('goes offline after three network failures in a row and probes with growing gaps', () => {
    const time = manualClock();
    const { gate, log } = gateWith(time);
    gate.networkFailed();
    gate.networkFailed();
    expect(gate.isOpen()).toBe(true);
    gate.networkFailed();
    expect(gate.status().reason).toBe('offline');
    time.advance(60_000);
    expect(log.filter((l) => l.startsWith('probe'))).toHaveLength(1);
    gate.networkFailed();
    time.advance(120_000);
    const probes = log.filter((l) => l.startsWith('probe')).map((l) => Number(l.split('@')[1]));
    expect(probes).toHaveLength(2);
    gate.succeeded();
    expect(gate.isOpen()).toBe(true);
  });

  it('names the pause the user must fix first, and keeps the user-only ones until resume', () => {
    const time = manualClock();
    const { gate } = gateWith(time);
    gate.rateLimited(1000);
    gate.pause('out_of_credits', 'no credits');
    expect(gate.status()).toMatchObject({ reason: 'out_of_credits', message: 'no credits' });
    time.advance(5000);
    expect(gate.isOpen()).toBe(false);
    gate.userResume();
    expect(gate.isOpen()).toBe(true);
  });
});
