// aria2's proxy options (all-proxy, http-proxy, https-proxy, no-proxy) as Ferry reads and shows
// them: per download in addUri/changeOption, globally in changeGlobalOption/getGlobalOption.
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type Settings } from '../../../../shared/settings';
import { downloadOptionsFrom, globalOptionsView, OptionError, optionsView, proxyChoiceFrom, settingsPatchFrom } from './options';

const settings = (proxy: Settings['proxy']): Settings => ({ ...DEFAULT_SETTINGS, downloadDirectory: '/home/u/Downloads', proxy });

describe('aria2 proxy options', () => {
  it('addUri: the options become the download\'s own proxy; "" for all of them means none', () => {
    expect(downloadOptionsFrom({ 'all-proxy': 'socks5h://u:p@127.0.0.1:1080', 'no-proxy': 'localhost,10.0.0.0/8' }).proxy).toEqual({
      mode: 'manual',
      all: 'socks5h://u:p@127.0.0.1:1080',
      noProxy: 'localhost,10.0.0.0/8',
    });
    expect(downloadOptionsFrom({ 'http-proxy': 'proxy.test:3128', 'https-proxy': 'http://proxy.test:3129' }).proxy).toEqual({
      mode: 'manual',
      http: 'proxy.test:3128',
      https: 'http://proxy.test:3129',
    });
    expect(downloadOptionsFrom({ 'all-proxy': '' }).proxy).toEqual({ mode: 'none' });
    expect(downloadOptionsFrom({ dir: '/x' }).proxy).toBeUndefined();
  });

  it('a bad address is refused in aria2\'s words, its password masked', () => {
    expect(() => downloadOptionsFrom({ 'all-proxy': 'ftp://u:hunter2@p.test' })).toThrow(OptionError);
    expect(() => downloadOptionsFrom({ 'all-proxy': 'ftp://u:hunter2@p.test' })).toThrow(/processing the option '--all-proxy': Unsupported proxy scheme "ftp" in ftp:\/\/u:•+@p\.test/);
    expect(() => downloadOptionsFrom({ 'all-proxy': 'ftp://u:hunter2@p.test' })).not.toThrow(/hunter2/);
    expect(() => downloadOptionsFrom({ 'no-proxy': 'a\nb', 'all-proxy': 'p.test:1' })).toThrow(/no-proxy/);
  });

  it('changeGlobalOption changes only the options it names', () => {
    const manual = settings({ mode: 'manual', all: 'http://p.test:3128', noProxy: 'intra.test' });
    expect(settingsPatchFrom({ 'https-proxy': 'socks5h://s.test:1080' }, manual).proxy).toEqual({
      mode: 'manual',
      all: 'http://p.test:3128',
      https: 'socks5h://s.test:1080',
      noProxy: 'intra.test',
    });
    expect(settingsPatchFrom({ 'no-proxy': '*' }, manual).proxy).toEqual({ mode: 'manual', all: 'http://p.test:3128', noProxy: '*' });
    // Clearing the last proxy set by hand: no proxy, as for aria2.
    expect(settingsPatchFrom({ 'all-proxy': '' }, manual).proxy).toEqual({ mode: 'none' });
    // "Clearing" where none was set by hand changes nothing (the system's settings stay followed).
    expect(settingsPatchFrom({ 'all-proxy': '' }, settings({ mode: 'system' })).proxy).toEqual({ mode: 'system' });
    expect(() => settingsPatchFrom({ 'no-proxy': 'x.test' }, settings({ mode: 'system' }))).toThrow(/no proxy is set by hand/);
    expect(settingsPatchFrom({ 'max-tries': '3' }, manual).proxy).toBeUndefined();
    // A stored password (a reference) comes back masked, so the service keeps it and nothing else can.
    const withPassword = settings({ mode: 'manual', all: 'http://me:secret%3Asettings.proxy.all@p.test:3128' });
    expect(settingsPatchFrom({ 'no-proxy': 'a.test' }, withPassword).proxy).toEqual({ mode: 'manual', all: 'http://me:••••••••@p.test:3128', noProxy: 'a.test' });
  });

  it('getGlobalOption and getOption show the proxies with passwords masked', () => {
    const shown = globalOptionsView(settings({ mode: 'manual', all: 'http://me:secret%3Asettings.proxy.all@p.test:3128', noProxy: 'localhost' }), { listenPort: 6800 });
    expect(shown['all-proxy']).toBe('http://me:••••••••@p.test:3128');
    expect(shown['no-proxy']).toBe('localhost');
    expect(globalOptionsView(settings({ mode: 'system' }), { listenPort: 6800 })['all-proxy']).toBeUndefined();
    const own = optionsView({ directory: '/d', defaultConnections: 16 }, { proxy: { mode: 'manual', https: 'socks5://u:hunter2@s.test:1080' } });
    expect(own['https-proxy']).toBe('socks5://u:••••••••@s.test:1080');
    expect(optionsView({ directory: '/d', defaultConnections: 16 }, { proxy: { mode: 'none' } })['all-proxy']).toBe('');
  });

  it("split and max-connection-per-server show the download's count, else the settings' default", () => {
    const global = globalOptionsView({ ...settings({ mode: 'system' }), connectionsPerDownload: 16 }, { listenPort: 6800 });
    expect([global.split, global['max-connection-per-server']]).toEqual(['16', '16']);
    const own = optionsView({ directory: '/d', defaultConnections: 16 }, {});
    expect([own.split, own['max-connection-per-server']]).toEqual(['16', '16']);
    expect(optionsView({ directory: '/d', defaultConnections: 16 }, { connections: 4 }).split).toBe('4');
  });

  it('no proxy option given: nothing to change', () => {
    expect(proxyChoiceFrom({ dir: '/x', split: '4' })).toBeUndefined();
  });
});

describe("Ferry's ferry-size option", () => {
  it('is the file\'s size in whole bytes; anything else is refused in aria2\'s words', () => {
    expect(downloadOptionsFrom({ out: 'big.iso', 'ferry-size': '4700000000' }).size).toBe(4_700_000_000);
    expect(downloadOptionsFrom({ out: 'big.iso' }).size).toBeUndefined();
    for (const bad of ['0', '-1', '1.5', '2M', '', '99999999999999999']) {
      expect(() => downloadOptionsFrom({ 'ferry-size': bad })).toThrow(/processing the option '--ferry-size'/);
    }
  });
});
