/** Stage 4: claims → verdicts. Static checks here; measured checks come through `Measurements`. */
import { type Check, type Claim, type ClaimKind, type Verdict, verdictOf } from '../model/index.js'
import type { CheckContext, Measurements } from './context.js'
import { buildCommandChecks, buildStepsChecks, dockerfileChecks, practiceChecks } from './dockerfile.js'
import { contentsChecks, envChecks, healthChecks } from './image.js'
import { reductionChecks, targetChecks } from './reduction.js'
import { baseImageChecks, historyChecks, imageSizeChecks, layerChecks } from './sizes.js'
import { durationChecks, speedupChecks } from './timing.js'
import { transcriptChecks } from './transcript.js'

export {
  CheckContext,
  DEFAULT_TOLERANCES,
  type Family,
  type Measurements,
  type Tolerances,
} from './context.js'
export { contentsTarget } from './image.js'
export { reductionRange } from './reduction.js'
export { wordDiff } from './transcript.js'

/** Kinds whose truth is a fact about a built image or a run: a verdict needs a measurement. */
export const MEASURED_KINDS: ReadonlySet<ClaimKind> = new Set<ClaimKind>([
  'image-size',
  'base-image-size',
  'layer-size',
  'duration',
  'speedup',
  'health',
  'endpoint',
  'env',
  'contents',
])

function staticChecks(claim: Claim, ctx: CheckContext): Check[] {
  switch (claim.kind) {
    case 'image-size':
      return imageSizeChecks(claim, ctx)
    case 'base-image-size':
      return baseImageChecks(claim, ctx)
    case 'layer-size':
      return layerChecks(claim, ctx)
    case 'history':
      return historyChecks(claim, ctx)
    case 'reduction':
      return reductionChecks(claim, ctx)
    case 'target':
      return targetChecks(claim, ctx)
    case 'duration':
      return durationChecks(claim, ctx)
    case 'speedup':
      return speedupChecks(claim, ctx)
    case 'health':
      return healthChecks(claim, ctx)
    case 'endpoint':
      return []
    case 'env':
      return envChecks(claim, ctx)
    case 'contents':
      return contentsChecks(claim, ctx)
    case 'build-command':
      return buildCommandChecks(claim, ctx)
    case 'dockerfile':
      return dockerfileChecks(claim)
    case 'build-steps':
      return buildStepsChecks(claim, ctx)
    case 'practice':
      return practiceChecks(claim, ctx)
    case 'transcript':
      return transcriptChecks(claim, ctx)
  }
}

/** Every check of a claim, static then measured, folded into one verdict. */
export function checkClaim(claim: Claim, ctx: CheckContext): Verdict {
  return verdictOf([...staticChecks(claim, ctx), ...ctx.measurements.check(claim, ctx)])
}

/** Why a duration is never held as a number, in either kind of run. */
export const TIMINGS_NOT_MEASURED =
  'absolute timings depend on the machine and the network; lessonproof holds durations only as an order (uv faster than pip)'

/** The static run's measurements: none, so every claim that needs one is blocked, with why. */
export const staticMeasurements: Measurements = {
  check(claim) {
    if (!MEASURED_KINDS.has(claim.kind)) return []
    const name = 'measured on the built image'
    if (claim.kind === 'duration') {
      return [
        {
          name,
          status: 'blocked',
          reason: TIMINGS_NOT_MEASURED,
        },
      ]
    }
    if (claim.kind === 'base-image-size') {
      return [
        { name, status: 'blocked', reason: `needs ${claim.baseImage} pulled; this run is static (--static)` },
      ]
    }
    const what = claim.image ? `a build of ${claim.image}` : "a build of the lesson's images"
    return [{ name, status: 'blocked', reason: `needs ${what}; this run is static (--static)` }]
  },
}
