import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES, downloadRuleSchema, downloadRulesSchema, ruleFolderProblem, type DownloadRule } from './download-rules';
import { chooseRule, fileNameOfUrl, ruleFolder } from './rule-match';
import { settingsSchema } from './settings';
import { DEFAULT_SETTINGS } from './settings-defaults';

function rule(id: string, over: Partial<DownloadRule>): DownloadRule {
  return { id, name: id, enabled: true, fileTypes: [], mimeTypes: [], sites: [], folder: id, ...over };
}

const DOWNLOADS = '/home/u/Downloads';

describe('chooseRule', () => {
  it('takes the first enabled rule that matches, in order', () => {
    const rules = [rule('off', { enabled: false, fileTypes: ['iso'] }), rule('first', { fileTypes: ['*.iso', 'img'] }), rule('second', { fileTypes: ['iso'] })];
    expect(chooseRule(rules, DOWNLOADS, { fileName: 'debian.ISO', url: 'http://x/y' })?.rule.id).toBe('first');
    expect(chooseRule(rules, DOWNLOADS, { fileName: 'disk.img', url: 'http://x/y' })?.folder).toBe('/home/u/Downloads/first');
    expect(chooseRule(rules, DOWNLOADS, { fileName: 'notes.txt', url: 'http://x/y' })).toBeUndefined();
    expect(chooseRule(rules.slice(2).reverse().concat(rules[1]!), DOWNLOADS, { fileName: 'a.iso', url: 'http://x/' })?.rule.id).toBe('second');
  });

  it('matches a file type list with dots, stars and several parts', () => {
    const r = [rule('t', { fileTypes: ['.tar.gz', '*.part1.rar'] })];
    expect(chooseRule(r, DOWNLOADS, { fileName: 'src.tar.gz', url: 'http://x/' })).toBeDefined();
    expect(chooseRule(r, DOWNLOADS, { fileName: 'film.part1.rar', url: 'http://x/' })).toBeDefined();
    expect(chooseRule(r, DOWNLOADS, { fileName: 'film.part2.rar', url: 'http://x/' })).toBeUndefined();
    expect(chooseRule(r, DOWNLOADS, { fileName: 'gz', url: 'http://x/' })).toBeUndefined();
  });

  it('matches a site with its subdomains, on the first or the final URL, and no look-alike', () => {
    const r = [rule('site', { sites: ['example.com'] })];
    for (const url of ['https://example.com/a', 'https://dl.cdn.example.com/a', 'http://EXAMPLE.com./x']) {
      expect(chooseRule(r, DOWNLOADS, { fileName: 'a', url })?.rule.id, url).toBe('site');
    }
    for (const url of ['https://notexample.com/a', 'https://example.com.evil.net/a', 'https://x.net/?example.com']) {
      expect(chooseRule(r, DOWNLOADS, { fileName: 'a', url }), url).toBeUndefined();
    }
    expect(chooseRule(r, DOWNLOADS, { fileName: 'a', url: 'https://short.link/1', finalUrl: 'https://mirror.example.com/a' })).toBeDefined();
  });

  it('matches a MIME type or a family of them, parameters ignored', () => {
    const r = [rule('pdf', { mimeTypes: ['application/pdf'] }), rule('video', { mimeTypes: ['video/*'] })];
    expect(chooseRule(r, DOWNLOADS, { fileName: 'download', mimeType: 'application/PDF; charset=binary', url: 'http://x/' })?.rule.id).toBe('pdf');
    expect(chooseRule(r, DOWNLOADS, { fileName: 'watch', mimeType: 'video/mp4', url: 'http://x/' })?.rule.id).toBe('video');
    expect(chooseRule(r, DOWNLOADS, { fileName: 'watch', mimeType: 'videogame/x', url: 'http://x/' })).toBeUndefined();
    expect(chooseRule(r, DOWNLOADS, { fileName: 'watch.mp4', url: 'http://x/' })).toBeUndefined();
  });

  it('matches a URL pattern over the whole URL; every criterion a rule names must hold', () => {
    const r = [rule('builds', { urlPattern: 'https://ci.example.com/builds/*', fileTypes: ['zip'] })];
    expect(chooseRule(r, DOWNLOADS, { fileName: 'b.zip', url: 'https://ci.example.com/builds/42/b.zip' })).toBeDefined();
    expect(chooseRule(r, DOWNLOADS, { fileName: 'b.tar', url: 'https://ci.example.com/builds/42/b.tar' })).toBeUndefined();
    expect(chooseRule(r, DOWNLOADS, { fileName: 'b.zip', url: 'https://ci.example.com/other/b.zip' })).toBeUndefined();
    // Regex characters in a pattern stand for themselves.
    expect(chooseRule([rule('q', { urlPattern: 'http://x/a?b=*' })], DOWNLOADS, { fileName: 'a', url: 'http://x/a?b=1' })).toBeDefined();
    expect(chooseRule([rule('q', { urlPattern: 'http://x/a?b=*' })], DOWNLOADS, { fileName: 'a', url: 'http://x/ab=1' })).toBeUndefined();
  });

  it('puts a relative folder inside the download folder, in its spelling; keeps an absolute one', () => {
    expect(ruleFolder('Images', '/home/u/Downloads/')).toBe('/home/u/Downloads/Images');
    expect(ruleFolder('Media/Images', 'C:\\Users\\u\\Downloads')).toBe('C:\\Users\\u\\Downloads\\Media\\Images');
    expect(ruleFolder('x', '/')).toBe('/x');
    expect(ruleFolder('/srv/isos', DOWNLOADS)).toBe('/srv/isos');
    expect(ruleFolder('D:\\isos', DOWNLOADS)).toBe('D:\\isos');
  });
});

