/** Stage 3: claims → plan. What each iteration builds from, and what keeps it from building here. */
import { createHash } from 'node:crypto'
import { z } from 'zod'
import { parseDockerfile } from '../dockerfile/index.js'
import type { Document, Iteration } from '../model/index.js'
import { segments } from '../parse/index.js'

/** Engine settings, read once at the entry point and passed down. Defaults documented in the README. */
export const EngineSettings = z.object({
  /** `--image-map FROM=TO`: base images to build from instead of the lesson's. */
  imageMap: z.record(z.string(), z.string()).default({}),
  /** `--index-url URL`: a Python package index mirror, set as PIP_INDEX_URL/UV_INDEX_URL in every stage. */
  indexUrl: z.string().url().optional(),
  /** Iterations built at once. @default 2 */
  concurrency: z.number().int().positive().default(2),
  /** @default 600000 */
  buildTimeoutMs: z.number().int().positive().default(600_000),
  /** Default wait for /health; a lesson's `lessonproof.health_timeout_s` overrides it. @default 60000 */
  healthTimeoutMs: z.number().int().positive().default(60_000),
  /** Memory limit of each container. @default 512 MiB */
  memoryBytes: z
    .number()
    .int()
    .positive()
    .default(512 * 1024 * 1024),
  /** CPU limit of each container. @default 1 */
  cpus: z.number().positive().default(1),
  /** Try to pull a base image the engine does not have. Off in tests: they talk to no registry. @default true */
  pull: z.boolean().default(true),
  /** Where measured results are kept between runs; none when unset. */
  cacheDir: z.string().optional(),
  /** Distinguishes this run's image tags from the author's own images. */
  runId: z.string().regex(/^[a-z0-9]+$/),
})
export type EngineSettings = z.infer<typeof EngineSettings>

export interface BuildPlan {
  iteration: Iteration
  /** The tag lessonproof builds under: namespaced, so an author's own images are never touched. */
  buildTag: string
  dockerfile: string
  /** The build context: exactly the lesson's files as they stand at the iteration. */
  files: Record<string, string>
  /** Images the stages start FROM (after --image-map), without stage names and scratch. */
  baseImages: string[]
  /** Why this iteration cannot be built in this run. */
  blocked?: string
  port: number
  healthPath: string
  /** Container path of the volume the lesson mounts when it runs this image. */
  volume?: string
  notes: string[]
}

/** Rewrites the build's copy of a Dockerfile (never the lesson) for --image-map and --index-url. */
function rewrite(content: string, settings: EngineSettings, notes: string[]): string {
  return content
    .split('\n')
    .flatMap((line) => {
      const from = /^(\s*FROM\s+(?:--\S+\s+)*)(\S+)(.*)$/i.exec(line)
      if (!from) return [line]
      const [, head = '', image = '', rest = ''] = from
      const mapped = settings.imageMap[image]
      if (mapped) notes.push(`FROM ${image} built as FROM ${mapped} (--image-map)`)
      const out = [`${head}${mapped ?? image}${rest}`]
      if (settings.indexUrl)
        out.push(`ENV PIP_INDEX_URL=${settings.indexUrl} UV_INDEX_URL=${settings.indexUrl}`)
      return out
    })
    .join('\n')
}

/** A name Docker accepts as a repository: lower case, [a-z0-9._-]. */
function repoName(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^[-.]+|[-.]+$/g, '') || 'image'
  )
}

export function planIteration(lesson: Document, iteration: Iteration, settings: EngineSettings): BuildPlan {
  const notes: string[] = []
  const files: Record<string, string> = {}
  for (const [name, version] of Object.entries(iteration.files)) files[name] = `${version.content}\n`
  const plan: BuildPlan = {
    iteration,
    buildTag: `lessonproof-${settings.runId}-${repoName(iteration.tag.split(':')[0] ?? 'image')}:${repoName(iteration.name)}`,
    dockerfile: iteration.dockerfile,
    files,
    baseImages: [],
    port: 8000,
    healthPath: '/health',
    notes,
  }
  const source = files[iteration.dockerfile]
  if (source === undefined) {
    plan.blocked = `${iteration.dockerfile} is not defined before line ${iteration.line}`
    return plan
  }
  const content = rewrite(source, settings, notes)
  files[iteration.dockerfile] = content
  const model = parseDockerfile(content)
  const stageNames = new Set(model.stages.map((s) => s.name?.toLowerCase()).filter(Boolean))
  plan.baseImages = [
    ...new Set(
      model.stages.map((s) => s.image).filter((i) => i !== 'scratch' && !stageNames.has(i.toLowerCase())),
    ),
  ]
  const expose = model.stages.at(-1)?.steps.find((s) => s.keyword === 'EXPOSE')
  const port = Number.parseInt(expose?.args ?? '', 10)
  if (Number.isInteger(port) && port > 0) plan.port = port

  // A COPY source the lesson never writes, but a command of the lesson makes: that command is not run here.
  for (const stage of model.stages) {
    for (const step of stage.steps) {
      if ((step.keyword !== 'COPY' && step.keyword !== 'ADD') || step.from) continue
      const sources = step.args
        .split(/\s+/)
        .filter((a) => !a.startsWith('--'))
        .slice(0, -1)
      for (const src of sources) {
        const name = src.replace(/^\.\//, '')
        if (name === '.' || /[*?[]/.test(name) || files[name] !== undefined) continue
        if (Object.keys(files).some((f) => f.startsWith(`${name.replace(/\/$/, '')}/`))) continue
        const maker = lesson.commands.find((c) => c.line < iteration.line && c.text.includes(name))
        plan.blocked ??= maker
          ? `${name} is made by \`${maker.text}\` (line ${maker.line}), which lessonproof does not run; the lesson never shows its content`
          : `${iteration.dockerfile} copies ${name}, which the lesson never defines`
      }
    }
  }
  const volume = volumeFor(lesson, iteration)
  if (volume) plan.volume = volume
  return plan
}

/** `docker run -v HOST:/path … TAG` after the build: the container path of the lesson's volume. */
function volumeFor(lesson: Document, iteration: Iteration): string | undefined {
  for (const command of lesson.commands) {
    const argv = segments(command.text)[0] ?? []
    if (argv[0] !== 'docker' || argv[1] !== 'run' || !argv.includes(iteration.tag)) continue
    for (let i = 2; i < argv.length; i++) {
      const arg = argv[i] ?? ''
      const spec =
        arg === '-v' || arg === '--volume'
          ? argv[i + 1]
          : arg.startsWith('--volume=')
            ? arg.slice(9)
            : undefined
      const target = spec?.split(':')[1]
      if (target?.startsWith('/')) return target
    }
  }
  return undefined
}

/** The key results are cached under: the build context and the base images' IDs. */
export function contextHash(plan: BuildPlan, baseIds: string[]): string {
  const hash = createHash('sha256')
  hash.update(`dockerfile\0${plan.dockerfile}\0port\0${plan.port}\0volume\0${plan.volume ?? ''}\0`)
  for (const name of Object.keys(plan.files).sort()) hash.update(`${name}\0${plan.files[name]}\0`)
  for (const id of baseIds) hash.update(`base\0${id}\0`)
  return hash.digest('hex')
}
