/** `lessonproof verify [paths…] [--static] [--reporter …]`: the command course authors and CI run. */

import { readFile, writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { ZodError } from 'zod'
import type { MeasuredPlan } from '../drift/index.js'
import { EngineError, LedgerError, UsageError } from '../errors.js'
import { DEFAULT_LEDGER, loadLedger } from '../ledger/index.js'
import type { EngineSession } from '../measure/session.js'
import type { RunFacts } from '../model/index.js'
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
import { checkBaselineRun, takeWriteBaseline, writeBaselineFile } from './baseline.js'
import { driftCommand } from './drift.js'
import { engineProgress } from './progress.js'
import { readAndMerge } from './report-merge.js'
import { checkTargets, emitReports, parseReporters } from './reporters.js'
import { selectDocuments, takeChangedBase } from './selection.js'
import { onSignals } from './signals.js'

const settingHelp = SETTING_NAMES.map((name) => {
  const fallback: unknown = SETTINGS[name].default
  const written = (SETTINGS[name] as { placeholder?: string }).placeholder
  const placeholder =
    written ?? (typeof fallback === 'number' ? 'N' : Array.isArray(fallback) ? 'A,B' : 'IMAGE')
  const shown = Array.isArray(fallback) ? fallback.join(',') : String(fallback)
  const flag = `${flagOf(name)} ${placeholder}`
  return `  ${flag.padEnd(29)}${SETTINGS[name].doc}${shown === '' ? '' : ` (default ${shown})`}`
}).join('\n')

const USAGE = `usage: lessonproof verify [paths…] [options]
       lessonproof drift [paths…] [--baseline FILE] [--report DIR]   (see lessonproof drift --help)
       lessonproof walk [paths…] [options]
       lessonproof update [paths…] [--write | --patch FILE] [options]
       lessonproof report merge FILE… [--reporter NAME[=FILE]]… [--json FILE]
       lessonproof clean [--prune]
       lessonproof --version

Parses each lesson under the paths (default: lessons/) and verifies its claims.
walk: verify with an engine, and also run each lesson's steps in a workstation, every
claimed output compared with what its command printed there.
update: walk, then write the claimed outputs as the walk printed them, as a patch for
review (stdout, or --patch FILE); --write applies it to the lessons instead.
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
  --write-baseline [FILE]  write what the engine run measured and its verdicts as the
                           baseline lessonproof drift compares with (default FILE:
                           lessonproof-baseline.json); never changes a lesson
  --write                  update: rewrite the lessons in place instead of printing a patch
  --patch FILE             update: write the patch to FILE instead of stdout
  -V, --version            print lessonproof's version
  -h, --help               show this help

settings (a lesson's frontmatter \`lessonproof:\` block overrides the per-lesson ones):
${settingHelp}

exit status:
  0  every claim holds or is ledgered
  1  a claim fails, or a ledger entry is stale
  2  lessonproof could not do its job: bad usage, an unreadable lesson, no lesson found,
     or the Docker engine unreachable or lost during the run (not a verdict on any lesson)
  3  a claim fails and a lesson is unreadable (each alone exits 1 and 2)
  4  nothing failed, but claims could not be verified in this run (blocked): the run
     proves less than it seems; --allow-blocked makes it 0. A static run's claims that
     are blocked only because the run is static do not count, nor a walk's claims in a
     run that walks nothing.`

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
  record?: MeasuredPlan[],
  /** Sees each lesson family's measurements (`update` reads the walks from them). */
  tap?: (facts: RunFacts) => void,
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
    // What each plan measured, for a baseline.
    const measure: EngineRun['measure'] = async (plan) => {
      const facts = await engine.measure(plan)
      record?.push({ plan, facts })
      tap?.(facts)
      return facts
    }
    try {
      return await verify({ ...common, engine: { ...engine, measure: feed.measure(measure) } })
    } finally {
      progress({ type: 'done' })
    }
  })
}

/** Every setting at its default: what a run uses when neither the command line nor a lesson says. */
function defaultSettings(): Settings {
  return Object.fromEntries(SETTING_NAMES.map((n) => [n, SETTINGS[n].default])) as Settings
}

const settingOptions = Object.fromEntries(
  SETTING_NAMES.map((name) => [flagOf(name).slice(2), { type: 'string' as const }]),
) as Record<string, { type: 'string' }>

/**
 * `update`: the claimed outputs of each walked lesson rewritten to what its walk printed, as a
 * patch on stdout (or in --patch FILE), or applied in place with --write; nothing else is written.
 */
