/** The reviewed ledger: claims found false in the course's lessons, each with a person's reason. */
import { readFile } from 'node:fs/promises'
import { parse } from 'yaml'
import { z } from 'zod'
import { LedgerError } from '../errors.js'

export const LedgerEntry = z.object({
  /** The claim's name exactly as `npm test` shows it: `<lesson path>:<line> <title>`. */
  claim: z.string().regex(/^\S+:\d+ .+/, 'must read "<lesson path>:<line> <claim title>"'),
  /** Why the claim is false, as reviewed. */
  reason: z.string().min(10),
})
export const Ledger = z.array(LedgerEntry)
export type LedgerEntry = z.infer<typeof LedgerEntry>

export const DEFAULT_LEDGER = 'lessonproof-ledger.yaml'

/** Reads a ledger; a missing default ledger is empty, a missing named one is an error. */
export async function loadLedger(path: string, required: boolean): Promise<LedgerEntry[]> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (cause) {
    if (!required && (cause as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw new LedgerError(`${path}: cannot read the ledger (${(cause as NodeJS.ErrnoException).code})`, {
      cause,
    })
  }
  let data: unknown
  try {
    data = parse(text) ?? []
  } catch (cause) {
    throw new LedgerError(
      `${path}: the ledger is not valid YAML: ${(cause as Error).message.split('\n')[0]}`,
      { cause },
    )
  }
  const result = Ledger.safeParse(data)
  if (!result.success) {
    const issue = result.error.issues[0]
    throw new LedgerError(
      `${path}: entry ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'is invalid'}\n  expected: a list of { claim: "<lesson path>:<line> <title>", reason: "…" }`,
      { cause: result.error },
    )
  }
  return result.data
}

/** The lesson path a ledger entry speaks of. */
export function entryPath(entry: LedgerEntry): string {
  return /^(\S+):\d+ /.exec(entry.claim)?.[1] ?? ''
}
