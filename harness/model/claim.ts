import { z } from 'zod'
import { Source } from './document.js'
import { Size } from './units.js'

/** A size stated somewhere else that a claim derives from. */
export const SizeRef = z.object({ line: z.number().int().positive(), size: Size })
export type SizeRef = z.infer<typeof SizeRef>

/**
 * The fields every claim has, whatever its kind. A kind (harness/kinds/) adds its own fields and
 * its literal `kind`.
 */
export const ClaimBase = {
  /**
   * Stable across line moves: `<kind> <subject> «<quote>»`, with `#n` when a document states the
   * same thing more than once. Moving a paragraph keeps it; changing what the claim says changes it.
   */
  id: z.string(),
  source: Source,
  /** The document line the claim was read from, trimmed. */
  text: z.string(),
  /** What the claim quotes of the document: the words that state it. @example "62% reduction" */
  quote: z.string(),
  /** What the claim is about. @example "task-api:slim" */
  subject: z.string(),
  /** Short description used in test names and reports. */
  title: z.string(),
  /** The image (tag, or the iteration's version name) the claim speaks of. */
  image: z.string().optional(),
  /** The Dockerfile of the iteration the claim speaks of. */
  dockerfile: z.string().optional(),
}

/** A claim of any kind, as the stages that do not look at kind-specific fields see it. */
export const AnyClaim = z.looseObject({ kind: z.string(), ...ClaimBase })
export type AnyClaim = z.infer<typeof AnyClaim>

/** The key a claim is known by across runs: its kind, subject and quote, without the line. */
export function claimKey(claim: Pick<AnyClaim, 'kind' | 'subject' | 'quote'>): string {
  return `${claim.kind} ${claim.subject} «${claim.quote.replace(/\s+/g, ' ').trim()}»`
}
