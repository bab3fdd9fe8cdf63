/**
 * Errors for misuse of the library itself (API.md: thrown, never returned as errnos).
 * Each names the offending field or value and, where there is a closed set, lists it.
 */
export class VpmuLabError extends Error {
  override name = 'VpmuLabError';
}

export function unknownName(what: string, got: unknown, valid: readonly string[], plural = `${what}s`): VpmuLabError {
  return new VpmuLabError(`unknown ${what} ${JSON.stringify(got)}; valid ${plural}: ${valid.join(', ')}`);
}

export function badField(path: string, expected: string, got: unknown): VpmuLabError {
  return new VpmuLabError(`${path}: expected ${expected}, got ${JSON.stringify(got) ?? String(got)}`);
}
