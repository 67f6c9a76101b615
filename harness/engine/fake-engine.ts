/**
 * An Engine that answers from facts recorded on a real engine (see specs/engine.spec.ts, which
 * records them with LESSONPROOF_RECORD_FACTS=1), so the plan and measure stages are tested
 * without Docker. A build is looked up by its context's content: a changed lesson finds no
 * recording and fails, rather than replaying facts of another build. Its "running app" is a
 * small HTTP server on 127.0.0.1 that answers /health and the routes as the real one did.
 */
import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join, relative, sep } from 'node:path'
import { z } from 'zod'
import { BuildFacts, ImageFacts, RouteFacts } from '../model/index.js'
import type { BuildRequest, BuildResult, Engine, Running, RunRequest } from './engine.js'

/** What a real engine measured of one build. */
export const RecordedImage = z.object({
  /** The build failed with this error. */
  buildError: z.string().optional(),
  /** The build's log, as the builder printed it. */
  buildLog: z.string().optional(),
  /** The builder, its steps and when they ran. */
  build: BuildFacts.optional(),
  image: ImageFacts.optional(),
  paths: z.record(z.string(), z.boolean()).optional(),
  /** /health's answer; absent when the app never answered. */
  health: z.object({ status: z.number().int(), body: z.unknown() }).optional(),
  routes: z.array(RouteFacts).optional(),
})
export type RecordedImage = z.infer<typeof RecordedImage>

/** A recording: base images the engine had, and builds by the hash of their context. */
export const Recording = z.object({
  recorded: z.string(),
  engine: z.string(),
  bases: z.record(z.string(), z.object({ id: z.string(), size: z.number() })),
  builds: z.record(z.string(), RecordedImage),
})
export type Recording = z.infer<typeof Recording>

/** The key a build is recorded under: its Dockerfile's name and every file of its context, by name and content. */
export function contextKey(dockerfile: string, files: Record<string, string | Buffer>): string {
  const hash = createHash('sha256').update(`dockerfile\0${dockerfile}\0`)
  for (const name of Object.keys(files).sort())
    hash
      .update(`${name}\0`)
      .update(files[name] ?? '')
      .update('\0')
  return hash.digest('hex').slice(0, 16)
}

/** A build's key in a recording: its context, and the stage it targets. */
export function buildKey(context: string, target: string | undefined): string {
  return target ? `${context}@${target}` : context
}

/** The files of a build context directory, by path relative to it. */
async function readContext(dir: string): Promise<Record<string, Buffer>> {
  const files: Record<string, Buffer> = {}
  const walk = async (at: string): Promise<void> => {
    for (const entry of await readdir(at, { withFileTypes: true })) {
      const path = join(at, entry.name)
      if (entry.isDirectory()) await walk(path)
      else files[relative(dir, path).split(sep).join('/')] = await readFile(path)
    }
  }
  await walk(dir)
  return files
}

export class FakeEngine implements Engine {
  /** What each tag was built from, once built. */
  private readonly built = new Map<string, RecordedImage>()
  /** Every call, for tests that check what was asked. */
  readonly calls: string[] = []
  /** How often each build key was built: the n-th build replays the n-th recording (a rebuild's log is CACHED). */
  private readonly builds = new Map<string, number>()

  constructor(private readonly recording: Recording) {}

  async describe(): Promise<string> {
    return `recorded facts of ${this.recording.engine} (${this.recording.recorded})`
  }

  async ensureImage(ref: string): Promise<{ id: string } | { missing: string }> {
    this.calls.push(`ensure ${ref}`)
    const base = this.recording.bases[ref]
    return base ? { id: base.id } : { missing: 'not in the recording' }
  }

  async build(request: BuildRequest): Promise<BuildResult> {
    const base = buildKey(
      contextKey(request.dockerfile, await readContext(request.contextDir)),
      request.target,
    )
    const n = (this.builds.get(base) ?? 0) + 1
    this.builds.set(base, n)
    const key = `${base}#${n}`
    this.calls.push(`build ${request.tag} ${key}`)
    const recorded = this.recording.builds[key]
    const none: BuildFacts = { builder: 'buildkit', seconds: 0, steps: [] }
    if (!recorded)
      return { ok: false, error: `no recorded build has this context (${key})`, log: '', build: none }
    const log = recorded.buildLog ?? recorded.buildError ?? ''
    const build = recorded.build ?? none
    if (recorded.buildError) return { ok: false, error: recorded.buildError, log, build }
    this.built.set(request.tag, recorded)
    return { ok: true, log, build }
  }

  private image(tag: string): RecordedImage {
    const image = this.built.get(tag) ?? this.baseAsImage(tag)
    if (!image) throw new Error(`no such image: ${tag}`)
    return image
  }

  private baseAsImage(ref: string): RecordedImage | undefined {
    const base = this.recording.bases[ref]
    return base ? { image: { id: base.id, size: base.size, env: {}, layers: [] } } : undefined
  }

  async inspect(tag: string): Promise<ImageFacts> {
    const image = this.image(tag).image
    if (!image) throw new Error(`no facts recorded for ${tag}`)
    return image
  }

  async pathsExist(image: string, paths: string[]): Promise<Record<string, boolean>> {
    const known = this.image(image).paths ?? {}
    const missing = paths.filter((p) => known[p] === undefined)
    if (missing.length > 0) throw new Error(`not recorded whether ${image} has ${missing.join(', ')}`)
    return Object.fromEntries(paths.map((p) => [p, known[p] === true]))
  }

  async run(request: RunRequest): Promise<Running> {
    this.calls.push(`run ${request.image}`)
    const image = this.image(request.image)
    const health = image.health
    if (!health)
      throw new Error(
        `${request.healthPath} did not answer 2xx within ${Math.round(request.healthTimeoutMs / 1000)} s (recorded: it never answered)`,
      )
    const routes = image.routes ?? []
    const server = createServer((req, res) => {
      const path = (req.url ?? '').split('?')[0]
      if (req.method === 'GET' && path === request.healthPath) {
        res.writeHead(health.status, { 'content-type': 'application/json' }).end(JSON.stringify(health.body))
        return
      }
      const hit = routes.find((r) => r.method === req.method && r.url === path)
      // A create answers with the id the recorded run's next calls used.
      const id = routes.find((r) => /\{[^}]+\}/.test(r.path))?.url.split('/')[2]
      res
        .writeHead(hit?.status || 404, { 'content-type': 'application/json' })
        .end(JSON.stringify(id ? { id } : {}))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    return {
      baseUrl: `http://127.0.0.1:${port}`,
      notes: [],
      stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
    }
  }
}
