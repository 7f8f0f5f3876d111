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
  // Not an img: the grid's images are its pictures. The words are for screen readers, the title
  // for a pointer.
  return (
    <span className={`text-mark text-mark-${status}`} title={mark.label}>
      <span aria-hidden="true">{mark.text}</span>
      <span className="visually-hidden">{mark.label}</span>
    </span>
  );
}
