/**
 * `lessonproof drift [paths…] [--baseline FILE] [--report DIR] [--via registry|engine]`: have the
 * base images the lessons build on moved since the baseline, and do the lessons' claims still hold?
 * Exit status: 0 nothing moved, 3 moved and every claim still holds, 1 a claim no longer holds,
 * 2 an error (an image that cannot be resolved, a baseline missing or of another version, bad
 * usage). An error writes nothing: the baseline, the lessons and an earlier report stay as they were.
 */
import { stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import {
  BASELINE_FILE,
  createEngineResolver,
  createRegistryResolver,
  type DigestResolver,
  DriftError,
  type DriftReport,
  type DriftResult,
  formatChange,
  headline,
  pullImage,
  readBaseline,
  runDrift,
  shortDigest,
  writeDriftReport,
} from '../drift/index.js'
import { UsageError } from '../errors.js'
import { dockerSize } from '../model/index.js'
import type { EngineOptionsInput } from '../settings/index.js'
import type { EngineRun } from '../verify/index.js'
import { dockerClient, dockerLogins } from './docker-client.js'

export const DRIFT_USAGE = `usage: lessonproof drift [paths…] [--baseline FILE] [--report DIR] [--via registry|engine]

Resolves, without pulling, the current digest of every base image the baseline records for the
documents under the paths (default: lessons/). When none moved it says so and builds nothing.
When some moved it pulls them, rebuilds only the iterations built on them (and those a claim
compares with them), and reports what changed, with a suggested patch of the lessons' numbers.

options:
  --baseline FILE          the baseline (default: ${BASELINE_FILE}); write one with
                           lessonproof verify --write-baseline
  --report DIR             write report.html, report.md, report.json and suggested.patch
  --via registry|engine    resolve through the registries' v2 API (default; logins from the
                           Docker config) or through the engine's distribution endpoint
  --no-cache               build again even where the result cache has a measurement
  -h, --help               show this help

exit status: 0 nothing moved, 3 images moved and every claim still holds, 1 a claim no
longer holds, 2 an error (an image that cannot be resolved, a baseline missing or from another
version, bad usage); an error writes nothing.`

export interface DriftIo {
  out: (text: string) => void
  err: (text: string) => void
  cwd: string
  env: Record<string, string | undefined>
}

export interface DriftCommandDeps {
  /** Opens an engine session with these options, runs `work`, and closes it (also on Ctrl-C). */
  withEngine<T>(
    options: Omit<EngineOptionsInput, 'runId'>,
    log: (line: string) => void,
    work: (engine: EngineRun) => Promise<T>,
  ): Promise<T>
  /** Resolves in place of `--via`'s resolver (tests, and callers with a resolver of their own). */
  resolver?: DigestResolver
}

export async function driftCommand(argv: string[], io: DriftIo, deps: DriftCommandDeps): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        baseline: { type: 'string' },
        report: { type: 'string' },
        via: { type: 'string', default: 'registry' },
        'no-cache': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    })
    if (values.help) {
      io.out(DRIFT_USAGE)
      return 0
    }
    if (values.via !== 'registry' && values.via !== 'engine')
      throw new UsageError(`--via takes registry or engine, got '${values.via}'`)
    const reportDir = values.report === undefined ? undefined : resolve(io.cwd, values.report)
    if (reportDir) await checkReportDir(reportDir)
    const baselineFile = values.baseline ?? BASELINE_FILE
    const baseline = await readBaseline(resolve(io.cwd, baselineFile))

    const logins = await dockerLogins(io.env)
    let resolver: DigestResolver
    if (deps.resolver) resolver = deps.resolver
    else if (values.via === 'engine') {
      const docker = await dockerClient(process.env).catch((error: Error) => {
        throw new UsageError(`--via engine: no Docker engine answers (${error.message.split('\n')[0]})`)
      })
      resolver = createEngineResolver(docker, { credentials: logins })
    } else resolver = createRegistryResolver({ credentials: logins })

    const started = Date.now()
    const result = await runDrift(
      {
        baseline,
        baselineFile,
        paths: positionals.length > 0 ? positionals : ['lessons'],
        cwd: io.cwd,
      },
      {
        resolver,
        log: io.err,
        withEngine: (imageMap, work) =>
          deps.withEngine(
            {
              imageMap,
              pull: true,
              ...(values['no-cache'] ? {} : { cacheDir: resolve(io.cwd, '.lessonproof/cache') }),
            },
            io.err,
            async (run) => {
              const docker = await dockerClient(process.env)
              return work({ run, pull: (reference, digest) => pullImage(docker, reference, digest, logins) })
            },
          ),
      },
    )
    const seconds = (Date.now() - started) / 1000
    if (result.exitCode === 2) {
      io.err(unresolvedMessage(result.report))
      return 2
    }
    const written = reportDir ? await writeDriftReport(reportDir, result.report) : []
    io.out(summary(result, seconds, written))
    return result.exitCode
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`lessonproof drift: ${(error as Error).message}\n\n${DRIFT_USAGE}`)
      return 2
    }
    if (error instanceof DriftError) {
      io.err(`lessonproof drift: ${error.message}`)
      return 2
    }
    throw error
  }
}

