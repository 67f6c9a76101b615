/** `lessonproof verify [paths…] [--static] [--reporter …]`: the command course authors and CI run. */

import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { ZodError } from 'zod'
import { LedgerError, UsageError } from '../errors.js'
import { DEFAULT_LEDGER, loadLedger } from '../ledger/index.js'
import { type EngineSession, openEngineSession } from '../measure/session.js'
import { createProgress } from '../report/progress.js'
import { countIterations } from '../select/index.js'
import { type VerifyOptions, verify } from '../verify/index.js'
import { engineProgress } from './progress.js'
import { readAndMerge } from './report-merge.js'
import { checkTargets, emitReports, parseReporters } from './reporters.js'
import { selectDocuments, takeChangedBase } from './selection.js'

const USAGE = `usage: lessonproof verify [paths…] [options]
       lessonproof report merge FILE… [--reporter NAME[=FILE]]… [--json FILE]
       lessonproof --version

Parses each lesson under the paths (default: lessons/) and verifies its claims.
report merge: the JSON reports of shards (--shard) as the report of one run.

options:
  --static                 check only what needs no Docker engine (sizes and other
                           measured claims are reported as blocked)
  --image-map FROM=TO      build FROM images from TO instead (repeatable)
  --index-url URL          Python package index mirror for the builds (PIP_INDEX_URL,
                           UV_INDEX_URL in every stage)
  --concurrency N          iterations built at once (default 2)
  --no-pull                never pull a base image the engine does not have
  --no-cache               measure again even when a lesson and its base images are unchanged
  --reporter NAME[=FILE]   text, json, junit or github (repeatable; default: text on
                           stdout); github prints annotations on stdout and appends the
                           job summary to FILE, else to $GITHUB_STEP_SUMMARY when set
  --json FILE              the same as --reporter json=FILE
  --annotate-blocked       github: blocked claims as warnings too
  --changed [BASE]         only the documents changed since the git ref BASE (default:
                           the merge base with origin/HEAD or the upstream, else HEAD~1),
                           with the rest of their lesson families
  --shard i/n              only shard i of n: lesson families split by the iterations
                           they build
  --ledger FILE            reviewed ledger of claims known to be false
                           (default: ${DEFAULT_LEDGER} when present)
  --size-tolerance PCT     relative tolerance for sizes (default 15)
  --reduction-tolerance PTS  tolerance for reductions, in percentage points (default 5)
  --verbose                list every claim, not only failures
  -V, --version            print lessonproof's version
  -h, --help               show this help

exit status: 0 every claim holds or is ledgered, 1 a claim fails (or a ledger
entry is stale), 2 bad usage or an unreadable lesson.`

export interface Io {
  out: (text: string) => void
  err: (text: string) => void
  cwd: string
  /** The environment, read here once (CI, GITHUB_STEP_SUMMARY, …). @default {} */
  env?: Record<string, string | undefined>
  /** stderr as a stream, for progress redrawn in place when it is a terminal. */
  stderr?: { write: (text: string) => unknown; isTTY?: boolean; columns?: number }
}

const defaultIo: Io = {
  out: (t) => process.stdout.write(`${t}\n`),
  err: (t) => process.stderr.write(`${t}\n`),
  cwd: process.cwd(),
  env: process.env,
  stderr: process.stderr,
}

async function version(): Promise<string> {
  // package.json is two folders up from harness/cli/main.ts (tests, tsx), three from dist/harness/cli/main.js.
  for (const up of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(await readFile(new URL(up, import.meta.url), 'utf8')) as { version: string }
      return pkg.version
    } catch {
      // Not there: try the next level up.
    }
  }
  return '0.0.0'
}

function number(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isFinite(n) || n <= 0)
    throw new UsageError(`--${name} must be a positive number, got '${value}'`)
  return n
}

