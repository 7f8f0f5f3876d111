import type { ImageSummary } from '../../../../shared/api/library.ts';
import './text-check.css';

const marks = {
  attention: { label: 'Text needs attention', text: 'Aa!' },
  failed: { label: 'Text could not be checked', text: 'Aa?' },
} as const;

/** A tile's corner mark: only when the image's quoted text needs a person's eye. */
export function TextCheckMark({ status }: { status: ImageSummary['textStatus'] }) {
  if (status !== 'attention' && status !== 'failed') return null;
  const mark = marks[status];
  return (
    <span className={`text-mark text-mark-${status}`} role="img" aria-label={mark.label} title={mark.label}>
      {mark.text}
    </span>
  );
}
