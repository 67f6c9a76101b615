/**
 * Static-verification benchmark: how long `lessonproof verify … --static` takes, as a user runs it.
 *
 * Each run spawns the real CLI (`node bin/lessonproof.js verify PATHS --static --json FILE`) and
 * times the whole process, Node's startup and module loading included:
 *   - the course's documents under lessons/: one warm-up run, then the median of 5;
 *   - a generated corpus of 1,000 lessons (bench/corpus.ts) in a temporary directory: median of 3.
 *
 *   npm run bench:static [-- --write-readme] [--count N]
 *
 * --write-readme replaces the `## Speed` section of README.md (appending it when absent) with
 * the results, the machine and the date. --count N times a corpus of N lessons instead (not
 * with --write-readme: the README's target is for 1,000). Temporary files are removed on exit,
 * on error and on Ctrl+C.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { existsSync, rmSync } from 'node:fs'
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { DEFAULT_COUNT, generateCorpus } from './corpus.js'
import { replaceSection } from './readme.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const CLI = join(ROOT, 'bin', 'lessonproof.js')
const BUILT = join(ROOT, 'dist', 'harness', 'cli', 'main.js')
const README = join(ROOT, 'README.md')

const DOC_RUNS = 5
const CORPUS_RUNS = 3
const DOC_TARGET_MS = 1_000
const CORPUS_TARGET_MS = 10_000

interface Totals {
  pass: number
  fail: number
  ledgered: number
  blocked: number
  errors: number
}

interface Case {
  name: string
  documents: number
  claims: number
  /** Wall times of the timed runs, ms. */
  runs: number[]
  /** CPU times of the same runs, ms (empty when the probe could not report). */
  cpu: number[]
  targetMs: number
  totals: Totals
  exitCode: number
}

// --- temporary files and the child being timed, cleaned up however the script ends ----------

let scratch: string | undefined
let child: ChildProcess | undefined

function cleanup(): void {
  child?.kill('SIGTERM')
  child = undefined
  if (scratch) rmSync(scratch, { recursive: true, force: true })
  scratch = undefined
}

for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  process.on(signal, () => {
    cleanup()
    process.exit(code)
  })
}
process.on('exit', cleanup)

