import { DocumentError } from '../errors.js'
import type {
  CodeBlock,
  Document,
  DocumentRole,
  FileVersion,
  Iteration,
  Output,
  Table,
} from '../model/index.js'
import { dockerBuild, isOutputLead, isShellBlock, splitCommands } from './commands.js'
import { outputTable } from './docker-output.js'
import { fileLabel, fileVersions } from './files.js'
import { parseFrontmatter } from './frontmatter.js'
import { parseMarkdown } from './markdown.js'

const ROLE_SUFFIX: [RegExp, DocumentRole][] = [
  [/\.earlier-revision\.md$/i, 'earlier-revision'],
  [/\.summary\.md$/i, 'summary'],
  [/\.transcript\.txt$/i, 'transcript'],
]

/**
 * A document's role and the lesson it belongs to, from its name:
 * `x.earlier-revision.md`, `x.summary.md` and `x.transcript.txt` belong to `x.md`.
 */
export function documentRole(path: string): { role: DocumentRole; lessonPath: string } {
  for (const [pattern, role] of ROLE_SUFFIX) {
    if (pattern.test(path)) return { role, lessonPath: path.replace(pattern, '.md') }
  }
  return { role: 'lesson', lessonPath: path }
}

/** Sections whose builds are the reader's own project, not the lesson's iterations. */
export function isReaderSection(section: string): boolean {
  return /try with ai|practice|your own|exercise|reflect/i.test(section)
}

