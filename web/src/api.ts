// The dashboard's only way to the server: fetch against /api/* with the session cookie
// (same-origin) and the CSRF token on every state-changing request. Response types mirror
// src/gateway/routes/dashboard-*.ts.

export interface Account {
  id: string;
  email: string;
  isAdmin: boolean;
  createdAt: string;
}

export interface UpstreamPreset {
  id: string;
  label: string;
  baseUrl: string;
  hint: string;
}

export interface Meta {
  signup: 'open' | 'closed';
  /** no account exists yet: the first sign-up becomes the admin */
  setupRequired: boolean;
  baseUrl: string;
  maxActiveKeys: number;
  presets: UpstreamPreset[];
  routerAvailable: boolean;
  feeRate: number;
  minPasswordLength: number;
  /** the Playground refuses more characters of message text than this (400 input_too_large) */
  playgroundMaxChars: number;
}

export interface SessionInfo {
  account: Account;
  csrfToken: string;
}

export type KeyMode = 'router' | 'byok';

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  mode: KeyMode;
  status: 'active' | 'revoked';
  upstreamProvider: string | null;
  upstreamBaseUrl: string | null;
  upstreamKeyLast4: string | null;
  level: string | null;
  rpm: number;
  concurrency: number;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface KeysResponse {
  data: ApiKey[];
  activeCount: number;
  maxActive: number;
}

export interface CreatedKey {
  key: ApiKey;
  secret: string;
}

export interface UsageRow {
  id: string;
  at: string;
  keyId: string;
  keyName: string | null;
  keyPrefix: string | null;
  model: string;
  originalInputTokens: number;
  compressedInputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  compressionRate: number;
  savingsUsd: number;
  llmCostUsd: number;
  feeUsd: number;
  chargedUsd: number;
  status: string;
}

export interface UsagePage {
  data: UsageRow[];
  page: number;
  pageSize: number;
  total: number;
}

export interface MonthSummary {
  month: string;
  calls: number;
  originalInputTokens: number;
  compressedInputTokens: number;
  tokensSaved: number;
  savingsUsd: number;
  feesUsd: number;
  chargedUsd: number;
  avgCompressionRate: number;
}

export interface DailyPoint {
  date: string;
  calls: number;
  originalInputTokens: number;
  compressedInputTokens: number;
  savingsUsd: number;
}

export interface Overview {
  balanceUsd: number;
  month: MonthSummary;
  daily: DailyPoint[];
  activeKeys: number;
}

export interface LedgerEntry {
  id: string;
  at: string;
  kind: string;
  amountUsd: number;
  note: string | null;
}

export interface BillingInfo {
  balanceUsd: number;
  /** one page of the ledger, newest first */
  ledger: LedgerEntry[];
  ledgerTotal: number;
  page: number;
  pageSize: number;
}

export interface AdminAccount {
  id: string;
  email: string;
  isAdmin: boolean;
  createdAt: string;
  balanceUsd: number;
}

export interface ChatMessage {
  role: string;
  content?: unknown;
  [k: string]: unknown;
}

export interface PlaygroundResult {
  original: ChatMessage[];
  compressed: ChatMessage[];
  stats: {
    originalTokens: number;
    compressedTokens: number;
    savedTokens: number;
    ratio: number;
    tokenizer: string;
    level: string;
    ms: number;
    messages: { index: number; role: string; originalTokens: number; compressedTokens: number; transforms: string[]; guard: string; reason?: string }[];
  };
  /** input savings at the model's list price, when the model is in the price table */
  savingsUsd: number | null;
}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
  ) {
    super(message);
  }
}

let csrfToken = '';
export function setCsrfToken(token: string): void {
  csrfToken = token;
}

/** Called when any request answers 401, so the app can return to the sign-in page. */
let onUnauthorized: () => void = () => {};
export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn;
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError('Cannot reach the server. Check your connection and try again.', 0);
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown = undefined;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON */
  }
  if (!res.ok) {
    const err = (data as { error?: { message?: string; code?: string } } | undefined)?.error;
    if (res.status === 401 && !path.startsWith('/api/login') && !path.startsWith('/api/me')) onUnauthorized();
    throw new ApiError(err?.message ?? `Request failed (${res.status})`, res.status, err?.code);
  }
  return data as T;
}

function qs(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

export interface UsageFilter {
  keyId?: string;
  model?: string;
  from?: string;
  to?: string;
}

export const api = {
  meta: () => request<Meta>('GET', '/api/meta'),
  me: () => request<SessionInfo>('GET', '/api/me'),
  signup: (email: string, password: string) => request<SessionInfo>('POST', '/api/signup', { email, password }),
  login: (email: string, password: string) => request<SessionInfo>('POST', '/api/login', { email, password }),
  logout: () => request<void>('POST', '/api/logout'),
  overview: () => request<Overview>('GET', '/api/overview'),
  keys: () => request<KeysResponse>('GET', '/api/keys'),
  createKey: (input: {
    name: string;
    mode: KeyMode;
    upstreamPreset?: string;
    upstreamBaseUrl?: string;
    upstreamKey?: string;
    level?: string;
    rpm?: number;
    concurrency?: number;
  }) => request<CreatedKey>('POST', '/api/keys', input),
  revokeKey: (id: string) => request<{ key: ApiKey }>('POST', `/api/keys/${encodeURIComponent(id)}/revoke`),
  updateKey: (id: string, input: { rpm?: number; concurrency?: number; name?: string; level?: string }) =>
    request<{ key: ApiKey }>('PATCH', `/api/keys/${encodeURIComponent(id)}`, input),
  usage: (filter: UsageFilter, page: number, pageSize: number) =>
    request<UsagePage>('GET', `/api/usage${qs({ ...filter, page, pageSize })}`),
  usageCsvUrl: (filter: UsageFilter) => `/api/usage.csv${qs({ ...filter })}`,
  monthly: () => request<{ data: MonthSummary[] }>('GET', '/api/usage/monthly'),
  billing: (page = 1, pageSize = 25) => request<BillingInfo>('GET', `/api/billing${qs({ page, pageSize })}`),
  adminAccounts: () => request<{ data: AdminAccount[] }>('GET', '/api/admin/accounts'),
  adminCreateAccount: (email: string, password: string) =>
    request<{ account: AdminAccount }>('POST', '/api/admin/accounts', { email, password }),
  grantCredits: (accountId: string, usd: number, note: string) =>
    request<{ balanceUsd: number }>('POST', '/api/admin/credits', { accountId, usd, note }),
  playground: (input: { messages?: ChatMessage[]; text?: string; level: string; model: string }) =>
    request<PlaygroundResult>('POST', '/api/playground/compress', input),
};
