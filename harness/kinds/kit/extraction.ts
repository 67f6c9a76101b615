import { type AnyClaim, claimKey, type Document, type Iteration } from '../../model/index.js'
import { Iterations } from './iterations.js'

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

/**
 * A claim as an extractor writes it: the line it stands on and its own fields. The rest is filled
 * in: the source, the line's text, the quote (the line's text unless the extractor names the
 * words), the subject (the image, else the Dockerfile) and the stable id.
 */
export type Draft<C> = DistributiveOmit<C, 'id' | 'source' | 'text' | 'kind' | 'quote' | 'subject'> & {
  line: number
  text?: string
  quote?: string
  subject?: string
}

/** A reading of a document that several kinds share (its sentences, its output tables…), made once. */
export type Reading<T> = (x: Extraction) => T

/** What every extractor works with: the document, the iterations its claims speak of, the output. */
export class Extraction {
  readonly claims: AnyClaim[] = []
  readonly iterations: Iterations
  private readonly readings = new Map<Reading<unknown>, unknown>()

  constructor(
    readonly doc: Document,
    /** The document's own iterations, or its lesson's for a summary card or export. */
    iterations: Iteration[],
  ) {
    this.iterations = new Iterations(iterations)
  }

  /** The first iteration: the baseline reductions are measured from. */
  get baseline(): Iteration | undefined {
    return this.iterations.first
  }

  /** The last iteration: where "the optimized image" ends up. */
  get final(): Iteration | undefined {
    return this.iterations.last
  }

  /** A shared reading of the document, made on first use. */
  read<T>(reading: Reading<T>): T {
    if (!this.readings.has(reading)) this.readings.set(reading, reading(this))
    return this.readings.get(reading) as T
  }

  /** Adds a claim of a kind (the kind's `extract` gets this bound to it as `emit`). */
  emit(kind: string, draft: Draft<AnyClaim>): void {
    const { line, text, quote, subject, ...rest } = draft
    const lineText = text ?? (this.doc.lines[line - 1] ?? '').trim()
    const fields = rest as Omit<AnyClaim, 'id' | 'source' | 'text' | 'quote' | 'subject' | 'kind'>
    const claim = {
      kind,
      ...fields,
      id: '',
      source: { file: this.doc.path, line },
      text: lineText,
      quote: (quote ?? lineText).replace(/\s+/g, ' ').trim(),
      subject: subject ?? fields.image ?? fields.dockerfile ?? '',
    } as AnyClaim
    this.claims.push(claim)
  }

  /**
   * The claims in document order, each with its stable id: its key, and `#n` for the n-th time
   * the document states the same thing.
   */
  finish(): AnyClaim[] {
    this.claims.sort((a, b) => a.source.line - b.source.line)
    const seen = new Map<string, number>()
    for (const claim of this.claims) {
      const key = claimKey(claim)
      const n = (seen.get(key) ?? 0) + 1
      seen.set(key, n)
      claim.id = n === 1 ? key : `${key} #${n}`
    }
    return this.claims
  }

  /** The image and Dockerfile fields of a claim about an iteration. */
  about(it: Iteration | undefined): { image?: string; dockerfile?: string } {
    return it ? { image: it.tag, dockerfile: it.dockerfile } : {}
  }
}
