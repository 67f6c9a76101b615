/**
 * The small interface the measure stage talks to. The testcontainers-backed implementation is
 * `docker-engine.ts`; `fake-engine.ts` answers from recorded facts, for tests without Docker.
 */
import type { ImageFacts } from '../model/index.js'

export interface BuildRequest {
  /** Directory holding exactly the build context (the lesson's files). */
  contextDir: string
  dockerfile: string
  tag: string
  timeoutMs: number
}

export interface BuildResult {
  ok: boolean
  /** Why it failed, as the engine says it. */
  error?: string
  /** The build's output, kept per iteration and shown on failure. */
  log: string
  /** Wall time of the build. */
  seconds: number
  /** Images this build created (final and, with the classic builder, intermediate), to remove afterwards. */
  created: string[]
}

export interface RunRequest {
  image: string
  port: number
  healthPath: string
  healthTimeoutMs: number
  memoryBytes: number
  cpus: number
  /** The lesson's declared volume: a temp dir mounted at this container path. */
  volume?: { hostDir: string; containerPath: string }
}

export interface Running {
  /** `http://127.0.0.1:<port>`: the published port, loopback only. */
  baseUrl: string
  stop(): Promise<void>
}

export interface Engine {
  /** A short description of the engine (where it is, its version), or throws when none answers. */
  describe(): Promise<string>
  /** The image's ID when the engine has it (after trying to pull it once, when `pull`). */
  ensureImage(ref: string, pull: boolean): Promise<{ id: string } | { missing: string }>
  build(request: BuildRequest): Promise<BuildResult>
  inspect(tag: string): Promise<ImageFacts>
  /** Whether each path exists in the image's file system (without running it). */
  pathsExist(image: string, paths: string[]): Promise<Record<string, boolean>>
  /** Starts the image and waits until `healthPath` answers 2xx; throws with the container's logs when it never does. */
  run(request: RunRequest): Promise<Running>
}
