// Errors of accounts/: one class with a code the gateway and the CLI map to a status / exit code.
// Messages explain what was wrong with the input and never contain a key, password or upstream key.
export type AccountsErrorCode = 'invalid_input' | 'not_found' | 'conflict' | 'limit_reached';

export class AccountsError extends Error {
  override name = 'AccountsError';
  constructor(
    readonly code: AccountsErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export const invalidInput = (message: string) => new AccountsError('invalid_input', message);
export const notFound = (message: string) => new AccountsError('not_found', message);
