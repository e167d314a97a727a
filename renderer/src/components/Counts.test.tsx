// @vitest-environment jsdom
// The sidebar and the status bar count the same things in the same words: 7 failed and 1 canceled
// are "Failed 7" and "Canceled 1" beside the list and "7 failed · 1 canceled" below it, and the
// Canceled filter lists the canceled one only.
import { act, cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { useTransfers } from '../store/transfers-store';
import { ALL } from '../store/filters';
import { snapshot, view } from '../test/views';
import { Sidebar } from './Sidebar';
import { StatusBar } from './StatusBar';

afterEach(() => {
  cleanup();
  act(() => useTransfers.getState().setFilter(ALL));
});

describe('counts', () => {
  it('sidebar and status bar agree, and canceled transfers have their own filter', () => {
    const failed = Array.from({ length: 7 }, (_, i) => view(`f${i}`, 'failed'));
    act(() => useTransfers.getState().applySnapshot(snapshot([...failed, view('c', 'canceled'), view('a', 'completed')])));
    render(
      <>
        <Sidebar />
        <StatusBar />
      </>,
    );
    const filters = screen.getByRole('navigation', { name: 'Filters' });
    expect(within(filters).getByRole('button', { name: /^Failed/ }).textContent).toBe('Failed7');
    expect(within(filters).getByRole('button', { name: /^Canceled/ }).textContent).toBe('Canceled1');
    const status = screen.getByRole('contentinfo', { name: 'Status' });
    expect(status.textContent).toContain('7 failed');
    expect(status.textContent).toContain('1 canceled');

    act(() => within(filters).getByRole('button', { name: /^Canceled/ }).click());
    expect(useTransfers.getState().visible).toEqual(['c']);
    act(() => within(filters).getByRole('button', { name: /^Failed/ }).click());
    expect(useTransfers.getState().visible).toEqual(failed.map((v) => v.id));
  });
});
