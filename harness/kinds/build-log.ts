/**
 * A build log the lesson shows, held step by step in an engine run against the log of the real
 * build of the same iteration (statically, the build-steps kind holds its numbering): the steps
 * in order with their stages and instruction text, `[n/total]` per stage, CACHED where the
 * lesson shows it, the `(n/m) FINISHED` count.
 * What changes from run to run (durations, digests, vertex numbers, transfer sizes) is left out.
 * A difference is shown as a diff of the two logs, at the lesson's line.
 */
import { z } from 'zod'
import {
  type BuildLog,
  type BuildStep,
  buildkitSteps,
  type Comparison,
  compareBuildLogs,
  parseBuildLog,
  stagesBuilt,
} from '../buildlog/index.js'
import type { Check } from '../model/index.js'
import { dockerBuild, segments } from '../parse/index.js'
import {
  blocked,
  type CheckContext,
  type ClaimOfShape,
  defineKind,
  fail,
  MEASURED,
  pass,
} from './kit/index.js'

const fields = {
  /** The log as the lesson shows it. */
  log: z.string(),
  /** The lesson's line of the log's first line. */
  logLine: z.number().int().positive(),
  /** `--target` of the build the log is the output of. */
  target: z.string().optional(),
}

type BuildLogClaim = ClaimOfShape<'build-log', typeof fields>

export const buildLog = defineKind({
  id: 'build-log',
  fields,

  extract(x, emit) {
    for (const output of x.doc.outputs) {
      const argv = output.command ? segments(output.command)[0] : undefined
      const build = argv ? dockerBuild(argv) : undefined
      if (!build) continue
      let log: BuildLog
      try {
        log = parseBuildLog(output.text)
      } catch {
        continue
      }
      const first = log.steps[0]
      if (!first) continue
      const image = build.tag ?? '?'
      const it =
        x.iterations.all.find((i) => i.line === output.commandLine) ?? x.iterations.byTag(image, output.line)
      const label = `[${first.stage ? `${first.stage} ` : ''}${first.index}/${first.total}]`
      emit({
        line: output.line,
        title: `build log of ${image} matches a build of ${build.file}`,
        quote: `${image} ${build.file} ${label} ${first.instruction}`,
        ...x.about(it),
        ...(it ? {} : { image, dockerfile: build.file }),
        log: output.text,
        logLine: output.line + 1,
        ...(build.target ? { target: build.target } : {}),
      })
    }
  },

  // Statically, the log's numbering is the build-steps kind's: this kind holds it against the real build.
  check: () => [],

  measured: {
    needs: (claim, iterations) => {
      const it = iterations.of(claim)
      return it ? [{ kind: 'build-log', iteration: it }] : []
    },
    staticReason: (claim) =>
      `needs a real build of ${claim.image ?? 'the image'} to compare its log with; this run is static (--static)`,
    judge: (claim, ctx): Check[] => [judgeAgainstReal(claim, ctx)],
  },
})