describe('rule schema', () => {
  it('refuses a rule that matches nothing and folders that leave the download folder', () => {
    expect(downloadRuleSchema.safeParse(rule('none', {})).success).toBe(false);
    expect(ruleFolderProblem('../.config/autostart')).toMatch(/cannot go up/);
    expect(ruleFolderProblem('Images/../../x')).toMatch(/cannot go up/);
    expect(ruleFolderProblem('~/x')).toBeDefined();
    expect(ruleFolderProblem('C:x')).toBeDefined();
    expect(ruleFolderProblem('Images')).toBeUndefined();
    expect(ruleFolderProblem('/srv/isos')).toBeUndefined();
    expect(downloadRulesSchema.safeParse([rule('a', { sites: ['x'] }), rule('a', { sites: ['y'] })]).success).toBe(false);
  });

  it('has ABDM-like defaults that are valid settings and file what their names say', () => {
    expect(DEFAULT_RULES.map((r) => r.name)).toEqual(['Compressed', 'Documents', 'Music', 'Video', 'Programs', 'Images']);
    expect(settingsSchema.safeParse({ ...DEFAULT_SETTINGS, downloadDirectory: DOWNLOADS }).success).toBe(true);
    const folderOf = (name: string) => chooseRule(DEFAULT_RULES, DOWNLOADS, { fileName: name, url: 'http://x/' })?.folder;
    expect(folderOf('a.zip')).toBe('/home/u/Downloads/Compressed');
    expect(folderOf('a.pdf')).toBe('/home/u/Downloads/Documents');
    expect(folderOf('a.flac')).toBe('/home/u/Downloads/Music');
    expect(folderOf('a.mkv')).toBe('/home/u/Downloads/Video');
    expect(folderOf('a.msi')).toBe('/home/u/Downloads/Programs');
    expect(folderOf('a.png')).toBe('/home/u/Downloads/Images');
    expect(folderOf('a.bin')).toBeUndefined();
  });

  it('reads the name a URL suggests', () => {
    expect(fileNameOfUrl('https://x/a/b%20c.iso?x=1')).toBe('b c.iso');
    expect(fileNameOfUrl('not a url')).toBe('');
  });
});
