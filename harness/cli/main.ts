/** `lessonproof verify [paths…] [--static] [--reporter …]`: the command course authors and CI run. */

import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { ZodError } from 'zod'
import { EngineError, LedgerError, UsageError } from '../errors.js'
import { DEFAULT_LEDGER, loadLedger } from '../ledger/index.js'
import type { EngineSession } from '../measure/session.js'
import { createProgress, exitCodeOf, toReport } from '../report/index.js'
import { countIterations } from '../select/index.js'
import {
  flagOf,
  parseCommandLine,
  SETTING_NAMES,
  SETTINGS,
  SettingError,
  type SettingName,
  type Settings,
} from '../settings/index.js'
import { type EngineRun, type VerifyOptions, verify } from '../verify/index.js'
import { engineProgress } from './progress.js'
import { readAndMerge } from './report-merge.js'
import { checkTargets, emitReports, parseReporters } from './reporters.js'
import { selectDocuments, takeChangedBase } from './selection.js'
import { onSignals } from './signals.js'

const settingHelp = SETTING_NAMES.map((name) => {
  const flag = `${flagOf(name)} ${(SETTINGS[name] as { placeholder?: string }).placeholder ?? 'N'}`
  return `  ${flag.padEnd(29)}${SETTINGS[name].doc} (default ${SETTINGS[name].default})`
}).join('\n')

const USAGE = `usage: lessonproof verify [paths…] [options]
       lessonproof report merge FILE… [--reporter NAME[=FILE]]… [--json FILE]
       lessonproof clean [--prune]
       lessonproof --version

Parses each lesson under the paths (default: lessons/) and verifies its claims.
report merge: the JSON reports of shards (--shard) as the report of one run.
clean: removes what runs that ended without cleaning up (kill -9, a crash) left on the
engine, found by its label: never anything unlabelled, never a run that is still going;
lists what it cannot judge or remove with the command that would. --prune also empties
lessonproof's result cache (.lessonproof/cache) and removes the BuildKit cache records
its builds made.

options:
  --static                 check only what needs no Docker engine (sizes and other
                           measured claims are reported as blocked)
  --image-map FROM=TO      build FROM images from TO instead (repeatable)
  --index-url URL          Python package index mirror for the builds (PIP_INDEX_URL,
                           UV_INDEX_URL in every stage)
  --no-pull                never pull a base image the engine does not have
  --no-cache               measure again even when a lesson and its base images are unchanged
  --reporter NAME[=FILE]   text, json, junit or github (repeatable; default: text on
                           stdout); github prints annotations on stdout and appends the
                           job summary to FILE, else to $GITHUB_STEP_SUMMARY when set
  --json FILE              the same as --reporter json=FILE
  --docker CLIENT          the docker client builds go through (a path or a command;
                           also LESSONPROOF_DOCKER); default: the first that can build
                           with BuildKit
  --allow-blocked          exit 0 even when claims could not be verified (blocked)
  --annotate-blocked       github: blocked claims as warnings too
  --changed [BASE]         only the documents changed since the git ref BASE (default:
                           the merge base with origin/HEAD or the upstream, else HEAD~1),
                           with the rest of their lesson families
  --shard i/n              only shard i of n: lesson families split by the iterations
                           they build
  --ledger FILE            reviewed ledger of claims known to be false
                           (default: ${DEFAULT_LEDGER} when present)
  --verbose                list every claim, not only failures
  -V, --version            print lessonproof's version
  -h, --help               show this help

settings (a lesson's frontmatter \`lessonproof:\` block overrides the per-lesson ones):
${settingHelp}

exit status:
  0  every claim holds or is ledgered
  1  a claim fails, or a ledger entry is stale
  2  lessonproof could not do its job: bad usage, an unreadable lesson, no lesson found,
     or the Docker engine unreachable or lost during the run (not a verdict on any lesson)
  4  nothing failed, but claims could not be verified in this run (blocked): the run
     proves less than it seems; --allow-blocked makes it 0. A static run's claims that
     are blocked only because the run is static do not count.`

