import { isDockerfile } from '../claims/index.js'
import {
  buildSteps,
  type DockerfileModel,
  parseDockerfile,
  runSteps,
  stageNamed,
} from '../dockerfile/index.js'
import type { Check, ClaimOf, FileVersion } from '../model/index.js'
import { filesAt, isReaderSection, sectionAt } from '../parse/index.js'
import type { CheckContext } from './context.js'

export function buildCommandChecks(claim: ClaimOf<'build-command'>, ctx: CheckContext): Check[] {
  const name = 'names a Dockerfile the lesson defines'
  const file = claim.dockerfile ?? 'Dockerfile'
  const defined = filesAt(ctx.doc.files, claim.source.line)[file]
  if (defined) return [{ name, status: 'pass', reason: `${file} is defined at line ${defined.line}` }]
  if (isReaderSection(sectionAt(ctx.doc, claim.source.line))) {
    return [
      {
        name,
        status: 'blocked',
        reason: `builds the reader's own project ("${sectionAt(ctx.doc, claim.source.line)}"), which the lesson does not show`,
      },
    ]
  }
  const known = [
    ...new Set(ctx.doc.files.filter((f) => isDockerfile(f) && f.line < claim.source.line).map((f) => f.name)),
  ]
  return [
    {
      name,
      status: 'fail',
      reason: `${file} is not defined before line ${claim.source.line}${known.length ? ` (the lesson defines ${known.join(', ')})` : ''}`,
      expected: file,
      measured: known.join(', ') || 'no Dockerfile',
    },
  ]
}

export function dockerfileChecks(claim: ClaimOf<'dockerfile'>): Check[] {
  const model = parseDockerfile(claim.content)
  const at = (line: number) => claim.source.line + line
  const parses: Check =
    model.problems.length === 0
      ? { name: 'parses', status: 'pass', reason: `${model.stages.length} stage(s), every instruction known` }
      : {
          name: 'parses',
          status: 'fail',
          reason: model.problems.map((p) => `line ${at(p.line)}: ${p.message}`).join('; '),
        }
  const copies = model.stages.flatMap((stage) =>
    stage.steps.filter((s) => s.from !== undefined).map((s) => ({ stage, step: s, ref: s.from ?? '' })),
  )
  const missing = copies.filter(
    ({ stage, ref }) => !stageNamed(model, ref, stage.index) && !/[:/.@]/.test(ref),
  )
  const stages: Check =
    missing.length === 0
      ? {
          name: 'COPY --from names an earlier stage',
          status: 'pass',
          reason: copies.length
            ? `${copies.length} COPY --from, each naming an earlier stage`
            : 'no COPY --from',
        }
      : {
          name: 'COPY --from names an earlier stage',
          status: 'fail',
          reason: missing
            .map(({ step, ref }) => `line ${at(step.line)}: COPY --from=${ref} names no earlier stage`)
            .join('; '),
          expected: model.stages.map((s) => s.name ?? String(s.index)).join(', '),
          measured: missing.map((m) => m.ref).join(', '),
        }
  return [parses, stages]
}

/** BuildKit numbers each stage's steps [n/total]; the log a lesson shows must fit its Dockerfile. */
export function buildStepsChecks(claim: ClaimOf<'build-steps'>, ctx: CheckContext): Check[] {
  const name = "numbers match the Dockerfile's build steps"
  const file = claim.dockerfile ? filesAt(ctx.doc.files, claim.source.line)[claim.dockerfile] : undefined
  if (!file)
    return [
      {
        name,
        status: 'blocked',
        reason: `${claim.dockerfile ?? 'the Dockerfile'} is not defined before this log`,
      },
    ]
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
    const expected = buildSteps(stage)
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
    return [{ name, status: 'pass', reason: `${claim.steps.length} numbered steps agree with ${file.name}` }]
  return [
    {
      name,
      status: 'fail',
      reason: `${problems.slice(0, 3).join('; ')}${problems.length > 3 ? `; and ${problems.length - 3} more` : ''}`,
    },
  ]
}

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

function previousDockerfile(ctx: CheckContext, claim: ClaimOf<'practice'>): FileVersion | undefined {
  const it = ctx.iterationOf(claim)
  const prev = it ? ctx.iterations[it.index - 1] : undefined
  return prev?.files[prev.dockerfile]
}

