import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Children a crash test starts and kills with SIGKILL: `run` starts one and resolves `reached` once
 * it printed `line`; `killAll` (call it after each test) leaves none behind.
 */
export function killableChildren(entry: string) {
  const children = new Set<ChildProcess>();
  return {
    run(args: string[], line: string) {
      const child = spawn(process.execPath, [entry, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      children.add(child);
      let output = '';
      const exited = new Promise<number | null>((resolve) =>
        child.once('exit', (code) => {
          children.delete(child);
          resolve(code);
        }),
      );
      const reached = new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          if (output.split('\n').includes(line)) resolve();
        });
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        void exited.then((code) => reject(new Error(`child exited (${code}) before "${line}":\n${output}`)));
      });
      return { child, reached, exited };
    },
    killAll() {
      for (const child of children) child.kill('SIGKILL');
      children.clear();
    },
  };
}
