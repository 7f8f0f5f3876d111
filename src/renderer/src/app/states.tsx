import type { ReactNode } from 'react';

/** The designed "nothing to show yet" states every panel uses, so none is left blank. */
export function LoadingState({ children }: { children: ReactNode }) {
  return (
    <div className="empty-state">
      <span className="spinner" aria-hidden="true" />
      {children}
    </div>
  );
}

export function ErrorState({
  title,
  message,
  onRetry,
}: {
  title: string;
  message: string;
  onRetry?: () => void;
}) {
  return (
    <div className="empty-state" role="alert">
      <strong>{title}</strong>
      {message}
      {onRetry && (
        <button type="button" className="btn" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
