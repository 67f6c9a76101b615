import matter from 'gray-matter'
import jsYaml from 'js-yaml'
import { parse as parseToml, TomlError } from 'smol-toml'
import { LineCounter, parseDocument } from 'yaml'
import type { z } from 'zod'
import { truncate } from '../errors.js'
import {
  FRONTMATTER_EXPECTED,
  type Frontmatter,
  type FrontmatterFormat,
  type FrontmatterProblem,
  frontmatterShape,
  OtherFrontmatter,
  type Prose,
  PublishedFrontmatter,
  RevisionFrontmatter,
  type Unreadable,
} from '../model/index.js'

/** What a document's frontmatter holds, with the lines it takes. */
export interface FrontmatterRead {
  format: FrontmatterFormat | 'none'
  /** Lines of the opening and closing delimiters: the Markdown body is read without them. */
  block?: { startLine: number; endLine: number }
  frontmatter?: Frontmatter
  /** Course keys present but wrong, each at its line. */
  problems: FrontmatterProblem[]
  /** The frontmatter does not parse at all; the body is still read. */
  unreadable?: Unreadable
  /** Line of each top-level key. */
  lines: Record<string, number>
  /** String values with spaces, read for claims ("Reduce image size by 70-85%"). */
  prose: Prose[]
}

/** Where a frontmatter block starts and how gray-matter is told to read it. */
interface Opening {
  format: FrontmatterFormat
  delimiters: [string, string]
  language: string
}

/**
 * The frontmatter a document opens with, if any: YAML between `---` lines (`---toml`, `---json`
 * name another language, as gray-matter reads them), TOML between `+++` lines (Hugo, Zola), or a
 * JSON object whose `{` and `}` stand alone on their lines (Hugo).
 */
function opening(lines: string[]): Opening | undefined {
  const first = lines[0] ?? ''
  const yaml = /^---(\w*)[ \t]*$/.exec(first)
  if (yaml) {
    const language = (yaml[1] ?? '').toLowerCase() || 'yaml'
    const format: FrontmatterFormat = language === 'toml' ? 'toml' : language === 'json' ? 'json' : 'yaml'
    return { format, delimiters: ['---', '---'], language }
  }
  if (/^\+\+\+[ \t]*$/.test(first)) return { format: 'toml', delimiters: ['+++', '+++'], language: 'toml' }
  if (/^\{[ \t]*$/.test(first) && /^\s*"[^"]+"\s*:/.test(lines[1] ?? ''))
    return { format: 'json', delimiters: ['{', '}'], language: 'json' }
  return undefined
}

/** A frontmatter text that does not parse: where, and what the parser said. */
class SyntaxProblem extends Error {
  constructor(
    /** 1-based line within the text given to the engine. */
    readonly textLine: number,
    readonly reason: string,
    override readonly cause: unknown,
  ) {
    super(reason)
  }
}

const lineOfOffset = (text: string, offset: number) => text.slice(0, offset).split('\n').length

// The engines gray-matter reads each language with. Each throws a SyntaxProblem with the line.
const ENGINES = {
  yaml: (text: string): object => {
    // Fast path: most frontmatter is valid, and js-yaml reads it several times quicker than
    // `yaml` builds a document with positions, which is kept for reporting an error at its line.
    // JSON_SCHEMA: plain YAML 1.2 values, as `yaml` reads them (no 1.1 yes/no booleans, no dates).
    try {
      return jsYaml.load(text, { schema: jsYaml.JSON_SCHEMA }) as object
    } catch {
      // Reported below, with the line.
    }
    const counter = new LineCounter()
    // Not prettyErrors: those add YAML-relative "at line N" to the message; the error carries the file's line.
    const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true })
    const error = doc.errors[0]
    if (error) {
      throw new SyntaxProblem(
        counter.linePos(error.pos[0]).line,
        `frontmatter is not valid YAML: ${error.message.split('\n')[0]}`,
        error,
      )
    }
    return doc.toJS() as object
  },
  toml: (text: string): object => {
    try {
      return parseToml(text)
    } catch (error) {
      const line = error instanceof TomlError ? error.line : 1
      const message = (error as Error).message.replace(/^Invalid TOML document:\s*/, '').split('\n')[0]
      throw new SyntaxProblem(line, `frontmatter is not valid TOML: ${message}`, error)
    }
  },
  json: (text: string): object => {
    try {
      return JSON.parse(text) as object
    } catch (error) {
      const message = (error as Error).message
      const at = /position (\d+)/.exec(message)?.[1]
      const line = /line (\d+)/.exec(message)?.[1]
      const textLine = line ? Number(line) : at ? lineOfOffset(text, Number(at)) : 1
      throw new SyntaxProblem(textLine, `frontmatter is not valid JSON: ${message.split('\n')[0]}`, error)
    }
  },
}

