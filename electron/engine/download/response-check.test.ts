import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkResponse, ifRangeValidator, parseContentRange, type RangeAsked } from './response-check';

const resumeAsk: RangeAsked = { offset: 1000, knownTotal: 5000, etag: '"v1"' };

describe('checkResponse', () => {
  it('appends a 206 that starts exactly at our offset with the known total', () => {
    expect(checkResponse(resumeAsk, { status: 206, contentRange: 'bytes 1000-4999/5000', etag: '"v1"' })).toEqual({
      action: 'append',
      totalBytes: 5000,
      resumable: true,
    });
  });

  it('never appends a 206 at another offset, with another total or another version', () => {
    expect(checkResponse(resumeAsk, { status: 206, contentRange: 'bytes 0-4999/5000' }).action).toBe('mismatch');
    expect(checkResponse(resumeAsk, { status: 206, contentRange: 'bytes 1000-5999/6000' }).action).toBe('mismatch');
    expect(checkResponse(resumeAsk, { status: 206, contentRange: 'bytes 1000-4999/5000', etag: '"v2"' }).action).toBe('mismatch');
    expect(checkResponse(resumeAsk, { status: 206 }).action).toBe('mismatch');
    expect(checkResponse(resumeAsk, { status: 206, contentRange: 'bytes 1000-999/5000' }).action).toBe('mismatch');
    expect(checkResponse(resumeAsk, { status: 206, contentRange: 'garbage' }).action).toBe('mismatch');
  });

  it('restarts on 200: changed file stays resumable, ignored range does not', () => {
    const changed = checkResponse(resumeAsk, { status: 200, contentLength: '6000', etag: '"v2"', acceptRanges: 'bytes' });
    expect(changed).toMatchObject({ action: 'restart', totalBytes: 6000, resumable: true, reason: 'the file changed on the server' });
    const ignored = checkResponse(resumeAsk, { status: 200, contentLength: '5000', etag: '"v1"' });
    expect(ignored).toMatchObject({ action: 'restart', resumable: false, reason: 'the server ignored the range request' });
    const fresh = checkResponse({ offset: 0, knownTotal: null }, { status: 200 });
    expect(fresh).toMatchObject({ action: 'restart', totalBytes: null, resumable: false });
  });

  it('416 asks for a size check when resuming, fails otherwise', () => {
    expect(checkResponse(resumeAsk, { status: 416, contentRange: 'bytes */1000' })).toEqual({ action: 'check-size', totalBytes: 1000 });
    expect(checkResponse(resumeAsk, { status: 416 })).toEqual({ action: 'check-size', totalBytes: null });
    const fresh = checkResponse({ offset: 0, knownTotal: null }, { status: 416 });
    expect(fresh.action).toBe('fail');
  });

  it('fails other statuses with the status in a readable error', () => {
    const notFound = checkResponse(resumeAsk, { status: 404, statusText: 'Not Found' });
    expect(notFound.action === 'fail' && notFound.failure.error).toMatchObject({ code: 'HTTP_STATUS', status: 404, retryable: false });
    const busy = checkResponse(resumeAsk, { status: 503, retryAfter: '7' });
    expect(busy.action === 'fail' && busy.failure.error.retryable).toBe(true);
    expect(busy.action === 'fail' && busy.failure.retryAfterMs).toBe(7000);
    expect(busy.action === 'fail' && busy.failure.message).toMatch(/503/);
  });
});

describe('helpers', () => {
  it('parses Content-Range', () => {
    expect(parseContentRange('bytes 5-9/10')).toEqual({ start: 5, end: 9, total: 10 });
    expect(parseContentRange('bytes 5-9/*')).toEqual({ start: 5, end: 9, total: null });
    expect(parseContentRange('bytes 5-10/10')).toBeUndefined();
  });
  it('uses a strong ETag for If-Range, else Last-Modified, never a weak ETag', () => {
    expect(ifRangeValidator({ etag: '"a"', lastModified: 'Mon' })).toBe('"a"');
    expect(ifRangeValidator({ etag: 'W/"a"', lastModified: 'Mon' })).toBe('Mon');
    expect(ifRangeValidator({ etag: 'W/"a"' })).toBeUndefined();
  });
});

describe('checkResponse (property)', () => {
  it('appends only a 206 that starts at our offset, for the same size and version', () => {
    const etag = fc.constantFrom(undefined, '"v1"', '"v2"', 'W/"v1"');
    const asked = fc.record({ offset: fc.nat(5000), knownTotal: fc.option(fc.nat(6000), { nil: null }), etag });
    // Half the responses start exactly at the offset, so the interesting case is common.
    const scenario = asked.chain((a) =>
      fc.tuple(
        fc.constant(a),
        fc.record({
          status: fc.constantFrom(200, 206, 206, 416, 404, 503),
          start: fc.oneof(fc.constant(a.offset), fc.nat(6000)),
          len: fc.nat(6000),
          total: fc.oneof(fc.constant(a.knownTotal), fc.option(fc.nat(12_000), { nil: null })),
          etag: fc.oneof(fc.constant(a.etag), etag),
        }),
      ),
    );
    let appended = 0;
    fc.assert(
      fc.property(scenario, ([a, r]) => {
        const end = r.start + r.len;
        const contentRange = `bytes ${r.start}-${end}/${r.total ?? '*'}`;
        const decision = checkResponse(a, { status: r.status, contentRange, ...(r.etag ? { etag: r.etag } : {}) });
        if (decision.action !== 'append') return;
        appended++;
        expect(r.status).toBe(206);
        expect(r.start).toBe(a.offset);
        if (a.offset > 0 && a.knownTotal !== null && r.total !== null) expect(r.total).toBe(a.knownTotal);
        if (a.offset > 0 && a.etag && r.etag) expect(r.etag).toBe(a.etag);
        if (r.total !== null) expect(end).toBeLessThan(r.total);
      }),
      { numRuns: 3000 },
    );
    expect(appended).toBeGreaterThan(50);
  });
});
