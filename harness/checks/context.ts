import { versionKey } from '../claims/index.js'
import { type DockerfileModel, parseDockerfile } from '../dockerfile/index.js'
import type { Check, Claim, ClaimOf, Document, FileVersion, Iteration, Size } from '../model/index.js'

/** Tolerances a claim is held to. Defaults documented in the README. */
export interface Tolerances {
  /** Relative, for sizes. @default 15 */
  sizePct: number
  /** Percentage points, for reductions. @default 5 */
  reductionPts: number
}

export const DEFAULT_TOLERANCES: Tolerances = { sizePct: 15, reductionPts: 5 }

/**
 * Checks against what was measured on built images. The static run's implementation blocks
 * every claim that needs one; the engine's holds them against real builds.
 */
export interface Measurements {
  check(claim: Claim, ctx: CheckContext): Check[]
}

/** The documents of one lesson (the lesson, its earlier revision, summary card, export) and their claims. */
export interface Family {
  lesson: Document | undefined
  docs: { doc: Document; claims: Claim[] }[]
}

/** What a check can see: the claim's document, the lesson it belongs to, and the run's settings. */
export class CheckContext {
  constructor(
    readonly doc: Document,
    readonly claims: Claim[],
    readonly family: Family,
    readonly tolerances: Tolerances,
    readonly measurements: Measurements,
  ) {}

  /** The published lesson's document and claims, when this document is not it. */
  get lesson(): { doc: Document; claims: Claim[] } | undefined {
    const lesson = this.family.lesson
    return lesson && lesson !== this.doc ? this.family.docs.find((d) => d.doc === lesson) : undefined
  }

  /** Iterations this document's claims speak of (a summary card borrows its lesson's). */
  get iterations(): Iteration[] {
    return this.doc.iterations.length > 0 ? this.doc.iterations : (this.family.lesson?.iterations ?? [])
  }

  iterationOf(
    claim: { image?: string | undefined; dockerfile?: string | undefined },
    iterations = this.iterations,
  ) {
    return (
      iterations.find((it) => it.tag === claim.image) ??
      iterations.find((it) => it.dockerfile === claim.dockerfile)
    )
  }

  /** The Dockerfile an iteration builds, as the lesson defines it there, parsed. */
  dockerfileOf(
    it: Iteration | undefined,
  ): { it: Iteration; file: FileVersion; model: DockerfileModel } | undefined {
    const file = it?.files[it.dockerfile]
    return it && file ? { it, file, model: parseDockerfile(file.content) } : undefined
  }

  /** The iteration named by a reduction's from/to (an iteration name or a table label). */
  iterationNamed(name: string, iterations = this.iterations): Iteration | undefined {
    return iterations.find((it) => it.name === name || it.tag === name)
  }

  /**
   * The size a document states for an iteration: its `docker images` output first, then any
   * exact statement, then an approximate one.
   */
  statedSize(
    it: Iteration,
    claims: Claim[] = this.claims,
  ): { line: number; size: Size; file: string } | undefined {
    const key = versionKey(it)
    const sizes = claims.filter(
      (c): c is ClaimOf<'image-size'> =>
        c.kind === 'image-size' &&
        c.dockerfile !== undefined &&
        versionKey({ dockerfile: c.dockerfile, name: c.image ?? '' }) === key,
    )
    const pick =
      sizes.find((c) => c.origin === 'docker-images') ?? sizes.find((c) => !c.size.approx) ?? sizes[0]
    return pick ? { line: pick.source.line, size: pick.size, file: pick.source.file } : undefined
  }

  /** The stated size in this document, else in the published lesson. */
  statedSizeAnywhere(it: Iteration) {
    const own = this.statedSize(it)
    if (own) return own
    const lesson = this.lesson
    const lit = lesson ? lesson.doc.iterations.find((l) => versionKey(l) === versionKey(it)) : undefined
    return lesson && lit ? this.statedSize(lit, lesson.claims) : undefined
  }
}
