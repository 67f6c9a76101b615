/**
 * How a document's prose is read for numbers: which image each statement speaks of, and the
 * sizes, reductions, ranges and targets a sentence states. Several kinds read the same sentence
 * (a "1.21GB → 115MB (90.5% reduction)" is two sizes and a reduction; "880MB (python:3.12)" is a
 * base image's size, not a built one's), so it is read once here, and a number one reading took
 * is not read again by another.
 *
 * Sentences are read where people write them: paragraphs, list items, headings, frontmatter
 * strings, and the lines of an output that is prose rather than a table (an assistant's answer, a
 * summary under "Output:").
 */
import { isDockerfile } from '../../dockerfile/index.js'
import { memoize } from '../../memo.js'
import {
  type FileVersion,
  HAS_PROSE_SIZE,
  type Iteration,
  type Percent,
  PROSE_SIZE_SOURCE,
  type Prose,
  parsePercent,
  parseSize,
  type Size,
} from '../../model/index.js'
import { inReaderSection, sectionAt } from '../../parse/index.js'
import { nameOfImage, repositoryOf, sameImageLoosely } from '../kit/images.js'
import type { Extraction, Reading } from '../kit/index.js'
import { imageNames } from './images.js'
import { imageRows, printerOf } from './outputs.js'

/** One size as prose writes it (see harness/model/units.ts). */
export const SIZE = PROSE_SIZE_SOURCE
const TRANSITION = new RegExp(
  String.raw`(${SIZE})(?:\s+image)?\s*(?:→|->|=>|reduced to|down to|to)\s*(under\s+|below\s+)?(${SIZE})`,
  'g',
)
/** "62% reduction", "62% smaller", "a 90% reduction from the 1.45GB image". */
const REDUCTION = new RegExp(
  String.raw`(?:(\d+(?:\.\d+)?)\s?%|%(\d+(?:\.\d+)?))\s*(?:size\s+)?(?:reduction|smaller|lighter|decrease)(\s+from\s+(?:the\s+)?(?:original|naive|baseline|initial))?(?:\s+from\s+(?:the|a|an|your|our)\s+(${SIZE}))?`,
  'gi',
)
/** "reduce the image by 50%", "cut its size by %50". */
const REDUCED_BY =
  /\b(?:reduc|shrink|shrunk|cut|decreas|trim|slash|shav|lower)\w*\b([^.%]{0,60}?)\bby\s+(?:about\s+|roughly\s+|around\s+|~)?(\d+(?:\.\d+)?\s?%|%\d+(?:\.\d+)?)/gi
const RANGE = /(\d+(?:\.\d+)?)\s*[-–]\s*(\d+(?:\.\d+)?)\s?%|(\d+(?:\.\d+)?)\s?%\s?\+/g
const UNDER = new RegExp(String.raw`\b(?:under|below|less than)\s+(${SIZE})`, 'gi')
/** "185MB (under your 200MB target)": a size and the target it meets, in one statement. */
const WITHIN_TARGET = new RegExp(
  String.raw`(${SIZE})\s*\(\s*(?:under|below|within|less than)\s+(?:the\s+|your\s+|our\s+|a\s+)?(${SIZE})\s+(?:target|limit|goal|budget)\s*\)`,
  'gi',
)
/** What a percentage or a bound can be about other than an image's size. */
const OTHER_MEASURE =
  /vulnerab|\bcves?\b|build[- ]?time|startup|start-up|\bboot|latency|memory|\bram\b|\bcpus?\b|\bcost|\btime\b|seconds|minutes|\bspeed|faster|slower|throughput|bandwidth|attack surface|download|traffic|requests/i
/** Words that say a clause is about an image's size. */
const SIZE_WORD = /\bsize|\bimages?\b|footprint|bloat|smaller|lighter|\bmb\b|\bgb\b|megabytes|disk/i

/**
 * The sentence of a paragraph that holds the text at `index`: what a prose claim quotes, so it
 * is known by its own words, whatever else the paragraph says.
 */