const EXPECTED_SYNTAX: Record<FrontmatterFormat, string> = {
  yaml: 'YAML mapping between the two `---` lines',
  toml: 'TOML key = value pairs between the two `+++` lines',
  json: 'a JSON object at the top of the document',
}

/**
 * Reads the frontmatter a document opens with (YAML, TOML or JSON, through gray-matter) and checks
 * the course's keys where they are present. Never throws: a block that does not parse is
 * `unreadable` at its line, a wrong course key is a problem at its line.
 */
export function readFrontmatter(text: string, lines: string[] = text.split('\n')): FrontmatterRead {
  const read: FrontmatterRead = { format: 'none', problems: [], lines: {}, prose: [] }
  const open = opening(lines)
  if (!open) return read
  const close = open.delimiters[1]
  const closeLine = findClose(lines, close)
  if (closeLine === undefined) {
    // `---` then prose is a thematic break; `---` then keys and no end is a frontmatter never closed.
    if (open.delimiters[0] === '---' && !/^\s*[\w"'-]+\s*:/.test(lines[1] ?? '')) return read
    read.format = open.format
    read.block = { startLine: 1, endLine: 1 }
    read.unreadable = {
      line: 1,
      what: 'frontmatter',
      reason: `frontmatter opened with \`${open.delimiters[0]}\` at line 1 is never closed`,
      expected: `a second \`${close}\` line after the ${open.format.toUpperCase()} keys`,
      received: `no closing \`${close}\` before the end of the file (${lines.length} lines)`,
    }
    return read
  }
  read.format = open.format
  read.block = { startLine: 1, endLine: closeLine }
  // The engine reads the lines between the delimiters; line 1 of its text is the file's line 2.
  const inner = lines.slice(1, closeLine - 1).join('\n')
  const toFile = (textLine: number) => textLine + 1
  let data: unknown
  try {
    // gray-matter finds the block and hands it to the engine of its language; options are always
    // given, which also keeps it from caching every document's text for the life of the process.
    const file = matter(`${open.delimiters[0]}\n${inner}\n${close}\n`, {
      delimiters: open.delimiters,
      language: open.language,
      engines: {
        ...ENGINES,
        // JSON frontmatter's own braces are its delimiters.
        json: (t: string) => ENGINES.json(open.delimiters[0] === '{' ? `{${t}\n}` : t),
      },
    })
    data = file.data
  } catch (error) {
    if (!(error instanceof SyntaxProblem)) throw error
    // The engine's text starts with the newline after the opening delimiter.
    const line = Math.min(Math.max(toFile(error.textLine - 1), 1), closeLine)
    read.unreadable = {
      line,
      what: 'frontmatter',
      reason: error.reason,
      expected: EXPECTED_SYNTAX[open.format],
      received: lines[line - 1] ?? '',
    }
    return read
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    read.unreadable = {
      line: 2,
      what: 'frontmatter',
      reason: 'frontmatter must be a mapping of keys to values',
      expected: FRONTMATTER_EXPECTED,
      received: truncate(JSON.stringify(data) ?? String(data)),
    }
    return read
  }
  keyLines(read, open.format, lines, closeLine)
  const record = data as Record<string, unknown>
  const { frontmatter, issues } = validate(record, open.format)
  read.frontmatter = frontmatter
  if (issues.length > 0)
    read.problems = problemsOf(issues, frontmatter.shape, record, open.format, inner, read)
  return read
}

/** The line of the closing delimiter: the first line after line 1 that is the delimiter alone. */
function findClose(lines: string[], close: string): number | undefined {
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i] ?? ''
    if (l.startsWith(close) && l.slice(close.length).trim() === '') return i + 1
  }
  return undefined
}

