import { describe, expect, it } from 'vitest';
import { formatAgo, formatCount, formatDuration, formatTime } from '../src/lib/format';
import { recordLabel } from '../src/lib/record-label';

describe('format', () => {
  it('durations read the way operators say them', () => {
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(42.4)).toBe('42 s');
    expect(formatDuration(252)).toBe('4 m 12 s');
    expect(formatDuration(3 * 3600 + 5 * 60)).toBe('3 h 05 m');
    expect(formatDuration(2 * 86_400 + 4 * 3600)).toBe('2 d 4 h');
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(-5)).toBe('0 s');
  });

  it('counts, ages and times', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatCount(null)).toBe('—');
    expect(formatAgo('2026-11-29T11:58:00Z', Date.parse('2026-11-29T12:00:00Z'))).toBe('2 m 0 s ago');
    expect(formatAgo(null)).toBe('never');
    expect(formatTime('2025-06-03T11:22:47.000Z')).toBe('2025-06-03 11:22:47 UTC');
    expect(formatTime('not a date')).toBe('—');
  });
});

describe('recordLabel', () => {
  it('finds the name and the Arabic name wherever the payload keeps them', () => {
    expect(recordLabel({ item: { name: 'Router', cf_name_ar: 'راوتر' } })).toEqual({ name: 'Router', arabicName: 'راوتر' });
    expect(recordLabel({ name: 'Router', custom_fields: [{ api_name: 'cf_name_ar', value: 'راوتر' }] })).toEqual({ name: 'Router', arabicName: 'راوتر' });
    expect(recordLabel({ contact: { contact_name: 'شركة النور' } })).toEqual({ name: 'شركة النور', arabicName: null });
    expect(recordLabel({ invoice_number: 'INV-0042' })).toEqual({ name: 'INV-0042', arabicName: null });
    expect(recordLabel({ item_id: '1' })).toEqual({ name: null, arabicName: null });
    expect(recordLabel(null)).toEqual({ name: null, arabicName: null });
    expect(recordLabel('text')).toEqual({ name: null, arabicName: null });
  });
});
