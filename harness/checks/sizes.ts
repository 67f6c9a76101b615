import { basename } from 'node:path'
import { dockerSize, fmtPct, relativeDiffPct, sizeInterval, versionKey } from '../claims/index.js'
import { finalStage } from '../dockerfile/index.js'
import type { Check, ClaimOf, Size } from '../model/index.js'
import type { CheckContext } from './context.js'

const CONSISTENT = 'agrees with the other statements of the same fact'

function overlap(a: [number, number], b: [number, number]): boolean {
  return a[0] <= b[1] && b[0] <= a[1]
}

function where(ctx: CheckContext, file: string, line: number): string {
  return file === ctx.doc.path ? `line ${line}` : `${basename(file)}:${line}`
}

/** Same-document statements must agree within their rounding; approximate ones within the tolerance. */
function agree(a: Size, b: Size, tolerancePct: number): boolean {
  return overlap(sizeInterval(a, tolerancePct), sizeInterval(b, tolerancePct))
}

export function imageSizeChecks(claim: ClaimOf<'image-size'>, ctx: CheckContext): Check[] {
  const checks: Check[] = []
  const tol = ctx.tolerances.sizePct
  const key = claim.dockerfile
    ? versionKey({ dockerfile: claim.dockerfile, name: claim.image ?? '' })
    : undefined
  if (key === undefined) {
    return [
      {
        name: CONSISTENT,
        status: 'blocked',
        reason: `${claim.image ?? 'this image'} is not an iteration the lesson builds`,
      },
    ]
  }
  const same = ctx.claims.filter(
    (c): c is ClaimOf<'image-size'> =>
      c.kind === 'image-size' &&
      c !== claim &&
      c.dockerfile !== undefined &&
      versionKey({ dockerfile: c.dockerfile, name: c.image ?? '' }) === key,
  )
  const disagree = same.filter((c) => !agree(claim.size, c.size, tol))
  if (disagree.length > 0) {
    const list = disagree.map((c) => `${c.size.text} at line ${c.source.line}`).join(', ')
    checks.push({
      name: CONSISTENT,
      status: 'fail',
      reason: `says ${claim.size.text}, but the lesson also says ${list}`,
      expected: claim.size.text,
      measured: list,
    })
  } else if (same.length > 0) {
    checks.push({
      name: CONSISTENT,
      status: 'pass',
      reason: `agrees with lines ${[...new Set(same.map((c) => c.source.line))].join(', ')}`,
    })
  }
  const lesson = ctx.lesson
  const it = ctx.iterationOf(claim)
  if (lesson && it) {
    const lit = lesson.doc.iterations.find((l) => versionKey(l) === versionKey(it))
    const stated = lit ? ctx.statedSize(lit, lesson.claims) : undefined
    if (stated) {
      const diff = relativeDiffPct(claim.size.bytes, stated.size.bytes)
      const here = ctx.doc.role.replace('-', ' ')
      checks.push(
        diff <= tol
          ? {
              name: CONSISTENT,
              status: 'pass',
              reason: `the ${here} says ${claim.size.text}; the lesson says ${stated.size.text} at ${where(ctx, stated.file, stated.line)} (${fmtPct(diff)} apart)`,
            }
          : {
              name: CONSISTENT,
              status: 'fail',
              reason: `the ${here} says ${claim.size.text}; the lesson says ${stated.size.text} at ${where(ctx, stated.file, stated.line)}: ${fmtPct(diff)} apart, beyond ±${tol}%`,
              expected: stated.size.text,
              measured: claim.size.text,
            },
      )
    }
  }
  return checks
}

export function baseImageChecks(claim: ClaimOf<'base-image-size'>, ctx: CheckContext): Check[] {
  const tol = ctx.tolerances.sizePct
  const all = ctx.family.docs.flatMap(({ doc, claims }) =>
    claims
      .filter(
        (c): c is ClaimOf<'base-image-size'> =>
          c.kind === 'base-image-size' && c !== claim && c.baseImage === claim.baseImage,
      )
      .map((c) => ({ c, doc })),
  )
  if (all.length === 0) return []
  const bad = all.filter(({ c, doc }) =>
    doc === ctx.doc ? !agree(claim.size, c.size, tol) : relativeDiffPct(claim.size.bytes, c.size.bytes) > tol,
  )
  if (bad.length > 0) {
    const list = bad
      .map(({ c }) => `${c.size.text} at ${where(ctx, c.source.file, c.source.line)}`)
      .join(', ')
    return [
      {
        name: CONSISTENT,
        status: 'fail',
        reason: `says ${claim.baseImage} is ${claim.size.text}; also stated: ${list}`,
        expected: claim.size.text,
        measured: list,
      },
    ]
  }
  return [
    {
      name: CONSISTENT,
      status: 'pass',
      reason: `agrees with ${all.map(({ c }) => `${c.size.text} at ${where(ctx, c.source.file, c.source.line)}`).join(', ')}`,
    },
  ]
}

