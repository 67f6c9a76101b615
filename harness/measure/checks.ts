import type { CheckContext, Measurements } from '../checks/index.js'
import { contentsTarget, TIMINGS_NOT_MEASURED } from '../checks/index.js'
import { dockerSize, fmtPct, relativeDiffPct, versionKey } from '../claims/index.js'
import { binaryPaths } from '../engine/index.js'
import type { Check, Claim, ClaimOf, Iteration } from '../model/index.js'
import type { IterationResult } from './run.js'

const NAME = 'measured on the built image'

/** `docker history` CREATED BY, as BuildKit and the classic builder both print it, reduced to the instruction. */
export function normalizeCreatedBy(text: string): string {
  return (
    text
      .replace(/^\/bin\/sh -c #\(nop\)\s+/, '')
      .replace(/^\/bin\/sh -c /, 'RUN ')
      .replace(/^\|\d+ (\S+=\S+ )+/, '')
      .replace(/^RUN \/bin\/sh -c /, 'RUN ')
      .replace(/\s*# buildkit$/, '')
      // The classic builder names a copied file by a hash of its tar entry (mtime included): not comparable.
      .replace(/^(COPY|ADD) (file|dir|multi):[0-9a-f]+/, '$1 $2')
      .replace(/^(COPY|ADD) --from=\S+ /, '$1 ')
      .replace(/\s+/g, ' ')
      .replace(/["']/g, '')
      .trim()
  )
}

/**
 * Pairs the rows of a `docker history` output with the built image's layers, in order (both
 * list the newest first): each row takes the next layer whose CREATED BY it starts with, so
 * repeated or empty CREATED BY texts (an imported base layer) pair up by position.
 */
export function alignHistory(
  history: ClaimOf<'history'>,
  layers: { createdBy: string; size: number }[],
): Map<number, { createdBy: string; size: number }> {
  const paired = new Map<number, { createdBy: string; size: number }>()
  let next = 0
  for (const row of history.layers) {
    const wanted = normalizeCreatedBy(row.createdBy).replace(/(\.\.\.|…)$/, '')
    for (let i = next; i < layers.length; i++) {
      const have = normalizeCreatedBy(layers[i]?.createdBy ?? '')
      if (wanted === '' ? have === '' : have.startsWith(wanted)) {
        paired.set(row.line, layers[i] as { createdBy: string; size: number })
        next = i + 1
        break
      }
    }
  }
  return paired
}

function blocked(reason: string): Check[] {
  return [{ name: NAME, status: 'blocked', reason }]
}

/** Holds claims against what was measured on the images this run built. */
export class EngineMeasurements implements Measurements {
  constructor(
    /** Per document path, per iteration tag. */
    private readonly results: Map<string, Map<string, IterationResult>>,
    /** Base images' sizes, or why they could not be had. */
    private readonly bases: Map<string, { size: number } | { missing: string }>,
  ) {}

  /** The measured result of the iteration a claim speaks of (a summary card's: its lesson's). */
  private resultFor(ctx: CheckContext, it: Iteration): IterationResult | undefined {
    const own = this.results.get(ctx.doc.path)?.get(it.tag)
    if (own) return own
    const lesson = ctx.family.lesson
    const lit = lesson?.iterations.find((l) => versionKey(l) === versionKey(it))
    return lesson && lit ? this.results.get(lesson.path)?.get(lit.tag) : undefined
  }

  /** The measured image, or the checks that say why there is none. */
  private imageOf(ctx: CheckContext, it: Iteration | undefined): IterationResult | Check[] {
    if (!it) return blocked('names no iteration the lesson builds')
    const r = this.resultFor(ctx, it)
    if (!r) return blocked(`${it.tag} was not built in this run`)
    if (r.status === 'blocked') return blocked(r.reason ?? 'cannot be built here')
    if (r.status === 'build-failed')
      return [{ name: NAME, status: 'fail', reason: r.reason ?? `${it.dockerfile} did not build` }]
    if (!r.image) return [{ name: NAME, status: 'fail', reason: r.reason ?? 'no image' }]
    return r
  }

  check(claim: Claim, ctx: CheckContext): Check[] {
    switch (claim.kind) {
      case 'image-size':
        return this.size(claim, ctx)
      case 'reduction':
        return this.reduction(claim, ctx)
      case 'layer-size':
        return this.layer(claim, ctx)
      case 'base-image-size':
        return this.base(claim, ctx)
      case 'health':
        return this.health(claim, ctx)
      case 'endpoint':
        return this.endpoint(claim, ctx)
      case 'env':
        return this.env(claim, ctx)
      case 'contents':
        return this.contents(claim, ctx)
      case 'duration':
        return blocked(TIMINGS_NOT_MEASURED)
      case 'speedup':
        return blocked(
          'lessonproof does not time individual build steps, so the order of two installs is not measured',
        )
      default:
        return []
    }
  }

  private size(claim: ClaimOf<'image-size'>, ctx: CheckContext): Check[] {
    const r = this.imageOf(ctx, ctx.iterationOf(claim))
    if (Array.isArray(r)) return r
    const bytes = r.image?.size ?? 0
    const diff = relativeDiffPct(bytes, claim.size.bytes)
    const tol = ctx.tolerances.sizePct
    const measured = `${dockerSize(bytes)} (${bytes} bytes)`
    return [
      diff <= tol
        ? {
            name: NAME,
            status: 'pass',
            reason: `measured ${measured}, ${fmtPct(diff)} from ${claim.size.text}`,
            expected: claim.size.text,
            measured: dockerSize(bytes),
          }
        : {
            name: NAME,
            status: 'fail',
            reason: `measured ${measured}: ${fmtPct(diff)} from ${claim.size.text}, beyond ±${tol}%`,
            expected: claim.size.text,
            measured: dockerSize(bytes),
          },
    ]
  }

  private reduction(claim: ClaimOf<'reduction'>, ctx: CheckContext): Check[] {
    const from = this.imageOf(ctx, ctx.iterationNamed(claim.from))
    if (Array.isArray(from)) return from.map((c) => ({ ...c, reason: `${claim.from}: ${c.reason}` }))
    const to = this.imageOf(ctx, ctx.iterationNamed(claim.to))
    if (Array.isArray(to)) return to.map((c) => ({ ...c, reason: `${claim.to}: ${c.reason}` }))
    const a = from.image?.size ?? 0
    const b = to.image?.size ?? 0
    const measured = (1 - b / a) * 100
    const diff = Math.abs(measured - claim.percent.value)
    const tol = ctx.tolerances.reductionPts
    const basis = `measured ${dockerSize(a)} → ${dockerSize(b)}: ${fmtPct(measured)}`
    return [
      diff <= tol
        ? {
            name: NAME,
            status: 'pass',
            reason: `${basis}, within ±${tol} points of ${claim.percent.text}`,
            expected: claim.percent.text,
            measured: fmtPct(measured),
          }
        : {
            name: NAME,
            status: 'fail',
            reason: `${basis}, ${diff.toFixed(1)} points from ${claim.percent.text} (tolerance ±${tol})`,
            expected: claim.percent.text,
            measured: fmtPct(measured),
          },
    ]
  }

  private layer(claim: ClaimOf<'layer-size'>, ctx: CheckContext): Check[] {
    const r = this.imageOf(ctx, ctx.iterationOf(claim))
    if (Array.isArray(r)) return r
    const history = ctx.claims.find(
      (c): c is ClaimOf<'history'> =>
        c.kind === 'history' && c.layers.some((l) => l.line === claim.source.line),
    )
    const layer = history ? alignHistory(history, r.image?.layers ?? []).get(claim.source.line) : undefined
    if (!layer) {
      return blocked(
        `no layer of the built image matches "${claim.createdBy}" (it may come from a base image this run replaced)`,
      )
    }
    const diff = relativeDiffPct(layer.size, claim.size.bytes)
    // Small layers: a few hundred bytes either way is within what the text can round to.
    const ok =
      diff <= ctx.tolerances.sizePct ||
      Math.abs(layer.size - claim.size.bytes) <= Math.max(claim.size.rounding, 512)
    const measured = dockerSize(layer.size)
    return [
      ok
        ? {
            name: NAME,
            status: 'pass',
            reason: `the layer measures ${measured}`,
            expected: claim.size.text,
            measured,
          }
        : {
            name: NAME,
            status: 'fail',
            reason: `the layer measures ${measured}, not ${claim.size.text} (${fmtPct(diff)} apart)`,
            expected: claim.size.text,
            measured,
          },
    ]
  }

  private base(claim: ClaimOf<'base-image-size'>, ctx: CheckContext): Check[] {
    if (claim.baseImage === 'scratch') {
      const ok = claim.size.bytes <= claim.size.rounding
      return [
        {
          name: NAME,
          status: ok ? 'pass' : 'fail',
          reason: `scratch is Docker's empty image: 0 bytes, not an image to pull`,
        },
      ]
    }
    const found = this.bases.get(claim.baseImage)
    if (!found) return blocked(`no iteration builds from ${claim.baseImage}`)
    if ('missing' in found)
      return blocked(`${claim.baseImage} is not available to this engine (${found.missing})`)
    const diff = relativeDiffPct(found.size, claim.size.bytes)
    const tol = ctx.tolerances.sizePct
    const measured = dockerSize(found.size)
    return [
      diff <= tol
        ? {
            name: NAME,
            status: 'pass',
            reason: `${claim.baseImage} measures ${measured}`,
            expected: claim.size.text,
            measured,
          }
        : {
            name: NAME,
            status: 'fail',
            reason: `${claim.baseImage} measures ${measured}, ${fmtPct(diff)} from ${claim.size.text}`,
            expected: claim.size.text,
            measured,
          },
    ]
  }

  /** Iterations whose build copies the app version a route or body was read from. */
  private runsOf(ctx: CheckContext, file: string | undefined, fileLine: number | undefined): Iteration[] {
    if (fileLine === undefined) return ctx.iterations
    return ctx.iterations.filter((it) =>
      Object.values(it.files).some((f) => f.line === fileLine && (!file || f.name === file)),
    )
  }

  private health(claim: ClaimOf<'health'>, ctx: CheckContext): Check[] {
    const iterations = this.runsOf(ctx, undefined, claim.fileLine)
    const want = JSON.stringify(claim.body)
    const checks: Check[] = []
    for (const it of iterations) {
      const r = this.imageOf(ctx, it)
      if (Array.isArray(r)) {
        checks.push(...r.map((c) => ({ ...c, reason: `${it.tag}: ${c.reason}` })))
        continue
      }
      if (!r.health) {
        checks.push({
          name: NAME,
          status: 'fail',
          reason: r.reason ?? `${it.tag} never answered ${claim.path}`,
        })
        continue
      }
      const got = JSON.stringify(r.health.body)
      checks.push(
        got === want
          ? { name: NAME, status: 'pass', reason: `${it.tag} answers ${got}` }
          : {
              name: NAME,
              status: 'fail',
              reason: `${it.tag} answers ${got}, not ${want}`,
              expected: want,
              measured: got,
            },
      )
    }
    return checks.length > 0 ? checks : blocked('no iteration of the lesson runs this app')
  }

  private endpoint(claim: ClaimOf<'endpoint'>, ctx: CheckContext): Check[] {
    const checks: Check[] = []
    for (const it of this.runsOf(ctx, claim.file, claim.fileLine)) {
      const r = this.imageOf(ctx, it)
      if (Array.isArray(r)) {
        checks.push(...r.map((c) => ({ ...c, reason: `${it.tag}: ${c.reason}` })))
        continue
      }
      const hit = r.endpoints?.find((e) => e.method === claim.method && e.path === claim.path)
      if (!hit) {
        checks.push({
          name: NAME,
          status: 'fail',
          reason: r.reason ?? `${it.tag}: ${claim.method} ${claim.path} was not reached`,
        })
        continue
      }
      checks.push(
        hit.ok
          ? { name: NAME, status: 'pass', reason: `${it.tag}: ${claim.method} ${hit.url} → ${hit.status}` }
          : {
              name: NAME,
              status: 'fail',
              reason: `${it.tag}: ${claim.method} ${hit.url} → ${hit.status || 'no answer'}`,
              measured: String(hit.status),
            },
      )
    }
    return checks.length > 0 ? checks : blocked('no iteration of the lesson runs this app')
  }

  private env(claim: ClaimOf<'env'>, ctx: CheckContext): Check[] {
    const r = this.imageOf(ctx, ctx.iterationOf(claim))
    if (Array.isArray(r)) return r
    const value = r.image?.env[claim.name]
    if (value === undefined) {
      return [
        {
          name: NAME,
          status: 'fail',
          reason: `the built image's environment has no ${claim.name}`,
          expected: `${claim.name}=${claim.value}`,
          measured: 'not set',
        },
      ]
    }
    // A value that refers to another variable ($PATH) is held only to being set.
    const same = claim.value.includes('$') || value === claim.value
    return [
      same
        ? { name: NAME, status: 'pass', reason: `the built image has ${claim.name}=${value}` }
        : {
            name: NAME,
            status: 'fail',
            reason: `the built image has ${claim.name}=${value}`,
            expected: claim.value,
            measured: value,
          },
    ]
  }

  private contents(claim: ClaimOf<'contents'>, ctx: CheckContext): Check[] {
    const target = contentsTarget(claim.item)
    if (!target) return blocked(`"${claim.item}" is not a file or tool lessonproof can look for`)
    const r = this.imageOf(ctx, ctx.iterationOf(claim))
    if (Array.isArray(r)) return r
    const paths = target.kind === 'binary' ? binaryPaths(target.name) : [target.name]
    const found = paths.filter((p) => r.paths?.[p] === true)
    const looked = paths.filter((p) => r.paths?.[p] !== undefined)
    if (looked.length === 0) return blocked(`${claim.item} was not looked for in this run`)
    return [
      found.length === 0
        ? { name: NAME, status: 'pass', reason: `none of ${looked.join(', ')} is in the image` }
        : {
            name: NAME,
            status: 'fail',
            reason: `the built image has ${found.join(', ')}`,
            expected: `no ${claim.item}`,
            measured: found.join(', '),
          },
    ]
  }
}
