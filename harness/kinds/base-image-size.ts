/** A base image's size, from a table or prose. @example python:3.12-slim ~150MB */
import { z } from 'zod'
import { type Check, dockerSize, fmtPct, relativeDiffPct, Size } from '../model/index.js'
import { agree } from './image-size.js'
import {
  blocked,
  defineKind,
  fail,
  MEASURED,
  normalizeRef,
  pass,
  sameImage,
  sameImageLoosely,
} from './kit/index.js'
import { imageNames } from './readings/images.js'
import { imageRows, inspectedSizes } from './readings/outputs.js'
import { sentenceNumbers } from './readings/prose.js'
import { baseImageRows } from './readings/tables.js'

const CONSISTENT = 'agrees with the other statements of the same fact'
const ACROSS = "agrees with the run's other lessons"
/** Statements of other lessons listed in a reason, at most. */
const LISTED = 3

/** The first statements of a group made in other lessons than one: enough to name in a reason. */
function firstOthers<T extends { lessonPath: string }>(group: T[], lessonPath: string): T[] {
  const out: T[] = []
  for (const e of group) {
    if (e.lessonPath !== lessonPath) out.push(e)
    if (out.length === LISTED) break
  }
  return out
}

/**
 * Whether two statements of a size in different documents are further apart than the tolerance:
 * relatively, or, for a bound ("under 6 MB"), outside it by more than the tolerance.
 */
export function apart(a: Size, b: Size, tolerancePct: number): boolean {
  if (a.bound === undefined && b.bound === undefined) return relativeDiffPct(a.bytes, b.bytes) > tolerancePct
  const widen = (s: Size): [number, number] => [
    s.bound === 'max' ? 0 : s.bytes * (1 - tolerancePct / 100),
    s.bound === 'min' ? Number.POSITIVE_INFINITY : s.bytes * (1 + tolerancePct / 100),
  ]
  const [a0, a1] = widen(a)
  const [b0, b1] = widen(b)
  return a1 < b0 || b1 < a0
}

