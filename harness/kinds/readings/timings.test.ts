import { describe, expect, it } from 'vitest'
import { median, toolOf } from './timings.js'

describe('toolOf', () => {
  it('names the tool a RUN step runs, as a command, not as a word in an argument', () => {
    expect(toolOf('RUN uv pip install --system -r requirements.txt')).toBe('uv')
    expect(toolOf('RUN pip install --no-cache-dir -r requirements.txt')).toBe('pip')
    expect(toolOf('RUN pip install uv')).toBeUndefined()
    expect(toolOf('RUN sha512sum /release.tar > /release.sha512')).toBe('sha512sum')
    expect(toolOf('RUN cd /srv && gzip -9 -k data.txt')).toBe('gzip')
    expect(toolOf('RUN echo gzip')).toBeUndefined()
    expect(toolOf('COPY gzip /usr/bin/')).toBeUndefined()
  })
})

describe('median', () => {
  it('takes the middle one, or the mean of the two in the middle', () => {
    expect(median([3, 1, 2])).toBe(2)
    expect(median([4, 1, 2, 3])).toBe(2.5)
  })
})
