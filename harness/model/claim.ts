import { z } from 'zod'
import { Source } from './document.js'

/** A size as a lesson writes it, with the rounding its text implies. */
export const Size = z.object({
  /** The size in bytes (decimal units as Docker prints them: 1 kB = 1000 B; MiB/GiB binary). */
  bytes: z.number().nonnegative(),
  /** The text as written. @example "1.21GB" */
  text: z.string(),
  /** Half the last written digit, in bytes: "458MB" is 458 ± 0.5 MB. */
  rounding: z.number().nonnegative(),
  /** Written as approximate ("~450MB", "about 150MB"): compared with the relative tolerance. */
  approx: z.boolean(),
})
export type Size = z.infer<typeof Size>

/** A percentage as written, with its rounding. */
export const Percent = z.object({
  value: z.number(),
  text: z.string(),
  /** Half the last written digit: "62%" is 62 ± 0.5, "90.5%" is 90.5 ± 0.05. */
  rounding: z.number().nonnegative(),
})
export type Percent = z.infer<typeof Percent>

/** A size stated somewhere else that a claim derives from. */
export const SizeRef = z.object({ line: z.number().int().positive(), size: Size })

const base = {
  /** Stable within a run: `<kind>@<line>#<n>`. */
  id: z.string(),
  source: Source,
  /** The lesson line the claim was read from, trimmed. */
  text: z.string(),
  /** Short description used in test names and reports. */
  title: z.string(),
  /** The image (tag, or the iteration's version name) the claim speaks of. */
  image: z.string().optional(),
  /** The Dockerfile of the iteration the claim speaks of. */
  dockerfile: z.string().optional(),
}

/** An image's size: `docker images` tables, `--format` tables, comparison tables, headings, prose. */
export const ImageSizeClaim = z.object({
  ...base,
  kind: z.literal('image-size'),
  size: Size,
  origin: z.enum(['docker-images', 'format-table', 'comparison-table', 'heading', 'prose']),
})

/** "62% reduction", a Reduction column, "1.21GB reduced to 115MB (90.5% reduction)". */
export const ReductionClaim = z.object({
  ...base,
  kind: z.literal('reduction'),
  percent: Percent,
  /** Name of the baseline version. @example "naive" */
  from: z.string(),
  /** Name of the reduced version. @example "slim" */
  to: z.string(),
  /** The baseline size the lesson states where the reduction is made. */
  fromSize: SizeRef.optional(),
  toSize: SizeRef.optional(),
})

/** A range or target: "70-85%", "70%+", "under 150MB", "~120MB". */
export const TargetClaim = z.object({
  ...base,
  kind: z.literal('target'),
  measure: z.enum(['reduction', 'size']),
  /** Lower bound (percent for reductions, bytes for sizes). */
  min: z.number().optional(),
  /** Upper bound. */
  max: z.number().optional(),
})

/** A layer's size from a `docker history` output. */
export const LayerSizeClaim = z.object({
  ...base,
  kind: z.literal('layer-size'),
  createdBy: z.string(),
  size: Size,
})

/** A `docker history` output as a whole: its layers against the image size claimed for the same image. */
export const HistoryClaim = z.object({
  ...base,
  kind: z.literal('history'),
  layers: z.array(z.object({ line: z.number().int().positive(), createdBy: z.string(), size: Size })),
  /** The output ends with `...`: older layers were left out. */
  truncated: z.boolean(),
})

/** A base image's size, from a table or a bullet. @example python:3.12-slim ~150MB */
export const BaseImageSizeClaim = z.object({
  ...base,
  kind: z.literal('base-image-size'),
  baseImage: z.string(),
  size: Size,
})

/** A duration: "1.8 seconds", "pip's 8+ seconds", a build step's time. */
export const DurationClaim = z.object({
  ...base,
  kind: z.literal('duration'),
  /** What took that long. @example "uv pip install" */
  subject: z.string(),
  seconds: z.number().nonnegative(),
  /** Written as a lower bound ("8+ seconds"). */
  atLeast: z.boolean(),
})

