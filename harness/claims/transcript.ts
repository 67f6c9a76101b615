import type { Extraction } from './context.js'

/** Every line of a plain-text export must be a line of its lesson's prose. */
export function transcriptClaims(x: Extraction): void {
  for (const prose of x.doc.prose) {
    const head = prose.text.length > 48 ? `${prose.text.slice(0, 47)}…` : prose.text
    x.add({
      kind: 'transcript',
      line: prose.line,
      title: `export line "${head}" matches the lesson`,
      lesson: x.doc.lessonPath,
      scope: 'line',
    })
  }
  x.add({
    kind: 'transcript',
    line: 1,
    title: "export holds every paragraph of the lesson's prose",
    lesson: x.doc.lessonPath,
    scope: 'coverage',
  })
}
