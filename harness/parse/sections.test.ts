import { describe, expect, it } from 'vitest'
import { F } from '../testing.js'
import { parseDocument } from './document.js'
import { headingPathAt, inReaderSection, isReaderSection } from './sections.js'

describe('isReaderSection', () => {
  it.each([
    ['Try With AI', true],
    ['Try With AI: Collaborative Optimization', true],
    ['Your turn', true],
    ['Exercise 2: Shrink your own image', true],
    ['Practice', true],
    ['Practice: Optimize Your Own Dockerfile', true],
    ['Hands-on practice', true],
    ['Challenge', true],
    ['Best Practices', false],
    ['Security & Best Practices', false],
    ['Good practice for tags', false],
    ['Try it out', false],
    ['Build the image', false],
  ])('%s → %s', (heading, expected) => {
    expect(isReaderSection(heading)).toBe(expected)
  })
})

describe('sections of a document', () => {
  const text = [
    '# Shrinking images', // 1
    '',
    '## Best Practices', // 3
    '',
    `${F}bash`,
    'docker build -t app:slim .', // 6
    F,
    '',
    '## Try With AI: Make it yours', // 9
    '',
    '### Part 1: Ask', // 11
    '',
    '### Part 2: Build', // 13
    '',
    `${F}bash`,
    'docker build -t mine:1 .', // 16
    F,
    '',
    '## Summary', // 19
    '',
  ].join('\n')
  const doc = parseDocument('docs/x.md', text)

  it('gives each heading its path, its section end and whether the reader owns it', () => {
    expect(doc.headings.map((h) => [h.line, h.path.join(' > '), h.endLine, h.reader])).toEqual([
      [1, 'Shrinking images', 20, false],
      [3, 'Shrinking images > Best Practices', 8, false],
      [9, 'Shrinking images > Try With AI: Make it yours', 18, true],
      [11, 'Shrinking images > Try With AI: Make it yours > Part 1: Ask', 12, true],
      [13, 'Shrinking images > Try With AI: Make it yours > Part 2: Build', 18, true],
      [19, 'Shrinking images > Summary', 20, false],
    ])
    expect(headingPathAt(doc, 16)).toEqual([
      'Shrinking images',
      'Try With AI: Make it yours',
      'Part 2: Build',
    ])
  })

  it('leaves a build under an h3 of "Try With AI" out of the iterations, and keeps one under Best Practices', () => {
    expect(inReaderSection(doc, 16)).toBe(true)
    expect(inReaderSection(doc, 6)).toBe(false)
    expect(doc.iterations.map((i) => [i.line, i.tag])).toEqual([[6, 'app:slim']])
  })
})
