import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Conf from 'conf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchId, DraftId } from '../../shared/api/batches.ts';
import { jobLimits, JobId } from '../../shared/api/jobs.ts';
import { CollectionId, ImageId } from '../../shared/api/library.ts';
import { methodNames, methods, type MethodName } from '../../shared/contract.ts';
import { imageRefSchema, models, type ModelId } from '../../shared/models/index.ts';
import { errorCodes } from '../../shared/rpc.ts';
import { createAppServices, type AppServices } from '../app-services.ts';
import { createSessionKeyStore } from '../settings/key-store.ts';
import { createSettingsStore, settingsFileName } from '../settings/settings-store.ts';
import { createWebOsHandlers } from '../web/web-os-handlers.ts';
import { mulberry32 } from '../simulator/index.ts';
import { makeImage } from '../library/test-support/fixtures.ts';
import { fuzzPayload } from './test-support/fuzz-payloads.ts';
import { mutateOnePlace, sampleRegex, validInput, type Pool } from './test-support/schema-inputs.ts';

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
  rmSync(dataDir, { recursive: true, force: true });
});

describe('IPC contract under fuzzing', () => {
  it('reaches every handler with inputs derived from the schemas, and mutates them one place at a time', async () => {
    const seed = Number(process.env.FUZZ_SEED ?? 20261205);
    console.log(`schema fuzz seed ${seed} (FUZZ_SEED=${seed} replays it)`);
    const random = mulberry32(seed);
    const ctx = { transport: 'test' } as const;
    const call = (method: string, input: unknown) => services.dispatch(method, input, ctx);

    // Something real for ids to point at: images in the library, a collection, a remix source.
    const images = await Promise.all(
      (['png', 'jpeg', 'webp'] as const).map((format, i) => makeImage(format, i + 40)),
    );
    const imported = await call('library:importFiles', {
      files: images.map((bytes, i) => ({ name: `seed-${i}`, bytes })),
    });
    const valueOf = <T>(envelope: Awaited<ReturnType<typeof call>>): T => {
      if (!envelope.ok) throw new Error(envelope.error.message);
      return envelope.value as T;
    };
    const source = valueOf<{ ref: string }>(
      await call('library:addSource', { name: 'source.png', bytes: images[0] }),
    );
    const collection = valueOf<{ id: number }>(await call('library:createCollection', { name: 'Fuzzed' }));
    const known = {
      images: valueOf<{ imported: string[] }>(imported).imported,
      collections: [collection.id],
      jobs: [] as string[],
      drafts: [] as string[],
      batches: [] as string[],
    };
    const fromPool =
      <T>(list: T[], otherwise: () => T) =>
      (random2: () => number) =>
        list.length > 0 && random2() < 0.8 ? list[Math.floor(random2() * list.length)]! : otherwise();
    const pools: Pool[] = [
      {
        matches: (s) => s === ImageId,
        draw: (r) => fromPool(known.images, () => sampleRegex(/^[0-9A-HJKMNP-TV-Z]{26}$/, r))(r),
      },
      {
        matches: (s) => s === CollectionId,
        draw: (r) => fromPool(known.collections, () => 1 + Math.floor(r() * 50))(r),
      },
      {
        matches: (s) => s === JobId,
        draw: (r) => fromPool(known.jobs, () => `job-${Math.floor(r() * 1e6)}`)(r),
      },
      {
        matches: (s) => s === DraftId,
        draw: (r) => fromPool(known.drafts, () => sampleRegex(/^draft-[0-9a-f-]{36}$/, r))(r),
      },
      {
        matches: (s) => s === BatchId,
        draw: (r) => fromPool(known.batches, () => sampleRegex(/^batch-[0-9a-f-]{36}$/, r))(r),
      },
      // Real image bytes most of the time, so imports get past decoding; noise otherwise.
      {
        matches: (s) => typeof s.meta()?.maxBytes === 'number',
        draw: (r) =>
          r() < 0.7
            ? images[Math.floor(r() * images.length)]
            : Uint8Array.from({ length: 64 }, () => Math.floor(r() * 256)),
      },
      {
        matches: (s) => s === imageRefSchema,
        draw: (r) => (r() < 0.8 ? source.ref : `data:image/png;base64,${images[0]!.toString('base64')}`),
      },
    ];
    const options = { random, pools };
    // Paths a handler must never touch, mixed into the mutations: nothing may create them.
    const canary = join(`${dataDir}-canary`, 'written');
    const extra = [canary, `file://${canary}`, `${'../'.repeat(8)}etc/passwd`, 'C:\\Windows\\win.ini'];

    /** A model's params drawn from its own schema, one image each: the point is reaching the engine. */
    function paramsOf(model: ModelId): Record<string, unknown> {
      const params = validInput(models[model].schema, options)?.value as Record<string, unknown> | undefined;
      if (params && typeof params.num_images === 'number') params.num_images = 1;
      return params ?? {};
    }

    /**
     * Inputs whose meaning the contract leaves open: jobs' and matrices' params come from the chosen
     * model's schema, a batch file is a real table whose one column is the prompt, and a matrix varies
     * the seed, so the services get past their own checks and are reached.
     */
    function shaped(method: MethodName, input: unknown): unknown {
      const value = input as Record<string, unknown> & { model: ModelId; count?: number };
      switch (method) {
        case 'jobs:create':
        case 'jobs:variations': {
          const params = paramsOf(value.model);
          // "Until it's right" needs quoted text to check: a random prompt rarely has any.
          if (value.untilRight) params.prompt = 'A badge that says "FUZZ"';
          return { ...value, params, ...(value.count ? { count: jobLimits.minVariations } : {}) };
        }
        case 'batches:read':
          return { ...value, text: 'prompt\n"A poster that says ""SALE"""\n"A badge that says ""NEW"""\n' };
        case 'batches:check':
          return { ...value, mapping: ['prompt'], fixed: {} };
        case 'batches:startFile':
          return { ...value, mapping: ['prompt'], fixed: {}, skipInvalid: true };
        case 'batches:editCell':
          return { ...value, row: 2, column: 0 };
        case 'batches:startMatrix':
          return { ...value, params: paramsOf(value.model), axes: [{ param: 'seed', values: [101, 202] }] };
        default:
          return input;
      }
    }

    const internal: string[] = [];
    const noValidInput: string[] = [];
    type Row = { ok: number; refused: Record<string, number>; mutants: number };
    const summary: Record<string, Row> = {};
    const record = (method: string, label: string, envelope: Awaited<ReturnType<typeof call>>) => {
      if (!envelope.ok) {
        expect(errorCodes).toContain(envelope.error.code);
        if (envelope.error.code === 'internal')
          internal.push(`${method} ${label}: ${envelope.error.message}`);
      }
    };
    for (const method of methodNames) {
      const row: Row = (summary[method] = { ok: 0, refused: {}, mutants: 0 });
      const valid: unknown[] = [];
      for (let round = 0; round < 5; round++) {
        const drawn = validInput(methods[method].input, options);
        if (!drawn) continue;
        const input = shaped(method, drawn.value);
        valid.push(input);
        const envelope = await call(method, input);
        record(method, 'valid', envelope);
        if (!envelope.ok) {
          row.refused[envelope.error.code] = (row.refused[envelope.error.code] ?? 0) + 1;
          continue;
        }
        row.ok++;
        // What was made is what later methods' ids point at.
        const made = envelope.value as { draftId?: string; id?: string };
        if (method === 'batches:read' && made.draftId) known.drafts.push(made.draftId);
        if (method.startsWith('batches:start') && made.id) known.batches.push(made.id);
      }
      if (valid.length === 0) noValidInput.push(method);
      for (let round = 0; round < 8 && valid.length > 0; round++) {
        const mutant = mutateOnePlace(valid[round % valid.length], random, extra);
        record(method, `mutated at ${mutant.where}`, await call(method, mutant.value));
        row.mutants++;
      }
      if (method === 'jobs:list') {
        const listed = await call('jobs:list', {});
        if (listed.ok) known.jobs = (listed.value as { id: string }[]).map((job) => job.id);
      }
    }
    console.log(
      Object.entries(summary)
        .map(
          ([method, row]) =>
            `${method.padEnd(28)} ok ${row.ok}  refused ${JSON.stringify(row.refused)}  mutants ${row.mutants}`,
        )
        .join('\n'),
    );
    expect(internal).toEqual([]);
    expect(noValidInput).toEqual([]);
    // Handlers were reached: every method answered a valid input with a success at least once, but for
    // the OS actions, whose browser-mode handlers answer 'unavailable' by design (no file manager here),
    // and the recovery actions, which answer 'conflict' while the library is open (nothing to recover).
    const neverOk = Object.entries(summary).filter(([, row]) => row.ok === 0);
    for (const [method, row] of neverOk) {
      expect(method).toMatch(/^(os|recovery):/);
      const byDesign = method.startsWith('os:') ? row.refused.unavailable : row.refused.conflict;
      expect(byDesign, method).toBeGreaterThan(0);
    }
    expect(neverOk.length).toBeLessThan(methodNames.length / 4);
    expect(existsSync(dirname(canary))).toBe(false);
    expect(await call('settings:get', undefined)).toMatchObject({ ok: true });
  });

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
