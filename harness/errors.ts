/**
 * Named errors with structured fields, so the CLI, the report and the tests can say
 * `lessons/x.md:14: what went wrong`, then what was expected, then what was found.
 */

const RECEIVED_MAX = 120

/** Shortens what was found for a message; the full value stays on the error. */
export function truncate(text: string, max = RECEIVED_MAX): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat
}

export interface DocumentErrorFields {
  file: string
  line: number
  /** What went wrong, in one sentence. */
  reason: string
  /** The shape that was expected. */
  expected?: string
  /** What was found (shortened in the message). */
  received?: string
  cause?: unknown
}

/** A lesson document lessonproof cannot read: bad YAML, an unterminated fence, a binary file… */
export class DocumentError extends Error {
  override readonly name = 'DocumentError'
  readonly file: string
  readonly line: number
  readonly reason: string
  readonly expected: string | undefined
  readonly received: string | undefined

  constructor(fields: DocumentErrorFields) {
    const parts = [`${fields.file}:${fields.line}: ${fields.reason}`]
    if (fields.expected !== undefined)
      parts.push(`  expected: ${fields.expected.replace(/\n/g, '\n            ')}`)
    if (fields.received !== undefined) parts.push(`  received: ${truncate(fields.received)}`)
    super(parts.join('\n'), fields.cause === undefined ? undefined : { cause: fields.cause })
    this.file = fields.file
    this.line = fields.line
    this.reason = fields.reason
    this.expected = fields.expected
    this.received = fields.received
  }
}

/** The command line asks for something lessonproof cannot do. Exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}

/** The reviewed ledger cannot be read. */
export class LedgerError extends Error {
  override readonly name = 'LedgerError'
}

/**
 * The Docker engine cannot be reached, or stopped answering during the run: an infrastructure
 * error, not a verdict on any lesson. Exit code 2, with its own message.
 */
export class EngineError extends Error {
  override readonly name = 'EngineError'
}
