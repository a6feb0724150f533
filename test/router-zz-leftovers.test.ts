import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FIXTURES, processesUnder } from './fixtures/router/harness.js';

// Runs after every other router test file (the suite runs files one at a time, in name order):
// each micro they started ran inside test/fixtures/router, so none may be left there.
test('no micro process started by the router tests remains', () => {
  assert.deepEqual(processesUnder(FIXTURES), []);
});
