import { describe, expect, it } from 'vitest';
import { narrate, type DecisionFacts } from './narration.js';

const resident: DecisionFacts = {
  via: 'face',
  gateId: 'door-1',
  allow: true,
  reason: 'resident',
  subjectKind: 'resident',
  label: 'Wang Fang',
};
const stranger: DecisionFacts = {
  via: 'face',
  gateId: 'door-1',
  allow: false,
  reason: 'unknown',
  subjectKind: 'unknown',
  label: 'stranger#4',
};
const car: DecisionFacts = { via: 'plate', gateId: 'gate-1', allow: true, reason: 'resident', subjectKind: 'resident', label: '粤B3K7M9' };
const unknownCar: DecisionFacts = {
  via: 'plate',
  gateId: 'gate-1',
  allow: false,
  reason: 'unknown',
  subjectKind: 'unknown',
  label: '粤B7Q2H5',
};

describe('decision lines', () => {
  it('says who came to which gate and what the gate did, in English', () => {
    expect(narrate('en', resident, { opened: true })).toBe('face → door-1: resident Wang Fang, opened');
    expect(narrate('en', stranger, null)).toBe('face → door-1: stranger, refused');
    expect(narrate('en', car, { opened: true })).toBe("plate 粤B·3K7M9 → gate-1: resident's car, opened");
    expect(narrate('en', unknownCar, null)).toBe('plate 粤B·7Q2H5 → gate-1: unregistered car, refused');
    expect(narrate('en', resident, { opened: false, error: 'timeout' })).toBe(
      'face → door-1: resident Wang Fang, gate did not open (timeout)',
    );
    expect(narrate('en', { ...car, subjectKind: 'visitor', allow: false, reason: 'visitor_expired' }, null)).toBe(
      "plate 粤B·3K7M9 → gate-1: visitor's car, visitor's pass expired, refused",
    );
  });

  it('and in Chinese', () => {
    expect(narrate('zh', resident, { opened: true })).toBe('人脸 → 闸机 door-1: 居民 Wang Fang 已开门');
    expect(narrate('zh', stranger, null)).toBe('人脸 → 闸机 door-1: 陌生人 拒绝通行');
    expect(narrate('zh', car, { opened: true })).toBe('车牌 粤B·3K7M9 → 道闸 gate-1: 居民车辆 已抬杆');
    expect(narrate('zh', unknownCar, null)).toBe('车牌 粤B·7Q2H5 → 道闸 gate-1: 未登记车辆 拒绝通行');
    expect(narrate('zh', { ...resident, allow: false, reason: 'denied' }, null)).toBe(
      '人脸 → 闸机 door-1: 居民 Wang Fang 在黑名单上, 拒绝通行',
    );
    expect(narrate('zh', car, { opened: false, error: 'timeout' })).toBe('车牌 粤B·3K7M9 → 道闸 gate-1: 居民车辆 未能开闸 (timeout)');
  });
});