/** Runs `work` with an engine session, closed at the end, on failure, or on Ctrl-C. */
async function withEngine<T>(
  raw: Record<string, unknown>,
  io: Io,
  log: (line: string) => void,
  work: (measure: NonNullable<VerifyOptions['measure']>) => Promise<T>,
): Promise<T> {
  let session: EngineSession
  try {
    session = await openEngineSession(raw, log)
  } catch (error) {
    if (error instanceof ZodError)
      throw new UsageError(error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '))
    throw new UsageError(
      `no Docker engine answers (${(error as Error).message.split('\n')[0]}); start one, or run with --static`,
    )
  }
  io.err(`lessonproof: building with ${session.where}`)
  try {
    return await work(session.measure)
  } finally {
    const left = await session.close()
    if (left.length > 0) io.err(`lessonproof: could not remove ${left.join(', ')}`)
  }
}

/** Verifies with an engine, showing which iteration builds and how many are left. */
async function verifyWithEngine(
  common: Omit<VerifyOptions, 'mode'>,
  io: Io,
  env: Record<string, string | undefined>,
  raw: Record<string, unknown>,
) {
  const live = io.stderr?.isTTY === true && !env.CI
  const progress = createProgress({
    write: live && io.stderr ? (t) => io.stderr?.write(t) : (t) => io.err(t.replace(/\n$/, '')),
    live,
    ...(io.stderr?.columns ? { columns: io.stderr.columns } : {}),
  })
  const feed = engineProgress(progress)
  return withEngine(raw, io, feed.log, async (measure) => {
    const counts = await countIterations(common.paths, common.cwd ?? io.cwd)
    const documents = [...counts].filter(([, n]) => n > 0).map(([path, iterations]) => ({ path, iterations }))
    progress({ type: 'plan', documents })
    try {
      return await verify({ ...common, mode: 'engine', measure: feed.measure(measure) })
    } finally {
      progress({ type: 'done' })
    }
  })
}

/** Runs the CLI; returns the exit status. */
export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  const env = io.env ?? {}
  try {
    const changedArg = takeChangedBase(argv, io.cwd)
    const { values, positionals } = parseArgs({
      args: changedArg.argv,
      allowPositionals: true,
      options: {
        static: { type: 'boolean', default: false },
        json: { type: 'string' },
        reporter: { type: 'string', multiple: true },
        'annotate-blocked': { type: 'boolean', default: false },
        changed: { type: 'boolean' },
        shard: { type: 'string' },
        ledger: { type: 'string' },
        'size-tolerance': { type: 'string' },
        'reduction-tolerance': { type: 'string' },
        verbose: { type: 'boolean', default: false },
        'image-map': { type: 'string', multiple: true },
        'index-url': { type: 'string' },
        concurrency: { type: 'string' },
        'no-cache': { type: 'boolean', default: false },
        'no-pull': { type: 'boolean', default: false },
        version: { type: 'boolean', short: 'V', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    })
    if (values.help) {
      io.out(USAGE)
      return 0
    }
    if (values.version) {
      io.out(await version())
      return 0
    }
    const [command, ...paths] = positionals
    const targets = parseReporters(values.reporter ?? [], values.json, io.cwd)
    const ledgerPath = resolve(io.cwd, values.ledger ?? DEFAULT_LEDGER)
    const emit = {
      out: io.out,
      verbose: values.verbose,
      annotateBlocked: values['annotate-blocked'],
      ...(env.GITHUB_STEP_SUMMARY ? { summaryFile: env.GITHUB_STEP_SUMMARY } : {}),
      ...(env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_SHA
        ? { blobUrl: `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/blob/${env.GITHUB_SHA}` }
        : {}),
    }
    if (command === 'report') {
      const [sub, ...files] = paths
      if (sub !== 'merge')
        throw new UsageError(sub ? `unknown report command '${sub}'` : 'report: merge what?')
      const merged = await readAndMerge(files, io.cwd)
      const documents = merged.lessons.map((l) => resolve(io.cwd, l.path))
      await checkTargets(targets, { documents, ledger: ledgerPath }, emit.summaryFile)
      await emitReports(merged, targets, emit)
      return merged.exitCode
    }
    if (command !== 'verify')
      throw new UsageError(command ? `unknown command '${command}'` : 'no command given')
    const sizePct = number('size-tolerance', values['size-tolerance'])
    const reductionPts = number('reduction-tolerance', values['reduction-tolerance'])
    const ledger = await loadLedger(ledgerPath, values.ledger !== undefined)
    const imageMap: Record<string, string> = {}
    for (const pair of values['image-map'] ?? []) {
      const [from, to] = pair.split('=')
      if (!from || !to) throw new UsageError(`--image-map takes FROM=TO, got '${pair}'`)
      imageMap[from] = to
    }
    const changed = values.changed ? (changedArg.base ?? true) : undefined
    const { all, selected } = await selectDocuments({
      paths: paths.length > 0 ? paths : ['lessons'],
      cwd: io.cwd,
      ...(changed === undefined ? {} : { changed }),
      ...(values.shard === undefined ? {} : { shard: values.shard }),
      note: io.err,
    })
    // Before anything is verified: a report that cannot be written must not cost a run.
    const guard = [...all, ...selected].map((p) => resolve(io.cwd, p))
    await checkTargets(targets, { documents: guard, ledger: ledgerPath }, emit.summaryFile)
    const common = {
      paths: selected,
      tolerances: { ...(sizePct ? { sizePct } : {}), ...(reductionPts ? { reductionPts } : {}) },
      ledger,
      cwd: io.cwd,
      version: await version(),
    }
    const concurrency = number('concurrency', values.concurrency)
    const result = values.static
      ? await verify({ ...common, mode: 'static' })
      : await verifyWithEngine(common, io, env, {
          imageMap,
          ...(values['index-url'] ? { indexUrl: values['index-url'] } : {}),
          ...(concurrency ? { concurrency } : {}),
          pull: !values['no-pull'],
          ...(values['no-cache'] ? {} : { cacheDir: resolve(io.cwd, '.lessonproof/cache') }),
        })
    await emitReports(result.report, targets, emit)
    for (const doc of result.documents) if (doc.error) io.err(doc.error.message)
    return result.report.exitCode
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`lessonproof: ${(error as Error).message}\n\n${USAGE}`)
      return 2
    }
    if (error instanceof LedgerError) {
      io.err(`lessonproof: ${error.message}`)
      return 2
    }
    throw error
  }
}
