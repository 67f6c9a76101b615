import { describe, expect, it } from 'vitest'
import type { Iteration } from '../../model/index.js'
import { Iterations } from './iterations.js'

const iteration = (index: number, line: number, tag: string, dockerfile: string): Iteration => ({
  index,
  line,
  tag,
  dockerfile,
  name: tag.split(':').pop() ?? tag,
  section: '',
  files: {},
})

describe('Iterations', () => {
  const all = new Iterations([
    iteration(0, 10, 'app:v1', 'Dockerfile.a'),
    iteration(1, 50, 'app:v1', 'Dockerfile.b'),
    iteration(2, 90, 'app:V1', 'Dockerfile.c'),
  ])

  it('finds the build of a tag that stands at a line: the last one before it', () => {
    expect(all.byTag('app:v1', 20)?.index).toBe(0)
    expect(all.byTag('app:v1', 60)?.index).toBe(1)
    // Before any build of it: the first.
    expect(all.byTag('app:v1', 5)?.index).toBe(0)
    expect(all.byTag('app:V1', 100)?.index).toBe(2)
  })

  it('finds the iteration a claim speaks of by the claim line', () => {
    const claim = (line: number) => ({ image: 'app:v1', source: { file: 'x.md', line } })
    expect(all.of(claim(30))?.dockerfile).toBe('Dockerfile.a')
    expect(all.of(claim(70))?.dockerfile).toBe('Dockerfile.b')
  })
})
