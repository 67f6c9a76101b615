import { describe, expect, it } from 'vitest'
import { dockerRun, imageKey, readPublish } from './docker-cli.js'

const command = (text: string) => ({ line: 1, text, argv: text.split(/\s+/) })

describe('docker run as the CLI reads it', () => {
  it('finds the image after options that take values, bundled short flags and attached values', () => {
    const run = dockerRun(
      command(
        'docker run -dit --rm -e A=1 --name web -p8080:80 -v /x:/y --memory 512m nginx:alpine nginx -g daemon',
      ),
    )
    expect(run).toMatchObject({
      image: 'nginx:alpine',
      name: 'web',
      env: { A: '1' },
      detached: true,
      args: ['nginx', '-g', 'daemon'],
    })
    expect(run?.publish).toEqual([{ host: '8080', container: 80, text: '8080:80' }])
    expect(run?.options.get('--memory')).toEqual(['512m'])
  })

  it('reads docker container run and docker create, and nothing else', () => {
    expect(
      dockerRun(command('docker container run --publish=127.0.0.1:8000:8000/tcp app'))?.publish[0],
    ).toMatchObject({ host: '8000', container: 8000 })
    expect(dockerRun(command('docker create app'))?.image).toBe('app')
    expect(dockerRun(command('docker build -t app .'))).toBeUndefined()
  })

  it.each([
    ['80', { container: 80 }],
    ['8080:80', { host: '8080', container: 80 }],
    ['127.0.0.1:8080:80/udp', { host: '8080', container: 80 }],
    ['[::1]:8080:80', { host: '8080', container: 80 }],
  ])('publishes %s', (text, want) => {
    expect(readPublish(text)).toMatchObject(want)
  })

  it('compares references with Docker defaults', () => {
    expect(imageKey('nginx')).toBe('docker.io/library/nginx:latest')
    expect(imageKey('docker.io/library/nginx:latest')).toBe(imageKey('nginx'))
    expect(imageKey('<your-image>')).toBeUndefined()
  })
})
