export { startSimulator } from './simulator.ts';
export type { RequestLogEntry, Simulator, SimulatorOptions, SimulatorStats } from './simulator.ts';
export { faultStatuses } from './faults.ts';
export type { Faults, FaultStatus } from './faults.ts';
export { outputShapes } from './output-shapes.ts';
export type { OutputShape } from './output-shapes.ts';
export { mulberry32 } from './seeded-random.ts';
export { durationModels, isDurationModelName } from './durations.ts';
export type { DurationModel, DurationModelName } from './durations.ts';