export const baseImageSize = defineKind({
  id: 'base-image-size',
  fields: {
    baseImage: z.string(),
    size: Size,
  },

  extract(x, emit) {
    for (const row of x.read(baseImageRows)) {
      emit({
        line: row.line,
        title: `base image ${row.baseImage} is ${row.size.text}`,
        quote: row.quote,
        subject: row.baseImage,
        baseImage: row.baseImage,
        size: row.size,
      })
    }
    for (const { bases } of x.read(sentenceNumbers)) {
      for (const b of bases) {
        emit({
          line: b.line,
          title: `base image ${b.baseImage} is ${b.size.text}`,
          quote: b.quote,
          subject: b.baseImage,
          baseImage: b.baseImage,
          size: b.size,
        })
      }
    }
    // An image the document pulls or starts FROM, listed by `docker images` or inspected.
    const names = x.read(imageNames)
    const base = (ref: string) =>
      !x.iterations.byTag(ref) &&
      !names.built.some((b) => sameImageLoosely(ref, b)) &&
      names.bases.some((b) => sameImageLoosely(ref, b))
    for (const row of [...x.read(imageRows), ...x.read(inspectedSizes)]) {
      if (!base(row.image)) continue
      const how = 'origin' in row ? 'docker images' : 'docker image inspect'
      emit({
        line: row.line,
        title: `base image ${row.image} is ${row.size.text} (${how})`,
        subject: row.image,
        baseImage: row.image,
        size: row.size,
      })
    }
  },

  check(claim, ctx) {
    const tol = ctx.settings.size_tolerance_pct
    const all = ctx.family.docs.flatMap(({ doc, claims }) =>
      claims
        .filter(
          (c) => c.kind === claim.kind && c !== claim && sameImage(String(c.baseImage), claim.baseImage),
        )
        .map((c) => ({ c: c as typeof claim, doc })),
    )
    if (all.length === 0) return []
    const bad = all.filter(({ c, doc }) =>
      doc === ctx.doc ? !agree(claim.size, c.size, tol) : apart(claim.size, c.size, tol),
    )
    const list = (xs: typeof all) =>
      xs.map(({ c }) => `${c.size.text} at ${ctx.where(c.source.file, c.source.line)}`).join(', ')
    if (bad.length > 0) {
      return [
        fail(CONSISTENT, `says ${claim.baseImage} is ${claim.size.text}; also stated: ${list(bad)}`, {
          expected: claim.size.text,
          measured: list(bad),
        }),
      ]
    }
    return [pass(CONSISTENT, `agrees with ${list(all)}`)]
  },

  /** The same base image stated in two lessons of one run, beyond the tolerance. */
  acrossRun(claims) {
    const out = new Map<(typeof claims)[number]['claim'], Check[]>()
    const byImage = new Map<string, typeof claims>()
    for (const e of claims) {
      const key = normalizeRef(e.claim.baseImage)
      const group = byImage.get(key)
      if (group) group.push(e)
      else byImage.set(key, [e])
    }
    for (const group of byImage.values()) {
      const perLesson = new Map<string, number>()
      for (const e of group) perLesson.set(e.lessonPath, (perLesson.get(e.lessonPath) ?? 0) + 1)
      if (perLesson.size < 2) continue
      // Most courses state a base image the same way everywhere: then no pair needs comparing.
      const sizes = group.map((e) => e.claim.size)
      const tightest = Math.min(...group.map((e) => e.settings.size_tolerance_pct))
      const alike =
        sizes.every((s) => s.bound === undefined) &&
        Math.max(...sizes.map((s) => s.bytes)) <=
          Math.min(...sizes.map((s) => s.bytes)) * (1 + tightest / 100)
      for (const e of group) {
        const tol = e.settings.size_tolerance_pct
        const others = alike
          ? firstOthers(group, e.lessonPath)
          : group.filter((o) => o.lessonPath !== e.lessonPath)
        if (others.length === 0) continue
        const count = group.length - (perLesson.get(e.lessonPath) ?? 0)
        const bad = alike ? [] : others.filter((o) => apart(e.claim.size, o.claim.size, tol))
        const where = (xs: typeof claims, of = xs.length) =>
          xs
            .slice(0, LISTED)
            .map((o) => `${o.claim.size.text} at ${o.path}:${o.claim.source.line}`)
            .join(', ') +
          (of > Math.min(xs.length, LISTED) ? ` and ${of - Math.min(xs.length, LISTED)} more` : '')
        out.set(e.claim, [
          bad.length > 0
            ? fail(
                ACROSS,
                `says ${e.claim.baseImage} is ${e.claim.size.text}; another lesson of this run says ${where(bad)}, beyond ±${tol}%`,
                { expected: e.claim.size.text, measured: bad.map((o) => o.claim.size.text).join(', ') },
              )
            : pass(
                ACROSS,
                `${count} statement(s) in other lessons agree (${where(others.slice(0, 1), count)})`,
              ),
        ])
      }
    }
    return out
  },

  measured: {
    needs: (claim) => (claim.baseImage === 'scratch' ? [] : [{ kind: 'base-image', ref: claim.baseImage }]),
    staticReason: (claim) => `needs ${claim.baseImage} pulled; this run is static (--static)`,
    judge(claim, ctx) {
      if (claim.baseImage === 'scratch') {
        const ok = claim.size.bytes <= claim.size.rounding
        const reason = `scratch is Docker's empty image: 0 bytes, not an image to pull`
        return [ok ? pass(MEASURED, reason) : fail(MEASURED, reason)]
      }
      const found = ctx.facts?.baseImages[claim.baseImage]
      if (!found) return [blocked(MEASURED, `no iteration builds from ${claim.baseImage}`)]
      if ('missing' in found)
        return [blocked(MEASURED, `${claim.baseImage} is not available to this engine (${found.missing})`)]
      const diff = relativeDiffPct(found.size, claim.size.bytes)
      const measured = dockerSize(found.size)
      const more = { expected: claim.size.text, measured }
      return [
        diff <= ctx.settings.size_tolerance_pct
          ? pass(MEASURED, `${claim.baseImage} measures ${measured}`, more)
          : fail(
              MEASURED,
              `${claim.baseImage} measures ${measured}, ${fmtPct(diff)} from ${claim.size.text}`,
              more,
            ),
      ]
    },
  },
})
