// The one error type of secrets/: messages name the problem and the fix, never a key or plaintext.
export class SecretsError extends Error {
  override name = 'SecretsError';
}
