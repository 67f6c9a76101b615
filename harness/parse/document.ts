import { DocumentError } from '../errors.js'
import type {
  CodeBlock,
  Command,
  Document,
  DocumentRole,
  FileReference,
  FileVersion,
  Iteration,
  Output,
  Table,
} from '../model/index.js'
import {
  dockerBuild,
  isCommandWord,
  isShellLang,
  looksLikeCommands,
  promptOf,
  readShell,
  toCommands,
} from './commands.js'
import { readControls } from './controls.js'
import { outputTable } from './docker-output.js'
import {
  diffTarget,
  dockerfileShape,
  type FileEvent,
  fileLabel,
  filesAt,
  isExcerpt,
  templateMarks,
  versionsOf,
} from './files.js'
import { readFrontmatter } from './frontmatter.js'
import { type CodeSpan, parseMarkdown, type RawBlock } from './markdown.js'
import { isOutputLead, outputJson } from './outputs.js'
import { readThrough, tabAt } from './readthrough.js'
import { headingPathAt, inReaderSection, sectionAt, withSections } from './sections.js'
import type { Decoded } from './source.js'
import { isPlaceholder, shellWrites } from './writes.js'

const ROLE_SUFFIX: [RegExp, DocumentRole][] = [
  [/\.earlier-revision\.(md|mdx|markdown)$/i, 'earlier-revision'],
  [/\.summary\.(md|mdx|markdown)$/i, 'summary'],
  [/\.transcript\.txt$/i, 'transcript'],
]

/**
 * A document's role and the lesson it belongs to, from its name:
 * `x.earlier-revision.md`, `x.summary.md` and `x.transcript.txt` belong to `x.md`.
 */
export function documentRole(path: string): { role: DocumentRole; lessonPath: string } {
  for (const [pattern, role] of ROLE_SUFFIX) {
    const m = pattern.exec(path)
    if (m) return { role, lessonPath: path.replace(pattern, `.${role === 'transcript' ? 'md' : m[1]}`) }
  }
  return { role: 'lesson', lessonPath: path }
}

/** Fence languages that say nothing about the content: it is read for what it looks like. */
const PLAIN_LANGS = new Set(['', 'text', 'txt', 'plaintext', 'plain', 'none', 'nohighlight', 'raw'])
const OUTPUT_LANGS = new Set(['output', 'stdout', 'log', 'logs', 'console-output'])
const DOCKERFILE_LANGS = new Set(['dockerfile', 'docker', 'containerfile'])
const DOCKERFILE_NAME = /(^|\/)(?:Docker|Container)file([.-][\w.-]+)?$|\.dockerfile$/i

/**
 * Parses one document's text (already decoded) into the lesson model. Never refuses a document
 * that is text: a frontmatter that does not parse, a wrong course key, an unclosed fence or an
 * empty file are recorded on the Document with their lines, and everything else is still read.
 */
