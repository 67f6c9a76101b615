import MarkdownIt from 'markdown-it'
import type Token from 'markdown-it/lib/token.mjs'
import frontMatter from 'markdown-it-front-matter'
import { DocumentError } from '../errors.js'
import type { Heading, Prose, Table } from '../model/index.js'

// markdown-it, not remark: on the course's lessons it parses about twelve times faster
// (measured: 12 ms against 166 ms a lesson), which is what lets 1,000 lessons verify in seconds.
const md = new MarkdownIt('commonmark').enable('table').use(frontMatter, () => {})

/** A fenced block as the parser saw it, with the paragraph just before it. */
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

/** Plain text of an inline token: markup dropped, code kept, line breaks folded (`**Bold** \`x\`` → `Bold x`). */
export function plain(inline: Token | undefined): string {
  let text = ''
  for (const child of inline?.children ?? []) {
    if (child.type === 'text' || child.type === 'code_inline' || child.type === 'html_inline')
      text += child.content
    else if (child.type === 'softbreak' || child.type === 'hardbreak') text += ' '
    else if (child.type === 'image') text += child.content
  }
  return text.replace(/\s*\n\s*/g, ' ').trim()
}

/** 1-based first line of a block token. */
const first = (token: Token | undefined) => (token?.map?.[0] ?? 0) + 1

/** Parses Markdown (CommonMark, tables, YAML frontmatter); lines are the file's lines. */
export function parseMarkdown(file: string, text: string): MarkdownParts {
  const tokens = md.parse(text, {})
  const lines = text.split('\n')
  const parts: MarkdownParts = { headings: [], prose: [], blocks: [], tables: [] }
  let section = ''

  const head = tokens[0]
  const closed =
    head?.type === 'front_matter' && /^(---|\.\.\.)\s*$/.test(lines[(head.map?.[1] ?? 1) - 1] ?? '')
  if (head?.type === 'front_matter' && closed) {
    parts.yaml = { value: head.meta as string, line: first(head), endLine: head.map?.[1] ?? 1 }
  } else if (/^---[ \t]*$/.test(lines[0] ?? '') && /^\s*[\w-]+\s*:/.test(lines[1] ?? '')) {
    throw new DocumentError({
      file,
      line: 1,
      reason: 'frontmatter opened with `---` at line 1 is never closed',
      expected: 'a second `---` line after the YAML keys',
      received: `no closing \`---\` before the end of the file (${lines.length} lines)`,
    })
  }

  // The paragraph that closed last at each nesting level, until another block follows it.
  const lastParagraph = new Map<number, { inline: Token; open: Token }>()
  let listDepth = 0
  let item: { line: number; texts: string[]; level: number } | undefined
  const items: { line: number; texts: string[]; level: number }[] = []

  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token
    switch (token.type) {
      case 'heading_open': {
        section = plain(tokens[i + 1])
        const heading = { line: first(token), depth: Number(token.tag.slice(1)), text: section }
        parts.headings.push(heading)
        parts.prose.push({ line: heading.line, text: section, kind: 'heading' })
        lastParagraph.delete(token.level)
        break
      }
      case 'paragraph_open': {
        const inline = tokens[i + 1] as Token
        if (listDepth === 0) parts.prose.push({ line: first(token), text: plain(inline), kind: 'paragraph' })
        else if (item && token.level === item.level + 1) item.texts.push(plain(inline))
        lastParagraph.set(token.level, { inline, open: token })
        i += 2
        break
      }
      case 'list_item_open':
        listDepth++
        item = { line: first(token), texts: [], level: token.level }
        items.push(item)
        lastParagraph.delete(token.level)
        break
      case 'list_item_close':
        listDepth--
        item = undefined
        break
      case 'table_open':
        parts.tables.push(table(tokens, i, section))
        lastParagraph.delete(token.level)
        break
      case 'fence':
      case 'code_block': {
        const lead = lastParagraph.get(token.level)
        parts.blocks.push(block(file, token, lines, section, lead))
        lastParagraph.delete(token.level)
        break
      }
      default:
        if (token.block && token.nesting !== -1 && token.type !== 'paragraph_close')
          lastParagraph.delete(token.level)
        break
    }
  }
  for (const it of items) parts.prose.push({ line: it.line, text: it.texts.join(' '), kind: 'list-item' })
  parts.prose.sort((a, b) => a.line - b.line)
  return parts
}

function table(tokens: Token[], start: number, section: string): Table {
  const header: string[] = []
  const rows: { line: number; cells: string[] }[] = []
  let row: { line: number; cells: string[] } | undefined
  let inHead = false
  for (let i = start + 1; i < tokens.length; i++) {
    const t = tokens[i] as Token
    if (t.type === 'table_close') break
    if (t.type === 'thead_open') inHead = true
    else if (t.type === 'thead_close') inHead = false
    else if (t.type === 'tr_open' && !inHead) {
      row = { line: first(t), cells: [] }
      rows.push(row)
    } else if (t.type === 'inline') {
      if (inHead) header.push(plain(t))
      else row?.cells.push(plain(t))
    }
  }
  return { line: first(tokens[start]), origin: 'markdown', header, rows, section }
}

const FENCE = /^\s{0,3}(`{3,}|~{3,})/

function block(
  file: string,
  token: Token,
  lines: string[],
  section: string,
  lead: { inline: Token; open: Token } | undefined,
): RawBlock {
  const line = first(token)
  let end = token.map?.[1] ?? line
  const open = FENCE.exec(lines[line - 1] ?? '')
  if (token.type === 'fence' && open) {
    const fence = open[1] ?? '```'
    const last = (lines[end - 1] ?? '').trim()
    const closed = end > line && last.startsWith(fence) && /^[`~]+$/.test(last)
    if (!closed) {
      throw new DocumentError({
        file,
        line,
        reason: `code fence ${fence} opened at line ${line} is never closed`,
        expected: `a closing ${fence} line after the block's content`,
        received: `the block runs to the end of the file (line ${lines.length})`,
      })
    }
  } else {
    end = Math.max(line, end)
  }
  const leadLine = lead ? first(lead.open) : line
  const leadEnd = lead?.open.map?.[1] ?? leadLine
  return {
    line,
    endLine: end,
    lang: (token.info.trim().split(/\s+/)[0] ?? '').toLowerCase(),
    meta: token.info.trim().split(/\s+/).slice(1).join(' '),
    value: token.content.replace(/\n$/, ''),
    lead: lead ? plain(lead.inline) : '',
    leadSource: lead ? lines.slice(leadLine - 1, leadEnd).join('\n') : '',
    leadLine,
    section,
  }
}
