import { useState } from 'react';
import { messageOf } from '../../lib/errors.ts';
import { askToSpend } from '../spend/confirm-spend.tsx';

/**
 * Starting a batch from either dialog: the count and price asked about first (above the threshold),
 * then one call, with its progress and its error kept for the dialog to show.
 */
export function useBatchStart() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function start(
    title: string,
    cost: { jobs: number; images: number; usd: number },
    send: () => Promise<void>,
  ): Promise<void> {
    if (!(await askToSpend({ title, ...cost }))) return;
    setBusy(true);
    setError(null);
    try {
      await send();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, start };
}
