/**
 * What a reviewer flags in a document's Markdown itself: a fence that never closes (the rest of
 * the page renders as code), a file label that points outside the project, an empty file.
 */
import { z } from 'zod'
import { defineKind, fail } from './kit/index.js'

export const markdown = defineKind({
  id: 'markdown',
  fields: {
    code: z.enum(['empty', 'unclosed-fence', 'label-outside-project']),
    expected: z.string(),
    received: z.string(),
  },

  extract(x, emit) {
    for (const problem of x.doc.problems) {
      emit({
        line: problem.line,
        title: problem.message,
        subject: problem.code,
        code: problem.code,
        expected: problem.expected,
        received: problem.received,
      })
    }
  },

  check(claim) {
    return [
      fail('reads as the author meant it', claim.title, {
        expected: claim.expected,
        measured: claim.received,
      }),
    ]
  },

  measured: false,
})
