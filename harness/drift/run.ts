/**
 * `lessonproof drift`: where do the base images of a baseline point now, and what did that do to
 * the lessons? Resolves every base image without pulling; when none moved, that is the whole run
 * (no engine, no build). When some moved, pulls them at the digest resolved, rebuilds only the
 * iterations built on them and those a claim compares with them, and compares sizes, layers and
 * verdicts with the baseline, with the edit that would make the lessons' numbers true again.
 */
import { readFile } from 'node:fs/promises'
import { dirname, resolve, sep } from 'node:path'
import { extractClaims } from '../claims/index.js'
import { UsageError } from '../errors.js'
import type { Claim } from '../kinds/index.js'
import { Iterations } from '../kinds/kit/index.js'
import { type Document, dockerSize, type Iteration, type IterationFacts } from '../model/index.js'
import { documentRole, loadDocument } from '../parse/index.js'
import { makePatchSet } from '../patch/index.js'
import type { IterationPlan } from '../plan/index.js'
import { countIterations } from '../select/index.js'
import { collectDocuments, displayPath, type EngineRun, verify } from '../verify/index.js'
import { iterationsOfClaim, withCompared } from './affected.js'
import type { Baseline, BaselineDocument, BaselineIteration } from './baseline.js'
import { DriftError } from './errors.js'
import { baseShare, layerChanges } from './layers.js'
import { formatPlatform, type Platform } from './platform.js'
import { parseReference } from './reference.js'
import {
  type ClaimChange,
  changePct,
  DRIFT_REPORT_VERSION,
  type DriftOutcome,
  type DriftReport,
  type ImageDrift,
  type IterationDrift,
  type LessonDrift,
  shortDigest,
} from './report.js'
import type { DigestResolver } from './resolver.js'
import { suggestEdits } from './suggest.js'

/** An image pulled for the rebuild, as the engine has it now. */
export interface PulledImage {
  id: string
  size: number
  /** Entries in its history. */
  layers: number
  repoDigests: string[]
}

/** What drift needs of an engine once images moved. */
export interface DriftEngine {
  /** Pulls what the reference points at (by the digest resolved, so it is exactly that) and tags it as the reference. */
  pull(reference: string, digest: string): Promise<PulledImage>
  /** Builds and measures a plan, as `verify` runs one. */
  run: EngineRun
}

export interface DriftOptions {
  baseline: Baseline
  /** The baseline file as given: the report names it, and its documents' paths are relative to its directory. */
  baselineFile: string
  /** The documents asked about (relative to `cwd`): the baseline's documents under them. */
  paths: string[]
  cwd: string
}

export interface DriftDeps {
  resolver: DigestResolver
  /** Runs `work` with an engine that builds with the baseline's image map; only called when an image moved. */
  withEngine<T>(imageMap: Record<string, string>, work: (engine: DriftEngine) => Promise<T>): Promise<T>
  /** Progress, for the person waiting. */
  log: (line: string) => void
  /** @default () => new Date() */
  now?: () => Date
  /** Resolutions at once. @default 8 */
  concurrency?: number
}

/** `0` nothing moved, `3` moved and every claim holds, `1` a claim no longer holds, `2` an image could not be resolved. */
export type DriftExitCode = 0 | 1 | 2 | 3

export const DRIFT_EXIT: Record<DriftOutcome, DriftExitCode> = {
  unchanged: 0,
  moved: 3,
  'claims-fail': 1,
  error: 2,
}

export interface DriftResult {
  report: DriftReport
  exitCode: DriftExitCode
  /** The iterations built again, as `<document> <tag>`. */
  rebuilt: string[]
}

/** A base image of the baseline, with every iteration built on it. */
interface BaseRef {
  reference: string
  digest?: string
  platform?: Platform & { digest?: string | undefined }
  size?: number
  usedBy: { document: string; iteration: string; index: number }[]
  /** Why the baseline has no digest for it. */
  why?: string
}

