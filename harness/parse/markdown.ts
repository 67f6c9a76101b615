import MarkdownIt from 'markdown-it'
import type Token from 'markdown-it/lib/token.mjs'
import type { DocumentProblem, Heading, Prose, Table } from '../model/index.js'

// markdown-it, not remark: on the course's lessons it parses about twelve times faster
// (measured: 12 ms against 166 ms a lesson), which is what lets 1,000 lessons verify in seconds.
// Frontmatter and site-generator syntax are blanked out before it sees the text (frontmatter.ts,
// readthrough.ts), so every line keeps its number.
const md = new MarkdownIt('commonmark').enable('table')

/** A paragraph as the text just before a block: plain text, Markdown source and first line. */
export interface Lead {
  text: string
  source: string
  line: number
}

/** A fenced (or indented) block as the parser saw it, with the paragraphs just before it. */
export interface RawBlock {
  line: number
  endLine: number
  /** The info string's language, normalised: lower-case, `{}` and a leading `.` dropped. */
  lang: string
  /** The info string as written, trimmed. */
  info: string
  /** `key=value` attributes of the info string (`{title=Dockerfile}`, `title="x"`, `lang:name`). */
  attributes: Record<string, string>
  value: string
  /** The paragraph right before the block (same parent), as plain text and as Markdown source. */
  lead: string
  leadSource: string
  leadLine: number
  /** The paragraph before the lead, when nothing else stands between them ("**File: X**", "(Same as Lesson 3)"). */
  earlier?: Lead
  /** The heading right before the block, when no paragraph stands between them. */
  heading?: string
  /** The block follows another block with no prose between them. */
  adjacent: boolean
  /** The fence is never closed: the block runs to the end of the file. */
  unclosed: boolean
  section: string
}

/** Inline code in prose that may be a command to run: "Run `docker build -t x .`". */
export interface CodeSpan {
  line: number
  code: string
  /** Plain text of the sentence before the span. */
  before: string
  /** The span is the whole paragraph. */
  alone: boolean
}

/** The Markdown structure of a document, in document order. */
export interface MarkdownParts {
  headings: Pick<Heading, 'line' | 'depth' | 'text'>[]
  prose: Prose[]
  blocks: RawBlock[]
  tables: Table[]
  spans: CodeSpan[]
  problems: DocumentProblem[]
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

/** A span that may hold a command: it starts with a word, a path or a prompt, and has an argument. */
const COMMAND_LIKE = /^(?:\$\s+)?[A-Za-z.~/][\w.~/-]*\s+\S/

/**
 * Parses Markdown (CommonMark and tables). `lines` are what the parser reads (frontmatter and
 * site syntax blanked), `original` the file's own lines, for label sources and problems.
 */
export function parseMarkdown(lines: string[], original: string[] = lines): MarkdownParts {
  const tokens = md.parse(lines.join('\n'), {})
  const parts: MarkdownParts = { headings: [], prose: [], blocks: [], tables: [], spans: [], problems: [] }
  let section = ''

  // The paragraphs that closed last at each nesting level, until another block follows them.
  const paragraphs = new Map<number, { inline: Token; open: Token }[]>()
  const headingAt = new Map<number, string>()
  const blockAt = new Set<number>()
  const reset = (level: number) => {
    paragraphs.delete(level)
    headingAt.delete(level)
    blockAt.delete(level)
  }
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
        reset(token.level)
        headingAt.set(token.level, section)
        break
      }
      case 'paragraph_open': {
        const inline = tokens[i + 1] as Token
        const text = plain(inline)
        if (listDepth === 0) parts.prose.push({ line: first(token), text, kind: 'paragraph' })
        else if (item && token.level === item.level + 1) item.texts.push(text)
        if (inline.content.includes('`')) spans(parts.spans, inline, first(token), text)
        const before = paragraphs.get(token.level) ?? []
        headingAt.delete(token.level)
        blockAt.delete(token.level)
        paragraphs.set(token.level, [...before.slice(-1), { inline, open: token }])
        i += 2
        break
      }
      case 'list_item_open':
        listDepth++
        item = { line: first(token), texts: [], level: token.level }
        items.push(item)
        reset(token.level)
        break
      case 'list_item_close':
        listDepth--
        item = undefined
        break
      case 'table_open':
        parts.tables.push(table(tokens, i, section))
        reset(token.level)
        break
      case 'fence':
      case 'code_block': {
        const before = paragraphs.get(token.level) ?? []
        const raw = block(
          token,
          original,
          section,
          before.at(-1),
          before.length === 2 ? before[0] : undefined,
          headingAt.get(token.level),
          blockAt.has(token.level),
        )
        if (raw.unclosed) {
          const fence = /^\s*(`{3,}|~{3,})/.exec(original[raw.line - 1] ?? '')?.[1] ?? '```'
          parts.problems.push({
            line: raw.line,
            code: 'unclosed-fence',
            message: `code fence ${fence} opened at line ${raw.line} is never closed`,
            expected: `a closing ${fence} line after the block's content`,
            received: `the block runs to the end of the file (line ${original.length})`,
          })
        }
        parts.blocks.push(raw)
        reset(token.level)
        blockAt.add(token.level)
        break
      }
      default:
        if (token.block && token.nesting !== -1 && token.type !== 'paragraph_close') reset(token.level)
        break
    }
  }
  for (const it of items) parts.prose.push({ line: it.line, text: it.texts.join(' '), kind: 'list-item' })
  parts.prose.sort((a, b) => a.line - b.line)
  return parts
}

