/** An image's size: `docker images` tables, `--format` tables, comparison tables, headings, prose. */
import { z } from 'zod'
import {
  type Check,
  dockerSize,
  fmtPct,
  parseSize,
  relativeDiffPct,
  Size,
  sizeInterval,
} from '../model/index.js'
import {
  blocked,
  defineKind,
  fail,
  Iterations,
  MEASURED,
  pass,
  sizeClaimsFor,
  versionKey,
} from './kit/index.js'
import { imageRows } from './readings/outputs.js'
import { proseItems, SIZE, sentenceNumbers } from './readings/prose.js'
import { comparisonTables } from './readings/tables.js'

const CONSISTENT = 'agrees with the other statements of the same fact'

/** Same-document statements must agree within their rounding; approximate ones within the tolerance. */
export function agree(a: Size, b: Size, tolerancePct: number): boolean {
  const [a0, a1] = sizeInterval(a, tolerancePct)
  const [b0, b1] = sizeInterval(b, tolerancePct)
  return a0 <= b1 && b0 <= a1
}

export const imageSize = defineKind({
  id: 'image-size',
  fields: {
    size: Size,
    origin: z.enum(['docker-images', 'format-table', 'comparison-table', 'heading', 'prose']),
  },

  extract(x, emit) {
    for (const row of x.read(imageRows)) {
      const it = x.iterations.byTag(row.image, row.line)
      const title = `${row.image} is ${row.size.text} (${row.origin === 'docker-images' ? 'docker images' : '--format table'})`
      emit({ line: row.line, title, ...x.about(it), image: row.image, size: row.size, origin: row.origin })
    }
    for (const { rows } of x.read(comparisonTables)) {
      for (const r of rows) {
        if (!r.size) continue
        emit({
          line: r.line,
          title: `${r.it?.tag ?? r.label} is ${r.size.text} (comparison table)`,
          quote: r.quote,
          subject: r.it?.tag ?? r.label,
          ...x.about(r.it),
          size: r.size,
          origin: 'comparison-table',
        })
      }
    }
    for (const { prose, here } of x.read(proseItems)) {
      if (prose.kind !== 'heading') continue
      const m = new RegExp(String.raw`\((${SIZE})\)`).exec(prose.text)
      const size = m?.[1] ? parseSize(m[1]) : undefined
      if (!size || !here) continue
      emit({
        line: prose.line,
        title: `${here.tag} is ${size.text} (heading)`,
        quote: prose.text,
        ...x.about(here),
        size,
        origin: 'heading',
      })
    }
    for (const { item, target, transitions } of x.read(sentenceNumbers)) {
      const baseline = x.baseline
      if (!baseline || !target) continue
      for (const t of transitions) {
        emit({
          line: item.prose.line,
          title: `${baseline.tag} is ${t.from.text} (prose)`,
          quote: t.quote,
          ...x.about(baseline),
          size: t.from,
          origin: 'prose',
        })
        if (t.under) continue
        emit({
          line: item.prose.line,
          title: `${target.tag} is ${t.to.text} (prose)`,
          quote: t.quote,
          ...x.about(target),
          size: t.to,
          origin: 'prose',
        })
      }
    }
  },

  check(claim, ctx) {
    const checks: Check[] = []
    const tol = ctx.settings.size_tolerance_pct
    if (claim.dockerfile === undefined) {
      return [blocked(CONSISTENT, `${claim.image ?? 'this image'} is not an iteration the lesson builds`)]
    }
    const key = versionKey({ dockerfile: claim.dockerfile, name: claim.image ?? '' })
    const same = (sizeClaimsFor(ctx.claims, key) as (typeof claim)[]).filter(
      (c) =>
        c !== claim &&
        // In one document two tags are two builds (another --target of the same Dockerfile, say).
        (c.image === undefined || claim.image === undefined || c.image === claim.image),
    )
    const disagree = same.filter((c) => !agree(claim.size, c.size, tol))
    if (disagree.length > 0) {
      const list = disagree.map((c) => `${c.size.text} at line ${c.source.line}`).join(', ')
      checks.push(
        fail(CONSISTENT, `says ${claim.size.text}, but the lesson also says ${list}`, {
          expected: claim.size.text,
          measured: list,
        }),
      )
    } else if (same.length > 0) {
      checks.push(
        pass(CONSISTENT, `agrees with lines ${[...new Set(same.map((c) => c.source.line))].join(', ')}`),
      )
    }
    const lesson = ctx.lesson
    const it = ctx.iterations.of(claim)
    const lit = lesson && it ? new Iterations(lesson.doc.iterations).sameVersionAs(it) : undefined
    const stated = lesson && lit ? ctx.statedSize(lit, lesson.claims) : undefined
    if (stated) {
      const diff = relativeDiffPct(claim.size.bytes, stated.size.bytes)
      const here = ctx.doc.role.replace('-', ' ')
      const both = `the ${here} says ${claim.size.text}; the lesson says ${stated.size.text} at ${ctx.where(stated.file, stated.line)}`
      checks.push(
        diff <= tol
          ? pass(CONSISTENT, `${both} (${fmtPct(diff)} apart)`)
          : fail(CONSISTENT, `${both}: ${fmtPct(diff)} apart, beyond ±${tol}%`, {
              expected: stated.size.text,
              measured: claim.size.text,
            }),
      )
    }
    return checks
  },

  measured: {
    judge(claim, ctx) {
      const r = ctx.measuredImage(ctx.iterations.of(claim))
      if (Array.isArray(r)) return r
      const bytes = r.image.size
      const diff = relativeDiffPct(bytes, claim.size.bytes)
      const tol = ctx.settings.size_tolerance_pct
      const measured = `${dockerSize(bytes)} (${bytes} bytes)`
      const more = { expected: claim.size.text, measured: dockerSize(bytes) }
      return [
        diff <= tol
          ? pass(MEASURED, `measured ${measured}, ${fmtPct(diff)} from ${claim.size.text}`, more)
          : fail(
              MEASURED,
              `measured ${measured}: ${fmtPct(diff)} from ${claim.size.text}, beyond ±${tol}%`,
              more,
            ),
      ]
    },
  },
})
