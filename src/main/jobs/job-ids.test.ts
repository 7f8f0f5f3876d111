import { describe, expect, it } from 'vitest';
import { newJobId } from './job-ids.ts';

const v7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('job ids', () => {
  it('are UUIDs version 7 in the order they were made, also many in one millisecond', () => {
    const at = Date.UTC(2026, 11, 1, 18, 0, 0);
    const ids = Array.from({ length: 10_000 }, () => newJobId(at));
    for (const id of ids) expect(id).toMatch(v7);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    // Past 4,096 in one millisecond the time part moves on rather than wrapping the sequence.
    expect(ids.at(-1)!.replaceAll('-', '').slice(0, 12)).toBe((at + 2).toString(16).padStart(12, '0'));
    // A clock set back does not go back on the order.
    const after = newJobId(at - 60_000);
    expect(after > ids.at(-1)!).toBe(true);
    expect(
      newJobId(at + 10_000)
        .replaceAll('-', '')
        .slice(0, 12),
    ).toBe((at + 10_000).toString(16).padStart(12, '0'));
  });
});
