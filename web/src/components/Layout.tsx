// The signed-in frame: a sidebar on wide screens, a top bar with a scrollable tab row on phones.
import type { ReactNode } from 'react';
import type { Account } from '../api';
import { linkProps } from '../router';

const NAV: { href: string; label: string; icon: string }[] = [
  { href: '/', label: 'Overview', icon: 'M3 12l9-8 9 8M5 10v10h14V10' },
  { href: '/keys', label: 'API keys', icon: 'M15 7a4 4 0 1 1-3.9 5H3v3h3v3h3v-3h2.1A4 4 0 0 1 15 7z' },
  { href: '/usage', label: 'Usage', icon: 'M4 20V10M10 20V4M16 20v-7M22 20H2' },
  { href: '/billing', label: 'Billing', icon: 'M3 6h18v12H3zM3 10h18M7 15h4' },
  { href: '/playground', label: 'Playground', icon: 'M8 5l-5 7 5 7M16 5l5 7-5 7' },
];

function Icon({ d }: { d: string }) {
  return (
    <svg viewBox="0 0 24 24" width="18" height="18" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
      <path d={d} />
    </svg>
  );
}

export function Brand() {
  return (
    <span className="brand">
      <svg viewBox="0 0 32 32" width="26" height="26" aria-hidden="true">
        <rect width="32" height="32" rx="8" fill="var(--accent)" />
        <path d="M9 11h14M11 16h10M13 21h6" stroke="white" strokeWidth="3" strokeLinecap="round" />
      </svg>
      OpenCompress
    </span>
  );
}

export function Layout({ path, account, onSignOut, children }: { path: string; account: Account; onSignOut: () => void; children: ReactNode }) {
  return (
    <div className="shell">
      <aside className="sidebar">
        <a className="brand-link" {...linkProps('/')}>
          <Brand />
        </a>
        <nav className="nav" aria-label="Main">
          {NAV.map((item) => (
            <a key={item.href} className={path === item.href ? 'nav-item active' : 'nav-item'} aria-current={path === item.href ? 'page' : undefined} {...linkProps(item.href)}>
              <Icon d={item.icon} />
              <span>{item.label}</span>
            </a>
          ))}
        </nav>
        <div className="account-box">
          <div className="account-email" title={account.email}>
            {account.email}
          </div>
          {account.isAdmin && <span className="badge badge-admin">Admin</span>}
          <button type="button" className="btn btn-ghost btn-sm" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      </aside>
      <main className="main">{children}</main>
    </div>
  );
}

export function PageHeader({ title, subtitle, actions }: { title: string; subtitle?: ReactNode; actions?: ReactNode }) {
  return (
    <header className="page-header">
      <div>
        <h1>{title}</h1>
        {subtitle && <p className="subtitle">{subtitle}</p>}
      </div>
      {actions && <div className="page-actions">{actions}</div>}
    </header>
  );
}
