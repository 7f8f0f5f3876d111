import { batchLimits } from '../../../../shared/api/batches.ts';

/** The name a batch (from a file or a matrix) is shown and collected under. */
export function BatchNameField({ value, onChange }: { value: string; onChange(name: string): void }) {
  return (
    <label className="inline-row">
      Batch name
      <input
        className="input"
        value={value}
        maxLength={batchLimits.maxNameChars}
        onChange={(event) => onChange(event.target.value)}
      />
    </label>
  );
}
