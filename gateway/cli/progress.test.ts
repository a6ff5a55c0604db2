import { describe, expect, it } from 'vitest';
import { barLine } from './progress.js';
import { stringWidth } from './text-width.js';

describe('CLI progress bar', () => {
  it('shows count, percentage, rate and time left, and fits Chinese labels in the terminal width', () => {
    const label = '第 26 行 r-26: 已写入 (版本 1)';
    expect(barLine(25, 100, label, 10_000, 100)).toBe(`[${'█'.repeat(6)}${'░'.repeat(18)}] 25/100 25%  ${label}  2.5/s ETA 0:30`);
    const narrow = barLine(25, 100, label, 10_000, 64);
    expect(narrow).toBe(`[${'█'.repeat(6)}${'░'.repeat(18)}] 25/100 25%  第 26 行…  2.5/s ETA 0:30`);
    expect(stringWidth(narrow)).toBeLessThanOrEqual(64);
    expect(stringWidth('张伟ab')).toBe(6);
    expect(barLine(1, 2, 'label', 0, 20)).toBe('[████████████░░░░░░░░░░░░] 1/2 50%');
  });
});
