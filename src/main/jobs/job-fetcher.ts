import { rm } from 'node:fs/promises';
import type Database from 'better-sqlite3';
import { libraryLimits } from '../../shared/api/library.ts';
import type { Recipe } from '../library/image-rows.ts';
import type { PreparedImage } from '../library/prepare-image.ts';
import type { ThumbnailKind } from '../library/thumbnails.ts';
import type { ResultBody, SegmindClient } from '../segmind/index.ts';
import { seedForImage } from '../segmind/output-seeds.ts';
import type { Stage } from './error-pauses.ts';
import type { JobRow, JobStore } from './job-store.ts';
import type { QueueGate } from './queue-gate.ts';

/** What the queue needs from the library: the halves of storing a generated image, and its disk. */
export interface JobLibrary {
  /** The data folder, named in messages about a full or read-only disk. */
  readonly dataDir: string;
  tempFile(name: string): Promise<string>;
  prepareImageFile(
    file: string,
    options: { sha256: string; thumbnails?: readonly ThumbnailKind[] },
  ): Promise<PreparedImage>;
  insertGenerated(prepared: PreparedImage, recipe: Recipe): { id: string };
  /** Throws when a small write to the data folder fails: the disk-full pause's check. */
  checkWritable(): Promise<void>;
}

export interface FetcherDeps {
  db: Database.Database;
  store: JobStore;
  library: JobLibrary;
  now: () => number;
  gate: QueueGate;
  failed(id: string, stage: Stage, error: unknown): void;
  finished(id: string): void;
}

/**
 * Fetches a finished job's result, streams each image to a temp file in the data folder, checks and
 * stores it; the library rows and the job's `completed` are one transaction, so an image is never
 * stored twice and a completed job never lacks its images.
 */
export function createFetcher(deps: FetcherDeps) {
  const { db, store, library } = deps;

  async function download(
    row: JobRow,
    client: SegmindClient,
    result: ResultBody,
    signal: AbortSignal,
  ): Promise<PreparedImage[]> {
    const prepared: PreparedImage[] = [];
    for (const [index, source] of result.outputs.entries()) {
      let stage: Stage = 'store';
      const temp = await library.tempFile(`${row.id}-${index}`);
      try {
        // Streamed with the size cap and hashed on the way, then decoded and renamed into the store;
        // a cut-off or corrupt image throws here and its temp file is removed.
        stage = 'download';
        const file = await client.downloadToFile(source, temp, {
          signal,
          maxBytes: libraryLimits.maxImageBytes,
        });
        stage = 'store';
        // The grid needs its thumbnail at once; the detail preview waits for its first view, which
        // keeps the time from Segmind's COMPLETED to a visible library image short.
        prepared.push(
          await library.prepareImageFile(file.path, { sha256: file.sha256, thumbnails: ['thumb'] }),
        );
      } catch (error) {
        throw new StageError(stage, error);
      } finally {
        await rm(temp, { force: true });
      }
    }
    return prepared;
  }

  async function fetchResult(row: JobRow, client: SegmindClient, signal: AbortSignal): Promise<void> {
    let result: ResultBody;
    try {
      result = await client.result(row.response_url ?? '', { signal });
    } catch (error) {
      return deps.failed(row.id, 'result', error);
    }
    deps.gate.succeeded(result.usage.remainingCredits);
    let prepared: PreparedImage[];
    try {
      prepared = await download(row, client, result, signal);
    } catch (error) {
      if (error instanceof StageError) return deps.failed(row.id, error.stage, error.cause);
      return deps.failed(row.id, 'store', error);
    }
    const t = deps.now();
    const params = JSON.parse(row.params) as Record<string, unknown>;
    let completed = false;
    try {
      completed = db.transaction(() => {
        if (store.get(row.id)?.state !== 'downloading') return false;
        const imageIds = prepared.map(
          (image, index) => library.insertGenerated(image, recipeFor(row, params, result, index, t)).id,
        );
        store.logAttempt(row.id, 'store', 'ok', t);
        const done = {
          state: 'completed' as const,
          finished_at: t,
          image_ids: JSON.stringify(imageIds),
          credits_spent: result.usage.creditsConsumed ?? row.credits_spent,
          error_kind: null,
          error_message: null,
          error_action: null,
        };
        return store.transition(row.id, ['downloading'], done, t);
      })();
    } catch (error) {
      return deps.failed(row.id, 'store', error);
    }
    if (completed) deps.finished(row.id);
  }

  return { fetchResult };
}

/** Which half of storing an output failed: the download (Segmind's side) or the store (ours). */
class StageError extends Error {
  readonly stage: Stage;
  constructor(stage: Stage, cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.stage = stage;
  }
}

function recipeFor(
  row: JobRow,
  params: Record<string, unknown>,
  result: ResultBody,
  outputIndex: number,
  createdAt: number,
): Recipe {
  const negative = params.negative_prompt;
  return {
    model: row.model,
    prompt: row.prompt,
    expandedPrompt: result.expandedPrompt ?? null,
    negativePrompt: typeof negative === 'string' ? negative : null,
    params,
    seed: seedForImage(result, params.seed, outputIndex),
    jobId: row.id,
    outputIndex,
    createdAt,
    // A variation's parent job: its images become this image's parents (lineage).
    parentJobId: row.parent_id,
  };
}
