/**
 * An image's size: `docker images` tables of every layout, `--format` tables, `docker image
 * inspect` JSON, comparison tables, headings, prose ("your image is 880MB in size",
 * "1.21GB → 115MB"). Sizes of images the document pulls or starts FROM are base images' sizes
 * (base-image-size), not these.
 */
import { z } from 'zod'
import { finalStage, parseDockerfile, stageNamed } from '../dockerfile/index.js'
import {
  type AnyClaim,
  type Check,
  type Document,
  dockerSize,
  type FileVersion,
  fmtPct,
  parseSize,
  relativeDiffPct,
  Size,
  sizeInterval,
} from '../model/index.js'
import {
  blocked,
  type CheckContext,
  defineKind,
  fail,
  Iterations,
  MEASURED,
  normalizeRef,
  pass,
  sameImage,
  sameImageLoosely,
  versionKey,
} from './kit/index.js'
import { imageNames } from './readings/images.js'
import { imageRows, inspectedSizes } from './readings/outputs.js'
import { proseItems, SIZE, sentenceNumbers, subjectFields } from './readings/prose.js'
import { comparisonTables } from './readings/tables.js'

const CONSISTENT = 'agrees with the other statements of the same fact'
const NOT_BELOW_BASE = 'is not smaller than its base image'
const MADE = 'a command in the document builds or pulls it'

/** Same-document statements must agree within their rounding; approximate ones within the tolerance. */
export function agree(a: Size, b: Size, tolerancePct: number): boolean {
  const [a0, a1] = sizeInterval(a, tolerancePct)
  const [b0, b1] = sizeInterval(b, tolerancePct)
  return a0 <= b1 && b0 <= a1
}

/** A Dockerfile version no build shown uses, that a size speaks of. */
const Version = z.object({ file: z.string(), line: z.number().int().positive() })

type SizeClaim = AnyClaim & { size: Size; version?: { file: string; line: number } | undefined }

/** Whether two size claims speak of the same image: the same version, tag, or iteration's version. */
export function sameSized(a: SizeClaim, b: SizeClaim): boolean {
  if (a.version || b.version)
    return a.version?.file === b.version?.file && a.version?.line === b.version?.line
  if (a.dockerfile !== undefined && b.dockerfile !== undefined)
    return (
      versionKey({ dockerfile: a.dockerfile, name: a.image ?? '' }) ===
        versionKey({ dockerfile: b.dockerfile, name: b.image ?? '' }) ||
      (a.image !== undefined && b.image !== undefined && sameImage(a.image, b.image))
    )
  if (a.image !== undefined && b.image !== undefined)
    return sameImageLoosely(a.image, b.image) || sameImageLoosely(b.image, a.image)
  return false
}

/** The image a Dockerfile's final stage starts from, through the stages it names. */
export function baseImageOf(content: string): string | undefined {
  const model = parseDockerfile(content)
  let stage = finalStage(model)
  for (let hops = 0; stage && hops < model.stages.length; hops++) {
    const earlier = stageNamed(model, stage.image, stage.index)
    if (!earlier) break
    stage = earlier
  }
  const image = stage?.image
  return image && !image.includes('$') ? image : undefined
}

/** The Dockerfile version a size claim's image is built from, as the document defines it. */
function versionOf(claim: SizeClaim, ctx: CheckContext, doc: Document): FileVersion | undefined {
  if (claim.version) return doc.files.find((f) => f.line === claim.version?.line)
  const it = ctx.iterations.of(claim)
  return it?.files[it.dockerfile]
}