export async function runDrift(options: DriftOptions, deps: DriftDeps): Promise<DriftResult> {
  const { baseline, cwd } = options
  const now = deps.now ?? (() => new Date())
  const baseDir = dirname(resolve(cwd, options.baselineFile))
  const wanted = options.paths.map((p) => resolve(cwd, p))
  const under = (abs: string) =>
    wanted.some((w) => abs === w || abs.startsWith(w.endsWith(sep) ? w : `${w}${sep}`))
  const documents = baseline.documents
    .map((d) => ({ d, path: displayPath(resolve(baseDir, d.path), cwd), abs: resolve(baseDir, d.path) }))
    .filter((x) => under(x.abs))
  if (documents.length === 0) {
    throw new UsageError(
      `${options.baselineFile} records no document under ${options.paths.join(', ')}; write it for them first (lessonproof verify ${options.paths.join(' ')} --write-baseline)`,
    )
  }
  const notes = await uncovered(options.paths, cwd, new Set(documents.map((x) => x.abs)))

  const refs = new Map<string, BaseRef>()
  for (const { d, path } of documents) {
    for (const it of d.iterations) {
      for (const b of it.baseImages) {
        const ref = refs.get(b.reference) ?? { reference: b.reference, usedBy: [] }
        ref.usedBy.push({ document: path, iteration: it.tag, index: it.index })
        if (b.digest && !ref.digest) {
          ref.digest = b.digest
          if (b.platform) ref.platform = b.platform
          if (b.size !== undefined) ref.size = b.size
        } else if (!ref.platform && b.platform) ref.platform = b.platform
        if (!b.digest && !ref.why) ref.why = whyNoDigest(it, b.id)
        refs.set(b.reference, ref)
      }
    }
  }

  deps.log(
    `lessonproof drift: resolving ${refs.size} base image${refs.size === 1 ? '' : 's'} of ${documents.length} document${documents.length === 1 ? '' : 's'}`,
  )
  const images = await pool([...refs.values()], deps.concurrency ?? 8, (ref) => resolveOne(ref, deps))
  for (const image of images) deps.log(`  ${describe(image)}`)

  const report = (outcome: DriftOutcome, lessons: LessonDrift[], patch?: string): DriftReport => ({
    tool: 'lessonproof',
    report: 'drift',
    version: DRIFT_REPORT_VERSION,
    date: now().toISOString(),
    baseline: { file: options.baselineFile, date: baseline.environment.date },
    outcome,
    images: images.map(({ usedBy, ...image }) => ({
      ...image,
      usedBy: usedBy.map(({ document, iteration }) => ({ document, iteration })),
    })) as ImageDrift[],
    lessons,
    ...(patch ? { patch } : {}),
    ...(notes.length > 0 ? { notes } : {}),
  })

  if (images.some((i) => i.status === 'unresolved'))
    return { report: report('error', []), exitCode: 2, rebuilt: [] }
  const moved = images.filter((i): i is MovedImage => i.status === 'moved')
  if (moved.length === 0) return { report: report('unchanged', []), exitCode: 0, rebuilt: [] }

  const affected = new Map<string, Set<number>>()
  for (const image of moved) {
    for (const use of image.usedBy)
      affected.set(use.document, (affected.get(use.document) ?? new Set()).add(use.index))
  }
  const imageMap = baseline.environment.imageMap ?? {}
  return deps.withEngine(imageMap, async (engine) => {
    const pulled = new Map<string, PulledImage>()
    for (const image of moved) {
      deps.log(`lessonproof drift: pulling ${image.reference}@${image.after.digest}`)
      const got = await engine.pull(image.reference, image.after.digest)
      image.after.size = got.size
      pulled.set(image.reference, got)
    }

    // Iterations compared with an affected one are built again too: a reduction needs both.
    const rebuild = new Map<string, Set<number>>()
    const loaded = new Map<string, Document>()
    for (const [path, indices] of affected) {
      const doc = await loadDocument(resolve(cwd, path))
      loaded.set(path, doc)
      rebuild.set(path, withCompared(indices, extractClaims(doc), new Iterations(doc.iterations)))
    }
    // A lesson's summary card and export speak of its iterations: they are checked again with it.
    const family = documents.filter(
      (x) => !affected.has(x.path) && affected.has(documentRole(x.path).lessonPath),
    )
    for (const x of family) loaded.set(x.path, await loadDocument(resolve(cwd, x.path)))
    const measured = new Map<string, { plan: IterationPlan; facts: IterationFacts | undefined }[]>()
    const result = await verify({
      paths: [...rebuild.keys(), ...family.map((x) => x.path)],
      cwd,
      engine: {
        options: engine.run.options,
        async measure(plan) {
          const keep = plan.iterations.filter((it) => rebuild.get(it.document)?.has(it.iteration.index))
          const facts = await engine.run.measure({ ...plan, iterations: keep })
          for (const it of keep) {
            const list = measured.get(it.document) ?? []
            list.push({ plan: it, facts: facts.iterations[it.document]?.[it.key] })
            measured.set(it.document, list)
          }
          return facts
        },
      },
    })

    const movedRefs = new Map(moved.map((m) => [m.reference, m]))
    // What each rebuilt iteration measures now, and which were built again but could not be measured.
    const sizesOf = new Map<string, Map<number, number>>()
    const unmeasuredOf = new Map<string, Set<number>>()
    for (const [path, list] of measured) {
      const sizes = new Map<number, number>()
      const unmeasured = new Set<number>()
      for (const { plan, facts } of list) {
        if (facts?.image) sizes.set(plan.iteration.index, facts.image.size)
        else unmeasured.add(plan.iteration.index)
      }
      sizesOf.set(path, sizes)
      unmeasuredOf.set(path, unmeasured)
    }
    const lessons: LessonDrift[] = []
    const patches: { path: string; text: string; edits: ReturnType<typeof suggestEdits>['edits'] }[] = []
    for (const vdoc of result.documents) {
      if (vdoc.error) {
        notes.push(`${vdoc.path}: ${vdoc.error.message}`)
        continue
      }
      const doc = loaded.get(vdoc.path)
      const base = documents.find((x) => x.path === vdoc.path)?.d
      if (!doc || !base) continue
      // A summary card or export has no iterations: its claims speak of its lesson's.
      const owner = rebuild.has(vdoc.path) ? vdoc.path : documentRole(vdoc.path).lessonPath
      const iterations = new Iterations(loaded.get(owner)?.iterations ?? doc.iterations)
      const rebuilt = rebuild.get(owner) ?? new Set<number>()
      const drifts: IterationDrift[] = []
      for (const { plan, facts } of measured.get(vdoc.path) ?? []) {
        const it = plan.iteration
        if (!facts?.image) {
          notes.push(
            `${vdoc.path}: ${it.tag} was built again but not measured: ${facts?.reason?.split('\n')[0] ?? 'no facts'}`,
          )
          continue
        }
        const was = base.iterations.find((b) => b.index === it.index && b.tag === it.tag)
        if (!was) {
          notes.push(
            `${vdoc.path}: ${it.tag} is not the baseline's iteration ${it.index + 1}: the lesson's builds changed since the baseline was written; write it again`,
          )
          continue
        }
        if (was.size === undefined || was.layers === undefined) {
          notes.push(
            `${vdoc.path}: ${it.tag} was not measured when the baseline was written; now ${dockerSize(facts.image.size)}`,
          )
          continue
        }
        const image = facts.image
        drifts.push(
          iterationDrift(
            it,
            { ...was, size: was.size, layers: was.layers },
            { ...facts, image },
            vdoc.claims,
          ),
        )
        for (const b of facts.bases ?? []) {
          const m = movedRefs.get(b.ref)
          if (m && !b.repoDigests.some((d) => d.endsWith(`@${m.after.digest}`)))
            notes.push(
              `${vdoc.path}: ${it.tag} was built on ${b.ref} ${b.id.slice(7, 19)}, which the engine does not know as ${shortDigest(m.after.digest)}`,
            )
        }
      }

      const verdicts = new Map(
        [...base.claims, ...base.iterations.flatMap((i) => i.claims)].map((c) => [c.id, c.verdict]),
      )
      const changes: ClaimChange[] = []
      for (const { claim, verdict } of vdoc.claims) {
        const named = (claim as { baseImage?: string }).baseImage
        const touches =
          iterationsOfClaim(claim, iterations).some((i) => rebuilt.has(i)) ||
          (named !== undefined && movedRefs.has(unquote(named)))
        const before = verdicts.get(claim.id)
        if (!touches || before === undefined || before === verdict.status) continue
        changes.push({
          id: claim.id,
          line: claim.source.line,
          text: sentenceOf(claim),
          title: claim.title,
          before,
          after: verdict.status,
          ...(verdict.expected === undefined ? {} : { expected: verdict.expected }),
          ...(verdict.measured === undefined ? {} : { measured: verdict.measured }),
          reason: verdict.reason,
        })
      }

      const text = await readFile(resolve(cwd, vdoc.path), 'utf8')
      const baseSizes = new Map([...pulled].map(([ref, image]) => [lessonRef(ref, imageMap), image.size]))
      const suggestion = suggestEdits({
        text,
        claims: vdoc.claims,
        iterations,
        measured: sizesOf.get(owner) ?? new Map(),
        unmeasured: unmeasuredOf.get(owner) ?? new Set(),
        baseSizes,
      })
      notes.push(...suggestion.notes.map((n) => `${vdoc.path}:${n}`))
      const unchecked = changes.filter((c) => c.before === 'pass' && c.after === 'blocked')
      if (unchecked.length > 0)
        notes.push(
          `${vdoc.path}: ${unchecked.length} claim${unchecked.length === 1 ? '' : 's'} that held could not be checked again (${unchecked.map((c) => `line ${c.line}`).join(', ')}); see their reasons`,
        )
      if (changes.some((c) => c.after !== 'pass' && c.before === 'pass') && suggestion.edits.length > 0)
        patches.push({ path: vdoc.path, text, edits: suggestion.edits })
      const title = doc.frontmatter?.data.title
      lessons.push({
        path: vdoc.path,
        ...(typeof title === 'string' ? { title } : {}),
        iterations: drifts,
        claims: changes,
      })
    }

    // A claim that held and now fails, or can no longer be checked, does not hold.
    const failing = lessons.some((l) => l.claims.some((c) => c.before === 'pass' && c.after !== 'pass'))
    const patch = makePatchSet(patches)
    const rebuilt = [...measured].flatMap(([path, list]) =>
      list.map(({ plan }) => `${path} ${plan.iteration.tag}`),
    )
    const outcome: DriftOutcome = failing ? 'claims-fail' : 'moved'
    return { report: report(outcome, lessons, patch || undefined), exitCode: DRIFT_EXIT[outcome], rebuilt }
  })
}

