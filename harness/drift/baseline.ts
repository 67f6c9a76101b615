/**
 * The baseline: what an engine run measured, committed by the course's authors so drift can
 * say what changed since. Written with sorted keys and sorted documents and claims, so a diff
 * of the file shows only what moved. Reading checks the version first: a file of another
 * version is refused with a typed error before its shape is looked at.
 */
import { randomBytes } from 'node:crypto'
import { readFile, rename, rm, writeFile } from 'node:fs/promises'
import { z } from 'zod'
import { Status } from '../model/verdict.js'
import { BaselineInvalidError, BaselineMissingError, BaselineVersionError } from './errors.js'
import { Platform } from './platform.js'

/** The schema version this lessonproof writes and reads. */
export const BASELINE_VERSION = 1
/** Where the CLI looks for the baseline by default. */
export const BASELINE_FILE = 'lessonproof-baseline.json'

/** What the measurements were taken with: a size depends on the engine, the builder and the storage driver. */
export const BaselineEnvironment = z.object({
  /** The engine's version. @example "20.10.24+dfsg1" */
  engine: z.string(),
  /** @example { name: "classic" } */
  builder: z.object({
    name: z.enum(['classic', 'buildkit']),
    /** BuildKit's version, when it reports one. */
    version: z.string().optional(),
  }),
  /** @example "overlay2" */
  storageDriver: z.string(),
  /** The engine's OS. @example "linux" */
  os: z.string(),
  /** The engine's architecture, in Docker's names. @example "amd64" */
  arch: z.string(),
  /** When the run that measured it ended (ISO 8601). */
  date: z.iso.datetime({ offset: true }),
  /** The lessonproof version that wrote it. */
  lessonproof: z.string(),
  /** The run's `--image-map`: drift resolves and rebuilds with the same images. */
  imageMap: z.record(z.string(), z.string()).optional(),
})
export type BaselineEnvironment = z.infer<typeof BaselineEnvironment>

/** One `FROM` of an iteration, as the engine had it when the iteration was measured. */
export const BaselineBaseImage = z.object({
  /** As the build's Dockerfile names it (after the run's `--image-map`). @example "python:3.12-slim" */
  reference: z.string(),
  /**
   * The digest the reference resolved to (an index's for a multi-platform image), as the engine
   * recorded it when pulling or pushing; absent when it had none (the image was built or imported
   * on the engine) or did not have the image at all.
   */
  digest: z.string().optional(),
  /** The image ID the engine had. */
  id: z.string().optional(),
  /** The platform built for, and its own manifest's digest when known. */
  platform: Platform.extend({ digest: z.string().optional() }).optional(),
  /** The base image's size in bytes, as `docker images` reports it, so base drift is told from the lesson's own. */
  size: z.number().int().nonnegative().optional(),
  /** Entries in its `docker history`: the bottom this many layers of an image built on it are the base's. */
  layers: z.number().int().nonnegative().optional(),
})
export type BaselineBaseImage = z.infer<typeof BaselineBaseImage>

/** A layer as `docker history` lists it (newest first). */
export const BaselineLayer = z.object({
  /** The instruction that made it. @example "/bin/sh -c apt-get update && apt-get install -y python3" */
  createdBy: z.string(),
  size: z.number().int().nonnegative(),
})
export type BaselineLayer = z.infer<typeof BaselineLayer>

/** What `/health` answered when the image ran. */
export const BaselineHealth = z.object({
  /** `ok` it answered 2xx; `failed` it did not (the reason says how); `not-run` the iteration was not run. */
  status: z.enum(['ok', 'failed', 'not-run']),
  httpStatus: z.number().int().optional(),
  body: z.string().optional(),
  reason: z.string().optional(),
})
export type BaselineHealth = z.infer<typeof BaselineHealth>

/** A claim's verdict in the run the baseline records. */
export const BaselineClaim = z.object({
  /** The claim's stable id (`<kind> <subject> «<quote>»`), as the report and the ledger name it. */
  id: z.string(),
  line: z.number().int().positive(),
  verdict: Status,
})
export type BaselineClaim = z.infer<typeof BaselineClaim>

