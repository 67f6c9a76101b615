import type { Iteration, Prose } from '../model/index.js'
import { isReaderSection, sectionAt } from '../parse/index.js'
import type { Extraction } from './context.js'
import { iterationInSection, matchIteration } from './iterations.js'
import { parsePercent, parseSize } from './size.js'

const SIZE = String.raw`(?:~|≈|about\s+|approximately\s+)?\d+(?:\.\d+)?\s?(?:bytes|[kKMGT]i?B)\b`
const TRANSITION = new RegExp(
  String.raw`(${SIZE})(?:\s+image)?\s*(?:→|->|reduced to|down to|to)\s*(under\s+|below\s+)?(${SIZE})`,
  'g',
)
const REDUCTION =
  /(\d+(?:\.\d+)?)\s?%\s*(?:size\s+)?(?:reduction|smaller)(\s+from\s+(?:the\s+)?(?:original|naive|baseline))?/gi
const RANGE = /(\d+(?:\.\d+)?)\s*[-–]\s*(\d+(?:\.\d+)?)\s?%|(\d+(?:\.\d+)?)\s?%\s?\+/g
const UNDER = new RegExp(String.raw`\b(?:under|below|less than)\s+(${SIZE})`, 'gi')
const BASE_IMAGE = new RegExp(String.raw`\b((?:python|distroless/python)[\w:./-]*)[^.;]{0,30}?(${SIZE})`, 'g')
const SPEEDUP = /(\d+(?:\.\d+)?)(?:\s*[-–]\s*(\d+(?:\.\d+)?))?\s*x\s+faster\s+than\s+([\w-]+)/gi
const VERSUS =
  /\b(uv|pip)\b[^.]*?\bin\s+(\d+(?:\.\d+)?)\s*s(?:econds?)?\s+vs\.?\s+(uv|pip)(?:'s)?\s+(\d+(?:\.\d+)?)(\+)?\s*s(?:econds?)?/gi
const TOOL = /\b(uv|pip|poetry|pdm|conda|npm|pnpm|yarn|bun)\b/gi
const HAS_NO = /\b(?:has|have|contains?)\s+no\s+(.+?)(?:---|—|\.(?:\s|$)|$)/gi
const NOT_INCLUDE = /\bdoes\s+not\s+include\s+(.+?)(?:---|—|\.(?:\s|$)|$)/gi

/** Claims in headings, paragraphs, list items and frontmatter text. */
export function proseClaims(x: Extraction): void {
  for (const prose of x.doc.prose) {
    const section = prose.kind === 'frontmatter' ? '' : sectionAt(x.doc, prose.line)
    if (isReaderSection(section)) continue
    const here =
      prose.kind === 'heading'
        ? iterationInSection(prose.text, x.iterations)
        : iterationInSection(section, x.iterations)
    if (prose.kind === 'heading') headingClaims(x, prose, here)
    else sentenceClaims(x, prose, here)
  }
}

function headingClaims(x: Extraction, prose: Prose, it: Iteration | undefined): void {
  const m = new RegExp(String.raw`\((${SIZE})\)`).exec(prose.text)
  const size = m?.[1] ? parseSize(m[1]) : undefined
  if (size && it) {
    x.add({
      kind: 'image-size',
      line: prose.line,
      title: `${it.tag} is ${size.text} (heading)`,
      ...x.about(it),
      size,
      origin: 'heading',
    })
  }
  if (it && /multi-?stage/i.test(prose.text)) {
    x.add({
      kind: 'practice',
      line: prose.line,
      title: `${it.dockerfile} is a multi-stage build`,
      ...x.about(it),
      practice: 'multi-stage',
    })
  }
}

/** Cheap tests that say which of the costlier patterns can match at all. */
const HAS_SIZE = /\d\s?(?:[kKMGT]i?B|bytes)\b/
const HAS_PERCENT = /%/

function sentenceClaims(x: Extraction, prose: Prose, here: Iteration | undefined): void {
  const text = prose.text
  const target = here && here !== x.baseline ? here : x.final
  const covered = new Set<number>()
  const sizes = HAS_SIZE.test(text)
  const percents = HAS_PERCENT.test(text)

  for (const m of sizes ? text.matchAll(TRANSITION) : []) {
    const from = parseSize(m[1] ?? '')
    const to = parseSize(m[3] ?? '')
    if (!from || !to || !x.baseline || !target) continue
    covered.add(m.index ?? 0)
    x.add({
      kind: 'image-size',
      line: prose.line,
      title: `${x.baseline.tag} is ${from.text} (prose)`,
      ...x.about(x.baseline),
      size: from,
      origin: 'prose',
    })
    if (m[2]) {
      x.add({
        kind: 'target',
        line: prose.line,
        title: `${target.tag} is under ${to.text}`,
        ...x.about(target),
        measure: 'size',
        max: to.bytes + to.rounding,
      })
      covered.add(text.indexOf(m[3] ?? '', m.index))
      continue
    }
    x.add({
      kind: 'image-size',
      line: prose.line,
      title: `${target.tag} is ${to.text} (prose)`,
      ...x.about(target),
      size: to,
      origin: 'prose',
    })
    const rest = text.slice((m.index ?? 0) + m[0].length)
    const pct = /^[^.%]*?\((\d+(?:\.\d+)?\s?%)\s*reduction/i.exec(rest)
    const percent = pct?.[1] ? parsePercent(pct[1]) : undefined
    if (percent) {
      covered.add((m.index ?? 0) + m[0].length + (pct?.index ?? 0))
      x.add({
        kind: 'reduction',
        line: prose.line,
        title: `${x.baseline.name} → ${target.name} reduction is ${percent.text} (prose)`,
        ...x.about(target),
        percent,
        from: x.baseline.name,
        to: target.name,
        fromSize: { line: prose.line, size: from },
        toSize: { line: prose.line, size: to },
      })
    }
  }

  const ranges = percents ? [...text.matchAll(RANGE)] : []
  const reductionWords = /reduc|smaller|shrink|bloat/i.test(text)
  if (reductionWords && x.baseline) {
    for (const r of ranges) {
      const named = /from\s+naive\s+to\s+([\w-]+)/i.exec(text)?.[1]
      const to = (named ? matchIteration(named, x.iterations) : undefined) ?? x.final
      if (!to) continue
      const min = Number(r[1] ?? r[3])
      const max = r[2] === undefined ? undefined : Number(r[2])
      const what = max === undefined ? `${min}%+` : `${min}-${max}%`
      x.add({
        kind: 'target',
        line: prose.line,
        title: `${x.baseline.name} → ${to.name} reduction is ${what}`,
        ...x.about(to),
        measure: 'reduction',
        min: min - 0.5,
        ...(max === undefined ? {} : { max: max + 0.5 }),
      })
    }
  }
  const inRange = (i: number) =>
    ranges.some((r) => i >= (r.index ?? 0) && i < (r.index ?? 0) + r[0].length + 2)

  for (const m of percents ? text.matchAll(REDUCTION) : []) {
    const at = m.index ?? 0
    if (inRange(at) || [...covered].some((c) => Math.abs(c - at) < 3) || !x.baseline || !target) continue
    if (/\+/.test(text.slice(at, at + m[0].length))) continue
    const percent = parsePercent(m[0])
    if (!percent) continue
    x.add({
      kind: 'reduction',
      line: prose.line,
      title: `${x.baseline.name} → ${target.name} reduction is ${percent.text} (prose)`,
      ...x.about(target),
      percent,
      from: x.baseline.name,
      to: target.name,
    })
  }

  for (const m of sizes ? text.matchAll(UNDER) : []) {
    const size = parseSize(m[1] ?? '')
    const at = (m.index ?? 0) + m[0].indexOf(m[1] ?? '')
    if (!size || !x.final || [...covered].some((c) => Math.abs(c - at) < 3)) continue
    x.add({
      kind: 'target',
      line: prose.line,
      title: `${x.final.tag} is under ${size.text}`,
      ...x.about(x.final),
      measure: 'size',
      max: size.bytes + size.rounding,
    })
  }

  for (const m of sizes ? text.matchAll(BASE_IMAGE) : []) {
    const size = parseSize(m[2] ?? '')
    const baseImage = (m[1] ?? '').replace(/[.:]$/, '')
    if (!size || (!baseImage.includes(':') && !baseImage.includes('/'))) continue
    x.add({
      kind: 'base-image-size',
      line: prose.line,
      title: `base image ${baseImage} is ${size.text}`,
      baseImage,
      size,
    })
  }

  timingClaims(x, prose, here)
  contentsClaims(x, prose, here)
  practiceClaims(x, prose, here)
}

function timingClaims(x: Extraction, prose: Prose, here: Iteration | undefined): void {
  const text = prose.text
  if (!/faster|\bvs\b/i.test(text)) return
  for (const m of text.matchAll(SPEEDUP)) {
    const before = [...text.slice(0, m.index).matchAll(TOOL)].at(-1)?.[1]?.toLowerCase() ?? 'it'
    const min = Number(m[1])
    const max = m[2] === undefined ? undefined : Number(m[2])
    const slower = (m[3] ?? '').toLowerCase()
    x.add({
      kind: 'speedup',
      line: prose.line,
      title: `${before} is ${max === undefined ? min : `${min}-${max}`}x faster than ${slower}`,
      ...x.about(here),
      faster: before,
      slower,
      minFactor: min,
      ...(max === undefined ? {} : { maxFactor: max }),
    })
  }
  for (const m of text.matchAll(VERSUS)) {
    const [, fast = '', fastS = '0', slow = '', slowS = '0', plus] = m
    const f = fast.toLowerCase()
    const s = slow.toLowerCase()
    x.add({
      kind: 'duration',
      line: prose.line,
      title: `${f} installs the requirements in ${fastS} s (prose)`,
      ...x.about(here),
      subject: f,
      seconds: Number(fastS),
      atLeast: false,
    })
    x.add({
      kind: 'duration',
      line: prose.line,
      title: `${s} installs the requirements in ${slowS}${plus ?? ''} s (prose)`,
      ...x.about(here),
      subject: s,
      seconds: Number(slowS),
      atLeast: plus !== undefined,
    })
    x.add({
      kind: 'speedup',
      line: prose.line,
      title: `${f} installs faster than ${s} (${fastS} s vs ${slowS}${plus ?? ''} s)`,
      ...x.about(here),
      faster: f,
      slower: s,
      minFactor: 1,
    })
  }
}

function contentsClaims(x: Extraction, prose: Prose, here: Iteration | undefined): void {
  if (!here || !/\bno\b|\bnot\b/i.test(prose.text)) return
  for (const pattern of [HAS_NO, NOT_INCLUDE]) {
    for (const m of prose.text.matchAll(pattern)) {
      const items = (m[1] ?? '')
        .split(/,\s*(?:or\s+|and\s+)?|\s+or\s+|\s+and\s+/)
        .map((s) => s.replace(/^no\s+/i, '').trim())
        .filter((s) => s.length > 0 && s.length < 40)
      for (const item of items) {
        x.add({
          kind: 'contents',
          line: prose.line,
          title: `${here.tag} has no ${item}`,
          ...x.about(here),
          item,
          present: false,
        })
      }
    }
  }
}

const PRACTICES: [
  RegExp,
  'fewer-run-layers' | 'pycache-removed' | 'pip-cache-purged' | 'no-pip-cache' | 'no-uv-cache',
  string,
][] = [
  [
    /\bcombin\w*\s+(?:the\s+)?RUN\s+commands/i,
    'fewer-run-layers',
    'has fewer RUN layers than the iteration before',
  ],
  [/\bremov\w*\s+(?:the\s+)?(?:__pycache__|\.pyc)/i, 'pycache-removed', 'removes Python bytecode caches'],
  [/\bpip cache purge\b|\bpurged?\s+(?:the\s+)?pip cache/i, 'pip-cache-purged', "purges pip's cache"],
  [/--no-cache-dir\b/, 'no-pip-cache', 'installs with pip --no-cache-dir'],
  [/--no-cache\b(?!-)/, 'no-uv-cache', 'installs with uv --no-cache'],
]
const COPIES_ONLY =
  /\bcop(?:y|ies)\s+(?:only\s+)?(\/[\w./-]+)\s+from\s+(?:the\s+)?builder|\bcop(?:y|ies)\s+only\s+(\/[\w./-]+)/gi

function practiceClaims(x: Extraction, prose: Prose, here: Iteration | undefined): void {
  if (here) {
    for (const [pattern, practice, what] of PRACTICES) {
      if (pattern.test(prose.text)) {
        x.add({
          kind: 'practice',
          line: prose.line,
          title: `${here.dockerfile} ${what}`,
          ...x.about(here),
          practice,
        })
      }
    }
  }
  for (const m of prose.text.matchAll(COPIES_ONLY)) {
    const path = (m[1] ?? m[2] ?? '').replace(/[.,]$/, '')
    const it = here ?? x.iterations.find((i) => i.index > 0 && /multi|stage/i.test(i.name)) ?? x.final
    if (!it) continue
    x.add({
      kind: 'practice',
      line: prose.line,
      title: `${here ? it.dockerfile : "the lesson's multi-stage Dockerfiles"} copy ${path} from the builder`,
      ...(here ? x.about(it) : {}),
      practice: 'copies-path',
      detail: path,
    })
  }
}
