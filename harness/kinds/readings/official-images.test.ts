import { describe, expect, it } from 'vitest'
import { imageName } from './docker-cli.js'
import { serverPort, tagProblem, toolsOf } from './official-images.js'

const name = (ref: string) => {
  const n = imageName(ref)
  if (!n) throw new Error(`not a reference: ${ref}`)
  return n
}

describe('official image tags', () => {
  it.each([
    'python:3.12',
    'python:3.12-slim',
    'python:3.12-slim-bookworm',
    'python:3.13.0rc1-alpine3.20',
    'python:3-windowsservercore-ltsc2022',
    'node:20-alpine3.19',
    'node:lts-slim',
    'node:hydrogen-bookworm-slim',
    'golang:1.22-alpine',
    'rust:1.79-slim-bookworm',
    'debian:bookworm-20240130-slim',
    'debian:12.5',
    'ubuntu:jammy-20240227',
    'ubuntu:24.04',
    'alpine:edge',
    'nginx:1.27-alpine-slim',
    'nginx:stable-perl',
    'docker.io/library/python:3.12-slim',
    'python:latest',
    'redis:anything-goes',
  ])('allows %s', (ref) => {
    expect(tagProblem(name(ref))).toBeUndefined()
  })

  it.each([
    ['python:3.12-distroless', 'distroless'],
    ['golang:1.22-slim', 'slim'],
    ['ubuntu:jammy-minimal', 'minimal'],
    ['node:20-bullseye-fat', 'fat'],
    ['alpine:3.20-slim', 'slim'],
  ])('refuses %s for the word %s', (ref, word) => {
    expect(tagProblem(name(ref))).toContain(`'${word}'`)
  })
})

describe('tools of official images', () => {
  it.each([
    ['python:3.12-slim', { curl: false, wget: false, shell: true }],
    ['python:3.12', { curl: true, wget: true, shell: true }],
    ['python:3.12-alpine', { curl: false, wget: true, shell: true }],
    ['node:20-slim', { curl: false, wget: false, shell: true }],
    ['alpine:3.20', { curl: false, wget: true, shell: true }],
    ['gcr.io/distroless/python3-debian12', { curl: false, wget: false, shell: false }],
    ['gcr.io/distroless/static-debian12:debug', { curl: false, wget: true, shell: true }],
  ])('%s', (ref, tools) => {
    expect(toolsOf(name(ref))).toMatchObject(tools)
  })

  it('says nothing of an image it does not describe, or of a tag that does not exist', () => {
    expect(toolsOf(name('nginx:1.27'))).toBeUndefined()
    expect(toolsOf(name('someone/app:1.0'))).toBeUndefined()
    expect(toolsOf(name('python:3.12-distroless'))).toBeUndefined()
  })

  it('knows the ports of official servers only', () => {
    expect(serverPort(name('nginx:alpine'))).toBe(80)
    expect(serverPort(name('postgres:16'))).toBe(5432)
    expect(serverPort(name('someone/nginx'))).toBeUndefined()
    expect(serverPort(name('python:3.12'))).toBeUndefined()
  })
})
