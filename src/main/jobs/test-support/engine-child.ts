/**
 * The engine as a process of its own, for the crash test: it can be killed with SIGKILL at any moment
 * and started again on the same data folder. Prints "ready" once running and "idle" (then exits 0)
 * when no job is left to do.
 *
 *   node src/main/jobs/test-support/engine-child.ts --data DIR --url SIMULATOR_URL --scale 0.05 --epoch MS [--create N]
 */
import { activeJobStates } from '../../../shared/api/jobs.ts';
import { childArgs } from './child-args.ts';
import { createSimulatedEngine } from './simulated-engine.ts';

const values = childArgs(
  { create: { type: 'string', default: '0' }, 'max-in-flight': { type: 'string', default: '8' } },
  'engine-child.ts --data DIR --url URL --scale S --epoch MS [--create N]',
);

const world = createSimulatedEngine({
  dataDir: values.data,
  baseUrl: values.url,
  scale: values.scale,
  epoch: values.epoch,
  maxInFlight: Number(values['max-in-flight']),
});
const { engine } = world;
for (let i = 0; i < Number(values.create); i++) {
  engine.create({
    model: 'ideogram-3',
    params: { prompt: `crash job ${i}`, rendering_speed: 'TURBO', resolution: '512x1536' },
  });
}
engine.start();
console.log('ready');

const watch = setInterval(() => {
  const { counts } = engine.status();
  if (activeJobStates.some((state) => counts[state] > 0)) return;
  clearInterval(watch);
  void world.close().then(() => {
    console.log('idle');
    process.exit(0);
  });
}, 50);