export function parseDocument(path: string, input: string | Decoded): Document {
  const decoded = typeof input === 'string' ? { text: input } : input
  const text = decoded.text
  const { role, lessonPath } = documentRole(path)
  const lines = text.split('\n')
  const doc: Document = {
    path,
    role,
    lessonPath,
    frontmatterFormat: 'none',
    frontmatterProblems: [],
    problems: [],
    lines,
    frontmatterLines: {},
    headings: [],
    prose: [],
    blocks: [],
    files: [],
    references: [],
    commands: [],
    outputs: [],
    tables: [],
    iterations: [],
  }
  if (decoded.unreadable) doc.unreadable = decoded.unreadable
  if (text.trim() === '') {
    doc.problems.push({
      line: 1,
      code: 'empty',
      message: 'file is empty',
      expected: 'a lesson: Markdown (with or without frontmatter), or plain text',
      received: `${text.length} characters of white space`,
    })
    return doc
  }
  if (role === 'transcript') return parseTranscript(doc)

  const fm = readFrontmatter(text, lines)
  doc.frontmatterFormat = fm.format
  doc.frontmatterLines = fm.lines
  doc.frontmatterProblems = fm.problems
  if (fm.frontmatter) doc.frontmatter = fm.frontmatter
  if (fm.unreadable && !doc.unreadable) doc.unreadable = fm.unreadable
  const body = fm.block
    ? lines.map((l, i) => (i + 1 >= (fm.block?.startLine ?? 0) && i + 1 <= (fm.block?.endLine ?? 0) ? '' : l))
    : lines
  const through = readThrough(body, text)
  const md = parseMarkdown(through.lines, lines)
  doc.headings = withSections(md.headings, lines.length)
  doc.prose = [...md.prose, ...fm.prose].sort((a, b) => a.line - b.line)
  doc.problems.push(...md.problems)
  doc.tables = [...md.tables]

  const events: FileEvent[] = []
  const placeholders: FileReference[] = []
  /** The command the next output belongs to: the last command of the last command block. */
  let last: { line: number; text: string; block: string[] } | undefined

  for (const raw of md.blocks) {
    const tab = tabAt(through.tabs, raw.line)
    const read = classify(raw, doc, events, placeholders, { afterCommands: last !== undefined, tab })
    const block: CodeBlock = {
      line: raw.line,
      endLine: raw.endLine,
      lang: raw.lang,
      info: raw.info,
      attributes: raw.attributes,
      value: raw.value,
      kind: read.kind,
      isOutput: read.kind === 'output',
      lead: raw.lead,
      section: raw.section,
    }
    if (read.file) {
      block.file = read.file.name
      block.fileVia = read.file.via
    }
    if (read.looksLike) block.looksLike = read.looksLike
    if (read.placeholder) block.placeholder = true
    if (read.templates && read.templates.length > 0) block.templates = read.templates
    if (tab) block.tab = tab
    const controls = blockControls(raw)
    if (controls) block.controls = controls
    doc.blocks.push(block)

    if (read.kind === 'output') {
      const shown = outputsOf(raw, read.echo ?? false, last, doc)
      for (const output of shown) addOutput(doc, output, raw.section)
      continue
    }
    if (read.kind === 'commands' || read.kind === 'transcript') {
      const shell = readShell(
        raw.value,
        raw.line,
        read.kind === 'transcript' && raw.lang === '' ? 'console' : raw.lang,
      )
      const commands: Command[] = []
      for (const logical of shell.commands) {
        commands.push(...toCommands(logical))
        for (const write of shellWrites(logical.text, logical.line, logical.heredoc)) {
          if (isPlaceholder(write.content)) {
            placeholders.push({
              name: write.name,
              line: write.line,
              kind: 'placeholder',
              reason: `${write.name} is a placeholder the reader fills in (line ${write.contentLine}: "${write.content.trim()}")`,
            })
            continue
          }
          const event: FileEvent = {
            name: write.name,
            line: write.line,
            content: write.content,
            contentLine: write.contentLine,
            lang: DOCKERFILE_NAME.test(write.name) ? 'dockerfile' : '',
            via: 'shell',
            append: write.append,
          }
          if (tab) event.tab = tab
          if (DOCKERFILE_NAME.test(write.name))
            event.templates = templateMarks(write.content, write.contentLine)
          events.push(event)
        }
      }
      doc.commands.push(...commands)
      for (const o of shell.outputs) {
        addOutput(
          doc,
          { line: o.line, text: o.text, commandLine: o.command.line, command: o.command.text, inline: true },
          raw.section,
        )
      }
      const final = shell.commands.at(-1)
      last = final
        ? { line: final.line, text: final.text, block: shell.commands.map((c) => c.text) }
        : undefined
    } else {
      last = undefined
    }
  }
  doc.commands.sort((a, b) => a.line - b.line)
  doc.commands.push(...inlineCommands(md.spans, doc.commands))
  doc.commands.sort((a, b) => a.line - b.line)
  doc.files = versionsOf(events)
  doc.references = referencesOf(doc, placeholders)
  doc.tables.sort((a: Table, b: Table) => a.line - b.line)
  doc.outputs.sort((a, b) => a.line - b.line)
  for (const output of doc.outputs) {
    const command = doc.commands.find((c) => c.line === output.commandLine)
    if (command) command.outputLine = output.line
  }
  doc.iterations = iterationsOf(doc)
  return doc
}

/** The author's controls of a block: the comment before it, then its info string's `lessonproof` attribute. */
function blockControls(raw: RawBlock): CodeBlock['controls'] {
  const words = [raw.control?.words, raw.attributes.lessonproof].filter((w) => w !== undefined)
  if (words.length === 0) return undefined
  return readControls(words.join(' '), raw.control?.line ?? raw.line)
}

