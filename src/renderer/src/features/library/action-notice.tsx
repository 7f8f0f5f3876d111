import { useEffect } from 'react';
import { useActionNotice } from './image-actions.ts';

const visibleMs = 8_000;

/** Says what just happened, with Undo while it can be undone; polite, so it never interrupts typing. */
export function ActionNoticeBar() {
  const notice = useActionNotice((state) => state.notice);
  const dismiss = useActionNotice((state) => state.dismiss);
  const serial = notice?.serial;
  useEffect(() => {
    if (serial === undefined) return;
    const timer = setTimeout(() => {
      if (useActionNotice.getState().notice?.serial === serial) dismiss();
    }, visibleMs);
    return () => clearTimeout(timer);
  }, [serial, dismiss]);
  return (
    <div className="action-notice-slot" role="status" aria-live="polite">
      {notice && (
        <div className={`action-notice ${notice.ok ? '' : 'action-notice-error'}`}>
          <span>{notice.text}</span>
          {notice.undo && (
            <button
              type="button"
              className="btn btn-small"
              onClick={() => {
                const undo = notice.undo;
                dismiss();
                void undo?.();
              }}
            >
              Undo
            </button>
          )}
          <button type="button" className="btn btn-small btn-ghost" aria-label="Dismiss" onClick={dismiss}>
            ✕
          </button>
        </div>
      )}
    </div>
  );
}