export function sentenceOf(text: string, index: number): string {
  const ends = /[.!?](?=\s+["'`*([]?[A-Z0-9])/g
  let start = 0
  for (const m of text.matchAll(ends)) {
    const end = (m.index ?? 0) + 1
    if (end > index) return text.slice(start, end).trim()
    start = end
  }
  return text.slice(start).trim()
}

/** The clause around `index`: the text between the punctuation that closes it off on either side. */
export function clauseOf(text: string, index: number, length = 0): string {
  const stops = /[,;:()—–]|\s-\s|\.\s/g
  let start = 0
  let end = text.length
  for (const m of text.matchAll(stops)) {
    const at = m.index ?? 0
    if (at < index) start = at + m[0].length
    else if (at >= index + length) {
      end = at
      break
    }
  }
  return text.slice(start, end)
}

/** Whether the percentage or size at `index` is about an image's size, not a build's time or a count. */
export function aboutImageSize(text: string, index: number, length = 0): boolean {
  const clause = clauseOf(text, index, length)
  return !OTHER_MEASURE.test(clause)
}

/** Cheap tests that say which of the costlier patterns can match at all. */
const HAS_PERCENT = /%/

/** A paragraph, list item, heading, frontmatter text or prose output line, with the iteration it speaks of. */
export interface ProseItem {
  prose: Prose
  section: string
  /** The iteration built under the heading (for a heading: the one it introduces). */
  here: Iteration | undefined
  /** A line of a command's output that reads as prose ("Final image: ~400MB → ~180MB"). */
  output?: boolean
}

/** Prose outside the sections where the reader builds their own project. */
export const proseItems: Reading<ProseItem[]> = (x) =>
  x.doc.prose.flatMap((prose) => {
    if (prose.kind !== 'frontmatter' && inReaderSection(x.doc, prose.line)) return []
    const section = prose.kind === 'frontmatter' ? '' : sectionAt(x.doc, prose.line)
    const here =
      prose.kind === 'heading'
        ? x.iterations.inSection(prose.text)
        : x.iterations.inSection(section, prose.line)
    return [{ prose, section, here }]
  })

/**
 * The lines of outputs that are prose, not a printed table or JSON: what an assistant answers,
 * a summary under "**Output:**". Outputs of commands whose rows are read as tables, and build
 * logs, are left to the readings of outputs.
 */
export const outputLines: Reading<ProseItem[]> = (x) => {
  const tabled = new Set(x.doc.tables.filter((t) => t.origin === 'output').map((t) => t.line))
  return x.doc.outputs.flatMap((output) => {
    if (output.json !== undefined || printerOf(output.command) !== '') return []
    const lines = output.text.split('\n')
    const first = output.line + 1
    if (lines.some((_, i) => tabled.has(first + i))) return []
    return lines.flatMap((text, i): ProseItem[] => {
      const line = first + i
      const plain = text.replace(/^\s*(?:[-*•]|\d+[.)])\s+/, '').trim()
      if (plain === '' || (!HAS_PROSE_SIZE.test(plain) && !HAS_PERCENT.test(plain))) return []
      if (inReaderSection(x.doc, line)) return []
      const section = sectionAt(x.doc, line)
      return [
        {
          prose: { line, text: plain, kind: 'list-item' },
          section,
          here: x.iterations.inSection(section, line),
          output: true,
        },
      ]
    })
  })
}

/** Every statement read for numbers: the prose, then the prose lines of outputs. */
export const statements: Reading<ProseItem[]> = (x) => [...x.read(proseItems), ...x.read(outputLines)]

/**
 * What a size speaks of: an iteration the document builds, an image it names but does not build
 * ("the image “simple-rust-app” has a size of 1.42Gb", after a build the shell would reject), or
 * a version of a Dockerfile no build is shown for ("~400MB → ~180MB" right after a new version:
 * the version before and this one).
 */
export type SizeSubject =
  | { kind: 'iteration'; it: Iteration }
  | { kind: 'image'; ref: string }
  | { kind: 'version'; file: FileVersion; ordinal: number }

/** "1.21GB → 115MB", "1.2GB to under 200MB", with a "(90.5% reduction)" right after it. */
export interface Transition {
  from: Size
  to: Size
  /** What the sizes are of; undefined when the document does not say (one image, no versions). */
  fromSubject: SizeSubject | undefined
  toSubject: SizeSubject | undefined
  /** "→ under 200MB": a target for the final image, not its size. */
  under: boolean
  quote: string
  /** The document line the sizes are written on (a paragraph can span several). */
  line: number
  reduction?: { percent: Percent; quote: string }
}

/** "your image is 880MB in size", "our `myapp` is 200+MB", "the original build size of 880 MB". */
export interface ImageStatement {
  size: Size
  subject: SizeSubject
  quote: string
  line: number
}

/** "880MB (python:3.12)", "the Alpine image … small in size (currently under 6 MB)". */
export interface BaseStatement {
  baseImage: string
  size: Size
  quote: string
  line: number
}

/** What one sentence states about sizes and reductions. */
export interface SentenceNumbers {
  item: ProseItem
  /** The image "this" sentence speaks of: the one built here, else the last one. */
  target: Iteration | undefined
  transitions: Transition[]
  /** "70-85%", "70%+" in a sentence about reducing size. */
  ranges: { min: number; max?: number; quote: string; line: number }[]
  /** "62% reduction" not already part of a transition or a range: from which image to which, and the size it starts from when it names one. */
  reductions: {
    percent: Percent
    quote: string
    line: number
    from: SizeSubject
    to: SizeSubject
    fromSize?: Size
  }[]
  /** "under 200MB" not already part of a transition. */
  unders: { size: Size; quote: string; line: number }[]
  /** "185MB (under your 200MB target)": a target and the size that meets it, both written here. */
  within: { size: Size; target: Size; quote: string; line: number }[]
  images: ImageStatement[]
  bases: BaseStatement[]
}

export const sentenceNumbers: Reading<SentenceNumbers[]> = (x) => {
  const out: SentenceNumbers[] = []
  const named: ImageStatement[] = []
  for (const item of x.read(statements).sort((a, b) => a.prose.line - b.prose.line)) {
    if (item.prose.kind === 'heading') continue
    const read = readSentence(x, item, named)
    named.push(...read.images)
    for (const t of read.transitions) {
      if (t.fromSubject) named.push({ size: t.from, subject: t.fromSubject, quote: t.quote, line: t.line })
      if (t.toSubject && !t.under)
        named.push({ size: t.to, subject: t.toSubject, quote: t.quote, line: t.line })
    }
    out.push(read)
  }
  // Within-target statements are self-contained: read in the reader's own sections too.
  for (const prose of x.doc.prose) {
    if (prose.kind === 'heading' || !inReaderSection(x.doc, prose.line)) continue
    const item: ProseItem = { prose, section: sectionAt(x.doc, prose.line), here: undefined }
    const within = withinTargets(prose.text, lineFinder(x, item))
    if (within.length === 0) continue
    out.push({ ...empty(item, undefined), within })
  }
  for (const item of readerOutputLines(x)) {
    const within = withinTargets(item.prose.text, lineFinder(x, item))
    if (within.length > 0) out.push({ ...empty(item, undefined), within })
  }
  return out.sort((a, b) => a.item.prose.line - b.item.prose.line)
}

function empty(item: ProseItem, target: Iteration | undefined): SentenceNumbers {
  return {
    item,
    target,
    transitions: [],
    ranges: [],
    reductions: [],
    unders: [],
    within: [],
    images: [],
    bases: [],
  }
}

/** Prose lines of outputs in the reader's sections (what the reader should see), for self-contained statements. */
function readerOutputLines(x: Extraction): ProseItem[] {
  return x.doc.outputs.flatMap((output) => {
    if (output.json !== undefined || printerOf(output.command) !== '') return []
    return output.text.split('\n').flatMap((text, i): ProseItem[] => {
      const line = output.line + 1 + i
      if (!inReaderSection(x.doc, line) || !HAS_PROSE_SIZE.test(text)) return []
      const plain = text.replace(/^\s*(?:[-*•]|\d+[.)])\s+/, '').trim()
      return [
        {
          prose: { line, text: plain, kind: 'list-item' },
          section: sectionAt(x.doc, line),
          here: undefined,
          output: true,
        },
      ]
    })
  })
}

