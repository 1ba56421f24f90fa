import { sourceOf } from './source-of.js';

describe('sourceOf', () => {
  it('prefers X-Source', () => {
    expect(sourceOf({ 'x-source': 'bot-7', 'x-forwarded-for': '10.0.0.1' }, '127.0.0.1')).toBe('bot-7');
  });

  it('takes the first X-Forwarded-For address, the original client', () => {
    expect(sourceOf({ 'x-forwarded-for': ' 100.64.1.2 , 10.0.0.9' }, '127.0.0.1')).toBe('100.64.1.2');
  });

  it('falls back to the peer address, then to "unknown"', () => {
    expect(sourceOf({}, '::ffff:127.0.0.1')).toBe('::ffff:127.0.0.1');
    expect(sourceOf({ 'x-forwarded-for': '  ' }, undefined)).toBe('unknown');
  });

  it('cuts long header values so a source stays small', () => {
    expect(sourceOf({ 'x-source': 'x'.repeat(500) }, undefined)).toHaveLength(64);
  });
});
