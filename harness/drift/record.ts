/**
 * The baseline made from an engine run: what `lessonproof verify --write-baseline` writes. Pure:
 * it reads the run's verdicts, plans and measured facts (the measure stage records each base
 * image's ID, size, layers, registry digests and platform) and the engine's description.
 */
import type { Claim } from '../kinds/index.js'
import { Iterations } from '../kinds/kit/index.js'
import type { BaseUsedFacts, Iteration, IterationFacts, RunFacts } from '../model/index.js'
import type { IterationPlan, RunPlan } from '../plan/index.js'
import type { VerifiedDocument, VerifyResult } from '../report/index.js'
import {
  BASELINE_VERSION,
  type Baseline,
  type BaselineBaseImage,
  type BaselineClaim,
  type BaselineDocument,
  type BaselineEnvironment,
  type BaselineHealth,
  type BaselineIteration,
} from './baseline.js'
import { parseReference, repositoryName } from './reference.js'

/** One plan an engine run measured, and what it found. */
export interface MeasuredPlan {
  plan: RunPlan
  facts: RunFacts
}

/** What the engine says of itself (`docker info`), for the baseline's environment. */
export interface EngineInfo {
  ServerVersion?: string
  Driver?: string
  OSType?: string
  Architecture?: string
}

export interface BaselineInput {
  result: VerifyResult<Claim>
  runs: MeasuredPlan[]
  engine: EngineInfo
  /** The lessonproof version writing it. */
  lessonproof: string
  /** When the run ended. */
  date: Date
  /** The run's `--image-map`. */
  imageMap?: Record<string, string>
  /** A document's path as the baseline records it: relative to the baseline file's directory. */
  pathOf: (path: string) => string
}

export function baselineOf(input: BaselineInput): Baseline {
  const plans = new Map<string, { plan: IterationPlan; facts: IterationFacts | undefined }[]>()
  for (const { plan, facts } of input.runs) {
    for (const it of plan.iterations) {
      const list = plans.get(it.document) ?? []
      list.push({ plan: it, facts: facts.iterations[it.document]?.[it.key] })
      plans.set(it.document, list)
    }
  }
  const documents = input.result.documents
    .filter((d) => !d.error)
    .map((d) => documentOf(d, plans.get(d.path) ?? [], input.pathOf))
  return {
    version: BASELINE_VERSION,
    tool: 'lessonproof',
    environment: environmentOf(input),
    documents,
  }
}

function environmentOf(input: BaselineInput): BaselineEnvironment {
  const { engine } = input
  const map = input.imageMap ?? {}
  return {
    engine: engine.ServerVersion ?? 'unknown',
    builder: { name: builderOf(input.runs) },
    storageDriver: engine.Driver ?? 'unknown',
    os: engine.OSType ?? 'unknown',
    arch: normaliseArch(engine.Architecture ?? 'unknown'),
    date: input.date.toISOString(),
    lessonproof: input.lessonproof,
    ...(Object.keys(map).length > 0 ? { imageMap: map } : {}),
  }
}

/** `docker info` says `x86_64` and `aarch64`; images and registries say `amd64` and `arm64`. */
function normaliseArch(arch: string): string {
  return ({ x86_64: 'amd64', aarch64: 'arm64' } as Record<string, string>)[arch] ?? arch
}

/**
 * The builder the run's iterations were built with, when the facts say (a BuildKit build records
 * it); the engine's classic builder otherwise.
 */
function builderOf(runs: MeasuredPlan[]): 'classic' | 'buildkit' {
  for (const { facts } of runs) {
    for (const doc of Object.values(facts.iterations)) {
      for (const it of Object.values(doc)) {
        const builder = (it as { build?: { builder?: string } }).build?.builder
        if (builder) return builder === 'classic' ? 'classic' : 'buildkit'
      }
    }
  }
  return 'classic'
}

function documentOf(
  doc: VerifiedDocument<Claim>,
  measured: { plan: IterationPlan; facts: IterationFacts | undefined }[],
  pathOf: (path: string) => string,
): BaselineDocument {
  const its = new Iterations(measured.map((m) => m.plan.iteration))
  const perIteration = new Map<number, BaselineClaim[]>()
  const general: BaselineClaim[] = []
  for (const { claim, verdict } of doc.claims) {
    const entry: BaselineClaim = { id: claim.id, line: claim.source.line, verdict: verdict.status }
    const it = comparesTwo(claim) ? undefined : its.of(claim)
    if (it) perIteration.set(it.index, [...(perIteration.get(it.index) ?? []), entry])
    else general.push(entry)
  }
  return {
    path: pathOf(doc.path),
    iterations: measured.map(({ plan, facts }) =>
      iterationOf(plan.iteration, plan, facts, perIteration.get(plan.iteration.index) ?? []),
    ),
    claims: general,
  }
}

/** A claim between two iterations (a reduction, a target from one to another) belongs to neither. */
function comparesTwo(claim: Claim): boolean {
  const c = claim as { from?: unknown; to?: unknown }
  return typeof c.from === 'string' || typeof c.to === 'string'
}

function iterationOf(
  it: Iteration,
  plan: IterationPlan,
  facts: IterationFacts | undefined,
  claims: BaselineClaim[],
): BaselineIteration {
  const status = facts?.status ?? 'blocked'
  const reason = facts ? facts.reason : 'not measured in this run'
  const bases = new Map((facts?.bases ?? []).map((b) => [b.ref, b]))
  return {
    index: it.index,
    line: it.line,
    tag: it.tag,
    dockerfile: it.dockerfile,
    status,
    ...(reason ? { reason } : {}),
    baseImages: plan.baseImages.map((ref) => baseImageOf(ref, bases.get(ref))),
    ...(facts?.image
      ? {
          size: Math.round(facts.image.size),
          layers: facts.image.layers.map((l) => ({ createdBy: l.createdBy, size: Math.round(l.size) })),
        }
      : {}),
    health: healthOf(facts),
    claims,
  }
}

function baseImageOf(reference: string, found: BaseUsedFacts | undefined): BaselineBaseImage {
  if (!found) return { reference }
  const digest = digestFor(reference, found.repoDigests)
  return {
    reference,
    ...(digest ? { digest } : {}),
    id: found.id,
    ...(found.platform ? { platform: found.platform } : {}),
    size: Math.round(found.size),
    layers: found.layers,
  }
}

/**
 * The digest a reference resolved to: its pin, or the engine's record of the image in the
 * reference's repository (`RepoDigests` lists one per repository it was pulled from or pushed to).
 */
export function digestFor(reference: string, repoDigests: readonly string[]): string | undefined {
  let wanted: ReturnType<typeof parseReference>
  try {
    wanted = parseReference(reference)
  } catch {
    return undefined
  }
  if (wanted.digest) return wanted.digest
  for (const entry of repoDigests) {
    try {
      const known = parseReference(entry)
      if (known.digest && repositoryName(known) === repositoryName(wanted)) return known.digest
    } catch {
      // An entry the engine wrote that is not a reference: not this one.
    }
  }
  return undefined
}

function healthOf(facts: IterationFacts | undefined): BaselineHealth {
  if (facts?.health) {
    const { status, body } = facts.health
    return {
      status: status >= 200 && status < 300 ? 'ok' : 'failed',
      httpStatus: status,
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }
  }
  if (facts?.status === 'run-failed')
    return { status: 'failed', ...(facts.reason ? { reason: facts.reason } : {}) }
  return { status: 'not-run' }
}
