/** A plain-text export: each line must be a paragraph of its lesson, and every paragraph must be there. */
import { diffWords } from 'diff'
import { z } from 'zod'
import type { Document } from '../model/index.js'
import { blocked, defineKind, fail, pass } from './kit/index.js'

const norm = (s: string) => s.replace(/\s+/g, ' ').trim()

/** The first differing stretch of two texts, word by word: "Part 6" → "Module 6". */
export function wordDiff(lesson: string, exported: string): string {
  const parts = diffWords(norm(lesson), norm(exported))
  const first = parts.findIndex((p) => p.added || p.removed)
  if (first === -1) return 'the texts are the same'
  // The changed stretch: from the first change to the last, unchanged words between them kept.
  let last = parts.length - 1
  while (last > first && !parts[last]?.added && !parts[last]?.removed) last--
  const span = parts.slice(first, last + 1)
  const side = (keep: (p: (typeof parts)[number]) => boolean) =>
    norm(
      span
        .filter(keep)
        .map((p) => p.value)
        .join(''),
    )
  return `the lesson's "${side((p) => !p.added)}" reads "${side((p) => !p.removed)}" in the export`
}

function similarity(a: string, b: string): number {
  const wa = new Set(norm(a.toLowerCase()).split(' '))
  const wb = norm(b.toLowerCase()).split(' ')
  const shared = wb.filter((w) => wa.has(w)).length
  return shared / Math.max(wa.size, wb.length)
}

function paragraphs(lesson: Document) {
  return lesson.prose.filter((p) => p.kind === 'paragraph')
}

export const transcript = defineKind({
  id: 'transcript',
  reads: 'exports',
  fields: {
    /** The lesson the export was made from. */
    lesson: z.string(),
    /** `line`: this line is in the lesson; `coverage`: every paragraph of the lesson is in the export. */
    scope: z.enum(['line', 'coverage']),
  },

  extract(x, emit) {
    for (const prose of x.doc.prose) {
      const head = prose.text.length > 48 ? `${prose.text.slice(0, 47)}…` : prose.text
      emit({
        line: prose.line,
        title: `export line "${head}" matches the lesson`,
        subject: x.doc.lessonPath,
        lesson: x.doc.lessonPath,
        scope: 'line',
      })
    }
    emit({
      line: 1,
      title: "export holds every paragraph of the lesson's prose",
      quote: 'every paragraph',
      subject: x.doc.lessonPath,
      lesson: x.doc.lessonPath,
      scope: 'coverage',
    })
  },

  check(claim, ctx) {
    const lesson = ctx.family.lesson
    const name = "agrees with the lesson's prose"
    if (!lesson || lesson === ctx.doc)
      return [blocked(name, `the lesson ${claim.lesson} is not among the documents verified`)]
    const own = paragraphs(lesson)
    if (claim.scope === 'coverage') {
      const exported = ctx.doc.prose.map((p) => norm(p.text))
      const present = new Set(exported)
      // A paragraph the export changed is reported on its line; here only those it left out.
      const missing = own.filter(
        (p) => !present.has(norm(p.text)) && !exported.some((e) => similarity(p.text, e) >= 0.5),
      )
      if (missing.length === 0) return [pass(name, `all ${own.length} paragraphs are in the export`)]
      const first = missing[0]
      return [
        fail(
          name,
          `${missing.length} of the lesson's ${own.length} paragraphs are not in the export, from line ${first?.line} ("${(first?.text ?? '').slice(0, 50)}…") on: ${missing.map((p) => p.line).join(', ')}`,
          { expected: `${own.length} paragraphs`, measured: `${own.length - missing.length} present` },
        ),
      ]
    }
    const text = norm(ctx.doc.lines[claim.source.line - 1] ?? '')
    const exact = own.find((p) => norm(p.text) === text)
    if (exact) return [pass(name, `is line ${exact.line} of the lesson`)]
    const best = own.map((p) => ({ p, score: similarity(p.text, text) })).sort((a, b) => b.score - a.score)[0]
    if (!best || best.score < 0.5)
      return [fail(name, 'the lesson has no such paragraph', { measured: text.slice(0, 80) })]
    return [
      fail(name, `differs from line ${best.p.line} of the lesson: ${wordDiff(best.p.text, text)}`, {
        expected: best.p.text,
        measured: text,
      }),
    ]
  },

  measured: false,
})
