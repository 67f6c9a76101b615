/**
 * Finding the iteration a claim speaks of, in one place: by tag, by the Dockerfile, by a name a
 * table or sentence uses, by the section a build stands under, or as the same version in another
 * document of the family.
 */
import { memoize } from '../../memo.js'
import type { Iteration } from '../../model/index.js'
import { sameImage, sameImageLoosely } from './images.js'

/** Lower-case letters and digits only, without a trailing "image": "Multi-stage" → "multistage". */
export function normName(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .replace(/image$/, '')
}

/** The version part of a Dockerfile name: `Dockerfile.v2-multistage` → "multistage". */
function dockerfileName(dockerfile: string): string {
  return dockerfile.replace(/^.*Dockerfile\.?/i, '').replace(/^v\d+-?/, '')
}

const keyOf = memoize((joined: string) => {
  const [dockerfile = '', name = ''] = joined.split('\0')
  const token = /Dockerfile\.(v\d+|[a-z]+)/i.exec(dockerfile)?.[1]
  return (token ?? normName(name)).toLowerCase()
})

/**
 * What makes two documents' iterations "the same": the Dockerfile's version token
 * (`Dockerfile.v3-alpine` and `Dockerfile.v3-alpine-uv` are both "v3"), else the name.
 */
export function versionKey(it: Pick<Iteration, 'dockerfile' | 'name'>): string {
  return keyOf(`${it.dockerfile}\0${it.name}`)
}

/** The iterations of a document (or of its lesson, for a summary card), with every way to find one. */
export class Iterations {
  private readonly dockerfiles = new Map<string, Iteration[]>()

  constructor(readonly all: Iteration[]) {
    for (const it of all) {
      this.dockerfiles.set(it.dockerfile, [...(this.dockerfiles.get(it.dockerfile) ?? []), it])
    }
  }

  get first(): Iteration | undefined {
    return this.all[0]
  }

  get last(): Iteration | undefined {
    return this.all.at(-1)
  }

  /**
   * The iteration that builds this image reference (`app` means `app:latest`); a repository
   * written without its namespace (`href-counter:sdk`) finds the one namespaced build of it. A
   * lesson may build a tag more than once: at a line, the last build of it before that line (the
   * first, before any).
   */
  byTag(tag: string | undefined, line?: number): Iteration | undefined {
    if (tag === undefined) return undefined
    const exact = this.all.filter((it) => sameImage(it.tag, tag))
    if (exact.length > 0) return this.at(exact, line)
    const loose = this.all.filter((it) => sameImageLoosely(tag, it.tag))
    return new Set(loose.map((it) => it.tag)).size === 1 ? this.at(loose, line) : undefined
  }

  /** The iteration a claim speaks of: by its image, else by its Dockerfile; the one standing at its line. */
  of(claim: {
    image?: string | undefined
    dockerfile?: string | undefined
    source?: { line: number }
  }): Iteration | undefined {
    const line = claim.source?.line
    return (
      this.byTag(claim.image, line) ??
      this.at(claim.dockerfile === undefined ? [] : (this.dockerfiles.get(claim.dockerfile) ?? []), line)
    )
  }

  /** Of several builds, the last one at or before `line`; the first when none is, or no line is given. */
  private at(candidates: Iteration[], line: number | undefined): Iteration | undefined {
    if (line === undefined) return candidates[0]
    return candidates.filter((it) => it.line <= line).at(-1) ?? candidates[0]
  }

  /** The iteration a reduction's from/to names: an iteration name or its tag. */
  named(name: string): Iteration | undefined {
    return this.all.find((it) => it.name === name || it.tag === name)
  }

  /**
   * The iteration a table row or sentence names ("Naive", "Alpine + UV", "Multi-stage",
   * "task-api:slim"), matched on the image tag, the repository or the Dockerfile's version name.
   */
  matching(label: string): Iteration | undefined {
    const exact = this.byTag(label)
    if (exact) return exact
    const wanted = normName(label.replace(/\(.*\)/, ''))
    if (wanted.length < 3) return undefined
    let best: { it: Iteration; score: number } | undefined
    for (const it of this.all) {
      for (const key of [normName(it.name), normName(dockerfileName(it.dockerfile))]) {
        if (key.length < 3) continue
        const score = wanted === key ? 100 : wanted.startsWith(key) || key.startsWith(wanted) ? key.length : 0
        if (score > 0 && (!best || score > best.score)) best = { it, score }
      }
    }
    return best?.it
  }

  /**
   * The iteration built in a section (its build command stands under that heading). When the
   * section builds several, a line in it speaks of the last one built before it (the first, for
   * a line above them all).
   */
  inSection(section: string, line?: number): Iteration | undefined {
    const here = this.all.filter((it) => it.section === section)
    if (here.length < 2 || line === undefined) return here[0]
    return here.filter((it) => it.line < line).at(-1) ?? here[0]
  }

  /** The same version of `it` among these iterations (another document of its family). */
  sameVersionAs(it: Pick<Iteration, 'dockerfile' | 'name'>): Iteration | undefined {
    const key = versionKey(it)
    return this.all.find((own) => versionKey(own) === key)
  }
}
