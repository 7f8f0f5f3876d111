import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: {
          index: resolve('src/main/index.ts'),
          // Started with new Worker(new URL('./backup-worker.js', import.meta.url)) from index.js.
          'backup-worker': resolve('src/main/recovery/backup-worker.ts'),
          // Started with new Worker(new URL('./sql-worker.js', import.meta.url)) from index.js.
          'sql-worker': resolve('src/main/library/sql-worker.ts'),
          // A worker thread's own entry: ocr-reader.ts starts out/main/text-check-worker.js.
          'text-check-worker': resolve('src/main/text-check/ocr-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload can only require('electron'): it must be one self-contained CommonJS file.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src/renderer',
    plugins: [react()],
    build: {
      // electron-vite leaves every bundle unminified; the page is the one that pays for its size at
      // each start (parse and compile time), and main and preload stay readable in stack traces.
      minify: true,
      rollupOptions: { input: { index: resolve('src/renderer/index.html') } },
    },
  },
});
