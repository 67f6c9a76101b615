/**
 * A lesson cited by number is the lesson of that topic: "multi-stage builds (Lesson 4)" where the
 * chapter's table of lessons has Multi-Stage Builds as lesson 5 sends the reader to the wrong
 * lesson. Held across the documents of one run: a chapter README's table of lessons (number →
 * title) and the lessons' own frontmatter (`lesson:`, `title:`) in the same folder. A chapter
 * table's rows are held against the lessons' frontmatter the same way. A citation fails only when
 * the cited lesson shares no word with the topic and another lesson's title names it; when the
 * titles cannot tell, it stays blocked.
 */
import { z } from 'zod'
import type { Check } from '../model/index.js'
import { blocked, type CourseLesson, defineKind, fail, lessonsFor, pass } from './kit/index.js'

const STOP = new Set(
  (
    'a an and or of to in on for with from by at as the your you we our us this that these those it its is are was ' +
    'be been will can use using used see lesson chapter part how what why when first own my about into ' +
    'basic intro introduction'
  ).split(' '),
)
/** Words every lesson of a Docker course could use: a topic is told by its other words, when it has any. */
const WEAK = new Set(['docker', 'container', 'image', 'app', 'application'])

/** The words of a topic that say what it is about, lower-cased and singular. */
export function topicWords(text: string): string[] {
  const words = [
    ...new Set(
      text
        .toLowerCase()
        .split(/[^a-z0-9]+/)
        .map((w) => (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w))
        .filter((w) => w.length > 1 && !STOP.has(w) && !/^\d+$/.test(w)),
    ),
  ]
  const strong = words.filter((w) => !WEAK.has(w))
  return strong.length > 0 ? strong : words
}

/** Citations in one text: the lesson number and the topic the text gives it. */
export function citationsIn(text: string): { number: number; topic: string; more?: string; quote: string }[] {
  const out: { number: number; topic: string; more?: string; quote: string }[] = []
  const before = (end: number) =>
    (
      text
        .slice(0, end)
        .split(/[.:;!?—–(]|,\s|\s-\s|^\s*\d+\.\s/)
        .at(-1) ?? ''
    )
      .replace(/^\s*(?:\d+\.|[-*])\s*/, '')
      .trim()
  for (const m of text.matchAll(/\((?:see |from |in |covered in )?Lesson (\d+)\b[^)]*\)/gi)) {
    const end = (m.index ?? 0) + m[0].length
    // "**Docker Compose** (Lesson 5) — orchestrating services": the explanation says more of the topic.
    const more = /^\s*[—–:-]\s*([^.;!?]+)/.exec(text.slice(end))?.[1]
    out.push({
      number: Number(m[1]),
      topic: before(m.index ?? 0),
      ...(more ? { more } : {}),
      quote: text.slice(Math.max(0, (m.index ?? 0) - 60), end).trim(),
    })
  }
  for (const m of text.matchAll(/\s(?:from|in|during) (?:the )?Lesson (\d+)\b(?!\s*[-–(])/gi)) {
    out.push({
      number: Number(m[1]),
      topic: before(m.index ?? 0),
      quote: text.slice(Math.max(0, (m.index ?? 0) - 60), (m.index ?? 0) + m[0].length).trim(),
    })
  }
  // "Lesson 8 (Layer 2)" classifies the lesson; a topic in parentheses has no number.
  for (const m of text.matchAll(/\bLesson (\d+) \(([^)\d]+)\)/gi))
    out.push({ number: Number(m[1]), topic: m[2] ?? '', quote: m[0] })
  for (const m of text.matchAll(
    /\bLesson (\d+) (?:covers|covered|teaches|taught|showed|shows|introduced|introduces|explains|explained) ([^.;,)]+)/gi,
  ))
    out.push({ number: Number(m[1]), topic: m[2] ?? '', quote: m[0] })
  return out.filter((c) => topicWords(c.topic).length > 0)
}