const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`

// --- timing ----------------------------------------------------------------------------------

/**
 * Preloaded into the timed process: at exit it writes its own CPU time (user + system, all
 * threads) to fd 3. Wall time is what the targets are about; CPU time says how much of it was
 * the CLI's own work when the machine is busy with something else.
 */
const CPU_PROBE = `data:text/javascript,${encodeURIComponent(
  "import{writeSync}from'node:fs';process.on('exit',()=>{const u=process.cpuUsage();try{writeSync(3,String((u.user+u.system)/1000))}catch{}})",
)}`

interface Run {
  /** Wall time of the whole process, spawn to exit. */
  ms: number
  /** CPU time the process reported, when it could. */
  cpuMs: number | undefined
  code: number
  stderr: string
}

/** Runs the CLI once, timing the whole process. */
function runCli(paths: string[], json: string): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const env = { ...process.env }
    delete env.NODE_OPTIONS // tsx's loader is for this script, not for the CLI being timed
    const args = ['--import', CPU_PROBE, CLI, 'verify', ...paths, '--static', '--json', json]
    const start = performance.now()
    const proc = spawn(process.execPath, args, {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    })
    child = proc
    let stderr = ''
    let cpu = ''
    proc.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
    })
    const probe = proc.stdio[3] as Readable | null
    probe?.setEncoding('utf8').on('data', (chunk: string) => {
      cpu += chunk
    })
    proc.on('error', reject)
    proc.on('close', (code, signal) => {
      const ms = performance.now() - start
      child = undefined
      const cpuMs = cpu === '' ? undefined : Number(cpu)
      if (signal) reject(new Error(`lessonproof was killed by ${signal}`))
      else resolvePromise({ ms, cpuMs, code: code ?? -1, stderr })
    })
  })
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2
}

async function timeCase(
  name: string,
  paths: string[],
  runs: number,
  warmup: boolean,
  targetMs: number,
): Promise<Case> {
  const json = join(scratch ?? tmpdir(), `${name.replace(/\W+/g, '-')}.json`)
  const times: number[] = []
  const cpuTimes: number[] = []
  let exitCode = 0
  for (let i = warmup ? -1 : 0; i < runs; i++) {
    const run = await runCli(paths, json)
    // 4: claims could not be verified (a static run of the course has some); still a verdict.
    if (run.code !== 0 && run.code !== 1 && run.code !== 4)
      throw new Error(`lessonproof exited ${run.code} on ${name}:\n${run.stderr.slice(0, 2000)}`)
    exitCode = run.code
    if (i >= 0) {
      times.push(run.ms)
      if (run.cpuMs !== undefined) cpuTimes.push(run.cpuMs)
    }
    const cpu = run.cpuMs === undefined ? '' : ` (CPU ${secs(run.cpuMs)})`
    process.stdout.write(`  ${name}: ${i < 0 ? 'warm-up' : `run ${i + 1}/${runs}`} ${secs(run.ms)}${cpu}\n`)
  }
  const report = JSON.parse(await readFile(json, 'utf8')) as {
    documents: { claims: unknown[] }[]
    totals: Totals
  }
  return {
    name,
    documents: report.documents.length,
    claims: report.documents.reduce((sum, l) => sum + l.claims.length, 0),
    runs: times,
    cpu: cpuTimes,
    targetMs,
    totals: report.totals,
    exitCode,
  }
}

// --- output ----------------------------------------------------------------------------------

const met = (c: Case) => median(c.runs) < c.targetMs
const n = (x: number) => x.toLocaleString('en-US')
const totalsText = (t: Totals) =>
  `${n(t.pass)} pass, ${n(t.fail)} fail, ${n(t.ledgered)} ledgered, ${n(t.blocked)} blocked, ${n(t.errors)} unreadable`

/** The commit measured, marked when the working tree has changes: `5bb5e08`, `5bb5e08-dirty`. */
function revision(): string {
  const git = spawnSync('git', ['describe', '--always', '--dirty'], { cwd: ROOT, encoding: 'utf8' })
  return git.status === 0 ? git.stdout.trim() : 'unknown revision'
}

function table(cases: Case[]): string[][] {
  return [
    ['case', 'documents', 'claims', 'runs', 'median (wall)', 'min–max', 'median CPU', 'target', 'result'],
    ...cases.map((c) => [
      c.name,
      c.documents.toLocaleString('en-US'),
      c.claims.toLocaleString('en-US'),
      String(c.runs.length),
      secs(median(c.runs)),
      `${secs(Math.min(...c.runs))}–${secs(Math.max(...c.runs))}`,
      c.cpu.length ? secs(median(c.cpu)) : '?',
      `< ${c.targetMs / 1000} s`,
      met(c) ? 'met' : 'MISSED',
    ]),
  ]
}

function textTable(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? []
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ')).join('\n')
}

function markdownTable(rows: string[][]): string {
  const [head = [], ...body] = rows
  return [head, head.map(() => '---'), ...body].map((r) => `| ${r.join(' | ')} |`).join('\n')
}

/** The 1-minute load average: wall times mean little on a machine busy with other work. */
function load(): string {
  return (loadavg()[0] ?? 0).toFixed(2)
}

function machine(): string {
  const model = cpus()[0]?.model.trim() ?? 'unknown CPU'
  return `${process.platform} ${process.arch}, ${availableParallelism()} CPUs (nproc; ${model}), Node ${process.version}`
}

function speedSection(cases: Case[], date: string, loads: [string, string]): string {
  const [docs, corpus] = cases
  return `## Speed

