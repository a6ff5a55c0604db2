import { describe, expect, it } from 'vitest';
import { isNewEnergy, isValidPlate, matchTemplate, normalisePlate, provinceOf, PROVINCES } from './grammar.js';

describe('plate grammar', () => {
  it('has the 31 provinces', () => expect([...PROVINCES]).toHaveLength(31));
  it.each([
    ['粤B12345', 'standard'],
    ['京AF0236', 'standard'],
    ['粤OT9048', 'standard'],
    ['皖Q0686学', 'special'],
    ['京A0001警', 'special'],
    ['鲁A1234挂', 'special'],
    ['粤Z1234港', 'special'],
    ['皖AD11166', 'new-energy-small'],
    ['粤B12345D', 'new-energy-large'],
    ['使014578', 'embassy'],
    ['民航B0150', 'civil-aviation'],
  ])('%s is a %s plate', (plate, name) => expect(matchTemplate(plate)?.name).toBe(name));
  it.each(['粤B1234', '粤BI2345', '粤B12O45', 'AB12345', '粤112345', '皖AX1234567', '皖AD1X166', '皖AMZ21D', ''])(
    '%s is not a plate',
    (p) => expect(isValidPlate(p)).toBe(false),
  );
  it('normalises separators and case', () => expect(normalisePlate(' 粤b·d12345 ')).toBe('粤BD12345'));
  it('knows provinces and new-energy plates', () => {
    expect(provinceOf('湘A12345')).toBe('湘');
    expect(provinceOf('使014578')).toBe('');
    expect(isNewEnergy('皖AD11166')).toBe(true);
    expect(isNewEnergy('皖A11166')).toBe(false);
  });
});