function withinTargets(text: string, lineAt: (snippet: string) => number): SentenceNumbers['within'] {
  if (!HAS_PROSE_SIZE.test(text)) return []
  return [...text.matchAll(WITHIN_TARGET)].flatMap((m) => {
    const size = parseSize(m[1] ?? '')
    const target = parseSize(m[2] ?? '')
    return size && target
      ? [{ size, target, quote: sentenceOf(text, m.index ?? 0), line: lineAt(m[1] ?? '') }]
      : []
  })
}

/** The lines inside code blocks, fences included: 1 at each such line. */
const blockLines: Reading<Uint8Array> = (x) => {
  const lines = new Uint8Array(x.doc.lines.length + 2)
  for (const b of x.doc.blocks) lines.fill(1, b.line, Math.min(b.endLine + 1, lines.length))
  return lines
}

/**
 * The document line a piece of a statement is written on: a paragraph or list item folds its
 * lines into one text, but a claim belongs at the line that states it.
 */
export function lineFinder(x: Extraction, item: ProseItem): (snippet: string) => number {
  const start = item.prose.line
  if (item.output || item.prose.kind === 'frontmatter' || item.prose.kind === 'heading') return () => start
  const blocks = x.read(blockLines)
  const inBlock = (line: number) => blocks[line] === 1
  const indent = (text: string) => /^\s*/.exec(text)?.[0].length ?? 0
  const first = x.doc.lines[start - 1] ?? ''
  const listItem = /^\s*(?:[-*+]|\d+[.)])\s/.test(first)
  return (snippet) => {
    const wanted = snippet.trim()
    if (wanted === '') return start
    let blank = false
    for (let line = start; line < start + 60 && line <= x.doc.lines.length; line++) {
      const text = x.doc.lines[line - 1] ?? ''
      if (line > start && !inBlock(line)) {
        if (text.trim() === '') {
          // A paragraph ends at a blank line; a list item goes on through its indented lines.
          if (!listItem) break
          blank = true
          continue
        }
        if (listItem && indent(text) <= indent(first) && (blank || /^\s*(?:[-*+]|\d+[.)])\s/.test(text)))
          break
        blank = false
      }
      if (text.includes(wanted) && !inBlock(line)) return line
    }
    return start
  }
}

