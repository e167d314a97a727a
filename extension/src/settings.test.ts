import { describe, expect, test } from 'vitest';
import { planCredentialMove, splitSettings } from './settings';

describe('where each setting is kept', () => {
  test('endpoint, secret and how they were obtained go to the credential store; capture rules stay in local storage', () => {
    expect(splitSettings({ endpoint: 'http://127.0.0.1:6800/jsonrpc', secret: 's', pairedBy: 'manual', capture: false, minSizeMiB: 5, fileTypes: ['iso'] })).toEqual({
      credentials: { endpoint: 'http://127.0.0.1:6800/jsonrpc', secret: 's', pairedBy: 'manual' },
      rest: { capture: false, minSizeMiB: 5, fileTypes: ['iso'] },
    });
    expect(splitSettings({ capture: true })).toEqual({ credentials: {}, rest: { capture: true } });
  });
});

describe('moving an earlier version\'s secret out of chrome.storage.local', () => {
  const legacy = { endpoint: 'http://127.0.0.1:6800/jsonrpc', secret: 'old', pairedBy: 'manual', capture: true };

  test('an empty credential store takes the old values; the old keys leave local storage, capture rules stay', () => {
    expect(planCredentialMove(legacy, undefined)).toEqual({
      take: { endpoint: 'http://127.0.0.1:6800/jsonrpc', secret: 'old', pairedBy: 'manual' },
      removeFromLocal: ['endpoint', 'secret', 'pairedBy'],
    });
  });

  test('a credential store that already holds values keeps them; the old keys are removed all the same', () => {
    expect(planCredentialMove({ secret: 'old' }, { endpoint: 'http://127.0.0.1:7000/jsonrpc', secret: 'new', pairedBy: 'native' })).toEqual({ removeFromLocal: ['secret'] });
  });

  test('nothing to do when local storage holds no credentials', () => {
    expect(planCredentialMove({ capture: true, minSizeMiB: 0 }, undefined)).toEqual({ removeFromLocal: [] });
  });
});
