import type { Claim, Document, Iteration } from '../model/index.js'

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

/** A claim before it gets its id and source: the extractor says the line, the rest is filled in. */
export type Draft = DistributiveOmit<Claim, 'id' | 'source' | 'text'> & { line: number; text?: string }

/** What every extractor works with: the document, the iterations its claims speak of, the output. */
export class Extraction {
  readonly claims: Claim[] = []
  private readonly perLine = new Map<string, number>()

  constructor(
    readonly doc: Document,
    /** The document's own iterations, or its lesson's for a summary card or export. */
    readonly iterations: Iteration[],
  ) {}

  /** The first iteration: the baseline reductions are measured from. */
  get baseline(): Iteration | undefined {
    return this.iterations[0]
  }

  /** The last iteration: where "the optimized image" ends up. */
  get final(): Iteration | undefined {
    return this.iterations.at(-1)
  }

  add(draft: Draft): void {
    const { line, text, ...rest } = draft
    const key = `${rest.kind}@${line}`
    const n = (this.perLine.get(key) ?? 0) + 1
    this.perLine.set(key, n)
    const claim = {
      ...rest,
      id: n === 1 ? key : `${key}#${n}`,
      source: { file: this.doc.path, line },
      text: text ?? (this.doc.lines[line - 1] ?? '').trim(),
    } as Claim
    this.claims.push(claim)
  }

  /** The image and Dockerfile fields of a claim about an iteration. */
  about(it: Iteration | undefined): { image?: string; dockerfile?: string } {
    return it ? { image: it.tag, dockerfile: it.dockerfile } : {}
  }
}