/** Inline code spans of a paragraph that look like commands, with the sentence before each. */
function spans(out: CodeSpan[], inline: Token, line: number, whole: string): void {
  let offset = 0
  let before = ''
  for (const child of inline.children ?? []) {
    if (child.type === 'softbreak' || child.type === 'hardbreak') {
      offset++
      before += ' '
    } else if (child.type === 'code_inline') {
      if (COMMAND_LIKE.test(child.content)) {
        const sentence = before.split(/(?<=[.!?])\s+/).at(-1) ?? ''
        out.push({
          line: line + offset,
          code: child.content,
          before: sentence.trim(),
          alone: whole === child.content,
        })
      }
      before += child.content
    } else if (child.type === 'text' || child.type === 'html_inline') before += child.content
  }
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

const FENCE = /^\s{0,3}(?:>\s*)*(`{3,}|~{3,})/

/** An info string's language and attributes: `dockerfile {collapse=true,title=Dockerfile}` → dockerfile, {collapse, title}. */
export function infoString(info: string): { lang: string; attributes: Record<string, string> } {
  const attributes: Record<string, string> = {}
  const trimmed = info.trim()
  let word = /^[^\s{]+/.exec(trimmed)?.[0] ?? ''
  let rest = trimmed.slice(word.length)
  if (word === '' && trimmed.startsWith('{')) {
    // `{.term1}` or `{.bash title="x"}`: the first class is the language.
    const inner = /^\{([^}]*)\}/.exec(trimmed)?.[1] ?? ''
    word = /^\.?([\w+-]+)/.exec(inner.trim())?.[1] ?? ''
    rest = inner.replace(/^\s*\.?[\w+-]+/, '') + trimmed.slice((inner.length ?? 0) + 2)
  }
  const named = /^([\w+.-]+):([\w./-]+)$/.exec(word)
  if (named && /\.|Dockerfile|Containerfile/i.test(named[2] ?? '')) {
    word = named[1] ?? word
    attributes.title = named[2] ?? ''
  }
  const lang = word
    .replace(/^\./, '')
    .replace(/^language-/, '')
    .toLowerCase()
  for (const m of rest.matchAll(/([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s,}]+))/g)) {
    attributes[(m[1] ?? '').toLowerCase()] = m[2] ?? m[3] ?? m[4] ?? ''
  }
  return { lang, attributes }
}

function lead(p: { inline: Token; open: Token }, lines: string[]): Lead {
  const line = first(p.open)
  const end = p.open.map?.[1] ?? line
  return { text: plain(p.inline), source: lines.slice(line - 1, end).join('\n'), line }
}

function block(
  token: Token,
  lines: string[],
  section: string,
  before: { inline: Token; open: Token } | undefined,
  earlier: { inline: Token; open: Token } | undefined,
  heading: string | undefined,
  adjacent: boolean,
): RawBlock {
  const line = first(token)
  let end = token.map?.[1] ?? line
  let unclosed = false
  const open = FENCE.exec(lines[line - 1] ?? '')
  if (token.type === 'fence' && open) {
    const fence = open[1] ?? '```'
    const last = (lines[end - 1] ?? '').replace(/^\s*(?:>\s*)*/, '').trim()
    unclosed = !(end > line && last.startsWith(fence.slice(0, 3)) && /^[`~]+$/.test(last))
  } else {
    end = Math.max(line, end)
  }
  const { lang, attributes } = infoString(token.info)
  const immediate = before ? lead(before, lines) : undefined
  const raw: RawBlock = {
    line,
    endLine: end,
    lang,
    info: token.info.trim(),
    attributes,
    value: token.content.replace(/\n$/, ''),
    lead: immediate?.text ?? '',
    leadSource: immediate?.source ?? '',
    leadLine: immediate?.line ?? line,
    adjacent,
    unclosed,
    section,
  }
  if (earlier) raw.earlier = lead(earlier, lines)
  if (heading !== undefined && !immediate) raw.heading = heading
  return raw
}
