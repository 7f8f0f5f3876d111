import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import { afterEach, describe, expect, it } from 'vitest';
import type { Job, QueueStatus } from '../../shared/api/jobs.ts';
import type { KeyStatus } from '../../shared/api/app.ts';
import { createAppServices, type AppServices } from '../app-services.ts';
import { startSimulator, type Simulator } from '../simulator/index.ts';
import { until } from '../jobs/test-support/money-world.ts';
import { createWebOsHandlers } from '../web/web-os-handlers.ts';
import { createKeyManager, createSessionKeyStore } from './key-store.ts';
import { createSettingsStore, settingsFileName } from './settings-store.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('key manager', () => {
  it('shows only the last four characters and says the session store does not persist', () => {
    const keys = createKeyManager(createSessionKeyStore(), undefined);
    expect(keys.status()).toEqual({
      set: false,
      last4: null,
      source: null,
      encryptionAvailable: false,
      envLast4: null,
    });
    const status = keys.set('  sg_abcdefgh1234  ');
    expect(status).toMatchObject({ set: true, last4: '1234', source: 'session', encryptionAvailable: false });
    expect(keys.current()).toBe('sg_abcdefgh1234');
    expect(keys.clear().set).toBe(false);
  });

  it('uses SEGMIND_API_KEY until a key is saved in Settings, which then wins; removing it goes back', () => {
    const keys = createKeyManager(createSessionKeyStore(), 'env-key-9876');
    expect(keys.status()).toMatchObject({ source: 'env', last4: '9876', envLast4: '9876' });
    expect(keys.current()).toBe('env-key-9876');
    expect(keys.set('stored-key-0000')).toMatchObject({ source: 'session', last4: '0000', envLast4: '9876' });
    expect(keys.current()).toBe('stored-key-0000');
    expect(keys.clear()).toMatchObject({ source: 'env', last4: '9876' });
  });
});

describe('a refused environment key', () => {
  it('pauses the queue, and a key saved in Settings is used from then on', async () => {
    const good = 'SG_0123456789abcdef';
    const refused = 'SG_ffffffffffff9999';
    const simulator: Simulator = await startSimulator({ apiKey: good, timeScale: 0.02 });
    cleanups.push(() => simulator.close());
    const dataDir = mkdtempSync(join(tmpdir(), 'studio-keys-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const services: AppServices = await createAppServices({
      dataDir,
      settings: createSettingsStore(new Conf({ cwd: dataDir, configName: settingsFileName })),
      keyStore: createSessionKeyStore(),
      transport: 'web',
      version: '0.0.0-test',
      env: { SEGMIND_API_KEY: refused, SEGMIND_BASE_URL: simulator.url },
      osHandlers: (library) => createWebOsHandlers(library, dataDir),
    });
    cleanups.push(() => services.close());
    const call = async <T>(method: string, input: unknown = {}): Promise<T> => {
      const answer = await services.dispatch(method, input, { transport: 'test' });
      if (!answer.ok) throw new Error(`${method}: ${answer.error.message}`);
      return answer.value as T;
    };

    const job = await call<Job>('jobs:create', { model: 'ideogram-3', params: { prompt: 'a key test' } });
    await until(() => services.engine.status().reason === 'unauthorized', 'the unauthorized pause');
    expect(await call<KeyStatus>('key:status')).toMatchObject({
      source: 'env',
      last4: '9999',
      envLast4: '9999',
    });
    expect(services.engine.get(job.id).state).toBe('queued');

    const saved = await call<KeyStatus>('key:set', { key: good });
    expect(saved).toMatchObject({ set: true, source: 'session', last4: 'cdef', envLast4: '9999' });
    await until(() => services.engine.get(job.id).state === 'completed', 'the job with the saved key');
    expect((await call<QueueStatus>('queue:status')).reason).toBeNull();
    expect(simulator.stats().submits).toBe(1);
  });
});