async function writeUpdates(
  result: Awaited<ReturnType<typeof verify>>,
  walks: NonNullable<RunFacts['walks']>,
  settings: Settings,
  io: Io,
  values: { write?: boolean; patch?: string },
): Promise<number> {
  const { outputEdits } = await import('../walk/update.js')
  const { applyEdits, makePatch } = await import('../patch/index.js')
  let patch = ''
  let outputs = 0
  let lessons = 0
  for (const doc of result.documents) {
    if (doc.error) continue
    const { edits, kept } = outputEdits(
      doc.path,
      doc.claims.map((c) => c.claim),
      walks[doc.path],
      { sizeTolerancePct: settings.size_tolerance_pct },
    )
    for (const k of kept) io.err(`${doc.path}:${k.line}: output left as it is (${k.why})`)
    if (edits.length === 0) continue
    outputs += edits.length
    lessons += 1
    const file = resolve(io.cwd, doc.path)
    const text = await readFile(file, 'utf8')
    if (values.write) {
      await writeFile(file, applyEdits(text, edits, doc.path))
      io.err(`${doc.path}: ${edits.length} output${edits.length === 1 ? '' : 's'} updated`)
    } else patch += makePatch(doc.path, text, edits)
  }
  if (!values.write) {
    if (values.patch) await writeFile(resolve(io.cwd, values.patch), patch)
    else if (patch !== '') io.out(patch.replace(/\n$/, ''))
    const counted = `${outputs} claimed output${outputs === 1 ? '' : 's'} in ${lessons} lesson${lessons === 1 ? '' : 's'}`
    if (patch === '')
      io.err('lessonproof: every claimed output the walk could compare holds; nothing to update')
    else if (values.patch)
      io.err(
        `lessonproof: ${counted} rewritten to what the walk printed, in ${values.patch} (review it, then git apply ${values.patch})`,
      )
    else
      io.err(
        `lessonproof: ${counted} rewritten to what the walk printed (the patch above; --write applies it)`,
      )
  }
  return 0
}

/** Runs the CLI; returns the exit status. */
export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  const env = io.env ?? {}
  if (argv[0] === 'drift') {
    return driftCommand(
      argv.slice(1),
      { out: io.out, err: io.err, cwd: io.cwd, env },
      { withEngine: (options, log, work) => withEngine(options, defaultSettings(), io, log, work) },
    )
  }
  try {
    const baselineArg = takeWriteBaseline(argv)
    const changedArg = takeChangedBase(baselineArg.argv, io.cwd)
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
        write: { type: 'boolean', default: false },
        patch: { type: 'string' },
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
    if (command !== 'verify' && command !== 'walk' && command !== 'update')
      throw new UsageError(command ? `unknown command '${command}'` : 'no command given')
    if (command !== 'verify' && values.static)
      throw new UsageError("walk runs the lesson's steps: it needs an engine, not --static")
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
    const { all, selected, skipped } = await selectDocuments({
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
    const baselineFile = baselineArg.file === undefined ? undefined : resolve(io.cwd, baselineArg.file)
    if (baselineFile)
      checkBaselineRun({
        file: baselineFile,
        static: values.static,
        partial: changed !== undefined || values.shard !== undefined,
        documents: guard,
      })
    const measured: MeasuredPlan[] = []
    const common = { paths: selected, settings, ledger, cwd: io.cwd, skipped }
    const resolved = { ...defaultSettings(), ...settings } as Settings
    const walks: NonNullable<RunFacts['walks']> = {}
    const result = values.static
      ? await verify(common)
      : await verifyWithEngine(
          common,
          {
            imageMap,
            walk: command !== 'verify',
            ...(values['index-url'] ? { indexUrl: values['index-url'] } : {}),
            pull: !values['no-pull'],
            ...(docker ? { docker } : {}),
            ...(values['no-cache'] ? {} : { cacheDir: resolve(io.cwd, '.lessonproof/cache') }),
          },
          resolved,
          io,
          env,
          measured,
          (facts) => Object.assign(walks, facts.walks ?? {}),
        )
    if (command === 'update') return await writeUpdates(result, walks, resolved, io, values)
    const report = toReport(result, await version())
    await emitReports(report, targets, emit)
    if (baselineFile) {
      const written = await writeBaselineFile({
        file: baselineFile,
        result,
        runs: measured,
        cwd: io.cwd,
        lessonproof: await version(),
        imageMap,
        env: process.env,
      })
      io.err(
        `lessonproof: wrote the baseline ${baselineFile}: ${written.iterations} iterations, ${written.measured} measured`,
      )
    }
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