/** A report directory that exists must be a directory; one that does not is made when the report is written. */
async function checkReportDir(dir: string): Promise<void> {
  try {
    if (!(await stat(dir)).isDirectory()) throw new UsageError(`--report ${dir} is a file, not a directory`)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
}

function unresolvedMessage(report: DriftReport): string {
  const unresolved = report.images.filter((i) => i.status === 'unresolved')
  const lines = [
    `lessonproof drift: ${unresolved.length} of ${report.images.length} base image${report.images.length === 1 ? '' : 's'} could not be resolved, so drift cannot say what moved; nothing was built and nothing written`,
  ]
  for (const image of unresolved) {
    const users = image.usedBy.map((u) => `${u.document} ${u.iteration}`)
    const shown = users.length > 3 ? [...users.slice(0, 3), `${users.length - 3} more`] : users
    lines.push(`  ${image.reference} (the base of ${shown.join(', ')}):`, `    ${image.message}`)
  }
  return lines.join('\n')
}

function summary(result: DriftResult, seconds: number, written: string[]): string {
  const { report } = result
  const lines = [
    `lessonproof drift: ${headline(report)} (${report.images.length} base image${report.images.length === 1 ? '' : 's'}, ${seconds.toFixed(1)} s)`,
  ]
  for (const image of report.images) {
    if (image.status === 'moved') {
      const { before, after } = image
      const sizes =
        before.size !== undefined && after.size !== undefined
          ? `, ${dockerSize(before.size)} → ${dockerSize(after.size)} (${formatChange(((after.size - before.size) / before.size) * 100)})`
          : ''
      lines.push(
        `  moved: ${image.reference} ${shortDigest(before.digest)} → ${shortDigest(after.digest)}${sizes}`,
      )
    } else if (image.status === 'pinned') {
      lines.push(
        `  pinned: ${image.reference}${image.tagDigest ? `; its tag now points at ${shortDigest(image.tagDigest)}` : ''}`,
      )
    }
  }
  for (const lesson of report.lessons) {
    for (const it of lesson.iterations) {
      lines.push(
        `  ${lesson.path} ${it.tag}: ${dockerSize(it.before)} → ${dockerSize(it.after)} (${formatChange(it.changePct)}; base ${signed(it.drift.base)}, own layers ${signed(it.drift.own)})`,
      )
    }
    for (const claim of lesson.claims) {
      lines.push(`  ${lesson.path}:${claim.line} ${claim.before} → ${claim.after}: ${claim.title}`)
    }
  }
  for (const note of report.notes ?? []) lines.push(`  note: ${note}`)
  if (result.rebuilt.length > 0) lines.push(`rebuilt ${result.rebuilt.length}: ${result.rebuilt.join(', ')}`)
  if (written.length > 0) lines.push(`report: ${written.join(', ')}`)
  return lines.join('\n')
}

function signed(bytes: number): string {
  return bytes === 0 ? '0B' : `${bytes > 0 ? '+' : '−'}${dockerSize(Math.abs(bytes))}`
}
