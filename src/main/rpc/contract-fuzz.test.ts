import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { methodNames } from '../../shared/contract.ts';
import { errorCodes } from '../../shared/rpc.ts';
import { createAppServices, type AppServices } from '../app-services.ts';
import { createSessionKeyStore } from '../settings/key-store.ts';
import { createSettingsStore, settingsFileName } from '../settings/settings-store.ts';
import { createWebOsHandlers } from '../web/web-os-handlers.ts';
import { mulberry32 } from '../simulator/index.ts';
import { fuzzPayload } from './fuzz-payloads.ts';

const secretKey = 'sk-fuzz-SECRET-7f3a9c1e5b';
let services: AppServices;
let dataDir: string;
const events: string[] = [];
const logged: string[] = [];
const originalError = console.error;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'studio-fuzz-'));
  console.error = (...args: unknown[]) => logged.push(args.map(String).join(' '));
  services = await createAppServices({
    dataDir,
    settings: createSettingsStore(new Conf({ cwd: dataDir, configName: settingsFileName })),
    keyStore: createSessionKeyStore(),
    transport: 'web',
    version: '0.0.0-test',
    // A closed port: if the fuzzer's key:set switches to live mode, nothing leaves this machine.
    env: { SEGMIND_BASE_URL: 'http://127.0.0.1:9' },
    simulatorTimeScale: 0.01,
    osHandlers: (library) => createWebOsHandlers(library, dataDir),
  });
  services.bus.subscribe((event, payload) => events.push(`${event} ${JSON.stringify(payload)}`));
});

afterAll(async () => {
  console.error = originalError;
  await services?.close();
});

describe('IPC contract under fuzzing', () => {
  it('answers 1000 malformed payloads across all methods with typed errors and never crashes', async () => {
    const random = mulberry32(20261121);
    const answers: string[] = [];
    const counts = { ok: 0, rejected: 0 };
    for (let i = 0; i < 1000; i++) {
      const method = methodNames[i % methodNames.length]!;
      const envelope = await services.dispatch(method, fuzzPayload(random), { transport: 'test' });
      answers.push(JSON.stringify(envelope));
      if (envelope.ok) {
        counts.ok++;
        continue;
      }
      counts.rejected++;
      expect(errorCodes).toContain(envelope.error.code);
      expect(envelope.error.code, `${method}: ${envelope.error.message}`).not.toBe('internal');
    }
    expect(counts.rejected).toBeGreaterThan(900);
    // main still serves a normal call afterwards
    expect(await services.dispatch('settings:get', undefined, { transport: 'test' })).toMatchObject({
      ok: true,
    });

    // The key goes in, and never comes back out: not in answers, events, logs or the database.
    const set = await services.dispatch('key:set', { key: secretKey }, { transport: 'test' });
    expect(set).toMatchObject({ ok: true, value: { set: true, last4: secretKey.slice(-4) } });
    for (const method of methodNames.filter((name) => !name.startsWith('key:set'))) {
      answers.push(JSON.stringify(await services.dispatch(method, undefined, { transport: 'test' })));
    }
    const haystacks = [...answers, ...events, ...logged];
    for (const file of readdirSync(dataDir, { recursive: true, withFileTypes: true })) {
      if (file.isFile()) haystacks.push(readFileSync(join(file.parentPath, file.name)).toString('latin1'));
    }
    for (const text of haystacks) expect(text.includes(secretKey)).toBe(false);
  });
});
