// @vitest-environment jsdom
// Issue 18 item 15: two rows with the same name say where each one is (folder, or host for uploads).
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useTransfers } from '../store/transfers-store';
import { snapshot, view } from '../test/views';
import { TransferList } from './TransferList';

beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 600 });
});
afterEach(cleanup);

const download = (id: string, name: string, directory: string) =>
  view(id, 'completed', { name, download: { directory, fileName: name, resumable: true } });

describe('rows with the same name', () => {
  it('show their folder (downloads) or host (uploads); a unique name shows none', () => {
    act(() =>
      useTransfers.getState().applySnapshot(
        snapshot([
          download('a', 'report.pdf', '/home/you/Downloads/'),
          download('b', 'report.pdf', '/home/you/Work'),
          download('c', 'alone.iso', '/home/you/Downloads'),
          view('u1', 'completed', { kind: 'upload', name: 'notes.md', url: 'https://dav.example.org/in/{filename}' }),
          view('u2', 'completed', { kind: 'upload', name: 'notes.md', url: 'http://127.0.0.1:8080/inbox/notes.md' }),
          // Same folder, same host: the URL tells them apart.
          view('s1', 'active', { name: 'crawl.bin', url: 'http://127.0.0.1:9/crawl.bin', download: { directory: '/dl', fileName: 'crawl.bin', resumable: true } }),
          view('s2', 'active', { name: 'crawl.bin', url: 'http://127.0.0.1:9/crawl.bin?copy=2', download: { directory: '/dl', fileName: 'crawl.bin', resumable: true } }),
        ]),
      ),
    );
    render(<TransferList initialHeight={600} />);
    const nameOf = (id: string) => document.getElementById(`row-${id}`)!.querySelector('.row__name')!.textContent;
    expect(nameOf('a')).toBe('report.pdf — /home/you/Downloads');
    expect(nameOf('b')).toBe('report.pdf — /home/you/Work');
    expect(nameOf('c')).toBe('alone.iso');
    expect(nameOf('u1')).toBe('notes.md — dav.example.org');
    expect(nameOf('u2')).toBe('notes.md — 127.0.0.1:8080');
    expect(nameOf('s1')).toBe('crawl.bin — 127.0.0.1:9/crawl.bin');
    expect(nameOf('s2')).toBe('crawl.bin — 127.0.0.1:9/crawl.bin?copy=2');
    // The accessible name stays the transfer's name and state.
    expect(screen.getByRole('row', { name: 'alone.iso, Completed' })).toBeTruthy();
  });
});