/** Parses one document's text (already decoded) into the lesson model. */
export function parseDocument(path: string, text: string): Document {
  const { role, lessonPath } = documentRole(path)
  if (role === 'transcript') return parseTranscript(path, text, lessonPath)

  const md = parseMarkdown(path, text)
  const lesson: Document = {
    path,
    role,
    lessonPath,
    lines: text.split('\n'),
    frontmatterLines: {},
    headings: md.headings,
    prose: md.prose,
    blocks: [],
    files: [],
    commands: [],
    outputs: [],
    tables: [...md.tables],
    iterations: [],
  }
  if (md.yaml) {
    lesson.frontmatter = parseFrontmatter(path, md.yaml.value, md.yaml.line + 1)
    const first = md.yaml.line + 1
    md.yaml.value.split('\n').forEach((l, i) => {
      const key = /^([\w-]+)\s*:/.exec(l)?.[1]
      if (key) lesson.frontmatterLines[key] = first + i
      // String values are read for claims ("Reduce image size by 70-85%").
      const value = /^\s*(?:-\s+)?[\w-]+\s*:\s*["']?(.+?)["']?\s*$/.exec(l)?.[1]
      if (value && /\s/.test(value)) lesson.prose.push({ line: first + i, text: value, kind: 'frontmatter' })
    })
  } else if (role === 'lesson' && path.endsWith('.md')) {
    throw new DocumentError({
      file: path,
      line: 1,
      reason: 'lesson has no frontmatter',
      expected:
        "a `---` block with title, chapter, lesson and duration_minutes (name a summary card '<lesson>.summary.md')",
      received: text.split('\n')[0] ?? '',
    })
  }

  let lastShell: { line: number; command?: string } | undefined
  for (const raw of md.blocks) {
    const label = fileLabel(path, raw)
    const isOutput = !label && isOutputLead(raw.lead)
    const block: CodeBlock = {
      line: raw.line,
      endLine: raw.endLine,
      lang: raw.lang,
      value: raw.value,
      isOutput,
      lead: raw.lead,
      section: raw.section,
    }
    if (label) {
      block.file = label.name
      block.fileVia = label.via
    }
    lesson.blocks.push(block)

    if (isOutput) {
      const output: Output = { line: raw.line, text: raw.value }
      if (lastShell) {
        output.commandLine = lastShell.line
        if (lastShell.command !== undefined) output.command = lastShell.command
      }
      lesson.outputs.push(output)
      const table = outputTable(output.command, raw.value, raw.line + 1, raw.section)
      if (table) lesson.tables.push(table)
      continue
    }
    if (!label && isShellBlock(raw)) {
      const commands = splitCommands(raw)
      lesson.commands.push(...commands)
      const last = commands.at(-1)
      lastShell = last ? { line: last.line, command: last.text } : undefined
    } else {
      lastShell = undefined
    }
  }
  lesson.prose.sort((a, b) => a.line - b.line)
  lesson.files = fileVersions(lesson.blocks)
  lesson.tables.sort((a: Table, b: Table) => a.line - b.line)
  for (const output of lesson.outputs) {
    const command = lesson.commands.find((c) => c.line === output.commandLine)
    if (command) command.outputLine = output.line
  }
  lesson.iterations = iterationsOf(lesson)
  return lesson
}

/**
 * Builds one document may show. Each iteration carries the files as they stand at its build, so
 * a document with many builds and many files costs their product: beyond this it is refused.
 */
export const MAX_ITERATIONS = 1_000

function iterationsOf(lesson: Document): Iteration[] {
  const iterations: Iteration[] = []
  // Earlier builds by tag, and the files as they stand, kept up as the commands go by (linear).
  const byTag = new Map<string, Iteration[]>()
  const versions = [...lesson.files].sort((a, b) => a.line - b.line)
  const standing: Record<string, FileVersion> = {}
  let next = 0
  for (const command of lesson.commands) {
    const build = dockerBuild(command.argv)
    if (!build) continue
    const section = sectionAt(lesson, command.line)
    if (isReaderSection(section)) continue
    if (iterations.length === MAX_ITERATIONS)
      throw new DocumentError({
        file: lesson.path,
        line: command.line,
        reason: `more than ${MAX_ITERATIONS.toLocaleString('en-US')} \`docker build\` commands: lessonproof reads at most ${MAX_ITERATIONS.toLocaleString('en-US')} builds per document`,
        expected: `at most ${MAX_ITERATIONS} builds; split the lesson`,
        received: `a build beyond the ${MAX_ITERATIONS}th at line ${command.line}`,
      })
    // The tag as written, whole: `localhost:5000/app:v1` and `app:V1` are tags of their own.
    const tag = build.tag ?? `${build.file.toLowerCase()}:latest`
    const colon = tag.lastIndexOf(':')
    const version = colon > tag.lastIndexOf('/') ? tag.slice(colon + 1) : 'latest'
    const repo = colon > tag.lastIndexOf('/') ? tag.slice(0, colon) : tag
    while (next < versions.length && (versions[next]?.line ?? 0) < command.line) {
      const v = versions[next++] as FileVersion
      standing[v.name] = v
    }
    const files = { ...standing }
    const iteration: Iteration = {
      index: iterations.length,
      line: command.line,
      dockerfile: build.file,
      tag,
      name: version === 'latest' ? repo : version,
      section,
      files,
    }
    if (build.target) iteration.target = build.target
    // The same tag built again from the same files: a rebuild the lesson shows (its log CACHED).
    const earlier = (byTag.get(tag) ?? []).find(
      (it) =>
        it.rebuildOf === undefined &&
        it.dockerfile === build.file &&
        it.target === build.target &&
        sameFiles(it.files, files),
    )
    if (earlier) iteration.rebuildOf = earlier.index
    iterations.push(iteration)
    byTag.set(tag, [...(byTag.get(tag) ?? []), iteration])
  }
  return iterations
}

function sameFiles(a: Iteration['files'], b: Iteration['files']): boolean {
  const names = Object.keys(a)
  return names.length === Object.keys(b).length && names.every((n) => a[n]?.content === b[n]?.content)
}

export function sectionAt(lesson: Pick<Document, 'headings'>, line: number): string {
  // Headings are in line order: the last one at or before the line, found by halving.
  const headings = lesson.headings
  let lo = 0
  let hi = headings.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if ((headings[mid]?.line ?? 0) <= line) lo = mid + 1
    else hi = mid
  }
  return lo > 0 ? (headings[lo - 1]?.text ?? '') : ''
}

function parseTranscript(path: string, text: string, lessonPath: string): Document {
  const prose = text
    .split('\n')
    .map((t, i) => ({ line: i + 1, text: t.trim(), kind: 'paragraph' as const }))
    .filter((p) => p.text !== '')
  return {
    path,
    role: 'transcript',
    lessonPath,
    lines: text.split('\n'),
    frontmatterLines: {},
    headings: [],
    prose,
    blocks: [],
    files: [],
    commands: [],
    outputs: [],
    tables: [],
    iterations: [],
  }
}