/** The Dockerfile versions of a document in order, each with its ordinal among its file's versions. */
function versionOrdinal(versions: FileVersion[], version: FileVersion): number {
  return versions.filter((v) => v.name === version.name && v.line <= version.line && !v.alternativeTo).length
}

/** The most recent complete Dockerfile version before a line (alternatives in other tabs aside). */
function currentDockerfile(x: Extraction, line: number): FileVersion | undefined {
  let found: FileVersion | undefined
  for (const v of x.doc.files) {
    if (v.line >= line) break
    if (v.alternativeTo === undefined && isDockerfile(v)) found = v
  }
  return found
}

/**
 * The iteration a statement at a line speaks of when it says "the image": the one built in its
 * section, else the last one built before it.
 */
function currentIteration(x: Extraction, item: ProseItem): Iteration | undefined {
  if (item.here) return item.here
  let found: Iteration | undefined
  for (const it of x.iterations.all) if (it.line < item.prose.line) found = it
  return found
}

function iterationSubject(it: Iteration | undefined): SizeSubject | undefined {
  return it ? { kind: 'iteration', it } : undefined
}

function versionSubject(x: Extraction, file: FileVersion | undefined): SizeSubject | undefined {
  return file ? { kind: 'version', file, ordinal: versionOrdinal(x.doc.files, file) } : undefined
}

/**
 * The subject of a size the document already stated, when a statement names that size as its
 * start ("From 1.42 Gb to 12 Mb" after "“simple-rust-app” … has a size of 1.42Gb"; "a 90%
 * reduction from the 1.45GB image we started with"): an earlier sentence or `docker images` row.
 */
