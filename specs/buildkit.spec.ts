/**
 * BuildKit builds through the docker CLI, against a real engine: independent stages run in
 * parallel, a target skips what it does not need, a rebuild is CACHED, a failing RUN says why,
 * an abort leaves nothing running or tagged. Small Dockerfiles FROM the lab's
 * debian:bookworm-slim, no network. Every image is labelled with this run and removed at the end.
 *
 * Runs when an engine answers; skipped with the reason when none does, unless
 * LESSONPROOF_REQUIRE_ENGINE=1, which turns a missing engine (or a client without BuildKit) into a failure.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, describe, expect, it } from 'vitest'
import { buildkitSteps, stagesBuilt } from '../harness/buildlog/index.js'
import {
  BuildkitBuilder,
  type BuildkitRequest,
  type BuildkitResult,
  type ClientEnv,
  findBuildClient,
} from '../harness/engine/buildkit.js'

const required = process.env.LESSONPROOF_REQUIRE_ENGINE === '1'
const env: ClientEnv = { ...process.env }
const docker = process.env.LESSONPROOF_DOCKER
const runId = `buildkit-spec-${process.pid}-${Date.now()}`
const BASE = 'debian:bookworm-slim'

let builder: BuildkitBuilder | undefined
let unavailable = ''
try {
  const client = await findBuildClient(docker ? { docker, env } : { env })
  const candidate = new BuildkitBuilder(client, { runId, env })
  await candidate.engineVersion()
  builder = candidate
} catch (error) {
  unavailable = (error as Error).message.split('\n')[0] ?? 'no engine'
}

async function dockerCli(args: string[]) {
  const client = builder?.client
  if (!client) throw new Error('no client')
  return execa(client.file, [...client.prefix, ...args], { env, extendEnv: false, reject: false })
}

/** Image IDs the engine holds, tagged or not. */
async function imageIds(filter?: string): Promise<string[]> {
  const result = await dockerCli([
    'image',
    'ls',
    '-a',
    '-q',
    '--no-trunc',
    ...(filter ? ['--filter', filter] : []),
  ])
  return String(result.stdout).split('\n').filter(Boolean)
}

/** Processes on this machine whose command line holds `marker` (a local engine's build steps are among them). */
function processesWith(marker: string): string[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .flatMap((pid) => {
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')
        return cmd.includes(marker) ? [cmd] : []
      } catch {
        return []
      }
    })
}

const contexts: string[] = []
function context(dockerfile: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'lessonproof-buildkit-spec-'))
  contexts.push(dir)
  writeFileSync(join(dir, 'Dockerfile'), dockerfile)
  return dir
}

// Each step names the run, so no other build on the engine shares it (a shared vertex shows the other's label).
const PARALLEL = [
  `FROM ${BASE} AS left`,
  `RUN sleep 3 && echo left-${runId} > /left`,
  '',
  `FROM ${BASE} AS right`,
  `RUN sleep 3 && echo right-${runId} > /right`,
  '',
  `FROM ${BASE}`,
  'COPY --from=left /left /left',
  'COPY --from=right /right /right',
  '',
].join('\n')