export const imageSize = defineKind({
  id: 'image-size',
  fields: {
    size: Size,
    origin: z.enum(['docker-images', 'format-table', 'inspect', 'comparison-table', 'heading', 'prose']),
    /** The Dockerfile version the size is of, when the document shows no build of it. */
    version: Version.optional(),
    /** For a listed image: whether a command of the document builds it (`built`) or nothing makes it. */
    made: z.enum(['built', 'unknown', 'nowhere']).optional(),
  },

  extract(x, emit) {
    const names = x.read(imageNames)
    const isBase = (ref: string) =>
      !x.iterations.byTag(ref) &&
      !names.built.some((b) => sameImageLoosely(ref, b)) &&
      names.bases.some((b) => sameImageLoosely(ref, b))
    // An image made some way lessonproof does not follow (compose, `docker load`, a commit).
    const otherMaker = x.doc.commands.some((c) =>
      /\b(?:docker[\s-]+compose\s+(?:up|build)|docker-compose\s+(?:up|build)|docker\s+(?:load|commit|import)|buildx\s+bake)\b/.test(
        c.text,
      ),
    )
    for (const row of x.read(imageRows)) {
      if (isBase(row.image)) continue
      const it = x.iterations.byTag(row.image, row.line)
      const built = it !== undefined || names.built.some((b) => sameImageLoosely(row.image, b))
      const title = `${row.image} is ${row.size.text} (${row.origin === 'docker-images' ? 'docker images' : '--format table'})`
      emit({
        line: row.line,
        title,
        ...x.about(it),
        image: row.image,
        size: row.size,
        origin: row.origin,
        made: built ? 'built' : otherMaker ? 'unknown' : 'nowhere',
      })
    }
    for (const inspected of x.read(inspectedSizes)) {
      if (isBase(inspected.image)) continue
      const it = x.iterations.byTag(inspected.image)
      emit({
        line: inspected.line,
        title: `${inspected.image} is ${inspected.size.text} (docker image inspect)`,
        ...x.about(it),
        image: inspected.image,
        size: inspected.size,
        origin: 'inspect',
      })
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
    for (const { item, transitions, images } of x.read(sentenceNumbers)) {
      const stated = [
        ...transitions.flatMap((t) => [
          ...(t.fromSubject ? [{ subject: t.fromSubject, size: t.from, quote: t.quote, line: t.line }] : []),
          ...(t.under || !t.toSubject
            ? []
            : [{ subject: t.toSubject, size: t.to, quote: t.quote, line: t.line }]),
        ]),
        ...images,
      ]
      for (const s of stated) {
        const { name, ...fields } = subjectFields(s.subject)
        emit({
          line: s.line,
          title: `${fields.subject} is ${s.size.text} (${item.output ? 'output' : 'prose'})`,
          quote: s.quote,
          ...fields,
          size: s.size,
          origin: 'prose',
        })
      }
    }
  },

  check(claim, ctx) {
    const checks: Check[] = []
    const tol = ctx.settings.size_tolerance_pct
    if (claim.made === 'nowhere') {
      checks.push(
        fail(
          MADE,
          `the output lists ${claim.image}, but no command in the document builds, tags or pulls it`,
          {
            expected: `a docker build -t ${claim.image} or docker pull before line ${claim.source.line}`,
            measured: 'none',
          },
        ),
      )
    }
    const same = sameSizedOf(ctx).get(claim) ?? []
    if (claim.dockerfile === undefined && claim.version === undefined && same.length === 0) {
      const below = belowBase(claim, ctx)
      return [
        ...checks,
        ...below,
        blocked(CONSISTENT, `${claim.image ?? 'this image'} is not an iteration the lesson builds`),
      ]
    }
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
    checks.push(...belowBase(claim, ctx))
    return checks
  },

  measured: {
    judge(claim, ctx) {
      if (claim.version)
        return [blocked(MEASURED, `no build of ${claim.subject} is shown, so there is no image to measure`)]
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

/**
 * Each size claim of the document with the others that speak of the same image, worked out once
 * per document: the keys each comparison needs are made once per claim.
 */
const SAME = {}
function sameSizedOf(ctx: CheckContext): Map<AnyClaim, SizeClaim[]> {
  return ctx.shared(SAME, () => {
    const sized = ctx.claims.filter((c): c is SizeClaim => c.kind === 'image-size')
    const keys = sized.map((c) => ({
      claim: c,
      version: c.version ? `${c.version.file}\0${c.version.line}` : undefined,
      key:
        c.dockerfile === undefined
          ? undefined
          : versionKey({ dockerfile: c.dockerfile, name: c.image ?? '' }),
      image: c.image === undefined ? undefined : normalizeRef(c.image),
    }))
    const out = new Map<AnyClaim, SizeClaim[]>()
    for (const a of keys) {
      const same: SizeClaim[] = []
      for (const b of keys) {
        if (a === b) continue
        const hit =
          a.version !== undefined || b.version !== undefined
            ? a.version === b.version
            : a.key !== undefined && b.key !== undefined
              ? // Two tags of one Dockerfile are two builds (another --target, say), and one tag built
                // from two Dockerfiles is two images (a rebuild later in the lesson).
                a.key === b.key && (a.image === undefined || b.image === undefined || a.image === b.image)
              : a.image !== undefined &&
                b.image !== undefined &&
                (a.image === b.image || sameSized(a.claim, b.claim))
        if (hit) same.push(b.claim)
      }
      out.set(a.claim, same)
    }
    return out
  })
}

/** The family's base image statements by image, gathered once per document. */
const BASES = {}
function baseStatementsOf(ctx: CheckContext): Map<string, (SizeClaim & { baseImage: string })[]> {
  return ctx.shared(BASES, () => {
    const out = new Map<string, (SizeClaim & { baseImage: string })[]>()
    for (const c of ctx.familyClaims) {
      if (c.kind !== 'base-image-size' || typeof c.baseImage !== 'string') continue
      const key = normalizeRef(c.baseImage)
      const list = out.get(key)
      if (list) list.push(c as SizeClaim & { baseImage: string })
      else out.set(key, [c as SizeClaim & { baseImage: string }])
    }
    return out
  })
}

/**
 * An image holds its base image's layers, so it cannot be smaller than the size the documents
 * state for that base: "~400MB" built FROM python:3.12 when python:3.12 is "880MB".
 */
function belowBase(claim: SizeClaim, ctx: CheckContext): Check[] {
  const version = versionOf(claim, ctx, ctx.doc)
  const base = version ? baseImageOf(version.content) : undefined
  if (!base || version?.templates?.length) return []
  const statements = baseStatementsOf(ctx).get(normalizeRef(base)) ?? []
  const tol = ctx.settings.size_tolerance_pct
  const [, hi] = sizeInterval(claim.size, tol)
  const larger = statements.find((b) => sizeInterval(b.size, tol)[0] > hi)
  if (larger) {
    return [
      fail(
        NOT_BELOW_BASE,
        `says ${claim.size.text}, but it is built FROM ${base} (${version?.name} at line ${version?.line}), which ${ctx.where(larger.source.file, larger.source.line)} states as ${larger.size.text}: an image holds its base image's layers`,
        { expected: `at least ${larger.size.text}`, measured: claim.size.text },
      ),
    ]
  }
  const [first] = statements
  if (!first) return []
  const more = statements.length > 1 ? ` and ${statements.length - 1} more time(s)` : ''
  return [
    pass(
      NOT_BELOW_BASE,
      `${base} is stated as ${first.size.text} (${ctx.where(first.source.file, first.source.line)})${more}`,
    ),
  ]
}