/** A COPY of a file the lesson defines: the layer is that file's size. */
export function layerChecks(claim: ClaimOf<'layer-size'>, ctx: CheckContext): Check[] {
  const copy = /^COPY\s+(?:--\S+\s+)*([^\s/][^\s]*)\s+\S+/.exec(claim.createdBy)
  const it = ctx.iterationOf(claim)
  const file = copy?.[1] && it ? it.files[copy[1]] : undefined
  if (!file) return []
  const bytes = Buffer.byteLength(`${file.content}\n`)
  const diff = relativeDiffPct(claim.size.bytes, bytes)
  const tol = Math.max(ctx.tolerances.sizePct, (claim.size.rounding / Math.max(bytes, 1)) * 100)
  const name = 'matches the size of the file the lesson defines'
  return [
    diff <= tol
      ? {
          name,
          status: 'pass',
          reason: `${file.name} as the lesson writes it (line ${file.line}) is ${bytes} bytes, ${fmtPct(diff)} from ${claim.size.text}`,
        }
      : {
          name,
          status: 'fail',
          reason: `${file.name} as the lesson writes it (line ${file.line}) is ${bytes} bytes (${dockerSize(bytes)}), not ${claim.size.text}`,
          expected: claim.size.text,
          measured: dockerSize(bytes),
        },
  ]
}

/**
 * A history's own layers (those created with the image, newer than the base) plus the base
 * image's stated size must come to the image's stated size.
 */
export function historyChecks(claim: ClaimOf<'history'>, ctx: CheckContext): Check[] {
  const name = 'layers add up to the size claimed for the image'
  const it = ctx.iterationOf(claim)
  const stated = it ? ctx.statedSizeAnywhere(it) : undefined
  if (!it || !stated)
    return [{ name, status: 'blocked', reason: `no size is stated for ${claim.image ?? 'this image'}` }]
  const history = ctx.doc.tables.find((t) => t.line === claim.source.line)
  const newest = history?.rows[0]?.cells[1]
  const own = claim.layers.filter((l) => history?.rows.find((r) => r.line === l.line)?.cells[1] === newest)
  const ownBytes = own.reduce((sum, l) => sum + l.size.bytes, 0)
  const found = ctx.dockerfileOf(it)
  const baseImage = found ? finalStage(found.model)?.image : undefined
  const baseClaim = [ctx.claims, ...ctx.family.docs.filter((d) => d.doc !== ctx.doc).map((d) => d.claims)]
    .flat()
    .find((c): c is ClaimOf<'base-image-size'> => c.kind === 'base-image-size' && c.baseImage === baseImage)
  const image = stated.size
  if (ownBytes > image.bytes + image.rounding) {
    return [
      {
        name,
        status: 'fail',
        reason: `the image's own layers alone add up to ${dockerSize(ownBytes)}, more than the ${image.text} stated at line ${stated.line}`,
        expected: image.text,
        measured: dockerSize(ownBytes),
      },
    ]
  }
  if (!baseClaim) {
    return [
      {
        name,
        status: 'blocked',
        reason: `no size is stated for the base image ${baseImage ?? '?'}, so the layers cannot be added up`,
      },
    ]
  }
  const total = ownBytes + baseClaim.size.bytes
  const diff = relativeDiffPct(total, image.bytes)
  const sum = `${own.length} layers of its own (${dockerSize(ownBytes)}) + ${baseImage} (${baseClaim.size.text}, line ${baseClaim.source.line}) = ${dockerSize(total)}`
  return [
    diff <= ctx.tolerances.sizePct
      ? {
          name,
          status: 'pass',
          reason: `${sum}, ${fmtPct(diff)} from the ${image.text} stated at line ${stated.line}`,
        }
      : {
          name,
          status: 'fail',
          reason: `${sum}, but line ${stated.line} says the image is ${image.text} (${fmtPct(diff)} apart, beyond ±${ctx.tolerances.sizePct}%)${claim.truncated || own.length < claim.layers.length ? '' : '; the output shows no base layers and no `...`'}`,
          expected: image.text,
          measured: dockerSize(total),
        },
  ]
}
