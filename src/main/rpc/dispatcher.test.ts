import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError, defineMethod } from '../../shared/rpc.ts';
import { createDispatcher } from './dispatcher.ts';
import { createTestAppDispatch } from './test-app-api.ts';

const ctx = { transport: 'test' } as const;

describe('dispatcher', () => {
  it('runs a valid call and returns its value', async () => {
    const { dispatch } = createTestAppDispatch();
    const result = await dispatch('settings:update', { concurrency: 4 }, ctx);
    expect(result).toMatchObject({ ok: true, value: { concurrency: 4, theme: 'system' } });
  });

  it('answers a malformed payload with a validation error that names the field', async () => {
    const { dispatch, settings } = createTestAppDispatch();
    const result = await dispatch('settings:update', { concurrency: 'lots' }, ctx);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('validation');
    expect(result.error.issues?.[0]?.path).toBe('concurrency');
    expect(settings.get().concurrency).toBe(2);
  });

  it('refuses unknown keys, unknown methods and prototype names', async () => {
    const { dispatch } = createTestAppDispatch();
    const extra = await dispatch(
      'settings:update',
      { concurrency: 3, __proto__: { polluted: true }, evil: 1 },
      ctx,
    );
    expect(extra).toMatchObject({ ok: false, error: { code: 'validation' } });
    for (const name of ['nope:nothing', 'toString', '__proto__', 'constructor']) {
      expect(await dispatch(name, {}, ctx)).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    }
  });

  it('maps AppError to its code and hides unexpected errors behind "internal"', async () => {
    const api = {
      'test:fails': defineMethod(z.object({ kind: z.enum(['app', 'bug']) }), z.null()),
    };
    const logged: unknown[] = [];
    const dispatch = createDispatcher(
      api,
      {
        'test:fails': ({ kind }) => {
          if (kind === 'app') throw new AppError('not_found', 'No such image.');
          throw new TypeError('secret internals');
        },
      },
      { logError: (_method, error) => logged.push(error) },
    );
    expect(await dispatch('test:fails', { kind: 'app' }, ctx)).toEqual({
      ok: false,
      error: { code: 'not_found', message: 'No such image.', issues: undefined },
    });
    const bug = await dispatch('test:fails', { kind: 'bug' }, ctx);
    expect(bug).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(bug)).not.toContain('secret internals');
    expect(logged).toHaveLength(1);
  });
});

describe('dispatcher rate limits', () => {
  it('refuses a flood of an expensive method and lets it through again after a pause', async () => {
    const api = { 'test:import': defineMethod(z.object({}), z.null()) };
    let time = 0;
    let ran = 0;
    const dispatch = createDispatcher(
      api,
      {
        'test:import': () => {
          ran++;
          return null;
        },
      },
      { rateLimits: { 'test:import': { burst: 3, perSecond: 1 } }, now: () => time },
    );
    const codes = [];
    for (let i = 0; i < 5; i++) {
      const answer = await dispatch('test:import', {}, ctx);
      codes.push(answer.ok ? 'ok' : answer.error.code);
    }
    expect(codes).toEqual(['ok', 'ok', 'ok', 'rate_limited', 'rate_limited']);
    expect(ran).toBe(3);
    time += 2000;
    expect(await dispatch('test:import', {}, ctx)).toMatchObject({ ok: true });
  });
});