function judgeAgainstReal(claim: BuildLogClaim, ctx: CheckContext): Check {
  const it = ctx.iterations.of(claim)
  if (!it) return blocked(MEASURED, 'names no iteration the lesson builds')
  const facts = ctx.factsOf(it)
  if (!facts) return blocked(MEASURED, `${it.tag} was not built in this run`)
  if (facts.status === 'blocked') return blocked(MEASURED, facts.reason ?? `${it.tag} cannot be built here`)
  if (!facts.buildLog || !facts.build) return blocked(MEASURED, `no log was kept of ${it.tag}'s build`)
  const build = facts.build
  if (build.builder === 'classic')
    return blocked(
      MEASURED,
      `${build.note ?? 'built with the classic builder'}: its log numbers the whole file, not each stage, so the lesson's BuildKit log cannot be held against it step by step`,
    )
  let real: BuildLog
  try {
    real = parseBuildLog(facts.buildLog, 'plain')
  } catch {
    return blocked(
      MEASURED,
      `${it.tag}'s build printed no build log (${facts.reason ?? 'the client failed'})`,
    )
  }
  const dockerfile = it.files[it.dockerfile]?.content
  const notes: string[] = []
  if (dockerfile) {
    const relabelled = relabelShared(real, dockerfile, it.target)
    if (relabelled > 0)
      notes.push(
        `${relabelled} step${relabelled === 1 ? '' : 's'} that another build on the engine shared at the same time shown under this Dockerfile's label`,
      )
  }
  let claimed = parseBuildLog(claim.log)
  if (build.noCache) {
    // Built with --no-cache to time its steps: whether a step would come from the cache is not seen.
    claimed = { ...claimed, steps: claimed.steps.map((s) => ({ ...s, cached: false })) }
    notes.push('built with --no-cache to time its steps, so CACHED is not checked')
  }
  const comparison = compareBuildLogs(claimed, real, {
    ...(build.imageMap ? { imageMap: build.imageMap } : {}),
    labels: {
      a: `Expected (the lesson, line ${claim.logLine})`,
      b: `Received (the real build of ${it.tag})`,
    },
  })
  const said = notes.length > 0 ? ` (${notes.join('; ')})` : ''
  const steps = real.steps.length
  return comparison.ok
    ? pass(
        MEASURED,
        `the real build's ${steps} numbered step${steps === 1 ? '' : 's'} agree with the lesson's log${said}`,
      )
    : fail(MEASURED, `${explain(comparison, claim.logLine)}${said}`)
}

/** The differences at their lesson lines, then the diff. */
function explain(comparison: Comparison, firstLine: number): string {
  const said = comparison.differences
    .slice(0, 4)
    .map((d) => (d.line ? `line ${firstLine + d.line - 1}: ${d.message}` : d.message))
  const more = comparison.differences.length > 4 ? `; and ${comparison.differences.length - 4} more` : ''
  return `${said.join('; ')}${more}\n${comparison.diff}`
}

/**
 * The log BuildKit prints for a Dockerfile by its numbering rule: every numbered step of the
 * stages the target builds, in order. Marked as found in the cache, which the rule cannot know.
 */
export function ruleLog(dockerfile: string, target?: string): BuildLog | undefined {
  let stages: ReturnType<typeof stagesBuilt>
  try {
    stages = stagesBuilt(buildkitSteps(dockerfile), target)
  } catch {
    return undefined
  }
  const steps: BuildStep[] = stages.flatMap((stage) =>
    stage.steps.map((step) => ({
      line: 1,
      ...(stage.label ? { stage: stage.label } : {}),
      index: step.index,
      total: step.total,
      keyword: step.keyword,
      instruction: step.text,
      truncated: false,
      cached: true,
      status: 'cached' as const,
      output: [],
    })),
  )
  return { builder: 'buildkit', shape: 'plain', steps, vertices: [], elisions: [], tags: [] }
}

const steady = (text: string) => text.replace(/\s+/g, ' ').trim()

/**
 * The engine shares a step identical to one of a build running at the same time, and may show
 * it under that build's label. A step whose label this Dockerfile does not have, whose text
 * only one free step of this Dockerfile has, is given that step's label. Returns how many.
 */
export function relabelShared(real: BuildLog, dockerfile: string, target?: string): number {
  const rule = ruleLog(dockerfile, target)
  if (!rule) return 0
  const taken = (stage: string | undefined, index: number) =>
    real.steps.some((s) => s.stage === stage && s.index === index)
  let moved = 0
  for (const step of real.steps) {
    if (step.keyword === 'FROM') continue
    const fits = rule.steps.some(
      (e) =>
        e.stage === step.stage &&
        e.index === step.index &&
        e.total === step.total &&
        steady(e.instruction) === steady(step.instruction),
    )
    if (fits) continue
    const free = rule.steps.filter(
      (e) => steady(e.instruction) === steady(step.instruction) && !taken(e.stage, e.index),
    )
    const [only] = free
    if (free.length !== 1 || !only) continue
    if (only.stage === undefined) delete step.stage
    else step.stage = only.stage
    step.index = only.index
    step.total = only.total
    moved++
  }
  return moved
}
