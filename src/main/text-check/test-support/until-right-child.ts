/**
 * "Until it's right" as a process of its own, for the crash test: killed with SIGKILL and started again
 * on the same data folder. With --create it queues one chain (2 retries) for the sign prompt and, once
 * the first attempt is done, pauses the queue as a user would, so the retry the verdict queues waits
 * unsent; it prints "first done". Every run prints "retry queued" once the chain's retry is in the
 * queue. With --resume it resumes the queue and, when the chain has ended, prints "idle" and exits 0.
 *
 *   node src/main/text-check/test-support/until-right-child.ts --data DIR --url SIMULATOR_URL --scale S --epoch MS [--create] [--resume]
 */
import { parseModelParams } from '../../../shared/models/index.ts';
import { childArgs } from '../../jobs/test-support/child-args.ts';
import { consoleLogger } from '../../logging/logger.ts';
import { mulberry32 } from '../../simulator/index.ts';
import { createOcrReader } from '../ocr-reader.ts';
import { untilRightWorld } from './until-right-world.ts';

const crashPrompt = 'A shop sign that says "OPEN LATE"';

const values = childArgs(
  {
    seed: { type: 'string', default: '1' },
    create: { type: 'boolean', default: false },
    resume: { type: 'boolean', default: false },
  },
  'until-right-child.ts --data DIR --url URL --scale S --epoch MS [--create] [--resume]',
);

const reader = createOcrReader({ logger: consoleLogger });
const world = untilRightWorld({
  dataDir: values.data,
  baseUrl: values.url,
  scale: values.scale,
  epoch: values.epoch,
  reader,
  random: mulberry32(Number(values.seed)),
  logger: consoleLogger,
});
const chainId = () =>
  world.db.prepare('SELECT id FROM until_right_chains ORDER BY created_at LIMIT 1').pluck().get() as
    string | undefined;

let saidQueued = false;
const watch = () => {
  const id = chainId();
  const chain = id ? world.chain(id) : undefined;
  if (chain && chain.jobIds.length >= 2 && !saidQueued) {
    saidQueued = true;
    console.log('retry queued');
  }
  if (values.resume && chain && chain.state !== 'running') {
    clearInterval(timer);
    void world.close().then(async () => {
      await reader.close();
      console.log('idle');
      process.exit(0);
    });
  }
};
const timer = setInterval(watch, 20);

world.start();
if (values.resume) world.engine.resume();
if (values.create) {
  const parsed = parseModelParams('ideogram-3', {
    prompt: crashPrompt,
    magic_prompt: 'OFF',
    rendering_speed: 'TURBO',
  });
  if (!parsed.ok) throw new Error('bad params');
  const first = world.chains.create({
    model: 'ideogram-3',
    params: parsed.params,
    untilRight: { retries: 2 },
  });
  world.onJob((job) => {
    if (job.id === first.id && job.state === 'completed') {
      world.engine.pause();
      console.log('first done');
    }
  });
}
