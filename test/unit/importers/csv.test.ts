import { test } from 'node:test';
import assert from 'node:assert/strict';
import { flag, num, parseCsv, str } from '../../../bench/record/importers/csv.js';

test('parseCsv reads quoted cells with commas, doubled quotes and newlines', () => {
  const rows = parseCsv('a,b,c\n1,"x, y","say ""hi""\nthere"\r\n2,,\n');
  assert.equal(rows.length, 2);
  assert.deepEqual(rows[0], { a: '1', b: 'x, y', c: 'say "hi"\nthere' });
  assert.deepEqual(rows[1], { a: '2', b: '', c: '' });
});

test('parseCsv pads short rows and skips blank lines', () => {
  const rows = parseCsv('a,b\n1\n\n3,4');
  assert.deepEqual(rows, [{ a: '1', b: '' }, { a: '3', b: '4' }]);
});

test('num keeps unknown cells absent, flag reads 1/true/True', () => {
  const [r] = parseCsv('x,y,z,f,g\n1.5,,abc,True,0');
  assert.ok(r);
  assert.equal(num(r, 'x'), 1.5);
  assert.equal(num(r, 'y'), undefined);
  assert.equal(num(r, 'z'), undefined);
  assert.equal(num(r, 'missing'), undefined);
  assert.equal(flag(r, 'f'), true);
  assert.equal(flag(r, 'g'), false);
  assert.equal(str(r, 'missing'), '');
});