type Resolved = ImageDrift & { usedBy: BaseRef['usedBy'] }
type MovedImage = Extract<ImageDrift, { status: 'moved' }> & { usedBy: BaseRef['usedBy'] }

async function resolveOne(ref: BaseRef, deps: DriftDeps): Promise<Resolved> {
  const common = {
    reference: ref.reference,
    ...(ref.platform ? { platform: formatPlatform(ref.platform) } : {}),
    usedBy: ref.usedBy,
  }
  const unresolved = (code: string, message: string): Resolved => ({
    ...common,
    status: 'unresolved',
    code,
    message,
  })
  let parsed: ReturnType<typeof parseReference>
  try {
    parsed = parseReference(ref.reference)
  } catch (error) {
    return unresolved('invalid-reference', (error as Error).message)
  }
  try {
    const platform = ref.platform
      ? {
          os: ref.platform.os,
          architecture: ref.platform.architecture,
          ...(ref.platform.variant ? { variant: ref.platform.variant } : {}),
        }
      : undefined
    const found = await deps.resolver.resolve(parsed, platform ? { platform } : {})
    if (found.kind === 'pinned') {
      const tagDigest = found.tag?.moved ? found.tag.current?.digest : undefined
      return { ...common, status: 'pinned', digest: found.digest, ...(tagDigest ? { tagDigest } : {}) }
    }
    if (!ref.digest) {
      return unresolved(
        'no-baseline-digest',
        `${ref.reference} points at ${shortDigest(found.digest)} now, but the baseline has no digest to compare with: ${ref.why ?? 'the engine that wrote it did not have it'}; write the baseline again where the image is pulled from its registry`,
      )
    }
    const samePlatform = ref.platform?.digest !== undefined && ref.platform.digest === found.platform?.digest
    if (found.digest === ref.digest || samePlatform)
      return { ...common, status: 'unchanged', digest: found.digest }
    return {
      ...common,
      status: 'moved',
      before: { digest: ref.digest, ...(ref.size === undefined ? {} : { size: ref.size }) },
      after: { digest: found.digest },
    }
  } catch (error) {
    if (error instanceof DriftError) return unresolved(error.code, error.message)
    throw error
  }
}

