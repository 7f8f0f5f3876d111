import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/rpc.ts';
import { diagnose } from './error-pauses.ts';
import { jobError } from './job-errors.ts';

describe('what a failed step does to its job', () => {
  it('ends a damaged image as an unusable output, with advice about the image, not the disk', () => {
    const damaged = new AppError(
      'unsupported_file',
      'The PNG file is damaged: its pixels cannot be decoded.',
    );
    for (const stage of ['download', 'store'] as const) {
      const { remedy, storage } = diagnose(damaged, stage);
      expect(remedy).toMatchObject({ pause: null, remote: 'budget', kind: 'invalid_output' });
      expect(storage).toBeNull();
      expect(jobError(remedy.kind, damaged.message).action).not.toMatch(/space|disk/i);
    }
  });

  it('waits for the disk when storing meets a full one', () => {
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    expect(diagnose(full, 'store')).toEqual({
      remedy: { pause: 'disk_full', submit: 'wait', remote: 'hour', kind: 'storage' },
      storage: 'full',
    });
  });
});
