/**
 * How lessonproof reads public Docker documents it was not written around: runs
 * `node bin/lessonproof.js verify DOC --static --json FILE` on every document of a corpus
 * (default: the development corpus in `shared/corpus/docs` beside the project) and prints, per
 * document, the exit status, the claims by kind, pass/fail/blocked, and every failure.
 *
 * A failure is judged true only when `bench/corpus-reviewed.yaml` lists it (document, line,
 * claim title) with the reviewer's reason; any other failure is reported as a suspected false
 * failure, and a reviewed failure no longer reported as stale. The corpus is then verified once
 * more as one run (`verify DIR`), the way a course's chapter is: failures that only the documents
 * read together find (a lesson cited by the wrong number) are listed with their document, and
 * reviewed the same way. Not part of `npm test`: it reads documents outside the project.
 *
 *   npm run bench:corpus [-- --corpus DIR] [--write-readme]
 *
 * --write-readme replaces the `## Reading public Docker documents` section of README.md
 * (appending it when absent). Exit status 1 when a document is unreadable, a failure is
 * suspected false or a reviewed entry is stale; 0 otherwise.
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, rmSync } from 'node:fs'
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, dirname, join, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { parse as parseYaml } from 'yaml'
import { z } from 'zod'
import { Report } from '../harness/model/report.js'
import { replaceSection } from './readme.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const CLI = join(ROOT, 'bin', 'lessonproof.js')
const BUILT = join(ROOT, 'dist', 'harness', 'cli', 'main.js')
const README = join(ROOT, 'README.md')
const REVIEWED = join(ROOT, 'bench', 'corpus-reviewed.yaml')
const SECTION = 'Reading public Docker documents'

/** `bench/corpus-reviewed.yaml`: per corpus document, the failures a reviewer judged true. */
const Reviewed = z.object({
  documents: z
    .record(
      z.string(),
      z
        .array(
          z.object({
            line: z.number().int().positive(),
            /** The claim's title as the JSON report gives it. */
            claim: z.string().min(1),
            /** Why the failure is a real defect of the document. */
            reason: z.string().min(1),
          }),
        )
        .nullable()
        .transform((entries) => entries ?? []),
    )
    .default({}),
})
type Reviewed = z.infer<typeof Reviewed>

interface Failure {
  line: number
  claim: string
  reason: string
  /** The reviewer's reason when the failure is judged true. */
  reviewed?: string
  /** Found only when the whole corpus is verified as one run. */
  together?: boolean
}

interface Row {
  document: string
  exit: number
  claims: number
  kinds: Record<string, number>
  pass: number
  fail: number
  blocked: number
  unreadable?: string
  failures: Failure[]
  /** Reviewed failures no longer reported. */
  stale: Reviewed['documents'][string]
}

/** The corpus: `--corpus`, or `shared/corpus/docs` in the project's folder or one above it. */
function corpusDir(given: string | undefined): string {
  if (given) return resolve(given)
  for (let dir = ROOT; ; dir = dirname(dir)) {
    const candidate = join(dir, '..', 'shared', 'corpus', 'docs')
    if (existsSync(candidate)) return resolve(candidate)
    if (dirname(dir) === dir) break
  }
  throw new Error('no corpus found (shared/corpus/docs beside the project); give one with --corpus DIR')
}

function run(doc: string, json: string): Promise<{ code: number; stderr: string }> {
  return new Promise((done, fail) => {
    const proc = spawn(process.execPath, [CLI, 'verify', doc, '--static', '--json', json], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    proc.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
    })
    proc.on('error', fail)
    proc.on('close', (code) => done({ code: code ?? -1, stderr }))
  })
}

