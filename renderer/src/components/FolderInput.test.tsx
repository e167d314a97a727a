// @vitest-environment jsdom
// The "Save to folder" field shared by the add and import dialogs: typed where the host has no
// native dialogs, picked where it has; the host's refusal beside the field and named by it; the
// default folder in the placeholder and the help line.
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState, type ReactNode } from 'react';
import type { ErrorReply } from '../../../shared/contract';
import { afterEach, describe, expect, it } from 'vitest';
import { useTransfers } from '../store/transfers-store';
import { demoHost, settle } from '../test/demo-app';
import { FolderInput, useFolderChoice } from './FolderInput';

let host: Awaited<ReturnType<typeof demoHost>> | undefined;
afterEach(() => {
  cleanup();
  host?.stop();
});

function field(props: { value?: string; error?: string | null; children?: ReactNode }) {
  const changed: string[] = [];
  let cleared = 0;
  const view = render(
    <FolderInput id="f" value={props.value ?? ''} error={props.error ?? null} onChange={(folder) => changed.push(folder)} onClear={() => cleared++} help={(defaultFolder) => <>Else to {defaultFolder}.</>}>
      {props.children}
    </FolderInput>,
  );
  return { view, changed, cleared: () => cleared };
}

describe('FolderInput, typed (web host)', () => {
  it('is labelled, shows the default folder, passes on what is typed and is described by its help', async () => {
    host = await demoHost({ count: 0, active: 0 });
    const { changed } = field({});
    const input = screen.getByLabelText('Save to folder') as HTMLInputElement;
    expect(input.id).toBe('f');
    expect(input.readOnly).toBe(false);
    expect(input.placeholder).toBe('/home/you/Downloads');
    const help = document.getElementById('f-help')!;
    expect(help.textContent).toBe('Else to /home/you/Downloads.');
    expect(help.querySelector('code')?.textContent).toBe('/home/you/Downloads');
    expect(input.getAttribute('aria-describedby')).toBe('f-help');
    expect(input.getAttribute('aria-invalid')).toBeNull();
    fireEvent.change(input, { target: { value: '~/Documents' } });
    expect(changed).toEqual(['~/Documents']);
    expect(screen.queryByRole('button')).toBeNull();
  });

  it("says the host's refusal beside the field, which it is then described by", async () => {
    host = await demoHost({ count: 0, active: 0 });
    field({ value: 'Documents', error: 'Type a full folder path' });
    const input = screen.getByLabelText('Save to folder');
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toBe('Type a full folder path');
    expect(alert.id).toBe('f-error');
    expect(input.getAttribute('aria-describedby')).toBe('f-error');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    // The help line stays, under what the dialog adds between them.
    expect(document.getElementById('f-help')).not.toBeNull();
  });

  it('puts what the dialog adds between the error and the help line', async () => {
    host = await demoHost({ count: 0, active: 0 });
    const { view } = field({ error: 'No', children: <span data-testid="rule">rule</span> });
    const order = [...view.container.querySelector('.field')!.children].map((el) => el.id || el.getAttribute('data-testid') || el.tagName.toLowerCase());
    expect(order).toEqual(['label', 'f', 'f-error', 'rule', 'f-help']);
  });

  it('names "the default folder" in words when the host has none', async () => {
    host = await demoHost({ count: 0, active: 0 });
    field({});
    const settings = useTransfers.getState().settings!;
    act(() => useTransfers.setState({ settings: { ...settings, downloadDirectory: '' } }));
    expect(document.getElementById('f-help')!.textContent).toBe('Else to the default folder.');
    expect((screen.getByLabelText('Save to folder') as HTMLInputElement).placeholder).toBe('Default download folder');
  });
});

describe('FolderInput, picked (desktop host)', () => {
  it('is read-only; "Choose folder…" passes on the picked folder, "Use default" shows once there is one', async () => {
    host = await demoHost({ count: 0, active: 0, desktop: true });
    const { changed, cleared, view } = field({});
    const input = screen.getByLabelText('Save to folder') as HTMLInputElement;
    expect(input.readOnly).toBe(true);
    expect(screen.queryByRole('button', { name: 'Use default' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Choose folder…' }));
    await settle(20);
    expect(changed).toEqual(['/home/you/Projects/releases']);
    view.rerender(
      <FolderInput id="f" value="/home/you/Projects/releases" error={null} onChange={() => {}} onClear={() => {}} help={() => null} />,
    );
    expect(input.value).toBe('/home/you/Projects/releases');
    expect(screen.getByRole('button', { name: 'Use default' })).toBeTruthy();
    expect(cleared()).toBe(0);
  });

  it('"Use default" asks the dialog to clear the folder', async () => {
    host = await demoHost({ count: 0, active: 0, desktop: true });
    const { cleared } = field({ value: '/home/you/Projects/releases' });
    fireEvent.click(screen.getByRole('button', { name: 'Use default' }));
    expect(cleared()).toBe(1);
  });
});

describe('useFolderChoice', () => {
  // A dialog in miniature: it sends the folder, the host answers with `reply`.
  function Dialog({ reply }: { reply: ErrorReply }) {
    const folder = useFolderChoice();
    const [other, setOther] = useState('');
    const send = () => {
      folder.clearError();
      if (!folder.takeError(reply)) setOther(reply.message);
    };
    return (
      <>
        <FolderInput id="d" {...folder.field} help={() => null} />
        <button type="button" onClick={send}>
          Send
        </button>
        <output>{`${folder.folder}|${other}`}</output>
      </>
    );
  }
  const refusal: ErrorReply = { code: 'INVALID_INPUT', field: 'directory', message: 'Invalid input for addDownloads: Type a full folder path (at directory)' };

  it("keeps the host's word on the folder beside the field until the folder changes; sends it trimmed", async () => {
    host = await demoHost({ count: 0, active: 0 });
    render(<Dialog reply={refusal} />);
    const input = screen.getByLabelText('Save to folder');
    fireEvent.change(input, { target: { value: '  Documents ' } });
    expect(screen.getByRole('status').textContent).toBe('Documents|');
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect(screen.getByRole('alert').textContent).toBe('Type a full folder path');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    fireEvent.change(input, { target: { value: '~/Documents' } });
    expect(screen.queryByRole('alert')).toBeNull();
    expect(input.getAttribute('aria-invalid')).toBeNull();
  });

  it('leaves an error about anything else to the dialog', async () => {
    host = await demoHost({ count: 0, active: 0 });
    render(<Dialog reply={{ code: 'FAILED', message: 'The host is busy' }} />);
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByRole('status').textContent).toBe('|The host is busy');
  });
});
