import { useState } from 'react';
import type { ImageRecord } from '../../../../shared/api/library.ts';
import { mediaUrl } from '../../bridge/api.ts';
import { Modal } from '../../app/modal.tsx';
import { LoadingState } from '../../app/states.tsx';
import { CompareTable } from './compare-table.tsx';
import { useDetail } from './detail-store.ts';

type Mode = 'side' | 'slider' | 'overlay';
const letter = (i: number) => String.fromCharCode(65 + i);

function Side({ records }: { records: ImageRecord[] }) {
  return (
    <div className={`compare-side-by-side compare-${records.length}`}>
      {records.map((record, i) => (
        <figure key={record.id} className="compare-side">
          <img src={mediaUrl(`/image/${record.id}/preview`)} alt={`Image ${letter(i)}: ${record.prompt}`} />
          <figcaption>
            <strong>{letter(i)}</strong> {record.prompt}
          </figcaption>
        </figure>
      ))}
    </div>
  );
}

/**
 * Two images in one frame: B over A, shown right of the divider (slider) or at the chosen
 * strength (overlay). Both are drawn at the same box, so a change of detail lines up exactly.
 */
function Stacked({ a, b, mode }: { a: ImageRecord; b: ImageRecord; mode: 'slider' | 'overlay' }) {
  const [amount, setAmount] = useState(50);
  const aspect = `${a.width} / ${a.height}`;
  return (
    <div className="compare-stack-wrap">
      <div className="compare-stack" style={{ aspectRatio: aspect }}>
        <img src={mediaUrl(`/image/${a.id}/preview`)} alt={`Image A: ${a.prompt}`} />
        <img
          src={mediaUrl(`/image/${b.id}/preview`)}
          alt={`Image B: ${b.prompt}`}
          style={mode === 'slider' ? { clipPath: `inset(0 0 0 ${amount}%)` } : { opacity: amount / 100 }}
        />
        {mode === 'slider' && (
          <div className="compare-divider" style={{ left: `${amount}%` }} aria-hidden="true" />
        )}
      </div>
      <label className="compare-amount">
        {mode === 'slider' ? 'Divider' : 'B over A'}
        <input
          type="range"
          min={0}
          max={100}
          value={amount}
          aria-valuetext={mode === 'slider' ? `A left of ${amount} %, B right` : `B at ${amount} %`}
          onChange={(event) => setAmount(Number(event.target.value))}
        />
      </label>
    </div>
  );
}

/** Two to four images side by side, or two as a slider or an overlay, with the recipe differences marked. */
export function CompareDialog() {
  const compareIds = useDetail((state) => state.compareIds);
  const records = useDetail((state) => state.compareRecords);
  const close = useDetail((state) => state.closeCompare);
  const [mode, setMode] = useState<Mode>('side');
  const [pair, setPair] = useState<[number, number]>([0, 1]);
  const a = records?.[pair[0]] ?? records?.[0];
  const b = records?.[pair[1]] ?? records?.[1];
  return (
    <Modal title="Compare" open={compareIds !== null} onClose={close} className="compare-modal">
      {!records ? (
        <LoadingState>Loading the images…</LoadingState>
      ) : (
        <div className="compare">
          <div className="compare-controls">
            <div className="segmented-options" role="radiogroup" aria-label="Compare as">
              {(['side', 'slider', 'overlay'] as const).map((m) => (
                <label key={m} className="segmented-option">
                  <input type="radio" name="compare-mode" checked={mode === m} onChange={() => setMode(m)} />
                  <span>{m === 'side' ? 'Side by side' : m === 'slider' ? 'Slider' : 'Overlay'}</span>
                </label>
              ))}
            </div>
            {mode !== 'side' && records.length > 2 && (
              <>
                {(['A', 'B'] as const).map((which, slot) => (
                  <label key={which}>
                    {which}{' '}
                    <select
                      className="select"
                      value={pair[slot]}
                      onChange={(event) => {
                        const next: [number, number] = [...pair];
                        next[slot] = Number(event.target.value);
                        setPair(next);
                      }}
                    >
                      {records.map((r, i) => (
                        <option key={r.id} value={i}>
                          Image {letter(i)}
                        </option>
                      ))}
                    </select>
                  </label>
                ))}
              </>
            )}
          </div>
          {mode === 'side' || !a || !b ? <Side records={records} /> : <Stacked a={a} b={b} mode={mode} />}
          <CompareTable records={records} />
        </div>
      )}
    </Modal>
  );
}
