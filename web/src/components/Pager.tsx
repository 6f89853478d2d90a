// The footer under a paged table (usage rows, ledger entries): "N things · page X of Y" and
// Previous / Next, disabled at the ends and while the next page loads.
import { int } from '../format';

export function Pager({ total, noun, page, pages, loading, onPage, testId }: {
  total: number;
  /** singular and plural, e.g. ['request', 'requests'] */
  noun: [string, string];
  page: number;
  pages: number;
  loading: boolean;
  onPage: (page: number) => void;
  testId?: string;
}) {
  return (
    <div className="pager" data-testid={testId}>
      <span>
        {int(total)} {total === 1 ? noun[0] : noun[1]} · page {page} of {pages}
      </span>
      <div>
        <button className="btn btn-secondary btn-sm" disabled={page <= 1 || loading} onClick={() => onPage(page - 1)}>
          Previous
        </button>
        <button className="btn btn-secondary btn-sm" disabled={page >= pages || loading} onClick={() => onPage(page + 1)}>
          Next
        </button>
      </div>
    </div>
  );
}
