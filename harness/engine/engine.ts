/**
 * The small interface the measure stage talks to. The Docker implementation is
 * `docker-engine.ts`; `fake-engine.ts` answers from recorded facts, for tests without Docker.
 */
import type { BuildFacts, ImageFacts } from '../model/index.js'

export interface BuildRequest {
  /** Directory holding exactly the build context (the lesson's files). */
  contextDir: string
  dockerfile: string
  tag: string
  timeoutMs: number
  /** `--target`: the stage to build, when not the last. */
  target?: string
  /** `--no-cache`: every step runs (timed claims need durations). */
  noCache?: boolean
}

export interface BuildResult {
  ok: boolean
  /** Why it failed, as the engine says it. */
  error?: string
  /** The build's output, as the builder printed it. */
  log: string
  /** The builder, its note, wall time, and every numbered step with when it ran. */
  build: BuildFacts
  /** The image built. */
  imageId?: string
}

export interface RunRequest {
  image: string
  port: number
  healthPath: string
  healthTimeoutMs: number
  memoryBytes: number
  cpus: number
  /** Processes the app may have at once. */
  pidsLimit: number
  /** The lesson declares that its app needs the network beyond this machine. @default false */
  outbound?: boolean
  /** The lesson's declared volume: a temp dir mounted at this container path. */
  volume?: { hostDir: string; containerPath: string }
}

export interface Running {
  /** Where the app answers: its address on the run's own network, or a port published on 127.0.0.1. */
  baseUrl: string
  /** Notes on how it runs (what stays open, and why). */
  notes: string[]
  stop(): Promise<void>
}

export interface Engine {
  /** A short description of the engine (where it is, its version) and of the builder. */
  describe(): Promise<string>
  /** The image's ID when the engine has it (after trying to pull it once, when `pull`). */
  ensureImage(ref: string, pull: boolean): Promise<{ id: string } | { missing: string }>
  build(request: BuildRequest): Promise<BuildResult>
  inspect(tag: string): Promise<ImageFacts>
  /** Whether each path exists in the image's file system (without running it). */
  pathsExist(image: string, paths: string[]): Promise<Record<string, boolean>>
  /** Starts the image and waits until `healthPath` answers 2xx; throws with the container's state and last output when it never does. */
  run(request: RunRequest): Promise<Running>
}
