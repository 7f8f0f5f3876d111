import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { crashKit } from './test-support/crash-kit.ts';
import { activeJobStates } from '../../shared/api/jobs.ts';
import { openDatabase } from '../library/database.ts';
import { auditLedger } from './test-support/ledger-audit.ts';

const kit = crashKit(fileURLToPath(new URL('./test-support/engine-child.ts', import.meta.url)));
const runChild = kit.run;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('job engine crash safety', () => {
  it('killed with SIGKILL at random moments during 50 jobs, then restarted: every result it knew of is stored exactly once, no temp file left', async () => {
    const scale = 0.05;
    const { seed, random, simulator, dataDir, args: base } = await kit.world({ label: 'crash test', scale });

    const kills = 6;
    const activeAtKill: number[] = [];
    const tempDir = path.join(dataDir, 'tmp');
    const partFiles = () =>
      fs.existsSync(tempDir) ? fs.readdirSync(tempDir).filter((name) => name.endsWith('.part')) : [];
    const debrisAtKill: number[] = [];
    const countActive = () => {
      const db = openDatabase(path.join(dataDir, 'library.sqlite3'));
      try {
        const active = `SELECT count(*) FROM jobs WHERE state IN ('queued', 'submitting', 'submitted', 'downloading')`;
        return db.prepare(active).pluck().get() as number;
      } finally {
        db.close();
      }
    };
    for (let run = 0; run < kills; run++) {
      const { child, reached, exited } = runChild(run === 0 ? [...base, '--create', '50'] : base, 'ready');
      await reached;
      await sleep(100 + random() * 900);
      child.kill('SIGKILL');
      await exited;
      activeAtKill.push(countActive());
      debrisAtKill.push(partFiles().length);
    }
    // Each start cleared the last run's debris before downloading: what a kill leaves is at most its
    // own downloads in flight (8 jobs of one image), never a pile.
    for (const left of debrisAtKill) expect(left).toBeLessThanOrEqual(8);
    // However the kills fell, a download cut off mid-write is what the next start must clear.
    fs.mkdirSync(tempDir, { recursive: true });
    fs.writeFileSync(path.join(tempDir, 'cut-off-0-abcdef.part'), Buffer.alloc(1000));
    // The first kill at least lands mid-work: 50 jobs cannot all be done within a second.
    expect(activeAtKill[0]).toBeGreaterThan(0);
    const last = runChild(base, 'idle');
    await last.reached;
    expect(await last.exited).toBe(0);
    expect(partFiles()).toEqual([]);

    const db = openDatabase(path.join(dataDir, 'library.sqlite3'));
    kit.afterTest(() => void db.close());
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const jobs = db.prepare('SELECT id, state, request_id, prompt FROM jobs').all() as {
      id: string;
      state: string;
      request_id: string | null;
      prompt: string;
    }[];
    expect(jobs).toHaveLength(50);
    for (const job of jobs) expect(activeJobStates).not.toContain(job.state);

    // Every request the engine learned the id of completed on the simulator (retention is an hour)
    // and must be in the library exactly once; only a job killed mid-submit may lack one.
    const imagesPerJob = new Map(
      (
        db.prepare('SELECT job_id, count(*) AS n FROM images GROUP BY job_id').all() as {
          job_id: string;
          n: number;
        }[]
      ).map((row) => [row.job_id, row.n]),
    );
    for (const job of jobs) {
      if (job.request_id !== null) {
        expect(job.state).toBe('completed');
        expect(imagesPerJob.get(job.id)).toBe(1);
      } else {
        expect(job.state).toBe('interrupted');
        expect(imagesPerJob.has(job.id)).toBe(false);
      }
    }
    const stats = simulator.stats();
    // Nothing was sent twice, and no accepted request is unaccounted for beyond those cut off mid-submit.
    for (const count of Object.values(stats.submitsByPrompt)) expect(count).toBe(1);
    const known = jobs.filter((job) => job.request_id !== null).length;
    const interrupted = jobs.filter((job) => job.state === 'interrupted').length;
    expect(stats.submits - known).toBeLessThanOrEqual(interrupted);
    expect(imagesPerJob.size).toBe(known);
    // Money: each accepted request is booked once, kills or not, with the charge Segmind named for it.
    const ledger = auditLedger(db);
    expect(ledger.problems).toEqual([]);
    expect(ledger.rows).toBe(known);
    const perRequest = stats.creditsSpent / stats.submits;
    expect(ledger.actualUsd).toBeCloseTo(perRequest * known, 6);
    console.info(
      `[crash test] seed ${seed}: active jobs after each kill: ${activeAtKill.join(', ')}; temp files left by each kill: ${debrisAtKill.join(', ')}; ${known} completed, ${interrupted} interrupted (${stats.submits - known} of them reached the simulator); ${ledger.rows} ledger rows`,
    );
  }, 120_000);
});