async function measure(doc: string, scratch: string, reviewed: Reviewed): Promise<Row> {
  const name = basename(doc)
  const json = join(scratch, `${name}.json`)
  const { code, stderr } = await run(doc, json)
  if (!existsSync(json)) throw new Error(`lessonproof exited ${code} on ${name} without a report:\n${stderr}`)
  const report = Report.parse(JSON.parse(await readFile(json, 'utf8')))
  const lesson = report.documents[0]
  const claims = lesson?.claims ?? []
  const kinds: Record<string, number> = {}
  for (const c of claims) kinds[c.kind] = (kinds[c.kind] ?? 0) + 1
  const judged = reviewed.documents[name] ?? []
  const failures = claims
    .filter((c) => c.verdict === 'fail')
    .map((c): Failure => {
      const entry = judged.find((r) => r.line === c.line && r.claim === c.title)
      return { line: c.line, claim: c.title, reason: c.reason, ...(entry ? { reviewed: entry.reason } : {}) }
    })
  const stale = judged.filter((r) => !failures.some((f) => f.line === r.line && f.claim === r.claim))
  const row: Row = {
    document: name,
    exit: code,
    claims: claims.length,
    kinds,
    pass: claims.filter((c) => c.verdict === 'pass').length,
    fail: failures.length,
    blocked: claims.filter((c) => c.verdict === 'blocked').length,
    failures,
    stale,
  }
  if (lesson?.error) row.unreadable = lesson.error.message.split('\n')[0] ?? ''
  return row
}

/**
 * The corpus verified as one run: the failures it finds that the document's own run did not
 * (checks across documents), added to the document's row.
 */
async function measureTogether(
  corpus: string,
  scratch: string,
  reviewed: Reviewed,
  rows: Row[],
): Promise<void> {
  const json = join(scratch, 'corpus-run.json')
  const { code, stderr } = await run(corpus, json)
  if (!existsSync(json))
    throw new Error(`lessonproof exited ${code} on the corpus without a report:\n${stderr}`)
  const report = Report.parse(JSON.parse(await readFile(json, 'utf8')))
  for (const doc of report.documents) {
    const row = rows.find((r) => r.document === basename(doc.path))
    if (!row) continue
    const judged = reviewed.documents[row.document] ?? []
    for (const c of doc.claims) {
      if (c.verdict !== 'fail' || row.failures.some((f) => f.line === c.line && f.claim === c.title)) continue
      const entry = judged.find((r) => r.line === c.line && r.claim === c.title)
      row.failures.push({
        line: c.line,
        claim: c.title,
        reason: c.reason,
        together: true,
        ...(entry ? { reviewed: entry.reason } : {}),
      })
      row.stale = row.stale.filter((s) => !(s.line === c.line && s.claim === c.title))
    }
  }
}

const kindsText = (kinds: Record<string, number>) =>
  Object.entries(kinds)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => `${k} ${n}`)
    .join(', ') || '–'

function rows(results: Row[]): string[][] {
  return [
    ['document', 'exit', 'claims', 'by kind', 'pass', 'fail', 'blocked', 'fail together', 'suspected false'],
    ...results.map((r) => [
      r.document,
      String(r.exit),
      String(r.claims),
      kindsText(r.kinds),
      String(r.pass),
      String(r.fail),
      String(r.blocked),
      String(r.failures.filter((f) => f.together).length),
      String(r.failures.filter((f) => !f.reviewed).length),
    ]),
  ]
}

function markdownTable(table: string[][]): string {
  const [head = [], ...body] = table
  return [head, head.map(() => '---'), ...body].map((r) => `| ${r.join(' | ')} |`).join('\n')
}

function failureLines(results: Row[]): string[] {
  const out: string[] = []
  for (const r of results) {
    if (r.unreadable) out.push(`- ${r.document}: **unreadable**: ${r.unreadable}`)
    for (const f of r.failures) {
      const verdict = f.reviewed ? `true: ${f.reviewed}` : '**suspected false failure**'
      const together = f.together ? ' (with the other documents)' : ''
      out.push(`- ${r.document}:${f.line}${together} ${f.claim} — ${f.reason} — ${verdict}`)
    }
    for (const s of r.stale)
      out.push(`- ${r.document}:${s.line} ${s.claim} — **stale**: reviewed as true, no longer reported`)
  }
  return out
}