function describe(image: ImageDrift): string {
  switch (image.status) {
    case 'moved':
      return `${image.reference}: moved ${shortDigest(image.before.digest)} → ${shortDigest(image.after.digest)}`
    case 'unchanged':
      return `${image.reference}: unchanged (${shortDigest(image.digest)})`
    case 'pinned':
      return `${image.reference}: pinned${image.tagDigest ? `; its tag now points at ${shortDigest(image.tagDigest)}` : ''}`
    case 'unresolved':
      return `${image.reference}: could not be resolved (${image.code})`
  }
}

function whyNoDigest(it: BaselineIteration, id: string | undefined): string {
  if (id) return 'the engine that wrote it had the image under no registry digest (built or imported there)'
  return `${it.tag} was not built when the baseline was written (${it.reason?.split('\n')[0] ?? it.status})`
}

function iterationDrift(
  it: Iteration,
  was: BaselineIteration & { size: number; layers: NonNullable<BaselineIteration['layers']> },
  facts: IterationFacts & { image: NonNullable<IterationFacts['image']> },
  claims: { claim: Claim }[],
): IterationDrift {
  const beforeShare = baseShare(
    was.layers,
    was.baseImages.flatMap((b) =>
      b.size !== undefined && b.layers !== undefined ? [{ size: b.size, layers: b.layers }] : [],
    ),
  )
  const afterShare = baseShare(
    facts.image.layers,
    (facts.bases ?? []).map((b) => ({ size: b.size, layers: b.layers })),
  )
  const after = Math.round(facts.image.size)
  const base = afterShare.bytes - beforeShare.bytes
  const claimed = claimedSize(it, claims)
  return {
    tag: it.tag,
    dockerfile: it.dockerfile,
    ...(claimed ? { claimed } : {}),
    before: was.size,
    after,
    changePct: changePct(was.size, after),
    drift: { base, own: after - was.size - base },
    layers: layerChanges(was.layers, facts.image.layers, {
      before: beforeShare.count,
      after: afterShare.count,
    }),
  }
}

