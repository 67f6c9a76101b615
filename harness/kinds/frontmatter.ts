/**
 * The course's frontmatter keys, where a document has them: a key that is present but wrong
 * (`duration_minutes: "45"`) is a failing claim at its line, not a refusal of the document.
 */
import { z } from 'zod'
import { defineKind, fail } from './kit/index.js'

export const frontmatter = defineKind({
  id: 'frontmatter',
  fields: {
    /** Dotted path of the key. @example "learning_objectives.1.bloom_level" */
    key: z.string(),
    expected: z.string(),
    received: z.string(),
  },

  extract(x, emit) {
    for (const problem of x.doc.frontmatterProblems) {
      emit({
        line: problem.line,
        title: problem.message,
        subject: problem.key,
        key: problem.key,
        expected: problem.expected,
        received: problem.received,
      })
    }
  },

  check(claim) {
    return [
      fail('has the shape the course gives it', `${claim.title}; received ${claim.received}`, {
        expected: claim.expected,
        measured: claim.received,
      }),
    ]
  },

  measured: false,
})