function summary(results: Row[]): { text: string; bad: number } {
  const unreadable = results.filter((r) => r.unreadable).length
  const failures = results.flatMap((r) => r.failures)
  const suspected = failures.filter((f) => !f.reviewed).length
  const stale = results.reduce((n, r) => n + r.stale.length, 0)
  const claims = results.reduce((n, r) => n + r.claims, 0)
  return {
    text: `${results.length} documents, ${claims} claims, ${unreadable} unreadable, ${failures.length} failures (${failures.filter((f) => f.together).length} found with the documents read together): ${failures.length - suspected} judged true, ${suspected} suspected false; ${stale} stale reviewed entries.`,
    bad: unreadable + suspected + stale,
  }
}

function section(results: Row[], corpus: string): string {
  const date = new Date().toISOString().slice(0, 10)
  const git = spawnSync('git', ['describe', '--always', '--dirty'], { cwd: ROOT, encoding: 'utf8' })
  const failures = failureLines(results)
  return `## ${SECTION}

\`npm run bench:corpus\` (\`bench/corpus-docs.ts\`) runs \`lessonproof verify DOC --static --json FILE\`
on each document of a corpus of public Docker documents it was not written around (lessons of
another course, Docker's documentation, blog posts, READMEs; \`${corpus.split(sep).slice(-3).join('/')}\`, kept outside
the project), then on the whole corpus as one run, as a course's chapter is verified: "fail together"
counts the failures only that run finds (a lesson cited by the wrong number). A failure counts as
true only when \`bench/corpus-reviewed.yaml\` lists it with the reviewer's reason; every other failure
is a suspected false failure. Not part of \`npm test\`.

${markdownTable(rows(results))}

${summary(results).text}

${failures.length > 0 ? `Failures:\n\n${failures.join('\n')}\n` : 'No failures.\n'}
Measured ${date} at ${git.status === 0 ? git.stdout.trim() : 'unknown revision'}, Node ${process.version}.
To measure again and rewrite this section: \`npm run build && npm run bench:corpus -- --write-readme\`.
`
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { corpus: { type: 'string' }, 'write-readme': { type: 'boolean', default: false } },
  })
  const corpus = corpusDir(values.corpus)
  if (!existsSync(BUILT)) {
    process.stdout.write('dist/ is missing: building first (npm run build)\n')
    const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' })
    if (build.status !== 0) throw new Error('npm run build failed')
  }
  const reviewed = Reviewed.parse(parseYaml(await readFile(REVIEWED, 'utf8')) ?? {})
  const docs = (await readdir(corpus)).filter((f) => /\.(md|mdx|markdown|txt)$/i.test(f)).sort()
  const unknown = Object.keys(reviewed.documents).filter((d) => !docs.includes(d))
  if (unknown.length > 0)
    throw new Error(`${REVIEWED} names documents not in the corpus: ${unknown.join(', ')}`)

  const scratch = await mkdtemp(join(tmpdir(), 'lessonproof-corpus-'))
  try {
    const results: Row[] = []
    for (const doc of docs) {
      const row = await measure(join(corpus, doc), scratch, reviewed)
      results.push(row)
      process.stdout.write(`  ${doc}: exit ${row.exit}, ${row.claims} claims, ${row.fail} failing\n`)
    }
    await measureTogether(corpus, scratch, reviewed, results)
    const table = rows(results)
    const widths = table[0]?.map((_, i) => Math.max(...table.map((r) => (r[i] ?? '').length))) ?? []
    process.stdout.write(
      `\n${table.map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')).join('\n')}\n\n`,
    )
    for (const line of failureLines(results)) process.stdout.write(`${line.replace(/\*\*/g, '')}\n`)
    const { text, bad } = summary(results)
    process.stdout.write(`\n${text}\n`)
    if (values['write-readme']) {
      await writeFile(
        README,
        replaceSection(await readFile(README, 'utf8'), SECTION, section(results, corpus)),
      )
      process.stdout.write(`README.md: ## ${SECTION} section written\n`)
    }
    return bad > 0 ? 1 : 0
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
}

try {
  process.exitCode = await main()
} catch (error) {
  process.stderr.write(`bench:corpus: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 2
}