const YAML_KEY = /^([\w-]+)\s*:/
const YAML_VALUE = /^\s*(?:-\s+)?[\w-]+\s*:\s*["']?(.+?)["']?\s*$/
const TOML_KEY = /^\s*(?:\[+\s*([\w.-]+)\s*\]+|([\w-]+|"[^"]+")\s*=)/
const TOML_VALUE = /^\s*[\w-]+\s*=\s*["']([^"']+)["']\s*$/
const JSON_KEY = /^\s{0,4}"([^"]+)"\s*:/
const JSON_VALUE = /^\s*"[^"]+"\s*:\s*"([^"]+)"\s*,?\s*$/

/** Lines of top-level keys, and string values with spaces as prose. */
function keyLines(
  read: FrontmatterRead,
  format: FrontmatterFormat,
  lines: string[],
  closeLine: number,
): void {
  let table = false
  for (let n = 2; n < closeLine; n++) {
    const l = lines[n - 1] ?? ''
    let key: string | undefined
    let value: string | undefined
    if (format === 'yaml') {
      key = YAML_KEY.exec(l)?.[1]
      value = YAML_VALUE.exec(l)?.[1]
    } else if (format === 'toml') {
      const m = TOML_KEY.exec(l)
      if (m?.[1]) table = true
      key = m?.[1]?.split('.')[0] ?? (table ? undefined : m?.[2]?.replace(/"/g, ''))
      value = TOML_VALUE.exec(l)?.[1]
    } else {
      key = JSON_KEY.exec(l)?.[1]
      value = JSON_VALUE.exec(l)?.[1]
    }
    if (key && read.lines[key] === undefined) read.lines[key] = n
    if (value && /\s/.test(value)) read.prose.push({ line: n, text: value, kind: 'frontmatter' })
  }
}

/**
 * Checks the course keys against the shape the objectives have. A wrong key is left out of the
 * data (later stages read only keys that hold), and its issues are returned.
 */
function validate(
  record: Record<string, unknown>,
  format: FrontmatterFormat,
): { frontmatter: Frontmatter; issues: z.core.$ZodIssue[] } {
  const shape = frontmatterShape(record)
  const schema: z.ZodType =
    shape === 'published'
      ? PublishedFrontmatter
      : shape === 'revision'
        ? RevisionFrontmatter
        : OtherFrontmatter
  const issues: z.core.$ZodIssue[] = []
  let data = record
  // Each round drops the keys whose values are wrong; a key is wrong on its own, so this ends.
  for (let round = 0; round < 50; round++) {
    const result = schema.safeParse(data)
    if (result.success) return { frontmatter: { shape, format, data: result.data } as Frontmatter, issues }
    issues.push(...result.error.issues)
    const wrong = new Set(result.error.issues.map((i) => String(i.path[0] ?? '')))
    data = Object.fromEntries(Object.entries(data).filter(([k]) => !wrong.has(k)))
  }
  return { frontmatter: { shape: 'other', format, data: {} }, issues }
}

function problemsOf(
  issues: z.core.$ZodIssue[],
  shape: Frontmatter['shape'],
  record: Record<string, unknown>,
  format: FrontmatterFormat,
  inner: string,
  read: FrontmatterRead,
): FrontmatterProblem[] {
  // Positions of nested keys come from `yaml`'s document; TOML and JSON use the top-level key's line.
  const located = format === 'yaml' ? yamlLocator(inner) : undefined
  return issues.map((issue) => {
    const path = issue.path as (string | number)[]
    const key = path.map(String).join('.')
    const { value, found } = valueAt(record, path)
    const line = located?.(path) ?? read.lines[String(path[0] ?? '')] ?? Object.values(read.lines)[0] ?? 2
    const described = shape === 'other' ? '' : ` (${shape} shape)`
    return {
      line,
      key,
      message: `frontmatter '${key}' ${describeIssue(issue)}`,
      expected: `${key}: ${issue.message}${described}\n${FRONTMATTER_EXPECTED}`,
      received: found ? truncate(JSON.stringify(value) ?? 'nothing') : 'the key is missing',
    }
  })
}

function valueAt(record: unknown, path: (string | number)[]): { value: unknown; found: boolean } {
  let here: unknown = record
  for (const part of path) {
    if (here === null || typeof here !== 'object' || !(part in (here as object)))
      return { value: undefined, found: false }
    here = (here as Record<string | number, unknown>)[part]
  }
  return { value: here, found: true }
}

/** The file line of a YAML path (or of its deepest ancestor that exists, for a missing key). */
function yamlLocator(inner: string): (path: (string | number)[]) => number | undefined {
  const counter = new LineCounter()
  const doc = parseDocument(inner, { lineCounter: counter, prettyErrors: false })
  return (path) => {
    for (let n = path.length; n >= 0; n--) {
      const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true)
      const range = (node as { range?: [number, number, number] } | null | undefined)?.range
      // Line 1 of the YAML text is line 2 of the file.
      if (range) return counter.linePos(range[0]).line + 1
    }
    return undefined
  }
}

function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  if (!issue) return 'is invalid'
  if (issue.code === 'invalid_type') return `must be ${article(issue.expected)}`
  return `is invalid: ${issue.message}`
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`
}
