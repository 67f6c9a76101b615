import { describe, expect, it } from 'vitest'
import { mapRun, normaliseLine, readSize, sizeHolds } from './normalise.js'

const skeleton = (line: string) => normaliseLine(line).skeleton

describe('normaliseLine', () => {
  it.each([
    ['Successfully built 225f7f8b0c4c', 'Successfully built <id>'],
    ['896f545c6654c4dfeaf9f1ae76dbd98c764a841f573588999043838e28a75c5b', '<id>'],
    [
      'writing image sha256:c051549b52bb79e057e1e838b5b82b56b8b08bf533be12e033377c55c0bf82f6 done',
      'writing image sha256:<digest> done',
    ],
    ['python@sha256:0a1b2c3d4e5f', 'python@sha256:<digest>'],
    ['2024-03-01T10:00:00.123456789Z', '<time>'],
    ['Created: 2024-03-01 10:00:00 +0000 UTC', 'Created: <time>'],
    ['Date: Tue, 05 Mar 2024 10:00:00 GMT', 'Date: <time>'],
    ['Tue Mar  5 10:00:00 UTC 2024', '<time>'],
    ['walk-probe   1   Less than a second ago', 'walk-probe   1   <ago>'],
    ['15 seconds ago', '<ago>'],
    ['About a minute ago', '<ago>'],
    ['Up About an hour (healthy)', 'Up <duration> (healthy)'],
    ['Exited (0) 3 hours ago', 'Exited (0) <ago>'],
    ['#8 DONE 0.4s', '#8 DONE <duration>'],
    ['#5 0.512 Collecting fastapi', '#5 <t> Collecting fastapi'],
    ['[+] Building 12.3s (10/10) FINISHED', '[+] Building <duration> (10/10) FINISHED'],
    ['real\t0m1.234s', 'real\t<duration>'],
    ['Resolved 12 packages in 45ms', 'Resolved 12 packages in <duration>'],
    ['INFO:     Started server process [27]', 'INFO:     Started server process [<pid>]'],
    ['[1] 12345', '[1] <pid>'],
    [
      'INFO:     127.0.0.1:54321 - "GET /health HTTP/1.1" 200 OK',
      'INFO:     127.0.0.1:<port> - "GET /health HTTP/1.1" 200 OK',
    ],
    ['wrote /tmp/lessonproof-walk-Xa3b9/out.txt', 'wrote /tmp/<tmp>/out.txt'],
    ['0.0.0.0:8000->8000/tcp, :::8000->8000/tcp', '8000->8000/tcp'],
    ['127.0.0.1:8000->8000/tcp', '8000->8000/tcp'],
    ['8000/tcp -> 0.0.0.0:8000', '8000/tcp -> <host>:8000'],
  ])('normalises %j', (line, expected) => {
    expect(skeleton(line)).toBe(expected)
  })

  it('keeps what does not change between runs', () => {
    expect(skeleton('uv 0.4.18')).toBe('uv 0.4.18')
    expect(skeleton('{"status":"ok","version":"1.0.0"}')).toBe('{"status":"ok","version":"1.0.0"}')
    expect(skeleton('Hello from task-api')).toBe('Hello from task-api')
  })

  it('does not take distinct ports for the same binding', () => {
    expect(skeleton('0.0.0.0:8000->8000/tcp')).not.toBe(skeleton('0.0.0.0:8001->8000/tcp'))
  })

  it('takes sizes out: docker decimal units, ls -h binary letters, spaced units', () => {
    const { skeleton: s, sizes } = normaliseLine('task-api   slim   225f7f8b0c4c   2 weeks ago   125MB')
    expect(s).toBe('task-api   slim   <id>   <ago>   <size>')
    expect(sizes).toEqual([{ bytes: 125e6, text: '125MB', rounding: 0.5e6 }])
    expect(normaliseLine('-rwxr-xr-x 1 root root 4.0K Mar  5 10:00 server').sizes[0]?.bytes).toBe(4096)
    expect(normaliseLine('The image is 428 MB').sizes[0]?.bytes).toBe(428e6)
  })

  it('reads the byte count of ls -l without -h', () => {
    const { skeleton: s, sizes } = normaliseLine('-rw-r--r-- 1 root root 157 Nov 26 14:08 Dockerfile')
    expect(s).toBe('-rw-r--r-- 1 <owner> <group> <size> <time> Dockerfile')
    expect(sizes[0]?.bytes).toBe(157)
  })

  it('reads ls -l lines whoever owns the files and however ls padded them', () => {
    const author = normaliseLine('-rwxr-xr-x  1 alice  staff   4.5M Mar  1 10:00 server')
    const here = normaliseLine('-rwxr-xr-x 1 root root 4.4M Nov 26 14:08 server')
    expect(author.skeleton).toBe(here.skeleton)
    expect(normaliseLine('-rw-r--r-- 1 root root 4.4M Nov 26 14:08 server').skeleton).not.toBe(here.skeleton)
  })

  it('normalises the addresses of Docker’s bridge networks, not others', () => {
    expect(skeleton('"IPAddress": "172.17.0.3"')).toBe('"IPAddress": "<bridge-ip>"')
    expect(skeleton('Listening on 127.0.0.1:8000 and 10.0.0.5')).toBe(
      'Listening on 127.0.0.1:8000 and 10.0.0.5',
    )
  })

  it('finds no size in versions and words', () => {
    expect(normaliseLine('python:3.12-slim with 10-100x speed and x86_64').sizes).toEqual([])
  })

  it('applies the caller’s patterns', () => {
    expect(normaliseLine('container sharp_hamilton', [/\b[a-z]+_[a-z]+\b/]).skeleton).toBe('container <var>')
  })
})

