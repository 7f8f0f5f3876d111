import type { EngineName } from './ocr-engines.ts';

/** One image to read: a file of the library's store, read by the worker itself. */
export interface OcrRequest {
  id: number;
  file: string;
  engines: EngineName[];
  /** Longest side the engines see; larger images are scaled down first. */
  maxSide: number;
}

export interface OcrReading {
  engine: EngineName;
  lines: string[];
  ms: number;
}

export type OcrReply =
  | {
      id: number;
      ok: true;
      readings: OcrReading[];
      /** Engines that could not start on this machine, and why. */
      skipped: { engine: EngineName; message: string }[];
    }
  | { id: number; ok: false; message: string };
