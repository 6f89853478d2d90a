// The card that holds every data table of the dashboard (keys, usage, monthly, ledger, accounts):
// one place for its wrappers — the card, the horizontal scroller — and the table's classes, so the
// pages only write their header and rows (and, under the table, an optional footer such as a pager).
import type { ReactNode } from 'react';

export function TableCard({ testId, numeric = false, compact = false, footer, children }: { testId: string; numeric?: boolean; compact?: boolean; footer?: ReactNode; children: ReactNode }) {
  const classes = ['table', numeric && 'table-numeric', compact && 'table-compact', 'table-cards'].filter(Boolean).join(' ');
  return (
    <div className="card table-card">
      <div className="table-scroll">
        <table className={classes} data-testid={testId}>
          {children}
        </table>
      </div>
      {footer}
    </div>
  );
}
