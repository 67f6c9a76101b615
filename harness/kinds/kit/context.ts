import { basename } from 'node:path'
import { type DockerfileModel, parseDockerfile } from '../../dockerfile/index.js'
import type {
  AnyClaim,
  Check,
  Document,
  FileVersion,
  Iteration,
  IterationFacts,
  RunFacts,
  Size,
} from '../../model/index.js'
import type { Settings } from '../../settings/index.js'
import { nameOfImage, sameImageLoosely } from './images.js'
import { Iterations, versionKey } from './iterations.js'

/** The documents of one lesson (the lesson, its earlier revision, summary card, export) and their claims. */
export interface Family {
  lesson: Document | undefined
  docs: { doc: Document; claims: AnyClaim[] }[]
}

/** A size some document states for an iteration. */
export interface StatedSize {
  line: number
  size: Size
  file: string
}

/** The check name of every measured check. */
export const MEASURED = 'measured on the built image'

/**
 * What a check can see: the claim's document and its claims, the family it belongs to, the
 * lesson's settings and, in an engine run, what the run measured.
 */
export class CheckContext {
  readonly iterations: Iterations
  private familyClaimsCache: AnyClaim[] | undefined
  private readonly sharedValues = new Map<unknown, unknown>()

  constructor(
    readonly doc: Document,
    readonly claims: AnyClaim[],
    readonly family: Family,
    readonly settings: Settings,
    /** What the engine measured; absent in a static run. */
    readonly facts?: RunFacts,
  ) {
    // A summary card or export borrows its lesson's iterations.
    this.iterations = new Iterations(
      doc.iterations.length > 0 ? doc.iterations : (family.lesson?.iterations ?? []),
    )
  }

  /** The published lesson's document and claims, when this document is not it. */
  get lesson(): { doc: Document; claims: AnyClaim[] } | undefined {
    const lesson = this.family.lesson
    return lesson && lesson !== this.doc ? this.family.docs.find((d) => d.doc === lesson) : undefined
  }

  /** Claims of every document of the family, this document's first. */
  get familyClaims(): AnyClaim[] {
    this.familyClaimsCache ??= [
      this.claims,
      ...this.family.docs.filter((d) => d.doc !== this.doc).map((d) => d.claims),
    ].flat()
    return this.familyClaimsCache
  }

  /**
   * Something worked out once per document for all of its claims (a kind's grouping of them):
   * `make` runs on first use of `key`.
   */
  shared<T>(key: object, make: () => T): T {
    if (!this.sharedValues.has(key)) this.sharedValues.set(key, make())
    return this.sharedValues.get(key) as T
  }

  /** "line 12" in this document, "x.md:12" in another. */
  where(file: string, line: number): string {
    return file === this.doc.path ? `line ${line}` : `${basename(file)}:${line}`
  }

  /** The Dockerfile an iteration builds, as the document defines it there, parsed. */
  dockerfileOf(
    it: Iteration | undefined,
  ): { it: Iteration; file: FileVersion; model: DockerfileModel } | undefined {
    const file = it?.files[it.dockerfile]
    return it && file ? { it, file, model: parseDockerfile(file.content) } : undefined
  }

  /**
   * The size a document states for an iteration: its `docker images` output first, then any
   * exact statement, then an approximate one.
   */
  statedSize(it: Iteration, claims: AnyClaim[] = this.claims): StatedSize | undefined {
    const key = versionKey(it)
    // The same image (`name:1.0.0`, `name` for `name:latest`), or the same version of the lesson's
    // Dockerfile under another tag (a summary card's names).
    const similar = claims.filter(
      (c): c is AnyClaim & { size: Size; origin: string } =>
        c.kind === 'image-size' &&
        ((c.image !== undefined && sameImageLoosely(c.image, it.tag)) ||
          (c.dockerfile !== undefined &&
            versionKey({ dockerfile: c.dockerfile, name: nameOfImage(c.image ?? '') }) === key)),
    )
    // Sizes stated for this very tag first: two tags of one Dockerfile are two builds.
    const own = similar.filter((c) => c.image === it.tag)
    const sizes = own.length > 0 ? own : similar
    const exact = (c: (typeof sizes)[number]) => !c.size.approx && c.size.bound === undefined
    const pick =
      sizes.find((c) => c.origin === 'docker-images') ??
      sizes.find(exact) ??
      sizes.find((c) => c.size.bound === undefined) ??
      sizes[0]
    return pick ? { line: pick.source.line, size: pick.size, file: pick.source.file } : undefined
  }

  /** The stated size in this document, else in the published lesson. */
  statedSizeAnywhere(it: Iteration): StatedSize | undefined {
    const own = this.statedSize(it)
    if (own) return own
    const lesson = this.lesson
    const lit = lesson ? new Iterations(lesson.doc.iterations).sameVersionAs(it) : undefined
    return lesson && lit ? this.statedSize(lit, lesson.claims) : undefined
  }

  /** What the run measured of an iteration (a summary card's: its lesson's), or undefined. */
  factsOf(it: Iteration): IterationFacts | undefined {
    const own = this.facts?.iterations[this.doc.path]?.[String(it.index)]
    if (own) return own
    const lesson = this.family.lesson
    const lit = lesson ? new Iterations(lesson.iterations).sameVersionAs(it) : undefined
    return lesson && lit ? this.facts?.iterations[lesson.path]?.[String(lit.index)] : undefined
  }

  /**
   * The measured image of the iteration a claim speaks of, or the checks that say why there is
   * none (blocked when it could not be built here, failed when its build failed).
   */
  measuredImage(
    it: Iteration | undefined,
  ): (IterationFacts & { image: NonNullable<IterationFacts['image']> }) | Check[] {
    if (!it) return [{ name: MEASURED, status: 'blocked', reason: 'names no iteration the lesson builds' }]
    const r = this.factsOf(it)
    if (!r) return [{ name: MEASURED, status: 'blocked', reason: `${it.tag} was not built in this run` }]
    if (r.status === 'blocked')
      return [{ name: MEASURED, status: 'blocked', reason: r.reason ?? 'cannot be built here' }]
    if (r.status === 'build-failed')
      return [{ name: MEASURED, status: 'fail', reason: r.reason ?? `${it.dockerfile} did not build` }]
    if (!r.image) return [{ name: MEASURED, status: 'fail', reason: r.reason ?? 'no image' }]
    return r as IterationFacts & { image: NonNullable<IterationFacts['image']> }
  }
}
