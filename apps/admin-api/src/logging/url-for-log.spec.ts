import { urlForLog } from './url-for-log.js';

describe('urlForLog', () => {
  const KEY = 'desk-anna-6f1c0d2e9b';
  const isKey = (value: string) => value === KEY;

  it('hides the value of a parameter named like a secret, whatever its value', () => {
    expect(urlForLog('/works?api_key=abc&limit=5', isKey)).toBe('/works?api_key=[redacted]&limit=5');
    expect(urlForLog('/works?access_token=t&X-API-Key=k&Authorization=Bearer%20x', isKey)).toBe('/works?access_token=[redacted]&X-API-Key=[redacted]&Authorization=[redacted]');
  });

  it('hides a configured key wherever it is: another parameter, a bare parameter, a path segment, percent-encoded', () => {
    expect(urlForLog(`/history?cursor=${KEY}&limit=5`, isKey)).toBe('/history?cursor=[redacted]&limit=5');
    expect(urlForLog(`/history?${KEY}`, isKey)).toBe('/history?[redacted]');
    expect(urlForLog(`/works/${KEY}/history`, isKey)).toBe('/works/[redacted]/history');
    expect(urlForLog(`/history?q=${encodeURIComponent(KEY).replace('-', '%2D')}`, isKey)).toBe('/history?q=[redacted]');
  });

  it('leaves every other URL as it is, malformed escapes included', () => {
    for (const url of ['/works/0b6c3d2e-1f4a-4b5c-8d9e-0a1b2c3d4e5f?asOf=2025-01-01', '/history?cursor=%E0%A4%A&limit=', '/', '/works?a=1&&b']) {
      expect(urlForLog(url, isKey)).toBe(url);
    }
  });
});
