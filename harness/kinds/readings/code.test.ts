import { describe, expect, it } from 'vitest'
import { pythonLiteral } from './code.js'

describe('pythonLiteral', () => {
  it.each([
    ['{"status": "healthy"}', { status: 'healthy' }],
    ["{'status': 'healthy', 'version': '1.0'}", { status: 'healthy', version: '1.0' }],
    [`{"message": "it's up"}`, { message: "it's up" }],
    [`{'quote': 'say "hi"'}`, { quote: 'say "hi"' }],
    [
      '{"ok": True, "n": 3, "none": None, "xs": [1, 2.5,], "t": (1, 2)}',
      { ok: true, n: 3, none: null, xs: [1, 2.5], t: [1, 2] },
    ],
  ])('reads %s', (text, value) => {
    expect(pythonLiteral(text)).toEqual(value)
  })

  it.each(['{"status": get_status()}', '{"a": 1', 'x', '{"a": 1} + extra'])('refuses %s', (text) => {
    expect(pythonLiteral(text)).toBeUndefined()
  })
})