function namedBefore(
  x: Extraction,
  item: ProseItem,
  named: ImageStatement[],
  size: Size,
  not: SizeSubject | undefined,
): SizeSubject | undefined {
  const rows: ImageStatement[] = x
    .read(imageRows)
    .filter((r) => r.line < item.prose.line)
    .map((r) => {
      const it = x.iterations.byTag(r.image)
      return {
        size: r.size,
        subject: it ? { kind: 'iteration', it } : { kind: 'image', ref: r.image },
        quote: '',
        line: r.line,
      }
    })
  for (const s of [...rows, ...named].reverse()) {
    const [lo, hi] = [s.size.bytes - s.size.rounding, s.size.bytes + s.size.rounding]
    if (size.bytes + size.rounding < lo || size.bytes - size.rounding > hi) continue
    if (not && sameSubject(s.subject, not)) continue
    return s.subject
  }
  return undefined
}

/**
 * What "this image" and "the image before" are for a statement. A statement made right after a
 * Dockerfile version that no build shown uses (an assistant's proposal, say) speaks of that
 * version, and of the version it replaces; otherwise of the iteration it is about (`now`) and
 * the document's first (`before`), when they differ.
 */
function speaksOf(
  x: Extraction,
  item: ProseItem,
  now: Iteration | undefined,
): { now: SizeSubject | undefined; before: SizeSubject | undefined } {
  const current = currentDockerfile(x, item.prose.line)
  const lastBuild = x.iterations.all.filter((it) => it.line < item.prose.line).at(-1)
  const unbuilt =
    current !== undefined &&
    item.prose.kind !== 'frontmatter' &&
    current.line > (lastBuild?.line ?? 0) &&
    !x.iterations.all.some((it) => it.files[it.dockerfile]?.line === current.line)
  if (unbuilt) {
    const previous = x.doc.files.find((f) => f.line === current.supersedes)
    return { now: versionSubject(x, current), before: versionSubject(x, previous) }
  }
  if (x.baseline && now && x.baseline !== now)
    return { now: iterationSubject(now), before: iterationSubject(x.baseline) }
  // One image only: "before" is the version its Dockerfile replaced, when the document shows one.
  const built = now?.files[now.dockerfile]
  const previous = built && x.doc.files.find((f) => f.line === built.supersedes)
  const previousBuild =
    previous && x.iterations.all.find((it) => it.files[it.dockerfile]?.line === previous.line)
  return {
    now: iterationSubject(now),
    before: previousBuild ? iterationSubject(previousBuild) : versionSubject(x, previous),
  }
}

/** The claim fields of what a size speaks of, and the short name reductions call it by. */
export function subjectFields(subject: SizeSubject): {
  image?: string
  dockerfile?: string
  version?: { file: string; line: number }
  subject: string
  name: string
} {
  if (subject.kind === 'iteration')
    return {
      image: subject.it.tag,
      dockerfile: subject.it.dockerfile,
      subject: subject.it.tag,
      name: subject.it.name,
    }
  if (subject.kind === 'image')
    return { image: subject.ref, subject: subject.ref, name: nameOfImage(subject.ref) }
  const name = `${subject.file.name} v${subject.ordinal}`
  return { version: { file: subject.file.name, line: subject.file.line }, subject: name, name }
}

export function sameSubject(a: SizeSubject, b: SizeSubject): boolean {
  if (a.kind === 'iteration' && b.kind === 'iteration') return a.it === b.it
  if (a.kind === 'version' && b.kind === 'version') return a.file === b.file
  if (a.kind === 'image' && b.kind === 'image') return sameImageLoosely(a.ref, b.ref)
  return false
}

