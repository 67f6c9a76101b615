import { z } from 'zod'

/**
 * How an engine run builds, from the command line only (a lesson cannot change them): what it
 * may pull, which images stand in for others, where results are kept.
 */
export const EngineOptions = z.object({
  /** `--image-map FROM=TO`: base images to build from instead of the lesson's. */
  imageMap: z.record(z.string(), z.string()).default({}),
  /** `--index-url URL`: a Python package index mirror, set as PIP_INDEX_URL/UV_INDEX_URL in every stage. */
  indexUrl: z.string().url().optional(),
  /** Try to pull a base image the engine does not have. Off in tests: they talk to no registry. @default true */
  pull: z.boolean().default(true),
  /** Where measured results are kept between runs; none when unset. */
  cacheDir: z.string().optional(),
  /** Walk each lesson's steps in a workstation (`lessonproof walk`); the walk's builds are the iterations' builds. @default false */
  walk: z.boolean().default(false),
  /**
   * `--docker CLIENT` (or `LESSONPROOF_DOCKER`, read by the command line only): the docker client
   * builds go through, as a path or a command with words (`/usr/bin/docker`, `docker --context x`).
   * Unset: the first client that can build with BuildKit.
   */
  docker: z.string().min(1).optional(),
  /** This run's id: in every tag, label and temp dir name the run makes, so it touches only its own. */
  runId: z.string().regex(/^[a-z0-9]+$/),
})
export type EngineOptions = z.infer<typeof EngineOptions>
export type EngineOptionsInput = z.input<typeof EngineOptions>

/** The label every image, container and volume a run creates carries, with the run's id. */
export const RUN_LABEL = 'org.lessonproof.run'
