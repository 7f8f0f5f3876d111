/**
 * The engine and the batch service as a process of their own, for the crash test: killed with SIGKILL
 * at any moment and started again on the same data folder. With --rows N it first makes a batch from
 * an N-row CSV. Prints "ready" once sending and "idle" (then exits 0) when nothing is left to do.
 *
 *   node src/main/batches/test-support/batch-child.ts --data DIR --url SIMULATOR_URL --scale 0.05 --epoch MS [--rows N]
 */
import { activeJobStates } from '../../../shared/api/jobs.ts';
import { effectivePrices } from '../../../shared/pricing.ts';
import { childArgs } from '../../jobs/test-support/child-args.ts';
import { createSimulatedEngine } from '../../jobs/test-support/simulated-engine.ts';
import { consoleLogger } from '../../logging/logger.ts';
import { createBatchService } from '../batch-service.ts';

const values = childArgs(
  { rows: { type: 'string', default: '0' } },
  'batch-child.ts --data DIR --url URL --scale S --epoch MS [--rows N]',
);

const world = createSimulatedEngine({
  dataDir: values.data,
  baseUrl: values.url,
  scale: values.scale,
  epoch: values.epoch,
  maxInFlight: 6,
});
const batches = createBatchService({
  db: world.db,
  engine: world.engine,
  prices: () => effectivePrices(),
  createCollection: (name) => world.library.createCollection(name),
  emit: () => undefined,
  now: world.now,
  logger: consoleLogger,
});
batches.start();
const rows = Number(values.rows);
if (rows > 0) {
  const lines = ['prompt,rendering_speed,resolution'];
  for (let i = 0; i < rows; i++) lines.push(`batch row ${i + 2},TURBO,512x1536`);
  const draft = await batches.read({ name: 'crash.csv', text: lines.join('\n'), model: 'ideogram-3' });
  await batches.startFile({
    draftId: draft.draftId,
    model: 'ideogram-3',
    mapping: draft.mapping,
    fixed: {},
    name: 'Crash',
    skipInvalid: false,
  });
}
world.engine.start();
console.log('ready');

const watch = setInterval(() => {
  const { counts } = world.engine.status();
  if (activeJobStates.some((state) => counts[state] > 0)) return;
  clearInterval(watch);
  batches.dispose();
  void world.close().then(() => {
    console.log('idle');
    process.exit(0);
  });
}, 50);
