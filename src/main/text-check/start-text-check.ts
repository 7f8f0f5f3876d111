import type Database from 'better-sqlite3';
import type { TextCheck } from '../../shared/api/text-check.ts';
import type { Library } from '../library/library.ts';
import type { Logger } from '../logging/logger.ts';
import type { TextFaults } from '../simulator/text-faults.ts';
import { createTextCheckHandlers } from './handlers.ts';
import { createOcrReader } from './ocr-reader.ts';
import { createTextCheckService } from './text-check-service.ts';

export type { TextCheckService } from './text-check-service.ts';

/** The text check as app-services wires it: OCR worker, service watching the library, page handlers. */
export function startTextCheck(deps: {
  db: Database.Database;
  library: Library;
  logger: Logger;
  emit: (check: TextCheck) => void;
}) {
  const reader = createOcrReader({ logger: deps.logger });
  const service = createTextCheckService({
    db: deps.db,
    library: deps.library,
    reader,
    logger: deps.logger,
    onChanged: deps.emit,
  });
  service.start();
  return {
    service,
    handlers: createTextCheckHandlers(service),
    async close() {
      // The service stops first (so a reading cut short stays pending for the next start), then the
      // reader ends the reading in progress at once instead of holding the quit.
      const stopping = service.close();
      await reader.close();
      await stopping;
    },
  };
}

function rate(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  if (!(n >= 0 && n <= 1)) throw new Error(`${name} must be a share between 0 and 1, not "${value}"`);
  return n;
}

/**
 * The demo simulator's text knobs, from the environment (STUDIO_SIM_MISSPELL, STUDIO_SIM_HARD_TEXT:
 * shares of images between 0 and 1; STUDIO_SIM_MISSPELL_FIRST: a count of requests per prompt), so a
 * demo or an e2e run can show the check at work.
 */
export function simulatorTextFaults(env: NodeJS.ProcessEnv): TextFaults {
  const faults: TextFaults = {};
  const misspell = rate(env.STUDIO_SIM_MISSPELL, 'STUDIO_SIM_MISSPELL');
  const hard = rate(env.STUDIO_SIM_HARD_TEXT, 'STUDIO_SIM_HARD_TEXT');
  if (misspell !== undefined) faults.misspellRate = misspell;
  if (hard !== undefined) faults.hardTextRate = hard;
  const first = env.STUDIO_SIM_MISSPELL_FIRST?.trim();
  if (first) {
    const n = Number(first);
    if (!Number.isInteger(n) || n < 0) {
      throw new Error(`STUDIO_SIM_MISSPELL_FIRST must be a whole number of requests, not "${first}"`);
    }
    faults.misspellFirst = n;
  }
  return faults;
}
