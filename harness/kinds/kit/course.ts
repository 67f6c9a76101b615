/**
 * What each document of a run says of its place in a course: its lesson number and title (from
 * its frontmatter) and, for a chapter's README, its table of lessons. Claims that cite another
 * lesson ("multi-stage builds (Lesson 4)") are held against it once every document is read.
 */
import { dirname } from 'node:path'
import type { Document } from '../../model/index.js'

/** A lesson a document names: by number, with its title (and, from a table, the row's other cells). */
export interface CourseLesson {
  number: number
  title: string
  /** Everything the source says of the lesson: the title, and a table row's other cells. */
  about: string
  /** Where it is said: the document and line. */
  file: string
  line: number
}

/** What one document of the run contributes to the course. */
export interface CourseDocument {
  path: string
  /** The folder it is in: a chapter's lessons and its README share one. */
  dir: string
  /** The document's own lesson (frontmatter `lesson:` and `title:`). */
  own?: CourseLesson
  /** A table of lessons (`| Lesson | Title | … |`), as a chapter README has. */
  table: CourseLesson[]
}

/** Every document of a run, as the course sees it. */
export interface Course {
  documents: CourseDocument[]
}

const NUMBER_HEADER = /^(?:lesson|#|no\.?|number|nr\.?)$/i
const TITLE_HEADER = /^(?:title|lesson|name|topic)$/i

/** The course facts a document holds. Cheap: documents without a numbered table or frontmatter give little. */
export function courseDocument(doc: Document): CourseDocument {
  const out: CourseDocument = { path: doc.path, dir: dirname(doc.path), table: [] }
  const data = doc.frontmatter?.data as Record<string, unknown> | undefined
  const lesson = data?.lesson
  const title = data?.title
  if (typeof lesson === 'number' && Number.isInteger(lesson) && typeof title === 'string') {
    out.own = {
      number: lesson,
      title,
      about: title,
      file: doc.path,
      line: doc.frontmatterLines.title ?? doc.frontmatterLines.lesson ?? 1,
    }
  }
  for (const table of doc.tables) {
    if (table.origin !== 'markdown') continue
    const numberAt = table.header.findIndex((h) => NUMBER_HEADER.test(h.trim()))
    if (numberAt === -1) continue
    const titleAt = table.header.findIndex((h, i) => i !== numberAt && TITLE_HEADER.test(h.trim()))
    if (titleAt === -1) continue
    for (const row of table.rows) {
      const number = /^\s*(\d{1,3})\s*$/.exec(row.cells[numberAt] ?? '')?.[1]
      const rowTitle = (row.cells[titleAt] ?? '').trim()
      if (number === undefined || rowTitle === '') continue
      out.table.push({
        number: Number(number),
        title: rowTitle,
        about: row.cells.filter((_, i) => i !== numberAt).join(' '),
        file: doc.path,
        line: row.line,
      })
    }
  }
  return out
}

/**
 * The lessons a document's course knows, by number: from a table of lessons in its folder
 * (a chapter README), else from the frontmatter of the lessons of its folder in the run.
 */
export function lessonsFor(course: Course, path: string): Map<number, CourseLesson[]> {
  const dir = dirname(path)
  const found = new Map<number, CourseLesson[]>()
  const add = (l: CourseLesson) => found.set(l.number, [...(found.get(l.number) ?? []), l])
  for (const d of course.documents) {
    if (d.dir !== dir) continue
    for (const row of d.table) add(row)
    if (d.own) add(d.own)
  }
  return found
}
