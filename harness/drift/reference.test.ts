import { describe, expect, it } from 'vitest'
import { ImageReferenceError } from './errors.js'
import {
  familiarReference,
  formatReference,
  isLoopbackRegistry,
  parseReference,
  registryApiBase,
  withDefaultTag,
} from './reference.js'

const A = `sha256:${'a'.repeat(64)}`
const B = `sha256:${'b'.repeat(64)}`

describe('parseReference', () => {
  it.each([
    ['python:3.12-slim', { registry: 'docker.io', repository: 'library/python', tag: '3.12-slim' }],
    ['python', { registry: 'docker.io', repository: 'library/python' }],
    ['docker.io/library/python:3.12', { registry: 'docker.io', repository: 'library/python', tag: '3.12' }],
    ['index.docker.io/python:3', { registry: 'docker.io', repository: 'library/python', tag: '3' }],
    ['bitnami/redis:7', { registry: 'docker.io', repository: 'bitnami/redis', tag: '7' }],
    ['127.0.0.1:5000/lab/base:stable', { registry: '127.0.0.1:5000', repository: 'lab/base', tag: 'stable' }],
    ['localhost/app', { registry: 'localhost', repository: 'app' }],
    ['localhost:5000/app:1', { registry: 'localhost:5000', repository: 'app', tag: '1' }],
    [`ghcr.io/x/y@${A}`, { registry: 'ghcr.io', repository: 'x/y', digest: A }],
    [
      `python:3.12-slim@${B}`,
      { registry: 'docker.io', repository: 'library/python', tag: '3.12-slim', digest: B },
    ],
    [
      '  debian:bookworm-slim ',
      { registry: 'docker.io', repository: 'library/debian', tag: 'bookworm-slim' },
    ],
  ])('reads %s', (text, expected) => {
    expect(parseReference(text)).toEqual(expected)
  })

  it.each([
    ['Python:3', 'repository name must be lowercase'],
    ['a:b:c', 'invalid reference format'],
    ['python:', 'invalid reference format'],
    ['', 'it is empty'],
    ['python@sha256:abc', 'invalid reference format'],
    ['a'.repeat(64), 'cannot specify 64-byte hexadecimal strings'],
  ])('refuses %j', (text, reason) => {
    const error = (() => {
      try {
        parseReference(text)
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(ImageReferenceError)
    expect((error as ImageReferenceError).code).toBe('invalid-reference')
    expect((error as ImageReferenceError).message).toContain(reason)
  })
})

describe('forms', () => {
  it('writes the normalised and the familiar form', () => {
    const ref = parseReference(`python:3.12-slim@${A}`)
    expect(formatReference(ref)).toBe(`docker.io/library/python:3.12-slim@${A}`)
    expect(familiarReference(ref)).toBe(`python:3.12-slim@${A}`)
    expect(familiarReference(parseReference('bitnami/redis'))).toBe('bitnami/redis')
    expect(familiarReference(parseReference('127.0.0.1:5000/lab/base:stable'))).toBe(
      '127.0.0.1:5000/lab/base:stable',
    )
  })

  it('adds latest only where a pull would', () => {
    expect(withDefaultTag(parseReference('python')).tag).toBe('latest')
    expect(withDefaultTag(parseReference(`python@${A}`)).tag).toBeUndefined()
    expect(withDefaultTag(parseReference('python:3')).tag).toBe('3')
  })
})

describe('registryApiBase', () => {
  it.each([
    ['docker.io', [], 'https://registry-1.docker.io'],
    ['ghcr.io', [], 'https://ghcr.io'],
    ['localhost:5000', [], 'http://localhost:5000'],
    ['127.0.0.1:5000', [], 'http://127.0.0.1:5000'],
    ['127.8.9.10', [], 'http://127.8.9.10'],
    ['[::1]:5000', [], 'http://[::1]:5000'],
    ['registry.internal:5000', ['registry.internal:5000'], 'http://registry.internal:5000'],
    ['127.example.com', [], 'https://127.example.com'],
  ])('%s → %s', (registry, insecure, base) => {
    expect(registryApiBase(registry, insecure)).toBe(base)
  })

  it('treats only loopback hosts as loopback', () => {
    expect(isLoopbackRegistry('localhost')).toBe(true)
    expect(isLoopbackRegistry('localhost.example.com')).toBe(false)
    expect(isLoopbackRegistry('128.0.0.1:5000')).toBe(false)
  })
})
