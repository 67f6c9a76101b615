/**
 * The drift report: what moved upstream, what it did to each iteration, which claims no longer
 * hold, and the edit that would make them true. The Markdown and HTML renderers read only this.
 */
import { z } from 'zod'
import { Status } from '../model/verdict.js'

export const DRIFT_REPORT_VERSION = 1

/** A digest and, when measured, the image's size in bytes (`docker images`). */
const ImageState = z.object({
  digest: z.string(),
  size: z.number().int().nonnegative().optional(),
})

const imageBase = {
  /** As the Dockerfiles write it. @example "python:3.12-slim" */
  reference: z.string(),
  /** @example "linux/amd64" */
  platform: z.string().optional(),
  /** The iterations built on it: `<document path> <tag>`. */
  usedBy: z.array(z.object({ document: z.string(), iteration: z.string() })),
}

/** One base image of the baseline, and what became of it. */
export const ImageDrift = z.discriminatedUnion('status', [
  z.object({ ...imageBase, status: z.literal('moved'), before: ImageState, after: ImageState }),
  z.object({ ...imageBase, status: z.literal('unchanged'), digest: z.string() }),
  z.object({
    ...imageBase,
    status: z.literal('pinned'),
    digest: z.string(),
    /** Where the reference's tag points now, when it names one and it moved. */
    tagDigest: z.string().optional(),
  }),
  z.object({
    ...imageBase,
    status: z.literal('unresolved'),
    /** The error's code, or `no-baseline-digest` when the baseline has no digest to compare with. @example "registry-unreachable" */
    code: z.string(),
    message: z.string(),
  }),
])
export type ImageDrift = z.infer<typeof ImageDrift>

/** A layer (by its CREATED BY) that is new, or changed size, between the baseline and now. */
export const LayerChange = z.object({
  createdBy: z.string(),
  change: z.enum(['added', 'grown', 'shrunk', 'removed']),
  before: z.number().int().nonnegative().optional(),
  after: z.number().int().nonnegative().optional(),
  /** The layer comes from the base image, not from the lesson's own instructions. */
  fromBase: z.boolean(),
})
export type LayerChange = z.infer<typeof LayerChange>

/** One rebuilt iteration: its size then and now, and where the difference comes from. */
export const IterationDrift = z.object({
  /** @example "task-api:slim" */
  tag: z.string(),
  dockerfile: z.string(),
  /** The size the lesson states for it, when it states one. */
  claimed: z
    .object({ bytes: z.number().nonnegative(), text: z.string(), line: z.number().int().positive() })
    .optional(),
  /** Bytes in the baseline. */
  before: z.number().int().nonnegative(),
  /** Bytes measured now. */
  after: z.number().int().nonnegative(),
  /** `(after - before) / before`, in percent. */
  changePct: z.number(),
  /** How much of `after - before` is the base image's, and how much the lesson's own layers'. */
  drift: z.object({ base: z.number().int(), own: z.number().int() }),
  layers: z.array(LayerChange),
})
export type IterationDrift = z.infer<typeof IterationDrift>

/** A claim whose verdict differs from the baseline's. */
export const ClaimChange = z.object({
  id: z.string(),
  line: z.number().int().positive(),
  /** The lesson's sentence (or table row) the claim was read from. */
  text: z.string(),
  title: z.string(),
  before: Status,
  after: Status,
  expected: z.string().optional(),
  measured: z.string().optional(),
  reason: z.string(),
})
export type ClaimChange = z.infer<typeof ClaimChange>

export const LessonDrift = z.object({
  /** @example "lessons/multi-stage-builds.md" */
  path: z.string(),
  title: z.string().optional(),
  iterations: z.array(IterationDrift),
  claims: z.array(ClaimChange),
})
export type LessonDrift = z.infer<typeof LessonDrift>

/**
 * - `unchanged`: no base image moved; nothing was built.
 * - `moved`: images moved and every claim still holds.
 * - `claims-fail`: a claim that held no longer does.
 * - `error`: an image could not be resolved (see `images[].status === 'unresolved'`).
 */
export const DriftOutcome = z.enum(['unchanged', 'moved', 'claims-fail', 'error'])
export type DriftOutcome = z.infer<typeof DriftOutcome>

export const DriftReport = z.object({
  tool: z.literal('lessonproof'),
  report: z.literal('drift'),
  version: z.literal(DRIFT_REPORT_VERSION),
  /** When drift ran (ISO 8601). */
  date: z.iso.datetime({ offset: true }),
  baseline: z.object({
    file: z.string(),
    /** When the baseline was measured. */
    date: z.iso.datetime({ offset: true }),
  }),
  outcome: DriftOutcome,
  images: z.array(ImageDrift),
  lessons: z.array(LessonDrift),
  /** A unified diff of the lessons' numbers that makes the failing claims true again, for review. */
  patch: z.string().optional(),
  /** What a reader should know besides: documents the baseline does not cover, claims no edit was suggested for. */
  notes: z.array(z.string()).optional(),
})
export type DriftReport = z.infer<typeof DriftReport>

/** The change from `before` to `after` in percent of `before` (0 when both are 0). */
export function changePct(before: number, after: number): number {
  if (before === 0) return after === 0 ? 0 : 100
  return ((after - before) / before) * 100
}

/** `+12.3%`, `-4%`, `0%`: a signed change as the reports print it. */
export function formatChange(pct: number, digits = 1): string {
  const rounded = Number(pct.toFixed(digits))
  if (rounded === 0) return '0%'
  return `${rounded > 0 ? '+' : '−'}${Math.abs(rounded)}%`
}

/** The short digest reports show: the algorithm dropped, 12 hex digits, as `docker images` does. */
export function shortDigest(digest: string): string {
  return (digest.split(':')[1] ?? digest).slice(0, 12)
}

/** An instruction as `docker history` records it, without the `/bin/sh -c` and `#(nop)` that add nothing for a reader. */
export function instruction(createdBy: string): string {
  return createdBy.replace(/^\/bin\/sh -c (#\(nop\)\s+)?/, '')
}
