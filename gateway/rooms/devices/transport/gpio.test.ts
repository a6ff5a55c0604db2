import { describe, expect, it } from 'vitest';
import { gpiogetArgs, gpiomonArgs, linesHeldBy, parseGpiomonLine } from './gpio.js';

const button = { offset: 0, activeLow: true, bias: 'pull-up' as const };

describe('libgpiod v1 tool arguments (Debian gpiod 1.6)', () => {
  it('reads an active-low input with its bias', () => {
    expect(gpiogetArgs('gpiochip0', button)).toEqual(['--active-low', '--bias=pull-up', 'gpiochip0', '0']);
  });
  it('monitors input lines with a parseable format', () => {
    expect(gpiomonArgs('gpiochip0', [button])).toEqual(['--format=%e %o %s %n', '--active-low', '--bias=pull-up', 'gpiochip0', '0']);
  });
  it('parses gpiomon event lines and ignores anything else', () => {
    expect(parseGpiomonLine('1 0 1700000000 250000000')).toEqual({ value: 1, offset: 0, ts: 1700000000250 });
    expect(parseGpiomonLine('0 3 12 999999999')).toEqual({ value: 0, offset: 3, ts: 12999 });
    expect(parseGpiomonLine('event: RISING EDGE offset: 0')).toBeUndefined();
  });
  it('spells the disabled bias as libgpiod v1 does', () => {
    expect(gpiogetArgs('c', { offset: 2, activeLow: false, bias: 'disabled' })).toEqual(['--bias=disable', 'c', '2']);
  });
  it('knows from gpioinfo when gpiomon holds the input lines', () => {
    const info =
      'gpiochip0 - 8 lines:\n\tline   0:      unnamed  "gpiomon"   input  active-low [used]\n\tline   1:      unnamed  "gpioset"  output  active-high [used]\n\tline   2:      unnamed       unused   input  active-high\n';
    expect(linesHeldBy(info, [0])).toBe(true);
    expect(linesHeldBy(info, [0, 2])).toBe(false);
    expect(linesHeldBy(info, [1])).toBe(false);
  });
});
