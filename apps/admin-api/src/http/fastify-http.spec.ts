import { BadRequestException } from '@nestjs/common';
import { exceedsDepth, MAX_JSON_DEPTH, parseStrictJson } from './fastify-http.js';

describe('parseStrictJson: the depth bound', () => {
  const nested = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

  it(`reads JSON nested ${MAX_JSON_DEPTH} levels and refuses one level more, naming the bound`, () => {
    expect(parseStrictJson(nested(MAX_JSON_DEPTH))).toBeInstanceOf(Array);
    expect(() => parseStrictJson(nested(MAX_JSON_DEPTH + 1))).toThrow(new BadRequestException(`JSON nested deeper than ${MAX_JSON_DEPTH} levels of objects and arrays; the API reads at most ${MAX_JSON_DEPTH}`));
    expect(() => parseStrictJson(nested(100_000))).toThrow(/deeper than/);
  });

  it('counts objects and arrays alike, and side by side is not deeper', () => {
    expect(exceedsDepth('{"a":[{"b":[1]}]}', 4)).toBe(false);
    expect(exceedsDepth('{"a":[{"b":[1]}]}', 3)).toBe(true);
    expect(exceedsDepth(`[${Array.from({ length: 100 }, () => '[[1]]').join(',')}]`, 3)).toBe(false);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(exceedsDepth(JSON.stringify({ note: '[[[[[[[[{{{{{{' }), 1)).toBe(false);
    expect(exceedsDepth(JSON.stringify({ note: 'say \\"[[[[ "[[[[' }), 1)).toBe(false);
    expect(exceedsDepth(JSON.stringify({ note: '\\' , next: [[1]] }), 2)).toBe(true);
  });

  it('gives JSON.parse its own message for a body that does not parse, however deep', () => {
    expect(() => parseStrictJson(nested(100) + ',')).toThrow(/JSON/);
    expect(() => parseStrictJson(nested(100) + ',')).not.toThrow(/deeper/);
  });
});
