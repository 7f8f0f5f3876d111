import { randomUUID } from 'node:crypto';
import {
  drawSeed,
  getModel,
  isRandomSeed,
  parseImageDataUri,
  SEED_RANGE,
  seedParamOf,
} from '../../shared/models/index.ts';
import type { ModelId, ModelParams } from '../../shared/models/index.ts';
import { drawDuration, type DurationModel } from './durations.ts';
import { renderImage } from './image-render.ts';
import { reportsSeedPerImage, shapeOutput } from './output-shapes.ts';
import type { TextFaults } from './text-faults.ts';
import type { OutputShape, StoredImage } from './output-shapes.ts';

export type JobState = 'QUEUED' | 'PROCESSING' | 'COMPLETED' | 'FAILED';

export interface SimJob {
  id: string;
  model: ModelId;
  params: ModelParams;
  createdAt: number;
  /** Time spent QUEUED, then the whole time to COMPLETED, both from createdAt (scaled). */
  queuedMs: number;
  durationMs: number;
  /** The request's seed: the one sent, or one drawn here when the request asked for a random one. */
  seed: number;
  /** The seed stamped on (and reported for) each image, so a library that stores them agrees. */
  imageSeeds: number[];
  /** The output shape when the job was made: its body and its stamps must tell the same story. */
  shape: OutputShape;
  blockedBy: string | undefined;
  renderError: string | undefined;
  images: StoredImage[] | undefined;
  rendering: Promise<StoredImage[]>;
  tokens: string[];
  /** Among the first `misspellFirst` requests of its prompt: every image's quoted text is misspelled. */
  misspelled: boolean;
}

export interface JobStoreOptions {
  now: () => number;
  random: () => number;
  timeScale: number;
  durations: DurationModel;
  retentionMs: number;
  outputShape: OutputShape;
  mediaUrl: (token: string) => string;
  /** Read at render time, so a test can turn the text knobs while the server runs. */
  textFaults: () => TextFaults;
}

const presetColours: Record<string, string[]> = {
  EMBER: ['#7a1e0e', '#e2571e', '#f2a541'],
  FRESH: ['#2e8b57', '#a8e6cf', '#f9f871'],
  JUNGLE: ['#0b3d20', '#2f6b3a', '#8fbf4d'],
  MAGIC: ['#3b1f6b', '#8e44ad', '#f5b7ff'],
  MELON: ['#f46f6f', '#ffb199', '#9ad17b'],
  MOSAIC: ['#1f4e79', '#e0a800', '#c0392b'],
  PASTEL: ['#f8c8dc', '#bde0fe', '#caffbf'],
  ULTRAMARINE: ['#0a1f6b', '#1f3fbf', '#8fb3ff'],
};
const SOURCE_FETCH_TIMEOUT_MS = 5_000;
const MAX_SOURCE_BYTES = 10 * 1024 * 1024;

function paletteOf(params: ModelParams): string[] | undefined {
  const palette = params.color_palette as { name?: string; members?: { color_hex: string }[] } | undefined;
  if (palette?.name) return presetColours[palette.name];
  return palette?.members?.map((member) => member.color_hex);
}

function expansionOn(params: ModelParams): boolean {
  return (
    params.enable_prompt_expansion === true || params.magic_prompt === 'ON' || params.magic_prompt === 'AUTO'
  );
}

/** Jobs, their images and media tokens; state is derived from the clock so tests can jump past retention. */
export class JobStore {
  outputShape: OutputShape;
  private readonly jobs = new Map<string, SimJob>();
  private readonly mediaByToken = new Map<string, { job: SimJob; image: StoredImage }>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private readonly options: JobStoreOptions;
  private readonly requestsByPrompt = new Map<string, number>();

  constructor(options: JobStoreOptions) {
    this.options = options;
    this.outputShape = options.outputShape;
  }

  create(model: ModelId, params: ModelParams, blockedBy: string | undefined): SimJob {
    this.sweep();
    const { now, random, timeScale } = this.options;
    const spec = getModel(model);
    const drawn = drawDuration(this.options.durations, spec.expectedSeconds(params) * 1000, random);
    const queuedMs = drawn.queueMs * timeScale;
    const durationMs = queuedMs + drawn.inferenceMs * timeScale;
    const seedParam = seedParamOf(spec);
    const sent = seedParam ? params[seedParam.name] : undefined;
    const seed =
      seedParam && typeof sent === 'number' && !isRandomSeed(seedParam.rule, sent)
        ? sent
        : drawSeed(seedParam?.rule ?? { ...SEED_RANGE, random: 'omit' }, random);
    const count = spec.imageCount(params);
    const shape = this.outputShape;
    const prompt = String(params.prompt);
    const nth = (this.requestsByPrompt.get(prompt) ?? 0) + 1;
    this.requestsByPrompt.set(prompt, nth);
    const job: SimJob = {
      id: randomUUID(),
      model,
      params,
      createdAt: now(),
      queuedMs,
      durationMs,
      seed,
      // Images after the first get the next seeds, as generators do; a body that can say one seed only
      // has all its images stamped with it, so what the server reports is what the picture shows.
      imageSeeds: Array.from({ length: count }, (_, i) => (reportsSeedPerImage(shape) ? seed + i : seed)),
      shape,
      blockedBy,
      renderError: undefined,
      images: undefined,
      rendering: Promise.resolve([]),
      tokens: [],
      misspelled: nth <= (this.options.textFaults().misspellFirst ?? 0),
    };
    if (blockedBy === undefined) {
      job.rendering = this.render(job);
      job.rendering.then(
        (images) => (job.images = images),
        (error: unknown) => (job.renderError = error instanceof Error ? error.message : String(error)),
      );
    }
    this.jobs.set(job.id, job);
    return job;
  }

