// Loading, error and empty states, so every page shows the same thing while waiting or failing.
import { useEffect, useRef, type ReactNode } from 'react';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}

export function ErrorState({ error, onRetry }: { error: Error; onRetry?: () => void }) {
  return (
    <div className="state state-error" role="alert">
      <strong>Something went wrong</strong>
      <p>{error.message}</p>
      {onRetry && (
        <button className="btn btn-secondary" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function EmptyState({ title, children, action }: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="state state-empty">
      <h3>{title}</h3>
      {children}
      {action && <div className="state-action">{action}</div>}
    </div>
  );
}

export function InlineError({ message }: { message: string | undefined }) {
  const ref = useRef<HTMLDivElement>(null);
  // forms in a scrolling dialog put the error below the fold: bring it into view when it appears
  useEffect(() => {
    if (message) ref.current?.scrollIntoView?.({ block: 'nearest' });
  }, [message]);
  if (!message) return null;
  return (
    <div className="inline-error" role="alert" ref={ref}>
      {message}
    </div>
  );
}
