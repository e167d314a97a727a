// Turning stored requests and saved destinations into what goes on the wire.
import { describe, expect, it } from 'vitest';
import type { Destination } from '../../../shared/settings';
import { MemorySecretsProvider } from '../secrets';
import { TransferFailure } from '../types';
import { uploadRequestFromDestination } from './destination';
import { expandUploadUrl, resolveHeaders } from './request-target';

describe('expandUploadUrl', () => {
  it('replaces every {filename} with the URL-encoded name', () => {
    expect(expandUploadUrl('http://h/u/{filename}?n={filename}', 'a b#?.txt')).toBe('http://h/u/a%20b%23%3F.txt?n=a%20b%23%3F.txt');
    expect(expandUploadUrl('https://h/fixed', 'x')).toBe('https://h/fixed');
  });

  it('refuses other schemes and garbage', () => {
    expect(() => expandUploadUrl('ftp://h/{filename}', 'x')).toThrow(TransferFailure);
    expect(() => expandUploadUrl('file:///etc/{filename}', 'x')).toThrow(/Only http and https/);
    expect(() => expandUploadUrl('not a url', 'x')).toThrow(/Not a valid upload URL/);
  });
});

describe('resolveHeaders', () => {
  it('resolves secret: references and passes plain values through', async () => {
    const secrets = new MemorySecretsProvider({ tok: 'Bearer abc' });
    expect(await resolveHeaders({ Authorization: 'secret:tok', 'X-A': 'plain' }, secrets)).toEqual({
      Authorization: 'Bearer abc',
      'X-A': 'plain',
    });
  });

  it('fails readably without a provider, for unknown refs and for secrets with line breaks', async () => {
    await expect(resolveHeaders({ A: 'secret:x' }, undefined)).rejects.toThrow(/no secret store/);
    await expect(resolveHeaders({ A: 'secret:x' }, new MemorySecretsProvider())).rejects.toThrow(/header A/);
    await expect(resolveHeaders({ A: 'secret:x' }, new MemorySecretsProvider({ x: 'a\r\nInjected: 1' }))).rejects.toThrow(/line break/);
  });
});

describe('uploadRequestFromDestination', () => {
  const destination: Destination = {
    id: 'd1',
    name: 'Team share',
    url: 'https://files.example/up/{filename}',
    method: 'POST',
    protocol: 'multipart',
    headers: [
      { name: 'Authorization', value: '••••••••', secret: true },
      { name: 'X-Team', value: 'blue', secret: false },
    ],
    fieldName: 'upload',
    fields: { folder: 'inbox' },
  };

  it('keeps plain values, turns secret ones into references and carries the multipart fields', () => {
    const req = uploadRequestFromDestination(destination, '/home/u/a.txt', (d, h) => `${d.id}/${h.name}`);
    expect(req).toEqual({
      sourcePath: '/home/u/a.txt',
      url: 'https://files.example/up/{filename}',
      method: 'POST',
      protocol: 'multipart',
      headers: { Authorization: 'secret:d1/Authorization', 'X-Team': 'blue' },
      destinationId: 'd1',
      fieldName: 'upload',
      fields: { folder: 'inbox' },
    });
    expect(JSON.stringify(req)).not.toContain('••');
  });

  it('leaves multipart settings out for raw and tus', () => {
    const req = uploadRequestFromDestination({ ...destination, protocol: 'tus' }, '/a', () => 'r');
    expect(req.fieldName).toBeUndefined();
    expect(req.fields).toBeUndefined();
    expect(req.protocol).toBe('tus');
  });
});
