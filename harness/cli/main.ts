/** `lessonproof verify [paths…] [--static] [--json FILE]`: the command course authors and CI run. */
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { parseArgs } from 'node:util'
import { LedgerError, UsageError } from '../errors.js'
import { DEFAULT_LEDGER, loadLedger } from '../ledger/index.js'
import { formatText } from '../report/index.js'
import { verify } from '../verify/index.js'

const USAGE = `usage: lessonproof verify [paths…] [options]

Parses each lesson under the paths (default: lessons/) and verifies its claims.

options:
  --static                 check only what needs no Docker engine (sizes and other
                           measured claims are reported as blocked)
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
  const pkg = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    version: string
  }
  return pkg.version
}

function number(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isFinite(n) || n <= 0)
    throw new UsageError(`--${name} must be a positive number, got '${value}'`)
  return n
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
      values.ledger ?? `${io.cwd}/${DEFAULT_LEDGER}`,
      values.ledger !== undefined,
    )
    if (!values.static) {
      throw new UsageError(
        'building and measuring images is not available in this version yet: run with --static',
      )
    }
    const result = await verify({
      paths: paths.length > 0 ? paths : ['lessons'],
      mode: 'static',
      tolerances: { ...(sizePct ? { sizePct } : {}), ...(reductionPts ? { reductionPts } : {}) },
      ledger,
      cwd: io.cwd,
      version: await version(),
    })
    io.out(formatText(result, values.verbose))
    if (values.json) {
      await mkdir(dirname(values.json), { recursive: true })
      await writeFile(values.json, `${JSON.stringify(result.report, null, 2)}\n`)
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
