import { describe, expect, it } from 'vitest'
import { expectations, holds } from './stated-base.js'

describe('what words say a Dockerfile starts from', () => {
  it.each([
    ['This Dockerfile uses Docker Hardened Images (DHI) for enhanced security.', ['python:3.12-slim'], false],
    [
      'This Dockerfile uses Docker Hardened Images (DHI) for enhanced security.',
      ['dhi.io/python:3.12'],
      true,
    ],
    ['The following Dockerfile uses Python 3.11:', ['python:3.12-slim'], false],
    ['The following Dockerfile uses Python 3.12:', ['python:3.12.4-slim'], true],
    ['It is based on Alpine to stay small.', ['node:20-alpine3.19'], true],
    ['The Dockerfile uses the `24.04` tag of the `ubuntu` image.', ['ubuntu:24.04'], true],
    ['The Dockerfile uses the `22.04` tag of the `ubuntu` image.', ['ubuntu:24.04'], false],
    ['It starts from a distroless base image.', ['gcr.io/distroless/static-debian12'], true],
  ])('%s over %s', (text, from, ok) => {
    const says = expectations(text)
    expect(says.length).toBeGreaterThan(0)
    expect(says.every((e) => holds(e, from) !== false)).toBe(ok)
  })

  it('reads nothing from negations, comparisons or sentences that name no base', () => {
    expect(expectations('We do not use Alpine here, because musl breaks wheels.')).toEqual([])
    expect(expectations('Switching from Ubuntu to Debian halves the size.')).toEqual([])
    expect(expectations('Alpine images are small.')).toEqual([])
  })

  it('cannot tell a language version without an image of that language', () => {
    const [e] = expectations('This Dockerfile uses Python 3.11.')
    expect(e && holds(e, ['debian:bookworm'])).toBeUndefined()
  })
})