if (!builder) {
  if (required)
    it('a Docker engine answers (LESSONPROOF_REQUIRE_ENGINE=1)', () => {
      throw new Error(unavailable)
    })
  else it.skip(`BuildKit specs: no Docker engine answers (${unavailable})`, () => {})
} else {
  const open = builder
  const baseId = (await imageIds(`reference=${BASE}`))[0]
  /** What the builds made beyond their labelled images: the classic builder's layers of other stages. */
  const made: string[] = []
  const build = async (request: Omit<BuildkitRequest, 'timeoutMs'>): Promise<BuildkitResult> => {
    const result = await open.build({ timeoutMs: 120_000, ...request })
    made.push(...result.created)
    return result
  }
  const tag = (name: string) => `lessonproof-buildkit-spec/${name}:${process.pid}`

  afterAll(async () => {
    // Everything this run made carries its label; the classic builder's own layers are listed on results.
    const ours = await imageIds(`label=org.lessonproof.run=${runId}`)
    if (ours.length > 0) await dockerCli(['image', 'rm', '--force', ...ours])
    for (const id of made.reverse()) await dockerCli(['image', 'rm', id])
    for (const dir of contexts) rmSync(dir, { recursive: true, force: true })
    expect(await imageIds(`label=org.lessonproof.run=${runId}`)).toEqual([])
    // Nothing else was touched: the base image is still there. (Other images come and go with
    // whoever else uses the engine; this run removes only what carries its label.)
    if (baseId) expect(await imageIds(`reference=${BASE}`)).toEqual([baseId])
  }, 60_000)

  describe(`BuildKit builds (${open.describe()})`, () => {
    it.runIf(required)('the client can build with BuildKit (LESSONPROOF_REQUIRE_ENGINE=1)', () => {
      expect(open.client.builder, open.client.note).not.toBe('classic')
    })

    it.skipIf(baseId === undefined)(`${BASE} is in the engine`, () => {
      expect(baseId).toBeDefined()
    })

    it.skipIf(baseId === undefined)(
      'says on every result which builder built it',
      async () => {
        const result = await build({
          contextDir: context(`FROM ${BASE}\nRUN true\n`),
          dockerfile: 'Dockerfile',
          tag: tag('which'),
        })
        expect(result.ok, result.error).toBe(true)
        expect(result.builder).toBe(open.client.builder)
        expect(result.parsed?.builder).toBe(open.client.builder === 'classic' ? 'classic' : 'buildkit')
        if (open.client.builder === 'classic') expect(result.note).toMatch(/^built with the classic builder/)
        else expect(result.note).toBeUndefined()
      },
      120_000,
    )

    describe.skipIf(open.client.builder === 'classic' || baseId === undefined)('with BuildKit', () => {
      it('builds independent stages at the same time', async () => {
        const result = await build({
          contextDir: context(PARALLEL),
          dockerfile: 'Dockerfile',
          tag: tag('parallel'),
          noCache: true,
        })
        expect(result.ok, result.error).toBe(true)
        const left = result.timings.find((t) => t.stage === 'left' && t.index === 2)
        const right = result.timings.find((t) => t.stage === 'right' && t.index === 2)
        expect(left?.end).toBeDefined()
        expect(right?.end).toBeDefined()
        const overlap =
          Math.min(left?.end ?? 0, right?.end ?? 0) - Math.max(left?.start ?? 0, right?.start ?? 0)
        // Each sleeps 3 s; run one after the other they would not overlap at all.
        expect(overlap, JSON.stringify(result.timings)).toBeGreaterThan(1)
        const ran = result.parsed?.steps.filter((s) => s.keyword === 'RUN').map((s) => s.seconds ?? 0) ?? []
        expect(ran.reduce((a, b) => a + b, 0)).toBeGreaterThan(result.seconds)
      }, 120_000)

      it('builds only the stages the target needs', async () => {
        const result = await build({
          contextDir: context(PARALLEL),
          dockerfile: 'Dockerfile',
          tag: tag('target-left'),
          target: 'left',
          noCache: true,
        })
        expect(result.ok, result.error).toBe(true)
        // Not FROM: the engine shares it with any build running at the same time, under that build's label.
        const stages = new Set(result.parsed?.steps.filter((s) => s.keyword !== 'FROM').map((s) => s.stage))
        expect([...stages], result.log).toEqual(['left'])
        expect(stagesBuilt(buildkitSteps(PARALLEL), 'left').map((s) => s.label)).toEqual(['left'])
        // The default target, the last stage, needs both.
        expect(stagesBuilt(buildkitSteps(PARALLEL)).map((s) => s.label)).toEqual(['left', 'right', 'stage-2'])
      }, 120_000)

      it('shows CACHED on a rebuild', async () => {
        const dir = context(
          `FROM ${BASE}\nWORKDIR /srv/${runId}\nRUN echo ${runId} > id\nCOPY Dockerfile .\n`,
        )
        const first = await build({
          contextDir: dir,
          dockerfile: 'Dockerfile',
          tag: tag('cache'),
          noCache: true,
        })
        const again = await build({ contextDir: dir, dockerfile: 'Dockerfile', tag: tag('cache') })
        expect(first.ok && again.ok, `${first.log}\n${again.log}`).toBe(true)
        // In step order: the engine prints cached steps in the order it finds them.
        const later = (r: BuildkitResult) =>
          (r.parsed?.steps.filter((s) => s.keyword !== 'FROM') ?? []).sort((a, b) => a.index - b.index)
        expect(later(first).map((s) => s.cached)).toContain(false)
        expect(
          later(again).map((s) => `${s.index}/${s.total} ${s.cached}`),
          again.log,
        ).toEqual(['2/4 true', '3/4 true', '4/4 true'])
        expect(again.imageId).toBe(first.imageId)
      }, 120_000)

      it('says which step failed, why, and its last lines; tags nothing', async () => {
        const dir = context(
          `FROM ${BASE}\nWORKDIR /srv/${runId}\nRUN echo preparing && ls /nonexistent\nRUN echo never\n`,
        )
        const result = await build({ contextDir: dir, dockerfile: 'Dockerfile', tag: tag('failing') })
        expect(result.ok).toBe(false)
        expect(result.error, result.log).toMatch(
          /^\[3\/4\] RUN echo preparing && ls \/nonexistent: .*exit code: 2/,
        )
        // The step's stdout and stderr reach the log in pieces, interleaved: its lines, not their order.
        expect(result.error).toContain('preparing')
        expect(result.error).toContain("cannot access '/nonexistent'")
        expect((await dockerCli(['image', 'inspect', tag('failing')])).exitCode).not.toBe(0)
      }, 120_000)

      it('on abort kills the client; the engine cancels the step; nothing is left tagged', async () => {
        const marker = `sleep 59.${process.pid}`
        const dir = context(`FROM ${BASE}\nRUN ${marker} && echo done > /x\n`)
        const controller = new AbortController()
        const pending = build({
          contextDir: dir,
          dockerfile: 'Dockerfile',
          tag: tag('aborted'),
          noCache: true,
          signal: controller.signal,
        })
        const local = !env.DOCKER_HOST || env.DOCKER_HOST.startsWith('unix://')
        for (let i = 0; i < 100 && processesWith(marker).length === 0; i++)
          await new Promise((r) => setTimeout(r, 100))
        if (local) expect(processesWith(marker).length).toBeGreaterThan(0)
        controller.abort()
        const result = await pending
        expect(result).toMatchObject({ ok: false, aborted: true, error: 'build aborted' })
        expect(result.seconds).toBeLessThan(30)
        await new Promise((r) => setTimeout(r, 1000))
        if (local) expect(processesWith(marker)).toEqual([])
        expect((await dockerCli(['image', 'inspect', tag('aborted')])).exitCode).not.toBe(0)
      }, 120_000)

      it('labels every image with the run', async () => {
        const ours = await imageIds(`label=org.lessonproof.run=${runId}`)
        expect(ours.length).toBeGreaterThan(0)
        const result = await dockerCli([
          'image',
          'inspect',
          '--format',
          '{{index .Config.Labels "org.lessonproof.run"}}',
          tag('parallel'),
        ])
        expect(String(result.stdout).trim()).toBe(runId)
      })
    })

    it.skipIf(open.client.builder === 'classic' || baseId === undefined)(
      'with the 20.10 engine, a RUN heredoc fails under BuildKit (its built-in frontend predates them)',
      async (ctx) => {
        const server = await open.engineVersion()
        if (!server.startsWith('20.10'))
          ctx.skip(`engine ${server}: heredocs are supported from Dockerfile 1.4`)
        const dir = context(`FROM ${BASE}\nRUN <<EOT\necho from a heredoc\nEOT\n`)
        const result = await build({ contextDir: dir, dockerfile: 'Dockerfile', tag: tag('heredoc') })
        expect(result.ok).toBe(false)
        expect(result.error, result.log).toMatch(/dockerfile parse error line 3: unknown instruction: ECHO/)
      },
      60_000,
    )
  })
}
