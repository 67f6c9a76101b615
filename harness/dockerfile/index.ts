/** Dockerfiles as lessonproof reads them: stages and instructions, from dockerfile-ast. */

import {
  type Copy,
  DockerfileParser,
  type Env,
  type From,
  type Instruction,
  ModifiableInstruction,
} from 'dockerfile-ast'
import { memoize } from '../memo.js'

export interface Step {
  keyword: string
  /** Arguments as written (continuations joined). */
  args: string
  /** 1-based line within the Dockerfile. */
  line: number
  /** `COPY --from=<stage>`: the stage or image copied from. */
  from?: string
  /** `ENV` pairs. */
  env?: { name: string; value: string }[]
  /** Options before the arguments (`RUN --mount=type=cache,target=/x`, `COPY --chown=1`), which `args` leaves out. */
  flags?: { name: string; value?: string }[]
}

export interface Stage {
  index: number
  /** `AS <name>`, when given. */
  name?: string
  /** The image the stage starts from, e.g. `python:3.12-slim` or an earlier stage's name. */
  image: string
  line: number
  /** Instructions after FROM, in order. */
  steps: Step[]
}

export interface DockerfileModel {
  stages: Stage[]
  /** The ARGs before the first FROM (they belong to no stage). */
  globalArgs: Step[]
  /** Problems that would stop `docker build` before it starts. */
  problems: { line: number; message: string }[]
}

const KEYWORDS = new Set([
  'ADD',
  'ARG',
  'CMD',
  'COPY',
  'ENTRYPOINT',
  'ENV',
  'EXPOSE',
  'FROM',
  'HEALTHCHECK',
  'LABEL',
  'MAINTAINER',
  'ONBUILD',
  'RUN',
  'SHELL',
  'STOPSIGNAL',
  'USER',
  'VOLUME',
  'WORKDIR',
])
const JSON_FORM = new Set(['CMD', 'ENTRYPOINT', 'SHELL', 'VOLUME', 'HEALTHCHECK'])

/** Parses a Dockerfile and lists what would stop a build: unknown instructions, no FROM first, bad JSON. */
export const parseDockerfile: (content: string) => DockerfileModel = memoize(parseUncached, 5000)

function parseUncached(content: string): DockerfileModel {
  const doc = DockerfileParser.parse(content)
  const model: DockerfileModel = { stages: [], globalArgs: [], problems: [] }
  let seenFrom = false
  for (const instruction of doc.getInstructions()) {
    const keyword = instruction.getKeyword().toUpperCase()
    const line = instruction.getRange().start.line + 1
    const args = (instruction.getArgumentsContent() ?? '').replace(/\\\n\s*/g, '').trim()
    if (!KEYWORDS.has(keyword)) {
      model.problems.push({ line, message: `unknown instruction '${instruction.getKeyword()}'` })
      continue
    }
    if (keyword === 'FROM') {
      seenFrom = true
      const from = instruction as From
      const stage: Stage = {
        index: model.stages.length,
        image: from.getImage() ?? args.split(/\s+/)[0] ?? '',
        line,
        steps: [],
      }
      const name = from.getBuildStage()
      if (name) stage.name = name
      if (!stage.image) model.problems.push({ line, message: 'FROM names no image' })
      model.stages.push(stage)
      continue
    }
    if (!seenFrom) {
      if (keyword === 'ARG') model.globalArgs.push({ keyword, args, line })
      else model.problems.push({ line, message: `${keyword} before the first FROM` })
      continue
    }
    if (args === '' && keyword !== 'RUN')
      model.problems.push({ line, message: `${keyword} has no arguments` })
    if (JSON_FORM.has(keyword) && args.startsWith('[')) {
      try {
        JSON.parse(args)
      } catch {
        model.problems.push({ line, message: `${keyword} looks like JSON but does not parse: ${args}` })
      }
    }
    const step: Step = { keyword, args, line }
    if (instruction instanceof ModifiableInstruction) {
      const flags = instruction.getFlags()
      if (flags.length > 0)
        step.flags = flags.map((f) => {
          const value = f.getValue()
          return value === null ? { name: f.getName() } : { name: f.getName(), value }
        })
    }
    if (keyword === 'COPY') {
      const from = (instruction as Copy).getFromFlag()?.getValue()
      if (from) step.from = from
    }
    if (keyword === 'ENV') {
      step.env = (instruction as Env)
        .getProperties()
        .map((p) => ({ name: p.getName(), value: unquote(p.getValue() ?? '') }))
    }
    model.stages.at(-1)?.steps.push(step)
  }
  if (model.stages.length === 0) model.problems.push({ line: 1, message: 'no FROM instruction' })
  return model
}

function unquote(value: string): string {
  return /^(["']).*\1$/.test(value) ? value.slice(1, -1) : value
}

/** Whether a file the document defines is a Dockerfile: by its name, or its fence's language. */
export function isDockerfile(file: { name: string; lang: string }): boolean {
  return /(^|\/)Dockerfile([.-][\w.-]+)?$|\.dockerfile$/i.test(file.name) || file.lang === 'dockerfile'
}

/** The stage the image is made of: the last one. */
export function finalStage(model: DockerfileModel): Stage | undefined {
  return model.stages.at(-1)
}

/** The stage a `COPY --from` or `FROM` names: by name, or by index. */
export function stageNamed(model: DockerfileModel, ref: string, before: number): Stage | undefined {
  const earlier = model.stages.slice(0, before)
  return /^\d+$/.test(ref)
    ? earlier[Number(ref)]
    : earlier.find((s) => s.name?.toLowerCase() === ref.toLowerCase())
}

/**
 * Steps that BuildKit reports as numbered build steps ([2/5] …): FROM an image, and file-system
 * instructions. A stage FROM scratch or FROM an earlier stage starts with its first RUN, COPY, ADD
 * or WORKDIR (see buildlog/steps.ts, the rule as recorded from real builds).
 */
export function buildSteps(stage: Stage, model: DockerfileModel): { keyword: string; args: string }[] {
  const counted = stage.steps.filter((s) => ['RUN', 'COPY', 'ADD', 'WORKDIR'].includes(s.keyword))
  const noStep =
    stage.image.toLowerCase() === 'scratch' || stageNamed(model, stage.image, stage.index) !== undefined
  return noStep ? counted : [{ keyword: 'FROM', args: stage.image }, ...counted]
}

/**
 * The steps the classic builder numbers (`Step 3/9 : RUN …`): every instruction of the file, the
 * ARGs before the first FROM included, across all stages.
 */
export function classicSteps(model: DockerfileModel): { keyword: string; args: string }[] {
  return [
    ...model.globalArgs,
    ...model.stages.flatMap((s) => [{ keyword: 'FROM', args: s.image }, ...s.steps]),
  ]
}

/** RUN instructions of every stage. */
export function runSteps(model: DockerfileModel): Step[] {
  return model.stages.flatMap((s) => s.steps.filter((step) => step.keyword === 'RUN'))
}

export type { Instruction }
