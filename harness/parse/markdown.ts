import type { Code, Heading as MdHeading, Table as MdTable, Nodes, Parent, Root } from 'mdast'
import { toString as mdToString } from 'mdast-util-to-string'
import remarkFrontmatter from 'remark-frontmatter'
import remarkGfm from 'remark-gfm'
import remarkParse from 'remark-parse'
import { unified } from 'unified'
import { LessonError } from '../errors.js'
import type { Heading, Prose, Table } from '../model/index.js'

const processor = unified().use(remarkParse).use(remarkGfm).use(remarkFrontmatter, ['yaml'])

/** A fenced block as remark saw it, with the paragraph just before it. */
export interface RawBlock {
  line: number
  endLine: number
  lang: string
  meta: string
  value: string
  /** The paragraph right before the block (same parent), as plain text and as Markdown source. */
  lead: string
  leadSource: string
  leadLine: number
  section: string
}

/** The Markdown structure of a document, in document order. */
export interface MarkdownParts {
  yaml?: { value: string; line: number; endLine: number }
  headings: Heading[]
  prose: Prose[]
  blocks: RawBlock[]
  tables: Table[]
}

/** Plain text of a node, line breaks folded (`**Bold** \`code\`` → `Bold code`). */
export function plain(node: Nodes): string {
  return mdToString(node)
    .replace(/\s*\n\s*/g, ' ')
    .trim()
}

/** Parses Markdown with GFM tables and YAML frontmatter; positions are the file's lines. */
export function parseMarkdown(file: string, text: string): MarkdownParts {
  const root = processor.parse(text) as Root
  const lines = text.split('\n')
  const parts: MarkdownParts = { headings: [], prose: [], blocks: [], tables: [] }
  let section = ''

  const first = root.children[0]
  if (first?.type === 'yaml') {
    parts.yaml = { value: first.value, line: startLine(first), endLine: endLine(first) }
  } else if (/^---[ \t]*$/.test(lines[0] ?? '') && /^\s*[\w-]+\s*:/.test(lines[1] ?? '')) {
    throw new LessonError({
      file,
      line: 1,
      reason: 'frontmatter opened with `---` at line 1 is never closed',
      expected: 'a second `---` line after the YAML keys',
      received: `no closing \`---\` before the end of the file (${lines.length} lines)`,
    })
  }

  const walk = (parent: Parent, inList: boolean) => {
    parent.children.forEach((node, index) => {
      switch (node.type) {
        case 'heading': {
          section = plain(node)
          const heading = { line: startLine(node), depth: (node as MdHeading).depth, text: section }
          parts.headings.push(heading)
          parts.prose.push({ line: heading.line, text: section, kind: 'heading' })
          break
        }
        case 'paragraph':
          if (!inList) parts.prose.push({ line: startLine(node), text: plain(node), kind: 'paragraph' })
          break
        case 'listItem':
          parts.prose.push({ line: startLine(node), text: listItemText(node), kind: 'list-item' })
          walk(node, true)
          break
        case 'list':
        case 'blockquote':
          walk(node, inList)
          break
        case 'table':
          parts.tables.push(table(node as MdTable, section))
          break
        case 'code': {
          const prev = parent.children[index - 1]
          const lead = prev?.type === 'paragraph' ? prev : undefined
          parts.blocks.push(block(file, node as Code, lines, section, lead))
          break
        }
        default:
          break
      }
    })
  }
  walk(root, false)
  return parts
}

function listItemText(node: Parent): string {
  return node.children
    .filter((c) => c.type === 'paragraph')
    .map((c) => plain(c))
    .join(' ')
}

function table(node: MdTable, section: string): Table {
  const [head, ...rows] = node.children
  return {
    line: startLine(node),
    origin: 'markdown',
    header: head ? head.children.map((c) => plain(c)) : [],
    rows: rows.map((r) => ({ line: startLine(r), cells: r.children.map((c) => plain(c)) })),
    section,
  }
}

const FENCE = /^\s{0,3}(`{3,}|~{3,})/

function block(
  file: string,
  node: Code,
  lines: string[],
  section: string,
  lead: Nodes | undefined,
): RawBlock {
  const line = startLine(node)
  const end = endLine(node)
  const open = FENCE.exec(lines[line - 1] ?? '')
  if (open) {
    const fence = open[1] ?? '```'
    const last = (lines[end - 1] ?? '').trim()
    const closed =
      end > line && last.startsWith(fence[0]?.repeat(fence.length) ?? fence) && /^[`~]+$/.test(last)
    if (!closed) {
      throw new LessonError({
        file,
        line,
        reason: `code fence ${fence} opened at line ${line} is never closed`,
        expected: `a closing ${fence} line after the block's content`,
        received: `the block runs to the end of the file (line ${lines.length})`,
      })
    }
  }
  const leadLine = lead ? startLine(lead) : line
  const leadSource = lead ? lines.slice(leadLine - 1, endLine(lead)).join('\n') : ''
  return {
    line,
    endLine: end,
    lang: (node.lang ?? '').toLowerCase(),
    meta: node.meta ?? '',
    value: node.value,
    lead: lead ? plain(lead) : '',
    leadSource,
    leadLine,
    section,
  }
}

function startLine(node: Nodes): number {
  return node.position?.start.line ?? 1
}

function endLine(node: Nodes): number {
  return node.position?.end.line ?? startLine(node)
}
