import { useEffect } from 'react';
import type { ImageRecord } from '../../../../shared/api/library.ts';
import { useDetail } from '../detail/detail-store.ts';
import { useUntilRight } from './until-right-store.ts';
import { attemptTone, attemptWords, chainWords } from './until-right-words.ts';
import './text-check.css';

function useChainOf(jobId: string | null) {
  const chain = useUntilRight((state) => {
    const id = jobId ? state.chainOf[jobId] : undefined;
    return id ? state.chains[id] : undefined;
  });
  useEffect(() => {
    if (jobId) useUntilRight.getState().want(jobId);
  }, [jobId]);
  return chain;
}

/** On a queue row: which attempt this job is and where its chain stands. */
export function UntilRightNote({ jobId }: { jobId: string }) {
  const chain = useChainOf(jobId);
  if (!chain) return null;
  return (
    <p className={`until-right-note until-right-${attemptTone(chain, jobId)}`} data-testid="until-right-note">
      {attemptWords(chain, jobId)}
    </p>
  );
}

/** In the image's detail view: its chain, and the image the chain points to when it is another. */
export function UntilRightSection({ record }: { record: ImageRecord }) {
  const chain = useChainOf(record.jobId);
  const openDetail = useDetail((state) => state.openDetail);
  if (!chain || !record.jobId) return null;
  const passing = chain.passingImageId;
  return (
    <section className="until-right" aria-labelledby="until-right-title">
      <h3 id="until-right-title" className="field-label">
        Until it’s right
      </h3>
      <p className={`until-right-note until-right-${attemptTone(chain, record.jobId)}`}>
        {passing === record.id ? chainWords(chain) : attemptWords(chain, record.jobId)}
      </p>
      {passing && passing !== record.id && (
        <button type="button" className="btn btn-small" onClick={() => openDetail(passing)}>
          Open the image that reads right
        </button>
      )}
    </section>
  );
}