interface Classified {
  kind: CodeBlock['kind']
  file?: { name: string; via: NonNullable<CodeBlock['fileVia']> }
  looksLike?: CodeBlock['looksLike']
  placeholder?: boolean
  templates?: CodeBlock['templates']
  /** An output whose first line repeats its command ("docker images |grep x" then the rows). */
  echo?: boolean
}

/** Decides what a block is, and records the file version it defines. */
function classify(
  raw: RawBlock,
  doc: Document,
  events: FileEvent[],
  placeholders: FileReference[],
  context: { afterCommands: boolean; tab: CodeBlock['tab'] },
): Classified {
  const { afterCommands, tab } = context
  const plainLang = PLAIN_LANGS.has(raw.lang)
  const shellLang = isShellLang(raw.lang)
  const dockerLang = DOCKERFILE_LANGS.has(raw.lang)
  // A shell fence may hold Dockerfile lines ("Use DHIs, for example:" then `FROM …`).
  const shape = dockerLang || plainLang || shellLang ? dockerfileShape(raw.value, dockerLang) : undefined
  const sniffed = shape || !(plainLang || shellLang) ? undefined : looksLikeCommands(raw.value)
  const script = raw.value.startsWith('#!')
  const commandLike =
    shellLang && !shape && !script
      ? raw.value.split('\n').some((l) => promptOf(l) !== undefined && /^\s*[^#\s]/.test(l))
        ? 'transcript'
        : 'commands'
      : plainLang
        ? sniffed
        : undefined
  const looksLike: Classified['looksLike'] =
    shape === 'complete'
      ? 'dockerfile'
      : shape === 'fragment'
        ? 'dockerfile-fragment'
        : (sniffed ?? (outputJson(raw.value) !== undefined ? 'json' : undefined))
  const base = looksLike ? { looksLike } : {}
  const shell = (shellLang && !shape) || commandLike !== undefined

  if (raw.lang === 'diff' || raw.lang === 'patch') {
    const label = fileLabel(raw, doc.problems, { shell: false })
    const name = label?.name ?? diffTarget(raw.value)
    if (!name) return { ...base, kind: 'diff' }
    const event: FileEvent = {
      name,
      line: raw.line,
      content: raw.value,
      contentLine: raw.line + 1,
      lang: 'diff',
      via: 'diff',
      diff: true,
    }
    if (tab) event.tab = tab
    events.push(event)
    return { ...base, kind: 'diff', file: { name, via: label?.via ?? 'diff' } }
  }

  const label = fileLabel(raw, doc.problems, { shell })
  // A shell block that writes the labelled file (`cat > Dockerfile <<EOF`) is commands, not the file.
  const writesLabel =
    label &&
    shell &&
    readShell(raw.value, raw.line, raw.lang).commands.some((c) =>
      shellWrites(c.text, c.line, c.heredoc).some((w) => w.name === label.name),
    )
  if (label && !writesLabel) {
    const dockerfile = DOCKERFILE_NAME.test(label.name)
    const fileShape = dockerfile && !dockerLang && !shape ? dockerfileShape(raw.value, true) : shape
    // A prose label names a Dockerfile only for content that is one.
    if (!(label.via === 'prose' && dockerfile && !fileShape)) {
      const templates = dockerfile || dockerLang ? templateMarks(raw.value, raw.line + 1) : []
      const file = { name: label.name, via: label.via }
      if (isPlaceholder(raw.value)) {
        placeholders.push({
          name: label.name,
          line: raw.line,
          kind: 'placeholder',
          reason: `${label.name} is a placeholder the reader fills in (line ${raw.line + 1}: "${raw.value.trim()}")`,
        })
        return { ...base, kind: 'file', file, placeholder: true, templates }
      }
      // "adding the following line" shows a part of the file, unless what follows is a whole Dockerfile.
      const excerpt =
        isExcerpt(raw.value) ||
        (label.adds && !(dockerfile && fileShape === 'complete')) ||
        (label.via === 'prose' && dockerfile && fileShape === 'fragment')
      if (!excerpt) {
        const event: FileEvent = {
          name: label.name,
          line: raw.line,
          content: raw.value,
          contentLine: raw.line + 1,
          lang: raw.lang,
          via: label.via,
          templates,
        }
        if (tab) event.tab = tab
        events.push(event)
      }
      return { ...base, kind: excerpt ? 'excerpt' : 'file', file, templates }
    }
  }

  if (
    OUTPUT_LANGS.has(raw.lang) ||
    (!shellLang && isOutputLead(raw.lead)) ||
    (shellLang && isOutputLead(raw.lead) && commandLike !== 'transcript' && !looksLikeCommands(raw.value))
  ) {
    return { ...base, kind: 'output' }
  }
  // A plain fence right after a command block, with no prose between, is that command's output;
  // its first line may repeat a command ("docker images |grep x" then the rows).
  if (plainLang && raw.adjacent && afterCommands && !raw.lead && shape === undefined) {
    const echo = echoedCommand(raw.value)
    if (commandLike === undefined || echo) return { ...base, kind: 'output', echo: echo !== undefined }
  }
  if (commandLike) return { ...base, kind: commandLike }
  if (shape === 'complete' && !shellLang && !inReaderSection(doc, raw.line)) {
    const templates = templateMarks(raw.value, raw.line + 1)
    if (!isExcerpt(raw.value)) {
      const event: FileEvent = {
        name: 'Dockerfile',
        line: raw.line,
        content: raw.value,
        contentLine: raw.line + 1,
        lang: raw.lang || 'dockerfile',
        via: 'content',
        templates,
      }
      if (tab) event.tab = tab
      events.push(event)
    }
    return {
      ...base,
      kind: isExcerpt(raw.value) ? 'excerpt' : 'file',
      file: { name: 'Dockerfile', via: 'content' },
      templates,
    }
  }
  if (dockerLang || shape) {
    const templates = templateMarks(raw.value, raw.line + 1)
    return { ...base, kind: 'text', ...(templates.length > 0 ? { templates } : {}) }
  }
  return { ...base, kind: 'text' }
}

/** The first line of a block when it is a command and the lines after it are not (its output). */
function echoedCommand(value: string): string | undefined {
  const [head = '', ...rest] = value.split('\n').filter((l) => l.trim() !== '')
  const text = head.replace(/^\s*\$\s+/, '').trim()
  const word = /^\S+/.exec(text)?.[0] ?? ''
  if (!isCommandWord(word) || rest.length === 0) return undefined
  if (rest.every((l) => isCommandWord(/^\S+/.exec(l.trim())?.[0] ?? ''))) return undefined
  return text
}

/**
 * The outputs an output block shows. Its lines are the output of the command before it; a
 * prompted line inside ("$ docker build …") is a command whose output follows it. A command that
 * repeats one of the block before is that command, not a new one.
 */
function outputsOf(
  raw: RawBlock,
  echo: boolean,
  last: { line: number; text: string; block: string[] } | undefined,
  doc: Document,
): Output[] {
  const lines = raw.value.split('\n')
  if (lines.some((l) => promptOf(l) !== undefined && /^\s*[$%➜]|@|PS /.test(l))) {
    const shell = readShell(raw.value, raw.line, 'console')
    const outputs: Output[] = []
    for (const o of shell.outputs) {
      const known = last?.block.includes(o.command.text)
        ? findCommand(doc, o.command.text, raw.line)
        : undefined
      if (!known) doc.commands.push(...toCommands(o.command))
      outputs.push({
        line: o.line,
        text: o.text,
        commandLine: known?.line ?? o.command.line,
        command: o.command.text,
        inline: true,
      })
    }
    // Only prompted commands and no output lines: the block repeats what was run.
    return outputs
  }
  if (echo) {
    const first = lines.findIndex((l) => l.trim() !== '')
    const command = (lines[first] ?? '').replace(/^\s*\$\s+/, '').trim()
    const line = raw.line + 1 + first
    const text = lines.slice(first + 1).join('\n')
    if (last && command === last.text) return [{ line, text, commandLine: last.line, command }]
    const logical = { line, lastLine: line, text: command }
    doc.commands.push(...toCommands(logical))
    return [{ line, text, commandLine: line, command, inline: true }]
  }
  const output: Output = { line: raw.line, text: raw.value }
  if (last) {
    output.commandLine = last.line
    output.command = last.text
  }
  return [output]
}

function findCommand(doc: Document, text: string, before: number): Command | undefined {
  let found: Command | undefined
  for (const c of doc.commands) if (c.text === text && c.line < before) found = c
  return found
}

function addOutput(doc: Document, output: Output, section: string): void {
  const json = outputJson(output.text)
  if (json !== undefined) output.json = json
  doc.outputs.push(output)
  const table = outputTable(output.command, output.text, output.line + 1, section)
  if (table) doc.tables.push(table)
}

/** "Run `docker build -t x .`", "Type in `cat builder.sh`", or a paragraph that is only a command. */
const IMPERATIVE =
  /\b(?:run|execute|type(?:\s+in)?|enter|issue|invoke)\b(?:\s+(?:the|this|it|following))?(?:\s+command)?\s*:?\s*$|\b(?:build|start|run)\s+it\s+with\s*:?\s*$/i

/** Commands prose tells the reader to run, unless the block right after the sentence shows the same command. */
function inlineCommands(spans: CodeSpan[], shown: Command[]): Command[] {
  const commands: Command[] = []
  for (const span of spans) {
    const text = span.code.replace(/^\$\s+/, '').trim()
    const word = /^\S+/.exec(text)?.[0] ?? ''
    if (!isCommandWord(word)) continue
    if (!span.alone && !IMPERATIVE.test(span.before)) continue
    const next = shown.find((c) => c.line > span.line)
    if (next && next.text === text && next.line - span.line <= 8) continue
    commands.push(...toCommands({ line: span.line, lastLine: span.line, text }, { inline: true }))
  }
  return commands
}

const EARLIER_LESSON =
  /\b(?:lesson|chapter|module|unit)\s+\d+\b|\b(?:previous|earlier|last|prior)\s+(?:lesson|chapter|section|tutorial|part|module|step)s?\b|\byou\s+(?:created|wrote|built|made)\b/i

/**
 * Files the document uses without showing them: placeholders, and the Dockerfile of every build
 * that has no version (or placeholder) before it, with why: shown only later, from a cloned
 * repository or the repository a README belongs to, from an earlier lesson, or not shown at all.
 */
function referencesOf(doc: Document, placeholders: FileReference[]): FileReference[] {
  const references = [...placeholders]
  const clone = doc.commands.find((c) => c.argv[0] === 'git' && c.argv[1] === 'clone')
  const readme = /(^|\/)readme\.[\w]+$/i.test(doc.path)
  for (const command of doc.commands) {
    const build = dockerBuild(command.argv)
    if (!build) continue
    const name = build.file
    // Each build of a file with no version (nor placeholder) before it says why, at its own line.
    const known =
      filesAt(doc.files, command.line)[name] ??
      placeholders.find((r) => r.name === name && r.line < command.line) ??
      references.find((r) => r.name === name && r.line === command.line)
    if (known) continue
    references.push(referenceFor(doc, name, command.line, { clone, readme }))
  }
  return references.sort((a, b) => a.line - b.line)
}

/**
 * Why a file the document uses at a line is not shown there, most telling reason first: the
 * reader's own project, an earlier lesson the section names, a version shown only later, a cloned
 * repository, an earlier lesson the introduction names, the repository a README belongs to.
 */
function referenceFor(
  doc: Document,
  name: string,
  line: number,
  context: { clone: Command | undefined; readme: boolean },
): FileReference {
  const at = (kind: FileReference['kind'], reason: string): FileReference => ({ name, line, kind, reason })
  if (inReaderSection(doc, line))
    return at(
      'reader-project',
      `${name} is the reader's own, built in "${headingPathAt(doc, line).join(' > ')}"`,
    )
  const section = doc.headings.filter((h) => h.line <= line && h.depth <= 2).at(-1)?.line ?? 1
  const intro = doc.headings.find((h) => h.depth === 2)?.line ?? line
  const named = earlierLesson(doc, section, line)
  if (named)
    return at(
      'earlier-lesson',
      `${name} comes from an earlier lesson (line ${named.line}: "${short(named.text)}")`,
    )
  const later = doc.files.find((f) => f.name === name && f.line > line)
  if (later) return at('defined-later', `${name} is shown only after the build, at line ${later.line}`)
  const { clone, readme } = context
  if (clone && clone.line < line)
    return at(
      'repository',
      `${name} comes from the repository cloned at line ${clone.line} (${clone.argv[2] ?? 'git clone'})`,
    )
  const introduced = earlierLesson(doc, 1, Math.min(intro, line))
  if (introduced)
    return at(
      'earlier-lesson',
      `${name} comes from an earlier lesson (line ${introduced.line}: "${short(introduced.text)}")`,
    )
  if (readme) return at('repository', `${name} is a file of the repository this README belongs to`)
  return at('not-shown', `${name} is not shown in the document before line ${line}`)
}

/** The last paragraph between two lines that sends the reader to an earlier lesson. */
function earlierLesson(doc: Document, from: number, to: number): { line: number; text: string } | undefined {
  return [...doc.prose]
    .reverse()
    .find(
      (p) =>
        (p.kind === 'paragraph' || p.kind === 'list-item') &&
        p.line >= from &&
        p.line < to &&
        EARLIER_LESSON.test(p.text),
    )
}

function short(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

/** The version (or the placeholder or reference) a name stands for at a line: whichever came last. */
export function resolveFile(
  doc: Pick<Document, 'files' | 'references'>,
  name: string,
  line: number,
): { version?: FileVersion; reference?: FileReference } {
  const version = filesAt(doc.files, line)[name]
  let reference: FileReference | undefined
  for (const r of doc.references) if (r.name === name && r.line <= line) reference = r
  if (version && (!reference || version.line > reference.line)) return { version }
  return reference ? { reference } : {}
}

/**
 * Builds one document may show. Each iteration carries the files as they stand at its build, so
 * a document with many builds and many files costs their product: beyond this it is refused.
 */
export const MAX_ITERATIONS = 1_000

function iterationsOf(doc: Document): Iteration[] {
  const iterations: Iteration[] = []
  // Earlier builds by tag, the files and references as they stand, kept up as the commands go by (linear).
  const byTag = new Map<string, Iteration[]>()
  const versions = doc.files.filter((v) => v.alternativeTo === undefined).sort((a, b) => a.line - b.line)
  const references = [...doc.references].sort((a, b) => a.line - b.line)
  const standing: Record<string, FileVersion> = {}
  const referenced = new Map<string, FileReference>()
  let next = 0
  let nextReference = 0
  for (const command of doc.commands) {
    const build = dockerBuild(command.argv)
    if (!build) continue
    if (inReaderSection(doc, command.line)) continue
    if (iterations.length === MAX_ITERATIONS)
      throw new DocumentError({
        file: doc.path,
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
    while (nextReference < references.length && (references[nextReference]?.line ?? 0) <= command.line) {
      const r = references[nextReference++] as FileReference
      referenced.set(r.name, r)
    }
    const files = { ...standing }
    // The version or the reference the Dockerfile stands for here: whichever came last.
    const shown = standing[build.file]
    const named = referenced.get(build.file)
    const reference = named && !(shown && shown.line > named.line) ? named : undefined
    const iteration: Iteration = {
      index: iterations.length,
      line: command.line,
      dockerfile: build.file,
      tag,
      name: version === 'latest' ? repo : version,
      section: sectionAt(doc, command.line),
      files,
    }
    if (build.target) iteration.target = build.target
    if (reference) iteration.reference = reference
    const before = byTag.get(tag) ?? []
    // A build of the tag from another Dockerfile corrects the one before ("Wait, that Dockerfile
    // won't work"), and so does one of a Dockerfile the document now shows, where it had none:
    // each stays an iteration of its own, measured for the claims that stand after it.
    const previous = before.at(-1)
    if (previous && (previous.dockerfile !== build.file || (previous.reference && !reference)))
      iteration.replaces = previous.line
    // The same tag built again from the same files: a rebuild the lesson shows (its log CACHED).
    const earlier = before.find(
      (it) =>
        it.rebuildOf === undefined &&
        it.dockerfile === build.file &&
        it.target === build.target &&
        it.reference === undefined &&
        reference === undefined &&
        sameFiles(it.files, files),
    )
    if (earlier) iteration.rebuildOf = earlier.index
    iterations.push(iteration)
    byTag.set(tag, [...before, iteration])
  }
  return iterations
}

function sameFiles(a: Iteration['files'], b: Iteration['files']): boolean {
  const names = Object.keys(a)
  return names.length === Object.keys(b).length && names.every((n) => a[n]?.content === b[n]?.content)
}

export { isReaderSection, sectionAt } from './sections.js'

function parseTranscript(doc: Document): Document {
  doc.prose = doc.lines
    .map((t, i) => ({ line: i + 1, text: t.trim(), kind: 'paragraph' as const }))
    .filter((p) => p.text !== '')
  return doc
}
