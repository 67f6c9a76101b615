/**
 * What the measure stage found, as plain data: what was built, its size, layers, environment,
 * files, /health and routes, logs. The checks stage judges claims against it; nothing in it
 * knows about claims. Also the result cache's format, so a cached file is validated on read.
 */
import { z } from 'zod'

/** An image as the engine reports it. */
export const ImageFacts = z.object({
  /** The image ID (`sha256:…`). */
  id: z.string(),
  /** Bytes, as `docker images` reports them. */
  size: z.number().nonnegative(),
  env: z.record(z.string(), z.string()),
  /** Newest first, as `docker history` lists them. */
  layers: z.array(z.object({ createdBy: z.string(), size: z.number().nonnegative() })),
  /** `repository@sha256:…` per registry the engine pulled it from or pushed it to; none for an image built here. */
  repoDigests: z.array(z.string()).optional(),
  /** The platform it is for. @example { os: "linux", architecture: "amd64" } */
  platform: z.object({ os: z.string(), architecture: z.string(), variant: z.string().optional() }).optional(),
})
export type ImageFacts = z.infer<typeof ImageFacts>

/**
 * A base image an iteration was built on, as the engine had it: what a baseline records, so that
 * drift can tell later whether its tag has moved and how much of a size change is the base's.
 */
export const BaseUsedFacts = z.object({
  /** As the build's Dockerfile names it (after --image-map). @example "python:3.12-slim" */
  ref: z.string(),
  /** The image ID. */
  id: z.string(),
  /** Bytes, as `docker images` reports them. */
  size: z.number().nonnegative(),
  /** Entries in its `docker history`: the bottom this many of an image built on it are the base's. */
  layers: z.number().int().nonnegative(),
  repoDigests: z.array(z.string()),
  platform: ImageFacts.shape.platform,
})
export type BaseUsedFacts = z.infer<typeof BaseUsedFacts>

/** One route of the app, called once /health answered. */
export const RouteFacts = z.object({
  method: z.string(),
  path: z.string(),
  /** The URL path actually requested (parameters filled in). */
  url: z.string(),
  /** 0 when it never answered. */
  status: z.number().int(),
  ok: z.boolean(),
})
export type RouteFacts = z.infer<typeof RouteFacts>

/** A numbered step of a build, as its log showed it and when it ran. */
export const BuildStepFacts = z.object({
  /** The stage BuildKit names (`builder`, `stage-1`); absent for a single stage or the classic builder. */
  stage: z.string().optional(),
  /** n of `[n/total]`. */
  index: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  /** From the keyword on, as the log shows it. @example "RUN gcc -O2 -o /app main.c" */
  instruction: z.string(),
  /** The instruction's keyword. @example "RUN" */
  keyword: z.string(),
  /** Taken from the cache: it did not run, so it has no duration of its own. */
  cached: z.boolean(),
  status: z.enum(['done', 'cached', 'error', 'canceled', 'running']),
  /** Seconds the log's DONE line gives. */
  seconds: z.number().nonnegative().optional(),
  /** When it ran, in seconds from the start of the build: parallel stages overlap. */
  start: z.number().nonnegative().optional(),
  end: z.number().nonnegative().optional(),
})
export type BuildStepFacts = z.infer<typeof BuildStepFacts>

/** How an iteration was built. */
export const BuildFacts = z.object({
  /** `buildx`/`buildkit`: BuildKit; `classic`: the classic builder (no BuildKit-capable client). */
  builder: z.enum(['buildx', 'buildkit', 'classic']),
  /** Said on every build-log verdict when the build could not use BuildKit. */
  note: z.string().optional(),
  /** Wall time of the whole build. */
  seconds: z.number().nonnegative(),
  steps: z.array(BuildStepFacts),
  /** Images the build used in place of the lesson's (`--image-map`): a FROM step is compared through it. */
  imageMap: z.record(z.string(), z.string()).optional(),
  /** Built with `--no-cache`, so that every step ran and has a duration. */
  noCache: z.boolean().optional(),
})
export type BuildFacts = z.infer<typeof BuildFacts>

/** Everything measured of one iteration, or why it could not be. */
export const IterationFacts = z.object({
  status: z.enum(['measured', 'build-failed', 'run-failed', 'blocked']),
  reason: z.string().optional(),
  buildLog: z.string().optional(),
  build: BuildFacts.optional(),
  image: ImageFacts.optional(),
  /** Status and body of GET /health (parsed when JSON). */
  health: z.object({ status: z.number().int(), body: z.unknown() }).optional(),
  routes: z.array(RouteFacts).optional(),
  /** Paths looked for in the image, and whether each exists. */
  paths: z.record(z.string(), z.boolean()).optional(),
  notes: z.array(z.string()),
  /** The images its stages start FROM, as the engine had them when it was measured. */
  bases: z.array(BaseUsedFacts).optional(),
  /** Reused from an earlier run with the same build context and base images. */
  cached: z.boolean().optional(),
})
export type IterationFacts = z.infer<typeof IterationFacts>

/** A base image a claim names: its size, or why the engine could not have it. */
export const BaseImageFacts = z.union([
  z.object({ id: z.string(), size: z.number().nonnegative() }),
  z.object({ missing: z.string() }),
])
export type BaseImageFacts = z.infer<typeof BaseImageFacts>

/** One command of a lesson as the walk ran it in the workstation, or why it did not run it. */
export const StepFacts = z.object({
  /** `exited`: it ran to the end; `timed-out`: stopped at its time limit; `running`: a server left in the background (its output so far); `skipped`: not run, for the reason given (an author's control, a person needed); `blocked`: it could not run here, and the reason names what is missing. */
  status: z.enum(['exited', 'timed-out', 'running', 'skipped', 'blocked']),
  exitCode: z.number().int().nullable(),
  stdout: z.string(),
  stderr: z.string(),
  /** Output beyond the walk's limit was left out. */
  truncated: z.boolean().optional(),
  durationMs: z.number().nonnegative(),
  reason: z.string().optional(),
  /** What else the walk saw: a port nothing listened on, a server it stopped. */
  notes: z.array(z.string()),
  /** Line of an earlier command that was blocked or skipped, whose effects this one may lack. */
  after: z.number().int().positive().optional(),
})
export type StepFacts = z.infer<typeof StepFacts>

/** A lesson walked step by step: each command by its line, or why the lesson could not be walked. */
export const WalkFacts = z.object({
  /** The workstation image the steps ran in. */
  workstation: z.string(),
  /** Per line of a command (its first line). */
  steps: z.record(z.string(), StepFacts),
  /** Why no step could run (no workstation image, say). */
  blocked: z.string().optional(),
})
export type WalkFacts = z.infer<typeof WalkFacts>

/** Everything one engine run measured. */
export const RunFacts = z.object({
  /** Per document path, per iteration index. */
  iterations: z.record(z.string(), z.record(z.string(), IterationFacts)),
  /** Per image reference as the lesson writes it. */
  baseImages: z.record(z.string(), BaseImageFacts),
  /** Per document path: its walk, when the run walked it (`lessonproof walk`). */
  walks: z.record(z.string(), WalkFacts).optional(),
})
export type RunFacts = z.infer<typeof RunFacts>