export function practiceChecks(claim: ClaimOf<'practice'>, ctx: CheckContext): Check[] {
  const name = 'the Dockerfile does what the prose says'
  if (claim.practice === 'copies-path' && !claim.dockerfile) return copiesAnywhere(claim, ctx)
  const found = ctx.dockerfileOf(ctx.iterationOf(claim))
  if (!found)
    return [
      {
        name,
        status: 'blocked',
        reason: `${claim.dockerfile ?? 'the Dockerfile'} is not defined before line ${claim.source.line}`,
      },
    ]
  const { file, model } = found
  const runs = runSteps(model)
  const pass = (reason: string): Check[] => [{ name, status: 'pass', reason }]
  const fail = (reason: string, expected?: string, measured?: string): Check[] => [
    { name, status: 'fail', reason, ...(expected ? { expected } : {}), ...(measured ? { measured } : {}) },
  ]
  switch (claim.practice) {
    case 'fewer-run-layers': {
      const prev = previousDockerfile(ctx, claim)
      if (!prev) return [{ name, status: 'blocked', reason: 'no earlier iteration to compare with' }]
      const before = runSteps(parseDockerfile(prev.content)).length
      const finalRuns = model.stages.at(-1)?.steps.filter((s) => s.keyword === 'RUN').length ?? 0
      const note =
        model.stages.length > 1
          ? `; only the final stage's layers reach the image, and it has ${finalRuns} RUN`
          : ''
      return runs.length < before
        ? pass(`${file.name} has ${runs.length} RUN instructions, ${prev.name} had ${before}${note}`)
        : fail(
            `${file.name} has ${runs.length} RUN instructions, ${runs.length === before ? 'as many as' : 'more than'} ${prev.name} (${before})${note}`,
            `< ${before}`,
            String(runs.length),
          )
    }
    case 'pycache-removed': {
      const run = runs.find(
        (r) => /__pycache__|\*\.pyc|PYTHONDONTWRITEBYTECODE/.test(r.args) && /rm\s|-delete/.test(r.args),
      )
      return run
        ? pass(`line ${file.line + run.line} removes them`)
        : fail(`no RUN in ${file.name} removes __pycache__ or .pyc files`)
    }
    case 'pip-cache-purged': {
      const run = runs.find((r) => /pip cache purge|rm -rf \/root\/\.cache/.test(r.args))
      return run
        ? pass(`line ${file.line + run.line} purges it`)
        : fail(`no RUN in ${file.name} purges pip's cache`)
    }
    case 'no-pip-cache':
    case 'no-uv-cache': {
      const uv = claim.practice === 'no-uv-cache'
      const installs = runs.filter((r) =>
        (uv ? /\buv pip install\b/ : /(?<!uv )\bpip3? install\b/).test(r.args),
      )
      const offenders = installs.filter(
        (r) => !(uv ? /--no-cache\b/ : /--no-cache-dir|pip cache purge/).test(r.args),
      )
      if (installs.length === 0) return fail(`${file.name} has no ${uv ? 'uv pip' : 'pip'} install`)
      return offenders.length === 0
        ? pass(
            `every ${uv ? 'uv pip' : 'pip'} install in ${file.name} uses ${uv ? '--no-cache' : '--no-cache-dir'}`,
          )
        : fail(
            `line ${file.line + (offenders[0]?.line ?? 0)} installs without ${uv ? '--no-cache' : '--no-cache-dir'}`,
          )
    }
    case 'multi-stage': {
      const copies = model.stages.at(-1)?.steps.filter((s) => s.from !== undefined).length ?? 0
      return model.stages.length > 1 && copies > 0
        ? pass(`${model.stages.length} stages; the final one copies from an earlier one ${copies} time(s)`)
        : fail(`${file.name} has ${model.stages.length} stage(s) and ${copies} COPY --from`)
    }
    case 'copies-path': {
      const paths = copiedPaths(model)
      return paths.includes(claim.detail ?? '')
        ? pass(`${file.name} copies ${claim.detail} from an earlier stage`)
        : fail(
            `${file.name} copies ${paths.join(', ') || 'nothing'} from an earlier stage, not ${claim.detail}`,
            claim.detail,
            paths.join(', '),
          )
    }
    default:
      return [{ name, status: 'blocked', reason: `no check for "${claim.practice}" yet` }]
  }
}

function copiedPaths(model: DockerfileModel): string[] {
  return (model.stages.at(-1)?.steps ?? [])
    .filter((s) => s.from !== undefined)
    .map((s) => s.args.split(/\s+/).filter((a) => !a.startsWith('--'))[0] ?? '')
}

/** A summary card's "copies only X": true of some multi-stage Dockerfile in its lesson. */
function copiesAnywhere(claim: ClaimOf<'practice'>, ctx: CheckContext): Check[] {
  const name = "the lesson's Dockerfiles do what the prose says"
  const multi = ctx.iterations
    .map((it) => ({ it, file: it.files[it.dockerfile] }))
    .filter((x): x is { it: typeof x.it; file: FileVersion } => x.file !== undefined)
    .map(({ it, file }) => ({ it, paths: copiedPaths(parseDockerfile(file.content)) }))
    .filter((x) => x.paths.length > 0)
  if (multi.length === 0)
    return [{ name, status: 'blocked', reason: 'the lesson has no multi-stage Dockerfile' }]
  const hit = multi.find((x) => x.paths.includes(claim.detail ?? ''))
  if (hit) return [{ name, status: 'pass', reason: `${hit.it.dockerfile} copies ${claim.detail}` }]
  const all = [...new Set(multi.flatMap((x) => x.paths))]
  return [
    {
      name,
      status: 'fail',
      reason: `none of the lesson's multi-stage Dockerfiles (${multi.map((x) => x.it.dockerfile).join(', ')}) copies ${claim.detail}; they copy ${all.join(', ')}`,
      expected: claim.detail ?? '',
      measured: all.join(', '),
    },
  ]
}
