import { describe, expect, it } from 'vitest'
import { citationsIn, topicWords } from './lesson-citation.js'

describe('citations of lessons by number', () => {
  it.each([
    ['Multi-Stage Builds (Lesson 4) — builder stages', 4, 'Multi-Stage Builds', 'builder stages'],
    ['This applies everything: multi-stage builds (Lesson 4), and more.', 4, 'multi-stage builds', undefined],
    ['Your FastAPI service from Lesson 3 is running.', 3, 'Your FastAPI service', undefined],
    ['Builds on: Lesson 3 (Dockerfile) showed basic builds.', 3, 'Dockerfile', undefined],
  ])('%s', (text, number, topic, more) => {
    const [c] = citationsIn(text)
    expect(c).toMatchObject({ number, topic })
    expect(c?.more).toBe(more)
  })

  it('leaves ranges, classifications and topicless mentions alone', () => {
    expect(citationsIn('This applies everything from Lessons 1-6.')).toEqual([])
    expect(citationsIn('Lesson 8 (Layer 2): collaborate with an assistant')).toEqual([])
    expect(citationsIn('(Lesson 3)')).toEqual([])
  })

  it('tells a topic by its words: singular, without grammar, Docker words only when nothing else is left', () => {
    expect(topicWords('Writing Your First Dockerfiles')).toEqual(['writing', 'dockerfile'])
    expect(topicWords('Docker Compose for Development')).toEqual(['compose', 'development'])
    expect(topicWords('Images and Containers')).toEqual(['image', 'container'])
  })
})
