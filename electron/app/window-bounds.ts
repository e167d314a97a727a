// Where the window opens: where it was last time, unless that place is no longer on any screen
// (monitor unplugged, resolution changed), then centered on the primary screen.
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState extends Rect {
  maximized: boolean;
}

export const DEFAULT_SIZE = { width: 1000, height: 680 };
export const MIN_SIZE = { width: 560, height: 380 };

export function parseWindowState(value: unknown): WindowState | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  const nums = [v.x, v.y, v.width, v.height];
  if (!nums.every((n) => typeof n === 'number' && Number.isFinite(n))) return undefined;
  return { x: v.x as number, y: v.y as number, width: v.width as number, height: v.height as number, maximized: v.maximized === true };
}

/** Bounds to open with, given what was saved and the work areas of the screens now attached. */
export function restoreBounds(saved: WindowState | undefined, workAreas: Rect[], primary: Rect): Rect {
  const centered = (size: { width: number; height: number }): Rect => {
    const width = Math.min(size.width, primary.width);
    const height = Math.min(size.height, primary.height);
    return {
      x: Math.round(primary.x + (primary.width - width) / 2),
      y: Math.round(primary.y + (primary.height - height) / 2),
      width,
      height,
    };
  };
  if (!saved) return centered(DEFAULT_SIZE);
  const size = { width: Math.max(MIN_SIZE.width, saved.width), height: Math.max(MIN_SIZE.height, saved.height) };
  // Visible enough: at least 100x50 px of the title bar area on some screen.
  const visible = workAreas.some((area) => {
    const overlapX = Math.min(saved.x + size.width, area.x + area.width) - Math.max(saved.x, area.x);
    const overlapY = Math.min(saved.y + 50, area.y + area.height) - Math.max(saved.y, area.y);
    return overlapX >= 100 && overlapY >= 50;
  });
  return visible ? { x: saved.x, y: saved.y, ...size } : centered(size);
}