/** One iteration (a `docker build` of the lesson), as the run found it. */
export const BaselineIteration = z.object({
  /** Its place in the document, from 0: the key drift rebuilds it by. */
  index: z.number().int().nonnegative(),
  /** The line of its `docker build` command. */
  line: z.number().int().positive(),
  /** The image tag the lesson builds, which names the iteration. @example "task-api:slim" */
  tag: z.string(),
  /** @example "Dockerfile.slim" */
  dockerfile: z.string(),
  /** `measured`, or why it was not: as the measure stage said. */
  status: z.enum(['measured', 'build-failed', 'run-failed', 'blocked']),
  reason: z.string().optional(),
  baseImages: z.array(BaselineBaseImage),
  /** Bytes, as `docker images` reports them; absent when it was not built. */
  size: z.number().int().nonnegative().optional(),
  /** Newest first; absent when it was not built. */
  layers: z.array(BaselineLayer).optional(),
  health: BaselineHealth,
  /** The claims about this iteration. */
  claims: z.array(BaselineClaim),
})
export type BaselineIteration = z.infer<typeof BaselineIteration>

export const BaselineDocument = z.object({
  /** Relative to the baseline file's directory, with `/`. @example "lessons/multi-stage-builds.md" */
  path: z.string(),
  iterations: z.array(BaselineIteration),
  /** Claims about no single iteration: reductions and targets between two, static checks of the text. */
  claims: z.array(BaselineClaim),
})
export type BaselineDocument = z.infer<typeof BaselineDocument>

export const Baseline = z.object({
  version: z.literal(BASELINE_VERSION),
  tool: z.literal('lessonproof'),
  environment: BaselineEnvironment,
  documents: z.array(BaselineDocument),
})
export type Baseline = z.infer<typeof Baseline>

const byClaim = (a: BaselineClaim, b: BaselineClaim) => a.line - b.line || compare(a.id, b.id)

/**
 * The baseline as written: validated, documents by path and claims by line, every object's keys
 * sorted, two-space JSON with a final newline. Iterations and base images keep lesson order.
 */
export function formatBaseline(baseline: Baseline): string {
  const valid = Baseline.parse(baseline)
  const documents = [...valid.documents]
    .sort((a, b) => compare(a.path, b.path))
    .map((d) => ({
      ...d,
      claims: [...d.claims].sort(byClaim),
      iterations: d.iterations.map((i) => ({ ...i, claims: [...i.claims].sort(byClaim) })),
    }))
  return `${JSON.stringify(sortKeys({ ...valid, documents }), null, 2)}\n`
}

/** Reads a baseline's text; `file` names it in errors. */
export function parseBaseline(text: string, file: string): Baseline {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw new BaselineInvalidError(file, `not JSON (${(error as Error).message})`, error)
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new BaselineInvalidError(
      file,
      `expected a JSON object, found ${Array.isArray(data) ? 'an array' : typeof data}`,
    )
  }
  const version = (data as { version?: unknown }).version
  if (version !== BASELINE_VERSION) throw new BaselineVersionError(file, version, BASELINE_VERSION)
  const parsed = Baseline.safeParse(data)
  if (!parsed.success) {
    const issues = parsed.error.issues
    const listed = issues
      .slice(0, 3)
      .map((i) => `${formatPath(i.path)}: ${i.message}`)
      .join('; ')
    const more = issues.length > 3 ? ` (and ${issues.length - 3} more)` : ''
    throw new BaselineInvalidError(file, `${listed}${more}`, parsed.error)
  }
  return parsed.data
}

export async function readBaseline(file: string): Promise<Baseline> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new BaselineMissingError(file)
    throw new BaselineInvalidError(file, (error as Error).message, error)
  }
  return parseBaseline(text, file)
}

/** Writes through a temp file and a rename, so a failed write never leaves half a baseline. */
export async function writeBaseline(file: string, baseline: Baseline): Promise<void> {
  const text = formatBaseline(baseline)
  const temp = `${file}.${randomBytes(4).toString('hex')}.tmp`
  try {
    await writeFile(temp, text)
    await rename(temp, file)
  } catch (error) {
    await rm(temp, { force: true })
    throw error
  }
}

/** A copy with every object's keys in code-point order; arrays keep their order. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (typeof value !== 'object' || value === null) return value
  const entries = Object.entries(value).filter(([, v]) => v !== undefined)
  entries.sort(([a], [b]) => compare(a, b))
  return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]))
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)'
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('')
}