/** The size the lesson states for an iteration: its `docker images` row first, else an exact statement. */
function claimedSize(it: Iteration, claims: { claim: Claim }[]): IterationDrift['claimed'] {
  const sizes = claims
    .map(
      ({ claim }) =>
        claim as Claim & { size?: { bytes: number; text: string; approx: boolean }; origin?: string },
    )
    .filter(
      (c) =>
        c.kind === 'image-size' &&
        c.size &&
        (c.image === it.tag || (!c.image && c.dockerfile === it.dockerfile)),
    )
  const pick =
    sizes.find((c) => c.origin === 'docker-images') ?? sizes.find((c) => !c.size?.approx) ?? sizes[0]
  return pick?.size ? { bytes: pick.size.bytes, text: pick.size.text, line: pick.source.line } : undefined
}

/** The sentence of the line that states the claim, or the line itself when it is short (a table row). */
function sentenceOf(claim: Claim): string {
  if (claim.text.length <= 200) return claim.text
  const at = claim.text.indexOf(claim.quote)
  if (at < 0) return claim.quote
  const start = Math.max(0, claim.text.lastIndexOf('. ', at) + 1)
  const end = claim.text.indexOf('. ', at + claim.quote.length)
  return claim.text.slice(start, end < 0 ? undefined : end + 1).trim()
}

/** A reference as the lesson writes it, where the baseline's run built it from a mapped image. */
function lessonRef(ref: string, imageMap: Record<string, string>): string {
  return Object.entries(imageMap).find(([, to]) => to === ref)?.[0] ?? ref
}

function unquote(text: string): string {
  return text.replace(/^`|`$/g, '')
}

/** Documents under the paths the baseline does not record, that build something: drift cannot speak for them. */
async function uncovered(paths: string[], cwd: string, known: Set<string>): Promise<string[]> {
  let found: string[]
  try {
    found = await collectDocuments(paths.map((p) => resolve(cwd, p)))
  } catch {
    return []
  }
  const missing = found.filter((abs) => !known.has(abs)).map((abs) => displayPath(abs, cwd))
  if (missing.length === 0) return []
  const counts = await countIterations(missing, cwd)
  return [...counts]
    .filter(([, n]) => n > 0)
    .map(
      ([path, n]) =>
        `${path}: not in the baseline (it builds ${n} image${n === 1 ? '' : 's'}); write the baseline again to cover it`,
    )
}

/** Runs `work` over `items`, at most `limit` at once, keeping their order. */
async function pool<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      results[i] = await work(items[i] as T)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}

export type { BaselineDocument }
