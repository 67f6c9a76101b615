/** `lessonproof verify [paths…] [--static] [--json FILE]`: the command course authors and CI run. */

import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { ZodError } from 'zod'
import { LedgerError, UsageError } from '../errors.js'
import { DEFAULT_LEDGER, loadLedger } from '../ledger/index.js'
import { type EngineSession, openEngineSession } from '../measure/session.js'
import { formatText } from '../report/index.js'
import { type VerifyOptions, verify } from '../verify/index.js'

const USAGE = `usage: lessonproof verify [paths…] [options]

Parses each lesson under the paths (default: lessons/) and verifies its claims.

options:
  --static                 check only what needs no Docker engine (sizes and other
                           measured claims are reported as blocked)
  --image-map FROM=TO      build FROM images from TO instead (repeatable)
  --index-url URL          Python package index mirror for the builds (PIP_INDEX_URL,
                           UV_INDEX_URL in every stage)
  --concurrency N          iterations built at once (default 2)
  --no-pull                never pull a base image the engine does not have
  --no-cache               measure again even when a lesson and its base images are unchanged
  --json FILE              write the JSON report to FILE
  --ledger FILE            reviewed ledger of claims known to be false
                           (default: ${DEFAULT_LEDGER} when present)
  --size-tolerance PCT     relative tolerance for sizes (default 15)
  --reduction-tolerance PTS  tolerance for reductions, in percentage points (default 5)
  --verbose                list every claim, not only failures
  -h, --help               show this help

exit status: 0 every claim holds or is ledgered, 1 a claim fails (or a ledger
entry is stale), 2 bad usage or an unreadable lesson.`

export interface Io {
  out: (text: string) => void
  err: (text: string) => void
  cwd: string
}

const defaultIo: Io = {
  out: (t) => process.stdout.write(`${t}\n`),
  err: (t) => process.stderr.write(`${t}\n`),
  cwd: process.cwd(),
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
  work: (measure: NonNullable<VerifyOptions['measure']>) => Promise<T>,
): Promise<T> {
  let session: EngineSession
  try {
    session = await openEngineSession(raw, (line) => io.err(line))
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

/** Runs the CLI; returns the exit status. */
export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        static: { type: 'boolean', default: false },
        json: { type: 'string' },
        ledger: { type: 'string' },
        'size-tolerance': { type: 'string' },
        'reduction-tolerance': { type: 'string' },
        verbose: { type: 'boolean', default: false },
        'image-map': { type: 'string', multiple: true },
        'index-url': { type: 'string' },
        concurrency: { type: 'string' },
        'no-cache': { type: 'boolean', default: false },
        'no-pull': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    })
    if (values.help) {
      io.out(USAGE)
      return 0
    }
    const [command, ...paths] = positionals
    if (command !== 'verify')
      throw new UsageError(command ? `unknown command '${command}'` : 'no command given')
    const sizePct = number('size-tolerance', values['size-tolerance'])
    const reductionPts = number('reduction-tolerance', values['reduction-tolerance'])
    const ledger = await loadLedger(
      resolve(io.cwd, values.ledger ?? DEFAULT_LEDGER),
      values.ledger !== undefined,
    )
    const imageMap: Record<string, string> = {}
    for (const pair of values['image-map'] ?? []) {
      const [from, to] = pair.split('=')
      if (!from || !to) throw new UsageError(`--image-map takes FROM=TO, got '${pair}'`)
      imageMap[from] = to
    }
    const common = {
      paths: paths.length > 0 ? paths : ['lessons'],
      tolerances: { ...(sizePct ? { sizePct } : {}), ...(reductionPts ? { reductionPts } : {}) },
      ledger,
      cwd: io.cwd,
      version: await version(),
    }
    const concurrency = number('concurrency', values.concurrency)
    const result = values.static
      ? await verify({ ...common, mode: 'static' })
      : await withEngine(
          {
            imageMap,
            ...(values['index-url'] ? { indexUrl: values['index-url'] } : {}),
            ...(concurrency ? { concurrency } : {}),
            pull: !values['no-pull'],
            ...(values['no-cache'] ? {} : { cacheDir: resolve(io.cwd, '.lessonproof/cache') }),
          },
          io,
          (measure) => verify({ ...common, mode: 'engine', measure }),
        )
    io.out(formatText(result, values.verbose))
    if (values.json) {
      // Like the lesson paths, relative to the run's directory.
      const json = resolve(io.cwd, values.json)
      await mkdir(dirname(json), { recursive: true })
      await writeFile(json, `${JSON.stringify(result.report, null, 2)}\n`)
    }
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
