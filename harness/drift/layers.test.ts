import { describe, expect, it } from 'vitest'
import { baseShare, layerChanges } from './layers.js'

// hello:slim of fixtures/drift/lab-base on November's base and on December's, as `docker history`
// listed them here (newest first; the 0-byte metadata layers shortened).
const BASE_NOV = [
  { createdBy: '/bin/sh -c #(nop)  LABEL org.lessonproof.run=…', size: 0 },
  { createdBy: '/bin/sh -c echo 2026-11 > /etc/lab-base', size: 8 },
  { createdBy: '', size: 74822234 },
]
const BASE_DEC = [
  { createdBy: '/bin/sh -c #(nop)  LABEL org.lessonproof.run=…', size: 0 },
  {
    createdBy: '/bin/sh -c echo 2026-12 > /etc/lab-base && head -c 40000000 /dev/urandom > /opt/lab-filler',
    size: 40000008,
  },
  { createdBy: '', size: 74822234 },
]
const OWN = [
  { createdBy: '/bin/sh -c #(nop)  CMD ["perl" "server.pl"]', size: 0 },
  { createdBy: '/bin/sh -c #(nop)  EXPOSE 8080', size: 0 },
  { createdBy: '/bin/sh -c #(nop) COPY file:e7f823d380db20cb… in .', size: 854 },
  { createdBy: '/bin/sh -c #(nop) WORKDIR /app', size: 0 },
]

describe('baseShare', () => {
  it("finds the base's layers at the bottom of the history by their count and size", () => {
    expect(baseShare([...OWN, ...BASE_NOV], [{ size: 74822242, layers: 3 }])).toEqual({
      count: 3,
      bytes: 74822242,
    })
    expect(baseShare([...OWN, ...BASE_DEC], [{ size: 114822242, layers: 3 }])).toEqual({
      count: 3,
      bytes: 114822242,
    })
  })

  it('finds none for a base whose layers are not the bottom ones (a builder stage, FROM scratch)', () => {
    expect(baseShare([...OWN], [{ size: 74822242, layers: 3 }])).toEqual({ count: 0, bytes: 0 })
    expect(baseShare([...OWN, ...BASE_NOV], [{ size: 1, layers: 3 }])).toEqual({ count: 0, bytes: 0 })
  })
})

describe('layerChanges', () => {
  it("says which layers were added, grew or went, and whether the base's or the lesson's own", () => {
    const grown = OWN.map((l) => (l.size === 854 ? { ...l, size: 900 } : l))
    expect(layerChanges([...OWN, ...BASE_NOV], [...grown, ...BASE_DEC], { before: 3, after: 3 })).toEqual([
      { createdBy: OWN[2]?.createdBy, change: 'grown', before: 854, after: 900, fromBase: false },
      { createdBy: BASE_DEC[1]?.createdBy, change: 'added', after: 40000008, fromBase: true },
      { createdBy: BASE_NOV[1]?.createdBy, change: 'removed', before: 8, fromBase: true },
    ])
  })

  it('matches the same instruction twice as two layers', () => {
    const twice = [
      { createdBy: 'RUN x', size: 5 },
      { createdBy: 'RUN x', size: 7 },
    ]
    expect(layerChanges(twice, twice, { before: 0, after: 0 })).toEqual([])
  })
})
