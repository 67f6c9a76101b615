import { describe, expect, it } from 'vitest'
import { isSet, parseArgs, readPublish, values, withTag } from './args.js'

describe('parseArgs, as the Docker CLI reads a command', () => {
  it('reads short flags in a cluster, values inline or after, and long flags with = or a space', () => {
    const run = parseArgs('run', ['-dit', '-p8080:80', '-e', 'A=1', '--name=web', '--memory', '256m', 'app'])
    expect(isSet(run, '-d', '--detach')).toBe(true)
    expect(isSet(run, '-i')).toBe(true)
    expect(isSet(run, '-t')).toBe(true)
    expect(values(run, '-p', '--publish')).toEqual(['8080:80'])
    expect(values(run, '-e', '--env')).toEqual(['A=1'])
    expect(values(run, '--name')).toEqual(['web'])
    expect(values(run, '--memory')).toEqual(['256m'])
    expect(run.operands).toEqual(['app'])
  })

  it("stops at run's first operand: what follows is the container's command, flags and all", () => {
    const run = parseArgs('run', ['--rm', 'debian:bookworm-slim', 'grep', '-E', 'x', '-p', '/f'])
    expect(run.operands).toEqual(['debian:bookworm-slim', 'grep', '-E', 'x', '-p', '/f'])
    expect(values(run, '-p')).toEqual([])
    expect(isSet(run, '--rm')).toBe(true)
  })

  it('takes a cluster that ends in a valued flag with its value after it (-dp 8080:80)', () => {
    const run = parseArgs('run', ['-dp', '8080:80', 'app'])
    expect(isSet(run, '-d')).toBe(true)
    expect(values(run, '-p')).toEqual(['8080:80'])
    expect(run.operands).toEqual(['app'])
  })

  it('keeps every value of a repeated flag, under any of its names, in the order given', () => {
    const build = parseArgs('build', ['-t', 'app:1', '--tag', 'app:latest', '-t=app:x', '.'])
    expect(values(build, '-t', '--tag')).toEqual(['app:1', 'app:latest', 'app:x'])
    // The CLI takes the last -f / --file given, whichever name it has.
    expect(values(parseArgs('build', ['--file', 'A', '-f', 'B', '.']), '-f', '--file').at(-1)).toBe('B')
    expect(values(build, '--tag')).toEqual(['app:latest'])
    expect(build.operands).toEqual(['.'])
  })

  it('reads flags after operands for commands other than run and exec', () => {
    const build = parseArgs('build', ['.', '-f', 'Dockerfile.slim', '--no-cache'])
    expect(build.operands).toEqual(['.'])
    expect(values(build, '-f', '--file')).toEqual(['Dockerfile.slim'])
    expect(isSet(build, '--no-cache')).toBe(true)
  })

  it('reads -f as a format for inspect and as a follow flag for logs', () => {
    expect(values(parseArgs('inspect', ['-f', '{{.Id}}', 'app']), '-f')).toEqual(['{{.Id}}'])
    const logs = parseArgs('logs', ['-f', 'web'])
    expect(isSet(logs, '-f')).toBe(true)
    expect(logs.operands).toEqual(['web'])
  })

  it('takes everything after -- as operands', () => {
    expect(parseArgs('rm', ['-f', '--', '-odd-name']).operands).toEqual(['-odd-name'])
  })

  it('knows a boolean given as --flag=true, and not one given as --flag=false', () => {
    expect(isSet(parseArgs('run', ['--detach=true', 'x']), '--detach')).toBe(true)
    expect(isSet(parseArgs('run', ['--detach=false', 'x']), '--detach')).toBe(false)
  })
})

describe('readPublish', () => {
  it.each([
    ['8080:80', { hostIp: '', hostPort: 8080, containerPort: 80, proto: 'tcp' }],
    ['127.0.0.1:8080:80', { hostIp: '127.0.0.1', hostPort: 8080, containerPort: 80, proto: 'tcp' }],
    ['80', { hostIp: '', hostPort: undefined, containerPort: 80, proto: 'tcp' }],
    ['127.0.0.1::80', { hostIp: '127.0.0.1', hostPort: undefined, containerPort: 80, proto: 'tcp' }],
    ['53:53/udp', { hostIp: '', hostPort: 53, containerPort: 53, proto: 'udp' }],
    ['[::1]:8080:80', { hostIp: '::1', hostPort: 8080, containerPort: 80, proto: 'tcp' }],
  ])('%s', (spec, read) => {
    expect(readPublish(spec)).toEqual(read)
  })

  it.each(['web', '8080:http', '70000:80', '8080:0', ''])('refuses %j', (spec) => {
    expect(readPublish(spec)).toBeUndefined()
  })
})

describe('withTag', () => {
  it.each([
    ['app', 'app:latest'],
    ['app:1.0', 'app:1.0'],
    ['localhost:5000/app', 'localhost:5000/app:latest'],
    ['localhost:5000/app:v2', 'localhost:5000/app:v2'],
    ['ghcr.io/org/app', 'ghcr.io/org/app:latest'],
    [`app@sha256:${'a'.repeat(64)}`, `app@sha256:${'a'.repeat(64)}`],
  ])('%s is %s', (ref, tagged) => {
    expect(withTag(ref)).toBe(tagged)
  })
})