  get(id: string): SimJob | undefined {
    const job = this.jobs.get(id);
    if (job && this.expired(job)) {
      this.forget(job);
      return undefined;
    }
    return job;
  }

  stateOf(job: SimJob): JobState {
    const elapsed = this.options.now() - job.createdAt;
    if (elapsed < job.queuedMs) return 'QUEUED';
    if (elapsed < job.durationMs) return 'PROCESSING';
    if (this.failed(job)) return 'FAILED';
    return job.images ? 'COMPLETED' : 'PROCESSING';
  }

  failed(job: SimJob): boolean {
    return job.blockedBy !== undefined || job.renderError !== undefined;
  }

  /** For v1: hold the connection as long as the generation takes. */
  async waitUntilDone(job: SimJob): Promise<StoredImage[]> {
    const remaining = job.createdAt + job.durationMs - this.options.now();
    if (remaining > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          resolve();
        }, remaining);
        this.timers.add(timer);
      });
    }
    return job.rendering;
  }

  imagesOf(job: SimJob): StoredImage[] {
    return job.images ?? [];
  }

  failureMessage(job: SimJob): string {
    if (job.renderError !== undefined) return `The generation failed: ${job.renderError}`;
    return `Content blocked by the safety filter (RAI): the prompt mentions "${job.blockedBy}"`;
  }

  resultBody(job: SimJob, images: StoredImage[]): Record<string, unknown> {
    const body: Record<string, unknown> = {
      request_id: job.id,
      status: 'COMPLETED',
      output: shapeOutput(job.shape, images, job.imageSeeds),
      // Like Segmind's, the metric is the inference alone: the queue wait is not in it.
      metrics: { inference_time: Math.round(job.durationMs - job.queuedMs) / 1000 },
      seed: job.seed,
    };
    if (expansionOn(job.params))
      body.expanded_prompt = `${String(job.params.prompt)}, rich detail, balanced composition`;
    return body;
  }

  media(token: string): StoredImage | undefined {
    const entry = this.mediaByToken.get(token);
    if (!entry) return undefined;
    if (this.expired(entry.job)) {
      this.forget(entry.job);
      return undefined;
    }
    return entry.image;
  }

  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private expired(job: SimJob): boolean {
    return this.options.now() > job.createdAt + job.durationMs + this.options.retentionMs;
  }

  private forget(job: SimJob): void {
    this.jobs.delete(job.id);
    for (const token of job.tokens) this.mediaByToken.delete(token);
  }

  private sweep(): void {
    for (const job of this.jobs.values()) if (this.expired(job)) this.forget(job);
  }

  private async sourceBytes(ref: unknown): Promise<Buffer | null> {
    if (typeof ref !== 'string') return null;
    const data = parseImageDataUri(ref);
    if (data) return Buffer.from(data.base64, 'base64');
    const own = /\/media\/([\w.-]+)$/.exec(ref);
    const local =
      own && ref.startsWith(this.options.mediaUrl('')) ? this.mediaByToken.get(own[1] ?? '') : undefined;
    if (local) return local.image.bytes;
    try {
      const res = await fetch(ref, { signal: AbortSignal.timeout(SOURCE_FETCH_TIMEOUT_MS) });
      const bytes = Buffer.from(await res.arrayBuffer());
      return res.ok && bytes.length <= MAX_SOURCE_BYTES ? bytes : null;
    } catch {
      // Offline (as on our machines) the remix still renders, marked as made without its source.
      return null;
    }
  }

  private async render(job: SimJob): Promise<StoredImage[]> {
    const spec = getModel(job.model);
    const { width, height } = spec.outputSize(job.params);
    const format = job.params.output_format === 'jpeg' ? 'jpeg' : 'png';
    const source =
      spec.kind === 'image-to-image'
        ? { bytes: await this.sourceBytes(job.params.image), weight: Number(job.params.image_weight ?? 50) }
        : undefined;
    const palette = paletteOf(job.params);
    const count = spec.imageCount(job.params);
    const images: StoredImage[] = [];
    for (let index = 0; index < count; index++) {
      const bytes = await renderImage({
        modelLabel: spec.label,
        prompt: String(job.params.prompt),
        seed: job.imageSeeds[index] ?? job.seed,
        index,
        width,
        height,
        format,
        ...(palette ? { palette } : {}),
        ...(source ? { source } : {}),
        textFaults: job.misspelled
          ? { ...this.options.textFaults(), misspellRate: 1 }
          : this.options.textFaults(),
      });
      const token = `${randomUUID()}.${format === 'jpeg' ? 'jpg' : 'png'}`;
      const image: StoredImage = {
        url: this.options.mediaUrl(token),
        bytes,
        contentType: `image/${format}`,
        width,
        height,
      };
      job.tokens.push(token);
      this.mediaByToken.set(token, { job, image });
      images.push(image);
    }
    return images;
  }
}