export interface Io {
  out: (text: string) => void
  err: (text: string) => void
  cwd: string
  /** The environment, read here once (DOCKER_HOST, LESSONPROOF_DOCKER, CI, GITHUB_STEP_SUMMARY, …). @default {} */
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

/** Runs `work` with an engine session, closed at the end, on failure, or on Ctrl-C. */
async function withEngine<T>(
  options: Parameters<typeof import('../measure/session.js').openEngineSession>[0],
  settings: Settings,
  io: Io,
  log: (line: string) => void,
  work: (engine: EngineRun) => Promise<T>,
): Promise<T> {
  const { openEngineSession } = await import('../measure/session.js')
  let session: EngineSession
  try {
    session = await openEngineSession(
      options,
      {
        concurrency: settings.concurrency,
        memoryBytes: settings.memory_mb * 1024 * 1024,
        cpus: settings.cpus,
        pidsLimit: settings.pids_limit,
        maxBuilds: settings.max_builds,
      },
      log,
      io.env ?? {},
    )
  } catch (error) {
    if (error instanceof ZodError)
      throw new UsageError(error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '))
    if (error instanceof EngineError)
      throw new EngineError(`${error.message}; start one, or run with --static`, { cause: error })
    throw error
  }
  io.err(`lessonproof: run ${session.options.runId}, ${session.where}`)
  const release = onSignals(session.close, (t) => process.stderr.write(t))
  try {
    return await work({ options: session.options, measure: session.measure })
  } finally {
    const left = await session.close()
    release()
    if (left.length > 0) io.err(`lessonproof: could not remove all this run created:\n  ${left.join('\n  ')}`)
  }
}

/** Verifies with an engine, showing which iteration builds and how many are left. */
async function verifyWithEngine(
  common: Omit<VerifyOptions, 'engine'> & { cwd: string },
  options: Parameters<typeof withEngine>[0],
  settings: Settings,
  io: Io,
  env: Record<string, string | undefined>,
) {
  const live = io.stderr?.isTTY === true && !env.CI
  const progress = createProgress({
    write: live && io.stderr ? (t) => io.stderr?.write(t) : (t) => io.err(t.replace(/\n$/, '')),
    live,
    ...(io.stderr?.columns ? { columns: io.stderr.columns } : {}),
  })
  const feed = engineProgress(progress)
  return withEngine(options, settings, io, feed.log, async (engine) => {
    const counts = await countIterations(common.paths, common.cwd)
    const documents = [...counts].filter(([, n]) => n > 0).map(([path, iterations]) => ({ path, iterations }))
    progress({ type: 'plan', documents })
    try {
      return await verify({ ...common, engine: { ...engine, measure: feed.measure(engine.measure) } })
    } finally {
      progress({ type: 'done' })
    }
  })
}

const settingOptions = Object.fromEntries(
  SETTING_NAMES.map((name) => [flagOf(name).slice(2), { type: 'string' as const }]),
) as Record<string, { type: 'string' }>

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
        verbose: { type: 'boolean', default: false },
        'image-map': { type: 'string', multiple: true },
        'index-url': { type: 'string' },
        'no-cache': { type: 'boolean', default: false },
        'no-pull': { type: 'boolean', default: false },
        docker: { type: 'string' },
        'allow-blocked': { type: 'boolean', default: false },
        prune: { type: 'boolean', default: false },
        version: { type: 'boolean', short: 'V', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        ...settingOptions,
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
    if (command === 'clean') {
      const { clean } = await import('./clean.js')
      return await clean({ prune: values.prune, cacheDir: resolve(io.cwd, '.lessonproof/cache'), io })
    }
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
      const documents = merged.documents.map((d) => resolve(io.cwd, d.path))
      await checkTargets(targets, { documents, ledger: ledgerPath }, emit.summaryFile)
      await emitReports(merged, targets, emit)
      return exitCodeOf(merged, { allowBlocked: values['allow-blocked'] })
    }
    if (command !== 'verify')
      throw new UsageError(command ? `unknown command '${command}'` : 'no command given')
    const given = values as Record<string, unknown>
    const settings = parseCommandLine(
      Object.fromEntries(SETTING_NAMES.map((name) => [name, given[flagOf(name).slice(2)]])) as Partial<
        Record<SettingName, unknown>
      >,
    )
    const ledger = await loadLedger(ledgerPath, values.ledger !== undefined)
    const imageMap: Record<string, string> = {}
    for (const pair of values['image-map'] ?? []) {
      const [from, to] = pair.split('=')
      if (!from || !to) throw new UsageError(`--image-map takes FROM=TO, got '${pair}'`)
      imageMap[from] = to
    }
    // The client builds go through: the flag, else LESSONPROOF_DOCKER; read here and nowhere else.
    const docker = values.docker ?? io.env?.LESSONPROOF_DOCKER
    const changed = values.changed ? (changedArg.base ?? true) : undefined
    const { all, selected } = await selectDocuments({
      paths: paths.length > 0 ? paths : ['lessons'],
      cwd: io.cwd,
      ...(changed === undefined ? {} : { changed }),
      ...(values.shard === undefined ? {} : { shard: values.shard }),
      note: io.err,
    })
    // A run that found no lesson at all proves nothing; one whose --changed or --shard selects none does.
    if (all.length === 0)
      throw new UsageError(
        `no lesson document under ${(paths.length > 0 ? paths : ['lessons']).join(', ')} (lessonproof reads .md, .mdx, .markdown and .txt files)`,
      )
    // Before anything is verified: a report that cannot be written must not cost a run.
    const guard = [...all, ...selected].map((p) => resolve(io.cwd, p))
    await checkTargets(targets, { documents: guard, ledger: ledgerPath }, emit.summaryFile)
    const common = { paths: selected, settings, ledger, cwd: io.cwd }
    const resolved = {
      ...Object.fromEntries(SETTING_NAMES.map((n) => [n, SETTINGS[n].default])),
      ...settings,
    } as Settings
    const result = values.static
      ? await verify(common)
      : await verifyWithEngine(
          common,
          {
            imageMap,
            ...(values['index-url'] ? { indexUrl: values['index-url'] } : {}),
            pull: !values['no-pull'],
            ...(docker ? { docker } : {}),
            ...(values['no-cache'] ? {} : { cacheDir: resolve(io.cwd, '.lessonproof/cache') }),
          },
          resolved,
          io,
          env,
        )
    const report = toReport(result, await version())
    await emitReports(report, targets, emit)
    for (const doc of result.documents) if (doc.error) io.err(doc.error.message)
    return exitCodeOf(report, { allowBlocked: values['allow-blocked'] })
  } catch (error) {
    if (
      error instanceof UsageError ||
      error instanceof SettingError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      io.err(`lessonproof: ${(error as Error).message}\n\n${USAGE}`)
      return 2
    }
    if (error instanceof LedgerError) {
      io.err(`lessonproof: ${error.message}`)
      return 2
    }
    if (error instanceof EngineError) {
      io.err(`lessonproof: infrastructure error, not a verdict on any lesson: ${error.message}`)
      return 2
    }
    throw error
  }
}
