// Clipboard watching: what is offered and what is not, over the fake electron's clipboard and a
// timer the test ticks itself.
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES } from '../../shared/download-rules';
import type { Settings } from '../../shared/settings';
import { createFakeElectron } from '../../test-support/fake-electron';
import { copiedLink, watchClipboard } from './clipboard-watch';

function setup(mode: Settings['clipboardWatch'], listed: string[] = []) {
  const { clipboard } = createFakeElectron();
  const settings = { clipboardWatch: mode, rules: [...DEFAULT_RULES] };
  const offered: string[] = [];
  let reads = 0;
  let stopped = false;
  const watch = watchClipboard({
    readText: () => (reads++, clipboard.readText()),
    settings: () => settings,
    listedUrls: () => listed,
    offer: (url) => offered.push(url),
    every: () => () => void (stopped = true),
  });
  const copy = (text: string) => {
    clipboard.writeText(text);
    watch.check();
  };
  return { clipboard, settings, offered, copy, watch, reads: () => reads, stopped: () => stopped };
}

describe('clipboard watching', () => {
  it('notes what is on the clipboard at start without offering it', () => {
    const { clipboard } = createFakeElectron();
    clipboard.writeText('https://example.com/old.zip');
    const offered: string[] = [];
    const watch = watchClipboard({ readText: () => clipboard.readText(), settings: () => ({ clipboardWatch: 'any-link', rules: [] }), listedUrls: () => [], offer: (u) => offered.push(u), every: () => () => {} });
    watch.check();
    clipboard.writeText('https://example.com/new.zip');
    watch.check();
    expect(offered).toEqual(['https://example.com/new.zip']);
  });

  it('reads nothing while off, and does not offer what was copied before it was switched on', () => {
    const t = setup('off');
    t.copy('https://example.com/a.zip');
    expect([t.reads(), t.offered]).toEqual([0, []]);
    t.settings.clipboardWatch = 'download-links';
    t.watch.check(); // notes what is there now
    t.watch.check();
    expect(t.reads()).toBe(2);
    expect(t.offered).toEqual([]);
    t.copy('https://example.com/b.zip');
    expect(t.offered).toEqual(['https://example.com/b.zip']);
    t.watch.stop();
    expect(t.stopped()).toBe(true);
  });

  it('offers links the rules know by their file types; any http(s) link when asked; never text or other schemes', () => {
    const t = setup('download-links');
    for (const text of ['https://example.com/page.html', 'https://example.com/', 'see https://example.com/a.zip', 'ftp://example.com/a.zip', 'file:///etc/a.zip', 'javascript:alert(1)//.zip']) t.copy(text);
    expect(t.offered).toEqual([]);
    t.copy('  https://dl.example.com/Setup.EXE\n');
    t.copy('https://example.com/photo.jpg?size=large');
    expect(t.offered).toEqual(['https://dl.example.com/Setup.EXE', 'https://example.com/photo.jpg?size=large']);
    t.settings.clipboardWatch = 'any-link';
    t.copy('https://example.com/page.html');
    expect(t.offered.at(-1)).toBe('https://example.com/page.html');
  });

  it('skips a link already listed or offered once, and one whose rule is switched off', () => {
    const t = setup('download-links', ['https://example.com/listed.iso']);
    t.copy('https://example.com/listed.iso');
    t.copy('https://example.com/new.iso');
    t.copy('something else');
    t.copy('https://example.com/new.iso');
    expect(t.offered).toEqual(['https://example.com/new.iso']);
    t.settings.rules = t.settings.rules.map((r) => ({ ...r, enabled: r.id !== 'music' }));
    t.copy('https://example.com/song.mp3');
    expect(t.offered).toEqual(['https://example.com/new.iso']);
  });

  it('reads one URL out of what was copied', () => {
    expect(copiedLink('HTTPS://Example.com/a b')).toBeUndefined();
    expect(copiedLink('https://Example.com/x.zip')).toBe('https://example.com/x.zip');
    expect(copiedLink(`https://example.com/${'a'.repeat(5000)}`)).toBeUndefined();
  });
});