describe('sizeHolds', () => {
  const size = (text: string) => {
    const s = readSize(text)
    if (!s) throw new Error(text)
    return s
  }
  it('holds within the tolerance plus the claim’s rounding, and not beyond', () => {
    expect(sizeHolds(size('125MB'), size('144MB'), 15)).toBe(true)
    expect(sizeHolds(size('125MB'), size('145MB'), 15)).toBe(false)
    expect(sizeHolds(size('125MB'), size('106MB'), 15)).toBe(true)
    expect(sizeHolds(size('125MB'), size('106MB'), 0)).toBe(false)
    expect(sizeHolds(size('0B'), size('0B'), 0)).toBe(true)
    expect(sizeHolds(size('0B'), size('8.19kB'), 15)).toBe(false)
  })
  it('reads the exponent Docker prints for 999.5–999.999 kB', () => {
    // `docker history` here printed "1e+03kB" for a layer of 999999 bytes.
    expect(readSize('1e+03kB')).toEqual({ bytes: 1e6, text: '1e+03kB', rounding: 500_000 })
    expect(sizeHolds(size('1e+03kB'), size('999999 bytes'), 0)).toBe(true)
  })

  it('compares across units', () => {
    expect(sizeHolds(size('1.21GB'), size('1210MB'), 0)).toBe(true)
    expect(sizeHolds(size('12M'), size('12582912 bytes'), 0)).toBe(true)
  })
})

describe('mapRun', () => {
  it('writes the run’s published ports and paths as the lesson’s', () => {
    const mapping = {
      ports: [{ lesson: 8000, run: 49153 }],
      replacements: [{ actual: '/lesson', claimed: '/home/me/app' }],
    }
    expect(mapRun('127.0.0.1:49153->8000/tcp', mapping)).toBe('127.0.0.1:8000->8000/tcp')
    expect(mapRun('curl http://localhost:49153/health', mapping)).toBe('curl http://localhost:8000/health')
    expect(mapRun('/lesson/main.py', mapping)).toBe('/home/me/app/main.py')
    // Another number that merely contains the port is left alone.
    expect(mapRun('size 1491530 and :491530', mapping)).toBe('size 1491530 and :491530')
  })
})