/** A speed-up: "uv is 10-100x faster than pip", "1.8 seconds vs pip's 8+ seconds". */
export const SpeedupClaim = z.object({
  ...base,
  kind: z.literal('speedup'),
  faster: z.string(),
  slower: z.string(),
  minFactor: z.number().positive(),
  maxFactor: z.number().positive().optional(),
})

/** A route the lesson's app defines, other than /health: it must answer when exercised. */
export const EndpointClaim = z.object({
  ...base,
  kind: z.literal('endpoint'),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
  path: z.string(),
  /** The app file that defines it. */
  file: z.string(),
  /** Line of that file's version in the lesson. */
  fileLine: z.number().int().positive(),
})

/** The body /health answers with, from the lesson's code or output. */
export const HealthClaim = z.object({
  ...base,
  kind: z.literal('health'),
  path: z.string(),
  /** The JSON body the app returns. */
  body: z.unknown(),
  /** For a body read from code: the app file's version line (the iterations that copy it answer so). */
  fileLine: z.number().int().positive().optional(),
})

/** An environment variable the lesson says is set in an image. */
export const EnvClaim = z.object({
  ...base,
  kind: z.literal('env'),
  name: z.string(),
  value: z.string(),
})

/** Something the lesson says an image has or has not: "no UV, no pip, no build tools". */
export const ContentsClaim = z.object({
  ...base,
  kind: z.literal('contents'),
  item: z.string(),
  present: z.boolean(),
})

/** A `docker build` command: it must name a Dockerfile the lesson defines. */
export const BuildCommandClaim = z.object({
  ...base,
  kind: z.literal('build-command'),
  command: z.string(),
})

/** A Dockerfile version: it must parse, and every `COPY --from` must name an earlier stage. */
export const DockerfileClaim = z.object({
  ...base,
  kind: z.literal('dockerfile'),
  content: z.string(),
})

/** A practice the prose says a Dockerfile follows: "Combined RUN commands to reduce layer count". */
export const PracticeClaim = z.object({
  ...base,
  kind: z.literal('practice'),
  practice: z.enum([
    'fewer-run-layers',
    'no-pip-cache',
    'no-uv-cache',
    'pycache-removed',
    'pip-cache-purged',
    'multi-stage',
    'copies-path',
  ]),
  /** For `copies-path`: the path the prose says is copied. */
  detail: z.string().optional(),
})

/** A plain-text export: each line must be a paragraph of the lesson, and every paragraph must be there. */
export const TranscriptClaim = z.object({
  ...base,
  kind: z.literal('transcript'),
  /** The lesson the export was made from. */
  lesson: z.string(),
  /** `line`: this line is in the lesson; `coverage`: every paragraph of the lesson is in the export. */
  scope: z.enum(['line', 'coverage']),
})

/** A build output's step counters agree with the Dockerfile ("[2/5] WORKDIR /app"). */
export const BuildStepsClaim = z.object({
  ...base,
  kind: z.literal('build-steps'),
  steps: z.array(
    z.object({ stage: z.string(), index: z.number(), total: z.number(), instruction: z.string() }),
  ),
})

export const Claim = z.discriminatedUnion('kind', [
  ImageSizeClaim,
  ReductionClaim,
  TargetClaim,
  LayerSizeClaim,
  HistoryClaim,
  BaseImageSizeClaim,
  DurationClaim,
  SpeedupClaim,
  HealthClaim,
  EndpointClaim,
  EnvClaim,
  ContentsClaim,
  BuildCommandClaim,
  DockerfileClaim,
  PracticeClaim,
  TranscriptClaim,
  BuildStepsClaim,
])
export type Claim = z.infer<typeof Claim>
export type ClaimKind = Claim['kind']
export type ClaimOf<K extends ClaimKind> = Extract<Claim, { kind: K }>
