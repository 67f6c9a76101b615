/**
 * How a document's prose is read for numbers: which iteration each paragraph speaks of, and the
 * sizes, reductions, ranges and targets a sentence states. Several kinds read the same sentence
 * (a "1.21GB → 115MB (90.5% reduction)" is two sizes and a reduction), so it is read once here,
 * and a number one reading took is not read again by another.
 */
import {
  type Iteration,
  type Percent,
  type Prose,
  parsePercent,
  parseSize,
  type Size,
} from '../../model/index.js'
import { isReaderSection, sectionAt } from '../../parse/index.js'
import type { Extraction, Reading } from '../kit/index.js'

export const SIZE = String.raw`(?:~|≈|about\s+|approximately\s+)?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?\s?(?:bytes|[kKMGT]i?B)\b`
const TRANSITION = new RegExp(
  String.raw`(${SIZE})(?:\s+image)?\s*(?:→|->|reduced to|down to|to)\s*(under\s+|below\s+)?(${SIZE})`,
  'g',
)
const REDUCTION =
  /(\d+(?:\.\d+)?)\s?%\s*(?:size\s+)?(?:reduction|smaller)(\s+from\s+(?:the\s+)?(?:original|naive|baseline))?/gi
const RANGE = /(\d+(?:\.\d+)?)\s*[-–]\s*(\d+(?:\.\d+)?)\s?%|(\d+(?:\.\d+)?)\s?%\s?\+/g
const UNDER = new RegExp(String.raw`\b(?:under|below|less than)\s+(${SIZE})`, 'gi')

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

/** Cheap tests that say which of the costlier patterns can match at all. */
const HAS_SIZE = /\d\s?(?:[kKMGT]i?B|bytes)\b/
const HAS_PERCENT = /%/

/** A paragraph, list item, heading or frontmatter text, with the iteration it speaks of. */
export interface ProseItem {
  prose: Prose
  section: string
  /** The iteration built under the heading (for a heading: the one it introduces). */
  here: Iteration | undefined
}

/** Prose outside the sections where the reader builds their own project. */
export const proseItems: Reading<ProseItem[]> = (x) =>
  x.doc.prose.flatMap((prose) => {
    const section = prose.kind === 'frontmatter' ? '' : sectionAt(x.doc, prose.line)
    if (isReaderSection(section)) return []
    const here = x.iterations.inSection(prose.kind === 'heading' ? prose.text : section)
    return [{ prose, section, here }]
  })

/** "1.21GB → 115MB", "1.2GB to under 200MB", with a "(90.5% reduction)" right after it. */
export interface Transition {
  from: Size
  to: Size
  /** "→ under 200MB": a target for the final image, not its size. */
  under: boolean
  quote: string
  reduction?: { percent: Percent; quote: string }
}

/** What one sentence states about sizes and reductions. */
export interface SentenceNumbers {
  item: ProseItem
  /** The image "this" sentence speaks of: the one built here, else the last one. */
  target: Iteration | undefined
  transitions: Transition[]
  /** "70-85%", "70%+" in a sentence about reducing size. */
  ranges: { min: number; max?: number; quote: string }[]
  /** "62% reduction" not already part of a transition or a range. */
  reductions: { percent: Percent; quote: string }[]
  /** "under 200MB" not already part of a transition. */
  unders: { size: Size; quote: string }[]
}

export const sentenceNumbers: Reading<SentenceNumbers[]> = (x) =>
  x
    .read(proseItems)
    .filter((item) => item.prose.kind !== 'heading')
    .map((item) => readSentence(x, item))

function readSentence(x: Extraction, item: ProseItem): SentenceNumbers {
  const text = item.prose.text
  const here = item.here
  const target = here && here !== x.baseline ? here : x.final
  const out: SentenceNumbers = { item, target, transitions: [], ranges: [], reductions: [], unders: [] }
  const covered = new Set<number>()
  const sizes = HAS_SIZE.test(text)
  const percents = HAS_PERCENT.test(text)

  for (const m of sizes ? text.matchAll(TRANSITION) : []) {
    const from = parseSize(m[1] ?? '')
    const to = parseSize(m[3] ?? '')
    if (!from || !to || !x.baseline || !target) continue
    covered.add(m.index ?? 0)
    const transition: Transition = {
      from,
      to,
      under: m[2] !== undefined,
      quote: sentenceOf(text, m.index ?? 0),
    }
    out.transitions.push(transition)
    if (transition.under) {
      covered.add(text.indexOf(m[3] ?? '', m.index))
      continue
    }
    const rest = text.slice((m.index ?? 0) + m[0].length)
    const pct = /^[^.%]*?\((\d+(?:\.\d+)?\s?%)\s*reduction/i.exec(rest)
    const percent = pct?.[1] ? parsePercent(pct[1]) : undefined
    if (percent) {
      covered.add((m.index ?? 0) + m[0].length + (pct?.index ?? 0))
      transition.reduction = { percent, quote: transition.quote }
    }
  }

  const ranges = percents ? [...text.matchAll(RANGE)] : []
  if (/reduc|smaller|shrink|bloat/i.test(text) && x.baseline) {
    for (const r of ranges) {
      const min = Number(r[1] ?? r[3])
      const range: SentenceNumbers['ranges'][number] = { min, quote: sentenceOf(text, r.index ?? 0) }
      if (r[2] !== undefined) range.max = Number(r[2])
      out.ranges.push(range)
    }
  }
  const inRange = (i: number) =>
    ranges.some((r) => i >= (r.index ?? 0) && i < (r.index ?? 0) + r[0].length + 2)
  const near = (at: number) => [...covered].some((c) => Math.abs(c - at) < 3)

  for (const m of percents ? text.matchAll(REDUCTION) : []) {
    const at = m.index ?? 0
    if (inRange(at) || near(at) || !x.baseline || !target) continue
    if (/\+/.test(text.slice(at, at + m[0].length))) continue
    const percent = parsePercent(m[0])
    if (percent) out.reductions.push({ percent, quote: sentenceOf(text, at) })
  }

  for (const m of sizes ? text.matchAll(UNDER) : []) {
    const size = parseSize(m[1] ?? '')
    const at = (m.index ?? 0) + m[0].indexOf(m[1] ?? '')
    if (!size || !x.final || near(at)) continue
    out.unders.push({ size, quote: sentenceOf(text, at) })
  }
  return out
}
