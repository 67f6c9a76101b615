import { describe, expect, it } from 'vitest'
import { buildSecretProblem, mountProblem, optionProblem } from './run-flags.js'

describe("RUN --mount as Docker's parser reads it", () => {
  it.each([
    'type=cache,target=/root/.cache/pip',
    'type=cache,target=/var/cache/apt,sharing=locked,id=apt',
    'type=bind,source=requirements.txt,target=requirements.txt',
    'target=/src,from=src',
    'type=bind,src=.,dst=/src,rw',
    'type=secret,id=npmrc,target=/root/.npmrc,required=true',
    'type=secret,id=API_KEY,env=API_KEY',
    'type=ssh',
    'type=tmpfs,target=/tmp,size=64m',
    'type=cache,target=/cache,from=node:20,source=/root/.npm,mode=0755,uid=1000',
  ])('accepts %s', (value) => {
    expect(mountProblem(value, ['src', 'build'])).toBeUndefined()
  })

  it.each([
    ['type=cache', 'needs a target'],
    ['type=volume,target=/data', 'unsupported mount type'],
    ['type=bind,target=/x,sharing=locked', 'invalid cache sharing'],
    ['type=cache,target=/x,sharing=exclusive', 'unsupported sharing value'],
    ['type=secret,id=x,from=build', 'should not have a from'],
    ['type=secret', 'one of id, target required'],
    ['type=cache,target=/x,required', "unexpected key 'required'"],
    ['type=bind,target=/x,mode=0644', 'mode not allowed'],
    ['type=bind,target=/x,size=1g', "unexpected key 'size'"],
    ['type=cache,target=/x,readonly=maybe', 'invalid value for readonly'],
    ['type=cache,target=/x,owner=1000', "unexpected key 'owner'"],
    ['type=cache,target,/x', 'must be a key=value pair'],
    ['target=/x,from=$STAGE', "doesn't support variable expansion"],
  ])('refuses %s', (value, why) => {
    expect(mountProblem(value, ['build'])).toContain(why)
  })

  it('knows the other RUN options and no more', () => {
    expect(optionProblem({ name: 'network', value: 'none' }, [])).toBeUndefined()
    expect(optionProblem({ name: 'network', value: 'bridge' }, [])).toContain('unsupported network mode')
    expect(optionProblem({ name: 'security', value: 'insecure' }, [])).toBeUndefined()
    expect(optionProblem({ name: 'secret' }, [])).toContain('--mount=type=secret')
    expect(optionProblem({ name: 'cache', value: '/x' }, [])).toBe('RUN has no --cache option')
  })

  it('reads docker build --secret values', () => {
    expect(buildSecretProblem('id=npmrc,src=.npmrc')).toBeUndefined()
    expect(buildSecretProblem('id=token,env=GITHUB_TOKEN')).toBeUndefined()
    expect(buildSecretProblem('id=token,file=token.txt')).toContain("unexpected key 'file'")
    expect(buildSecretProblem('id=token,type=socket')).toContain('unsupported secret type')
  })
})
