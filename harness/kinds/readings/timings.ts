/**
 * Which tool a build step runs, and how long the real build's steps took: what duration and
 * speed-up claims are read from and measured against. A duration only exists for a step that
 * ran; a step taken from the cache has none.
 */
import { parseDockerfile, runSteps } from '../../dockerfile/index.js'
import type { Iteration } from '../../model/index.js'
import type { CheckContext } from '../kit/index.js'

/** Tools whose speed lessons compare: package installers, compressors, checksums. */
export const TOOLS = [
  'uv',
  'pip',
  'poetry',
  'pdm',
  'conda',
  'npm',
  'pnpm',
  'yarn',
  'bun',
  'gzip',
  'xz',
  'zstd',
  'bzip2',
  'md5sum',
  'sha1sum',
  'sha256sum',
  'sha512sum',
  'b2sum',
  'cksum',
]

/** A tool named in prose. */
export const TOOL_WORD = new RegExp(`\\b(${TOOLS.join('|')})\\b`, 'gi')

/**
 * The tool a RUN step runs, when it is one lessons time: `uv pip install`, `pip install -r`, or
 * one of the other tools as a command of the step.
 */
export function toolOf(instruction: string): string | undefined {
  if (!/^RUN\b/.test(instruction)) return undefined
  if (/\buv pip install\b/.test(instruction)) return 'uv'
  if (/\bpip install\b.*-r\b/.test(instruction)) return 'pip'
  const command = new RegExp(
    `(?:^RUN\\s+|&&\\s*|;\\s*|\\|\\s*)(${TOOLS.filter((t) => t !== 'uv' && t !== 'pip').join('|')})\\b`,
  ).exec(instruction)
  return command?.[1]
}

/** The iterations whose Dockerfile runs `tool` in a RUN step. */
export function iterationsRunning(tool: string, iterations: Iteration[]): Iteration[] {
  return iterations.filter((it) => {
    const file = it.files[it.dockerfile]
    return (
      file !== undefined &&
      runSteps(parseDockerfile(file.content)).some((s) => toolOf(`RUN ${s.args}`) === tool)
    )
  })
}

/**
 * The one iteration timed for `tool`: the first that runs it and is not a rebuild. Built with
 * `--no-cache`, so its steps run; one is enough for a ratio, and the lesson's later builds
 * (a rebuild, a --target) keep the cache their logs show.
 */
export function firstRunning(tool: string, iterations: Iteration[]): Iteration[] {
  const first = iterationsRunning(tool, iterations).find((it) => it.rebuildOf === undefined)
  return first ? [first] : []
}

/** A step of a real build that ran `tool`, with its duration. */
export interface TimedStep {
  tag: string
  /** `[builder 2/5] RUN …` */
  label: string
  seconds: number
}

/** What the run measured of the steps that run `tool`: their durations, or why there are none. */
export function measuredSteps(ctx: CheckContext, tool: string): { steps: TimedStep[]; missing: string[] } {
  const steps: TimedStep[] = []
  const missing: string[] = []
  for (const it of iterationsRunning(tool, ctx.iterations.all)) {
    const facts = ctx.factsOf(it)
    if (!facts) {
      missing.push(`${it.tag} was not built in this run`)
      continue
    }
    if (facts.status === 'blocked') {
      missing.push(`${it.tag} cannot be built here: ${facts.reason ?? 'blocked'}`)
      continue
    }
    if (facts.status === 'build-failed') {
      missing.push(`${it.tag} did not build`)
      continue
    }
    for (const step of facts.build?.steps ?? []) {
      if (toolOf(step.instruction) !== tool) continue
      const label = `[${step.stage ? `${step.stage} ` : ''}${step.index}/${step.total}] ${step.instruction}`
      if (step.cached || step.seconds === undefined) missing.push(`${it.tag}'s ${label} came from the cache`)
      else steps.push({ tag: it.tag, label, seconds: step.seconds })
    }
  }
  // A step taken from the cache in another build has no time; it matters only when none ran.
  return { steps, missing: steps.length > 0 ? [] : missing }
}

export function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2
}