function readSentence(x: Extraction, item: ProseItem, named: ImageStatement[]): SentenceNumbers {
  const text = item.prose.text
  const here = item.here
  const target = here && here !== x.baseline ? here : x.final
  const out = empty(item, target)
  const sizes = HAS_PROSE_SIZE.test(text)
  const percents = HAS_PERCENT.test(text)
  // Most sentences state no size and no percentage: nothing more to read in them.
  if (!sizes && !percents) return out
  const lineAt = lineFinder(x, item)
  const covered = new Set<number>()
  const near = (at: number) => [...covered].some((c) => Math.abs(c - at) < 3)

  if (sizes) {
    for (const base of baseStatements(x, text)) {
      covered.add(base.at)
      out.bases.push({
        baseImage: base.baseImage,
        size: base.size,
        quote: sentenceOf(text, base.at),
        line: lineAt(base.written),
      })
    }
  }

  const speaks = speaksOf(x, item, target)
  for (const m of sizes ? text.matchAll(TRANSITION) : []) {
    const at = m.index ?? 0
    const from = parseSize(m[1] ?? '')
    const to = parseSize(m[3] ?? '')
    if (!from || !to || near(at) || !aboutImageSize(text, at, m[0].length)) continue
    const toSubject = speaks.now
    const fromSubject = namedBefore(x, item, named, from, toSubject) ?? speaks.before
    // A transition with neither side known, or with both on one image, says nothing checkable.
    if (!toSubject || (fromSubject && sameSubject(fromSubject, toSubject))) continue
    covered.add(at)
    const transition: Transition = {
      from,
      to,
      fromSubject,
      toSubject,
      under: m[2] !== undefined,
      quote: sentenceOf(text, at),
      line: lineAt(m[1] ?? ''),
    }
    out.transitions.push(transition)
    if (transition.under) {
      covered.add(text.indexOf(m[3] ?? '', at))
      continue
    }
    const rest = text.slice(at + m[0].length)
    const pct = /^[^.%]*?\((\d+(?:\.\d+)?\s?%)\s*reduction/i.exec(rest)
    const percent = pct?.[1] ? parsePercent(pct[1]) : undefined
    if (percent) {
      covered.add(at + m[0].length + (pct?.index ?? 0))
      transition.reduction = { percent, quote: transition.quote }
    }
  }

  const ranges = percents ? [...text.matchAll(RANGE)] : []
  if (/reduc|smaller|shrink|bloat/i.test(text) && x.baseline) {
    for (const r of ranges) {
      if (!aboutImageSize(text, r.index ?? 0, r[0].length)) continue
      const min = Number(r[1] ?? r[3])
      const range: SentenceNumbers['ranges'][number] = {
        min,
        quote: sentenceOf(text, r.index ?? 0),
        line: lineAt(r[0]),
      }
      if (r[2] !== undefined) range.max = Number(r[2])
      out.ranges.push(range)
    }
  }
  const inRange = (i: number) =>
    ranges.some((r) => i >= (r.index ?? 0) && i < (r.index ?? 0) + r[0].length + 2)

  const addReduction = (at: number, written: string, fromText?: string) => {
    if (inRange(at) || near(at) || !speaks.now) return
    const percent = parsePercent(written)
    if (!percent) return
    const fromSize = fromText ? parseSize(fromText) : undefined
    const fromSubject = fromSize ? namedBefore(x, item, named, fromSize, speaks.now) : undefined
    const from = fromSubject ?? speaks.before
    // A reduction of an image from itself is no reading of the sentence.
    if (!from || sameSubject(from, speaks.now)) return
    const reduction: SentenceNumbers['reductions'][number] = {
      percent,
      quote: sentenceOf(text, at),
      line: lineAt(written),
      from,
      to: speaks.now,
    }
    if (fromSize) reduction.fromSize = fromSize
    covered.add(at)
    if (fromText) covered.add(text.indexOf(fromText, at))
    out.reductions.push(reduction)
  }
  for (const m of percents ? text.matchAll(REDUCTION) : []) {
    const at = m.index ?? 0
    if (/\+/.test(text.slice(at, at + m[0].length)) || !aboutImageSize(text, at, m[0].length)) continue
    addReduction(at, m[1] !== undefined ? `${m[1]}%` : `%${m[2]}`, m[4])
  }
  for (const m of percents ? text.matchAll(REDUCED_BY) : []) {
    const object = m[1] ?? ''
    const at = (m.index ?? 0) + m[0].length - (m[2] ?? '').length
    // "reduce the image by 50%", not "cut build time by 40%".
    if (!SIZE_WORD.test(object) || OTHER_MEASURE.test(object) || !aboutImageSize(text, at)) continue
    addReduction(at, m[2] ?? '')
  }

  for (const m of sizes ? text.matchAll(UNDER) : []) {
    const size = parseSize(m[1] ?? '')
    const at = (m.index ?? 0) + m[0].indexOf(m[1] ?? '')
    if (!size || !x.final || near(at) || !aboutImageSize(text, m.index ?? 0, m[0].length)) continue
    if (WITHIN_TARGET.test(text)) {
      WITHIN_TARGET.lastIndex = 0
      continue
    }
    out.unders.push({ size, quote: sentenceOf(text, at), line: lineAt(m[1] ?? '') })
  }
  out.within.push(...withinTargets(text, lineAt))
  if (sizes) out.images.push(...imageStatements(x, item, text, near, lineAt))
  return out
}

const LINKERS = String.raw`(?:is|was|has\s+a\s+size\s+of|weighs|comes\s+in\s+at)\s+(?:now\s+|just\s+|only\s+|still\s+)?`
const GENERIC_IMAGE = new RegExp(
  String.raw`\b(?:(original|initial|first|old|naive|starting)\s+|(final|new|resulting|optimi[sz]ed|smaller|multi-stage)\s+)?(?:docker\s+)?(?:image|build)(?:\s+size)?\s+(?:of\s+|${LINKERS})(${SIZE})`,
  'gi',
)

/** The pattern of one named image followed by a size it "is", made once per name. */
const namedImagePattern = memoize(
  (ref: string) =>
    new RegExp(
      String.raw`(?<![\w./:-])(${ref.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')})(?![\w./:-])["”'’]?(?:\s+(?:image|that|we|you|built|just|have)){0,4}\s+${LINKERS}(${SIZE})`,
      'gi',
    ),
  1000,
)

/** "your image is 880MB in size", "our new docker image is around 100MB", "our `myapp` is 200+MB". */
function imageStatements(
  x: Extraction,
  item: ProseItem,
  text: string,
  taken: (at: number) => boolean,
  lineAt: (snippet: string) => number,
): ImageStatement[] {
  const out: ImageStatement[] = []
  // A named image: one the document builds or names in its commands (looked for only where one is written).
  const lower = text.toLowerCase()
  const mentioned = x.read(imageNames).named.filter((n) => lower.includes(n.toLowerCase()))
  for (const m of mentioned.flatMap((n) => [...text.matchAll(namedImagePattern(n))])) {
    const ref = m[1] ?? ''
    const size = parseSize(m[2] ?? '')
    const at = (m.index ?? 0) + m[0].length - (m[2] ?? '').length
    if (!size || taken(at)) continue
    const it = x.iterations.byTag(ref)
    out.push({
      size,
      subject: it ? { kind: 'iteration', it } : { kind: 'image', ref },
      quote: sentenceOf(text, at),
      line: lineAt(m[2] ?? ''),
    })
  }
  for (const m of /\b(?:image|build)\b/i.test(text) ? text.matchAll(GENERIC_IMAGE) : []) {
    const size = parseSize(m[3] ?? '')
    const at = (m.index ?? 0) + m[0].length - (m[3] ?? '').length
    if (!size || taken(at) || out.some((s) => s.size.text === size.text)) continue
    // "the original build size of 880 MB" is the first image; "your image is 880MB" the one built here.
    // Where the document builds one image only, "our first image" is one it does not show.
    const subject = m[1]
      ? x.baseline !== x.final
        ? iterationSubject(x.baseline)
        : undefined
      : speaksOf(x, item, currentIteration(x, item)).now
    if (!subject) continue
    out.push({ size, subject, quote: sentenceOf(text, at), line: lineAt(m[3] ?? '') })
  }
  return out
}

/** An image reference as prose writes one: `python:3.12-slim`, `gcr.io/distroless/python3`. */
const REF = String.raw`(?<![\w./:@-])([a-z0-9][\w.-]*(?:\/[\w.-]+)*(?::[\w.-]+)|[a-z0-9][\w.-]*\/[\w.-]+(?::[\w.-]+)?)(?![\w/:@-])`
/** "the Alpine image": a repository named by a word. */
const WORD = String.raw`\b([A-Za-z][a-z]+)\s+(?:base\s+)?image\b`
const LEAD = String.raw`(?:only\s+|just\s+|currently\s+|now\s+)?`
const BASE_PAREN = new RegExp(String.raw`${REF}\s*\(\s*(?:[^()]*?,\s*)?(${SIZE})\s*\)`, 'g')
const SIZE_PAREN = new RegExp(String.raw`(${SIZE})\s*\(\s*${REF}\s*\)`, 'g')
const BASE_IS = new RegExp(
  String.raw`${REF}\s*(?:\([^)]*\))?\s*,?\s*(?:[—–:]|\s-\s|--|\bis\b|\bweighs\b|\bat\b)\s*${LEAD}(${SIZE})`,
  'g',
)
const BASE_IN_SIZE = new RegExp(
  String.raw`(?:${REF}|${WORD})[^.]{0,80}?\bin\s+size\b\s*\(?\s*(?:currently\s+|now\s+)?(under\s+|below\s+|less\s+than\s+|about\s+|around\s+|over\s+)?(${SIZE})`,
  'gi',
)

/** Where a base image's size is written: next to its name, or in a clause about its size. */
function baseStatements(
  x: Extraction,
  text: string,
): { baseImage: string; size: Size; at: number; written: string }[] {
  const names = x.read(imageNames)
  const out: { baseImage: string; size: Size; at: number; written: string }[] = []
  const add = (baseImage: string, sizeText: string, at: number, bound?: string) => {
    const size = parseSize(sizeText)
    if (!size || out.some((o) => o.at === at)) return
    if (bound && size.bound === undefined) {
      if (/under|below|less/i.test(bound)) size.bound = 'max'
      else if (/over|more|at least/i.test(bound)) size.bound = 'min'
      if (size.bound) size.text = `${bound.trim()} ${size.text}`
    }
    out.push({ baseImage, size, at, written: sizeText })
  }
  const isBase = (ref: string) => {
    const clean = ref.replace(/[.:]$/, '')
    if (
      /^(?:localhost|127\.0\.0\.1|0\.0\.0\.0)(?::|$)|^https?:|hub\.docker\.com|\.(?:md|py|txt|js|ts|go|rs|json|ya?ml)$/i.test(
        clean,
      )
    )
      return undefined
    if (names.built.some((b) => sameImageLoosely(clean, b))) return undefined
    return clean
  }
  const word = (w: string) =>
    names.bases.map((b) => repositoryOf(b)).find((r) => r.split('/').pop() === w.toLowerCase())
  const patterns: [
    RegExp,
    (m: RegExpMatchArray) => [string | undefined, string, number, (string | undefined)?],
  ][] = [
    // python:3.12 (full, 900MB); python:3.12-slim (~150MB)
    [BASE_PAREN, (m) => [isBase(m[1] ?? ''), m[2] ?? '', (m.index ?? 0) + m[0].indexOf(m[2] ?? '')]],
    // 880MB (python:3.12)
    [SIZE_PAREN, (m) => [isBase(m[2] ?? ''), m[1] ?? '', m.index ?? 0]],
    // python:3.12 (full) — ~900MB; python:3.12-slim: 150MB; python:3.12-slim is 126MB
    [
      BASE_IS,
      (m) => [isBase(m[1] ?? ''), m[2] ?? '', (m.index ?? 0) + m[0].indexOf(m[2] ?? '', (m[1] ?? '').length)],
    ],
    // the Alpine image … small in size (currently under 6 MB)
    [
      BASE_IN_SIZE,
      (m) => [
        m[1] ? isBase(m[1]) : word(m[2] ?? ''),
        m[4] ?? '',
        (m.index ?? 0) + m[0].lastIndexOf(m[4] ?? ''),
        m[3],
      ],
    ],
  ]
  const parens = text.includes('(')
  const inSize = /\bin\s+size\b/i.test(text)
  for (const [pattern, read] of patterns) {
    // Cheap tests first: two shapes need a parenthesis, one the words "in size".
    if ((pattern === BASE_PAREN || pattern === SIZE_PAREN) && !parens) continue
    if (pattern === BASE_IN_SIZE && !inSize) continue
    for (const m of text.matchAll(pattern)) {
      const [baseImage, sizeText, at, bound] = read(m)
      if (baseImage) add(baseImage, sizeText, at, bound)
    }
  }
  return out
}
