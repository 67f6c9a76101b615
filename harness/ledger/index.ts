/**
 * The reviewed ledger: claims found false in the course's lessons, each with a person's reason.
 * An entry names its claim by the claim's stable id (kind, subject and quoted words), so moving
 * a paragraph does not stale it; changing what the claim says does. The line is kept for people.
 */
import { readFile } from 'node:fs/promises'
import { parse } from 'yaml'
import { z } from 'zod'
import { LedgerError } from '../errors.js'

export const LedgerEntry = z.object({
  /** The document the claim is in, as the run names it. @example "lessons/multi-stage-builds.md" */
  file: z.string().min(1),
  /** The claim's stable id: `<kind> <subject> «<quote>»`, as the JSON report and `--verbose` show it. */
  claim: z.string().regex(/^\S+ .*«.*»( #\d+)?$/s, 'must read "<kind> <subject> «<quoted words>»"'),
  /** Where the claim stood when it was reviewed; for people, not used to match. */
  line: z.number().int().positive().optional(),
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
      {
        cause,
      },
    )
  }
  const result = Ledger.safeParse(data)
  if (!result.success) {
    const issue = result.error.issues[0]
    throw new LedgerError(
      `${path}: entry ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'is invalid'}\n  expected: a list of { file: "<document path>", claim: "<kind> <subject> «<quote>»", line?: N, reason: "…" }`,
      { cause: result.error },
    )
  }
  return result.data
}

/** A claim as the ledger matches it. */
export interface Ledgerable {
  file: string
  id: string
  failing: boolean
}

/**
 * Pairs entries with the claims of the documents a run verified. Returns each matched entry's
 * reason by claim (only for failing claims), and the entries that match no failing claim: the
 * claim was fixed, reworded or is gone.
 */
export function applyLedger(
  entries: LedgerEntry[],
  claims: Ledgerable[],
  verified: Set<string>,
): { reasons: Map<Ledgerable, string>; stale: LedgerEntry[] } {
  // A run has thousands of claims and a ledger a handful of entries: index the entries, and look
  // only at the claims of the files they name.
  const wanted = new Map<string, Map<string, LedgerEntry[]>>()
  for (const entry of entries) {
    if (!verified.has(entry.file)) continue
    const ids = wanted.get(entry.file) ?? new Map<string, LedgerEntry[]>()
    ids.set(entry.claim, [...(ids.get(entry.claim) ?? []), entry])
    wanted.set(entry.file, ids)
  }
  const reasons = new Map<Ledgerable, string>()
  const matched = new Set<LedgerEntry>()
  for (const claim of claims) {
    const found = wanted.get(claim.file)?.get(claim.id)
    if (!found || !claim.failing) continue
    for (const entry of found) {
      reasons.set(claim, entry.reason)
      matched.add(entry)
    }
  }
  const stale = entries.filter((e) => verified.has(e.file) && !matched.has(e))
  return { reasons, stale }
}
