/**
 * A build log's step counters agree with the Dockerfile: BuildKit's per-stage `[builder 2/4] RUN …`
 * (with or without timings), the classic builder's `Step 3/9 : RUN …`, and one builder's output
 * only.
 */
import { z } from 'zod'
import {
  classicSteps,
  type DockerfileModel,
  parseDockerfile,
  type Stage,
  buildSteps as stepsOf,
} from '../dockerfile/index.js'
import { filesAt } from '../parse/index.js'
import { blocked, defineKind, fail, pass, sameImage } from './kit/index.js'
import { buildLogs } from './readings/outputs.js'

function short(text: string): string {
  return text.length > 30 ? `${text.slice(0, 29)}…` : text
}

function stageFor(model: DockerfileModel, label: string) {
  if (label === '') return model.stages.length === 1 ? model.stages[0] : model.stages.at(-1)
  const named = model.stages.find((s) => s.name === label)
  if (named) return named
  const index = /^stage-(\d+)$/.exec(label)?.[1]
  return index === undefined ? undefined : model.stages[Number(index)]
}

const Step = z.object({
  stage: z.string(),
  index: z.number(),
  total: z.number(),
  instruction: z.string(),
  /** Numbered by the classic builder: every instruction of the file counts. */
  classic: z.literal(true).optional(),
})
type LoggedStep = z.infer<typeof Step>

const Line = z.object({ line: z.number(), text: z.string() })

export const buildSteps = defineKind({
  id: 'build-steps',
  fields: {
    steps: z.array(Step),
    /** A line only BuildKit prints and one only the classic builder prints, in the same log. */
    mixed: z.object({ buildkit: Line, classic: Line }).optional(),
  },

  extract(x, emit) {
    for (const log of x.read(buildLogs)) {
      if (log.steps.length === 0 && !log.mixed) continue
      const first = log.steps[0]
      emit({
        line: log.output.line,
        title: `build log of ${log.image} numbers the steps of ${log.dockerfile}`,
        quote: first
          ? `${log.image} ${log.dockerfile} ${label(first)} ${first.instruction}`
          : `${log.image} ${log.dockerfile} ${log.mixed?.buildkit.text ?? ''}`,
        ...x.about(log.it),
        image: log.image,
        dockerfile: log.dockerfile,
        steps: log.steps.map(({ stage, index, total, instruction, classic }) => ({
          stage,
          index,
          total,
          instruction,
          ...(classic ? { classic } : {}),
        })),
        ...(log.mixed ? { mixed: log.mixed } : {}),
      })
    }
  },

  /** BuildKit numbers each stage's steps [n/total]; the log a lesson shows must fit its Dockerfile. */
  check(claim, ctx) {
    const name = "numbers match the Dockerfile's build steps"
    // One build prints one builder's output: BuildKit never prints "Successfully tagged".
    const mixed = claim.mixed
      ? [
          `the log mixes BuildKit's output (line ${claim.mixed.buildkit.line}: "${short(claim.mixed.buildkit.text)}") with the classic builder's (line ${claim.mixed.classic.line}: "${short(claim.mixed.classic.text)}"); one build prints only one of them`,
        ]
      : []
    const file = claim.dockerfile ? filesAt(ctx.doc.files, claim.source.line)[claim.dockerfile] : undefined
    if (!file) {
      if (mixed.length > 0) return [fail(name, mixed.join('; '))]
      return [blocked(name, `${claim.dockerfile ?? 'the Dockerfile'} is not defined before this log`)]
    }
    const model = parseDockerfile(file.content)
    const problems = [...mixed, ...stepProblems(claim.steps, model, file.name)]
    if (problems.length === 0)
      return [pass(name, `${claim.steps.length} numbered steps agree with ${file.name}`)]
    const more = problems.length > 3 ? `; and ${problems.length - 3} more` : ''
    return [fail(name, `${problems.slice(0, 3).join('; ')}${more}`)]
  },

  measured: false,
})

function label(step: LoggedStep): string {
  return step.classic
    ? `Step ${step.index}/${step.total}`
    : `[${step.stage ? `${step.stage} ` : ''}${step.index}/${step.total}]`
}

/**
 * What in the steps does not fit the Dockerfile, in log order: a step past its total, a total that
 * is not the stage's (or, classic, the file's) step count, a step whose instruction is not the
 * Dockerfile's at that number (the first of these shows a log of another Dockerfile).
 */
function stepProblems(steps: LoggedStep[], model: DockerfileModel, fileName: string): string[] {
  const problems: string[] = []
  const counted = new Set<string>()
  // Worked out only where the log needs it: most logs are BuildKit's, of a few stages.
  const classic = steps.some((s) => s.classic) ? classicSteps(model) : []
  const perStage = new Map<Stage, { keyword: string; args: string }[]>()
  let differs = false
  for (const step of steps) {
    const shown = label(step)
    if (step.index > step.total) problems.push(`${shown} is numbered past its total of ${step.total}`)
    const stage = step.classic ? undefined : stageFor(model, step.stage)
    if (!step.classic && !stage) {
      problems.push(`${shown}: ${fileName} has no stage "${step.stage}"`)
      continue
    }
    let expected = classic
    if (stage) {
      expected = perStage.get(stage) ?? stepsOf(stage, model)
      perStage.set(stage, expected)
    }
    const where = step.classic ? fileName : step.stage ? `stage ${step.stage}` : fileName
    const countKey = `${step.classic ? 'classic' : step.stage}/${step.total}`
    if (step.total !== expected.length && !counted.has(countKey)) {
      counted.add(countKey)
      problems.push(
        step.classic
          ? `${shown} numbers ${step.total} instructions, but ${where} has ${expected.length}`
          : `${shown} numbers ${step.total} steps, but ${where} has ${expected.length} (${expected.map((e) => e.keyword).join(', ')})`,
      )
    }
    const want = expected[step.index - 1]
    const keyword = step.instruction.split(/\s+/)[0]?.toUpperCase()
    if (want && keyword !== want.keyword)
      problems.push(
        `${shown} shows ${keyword}, but step ${step.index} of ${where} is ${want.keyword} ${short(want.args)}`,
      )
    else if (want && !differs && !sameArguments(step.instruction, want)) {
      // The first step whose arguments are not the file's: the log is of another Dockerfile.
      differs = true
      problems.push(
        `${shown} shows ${short(step.instruction)}, but step ${step.index} of ${where} is ${want.keyword} ${short(want.args)}: the log is of another Dockerfile`,
      )
    }
  }
  return problems
}

/**
 * Whether a logged instruction is the Dockerfile's: the same words once options and spacing are
 * left out, one allowed to stop short of the other (logs cut long lines). A FROM is compared as
 * an image reference (BuildKit writes `docker.io/library/…`, maybe with a digest); arguments with
 * variables are left alone, since a log may show them substituted.
 */
function sameArguments(logged: string, want: { keyword: string; args: string }): boolean {
  const words = logged.trim().split(/\s+/).slice(1)
  while (words[0]?.startsWith('--')) words.shift()
  const shown = words
    .join(' ')
    .replace(/\s*(?:\.\.\.|…)$/, '')
    .trim()
  const args = want.args.replace(/\s+/g, ' ').trim()
  if (shown === '' || shown.includes('$') || args.includes('$')) return true
  if (want.keyword === 'FROM') {
    const [image = ''] = shown.split(' ')
    return sameImage(image.replace(/@sha256:\w+$/, ''), args.split(' ')[0] ?? '')
  }
  return args.startsWith(shown) || shown.startsWith(args)
}
