/**
 * Named errors of drift detection. Each carries a `code` the CLI maps to an exit status, and
 * the fields a message is made of, so a report can say per image why it could not be resolved.
 */

export type DriftErrorCode =
  | 'invalid-reference'
  | 'registry-unreachable'
  | 'tag-not-found'
  | 'unauthorized'
  | 'platform-not-found'
  | 'registry-error'
  | 'baseline-missing'
  | 'baseline-version'
  | 'baseline-invalid'

/** The base of every drift error: `code` says which, the message says it in words. */
export abstract class DriftError extends Error {
  abstract readonly code: DriftErrorCode
}

/** A string that is not an image reference in Docker's grammar. */
export class ImageReferenceError extends DriftError {
  override readonly name = 'ImageReferenceError'
  readonly code = 'invalid-reference'
  constructor(
    readonly reference: string,
    readonly reason: string,
    cause?: unknown,
  ) {
    super(`'${reference}' is not an image reference: ${reason}`, cause === undefined ? undefined : { cause })
  }
}

/** The registry did not answer at all: refused, no such host, timed out. */
export class RegistryUnreachableError extends DriftError {
  override readonly name = 'RegistryUnreachableError'
  readonly code = 'registry-unreachable'
  constructor(
    readonly reference: string,
    /** Where lessonproof tried: the registry's base URL, or the engine that asked it. */
    readonly address: string,
    readonly reason: string,
    cause?: unknown,
  ) {
    super(
      `${reference}: registry unreachable at ${address}: ${reason}`,
      cause === undefined ? undefined : { cause },
    )
  }
}

/** The registry answered that the repository or the tag does not exist (404). */
export class TagNotFoundError extends DriftError {
  override readonly name = 'TagNotFoundError'
  readonly code = 'tag-not-found'
  constructor(
    readonly reference: string,
    readonly address: string,
    readonly reason: string,
  ) {
    super(`${reference}: not found at ${address}: ${reason}`)
  }
}

/** The registry refused the request, also after its token challenge was answered. */
export class UnauthorizedError extends DriftError {
  override readonly name = 'UnauthorizedError'
  readonly code = 'unauthorized'
  constructor(
    readonly reference: string,
    readonly address: string,
    readonly reason: string,
  ) {
    super(`${reference}: unauthorized at ${address}: ${reason}`)
  }
}

/** The reference names an index that holds no manifest for the wanted platform. */
export class PlatformNotFoundError extends DriftError {
  override readonly name = 'PlatformNotFoundError'
  readonly code = 'platform-not-found'
  constructor(
    readonly reference: string,
    readonly platform: string,
    /** The platforms the index lists. */
    readonly available: string[],
  ) {
    super(
      `${reference}: no manifest for ${platform}; the index lists ${available.join(', ') || 'no platform'}`,
    )
  }
}

/** Any other answer lessonproof cannot use: a 5xx, a body that is not a manifest, a digest that does not match. */
export class RegistryError extends DriftError {
  override readonly name = 'RegistryError'
  readonly code = 'registry-error'
  constructor(
    readonly reference: string,
    readonly address: string,
    readonly reason: string,
    readonly status?: number,
    cause?: unknown,
  ) {
    super(`${reference}: ${address}: ${reason}`, cause === undefined ? undefined : { cause })
  }
}

/** No baseline file where one was expected. */
export class BaselineMissingError extends DriftError {
  override readonly name = 'BaselineMissingError'
  readonly code = 'baseline-missing'
  constructor(readonly file: string) {
    super(`${file}: no baseline here; write one first (lessonproof verify --write-baseline)`)
  }
}

/** A baseline written by another version of its schema. */
export class BaselineVersionError extends DriftError {
  override readonly name = 'BaselineVersionError'
  readonly code = 'baseline-version'
  constructor(
    readonly file: string,
    /** The version the file declares, or undefined when it declares none. */
    readonly found: unknown,
    readonly expected: number,
  ) {
    const which =
      typeof found === 'number' && found > expected
        ? `written by a newer lessonproof (baseline version ${found})`
        : found === undefined
          ? 'has no baseline version (written before versions were recorded)'
          : `written by an older lessonproof (baseline version ${JSON.stringify(found)})`
    super(
      `${file}: ${which}\n  expected: baseline version ${expected}\n  write it again with this lessonproof; the file was left as it is`,
    )
  }
}

/** A baseline file that is not JSON or does not match its schema. */
export class BaselineInvalidError extends DriftError {
  override readonly name = 'BaselineInvalidError'
  readonly code = 'baseline-invalid'
  constructor(
    readonly file: string,
    readonly reason: string,
    cause?: unknown,
  ) {
    super(`${file}: not a valid baseline: ${reason}`, cause === undefined ? undefined : { cause })
  }
}
