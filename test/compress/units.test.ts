import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { splitUnits, renderUnits } from '../../src/compress/units.js';

describe('units', () => {
  test('splits lines into sentences, keeping speaker labels and list markers as line prefixes', () => {
    const l = splitUnits('Alice: Hello there. How are you today?\n- First item here. Second part.\nDr. Smith arrived at 5 p.m. yesterday.');
    assert.deepEqual(l.units.map((u) => u.text), [
      'Hello there.',
      'How are you today?',
      'First item here.',
      'Second part.',
      'Dr. Smith arrived at 5 p.m. yesterday.',
    ]);
    assert.equal(l.text.slice(l.starts[0], l.starts[0] + l.prefix[0]), 'Alice: ');
  });

  test('never cuts inside a double-quoted passage', () => {
    const l = splitUnits('He wrote "Stop. Do not enter." and left the building quietly.');
    assert.equal(l.units.length, 1);
  });

  test('renders the kept units with their prefixes; dropped lines disappear', () => {
    const l = splitUnits('Alice: One sentence here. Two sentence here.\nBob: Nothing kept on this line.\n\nCarol: Kept line here.');
    const keep = l.units.map((u) => u.text !== 'Two sentence here.' && !u.text.startsWith('Nothing'));
    assert.equal(renderUnits(l, keep, (i) => l.units[i].text), 'Alice: One sentence here.\n\nCarol: Kept line here.');
  });
});
