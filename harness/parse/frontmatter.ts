import jsYaml from 'js-yaml'
import { LineCounter, parseDocument } from 'yaml'
import type { z } from 'zod'
import { DocumentError, truncate } from '../errors.js'
import {
  FRONTMATTER_EXPECTED,
  type Frontmatter,
  frontmatterShape,
  PublishedFrontmatter,
  RevisionFrontmatter,
} from '../model/index.js'

/**
 * Parses a lesson's YAML frontmatter and validates it against the shape it looks like.
 * `firstLine` is the file line of the YAML's first line (the line after the opening `---`).
 */
export function parseFrontmatter(file: string, yamlText: string, firstLine: number): Frontmatter {
  // Fast path: most frontmatter is valid, and js-yaml reads it several times quicker than
  // `yaml` builds a document with positions, which is kept for reporting an error at its line.
  // JSON_SCHEMA: plain YAML 1.2 values, as `yaml` reads them (no 1.1 yes/no booleans, no dates).
  try {
    const data: unknown = jsYaml.load(yamlText, { schema: jsYaml.JSON_SCHEMA })
    if (data !== null && typeof data === 'object' && !Array.isArray(data)) {
      const checked = validate(data as Record<string, unknown>)
      if (checked.frontmatter) return checked.frontmatter
    }
  } catch {
    // Reported below, with the line.
  }
  const counter = new LineCounter()
  // Not prettyErrors: those add YAML-relative "at line N" to the message; the error carries the file's line.
  const doc = parseDocument(yamlText, { lineCounter: counter, prettyErrors: false, uniqueKeys: true })
  const lineOf = (offset: number) => firstLine - 1 + counter.linePos(offset).line
  const yamlError = doc.errors[0]
  if (yamlError) {
    throw new DocumentError({
      file,
      line: lineOf(yamlError.pos[0]),
      reason: `frontmatter is not valid YAML: ${yamlError.message.split('\n')[0]}`,
      expected: 'YAML mapping between the two `---` lines',
      received: sourceLine(yamlText, counter.linePos(yamlError.pos[0]).line),
      cause: yamlError,
    })
  }
  const data: unknown = doc.toJS()
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new DocumentError({
      file,
      line: firstLine,
      reason: 'frontmatter must be a YAML mapping of keys to values',
      expected: FRONTMATTER_EXPECTED,
      received: truncate(JSON.stringify(data) ?? String(data)),
    })
  }
  const { frontmatter, shape, error } = validate(data as Record<string, unknown>)
  if (!frontmatter) {
    const issue = error?.issues[0]
    const path = (issue?.path ?? []) as (string | number)[]
    const { node, found } = nearestNode(doc, path)
    const range = (node as { range?: [number, number, number] } | undefined)?.range
    const key = path.map(String).join('.')
    const value = found ? doc.getIn(path) : undefined
    throw new DocumentError({
      file,
      line: range ? lineOf(range[0]) : firstLine,
      reason: `frontmatter '${key}' ${describeIssue(issue)}`,
      expected: `${key}: ${issue?.message ?? 'a valid value'} (${shape} shape)\n${FRONTMATTER_EXPECTED}`,
      received: found ? truncate(JSON.stringify(value) ?? 'nothing') : 'the key is missing',
      cause: error,
    })
  }
  return frontmatter
}

/** Checks frontmatter data against the shape it looks like. */
function validate(record: Record<string, unknown>): {
  shape: Frontmatter['shape']
  frontmatter?: Frontmatter
  error?: z.ZodError
} {
  const shape = frontmatterShape(record)
  const schema: z.ZodType = shape === 'published' ? PublishedFrontmatter : RevisionFrontmatter
  const result = schema.safeParse(record)
  if (!result.success) return { shape, error: result.error }
  return {
    shape,
    frontmatter:
      shape === 'published'
        ? { shape, data: result.data as PublishedFrontmatter }
        : { shape, data: result.data as RevisionFrontmatter },
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

/** The YAML node at `path`, or the deepest ancestor that exists (for a missing key). */
function nearestNode(doc: ReturnType<typeof parseDocument>, path: (string | number)[]) {
  for (let n = path.length; n >= 0; n--) {
    const sub = path.slice(0, n)
    const node = n === 0 ? doc.contents : doc.getIn(sub, true)
    if (node !== undefined && node !== null) return { node, found: n === path.length }
  }
  return { node: undefined, found: false }
}

function sourceLine(text: string, line: number): string {
  return text.split('\n')[line - 1] ?? ''
}