export const lessonCitation = defineKind({
  id: 'lesson-citation',
  fields: {
    role: z.enum(['citation', 'table']),
    number: z.number().int(),
    topic: z.string(),
    /** What the text says of the topic right after the citation ("— using UV for installs"). */
    more: z.string().optional(),
  },

  extract(x, emit) {
    for (const prose of x.doc.prose) {
      if (prose.kind === 'frontmatter' || !/lesson \d/i.test(prose.text)) continue
      for (const c of citationsIn(prose.text))
        emit({
          line: prose.line,
          title: `Lesson ${c.number} is the lesson on ${c.topic}`,
          quote: c.quote,
          subject: `Lesson ${c.number}`,
          role: 'citation',
          number: c.number,
          topic: c.topic,
          ...(c.more ? { more: c.more } : {}),
        })
    }
    for (const table of x.doc.tables) {
      if (table.origin !== 'markdown') continue
      const numberAt = table.header.findIndex((h) => /^(?:lesson|#|no\.?)$/i.test(h.trim()))
      const titleAt = table.header.findIndex(
        (h, i) => i !== numberAt && /^(?:title|lesson|name|topic)$/i.test(h.trim()),
      )
      if (numberAt === -1 || titleAt === -1) continue
      for (const row of table.rows) {
        const n = /^\s*(\d{1,3})\s*$/.exec(row.cells[numberAt] ?? '')?.[1]
        const title = (row.cells[titleAt] ?? '').trim()
        if (n === undefined || title === '') continue
        emit({
          line: row.line,
          title: `the table's lesson ${n}, "${title}", is the lesson numbered ${n}`,
          quote: `| ${n} | ${title} |`,
          subject: `Lesson ${n}`,
          role: 'table',
          number: Number(n),
          topic: title,
        })
      }
    }
  },

  // Nothing in one document settles it: the course is read across the run.
  check: () => [],

  acrossRun(claim, course) {
    const name =
      claim.role === 'table' ? "agrees with the lesson's own title" : 'names the lesson on the topic'
    const known = lessonsFor(course, claim.source.file)
    const cited = (known.get(claim.number) ?? []).filter(
      (l) => !(claim.role === 'table' && l.file === claim.source.file),
    )
    if (cited.length === 0)
      return [
        blocked(
          name,
          claim.role === 'table'
            ? `no lesson numbered ${claim.number} is in this run`
            : `lesson ${claim.number} is in no table of lessons nor lesson frontmatter of this run`,
        ),
      ]
    const words = topicWords(claim.topic)
    const all = claim.more ? [...new Set([...words, ...topicWords(claim.more)])] : words
    const shares = (l: CourseLesson, text = l.about, of = words) => {
      const have = new Set(topicWords(text))
      return of.filter((w) => have.has(w))
    }
    const where = (l: CourseLesson) => `${l.file.replace(/^.*\//, '')}:${l.line}`
    const match = cited.find((l) => shares(l, l.about, all).length > 0)
    if (match)
      return [
        pass(
          name,
          `lesson ${claim.number} is "${match.title}" (${where(match)}), which shares ${shares(match, match.about, all).join(', ')}`,
        ),
      ]
    const checks: Check[] = []
    const titled = [...known.entries()]
      .filter(([n]) => n !== claim.number)
      .flatMap(([, ls]) => ls)
      .filter((l) => {
        if (claim.role !== 'citation') return false
        // The topic is that lesson's title, or names all of it ("we shrink it with multi-stage builds").
        const title = topicWords(l.title)
        return (
          shares(l, l.title).length === words.length ||
          (title.length > 0 && title.every((w) => words.includes(w)))
        )
      })
    const cite = cited[0] as CourseLesson
    if (claim.role === 'table' || titled.length > 0) {
      const other = titled[0]
      checks.push(
        fail(
          name,
          `lesson ${claim.number} is "${cite.title}" (${where(cite)})${other ? `; "${claim.topic}" is lesson ${other.number}, "${other.title}" (${where(other)})` : `, which is not "${claim.topic}"`}`,
          {
            expected: other ? `Lesson ${other.number}` : claim.topic,
            measured: `Lesson ${claim.number}: ${cite.title}`,
          },
        ),
      )
      return checks
    }
    return [
      blocked(
        name,
        `lesson ${claim.number} is "${cite.title}" (${where(cite)}); no lesson's title names "${claim.topic}", so which lesson covers it cannot be told`,
      ),
    ]
  },

  measured: false,
})