\`npm run bench:static\` (\`bench/static.ts\`) times \`lessonproof verify PATHS --static --json FILE\`
the way a user runs it: each run is a fresh \`node bin/lessonproof.js\` process, timed from spawn to
exit, Node's startup and module loading included. The course's documents under \`lessons/\` get a
warm-up run and then the median of ${DOC_RUNS}; a corpus of ${DEFAULT_COUNT.toLocaleString('en-US')} generated lessons
(\`bench/corpus.ts\`: seeded, each written like \`lessons/multi-stage-builds.md\` with its own sizes,
timings and names) the median of ${CORPUS_RUNS}. "Median CPU" is the process's own CPU time (user +
system, all threads, reported at exit by a preloaded probe): on a shared machine, how much of the
wall time was lessonproof's own work.

Targets: under 1 s for the four documents of \`lessons/\`, under 10 s for the 1,000 lessons.

${markdownTable(table(cases))}

Measured ${date} at ${revision()} on ${machine()}; 1-minute load average ${loads[0]}
before the runs, ${loads[1]} after.
${docs ? `\nVerdicts, \`lessons/\`: ${totalsText(docs.totals)}.` : ''}${corpus ? `\nVerdicts, corpus: ${totalsText(corpus.totals)}.` : ''}

To measure again and rewrite this section: \`npm run build && npm run bench:static -- --write-readme\`.
`
}

// --- main ------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { 'write-readme': { type: 'boolean', default: false }, count: { type: 'string' } },
  })
  const count = values.count === undefined ? DEFAULT_COUNT : Number(values.count)
  if (!Number.isInteger(count) || count < 1) throw new Error('--count must be a positive integer')
  if (values['write-readme'] && count !== DEFAULT_COUNT)
    throw new Error(`--write-readme records the ${DEFAULT_COUNT}-lesson target; drop --count`)

  if (!existsSync(BUILT)) {
    process.stdout.write('dist/ is missing: building first (npm run build)\n')
    const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' })
    if (build.status !== 0) throw new Error('npm run build failed')
  }

  scratch = await mkdtemp(join(tmpdir(), 'lessonproof-bench-'))
  const loadBefore = load()
  process.stdout.write(`${revision()}; ${machine()}; load average ${loadBefore}\n`)
  if (Number(loadBefore) > availableParallelism() / 2)
    process.stdout.write('  warning: the machine is busy; wall times will be inflated\n')
  process.stdout.write('\n')

  const docs = await timeCase('lessons/', ['lessons'], DOC_RUNS, true, DOC_TARGET_MS)

  const corpusDir = join(scratch, 'corpus')
  const started = performance.now()
  await generateCorpus(corpusDir, count)
  process.stdout.write(
    `  generated ${count} lessons in ${secs(performance.now() - started)} (not timed below)\n`,
  )
  const corpus = await timeCase(
    `corpus (${count.toLocaleString('en-US')} lessons)`,
    [corpusDir],
    CORPUS_RUNS,
    false,
    (CORPUS_TARGET_MS * count) / DEFAULT_COUNT,
  )

  const loadAfter = load()
  const cases = [docs, corpus]
  process.stdout.write(`\n${textTable(table(cases))}\n\n`)
  for (const c of cases)
    process.stdout.write(`${c.name} verdicts: ${totalsText(c.totals)} (exit ${c.exitCode})\n`)

  if (values['write-readme']) {
    const date = new Date().toISOString().slice(0, 10)
    await writeFile(
      README,
      replaceSection(
        await readFile(README, 'utf8'),
        'Speed',
        speedSection(cases, date, [loadBefore, loadAfter]),
      ),
    )
    process.stdout.write('\nREADME.md: ## Speed section written\n')
  }
  return 0
}

try {
  process.exitCode = await main()
} catch (error) {
  process.stderr.write(`bench:static: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 1
} finally {
  cleanup()
}
