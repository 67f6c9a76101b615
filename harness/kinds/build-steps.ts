/** A build log's step counters agree with the Dockerfile ("[2/5] WORKDIR /app"). */
import { z } from 'zod'
import { type DockerfileModel, parseDockerfile, buildSteps as stepsOf } from '../dockerfile/index.js'
import { filesAt } from '../parse/index.js'
import { blocked, defineKind, fail, pass } from './kit/index.js'
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

export const buildSteps = defineKind({
  id: 'build-steps',
  fields: {
    steps: z.array(
      z.object({ stage: z.string(), index: z.number(), total: z.number(), instruction: z.string() }),
    ),
  },

  extract(x, emit) {
    for (const log of x.read(buildLogs)) {
      if (log.steps.length === 0) continue
      const first = log.steps[0]
      emit({
        line: log.output.line,
        title: `build log of ${log.image} numbers the steps of ${log.dockerfile}`,
        quote: `${log.image} ${log.dockerfile} [${first?.stage ? `${first.stage} ` : ''}${first?.index}/${first?.total}] ${first?.instruction}`,
        ...x.about(log.it),
        image: log.image,
        dockerfile: log.dockerfile,
        steps: log.steps.map(({ stage, index, total, instruction }) => ({
          stage,
          index,
          total,
          instruction,
        })),
      })
    }
  },

  /** BuildKit numbers each stage's steps [n/total]; the log a lesson shows must fit its Dockerfile. */
  check(claim, ctx) {
    const name = "numbers match the Dockerfile's build steps"
    const file = claim.dockerfile ? filesAt(ctx.doc.files, claim.source.line)[claim.dockerfile] : undefined
    if (!file)
      return [blocked(name, `${claim.dockerfile ?? 'the Dockerfile'} is not defined before this log`)]
    const model = parseDockerfile(file.content)
    const problems: string[] = []
    const counted = new Set<string>()
    for (const step of claim.steps) {
      const stage = stageFor(model, step.stage)
      const label = `[${step.stage ? `${step.stage} ` : ''}${step.index}/${step.total}]`
      if (!stage) {
        problems.push(`${label}: ${file.name} has no stage "${step.stage}"`)
        continue
      }
      const expected = stepsOf(stage)
      const stageName = step.stage ? `stage ${step.stage}` : file.name
      const countKey = `${step.stage}/${step.total}`
      if (step.total !== expected.length && !counted.has(countKey)) {
        counted.add(countKey)
        problems.push(
          `${label} numbers ${step.total} steps, but ${stageName} has ${expected.length} (${expected.map((e) => e.keyword).join(', ')})`,
        )
      }
      const want = expected[step.index - 1]
      const shown = step.instruction.split(/\s+/)[0]?.toUpperCase()
      if (want && shown !== want.keyword)
        problems.push(
          `${label} shows ${shown}, but step ${step.index} of ${stageName} is ${want.keyword} ${short(want.args)}`,
        )
    }
    if (problems.length === 0)
      return [pass(name, `${claim.steps.length} numbered steps agree with ${file.name}`)]
    const more = problems.length > 3 ? `; and ${problems.length - 3} more` : ''
    return [fail(name, `${problems.slice(0, 3).join('; ')}${more}`)]
  },

  measured: false,
})
